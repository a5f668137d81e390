//! Sequence cases: ordered steps against a server (send a ROP input buffer,
//! let an event happen, poll), with partial expectations on what comes
//! back. Server-assigned handles are bound to `$names` on first sight and
//! compared on every later sight.
//!
//! Format (see `spec-cases/README.md`, "Sequence cases", and the comments
//! at the top of the files under `spec-cases/sequences/`):
//!
//! ```yaml
//! kind: sequence
//! cases:
//!   - id: sequence.new-mail.store
//!     description: …
//!     sections: [MS-OXCNOTIF 3.1.5.1]
//!     requirements: [MS-OXCNOTIF_R287]
//!     profile: spec            # optional
//!     may_equal: [$undefined]  # optional: names that may bind a value another name holds
//!     setup: {logons: [0], client_mode: online, folders: [{Id: "…", Parent: "…", Search: false}], messages: [{Id: "…", Folder: "…"}]}
//!     steps:
//!       - send: {RopsList: [...], ServerObjectHandleTable: [$logon0, 0xFFFFFFFF]}
//!         expect: {RopsList: [{RopId: 0x29, ReturnValue: 0}], ServerObjectHandleTable: [$logon0, $sub]}
//!       - event: {Type: NewMail, Folder: "…", Message: "…"}
//!       - poll: {max_output: 400}
//!         expect: {RopsList: [{RopId: 0x2A, NotificationHandle: $sub}]}
//!         requirements: [MS-OXCNOTIF_R345]          # optional: what this step's expectation verifies
//!         field_requirements:                       # optional: fields graded by their own rows
//!           RopsList[0].NotificationData.TagCount: [MS-OXCNOTIF_R197]
//!       - repeat: 70000                             # the event happens 70,000 times; "#n" is 0, 1, …
//!         event: {Type: ObjectModified, Folder: "…", TotalMessageCount: "#n"}
//!       - drain: {max_output: 0x8000}               # poll until no RopPending
//!         expect_all: {count: 70000, each: {RopId: 0x2A, NotificationData: {TotalMessageCount: "#n"}}}
//! ```
//!
//! Grading. Every check takes the level of the requirement it verifies
//! ([`crate::cases::levels`]): a step's expectation (`expect`,
//! `expect_error`, `expect_all`) is graded by the step's `requirements`
//! (default: the case's, less those its `field_requirements` name), a field
//! named in `field_requirements` by the requirements listed for it, and
//! RopPending's presence and place by the rows that word them
//! (MS-OXCNOTIF_R349, R334; MS-OXCROPS_R452202). The case's `grade:` caps
//! only its expectations. The output rules keep their own level in every
//! case: the output decodes as a ROP output buffer (MS-OXCROPS 2.2.1), fits
//! `max_output`, carries no MUST finding, carries no response to RopRelease
//! (MS-OXCROPS_R4572), and its handles are valid: a successful registration
//! returns a new handle (MS-OXCNOTIF_R35, MS-OXCROPS_R4558) unused by any
//! live object (R4556), distinct `$names` bind distinct values unless the
//! case lists one in `may_equal`, and a RopNotify names a subscription the
//! session created (MS-OXCNOTIF_R95, MS-OXCNOTIF_R96).

use super::compare::scalar_eq;
use super::levels::grade_of;
use super::verdict::{exchange, unusable, Exchange, Grade, Outcome, Problem, Verdict};
use super::LoadError;
use crate::model::{profile, Event, Profile, Setup};
use crate::target::{request, Implementation, Reply, Request};
use crate::wire::codec::ErrorKind;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::value::Obj;
use crate::wire::{decode, error_json, finding_json};
use crate::wire::{Layout, Structure, WireStructure};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The output size a step uses when it gives none.
pub const DEFAULT_MAX_OUTPUT: usize = 0x8000;

/// The most events one `repeat` step may ask for.
pub const MAX_REPEAT: usize = 1 << 20;

/// What a sequence step does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a ROP input buffer given as a value (with `$names`).
    Send(Value),
    /// Send a ROP input buffer given as hex.
    SendHex(Vec<u8>),
    /// An event happens (the event value as written; checked when loaded).
    Event(Value),
    /// The event happens `count` times; in repetition `n`, every string
    /// `"#n"` in it stands for the number `n` (0-based).
    Repeat {
        /// How many times.
        count: usize,
        /// The event, with `"#n"` where the repetition number goes.
        event: Value,
    },
    /// Send the empty ROP input buffer `02 00` (MS-OXCROPS 4.1, MS-OXCNOTIF_R337).
    Poll,
    /// Poll until an output carries no RopPending (and one more poll to
    /// confirm nothing was left unannounced), collecting every RopNotify.
    Drain,
}

/// A drain's expectation: `count` RopNotify, the `n`th (0-based) matching
/// `each` with `"#n"` standing for `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectAll {
    /// How many RopNotify arrive in all.
    pub count: usize,
    /// A partial RopNotify value.
    pub each: Value,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What it does.
    pub action: Action,
    /// The output size limit (send, poll and drain).
    pub max_output: usize,
    /// A partial expectation on the decoded ROP output buffer.
    pub expect: Option<Value>,
    /// The call must fail with this code instead.
    pub expect_error: Option<u32>,
    /// A drain's expectation.
    pub expect_all: Option<ExpectAll>,
    /// The requirements this step's expectation verifies (default: the case's).
    pub requirements: Option<Vec<String>>,
    /// Fields of `expect` graded by their own requirements: (field path, IDs).
    pub field_requirements: Vec<(String, Vec<String>)>,
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
    /// How strong the case's expectations are (`grade:`; default MUST).
    pub grade: Grade,
    /// `$names` that may bind a value another name already holds.
    pub may_equal: Vec<String>,
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
    #[serde(default)]
    may_equal: Vec<String>,
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
        for (k, n) in rc.may_equal.iter().enumerate() {
            if !n.starts_with('$') {
                return Err(err(format!("may_equal[{k}]"), format!("{n:?} is not a $name")));
            }
        }
        let setup_value = rc.setup.clone().unwrap_or_else(|| json!({"logons": [0]}));
        let mut steps = Vec::new();
        for (k, s) in rc.steps.iter().enumerate() {
            let step = parse_step(s)
                .map_err(|e| err(format!("steps[{k}].{}", e.field).trim_end_matches('.').to_string(), e.message))?;
            let cited = step.requirements.iter().flatten().map(|r| ("requirements", r)).chain(
                step.field_requirements.iter().flat_map(|(_, ids)| ids.iter().map(|r| ("field_requirements", r))),
            );
            for (key, r) in cited {
                if !rc.requirements.contains(r) {
                    return Err(err(
                        format!("steps[{k}].{key}"),
                        format!("{r} is not among the case's requirements; list it there too"),
                    ));
                }
            }
            steps.push(step);
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
            may_equal: rc.may_equal,
            steps,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Replaces every string `"#n"` with the number `n`.
pub fn with_n(v: &Value, n: usize) -> Value {
    match v {
        Value::String(s) if s == "#n" => Value::from(n as u64),
        Value::Array(items) => Value::Array(items.iter().map(|x| with_n(x, n)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), with_n(x, n))).collect::<Map<_, _>>()),
        other => other.clone(),
    }
}

/// Whether the partial value `v` pins something at `path`
/// (`RopsList[0].NotificationData.TagCount`).
fn pins(v: &Value, path: &str) -> bool {
    let mut cur = v;
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            match cur.get(key) {
                Some(x) => cur = x,
                None => return false,
            }
        }
        for idx in rest.split('[').skip(1) {
            let Some(n) = idx.strip_suffix(']').and_then(|x| x.parse::<usize>().ok()) else { return false };
            match cur.get(n) {
                Some(x) => cur = x,
                None => return false,
            }
        }
    }
    true
}

fn id_list(v: &Value, field: &str) -> Result<Vec<String>, crate::wire::EncodeError> {
    use crate::wire::EncodeError;
    let items = v.as_array().ok_or_else(|| EncodeError::new(field, "expected a list of requirement IDs"))?;
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        match x.as_str() {
            Some(id) if id.starts_with("MS-") && id.contains("_R") => out.push(id.to_string()),
            _ => return Err(EncodeError::new(format!("{field}[{i}]"), format!("{x} is not a requirement ID"))),
        }
    }
    if out.is_empty() {
        return Err(EncodeError::new(field, "names no requirement"));
    }
    Ok(out)
}

fn parse_step(v: &Value) -> Result<Step, crate::wire::EncodeError> {
    use crate::wire::EncodeError;
    let o = Obj::new(
        v,
        &[
            "send",
            "send_hex",
            "event",
            "poll",
            "repeat",
            "drain",
            "max_output",
            "expect",
            "expect_error",
            "expect_all",
            "requirements",
            "field_requirements",
        ],
    )?;
    let mut max_output = o.opt_u32("max_output")?.map(|n| n as usize);
    let only_max_output = |p: &Value, what: &str, max_output: &mut Option<usize>| -> Result<(), EncodeError> {
        if let Some(po) = p.as_object() {
            if let Some(m) = po.get("max_output") {
                *max_output = Some(
                    crate::wire::value::int_of(m, u32::MAX as u64)
                        .map_err(|m| EncodeError::new(format!("{what}.max_output"), m))? as usize,
                );
            }
            if po.keys().any(|k| k != "max_output") {
                return Err(EncodeError::new(what, format!("a {what} takes only max_output")));
            }
        }
        Ok(())
    };
    let action =
        match (o.get("send"), o.get("send_hex"), o.get("event"), o.get("poll"), o.get("repeat"), o.get("drain")) {
            (Some(s), None, None, None, None, None) => Action::Send(s.clone()),
            (None, Some(h), None, None, None, None) => {
                let text = h.as_str().ok_or_else(|| EncodeError::new("send_hex", "expected hex text"))?;
                Action::SendHex(crate::hex::parse(text).map_err(|e| EncodeError::new("send_hex", e.to_string()))?)
            }
            (None, None, Some(e), None, None, None) => {
                Event::from_value(e).map_err(|e| e.within("event"))?;
                Action::Event(e.clone())
            }
            (None, None, Some(e), None, Some(r), None) => {
                let count = crate::wire::value::int_of(r, MAX_REPEAT as u64)
                    .map_err(|m| EncodeError::new("repeat", m))? as usize;
                if count == 0 {
                    return Err(EncodeError::new("repeat", "repeats an event at least once"));
                }
                Event::from_value(&with_n(e, 0)).map_err(|e| e.within("event"))?;
                Action::Repeat { count, event: e.clone() }
            }
            (None, None, None, Some(p), None, None) => {
                only_max_output(p, "poll", &mut max_output)?;
                Action::Poll
            }
            (None, None, None, None, None, Some(p)) => {
                only_max_output(p, "drain", &mut max_output)?;
                Action::Drain
            }
            _ => {
                return Err(EncodeError::new(
                    "",
                    "a step is exactly one of send, send_hex, event, poll, drain, or repeat with event",
                ))
            }
        };
    let is_event = matches!(action, Action::Event(_) | Action::Repeat { .. });
    let is_drain = action == Action::Drain;
    let expect = o.get("expect").cloned();
    let expect_error = o.opt_u32("expect_error")?;
    if is_event && (expect.is_some() || expect_error.is_some() || max_output.is_some()) {
        return Err(EncodeError::new("expect", "an event step has no output to expect"));
    }
    let expect_all = match o.get("expect_all") {
        None => None,
        Some(_) if !is_drain => return Err(EncodeError::new("expect_all", "only a drain step has expect_all")),
        Some(x) => {
            let xo = Obj::new(x, &["count", "each"]).map_err(|e| e.within("expect_all"))?;
            let count =
                xo.get("count").ok_or_else(|| EncodeError::new("expect_all.count", "missing")).and_then(|c| {
                    crate::wire::value::int_of(c, MAX_REPEAT as u64)
                        .map_err(|m| EncodeError::new("expect_all.count", m))
                })? as usize;
            let each = xo.get("each").cloned().ok_or_else(|| EncodeError::new("expect_all.each", "missing"))?;
            Some(ExpectAll { count, each })
        }
    };
    if is_drain && (expect.is_some() || expect_error.is_some() || expect_all.is_none()) {
        return Err(EncodeError::new("expect_all", "a drain step expects expect_all, and only that"));
    }
    let requirements = o.get("requirements").map(|r| id_list(r, "requirements")).transpose()?;
    let mut field_requirements = Vec::new();
    if let Some(fr) = o.get("field_requirements") {
        let m = fr.as_object().ok_or_else(|| EncodeError::new("field_requirements", "expected a map"))?;
        for (path, ids) in m {
            let at = format!("field_requirements.{path}");
            if !expect.as_ref().is_some_and(|e| pins(e, path)) {
                return Err(EncodeError::new(at, "names no field this step's expect pins"));
            }
            field_requirements.push((path.clone(), id_list(ids, &at)?));
        }
    }
    if is_event && (requirements.is_some() || !field_requirements.is_empty()) {
        return Err(EncodeError::new("requirements", "an event step has no expectation to grade"));
    }
    Ok(Step {
        action,
        max_output: max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
        expect,
        expect_error,
        expect_all,
        requirements,
        field_requirements,
    })
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

/// The grade of a step's expectation: the level of the requirements it
/// verifies, capped by the case's `grade:`.
fn expectation_grade(case: &SequenceCase, step: &Step) -> Grade {
    let by_field: BTreeSet<&str> =
        step.field_requirements.iter().flat_map(|(_, ids)| ids.iter().map(String::as_str)).collect();
    let ids: Vec<&str> = match &step.requirements {
        Some(r) => r.iter().map(String::as_str).collect(),
        None => case.requirements.iter().map(String::as_str).filter(|r| !by_field.contains(r)).collect(),
    };
    let g = if ids.is_empty() { grade_of(by_field) } else { grade_of(ids) };
    g.min(case.grade)
}

/// Whether problem path `p` is `field` or lies under it.
fn under(p: &str, field: &str) -> bool {
    p == field || (p.starts_with(field) && matches!(p.as_bytes().get(field.len()), Some(b'.') | Some(b'[')))
}

/// An expectation's differences, each graded: by the field's own
/// requirements where `field_requirements` names it (cited in the
/// message), by the step's otherwise.
fn graded_diffs(case: &SequenceCase, step: &Step, diffs: Vec<(String, String)>) -> Vec<Problem> {
    let base = expectation_grade(case, step);
    diffs
        .into_iter()
        .map(|(p, m)| {
            let own = step.field_requirements.iter().filter(|(f, _)| under(&p, f)).max_by_key(|(f, _)| f.len());
            match own {
                Some((_, ids)) => Problem::at(
                    grade_of(ids.iter().map(String::as_str)).min(case.grade),
                    &p,
                    format!("{m} ({})", ids.join(", ")),
                ),
                None => Problem::at(base, &p, m),
            }
        })
        .collect()
}

fn rop_is(v: &Value, id: u8) -> bool {
    v.get("RopId").is_some_and(|r| scalar_eq(r, &json!(id)))
}

/// RopPending's presence and place, graded by the rows that word them
/// (all SHOULD): expected but absent (MS-OXCNOTIF_R349), present though
/// not expected (MS-OXCROPS_R452202), present but not after the RopNotify
/// (MS-OXCNOTIF_R334). Returns the expectation and the output with the
/// RopPending checked here taken out, for the rest of the comparison.
fn pending_checks(case: &SequenceCase, exp: &Value, act: &Value, problems: &mut Vec<Problem>) -> (Value, Value) {
    let (mut exp, mut act) = (exp.clone(), act.clone());
    let (Some(el), Some(al)) =
        (exp.get("RopsList").and_then(Value::as_array), act.get("RopsList").and_then(Value::as_array))
    else {
        return (exp, act);
    };
    let e_at = el.iter().rposition(|r| rop_is(r, 0x6E));
    let a_at = al.iter().rposition(|r| rop_is(r, 0x6E));
    let notifies = al.iter().filter(|r| rop_is(r, 0x2A)).count();
    let grade = |id: &str| grade_of([id]).min(case.grade);
    let (drop_e, drop_a) = match (e_at, a_at) {
        (Some(e), None) => {
            problems.push(Problem::at(
                grade("MS-OXCNOTIF_R349"),
                "RopsList",
                format!("RopPending expected after {notifies} RopNotify; none sent (MS-OXCNOTIF_R349)"),
            ));
            (Some(e), None)
        }
        (None, Some(a)) => {
            problems.push(Problem::at(
                grade("MS-OXCROPS_R452202"),
                &format!("RopsList[{a}]"),
                "RopPending sent, though the output holds every queued RopNotify the case expects (MS-OXCROPS_R452202)",
            ));
            (None, Some(a))
        }
        (Some(e), Some(a)) if a + 1 != al.len() => {
            let after = al[a + 1..].iter().filter(|r| rop_is(r, 0x2A)).count();
            problems.push(Problem::at(
                grade("MS-OXCNOTIF_R334"),
                &format!("RopsList[{a}]"),
                format!(
                    "RopPending comes before {after} RopNotify; the RopNotify that fit go first, then RopPending (MS-OXCNOTIF_R334)"
                ),
            ));
            (Some(e), Some(a))
        }
        _ => (None, None),
    };
    if let (Some(e), Some(a)) = (drop_e, drop_a) {
        // Still compare the RopPending itself (its SessionIndex).
        let mut binds = BTreeMap::new();
        let mut diffs = Vec::new();
        match_partial(&format!("RopsList[{a}]"), &el[e], &al[a], &mut binds, &mut diffs);
        problems.extend(diffs.into_iter().map(|(p, m)| Problem::at(Grade::Must.min(case.grade), &p, m)));
    }
    if let Some(e) = drop_e {
        if let Some(l) = exp.get_mut("RopsList").and_then(Value::as_array_mut) {
            l.remove(e);
        }
    }
    if let Some(a) = drop_a {
        if let Some(l) = act.get_mut("RopsList").and_then(Value::as_array_mut) {
            l.remove(a);
        }
    }
    (exp, act)
}

/// The harness's own account of the session's handles, from the traffic
/// alone ([MS-OXCROPS] 3.2.5.1–3.2.5.3): which objects are live, and which
/// subscription handles the server ever gave out.
#[derive(Debug, Default)]
struct Handles {
    /// Live handle → (its LogonId, whether it is the logon object).
    live: BTreeMap<u32, (u8, bool)>,
    /// Every subscription handle returned in this session.
    given: BTreeSet<u32>,
}

impl Handles {
    fn logon(&mut self, logon_id: u8, h: u32) {
        self.live.insert(h, (logon_id, true));
    }

    fn release(&mut self, logon_id: u8, h: u32) {
        match self.live.get(&h).copied() {
            Some((l, true)) if l == logon_id => self.live.retain(|_, (ll, _)| *ll != l),
            Some((l, false)) if l == logon_id => {
                self.live.remove(&h);
            }
            _ => {}
        }
    }

    /// Follows one call: registrations that succeeded make objects,
    /// releases end them; problems with the handles the output gives out.
    fn observe(&mut self, input: &RopInputBuffer, output: &RopOutputBuffer) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut table = input.server_object_handle_table.clone();
        let mut responses =
            output.rops_list.iter().filter(|r| !matches!(r, RopResponse::Notify(_) | RopResponse::Pending(_)));
        for (i, rop) in input.rops_list.iter().enumerate() {
            match rop {
                RopRequest::Release(r) => {
                    if let Some(&h) = table.get(r.input_handle_index as usize) {
                        self.release(r.logon_id, h);
                    }
                }
                RopRequest::RegisterNotification(r) => {
                    let Some(RopResponse::RegisterNotification(x)) = responses.next() else { break };
                    if x.return_value != 0 {
                        continue;
                    }
                    let slot = x.output_handle_index as usize;
                    let h = output.server_object_handle_table.get(slot).copied().unwrap_or(UNUSED_HANDLE);
                    if h == UNUSED_HANDLE {
                        problems.push(Problem::at(
                            Grade::Must,
                            &format!("RopsList[{i}].ReturnValue"),
                            format!(
                                "the registration reports success, but slot {slot} of the output's handle table holds no handle: \
                                 nothing was created (MS-OXCNOTIF_R34, MS-OXCNOTIF_R35, MS-OXCROPS_R4558)"
                            ),
                        ));
                        continue;
                    }
                    if let Some((l, logon)) = self.live.get(&h) {
                        problems.push(Problem::at(
                            Grade::Must,
                            &format!("ServerObjectHandleTable[{slot}]"),
                            format!(
                                "the registration's handle 0x{h:08X} is already live in this session ({} of LogonId {l}); \
                                 a new object gets an unused handle (MS-OXCROPS_R4556)",
                                if *logon { "the logon" } else { "a subscription" }
                            ),
                        ));
                    } else {
                        self.live.insert(h, (r.logon_id, false));
                    }
                    self.given.insert(h);
                    if table.len() <= slot {
                        table.resize(slot + 1, UNUSED_HANDLE);
                    }
                    table[slot] = h;
                }
            }
        }
        for (i, r) in output.rops_list.iter().enumerate() {
            if let RopResponse::Notify(n) = r {
                if n.notification_handle != UNUSED_HANDLE && !self.given.contains(&n.notification_handle) {
                    problems.push(Problem::at(
                        Grade::Must,
                        &format!("RopsList[{i}].NotificationHandle"),
                        format!(
                            "0x{:08X} is no subscription this session created; NotificationHandle names the \
                             notification's target object (MS-OXCNOTIF_R95, MS-OXCNOTIF_R96)",
                            n.notification_handle
                        ),
                    ));
                }
            }
        }
        problems
    }
}

/// What one `execute` gave.
struct Executed {
    /// The log entry (input, output or error, decoded value, findings).
    entry: Value,
    /// `{failed}`: the code and message.
    failed: Option<(u32, String)>,
    /// The decoded output, as a value and typed.
    value: Option<(Value, RopOutputBuffer)>,
    /// Output-rule problems: graded by their own level in every case.
    rules: Vec<Problem>,
}

/// Runs a sequence case against the built-in reference server, with the
/// case's own profile.
pub fn run_sequence(case: &SequenceCase) -> Outcome {
    let mut r = crate::target::reference::Reference::new();
    run_with(case, &case.profile.name, &mut r)
}

struct Runner<'a> {
    case: &'a SequenceCase,
    profile: &'a str,
    imp: &'a mut dyn Implementation,
    exchanges: Vec<Exchange>,
    binds: BTreeMap<String, Value>,
    handles: Handles,
}

impl Runner<'_> {
    fn call(&mut self, req: Request, record: bool) -> Reply {
        let reply = self.imp.call(req.clone());
        if record {
            self.exchanges.push(exchange(&req, &reply));
        }
        reply
    }

    /// Binds names from `expect` against `act`; new names must not take a
    /// value another name holds (unless the case lists one in `may_equal`).
    fn bind(&mut self, exp: &Value, act: &Value, diffs: &mut Vec<(String, String)>) -> Vec<Problem> {
        let before: BTreeSet<String> = self.binds.keys().cloned().collect();
        match_partial("", exp, act, &mut self.binds, diffs);
        self.distinct(&before)
    }

    fn distinct(&self, before: &BTreeSet<String>) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (n, v) in self.binds.iter().filter(|(n, _)| !before.contains(*n)) {
            for (m, w) in &self.binds {
                if m == n || (!before.contains(m) && m > n) || !scalar_eq(v, w) {
                    continue;
                }
                if self.case.may_equal.contains(n) || self.case.may_equal.contains(m) {
                    continue;
                }
                problems.push(Problem::must(format!(
                    "{m} and {n} are both {v}: distinct names bind distinct handles, and a live handle is given out \
                     once (MS-OXCROPS_R4556)"
                )));
            }
        }
        problems
    }

    /// Sends one input and applies the output rules to the reply.
    fn execute(&mut self, k: usize, input: &[u8], max_output: usize, record: bool) -> Result<Executed, Box<Outcome>> {
        let reply = self.call(request::execute(input, max_output), record);
        if let Some(o) = unusable(&format!("step {k}: execute"), &reply) {
            return Err(o.into());
        }
        let ok = match &reply {
            Reply::Ok(ok) => ok.clone(),
            _ => Value::Null,
        };
        let mut entry = json!({"step": k, "input": crate::hex::encode(input), "max_output": max_output});
        let mut rules = Vec::new();
        if let Some(f) = ok.get("failed") {
            let code = f["code"].as_u64().unwrap_or(0) as u32;
            let message = f["message"].as_str().unwrap_or("").to_string();
            entry["error"] = json!({"code": code, "message": message});
            return Ok(Executed { entry, failed: Some((code, message)), value: None, rules });
        }
        let out = match ok.get("hex").and_then(Value::as_str).map(crate::hex::parse) {
            Some(Ok(b)) => b,
            _ => {
                let mut o = Outcome::without_checks(
                    Verdict::Error,
                    format!("step {k}: execute: the reply has neither hex nor failed"),
                );
                o.actual = ok.clone();
                return Err(o.into());
            }
        };
        entry["output"] = Value::String(crate::hex::encode(&out));
        if out.len() > max_output {
            rules.push(Problem::must(format!("the output is {} bytes, over the {} allowed", out.len(), max_output)));
        }
        let mut value = None;
        match Structure::RopOutputBuffer.decode(&out, Layout::Spec) {
            Err(e) => {
                let message = match e.kind {
                    ErrorKind::UnexpectedRopId { rop_id: 0x01 } => format!(
                        "a response to RopRelease: RopRelease has no response, and the server MUST NOT return one \
                         (MS-OXCROPS_R4572); the output does not decode: {e}"
                    ),
                    _ => format!("the output does not decode: {e}"),
                };
                rules.push(Problem::at(Grade::Must, &e.field, message));
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
                    } else if self.profile == "spec" {
                        Some(Grade::Should)
                    } else {
                        None
                    };
                    if let Some(g) = grade {
                        rules.push(Problem::at(g, &f.field, format!("the output breaks a rule: {f}")));
                    }
                }
                if !findings.is_empty() {
                    entry["findings"] = Value::Array(findings.iter().map(finding_json).collect());
                }
                if let (Ok(i), Ok(o)) =
                    (decode::<RopInputBuffer>(input, self.case.layout), decode::<RopOutputBuffer>(&out, Layout::Spec))
                {
                    rules.extend(self.handles.observe(&i.value, &o.value));
                    value = Some((v, o.value));
                }
            }
        }
        Ok(Executed { entry, failed: None, value, rules })
    }

    /// A `repeat` step: the events go in batches (pipelined through an
    /// adapter); the report keeps the first two exchanges and the last.
    fn repeat(&mut self, k: usize, count: usize, event: &Value) -> Result<(), Box<Outcome>> {
        const BATCH: usize = 4096;
        let mut n = 0;
        while n < count {
            let end = (n + BATCH).min(count);
            let reqs: Vec<Request> = (n..end).map(|i| request::event(&with_n(event, i))).collect();
            let replies = self.imp.call_many(&reqs);
            for (j, (req, reply)) in reqs.iter().zip(replies.iter()).enumerate() {
                let i = n + j;
                if i < 2 || i + 1 == count {
                    self.exchanges.push(exchange(req, reply));
                }
                if let Some(o) = unusable(&format!("step {k}: event {i} of {count}"), reply) {
                    self.exchanges.push(exchange(req, reply));
                    return Err(o.into());
                }
            }
            if replies.len() < reqs.len() {
                return Err(Box::new(Outcome::without_checks(
                    Verdict::Error,
                    format!("step {k}: {} of {} events got no reply", reqs.len() - replies.len(), reqs.len()),
                )));
            }
            n = end;
        }
        Ok(())
    }

    /// A `drain` step: polls until an output carries no RopPending, then
    /// once more; every RopNotify is matched against `each` in order.
    fn drain(
        &mut self,
        k: usize,
        step: &Step,
        all: &ExpectAll,
        problems: &mut Vec<Problem>,
    ) -> Result<Value, Box<Outcome>> {
        let grade = expectation_grade(self.case, step);
        let limit = all.count + 3;
        let (mut received, mut wrong, mut polls, mut idle) = (0usize, 0usize, 0usize, 0usize);
        let mut rules = 0usize;
        let mut confirming = false;
        let mut first: Option<Value> = None;
        let mut last_exchange: Option<Exchange> = None;
        loop {
            if polls >= limit {
                problems.push(Problem::at(
                    grade,
                    "RopsList",
                    format!("still RopPending after {polls} polls, with {received} RopNotify delivered"),
                ));
                break;
            }
            let record = polls < 2;
            let ex = self.execute(k, &[0x02, 0x00], step.max_output, record)?;
            if !record {
                last_exchange = self.imp_last(&ex);
            }
            polls += 1;
            for p in ex.rules {
                rules += 1;
                if rules <= 10 {
                    problems.push(p.in_step(k));
                }
            }
            if first.is_none() {
                first = Some(ex.entry.clone());
            }
            if let Some((code, message)) = &ex.failed {
                problems.push(Problem::at(
                    grade,
                    "",
                    format!("poll {polls}: the call failed with 0x{code:08X}: {message}"),
                ));
                break;
            }
            let Some((_, out)) = ex.value else { break };
            let mut got = 0;
            let mut pending = false;
            for (i, r) in out.rops_list.iter().enumerate() {
                match r {
                    RopResponse::Notify(n) => {
                        let act = n.to_value(Layout::Spec);
                        if received < all.count {
                            let mut diffs = Vec::new();
                            match_partial(
                                &format!("RopsList[{i}]"),
                                &with_n(&all.each, received),
                                &act,
                                &mut self.binds,
                                &mut diffs,
                            );
                            if !diffs.is_empty() {
                                wrong += 1;
                                if wrong <= 3 {
                                    for (p, m) in diffs {
                                        problems.push(
                                            Problem::at(grade, &p, format!("poll {polls}, RopNotify #{received}: {m}"))
                                                .in_step(k),
                                        );
                                    }
                                }
                            }
                        }
                        received += 1;
                        got += 1;
                    }
                    RopResponse::Pending(_) => pending = true,
                    _ => {}
                }
            }
            if confirming && got > 0 {
                problems.push(
                    Problem::at(
                        grade_of(["MS-OXCNOTIF_R349"]).min(self.case.grade),
                        "RopsList",
                        format!(
                            "RopPending expected after {received_before} RopNotify; none sent (MS-OXCNOTIF_R349): \
                             the next poll brought {got} more",
                            received_before = received - got
                        ),
                    )
                    .in_step(k),
                );
                confirming = false;
            }
            idle = if got == 0 { idle + 1 } else { 0 };
            if pending && idle >= 3 {
                problems.push(
                    Problem::at(grade, "RopsList", "RopPending announces notifications that never come".to_string())
                        .in_step(k),
                );
                break;
            }
            if !pending {
                if confirming || received >= all.count {
                    break;
                }
                confirming = true;
            }
        }
        if let Some(e) = last_exchange {
            self.exchanges.push(e);
        }
        if wrong > 3 {
            problems.push(
                Problem::at(
                    grade,
                    "RopsList",
                    format!("{wrong} RopNotify in all differ from what was expected of them"),
                )
                .in_step(k),
            );
        }
        if rules > 10 {
            problems.push(Problem::must(format!("… and {} more output-rule problems", rules - 10)).in_step(k));
        }
        let ids = step.requirements.clone().unwrap_or_else(|| self.case.requirements.clone()).join(", ");
        if received < all.count {
            problems.push(
                Problem::at(
                    grade,
                    "RopsList",
                    format!(
                        "{received} of {} notifications arrived in {polls} polls: #{received} and the {} after it never did ({ids})",
                        all.count,
                        all.count - received - 1
                    ),
                )
                .in_step(k),
            );
        } else if received > all.count {
            problems.push(
                Problem::at(
                    grade,
                    "RopsList",
                    format!("{received} notifications arrived, {} expected ({ids})", all.count),
                )
                .in_step(k),
            );
        }
        let mut entry = first.unwrap_or_else(|| json!({"step": k}));
        entry["drain"] = json!({"polls": polls, "received": received, "expected": all.count});
        Ok(entry)
    }

    fn imp_last(&self, ex: &Executed) -> Option<Exchange> {
        // The last poll of a drain is reported with its output; the ones in
        // between are left out of the report to keep it small.
        Some(Exchange {
            request: request::execute(&[0x02, 0x00], ex.entry["max_output"].as_u64().unwrap_or(0) as usize),
            reply: match (&ex.failed, ex.entry.get("output")) {
                (Some((code, message)), _) => json!({"ok": {"failed": {"code": code, "message": message}}}),
                (None, Some(h)) => json!({"ok": {"hex": h}}),
                _ => Value::Null,
            },
        })
    }
}

/// Runs a sequence case against an implementation (server role), which
/// `reset` tells to behave as `profile`.
pub fn run_with(case: &SequenceCase, profile: &str, imp: &mut dyn Implementation) -> Outcome {
    let mut needed = vec!["reset", "execute"];
    if case.steps.iter().any(|s| matches!(s.action, Action::Event(_) | Action::Repeat { .. })) {
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
                    Action::Repeat { count, event } => {
                        e["event"] = event.clone();
                        e["repeat"] = json!(count);
                    }
                    Action::Send(v) => e["send"] = v.clone(),
                    Action::SendHex(b) => e["send_hex"] = Value::String(crate::hex::encode(b)),
                    Action::Poll => e["poll"] = json!({"max_output": s.max_output}),
                    Action::Drain => e["drain"] = json!({"max_output": s.max_output}),
                }
                if let Some(x) = &s.expect {
                    e["expect"] = x.clone();
                }
                if let Some(c) = s.expect_error {
                    e["expect_error"] = json!(c);
                }
                if let Some(a) = &s.expect_all {
                    e["expect_all"] = json!({"count": a.count, "each": a.each});
                }
                e
            })
            .collect(),
    );
    let mut r =
        Runner { case, profile, imp, exchanges: Vec::new(), binds: BTreeMap::new(), handles: Handles::default() };
    let result = r.run(&expected);
    let mut o = match result {
        Ok(o) => o,
        Err(o) => *o,
    };
    o.exchanges = std::mem::take(&mut r.exchanges);
    o
}

impl Runner<'_> {
    fn run(&mut self, expected: &Value) -> Result<Outcome, Box<Outcome>> {
        let case = self.case;
        let req = request::reset(self.profile, case.layout.name(), &case.setup_value);
        let reply = self.call(req, true);
        if let Some(o) = unusable("reset", &reply) {
            return Err(o.into());
        }
        let mut problems: Vec<Problem> = Vec::new();
        if let Reply::Ok(ok) = &reply {
            if let Some(m) = ok.get("logons").and_then(Value::as_object) {
                for (l, h) in m {
                    self.binds.insert(format!("$logon{l}"), h.clone());
                    if let (Ok(id), Some(h)) = (l.parse::<u8>(), h.as_u64()) {
                        self.handles.logon(id, h as u32);
                    }
                }
            }
        }
        problems.extend(self.distinct(&BTreeSet::new()));
        let mut log = Vec::new();
        for (k, step) in case.steps.iter().enumerate() {
            let mut step_problems: Vec<Problem> = Vec::new();
            let input = match &step.action {
                Action::Event(e) => {
                    let reply = self.call(request::event(e), true);
                    if let Some(o) = unusable(&format!("step {k}: event"), &reply) {
                        return Err(o.into());
                    }
                    log.push(json!({"step": k, "event": e.get("Type").cloned().unwrap_or(Value::Null)}));
                    continue;
                }
                Action::Repeat { count, event } => {
                    self.repeat(k, *count, event)?;
                    log.push(
                        json!({"step": k, "event": event.get("Type").cloned().unwrap_or(Value::Null), "repeat": count}),
                    );
                    continue;
                }
                Action::Drain => {
                    let Some(all) = &step.expect_all else { continue };
                    let entry = self.drain(k, step, all, &mut problems)?;
                    log.push(entry);
                    continue;
                }
                Action::Poll => vec![0x02, 0x00],
                Action::SendHex(b) => b.clone(),
                Action::Send(v) => {
                    let mut unbound = Vec::new();
                    let v = substitute(v, &self.binds, &mut unbound);
                    step_problems.extend(unbound.into_iter().map(Problem::must));
                    match RopInputBuffer::from_value(&v, case.layout).and_then(|b| crate::wire::encode(&b, case.layout))
                    {
                        Ok(b) => b,
                        Err(e) => {
                            problems.push(Problem::must(format!("the input value does not encode: {e}")).in_step(k));
                            break;
                        }
                    }
                }
            };
            let ex = self.execute(k, &input, step.max_output, true)?;
            step_problems.extend(ex.rules);
            let grade = expectation_grade(case, step);
            let mut entry = ex.entry;
            match (&ex.failed, step.expect_error) {
                (Some((code, _)), Some(c)) if *code == c => {}
                (Some((code, message)), Some(c)) => step_problems.push(Problem::at(
                    grade,
                    "",
                    format!("expected the call to fail with 0x{c:08X}, it failed with 0x{code:08X}: {message}"),
                )),
                (Some((code, message)), None) => {
                    step_problems.push(Problem::at(grade, "", format!("the call failed with 0x{code:08X}: {message}")))
                }
                (None, Some(c)) => step_problems.push(Problem::at(
                    grade,
                    "",
                    format!("expected the call to fail with 0x{c:08X}, but it answered"),
                )),
                (None, None) => {}
            }
            if let Some((v, _)) = ex.value {
                if let Some(exp) = &step.expect {
                    let (exp, act) = pending_checks(case, exp, &v, &mut step_problems);
                    let mut diffs = Vec::new();
                    step_problems.extend(self.bind(&exp, &act, &mut diffs));
                    step_problems.extend(graded_diffs(case, step, diffs));
                }
                entry["value"] = v;
            }
            log.push(entry);
            problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
        }
        // The grades are final here (expectations capped by the case's
        // `grade:`, output rules at their own level), so no further cap.
        Ok(Outcome::graded(problems, Grade::Must, Value::Array(log), expected.clone()))
    }
}
