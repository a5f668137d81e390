//! `index.html`: one self-contained page (inline CSS, a few lines of
//! optional inline script, nothing fetched from the network) that an
//! implementer reads to find their bug.
//!
//! The page has, in order: the run's header with the verdict counts (each
//! count in an element with a stable id, `count-PASS` … `count-ERROR` and
//! `count-total`, which `.ci/check-report-html` reads back from the
//! rendered DOM; a count above zero links to its verdict's list), the
//! links to the page's parts and a verdict filter; what did not pass, one
//! list per verdict, most urgent first (ERROR, FAIL, XPASS, NON-STRICT,
//! INFO, XFAIL), so the first failure shows without scrolling; the
//! UNIMPLEMENTED cases folded to one line per reason; an overview by spec
//! section and by requirement ID; and the cases that passed or were
//! excluded. Each case is one collapsible block. A case block shows its
//! problems with their grade, step and spec field path, the rerun
//! command, and the evidence: the case's bytes dissected field by field
//! with the spec field names, the fields a problem is about marked, and an
//! encoder's differing output byte for byte; each step of a sequence or
//! trace with its input and output dissected; the raw reply of an
//! implementation that misbehaved. Long unbroken text wraps, so the page
//! is never wider than the window.
//!
//! The output is deterministic: no timestamps, and every list in a fixed
//! order.
//!
//! Who writes what: `overview` the header with the counts, the nav and the
//! filter, and the by-section table; `case_detail` the case lists (what
//! did not pass, the UNIMPLEMENTED reasons, the rest) and each case's
//! block; `matrix` the by-requirement table; `evidence` a case's bytes by
//! kind; `hexview` the annotated byte listings; `style` the inline CSS and
//! script.

mod case_detail;
mod columns;
mod evidence;
mod hexview;
mod matrix;
mod overview;
mod style;

use super::junit::escape;
use super::requirements::Table;
use super::RunInfo;
use crate::cases::run::{Grade, RunResult, Verdict};
use case_detail::{not_passed, the_rest, unimplemented};
use matrix::by_requirement;
use overview::{by_section, header, present_verdicts};
use serde_json::Value;
use std::fmt::Write as _;
use style::{filter_css, SCRIPT, STYLE};

/// Renders the page.
pub fn render(info: &RunInfo, result: &RunResult, table: &Table) -> String {
    let mut h = String::with_capacity(64 * 1024 + result.rows.len() * 3 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n\
         <title>oxcnotif: {}</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n",
        escape(&info.target),
        filter_css()
    );
    header(&mut h, info, result);
    not_passed(&mut h, info, &result.rows);
    unimplemented(&mut h, info, &result.rows);
    let present = present_verdicts(&result.rows);
    by_section(&mut h, &result.rows, &present);
    by_requirement(&mut h, &result.rows, &present, table);
    the_rest(&mut h, info, &result.rows);
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

/// Where a verdict goes in every list: the cases that need attention
/// first, PASS last.
fn rank(v: Verdict) -> u8 {
    crate::report::urgency(v)
}

fn grade_name(g: Grade) -> &'static str {
    match g {
        Grade::Must => "MUST",
        Grade::Should => "SHOULD",
        Grade::Info => "INFO",
    }
}

fn compact(v: &Value) -> String {
    escape(&v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::run::{Outcome, Row};
    use crate::wire::{Layout, Structure};
    use serde_json::json;

    pub(super) fn row(id: &str, verdict: Verdict) -> Row {
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

    pub(super) fn page(rows: Vec<Row>) -> String {
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        render(&info, &RunResult { rows, incomplete: false, restarts: 0 }, &Table::default())
    }

    /// The `<tr …>` of the dissection row whose field cell is `field`.
    pub(super) fn tr_of<'a>(html: &'a str, field: &str) -> &'a str {
        let needle = format!("<td>{field}</td>");
        let at = html.find(&needle).unwrap_or_else(|| panic!("no row for {field}"));
        let start = html[..at].rfind("<tr").unwrap();
        &html[start..at]
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
    fn output_is_deterministic() {
        let rows = vec![row("a", Verdict::Pass), row("b", Verdict::Excluded)];
        assert_eq!(page(rows.clone()), page(rows));
    }
}
