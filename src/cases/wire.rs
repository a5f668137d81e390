//! Running wire cases: decode and encode requests, pipelined, and grading
//! the replies.
//!
//! A wire case passes when the bytes decode to the expected value (field by
//! field, [`super::compare`]) with the expected findings, and when both the
//! expected value and the decoded value encode back to the bytes. An error
//! case passes when decoding fails; an encoder-refusal case when encoding
//! is refused.

use super::compare::diff_paths;
use super::verdict::{reply_json, Exchange, Grade, Outcome, Problem, Verdict};
use super::{Case, Expect};
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
