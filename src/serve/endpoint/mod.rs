//! The mailbox endpoint ([MS-OXCMAPIHTTP] 2.2.4, 3.2.5) as a sans-IO core:
//! [`Endpoint::handle`] takes one request and returns what to answer.
//!
//! What it checks of a request, in order, with the X-ResponseCode each
//! failure gets (the numbers of [`response_code`](crate::wire::transport::response_code)):
//!
//! 1. the method is POST (MS-OXCMAPIHTTP_R3; 2 Invalid Verb) and the path
//!    is the mailbox endpoint's, `/mapi/emsmdb/` (3 Invalid Path);
//! 2. Basic credentials of a configured user (R35, R36; HTTP 401);
//! 3. the headers every request carries (R38): X-RequestType (7 Missing
//!    Header; 5 Invalid Request Type when unknown), X-RequestId (R2039; 7)
//!    and Content-Type `application/mapi-http` (R67; 4 Invalid Header);
//!    X-ClientInfo (R2045) is recorded when missing but not refused;
//! 4. for every type but Connect, the Session Context cookie (R1149; 13
//!    Missing Cookie), a live Session Context of the same user (R1225,
//!    R1253, R1283; 10 Context Not Found), one request at a time except
//!    NotificationWait (R1227, R1170; 15 Invalid Sequence) and, for Execute
//!    and Disconnect, the current sequence cookie (R1150; 15);
//! 5. the body, by the codec (12 Invalid Request Body when it does not
//!    frame; the codec's findings are recorded).
//!
//! Rules a request breaks are recorded as [`ClientFinding`]s of its Session
//! Context (or of the endpoint, when it names none), with the level the
//! spec gives them; rules that do not stop the request (an X-RequestId
//! counter that does not increase, R130) are recorded and the request is
//! served.

mod reply;
use crate::wire::transport::body::bytes_of;
mod sessions;

use super::context::{self, ClientFinding, Context, Mailbox, CONTEXT_COOKIE, SEQUENCE_COOKIE};
use crate::model::client::TraceStep;
use crate::model::event::Event;
use crate::model::profile::Profile;
use crate::model::server::Server;
use crate::model::setup::{ClientMode, Setup};
use crate::wire::transport::connect::{ConnectRequest, ConnectResponse};
use crate::wire::transport::disconnect::{DisconnectRequest, DisconnectResponse};
use crate::wire::transport::execute_request::ExecuteRequest;
use crate::wire::transport::execute_response::ExecuteResponse;
use crate::wire::transport::extended_buffer::{ExtendedBuffer, Transform, MAX_PAYLOAD};
use crate::wire::transport::notification_wait::{NotificationWaitRequest, NotificationWaitResponse};
use crate::wire::transport::response_code::{self as rc, describe};
use crate::wire::transport::{aux_buffer, lz77};
use crate::wire::{decode, Finding, Layout, Level};
use reply::*;
use std::collections::HashMap;

/// Header lines, (name, value), in order.
pub type Headers = Vec<(String, String)>;

/// A user the endpoint accepts (Basic authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The password.
    pub password: String,
}

/// How the endpoint behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The users it accepts.
    pub users: Vec<User>,
    /// The product profile of every reference server.
    pub profile: Profile,
    /// The request layout of every reference server.
    pub layout: Layout,
    /// X-PendingPeriod: ms between PENDING keep-alives (MS-OXCMAPIHTTP_R158: 30 000 by default).
    pub pending_period_ms: u64,
    /// How long a NotificationWait is held without an event (R1215: 5 minutes).
    pub wait_limit_ms: u64,
    /// X-ExpirationInfo: the idle time after which a Session Context is destroyed (R167, R1285).
    pub expiration_ms: u64,
    /// X-ServerApplication (R164).
    pub server_application: String,
    /// Whether a message created, deleted, moved or copied also raises
    /// ObjectModified of each folder whose message count changed, with its
    /// TotalMessageCount (MS-OXCNOTIF 2.2.1.4.1.2), as Exchange does: a
    /// server that adds notifications the events imply (`serve --folder-counts`).
    pub folder_counts: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            users: Vec::new(),
            profile: crate::model::profile::spec(),
            layout: Layout::Spec,
            pending_period_ms: 30_000,
            wait_limit_ms: 300_000,
            expiration_ms: 900_000,
            server_application: format!("oxcnotif/{}", env!("CARGO_PKG_VERSION")),
            folder_counts: false,
        }
    }
}

/// One HTTP request, as the endpoint reads it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method.
    pub method: &'a str,
    /// The path and query.
    pub path: &'a str,
    /// The headers, names in lower case, in order.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
    /// The time (ms, any fixed origin).
    pub now_ms: u64,
}

impl Request<'_> {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What the response body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A diagnostic page (`text/html`, R2038) or nothing (401).
    Plain(Vec<u8>),
    /// An inner stream (MS-OXCMAPIHTTP 2.2.7): PROCESSING, then DONE with
    /// these additional headers and this body. The IO layer adds
    /// X-ElapsedTime and X-StartTime (R2228).
    Inner {
        /// Additional headers after DONE.
        headers: Vec<(String, String)>,
        /// The request type's response body.
        body: Vec<u8>,
    },
}

/// A response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The headers (Set-Cookie may repeat).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// The Session Context the request belongs to, if any: the IO layer
    /// calls [`Endpoint::finished`] with it once the response is sent.
    pub context: Option<u64>,
    /// The Session Context the request named, for the report.
    pub session: Option<u64>,
    /// Session Contexts that now have notifications queued: their held
    /// NotificationWaits should complete.
    pub woken: Vec<u64>,
}

/// What [`Endpoint::handle`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Answer now.
    Reply(Reply),
    /// A NotificationWait with nothing pending: send `headers` and
    /// PROCESSING now, PENDING every X-PendingPeriod, and call
    /// [`Endpoint::complete_wait`] when the context is woken or
    /// `deadline_ms` passes.
    Wait {
        /// The Session Context.
        context: u64,
        /// The response headers.
        headers: Vec<(String, String)>,
        /// When to give up waiting.
        deadline_ms: u64,
    },
}

/// The mailbox endpoint.
#[derive(Debug)]
pub struct Endpoint {
    config: Config,
    contexts: HashMap<u64, Context>,
    by_cookie: HashMap<String, u64>,
    mailboxes: HashMap<String, Mailbox>,
    ended: Vec<Context>,
    /// Findings of requests that named no Session Context.
    loose: Vec<ClientFinding>,
    /// Findings not yet printed live.
    fresh: Vec<String>,
    next_id: u64,
    counter: u64,
}

/// What a request is about, once its headers are read.
struct Head<'a> {
    request_type: &'a str,
    request_id: Option<&'a str>,
    client_info: Option<&'a str>,
}

const REQUEST_TYPES: &[&str] = &["Connect", "Execute", "Disconnect", "NotificationWait", "PING"];

impl Endpoint {
    /// An endpoint with no Session Contexts.
    pub fn new(config: Config) -> Self {
        Endpoint {
            config,
            contexts: HashMap::new(),
            by_cookie: HashMap::new(),
            mailboxes: HashMap::new(),
            ended: Vec::new(),
            loose: Vec::new(),
            fresh: Vec::new(),
            next_id: 1,
            counter: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The live Session Contexts.
    pub fn contexts(&self) -> impl Iterator<Item = &Context> {
        self.contexts.values()
    }

    /// The Session Contexts that ended (Disconnect, expiry, reconnect).
    pub fn ended(&self) -> &[Context] {
        &self.ended
    }

    /// Findings of requests that belonged to no Session Context.
    pub fn loose_findings(&self) -> &[ClientFinding] {
        &self.loose
    }

    /// The findings recorded since the last call, one line each, for the
    /// console.
    pub fn take_fresh(&mut self) -> Vec<String> {
        std::mem::take(&mut self.fresh)
    }

    /// Answers one request.
    pub fn handle(&mut self, req: &Request) -> Outcome {
        let mut findings = Vec::new();
        let out = self.dispatch(req, &mut findings);
        let (context, code) = match &out {
            Outcome::Reply(r) => (r.session, response_code_of(&r.headers)),
            Outcome::Wait { context, .. } => (Some(*context), rc::SUCCESS),
        };
        self.record(context, req, code, findings);
        out
    }

    fn dispatch(&mut self, req: &Request, findings: &mut Vec<ClientFinding>) -> Outcome {
        let head =
            Head { request_type: "", request_id: req.header("x-requestid"), client_info: req.header("x-clientinfo") };
        if req.method != "POST" {
            // MS-OXCMAPIHTTP_R3
            let m = format!("the method is {}; every request MUST use POST", req.method);
            findings.push(finding("MS-OXCMAPIHTTP_R3", "method", &m, rc::INVALID_VERB));
            return Outcome::Reply(self.failure(&head, None, rc::INVALID_VERB, &m));
        }
        let path = req.path.split('?').next().unwrap_or("");
        if !path.eq_ignore_ascii_case("/mapi/emsmdb/") && !path.eq_ignore_ascii_case("/mapi/emsmdb") {
            let m = format!("{path} is not the mailbox endpoint /mapi/emsmdb/");
            return Outcome::Reply(self.failure(&head, None, rc::INVALID_PATH, &m));
        }
        let Some(user) = self.authenticate_header(req.header("authorization")) else {
            return Outcome::Reply(unauthorized(&head));
        };
        let Some(request_type) = req.header("x-requesttype") else {
            // MS-OXCMAPIHTTP_R38
            let m = "the request has no X-RequestType header, which every request MUST carry";
            findings.push(finding("MS-OXCMAPIHTTP_R38", "X-RequestType", m, rc::MISSING_HEADER));
            return Outcome::Reply(self.failure(&head, None, rc::MISSING_HEADER, m));
        };
        let head = Head { request_type, ..head };
        if !REQUEST_TYPES.contains(&request_type) {
            let m = format!("X-RequestType {request_type:?} is not a request type of the mailbox endpoint (2.2.4)");
            findings.push(finding("MS-OXCMAPIHTTP_R141", "X-RequestType", &m, rc::INVALID_REQUEST_TYPE));
            return Outcome::Reply(self.failure(&head, None, rc::INVALID_REQUEST_TYPE, &m));
        }
        let Some(request_id) = head.request_id else {
            // MS-OXCMAPIHTTP_R2039, R38
            let m = "the request has no X-RequestId header; the client MUST send it on every request";
            findings.push(finding("MS-OXCMAPIHTTP_R2039", "X-RequestId", m, rc::MISSING_HEADER));
            return Outcome::Reply(self.failure(&head, None, rc::MISSING_HEADER, m));
        };
        let content_type = req.header("content-type").unwrap_or("");
        if !content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/mapi-http") {
            // MS-OXCMAPIHTTP_R67
            let m = format!("Content-Type is {content_type:?}; requests MUST carry application/mapi-http");
            findings.push(finding("MS-OXCMAPIHTTP_R67", "Content-Type", &m, rc::INVALID_HEADER));
            return Outcome::Reply(self.failure(&head, None, rc::INVALID_HEADER, &m));
        }
        match head.client_info {
            None => findings.push(finding(
                "MS-OXCMAPIHTTP_R2045",
                "X-ClientInfo",
                "the request has no X-ClientInfo header; the client MUST send it on every request",
                rc::SUCCESS,
            )),
            Some(v) if context::guid_and_counter(v).is_none() => findings.push(finding(
                "MS-OXCMAPIHTTP_R155",
                "X-ClientInfo",
                &format!("{v:?} is not a GUID followed by ':' and a decimal counter"),
                rc::SUCCESS,
            )),
            Some(_) => {}
        }
        let cookies = context::cookies(req.headers.iter().filter(|(n, _)| n == "cookie").map(|(_, v)| v.as_str()));
        let cookie = |name: &str| cookies.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        if request_type == "Connect" {
            return Outcome::Reply(self.connect(req, &head, &user, cookie(CONTEXT_COOKIE), request_id, findings));
        }
        let Some(value) = cookie(CONTEXT_COOKIE) else {
            // MS-OXCMAPIHTTP_R1149
            let m = format!("a {request_type} request without the {CONTEXT_COOKIE} cookie the Connect response set");
            findings.push(finding("MS-OXCMAPIHTTP_R1149", CONTEXT_COOKIE, &m, rc::MISSING_COOKIE));
            return Outcome::Reply(self.failure(&head, None, rc::MISSING_COOKIE, &m));
        };
        let Some(&id) = self.by_cookie.get(&value) else {
            // MS-OXCMAPIHTTP_R1253, R1283
            let m = match self.ended.iter().rev().find(|c| c.cookie == value) {
                Some(c) => {
                    format!("the Session Context of this cookie has ended ({})", c.ended.as_deref().unwrap_or(""))
                }
                None => "no Session Context has this cookie".to_string(),
            };
            findings.push(finding("MS-OXCMAPIHTTP_R1253", CONTEXT_COOKIE, &m, rc::CONTEXT_NOT_FOUND));
            return Outcome::Reply(self.failure(&head, None, rc::CONTEXT_NOT_FOUND, &m));
        };
        if self.contexts[&id].user != user {
            // MS-OXCMAPIHTTP_R1225
            let m = format!("the Session Context belongs to another user than {user}");
            return Outcome::Reply(self.failure(&head, None, rc::CONTEXT_NOT_FOUND, &m));
        }
        self.check_request_id(id, request_id, findings);
        let ctx = &self.contexts[&id];
        if request_type != "NotificationWait" && ctx.busy {
            // MS-OXCMAPIHTTP_R1227, R1228
            let m = "a request arrived while the Session Context's previous request was still being answered: one request at a time (only NotificationWait may overlap, R1170)";
            findings.push(finding("MS-OXCMAPIHTTP_R1227", "X-RequestId", m, rc::INVALID_SEQUENCE));
            return Outcome::Reply(self.failure(&head, Some(id), rc::INVALID_SEQUENCE, m));
        }
        if request_type == "NotificationWait" && ctx.waiting {
            let m = "a second NotificationWait while one is held for this Session Context";
            findings.push(finding("MS-OXCMAPIHTTP_R1227", "X-RequestType", m, rc::INVALID_SEQUENCE));
            return Outcome::Reply(self.failure(&head, Some(id), rc::INVALID_SEQUENCE, m));
        }
        if matches!(request_type, "Execute" | "Disconnect") {
            match cookie(SEQUENCE_COOKIE) {
                None => {
                    // MS-OXCMAPIHTTP_R1150
                    let m = format!("the request does not pass the {SEQUENCE_COOKIE} cookie");
                    findings.push(finding("MS-OXCMAPIHTTP_R1150", SEQUENCE_COOKIE, &m, rc::MISSING_COOKIE));
                    return Outcome::Reply(self.failure(&head, Some(id), rc::MISSING_COOKIE, &m));
                }
                Some(s) if s != ctx.sequence => {
                    // MS-OXCMAPIHTTP_R1149, R1150, R1228
                    let m = format!(
                        "the {SEQUENCE_COOKIE} cookie is not the one the last response set: the client did not pass the cookies of its previous call, or sent two requests at once"
                    );
                    findings.push(finding("MS-OXCMAPIHTTP_R1150", SEQUENCE_COOKIE, &m, rc::INVALID_SEQUENCE));
                    return Outcome::Reply(self.failure(&head, Some(id), rc::INVALID_SEQUENCE, &m));
                }
                Some(_) => {}
            }
        }
        match request_type {
            "Execute" => Outcome::Reply(self.execute(req, &head, id, findings)),
            "Disconnect" => Outcome::Reply(self.disconnect(req, &head, id, findings)),
            "PING" => Outcome::Reply(self.ping(req, &head, id, findings)),
            _ => self.notification_wait(req, &head, id, findings),
        }
    }

    fn connect(
        &mut self,
        req: &Request,
        head: &Head,
        user: &str,
        old: Option<String>,
        request_id: &str,
        findings: &mut Vec<ClientFinding>,
    ) -> Reply {
        let body = match decode::<ConnectRequest>(req.body, Layout::Spec) {
            Ok(d) => d,
            Err(e) => return self.bad_body(head, None, "Connect request body", &e, findings),
        };
        push_codec_findings(findings, &body.findings);
        // MS-OXCMAPIHTTP_R1277: a reconnect destroys the old context first;
        // its sequence cookie is ignored (R1279).
        if let Some(old) = old.and_then(|c| self.by_cookie.get(&c).copied()) {
            if self.contexts[&old].user == user {
                self.end(old, "replaced by a new Connect (reconnect, MS-OXCMAPIHTTP_R1277)");
            }
        }
        let client_mode = match aux_buffer::client_mode(&body.value.auxiliary_buffer) {
            Some(2) => ClientMode::Cached,
            _ => ClientMode::Online,
        };
        let id = self.next_id;
        self.next_id += 1;
        let mailbox = self.mailbox_entry(user);
        mailbox.contexts.insert(id);
        let server = mailbox.master.new_session(id as u16, client_mode);
        self.counter += 2;
        let mut ctx = Context {
            id,
            user: user.to_string(),
            cookie: context::opaque(self.counter),
            sequence: context::opaque(self.counter + 1),
            server,
            request_guid: None,
            last_counter: None,
            client_info: head.client_info.map(str::to_string),
            busy: true,
            waiting: false,
            last_active_ms: req.now_ms,
            requests: 0,
            trace: Vec::new(),
            findings: Vec::new(),
            ended: None,
            logons: Default::default(),
        };
        if let Some((guid, counter)) = context::guid_and_counter(request_id) {
            ctx.request_guid = Some(guid);
            ctx.last_counter = Some(counter);
        }
        self.by_cookie.insert(ctx.cookie.clone(), id);
        self.contexts.insert(id, ctx);
        let response = ConnectResponse {
            status_code: 0,
            error_code: 0,
            polls_max: u32::try_from(self.config.wait_limit_ms).unwrap_or(u32::MAX),
            retry_count: 6,
            retry_delay: 10_000,
            dn_prefix: String::new(),
            display_name: user.to_string(),
            auxiliary_buffer: Vec::new(),
        };
        self.success(head, id, bytes_of(&response))
    }

    fn execute(&mut self, req: &Request, head: &Head, id: u64, findings: &mut Vec<ClientFinding>) -> Reply {
        // MS-OXCMAPIHTTP_R317: after EventPending an Execute may have an empty body.
        let (flags, input, max_rop_out) = if req.body.is_empty() {
            (0x3, vec![0x02, 0x00], 0x1_0008)
        } else {
            let body = match decode::<ExecuteRequest>(req.body, Layout::Spec) {
                Ok(d) => d,
                Err(e) => return self.bad_body(head, Some(id), "Execute request body", &e, findings),
            };
            push_codec_findings(findings, &body.findings);
            let input = body.value.rop_buffer.as_ref().map(ExtendedBuffer::data).unwrap_or_else(|| vec![0x02, 0x00]);
            (body.value.flags, input, body.value.max_rop_out)
        };
        // Busy from here until the response is sent (a body that does not
        // parse was answered above, and leaves the context free).
        self.begin(id, req.now_ms);
        // The ROP output buffer goes in one payload of at most 32 KB
        // (MS-OXCRPC_R1628), after its 8-byte RPC_HEADER_EXT.
        let max_output = (max_rop_out as usize).saturating_sub(8).min(MAX_PAYLOAD);
        self.note_logons(id, &input);
        let ctx = self.contexts.get_mut(&id).expect("a live context");
        ctx.sequence = context::opaque(self.counter + 2);
        self.counter += 1;
        let (error_code, rop_buffer) = match ctx.server.execute(&input, max_output) {
            Ok(out) => {
                ctx.trace.push(TraceStep::Input(input));
                ctx.trace.push(TraceStep::Output(out.clone()));
                (0, Some(out_buffer(&out, flags)))
            }
            Err(e) => {
                ctx.trace.push(TraceStep::Input(input));
                (e.code, None)
            }
        };
        let mut raised = ctx.server.take_raised();
        if self.config.folder_counts {
            // Queued for the next output of this session, and replayed into
            // the others with the events that caused them.
            let counts = folder_count_events(&raised, ctx.server.store());
            for e in &counts {
                ctx.server.event(e);
            }
            raised.extend(counts);
        }
        let woken = self.replay(id, &raised);
        let response =
            ExecuteResponse { status_code: 0, error_code, flags: 0, rop_buffer, auxiliary_buffer: Vec::new() };
        let mut reply = self.success(head, id, bytes_of(&response));
        reply.woken = woken;
        reply
    }

    fn disconnect(&mut self, req: &Request, head: &Head, id: u64, findings: &mut Vec<ClientFinding>) -> Reply {
        // 3.1.5.4 (R1165) says Disconnect has no body; 2.2.4.3.1 gives it
        // AuxiliaryBufferSize and AuxiliaryBuffer. Both are accepted.
        if !req.body.is_empty() {
            match decode::<DisconnectRequest>(req.body, Layout::Spec) {
                Ok(d) => push_codec_findings(findings, &d.findings),
                Err(e) => return self.bad_body(head, Some(id), "Disconnect request body", &e, findings),
            }
        }
        self.begin(id, req.now_ms);
        let response = DisconnectResponse { status_code: 0, error_code: 0, auxiliary_buffer: Vec::new() };
        let mut reply = self.success(head, id, bytes_of(&response));
        // MS-OXCMAPIHTTP_R2233: the cookie is invalid from now on.
        self.end(id, "Disconnect");
        reply.context = None;
        reply
    }

    fn ping(&mut self, req: &Request, head: &Head, id: u64, findings: &mut Vec<ClientFinding>) -> Reply {
        if !req.body.is_empty() {
            // MS-OXCMAPIHTTP_R1125
            findings.push(finding(
                "MS-OXCMAPIHTTP_R1125",
                "body",
                &format!("a PING request with a {}-byte body; PING has no request body", req.body.len()),
                rc::SUCCESS,
            ));
        }
        self.begin(id, req.now_ms);
        // MS-OXCMAPIHTTP_R1460, R1249: meta-tags, no body.
        self.success(head, id, Vec::new())
    }

    fn notification_wait(&mut self, req: &Request, head: &Head, id: u64, findings: &mut Vec<ClientFinding>) -> Outcome {
        match decode::<NotificationWaitRequest>(req.body, Layout::Spec) {
            Ok(d) => push_codec_findings(findings, &d.findings),
            Err(e) => {
                return Outcome::Reply(self.bad_body(head, Some(id), "NotificationWait request body", &e, findings))
            }
        }
        let ctx = self.contexts.get_mut(&id).expect("a live context");
        ctx.last_active_ms = req.now_ms;
        if !ctx.server.queued().is_empty() {
            let body = wait_body(true);
            let mut reply = self.success(head, id, body);
            reply.context = None;
            return Outcome::Reply(reply);
        }
        ctx.waiting = true;
        let headers = self.headers(head, Some(id), rc::SUCCESS);
        Outcome::Wait { context: id, headers, deadline_ms: req.now_ms + self.config.wait_limit_ms }
    }

    /// Ends a held NotificationWait (an event came, or the limit passed):
    /// the DONE part's headers and body. `None` when the Session Context
    /// has ended meanwhile (the IO layer then ends the stream).
    pub fn complete_wait(&mut self, id: u64, now_ms: u64) -> Option<(Headers, Vec<u8>)> {
        let ctx = self.contexts.get_mut(&id)?;
        ctx.waiting = false;
        // MS-OXCMAPIHTTP_R1260: the context's expiry restarts when the wait ends.
        ctx.last_active_ms = now_ms;
        Some((Vec::new(), wait_body(!ctx.server.queued().is_empty())))
    }

    /// Whether a held NotificationWait of `id` may complete now (an event
    /// is queued, or the context has ended).
    pub fn wait_ready(&self, id: u64) -> bool {
        self.contexts.get(&id).is_none_or(|c| !c.server.queued().is_empty())
    }

    /// The response to `id`'s request has been sent (or abandoned).
    pub fn finished(&mut self, id: u64, now_ms: u64) {
        if let Some(c) = self.contexts.get_mut(&id) {
            c.busy = false;
            c.last_active_ms = now_ms;
        }
    }
}

/// ObjectModified of each folder whose message count `raised` changed, with
/// its TotalMessageCount as `store` holds it now (`Config::folder_counts`):
/// the folder a message was created in or deleted from, and both folders of
/// a message moved, the destination of one copied.
fn folder_count_events(raised: &[Event], store: &crate::model::store::Store) -> Vec<Event> {
    use crate::model::event::EventType;
    let mut folders: Vec<(crate::wire::Id8, u8)> = Vec::new();
    for e in raised.iter().filter(|e| e.message.is_some()) {
        let touched = match e.event_type {
            EventType::ObjectCreated | EventType::ObjectDeleted => vec![e.folder],
            EventType::ObjectMoved => [Some(e.folder), e.to_folder].into_iter().flatten().collect(),
            EventType::ObjectCopied => e.to_folder.into_iter().collect(),
            _ => Vec::new(),
        };
        for f in touched {
            if !folders.contains(&(f, e.logon_id)) {
                folders.push((f, e.logon_id));
            }
        }
    }
    folders
        .into_iter()
        .filter(|(f, _)| store.folder_exists(f))
        .map(|(f, logon_id)| {
            let mut e = Event::new(EventType::ObjectModified, f, None);
            e.logon_id = logon_id;
            e.total_message_count = Some(store.messages_in(&f).len() as u32);
            e
        })
        .collect()
}
