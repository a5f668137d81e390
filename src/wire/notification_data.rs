//! NotificationData: [MS-OXCNOTIF] 2.2.1.4.1.2.
//!
//! Every field after NotificationFlags is conditional. Which ones are
//! present is decided by [`presence`], one function used by the decoder (to
//! frame) and the encoder (to refuse a value whose fields disagree with its
//! flags), so the two cannot drift apart. The rules, with their
//! requirements, are listed at [`Field`].
//!
//! Lossless: NotificationFlags and TableEventType keep every bit, including
//! values outside the spec's tables; TagCount is kept as sent (0x0000 and
//! 0xFFFF both mean "no Tags"); UnicodeFlag keeps its raw byte (nonzero
//! selects UTF-16LE); MessageClass keeps its bytes and whether it had its
//! terminator. TableRowData is kept as bytes: it can only be read with the
//! table's column set.

use super::codec::{put_u32, EncodeError, Error, Id8, Level, Reader};
use super::value::{kind_of, MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// NotificationType values ([MS-OXCNOTIF] 2.2.1.4.1.2, MS-OXCNOTIF_R103–R111).
pub mod notification_type {
    /// NewMail.
    pub const NEW_MAIL: u16 = 0x0002;
    /// ObjectCreated.
    pub const OBJECT_CREATED: u16 = 0x0004;
    /// ObjectDeleted.
    pub const OBJECT_DELETED: u16 = 0x0008;
    /// ObjectModified.
    pub const OBJECT_MODIFIED: u16 = 0x0010;
    /// ObjectMoved.
    pub const OBJECT_MOVED: u16 = 0x0020;
    /// ObjectCopied.
    pub const OBJECT_COPIED: u16 = 0x0040;
    /// SearchCompleted.
    pub const SEARCH_COMPLETED: u16 = 0x0080;
    /// TableModified.
    pub const TABLE_MODIFIED: u16 = 0x0100;
    /// Reserved: not used by the server (MS-OXCNOTIF_R111001).
    pub const RESERVED: u16 = 0x0400;
}
use notification_type as nt;

/// The availability flags in the high 4 bits of NotificationFlags.
pub mod flag {
    /// T: TotalMessageCount is present; type MUST be ObjectModified (MS-OXCNOTIF_R114).
    pub const T: u16 = 0x1000;
    /// U: UnreadMessageCount is present; type MUST be ObjectModified (MS-OXCNOTIF_R117).
    pub const U: u16 = 0x2000;
    /// S: the event is in a search folder; M MUST be set too (MS-OXCNOTIF_R120).
    pub const S: u16 = 0x4000;
    /// M: the event concerns a message, not a folder.
    pub const M: u16 = 0x8000;
}

/// Mask of the NotificationType enumeration (the low 12 bits, MS-OXCNOTIF_R101).
pub const TYPE_MASK: u16 = 0x0FFF;

/// TableEventType values ([MS-OXCNOTIF] 2.2.1.4.1.2, MS-OXCNOTIF_R128–R132).
pub mod table_event_type {
    /// TableChanged.
    pub const TABLE_CHANGED: u16 = 0x0001;
    /// TableRowAdded.
    pub const TABLE_ROW_ADDED: u16 = 0x0003;
    /// TableRowDeleted.
    pub const TABLE_ROW_DELETED: u16 = 0x0004;
    /// TableRowModified.
    pub const TABLE_ROW_MODIFIED: u16 = 0x0005;
    /// TableRestrictionChanged.
    pub const TABLE_RESTRICTION_CHANGED: u16 = 0x0007;
}

/// The spec name of a NotificationType value, if it has one.
pub fn type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        nt::NEW_MAIL => "NewMail",
        nt::OBJECT_CREATED => "ObjectCreated",
        nt::OBJECT_DELETED => "ObjectDeleted",
        nt::OBJECT_MODIFIED => "ObjectModified",
        nt::OBJECT_MOVED => "ObjectMoved",
        nt::OBJECT_COPIED => "ObjectCopied",
        nt::SEARCH_COMPLETED => "SearchCompleted",
        nt::TABLE_MODIFIED => "TableModified",
        nt::RESERVED => "reserved",
        _ => return None,
    })
}

/// The spec name of a TableEventType value, if it has one.
pub fn table_event_name(t: u16) -> Option<&'static str> {
    use table_event_type as tet;
    Some(match t {
        tet::TABLE_CHANGED => "TableChanged",
        tet::TABLE_ROW_ADDED => "TableRowAdded",
        tet::TABLE_ROW_DELETED => "TableRowDeleted",
        tet::TABLE_ROW_MODIFIED => "TableRowModified",
        tet::TABLE_RESTRICTION_CHANGED => "TableRestrictionChanged",
        _ => return None,
    })
}

/// NotificationFlags as text: the type's name and the set flags.
pub fn flags_name(flags: u16) -> String {
    let t = flags & TYPE_MASK;
    let mut s = match type_name(t) {
        Some(n) => n.to_string(),
        None => format!("undefined type 0x{t:03X}"),
    };
    for (bit, name) in [(flag::T, "T"), (flag::U, "U"), (flag::S, "S"), (flag::M, "M")] {
        if flags & bit != 0 {
            s.push('|');
            s.push_str(name);
        }
    }
    s
}

/// The conditional fields of NotificationData, in wire order, each with
/// the rule that makes it present (`type` = NotificationFlags & 0x0FFF,
/// `tet` = TableEventType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// `type == 0x0100` (MS-OXCNOTIF_R124).
    TableEventType,
    /// `tet ∈ {3,4,5}` (MS-OXCNOTIF_R142).
    TableRowFolderID,
    /// M and `tet ∈ {3,4,5}` (MS-OXCNOTIF_R146).
    TableRowMessageID,
    /// M and `tet ∈ {3,4,5}` (MS-OXCNOTIF_R150).
    TableRowInstance,
    /// `tet ∈ {3,5}`, with no M condition (MS-OXCNOTIF_R154).
    InsertAfterTableRowFolderID,
    /// M and `tet ∈ {3,5}` (MS-OXCNOTIF_R158).
    InsertAfterTableRowID,
    /// M and `tet ∈ {3,5}` (MS-OXCNOTIF_R161001).
    InsertAfterTableRowInstance,
    /// TableRowDataSize and TableRowData: `tet ∈ {3,5}` (MS-OXCNOTIF_R164, R167).
    TableRowData,
    /// `type ∉ {0x0100, 0x0400}` (MS-OXCNOTIF_R171).
    FolderId,
    /// `type ∉ {0x0100, 0x0400}` and M (MS-OXCNOTIF_R175).
    MessageId,
    /// `type ∈ {0x04,0x08,0x20,0x40}` and S, M both set or both clear (MS-OXCNOTIF_R179).
    ParentFolderId,
    /// `type ∈ {0x20,0x40}` (MS-OXCNOTIF_R183).
    OldFolderId,
    /// `type ∈ {0x20,0x40}` and M (MS-OXCNOTIF_R187).
    OldMessageId,
    /// `type ∈ {0x20,0x40}` and not M (MS-OXCNOTIF_R191).
    OldParentFolderId,
    /// `type ∈ {0x04,0x10}` (MS-OXCNOTIF_R195); Tags follow unless TagCount is 0 or 0xFFFF (R203).
    TagCount,
    /// T (MS-OXCNOTIF_R207).
    TotalMessageCount,
    /// U (MS-OXCNOTIF_R211).
    UnreadMessageCount,
    /// MessageFlags, UnicodeFlag and MessageClass: `type == 0x0002` (MS-OXCNOTIF_R215, R221, R226).
    NewMail,
}

impl Field {
    /// The requirement that states the field's presence rule.
    pub fn rule(self) -> &'static str {
        match self {
            Field::TableEventType => "MS-OXCNOTIF_R124",
            Field::TableRowFolderID => "MS-OXCNOTIF_R142",
            Field::TableRowMessageID => "MS-OXCNOTIF_R146",
            Field::TableRowInstance => "MS-OXCNOTIF_R150",
            Field::InsertAfterTableRowFolderID => "MS-OXCNOTIF_R154",
            Field::InsertAfterTableRowID => "MS-OXCNOTIF_R158",
            Field::InsertAfterTableRowInstance => "MS-OXCNOTIF_R161001",
            Field::TableRowData => "MS-OXCNOTIF_R164",
            Field::FolderId => "MS-OXCNOTIF_R171",
            Field::MessageId => "MS-OXCNOTIF_R175",
            Field::ParentFolderId => "MS-OXCNOTIF_R179",
            Field::OldFolderId => "MS-OXCNOTIF_R183",
            Field::OldMessageId => "MS-OXCNOTIF_R187",
            Field::OldParentFolderId => "MS-OXCNOTIF_R191",
            Field::TagCount => "MS-OXCNOTIF_R195",
            Field::TotalMessageCount => "MS-OXCNOTIF_R207",
            Field::UnreadMessageCount => "MS-OXCNOTIF_R211",
            Field::NewMail => "MS-OXCNOTIF_R215",
        }
    }
}

/// The set of conditional fields present, from [`presence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence(u32);

impl Presence {
    /// Whether `f` is present.
    #[inline]
    pub fn has(self, f: Field) -> bool {
        self.0 & (1 << f as u8) != 0
    }
}

/// The presence table of [MS-OXCNOTIF] 2.2.1.4.1.2 (fact sheet §4.3).
/// `table_event_type` is only looked at when NotificationFlags makes it present.
#[inline]
pub fn presence(notification_flags: u16, table_event_type: u16) -> Presence {
    let t = notification_flags & TYPE_MASK;
    let m = notification_flags & flag::M != 0;
    let s = notification_flags & flag::S != 0;
    let mut bits = 0u32;
    let mut set = |f: Field, on: bool| {
        if on {
            bits |= 1 << f as u8
        }
    };
    let table = t == nt::TABLE_MODIFIED;
    let row = table && matches!(table_event_type, 3..=5);
    let row_pos = table && matches!(table_event_type, 3 | 5);
    set(Field::TableEventType, table);
    set(Field::TableRowFolderID, row);
    set(Field::TableRowMessageID, row && m);
    set(Field::TableRowInstance, row && m);
    set(Field::InsertAfterTableRowFolderID, row_pos);
    set(Field::InsertAfterTableRowID, row_pos && m);
    set(Field::InsertAfterTableRowInstance, row_pos && m);
    set(Field::TableRowData, row_pos);
    let object = t != nt::TABLE_MODIFIED && t != nt::RESERVED;
    set(Field::FolderId, object);
    set(Field::MessageId, object && m);
    let moved = t == nt::OBJECT_MOVED || t == nt::OBJECT_COPIED;
    set(
        Field::ParentFolderId,
        matches!(t, nt::OBJECT_CREATED | nt::OBJECT_DELETED | nt::OBJECT_MOVED | nt::OBJECT_COPIED) && s == m,
    );
    set(Field::OldFolderId, moved);
    set(Field::OldMessageId, moved && m);
    set(Field::OldParentFolderId, moved && !m);
    set(Field::TagCount, t == nt::OBJECT_CREATED || t == nt::OBJECT_MODIFIED);
    set(Field::TotalMessageCount, notification_flags & flag::T != 0);
    set(Field::UnreadMessageCount, notification_flags & flag::U != 0);
    set(Field::NewMail, t == nt::NEW_MAIL);
    Presence(bits)
}

/// Whether a present TagCount is followed by Tags (MS-OXCNOTIF_R203).
#[inline]
pub fn tags_present(tag_count: u16) -> bool {
    tag_count != 0 && tag_count != 0xFFFF
}

/// MessageClass as sent: the bytes before the terminator, and whether the
/// terminator (one 0x00 byte, or two for UTF-16LE) was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageClass {
    /// The string's bytes, without the terminator.
    pub bytes: Vec<u8>,
    /// Whether it ended with its terminator (MS-OXCNOTIF_R223).
    pub terminated: bool,
}

impl MessageClass {
    /// A terminated message class from text, in UTF-16LE when `unicode`,
    /// else ASCII. Refuses NUL, and non-ASCII text in the 8-bit form.
    pub fn from_text(text: &str, unicode: bool) -> Result<Self, String> {
        if text.contains('\0') {
            return Err("contains NUL, which would end the string early".into());
        }
        let bytes = if unicode {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            if !text.is_ascii() {
                return Err("non-ASCII text cannot be sent with UnicodeFlag 0x00; use the {Bytes, Terminated} form to give the bytes".into());
            }
            text.as_bytes().to_vec()
        };
        Ok(MessageClass { bytes, terminated: true })
    }

    /// The text, when the string is terminated and decodes cleanly (ASCII,
    /// or UTF-16LE when `unicode`).
    pub fn text(&self, unicode: bool) -> Option<String> {
        if !self.terminated {
            return None;
        }
        if unicode {
            if self.bytes.len() % 2 != 0 {
                return None;
            }
            let units = self.bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
            char::decode_utf16(units).collect::<Result<String, _>>().ok()
        } else if self.bytes.is_ascii() {
            String::from_utf8(self.bytes.clone()).ok()
        } else {
            None
        }
    }

    /// Checks that decoding the encoded form gives this value back: a
    /// terminated string may not contain its terminator.
    fn check(&self, unicode: bool) -> Result<(), String> {
        if !self.terminated {
            return Ok(());
        }
        let early = if unicode {
            self.bytes.len() % 2 != 0 || self.bytes.chunks_exact(2).any(|c| c == [0, 0])
        } else {
            self.bytes.contains(&0)
        };
        if early {
            Err(if unicode {
                "a terminated UTF-16LE string has an even number of bytes and no 00 00 unit before its end"
            } else {
                "a terminated 8-bit string has no 00 byte before its end"
            }
            .into())
        } else {
            Ok(())
        }
    }
}

/// The NotificationData structure. `None` means absent; which fields are
/// present follows from NotificationFlags and TableEventType ([`presence`]).
/// TableRowDataSize is not stored: it is `table_row_data`'s length.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationData {
    /// NotificationFlags: type (low 12 bits) and T/U/S/M flags.
    pub notification_flags: u16,
    /// TableEventType.
    pub table_event_type: Option<u16>,
    /// TableRowFolderID.
    pub table_row_folder_id: Option<Id8>,
    /// TableRowMessageID.
    pub table_row_message_id: Option<Id8>,
    /// TableRowInstance.
    pub table_row_instance: Option<u32>,
    /// InsertAfterTableRowFolderID.
    pub insert_after_table_row_folder_id: Option<Id8>,
    /// InsertAfterTableRowID.
    pub insert_after_table_row_id: Option<Id8>,
    /// InsertAfterTableRowInstance.
    pub insert_after_table_row_instance: Option<u32>,
    /// TableRowData (a PropertyRow, kept as bytes).
    pub table_row_data: Option<Vec<u8>>,
    /// FolderId.
    pub folder_id: Option<Id8>,
    /// MessageId.
    pub message_id: Option<Id8>,
    /// ParentFolderId.
    pub parent_folder_id: Option<Id8>,
    /// OldFolderId.
    pub old_folder_id: Option<Id8>,
    /// OldMessageId.
    pub old_message_id: Option<Id8>,
    /// OldParentFolderId.
    pub old_parent_folder_id: Option<Id8>,
    /// TagCount.
    pub tag_count: Option<u16>,
    /// Tags: present when TagCount is present and not 0x0000 or 0xFFFF.
    pub tags: Option<Vec<u32>>,
    /// TotalMessageCount.
    pub total_message_count: Option<u32>,
    /// UnreadMessageCount.
    pub unread_message_count: Option<u32>,
    /// MessageFlags.
    pub message_flags: Option<u32>,
    /// UnicodeFlag, the raw byte.
    pub unicode_flag: Option<u8>,
    /// MessageClass.
    pub message_class: Option<MessageClass>,
}

const FIELDS: &[&str] = &[
    "NotificationFlags",
    "TableEventType",
    "TableRowFolderID",
    "TableRowMessageID",
    "TableRowInstance",
    "InsertAfterTableRowFolderID",
    "InsertAfterTableRowID",
    "InsertAfterTableRowInstance",
    "TableRowDataSize",
    "TableRowData",
    "FolderId",
    "MessageId",
    "ParentFolderId",
    "OldFolderId",
    "OldMessageId",
    "OldParentFolderId",
    "TagCount",
    "Tags",
    "TotalMessageCount",
    "UnreadMessageCount",
    "MessageFlags",
    "UnicodeFlag",
    "MessageClass",
];

impl NotificationData {
    /// The NotificationType (low 12 bits of NotificationFlags).
    pub fn notification_type(&self) -> u16 {
        self.notification_flags & TYPE_MASK
    }

    fn flag_findings(r: &mut Reader, flags: u16, at: usize) {
        let t = flags & TYPE_MASK;
        if t == nt::RESERVED {
            // MS-OXCNOTIF_R111001
            r.finding(
                "MS-OXCNOTIF_R111001",
                Level::Must,
                "NotificationFlags",
                at,
                "NotificationType 0x0400 is reserved and not used by the server".into(),
            );
        } else if type_name(t).is_none() {
            // MS-OXCNOTIF_R102
            let why = if t.count_ones() > 1 { "several type bits are set at once" } else { "not in the spec's table" };
            r.finding(
                "MS-OXCNOTIF_R102",
                Level::Must,
                "NotificationFlags",
                at,
                format!("NotificationType 0x{t:04X} is not a defined value: {why}"),
            );
        }
        if flags & flag::T != 0 && t != nt::OBJECT_MODIFIED {
            // MS-OXCNOTIF_R114
            r.finding(
                "MS-OXCNOTIF_R114",
                Level::Must,
                "NotificationFlags",
                at,
                format!("T (0x1000) is set, so NotificationType MUST be 0x0010, not 0x{t:04X}"),
            );
        }
        if flags & flag::U != 0 && t != nt::OBJECT_MODIFIED {
            // MS-OXCNOTIF_R117
            r.finding(
                "MS-OXCNOTIF_R117",
                Level::Must,
                "NotificationFlags",
                at,
                format!("U (0x2000) is set, so NotificationType MUST be 0x0010, not 0x{t:04X}"),
            );
        }
        if flags & flag::S != 0 && flags & flag::M == 0 {
            // MS-OXCNOTIF_R120
            r.finding(
                "MS-OXCNOTIF_R120",
                Level::Must,
                "NotificationFlags",
                at,
                "S (0x4000) is set, so M (0x8000) MUST be set too".into(),
            );
        }
    }

    /// The set of conditional fields this value holds, as a [`Presence`].
    #[inline]
    fn held(&self) -> Presence {
        let mut bits = 0u32;
        let mut set = |f: Field, on: bool| bits |= (on as u32) << f as u8;
        set(Field::TableEventType, self.table_event_type.is_some());
        set(Field::TableRowFolderID, self.table_row_folder_id.is_some());
        set(Field::TableRowMessageID, self.table_row_message_id.is_some());
        set(Field::TableRowInstance, self.table_row_instance.is_some());
        set(Field::InsertAfterTableRowFolderID, self.insert_after_table_row_folder_id.is_some());
        set(Field::InsertAfterTableRowID, self.insert_after_table_row_id.is_some());
        set(Field::InsertAfterTableRowInstance, self.insert_after_table_row_instance.is_some());
        set(Field::TableRowData, self.table_row_data.is_some());
        set(Field::FolderId, self.folder_id.is_some());
        set(Field::MessageId, self.message_id.is_some());
        set(Field::ParentFolderId, self.parent_folder_id.is_some());
        set(Field::OldFolderId, self.old_folder_id.is_some());
        set(Field::OldMessageId, self.old_message_id.is_some());
        set(Field::OldParentFolderId, self.old_parent_folder_id.is_some());
        set(Field::TagCount, self.tag_count.is_some());
        set(Field::TotalMessageCount, self.total_message_count.is_some());
        set(Field::UnreadMessageCount, self.unread_message_count.is_some());
        // The three NewMail fields share one rule; all three must be held.
        set(
            Field::NewMail,
            self.message_flags.is_some() && self.unicode_flag.is_some() && self.message_class.is_some(),
        );
        Presence(bits)
    }

    fn check(&self) -> Result<(), EncodeError> {
        let flags = self.notification_flags;
        let p = presence(flags, self.table_event_type.unwrap_or(0));
        let held = self.held();
        let partial_new_mail = !held.has(Field::NewMail)
            && (self.message_flags.is_some() || self.unicode_flag.is_some() || self.message_class.is_some());
        if held != p || partial_new_mail {
            return Err(self.presence_error(p));
        }
        if let Some(d) = &self.table_row_data {
            if d.len() > 0xFFFF {
                return Err(EncodeError::new(
                    "TableRowData",
                    format!("{} bytes do not fit TableRowDataSize (2 bytes)", d.len()),
                ));
            }
        }
        let want_tags = self.tag_count.map(tags_present).unwrap_or(false);
        match (&self.tags, want_tags) {
            (Some(_), false) => {
                return Err(EncodeError::new(
                    "Tags",
                    match self.tag_count {
                        Some(c) => format!("present, but TagCount is 0x{c:04X}: Tags follow only a TagCount other than 0x0000 and 0xFFFF (MS-OXCNOTIF_R203)"),
                        None => "present, but TagCount is absent: Tags follow only a TagCount other than 0x0000 and 0xFFFF (MS-OXCNOTIF_R203)".into(),
                    },
                ))
            }
            (None, true) => return Err(EncodeError::new("Tags", "missing, but TagCount is not 0 or 0xFFFF (MS-OXCNOTIF_R203)")),
            (Some(tags), true) if Some(tags.len()) != self.tag_count.map(usize::from) => {
                return Err(EncodeError::new(
                    "Tags",
                    format!("{} tags, but TagCount says {}", tags.len(), self.tag_count.unwrap_or(0)),
                ))
            }
            _ => {}
        }
        if let (Some(mc), Some(u)) = (&self.message_class, self.unicode_flag) {
            mc.check(u != 0).map_err(|m| EncodeError::new("MessageClass", m))?;
        }
        Ok(())
    }
}

impl NotificationData {
    /// The refusal for the first field whose presence disagrees with `p`.
    fn presence_error(&self, p: Presence) -> EncodeError {
        let flags = self.notification_flags;
        let checks: [(&str, bool, Field); 20] = [
            ("TableEventType", self.table_event_type.is_some(), Field::TableEventType),
            ("TableRowFolderID", self.table_row_folder_id.is_some(), Field::TableRowFolderID),
            ("TableRowMessageID", self.table_row_message_id.is_some(), Field::TableRowMessageID),
            ("TableRowInstance", self.table_row_instance.is_some(), Field::TableRowInstance),
            (
                "InsertAfterTableRowFolderID",
                self.insert_after_table_row_folder_id.is_some(),
                Field::InsertAfterTableRowFolderID,
            ),
            ("InsertAfterTableRowID", self.insert_after_table_row_id.is_some(), Field::InsertAfterTableRowID),
            (
                "InsertAfterTableRowInstance",
                self.insert_after_table_row_instance.is_some(),
                Field::InsertAfterTableRowInstance,
            ),
            ("TableRowData", self.table_row_data.is_some(), Field::TableRowData),
            ("FolderId", self.folder_id.is_some(), Field::FolderId),
            ("MessageId", self.message_id.is_some(), Field::MessageId),
            ("ParentFolderId", self.parent_folder_id.is_some(), Field::ParentFolderId),
            ("OldFolderId", self.old_folder_id.is_some(), Field::OldFolderId),
            ("OldMessageId", self.old_message_id.is_some(), Field::OldMessageId),
            ("OldParentFolderId", self.old_parent_folder_id.is_some(), Field::OldParentFolderId),
            ("TagCount", self.tag_count.is_some(), Field::TagCount),
            ("TotalMessageCount", self.total_message_count.is_some(), Field::TotalMessageCount),
            ("UnreadMessageCount", self.unread_message_count.is_some(), Field::UnreadMessageCount),
            ("MessageFlags", self.message_flags.is_some(), Field::NewMail),
            ("UnicodeFlag", self.unicode_flag.is_some(), Field::NewMail),
            ("MessageClass", self.message_class.is_some(), Field::NewMail),
        ];
        for (name, has, f) in checks {
            let want = p.has(f);
            if has != want {
                let (verb, end) =
                    if want { ("missing, but", "says it is present") } else { ("present, but", "says it is absent") };
                return EncodeError::new(
                    name,
                    format!(
                        "{verb} NotificationFlags 0x{flags:04X} ({}){} {end} ({})",
                        flags_name(flags),
                        tet_clause(self.table_event_type, f),
                        f.rule()
                    ),
                );
            }
        }
        EncodeError::new("NotificationFlags", "the fields disagree with the presence rules")
    }
}

fn tet_clause(tet: Option<u16>, f: Field) -> String {
    match (f, tet) {
        (
            Field::TableRowFolderID
            | Field::TableRowMessageID
            | Field::TableRowInstance
            | Field::InsertAfterTableRowFolderID
            | Field::InsertAfterTableRowID
            | Field::InsertAfterTableRowInstance
            | Field::TableRowData,
            Some(t),
        ) => format!(" with TableEventType 0x{t:04X}"),
        _ => String::new(),
    }
}

impl NotificationData {
    /// Reads NotificationData into `d` (which must be the default value):
    /// the hot path of ROP output buffers, where building the value in
    /// place saves moving it through every layer of `Result`.
    pub fn read_in_place(&mut self, r: &mut Reader) -> Result<(), Error> {
        let d = self;
        let at = r.pos();
        let flags = r.u16("NotificationFlags")?;
        r.annotate(|| flags_name(flags));
        Self::flag_findings(r, flags, at);
        d.notification_flags = flags;
        let mut p = presence(flags, 0);
        if p.has(Field::TableEventType) {
            let at = r.pos();
            let tet = r.u16("TableEventType")?;
            r.annotate(|| table_event_name(tet).unwrap_or("undefined").to_string());
            if table_event_name(tet).is_none() {
                // MS-OXCNOTIF_R126
                r.finding(
                    "MS-OXCNOTIF_R126",
                    Level::Must,
                    "TableEventType",
                    at,
                    format!(
                        "0x{tet:04X} is not a TableEventType the spec defines (0x0001, 0x0003, 0x0004, 0x0005, 0x0007)"
                    ),
                );
            }
            d.table_event_type = Some(tet);
            p = presence(flags, tet);
        }
        if p.has(Field::TableRowFolderID) {
            d.table_row_folder_id = Some(r.id8("TableRowFolderID")?);
        }
        if p.has(Field::TableRowMessageID) {
            d.table_row_message_id = Some(r.id8("TableRowMessageID")?);
        }
        if p.has(Field::TableRowInstance) {
            d.table_row_instance = Some(r.u32("TableRowInstance")?);
        }
        if p.has(Field::InsertAfterTableRowFolderID) {
            d.insert_after_table_row_folder_id = Some(r.id8("InsertAfterTableRowFolderID")?);
        }
        if p.has(Field::InsertAfterTableRowID) {
            d.insert_after_table_row_id = Some(r.id8("InsertAfterTableRowID")?);
        }
        if p.has(Field::InsertAfterTableRowInstance) {
            d.insert_after_table_row_instance = Some(r.u32("InsertAfterTableRowInstance")?);
        }
        if p.has(Field::TableRowData) {
            let size = r.u16("TableRowDataSize")?;
            r.annotate(|| format!("({size})"));
            d.table_row_data = Some(r.bytes("TableRowData", size as usize)?.to_vec());
            r.set_value(|| "PropertyRow, kept as bytes".into());
        }
        if p.has(Field::FolderId) {
            d.folder_id = Some(r.id8("FolderId")?);
        }
        if p.has(Field::MessageId) {
            d.message_id = Some(r.id8("MessageId")?);
        }
        if p.has(Field::ParentFolderId) {
            d.parent_folder_id = Some(r.id8("ParentFolderId")?);
        }
        if p.has(Field::OldFolderId) {
            d.old_folder_id = Some(r.id8("OldFolderId")?);
        }
        if p.has(Field::OldMessageId) {
            d.old_message_id = Some(r.id8("OldMessageId")?);
        }
        if p.has(Field::OldParentFolderId) {
            d.old_parent_folder_id = Some(r.id8("OldParentFolderId")?);
        }
        if p.has(Field::TagCount) {
            let at = r.pos();
            let count = r.u16("TagCount")?;
            r.annotate(|| if tags_present(count) { format!("({count})") } else { "(no Tags follow)".into() });
            d.tag_count = Some(count);
            if count != 0 && flags & TYPE_MASK == nt::OBJECT_MODIFIED {
                // MS-OXCNOTIF_R197
                r.finding(
                    "MS-OXCNOTIF_R197",
                    Level::Should,
                    "TagCount",
                    at,
                    format!("TagCount is 0x{count:04X} for ObjectModified; it SHOULD be 0x0000 (Exchange 2013 and later send 0)"),
                );
            }
            if tags_present(count) {
                // Bounded by the input: the whole array is checked before allocating.
                let raw = r.bytes("Tags", count as usize * 4)?;
                let tags: Vec<u32> =
                    raw.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
                r.set_value(|| tags.iter().map(|t| format!("0x{t:08X}")).collect::<Vec<_>>().join(" "));
                d.tags = Some(tags);
            }
        }
        if p.has(Field::TotalMessageCount) {
            d.total_message_count = Some(r.u32("TotalMessageCount")?);
        }
        if p.has(Field::UnreadMessageCount) {
            d.unread_message_count = Some(r.u32("UnreadMessageCount")?);
        }
        if p.has(Field::NewMail) {
            d.message_flags = Some(r.u32("MessageFlags")?);
            let at = r.pos();
            let u = r.u8("UnicodeFlag")?;
            r.annotate(|| super::register_notification::bool_name(u));
            if u > 1 {
                // MS-OXCNOTIF_R218
                r.finding(
                    "MS-OXCNOTIF_R218",
                    Level::Must,
                    "UnicodeFlag",
                    at,
                    format!("UnicodeFlag is 0x{u:02X}; a Boolean is TRUE (0x01) or FALSE (0x00). Read as TRUE"),
                );
            }
            d.unicode_flag = Some(u);
            let at = r.pos();
            let (bytes, terminated) = r.cstring("MessageClass", if u != 0 { 2 } else { 1 });
            let mc = MessageClass { bytes: bytes.to_vec(), terminated };
            r.set_value(|| match mc.text(u != 0) {
                Some(t) => format!("{t:?}"),
                None => format!("{} bytes{}", mc.bytes.len(), if terminated { "" } else { ", no terminator" }),
            });
            if !terminated {
                // MS-OXCNOTIF_R223
                r.finding(
                    "MS-OXCNOTIF_R223",
                    Level::Must,
                    "MessageClass",
                    at,
                    format!(
                        "MessageClass has no {} terminator before the end of the data",
                        if u != 0 { "2-byte" } else { "1-byte" }
                    ),
                );
            }
            d.message_class = Some(mc);
        }
        Ok(())
    }
}

/// A run of fixed-size fields, gathered before appending. Table fields and
/// object fields never appear together (TableModified has no FolderId), so
/// the longest run is NotificationFlags, six IDs and TagCount (52 bytes)
/// followed by the three counts and UnicodeFlag (13): 65 bytes, well inside
/// the buffer.
struct Run {
    buf: [u8; 128],
    len: usize,
}

impl Run {
    #[inline(always)]
    fn new() -> Self {
        Run { buf: [0; 128], len: 0 }
    }
    #[inline(always)]
    fn put<const N: usize>(&mut self, b: [u8; N]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + N) {
            dst.copy_from_slice(&b);
            self.len += N;
        }
    }
    #[inline(always)]
    fn u8(&mut self, v: u8) {
        self.put([v]);
    }
    #[inline(always)]
    fn u16(&mut self, v: u16) {
        self.put(v.to_le_bytes());
    }
    #[inline(always)]
    fn u32(&mut self, v: Option<u32>) {
        if let Some(v) = v {
            self.put(v.to_le_bytes());
        }
    }
    #[inline(always)]
    fn id8(&mut self, v: &Option<Id8>) {
        if let Some(v) = v {
            self.put(v.0);
        }
    }
    #[inline(always)]
    fn flush(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl WireStructure for NotificationData {
    const NAME: &'static str = "NotificationData";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let mut d = NotificationData::default();
        d.read_in_place(r)?;
        Ok(d)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        self.write_unchecked(out);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let mut b = MapBuilder::new()
            .int("NotificationFlags", self.notification_flags)
            .opt_int("TableEventType", self.table_event_type)
            .opt_id8("TableRowFolderID", self.table_row_folder_id)
            .opt_id8("TableRowMessageID", self.table_row_message_id)
            .opt_int("TableRowInstance", self.table_row_instance)
            .opt_id8("InsertAfterTableRowFolderID", self.insert_after_table_row_folder_id)
            .opt_id8("InsertAfterTableRowID", self.insert_after_table_row_id)
            .opt_int("InsertAfterTableRowInstance", self.insert_after_table_row_instance);
        if let Some(d) = &self.table_row_data {
            b = b.int("TableRowDataSize", d.len() as u64).bytes("TableRowData", d);
        }
        b = b
            .opt_id8("FolderId", self.folder_id)
            .opt_id8("MessageId", self.message_id)
            .opt_id8("ParentFolderId", self.parent_folder_id)
            .opt_id8("OldFolderId", self.old_folder_id)
            .opt_id8("OldMessageId", self.old_message_id)
            .opt_id8("OldParentFolderId", self.old_parent_folder_id)
            .opt_int("TagCount", self.tag_count);
        if let Some(tags) = &self.tags {
            b = b.value("Tags", Value::Array(tags.iter().map(|t| Value::from(*t)).collect()));
        }
        b = b
            .opt_int("TotalMessageCount", self.total_message_count)
            .opt_int("UnreadMessageCount", self.unread_message_count)
            .opt_int("MessageFlags", self.message_flags)
            .opt_int("UnicodeFlag", self.unicode_flag);
        if let Some(mc) = &self.message_class {
            let unicode = self.unicode_flag.unwrap_or(0) != 0;
            let v = match mc.text(unicode) {
                Some(t) => Value::String(t),
                None => {
                    MapBuilder::new().bytes("Bytes", &mc.bytes).value("Terminated", Value::Bool(mc.terminated)).build()
                }
            };
            b = b.value("MessageClass", v);
        }
        b.build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        let table_row_data = o.opt_bytes("TableRowData")?;
        if let Some(size) = o.opt_u16("TableRowDataSize")? {
            match &table_row_data {
                Some(d) if d.len() == size as usize => {}
                Some(d) => {
                    return Err(EncodeError::new(
                        "TableRowDataSize",
                        format!("{size} does not match the {} bytes of TableRowData", d.len()),
                    ))
                }
                None => return Err(EncodeError::new("TableRowDataSize", "present without TableRowData")),
            }
        }
        let tags = match o.get("Tags") {
            None => None,
            Some(Value::Array(items)) => {
                let mut tags = Vec::with_capacity(items.len());
                for (i, t) in items.iter().enumerate() {
                    let n = super::value::int_of(t, u32::MAX as u64)
                        .map_err(|m| EncodeError::new(format!("Tags[{i}]"), m))?;
                    tags.push(n as u32);
                }
                Some(tags)
            }
            Some(other) => return Err(EncodeError::new("Tags", format!("expected a list, found {}", kind_of(other)))),
        };
        let unicode_flag = o.opt_u8("UnicodeFlag")?;
        let message_class = match o.get("MessageClass") {
            None => None,
            Some(Value::String(s)) => Some(
                MessageClass::from_text(s, unicode_flag.unwrap_or(0) != 0)
                    .map_err(|m| EncodeError::new("MessageClass", m))?,
            ),
            Some(m @ Value::Object(_)) => {
                const MC_FIELDS: &[&str] = &["Bytes", "Terminated"];
                let mo = Obj::new(m, MC_FIELDS).map_err(|e| e.within("MessageClass"))?;
                let bytes = mo.bytes("Bytes").map_err(|e| e.within("MessageClass"))?;
                let terminated = match mo.get("Terminated") {
                    Some(Value::Bool(b)) => *b,
                    None => true,
                    Some(x) => {
                        return Err(EncodeError::new(
                            "MessageClass.Terminated",
                            format!("expected true or false, found {x}"),
                        ))
                    }
                };
                Some(MessageClass { bytes, terminated })
            }
            Some(x) => {
                return Err(EncodeError::new(
                    "MessageClass",
                    format!("expected text or a {{Bytes, Terminated}} map, found {}", kind_of(x)),
                ))
            }
        };
        let d = NotificationData {
            notification_flags: o.u16("NotificationFlags")?,
            table_event_type: o.opt_u16("TableEventType")?,
            table_row_folder_id: o.opt_id8("TableRowFolderID")?,
            table_row_message_id: o.opt_id8("TableRowMessageID")?,
            table_row_instance: o.opt_u32("TableRowInstance")?,
            insert_after_table_row_folder_id: o.opt_id8("InsertAfterTableRowFolderID")?,
            insert_after_table_row_id: o.opt_id8("InsertAfterTableRowID")?,
            insert_after_table_row_instance: o.opt_u32("InsertAfterTableRowInstance")?,
            table_row_data,
            folder_id: o.opt_id8("FolderId")?,
            message_id: o.opt_id8("MessageId")?,
            parent_folder_id: o.opt_id8("ParentFolderId")?,
            old_folder_id: o.opt_id8("OldFolderId")?,
            old_message_id: o.opt_id8("OldMessageId")?,
            old_parent_folder_id: o.opt_id8("OldParentFolderId")?,
            tag_count: o.opt_u16("TagCount")?,
            tags,
            total_message_count: o.opt_u32("TotalMessageCount")?,
            unread_message_count: o.opt_u32("UnreadMessageCount")?,
            message_flags: o.opt_u32("MessageFlags")?,
            unicode_flag,
            message_class,
        };
        d.check()?;
        Ok(d)
    }
}

impl NotificationData {
    /// Appends the fields in wire order. The value is assumed to have
    /// passed the presence check: present fields are written, absent ones
    /// are not. Runs of fixed-size fields are gathered in a small stack
    /// buffer and appended at once.
    fn write_unchecked(&self, out: &mut Vec<u8>) {
        let mut run = Run::new();
        run.u16(self.notification_flags);
        if let Some(v) = self.table_event_type {
            run.u16(v);
        }
        run.id8(&self.table_row_folder_id);
        run.id8(&self.table_row_message_id);
        run.u32(self.table_row_instance);
        run.id8(&self.insert_after_table_row_folder_id);
        run.id8(&self.insert_after_table_row_id);
        run.u32(self.insert_after_table_row_instance);
        if let Some(d) = &self.table_row_data {
            run.u16(d.len() as u16);
            run.flush(out);
            out.extend_from_slice(d);
        }
        run.id8(&self.folder_id);
        run.id8(&self.message_id);
        run.id8(&self.parent_folder_id);
        run.id8(&self.old_folder_id);
        run.id8(&self.old_message_id);
        run.id8(&self.old_parent_folder_id);
        if let Some(v) = self.tag_count {
            run.u16(v);
        }
        if let Some(tags) = &self.tags {
            run.flush(out);
            out.reserve(tags.len() * 4);
            for t in tags {
                put_u32(out, *t);
            }
        }
        run.u32(self.total_message_count);
        run.u32(self.unread_message_count);
        run.u32(self.message_flags);
        if let Some(u) = self.unicode_flag {
            run.u8(u);
        }
        run.flush(out);
        if let Some(mc) = &self.message_class {
            out.extend_from_slice(&mc.bytes);
            if mc.terminated {
                let unit = if self.unicode_flag.unwrap_or(0) != 0 { 2 } else { 1 };
                out.extend_from_slice(&[0, 0][..unit]);
            }
        }
    }
}
