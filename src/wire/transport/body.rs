//! What the mailbox endpoint's bodies ([MS-OXCMAPIHTTP] 2.2.4) share: the
//! 4-byte size in front of a variable field, the RopBuffer of Execute (an
//! extended buffer) and the AuxiliaryBuffer (kept as bytes), and the
//! StatusCode rule of the success bodies.

use super::extended_buffer::{ExtendedBuffer, Role, BUFFER_FIELDS};
use crate::wire::codec::{put_u32, EncodeError, Error, Level, Reader};
use crate::wire::value::{MapBuilder, Obj};
use serde_json::Value;

/// Reads `size_field` and then that many bytes as `field`: a size past the
/// end of the body is a framing error (Truncated).
pub(crate) fn read_sized<'a>(
    r: &mut Reader<'a>,
    size_field: &'static str,
    field: &'static str,
) -> Result<&'a [u8], Error> {
    let size = r.u32(size_field)?;
    r.bytes(field, size as usize)
}

/// Reads RopBufferSize, then RopBuffer as the extended buffer of `role`
/// within exactly those bytes; `None` when RopBufferSize is 0.
pub(crate) fn read_rop_buffer(r: &mut Reader, role: Role) -> Result<Option<ExtendedBuffer>, Error> {
    let size = r.u32("RopBufferSize")? as usize;
    if size == 0 {
        return Ok(None);
    }
    let old = r.limit("RopBuffer", size)?;
    r.enter("RopBuffer");
    let b = ExtendedBuffer::read(r, role)?;
    r.leave();
    r.restore_limit(old);
    Ok(Some(b))
}

/// Reports a StatusCode other than 0 in a success body (`requirement`).
pub(crate) fn check_success_status(r: &mut Reader, requirement: &'static str, at: usize, status: u32) {
    if status != 0 {
        // MS-OXCMAPIHTTP_R1349, R1356, R1363, R1369: StatusCode MUST be 0x00000000.
        r.finding(
            requirement,
            Level::Must,
            "StatusCode",
            at,
            format!("0x{status:08X} in a success response body, not 0x00000000"),
        );
    }
}

/// Appends RopBufferSize and RopBuffer.
pub(crate) fn write_rop_buffer(out: &mut Vec<u8>, b: &Option<ExtendedBuffer>) -> Result<(), EncodeError> {
    let bytes = b.as_ref().map(|b| b.to_bytes()).unwrap_or_default();
    put_u32(out, size_u32("RopBuffer", bytes.len())?);
    out.extend_from_slice(&bytes);
    Ok(())
}

/// Appends AuxiliaryBufferSize and AuxiliaryBuffer.
pub(crate) fn write_aux(out: &mut Vec<u8>, aux: &[u8]) -> Result<(), EncodeError> {
    put_u32(out, size_u32("AuxiliaryBuffer", aux.len())?);
    out.extend_from_slice(aux);
    Ok(())
}

fn size_u32(field: &str, n: usize) -> Result<u32, EncodeError> {
    u32::try_from(n).map_err(|_| EncodeError::new(field, format!("{n} bytes do not fit a 4-byte size")))
}

/// The value form of RopBufferSize and RopBuffer (omitted when empty).
pub(crate) fn rop_buffer_value(m: MapBuilder, b: &Option<ExtendedBuffer>) -> MapBuilder {
    match b {
        None => m.int("RopBufferSize", 0u32),
        Some(b) => m.int("RopBufferSize", b.to_bytes().len() as u64).value("RopBuffer", b.to_value_with(|_, m| m)),
    }
}

/// The value form of AuxiliaryBufferSize and AuxiliaryBuffer.
pub(crate) fn aux_value(m: MapBuilder, aux: &[u8]) -> MapBuilder {
    m.int("AuxiliaryBufferSize", aux.len() as u64).bytes("AuxiliaryBuffer", aux)
}

/// Reads RopBuffer from the value form; RopBufferSize, when given, must
/// match the buffer's encoded length.
pub(crate) fn rop_buffer_from_value(o: &Obj) -> Result<Option<ExtendedBuffer>, EncodeError> {
    let b = match o.get("RopBuffer") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(ExtendedBuffer::from_value_with(v, BUFFER_FIELDS, |_| Ok(None)).map_err(|e| e.within("RopBuffer"))?)
        }
    };
    let len = b.as_ref().map_or(0, |b| b.to_bytes().len());
    check_size(o, "RopBufferSize", len)?;
    Ok(b)
}

/// Reads AuxiliaryBuffer (default empty); AuxiliaryBufferSize, when given,
/// must match its length.
pub(crate) fn aux_from_value(o: &Obj) -> Result<Vec<u8>, EncodeError> {
    let aux = o.opt_bytes("AuxiliaryBuffer")?.unwrap_or_default();
    check_size(o, "AuxiliaryBufferSize", aux.len())?;
    Ok(aux)
}

fn check_size(o: &Obj, name: &'static str, len: usize) -> Result<(), EncodeError> {
    match o.opt_u32(name)? {
        Some(g) if g as usize != len => {
            Err(EncodeError::new(name, format!("{g} given, but the field holds {len} bytes")))
        }
        _ => Ok(()),
    }
}

/// The bytes of a body the harness builds itself (every size in it fits
/// its field, so encoding cannot fail; an impossible failure gives no
/// bytes rather than a panic).
#[cfg(feature = "harness")]
pub(crate) fn bytes_of<T: crate::wire::WireStructure>(v: &T) -> Vec<u8> {
    crate::wire::encode(v, crate::wire::Layout::Spec).unwrap_or_default()
}
