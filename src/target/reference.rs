//! The built-in reference, answering the adapter protocol: the codec of
//! `src/wire`, the server model of `src/model/server.rs` and the client
//! monitor of `src/model/client.rs`. `oxcnotif run` calls it in process;
//! `oxcnotif adapter` serves it over standard input and output.

use super::{Hello, Implementation, Reply, OPERATIONS, PROTOCOL};
use crate::model::client::TraceStep;
use crate::model::{profile, Event, Server};
use crate::wire::{error_json, finding_json};
use crate::wire::{Layout, Structure};
use serde_json::{json, Map, Value};

/// The reference implementation behind the protocol.
pub struct Reference {
    hello: Hello,
    server: Option<Server>,
    profile_override: Option<crate::model::Profile>,
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

fn field<'a>(req: &'a Value, name: &str) -> Result<&'a Value, String> {
    req.get(name).ok_or_else(|| format!("{} has no {name}", req["op"]))
}

fn text<'a>(req: &'a Value, name: &str) -> Result<&'a str, String> {
    field(req, name)?.as_str().ok_or_else(|| format!("{name} is text"))
}

fn structure(req: &Value) -> Result<Structure, String> {
    let s = text(req, "structure")?;
    Structure::from_name(s).ok_or_else(|| format!("structure {s:?} is not one of the protocol's structures"))
}

fn layout(req: &Value) -> Result<Layout, String> {
    match req.get("layout") {
        None => Ok(Layout::Spec),
        Some(l) => {
            let l = l.as_str().unwrap_or("");
            Layout::from_name(l).ok_or_else(|| format!("layout {l:?} is not spec or legacy"))
        }
    }
}

fn hex(req: &Value, name: &str) -> Result<Vec<u8>, String> {
    crate::hex::parse(text(req, name)?).map_err(|e| format!("{name}: {}", e.message))
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
    pub fn with_profile(profile: crate::model::Profile) -> Self {
        Reference { profile_override: Some(profile), ..Reference::new() }
    }

    /// Answers one request (a protocol object; its `id` is not looked at).
    pub fn handle(&mut self, req: &Value) -> Reply {
        match self.answer(req) {
            Ok(Some(v)) => Reply::Ok(v),
            Ok(None) => Reply::Unimplemented(format!("operation {} is not part of the protocol", req["op"])),
            Err(m) => Reply::Failed(m),
        }
    }

    fn answer(&mut self, req: &Value) -> Result<Option<Value>, String> {
        let op = req.get("op").and_then(Value::as_str).ok_or("the request has no op")?;
        Ok(Some(match op {
            "hello" => json!({
                "name": self.hello.name,
                "version": self.hello.version,
                "protocol": PROTOCOL,
                "operations": self.hello.operations,
                "structures": self.hello.structures,
            }),
            "decode" => {
                let s = structure(req)?;
                match s.decode(&hex(req, "hex")?, layout(req)?) {
                    Ok((v, findings)) => {
                        json!({"value": v, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()})
                    }
                    Err(e) => json!({"error": error_json(&e)}),
                }
            }
            "encode" => {
                let s = structure(req)?;
                match s.encode(field(req, "value")?, layout(req)?) {
                    Ok(b) => json!({"hex": crate::hex::encode(&b)}),
                    Err(e) => json!({"refused": {"field": e.field, "message": e.message}}),
                }
            }
            "reset" => {
                let name = req.get("profile").and_then(Value::as_str).unwrap_or("spec");
                let p = match &self.profile_override {
                    Some(p) => p.clone(),
                    None => profile::named(name).ok_or_else(|| format!("profile {name:?} is not known"))?,
                };
                let setup = crate::model::Setup::from_value(req.get("setup").unwrap_or(&json!({})))
                    .map_err(|e| format!("setup.{}: {}", e.field, e.message))?;
                let server = Server::new(p, layout(req)?, &setup);
                let mut logons = Map::new();
                for l in &setup.logons {
                    if let Some(h) = server.logon_handle(*l) {
                        logons.insert(l.to_string(), Value::from(h));
                    }
                }
                self.server = Some(server);
                json!({"logons": logons})
            }
            "execute" => {
                let input = hex(req, "hex")?;
                let max = field(req, "max_output")?.as_u64().ok_or("max_output is a number")? as usize;
                let server = self.server.as_mut().ok_or("execute before reset")?;
                match server.execute(&input, max) {
                    Ok(out) => json!({"hex": crate::hex::encode(&out)}),
                    Err(e) => json!({"failed": {"code": e.code, "message": e.message}}),
                }
            }
            "event" => {
                let e = Event::from_value(field(req, "event")?).map_err(|e| format!("event.{e}"))?;
                self.server.as_mut().ok_or("event before reset")?.event(&e);
                json!({})
            }
            "check_trace" => {
                let steps = trace_steps(field(req, "steps")?)?;
                let pre: Vec<u32> = match req.get("preexisting_handles") {
                    None => Vec::new(),
                    Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("preexisting_handles: {e}"))?,
                };
                match crate::model::client::check(&steps, layout(req)?, &pre) {
                    Ok(found) => json!({"findings": found.iter().map(|f| {
                        let mut v = finding_json(&f.finding);
                        v["step"] = json!(f.step);
                        v
                    }).collect::<Vec<_>>()}),
                    Err(e) => json!({"error": {"step": e.step, "message": e.message}}),
                }
            }
            _ => return Ok(None),
        }))
    }
}

/// Reads `check_trace` steps: `{"input": hex}` or `{"output": hex}`.
pub fn trace_steps(v: &Value) -> Result<Vec<TraceStep>, String> {
    let items = v.as_array().ok_or("steps is a list")?;
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let get = |k: &str| s.get(k).and_then(Value::as_str).map(crate::hex::parse);
            match (get("input"), get("output")) {
                (Some(Ok(b)), None) => Ok(TraceStep::Input(b)),
                (None, Some(Ok(b))) => Ok(TraceStep::Output(b)),
                (Some(Err(e)), _) | (_, Some(Err(e))) => Err(format!("steps[{i}]: {}", e.message)),
                _ => Err(format!("steps[{i}] is one of {{input: hex}} or {{output: hex}}")),
            }
        })
        .collect()
}

/// The protocol form of trace steps.
pub fn trace_steps_json(steps: &[TraceStep]) -> Vec<Value> {
    steps
        .iter()
        .map(|s| match s {
            TraceStep::Input(b) => json!({"input": crate::hex::encode(b)}),
            TraceStep::Output(b) => json!({"output": crate::hex::encode(b)}),
        })
        .collect()
}

impl Implementation for Reference {
    fn hello(&self) -> &Hello {
        &self.hello
    }
    fn call_many(&mut self, requests: &[Value]) -> Vec<Reply> {
        requests.iter().map(|r| self.handle(r)).collect()
    }
}
