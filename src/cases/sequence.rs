//! Sequence cases: ordered steps against a server (send a ROP input buffer,
//! let an event happen, poll), with partial expectations on what comes
//! back. Server-assigned handles are bound to `$names` on first sight and
//! compared on every later sight.
//!
//! Format (see `spec-cases/README.md`, "Sequence cases"):
//!
//! ```yaml
//! kind: sequence
//! cases:
//!   - id: sequence.new-mail.store
//!     description: …
//!     sections: [MS-OXCNOTIF 3.1.5.1]
//!     requirements: [MS-OXCNOTIF_R287]
//!     profile: spec            # optional
//!     setup: {logons: [0], folders: [{Id: "…", Parent: "…", Search: false}], messages: [{Id: "…", Folder: "…"}]}
//!     steps:
//!       - send: {RopsList: [...], ServerObjectHandleTable: [$logon0, 0xFFFFFFFF]}
//!         expect: {RopsList: [{RopId: 0x29, ReturnValue: 0}], ServerObjectHandleTable: [$logon0, $sub]}
//!       - event: {Type: NewMail, Folder: "…", Message: "…"}
//!       - poll: {max_output: 400}
//!         expect: {RopsList: [{RopId: 0x2A, NotificationHandle: $sub}]}
//! ```

use super::compare::scalar_eq;
use super::verdict::{exchange, unusable, Grade, Outcome, Problem, Verdict};
use super::LoadError;
use crate::model::{profile, Event, Profile, Setup};
use crate::target::{request, Implementation, Reply};
use crate::wire::rop_buffer::RopInputBuffer;
use crate::wire::value::Obj;
use crate::wire::{error_json, finding_json};
use crate::wire::{Layout, Structure, WireStructure};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The output size a step uses when it gives none.
pub const DEFAULT_MAX_OUTPUT: usize = 0x8000;

/// What a sequence step does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a ROP input buffer given as a value (with `$names`).
    Send(Value),
    /// Send a ROP input buffer given as hex.
    SendHex(Vec<u8>),
    /// An event happens (the event value as written; checked when loaded).
    Event(Value),
    /// Send the empty ROP input buffer `02 00` (MS-OXCROPS 4.1, MS-OXCNOTIF_R337).
    Poll,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What it does.
    pub action: Action,
    /// The output size limit (send and poll).
    pub max_output: usize,
    /// A partial expectation on the decoded ROP output buffer.
    pub expect: Option<Value>,
    /// The call must fail with this code instead.
    pub expect_error: Option<u32>,
}

/// A loaded sequence case.
#[derive(Debug, Clone)]
pub struct SequenceCase {
    /// Stable id.
    pub id: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs verified.
    pub requirements: Vec<String>,
    /// The product profile the server runs with.
    pub profile: Profile,
    /// The request reading.
    pub layout: Layout,
    /// The initial state.
    pub setup: Setup,
    /// The initial state as written (sent to the implementation by `reset`).
    pub setup_value: Value,
    /// How strong the case's checks are (`grade:`; default MUST).
    pub grade: Grade,
    /// The steps.
    pub steps: Vec<Step>,
    /// The file.
    pub file: PathBuf,
    /// The line of its id.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    profile: Option<String>,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    description: String,
    sections: Vec<String>,
    requirements: Vec<String>,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    layout: Option<String>,
    #[serde(default)]
    setup: Option<Value>,
    #[serde(default)]
    grade: Option<String>,
    steps: Vec<Value>,
}

/// Parses a `kind: sequence` file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<SequenceCase>, LoadError> {
    let raw: RawFile = super::parse_yaml(path, text)?;
    if raw.kind != "sequence" {
        return Err(LoadError {
            file: path.into(),
            line: Some(1),
            field: "kind".into(),
            message: "expected sequence".into(),
        });
    }
    let mut out = Vec::new();
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let line = super::line_of_id(text, &rc.id);
        let err = |field: String, message: String| LoadError {
            file: path.into(),
            line,
            field: format!("cases[{i}] ({}).{field}", rc.id),
            message,
        };
        super::check_common(&rc.id, &rc.sections, &rc.requirements).map_err(|(f, m)| err(f.into(), m))?;
        let pname = rc.profile.as_deref().or(raw.profile.as_deref()).unwrap_or("spec");
        let profile = profile::named(pname).ok_or_else(|| {
            err(
                "profile".into(),
                format!(
                    "{pname:?} is not a profile; one of {}",
                    profile::all().keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let lname = rc.layout.as_deref().unwrap_or("spec");
        let layout =
            Layout::from_name(lname).ok_or_else(|| err("layout".into(), format!("{lname:?} is not spec or legacy")))?;
        let setup = match &rc.setup {
            Some(v) => Setup::from_value(v).map_err(|e| err(format!("setup.{}", e.field), e.message))?,
            None => Setup { logons: vec![0], ..Setup::default() },
        };
        let grade = match rc.grade.as_deref() {
            None => Grade::Must,
            Some(g) => {
                Grade::from_name(g).ok_or_else(|| err("grade".into(), format!("{g:?} is not must, should or info")))?
            }
        };
        let setup_value = rc.setup.clone().unwrap_or_else(|| json!({"logons": [0]}));
        let mut steps = Vec::new();
        for (k, s) in rc.steps.iter().enumerate() {
            steps
                .push(parse_step(s).map_err(|e| {
                    err(format!("steps[{k}].{}", e.field).trim_end_matches('.').to_string(), e.message)
                })?);
        }
        if steps.is_empty() {
            return Err(err("steps".into(), "a sequence has at least one step".into()));
        }
        out.push(SequenceCase {
            id: rc.id,
            description: rc.description,
            sections: rc.sections,
            requirements: rc.requirements,
            profile,
            layout,
            setup,
            setup_value,
            grade,
            steps,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

fn parse_step(v: &Value) -> Result<Step, crate::wire::EncodeError> {
    use crate::wire::EncodeError;
    let o = Obj::new(v, &["send", "send_hex", "event", "poll", "max_output", "expect", "expect_error"])?;
    let mut max_output = o.opt_u32("max_output")?.map(|n| n as usize);
    let action = match (o.get("send"), o.get("send_hex"), o.get("event"), o.get("poll")) {
        (Some(s), None, None, None) => Action::Send(s.clone()),
        (None, Some(h), None, None) => {
            let text = h.as_str().ok_or_else(|| EncodeError::new("send_hex", "expected hex text"))?;
            Action::SendHex(crate::hex::parse(text).map_err(|e| EncodeError::new("send_hex", e.to_string()))?)
        }
        (None, None, Some(e), None) => {
            Event::from_value(e).map_err(|e| e.within("event"))?;
            Action::Event(e.clone())
        }
        (None, None, None, Some(p)) => {
            if let Some(po) = p.as_object() {
                if let Some(m) = po.get("max_output") {
                    max_output = Some(
                        crate::wire::value::int_of(m, u32::MAX as u64)
                            .map_err(|m| EncodeError::new("poll.max_output", m))? as usize,
                    );
                }
                if po.keys().any(|k| k != "max_output") {
                    return Err(EncodeError::new("poll", "a poll takes only max_output"));
                }
            }
            Action::Poll
        }
        _ => return Err(EncodeError::new("", "a step is exactly one of send, send_hex, event, poll")),
    };
    let is_event = matches!(action, Action::Event(_));
    let expect = o.get("expect").cloned();
    let expect_error = o.opt_u32("expect_error")?;
    if is_event && (expect.is_some() || expect_error.is_some() || max_output.is_some()) {
        return Err(EncodeError::new("expect", "an event step has no output to expect"));
    }
    Ok(Step { action, max_output: max_output.unwrap_or(DEFAULT_MAX_OUTPUT), expect, expect_error })
}

/// Replaces `$name` strings with their bound values.
fn substitute(v: &Value, binds: &BTreeMap<String, Value>, problems: &mut Vec<String>) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => match binds.get(s) {
            Some(b) => b.clone(),
            None => {
                problems.push(format!("{s} is used before it is bound"));
                Value::from(0xFFFF_FFFFu32)
            }
        },
        Value::Array(items) => Value::Array(items.iter().map(|x| substitute(x, binds, problems)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), substitute(x, binds, problems))).collect::<Map<_, _>>())
        }
        other => other.clone(),
    }
}

/// Partial match: maps compare only the keys expected; lists compare
/// length and each element; `$name` binds on first sight.
pub fn match_partial(
    path: &str,
    exp: &Value,
    act: &Value,
    binds: &mut BTreeMap<String, Value>,
    problems: &mut Vec<(String, String)>,
) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (exp, act) {
        (Value::String(s), _) if s.starts_with('$') => match binds.get(s) {
            Some(b) => {
                if !scalar_eq(b, act) {
                    problems.push((path.to_string(), format!("expected {s} = {b}, got {act}")));
                }
            }
            None => {
                binds.insert(s.clone(), act.clone());
            }
        },
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => match_partial(&at(k), ev, av, binds, problems),
                    None => problems.push((at(k), format!("expected {ev}, but the field is absent"))),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                problems.push((path.to_string(), format!("expected {} entries, got {}", e.len(), a.len())));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                match_partial(&format!("{path}[{i}]"), ev, av, binds, problems);
            }
        }
        _ => {
            if !scalar_eq(exp, act) {
                problems.push((path.to_string(), format!("expected {exp}, got {act}")));
            }
        }
    }
}

/// Runs a sequence case against the built-in reference server, with the
/// case's own profile.
pub fn run_sequence(case: &SequenceCase) -> Outcome {
    let mut r = crate::target::reference::Reference::new();
    run_with(case, &case.profile.name, &mut r)
}

/// Runs a sequence case against an implementation (server role), which
/// `reset` tells to behave as `profile`.
pub fn run_with(case: &SequenceCase, profile: &str, imp: &mut dyn Implementation) -> Outcome {
    let mut exchanges = Vec::new();
    let with = |mut o: Outcome, exchanges: Vec<super::run::Exchange>| {
        o.exchanges = exchanges;
        o
    };
    let mut needed = vec!["reset", "execute"];
    if case.steps.iter().any(|s| matches!(s.action, Action::Event(_))) {
        needed.push("event");
    }
    if let Some(op) = needed.iter().find(|op| !imp.hello().supports(op)) {
        return Outcome::without_checks(Verdict::Unimplemented, crate::target::not_listed(op, None));
    }
    let expected = Value::Array(
        case.steps
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let mut e = json!({"step": k});
                match &s.action {
                    Action::Event(v) => e["event"] = v.clone(),
                    Action::Send(v) => e["send"] = v.clone(),
                    Action::SendHex(b) => e["send_hex"] = Value::String(crate::hex::encode(b)),
                    Action::Poll => e["poll"] = json!({"max_output": s.max_output}),
                }
                if let Some(x) = &s.expect {
                    e["expect"] = x.clone();
                }
                if let Some(c) = s.expect_error {
                    e["expect_error"] = json!(c);
                }
                e
            })
            .collect(),
    );
    let req = request::reset(profile, case.layout.name(), &case.setup_value);
    let reply = imp.call(req.clone());
    exchanges.push(exchange(&req, &reply));
    if let Some(o) = unusable("reset", &reply) {
        return with(o, exchanges);
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut binds: BTreeMap<String, Value> = BTreeMap::new();
    if let Reply::Ok(ok) = &reply {
        if let Some(m) = ok.get("logons").and_then(Value::as_object) {
            for (l, h) in m {
                binds.insert(format!("$logon{l}"), h.clone());
            }
        }
    }
    let mut log = Vec::new();
    for (k, step) in case.steps.iter().enumerate() {
        let mut step_problems: Vec<Problem> = Vec::new();
        let input = match &step.action {
            Action::Event(e) => {
                let req = request::event(e);
                let reply = imp.call(req.clone());
                exchanges.push(exchange(&req, &reply));
                if let Some(o) = unusable(&format!("step {k}: event"), &reply) {
                    return with(o, exchanges);
                }
                log.push(json!({"step": k, "event": e.get("Type").cloned().unwrap_or(Value::Null)}));
                continue;
            }
            Action::Poll => vec![0x02, 0x00],
            Action::SendHex(b) => b.clone(),
            Action::Send(v) => {
                let mut unbound = Vec::new();
                let v = substitute(v, &binds, &mut unbound);
                step_problems.extend(unbound.into_iter().map(|m| Problem::must(m).in_step(k)));
                match RopInputBuffer::from_value(&v, case.layout).and_then(|b| crate::wire::encode(&b, case.layout)) {
                    Ok(b) => b,
                    Err(e) => {
                        problems.push(Problem::must(format!("the input value does not encode: {e}")).in_step(k));
                        break;
                    }
                }
            }
        };
        let req = request::execute(&input, step.max_output);
        let reply = imp.call(req.clone());
        exchanges.push(exchange(&req, &reply));
        if let Some(o) = unusable(&format!("step {k}: execute"), &reply) {
            return with(o, exchanges);
        }
        let ok = match &reply {
            Reply::Ok(ok) => ok.clone(),
            _ => Value::Null,
        };
        let mut entry = json!({"step": k, "input": crate::hex::encode(&input), "max_output": step.max_output});
        if let Some(f) = ok.get("failed") {
            let code = f["code"].as_u64().unwrap_or(0) as u32;
            let message = f["message"].as_str().unwrap_or("").to_string();
            entry["error"] = json!({"code": code, "message": message});
            match step.expect_error {
                Some(c) if c == code => {}
                Some(c) => step_problems.push(Problem::must(format!(
                    "expected the call to fail with 0x{c:08X}, it failed with 0x{code:08X}: {message}"
                ))),
                None => step_problems.push(Problem::must(format!("the call failed with 0x{code:08X}: {message}"))),
            }
        } else {
            let out = match ok.get("hex").and_then(Value::as_str).map(crate::hex::parse) {
                Some(Ok(b)) => b,
                _ => {
                    let mut o = Outcome::without_checks(
                        Verdict::Error,
                        format!("step {k}: execute: the reply has neither hex nor failed"),
                    );
                    o.actual = ok.clone();
                    return with(o, exchanges);
                }
            };
            entry["output"] = Value::String(crate::hex::encode(&out));
            if let Some(c) = step.expect_error {
                step_problems.push(Problem::must(format!("expected the call to fail with 0x{c:08X}, but it answered")));
            }
            if out.len() > step.max_output {
                step_problems.push(Problem::must(format!(
                    "the output is {} bytes, over the {} allowed",
                    out.len(),
                    step.max_output
                )));
            }
            match Structure::RopOutputBuffer.decode(&out, Layout::Spec) {
                Err(e) => {
                    step_problems.push(Problem::at(Grade::Must, &e.field, format!("the output does not decode: {e}")));
                    entry["decode_error"] = error_json(&e);
                }
                Ok((v, findings)) => {
                    // A MUST broken always counts. A SHOULD departed from is
                    // NON-STRICT under the `spec` profile, and not counted under a
                    // product profile, whose products depart from some SHOULDs on
                    // purpose (for example TagCount for ObjectModified, MS-OXCNOTIF_R198).
                    for f in &findings {
                        let grade = if f.level == crate::wire::Level::Must {
                            Some(Grade::Must)
                        } else if profile == "spec" {
                            Some(Grade::Should)
                        } else {
                            None
                        };
                        if let Some(g) = grade {
                            step_problems.push(Problem::at(g, &f.field, format!("the output breaks a rule: {f}")));
                        }
                    }
                    if !findings.is_empty() {
                        entry["findings"] = Value::Array(findings.iter().map(finding_json).collect());
                    }
                    if let Some(exp) = &step.expect {
                        let mut diffs = Vec::new();
                        match_partial("", exp, &v, &mut binds, &mut diffs);
                        step_problems.extend(diffs.into_iter().map(|(p, m)| Problem::at(Grade::Must, &p, m)));
                    }
                    entry["value"] = v;
                }
            }
        }
        log.push(entry);
        problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
    }
    with(Outcome::graded(problems, case.grade, Value::Array(log), expected), exchanges)
}
