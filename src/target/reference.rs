//! The built-in reference, answering the adapter protocol: the codec of
//! `src/wire`, the server model of `src/model/server.rs` and the client
//! monitor of `src/model/client.rs`. `oxcnotif run` calls it in process;
//! `oxcnotif adapter` serves it over standard input and output.

use super::protocol::{
    self, CallFailed, CheckTraceOk, DecodeOk, EncodeOk, EventOk, ExecuteOk, HelloOk, Refused, Request, ResetOk,
    TraceError, TraceFinding,
};
use super::{Hello, Implementation, Reply, OPERATIONS, PROTOCOL};
use crate::model::client::TraceStep;
use crate::model::{profile, Event, Profile, Server, Setup};
use crate::wire::{Layout, Structure};
use serde_json::Value;

/// The reference implementation behind the protocol.
pub struct Reference {
    hello: Hello,
    server: Option<Server>,
    profile_override: Option<Profile>,
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

fn structure(s: &str) -> Result<Structure, String> {
    Structure::from_name(s).ok_or_else(|| format!("structure {s:?} is not one of the protocol's structures"))
}

fn layout(l: &str) -> Result<Layout, String> {
    Layout::from_name(l).ok_or_else(|| format!("layout {l:?} is not spec or legacy"))
}

fn hex(name: &str, text: &str) -> Result<Vec<u8>, String> {
    crate::hex::parse(text).map_err(|e| format!("{name}: {}", e.message))
}

impl Reference {
    /// A reference with no server session yet (`reset` starts one).
    pub fn new() -> Self {
        Reference {
            hello: Hello {
                name: "oxcnotif-reference".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                operations: OPERATIONS.iter().map(|s| s.to_string()).collect(),
                structures: Structure::ALL.iter().map(|s| s.name().to_string()).collect(),
            },
            server: None,
            profile_override: None,
        }
    }

    /// A reference whose `reset` uses `profile` whatever profile is asked
    /// for: to find which product switch makes a case fail.
    pub fn with_profile(profile: Profile) -> Self {
        Reference { profile_override: Some(profile), ..Reference::new() }
    }

    /// Answers one request given as a protocol object (its `id` is not
    /// looked at): what `oxcnotif adapter` does with each line.
    pub fn handle(&mut self, req: &Value) -> Reply {
        match Request::from_value(req) {
            Ok(Some(r)) => self.answer(&r),
            Ok(None) => Reply::Unimplemented(format!(
                "operation {} is not part of the protocol",
                req.get("op").cloned().unwrap_or(Value::Null)
            )),
            Err(m) => Reply::Failed(m),
        }
    }

    /// Answers one request.
    pub fn answer(&mut self, req: &Request) -> Reply {
        match self.try_answer(req) {
            Ok(v) => Reply::Ok(v),
            Err(m) => Reply::Failed(m),
        }
    }

    fn try_answer(&mut self, req: &Request) -> Result<Value, String> {
        Ok(match req {
            Request::Hello { .. } => protocol::ok_value(&HelloOk {
                name: self.hello.name.clone(),
                version: self.hello.version.clone(),
                protocol: Some(PROTOCOL),
                operations: self.hello.operations.clone(),
                structures: self.hello.structures.clone(),
            }),
            Request::Decode { structure: s, layout: l, hex: h } => {
                protocol::ok_value(&match structure(s)?.decode(&hex("hex", h)?, layout(l)?) {
                    Ok((value, findings)) => {
                        DecodeOk::Value { value, findings: Some(findings.iter().map(Into::into).collect()) }
                    }
                    Err(e) => DecodeOk::Error { error: (&e).into() },
                })
            }
            Request::Encode { structure: s, layout: l, value } => {
                protocol::ok_value(&match structure(s)?.encode(value, layout(l)?) {
                    Ok(b) => EncodeOk::Hex { hex: crate::hex::encode(&b) },
                    Err(e) => EncodeOk::Refused { refused: Refused { field: Some(e.field), message: Some(e.message) } },
                })
            }
            Request::Reset { profile: name, layout: l, setup } => {
                let p = match &self.profile_override {
                    Some(p) => p.clone(),
                    None => profile::named(name).ok_or_else(|| format!("profile {name:?} is not known"))?,
                };
                let empty = Value::Object(Default::default());
                let setup = Setup::from_value(if setup.is_null() { &empty } else { setup })
                    .map_err(|e| format!("setup.{}: {}", e.field, e.message))?;
                let server = Server::new(p, layout(l)?, &setup);
                let logons =
                    setup.logons.iter().filter_map(|l| server.logon_handle(*l).map(|h| (l.to_string(), h))).collect();
                let handles = server.opened().clone();
                self.server = Some(server);
                protocol::ok_value(&ResetOk { logons, handles })
            }
            Request::Execute { hex: h, max_output } => {
                let input = hex("hex", h)?;
                let server = self.server.as_mut().ok_or("execute before reset")?;
                protocol::ok_value(&match server.execute(&input, usize::try_from(*max_output).unwrap_or(usize::MAX)) {
                    Ok(out) => ExecuteOk::Hex { hex: crate::hex::encode(&out) },
                    Err(e) => ExecuteOk::Failed { failed: CallFailed { code: e.code, message: Some(e.message) } },
                })
            }
            Request::Event { event } => {
                let e = Event::from_value(event).map_err(|e| format!("event.{e}"))?;
                self.server.as_mut().ok_or("event before reset")?.event(&e);
                protocol::ok_value(&EventOk::default())
            }
            Request::CheckTrace { layout: l, preexisting_handles, steps } => {
                let steps = trace_steps(steps)?;
                protocol::ok_value(&match crate::model::client::check(&steps, layout(l)?, preexisting_handles) {
                    Ok(found) => CheckTraceOk::Findings {
                        findings: found
                            .iter()
                            .map(|f| TraceFinding {
                                requirement: f.finding.requirement.to_string(),
                                level: Some(f.finding.level.name().to_string()),
                                field: Some(f.finding.field.clone()),
                                offset: Some(f.finding.offset),
                                message: Some(f.finding.message.clone()),
                                step: f.step,
                            })
                            .collect(),
                    },
                    Err(e) => CheckTraceOk::Error { error: TraceError { step: e.step, message: e.message } },
                })
            }
        })
    }
}

/// Reads `check_trace` steps: each exactly one of `input` or `output`.
pub fn trace_steps(steps: &[protocol::TraceStep]) -> Result<Vec<TraceStep>, String> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            match (&s.input, &s.output) {
                (Some(h), None) => crate::hex::parse(h).map(TraceStep::Input),
                (None, Some(h)) => crate::hex::parse(h).map(TraceStep::Output),
                _ => return Err(format!("steps[{i}] is one of {{input: hex}} or {{output: hex}}")),
            }
            .map_err(|e| format!("steps[{i}]: {}", e.message))
        })
        .collect()
}

/// The protocol form of trace steps.
pub fn trace_steps_json(steps: &[TraceStep]) -> Vec<protocol::TraceStep> {
    steps
        .iter()
        .map(|s| match s {
            TraceStep::Input(b) => protocol::TraceStep { input: Some(crate::hex::encode(b)), output: None },
            TraceStep::Output(b) => protocol::TraceStep { input: None, output: Some(crate::hex::encode(b)) },
        })
        .collect()
}

impl Implementation for Reference {
    fn hello(&self) -> &Hello {
        &self.hello
    }
    fn call_many(&mut self, requests: &[Request]) -> Vec<Reply> {
        requests.iter().map(|r| self.answer(r)).collect()
    }
}
