//! Running a MAPI over HTTP case: one [`Client`] per session over real
//! sockets, each response checked against the rules every response has
//! and against the step's expectation.

use super::checks::{always_checks, meta_matches, response_value};
use super::*;
use crate::cases::levels::grade_of;
use crate::cases::sequence::{match_partial, substitute};
use crate::cases::verdict::{Outcome, Problem, Verdict};
use crate::serve::endpoint::{Config, Endpoint, User};
use crate::serve::http::Shared;
use crate::target::mapi_http::{guid, Client, ClientError, Endpoint as Url, Exchange};
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use crate::wire::transport::connect::ConnectRequest;
use crate::wire::transport::disconnect::DisconnectRequest;
use crate::wire::transport::execute_request::ExecuteRequest;
use crate::wire::transport::execute_response::ExecuteResponse;
use crate::wire::transport::extended_buffer::{ExtendedBuffer, Transform};
use crate::wire::transport::notification_wait::NotificationWaitRequest;
use crate::wire::{decode, Layout, WireStructure};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The user and password of the reference a case runs against.
pub const USER: (&str, &str) = ("tester", "pw-1");

/// Where a case runs (the password is not shown by `Debug`).
pub struct Target {
    /// The mailbox endpoint URL.
    pub url: String,
    /// Basic credentials.
    pub user: String,
    /// Basic credentials.
    pub password: String,
    /// Accept any TLS certificate.
    pub insecure: bool,
    /// How long the server holds a NotificationWait with no event (its
    /// limit; MS-OXCMAPIHTTP_R1215 says 5 minutes): a held request is
    /// awaited that long and 5 s more. `None`: the case's own `server:`
    /// wait limit (the built-in reference is started with it).
    pub wait_limit: Option<std::time::Duration>,
    /// Leave what the case created (`run --server --keep`): its `cleanup`
    /// buffers are not sent, and the note says so.
    pub keep: bool,
    /// The reference's shared state, when the target is the built-in one:
    /// its client report answers `client_findings`.
    pub reference: Option<Arc<Shared>>,
    /// `run --server --mailbox-dn`: the user's mailbox is not oxcnotif
    /// serve's `tester`, so a case that names that mailbox's Essdn is left out.
    pub mailbox_dn: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// Runs `case` against `oxcnotif serve` started for it on loopback.
pub fn run_builtin(case: &MapiHttpCase) -> Outcome {
    let config = Config {
        users: vec![User { name: USER.0.into(), password: USER.1.into() }],
        pending_period_ms: case.server.pending_period.as_millis() as u64,
        wait_limit_ms: case.server.wait_limit.as_millis() as u64,
        expiration_ms: case.server.expiration.as_millis() as u64,
        ..Config::default()
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Outcome::without_checks(Verdict::Error, format!("cannot start the server's runtime: {e}")),
    };
    let shared = Shared::new(Endpoint::new(config), Box::new(|_| {}));
    let listener = match rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")) {
        Ok(l) => l,
        Err(e) => return Outcome::without_checks(Verdict::Error, format!("cannot listen on 127.0.0.1: {e}")),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return Outcome::without_checks(Verdict::Error, e.to_string()),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(crate::serve::http::serve(shared.clone(), listener, None, async move {
        let _ = stop_rx.await;
    }));
    let target = Target {
        url: crate::serve::http::url(addr, false, USER.0),
        user: USER.0.into(),
        password: USER.1.into(),
        insecure: false,
        wait_limit: None,
        reference: Some(shared),
        keep: false,
        mailbox_dn: None,
    };
    let outcome = run_on(case, &target);
    let _ = stop_tx.send(());
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    outcome
}

struct Session {
    client: Client,
    before: Vec<(String, String)>,
    held: Option<tokio::task::JoinHandle<Result<Exchange, ClientError>>>,
    /// The request held, for the evidence.
    held_request: Value,
    sent: u64,
}

/// The Essdn of oxcnotif serve's `tester`, which the cases' RopLogon name.
const SERVE_ESSDN: &str = "/o=oxcnotif/cn=Recipients/cn=tester";

/// Runs `case` against `target`.
pub fn run_on(case: &MapiHttpCase, target: &Target) -> Outcome {
    if let Some(dn) = target.mailbox_dn.as_deref().filter(|dn| !dn.eq_ignore_ascii_case(SERVE_ESSDN)) {
        let names = |v: &Value| v.to_string().contains(SERVE_ESSDN);
        let written = case.steps.iter().any(|s| match &s.action {
            Action::Request(r) => r.rops.as_ref().is_some_and(names),
            _ => false,
        }) || case.cleanup.iter().any(names);
        if written {
            return Outcome::without_checks(
                Verdict::Excluded,
                format!(
                    "written for oxcnotif serve's mailbox (its RopLogon names {SERVE_ESSDN} and that mailbox's \
                     FolderIds), not the mailbox --mailbox-dn {dn} names"
                ),
            );
        }
    }
    if target.reference.is_none() {
        if let Some(k) = case.steps.iter().position(|s| matches!(s.action, Action::Event(_))) {
            return Outcome::without_checks(
                Verdict::Excluded,
                format!("step {k} causes an event through the reference's control endpoint, which a server on the wire does not have"),
            );
        }
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Outcome::without_checks(Verdict::Error, format!("cannot start the client's runtime: {e}")),
    };
    let url = match Url::new(&target.url, &target.user, &target.password, target.insecure) {
        Ok(u) => u,
        Err(e) => return Outcome::without_checks(Verdict::Error, e.0),
    };
    let client_guid = guid();
    let mut binds: BTreeMap<String, Value> = BTreeMap::new();
    let mut journaled = Vec::new();
    let mut outcome = run_steps(case, target, &rt, &url, &client_guid, &mut binds, &mut journaled);
    // Deleted now, or kept, or named in the note as not deleted: no longer
    // the journal's (as the wire server does with its scratch folders).
    let forget = |journaled: &[crate::wire::Id8]| journaled.iter().for_each(|f| crate::target::scratch::unregister(*f));
    if target.keep {
        forget(&journaled);
        if !case.cleanup.is_empty() {
            let kept = format!("kept (--keep): what the case created; its bindings: {binds:?}");
            outcome.note = Some(outcome.note.take().map(|n| format!("{n}; {kept}")).unwrap_or(kept));
        }
        return outcome;
    }
    let (shown, failures) = clean_up(case, &rt, &url, &client_guid, &binds);
    forget(&journaled);
    if let Value::Array(a) = &mut outcome.actual {
        a.extend(shown);
    }
    if !failures.is_empty() {
        let said = format!("cleanup could not delete what the case created: {}", failures.join("; "));
        outcome.note = Some(match outcome.note.take() {
            Some(n) => format!("{n}; {said}"),
            None => said,
        });
    }
    outcome
}

/// Writes down in the scratch journal (crate::target::scratch) each folder
/// a `cleanup` buffer deletes once the steps have bound its FolderId, so
/// that a run killed before its cleanup (SIGKILL) leaves it for the next
/// run against this URL to delete. Only the buffers that log on, open the
/// parent and delete one folder (RopLogon, RopOpenFolder, RopDeleteFolder)
/// are read that way; `journaled` holds what is written down.
fn journal(case: &MapiHttpCase, url: &Url, binds: &BTreeMap<String, Value>, journaled: &mut Vec<crate::wire::Id8>) {
    for rops in &case.cleanup {
        let mut unbound = Vec::new();
        let v = substitute(rops, binds, &mut unbound);
        let Some(l) = v["RopsList"].as_array().filter(|_| unbound.is_empty()) else { continue };
        let id = |r: &Value| {
            let text = r["FolderId"].as_str()?;
            crate::hex::parse(text).ok().and_then(|b| <[u8; 8]>::try_from(b).ok()).map(crate::wire::Id8)
        };
        let [logon, open, delete] = &l[..] else { continue };
        let ids = (logon["RopId"].as_u64(), open["RopId"].as_u64(), delete["RopId"].as_u64());
        let (Some(parent), Some(folder), Some(essdn)) = (id(open), id(delete), logon["Essdn"].as_str()) else {
            continue;
        };
        if ids != (Some(0xFE), Some(0x02), Some(0x1D)) || journaled.contains(&folder) {
            continue;
        }
        crate::target::scratch::register(crate::target::scratch::Live {
            endpoint: url.clone(),
            user_dn: CLEANUP_USER_DN.to_string(),
            essdn: essdn.to_string(),
            inbox: parent,
            folder,
            name: format!("what {} created", case.id),
        });
        journaled.push(folder);
    }
}

/// The UserDn of the Connect that cleans up.
const CLEANUP_USER_DN: &str = "/o=oxcnotif/ou=Exchange Administrative Group/cn=Recipients/cn=tester";

/// Sends the case's `cleanup` buffers, each in one Execute of a Session
/// Context opened for it (Connect, Execute, Disconnect). A buffer naming a
/// `$name` the steps never bound is skipped: its object was never made.
/// Answers the evidence and what failed. The cleanup is not graded: it is
/// the harness tidying the mailbox, not a behaviour under test.
fn clean_up(
    case: &MapiHttpCase,
    rt: &tokio::runtime::Runtime,
    url: &Url,
    client_guid: &str,
    binds: &BTreeMap<String, Value>,
) -> (Vec<Value>, Vec<String>) {
    let (mut shown, mut failures) = (Vec::new(), Vec::new());
    if case.cleanup.is_empty() {
        return (shown, failures);
    }
    let client = Client::new(url.clone(), format!("{{{client_guid}}}:cleanup"));
    match rt.block_on(client.connect(CLEANUP_USER_DN, Vec::new())) {
        Ok((_, Ok(_))) => {}
        Ok((x, Err(e))) => {
            failures.push(format!("Connect: {e} (X-ResponseCode {:?})", x.response_code));
            return (shown, failures);
        }
        Err(e) => {
            failures.push(format!("Connect: {e}"));
            return (shown, failures);
        }
    }
    for (k, rops) in case.cleanup.iter().enumerate() {
        let mut unbound = Vec::new();
        let value = substitute(rops, binds, &mut unbound);
        if !unbound.is_empty() {
            shown.push(json!({"cleanup": k, "skipped": unbound}));
            continue;
        }
        let bytes = match RopInputBuffer::from_value(&value, Layout::Spec)
            .and_then(|b| crate::wire::encode(&b, Layout::Spec))
        {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("cleanup[{k}]: {e}"));
                continue;
            }
        };
        let out = match rt.block_on(client.execute(&bytes, Transform::default(), 0x3, 0x8008)) {
            Ok((_, Ok(out))) => out,
            Ok((_, Err(e))) | Err(ClientError(e)) => {
                failures.push(format!("cleanup[{k}]: Execute: {e}"));
                continue;
            }
        };
        let response = decode::<RopOutputBuffer>(&out, Layout::Spec)
            .map(|d| d.value.to_value(Layout::Spec))
            .unwrap_or_else(|e| json!(format!("does not decode: {e}")));
        let refused: Vec<String> = response["RopsList"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["ReturnValue"].as_u64().is_some_and(|v| v != 0))
            .map(|r| format!("RopId {} ReturnValue 0x{:08X}", r["RopId"], r["ReturnValue"].as_u64().unwrap_or(0)))
            .collect();
        if !refused.is_empty() {
            failures.push(format!("cleanup[{k}]: {}", refused.join(", ")));
        }
        shown.push(json!({"cleanup": k, "rops": value, "response": response}));
    }
    let _ = rt.block_on(client.disconnect());
    (shown, failures)
}

/// Runs the steps of `case`, binding `$names` into `binds`.
fn run_steps(
    case: &MapiHttpCase,
    target: &Target,
    rt: &tokio::runtime::Runtime,
    url: &Url,
    client_guid: &str,
    binds: &mut BTreeMap<String, Value>,
    journaled: &mut Vec<crate::wire::Id8>,
) -> Outcome {
    let mut sessions: BTreeMap<String, Session> = BTreeMap::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut evidence: Vec<Value> = Vec::new();
    let wait = target.wait_limit.unwrap_or(case.server.wait_limit) + std::time::Duration::from_secs(5);
    for (k, step) in case.steps.iter().enumerate() {
        journal(case, url, binds, journaled);
        let n = sessions.len() as u64 + 1;
        let s = sessions.entry(step.session.clone()).or_insert_with(|| Session {
            client: Client::new(url.clone(), format!("{{{client_guid}}}:{n}")),
            before: Vec::new(),
            held: None,
            held_request: Value::Null,
            sent: 0,
        });
        let grade = grade_of(step.requirements.as_ref().unwrap_or(&case.requirements).iter().map(String::as_str))
            .min(case.grade);
        let (request, exchange) = match &step.action {
            Action::Event(e) => {
                let body = serde_json::to_string(e).unwrap_or_default();
                let x = rt.block_on(s.client.send_to("POST", "/oxcnotif/event", "event", body.into_bytes(), &[]));
                match x {
                    Ok(x) if x.status == 200 => evidence.push(json!({"step": k, "event": e})),
                    Ok(x) => {
                        let m = format!(
                            "step {k}: the control endpoint refused the event: {}",
                            String::from_utf8_lossy(&x.raw)
                        );
                        return error(m, evidence);
                    }
                    Err(e) => return error(format!("step {k}: {e}"), evidence),
                }
                continue;
            }
            Action::Await(name) => {
                let Some(h) = sessions.get_mut(name).and_then(|s| s.held.take()) else {
                    return error(format!("step {k}: session {name} holds no request"), evidence);
                };
                let request = std::mem::take(&mut sessions.get_mut(name).expect("the session").held_request);
                match rt.block_on(async { tokio::time::timeout(wait, h).await }) {
                    Err(_) => {
                        problems.push(
                            Problem::at(
                                grade,
                                "",
                                format!("the held request was not answered within {} s", wait.as_secs()),
                            )
                            .in_step(k),
                        );
                        evidence.push(json!({"step": k, "await": name, "request": request}));
                        continue;
                    }
                    Ok(Err(e)) => return error(format!("step {k}: {e}"), evidence),
                    Ok(Ok(Err(e))) => return error(format!("step {k}: {e}"), evidence),
                    Ok(Ok(Ok(x))) => (request, x),
                }
            }
            Action::Request(r) => {
                let (body, shown) = match build_body(r, binds) {
                    Ok(b) => b,
                    Err(m) => return error(format!("step {k}: {m}"), evidence),
                };
                match r.cookies.as_deref() {
                    Some("previous") => s.client.set_cookies(s.before.clone()),
                    Some(_) => s.client.set_cookies(Vec::new()),
                    None => {}
                }
                s.before = s.client.cookies();
                s.sent += 1;
                let extra: Vec<(&str, &str)> =
                    r.headers.iter().map(|(n, v)| (n.as_str(), v.as_deref().unwrap_or(""))).collect();
                let request = json!({"X-RequestType": r.request_type, "method": r.method, "body": shown, "headers": r.headers.iter().map(|(n, v)| json!({n: v})).collect::<Vec<_>>()});
                if r.hold {
                    let c = s.client.clone();
                    let (method, kind) = (r.method.clone(), r.request_type.clone());
                    let extra: Vec<(String, String)> =
                        extra.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
                    s.held = Some(rt.spawn(async move {
                        let e: Vec<(&str, &str)> = extra.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                        c.send_method(&method, &kind, body, &e).await
                    }));
                    s.held_request = request;
                    // Let the request reach the server before the next step.
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    continue;
                }
                match rt.block_on(s.client.send_method(&r.method, &r.request_type, body, &extra)) {
                    Ok(x) => (request, x),
                    Err(e) => return error(format!("step {k}: {e}"), evidence),
                }
            }
        };
        let request_type = match &step.action {
            Action::Request(r) => r.request_type.clone(),
            _ => "NotificationWait".into(),
        };
        let mut step_problems = always_checks(&exchange, &request_type);
        let mut expected_problems = Vec::new();
        let shown = check_expect(step, &exchange, &request_type, grade, binds, &mut expected_problems);
        // Each difference names the rows the step verifies.
        let ids = step.requirements.as_ref().unwrap_or(&case.requirements).join(", ");
        for mut p in expected_problems {
            p.message = format!("{} ({ids})", p.message);
            step_problems.push(p);
        }
        if let (Some(want), Some(reference)) = (&step.expect.client_findings, &target.reference) {
            let report = reference.report();
            let request_no = sessions.get(&step.session).map(|s| s.sent).unwrap_or(0);
            let got: Vec<String> = report
                .sessions
                .iter()
                .flat_map(|x| x.transport.iter())
                .chain(report.loose.iter())
                .filter(|f| f.request_id.as_deref() == exchange.header("x-requestid") || f.request == request_no)
                .map(|f| f.requirement.to_string())
                .collect();
            for w in want {
                if !got.contains(w) {
                    step_problems.push(Problem::at(
                        grade,
                        "client_findings",
                        format!("the client report does not name {w} for this request (it names {got:?})"),
                    ));
                }
            }
        }
        problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
        evidence.push(json!({"step": k, "session": step.session, "request": request, "response": shown}));
    }
    for (name, s) in &mut sessions {
        if let Some(h) = s.held.take() {
            h.abort();
            problems.push(Problem::must(format!("session {name}: a held request was never awaited")));
        }
    }
    let expected = Value::Array(case.steps.iter().map(|s| s.written.clone()).collect());
    Outcome::graded(problems, case.grade, Value::Array(evidence), expected)
}

fn error(message: String, evidence: Vec<Value>) -> Outcome {
    let mut o = Outcome::without_checks(Verdict::Error, message);
    o.actual = Value::Array(evidence);
    o
}

/// The request body a step sends, and how the report shows it.
fn build_body(r: &RequestStep, binds: &mut BTreeMap<String, Value>) -> Result<(Vec<u8>, Value), String> {
    if let Some(b) = &r.body {
        return Ok((b.clone(), json!(crate::hex::encode(b))));
    }
    let body = match r.request_type.as_str() {
        "Connect" => crate::wire::transport::body::bytes_of(&ConnectRequest {
            user_dn: "/o=oxcnotif/ou=Exchange Administrative Group/cn=Recipients/cn=tester".into(),
            flags: 0,
            default_code_page: 1252,
            lcid_sort: 0x409,
            lcid_string: 0x409,
            auxiliary_buffer: r
                .client_mode
                .map(crate::wire::transport::aux_buffer::perf_client_info)
                .unwrap_or_default(),
        }),
        "Execute" => {
            let mut unbound = Vec::new();
            let value = r
                .rops
                .as_ref()
                .map(|v| substitute(v, binds, &mut unbound))
                .unwrap_or_else(|| json!({"RopsList": [], "ServerObjectHandleTable": []}));
            if let Some(u) = unbound.first() {
                return Err(u.clone());
            }
            // `{run}` in a string (a folder's name) becomes a token of this
            // run, so a case can run again on a server that keeps what the
            // last run made; the report shows the name as written.
            let sent = with_run_token(&value, &run_token());
            let rops = RopInputBuffer::from_value(&sent, Layout::Spec)
                .and_then(|b| crate::wire::encode(&b, Layout::Spec))
                .map_err(|e| format!("rops: {e}"))?;
            let t = Transform { compress: r.compress, obfuscate: r.obfuscate };
            let buffer = ExtendedBuffer::from_payloads(&[(&rops, t)]).map_err(|e| format!("rops: {e}"))?;
            let b = crate::wire::transport::body::bytes_of(&ExecuteRequest {
                flags: r.flags,
                rop_buffer: Some(buffer),
                max_rop_out: r.max_rop_out,
                auxiliary_buffer: Vec::new(),
            });
            return Ok((b, json!({"rops": value, "flags": r.flags, "max_rop_out": r.max_rop_out})));
        }
        "NotificationWait" => crate::wire::transport::body::bytes_of(&NotificationWaitRequest::default()),
        "Disconnect" => crate::wire::transport::body::bytes_of(&DisconnectRequest::default()),
        _ => Vec::new(),
    };
    let shown = json!(crate::hex::encode(&body));
    Ok((body, shown))
}

/// Checks the step's expectation; returns the response as the report shows it.
fn check_expect(
    step: &Step,
    x: &Exchange,
    request_type: &str,
    grade: Grade,
    binds: &mut BTreeMap<String, Value>,
    problems: &mut Vec<Problem>,
) -> Value {
    let e = &step.expect;
    // The report is deterministic: values that change from run to run
    // (cookies, times, the client's GUIDs) are shown by what they are.
    let header_shown = |n: &str, v: &str| -> String {
        match n {
            "set-cookie" => format!("{}=(opaque)", v.split('=').next().unwrap_or("")),
            "x-requestid" | "x-clientinfo" if x.sent(n) == Some(v) => "(as sent)".into(),
            "x-starttime" | "x-elapsedtime" | "date" => "(time)".into(),
            _ => v.to_string(),
        }
    };
    let mut shown = json!({
        "status": x.status,
        "headers": x.headers.iter().map(|(n, v)| json!([n, header_shown(n, v)])).collect::<Vec<_>>(),
        "meta": x.arrivals.iter().map(|(t, _)| t.name()).collect::<Vec<_>>(),
    });
    if x.inner.is_none() {
        shown["raw"] = json!(String::from_utf8_lossy(&x.raw));
    }
    if let Some(s) = e.status {
        if s != x.status {
            problems.push(Problem::at(grade, "status", format!("expected HTTP {s}, got {}", x.status)));
        }
    }
    if let Some(c) = e.response_code {
        if e.accepts_success && c != 0 && x.response_code == Some(0) {
            problems.push(Problem::at(
                Grade::Info,
                "X-ResponseCode",
                format!(
                    "the server served the request (0) where {} was expected: the request breaks a client rule, and the spec leaves refusing it to the server",
                    crate::wire::transport::response_code::describe(c)
                ),
            ));
            // The rest of the expectation is about the refusal.
            return shown;
        } else if x.response_code != Some(c) {
            let got =
                x.response_code.map(crate::wire::transport::response_code::describe).unwrap_or_else(|| "none".into());
            problems.push(Problem::at(
                grade,
                "X-ResponseCode",
                format!("expected {}, got {got}", crate::wire::transport::response_code::describe(c)),
            ));
        }
    }
    for (n, want) in &e.headers {
        let got = x.header(&n.to_ascii_lowercase());
        let ok = match (want.as_deref(), got) {
            (None, None) => true,
            (Some("*"), Some(_)) => true,
            (Some(w), Some(g)) => w.eq_ignore_ascii_case(g.trim()),
            _ => false,
        };
        if !ok {
            problems.push(Problem::at(
                grade,
                n,
                format!(
                    "expected {}, got {}",
                    want.as_deref().map(|w| format!("{w:?}")).unwrap_or("no header".into()),
                    got.map(|g| format!("{g:?}")).unwrap_or("no header".into())
                ),
            ));
        }
    }
    if let Some(m) = &e.meta {
        let got: Vec<&str> = x.arrivals.iter().map(|(t, _)| t.name()).collect();
        if !meta_matches(m, &got) {
            problems.push(Problem::at(grade, "meta-tags", format!("expected {m:?}, got {got:?}")));
        }
    }
    let decoded = match x.body() {
        Some(b) if x.response_code == Some(0) => response_value(request_type, b),
        _ => None,
    };
    if let Some(Ok(v)) = &decoded {
        shown["body"] = v.clone();
    }
    if let Some(want) = &e.body {
        match &decoded {
            Some(Ok(v)) => {
                let mut diffs = Vec::new();
                match_partial("body", want, v, binds, &mut diffs);
                problems.extend(diffs.into_iter().map(|(f, m)| Problem::at(grade, &f, m)));
            }
            Some(Err(err)) => {
                problems.push(Problem::at(grade, "body", format!("the response body does not parse: {err}")))
            }
            None => problems.push(Problem::at(grade, "body", "no response body to compare (X-ResponseCode is not 0)")),
        }
    }
    if request_type == "Execute" && x.response_code == Some(0) {
        let out = x.body().map(|b| decode::<ExecuteResponse>(b, Layout::Spec));
        let rops = match out {
            Some(Ok(d)) => d.value.rop_buffer.map(|b| b.data()),
            _ => None,
        };
        if let Some(bytes) = rops {
            match decode::<RopOutputBuffer>(&bytes, Layout::Spec) {
                Ok(d) => {
                    let v = d.value.to_value(Layout::Spec);
                    shown["rops"] = v.clone();
                    if let Some(want) = &e.rops {
                        let mut diffs = Vec::new();
                        match_partial("rops", want, &v, binds, &mut diffs);
                        problems.extend(diffs.into_iter().map(|(f, m)| Problem::at(grade, &f, m)));
                    }
                }
                Err(err) => problems.push(Problem::at(
                    grade_of(["MS-OXCNOTIF_R498"]).max(grade),
                    "rops",
                    format!("the ROP output buffer does not decode: {err}"),
                )),
            }
        } else if e.rops.is_some() {
            problems.push(Problem::at(grade, "rops", "the Execute response carries no ROP buffer"));
        }
    } else if e.rops.is_some() {
        problems.push(Problem::at(grade, "rops", "no ROP output buffer to compare (not a successful Execute)"));
    }
    shown
}

/// A token that differs from run to run (and from case to case).
fn run_token() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0);
    format!("{:x}-{}", n, std::process::id())
}

/// `v` with `{run}` in its strings replaced by `token`.
fn with_run_token(v: &Value, token: &str) -> Value {
    match v {
        Value::String(s) if s.contains("{run}") => Value::String(s.replace("{run}", token)),
        Value::Array(a) => Value::Array(a.iter().map(|x| with_run_token(x, token)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), with_run_token(x, token))).collect()),
        other => other.clone(),
    }
}
