//! The Execute success response body: [MS-OXCMAPIHTTP] 2.2.4.2.2. The
//! fields of EcDoRpcExt2's output (MS-OXCMAPIHTTP_R242): StatusCode, ErrorCode
//! (the call's return value), Flags (reserved), RopBufferSize (pcbOut),
//! RopBuffer (rgbOut, an extended buffer of ROP responses),
//! AuxiliaryBufferSize and AuxiliaryBuffer (rgbAuxOut, kept as bytes).

use super::body;
use super::extended_buffer::{ExtendedBuffer, Role};
use crate::wire::codec::{put_u32, EncodeError, Error, Level, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The Execute request type success response body ([MS-OXCMAPIHTTP] 2.2.4.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecuteResponse {
    /// StatusCode: 0x00000000 (MS-OXCMAPIHTTP_R1356).
    pub status_code: u32,
    /// ErrorCode: EcDoRpcExt2's return value.
    pub error_code: u32,
    /// Flags: reserved, 0x00000000 (MS-OXCMAPIHTTP_R252, R1358).
    pub flags: u32,
    /// RopBuffer: the extended buffer of ROP responses, `None` when RopBufferSize is 0 (MS-OXCMAPIHTTP_R1360).
    pub rop_buffer: Option<ExtendedBuffer>,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1361).
    pub auxiliary_buffer: Vec<u8>,
}

const FIELDS: &[&str] =
    &["StatusCode", "ErrorCode", "Flags", "RopBufferSize", "RopBuffer", "AuxiliaryBufferSize", "AuxiliaryBuffer"];

impl WireStructure for ExecuteResponse {
    const NAME: &'static str = "Execute success response body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let status_code = r.u32("StatusCode")?;
        // MS-OXCMAPIHTTP_R1356
        body::check_success_status(r, "MS-OXCMAPIHTTP_R1356", at, status_code);
        let error_code = r.u32("ErrorCode")?;
        let at = r.pos();
        let flags = r.u32("Flags")?;
        if flags != 0 {
            // MS-OXCMAPIHTTP_R1358
            r.finding(
                "MS-OXCMAPIHTTP_R1358",
                Level::Must,
                "Flags",
                at,
                format!("0x{flags:08X}: the field is reserved and the server MUST set 0x00000000"),
            );
        }
        // MS-OXCMAPIHTTP_R253, R1360: RopBufferSize gives RopBuffer's size.
        let rop_buffer = body::read_rop_buffer(r, Role::RopOut)?;
        // MS-OXCMAPIHTTP_R255, R1361: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(ExecuteResponse { status_code, error_code, flags, rop_buffer, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.status_code);
        put_u32(out, self.error_code);
        put_u32(out, self.flags);
        body::write_rop_buffer(out, &self.rop_buffer)?;
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new()
            .int("StatusCode", self.status_code)
            .int("ErrorCode", self.error_code)
            .int("Flags", self.flags);
        let m = body::rop_buffer_value(m, &self.rop_buffer);
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        Ok(ExecuteResponse {
            status_code: o.u32("StatusCode")?,
            error_code: o.u32("ErrorCode")?,
            flags: o.u32("Flags")?,
            rop_buffer: body::rop_buffer_from_value(&o)?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}
