//! The failure response body shared by Connect (2.2.4.1.3), Execute
//! (2.2.4.2.3), Disconnect (2.2.4.3.3) and NotificationWait (2.2.4.4.3) of
//! [MS-OXCMAPIHTTP]: StatusCode (not 0), AuxiliaryBufferSize and
//! AuxiliaryBuffer (kept as bytes).

use super::body;
use crate::wire::codec::{put_u32, EncodeError, Error, Level, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// A mailbox endpoint failure response body ([MS-OXCMAPIHTTP] 2.2.4.x.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailureResponse {
    /// StatusCode: not 0x00000000 (MS-OXCMAPIHTTP_R257).
    pub status_code: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R287).
    pub auxiliary_buffer: Vec<u8>,
}

const FIELDS: &[&str] = &["StatusCode", "AuxiliaryBufferSize", "AuxiliaryBuffer"];

impl WireStructure for FailureResponse {
    const NAME: &'static str = "failure response body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let status_code = r.u32("StatusCode")?;
        if status_code == 0 {
            // MS-OXCMAPIHTTP_R257 (Execute; R223 Connect, R282 Disconnect, R284 NotificationWait)
            r.finding(
                "MS-OXCMAPIHTTP_R257",
                Level::Must,
                "StatusCode",
                at,
                "0x00000000 in a failure response body".into(),
            );
        }
        // MS-OXCMAPIHTTP_R261, R287: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(FailureResponse { status_code, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.status_code);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        body::aux_value(MapBuilder::new().int("StatusCode", self.status_code), &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        Ok(FailureResponse { status_code: o.u32("StatusCode")?, auxiliary_buffer: body::aux_from_value(&o)? })
    }
}
