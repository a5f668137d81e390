//! The Execute request body: [MS-OXCMAPIHTTP] 2.2.4.2.1. The fields of
//! EcDoRpcExt2's input (MS-OXCMAPIHTTP_R228): Flags (pulFlags), RopBufferSize
//! (cbIn), RopBuffer (rgbIn, an extended buffer of ROP requests), MaxRopOut
//! (pcbOut), AuxiliaryBufferSize (cbAuxIn) and AuxiliaryBuffer (rgbAuxIn,
//! kept as bytes).

use super::body;
use super::extended_buffer::{ExtendedBuffer, Role};
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The Execute request type request body ([MS-OXCMAPIHTTP] 2.2.4.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecuteRequest {
    /// Flags: how the server builds the response RopBuffer (MS-OXCMAPIHTTP_R235, R2071).
    pub flags: u32,
    /// RopBuffer: the extended buffer of ROP requests, `None` when RopBufferSize is 0 (MS-OXCMAPIHTTP_R1355).
    pub rop_buffer: Option<ExtendedBuffer>,
    /// MaxRopOut: the largest response RopBuffer the client accepts.
    pub max_rop_out: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1455).
    pub auxiliary_buffer: Vec<u8>,
}

const FIELDS: &[&str] = &["Flags", "RopBufferSize", "RopBuffer", "MaxRopOut", "AuxiliaryBufferSize", "AuxiliaryBuffer"];

impl WireStructure for ExecuteRequest {
    const NAME: &'static str = "Execute request body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let flags = r.u32("Flags")?;
        // MS-OXCMAPIHTTP_R1353, R1355: RopBufferSize gives RopBuffer's size.
        let rop_buffer = body::read_rop_buffer(r, Role::RopIn)?;
        let max_rop_out = r.u32("MaxRopOut")?;
        // MS-OXCMAPIHTTP_R239, R1455: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(ExecuteRequest { flags, rop_buffer, max_rop_out, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.flags);
        body::write_rop_buffer(out, &self.rop_buffer)?;
        put_u32(out, self.max_rop_out);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new().int("Flags", self.flags);
        let m = body::rop_buffer_value(m, &self.rop_buffer).int("MaxRopOut", self.max_rop_out);
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        Ok(ExecuteRequest {
            flags: o.u32("Flags")?,
            rop_buffer: body::rop_buffer_from_value(&o)?,
            max_rop_out: o.u32("MaxRopOut")?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}
