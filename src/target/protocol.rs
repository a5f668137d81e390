//! The adapter protocol's messages as types (`docs/adapter.md`, schema
//! `docs/adapter.schema.json`; `tests/adapter_schema.rs` checks the two
//! against each other).
//!
//! A [`Request`] is one line the harness writes, tagged by `op`; the `id`
//! is added by whoever frames the line. Each operation's `ok` object has
//! its own type ([`HelloOk`], [`DecodeOk`], [`EncodeOk`], [`ResetOk`],
//! [`ExecuteOk`], [`EventOk`], [`CheckTraceOk`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The protocol version this harness speaks.
pub const PROTOCOL: u64 = 1;

/// Every operation, in the order `hello` lists them.
pub const OPERATIONS: [&str; 7] = ["hello", "decode", "encode", "reset", "execute", "event", "check_trace"];

fn spec() -> String {
    "spec".into()
}

/// One request, without its `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// The first request after every start: who is the adapter, what does
    /// it implement?
    Hello {
        /// The harness and its version (`oxcnotif 0.1.0`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        harness: Option<String>,
        /// The protocol version the harness speaks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<u64>,
    },
    /// Decode `hex` as `structure`.
    Decode {
        /// A structure name (`notification-data`, …).
        structure: String,
        /// `spec` or `legacy`.
        #[serde(default = "spec")]
        layout: String,
        /// The bytes.
        hex: String,
    },
    /// Encode `value` as `structure`.
    Encode {
        /// A structure name.
        structure: String,
        /// `spec` or `legacy`.
        #[serde(default = "spec")]
        layout: String,
        /// A value in the external value form.
        value: Value,
    },
    /// Start a fresh server session.
    Reset {
        /// A product profile name.
        #[serde(default = "spec")]
        profile: String,
        /// `spec` or `legacy`.
        #[serde(default = "spec")]
        layout: String,
        /// The store and logons ([`crate::model::Setup`]'s external form).
        #[serde(default)]
        setup: Value,
    },
    /// One call: a ROP input buffer in, a ROP output buffer out.
    Execute {
        /// The ROP input buffer.
        hex: String,
        /// The largest ROP output buffer the client accepts, in bytes.
        max_output: u64,
    },
    /// Something happens in the store ([`crate::model::Event`]'s external form).
    Event {
        /// The event.
        event: Value,
    },
    /// Check a recorded client session against the client rules.
    CheckTrace {
        /// `spec` or `legacy`.
        #[serde(default = "spec")]
        layout: String,
        /// Handles the client holds from before the trace.
        #[serde(default)]
        preexisting_handles: Vec<u32>,
        /// The session, in order.
        steps: Vec<TraceStep>,
    },
}

impl Request {
    /// The operation's name (`decode`, `check_trace`, …).
    pub fn op(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "hello",
            Request::Decode { .. } => "decode",
            Request::Encode { .. } => "encode",
            Request::Reset { .. } => "reset",
            Request::Execute { .. } => "execute",
            Request::Event { .. } => "event",
            Request::CheckTrace { .. } => "check_trace",
        }
    }

    /// The structure a codec request is about.
    pub fn structure(&self) -> Option<&str> {
        match self {
            Request::Decode { structure, .. } | Request::Encode { structure, .. } => Some(structure),
            _ => None,
        }
    }

    /// The protocol object (no `id`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads a protocol object (its `id`, if any, is ignored). `Ok(None)`
    /// for an `op` the protocol does not have.
    pub fn from_value(v: &Value) -> Result<Option<Request>, String> {
        let op = v.get("op").and_then(Value::as_str).ok_or("the request has no op")?;
        if !OPERATIONS.contains(&op) {
            return Ok(None);
        }
        let mut body = v.clone();
        if let Some(o) = body.as_object_mut() {
            o.remove("id");
        }
        serde_json::from_value(body).map(Some).map_err(|e| format!("{op}: {e}"))
    }
}

/// One step of a recorded client session: exactly one of `input` (a ROP
/// input buffer the client sent) or `output` (a ROP output buffer it got).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceStep {
    /// The ROP input buffer the client sent, as hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The ROP output buffer the client received, as hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// The `ok` of `hello`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelloOk {
    /// The implementation's name.
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: String,
    /// The protocol version it speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<u64>,
    /// The operations it implements.
    #[serde(default)]
    pub operations: Vec<String>,
    /// The structures its codec handles.
    #[serde(default)]
    pub structures: Vec<String>,
}

/// A finding in a reply: a rule the bytes break although they frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The requirement ID (`MS-OXCNOTIF_R120`).
    pub requirement: String,
    /// `MUST` or `SHOULD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The field path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The byte offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&crate::wire::Finding> for Finding {
    fn from(f: &crate::wire::Finding) -> Self {
        Finding {
            requirement: f.requirement.to_string(),
            level: Some(f.level.name().to_string()),
            field: Some(f.field.clone()),
            offset: Some(f.offset),
            message: Some(f.message.clone()),
        }
    }
}

/// Why bytes cannot be framed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodeError {
    /// The error kind (`Truncated`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The field path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The byte offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// The message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&crate::wire::Error> for DecodeError {
    fn from(e: &crate::wire::Error) -> Self {
        DecodeError {
            kind: Some(e.kind.name().to_string()),
            field: Some(e.field.clone()),
            offset: Some(e.offset),
            message: Some(e.to_string()),
        }
    }
}

/// The `ok` of `decode`: the value (with findings, when the adapter checks
/// rules), or the framing error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum DecodeOk {
    /// The bytes frame.
    Value {
        /// The external value form.
        value: Value,
        /// The findings; `None` leaves them uncompared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        findings: Option<Vec<Finding>>,
    },
    /// They do not.
    Error {
        /// Why.
        error: DecodeError,
    },
}

/// An encoder's refusal of a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refused {
    /// The field path refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The `ok` of `encode`: the bytes, or the refusal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum EncodeOk {
    /// The encoded bytes, as hex.
    Hex {
        /// The bytes.
        hex: String,
    },
    /// The value was refused.
    Refused {
        /// Why.
        refused: Refused,
    },
}

/// The `ok` of `reset`: the handle of each logon, keyed by LogonId in decimal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetOk {
    /// LogonId (decimal text) to logon object handle.
    #[serde(default)]
    pub logons: BTreeMap<String, u32>,
    /// The objects the setup opens (`Handle: $name` on a folder or
    /// message): `$name` to the handle of the Folder or Message object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub handles: BTreeMap<String, u32>,
}

/// A call that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallFailed {
    /// The error code (`0x000004B6` ecRpcFormat, …).
    pub code: u32,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The `ok` of `execute`: the ROP output buffer, or the failure of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum ExecuteOk {
    /// The ROP output buffer, as hex.
    Hex {
        /// The bytes.
        hex: String,
    },
    /// The call failed.
    Failed {
        /// How.
        failed: CallFailed,
    },
}

/// The `ok` of `event`: an empty object, or the folders whose contents
/// the event changed besides (docs/adapter.md, "event").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventOk {
    /// `side_effects`: FolderIds (16 hex digits, the case's IDs) of the
    /// folders whose contents the store operation behind the event changed
    /// too, such as the folder a message was created in: a live server may
    /// also report ObjectModified of each (MS-OXCNOTIF 2.2.1.4.1.2, the
    /// folder's TotalMessageCount and UnreadMessageCount), and a sequence
    /// case tolerates one such notification per folder and subscription
    /// that asked for it (spec-cases/README.md, "Notifications a live
    /// server adds"). Empty for a target that reports none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub side_effects: Vec<String>,
    /// `created`: messages (the case's IDs) the store operation behind the
    /// event created besides the object it names, such as the message a
    /// NewMail announces when the target saves it first: a live server
    /// reports ObjectCreated of each too, and a sequence case tolerates one
    /// per subscription that asked for ObjectCreated with the folder in its
    /// scope. Empty for a target that reports none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub created: Vec<CreatedMessage>,
}

/// A message an event's store operation created besides its own object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatedMessage {
    /// `Folder`: its FolderId (16 hex digits).
    #[serde(rename = "Folder")]
    pub folder: String,
    /// `Message`: its MessageId (16 hex digits).
    #[serde(rename = "Message")]
    pub message: String,
}

/// A client rule broken in a trace step: a [`Finding`] with its step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceFinding {
    /// The requirement ID.
    pub requirement: String,
    /// `MUST` or `SHOULD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The field path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The byte offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The trace step it is about.
    pub step: usize,
}

/// A trace step that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceError {
    /// The step.
    pub step: usize,
    /// Why.
    pub message: String,
}

/// The `ok` of `check_trace`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum CheckTraceOk {
    /// The rules broken (empty when the client conforms).
    Findings {
        /// One per rule broken.
        findings: Vec<TraceFinding>,
    },
    /// A step cannot be read.
    Error {
        /// Which and why.
        error: TraceError,
    },
}

/// The protocol form of an `ok` object.
pub fn ok_value<T: Serialize>(ok: &T) -> Value {
    serde_json::to_value(ok).unwrap_or(Value::Null)
}
