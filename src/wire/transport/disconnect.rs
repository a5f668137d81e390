//! The Disconnect bodies: [MS-OXCMAPIHTTP] 2.2.4.3.1 (request:
//! AuxiliaryBufferSize, AuxiliaryBuffer) and 2.2.4.3.2 (success response:
//! StatusCode, ErrorCode, AuxiliaryBufferSize, AuxiliaryBuffer). The
//! auxiliary buffers are kept as bytes.

use super::body;
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The Disconnect request type request body ([MS-OXCMAPIHTTP] 2.2.4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisconnectRequest {
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1362).
    pub auxiliary_buffer: Vec<u8>,
}

/// The Disconnect request type success response body ([MS-OXCMAPIHTTP] 2.2.4.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisconnectResponse {
    /// StatusCode: 0x00000000 (MS-OXCMAPIHTTP_R1363).
    pub status_code: u32,
    /// ErrorCode: EcDoDisconnect's return value.
    pub error_code: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1365).
    pub auxiliary_buffer: Vec<u8>,
}

const REQUEST_FIELDS: &[&str] = &["AuxiliaryBufferSize", "AuxiliaryBuffer"];
const RESPONSE_FIELDS: &[&str] = &["StatusCode", "ErrorCode", "AuxiliaryBufferSize", "AuxiliaryBuffer"];

impl WireStructure for DisconnectRequest {
    const NAME: &'static str = "Disconnect request body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        // MS-OXCMAPIHTTP_R301, R1362: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(DisconnectRequest { auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        body::aux_value(MapBuilder::new(), &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        Ok(DisconnectRequest { auxiliary_buffer: body::aux_from_value(&o)? })
    }
}

impl WireStructure for DisconnectResponse {
    const NAME: &'static str = "Disconnect success response body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let status_code = r.u32("StatusCode")?;
        // MS-OXCMAPIHTTP_R1363
        body::check_success_status(r, "MS-OXCMAPIHTTP_R1363", at, status_code);
        let error_code = r.u32("ErrorCode")?;
        // MS-OXCMAPIHTTP_R289, R1365: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(DisconnectResponse { status_code, error_code, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.status_code);
        put_u32(out, self.error_code);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new().int("StatusCode", self.status_code).int("ErrorCode", self.error_code);
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        Ok(DisconnectResponse {
            status_code: o.u32("StatusCode")?,
            error_code: o.u32("ErrorCode")?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}
