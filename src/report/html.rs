//! `index.html`: one self-contained page (inline CSS, a few lines of
//! optional inline script, nothing fetched from the network) that an
//! implementer reads to find their bug.
//!
//! The page has, in order: the run's header with the verdict counts (each
//! count in an element with a stable id, `count-PASS` … `count-ERROR` and
//! `count-total`, which `.ci/check-report-html` reads back from the
//! rendered DOM); an overview by spec section and by requirement ID; and
//! one collapsible block per case, the cases that did not pass first. A
//! case block shows its problems with their grade, step and spec field
//! path, the rerun command, and the evidence: the case's bytes dissected
//! field by field with the spec field names, the fields a problem is about
//! marked, and an encoder's differing output byte for byte; each step of a
//! sequence or trace with its input and output dissected; the raw reply of
//! an implementation that misbehaved.
//!
//! The output is deterministic: no timestamps, and every list in a fixed
//! order.

use super::junit::escape;
use super::requirements::Table;
use super::{counts, RunInfo};
use crate::cases::requirements::Requirement;
use crate::cases::run::{Grade, Problem, Row, RunResult, Verdict};
use crate::wire::{Layout, Structure};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many of the cases that need attention start open; the rest, and
/// every case that passed, start collapsed.
const OPEN_LIMIT: usize = 30;

/// Bytes per line in a hex cell.
const BYTES_PER_LINE: usize = 16;

/// A requirement's case list longer than this is folded.
const FOLD_LINKS: usize = 8;

const STYLE: &str = r#"
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;max-width:1280px;padding:0 1.5em 3em}
h1{font-size:1.5em;margin:.8em 0 .3em}
h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
h3{font-size:1.05em;margin:1.2em 0 .3em}
code,pre,.dis td,.hex{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-all;margin:.2em 0;background:#f6f8fa;padding:4px 6px;border-radius:4px}
table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
a{color:#0969da;text-decoration:none}
a:hover{text-decoration:underline}
.v-PASS{--c:#1a7f37}.v-NON-STRICT{--c:#9a6700}.v-INFO{--c:#0969da}.v-FAIL{--c:#cf222e}.v-UNIMPLEMENTED{--c:#6e7781}
.v-EXCLUDED{--c:#8c959f}.v-XFAIL{--c:#8250df}.v-XPASS{--c:#bc4c00}.v-ERROR{--c:#82071e}
.badge{display:inline-block;min-width:7.5em;text-align:center;padding:0 6px;border-radius:4px;background:var(--c);color:#fff;font-weight:600;font-size:12px}
.num{text-align:right;font-variant-numeric:tabular-nums}
.counts td{font-size:1.15em;font-weight:600;text-align:right;min-width:4em}
.counts td.nz{color:var(--c)}
.counts td.z{color:#8c959f;font-weight:400}
.counts th{border-top:4px solid var(--c,#d0d7de)}
.info th{width:7em}
.incomplete{background:#ffebe9;border:2px solid #cf222e;color:#82071e;font-weight:700;padding:.5em 1em;margin:.6em 0;border-radius:4px}
nav{margin:.6em 0}
nav a{margin-right:1.2em}
button{font:inherit;font-size:12px;margin-left:.5em}
.ov td.w{color:var(--c);font-weight:600}
.ov tr.worst>td:first-child{border-left:4px solid var(--c)}
.ov td.z{color:#afb8c1}
.lk a{margin-right:.6em;white-space:nowrap}
.lk a.bad{color:var(--c);font-weight:600}
details.case{border:1px solid #d0d7de;border-left:6px solid var(--c);border-radius:4px;margin:4px 0;padding:0 10px}
details.case>summary{cursor:pointer;padding:4px 0}
details.case[open]>summary{border-bottom:1px solid #d0d7de;margin-bottom:.4em}
.cid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600;margin:0 .5em}
.desc{color:#57606a}
.meta th{width:8em;font-weight:600}
.problems{margin:.4em 0;padding-left:1.2em}
.problems li{margin:.2em 0}
.msg{white-space:pre-wrap}
.g{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:700;color:#fff;margin-right:.3em}
.g-MUST{background:#cf222e}.g-SHOULD{background:#9a6700}.g-INFO{background:#0969da}.g-finding{background:#6e7781}
.g-differs{background:#bf8700}
.field{background:#fff8c5;padding:0 3px;border-radius:3px}
.note{background:#f6f8fa;border-left:4px solid #8c959f;padding:.3em .6em;margin:.4em 0;white-space:pre-wrap}
.rerun code{display:block;background:#f6f8fa;padding:4px 6px;border-radius:4px;white-space:pre-wrap;word-break:break-all}
.dis td:nth-child(2){white-space:pre}
.dis tr.hit td{background:#ffebe9}
.dis tr.hit td:nth-child(3){font-weight:700;color:#82071e}
.dis tr.diff td{background:#fff8c5}
.dis tr.err td{color:#82071e;font-style:italic}
.dis td.notes{font-family:system-ui,sans-serif;font-size:12.5px;max-width:34em;white-space:pre-wrap}
.dis b,.hex b{background:#ff8182;color:#000;font-weight:700}
.hex{white-space:pre;display:inline-block;vertical-align:top;background:#f6f8fa;padding:2px 6px;border-radius:4px}
.hexdiff th{font-weight:600;white-space:nowrap}
.ea{display:flex;gap:1em;flex-wrap:wrap}.ea>div{flex:1;min-width:20em}
.steps{list-style:none;padding:0;margin:.3em 0}
.step{border-left:3px solid #d0d7de;padding:.1em 0 .3em .8em;margin:.5em 0}
.step.bad{border-left-color:#cf222e}
.sh{font-weight:600}
.muted{color:#57606a}
"#;

/// Expand/collapse buttons, and opening a collapsed case when a link
/// targets it. The page reads fine without it.
const SCRIPT: &str = r#"
function setAll(o){document.querySelectorAll('details.case').forEach(function(d){d.open=o;});}
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));var e=id&&document.getElementById(id);if(e&&e.tagName==='DETAILS'){e.open=true;}}
window.addEventListener('hashchange',openTarget);openTarget();
"#;

/// Renders the page.
pub fn render(info: &RunInfo, result: &RunResult, table: &Table) -> String {
    let mut h = String::with_capacity(64 * 1024 + result.rows.len() * 3 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n\
         <title>oxcnotif: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&info.target)
    );
    header(&mut h, info, result);
    let present = present_verdicts(&result.rows);
    by_section(&mut h, &result.rows, &present);
    by_requirement(&mut h, &result.rows, &present, table);
    cases(&mut h, info, &result.rows);
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

fn header(h: &mut String, info: &RunInfo, result: &RunResult) {
    let _ = writeln!(h, "<header>\n<h1>oxcnotif conformance report: {}</h1>", escape(&info.target));
    h.push_str("<table class=\"info\">\n");
    let _ = writeln!(h, "<tr><th>target</th><td id=\"target\">{}</td></tr>", escape(&info.target));
    match &info.command {
        Some(c) => {
            let _ = writeln!(h, "<tr><th>command</th><td><code id=\"command\">{}</code></td></tr>", escape(c));
        }
        None => h.push_str("<tr><th>command</th><td id=\"command\">the built-in reference (no --target)</td></tr>\n"),
    }
    let _ = writeln!(
        h,
        "<tr><th>profile</th><td id=\"profile\">{}</td></tr>",
        info.profile.as_deref().map(escape).unwrap_or_else(|| "none: each case's own profile".into())
    );
    let restarts = info.restarts.max(result.restarts);
    if restarts > 0 {
        let _ = writeln!(
            h,
            "<tr><th>restarts</th><td id=\"restarts\">the target was restarted {restarts} time{}</td></tr>",
            if restarts == 1 { "" } else { "s" }
        );
    }
    h.push_str("</table>\n");
    if result.incomplete {
        h.push_str(
            "<div class=\"incomplete\" id=\"incomplete\">INCOMPLETE: the run was interrupted; \
             the cases after the last one listed did not run, so these counts are partial.</div>\n",
        );
    }
    let c = counts(&result.rows);
    h.push_str("<table class=\"counts\" id=\"counts\">\n<tr>");
    for v in Verdict::ALL {
        let _ = write!(h, "<th class=\"v-{0}\">{0}</th>", v.name());
    }
    h.push_str("<th>total</th></tr>\n<tr>");
    for v in Verdict::ALL {
        let n = c.get(&v).copied().unwrap_or(0);
        let _ =
            write!(h, "<td id=\"count-{0}\" class=\"v-{0} {1}\">{2}</td>", v.name(), if n > 0 { "nz" } else { "z" }, n);
    }
    let _ = writeln!(h, "<td id=\"count-total\">{}</td></tr>\n</table>", result.rows.len());
    h.push_str(
        "<nav><a href=\"#by-section\">by section</a><a href=\"#by-requirement\">by requirement</a>\
         <a href=\"#cases\">cases</a></nav>\n</header>\n",
    );
}

/// The verdicts that occur in the run, in report order (the overview
/// tables get a column for each).
fn present_verdicts(rows: &[Row]) -> Vec<Verdict> {
    let c = counts(rows);
    Verdict::ALL.into_iter().filter(|v| c.get(v).copied().unwrap_or(0) > 0).collect()
}

/// Where a verdict goes in the case list: the cases that need attention
/// first, PASS last.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Error => 0,
        Verdict::XPass => 1,
        Verdict::Fail => 2,
        Verdict::NonStrict => 3,
        Verdict::Info => 4,
        Verdict::Unimplemented => 5,
        Verdict::XFail => 6,
        Verdict::Excluded => 7,
        Verdict::Pass => 8,
    }
}

fn needs_attention(v: Verdict) -> bool {
    matches!(v, Verdict::Error | Verdict::XPass | Verdict::Fail | Verdict::NonStrict | Verdict::Info)
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    Num(usize, String),
    Text(String),
}

/// Splits text into runs of digits (compared as numbers) and other text,
/// so that section 2.2.1.10 comes after 2.2.1.4 and R100 after R99.
fn natural_key(s: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    let flush = |cur: String, digits: bool, out: &mut Vec<Chunk>| {
        if digits {
            let t = cur.trim_start_matches('0').to_string();
            out.push(Chunk::Num(t.len(), t));
        } else {
            out.push(Chunk::Text(cur));
        }
    };
    for c in s.chars() {
        let d = c.is_ascii_digit();
        if !cur.is_empty() && d != digits {
            flush(std::mem::take(&mut cur), digits, &mut out);
        }
        digits = d;
        cur.push(c);
    }
    if !cur.is_empty() {
        flush(cur, digits, &mut out);
    }
    out
}

fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

/// Per-verdict counts of a group of cases, and the cases.
#[derive(Default)]
struct Tally<'a> {
    counts: BTreeMap<Verdict, usize>,
    rows: Vec<&'a Row>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, r: &'a Row) {
        *self.counts.entry(r.outcome.verdict).or_insert(0) += 1;
        self.rows.push(r);
    }
    /// The verdict of the group's most urgent case.
    fn worst(&self) -> Option<Verdict> {
        self.counts.keys().copied().min_by_key(|v| rank(*v))
    }
}

fn tally_cells(h: &mut String, t: &Tally, present: &[Verdict]) {
    let _ = write!(h, "<td class=\"num\">{}</td>", t.rows.len());
    for v in present {
        match t.counts.get(v).copied().unwrap_or(0) {
            0 => h.push_str("<td class=\"num z\">0</td>"),
            n => {
                let _ = write!(h, "<td class=\"num w v-{}\">{n}</td>", v.name());
            }
        }
    }
}

fn tally_head(h: &mut String, first: &str, extra: &[&str], present: &[Verdict], last: &str) {
    let _ = write!(h, "<tr><th>{first}</th>");
    for e in extra {
        let _ = write!(h, "<th>{e}</th>");
    }
    h.push_str("<th>cases</th>");
    for v in present {
        let _ = write!(h, "<th class=\"v-{0}\">{0}</th>", v.name());
    }
    let _ = writeln!(h, "<th>{last}</th></tr>");
}

fn case_href(id: &str) -> String {
    format!("#case-{}", escape(id))
}

fn case_link(h: &mut String, r: &Row) {
    let v = r.outcome.verdict;
    if v == Verdict::Pass {
        let _ = write!(h, "<a href=\"{}\">{}</a> ", case_href(&r.id), escape(&r.id));
    } else {
        let _ = write!(
            h,
            "<a href=\"{}\" class=\"v-{1} bad\" title=\"{1}\">{2}</a> ",
            case_href(&r.id),
            v.name(),
            escape(&r.id)
        );
    }
}

fn by_section(h: &mut String, rows: &[Row], present: &[Verdict]) {
    let mut m: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in rows {
        for s in &r.sections {
            m.entry(s.as_str()).or_default().add(r);
        }
    }
    let mut keys: Vec<&str> = m.keys().copied().collect();
    keys.sort_by(|a, b| natural_cmp(a, b));
    let _ = writeln!(
        h,
        "<section id=\"by-section\">\n<h2>By spec section</h2>\n<p class=\"muted\">{} sections are cited by the \
         cases run; a case citing several sections counts under each.</p>",
        keys.len()
    );
    if keys.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    h.push_str("<table class=\"ov\">\n");
    tally_head(h, "section", &[], present, "cases that did not pass");
    for k in keys {
        let t = &m[k];
        let worst = t.worst().filter(|v| *v != Verdict::Pass);
        match worst {
            Some(v) => {
                let _ = write!(h, "<tr class=\"worst v-{}\">", v.name());
            }
            None => h.push_str("<tr>"),
        }
        let _ = write!(h, "<td>{}</td>", escape(k));
        tally_cells(h, t, present);
        h.push_str("<td class=\"lk\">");
        for r in t.rows.iter().filter(|r| r.outcome.verdict != Verdict::Pass) {
            case_link(h, r);
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</table>\n</section>\n");
}

fn by_requirement(h: &mut String, rows: &[Row], present: &[Verdict], table: &Table) {
    let mut m: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in rows {
        for q in &r.requirements {
            m.entry(q.as_str()).or_default().add(r);
        }
    }
    let known: BTreeMap<&str, &Requirement> = table.rows.iter().map(|q| (q.id.as_str(), q)).collect();
    let mut keys: Vec<&str> = m.keys().copied().collect();
    keys.sort_by(|a, b| natural_cmp(a, b));
    h.push_str("<section id=\"by-requirement\">\n<h2>By requirement</h2>\n<p class=\"muted\">");
    let _ = write!(h, "{} requirement IDs are cited by the cases run", keys.len());
    if known.is_empty() {
        h.push_str("; the requirement tables were not loaded, so their sections and status are not shown.");
    } else {
        let _ = write!(
            h,
            "; the requirement tables (spec/requirements) hold {} rows: requirements.md lists every one.",
            known.len()
        );
    }
    h.push_str("</p>\n");
    if keys.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    let meta: &[&str] = if known.is_empty() { &[] } else { &["section", "verification", "normative", "scope"] };
    h.push_str("<table class=\"ov\">\n");
    tally_head(h, "requirement", meta, present, "the cases");
    for k in keys {
        let t = &m[k];
        match t.worst().filter(|v| *v != Verdict::Pass) {
            Some(v) => {
                let _ = write!(h, "<tr id=\"req-{0}\" class=\"worst v-{1}\">", escape(k), v.name());
            }
            None => {
                let _ = write!(h, "<tr id=\"req-{}\">", escape(k));
            }
        }
        let _ = write!(h, "<td><code>{}</code></td>", escape(k));
        if !known.is_empty() {
            match known.get(k) {
                Some(q) => {
                    for f in [&q.section, &q.verification, &q.normative, &q.scope] {
                        let _ = write!(h, "<td>{}</td>", escape(f));
                    }
                }
                None => h.push_str("<td colspan=\"4\" class=\"muted\">not in the requirement tables</td>"),
            }
        }
        tally_cells(h, t, present);
        h.push_str("<td class=\"lk\">");
        let fold = t.rows.len() > FOLD_LINKS;
        if fold {
            let _ = write!(h, "<details><summary>{} cases</summary>", t.rows.len());
        }
        for r in &t.rows {
            case_link(h, r);
        }
        if fold {
            h.push_str("</details>");
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</table>\n</section>\n");
}

fn cases(h: &mut String, info: &RunInfo, rows: &[Row]) {
    let mut order: Vec<&Row> = rows.iter().collect();
    // A stable sort keeps run order within a verdict.
    order.sort_by_key(|r| rank(r.outcome.verdict));
    let not_passed = order.iter().filter(|r| r.outcome.verdict != Verdict::Pass).count();
    let _ = write!(
        h,
        "<section id=\"cases\">\n<h2>Cases<button type=\"button\" onclick=\"setAll(true)\">expand all</button>\
         <button type=\"button\" onclick=\"setAll(false)\">collapse all</button></h2>\n<p class=\"muted\">"
    );
    if not_passed == 0 {
        let _ = write!(h, "All {} cases passed.", order.len());
    } else {
        let _ = write!(
            h,
            "{} of {} cases did not pass; they come first, the most urgent verdicts first.",
            not_passed,
            order.len()
        );
    }
    h.push_str(
        " Each case shows its evidence: the bytes dissected with their spec field names, the fields a problem is \
         about marked.</p>\n",
    );
    if not_passed > 0 {
        h.push_str("<h3 id=\"not-passed\">Cases that did not pass</h3>\n");
    }
    let mut opened = 0;
    for (i, r) in order.iter().enumerate() {
        if i == not_passed && i < order.len() {
            h.push_str("<h3 id=\"passed\">Cases that passed</h3>\n");
        }
        let open = needs_attention(r.outcome.verdict) && opened < OPEN_LIMIT;
        if open {
            opened += 1;
        }
        case(h, info, r, open);
    }
    h.push_str("</section>\n");
}

fn grade_name(g: Grade) -> &'static str {
    match g {
        Grade::Must => "MUST",
        Grade::Should => "SHOULD",
        Grade::Info => "INFO",
    }
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

fn problem_list(h: &mut String, problems: &[Problem]) {
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

/// A note to put beside the dissected fields it is about.
struct Mark {
    /// The spec field path.
    field: String,
    /// The byte offset, when the note is about one place (a finding).
    offset: Option<usize>,
    /// `MUST`, `SHOULD`, `INFO` or `finding`.
    tag: &'static str,
    /// The text.
    text: String,
    /// Whether the row is marked as where a problem is.
    problem: bool,
}

fn problem_marks(problems: &[Problem], step: Option<usize>) -> Vec<Mark> {
    problems
        .iter()
        .filter(|p| p.step == step)
        .filter_map(|p| {
            p.field.as_ref().filter(|f| !f.is_empty()).map(|f| Mark {
                field: f.clone(),
                offset: None,
                tag: grade_name(p.grade),
                text: p.message.clone(),
                problem: true,
            })
        })
        .collect()
}

/// Whether `child` is a field inside `parent` (`A.B` and `A[0]` are inside `A`).
fn is_inside(child: &str, parent: &str) -> bool {
    child.len() > parent.len() && child.starts_with(parent) && matches!(child.as_bytes()[parent.len()], b'.' | b'[')
}

/// Whether a dissected field and a problem's field are the same field, or
/// one contains the other.
fn related(span: &str, field: &str) -> bool {
    span == field || is_inside(span, field) || is_inside(field, span)
}

fn mark_applies(m: &Mark, field: &str, offset: usize) -> bool {
    match m.offset {
        Some(o) => m.field == field && o == offset,
        None => related(field, &m.field),
    }
}

/// Hex of `bytes` (which start at `start` in their buffer), a line per
/// [`BYTES_PER_LINE`] bytes, each byte that differs from `other` at the
/// same offset in bold.
fn hex_cell(bytes: &[u8], start: usize, other: Option<&[u8]>) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(if i % BYTES_PER_LINE == 0 { '\n' } else { ' ' });
        }
        if other.is_some_and(|o| o.get(start + i) != Some(b)) {
            let _ = write!(s, "<b>{b:02x}</b>");
        } else {
            let _ = write!(s, "{b:02x}");
        }
    }
    s
}

/// An annotated listing: one row per field with its offset, bytes, spec
/// field name, value and notes; rows a problem is about marked `hit`, rows
/// whose bytes differ from `other` (an encoder's output) marked `diff`.
fn dissection(
    h: &mut String,
    bytes: &[u8],
    s: Structure,
    layout: Layout,
    marks: &[Mark],
    other: Option<(&str, &[u8])>,
) {
    let d = s.dissect(bytes, layout);
    let mut used = vec![false; marks.len()];
    let mut used_findings = vec![false; d.findings.len()];
    let _ = writeln!(
        h,
        "<table class=\"dis\" data-structure=\"{}\">\n<tr><th>offset</th><th>bytes</th><th>field</th><th>value</th>\
         <th>notes</th></tr>",
        s.name()
    );
    for span in &d.spans {
        let end = (span.offset + span.len).min(bytes.len());
        let mine = bytes.get(span.offset.min(end)..end).unwrap_or(&[]);
        let mut notes = String::new();
        let mut hit = false;
        for (i, m) in marks.iter().enumerate() {
            if mark_applies(m, &span.field, span.offset) {
                hit |= m.problem;
                if !used[i] {
                    used[i] = true;
                    note(&mut notes, m.tag, &m.text);
                }
            }
        }
        for (i, f) in d.findings.iter().enumerate() {
            if !used_findings[i] && f.field == span.field && f.offset == span.offset {
                used_findings[i] = true;
                note(
                    &mut notes,
                    "finding",
                    &format!("{} {} (reference decoder): {}", f.level.name(), f.requirement, f.message),
                );
            }
        }
        let mut differs = false;
        if let Some((label, ob)) = other {
            differs = (span.offset..span.offset + span.len).any(|k| bytes.get(k) != ob.get(k));
            if differs {
                let theirs = ob.get(span.offset.min(ob.len())..(span.offset + span.len).min(ob.len())).unwrap_or(&[]);
                let text = if theirs.is_empty() {
                    format!("{label}: no bytes here (its output is {} bytes)", ob.len())
                } else {
                    format!("{label}: {}", crate::hex::spaced(theirs))
                };
                note(&mut notes, "differs", &text);
            }
        }
        let class = match (hit, differs) {
            (true, _) => " class=\"hit\"",
            (false, true) => " class=\"diff\"",
            _ => "",
        };
        let _ = writeln!(
            h,
            "<tr{class}><td>{:04x}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
            span.offset,
            hex_cell(mine, span.offset, other.map(|(_, b)| b)),
            escape(&span.field),
            escape(&span.value),
            notes_cell(&notes)
        );
    }
    for (i, f) in d.findings.iter().enumerate() {
        if !used_findings[i] {
            let mut notes = String::new();
            note(&mut notes, "finding", &format!("{} {}: {}", f.level.name(), f.requirement, f.message));
            let _ = writeln!(
                h,
                "<tr><td>{:04x}</td><td></td><td>{}</td><td></td><td class=\"notes\">{notes}</td></tr>",
                f.offset,
                escape(&f.field)
            );
        }
    }
    if let Err(e) = &d.result {
        let mut notes = String::new();
        let mut hit = false;
        for (i, m) in marks.iter().enumerate() {
            if mark_applies(m, &e.field, e.offset) {
                hit |= m.problem;
                if !used[i] {
                    used[i] = true;
                    note(&mut notes, m.tag, &m.text);
                }
            }
        }
        let rest = bytes.get(e.offset.min(bytes.len())..).unwrap_or(&[]);
        let _ = writeln!(
            h,
            "<tr class=\"err{}\"><td>{:04x}</td><td>{}</td><td>{}</td><td>framing error {}: {}</td>\
             <td class=\"notes\">{notes}</td></tr>",
            if hit { " hit" } else { "" },
            e.offset,
            hex_cell(rest, e.offset, None),
            escape(&e.field),
            escape(e.kind.name()),
            escape(&e.to_string())
        );
    }
    h.push_str("</table>\n");
    let unplaced: Vec<&Mark> = marks.iter().zip(&used).filter(|(m, u)| !**u && m.problem).map(|(m, _)| m).collect();
    if !unplaced.is_empty() {
        h.push_str("<p class=\"muted\">Not located in these bytes: ");
        let parts: Vec<String> = unplaced.iter().map(|m| format!("<code>{}</code>", escape(&m.field))).collect();
        let _ = writeln!(h, "{}.</p>", parts.join(", "));
    }
}

/// The notes cell, left out when empty (the row is shorter; tables allow it).
fn notes_cell(notes: &str) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!("<td class=\"notes\">{notes}</td>")
    }
}

fn note(notes: &mut String, tag: &str, text: &str) {
    if !notes.is_empty() {
        notes.push('\n');
    }
    let _ = write!(notes, "<span class=\"g g-{0}\">{0}</span>{1}", escape(tag), escape(text));
}

/// Two byte strings one over the other, the bytes that differ in bold.
fn hex_diff(h: &mut String, a_label: &str, a: &[u8], b_label: &str, b: &[u8]) {
    let first = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i));
    h.push_str("<table class=\"hexdiff\">\n");
    let _ = writeln!(
        h,
        "<tr><th>{} ({} bytes)</th><td><span class=\"hex\">{}</span></td></tr>",
        escape(a_label),
        a.len(),
        hex_cell(a, 0, Some(b))
    );
    let _ = writeln!(
        h,
        "<tr><th>{} ({} bytes)</th><td><span class=\"hex\">{}</span></td></tr>",
        escape(b_label),
        b.len(),
        hex_cell(b, 0, Some(a))
    );
    if let Some(i) = first {
        let _ = writeln!(h, "<tr><th>first difference</th><td>offset 0x{i:04x}</td></tr>");
    }
    h.push_str("</table>\n");
}

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
        .find(|e| e.request["op"] == "decode")
        .and_then(|e| e.reply.get("ok"))
        .and_then(|ok| ok.get("value"));
    let encodes: Vec<_> = o.exchanges.iter().filter(|e| e.request["op"] == "encode").collect();
    let mut out = Vec::new();
    for (n, e) in encodes.iter().enumerate() {
        let of_decoded = match encodes.len() {
            1 => !has_expected_value && decoded.is_some_and(|v| *v == e.request["value"]),
            _ => n > 0,
        };
        let label = if refusal_case {
            "the encoder wrote"
        } else if of_decoded {
            "encoding the decoded value gave"
        } else {
            "encoding the expected value gave"
        };
        if let Some(b) = e.reply.get("ok").and_then(|ok| ok.get("hex")).and_then(Value::as_str) {
            if let Ok(bytes) = crate::hex::parse(b) {
                out.push((label, bytes));
            }
        }
    }
    out
}

fn wire_evidence(h: &mut String, r: &Row) {
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
            if let Some(v) =
                r.outcome.exchanges.iter().find(|e| e.request["op"] == "encode").map(|e| &e.request["value"])
            {
                let _ = writeln!(h, "<h4>The value given to the encoder</h4>\n<pre>{}</pre>", escape(&v.to_string()));
            }
            for (label, b) in &encoded {
                let _ = writeln!(h, "<h4>{} these bytes, read as {}</h4>", escape(label), s.name());
                dissection(h, b, s, layout, &marks, None);
            }
        }
    }
}

fn compact(v: &Value) -> String {
    escape(&v.to_string())
}

fn sequence_evidence(h: &mut String, r: &Row) {
    let o = &r.outcome;
    let Some(steps) = o.expected.as_array() else { return };
    let layout = o
        .exchanges
        .iter()
        .find(|e| e.request["op"] == "reset")
        .and_then(|e| e.request["layout"].as_str())
        .and_then(Layout::from_name)
        .unwrap_or(Layout::Spec);
    let mut log: BTreeMap<u64, &Value> = BTreeMap::new();
    for (k, e) in o.actual.as_array().into_iter().flatten().enumerate() {
        log.insert(e["step"].as_u64().unwrap_or(k as u64), e);
    }
    h.push_str("<h4>Steps</h4>\n<ol class=\"steps\">\n");
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
            Some(entry) => step_io(h, entry, layout, &problem_marks(&o.problems, Some(k)), o.verdict != Verdict::Pass),
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

/// A sequence step's input, output or failure; dissected when `full`
/// (the case did not pass), as plain hex otherwise (to keep the page small:
/// `oxcnotif dissect` gives the listing).
fn step_io(h: &mut String, entry: &Value, layout: Layout, marks: &[Mark], full: bool) {
    if let Some(b) = entry["input"].as_str().and_then(|x| crate::hex::parse(x).ok()) {
        if full {
            let _ = writeln!(h, "<div>input, {} bytes:</div>", b.len());
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
    if let Some(b) = entry["output"].as_str().and_then(|x| crate::hex::parse(x).ok()) {
        if full {
            let _ = writeln!(
                h,
                "<div>output, {} bytes (max_output {}):</div>",
                b.len(),
                entry["max_output"].as_u64().map(|n| n.to_string()).unwrap_or_else(|| "?".into())
            );
            dissection(h, &b, Structure::RopOutputBuffer, Layout::Spec, marks, None);
        } else {
            let _ = writeln!(h, "<div>output: <span class=\"hex\">{}</span></div>", hex_cell(&b, 0, None));
        }
    }
}

fn trace_evidence(h: &mut String, r: &Row) {
    let o = &r.outcome;
    let Some(req) = o.exchanges.iter().map(|e| &e.request).find(|q| q["op"] == "check_trace") else {
        return;
    };
    let layout = req["layout"].as_str().and_then(Layout::from_name).unwrap_or(Layout::Spec);
    let findings: Vec<&Value> = o.actual["findings"].as_array().into_iter().flatten().collect();
    h.push_str("<h4>The trace</h4>\n<ol class=\"steps\">\n");
    for (k, st) in req["steps"].as_array().into_iter().flatten().enumerate() {
        let (dir, structure, l) = if st.get("input").is_some() {
            ("input", Structure::RopInputBuffer, layout)
        } else {
            ("output", Structure::RopOutputBuffer, Layout::Spec)
        };
        let Some(bytes) = st[dir].as_str().and_then(|x| crate::hex::parse(x).ok()) else { continue };
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
            "<li class=\"step{}\"><div class=\"sh\">step {k}: {dir}, {} bytes</div>",
            if bad { " bad" } else { "" },
            bytes.len()
        );
        dissection(h, &bytes, structure, l, &marks, None);
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

fn other_evidence(h: &mut String, r: &Row) {
    if let Some(x) = &r.hex {
        let bytes = crate::hex::parse(x).unwrap_or_default();
        let _ = writeln!(
            h,
            "<h4>The case's bytes ({} bytes)</h4>\n<span class=\"hex\">{}</span>",
            bytes.len(),
            hex_cell(&bytes, 0, None)
        );
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
            compact(&e.request),
            compact(&e.reply)
        );
    }
    h.push_str("</ol></details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::run::{Exchange, Outcome};
    use serde_json::json;

    fn row(id: &str, verdict: Verdict) -> Row {
        Row {
            id: id.into(),
            kind: "wire",
            group: "notify-response".into(),
            description: format!("case {id}"),
            sections: vec!["MS-OXCROPS 2.2.14.2.1".into()],
            requirements: vec!["MS-OXCROPS_R4553".into()],
            file: "spec-cases/wire/notify-response/x.yaml".into(),
            line: 3,
            hex: Some("2aa5000000000400010000000000100101000000000030010000".into()),
            structure: Some((Structure::NotifyResponse, Layout::Spec)),
            outcome: Outcome {
                verdict,
                problems: Vec::new(),
                actual: Value::Null,
                expected: Value::Null,
                exchanges: Vec::new(),
                note: None,
                interrupted: false,
            },
        }
    }

    fn page(rows: Vec<Row>) -> String {
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        render(&info, &RunResult { rows, incomplete: false, restarts: 0 }, &Table::default())
    }

    /// The `<tr …>` of the dissection row whose field cell is `field`.
    fn tr_of<'a>(html: &'a str, field: &str) -> &'a str {
        let needle = format!("<td>{field}</td>");
        let at = html.find(&needle).unwrap_or_else(|| panic!("no row for {field}"));
        let start = html[..at].rfind("<tr").unwrap();
        &html[start..at]
    }

    #[test]
    fn every_count_is_present_even_when_zero() {
        let html = page(vec![row("a", Verdict::Pass), row("b", Verdict::Pass), row("c", Verdict::Fail)]);
        assert!(html.contains(r#"<td id="count-PASS" class="v-PASS nz">2</td>"#));
        assert!(html.contains(r#"<td id="count-FAIL" class="v-FAIL nz">1</td>"#));
        assert!(html.contains(r#"<td id="count-total">3</td>"#));
        for v in Verdict::ALL {
            assert!(html.contains(&format!("id=\"count-{}\"", v.name())), "{} missing", v.name());
        }
        assert!(html.contains(r#"<td id="count-ERROR" class="v-ERROR z">0</td>"#));
        assert!(!html.contains("INCOMPLETE"));
    }

    #[test]
    fn incomplete_runs_say_so() {
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        let html = render(&info, &RunResult { rows: vec![], incomplete: true, restarts: 0 }, &Table::default());
        assert!(html.contains("id=\"incomplete\""));
        assert!(html.contains(r#"<td id="count-total">0</td>"#));
    }

    #[test]
    fn text_is_escaped() {
        let mut r = row("x<y", Verdict::Error);
        r.description = "<script>alert(1)</script> & co".into();
        r.outcome.actual = json!({"broken": "not JSON", "raw": "<b>oops</b>"});
        let info = RunInfo { target: "t\"<>".into(), command: Some("./adapter --x='1'".into()), ..RunInfo::default() };
        let html = render(&info, &RunResult { rows: vec![r], incomplete: false, restarts: 0 }, &Table::default());
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(!html.contains("<b>oops</b>"));
        assert!(html.contains("&lt;b&gt;oops&lt;/b&gt;"));
        assert!(html.contains("id=\"case-x&lt;y\""));
        assert!(html.contains("t&quot;&lt;&gt;"));
        // Only the page's own script element.
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn a_failing_field_is_marked_with_its_spec_name() {
        let mut r = row("f", Verdict::Fail);
        r.outcome.problems.push(Problem::at(
            Grade::Must,
            "NotificationData.FolderId",
            "expected \"0100000000001001\", got \"0100000000001002\"",
        ));
        let html = page(vec![r]);
        assert!(tr_of(&html, "NotificationData.FolderId").contains("class=\"hit\""));
        assert!(!tr_of(&html, "NotificationData.ParentFolderId").contains("hit"));
        assert!(!tr_of(&html, "RopId").contains("hit"));
        assert!(
            html.contains("<span class=\"g g-MUST\">MUST</span><code class=\"field\">NotificationData.FolderId</code>")
        );
    }

    #[test]
    fn a_parent_field_marks_every_field_inside_it() {
        let mut r = row("f", Verdict::NonStrict);
        r.outcome.problems.push(Problem::at(Grade::Should, "NotificationData", "odd"));
        let html = page(vec![r]);
        assert!(tr_of(&html, "NotificationData.FolderId").contains("hit"));
        assert!(tr_of(&html, "NotificationData.TagCount").contains("hit"));
        assert!(!tr_of(&html, "LogonId").contains("hit"));
        assert!(html.contains("g-SHOULD"));
    }

    #[test]
    fn field_relations() {
        assert!(related("A.B", "A"));
        assert!(related("A[0].B", "A[0]"));
        assert!(related("A", "A[2]"));
        assert!(!related("AB", "A"));
        assert!(!related("A.B", "A.C"));
    }

    #[test]
    fn an_encoders_differing_bytes_are_highlighted() {
        let mut r = row("e", Verdict::Fail);
        let mut theirs = crate::hex::parse(r.hex.as_deref().unwrap()).unwrap();
        theirs[9] ^= 0xFF; // inside NotificationData.FolderId (offset 8..16)
        r.outcome.exchanges.push(Exchange {
            request: json!({"op": "encode", "value": {}}),
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
        let ex = |op: &str, value: Value, reply: Value| Exchange { request: json!({"op": op, "value": value}), reply };
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
    fn cases_that_did_not_pass_come_first() {
        let html = page(vec![row("first-pass", Verdict::Pass), row("later-fail", Verdict::Fail)]);
        let f = html.find("id=\"case-later-fail\" open").expect("the failing case is open");
        let p = html.find("id=\"case-first-pass\">").expect("the passing case is collapsed");
        assert!(f < p);
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

    #[test]
    fn the_overviews_count_by_section_and_requirement() {
        let mut a = row("a", Verdict::Pass);
        a.sections = vec!["MS-OXCNOTIF 2.2.1.10".into(), "MS-OXCNOTIF 2.2.1.4".into()];
        let b = row("b", Verdict::Fail);
        let html = page(vec![a, b]);
        let s10 = html.find("<td>MS-OXCNOTIF 2.2.1.10</td>").unwrap();
        let s4 = html.find("<td>MS-OXCNOTIF 2.2.1.4</td>").unwrap();
        assert!(s4 < s10, "sections sort by number");
        let req = html.find("<tr id=\"req-MS-OXCROPS_R4553\" class=\"worst v-FAIL\">").expect("requirement row");
        let end = html[req..].find("</tr>").unwrap();
        let cells = &html[req..req + end];
        assert!(cells.contains("<td class=\"num\">2</td>"));
        assert!(cells.contains("href=\"#case-a\"") && cells.contains("href=\"#case-b\""));
    }

    #[test]
    fn requirement_rows_show_the_tables_status() {
        let mut r = row("a", Verdict::Pass);
        r.requirements.push("MS-OXCNOTIF_R9999".into());
        let table = Table {
            rows: vec![Requirement {
                id: "MS-OXCROPS_R4553".into(),
                section: "2.2.14.2.1".into(),
                verification: "Test Case".into(),
                normative: "Normative".into(),
                scope: "Server".into(),
            }],
            ..Table::default()
        };
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        let html = render(&info, &RunResult { rows: vec![r], incomplete: false, restarts: 0 }, &table);
        assert!(html.contains("<td>2.2.14.2.1</td><td>Test Case</td><td>Normative</td><td>Server</td>"));
        let unknown = html.find("<tr id=\"req-MS-OXCNOTIF_R9999\">").unwrap();
        assert!(html[unknown..].starts_with("<tr id=\"req-MS-OXCNOTIF_R9999\"><td><code>MS-OXCNOTIF_R9999</code></td><td colspan=\"4\" class=\"muted\">not in the requirement tables"));
        // With no table loaded, the status columns are left out.
        assert!(!page(vec![row("b", Verdict::Pass)]).contains("<th>verification</th>"));
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

    #[test]
    fn output_is_deterministic() {
        let rows = vec![row("a", Verdict::Pass), row("b", Verdict::Excluded)];
        assert_eq!(page(rows.clone()), page(rows));
    }
}
