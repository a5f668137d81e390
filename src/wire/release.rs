//! RopRelease (RopId 0x01): [MS-OXCROPS] 2.2.15.3. A request only: the
//! server MUST NOT answer it (MS-OXCROPS_R4572).

use super::codec::{EncodeError, Error, Reader};
use super::rop::{HandleUse, Rop, RopRequestBody};
use super::value::{MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// RopId of RopRelease (MS-OXCROPS_R4476).
pub const ROP_ID: u8 = super::rop::RELEASE.id;

/// The RopRelease request buffer ([MS-OXCROPS] 2.2.15.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopReleaseRequest {
    /// LogonId.
    pub logon_id: u8,
    /// InputHandleIndex: the slot holding the handle to release.
    pub input_handle_index: u8,
}

const FIELDS: &[&str] = &["RopId", "LogonId", "InputHandleIndex"];

impl RopReleaseRequest {
    /// Reads the fields after RopId.
    pub fn read_body(r: &mut Reader) -> Result<Self, Error> {
        Ok(RopReleaseRequest { logon_id: r.u8("LogonId")?, input_handle_index: r.u8("InputHandleIndex")? })
    }
}

impl RopRequestBody for RopReleaseRequest {
    const ROP: Rop = super::rop::RELEASE;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        Self::read_body(r)
    }
    fn logon_id(&self) -> u8 {
        self.logon_id
    }
    fn handle_uses(&self) -> [Option<HandleUse>; 2] {
        [Some(HandleUse { field: "InputHandleIndex", offset: 2, index: self.input_handle_index, output: false }), None]
    }
}

impl WireStructure for RopReleaseRequest {
    const NAME: &'static str = super::rop::RELEASE.name;

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        out.extend_from_slice(&[ROP_ID, self.logon_id, self.input_handle_index]);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("LogonId", self.logon_id)
            .int("InputHandleIndex", self.input_handle_index)
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        Ok(RopReleaseRequest { logon_id: o.u8("LogonId")?, input_handle_index: o.u8("InputHandleIndex")? })
    }
}
