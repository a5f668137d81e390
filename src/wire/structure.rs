//! The structures by name, for the CLI, the case runner and (later) the
//! adapter protocol: decode to and encode from the external value form
//! without knowing the Rust type.

use super::buffer_too_small::RopBufferTooSmallResponse;
use super::codec::{EncodeError, Error, Finding, Reader, Span};
use super::notification_data::NotificationData;
use super::notify::RopNotifyResponse;
use super::pending::RopPendingResponse;
use super::register_notification::{RopRegisterNotificationRequest, RopRegisterNotificationResponse};
use super::release::RopReleaseRequest;
use super::rop::{self, Rop};
use super::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use super::table::get_attachment_table::RopGetAttachmentTableRequest;
use super::table::get_attachment_table::RopGetAttachmentTableResponse;
use super::table::get_contents_table::RopGetContentsTableRequest;
use super::table::get_contents_table::RopGetContentsTableResponse;
use super::table::get_hierarchy_table::RopGetHierarchyTableRequest;
use super::table::get_hierarchy_table::RopGetHierarchyTableResponse;
use super::table::get_permissions_table::RopGetPermissionsTableRequest;
use super::table::get_permissions_table::RopGetPermissionsTableResponse;
use super::table::get_rules_table::RopGetRulesTableRequest;
use super::table::get_rules_table::RopGetRulesTableResponse;
use super::{read_all, Layout, WireStructure};
use serde_json::Value;

/// Every structure the harness encodes and decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Structure {
    /// `rop-input-buffer`: MS-OXCROPS 2.2.1, sent by the client.
    RopInputBuffer,
    /// `rop-output-buffer`: MS-OXCROPS 2.2.1, sent by the server.
    RopOutputBuffer,
    /// `register-notification-request`: MS-OXCROPS 2.2.14.1.1.
    RegisterNotificationRequest,
    /// `register-notification-response`: MS-OXCROPS 2.2.14.1.2.
    RegisterNotificationResponse,
    /// `release-request`: MS-OXCROPS 2.2.15.3.1.
    ReleaseRequest,
    /// `notify-response`: MS-OXCROPS 2.2.14.2.1.
    NotifyResponse,
    /// `notification-data`: MS-OXCNOTIF 2.2.1.4.1.2.
    NotificationData,
    /// `pending-response`: MS-OXCROPS 2.2.14.3.1.
    PendingResponse,
    /// `buffer-too-small-response`: MS-OXCROPS 2.2.15.1.1.
    BufferTooSmallResponse,
    /// `get-hierarchy-table-request`: MS-OXCROPS 2.2.4.13.1.
    GetHierarchyTableRequest,
    /// `get-hierarchy-table-response`: MS-OXCROPS 2.2.4.13.2.
    GetHierarchyTableResponse,
    /// `get-contents-table-request`: MS-OXCROPS 2.2.4.14.1.
    GetContentsTableRequest,
    /// `get-contents-table-response`: MS-OXCROPS 2.2.4.14.2.
    GetContentsTableResponse,
    /// `get-attachment-table-request`: MS-OXCROPS 2.2.6.17.1.
    GetAttachmentTableRequest,
    /// `get-attachment-table-response`: MS-OXCROPS 2.2.6.17.2.
    GetAttachmentTableResponse,
    /// `get-permissions-table-request`: MS-OXCROPS 2.2.10.2.1.
    GetPermissionsTableRequest,
    /// `get-permissions-table-response`: MS-OXCROPS 2.2.10.2.2.
    GetPermissionsTableResponse,
    /// `get-rules-table-request`: MS-OXCROPS 2.2.11.2.1.
    GetRulesTableRequest,
    /// `get-rules-table-response`: MS-OXCROPS 2.2.11.2.2.
    GetRulesTableResponse,
}

/// What `dissect` gives: the listing as far as decoding got, the findings,
/// and the value or the framing error that stopped it.
#[derive(Debug, Clone)]
pub struct Dissection {
    /// The value, or the framing error.
    pub result: Result<Value, Error>,
    /// Findings recorded before decoding ended.
    pub findings: Vec<Finding>,
    /// One span per field read.
    pub spans: Vec<Span>,
}

fn run<T: WireStructure>(bytes: &[u8], layout: Layout, trace: bool) -> Dissection {
    let mut r = if trace { Reader::with_trace(bytes) } else { Reader::new(bytes) };
    let result = read_all::<T>(&mut r, layout).map(|v| v.to_value(layout));
    let (findings, spans) = r.finish();
    Dissection { result, findings, spans: spans.unwrap_or_default() }
}

fn enc<T: WireStructure>(v: &Value, layout: Layout) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    T::from_value(v, layout)?.write(&mut out, layout)?;
    Ok(out)
}

macro_rules! dispatch {
    ($s:expr, $f:ident ( $($arg:expr),* )) => {
        match $s {
            Structure::RopInputBuffer => $f::<RopInputBuffer>($($arg),*),
            Structure::RopOutputBuffer => $f::<RopOutputBuffer>($($arg),*),
            Structure::RegisterNotificationRequest => $f::<RopRegisterNotificationRequest>($($arg),*),
            Structure::RegisterNotificationResponse => $f::<RopRegisterNotificationResponse>($($arg),*),
            Structure::ReleaseRequest => $f::<RopReleaseRequest>($($arg),*),
            Structure::NotifyResponse => $f::<RopNotifyResponse>($($arg),*),
            Structure::NotificationData => $f::<NotificationData>($($arg),*),
            Structure::PendingResponse => $f::<RopPendingResponse>($($arg),*),
            Structure::BufferTooSmallResponse => $f::<RopBufferTooSmallResponse>($($arg),*),
            Structure::GetHierarchyTableRequest => $f::<RopGetHierarchyTableRequest>($($arg),*),
            Structure::GetHierarchyTableResponse => $f::<RopGetHierarchyTableResponse>($($arg),*),
            Structure::GetContentsTableRequest => $f::<RopGetContentsTableRequest>($($arg),*),
            Structure::GetContentsTableResponse => $f::<RopGetContentsTableResponse>($($arg),*),
            Structure::GetAttachmentTableRequest => $f::<RopGetAttachmentTableRequest>($($arg),*),
            Structure::GetAttachmentTableResponse => $f::<RopGetAttachmentTableResponse>($($arg),*),
            Structure::GetPermissionsTableRequest => $f::<RopGetPermissionsTableRequest>($($arg),*),
            Structure::GetPermissionsTableResponse => $f::<RopGetPermissionsTableResponse>($($arg),*),
            Structure::GetRulesTableRequest => $f::<RopGetRulesTableRequest>($($arg),*),
            Structure::GetRulesTableResponse => $f::<RopGetRulesTableResponse>($($arg),*),
        }
    };
}

impl Structure {
    /// All structures, in the order the CLI lists them.
    pub const ALL: [Structure; 19] = [
        Structure::RopInputBuffer,
        Structure::RopOutputBuffer,
        Structure::RegisterNotificationRequest,
        Structure::RegisterNotificationResponse,
        Structure::ReleaseRequest,
        Structure::NotifyResponse,
        Structure::NotificationData,
        Structure::PendingResponse,
        Structure::BufferTooSmallResponse,
        Structure::GetHierarchyTableRequest,
        Structure::GetHierarchyTableResponse,
        Structure::GetContentsTableRequest,
        Structure::GetContentsTableResponse,
        Structure::GetAttachmentTableRequest,
        Structure::GetAttachmentTableResponse,
        Structure::GetPermissionsTableRequest,
        Structure::GetPermissionsTableResponse,
        Structure::GetRulesTableRequest,
        Structure::GetRulesTableResponse,
    ];

    /// The name used on the command line and in case files.
    pub fn name(self) -> &'static str {
        match self {
            Structure::RopInputBuffer => "rop-input-buffer",
            Structure::RopOutputBuffer => "rop-output-buffer",
            Structure::RegisterNotificationRequest => "register-notification-request",
            Structure::RegisterNotificationResponse => "register-notification-response",
            Structure::ReleaseRequest => "release-request",
            Structure::NotifyResponse => "notify-response",
            Structure::NotificationData => "notification-data",
            Structure::PendingResponse => "pending-response",
            Structure::BufferTooSmallResponse => "buffer-too-small-response",
            Structure::GetHierarchyTableRequest => "get-hierarchy-table-request",
            Structure::GetHierarchyTableResponse => "get-hierarchy-table-response",
            Structure::GetContentsTableRequest => "get-contents-table-request",
            Structure::GetContentsTableResponse => "get-contents-table-response",
            Structure::GetAttachmentTableRequest => "get-attachment-table-request",
            Structure::GetAttachmentTableResponse => "get-attachment-table-response",
            Structure::GetPermissionsTableRequest => "get-permissions-table-request",
            Structure::GetPermissionsTableResponse => "get-permissions-table-response",
            Structure::GetRulesTableRequest => "get-rules-table-request",
            Structure::GetRulesTableResponse => "get-rules-table-response",
        }
    }

    /// Looks a structure up by its [`Structure::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.name() == s)
    }

    /// What it is, in the spec's words, and who sends it.
    pub fn title(self) -> &'static str {
        match self {
            Structure::RopInputBuffer => "ROP input buffer, sent by the client",
            Structure::RopOutputBuffer => "ROP output buffer, sent by the server",
            Structure::RegisterNotificationRequest => "RopRegisterNotification request",
            Structure::RegisterNotificationResponse => "RopRegisterNotification response",
            Structure::ReleaseRequest => "RopRelease request",
            Structure::NotifyResponse => "RopNotify response",
            Structure::NotificationData => "NotificationData",
            Structure::PendingResponse => "RopPending response",
            Structure::BufferTooSmallResponse => "RopBufferTooSmall response",
            Structure::GetHierarchyTableRequest => "RopGetHierarchyTable request",
            Structure::GetHierarchyTableResponse => "RopGetHierarchyTable response",
            Structure::GetContentsTableRequest => "RopGetContentsTable request",
            Structure::GetContentsTableResponse => "RopGetContentsTable response",
            Structure::GetAttachmentTableRequest => "RopGetAttachmentTable request",
            Structure::GetAttachmentTableResponse => "RopGetAttachmentTable response",
            Structure::GetPermissionsTableRequest => "RopGetPermissionsTable request",
            Structure::GetPermissionsTableResponse => "RopGetPermissionsTable response",
            Structure::GetRulesTableRequest => "RopGetRulesTable request",
            Structure::GetRulesTableResponse => "RopGetRulesTable response",
        }
    }

    /// The ROP whose buffer it is (the [`rop`] table), or
    /// `None` for the ROP buffers and NotificationData.
    pub fn rop(self) -> Option<&'static Rop> {
        Some(match self {
            Structure::RopInputBuffer | Structure::RopOutputBuffer | Structure::NotificationData => return None,
            Structure::RegisterNotificationRequest | Structure::RegisterNotificationResponse => {
                &rop::REGISTER_NOTIFICATION
            }
            Structure::ReleaseRequest => &rop::RELEASE,
            Structure::NotifyResponse => &rop::NOTIFY,
            Structure::PendingResponse => &rop::PENDING,
            Structure::BufferTooSmallResponse => &rop::BUFFER_TOO_SMALL,
            Structure::GetHierarchyTableRequest => &rop::GET_HIERARCHY_TABLE,
            Structure::GetHierarchyTableResponse => &rop::GET_HIERARCHY_TABLE,
            Structure::GetContentsTableRequest => &rop::GET_CONTENTS_TABLE,
            Structure::GetContentsTableResponse => &rop::GET_CONTENTS_TABLE,
            Structure::GetAttachmentTableRequest => &rop::GET_ATTACHMENT_TABLE,
            Structure::GetAttachmentTableResponse => &rop::GET_ATTACHMENT_TABLE,
            Structure::GetPermissionsTableRequest => &rop::GET_PERMISSIONS_TABLE,
            Structure::GetPermissionsTableResponse => &rop::GET_PERMISSIONS_TABLE,
            Structure::GetRulesTableRequest => &rop::GET_RULES_TABLE,
            Structure::GetRulesTableResponse => &rop::GET_RULES_TABLE,
        })
    }

    /// The spec section that defines it.
    pub fn section(self) -> &'static str {
        match self {
            Structure::RopInputBuffer | Structure::RopOutputBuffer => "MS-OXCROPS 2.2.1",
            Structure::RegisterNotificationRequest => "MS-OXCROPS 2.2.14.1.1",
            Structure::RegisterNotificationResponse => "MS-OXCROPS 2.2.14.1.2",
            Structure::ReleaseRequest => "MS-OXCROPS 2.2.15.3.1",
            Structure::NotifyResponse => "MS-OXCROPS 2.2.14.2.1",
            Structure::NotificationData => "MS-OXCNOTIF 2.2.1.4.1.2",
            Structure::PendingResponse => "MS-OXCROPS 2.2.14.3.1",
            Structure::BufferTooSmallResponse => "MS-OXCROPS 2.2.15.1.1",
            Structure::GetHierarchyTableRequest => "MS-OXCROPS 2.2.4.13.1",
            Structure::GetHierarchyTableResponse => "MS-OXCROPS 2.2.4.13.2",
            Structure::GetContentsTableRequest => "MS-OXCROPS 2.2.4.14.1",
            Structure::GetContentsTableResponse => "MS-OXCROPS 2.2.4.14.2",
            Structure::GetAttachmentTableRequest => "MS-OXCROPS 2.2.6.17.1",
            Structure::GetAttachmentTableResponse => "MS-OXCROPS 2.2.6.17.2",
            Structure::GetPermissionsTableRequest => "MS-OXCROPS 2.2.10.2.1",
            Structure::GetPermissionsTableResponse => "MS-OXCROPS 2.2.10.2.2",
            Structure::GetRulesTableRequest => "MS-OXCROPS 2.2.11.2.1",
            Structure::GetRulesTableResponse => "MS-OXCROPS 2.2.11.2.2",
        }
    }

    /// Decodes `bytes` (all of them) to the external value form.
    ///
    /// A RopNotify for subscription 0x000000A5 reporting a new folder
    /// (spec case `notify-response.subscription.object-created`):
    ///
    /// ```
    /// use oxcnotif::hex;
    /// use oxcnotif::wire::{Layout, Structure};
    ///
    /// let bytes = hex::parse(
    ///     "2a                # RopId: RopNotify
    ///      a5000000          # NotificationHandle
    ///      00                # LogonId
    ///      0400              # NotificationFlags: ObjectCreated, a folder
    ///      0100000000001001  # FolderId
    ///      0100000000003001  # ParentFolderId
    ///      0000              # TagCount",
    /// )
    /// .unwrap();
    /// let (value, findings) = Structure::NotifyResponse.decode(&bytes, Layout::Spec).unwrap();
    /// assert!(findings.is_empty());
    /// assert_eq!(value["NotificationHandle"], 0xA5);
    /// assert_eq!(value["NotificationData"]["NotificationFlags"], 0x0004);
    /// assert_eq!(value["NotificationData"]["FolderId"], "0100000000001001");
    ///
    /// // One byte short: a framing error naming the field and its offset.
    /// let e = Structure::NotifyResponse.decode(&bytes[..bytes.len() - 1], Layout::Spec).unwrap_err();
    /// assert_eq!((e.field.as_str(), e.offset), ("NotificationData.TagCount", 24));
    /// ```
    pub fn decode(self, bytes: &[u8], layout: Layout) -> Result<(Value, Vec<Finding>), Error> {
        let d = dispatch!(self, run(bytes, layout, false));
        d.result.map(|v| (v, d.findings))
    }

    /// Decodes with a span per field, keeping what was read before an error.
    /// [`render`](super::dissect::render) prints the spans as the listing of
    /// `oxcnotif dissect`, each finding under the field it is about.
    ///
    /// A RopRegisterNotification request whose Reserved byte is not 0x00
    /// (MS-OXCNOTIF_R50; spec case `register-notification-request.types.reserved-nonzero`):
    ///
    /// ```
    /// use oxcnotif::wire::{dissect, Layout, Structure};
    ///
    /// // RopId, LogonId, InputHandleIndex, OutputHandleIndex,
    /// // NotificationTypes 0x0402 (NewMail | Extended), Reserved 0x01, WantWholeStore.
    /// let bytes = [0x29, 0x00, 0x00, 0x01, 0x02, 0x04, 0x01, 0x01];
    /// let d = Structure::RegisterNotificationRequest.dissect(&bytes, Layout::Spec);
    /// assert!(d.result.is_ok());
    /// let fields: Vec<&str> = d.spans.iter().map(|s| s.field.as_str()).collect();
    /// assert_eq!(fields[..2], ["RopId", "LogonId"]);
    ///
    /// let text = dissect::render(&bytes, &d);
    /// let rop_id = text.lines().nth(1).unwrap();
    /// assert!(rop_id.starts_with("0000    29") && rop_id.ends_with("0x29 RopRegisterNotification"));
    /// // The finding is printed right under the Reserved field.
    /// let lines: Vec<&str> = text.lines().collect();
    /// let at = lines.iter().position(|l| l.contains(" Reserved ")).unwrap();
    /// assert!(lines[at + 1].trim_start().starts_with("! MUST MS-OXCNOTIF_R50 at 0006 Reserved"));
    /// ```
    pub fn dissect(self, bytes: &[u8], layout: Layout) -> Dissection {
        dispatch!(self, run(bytes, layout, true))
    }

    /// Encodes a value in the external form. The value's fields are the
    /// spec's field names; RopSize and other derived lengths may be left out.
    ///
    /// ```
    /// use oxcnotif::wire::{Layout, Structure};
    /// use serde_json::json;
    ///
    /// // A whole-store ObjectCreated subscription into handle slot 1
    /// // (spec case `sequence.basics.register-notify-release`).
    /// let request = json!({
    ///     "RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
    ///     "NotificationTypes": 0x0004, "WantWholeStore": 1
    /// });
    /// let bytes = Structure::RegisterNotificationRequest.encode(&request, Layout::Spec).unwrap();
    /// assert_eq!(bytes, [0x29, 0x00, 0x00, 0x01, 0x04, 0x00, 0x01]);
    ///
    /// // A value that breaks a presence rule is refused, naming the field:
    /// // WantWholeStore FALSE needs FolderId and MessageId (MS-OXCROPS_R4341).
    /// let scoped = json!({
    ///     "RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
    ///     "NotificationTypes": 0x0004, "WantWholeStore": 0
    /// });
    /// let e = Structure::RegisterNotificationRequest.encode(&scoped, Layout::Spec).unwrap_err();
    /// assert_eq!(e.field, "FolderId");
    /// ```
    pub fn encode(self, value: &Value, layout: Layout) -> Result<Vec<u8>, EncodeError> {
        dispatch!(self, enc(value, layout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_structure_names_its_section() {
        let want = [
            (Structure::RopInputBuffer, "MS-OXCROPS 2.2.1"),
            (Structure::RopOutputBuffer, "MS-OXCROPS 2.2.1"),
            (Structure::RegisterNotificationRequest, "MS-OXCROPS 2.2.14.1.1"),
            (Structure::RegisterNotificationResponse, "MS-OXCROPS 2.2.14.1.2"),
            (Structure::ReleaseRequest, "MS-OXCROPS 2.2.15.3.1"),
            (Structure::NotifyResponse, "MS-OXCROPS 2.2.14.2.1"),
            (Structure::NotificationData, "MS-OXCNOTIF 2.2.1.4.1.2"),
            (Structure::PendingResponse, "MS-OXCROPS 2.2.14.3.1"),
            (Structure::BufferTooSmallResponse, "MS-OXCROPS 2.2.15.1.1"),
            (Structure::GetHierarchyTableRequest, "MS-OXCROPS 2.2.4.13.1"),
            (Structure::GetHierarchyTableResponse, "MS-OXCROPS 2.2.4.13.2"),
            (Structure::GetContentsTableRequest, "MS-OXCROPS 2.2.4.14.1"),
            (Structure::GetContentsTableResponse, "MS-OXCROPS 2.2.4.14.2"),
            (Structure::GetAttachmentTableRequest, "MS-OXCROPS 2.2.6.17.1"),
            (Structure::GetAttachmentTableResponse, "MS-OXCROPS 2.2.6.17.2"),
            (Structure::GetPermissionsTableRequest, "MS-OXCROPS 2.2.10.2.1"),
            (Structure::GetPermissionsTableResponse, "MS-OXCROPS 2.2.10.2.2"),
            (Structure::GetRulesTableRequest, "MS-OXCROPS 2.2.11.2.1"),
            (Structure::GetRulesTableResponse, "MS-OXCROPS 2.2.11.2.2"),
        ];
        assert_eq!(want.len(), Structure::ALL.len());
        for (s, section) in want {
            assert_eq!(s.section(), section, "{}", s.name());
            assert_eq!(Structure::from_name(s.name()), Some(s));
            // A ROP's structures are titled and sectioned after the ROP table.
            if let Some(rop) = s.rop() {
                assert!(s.title().starts_with(rop.name), "{}", s.name());
                assert!(s.section().starts_with(rop.section), "{}", s.name());
            }
        }
    }
}
