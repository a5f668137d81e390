//! The ROP input buffer and ROP output buffer: [MS-OXCROPS] 2.2.1.
//!
//! Both are RopSize (2 bytes, counting itself and RopsList, MS-OXCROPS_R7),
//! RopsList (RopSize − 2 bytes of ROPs with no count, framed ROP by ROP,
//! MS-OXCROPS_R4673) and ServerObjectHandleTable (every remaining byte, as
//! 4-byte handles, MS-OXCROPS_R11, R4675). A RopId the buffer cannot carry
//! stops framing: without its layout the next ROP cannot be found.
//!
//! The decoder also checks the handle-table rules that the bytes alone show
//! (MS-OXCROPS 3.1.4.1 for the client's input buffer, 3.2.5.1–3.2.5.2 and
//! 3.1.5.1.3 for the server's output buffer) and reports them as findings;
//! those checks live in `handles.rs`, apart from the framing here.

mod handles;
mod rops;

pub use rops::{RopRequest, RopResponse};

use super::codec::{put_u16, put_u32, EncodeError, Error, ErrorKind, Reader};
use super::notify::{self, RopNotifyResponse};
use super::property_tag::PropertyTag;
use super::table::expand_row::{self, RopExpandRowResponse};
use super::table::find_row::{self, RopFindRowResponse};
use super::table::query_rows::{self, RopQueryRowsResponse};
use super::value::{kind_of, MapBuilder, Obj};
use super::{rop, Layout, WireStructure};
use serde_json::Value;

/// The unused-slot marker of the handle table, never assigned as a handle
/// (MS-OXCROPS_R4560).
pub const UNUSED_HANDLE: u32 = 0xFFFF_FFFF;

/// The ROP input buffer, sent by the client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RopInputBuffer {
    /// RopsList.
    pub rops_list: Vec<RopRequest>,
    /// ServerObjectHandleTable.
    pub server_object_handle_table: Vec<u32>,
}

/// The ROP output buffer, sent by the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RopOutputBuffer {
    /// RopsList.
    pub rops_list: Vec<RopResponse>,
    /// ServerObjectHandleTable.
    pub server_object_handle_table: Vec<u32>,
}

const FIELDS: &[&str] = &["RopSize", "RopsList", "ServerObjectHandleTable"];

/// The ROPs, the handle table, and each ROP's offset.
type Frame<T> = (Vec<T>, Vec<u32>, Vec<usize>);

/// Typical size of a ROP in a buffer, for sizing the ROP list up front.
const ROP_SIZE_GUESS: usize = 24;

/// Reads RopSize and RopsList, calling `rop` for each ROP with the reader
/// confined to RopsList, then the handle table.
fn read_frame<T>(
    r: &mut Reader,
    mut rop: impl FnMut(&mut Reader, u8, &mut Vec<T>) -> Result<(), Error>,
) -> Result<Frame<T>, Error> {
    let size = r.u16("RopSize")?;
    if size < 2 {
        return Err(r.error_at("RopSize", r.pos() - 2, ErrorKind::RopSizeTooSmall { rop_size: size }));
    }
    let old = r.limit("RopsList", size as usize - 2)?;
    // A guess at the ROP count, far below what the bytes could hold (a ROP
    // is at least 3 bytes), so the list seldom regrows.
    let mut rops = Vec::with_capacity(r.remaining() / ROP_SIZE_GUESS);
    let mut offsets = Vec::with_capacity(r.remaining() / ROP_SIZE_GUESS);
    while r.remaining() > 0 {
        offsets.push(r.pos());
        r.enter_index("RopsList", offsets.len() - 1);
        let id = r.u8("RopId")?;
        super::annotate_rop_id(r, id);
        let item = rop(r, id, &mut rops);
        r.leave();
        item?;
    }
    r.restore_limit(old);
    let rest = r.remaining();
    if rest % 4 != 0 {
        let at = r.pos() + rest - rest % 4;
        return Err(r.error_at("ServerObjectHandleTable", at, ErrorKind::PartialHandle { remainder: rest % 4 }));
    }
    let mut table = Vec::with_capacity(rest / 4);
    for i in 0..rest / 4 {
        r.enter_index("ServerObjectHandleTable", i);
        let h = r.u32("")?;
        r.annotate(|| if h == UNUSED_HANDLE { "unused slot".into() } else { String::new() });
        r.leave();
        table.push(h);
    }
    Ok((rops, table, offsets))
}

fn unexpected(r: &Reader, id: u8) -> Error {
    r.error_at("RopId", r.pos() - 1, ErrorKind::UnexpectedRopId { rop_id: id })
}

/// Writes RopSize, the ROPs and the table. RopSize must fit in 2 bytes.
fn write_frame(
    out: &mut Vec<u8>,
    table: &[u32],
    rops: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    put_u16(out, 0);
    rops(out)?;
    let size = out.len() - start;
    if size > 0xFFFF {
        return Err(EncodeError::new(
            "RopSize",
            format!("RopSize and RopsList take {size} bytes, more than RopSize can count"),
        ));
    }
    out[start..start + 2].copy_from_slice(&(size as u16).to_le_bytes());
    for h in table {
        put_u32(out, *h);
    }
    Ok(())
}

fn table_value(table: &[u32]) -> Value {
    Value::Array(table.iter().map(|h| Value::from(*h)).collect())
}

fn table_from(o: &Obj) -> Result<Vec<u32>, EncodeError> {
    match o.get("ServerObjectHandleTable") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, h)| {
                super::value::int_of(h, u32::MAX as u64)
                    .map(|n| n as u32)
                    .map_err(|m| EncodeError::new(format!("ServerObjectHandleTable[{i}]"), m))
            })
            .collect(),
        Some(x) => Err(EncodeError::new(
            "ServerObjectHandleTable",
            format!("expected a list of handles, found {}", kind_of(x)),
        )),
    }
}

fn rops_from<'a>(o: &Obj<'a>) -> Result<&'a Vec<Value>, EncodeError> {
    match o.get("RopsList") {
        None => Err(EncodeError::new("RopsList", "missing")),
        Some(Value::Array(items)) => Ok(items),
        Some(x) => Err(EncodeError::new("RopsList", format!("expected a list of ROPs, found {}", kind_of(x)))),
    }
}

fn rop_id_of(v: &Value, i: usize) -> Result<u8, EncodeError> {
    let field = format!("RopsList[{i}]");
    let m = v
        .as_object()
        .ok_or_else(|| EncodeError::new(&field, format!("expected a map of fields, found {}", kind_of(v))))?;
    let id = m.get("RopId").ok_or_else(|| EncodeError::new(format!("{field}.RopId"), "missing"))?;
    super::value::int_of(id, 0xFF).map(|n| n as u8).map_err(|m| EncodeError::new(format!("{field}.RopId"), m))
}

/// Checks a given RopSize against the size the ROPs encode to.
fn check_rop_size(o: &Obj, encoded: &[u8]) -> Result<(), EncodeError> {
    if let Some(given) = o.opt_u16("RopSize")? {
        let actual = u16::from_le_bytes([encoded[0], encoded[1]]);
        if given != actual {
            return Err(EncodeError::new(
                "RopSize",
                format!("{given} does not match RopsList, which makes RopSize {actual} (2 + the ROPs' bytes)"),
            ));
        }
    }
    Ok(())
}

fn rop_size_of(bytes: &[u8]) -> u64 {
    u16::from_le_bytes([bytes[0], bytes[1]]) as u64
}

impl WireStructure for RopInputBuffer {
    const NAME: &'static str = "ROP input buffer";

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        let (rops_list, table, offsets) = read_frame(r, |r, id, list| {
            match RopRequest::read_by_id(r, id, layout) {
                Some(rop) => list.push(rop?),
                None => return Err(unexpected(r, id)),
            }
            Ok(())
        })?;
        handles::check_input_indexes(r, &rops_list, &table, &offsets);
        Ok(RopInputBuffer { rops_list, server_object_handle_table: table })
    }

    fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError> {
        write_frame(out, &self.server_object_handle_table, |out| {
            for (i, rop) in self.rops_list.iter().enumerate() {
                rop.write(out, layout).map_err(|e| e.within(&format!("RopsList[{i}]")))?;
            }
            Ok(())
        })
    }

    fn to_value(&self, layout: Layout) -> Value {
        let mut bytes = Vec::new();
        let rops: Vec<Value> = self.rops_list.iter().map(|rop| rop.to_value(layout)).collect();
        // RopSize is the only derived field; a value that came from decoding always encodes.
        let size = match self.write(&mut bytes, layout) {
            Ok(()) => Value::from(rop_size_of(&bytes)),
            Err(_) => Value::Null,
        };
        MapBuilder::new()
            .value("RopSize", size)
            .value("RopsList", Value::Array(rops))
            .value("ServerObjectHandleTable", table_value(&self.server_object_handle_table))
            .build()
    }

    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        let mut rops_list = Vec::new();
        for (i, item) in rops_from(&o)?.iter().enumerate() {
            let at = format!("RopsList[{i}]");
            let id = rop_id_of(item, i)?;
            let rop = match RopRequest::from_value_by_id(id, item, layout) {
                Some(rop) => rop.map_err(|e| e.within(&at))?,
                None => {
                    return Err(EncodeError::new(
                        format!("{at}.RopId"),
                        format!("0x{id:02X} is not a request this harness encodes ({})", RopRequest::known()),
                    ));
                }
            };
            rops_list.push(rop);
        }
        let buf = RopInputBuffer { rops_list, server_object_handle_table: table_from(&o)? };
        let mut bytes = Vec::new();
        buf.write(&mut bytes, layout)?;
        check_rop_size(&o, &bytes)?;
        Ok(buf)
    }
}

/// The column set of the table in a handle-table slot, for reading RowData.
pub type ColumnsOf<'a> = &'a dyn Fn(u8) -> Option<Vec<PropertyTag>>;

impl RopOutputBuffer {
    /// Reads an output buffer whose RopQueryRows, RopFindRow and
    /// RopExpandRow responses have their RowData split into PropertyRows:
    /// `columns` gives the column set of the table in a slot (the
    /// response's InputHandleIndex), from the RopSetColumns the caller saw;
    /// a slot it has none for keeps RowData as bytes, as
    /// [`RopOutputBuffer::read`] does.
    ///
    /// ```
    /// use oxcnotif::wire::property_tag::PropertyTag;
    /// use oxcnotif::wire::rop_buffer::{RopOutputBuffer, RopResponse};
    /// use oxcnotif::wire::table::row_data::RowData;
    /// use oxcnotif::wire::Reader;
    ///
    /// // RopQueryRows on slot 0: one row of PidTagContentCount, then a RopPending.
    /// let bytes = oxcnotif::hex::parse("1300 15 00 00000000 02 0100 0005000000 6e 0000 a1000000").unwrap();
    /// let columns = |slot: u8| (slot == 0).then(|| vec![PropertyTag::from_u32(0x3602_0003)]);
    /// let buf = RopOutputBuffer::read_with_columns(&mut Reader::new(&bytes), &columns).unwrap();
    /// let RopResponse::QueryRows(q) = &buf.rops_list[0] else { panic!() };
    /// assert!(matches!(&q.row_data, Some(RowData::Rows(rows)) if rows.len() == 1));
    /// assert!(matches!(buf.rops_list[1], RopResponse::Pending(_)));
    /// ```
    pub fn read_with_columns(r: &mut Reader, columns: ColumnsOf) -> Result<Self, Error> {
        Self::read_with(r, Layout::Spec, Some(columns))
    }

    fn read_with(r: &mut Reader, layout: Layout, columns: Option<ColumnsOf>) -> Result<Self, Error> {
        let (rops_list, table, offsets) = read_frame(r, |r, id, list| {
            if let Some(cols) = columns.and_then(|f| r.slice(r.pos(), 1).first().and_then(|slot| f(*slot))) {
                let rop = match id {
                    query_rows::ROP_ID => {
                        Some(RopQueryRowsResponse::read_with_columns(r, &cols).map(RopResponse::QueryRows))
                    }
                    find_row::ROP_ID => Some(RopFindRowResponse::read_with_columns(r, &cols).map(RopResponse::FindRow)),
                    expand_row::ROP_ID => {
                        Some(RopExpandRowResponse::read_with_columns(r, &cols).map(RopResponse::ExpandRow))
                    }
                    _ => None,
                };
                if let Some(rop) = rop {
                    list.push(rop?);
                    return Ok(());
                }
            }
            list.push(match id {
                notify::ROP_ID => {
                    // Built in place: NotificationData is large, and moving it
                    // through each Result costs more than reading it.
                    let (notification_handle, logon_id) = RopNotifyResponse::read_head(r)?;
                    list.push(RopResponse::Notify(RopNotifyResponse {
                        notification_handle,
                        logon_id,
                        notification_data: Default::default(),
                    }));
                    if let Some(RopResponse::Notify(n)) = list.last_mut() {
                        n.read_data(r)?;
                    }
                    return Ok(());
                }
                _ => match RopResponse::read_by_id(r, id, layout) {
                    Some(rop) => rop?,
                    None => return Err(unexpected(r, id)),
                },
            });
            Ok(())
        })?;
        handles::check_output_order(r, &rops_list, &table, &offsets);
        Ok(RopOutputBuffer { rops_list, server_object_handle_table: table })
    }
}

impl WireStructure for RopOutputBuffer {
    const NAME: &'static str = "ROP output buffer";

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        Self::read_with(r, layout, None)
    }

    fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError> {
        let last = self.rops_list.len().saturating_sub(1);
        write_frame(out, &self.server_object_handle_table, |out| {
            for (i, rop) in self.rops_list.iter().enumerate() {
                match rop {
                    // The common case first, written without the by-ROP dispatch.
                    RopResponse::Notify(n) => n.write(out, layout),
                    RopResponse::BufferTooSmall(_) if i != last => Err(EncodeError::new(
                        "",
                        format!(
                            "{} runs to the end of RopsList, so it must be the last ROP (MS-OXCROPS_R4517)",
                            rop::BUFFER_TOO_SMALL.name
                        ),
                    )),
                    _ => rop.write(out, layout),
                }
                .map_err(|e| e.within(&format!("RopsList[{i}]")))?;
            }
            Ok(())
        })
    }

    fn to_value(&self, layout: Layout) -> Value {
        let rops: Vec<Value> = self.rops_list.iter().map(|rop| rop.to_value(layout)).collect();
        let mut bytes = Vec::new();
        let size = match self.write(&mut bytes, layout) {
            Ok(()) => Value::from(rop_size_of(&bytes)),
            Err(_) => Value::Null,
        };
        MapBuilder::new()
            .value("RopSize", size)
            .value("RopsList", Value::Array(rops))
            .value("ServerObjectHandleTable", table_value(&self.server_object_handle_table))
            .build()
    }

    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        let mut rops_list = Vec::new();
        for (i, item) in rops_from(&o)?.iter().enumerate() {
            let at = format!("RopsList[{i}]");
            let wrap = |e: EncodeError| e.within(&at);
            let id = rop_id_of(item, i)?;
            let rop = match RopResponse::from_value_by_id(id, item, layout) {
                Some(rop) => rop.map_err(wrap)?,
                None => {
                    return Err(EncodeError::new(
                        format!("{at}.RopId"),
                        format!("0x{id:02X} is not a response this harness encodes ({})", RopResponse::known()),
                    ));
                }
            };
            rops_list.push(rop);
        }
        let buf = RopOutputBuffer { rops_list, server_object_handle_table: table_from(&o)? };
        let mut bytes = Vec::new();
        buf.write(&mut bytes, layout)?;
        check_rop_size(&o, &bytes)?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::register_notification::RopRegisterNotificationRequest;
    use crate::wire::release::RopReleaseRequest;
    use crate::wire::{decode, encode};

    fn release(i: u8) -> RopRequest {
        RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: i })
    }

    /// A whole-store RopRegisterNotification request: 7 bytes.
    fn register() -> RopRequest {
        RopRequest::RegisterNotification(RopRegisterNotificationRequest {
            logon_id: 0,
            input_handle_index: 0,
            output_handle_index: 0,
            notification_types: 0x0002,
            reserved: None,
            want_whole_store: 1,
            folder_id: None,
            message_id: None,
        })
    }

    /// An input buffer whose RopSize (2 + RopsList) is `rop_size`, from 3-byte
    /// RopRelease and 7-byte RopRegisterNotification requests.
    fn buffer_of(rop_size: usize) -> RopInputBuffer {
        let list = rop_size - 2;
        let registers = (0..3).find(|b| (list - 7 * b) % 3 == 0).unwrap();
        let mut rops_list: Vec<RopRequest> = (0..(list - 7 * registers) / 3).map(|_| release(0)).collect();
        rops_list.extend((0..registers).map(|_| register()));
        RopInputBuffer { rops_list, server_object_handle_table: vec![0x6F] }
    }

    #[test]
    fn rop_size_counts_up_to_0xffff_and_no_further() {
        // MS-OXCROPS 2.2.1: RopSize is 2 bytes and counts itself and RopsList.
        let bytes = encode(&buffer_of(0xFFFF), Layout::Spec).unwrap();
        assert_eq!(&bytes[..2], &[0xFF, 0xFF]);
        assert_eq!(bytes.len(), 0xFFFF + 4);
        let e = encode(&buffer_of(0x10000), Layout::Spec).unwrap_err();
        assert_eq!(e.field, "RopSize");
        assert_eq!(e.message, "RopSize and RopsList take 65536 bytes, more than RopSize can count");
    }

    #[test]
    fn writing_appends_after_what_the_buffer_already_holds() {
        let b = RopInputBuffer { rops_list: vec![release(0)], server_object_handle_table: vec![0x6F] };
        let mut out = vec![0xAA; 5];
        b.write(&mut out, Layout::Spec).unwrap();
        assert_eq!(out, [0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x05, 0x00, 0x01, 0x00, 0x00, 0x6F, 0x00, 0x00, 0x00]);
    }

    #[test]
    fn an_index_finding_points_at_its_own_rop() {
        // RopRelease (3 bytes), then a registration whose InputHandleIndex,
        // at offset 2 + 3 + 2, is beyond the 1-slot table (MS-OXCROPS_R4493).
        let bytes = [0x0C, 0x00, 0x01, 0x00, 0x00, 0x29, 0x00, 0x05, 0x00, 0x02, 0x00, 0x01, 0x6F, 0x00, 0x00, 0x00];
        let d = decode::<RopInputBuffer>(&bytes, Layout::Spec).unwrap();
        let f: Vec<_> = d.findings.iter().map(|f| (f.requirement, f.field.as_str(), f.offset)).collect();
        assert_eq!(f, [("MS-OXCROPS_R4493", "RopsList[1].InputHandleIndex", 7)]);
    }
}
