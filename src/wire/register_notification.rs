//! RopRegisterNotification (RopId 0x29): [MS-OXCROPS] 2.2.14.1,
//! [MS-OXCNOTIF] 2.2.1.2.1.
//!
//! The request has two readings in the wild ([`Layout`]). The spec reading
//! (the default) takes NotificationTypes as 2 bytes and Reserved only when
//! the Extended bit 0x0400 is set (MS-OXCNOTIF_R133, MS-OXCNOTIF_R49002,
//! MS-OXCROPS_R20005, MS-OXCROPS_R20005001). The legacy reading takes
//! NotificationTypes as 1 byte followed by an always-present Reserved byte.
//! They frame the same bytes identically unless a type bit at or above
//! 0x0100 is set.

use super::codec::{put_id8, put_u16, put_u32, EncodeError, Error, Id8, Level, Reader};
use super::notification_data::NOTIFICATION_TYPES;
use super::rop::{HandleUse, Rop, RopRequestBody, RopResponseBody};
use super::value::{MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// RopId of RopRegisterNotification.
pub const ROP_ID: u8 = super::rop::REGISTER_NOTIFICATION.id;

/// The Extended bit of NotificationTypes: its only wire effect is that
/// Reserved is present (MS-OXCNOTIF_R40002).
pub const EXTENDED: u16 = 0x0400;

/// Every NotificationTypes bit the spec defines (MS-OXCNOTIF_R40): each
/// NotificationType value of [`NOTIFICATION_TYPES`], and Extended.
pub const DEFINED_TYPES: u16 = {
    let mut bits = EXTENDED;
    let mut i = 0;
    while i < NOTIFICATION_TYPES.len() {
        bits |= NOTIFICATION_TYPES[i].value;
        i += 1;
    }
    bits
};

/// The spec names of NotificationTypes bits, for listings: the
/// [`NOTIFICATION_TYPES`] names in bit order, then `Extended`.
///
/// ```
/// use oxcnotif::wire::register_notification::type_names;
///
/// assert_eq!(type_names(0x0006), "NewMail|ObjectCreated");
/// assert_eq!(type_names(0x0402), "NewMail|Extended");
/// assert_eq!(type_names(0x0001), "undefined 0x0001");
/// assert_eq!(type_names(0), "none");
/// ```
pub fn type_names(types: u16) -> String {
    let names = NOTIFICATION_TYPES.iter().map(|t| (t.value, t.name)).chain([(EXTENDED, "Extended")]);
    let mut parts: Vec<String> = names.filter(|(b, _)| types & b != 0).map(|(_, n)| n.to_string()).collect();
    let unknown = types & !DEFINED_TYPES;
    if unknown != 0 {
        parts.push(format!("undefined 0x{unknown:04X}"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("|")
    }
}

/// The RopRegisterNotification request buffer ([MS-OXCROPS] 2.2.14.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopRegisterNotificationRequest {
    /// LogonId.
    pub logon_id: u8,
    /// InputHandleIndex: the handle-table slot of the input object.
    pub input_handle_index: u8,
    /// OutputHandleIndex: the slot that receives the subscription handle.
    pub output_handle_index: u8,
    /// NotificationTypes, every bit kept (2 bytes; 1 byte in the legacy reading).
    pub notification_types: u16,
    /// Reserved: present when Extended is set (spec reading), always
    /// (legacy reading). MUST be 0x00 (MS-OXCNOTIF_R50).
    pub reserved: Option<u8>,
    /// WantWholeStore, the raw byte: 0x00 is FALSE, anything else TRUE.
    pub want_whole_store: u8,
    /// FolderId: present exactly when WantWholeStore is zero (MS-OXCROPS_R4341, R4657).
    pub folder_id: Option<Id8>,
    /// MessageId: present exactly when WantWholeStore is zero (MS-OXCROPS_R4344, R4658).
    pub message_id: Option<Id8>,
}

const REQUEST_FIELDS: &[&str] = &[
    "RopId",
    "LogonId",
    "InputHandleIndex",
    "OutputHandleIndex",
    "NotificationTypes",
    "Reserved",
    "WantWholeStore",
    "FolderId",
    "MessageId",
];

impl RopRegisterNotificationRequest {
    /// Reads the fields after RopId (already read by the caller).
    pub fn read_body(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        let logon_id = r.u8("LogonId")?;
        let input_handle_index = r.u8("InputHandleIndex")?;
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let types_at = r.pos();
        let (notification_types, reserved) = match layout {
            Layout::Spec => {
                let t = r.u16("NotificationTypes")?;
                r.annotate(|| type_names(t));
                let reserved = if t & EXTENDED != 0 { Some(r.u8("Reserved")?) } else { None };
                (t, reserved)
            }
            Layout::Legacy => {
                let t = r.u8("NotificationTypes")? as u16;
                r.annotate(|| type_names(t));
                (t, Some(r.u8("Reserved")?))
            }
        };
        if let Some(v) = reserved {
            if v != 0 {
                // MS-OXCNOTIF_R50
                r.finding(
                    "MS-OXCNOTIF_R50",
                    Level::Must,
                    "Reserved",
                    r.pos() - 1,
                    format!("Reserved is 0x{v:02X}; it MUST be 0x00"),
                );
            }
        }
        if notification_types & !DEFINED_TYPES != 0 {
            // MS-OXCNOTIF_R40
            r.finding(
                "MS-OXCNOTIF_R40",
                Level::Must,
                "NotificationTypes",
                types_at,
                format!(
                    "bits 0x{:04X} are not NotificationTypes values the spec defines",
                    notification_types & !DEFINED_TYPES
                ),
            );
        }
        if notification_types & !EXTENDED == 0 {
            // MS-OXCNOTIF_R407
            r.finding(
                "MS-OXCNOTIF_R407",
                Level::Must,
                "NotificationTypes",
                types_at,
                "no notification type is requested; the client MUST specify the types it wants".into(),
            );
        }
        let want_whole_store = r.u8("WantWholeStore")?;
        r.annotate(|| bool_name(want_whole_store));
        if want_whole_store > 1 {
            // MS-OXCNOTIF_R52
            r.finding(
                "MS-OXCNOTIF_R52",
                Level::Must,
                "WantWholeStore",
                r.pos() - 1,
                format!("WantWholeStore is 0x{want_whole_store:02X}; a Boolean is TRUE (0x01) or FALSE (0x00)"),
            );
        }
        let (folder_id, message_id) =
            if want_whole_store == 0 { (Some(r.id8("FolderId")?), Some(r.id8("MessageId")?)) } else { (None, None) };
        Ok(RopRegisterNotificationRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            notification_types,
            reserved,
            want_whole_store,
            folder_id,
            message_id,
        })
    }

    fn check(&self, layout: Layout) -> Result<(), EncodeError> {
        match layout {
            Layout::Spec => {
                let want = self.notification_types & EXTENDED != 0;
                if self.reserved.is_some() != want {
                    return Err(EncodeError::new(
                        "Reserved",
                        if want {
                            "missing: NotificationTypes has Extended (0x0400) set, so Reserved is present (MS-OXCROPS_R20005)"
                        } else {
                            "present, but NotificationTypes has Extended (0x0400) clear, so Reserved MUST be absent (MS-OXCROPS_R20005001)"
                        },
                    ));
                }
            }
            Layout::Legacy => {
                if self.notification_types > 0xFF {
                    return Err(EncodeError::new(
                        "NotificationTypes",
                        format!(
                            "0x{:04X} does not fit the 1-byte field of the legacy reading",
                            self.notification_types
                        ),
                    ));
                }
                if self.reserved.is_none() {
                    return Err(EncodeError::new("Reserved", "missing: the legacy reading always has Reserved"));
                }
            }
        }
        let scoped = self.want_whole_store == 0;
        for (name, v) in [("FolderId", self.folder_id), ("MessageId", self.message_id)] {
            if v.is_some() != scoped {
                return Err(EncodeError::new(
                    name,
                    if scoped {
                        "missing: WantWholeStore is zero, so the field is present (MS-OXCROPS_R4341, MS-OXCROPS_R4344)"
                    } else {
                        "present, but WantWholeStore is nonzero, so the field is absent (MS-OXCROPS_R4657, MS-OXCROPS_R4658)"
                    },
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn bool_name(b: u8) -> String {
    match b {
        0 => "FALSE".into(),
        1 => "TRUE".into(),
        _ => "TRUE (not canonical)".into(),
    }
}

impl RopRequestBody for RopRegisterNotificationRequest {
    const ROP: Rop = super::rop::REGISTER_NOTIFICATION;
    fn read_body(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        Self::read_body(r, layout)
    }
    fn logon_id(&self) -> u8 {
        self.logon_id
    }
    fn handle_uses(&self) -> [Option<HandleUse>; 2] {
        [
            Some(HandleUse { field: "InputHandleIndex", offset: 2, index: self.input_handle_index, output: false }),
            Some(HandleUse { field: "OutputHandleIndex", offset: 3, index: self.output_handle_index, output: true }),
        ]
    }
}

impl WireStructure for RopRegisterNotificationRequest {
    const NAME: &'static str = super::rop::REGISTER_NOTIFICATION.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError> {
        self.check(layout)?;
        out.extend_from_slice(&[ROP_ID, self.logon_id, self.input_handle_index, self.output_handle_index]);
        match layout {
            Layout::Spec => put_u16(out, self.notification_types),
            Layout::Legacy => out.push(self.notification_types as u8),
        }
        if let Some(v) = self.reserved {
            out.push(v);
        }
        out.push(self.want_whole_store);
        if let (Some(f), Some(m)) = (&self.folder_id, &self.message_id) {
            put_id8(out, f);
            put_id8(out, m);
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("LogonId", self.logon_id)
            .int("InputHandleIndex", self.input_handle_index)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("NotificationTypes", self.notification_types)
            .opt_int("Reserved", self.reserved)
            .int("WantWholeStore", self.want_whole_store)
            .opt_id8("FolderId", self.folder_id)
            .opt_id8("MessageId", self.message_id)
            .build()
    }

    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let notification_types = match layout {
            Layout::Spec => o.u16("NotificationTypes")?,
            Layout::Legacy => o.u8("NotificationTypes")? as u16,
        };
        let req = RopRegisterNotificationRequest {
            logon_id: o.u8("LogonId")?,
            input_handle_index: o.u8("InputHandleIndex")?,
            output_handle_index: o.u8("OutputHandleIndex")?,
            notification_types,
            reserved: o.opt_u8("Reserved")?,
            want_whole_store: o.u8("WantWholeStore")?,
            folder_id: o.opt_id8("FolderId")?,
            message_id: o.opt_id8("MessageId")?,
        };
        req.check(layout)?;
        Ok(req)
    }
}

/// The RopRegisterNotification response buffer ([MS-OXCROPS] 2.2.14.1.2):
/// one shape for success and failure. On success the subscription handle is
/// in the output buffer's ServerObjectHandleTable at OutputHandleIndex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopRegisterNotificationResponse {
    /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R4350).
    pub output_handle_index: u8,
    /// ReturnValue: 0x00000000 is success.
    pub return_value: u32,
}

const RESPONSE_FIELDS: &[&str] = &["RopId", "OutputHandleIndex", "ReturnValue"];

impl RopRegisterNotificationResponse {
    /// Reads the fields after RopId.
    pub fn read_body(r: &mut Reader) -> Result<Self, Error> {
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| super::return_value_name(return_value).to_string());
        Ok(RopRegisterNotificationResponse { output_handle_index, return_value })
    }
}

impl RopResponseBody for RopRegisterNotificationResponse {
    const ROP: Rop = super::rop::REGISTER_NOTIFICATION;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        Self::read_body(r)
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "OutputHandleIndex", offset: 1, index: self.output_handle_index, output: true })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl WireStructure for RopRegisterNotificationResponse {
    const NAME: &'static str = super::rop::REGISTER_NOTIFICATION.name;

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        super::expect_rop_id(r, ROP_ID)?;
        Self::read_body(r)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        out.extend_from_slice(&[ROP_ID, self.output_handle_index]);
        put_u32(out, self.return_value);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("ReturnValue", self.return_value)
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        Ok(RopRegisterNotificationResponse {
            output_handle_index: o.u8("OutputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
        })
    }
}
