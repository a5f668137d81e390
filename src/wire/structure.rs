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
        }
    };
}

impl Structure {
    /// All structures, in the order the CLI lists them.
    pub const ALL: [Structure; 9] = [
        Structure::RopInputBuffer,
        Structure::RopOutputBuffer,
        Structure::RegisterNotificationRequest,
        Structure::RegisterNotificationResponse,
        Structure::ReleaseRequest,
        Structure::NotifyResponse,
        Structure::NotificationData,
        Structure::PendingResponse,
        Structure::BufferTooSmallResponse,
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
        }
    }

    /// The ROP whose buffer it is (the [`rop`](super::rop) table), or
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
        }
    }

    /// Decodes `bytes` (all of them) to the external value form.
    pub fn decode(self, bytes: &[u8], layout: Layout) -> Result<(Value, Vec<Finding>), Error> {
        let d = dispatch!(self, run(bytes, layout, false));
        d.result.map(|v| (v, d.findings))
    }

    /// Decodes with a span per field, keeping what was read before an error.
    pub fn dissect(self, bytes: &[u8], layout: Layout) -> Dissection {
        dispatch!(self, run(bytes, layout, true))
    }

    /// Encodes a value in the external form.
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
