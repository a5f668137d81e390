//! What `oxcnotif run` prints: each case that did not pass with its
//! problems and a rerun command (ERROR, FAIL, XPASS, NON-STRICT, in that
//! order), the UNIMPLEMENTED cases one line per reason, counts by kind and
//! group, and the totals.

use super::RunInfo;
use crate::cases::run::{RunResult, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The console summary of a run, as text (one line per `\n`).
pub fn summary(info: &RunInfo, result: &RunResult) -> String {
    let mut s = String::new();
    match &info.command {
        None => s.push_str("target: reference codec, server model and client monitor (built in)\n"),
        Some(cmd) => {
            let _ = writeln!(s, "target: {} ({cmd})", info.target);
        }
    }
    // The cases that need a look, most urgent first (run order within a
    // verdict); INFO and XFAIL are only counted, as before.
    for r in super::listed(&result.rows) {
        if r.outcome.verdict.is_bad() || matches!(r.outcome.verdict, Verdict::NonStrict) {
            let _ = writeln!(s, "{} {} ({}:{})", r.outcome.verdict.name(), r.id, r.file.display(), r.line);
            for p in r.outcome.problem_text().lines().take(12) {
                let _ = writeln!(s, "     {p}");
            }
            let _ = writeln!(s, "     rerun: {}", info.rerun(&r.id));
        }
    }
    // What the target does not implement: one line per reason.
    for (why, cases) in super::unimplemented_by_reason(&result.rows) {
        let n = cases.len();
        let _ = writeln!(
            s,
            "UNIMPLEMENTED {n} case{}: {} (e.g. {})",
            if n == 1 { "" } else { "s" },
            why.replace('\n', "; "),
            cases[0].id
        );
    }
    let mut by: BTreeMap<(&str, &str), BTreeMap<Verdict, usize>> = BTreeMap::new();
    for r in &result.rows {
        *by.entry((r.kind, r.group.as_str())).or_default().entry(r.outcome.verdict).or_insert(0) += 1;
    }
    for ((kind, group), m) in &by {
        let parts: Vec<String> = m.iter().map(|(v, n)| format!("{n} {}", v.name())).collect();
        let _ = writeln!(s, "  {kind:<10} {group:<40} {}", parts.join(", "));
    }
    let counts = super::counts(&result.rows);
    let parts: Vec<String> = counts.iter().filter(|(_, n)| **n > 0).map(|(v, n)| format!("{n} {}", v.name())).collect();
    let _ = writeln!(s, "{} cases: {}", result.rows.len(), parts.join(", "));
    if result.incomplete {
        s.push_str("INCOMPLETE: the run was interrupted\n");
    }
    s
}
