//! The NotificationWait bodies: [MS-OXCMAPIHTTP] 2.2.4.4.1 (request: Flags,
//! AuxiliaryBufferSize, AuxiliaryBuffer) and 2.2.4.4.2 (success response:
//! StatusCode, ErrorCode, EventPending, AuxiliaryBufferSize,
//! AuxiliaryBuffer). The auxiliary buffers are kept as bytes.

use super::body;
use crate::wire::codec::{put_u32, EncodeError, Error, Level, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The NotificationWait request type request body ([MS-OXCMAPIHTTP] 2.2.4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationWaitRequest {
    /// Flags: reserved, 0x00000000 (MS-OXCMAPIHTTP_R294, R1367).
    pub flags: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1366).
    pub auxiliary_buffer: Vec<u8>,
}

/// The NotificationWait request type success response body ([MS-OXCMAPIHTTP] 2.2.4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationWaitResponse {
    /// StatusCode: 0x00000000 (MS-OXCMAPIHTTP_R1369).
    pub status_code: u32,
    /// ErrorCode: EcDoAsyncWaitEx's return value.
    pub error_code: u32,
    /// EventPending: 0x00000001 an event is pending, 0x00000000 none (MS-OXCMAPIHTTP_R1371, R1372).
    pub event_pending: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R1374).
    pub auxiliary_buffer: Vec<u8>,
}

const REQUEST_FIELDS: &[&str] = &["Flags", "AuxiliaryBufferSize", "AuxiliaryBuffer"];
const RESPONSE_FIELDS: &[&str] = &["StatusCode", "ErrorCode", "EventPending", "AuxiliaryBufferSize", "AuxiliaryBuffer"];

impl WireStructure for NotificationWaitRequest {
    const NAME: &'static str = "NotificationWait request body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let flags = r.u32("Flags")?;
        if flags != 0 {
            // MS-OXCMAPIHTTP_R1367
            r.finding(
                "MS-OXCMAPIHTTP_R1367",
                Level::Must,
                "Flags",
                at,
                format!("0x{flags:08X}: the field is reserved and the client MUST set 0x00000000"),
            );
        }
        // MS-OXCMAPIHTTP_R295, R1366: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(NotificationWaitRequest { flags, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.flags);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        body::aux_value(MapBuilder::new().int("Flags", self.flags), &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        Ok(NotificationWaitRequest { flags: o.u32("Flags")?, auxiliary_buffer: body::aux_from_value(&o)? })
    }
}

impl WireStructure for NotificationWaitResponse {
    const NAME: &'static str = "NotificationWait success response body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let status_code = r.u32("StatusCode")?;
        // MS-OXCMAPIHTTP_R1369
        body::check_success_status(r, "MS-OXCMAPIHTTP_R1369", at, status_code);
        let error_code = r.u32("ErrorCode")?;
        let at = r.pos();
        let event_pending = r.u32("EventPending")?;
        match event_pending {
            1 => r.annotate(|| "an event is pending".into()),
            0 => r.annotate(|| "no event is pending".into()),
            // MS-OXCMAPIHTTP_R1371, R1372: the only values are 0x00000001 and 0x00000000.
            v => r.finding(
                "MS-OXCMAPIHTTP_R1371",
                Level::Must,
                "EventPending",
                at,
                format!("0x{v:08X} is neither 0x00000001 (pending) nor 0x00000000 (none)"),
            ),
        }
        // MS-OXCMAPIHTTP_R1373, R1374: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(NotificationWaitResponse { status_code, error_code, event_pending, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.status_code);
        put_u32(out, self.error_code);
        put_u32(out, self.event_pending);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new()
            .int("StatusCode", self.status_code)
            .int("ErrorCode", self.error_code)
            .int("EventPending", self.event_pending);
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        Ok(NotificationWaitResponse {
            status_code: o.u32("StatusCode")?,
            error_code: o.u32("ErrorCode")?,
            event_pending: o.u32("EventPending")?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}
