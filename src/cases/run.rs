//! Running a case against the reference codec.
//!
//! A decode case passes when the bytes decode to the expected value (field
//! by field; IDs and blobs compare without regard to hex case, integers
//! whether written as numbers or `"0x…"` strings), with exactly the
//! expected findings, and when both the expected value and the decoded
//! value encode back to the bytes. An error case passes when decoding fails
//! with the expected kind and field (and offset, if given). An encoder
//! refusal case passes when encoding its value fails naming the field.

use super::{Case, Expect};
use crate::wire::value::parse_int;
use crate::wire::{Error, Finding};
use serde_json::{json, Value};

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Every check of the case held.
    Pass,
    /// A check failed; the outcome's message says which.
    Fail,
}

impl Verdict {
    /// `PASS` or `FAIL`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
        }
    }
}

/// The result of running one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Why it failed, one problem per line (empty on pass).
    pub problems: Vec<String>,
    /// What the implementation produced: `{value, findings}`, `{error}` or `{hex}`.
    pub actual: Value,
}

/// The JSON form of a finding.
pub fn finding_json(f: &Finding) -> Value {
    json!({"requirement": f.requirement, "level": f.level.name(), "field": f.field, "offset": f.offset, "message": f.message})
}

/// The JSON form of a framing error.
pub fn error_json(e: &Error) -> Value {
    json!({"kind": e.kind.name(), "field": e.field, "offset": e.offset, "message": e.to_string()})
}

/// Runs `case` against the reference codec.
pub fn run_case(case: &Case) -> Outcome {
    let mut problems = Vec::new();
    let actual;
    match &case.expect {
        Expect::Decode { value, findings } => {
            let bytes = case.bytes.as_deref().unwrap_or(&[]);
            match case.structure.decode(bytes, case.layout) {
                Err(e) => {
                    problems.push(format!("expected the bytes to decode, but: {e}"));
                    actual = json!({"error": error_json(&e)});
                }
                Ok((v, fs)) => {
                    let mut ids: Vec<&str> = fs.iter().map(|f| f.requirement).collect();
                    ids.sort();
                    if ids != findings.iter().map(String::as_str).collect::<Vec<_>>() {
                        problems.push(format!("findings: expected {findings:?}, got {ids:?}"));
                        for f in &fs {
                            problems.push(format!("  finding {f}"));
                        }
                    }
                    if let Some(expected) = value {
                        diff("", expected, &v, &mut problems);
                        problems.extend(encodes_back(
                            case,
                            expected,
                            bytes,
                            ["encoding the expected value gives", "the case's bytes "],
                            "the encoder refuses the expected value",
                        ));
                    }
                    problems.extend(encodes_back(
                        case,
                        &v,
                        bytes,
                        ["not lossless: the decoded value re-encodes to", ""],
                        "not lossless: the decoded value does not re-encode",
                    ));
                    actual = json!({"value": v, "findings": fs.iter().map(finding_json).collect::<Vec<_>>()});
                }
            }
        }
        Expect::Error(exp) => {
            let bytes = case.bytes.as_deref().unwrap_or(&[]);
            match case.structure.decode(bytes, case.layout) {
                Ok((v, _)) => {
                    problems
                        .push(format!("expected framing error {} at {}, but the bytes decoded", exp.kind, exp.field));
                    actual = json!({"value": v});
                }
                Err(e) => {
                    if e.kind.name() != exp.kind || e.field != exp.field || exp.offset.is_some_and(|o| o != e.offset) {
                        problems.push(format!(
                            "expected error {} at {}{}, got {} at {} offset {}: {e}",
                            exp.kind,
                            exp.field,
                            exp.offset.map(|o| format!(" offset {o}")).unwrap_or_default(),
                            e.kind.name(),
                            e.field,
                            e.offset
                        ));
                    }
                    actual = json!({"error": error_json(&e)});
                }
            }
        }
        Expect::EncodeError(exp) => {
            let v = case.value.clone().unwrap_or(Value::Null);
            match case.structure.encode(&v, case.layout) {
                Ok(b) => {
                    problems.push(format!(
                        "expected the encoder to refuse the value at {}, but it gave {}",
                        exp.field,
                        crate::hex::encode(&b)
                    ));
                    actual = json!({"hex": crate::hex::encode(&b)});
                }
                Err(e) => {
                    if e.field != exp.field {
                        problems.push(format!("expected the refusal to name {}, but: {e}", exp.field));
                    }
                    actual = json!({"encode_error": {"field": e.field, "message": e.message}});
                }
            }
        }
    }
    let verdict = if problems.is_empty() { Verdict::Pass } else { Verdict::Fail };
    Outcome { verdict, problems, actual }
}

/// Encodes `value` and says what is wrong if it does not give `bytes`.
/// `differs` words the mismatch: "<differs[0]> <actual hex>, not <differs[1]><wanted hex>".
fn encodes_back(case: &Case, value: &Value, bytes: &[u8], differs: [&str; 2], refused: &str) -> Option<String> {
    match case.structure.encode(value, case.layout) {
        Ok(b) if b == bytes => None,
        Ok(b) => {
            Some(format!("{} {}, not {}{}", differs[0], crate::hex::encode(&b), differs[1], crate::hex::encode(bytes)))
        }
        Err(e) => Some(format!("{refused}: {e}")),
    }
}

/// Compares an expected value with an actual one, field by field, adding a
/// line per difference. Keys must match exactly; scalars compare leniently
/// as described in the module doc.
pub fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff(&at(k), ev, av, out),
                    None => out.push(format!("{}: expected {}, but the field is absent", at(k), ev)),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push(format!("{}: not expected, but present with {}", at(k), av));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: expected {} entries, got {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ => {
            if !scalar_eq(expected, actual) {
                out.push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
    }
}

/// Scalar comparison: integers by value (numbers or `"0x…"`), hex without regard to case.
pub fn scalar_eq(e: &Value, a: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => parse_int(s),
        _ => None,
    };
    match (e, a) {
        (Value::String(x), Value::String(y)) => {
            x == y || (is_hex(x) && is_hex(y) && x.replace(' ', "").eq_ignore_ascii_case(&y.replace(' ', "")))
        }
        _ => match (num(e), num(a)) {
            (Some(x), Some(y)) => x == y,
            _ => e == a,
        },
    }
}

fn is_hex(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_hexdigit() || c == ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_reports_each_difference() {
        let mut out = Vec::new();
        diff(
            "",
            &json!({"A": 1, "B": "AB01", "C": {"D": "0x10"}, "E": [1, 2]}),
            &json!({"A": 2, "B": "ab01", "C": {"D": 16}, "E": [1], "F": 0}),
            &mut out,
        );
        assert_eq!(
            out,
            vec!["A: expected 1, got 2", "E: expected 2 entries, got 1", "F: not expected, but present with 0"]
        );
    }

    #[test]
    fn text_is_not_compared_as_hex_case_insensitively_unless_hex() {
        assert!(!scalar_eq(&json!("IPM.Note"), &json!("ipm.note")));
        assert!(scalar_eq(&json!("00AB"), &json!("00ab")));
    }
}

/// One case's result, whatever its kind, for reports.
#[derive(Debug, Clone)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// `wire`, `sequence` or `trace`.
    pub kind: &'static str,
    /// The structure name (wire), the profile (sequence) or `client` (trace).
    pub group: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs.
    pub requirements: Vec<String>,
    /// Where the case is.
    pub file: std::path::PathBuf,
    /// Its line.
    pub line: usize,
    /// The input bytes of a wire case.
    pub hex: Option<String>,
    /// The result.
    pub outcome: Outcome,
}

/// Runs every case of `suite` whose id is in `only` (all when empty)
/// against the built-in reference.
pub fn run_suite(suite: &super::Suite, only: &[String]) -> Vec<Row> {
    let pick = |id: &str| only.is_empty() || only.iter().any(|o| o == id);
    let mut rows = Vec::new();
    for c in suite.wire.iter().filter(|c| pick(&c.id)) {
        rows.push(Row {
            id: c.id.clone(),
            kind: "wire",
            group: c.structure.name().to_string(),
            description: c.description.clone(),
            sections: c.sections.clone(),
            requirements: c.requirements.clone(),
            file: c.file.clone(),
            line: c.line,
            hex: c.bytes.as_deref().map(crate::hex::encode),
            outcome: run_case(c),
        });
    }
    for c in suite.sequences.iter().filter(|c| pick(&c.id)) {
        rows.push(Row {
            id: c.id.clone(),
            kind: "sequence",
            group: format!("sequence ({})", c.profile.name),
            description: c.description.clone(),
            sections: c.sections.clone(),
            requirements: c.requirements.clone(),
            file: c.file.clone(),
            line: c.line,
            hex: None,
            outcome: super::sequence::run_sequence(c),
        });
    }
    for c in suite.regressions.iter().filter(|c| pick(&c.id)) {
        rows.push(Row {
            id: c.id.clone(),
            kind: "regression",
            group: format!("fuzz target {}", c.target),
            description: c.description.clone(),
            sections: Vec::new(),
            requirements: Vec::new(),
            file: c.file.clone(),
            line: c.line,
            hex: Some(crate::hex::encode(&c.bytes)),
            outcome: super::regression::run_regression(c),
        });
    }
    for c in suite.traces.iter().filter(|c| pick(&c.id)) {
        rows.push(Row {
            id: c.id.clone(),
            kind: "trace",
            group: "client trace".into(),
            description: c.description.clone(),
            sections: c.sections.clone(),
            requirements: c.requirements.clone(),
            file: c.file.clone(),
            line: c.line,
            hex: None,
            outcome: super::trace::run_trace(c),
        });
    }
    rows
}
