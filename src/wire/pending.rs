//! RopPending (RopId 0x6E): [MS-OXCROPS] 2.2.14.3, [MS-OXCNOTIF] 2.2.1.3.4.
//! A response with no request: it tells the client that a session has more
//! notifications queued than fit in this output buffer.

use super::codec::{put_u16, EncodeError, Error, Reader};
use super::rop::{HandleUse, Rop, RopResponseBody};
use super::value::{MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// RopId of RopPending (MS-OXCROPS_R4436).
pub const ROP_ID: u8 = super::rop::PENDING.id;

/// The RopPending response buffer ([MS-OXCROPS] 2.2.14.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopPendingResponse {
    /// SessionIndex: which session has pending notifications (MS-OXCROPS_R4438).
    pub session_index: u16,
}

const FIELDS: &[&str] = &["RopId", "SessionIndex"];

impl RopPendingResponse {
    /// Reads the fields after RopId.
    pub fn read_body(r: &mut Reader) -> Result<Self, Error> {
        Ok(RopPendingResponse { session_index: r.u16("SessionIndex")? })
    }
}

impl RopResponseBody for RopPendingResponse {
    const ROP: Rop = super::rop::PENDING;
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

impl WireStructure for RopPendingResponse {
    const NAME: &'static str = super::rop::PENDING.name;

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        out.push(ROP_ID);
        put_u16(out, self.session_index);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new().int("RopId", ROP_ID).int("SessionIndex", self.session_index).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        Ok(RopPendingResponse { session_index: o.u16("SessionIndex")? })
    }
}
