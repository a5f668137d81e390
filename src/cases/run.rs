//! Running cases against an implementation and grading what comes back.
//!
//! Every case is run through the adapter protocol ([`crate::target`]):
//! against the built-in reference in process, or against an
//! implementation's adapter process. A wire case passes when the bytes
//! decode to the expected value (field by field; IDs and blobs compare
//! without regard to hex case, integers whether written as numbers or
//! `"0x…"` strings), and when both the expected value and the decoded value
//! encode back to the bytes. An error case passes when decoding fails; an
//! encoder-refusal case when encoding is refused.
//!
//! Verdicts are graded: a broken MUST is FAIL; a SHOULD departed from (a
//! finding of SHOULD strength, or the decoder's findings, error kind or
//! refused field differing from the reference's) is NON-STRICT; a case
//! marked `grade: info` (behaviour the spec leaves open) that differs is
//! INFO; an operation the implementation does not offer is UNIMPLEMENTED;
//! a crash, hang or garbage reply is ERROR. EXCLUDED, XFAIL and XPASS come
//! from the run's options ([`RunOptions`]).

use super::{Case, Expect};
use crate::target::{request, Implementation, Reply};
use crate::wire::value::parse_int;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A case's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Every check held.
    Pass,
    /// Only SHOULD-level checks failed.
    NonStrict,
    /// The implementation differs where the spec leaves the behaviour open.
    Info,
    /// A MUST is broken.
    Fail,
    /// The implementation does not offer what the case needs.
    Unimplemented,
    /// Left out by `--exclude` or by the profile.
    Excluded,
    /// Failed, as the expected-failures file says it will.
    XFail,
    /// Listed as an expected failure, but passed: the bug is fixed.
    XPass,
    /// The harness or the implementation misbehaved.
    Error,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 9] = [
        Verdict::Pass,
        Verdict::NonStrict,
        Verdict::Info,
        Verdict::Fail,
        Verdict::Unimplemented,
        Verdict::Excluded,
        Verdict::XFail,
        Verdict::XPass,
        Verdict::Error,
    ];

    /// `PASS`, `NON-STRICT`, …
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::NonStrict => "NON-STRICT",
            Verdict::Info => "INFO",
            Verdict::Fail => "FAIL",
            Verdict::Unimplemented => "UNIMPLEMENTED",
            Verdict::Excluded => "EXCLUDED",
            Verdict::XFail => "XFAIL",
            Verdict::XPass => "XPASS",
            Verdict::Error => "ERROR",
        }
    }

    /// Whether the verdict makes the run exit 1.
    pub fn is_bad(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::XPass | Verdict::Error)
    }
}

/// How strong a failed check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// Behaviour the spec leaves open.
    Info,
    /// SHOULD.
    Should,
    /// MUST.
    Must,
}

impl Grade {
    /// Reads `must`, `should`, `info`.
    pub fn from_name(s: &str) -> Option<Grade> {
        match s {
            "must" => Some(Grade::Must),
            "should" => Some(Grade::Should),
            "info" => Some(Grade::Info),
            _ => None,
        }
    }
}

/// One failed check.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// How strong the check is.
    pub grade: Grade,
    /// The sequence step or trace step, when the check is about one.
    pub step: Option<usize>,
    /// The spec field path the check is about, when it is about one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A MUST-level problem with no field.
    pub fn must(message: impl Into<String>) -> Self {
        Problem { grade: Grade::Must, step: None, field: None, message: message.into() }
    }
    /// A problem of `grade` about `field`.
    pub fn at(grade: Grade, field: &str, message: impl Into<String>) -> Self {
        Problem { grade, step: None, field: (!field.is_empty()).then(|| field.to_string()), message: message.into() }
    }
    /// The same problem, about step `k`.
    pub fn in_step(mut self, k: usize) -> Self {
        self.step = Some(k);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.grade == Grade::Should {
            f.write_str("(SHOULD) ")?;
        } else if self.grade == Grade::Info {
            f.write_str("(info) ")?;
        }
        if let Some(k) = self.step {
            write!(f, "step {k}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// One request and its reply, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The request (protocol object, no id).
    pub request: Value,
    /// The reply, in protocol form (`ok`, `unimplemented`, `error`), with
    /// the raw text of a broken reply.
    pub reply: Value,
}

fn reply_json(r: &Reply) -> Value {
    match r {
        Reply::Ok(v) => json!({"ok": v}),
        Reply::Unimplemented(m) => json!({"unimplemented": m}),
        Reply::Failed(m) => json!({"error": m}),
        Reply::Broken { problem, raw } => json!({"broken": problem, "raw": raw}),
    }
}

/// The result of running one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// The checks that failed (empty on PASS).
    pub problems: Vec<Problem>,
    /// What the implementation produced.
    pub actual: Value,
    /// What the case expects (`Null` when the case has no single expectation).
    pub expected: Value,
    /// Every request sent for the case and its reply.
    pub exchanges: Vec<Exchange>,
    /// Why the verdict is UNIMPLEMENTED, EXCLUDED, XFAIL, XPASS or ERROR.
    pub note: Option<String>,
}

impl Outcome {
    /// An outcome graded from `problems` (PASS when there are none), capped
    /// by the case's own `grade`.
    pub fn graded(problems: Vec<Problem>, case_grade: Grade, actual: Value, expected: Value) -> Self {
        let worst = problems.iter().map(|p| p.grade.min(case_grade)).max();
        let verdict = match worst {
            None => Verdict::Pass,
            Some(Grade::Must) => Verdict::Fail,
            Some(Grade::Should) => Verdict::NonStrict,
            Some(Grade::Info) => Verdict::Info,
        };
        Outcome { verdict, problems, actual, expected, exchanges: Vec::new(), note: None }
    }

    /// An outcome with no checks run: UNIMPLEMENTED, EXCLUDED or ERROR.
    pub fn without_checks(verdict: Verdict, note: impl Into<String>) -> Self {
        Outcome {
            verdict,
            problems: Vec::new(),
            actual: Value::Null,
            expected: Value::Null,
            exchanges: Vec::new(),
            note: Some(note.into()),
        }
    }

    /// The problems, one per line.
    pub fn problem_text(&self) -> String {
        let mut lines: Vec<String> = self.problems.iter().map(|p| p.to_string()).collect();
        if let Some(n) = &self.note {
            lines.push(n.clone());
        }
        lines.join("\n")
    }
}

/// Runs `case` against the built-in reference.
pub fn run_case(case: &Case) -> Outcome {
    let mut r = crate::target::reference::Reference::new();
    let mut rows = Vec::new();
    run_wire(std::slice::from_ref(case), &mut r, &mut rows);
    rows.pop().map(|(_, o)| o).unwrap_or_else(|| Outcome::without_checks(Verdict::Error, "no outcome"))
}

/// What a wire case asks of the implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// Decode the case's bytes.
    Decode,
    /// Encode the expected value (must give the case's bytes).
    EncodeExpected,
    /// Encode the implementation's own decoded value (lossless).
    EncodeDecoded,
    /// Encode the case's input value (an encoder-refusal case).
    EncodeInput,
}

/// Sends `asks` (case index, what, request), pipelined, except those the
/// implementation's hello does not list, which are answered UNIMPLEMENTED
/// here. Returns the replies in order.
fn ask_all(imp: &mut dyn Implementation, asks: &[(usize, Ask, Value)]) -> Vec<Reply> {
    let mut replies: Vec<Option<Reply>> = vec![None; asks.len()];
    let mut send = Vec::new();
    let mut at = Vec::new();
    for (i, (_, _, req)) in asks.iter().enumerate() {
        let op = req["op"].as_str().unwrap_or("");
        let structure = req["structure"].as_str().unwrap_or("");
        let h = imp.hello();
        if !h.supports(op) {
            replies[i] = Some(Reply::Unimplemented(format!("not sent: {}", crate::target::not_listed(op, None))));
        } else if !h.codec_handles(structure) {
            replies[i] =
                Some(Reply::Unimplemented(format!("not sent: {}", crate::target::not_listed(op, Some(structure)))));
        } else {
            send.push(req.clone());
            at.push(i);
        }
    }
    for (chunk, idx) in send.chunks(512).zip(at.chunks(512)) {
        for (r, i) in imp.call_many(chunk).into_iter().zip(idx) {
            replies[*i] = Some(r);
        }
    }
    replies.into_iter().map(|r| r.unwrap_or(Reply::Broken { problem: "no reply".into(), raw: None })).collect()
}

/// Runs wire cases against `imp`, pipelining their requests; pushes one
/// `(index, outcome)` per case.
pub fn run_wire(cases: &[Case], imp: &mut dyn Implementation, out: &mut Vec<(usize, Outcome)>) {
    let layout = |c: &Case| c.layout.name();
    let mut asks: Vec<(usize, Ask, Value)> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let s = c.structure.name();
        match &c.expect {
            Expect::Decode { value, .. } => {
                asks.push((i, Ask::Decode, request::decode(s, layout(c), c.bytes.as_deref().unwrap_or(&[]))));
                if let Some(v) = value {
                    asks.push((i, Ask::EncodeExpected, request::encode(s, layout(c), v)));
                }
            }
            Expect::Error(_) => {
                asks.push((i, Ask::Decode, request::decode(s, layout(c), c.bytes.as_deref().unwrap_or(&[]))))
            }
            Expect::EncodeError(_) => asks.push((
                i,
                Ask::EncodeInput,
                request::encode(s, layout(c), c.value.as_ref().unwrap_or(&Value::Null)),
            )),
        }
    }
    let replies = ask_all(imp, &asks);
    // Second round: encode each decoded value back.
    let mut asks2: Vec<(usize, Ask, Value)> = Vec::new();
    for ((i, ask, _), reply) in asks.iter().zip(&replies) {
        let c = &cases[*i];
        if let (Ask::Decode, Expect::Decode { .. }, Reply::Ok(ok)) = (ask, &c.expect, reply) {
            if let Some(v) = ok.get("value") {
                asks2.push((*i, Ask::EncodeDecoded, request::encode(c.structure.name(), layout(c), v)));
            }
        }
    }
    let replies2 = ask_all(imp, &asks2);
    let mut per_case: Vec<Vec<(Ask, Value, Reply)>> = vec![Vec::new(); cases.len()];
    for ((i, ask, req), reply) in asks.into_iter().zip(replies).chain(asks2.into_iter().zip(replies2)) {
        per_case[i].push((ask, req, reply));
    }
    for (i, (c, got)) in cases.iter().zip(per_case).enumerate() {
        out.push((i, judge_wire(c, got)));
    }
}

fn hex_of(v: &Value) -> Option<Vec<u8>> {
    v.as_str().and_then(|h| crate::hex::parse(h).ok())
}

/// Grades a wire case from the replies it got.
fn judge_wire(case: &Case, got: Vec<(Ask, Value, Reply)>) -> Outcome {
    let exchanges: Vec<Exchange> =
        got.iter().map(|(_, req, r)| Exchange { request: req.clone(), reply: reply_json(r) }).collect();
    let finish = |mut o: Outcome| {
        o.exchanges = exchanges.clone();
        o
    };
    // A broken or failed reply makes the case ERROR, whatever else came back.
    for (ask, _, r) in &got {
        match r {
            Reply::Broken { problem, raw } => {
                let mut o = Outcome::without_checks(
                    Verdict::Error,
                    format!(
                        "{ask:?}: {problem}{}",
                        raw.as_ref().map(|r| format!("; it wrote: {r}")).unwrap_or_default()
                    ),
                );
                o.actual = json!({"broken": problem, "raw": raw});
                return finish(o);
            }
            Reply::Failed(m) => {
                let mut o =
                    Outcome::without_checks(Verdict::Error, format!("{ask:?}: the adapter answered error: {m}"));
                o.actual = json!({"error_reply": m});
                return finish(o);
            }
            _ => {}
        }
    }
    let answered: Vec<&(Ask, Value, Reply)> = got.iter().filter(|(_, _, r)| matches!(r, Reply::Ok(_))).collect();
    if answered.is_empty() {
        let why: Vec<String> = got
            .iter()
            .filter_map(|(a, _, r)| match r {
                Reply::Unimplemented(m) => Some(format!("{a:?}: {m}")),
                _ => None,
            })
            .collect();
        return finish(Outcome::without_checks(Verdict::Unimplemented, why.join("; ")));
    }
    let bytes = case.bytes.as_deref().unwrap_or(&[]);
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    // How many of the case's checks the replies allowed.
    let mut checks = 0;
    let mut actual = json!({});
    let expected;
    match &case.expect {
        Expect::Decode { value, findings } => {
            expected = json!({"value": value, "findings": findings});
            for (ask, _, reply) in &got {
                let ok = match reply {
                    Reply::Ok(ok) => ok,
                    Reply::Unimplemented(m) => {
                        notes.push(format!("{ask:?} not checked: {m}"));
                        continue;
                    }
                    _ => continue,
                };
                match ask {
                    Ask::Decode => {
                        if let Some(e) = ok.get("error") {
                            checks += 1;
                            problems.push(Problem::at(
                                Grade::Must,
                                e["field"].as_str().unwrap_or(""),
                                format!("expected the bytes to decode, but the decoder failed: {}", error_text(e)),
                            ));
                            actual["error"] = e.clone();
                            continue;
                        }
                        let v = ok.get("value").cloned().unwrap_or(Value::Null);
                        if let Some(exp) = value {
                            checks += 1;
                            for (path, msg) in diff_paths("", exp, &v) {
                                problems.push(Problem::at(Grade::Must, &path, msg));
                            }
                        }
                        if ok.get("findings").is_none() && value.is_none() {
                            notes.push(
                                "the decoder reports no findings, and this case checks findings only".to_string(),
                            );
                        }
                        if let Some(fs) = ok.get("findings").and_then(Value::as_array) {
                            checks += 1;
                            let mut ids: Vec<&str> = fs.iter().filter_map(|f| f["requirement"].as_str()).collect();
                            ids.sort();
                            if ids != findings.iter().map(String::as_str).collect::<Vec<_>>() {
                                let mut msg =
                                    format!("the decoder's findings are {ids:?}; the spec case expects {findings:?}");
                                for f in fs {
                                    msg.push_str(&format!(
                                        "\n  finding {} at {}, offset {}: {}",
                                        f["requirement"].as_str().unwrap_or("?"),
                                        f["field"].as_str().unwrap_or("?"),
                                        f["offset"],
                                        f["message"].as_str().unwrap_or("")
                                    ));
                                }
                                problems.push(Problem::at(Grade::Should, "", msg));
                            }
                            actual["findings"] = Value::Array(fs.clone());
                        }
                        actual["value"] = v;
                    }
                    Ask::EncodeExpected | Ask::EncodeDecoded => {
                        let which = if *ask == Ask::EncodeExpected {
                            "encoding the expected value"
                        } else {
                            "not lossless: encoding the decoded value"
                        };
                        checks += 1;
                        if let Some(r) = ok.get("refused") {
                            problems.push(Problem::at(
                                Grade::Must,
                                r["field"].as_str().unwrap_or(""),
                                format!("{which} is refused: {}", r["message"].as_str().unwrap_or("")),
                            ));
                        } else {
                            match ok.get("hex").and_then(hex_of) {
                                Some(b) if b == bytes => {}
                                Some(b) => problems.push(Problem::must(format!(
                                    "{which} gives {}, not the case's bytes {}",
                                    crate::hex::encode(&b),
                                    crate::hex::encode(bytes)
                                ))),
                                None => problems
                                    .push(Problem::must(format!("{which}: the reply has neither hex nor refused"))),
                            }
                            if *ask == Ask::EncodeExpected {
                                actual["encoded"] = ok.get("hex").cloned().unwrap_or(Value::Null);
                            }
                        }
                    }
                    Ask::EncodeInput => {}
                }
            }
        }
        Expect::Error(exp) => {
            expected = json!({"error": {"kind": exp.kind, "field": exp.field, "offset": exp.offset}});
            for (_, _, reply) in &got {
                let Reply::Ok(ok) = reply else { continue };
                checks += 1;
                match ok.get("error") {
                    None => {
                        problems.push(Problem::at(
                            Grade::Must,
                            &exp.field,
                            format!("expected framing error {} here, but the bytes decoded", exp.kind),
                        ));
                        actual["value"] = ok.get("value").cloned().unwrap_or(Value::Null);
                    }
                    Some(e) => {
                        let kind = e.get("kind").and_then(Value::as_str);
                        let field = e.get("field").and_then(Value::as_str);
                        let offset = e.get("offset").and_then(Value::as_u64);
                        let differs = kind.is_some_and(|k| k != exp.kind)
                            || field.is_some_and(|f| f != exp.field)
                            || matches!((exp.offset, offset), (Some(a), Some(b)) if a as u64 != b);
                        if differs {
                            problems.push(Problem::at(
                                Grade::Should,
                                &exp.field,
                                format!(
                                    "rejected, but not as the reference does: expected {}{}, got {}",
                                    exp.kind,
                                    exp.offset.map(|o| format!(" at offset {o}")).unwrap_or_default(),
                                    error_text(e)
                                ),
                            ));
                        }
                        actual["error"] = e.clone();
                    }
                }
            }
        }
        Expect::EncodeError(exp) => {
            expected = json!({"encode_error": {"field": exp.field}});
            for (_, _, reply) in &got {
                let Reply::Ok(ok) = reply else { continue };
                checks += 1;
                match ok.get("refused") {
                    None => {
                        let h = ok.get("hex").cloned().unwrap_or(Value::Null);
                        problems.push(Problem::at(
                            Grade::Must,
                            &exp.field,
                            format!("expected the encoder to refuse the value here, but it gave {h}"),
                        ));
                        actual["hex"] = h;
                    }
                    Some(r) => {
                        if r["field"].as_str().is_some_and(|f| f != exp.field) {
                            problems.push(Problem::at(
                                Grade::Should,
                                &exp.field,
                                format!(
                                    "refused, but naming {} rather than {}: {}",
                                    r["field"].as_str().unwrap_or(""),
                                    exp.field,
                                    r["message"].as_str().unwrap_or("")
                                ),
                            ));
                        }
                        actual["encode_error"] = r.clone();
                    }
                }
            }
        }
    }
    if checks == 0 {
        let mut o =
            Outcome::without_checks(Verdict::Unimplemented, format!("nothing could be checked: {}", notes.join("; ")));
        o.actual = actual;
        o.expected = expected;
        return finish(o);
    }
    let mut o = Outcome::graded(problems, case.grade, actual, expected);
    if !notes.is_empty() {
        o.note = Some(notes.join("; "));
    }
    finish(o)
}

fn error_text(e: &Value) -> String {
    match e.get("message").and_then(Value::as_str) {
        Some(m) => m.to_string(),
        None => format!(
            "{} at {} offset {}",
            e["kind"].as_str().unwrap_or("an error"),
            e["field"].as_str().unwrap_or("?"),
            e["offset"]
        ),
    }
}

/// Compares an expected value with an actual one, field by field: one
/// `(field path, message)` per difference. Keys must match exactly;
/// scalars compare leniently as described in the module doc.
pub fn diff_paths(path: &str, expected: &Value, actual: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    diff_into(path, expected, actual, &mut out);
    out
}

fn diff_into(path: &str, expected: &Value, actual: &Value, out: &mut Vec<(String, String)>) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff_into(&at(k), ev, av, out),
                    None => out.push((at(k), format!("expected {ev}, but the field is absent"))),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push((at(k), format!("not expected, but present with {av}")));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push((path.to_string(), format!("expected {} entries, got {}", e.len(), a.len())));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff_into(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ => {
            if !scalar_eq(expected, actual) {
                out.push((path.to_string(), format!("expected {expected}, got {actual}")));
            }
        }
    }
}

/// Compares values and adds a line `path: message` per difference (see [`diff_paths`]).
pub fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    for (p, m) in diff_paths(path, expected, actual) {
        out.push(format!("{p}: {m}"));
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

    #[test]
    fn grades_cap_and_order_verdicts() {
        let p = |g| Problem { grade: g, step: None, field: None, message: String::new() };
        let v = |ps: Vec<Problem>, cap| Outcome::graded(ps, cap, Value::Null, Value::Null).verdict;
        assert_eq!(v(vec![], Grade::Must), Verdict::Pass);
        assert_eq!(v(vec![p(Grade::Should), p(Grade::Must)], Grade::Must), Verdict::Fail);
        assert_eq!(v(vec![p(Grade::Should)], Grade::Must), Verdict::NonStrict);
        assert_eq!(v(vec![p(Grade::Must)], Grade::Should), Verdict::NonStrict);
        assert_eq!(v(vec![p(Grade::Must)], Grade::Info), Verdict::Info);
    }
}

/// One case's result, whatever its kind, for reports.
#[derive(Debug, Clone)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// `wire`, `sequence`, `trace` or `regression`.
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
    /// The structure and reading of a wire case (to annotate its bytes).
    pub structure: Option<(crate::wire::Structure, crate::wire::Layout)>,
    /// The result.
    pub outcome: Outcome,
}

/// What to run and how to grade it.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run the `spec`-profile sequence cases with this product profile
    /// (and leave out cases written for other products).
    pub profile: Option<String>,
    /// Case id patterns to run (`*` and `?` wildcards); empty runs all.
    pub select: Vec<String>,
    /// Case id patterns to leave out (EXCLUDED).
    pub exclude: Vec<String>,
    /// Case ids expected to fail, with the reason.
    pub expected_failures: BTreeMap<String, String>,
    /// Set from outside (Ctrl-C): stop after the current case.
    pub interrupted: Arc<AtomicBool>,
}

/// The rows of a run, and whether it was cut short.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// One per case run or excluded, in run order.
    pub rows: Vec<Row>,
    /// The run was interrupted before every selected case ran.
    pub incomplete: bool,
    /// Times the target had to be restarted.
    pub restarts: usize,
}

/// Whether `id` matches `pattern` (`*`: any run of characters, `?`: one).
pub fn glob_match(pattern: &str, id: &str) -> bool {
    super::glob::glob_match(pattern, id)
}

impl RunOptions {
    fn selected(&self, id: &str) -> bool {
        self.select.is_empty() || self.select.iter().any(|p| glob_match(p, id))
    }
    fn excluded(&self, id: &str) -> bool {
        self.exclude.iter().any(|p| glob_match(p, id))
    }
    /// Applies the expected-failures list to an outcome.
    fn expectation(&self, id: &str, mut o: Outcome) -> Outcome {
        if let Some(reason) = self.expected_failures.get(id) {
            match o.verdict {
                Verdict::Fail | Verdict::NonStrict | Verdict::Info => {
                    o.verdict = Verdict::XFail;
                    o.note = Some(format!("expected to fail: {reason}"));
                }
                Verdict::Pass => {
                    o.verdict = Verdict::XPass;
                    o.note =
                        Some(format!("listed as an expected failure ({reason}), but it passes: take it off the list"));
                }
                _ => {}
            }
        }
        o
    }
}

/// Runs every selected case of `suite` against `imp`.
pub fn run_suite(suite: &super::Suite, imp: &mut dyn Implementation, opts: &RunOptions) -> RunResult {
    let mut result = RunResult::default();
    let stop = |result: &mut RunResult| {
        if opts.interrupted.load(Ordering::SeqCst) {
            result.incomplete = true;
            true
        } else {
            false
        }
    };
    // Wire cases: every request pipelined.
    let wire: Vec<&Case> = suite.wire.iter().filter(|c| opts.selected(&c.id)).collect();
    let (run, skip): (Vec<&Case>, Vec<&Case>) = wire.into_iter().partition(|c| !opts.excluded(&c.id));
    let row_of = |c: &Case, outcome: Outcome| Row {
        id: c.id.clone(),
        kind: "wire",
        group: c.structure.name().to_string(),
        description: c.description.clone(),
        sections: c.sections.clone(),
        requirements: c.requirements.clone(),
        file: c.file.clone(),
        line: c.line,
        hex: c.bytes.as_deref().map(crate::hex::encode),
        structure: Some((c.structure, c.layout)),
        outcome,
    };
    if !stop(&mut result) {
        let owned: Vec<Case> = run.iter().map(|c| (*c).clone()).collect();
        let mut outs = Vec::new();
        run_wire(&owned, imp, &mut outs);
        for (i, o) in outs {
            let c = &owned[i];
            if was_interrupted(&o) {
                result.incomplete = true; // not run: left out of the report
                continue;
            }
            result.rows.push(row_of(c, opts.expectation(&c.id, o)));
        }
    }
    for c in skip {
        result.rows.push(row_of(c, Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")));
    }
    for c in suite.sequences.iter().filter(|c| opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        let profile = match &opts.profile {
            None => Some(c.profile.name.clone()),
            Some(p) if c.profile.name == "spec" || &c.profile.name == p => Some(p.clone()),
            Some(_) => None,
        };
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            match &profile {
                Some(p) => {
                    let o = super::sequence::run_with(c, p, imp);
                    if was_interrupted(&o) {
                        result.incomplete = true;
                        break;
                    }
                    opts.expectation(&c.id, o)
                }
                None => Outcome::without_checks(
                    Verdict::Excluded,
                    format!(
                        "written for profile {}; this run is for {}",
                        c.profile.name,
                        opts.profile.as_deref().unwrap_or("")
                    ),
                ),
            }
        };
        result.rows.push(Row {
            id: c.id.clone(),
            kind: "sequence",
            group: format!("sequence ({})", profile.as_deref().unwrap_or(&c.profile.name)),
            description: c.description.clone(),
            sections: c.sections.clone(),
            requirements: c.requirements.clone(),
            file: c.file.clone(),
            line: c.line,
            hex: None,
            structure: None,
            outcome,
        });
    }
    for c in suite.regressions.iter().filter(|c| opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        // Regression cases keep the harness's own fixed bugs fixed: they run
        // in process, whatever the target.
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            super::regression::run_regression(c)
        };
        result.rows.push(Row {
            id: c.id.clone(),
            kind: "regression",
            group: format!("fuzz target {}", c.target),
            description: c.description.clone(),
            sections: Vec::new(),
            requirements: Vec::new(),
            file: c.file.clone(),
            line: c.line,
            hex: Some(crate::hex::encode(&c.bytes)),
            structure: None,
            outcome,
        });
    }
    for c in suite.traces.iter().filter(|c| opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            let o = super::trace::run_with(c, imp);
            if was_interrupted(&o) {
                result.incomplete = true;
                break;
            }
            opts.expectation(&c.id, o)
        };
        result.rows.push(Row {
            id: c.id.clone(),
            kind: "trace",
            group: "client trace".into(),
            description: c.description.clone(),
            sections: c.sections.clone(),
            requirements: c.requirements.clone(),
            file: c.file.clone(),
            line: c.line,
            hex: None,
            structure: None,
            outcome,
        });
    }
    stop(&mut result);
    result.restarts = imp.restarts();
    result
}

/// Whether a case was cut short by Ctrl-C (its replies say "interrupted").
fn was_interrupted(o: &Outcome) -> bool {
    o.verdict == Verdict::Error && o.actual.get("broken").and_then(Value::as_str) == Some("interrupted")
}

/// The outcome for a reply that is not a usable answer, if it is one:
/// UNIMPLEMENTED or ERROR. `what` names the request.
pub fn unusable(what: &str, reply: &Reply) -> Option<Outcome> {
    match reply {
        Reply::Ok(_) => None,
        Reply::Unimplemented(m) => Some(Outcome::without_checks(Verdict::Unimplemented, format!("{what}: {m}"))),
        Reply::Failed(m) => {
            Some(Outcome::without_checks(Verdict::Error, format!("{what}: the adapter answered error: {m}")))
        }
        Reply::Broken { problem, raw } => {
            let mut o = Outcome::without_checks(
                Verdict::Error,
                format!("{what}: {problem}{}", raw.as_ref().map(|r| format!("; it wrote: {r}")).unwrap_or_default()),
            );
            o.actual = json!({"broken": problem, "raw": raw});
            Some(o)
        }
    }
}

/// Records an exchange.
pub fn exchange(request: &Value, reply: &Reply) -> Exchange {
    Exchange { request: request.clone(), reply: reply_json(reply) }
}
