//! The client report of `oxcnotif serve`: for each Session Context the
//! served clients opened, the transport rules its requests broke
//! ([MS-OXCMAPIHTTP], [MS-OXCRPC]) and the ROP-level client rules the
//! client monitor finds in its ROP buffers ([`crate::model::client`]), each
//! with its requirement ID, level, request, field and byte offset.
//!
//! Written as `client-report.json`, `client-report.md` and one trace file
//! per Session Context (`traces/session-N.yaml`, the input of `oxcnotif
//! check-trace`, so a finding can be reproduced offline). Files are
//! written beside and renamed into place: a report is never half-written.
//!
//! A Session Context still open when the report is made has not ended, so
//! the rules about what a client does by the end of its session
//! (MS-OXCNOTIF_R409, R441) are checked only for the ones that ended (or
//! all of them, when serve stops).

use super::context::{ClientFinding, Context};
use super::endpoint::Endpoint;
use crate::model::client::{check, TraceFinding, TraceStep};
use crate::wire::Level;
use serde_json::{json, Value};
use std::path::Path;

/// Rules about the end of a session, not judged while it is open.
const AT_END: &[&str] = &["MS-OXCNOTIF_R409", "MS-OXCNOTIF_R441"];

/// One Session Context in the report.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// The endpoint's number for it.
    pub id: u64,
    /// Its user.
    pub user: String,
    /// The X-ClientInfo of its Connect.
    pub client_info: Option<String>,
    /// Requests received.
    pub requests: u64,
    /// How it ended, or `None` while open.
    pub ended: Option<String>,
    /// Transport findings.
    pub transport: Vec<ClientFinding>,
    /// ROP-level findings, at steps of `trace`.
    pub rops: Vec<TraceFinding>,
    /// Why the ROP buffers could not be checked, if they could not.
    pub rops_error: Option<String>,
    /// The ROP buffers.
    pub trace: Vec<TraceStep>,
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct ClientReport {
    /// Every Session Context, in the order they were opened.
    pub sessions: Vec<SessionReport>,
    /// Findings of requests that named no Session Context.
    pub loose: Vec<ClientFinding>,
}

impl ClientReport {
    /// The report of `endpoint` now. With `closing`, open Session
    /// Contexts are judged as ended (serve is stopping).
    pub fn build(endpoint: &Endpoint, closing: bool) -> ClientReport {
        let layout = endpoint.config().layout;
        let mut contexts: Vec<&Context> = endpoint.contexts().chain(endpoint.ended()).collect();
        contexts.sort_by_key(|c| c.id);
        let sessions = contexts
            .into_iter()
            .map(|c| {
                let (mut rops, rops_error) = match check(&c.trace, layout, &[]) {
                    Ok(f) => (f, None),
                    Err(e) => (Vec::new(), Some(format!("step {}: {}", e.step, e.message))),
                };
                if c.ended.is_none() && !closing {
                    rops.retain(|f| !AT_END.contains(&f.finding.requirement));
                }
                SessionReport {
                    id: c.id,
                    user: c.user.clone(),
                    client_info: c.client_info.clone(),
                    requests: c.requests,
                    ended: c.ended.clone(),
                    transport: c.findings.clone(),
                    rops,
                    rops_error,
                    trace: c.trace.clone(),
                }
            })
            .collect();
        ClientReport { sessions, loose: endpoint.loose_findings().to_vec() }
    }

    /// (MUST findings, SHOULD findings) over the whole report.
    pub fn counts(&self) -> (usize, usize) {
        let levels = self
            .sessions
            .iter()
            .flat_map(|s| s.transport.iter().map(|f| f.level).chain(s.rops.iter().map(|f| f.finding.level)))
            .chain(self.loose.iter().map(|f| f.level));
        levels.fold((0, 0), |(m, s), l| if l == Level::Must { (m + 1, s) } else { (m, s + 1) })
    }

    /// The report as JSON.
    pub fn to_json(&self) -> Value {
        let (must, should) = self.counts();
        json!({
            "verdict": verdict(must, should),
            "must": must,
            "should": should,
            "sessions": self.sessions.iter().map(session_json).collect::<Vec<_>>(),
            "without_session": self.loose.iter().map(transport_json).collect::<Vec<_>>(),
        })
    }

    /// The report as Markdown, one section per Session Context.
    pub fn to_markdown(&self) -> String {
        let (must, should) = self.counts();
        let mut s = format!(
            "# oxcnotif serve: client report\n\n{}: {must} MUST and {should} SHOULD finding(s) over {} Session Context(s).\n",
            verdict(must, should),
            self.sessions.len()
        );
        let row = |f: &ClientFinding| {
            format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                f.request,
                f.request_type,
                f.level.name(),
                f.requirement,
                f.field,
                f.offset.map(|o| o.to_string()).unwrap_or_default(),
                f.response_code,
                f.message.replace('|', "\\|")
            )
        };
        let head = "| request | type | level | requirement | field | offset | X-ResponseCode | message |\n|---|---|---|---|---|---|---|---|\n";
        for x in &self.sessions {
            s.push_str(&format!(
                "\n## Session {} ({}), {} request(s), {}\n\nX-ClientInfo: {}. Trace: `traces/session-{}.yaml`.\n",
                x.id,
                x.user,
                x.requests,
                x.ended.as_deref().unwrap_or("still open"),
                x.client_info.as_deref().unwrap_or("(none)"),
                x.id
            ));
            if x.transport.is_empty() && x.rops.is_empty() && x.rops_error.is_none() {
                s.push_str("\nNo client rule broken.\n");
                continue;
            }
            if !x.transport.is_empty() {
                s.push_str("\n### Transport\n\n");
                s.push_str(head);
                for f in &x.transport {
                    s.push_str(&row(f));
                }
            }
            if let Some(e) = &x.rops_error {
                s.push_str(&format!("\nThe ROP buffers could not be checked: {e}\n"));
            }
            if !x.rops.is_empty() {
                s.push_str("\n### ROP buffers (client monitor)\n\n| step | level | requirement | field | offset | message |\n|---|---|---|---|---|---|\n");
                for f in &x.rops {
                    let g = &f.finding;
                    s.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {} |\n",
                        f.step,
                        g.level.name(),
                        g.requirement,
                        g.field,
                        g.offset,
                        g.message.replace('|', "\\|")
                    ));
                }
            }
        }
        if !self.loose.is_empty() {
            s.push_str("\n## Requests of no Session Context\n\n");
            s.push_str(head);
            for f in &self.loose {
                s.push_str(&row(f));
            }
        }
        s
    }

    /// Writes the report into `dir` (created if needed), each file written
    /// beside and renamed into place.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join("traces"))?;
        let json = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default() + "\n";
        put(&dir.join("client-report.json"), json.as_bytes())?;
        put(&dir.join("client-report.md"), self.to_markdown().as_bytes())?;
        for x in &self.sessions {
            put(&dir.join("traces").join(format!("session-{}.yaml", x.id)), trace_file(x).as_bytes())?;
        }
        Ok(())
    }
}

fn verdict(must: usize, should: usize) -> &'static str {
    match (must, should) {
        (0, 0) => "PASS",
        (0, _) => "NON-STRICT",
        _ => "FAIL",
    }
}

fn transport_json(f: &ClientFinding) -> Value {
    json!({
        "request": f.request,
        "request_type": f.request_type,
        "request_id": f.request_id,
        "requirement": f.requirement,
        "level": f.level.name(),
        "field": f.field,
        "offset": f.offset,
        "response_code": f.response_code,
        "message": f.message,
    })
}

fn session_json(x: &SessionReport) -> Value {
    let rops: Vec<Value> = x
        .rops
        .iter()
        .map(|f| {
            let mut v = crate::wire::finding_json(&f.finding);
            v["step"] = json!(f.step);
            v
        })
        .collect();
    json!({
        "session": x.id,
        "user": x.user,
        "client_info": x.client_info,
        "requests": x.requests,
        "ended": x.ended,
        "transport": x.transport.iter().map(transport_json).collect::<Vec<_>>(),
        "rops": rops,
        "rops_error": x.rops_error,
        "trace": format!("traces/session-{}.yaml", x.id),
    })
}

/// The session's ROP buffers as a trace file for `oxcnotif check-trace`.
fn trace_file(x: &SessionReport) -> String {
    let mut s = format!(
        "# Session {} of user {}: the ROP buffers of its Execute requests, in order.\n# Check with: oxcnotif check-trace THIS-FILE\ntrace:\n",
        x.id, x.user
    );
    if x.trace.is_empty() {
        return s.replace("trace:\n", "trace: []\n");
    }
    for step in &x.trace {
        match step {
            TraceStep::Input(b) => s.push_str(&format!("  - input: \"{}\"\n", crate::hex::spaced(b))),
            TraceStep::Output(b) => s.push_str(&format!("  - output: \"{}\"\n", crate::hex::spaced(b))),
        }
    }
    s
}

fn put(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
