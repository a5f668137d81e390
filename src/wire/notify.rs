//! RopNotify (RopId 0x2A): [MS-OXCROPS] 2.2.14.2, [MS-OXCNOTIF] 2.2.1.4.1.
//! A response with no request. It has no length prefix, so the decoder
//! frames it by reading its NotificationData completely.

use super::codec::{put_u32, EncodeError, Error, Level, Reader};
use super::notification_data::NotificationData;
use super::rop::{HandleUse, Rop, RopResponseBody};
use super::value::{MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// RopId of RopNotify (MS-OXCROPS_R4425).
pub const ROP_ID: u8 = super::rop::NOTIFY.id;

/// The RopNotify response buffer ([MS-OXCROPS] 2.2.14.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopNotifyResponse {
    /// NotificationHandle: the Server object handle itself (not an index)
    /// of the subscription or table (MS-OXCNOTIF_R95–R97).
    pub notification_handle: u32,
    /// LogonId of the event (MS-OXCNOTIF_R97001).
    pub logon_id: u8,
    /// NotificationData.
    pub notification_data: NotificationData,
}

const FIELDS: &[&str] = &["RopId", "NotificationHandle", "LogonId", "NotificationData"];

impl RopNotifyResponse {
    /// Reads NotificationHandle and LogonId, the fields between RopId and
    /// NotificationData.
    pub fn read_head(r: &mut Reader) -> Result<(u32, u8), Error> {
        let at = r.pos();
        let notification_handle = r.u32("NotificationHandle")?;
        if notification_handle == 0xFFFF_FFFF {
            // MS-OXCROPS_R4560
            r.finding(
                "MS-OXCROPS_R4560",
                Level::Must,
                "NotificationHandle",
                at,
                "0xFFFFFFFF is never assigned to a Server object, so it cannot name a subscription".into(),
            );
        }
        Ok((notification_handle, r.u8("LogonId")?))
    }

    /// Reads the fields after RopId.
    pub fn read_body(r: &mut Reader) -> Result<Self, Error> {
        let (notification_handle, logon_id) = Self::read_head(r)?;
        let mut rop =
            RopNotifyResponse { notification_handle, logon_id, notification_data: NotificationData::default() };
        rop.read_data(r)?;
        Ok(rop)
    }

    /// Reads NotificationData into this RopNotify, in place (see
    /// [`NotificationData::read_in_place`]).
    pub fn read_data(&mut self, r: &mut Reader) -> Result<(), Error> {
        r.enter("NotificationData");
        let result = self.notification_data.read_in_place(r);
        r.leave();
        result
    }
}

impl RopResponseBody for RopNotifyResponse {
    const ROP: Rop = super::rop::NOTIFY;
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

impl WireStructure for RopNotifyResponse {
    const NAME: &'static str = super::rop::NOTIFY.name;

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r)
    }

    fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError> {
        out.push(ROP_ID);
        put_u32(out, self.notification_handle);
        out.push(self.logon_id);
        self.notification_data.write(out, layout).map_err(|e| e.within("NotificationData"))
    }

    fn to_value(&self, layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("NotificationHandle", self.notification_handle)
            .int("LogonId", self.logon_id)
            .value("NotificationData", self.notification_data.to_value(layout))
            .build()
    }

    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let data = o.get("NotificationData").ok_or_else(|| EncodeError::new("NotificationData", "missing"))?;
        Ok(RopNotifyResponse {
            notification_handle: o.u32("NotificationHandle")?,
            logon_id: o.u8("LogonId")?,
            notification_data: NotificationData::from_value(data, layout).map_err(|e| e.within("NotificationData"))?,
        })
    }
}
