//! The reports put what broke first: on a synthetic run whose cases come
//! in the least helpful order (PASS and UNIMPLEMENTED before the failures),
//! the page, `summary.md` and the console list ERROR, FAIL, XPASS,
//! NON-STRICT, INFO, XFAIL in that order, fold UNIMPLEMENTED to one line
//! per reason, and `junit.xml` carries every problem of a failure and
//! marks an interrupted run.

#![cfg(feature = "harness")]

use oxcnotif::cases::run::{Outcome, Problem, Row, RunResult, Verdict};
use oxcnotif::report::requirements::Table;
use oxcnotif::report::{console, html, junit, summary_md, RunInfo};
use serde_json::Value;

fn row(id: &str, verdict: Verdict, note: Option<&str>, problems: &[&str]) -> Row {
    Row {
        id: id.into(),
        kind: "trace",
        group: "synthetic".into(),
        description: format!("case {id}"),
        sections: vec!["MS-OXCNOTIF 2.2.1.2".into()],
        requirements: vec!["MS-OXCNOTIF_R1".into()],
        file: "spec-cases/synthetic.yaml".into(),
        line: 1,
        hex: None,
        structure: None,
        outcome: Outcome {
            verdict,
            problems: problems.iter().map(|m| Problem::must(*m)).collect(),
            actual: Value::Null,
            expected: Value::Null,
            exchanges: Vec::new(),
            note: note.map(str::to_string),
            interrupted: false,
        },
    }
}

const MISSING_ENCODE: &str = "hello does not list encode";
const MISSING_RESET: &str = "hello does not list reset";

/// The run, in run order: the worst order for a reader.
fn run(incomplete: bool) -> RunResult {
    let mut rows = vec![row("p1", Verdict::Pass, None, &[])];
    for i in 0..5 {
        rows.push(row(&format!("u-encode-{i}"), Verdict::Unimplemented, Some(MISSING_ENCODE), &[]));
    }
    rows.push(row("u-reset-0", Verdict::Unimplemented, Some(MISSING_RESET), &[]));
    rows.push(row("xfail-1", Verdict::XFail, Some("known bug 12"), &[]));
    rows.push(row("info-1", Verdict::Info, None, &["info finding"]));
    rows.push(row("nonstrict-1", Verdict::NonStrict, None, &["should finding"]));
    rows.push(row("xpass-1", Verdict::XPass, Some("listed as expected to fail, but passed"), &[]));
    rows.push(row("fail-1", Verdict::Fail, None, &["first problem", "second problem", "third problem"]));
    rows.push(row("excluded-1", Verdict::Excluded, Some("excluded by --exclude"), &[]));
    rows.push(row("error-1", Verdict::Error, Some("Decode: the reply is not JSON"), &[]));
    rows.push(row("fail-2", Verdict::Fail, None, &["only problem"]));
    rows.push(row("p2", Verdict::Pass, None, &[]));
    RunResult { rows, incomplete, restarts: 0 }
}

fn info() -> RunInfo {
    RunInfo { target: "synthetic".into(), command: Some("./adapter".into()), ..RunInfo::default() }
}

const URGENT_ORDER: [&str; 8] = ["error-1", "fail-1", "fail-2", "xpass-1", "nonstrict-1", "info-1", "xfail-1", "u-"];

/// Where each needle first occurs in `text` after `from`; panics if one is
/// missing.
fn positions(text: &str, needles: &[String]) -> Vec<usize> {
    needles.iter().map(|n| text.find(n.as_str()).unwrap_or_else(|| panic!("{n:?} not found in:\n{text}"))).collect()
}

fn assert_increasing(what: &str, p: &[usize], needles: &[String]) {
    for w in 0..p.len().saturating_sub(1) {
        assert!(p[w] < p[w + 1], "{what}: {:?} should come before {:?}", needles[w], needles[w + 1]);
    }
}

#[test]
fn the_page_opens_on_what_did_not_pass_most_urgent_first() {
    let page = html::render(&info(), &run(false), &Table::default());
    let needles: Vec<String> = URGENT_ORDER.iter().map(|id| format!("id=\"case-{id}")).collect();
    let p = positions(&page, &needles);
    assert_increasing("index.html", &p, &needles);
    // Nothing but the header comes before the first failure's block.
    let first_block = page.find("<details class=\"case").unwrap();
    assert!(
        page[first_block..].starts_with("<details class=\"case v-ERROR\" id=\"case-error-1\" open>"),
        "the first case block is the ERROR"
    );
    assert!(page.find("id=\"not-passed\"").unwrap() < first_block);
    assert!(page.find("id=\"by-section\"").unwrap() > p[6], "the overview comes after the listed cases");
    assert!(page.find("id=\"case-p1\"").unwrap() > page.find("id=\"by-requirement\"").unwrap(), "PASS last");
    // The counts link to their lists, and each list heading is there.
    for (v, n) in [("ERROR", 1), ("FAIL", 2), ("XPASS", 1), ("UNIMPLEMENTED", 6), ("PASS", 2)] {
        let link = format!("<td id=\"count-{v}\" class=\"v-{v} nz\"><a href=\"#v-{v}\">{n}</a></td>");
        assert!(page.contains(&link), "no count link {link}");
        assert!(page.contains(&format!("id=\"v-{v}\"")), "no list for {v}");
    }
    assert!(page.contains("<a href=\"#not-passed\">"), "the nav links to what did not pass");
    assert!(page.contains("id=\"filter\""), "the verdict filter");
    // UNIMPLEMENTED: one line per reason, the larger group first.
    let enc = page.find(&format!("<span class=\"why\">{MISSING_ENCODE}</span>: <b>5 cases</b>")).expect("encode line");
    let reset = page.find(&format!("<span class=\"why\">{MISSING_RESET}</span>: <b>1 case</b>")).expect("reset line");
    assert!(enc < reset);
    assert_eq!(page.matches("<details class=\"ug\">").count(), 2);
    // The overview names the listed cases, but only counts the UNIMPLEMENTED ones.
    let section = &page[page.find("id=\"by-section\"").unwrap()..page.find("id=\"by-requirement\"").unwrap()];
    assert!(section.contains("6 UNIMPLEMENTED</a>"));
    assert!(!section.contains("href=\"#case-u-encode-0\""));
    // Long words wrap rather than widen the page.
    assert!(page.contains("overflow-wrap:anywhere"));
    // Still one block per case.
    assert_eq!(page.matches("<details class=\"case ").count(), run(false).rows.len());
}

#[test]
fn summary_md_lists_failures_first_and_folds_unimplemented() {
    let s = summary_md(&info(), &run(false));
    let needles: Vec<String> = URGENT_ORDER[..7].iter().map(|id| format!("### {}", id_heading(id))).collect();
    let p = positions(&s, &needles);
    assert_increasing("summary.md", &p, &needles);
    let first_entry = s.find("\n### ").unwrap();
    assert_eq!(first_entry + 1, p[0], "the first entry is the ERROR");
    let folded = s.find("## Not implemented").expect("a not-implemented section");
    assert!(folded > p[6]);
    assert!(s.contains(&format!("- 5 cases: {MISSING_ENCODE} (first: `u-encode-0`)")));
    assert!(s.contains(&format!("- 1 case: {MISSING_RESET} (first: `u-reset-0`)")));
    assert!(!s.contains("### UNIMPLEMENTED"), "no UNIMPLEMENTED case is listed one by one");
    assert!(!s.contains("### PASS"), "passing cases are only counted");
    assert!(s.find("## By group").unwrap() > folded);

    // Without an ERROR, the first entry is a FAIL.
    let mut r = run(false);
    r.rows.retain(|r| r.outcome.verdict != Verdict::Error);
    let s = summary_md(&info(), &r);
    assert!(s[s.find("\n### ").unwrap()..].starts_with("\n### FAIL fail-1"), "{s}");
}

fn id_heading(id: &str) -> String {
    let v = match id.split('-').next().unwrap() {
        "error" => "ERROR",
        "fail" => "FAIL",
        "xpass" => "XPASS",
        "nonstrict" => "NON-STRICT",
        "info" => "INFO",
        "xfail" => "XFAIL",
        other => panic!("{other}"),
    };
    format!("{v} {id}")
}

#[test]
fn the_console_lists_the_urgent_first_and_one_line_per_missing_capability() {
    let s = console::summary(&info(), &run(false));
    let needles: Vec<String> =
        ["ERROR error-1", "FAIL fail-1", "FAIL fail-2", "XPASS xpass-1", "NON-STRICT nonstrict-1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let p = positions(&s, &needles);
    assert_increasing("console", &p, &needles);
    let enc = s.find(&format!("UNIMPLEMENTED 5 cases: {MISSING_ENCODE} (e.g. u-encode-0)")).expect("encode line");
    let reset = s.find(&format!("UNIMPLEMENTED 1 case: {MISSING_RESET} (e.g. u-reset-0)")).expect("reset line");
    assert!(p[4] < enc && enc < reset);
    assert!(!s.contains("u-encode-1"), "UNIMPLEMENTED cases are not listed one by one");
    assert!(s.contains("16 cases:"));
}

#[test]
fn junit_carries_every_problem_and_a_one_line_message() {
    let x = junit::render(&info(), &run(false));
    let at = x.find("name=\"fail-1\"").unwrap();
    let case = &x[at..at + x[at..].find("</testcase>").unwrap()];
    assert!(case.contains("message=\"3 problems; the first: first problem\""), "{case}");
    let body = &case[case.find("\">").unwrap()..];
    for p in ["first problem", "second problem", "third problem"] {
        assert!(body.contains(p), "{p} missing from the failure text: {case}");
    }
    let at = x.find("name=\"fail-2\"").unwrap();
    assert!(x[at..].contains("message=\"only problem\""));
    assert!(!x.contains("oxcnotif.incomplete"), "a complete run is not marked");
    assert!(!x.contains("INCOMPLETE"));
}

#[test]
fn junit_marks_an_interrupted_run() {
    let x = junit::render(&info(), &run(true));
    assert!(x.contains("<testsuites name=\"oxcnotif: synthetic (INCOMPLETE)\""));
    assert!(x.contains("<property name=\"oxcnotif.incomplete\" value=\"true\"/>"));
    assert!(x.contains("<system-err>INCOMPLETE: the run was interrupted"));
    // Even with no case run at all.
    let empty = junit::render(&info(), &RunResult { rows: Vec::new(), incomplete: true, restarts: 0 });
    assert!(empty.contains("<testsuite name=\"oxcnotif\" tests=\"0\""), "{empty}");
    assert!(empty.contains("oxcnotif.incomplete"));
}
