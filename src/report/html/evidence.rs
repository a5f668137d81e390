//! What does a case show as evidence? Per kind of case: a wire case's
//! bytes and any encoder output that differs from them, a sequence's steps
//! with their input and output, a trace's steps with the monitor's
//! findings, and otherwise the case's bytes as plain hex.

use super::case_detail::problem_list;
use super::columns::ColumnSets;
use super::hexview::{dissection, dissection_with_columns, hex_cell, hex_diff, problem_marks, Mark};
use super::{compact, escape};
use crate::cases::run::{Problem, Row, Verdict};
use crate::target::Request;
use crate::wire::{Layout, Structure};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The byte output of each `encode` exchange that answered with bytes,
/// labelled by what was encoded. A decode case sends the expected value
/// (when it has one) in the first round and the decoded value in the
/// second, so with two encodes the first is the expected value's; with one,
/// it is the decoded value's when the case has no expected value and the
/// decode answered with the value sent.
fn encodings(r: &Row) -> Vec<(&'static str, Vec<u8>)> {
    let o = &r.outcome;
    let refusal_case = o.expected.get("encode_error").is_some();
    let has_expected_value = o.expected.get("value").is_some_and(|v| !v.is_null());
    let decoded = o
        .exchanges
        .iter()
        .find(|e| matches!(e.request, Request::Decode { .. }))
        .and_then(|e| e.reply.get("ok"))
        .and_then(|ok| ok.get("value"));
    let encodes: Vec<(&Value, &Value)> = o
        .exchanges
        .iter()
        .filter_map(|e| match &e.request {
            Request::Encode { value, .. } => Some((value, &e.reply)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (n, (value, reply)) in encodes.iter().enumerate() {
        let of_decoded = match encodes.len() {
            1 => !has_expected_value && decoded.is_some_and(|v| v == *value),
            _ => n > 0,
        };
        let label = if refusal_case {
            "the encoder wrote"
        } else if of_decoded {
            "encoding the decoded value gave"
        } else {
            "encoding the expected value gave"
        };
        if let Some(b) = reply.get("ok").and_then(|ok| ok.get("hex")).and_then(Value::as_str) {
            if let Ok(bytes) = crate::hex::parse(b) {
                out.push((label, bytes));
            }
        }
    }
    out
}

pub(super) fn wire_evidence(h: &mut String, r: &Row) {
    let Some((s, layout)) = r.structure else {
        return other_evidence(h, r);
    };
    let marks = problem_marks(&r.outcome.problems, None);
    let encoded = encodings(r);
    match r.hex.as_deref().map(crate::hex::parse) {
        Some(Ok(bytes)) => {
            let differing: Vec<&(&str, Vec<u8>)> = encoded.iter().filter(|(_, b)| *b != bytes).collect();
            let _ = writeln!(
                h,
                "<h4>The case's bytes, read as {} ({})</h4>",
                s.name(),
                if differing.is_empty() { "the reference's reading" } else { "an encoder's differing bytes marked" }
            );
            let other = differing.first().map(|(l, b)| (*l, b.as_slice()));
            dissection(h, &bytes, s, layout, &marks, other);
            for (label, b) in &differing {
                hex_diff(h, "the case's bytes", &bytes, label, b);
            }
        }
        Some(Err(e)) => {
            let _ = writeln!(h, "<p>The case's hex does not parse: {}</p>", escape(&e.to_string()));
        }
        None => {
            // An encoder-refusal case: there are only a value and, if the
            // encoder did not refuse it, the bytes it wrote.
            if let Some(v) = r.outcome.exchanges.iter().find_map(|e| match &e.request {
                Request::Encode { value, .. } => Some(value),
                _ => None,
            }) {
                let _ = writeln!(h, "<h4>The value given to the encoder</h4>\n<pre>{}</pre>", escape(&v.to_string()));
            }
            for (label, b) in &encoded {
                let _ = writeln!(h, "<h4>{} these bytes, read as {}</h4>", escape(label), s.name());
                dissection(h, b, s, layout, &marks, None);
            }
        }
    }
}

pub(super) fn sequence_evidence(h: &mut String, r: &Row) {
    let o = &r.outcome;
    let Some(steps) = o.expected.as_array() else { return };
    let layout = o
        .exchanges
        .iter()
        .find_map(|e| match &e.request {
            Request::Reset { layout, .. } => Layout::from_name(layout),
            _ => None,
        })
        .unwrap_or(Layout::Spec);
    let mut log: BTreeMap<u64, &Value> = BTreeMap::new();
    for (k, e) in o.actual.as_array().into_iter().flatten().enumerate() {
        log.insert(e["step"].as_u64().unwrap_or(k as u64), e);
    }
    h.push_str("<h4>Steps</h4>\n<ol class=\"steps\">\n");
    let mut columns = ColumnSets::default();
    for (k, exp) in steps.iter().enumerate() {
        let k = exp["step"].as_u64().map(|n| n as usize).unwrap_or(k);
        let step_problems: Vec<Problem> = o.problems.iter().filter(|p| p.step == Some(k)).cloned().collect();
        let (what, detail) = if let Some(v) = exp.get("send") {
            ("send", format!("<code>{}</code>", compact(v)))
        } else if let Some(v) = exp.get("send_hex") {
            ("send hex", format!("<code>{}</code>", compact(v)))
        } else if let Some(v) = exp.get("event") {
            ("event", format!("<code>{}</code>", compact(v)))
        } else if let Some(v) = exp.get("poll") {
            ("poll", format!("the empty ROP input buffer, max_output {}", compact(&v["max_output"])))
        } else {
            ("step", String::new())
        };
        let _ = writeln!(
            h,
            "<li class=\"step{}\" id=\"case-{}-step-{k}\"><div class=\"sh\">step {k}: {what}</div><div>{detail}</div>",
            if step_problems.is_empty() { "" } else { " bad" },
            escape(&r.id)
        );
        if let Some(x) = exp.get("expect") {
            let _ = writeln!(h, "<div>expects (a partial match): <code>{}</code></div>", compact(x));
        }
        if let Some(c) = exp.get("expect_error").and_then(Value::as_u64) {
            let _ = writeln!(h, "<div>expects the call to fail with 0x{c:08X}</div>");
        }
        problem_list(h, &step_problems);
        match log.get(&(k as u64)) {
            None => {
                if what != "event" || o.actual.is_array() {
                    h.push_str("<p class=\"muted\">Not run: the sequence stopped before this step.</p>\n");
                }
            }
            Some(entry) => step_io(
                h,
                entry,
                layout,
                &problem_marks(&o.problems, Some(k)),
                o.verdict != Verdict::Pass,
                &mut columns,
            ),
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

/// A sequence step's input, output or failure; dissected when `full`
/// (the case did not pass), as plain hex otherwise (to keep the page small:
/// `oxcnotif dissect` gives the listing).
/// `columns` follows the tables' column sets through the steps, so an
/// output's TableRowData is dissected by column.
fn step_io(h: &mut String, entry: &Value, layout: Layout, marks: &[Mark], full: bool, columns: &mut ColumnSets) {
    let output = entry["output"].as_str().and_then(|x| crate::hex::parse(x).ok());
    if let Some(b) = entry["input"].as_str().and_then(|x| crate::hex::parse(x).ok()) {
        columns.input(&b, layout);
        columns.output(output.as_deref());
        if full {
            let _ = writeln!(h, "<div>input, {}:</div>", crate::plural::plural(b.len(), "byte"));
            dissection(h, &b, Structure::RopInputBuffer, layout, &[], None);
        } else {
            let _ = writeln!(h, "<div>input: <span class=\"hex\">{}</span></div>", hex_cell(&b, 0, None));
        }
    }
    if let Some(err) = entry.get("error") {
        let _ = writeln!(
            h,
            "<div>the call failed with 0x{:08X}: {}</div>",
            err["code"].as_u64().unwrap_or(0),
            escape(err["message"].as_str().unwrap_or(""))
        );
    }
    if let Some(b) = output {
        if full {
            let _ = writeln!(
                h,
                "<div>output, {} (max_output {}):</div>",
                crate::plural::plural(b.len(), "byte"),
                entry["max_output"].as_u64().map(|n| n.to_string()).unwrap_or_else(|| "?".into())
            );
            dissection_with_columns(h, &b, Structure::RopOutputBuffer, Layout::Spec, marks, None, Some(columns));
        } else {
            let _ = writeln!(h, "<div>output: <span class=\"hex\">{}</span></div>", hex_cell(&b, 0, None));
        }
    }
    // Notifications a live server added that the expectation tolerated
    // (spec-cases/README.md, "Notifications a live server adds").
    for t in entry["tolerated"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        let _ = writeln!(h, "<div class=\"muted\">tolerated: {}</div>", escape(t));
    }
}

pub(super) fn trace_evidence(h: &mut String, r: &Row) {
    let o = &r.outcome;
    let Some((layout, steps)) = o.exchanges.iter().find_map(|e| match &e.request {
        Request::CheckTrace { layout, steps, .. } => Some((layout, steps)),
        _ => None,
    }) else {
        return;
    };
    let layout = Layout::from_name(layout).unwrap_or(Layout::Spec);
    let findings: Vec<&Value> = o.actual["findings"].as_array().into_iter().flatten().collect();
    h.push_str("<h4>The trace</h4>\n<ol class=\"steps\">\n");
    for (k, st) in steps.iter().enumerate() {
        let (dir, structure, l, hex) = match (&st.input, &st.output) {
            (Some(x), _) => ("input", Structure::RopInputBuffer, layout, x),
            (None, Some(x)) => ("output", Structure::RopOutputBuffer, Layout::Spec, x),
            (None, None) => continue,
        };
        let Ok(bytes) = crate::hex::parse(hex) else { continue };
        let mut marks = problem_marks(&o.problems, Some(k));
        for f in findings.iter().filter(|f| f["step"].as_u64() == Some(k as u64)) {
            marks.push(Mark {
                field: f["field"].as_str().unwrap_or("").to_string(),
                offset: f["offset"].as_u64().map(|n| n as usize),
                tag: "finding",
                text: format!(
                    "{} {} (monitor): {}",
                    f["level"].as_str().unwrap_or(""),
                    f["requirement"].as_str().unwrap_or("?"),
                    f["message"].as_str().unwrap_or("")
                ),
                problem: false,
            });
        }
        let bad = o.problems.iter().any(|p| p.step == Some(k));
        let _ = writeln!(
            h,
            "<li class=\"step{}\"><div class=\"sh\">step {k}: {dir}, {}</div>",
            if bad { " bad" } else { "" },
            crate::plural::plural(bytes.len(), "byte")
        );
        dissection(h, &bytes, structure, l, &marks, None);
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

pub(super) fn other_evidence(h: &mut String, r: &Row) {
    if let Some(x) = &r.hex {
        let bytes = crate::hex::parse(x).unwrap_or_default();
        let _ = writeln!(
            h,
            "<h4>The case's bytes ({})</h4>\n<span class=\"hex\">{}</span>",
            crate::plural::plural(bytes.len(), "byte"),
            hex_cell(&bytes, 0, None)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{page, row, tr_of};
    use super::*;
    use crate::cases::run::{Exchange, Grade};
    use serde_json::json;

    #[test]
    fn an_encoders_differing_bytes_are_highlighted() {
        let mut r = row("e", Verdict::Fail);
        let mut theirs = crate::hex::parse(r.hex.as_deref().unwrap()).unwrap();
        theirs[9] ^= 0xFF; // inside NotificationData.FolderId (offset 8..16)
        r.outcome.exchanges.push(Exchange {
            request: crate::target::request::encode("notify-response", "spec", &json!({})),
            reply: json!({"ok": {"hex": crate::hex::encode(&theirs)}}),
        });
        r.outcome.expected = json!({"value": {}});
        let html = page(vec![r]);
        assert!(tr_of(&html, "NotificationData.FolderId").contains("class=\"diff\""));
        assert!(!tr_of(&html, "NotificationData.ParentFolderId").contains("diff"));
        assert!(html.contains("<b>ff</b>"));
        assert!(html.contains("first difference</th><td>offset 0x0009"));
        assert!(html.contains("encoding the expected value gave"));
    }

    #[test]
    fn encodings_are_labelled_by_what_was_encoded() {
        let ex = |op: &str, value: Value, reply: Value| Exchange {
            request: match op {
                "decode" => crate::target::request::decode("notify-response", "spec", &[]),
                _ => crate::target::request::encode("notify-response", "spec", &value),
            },
            reply,
        };
        let mut r = row("l", Verdict::Fail);
        // Decoded value only (the case has no expected value).
        r.outcome.exchanges = vec![
            ex("decode", Value::Null, json!({"ok": {"value": {"A": 1}}})),
            ex("encode", json!({"A": 1}), json!({"ok": {"hex": "00"}})),
        ];
        assert_eq!(encodings(&r)[0].0, "encoding the decoded value gave");
        // An ERROR outcome has no expected value, but the decode failed: the
        // one encode is the expected value's.
        r.outcome.exchanges[0].reply = json!({"broken": "not JSON", "raw": "x"});
        assert_eq!(encodings(&r)[0].0, "encoding the expected value gave");
        // Both rounds.
        r.outcome.exchanges = vec![
            ex("decode", Value::Null, json!({"ok": {"value": {"A": 1}}})),
            ex("encode", json!({"A": 2}), json!({"ok": {"hex": "01"}})),
            ex("encode", json!({"A": 1}), json!({"ok": {"hex": "00"}})),
        ];
        let labels: Vec<&str> = encodings(&r).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["encoding the expected value gave", "encoding the decoded value gave"]);
    }

    #[test]
    fn table_row_data_is_dissected_by_the_columns_the_steps_set() {
        let mut r = row("t", Verdict::Fail);
        r.kind = "sequence";
        r.structure = None;
        r.hex = None;
        r.outcome.expected = json!([
            {"step": 0, "send": {}},
            {"step": 1, "poll": {"max_output": 100}},
            {"step": 2, "send": {}},
            {"step": 3, "poll": {"max_output": 100}}
        ]);
        // RopGetContentsTable into slot 1 and RopSetColumns (PidTagContentCount,
        // PtypInteger32) on it; then a RopNotify to the table, TableRowAdded
        // for a folder row with that one column (value 7); then RopResetTable
        // and the same notification, whose columns are no longer known.
        let notify = "2300 2a 71000000 00 0001 0300 0100000000000a01 0100000000000a00 0500 00 07000000 71000000";
        r.outcome.actual = json!([
            {"step": 0, "input": "1100 05 00 00 01 00 12 00 01 00 0100 03000236 80000000 ffffffff",
             "output": "1300 05 01 00000000 02000000 12 01 00000000 00 80000000 71000000"},
            {"step": 1, "input": "0200", "max_output": 100, "output": notify},
            {"step": 2, "input": "0500 81 00 00 71000000", "output": "0800 81 00 00000000 71000000"},
            {"step": 3, "input": "0200", "max_output": 100, "output": notify}
        ]);
        let html = page(vec![r]);
        let split = "RopsList[0].NotificationData.TableRowData.ValueArray[0].PropertyValue";
        assert_eq!(html.matches(split).count(), 1, "split once, at step 1");
        let at = html.find(&format!("<td>{split}</td>")).unwrap();
        let rest = &html[at..at + html[at..].find("</tr>").unwrap()];
        assert!(rest.contains("0x36020003 PidTagContentCount"), "{rest}");
        assert!(html.contains("PropertyRow, kept as bytes"), "step 3 keeps the bytes");
    }

    #[test]
    fn sequence_steps_are_dissected_and_their_fields_marked() {
        let mut r = row("s", Verdict::Fail);
        r.kind = "sequence";
        r.structure = None;
        r.hex = None;
        r.outcome.expected = json!([
            {"step": 0, "event": {"Type": "ObjectCreated"}},
            {"step": 1, "poll": {"max_output": 100}, "expect": {"RopsList": [{"NotificationHandle": "$sub"}]}}
        ]);
        r.outcome.actual = json!([
            {"step": 0, "event": "ObjectCreated"},
            {"step": 1, "input": "0200", "max_output": 100,
             "output": "1c002a010100000004000100000000000a110100000000000a010000"}
        ]);
        r.outcome.problems.push(
            Problem::at(Grade::Must, "RopsList[0].NotificationHandle", "expected $sub = 256, got 257").in_step(1),
        );
        let html = page(vec![r]);
        assert!(tr_of(&html, "RopsList[0].NotificationHandle").contains("hit"));
        assert!(!tr_of(&html, "RopsList[0].LogonId").contains("hit"));
        assert!(html.contains("step 1: poll"));
        assert!(html.contains("class=\"step bad\" id=\"case-s-step-1\""));
    }
}
