//! `junit.xml`: one testsuite per group, one testcase per case, for CI
//! systems. FAIL and XPASS are failures, ERROR is an error,
//! UNIMPLEMENTED and EXCLUDED are skipped; NON-STRICT, INFO and XFAIL pass
//! with their note in `system-out`.
//!
//! A failure's or error's `message` attribute is one line: how many
//! problems the case has and the first of them; the element's text holds
//! every problem, one a line. An interrupted run says so in each
//! testsuite, in the two places the Ant/Surefire JUnit schema has for it:
//! a `<properties>` entry `oxcnotif.incomplete=true` (first child) and a
//! `<system-err>` line (last child), besides a comment after the last
//! testsuite, and ` (INCOMPLETE)` after the testsuites name. No
//! attribute is added, so schema-validating readers still accept the
//! file.

use super::RunInfo;
use crate::cases::run::{RunResult, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text for XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The one-line `message` of a failure or error: the number of problems
/// and the first.
pub fn message(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, ..] => format!("{} problems; the first: {first}", lines.len()),
    }
}

const INCOMPLETE: &str = "INCOMPLETE: the run was interrupted; the cases after the last one listed did not run";

/// Renders the JUnit XML.
pub fn render(info: &RunInfo, result: &RunResult) -> String {
    let mut groups: BTreeMap<&str, Vec<&crate::cases::run::Row>> = BTreeMap::new();
    for r in &result.rows {
        groups.entry(&r.group).or_default().push(r);
    }
    if result.incomplete && groups.is_empty() {
        // Interrupted before any case: an empty testsuite still carries the marker.
        groups.insert("oxcnotif", Vec::new());
    }
    let count =
        |rows: &[&crate::cases::run::Row], f: fn(Verdict) -> bool| rows.iter().filter(|r| f(r.outcome.verdict)).count();
    let is_failure = |v: Verdict| matches!(v, Verdict::Fail | Verdict::XPass);
    let is_error = |v: Verdict| v == Verdict::Error;
    let is_skipped = |v: Verdict| matches!(v, Verdict::Unimplemented | Verdict::Excluded);
    let all: Vec<&crate::cases::run::Row> = result.rows.iter().collect();
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<testsuites name="oxcnotif: {}{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        escape(&info.target),
        if result.incomplete { " (INCOMPLETE)" } else { "" },
        all.len(),
        count(&all, is_failure),
        count(&all, is_error),
        count(&all, is_skipped)
    );
    for (g, rows) in &groups {
        let _ = writeln!(
            s,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            escape(g),
            rows.len(),
            count(rows, is_failure),
            count(rows, is_error),
            count(rows, is_skipped)
        );
        if result.incomplete {
            let _ = writeln!(
                s,
                r#"    <properties>
      <property name="oxcnotif.incomplete" value="true"/>
    </properties>"#
            );
        }
        for r in rows {
            let v = r.outcome.verdict;
            let _ = write!(
                s,
                r#"    <testcase classname="{}" name="{}" file="{}" line="{}""#,
                escape(g),
                escape(&r.id),
                escape(&r.file.display().to_string()),
                r.line
            );
            let text = r.outcome.problem_text();
            let body = format!(
                "{}\n\n{}\nRequirements: {}\nRerun: {}",
                r.description,
                text,
                r.requirements.join(", "),
                info.rerun(&r.id)
            );
            if is_failure(v) {
                let _ = writeln!(
                    s,
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                    v.name(),
                    escape(&message(&text)),
                    escape(&body)
                );
            } else if is_error(v) {
                let _ = writeln!(
                    s,
                    ">\n      <error type=\"ERROR\" message=\"{}\">{}</error>\n    </testcase>",
                    escape(&message(&text)),
                    escape(&body)
                );
            } else if is_skipped(v) {
                let _ = writeln!(s, ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>", v.name(), escape(&text));
            } else if v != Verdict::Pass {
                let _ =
                    writeln!(s, ">\n      <system-out>{}: {}</system-out>\n    </testcase>", v.name(), escape(&body));
            } else {
                let _ = writeln!(s, "/>");
            }
        }
        if result.incomplete {
            let _ = writeln!(s, "    <system-err>{INCOMPLETE}</system-err>");
        }
        let _ = writeln!(s, "  </testsuite>");
    }
    if result.incomplete {
        let _ = writeln!(s, "  <!-- {INCOMPLETE} -->");
    }
    let _ = writeln!(s, "</testsuites>");
    s
}
