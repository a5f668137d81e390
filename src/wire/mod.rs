//! The reference encoder/decoder: what are the bytes?
//!
//! One file per spec structure, each reading and writing its fields side by
//! side in wire order:
//!
//! | structure | file | spec |
//! |---|---|---|
//! | ROP input / output buffer | [`rop_buffer`] | MS-OXCROPS 2.2.1 |
//! | RopRegisterNotification request / response | [`register_notification`] | MS-OXCROPS 2.2.14.1, MS-OXCNOTIF 2.2.1.2.1 |
//! | RopNotify response | [`notify`] | MS-OXCROPS 2.2.14.2, MS-OXCNOTIF 2.2.1.4.1 |
//! | NotificationData | [`notification_data`] | MS-OXCNOTIF 2.2.1.4.1.2 |
//! | RopPending response | [`pending`] | MS-OXCROPS 2.2.14.3 |
//! | RopRelease request | [`release`] | MS-OXCROPS 2.2.15.3 |
//! | RopBufferTooSmall response | [`buffer_too_small`] | MS-OXCROPS 2.2.15.1 |
//! | the table ROPs, request and response | [`table`] | MS-OXCROPS 2.2.4.13-14, 2.2.5, 2.2.6.17, 2.2.10.2, 2.2.11.2 |
//! | the ROPs that log on and change a mailbox (logon, open, create, move, copy, delete, set properties, save, search, new mail), request and response | [`mailbox`] | MS-OXCROPS 2.2.3.1, 2.2.4.1-4, 2.2.4.6-8, 2.2.4.10-12, 2.2.6.1-3, 2.2.7.7, 2.2.8.6 |
//! | PropertyTag | [`property_tag`] | MS-OXCDATA 2.9 |
//! | PropertyValue, TaggedPropertyValue | [`property_value`] | MS-OXCDATA 2.11 |
//! | PropertyRow | [`property_row`] | MS-OXCDATA 2.8.1 |
//! | the MAPI over HTTP transport: request bodies, the response inner stream, extended buffers, auxiliary blocks | [`transport`] | MS-OXCMAPIHTTP 2.2.4, 2.2.7; MS-OXCRPC 2.2.2 |
//!
//! A ROP's file states its fields once; [`rop_fields`] turns a field list
//! into the structure, its reading, writing and value form, and
//! [`rop_buffer`] dispatches on RopId through one list per buffer.
//!
//! Two tables name what the structures carry: [`rop`] (RopId, spec name,
//! section) and [`return_value`] (ReturnValue code, name, sections). The
//! NotificationType names are [`notification_data::NOTIFICATION_TYPES`].
//!
//! ## Contract
//!
//! * **Decoding never panics**, whatever the bytes, and never allocates
//!   more than the input could hold: every count is checked against the
//!   bytes that remain before anything is reserved. The fuzz targets and
//!   the property tests hold the decoder to this.
//! * **Lossless.** Every input the decoder accepts re-encodes to exactly
//!   the bytes it consumed: unknown type values, unknown flag bits, raw
//!   boolean bytes, nonzero Reserved, TagCount 0xFFFF and an unterminated
//!   MessageClass all survive.
//! * **Canonical form.** The encoder writes exactly the fields the value
//!   holds; it never invents or normalises one. A value whose fields
//!   disagree with its presence rules is refused with an [`EncodeError`]
//!   naming the field and the rule, so presence bits and present fields
//!   cannot disagree in encoded output. Derived lengths (RopSize,
//!   TableRowDataSize) are computed from the data; when a value states them,
//!   they are checked.
//! * **Framing errors vs findings.** Bytes that cannot be split into fields
//!   give one [`Error`] (kind, field path, byte offset) and no value. Spec
//!   violations that do not prevent framing are [`Finding`]s returned beside
//!   the value, each with its requirement ID, level, field and offset.

pub mod buffer_too_small;
pub mod codec;
pub mod dissect;
pub mod mailbox;
pub mod notification_data;
pub mod notify;
pub mod pending;
pub mod property_row;
pub mod property_tag;
pub mod property_value;
pub mod register_notification;
pub mod release;
pub mod return_value;
pub mod rop;
pub mod rop_buffer;
pub mod rop_fields;
pub mod structure;
pub mod table;
pub mod transport;
pub mod value;

pub use codec::{Decoded, EncodeError, Error, ErrorKind, Finding, Id8, Level, Reader, Span};
pub use structure::Structure;
pub use value::{error_json, finding_json};

use serde_json::Value;

/// Which reading of the RopRegisterNotification request to use (fact sheet
/// §3.3). It affects that request and ROP input buffers that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Layout {
    /// The current spec: NotificationTypes is 2 bytes, Reserved is present
    /// only when Extended (0x0400) is set (MS-OXCNOTIF_R133, R49002;
    /// MS-OXCROPS_R20005, R20005001).
    #[default]
    Spec,
    /// The legacy reading found in older MS-OXCROPS text, Microsoft's test
    /// client and an open-source server: NotificationTypes is 1 byte and a
    /// Reserved byte always follows.
    Legacy,
}

impl Layout {
    /// `spec` or `legacy`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Spec => "spec",
            Layout::Legacy => "legacy",
        }
    }

    /// Parses `spec` or `legacy`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "spec" => Some(Layout::Spec),
            "legacy" => Some(Layout::Legacy),
            _ => None,
        }
    }
}

/// One spec structure: read, write, and the external value form.
pub trait WireStructure: Sized {
    /// The structure's spec name.
    const NAME: &'static str;
    /// Reads the structure at the reader's position.
    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error>;
    /// Appends the encoded structure, or refuses a value that breaks its rules.
    fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError>;
    /// The external value form (spec field names, wire order).
    fn to_value(&self, layout: Layout) -> Value;
    /// Reads the external value form, refusing what breaks the rules.
    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError>;
}

/// Decodes `bytes` as one `T`, which must take all of them.
///
/// The typed counterpart of [`Structure::decode`]: a RopNotify response
/// (spec case `notify-response.subscription.object-created`) read as a
/// [`notify::RopNotifyResponse`], its NotificationData as a
/// [`notification_data::NotificationData`]:
///
/// ```
/// use oxcnotif::wire::notification_data::{notification_type, NotificationData};
/// use oxcnotif::wire::notify::RopNotifyResponse;
/// use oxcnotif::wire::{decode, encode, Id8, Layout};
///
/// let bytes = oxcnotif::hex::parse("2a a5000000 00 0400 0100000000001001 0100000000003001 0000").unwrap();
/// let d = decode::<RopNotifyResponse>(&bytes, Layout::Spec).unwrap();
/// assert_eq!((d.consumed, d.findings.len()), (bytes.len(), 0));
/// let notify = d.value;
/// assert_eq!(notify.notification_handle, 0x0000_00A5);
/// let data: &NotificationData = &notify.notification_data;
/// assert_eq!(data.notification_type(), notification_type::OBJECT_CREATED);
/// assert_eq!(data.folder_id, Some(Id8([0x01, 0, 0, 0, 0, 0, 0x10, 0x01])));
/// assert_eq!(data.message_id, None);
///
/// // NotificationData alone is the bytes after LogonId.
/// let alone = decode::<NotificationData>(&bytes[6..], Layout::Spec).unwrap().value;
/// assert_eq!(&alone, data);
///
/// // Lossless: the value encodes back to the same bytes.
/// assert_eq!(encode(&notify, Layout::Spec).unwrap(), bytes);
/// ```
pub fn decode<T: WireStructure>(bytes: &[u8], layout: Layout) -> Result<Decoded<T>, Error> {
    let mut r = Reader::new(bytes);
    let value = read_all::<T>(&mut r, layout)?;
    let (findings, _) = r.finish();
    Ok(Decoded { value, findings, consumed: bytes.len() })
}

/// Reads a `T` and checks that no bytes follow it.
pub(crate) fn read_all<T: WireStructure>(r: &mut Reader, layout: Layout) -> Result<T, Error> {
    let value = T::read(r, layout)?;
    if r.remaining() > 0 {
        return Err(r.error(T::NAME, ErrorKind::TrailingBytes { count: r.remaining() }));
    }
    Ok(value)
}

/// Encodes `value`.
pub fn encode<T: WireStructure>(value: &T, layout: Layout) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    value.write(&mut out, layout)?;
    Ok(out)
}

/// Reads a RopId that must be `expected`.
pub(crate) fn expect_rop_id(r: &mut Reader, expected: u8) -> Result<(), Error> {
    let id = r.u8("RopId")?;
    annotate_rop_id(r, id);
    if id != expected {
        return Err(r.error_at("RopId", r.pos() - 1, ErrorKind::UnexpectedRopId { rop_id: id }));
    }
    Ok(())
}

/// Annotates the RopId just read with the ROP's name.
#[inline]
pub(crate) fn annotate_rop_id(r: &mut Reader, id: u8) {
    r.annotate(|| rop::name(id).unwrap_or("unknown ROP").to_string());
}

/// The name of a RopId this harness knows (the [`rop`] table).
pub fn rop_name(id: u8) -> Option<&'static str> {
    rop::name(id)
}

/// The name of a ReturnValue (the [`return_value`] table, MS-OXCDATA 2.4,
/// MS-OXCROPS 3.2.5.4), or `""` for a code it does not list.
pub fn return_value_name(v: u32) -> &'static str {
    return_value::name(v).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_values_and_rops_have_their_names() {
        let table = [
            (0x0000_0000, "Success"),
            (0x8000_4005, "GeneralFailure"),
            (0x8007_0057, "InvalidParameter"),
            (0x8004_0102, "NotSupported"),
            (0x0000_04B9, "ecNullObject"),
            (0x8004_0108, "ecInvalidObject"),
            (0x8007_0005, "ecAccessDenied"),
            (0x0000_04B6, "ecRpcFormat"),
            (0x0000_047D, "ecBufferTooSmall"),
            (0x1234_5678, ""),
        ];
        for (v, want) in table {
            assert_eq!(return_value_name(v), want, "0x{v:08X}");
        }
        assert_eq!(rop_name(0x01), Some("RopRelease"));
        assert_eq!(rop_name(0x29), Some("RopRegisterNotification"));
        assert_eq!(rop_name(0x2A), Some("RopNotify"));
        assert_eq!(rop_name(0x6E), Some("RopPending"));
        assert_eq!(rop_name(0xFF), Some("RopBufferTooSmall"));
        assert_eq!(rop_name(0x03), Some("RopOpenMessage"));
        assert_eq!(rop_name(0x07), None);
        assert_eq!(Layout::from_name("legacy"), Some(Layout::Legacy));
        assert_eq!(Layout::from_name(Layout::Spec.name()), Some(Layout::Spec));
        assert_eq!(Layout::from_name("other"), None);
    }
}
