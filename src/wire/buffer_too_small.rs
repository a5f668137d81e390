//! RopBufferTooSmall (RopId 0xFF): [MS-OXCROPS] 2.2.15.1. A response with
//! no request, always the last in RopsList (MS-OXCROPS_R4517): the output
//! buffer was too small, and RequestBuffers holds the unprocessed tail of
//! the ROP input buffer. RequestBuffers has no length field: it runs to the
//! end of RopsList (MS-OXCROPS_R4446), or to the end of the input when the
//! structure is decoded on its own. It is kept as bytes.

use super::codec::{put_u16, EncodeError, Error, Reader};
use super::rop::{HandleUse, Rop, RopResponseBody};
use super::value::{MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// RopId of RopBufferTooSmall (MS-OXCROPS_R4655).
pub const ROP_ID: u8 = super::rop::BUFFER_TOO_SMALL.id;

/// The RopBufferTooSmall response buffer ([MS-OXCROPS] 2.2.15.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopBufferTooSmallResponse {
    /// SizeNeeded: the output buffer size the server needs (MS-OXCROPS_R4444).
    pub size_needed: u16,
    /// RequestBuffers: the ROP requests not processed (MS-OXCROPS_R4447).
    pub request_buffers: Vec<u8>,
}

const FIELDS: &[&str] = &["RopId", "SizeNeeded", "RequestBuffers"];

impl RopBufferTooSmallResponse {
    /// Reads the fields after RopId, up to the reader's limit.
    pub fn read_body(r: &mut Reader) -> Result<Self, Error> {
        let size_needed = r.u16("SizeNeeded")?;
        let request_buffers = r.rest("RequestBuffers").to_vec();
        Ok(RopBufferTooSmallResponse { size_needed, request_buffers })
    }
}

impl RopResponseBody for RopBufferTooSmallResponse {
    const ROP: Rop = super::rop::BUFFER_TOO_SMALL;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        Self::read_body(r)
    }
    fn handle_use(&self) -> Option<HandleUse> {
        None
    }
    fn return_value(&self) -> Option<u32> {
        None
    }
}

impl WireStructure for RopBufferTooSmallResponse {
    const NAME: &'static str = super::rop::BUFFER_TOO_SMALL.name;

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        out.push(ROP_ID);
        put_u16(out, self.size_needed);
        out.extend_from_slice(&self.request_buffers);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("SizeNeeded", self.size_needed)
            .bytes("RequestBuffers", &self.request_buffers)
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        Ok(RopBufferTooSmallResponse { size_needed: o.u16("SizeNeeded")?, request_buffers: o.bytes("RequestBuffers")? })
    }
}
