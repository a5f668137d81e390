//! How does the harness reach an implementation? The target adapter
//! protocol (`docs/adapter.md`, schema `docs/adapter.schema.json`).
//!
//! The harness starts the implementation's adapter as a child process and
//! talks to it in JSON lines: one request object per line on the adapter's
//! standard input, one reply object per line on its standard output, tied
//! together by `id`, so requests can be pipelined. Every request has an
//! `op`:
//!
//! * `hello`: the adapter names itself and lists what it supports;
//! * codec role: `decode` and `encode`, in the external value form of
//!   `spec-cases/README.md`;
//! * server role: `reset`, `execute`, `event`;
//! * client-monitor role (capture analysers): `check_trace`.
//!
//! A reply is `{"id", "ok": {…}}`, `{"id", "unimplemented": "why"}` (the
//! verdict UNIMPLEMENTED, not a failure) or `{"id", "error": "why"}` (the
//! adapter could not carry the request out: the verdict ERROR).
//!
//! [`reference::Reference`] answers the protocol from the built-in
//! reference, in process (`oxcnotif run`) or over pipes (`oxcnotif
//! adapter`); [`process::AdapterProcess`] is the harness's side of the
//! pipes, hardened against adapters that crash, hang or answer garbage.

#[cfg(feature = "harness")]
pub mod mapi_http;
pub mod process;
pub mod protocol;
pub mod reference;
#[cfg(feature = "harness")]
pub mod scratch;
#[cfg(feature = "harness")]
pub mod wire_server;

pub use protocol::{Request, OPERATIONS, PROTOCOL};
use serde_json::{json, Value};

/// What came back for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The operation's result (`ok`).
    Ok(Value),
    /// The adapter does not implement this (`unimplemented`, with why).
    Unimplemented(String),
    /// The adapter answered that it could not carry the request out (`error`).
    Failed(String),
    /// No usable answer: the adapter crashed, hung, or wrote something that
    /// is not a reply. `raw` holds what it wrote, capped.
    Broken {
        /// What went wrong, in a sentence.
        problem: String,
        /// The raw reply, capped at [`process::RAW_CAP`] bytes.
        raw: Option<String>,
    },
}

/// The problem of the [`Reply::Broken`] given to requests that were not
/// answered because the run was interrupted (Ctrl-C).
pub const INTERRUPTED: &str = "interrupted";

impl Reply {
    /// Whether the request went unanswered because the run was interrupted.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Reply::Broken { problem, .. } if problem == INTERRUPTED)
    }

    /// The reply as a protocol line's object, with `id`.
    pub fn to_json(&self, id: &Value) -> Value {
        match self {
            Reply::Ok(v) => json!({"id": id, "ok": v}),
            Reply::Unimplemented(m) => json!({"id": id, "unimplemented": m}),
            Reply::Failed(m) | Reply::Broken { problem: m, .. } => json!({"id": id, "error": m}),
        }
    }

    /// Reads a reply line. Returns its id and the reply, or says what is
    /// wrong with the line.
    pub fn parse(line: &str) -> Result<(u64, Reply), String> {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("the reply is not JSON: {e}"))?;
        let o = v.as_object().ok_or("the reply is not a JSON object")?;
        let id = o.get("id").and_then(Value::as_u64).ok_or("the reply has no numeric id")?;
        let keys = ["ok", "unimplemented", "error"];
        let present: Vec<&str> = keys.iter().copied().filter(|k| o.contains_key(*k)).collect();
        if present.len() != 1 {
            return Err(format!("a reply has exactly one of ok, unimplemented, error; this one has {present:?}"));
        }
        let text = |k: &str| match &o[k] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let reply = match present[0] {
            "ok" if o["ok"].is_object() => Reply::Ok(o["ok"].clone()),
            "ok" => return Err("ok holds an object".into()),
            "unimplemented" => Reply::Unimplemented(text("unimplemented")),
            _ => Reply::Failed(text("error")),
        };
        Ok((id, reply))
    }
}

/// What an adapter said of itself in reply to `hello`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hello {
    /// The implementation's name (used for the report directory).
    pub name: String,
    /// Its version, if given.
    pub version: String,
    /// The operations it implements.
    pub operations: Vec<String>,
    /// The structures its codec handles (`decode`/`encode`).
    pub structures: Vec<String>,
}

impl Hello {
    /// Reads a `hello` reply's `ok` object.
    pub fn from_value(v: &Value) -> Result<Hello, String> {
        let strings = |k: &str| -> Result<Vec<String>, String> {
            match v.get(k) {
                None => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).ok_or_else(|| format!("hello: {k} holds only text")))
                    .collect(),
                Some(_) => Err(format!("hello: {k} is a list of names")),
            }
        };
        let name = v.get("name").and_then(Value::as_str).ok_or("hello: name is missing")?.to_string();
        if let Some(p) = v.get("protocol") {
            if p.as_u64() != Some(PROTOCOL) {
                return Err(format!("hello: protocol {p} is not {PROTOCOL}, the version this harness speaks"));
            }
        }
        Ok(Hello {
            name,
            version: v.get("version").and_then(Value::as_str).unwrap_or("").to_string(),
            operations: strings("operations")?,
            structures: strings("structures")?,
        })
    }

    /// Whether it implements `op`.
    pub fn supports(&self, op: &str) -> bool {
        self.operations.iter().any(|o| o == op)
    }

    /// Whether its codec handles `structure`.
    pub fn codec_handles(&self, structure: &str) -> bool {
        self.structures.iter().any(|s| s == structure)
    }
}

/// The harness's view of an implementation: something that answers
/// protocol requests. Requests are the protocol objects without `id`.
pub trait Implementation {
    /// What the implementation said in reply to `hello`.
    fn hello(&self) -> &Hello;
    /// Answers requests in order. Independent requests (the codec role) may
    /// be given together, so that an adapter process can pipeline them.
    fn call_many(&mut self, requests: &[Request]) -> Vec<Reply>;
    /// Answers one request.
    fn call(&mut self, request: Request) -> Reply {
        self.call_many(std::slice::from_ref(&request))
            .pop()
            .unwrap_or(Reply::Broken { problem: "no reply".into(), raw: None })
    }
    /// How many times the implementation had to be restarted so far.
    fn restarts(&self) -> usize {
        0
    }
}

/// Request builders: each request's protocol object (no `id`).
pub mod request {
    use super::protocol::{Request, TraceStep};
    use serde_json::Value;

    // Each builder gives the typed request; `Request::to_value` gives its
    // protocol object.

    /// `hello`.
    pub fn hello() -> Request {
        Request::Hello {
            harness: Some(format!("oxcnotif {}", env!("CARGO_PKG_VERSION"))),
            protocol: Some(super::PROTOCOL),
        }
    }
    /// `decode`.
    pub fn decode(structure: &str, layout: &str, bytes: &[u8]) -> Request {
        Request::Decode { structure: structure.into(), layout: layout.into(), hex: crate::hex::encode(bytes) }
    }
    /// `encode`.
    pub fn encode(structure: &str, layout: &str, value: &Value) -> Request {
        Request::Encode { structure: structure.into(), layout: layout.into(), value: value.clone() }
    }
    /// `reset`.
    pub fn reset(profile: &str, layout: &str, setup: &Value) -> Request {
        Request::Reset { profile: profile.into(), layout: layout.into(), setup: setup.clone() }
    }
    /// `execute`.
    pub fn execute(input: &[u8], max_output: usize) -> Request {
        Request::Execute { hex: crate::hex::encode(input), max_output: max_output as u64 }
    }
    /// `event`.
    pub fn event(event: &Value) -> Request {
        Request::Event { event: event.clone() }
    }
    /// `check_trace`.
    pub fn check_trace(layout: &str, preexisting_handles: &[u32], steps: &[TraceStep]) -> Request {
        Request::CheckTrace {
            layout: layout.into(),
            preexisting_handles: preexisting_handles.to_vec(),
            steps: steps.to_vec(),
        }
    }
}

/// The one-line reason an operation `op` is skipped for an implementation
/// whose hello does not list it.
pub fn not_listed(op: &str, structure: Option<&str>) -> String {
    match structure {
        Some(s) => format!("hello does not list {op} of {s}"),
        None => format!("hello does not list {op}"),
    }
}

/// Serves the protocol on `input`/`output` from `imp` until `input` ends:
/// what `oxcnotif adapter` runs. A line that is not a request gets an
/// `error` reply (with the id when one can be read).
pub fn serve(
    imp: &mut reference::Reference,
    input: impl std::io::BufRead,
    mut output: impl std::io::Write,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let (id, reply) = match serde_json::from_str::<Value>(&line) {
            Err(e) => (Value::Null, Reply::Failed(format!("the request is not JSON: {e}"))),
            Ok(v) => {
                let id = v.get("id").cloned().unwrap_or(Value::Null);
                if id.is_null() {
                    (id, Reply::Failed("the request has no id".into()))
                } else {
                    (id, imp.handle(&v))
                }
            }
        };
        let mut text = serde_json::to_string(&reply.to_json(&id)).unwrap_or_default();
        text.push('\n');
        output.write_all(text.as_bytes())?;
        output.flush()?;
    }
    Ok(())
}
