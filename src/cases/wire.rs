//! Running wire cases: decode and encode requests, pipelined, and grading
//! the replies.
//!
//! A wire case passes when the bytes decode to the expected value (field by
//! field, [`super::compare`]) with the expected findings, and when both the
//! expected value and the decoded value encode back to the bytes. An error
//! case passes when decoding fails; an encoder-refusal case when encoding
//! is refused.

use super::compare::{boolean_normalizations, diff_paths};
use super::verdict::{reply_json, Exchange, Grade, Outcome, Problem, Verdict};
use super::{AltAnswer, Alternative, Case, Expect};
use crate::target::{request, Implementation, Reply, Request};
use serde_json::{json, Value};

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
fn ask_all(imp: &mut dyn Implementation, asks: &[(usize, Ask, Request)]) -> Vec<Reply> {
    let mut replies: Vec<Option<Reply>> = vec![None; asks.len()];
    let mut send = Vec::new();
    let mut at = Vec::new();
    for (i, (_, _, req)) in asks.iter().enumerate() {
        let op = req.op();
        let structure = req.structure().unwrap_or("");
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
    let mut asks: Vec<(usize, Ask, Request)> = Vec::new();
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
    let mut asks2: Vec<(usize, Ask, Request)> = Vec::new();
    for ((i, ask, _), reply) in asks.iter().zip(&replies) {
        let c = &cases[*i];
        if let (Ask::Decode, Expect::Decode { .. }, Reply::Ok(ok)) = (ask, &c.expect, reply) {
            if let Some(v) = ok.get("value") {
                asks2.push((*i, Ask::EncodeDecoded, request::encode(c.structure.name(), layout(c), v)));
            }
        }
    }
    let replies2 = ask_all(imp, &asks2);
    let mut per_case: Vec<Vec<(Ask, Request, Reply)>> = vec![Vec::new(); cases.len()];
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
fn judge_wire(case: &Case, got: Vec<(Ask, Request, Reply)>) -> Outcome {
    let exchanges: Vec<Exchange> =
        got.iter().map(|(_, req, r)| Exchange { request: req.clone(), reply: reply_json(r) }).collect();
    let expected = match &case.expect {
        Expect::Decode { value, findings, .. } => json!({"value": value, "findings": findings}),
        Expect::Error(exp) => json!({"error": {"kind": exp.kind, "field": exp.field, "offset": exp.offset}}),
        Expect::EncodeError(exp) => json!({"encode_error": {"field": exp.field}}),
    };
    let finish = |mut o: Outcome| {
        o.exchanges = exchanges.clone();
        if o.expected.is_null() {
            // What the case expects, whatever the verdict (ERROR and
            // UNIMPLEMENTED included).
            o.expected = expected.clone();
        }
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
                o.interrupted = r.is_interrupted();
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
    let answered: Vec<&(Ask, Request, Reply)> = got.iter().filter(|(_, _, r)| matches!(r, Reply::Ok(_))).collect();
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
    // A check of the case's expectation takes the level of the requirements
    // the case verifies (the strongest of them).
    let case_grade = super::levels::grade_of(case.requirements.iter().map(String::as_str));
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    // How many of the case's checks the replies allowed.
    let mut checks = 0;
    let mut actual = json!({});
    match &case.expect {
        Expect::Decode { value, findings, also } => {
            // Problems with the encoder's answer for the expected value: they
            // do not count when the decoder gave another conforming reading.
            let mut of_expected_encoding = Vec::new();
            let mut decoded_findings: Option<Vec<String>> = None;
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
                                case_grade,
                                e["field"].as_str().unwrap_or(""),
                                format!("expected the bytes to decode, but the decoder failed: {}", error_text(e)),
                            ));
                            actual["error"] = e.clone();
                            continue;
                        }
                        let v = ok.get("value").cloned().unwrap_or(Value::Null);
                        if let Some(exp) = value {
                            checks += 1;
                            let (exp, normalized) = boolean_normalizations(exp, &v);
                            for (path, raw) in normalized {
                                problems.push(Problem::at(
                                    Grade::Info,
                                    &path,
                                    format!(
                                        "reads the Boolean byte 0x{raw:02X} as TRUE (0x01): the same meaning \
                                         (a nonzero Boolean is TRUE, MS-OXCROPS_R4657), though the value form keeps the byte"
                                    ),
                                ));
                            }
                            for (path, msg) in diff_paths("", &exp, &v) {
                                problems.push(Problem::at(case_grade, &path, msg));
                            }
                        }
                        if ok.get("findings").is_none() && value.is_none() {
                            notes.push(
                                "the decoder reports no findings, and this case checks findings only".to_string(),
                            );
                        }
                        if let Some(fs) = ok.get("findings").and_then(Value::as_array) {
                            checks += 1;
                            let mut ids: Vec<String> =
                                fs.iter().filter_map(|f| f["requirement"].as_str().map(str::to_string)).collect();
                            ids.sort();
                            problems.extend(finding_problems(&ids, findings, fs));
                            decoded_findings = Some(ids);
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
                        let mut found = Vec::new();
                        if let Some(r) = ok.get("refused") {
                            found.push(Problem::at(
                                case_grade,
                                r["field"].as_str().unwrap_or(""),
                                format!("{which} is refused: {}", r["message"].as_str().unwrap_or("")),
                            ));
                        } else {
                            match ok.get("hex").and_then(hex_of) {
                                Some(b) if b == bytes => {}
                                Some(b) => found.extend(encoding_problems(case, which, &b, bytes, case_grade)),
                                None => found.push(Problem::at(
                                    case_grade,
                                    "",
                                    format!("{which}: the reply has neither hex nor refused"),
                                )),
                            }
                            if *ask == Ask::EncodeExpected {
                                actual["encoded"] = ok.get("hex").cloned().unwrap_or(Value::Null);
                            }
                        }
                        if *ask == Ask::EncodeExpected {
                            of_expected_encoding.extend(found);
                        } else {
                            problems.extend(found);
                        }
                    }
                    Ask::EncodeInput => {}
                }
            }
            let differs = !problems.is_empty() || !of_expected_encoding.is_empty();
            match also.iter().find(|a| differs && reading_matches(a, &actual, decoded_findings.as_deref())) {
                Some(alt) => {
                    // Another conforming reading: its own losslessness still
                    // counts (an error reading has no decoded value to encode).
                    problems.retain(|p| p.message.starts_with("not lossless"));
                    problems.push(Problem::at(
                        Grade::Info,
                        "",
                        format!(
                            "differs from the reference's reading, and is another reading the spec leaves open: {}",
                            alt.reading
                        ),
                    ));
                }
                None => problems.extend(of_expected_encoding),
            }
        }
        Expect::Error(exp) => {
            for (_, _, reply) in &got {
                let Reply::Ok(ok) = reply else { continue };
                checks += 1;
                match ok.get("error") {
                    None => {
                        problems.push(Problem::at(
                            case_grade,
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
                            // How a decoder names a framing error is the
                            // harness's convention, not the spec's.
                            problems.push(Problem::at(
                                Grade::Info,
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
            for (_, _, reply) in &got {
                let Reply::Ok(ok) = reply else { continue };
                checks += 1;
                match ok.get("refused") {
                    None => {
                        let h = ok.get("hex").cloned().unwrap_or(Value::Null);
                        problems.push(Problem::at(
                            case_grade,
                            &exp.field,
                            format!("expected the encoder to refuse the value here, but it gave {h}"),
                        ));
                        actual["hex"] = h;
                    }
                    Some(r) => {
                        if r["field"].as_str().is_some_and(|f| f != exp.field) {
                            // Which field a refusal names is the harness's
                            // convention, not the spec's.
                            problems.push(Problem::at(
                                Grade::Info,
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
        o.expected = expected.clone();
        return finish(o);
    }
    let mut o = Outcome::graded(problems, case.grade, actual, expected.clone());
    if !notes.is_empty() {
        o.note = Some(notes.join("; "));
    }
    finish(o)
}

/// One problem per finding the decoder missed or added (a multiset
/// comparison), each at its requirement's level.
fn finding_problems(got: &[String], want: &[String], reported: &[Value]) -> Vec<Problem> {
    let mut missing: Vec<&String> = want.iter().collect();
    let mut extra = Vec::new();
    for id in got {
        match missing.iter().position(|m| *m == id) {
            Some(i) => {
                missing.remove(i);
            }
            None => extra.push(id),
        }
    }
    let grade = |id: &str| super::levels::level(id).map(|l| l.grade()).unwrap_or(Grade::Must);
    let mut out = Vec::new();
    for id in missing {
        out.push(Problem::at(
            grade(id),
            "",
            format!("the decoder does not report {id}, which the bytes break (the spec case expects {want:?})"),
        ));
    }
    for id in extra {
        let f = reported.iter().find(|f| f["requirement"].as_str() == Some(id.as_str()));
        let at = f.map(|f| f["field"].as_str().unwrap_or("?").to_string()).unwrap_or_default();
        let msg = f.and_then(|f| f["message"].as_str()).unwrap_or("");
        out.push(Problem::at(grade(id), &at, format!("the decoder reports {id}, which the bytes do not break: {msg}")));
    }
    out
}

/// Whether the decoder's answer is the alternative reading `a`.
fn reading_matches(a: &Alternative, actual: &Value, findings: Option<&[String]>) -> bool {
    match &a.answer {
        AltAnswer::Error(want) => actual.get("error").is_some_and(|e| {
            want.kind.as_deref().is_none_or(|k| e["kind"].as_str().is_none_or(|x| x == k))
                && want.field.as_deref().is_none_or(|f| e["field"].as_str().is_none_or(|x| x == f))
        }),
        AltAnswer::Decode { value, findings: want } => {
            actual.get("error").is_none()
                && value.as_ref().is_none_or(|v| diff_paths("", v, &actual["value"]).is_empty())
                && match (want, findings) {
                    (Some(w), Some(f)) => w.as_slice() == f,
                    _ => true,
                }
        }
    }
}

/// The problems of an encoding that differs from the case's bytes: field
/// by field, as the reference decodes both, or the two hex strings when
/// the encoder's bytes do not decode.
fn encoding_problems(case: &Case, which: &str, got: &[u8], want: &[u8], grade: Grade) -> Vec<Problem> {
    let ours = case.structure.decode(want, case.layout);
    let theirs = case.structure.decode(got, case.layout);
    if let (Ok((w, _)), Ok((g, _))) = (&ours, &theirs) {
        // A Boolean written as 0x01 where the value kept another nonzero
        // byte is the spec's TRUE (MS-OXCNOTIF_R52, R218): INFO.
        let (w, normalized) = boolean_normalizations(w, g);
        let mut out: Vec<Problem> = normalized
            .into_iter()
            .map(|(path, raw)| {
                Problem::at(
                    Grade::Info,
                    &path,
                    format!("{which} writes the Boolean 0x{raw:02X} as TRUE (0x01), the spec's value for TRUE"),
                )
            })
            .collect();
        out.extend(
            diff_paths("", &w, g)
                .into_iter()
                .map(|(path, msg)| Problem::at(grade, &path, format!("{which} gives other bytes: {msg}"))),
        );
        if !out.is_empty() {
            return out;
        }
    }
    let why = match theirs {
        Err(e) => format!(" (they do not decode: {e})"),
        Ok(_) => String::new(),
    };
    vec![Problem::at(
        grade,
        "",
        format!("{which} gives {}, not the case's bytes {}{why}", crate::hex::encode(got), crate::hex::encode(want)),
    )]
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
