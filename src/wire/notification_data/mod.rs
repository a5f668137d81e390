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

mod check;
mod message_class;
mod presence;
mod read;
mod write;

pub use message_class::MessageClass;
pub use presence::*;

use super::codec::{put_u32, EncodeError, Error, ErrorKind, Id8, Level, Reader};
use super::property_row::PropertyRow;
use super::property_tag::PropertyTag;
use super::value::{kind_of, MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

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

    /// The value form with TableRowData shown as `row` (a PropertyRow
    /// read against the table's columns) instead of bytes.
    pub fn to_value_with_row(&self, row: Option<&PropertyRow>) -> Value {
        let mut v = self.to_value(Layout::Spec);
        if let (Some(row), Some(m)) = (row, v.as_object_mut()) {
            m.insert("TableRowData".into(), row.to_value());
        }
        v
    }
}

/// Decodes `bytes` as one NotificationData with TableRowData read against
/// `columns` (see [`NotificationData::read_with_columns`]).
pub fn decode_with_columns(
    bytes: &[u8],
    columns: &[PropertyTag],
) -> Result<(super::Decoded<NotificationData>, Option<PropertyRow>), Error> {
    let mut r = Reader::new(bytes);
    let (value, row) = NotificationData::read_with_columns(&mut r, columns)?;
    if r.remaining() > 0 {
        return Err(r.error("NotificationData", ErrorKind::TrailingBytes { count: r.remaining() }));
    }
    let (findings, _) = r.finish();
    Ok((super::Decoded { value, findings, consumed: bytes.len() }, row))
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
                        format!("{size} does not match the {} of TableRowData", crate::plural::plural(d.len(), "byte")),
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
                    let n = crate::wire::value::int_of(t, u32::MAX as u64)
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
