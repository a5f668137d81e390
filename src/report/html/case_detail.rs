//! What went wrong in one case? The lists of case blocks (what did not
//! pass by verdict, most urgent first; the UNIMPLEMENTED ones by reason;
//! the passing and excluded ones), and each block: its metadata, problems, note, rerun command, raw
//! reply, evidence, expected and actual values and adapter exchanges.

use super::evidence::{other_evidence, sequence_evidence, trace_evidence, wire_evidence};
use super::{compact, escape, grade_name};
use crate::cases::run::{Problem, Row, Verdict};
use crate::report::RunInfo;
use serde_json::Value;
use std::fmt::Write as _;

/// How many of the cases that need attention start open; the rest, and
/// every case that passed, start collapsed.
const OPEN_LIMIT: usize = 30;

fn count_of(rows: &[Row], v: Verdict) -> usize {
    rows.iter().filter(|r| r.outcome.verdict == v).count()
}

/// The heading of one verdict's list: the target of the verdict's count
/// link in the header, hidden with its cases by the verdict filter.
fn verdict_heading(h: &mut String, tag: &str, v: Verdict, n: usize) {
    let _ = writeln!(
        h,
        "<{tag} id=\"v-{0}\" class=\"vh v-{0}\"><span class=\"badge\">{0}</span> {1} case{2}</{tag}>",
        v.name(),
        n,
        if n == 1 { "" } else { "s" }
    );
}

/// What did not pass, the first thing on the page: one list per verdict,
/// ERROR, FAIL, XPASS, NON-STRICT, INFO, XFAIL in that order, run order
/// within a verdict; the first cases open.
pub(super) fn not_passed(h: &mut String, info: &RunInfo, rows: &[Row]) {
    let listed = crate::report::listed(rows);
    h.push_str(
        "<section id=\"not-passed\">\n<h2>What did not pass<button type=\"button\" onclick=\"setAll(true)\">\
         expand all</button><button type=\"button\" onclick=\"setAll(false)\">collapse all</button></h2>\n",
    );
    if listed.is_empty() {
        let unimpl = count_of(rows, Verdict::Unimplemented);
        if unimpl == 0 {
            let _ = writeln!(
                h,
                "<p id=\"all-passed\">Nothing: all {} run passed.</p>",
                crate::plural::plural(rows.len(), "case")
            );
        } else {
            let _ = writeln!(
                h,
                "<p>No case failed; {unimpl} were not run because the target does not implement what they need \
                 (<a href=\"#v-UNIMPLEMENTED\">below</a>).</p>"
            );
        }
    }
    let mut opened = 0;
    let mut current = None;
    for r in listed {
        let v = r.outcome.verdict;
        if current != Some(v) {
            verdict_heading(h, "h3", v, count_of(rows, v));
            current = Some(v);
        }
        let open = needs_attention(v) && opened < OPEN_LIMIT;
        if open {
            opened += 1;
        }
        case(h, info, r, open);
    }
    h.push_str("</section>\n");
}

/// The UNIMPLEMENTED cases, one collapsed line per reason (the missing
/// capability) with its count; each opens to that reason's case blocks.
pub(super) fn unimplemented(h: &mut String, info: &RunInfo, rows: &[Row]) {
    let groups = crate::report::unimplemented_by_reason(rows);
    if groups.is_empty() {
        return;
    }
    h.push_str("<section id=\"unimplemented\">\n");
    verdict_heading(h, "h2", Verdict::Unimplemented, count_of(rows, Verdict::Unimplemented));
    let _ = writeln!(
        h,
        "<p class=\"muted\">Not run: the target does not offer what these cases need. One line per reason \
         ({}); open one for its cases.</p>\n<ul class=\"ug\">",
        groups.len()
    );
    for (why, cases) in &groups {
        let n = cases.len();
        let _ = writeln!(
            h,
            "<li><details class=\"ug\"><summary><span class=\"why\">{}</span>: <b>{n} case{}</b></summary>",
            escape(why),
            if n == 1 { "" } else { "s" }
        );
        for r in cases {
            case(h, info, r, false);
        }
        h.push_str("</details></li>\n");
    }
    h.push_str("</ul>\n</section>\n");
}

/// The cases that passed, then the excluded ones, collapsed, in run order.
pub(super) fn the_rest(h: &mut String, info: &RunInfo, rows: &[Row]) {
    let passed = count_of(rows, Verdict::Pass);
    let excluded = count_of(rows, Verdict::Excluded);
    let _ = writeln!(
        h,
        "<section id=\"cases\">\n<h2>Cases that passed</h2>\n<p class=\"muted\">{passed} of {} passed. \
         Each case shows its evidence: the bytes dissected with their spec field names.</p>",
        crate::plural::plural(rows.len(), "case")
    );
    for v in [Verdict::Pass, Verdict::Excluded] {
        let n = if v == Verdict::Pass { passed } else { excluded };
        if n == 0 {
            continue;
        }
        verdict_heading(h, "h3", v, n);
        for r in rows.iter().filter(|r| r.outcome.verdict == v) {
            case(h, info, r, false);
        }
    }
    h.push_str("</section>\n");
}

fn needs_attention(v: Verdict) -> bool {
    matches!(v, Verdict::Error | Verdict::XPass | Verdict::Fail | Verdict::NonStrict | Verdict::Info)
}

fn case(h: &mut String, info: &RunInfo, r: &Row, open: bool) {
    let o = &r.outcome;
    let v = o.verdict.name();
    let _ = writeln!(
        h,
        "<details class=\"case v-{v}\" id=\"case-{}\"{}>\n<summary><span class=\"badge\">{v}</span>\
         <span class=\"cid\">{}</span><span class=\"desc\">{}</span></summary>",
        escape(&r.id),
        if open { " open" } else { "" },
        escape(&r.id),
        escape(&r.description)
    );
    h.push_str("<table class=\"meta\">\n");
    let _ =
        writeln!(h, "<tr><th>file</th><td><code>{}:{}</code></td></tr>", escape(&r.file.display().to_string()), r.line);
    let mut kind = format!("{}: {}", r.kind, escape(&r.group));
    if let Some((s, l)) = r.structure {
        let _ = write!(kind, " ({}), layout {}", s.section(), l.name());
    }
    let _ = writeln!(h, "<tr><th>kind</th><td>{kind}</td></tr>");
    if !r.sections.is_empty() {
        let s: Vec<String> = r.sections.iter().map(|s| escape(s)).collect();
        let _ = writeln!(h, "<tr><th>sections</th><td>{}</td></tr>", s.join(", "));
    }
    if !r.requirements.is_empty() {
        h.push_str("<tr><th>requirements</th><td class=\"lk\">");
        for q in &r.requirements {
            let _ = write!(h, "<a href=\"#req-{0}\">{0}</a> ", escape(q));
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</table>\n");
    problem_list(h, &o.problems);
    if let Some(n) = &o.note {
        let _ = writeln!(h, "<div class=\"note\">{}</div>", escape(n));
    }
    let _ = writeln!(h, "<div class=\"rerun\">Rerun this case:<code>{}</code></div>", escape(&info.rerun(&r.id)));
    if o.verdict == Verdict::Error {
        raw_reply(h, &o.actual);
    }
    match r.kind {
        "wire" => wire_evidence(h, r),
        "sequence" => sequence_evidence(h, r),
        "trace" => trace_evidence(h, r),
        _ => other_evidence(h, r),
    }
    if o.verdict != Verdict::Pass {
        expected_actual(h, r);
        exchanges(h, r);
    }
    h.push_str("</details>\n");
}

pub(super) fn problem_list(h: &mut String, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    h.push_str("<ul class=\"problems\">\n");
    for p in problems {
        let g = grade_name(p.grade);
        let _ = write!(h, "<li><span class=\"g g-{g}\">{g}</span>");
        if let Some(k) = p.step {
            let _ = write!(h, "step {k}: ");
        }
        if let Some(f) = &p.field {
            let _ = write!(h, "<code class=\"field\">{}</code> ", escape(f));
        }
        let _ = writeln!(h, "<span class=\"msg\">{}</span></li>", escape(&p.message));
    }
    h.push_str("</ul>\n");
}

/// What an implementation that misbehaved wrote.
fn raw_reply(h: &mut String, actual: &Value) {
    if let Some(b) = actual.get("broken").and_then(Value::as_str) {
        let _ = writeln!(h, "<h4>The reply was not usable</h4>\n<p>{}</p>", escape(b));
        match actual.get("raw").and_then(Value::as_str) {
            Some(raw) => {
                let _ = writeln!(h, "<p>The raw reply:</p>\n<pre class=\"raw\">{}</pre>", escape(raw));
            }
            None => h.push_str("<p class=\"muted\">The adapter wrote nothing for this request.</p>\n"),
        }
    } else if let Some(m) = actual.get("error_reply") {
        let text = m.as_str().map(str::to_string).unwrap_or_else(|| m.to_string());
        let _ = writeln!(h, "<h4>The adapter answered error</h4>\n<pre class=\"raw\">{}</pre>", escape(&text));
    } else if let Some(raw) = actual.get("raw").filter(|v| !v.is_null()) {
        let text = raw.as_str().map(str::to_string).unwrap_or_else(|| raw.to_string());
        let _ = writeln!(h, "<p>The raw reply:</p>\n<pre class=\"raw\">{}</pre>", escape(&text));
    }
}

fn pretty(v: &Value) -> String {
    escape(&serde_json::to_string_pretty(v).unwrap_or_default())
}

/// The expected and actual values side by side (not for sequences, whose
/// steps already show both).
fn expected_actual(h: &mut String, r: &Row) {
    let o = &r.outcome;
    if r.kind == "sequence" || (o.expected.is_null() && o.actual.is_null()) {
        return;
    }
    h.push_str("<details class=\"ea-box\" open><summary>expected and actual</summary><div class=\"ea\">\n");
    for (name, v) in [("expected", &o.expected), ("actual", &o.actual)] {
        let _ = writeln!(h, "<div><div class=\"sh\">{name}</div><pre>{}</pre></div>", pretty(v));
    }
    h.push_str("</div></details>\n");
}

fn exchanges(h: &mut String, r: &Row) {
    let ex = &r.outcome.exchanges;
    if ex.is_empty() {
        return;
    }
    let _ = writeln!(h, "<details><summary>adapter exchanges ({})</summary><ol>", ex.len());
    for e in ex {
        let _ = writeln!(
            h,
            "<li><div class=\"sh\">request</div><pre>{}</pre><div class=\"sh\">reply</div><pre>{}</pre></li>",
            compact(&e.request.to_value()),
            compact(&e.reply)
        );
    }
    h.push_str("</ol></details>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::{page, row};
    use super::*;
    use serde_json::json;

    #[test]
    fn cases_that_did_not_pass_come_first() {
        let html = page(vec![row("first-pass", Verdict::Pass), row("later-fail", Verdict::Fail)]);
        let f = html.find("id=\"case-later-fail\" open").expect("the failing case is open");
        let p = html.find("id=\"case-first-pass\">").expect("the passing case is collapsed");
        assert!(f < p);
    }

    #[test]
    fn an_error_case_shows_the_raw_reply() {
        let mut r = row("e", Verdict::Error);
        r.outcome.actual = json!({"broken": "the reply is not JSON", "raw": "Segmentation fault"});
        r.outcome.note = Some("Decode: the reply is not JSON".into());
        let html = page(vec![r]);
        assert!(html.contains("<pre class=\"raw\">Segmentation fault</pre>"));
        assert!(html.contains("<div class=\"note\">Decode: the reply is not JSON</div>"));
    }
}
