//! RopOpenMessage (RopId 0x03): [MS-OXCROPS] 2.2.6.1, [MS-OXCMSG]
//! 2.2.3.1. Opens an existing message of a folder, the input of
//! RopSetProperties and RopSaveChangesMessage on it; the save raises
//! ObjectModified of the message (MS-OXCNOTIF 2.2.1.1).
//!
//! The success response carries HasNamedProperties, the message's subject
//! as two TypedString structures ([MS-OXCDATA] 2.11.7: SubjectPrefix and
//! NormalizedSubject), RecipientCount, the recipient columns (ColumnCount
//! PropertyTag structures) and RowCount OpenRecipientRow structures
//! (2.2.6.1.2.1). Each OpenRecipientRow is framed by its RecipientRowSize
//! (MS-OXCROPS_R1731, R1735); the RecipientRow inside it ([MS-OXCDATA]
//! 2.8.3) is kept as its bytes, not parsed into fields.

use super::fields::text_value;
use crate::wire::codec::{put_u16, EncodeError, Error, ErrorKind, Level, Reader};
use crate::wire::property_tag::Tags;
use crate::wire::rop;
use crate::wire::rop_fields::{
    byte_table, check_count, rop_request, rop_response, Bool, FieldKind, Id, InputIndex, Named, OutputIndex, U16, U8,
};
use crate::wire::value::{kind_of, MapBuilder, Obj};
use serde_json::Value;

/// RopId of RopOpenMessage (MS-OXCROPS_R1674).
pub const ROP_ID: u8 = rop::OPEN_MESSAGE.id;

/// OpenModeFlags ReadWrite: the message is opened for changes.
pub const READ_WRITE: u8 = 0x01;

byte_table!(
    /// OpenModeFlags of RopOpenMessage as MS-OXCROPS_R1689 names them
    /// (ReadOnly 0x00, ReadWrite 0x01, Create 0x02). [MS-OXCMSG] 2.2.3.1.1
    /// defines further values, so other bits are no finding here.
    MessageOpenModeFlags,
    flags,
    [(0x00, "ReadOnly"), (0x01, "ReadWrite"), (0x02, "Create")],
    None
);

rop_request! {
    /// The RopOpenMessage request buffer ([MS-OXCROPS] 2.2.6.1.1).
    pub struct RopOpenMessageRequest = rop::OPEN_MESSAGE {
        /// LogonId (MS-OXCROPS_R1675, R1676).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the logon or a folder (MS-OXCROPS_R1677, R1678).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot of the opened Message object (MS-OXCROPS_R1680, R1681).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// CodePageId: the code page of the message's strings (MS-OXCROPS_R1683, R1684).
        code_page_id: U16 = "CodePageId",
        /// FolderId: the message's parent folder (MS-OXCROPS_R1685, R1686).
        folder_id: Id = "FolderId",
        /// OpenModeFlags: the access asked for (MS-OXCROPS_R1687-R1689).
        open_mode_flags: Named<MessageOpenModeFlags> = "OpenModeFlags",
        /// MessageId: the message to open (MS-OXCROPS_R1690, R1691).
        message_id: Id = "MessageId",
    }
}

rop_response! {
    /// The RopOpenMessage response buffer: success ([MS-OXCROPS]
    /// 2.2.6.1.2) or failure (2.2.6.1.3), which ends after ReturnValue.
    pub struct RopOpenMessageResponse = rop::OPEN_MESSAGE, failure "MS-OXCROPS_R1744" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R1695, R1696, R1739, R1740).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {
        /// HasNamedProperties, the raw byte (MS-OXCROPS_R1703, R1704).
        has_named_properties: Bool = "HasNamedProperties",
        /// SubjectPrefix (MS-OXCROPS_R1705, R1707).
        subject_prefix: TypedString = "SubjectPrefix",
        /// NormalizedSubject (MS-OXCROPS_R1708-R1710).
        normalized_subject: TypedString = "NormalizedSubject",
        /// RecipientCount: the recipients of the message (MS-OXCROPS_R1711, R1712).
        recipient_count: U16 = "RecipientCount",
        /// ColumnCount and RecipientColumns (MS-OXCROPS_R1713-R1718).
        recipient_columns: Tags = ["ColumnCount"] "RecipientColumns",
        /// RowCount and RecipientRows (MS-OXCROPS_R1719-R1723).
        recipient_rows: OpenRecipientRows = ["RowCount"] "RecipientRows",
    }
}

/// A TypedString ([MS-OXCDATA] 2.11.7): a 1-byte StringType, then, for
/// StringType 0x02 (8-bit), 0x03 (reduced Unicode, one byte a character)
/// and 0x04 (UTF-16LE), a null-terminated string. StringType 0x00 (no
/// string) and 0x01 (an empty string) have nothing after it; any other
/// StringType leaves the rest unframable and is an error. The value form
/// is `{StringType, String}`, String only where the type has one.
pub struct TypedString;

/// What a [`TypedString`] holds: StringType and, when it has one, the
/// string's bytes without the terminator.
pub type Typed = (u8, Option<Vec<u8>>);

const TYPED_FIELDS: &[&str] = &["StringType", "String"];

fn string_type_name(t: u8) -> &'static str {
    match t {
        0x00 => "None",
        0x01 => "Empty",
        0x02 => "String8",
        0x03 => "ReducedUnicode",
        0x04 => "Unicode",
        _ => "undefined",
    }
}

/// The terminator width of a StringType that has a string, else `None`.
fn unit_of(t: u8) -> Option<usize> {
    match t {
        0x02 | 0x03 => Some(1),
        0x04 => Some(2),
        _ => None,
    }
}

impl FieldKind for TypedString {
    type Value = Typed;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<Typed, Error> {
        let at = r.pos();
        let t = r.u8(name)?;
        r.annotate(|| string_type_name(t).to_string());
        match t {
            0x00 | 0x01 => Ok((t, None)),
            0x02..=0x04 => {
                let unicode = t == 0x04;
                Ok((t, Some(super::fields::read_text(r, unicode, name)?)))
            }
            other => Err(r.error_at(name, at, ErrorKind::UndefinedValue { value: u32::from(other) })),
        }
    }
    fn write(v: &Typed, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        match (unit_of(v.0), &v.1) {
            (Some(_), Some(s)) => {
                out.push(v.0);
                super::fields::write_text(s, v.0 == 0x04, out, name)
            }
            (None, None) if v.0 <= 0x01 => {
                out.push(v.0);
                Ok(())
            }
            (Some(_), None) => Err(EncodeError::new(
                name,
                format!("StringType 0x{:02X} is followed by a string, and none is given", v.0),
            )),
            (None, Some(_)) if v.0 <= 0x01 => Err(EncodeError::new(
                name,
                format!("StringType 0x{:02X} has no string after it, and one is given", v.0),
            )),
            _ => Err(EncodeError::new(name, format!("StringType 0x{:02X} is not defined (0x00-0x04)", v.0))),
        }
    }
    fn len(v: &Typed) -> usize {
        1 + v.1.as_ref().map_or(0, |s| s.len() + unit_of(v.0).unwrap_or(1))
    }
    fn put(v: &Typed, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        let mut inner = MapBuilder::new().int("StringType", v.0);
        if let Some(s) = &v.1 {
            inner = inner.value("String", text_value(s, v.0 == 0x04));
        }
        b.value(name, inner.build())
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<Typed, EncodeError> {
        let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        let inner = Obj::new(v, TYPED_FIELDS).map_err(|e| e.within(name))?;
        let t = inner.u8("StringType").map_err(|e| e.within(name))?;
        let s = match inner.get("String") {
            None => None,
            Some(_) => Some(super::fields::text_from(&inner, "String", t == 0x04).map_err(|e| e.within(name))?),
        };
        let typed = (t, s);
        Self::write(&typed, &mut Vec::new(), name)?;
        Ok(typed)
    }
}

/// One OpenRecipientRow ([MS-OXCROPS] 2.2.6.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRecipientRow {
    /// RecipientType (MS-OXCROPS_R1724-R1726): Primary 0x01, Cc 0x02, Bcc 0x03.
    pub recipient_type: u8,
    /// CodePageId of the recipient (MS-OXCROPS_R1727, R1728).
    pub code_page_id: u16,
    /// Reserved: the server MUST set 0x0000 (MS-OXCROPS_R1729, R1730); kept raw.
    pub reserved: u16,
    /// RecipientRow, its bytes as RecipientRowSize frames them
    /// (MS-OXCROPS_R1731-R1735; [MS-OXCDATA] 2.8.3, not parsed here).
    pub recipient_row: Vec<u8>,
}

const ROW_FIELDS: &[&str] = &["RecipientType", "CodePageId", "Reserved", "RecipientRowSize", "RecipientRow"];

/// The smallest OpenRecipientRow: RecipientType, CodePageId, Reserved and
/// RecipientRowSize with an empty RecipientRow.
const ROW_MIN: usize = 7;

fn recipient_type_name(t: u8) -> &'static str {
    match t {
        0x01 => "Primary",
        0x02 => "Cc",
        0x03 => "Bcc",
        _ => "undefined",
    }
}

/// A 1-byte count (RowCount), then that many [`OpenRecipientRow`]s.
pub struct OpenRecipientRows;

impl FieldKind for OpenRecipientRows {
    type Value = Vec<OpenRecipientRow>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Vec<OpenRecipientRow>, Error> {
        let n = r.u8(count.unwrap_or("RowCount"))? as usize;
        r.annotate(|| format!("({n})"));
        // Bounded by the input: each row takes at least ROW_MIN bytes.
        if n * ROW_MIN > r.remaining() {
            return Err(r.error(name, ErrorKind::Truncated { needed: n * ROW_MIN, available: r.remaining() }));
        }
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            r.enter_index(name, i);
            let row = read_row(r);
            r.leave();
            rows.push(row?);
        }
        Ok(rows)
    }
    fn write(v: &Vec<OpenRecipientRow>, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        let n = u8::try_from(v.len())
            .map_err(|_| EncodeError::new(name, format!("{} rows do not fit a 1-byte RowCount", v.len())))?;
        out.push(n);
        for (i, row) in v.iter().enumerate() {
            let size = u16::try_from(row.recipient_row.len()).map_err(|_| {
                EncodeError::new(
                    format!("{name}[{i}].RecipientRow"),
                    format!("{} bytes do not fit a 2-byte RecipientRowSize", row.recipient_row.len()),
                )
            })?;
            out.push(row.recipient_type);
            put_u16(out, row.code_page_id);
            put_u16(out, row.reserved);
            put_u16(out, size);
            out.extend_from_slice(&row.recipient_row);
        }
        Ok(())
    }
    fn len(v: &Vec<OpenRecipientRow>) -> usize {
        1 + v.iter().map(|row| ROW_MIN + row.recipient_row.len()).sum::<usize>()
    }
    fn put(v: &Vec<OpenRecipientRow>, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        let rows = v
            .iter()
            .map(|row| {
                MapBuilder::new()
                    .int("RecipientType", row.recipient_type)
                    .int("CodePageId", row.code_page_id)
                    .int("Reserved", row.reserved)
                    .int("RecipientRowSize", row.recipient_row.len() as u64)
                    .bytes("RecipientRow", &row.recipient_row)
                    .build()
            })
            .collect();
        b.int(count.unwrap_or("RowCount"), v.len() as u64).value(name, Value::Array(rows))
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Vec<OpenRecipientRow>, EncodeError> {
        let list = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        let items = list
            .as_array()
            .ok_or_else(|| EncodeError::new(name, format!("expected a list of rows, found {}", kind_of(list))))?;
        let mut rows = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("{name}[{i}]");
            let row = Obj::new(item, ROW_FIELDS).map_err(|e| e.within(&at))?;
            let recipient_row = row.bytes("RecipientRow").map_err(|e| e.within(&at))?;
            check_count(&row, Some("RecipientRowSize"), recipient_row.len()).map_err(|e| e.within(&at))?;
            rows.push(OpenRecipientRow {
                recipient_type: row.u8("RecipientType").map_err(|e| e.within(&at))?,
                code_page_id: row.u16("CodePageId").map_err(|e| e.within(&at))?,
                reserved: row.u16("Reserved").map_err(|e| e.within(&at))?,
                recipient_row,
            });
        }
        if let Some(c) = count {
            if let Some(given) = o.opt_u8(c)? {
                if given as usize != rows.len() {
                    return Err(EncodeError::new(c, format!("{given} does not match the {} that follow", rows.len())));
                }
            }
        }
        Self::write(&rows, &mut Vec::new(), name)?;
        Ok(rows)
    }
}

fn read_row(r: &mut Reader) -> Result<OpenRecipientRow, Error> {
    let recipient_type = r.u8("RecipientType")?;
    r.annotate(|| recipient_type_name(recipient_type).to_string());
    let code_page_id = r.u16("CodePageId")?;
    let at = r.pos();
    let reserved = r.u16("Reserved")?;
    if reserved != 0 {
        r.finding(
            "MS-OXCROPS_R1730",
            Level::Must,
            "Reserved",
            at,
            format!("Reserved is 0x{reserved:04X}; the server MUST set it to 0x0000"),
        );
    }
    let size = r.u16("RecipientRowSize")?;
    r.annotate(|| format!("({size})"));
    let recipient_row = r.bytes("RecipientRow", size as usize)?.to_vec();
    Ok(OpenRecipientRow { recipient_type, code_page_id, reserved, recipient_row })
}
