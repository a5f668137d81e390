//! MAPI over HTTP cases: ordered HTTP requests to a mailbox endpoint
//! ([MS-OXCMAPIHTTP]) from one or more Session Contexts, with partial
//! expectations on each response (X-ResponseCode, headers, meta-tags, the
//! request type's response body, the ROP output buffer inside an Execute).
//!
//! They run over real loopback sockets against `oxcnotif serve`, the
//! built-in reference started for the case ([`run_builtin`]), and every
//! check they make is one a server on the wire could be held to.
//!
//! ```yaml
//! kind: mapi-http
//! cases:
//!   - id: mapi-http.notification-wait.event-pending
//!     description: …
//!     sections: [MS-OXCMAPIHTTP 3.2.5.5]
//!     requirements: [MS-OXCMAPIHTTP_R1258]
//!     server: {pending_period: 100ms, wait_limit: 2s}  # optional: how the reference serves this case
//!     steps:
//!       - session: a                 # optional (default a): which Session Context
//!         request: Connect           # X-RequestType; the body is built from the step
//!         client_mode: cached        # Connect: an AUX_PERF_CLIENTINFO block with this ClientMode
//!       - request: Execute
//!         rops: {RopsList: [...], ServerObjectHandleTable: [...]}   # with $names, as in sequence cases
//!         flags: 0x3                 # Execute Flags (default NoCompression | NoXorMagic)
//!         compress: false            # the request's own payload (default plain)
//!         obfuscate: false
//!         expect:
//!           X-ResponseCode: 0
//!           rops: {RopsList: [{RopId: 0xFE, ReturnValue: 0}], ServerObjectHandleTable: [$logon]}
//!       - request: NotificationWait
//!         hold: true                 # answered later, at the `await` step
//!       - event: {Type: NewMail, Folder: Inbox, …}  # the reference's control endpoint (docs/serve.md)
//!       - await: a
//!         expect: {body: {EventPending: 1}, meta: [PROCESSING, DONE]}
//!       - request: PING
//!         headers: {X-RequestId: null}   # override (null removes) a header the client sends
//!         cookies: previous              # or none: the cookie jar before this session's last request
//!         body: "0000"                   # raw body as hex, in place of the built one
//!         expect:
//!           X-ResponseCode: 7
//!           headers: {Content-Type: text/html}   # "*": present; null: absent
//!           client_findings: [MS-OXCMAPIHTTP_R2039]   # the reference's client report names these
//!           accepts_success: true    # serving the request instead (X-ResponseCode 0) is INFO, not FAIL
//!         requirements: [MS-OXCMAPIHTTP_R143]     # optional: what this step verifies (default: the case's)
//!     cleanup:                       # optional: ROP input buffers run after the steps, whatever happened
//!       - {RopsList: [...], ServerObjectHandleTable: [...]}   # skipped when it names an unbound $name
//! ```
//!
//! Grading: a step's expectation takes the level of its requirements
//! ([`crate::cases::levels`]). Every response is also held to the rules
//! every response has, each at its own row's level: the headers every
//! response carries (MS-OXCMAPIHTTP_R44), X-RequestId and X-ClientInfo
//! echoed (R2040, R156), Content-Type by X-ResponseCode (R2037, R2038), and
//! for X-ResponseCode 0 an inner stream that reads, starts with PROCESSING
//! (R1238) and ends with DONE and X-ElapsedTime (R1244, R2228).

mod checks;
mod load;
mod runner;

pub use load::parse_file;
pub use runner::{run_builtin, run_on, Target};

/// The rules every MAPI over HTTP response is held to (the headers every
/// response carries, MS-OXCMAPIHTTP_R44; X-RequestId and X-ClientInfo
/// returned, R2040, R156; Content-Type by X-ResponseCode, R2037, R2038; the
/// inner stream's framing, R41, R1238, R1244, R2228, R168; a PING without a
/// body, R1460), each at its own row's level: the problems of `x`, a
/// response to `request_type`. The live-server target applies them to
/// every response a sequence case's steps cause, too.
pub fn response_rules(x: &crate::target::mapi_http::Exchange, request_type: &str) -> Vec<super::verdict::Problem> {
    checks::always_checks(x, request_type)
}

/// [`response_rules`] as the live-server target records them
/// ([`crate::target::wire_server::ResponseRules`]): `{grade, field, message}`.
pub fn response_rule_values(x: &crate::target::mapi_http::Exchange, request_type: &str) -> Vec<Value> {
    response_rules(x, request_type)
        .iter()
        .map(|p| serde_json::json!({"grade": p.grade.name(), "field": p.field, "message": p.message}))
        .collect()
}

use super::verdict::Grade;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The X-RequestTypes a step may send.
pub const REQUEST_TYPES: &[&str] = &["Connect", "Execute", "Disconnect", "NotificationWait", "PING"];

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a request and read its whole response (or, held, later).
    Request(RequestStep),
    /// Complete the held NotificationWait of a session.
    Await(String),
    /// An event in the served mailbox, through the reference's control
    /// endpoint (a change made elsewhere).
    Event(Value),
}

/// A request a step sends.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestStep {
    /// X-RequestType.
    pub request_type: String,
    /// The HTTP method (POST unless a case breaks R3).
    pub method: String,
    /// A raw body, in place of the one built from the step.
    pub body: Option<Vec<u8>>,
    /// Execute: the ROP input buffer, as a value with `$names`.
    pub rops: Option<Value>,
    /// Execute: Flags.
    pub flags: u32,
    /// Execute: MaxRopOut.
    pub max_rop_out: u32,
    /// Execute: compress the request's payload.
    pub compress: bool,
    /// Execute: obfuscate the request's payload.
    pub obfuscate: bool,
    /// Connect: the ClientMode of an AUX_PERF_CLIENTINFO block.
    pub client_mode: Option<u8>,
    /// Header overrides: `None` removes the header.
    pub headers: Vec<(String, Option<String>)>,
    /// `previous` or `none`: which cookies go with the request.
    pub cookies: Option<String>,
    /// A NotificationWait answered at a later `await` step.
    pub hold: bool,
}

/// What a step expects (every key optional).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// The HTTP status.
    pub status: Option<u16>,
    /// X-ResponseCode.
    pub response_code: Option<u32>,
    /// Serving the request (X-ResponseCode 0) in place of the expected
    /// failure is behaviour the spec leaves open (INFO): the request breaks
    /// a client rule, and the spec does not say the server must refuse it;
    /// only a refusal with another number is graded by the step's rows.
    pub accepts_success: bool,
    /// Headers: a value, `*` for present, `None` for absent.
    pub headers: Vec<(String, Option<String>)>,
    /// The meta-tags, in order.
    pub meta: Option<Vec<String>>,
    /// A partial value of the request type's response body.
    pub body: Option<Value>,
    /// A partial value of the ROP output buffer (Execute).
    pub rops: Option<Value>,
    /// Requirements the reference's client report names for this request.
    pub client_findings: Option<Vec<String>>,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The Session Context it belongs to.
    pub session: String,
    /// What it does.
    pub action: Action,
    /// What it expects.
    pub expect: Expect,
    /// The step as written, for the report.
    pub written: Value,
    /// The requirements its expectation verifies (default: the case's).
    pub requirements: Option<Vec<String>>,
}

/// How the reference serves a case.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOptions {
    /// X-PendingPeriod.
    pub pending_period: Duration,
    /// How long a NotificationWait is held.
    pub wait_limit: Duration,
    /// X-ExpirationInfo.
    pub expiration: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            pending_period: Duration::from_secs(30),
            wait_limit: Duration::from_secs(10),
            expiration: Duration::from_secs(900),
        }
    }
}

/// A loaded MAPI over HTTP case.
#[derive(Debug, Clone)]
pub struct MapiHttpCase {
    /// Stable id.
    pub id: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs verified.
    pub requirements: Vec<String>,
    /// How strong the case's expectations are (`grade:`; default MUST).
    pub grade: Grade,
    /// How the reference serves it.
    pub server: ServerOptions,
    /// The steps.
    pub steps: Vec<Step>,
    /// ROP input buffers that delete what the steps created, each sent in
    /// one Execute of a Session Context of its own once the steps are over,
    /// whatever their outcome; one naming a `$name` the steps never bound
    /// is skipped (its object was never made).
    pub cleanup: Vec<Value>,
    /// The file.
    pub file: PathBuf,
    /// The line of its id.
    pub line: usize,
}
