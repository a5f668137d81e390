//! Trace cases: a recorded client session (ROP input and output buffers as
//! hex) and the client rules it breaks, checked by the client monitor
//! ([`crate::model::client`]).
//!
//! ```yaml
//! kind: trace
//! cases:
//!   - id: trace.client.conforming
//!     description: …
//!     sections: [MS-OXCNOTIF 3.2.5.1]
//!     requirements: [MS-OXCNOTIF_R408, MS-OXCNOTIF_R409]
//!     trace:
//!       - input: |
//!           0900 29 00 00 01 0400 01  # …
//!           6f000000 ffffffff
//!       - output: "0800 29 01 00000000 6f000000 00010000"
//!     expect:
//!       findings: []   # IDs, or {requirement, step, field, offset} to pin the place
//! ```

use super::verdict::{exchange, unusable, Grade, Outcome, Problem, Verdict};
use super::LoadError;
use crate::model::client::TraceStep;
use crate::target::{request, Implementation, Reply};
use crate::wire::Layout;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A loaded trace case.
#[derive(Debug, Clone)]
pub struct TraceCase {
    /// Stable id.
    pub id: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs verified.
    pub requirements: Vec<String>,
    /// The request reading.
    pub layout: Layout,
    /// The recorded buffers.
    pub trace: Vec<TraceStep>,
    /// Handles the client holds from outside the trace.
    pub preexisting_handles: Vec<u32>,
    /// Requirement IDs of the findings the monitor must report, sorted.
    pub findings: Vec<String>,
    /// Findings pinned to a place: (requirement, step, field, offset).
    pub located: Vec<(String, usize, String, usize)>,
    /// How strong the case's checks are (`grade:`; default MUST).
    pub grade: Grade,
    /// The file.
    pub file: PathBuf,
    /// The line of its id.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
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
    layout: Option<String>,
    #[serde(default)]
    preexisting_handles: Vec<u32>,
    #[serde(default)]
    grade: Option<String>,
    trace: Vec<RawStep>,
    expect: RawExpect,
}

/// One step of a trace file: `{input: hex}` or `{output: hex}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    output: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    findings: Vec<RawFinding>,
}

/// An expected finding: its requirement ID, or the ID with where it is.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawFinding {
    Id(String),
    Located(LocatedFinding),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocatedFinding {
    requirement: String,
    step: usize,
    field: String,
    offset: usize,
}

/// Turns raw steps into buffers; the error names the step.
pub fn steps(raw: &[RawStep]) -> Result<Vec<TraceStep>, (String, String)> {
    raw.iter()
        .enumerate()
        .map(|(k, s)| match (&s.input, &s.output) {
            (Some(h), None) => {
                crate::hex::parse(h).map(TraceStep::Input).map_err(|e| (format!("trace[{k}].input"), e.to_string()))
            }
            (None, Some(h)) => {
                crate::hex::parse(h).map(TraceStep::Output).map_err(|e| (format!("trace[{k}].output"), e.to_string()))
            }
            _ => Err((format!("trace[{k}]"), "a step is exactly one of input or output".into())),
        })
        .collect()
}

/// A trace file for `oxcnotif check-trace`: `{layout?, trace: [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceFile {
    /// `spec` (default) or `legacy`.
    #[serde(default)]
    pub layout: Option<String>,
    /// Handles the client holds from outside the trace.
    #[serde(default)]
    pub preexisting_handles: Vec<u32>,
    /// The buffers.
    pub trace: Vec<RawStep>,
}

/// Parses a `kind: trace` file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<TraceCase>, LoadError> {
    let raw: RawFile = super::parse_yaml(path, text)?;
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
        let lname = rc.layout.as_deref().unwrap_or("spec");
        let layout =
            Layout::from_name(lname).ok_or_else(|| err("layout".into(), format!("{lname:?} is not spec or legacy")))?;
        let trace = steps(&rc.trace).map_err(|(f, m)| err(f, m))?;
        let grade = match rc.grade.as_deref() {
            None => Grade::Must,
            Some(g) => {
                Grade::from_name(g).ok_or_else(|| err("grade".into(), format!("{g:?} is not must, should or info")))?
            }
        };
        let mut findings = Vec::new();
        let mut located = Vec::new();
        for f in rc.expect.findings {
            match f {
                RawFinding::Id(id) => findings.push(id),
                RawFinding::Located(l) => {
                    findings.push(l.requirement.clone());
                    located.push((l.requirement, l.step, l.field, l.offset));
                }
            }
        }
        findings.sort();
        out.push(TraceCase {
            id: rc.id,
            description: rc.description,
            sections: rc.sections,
            requirements: rc.requirements,
            layout,
            trace,
            preexisting_handles: rc.preexisting_handles,
            findings,
            located,
            grade,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Runs a trace case through the built-in client monitor.
pub fn run_trace(case: &TraceCase) -> Outcome {
    run_with(case, &mut crate::target::reference::Reference::new())
}

/// Runs a trace case through an implementation's client monitor
/// (`check_trace`: capture analysers).
pub fn run_with(case: &TraceCase, imp: &mut dyn Implementation) -> Outcome {
    if !imp.hello().supports("check_trace") {
        return Outcome::without_checks(Verdict::Unimplemented, crate::target::not_listed("check_trace", None));
    }
    let req = request::check_trace(
        case.layout.name(),
        &case.preexisting_handles,
        &crate::target::reference::trace_steps_json(&case.trace),
    );
    let reply = imp.call(req.clone());
    let exchanges = vec![exchange(&req, &reply)];
    let expected = json!({"findings": case.findings});
    if let Some(mut o) = unusable("check_trace", &reply) {
        o.exchanges = exchanges;
        return o;
    }
    let ok = match &reply {
        Reply::Ok(v) => v.clone(),
        _ => Value::Null,
    };
    let mut o = if let Some(e) = ok.get("error") {
        let step = e["step"].as_u64().unwrap_or(0) as usize;
        Outcome::graded(
            vec![Problem::must(format!(
                "the monitor could not read the trace: {}",
                e["message"].as_str().unwrap_or("")
            ))
            .in_step(step)],
            case.grade,
            json!({"error": e}),
            expected,
        )
    } else {
        let found: Vec<Value> = ok.get("findings").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut ids: Vec<&str> = found.iter().filter_map(|f| f["requirement"].as_str()).collect();
        ids.sort();
        let mut problems = Vec::new();
        for (req, step, field, offset) in &case.located {
            let hit = found.iter().any(|f| {
                f["requirement"].as_str() == Some(req.as_str())
                    && f["step"].as_u64() == Some(*step as u64)
                    && f["field"].as_str() == Some(field.as_str())
                    && f["offset"].as_u64() == Some(*offset as u64)
            });
            if !hit {
                problems.push(
                    Problem::at(Grade::Must, field, format!("expected {req} here, offset {offset}")).in_step(*step),
                );
            }
        }
        if ids != case.findings.iter().map(String::as_str).collect::<Vec<_>>() {
            let mut msg = format!("findings: expected {:?}, got {ids:?}", case.findings);
            for f in &found {
                msg.push_str(&format!(
                    "\n  step {}: {} at {}, offset {}: {}",
                    f["step"],
                    f["requirement"].as_str().unwrap_or("?"),
                    f["field"].as_str().unwrap_or("?"),
                    f["offset"],
                    f["message"].as_str().unwrap_or("")
                ));
            }
            problems.push(Problem::must(msg));
        }
        Outcome::graded(problems, case.grade, json!({"findings": found}), expected)
    };
    o.exchanges = exchanges;
    o
}

/// Counts of findings by requirement, for summaries.
pub fn by_requirement(found: &[crate::model::client::TraceFinding]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in found {
        *m.entry(f.finding.requirement).or_insert(0) += 1;
    }
    m
}
