//! The NotificationType and TableEventType values, the availability flags,
//! and the presence table of NotificationData ([MS-OXCNOTIF] 2.2.1.4.1.2).

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

/// One NotificationType value that names an event: the value, its spec
/// name, and the requirement that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationTypeName {
    /// The value (low 12 bits of NotificationFlags).
    pub value: u16,
    /// The spec name, e.g. `ObjectCreated`.
    pub name: &'static str,
    /// The requirement that defines the value ([MS-OXCNOTIF] 2.2.1.4.1.2).
    pub requirement: &'static str,
}

/// The one table of NotificationType names (MS-OXCNOTIF_R103–R110), in value
/// order. Each value is also the bit that subscribes to the event in
/// RopRegisterNotification's NotificationTypes (MS-OXCNOTIF_R40–R47), so
/// the request's listing, the model's events and the dissector all read
/// their names from here. 0x0400 is not listed: it is reserved here
/// (MS-OXCNOTIF_R111) and means Extended in NotificationTypes.
pub const NOTIFICATION_TYPES: [NotificationTypeName; 8] = [
    NotificationTypeName { value: nt::NEW_MAIL, name: "NewMail", requirement: "MS-OXCNOTIF_R103" },
    NotificationTypeName { value: nt::OBJECT_CREATED, name: "ObjectCreated", requirement: "MS-OXCNOTIF_R104" },
    NotificationTypeName { value: nt::OBJECT_DELETED, name: "ObjectDeleted", requirement: "MS-OXCNOTIF_R105" },
    NotificationTypeName { value: nt::OBJECT_MODIFIED, name: "ObjectModified", requirement: "MS-OXCNOTIF_R106" },
    NotificationTypeName { value: nt::OBJECT_MOVED, name: "ObjectMoved", requirement: "MS-OXCNOTIF_R107" },
    NotificationTypeName { value: nt::OBJECT_COPIED, name: "ObjectCopied", requirement: "MS-OXCNOTIF_R108" },
    NotificationTypeName { value: nt::SEARCH_COMPLETED, name: "SearchCompleted", requirement: "MS-OXCNOTIF_R109" },
    NotificationTypeName { value: nt::TABLE_MODIFIED, name: "TableModified", requirement: "MS-OXCNOTIF_R110" },
];

/// The spec name of a NotificationType value, if it has one (the reserved
/// 0x0400 is `reserved`).
///
/// ```
/// use oxcnotif::wire::notification_data::{notification_type, type_name};
///
/// assert_eq!(type_name(notification_type::OBJECT_CREATED), Some("ObjectCreated"));
/// assert_eq!(type_name(notification_type::RESERVED), Some("reserved"));
/// assert_eq!(type_name(0x0003), None);
/// ```
pub fn type_name(t: u16) -> Option<&'static str> {
    if t == nt::RESERVED {
        return Some("reserved");
    }
    NOTIFICATION_TYPES.iter().find(|n| n.value == t).map(|n| n.name)
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
pub struct Presence(pub(super) u32);

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
