//! What `oxcnotif run` prints: each case that did not pass with its
//! problems and a rerun command (ERROR, FAIL, XPASS, NON-STRICT, in that
//! order), the UNIMPLEMENTED cases one line per reason, counts by kind and
//! group, and the totals.

use super::RunInfo;
use crate::cases::run::{Row, RunResult, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How much `oxcnotif run` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// `--quiet`: the cases that fail the run (with their problems and a
    /// rerun command) and the totals.
    Quiet,
    /// The default: the cases that need a look, the UNIMPLEMENTED reasons,
    /// the counts by kind and group, the totals.
    #[default]
    Normal,
    /// `--verbose`: one line for every case in run order (PASS included),
    /// then the counts by kind and group and the totals.
    Verbose,
}

/// The console summary of a run, as text (one line per `\n`).
pub fn summary(info: &RunInfo, result: &RunResult) -> String {
    summary_at(info, result, Detail::Normal, false)
}

/// Whether a row is the harness's own regression case (replayed in
/// process, whatever the target): against an adapter, counted apart from
/// the target's cases.
pub fn is_harness_row(r: &Row) -> bool {
    r.kind == "regression"
}

/// The console summary at a level of detail; `strict` says whether
/// NON-STRICT fails the run (what `--quiet` keeps).
pub fn summary_at(info: &RunInfo, result: &RunResult, detail: Detail, strict: bool) -> String {
    let mut s = String::new();
    if detail != Detail::Quiet {
        match (&info.command, &info.server) {
            (Some(cmd), _) => {
                let _ = writeln!(s, "target: {} ({cmd})", info.target);
            }
            (None, Some((url, user))) => {
                let _ = writeln!(s, "target: {} (MAPI over HTTP at {url}, as {user})", info.target);
            }
            (None, None) => s.push_str("target: reference codec, server model and client monitor (built in)\n"),
        }
    }
    let block = |s: &mut String, r: &Row| {
        let _ = writeln!(s, "{} {} ({}:{})", r.outcome.verdict.name(), r.id, r.file.display(), r.line);
        for p in r.outcome.problem_text().lines().take(12) {
            let _ = writeln!(s, "     {p}");
        }
        let _ = writeln!(s, "     rerun: {}", info.rerun(&r.id));
    };
    let needs_look = |r: &Row| r.outcome.verdict.is_bad() || matches!(r.outcome.verdict, Verdict::NonStrict);
    match detail {
        Detail::Verbose => {
            // Every case, in run order; the ones that need a look with
            // their problems, the others with their note.
            for r in &result.rows {
                if needs_look(r) {
                    block(&mut s, r);
                } else {
                    let _ = writeln!(s, "{} {} ({}:{})", r.outcome.verdict.name(), r.id, r.file.display(), r.line);
                    if let Some(n) = &r.outcome.note {
                        for l in n.lines().take(3) {
                            let _ = writeln!(s, "     {l}");
                        }
                    }
                }
            }
        }
        Detail::Normal | Detail::Quiet => {
            // The cases that need a look, most urgent first (run order
            // within a verdict); INFO and XFAIL are only counted. Quiet keeps
            // only those that fail the run.
            let fails = |r: &Row| r.outcome.verdict.is_bad() || (strict && r.outcome.verdict == Verdict::NonStrict);
            for r in super::listed(&result.rows) {
                if (detail == Detail::Normal && needs_look(r)) || (detail == Detail::Quiet && fails(r)) {
                    block(&mut s, r);
                }
            }
        }
    }
    if detail == Detail::Normal {
        // What the target does not implement: one line per reason.
        for (why, cases) in super::unimplemented_by_reason(&result.rows) {
            let _ = writeln!(
                s,
                "UNIMPLEMENTED {}: {} (e.g. {})",
                super::plural(cases.len(), "case"),
                why.replace('\n', "; "),
                cases[0].id
            );
        }
        // What was not run, and why (summary.md names every case).
        for (why, cases) in super::by_reason(&result.rows, Verdict::Excluded) {
            let _ = writeln!(
                s,
                "EXCLUDED {}: {} (e.g. {})",
                super::plural(cases.len(), "case"),
                why.replace('\n', "; "),
                cases[0].id
            );
        }
    }
    if detail != Detail::Quiet {
        let mut by: BTreeMap<(&str, &str), BTreeMap<Verdict, usize>> = BTreeMap::new();
        for r in &result.rows {
            *by.entry((r.kind, r.group.as_str())).or_default().entry(r.outcome.verdict).or_insert(0) += 1;
        }
        for ((kind, group), m) in &by {
            let parts: Vec<String> = m.iter().map(|(v, n)| format!("{n} {}", v.name())).collect();
            let _ = writeln!(s, "  {kind:<10} {group:<40} {}", parts.join(", "));
        }
    }
    // The totals are the target's: against an adapter, the harness's own
    // regression cases (run in process whatever the target) are counted on
    // a line of their own.
    let (harness, target): (Vec<&Row>, Vec<&Row>) =
        result.rows.iter().partition(|r| info.command.is_some() && is_harness_row(r));
    let totals = |rows: &[&Row]| -> String {
        let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
        for r in rows {
            *counts.entry(r.outcome.verdict).or_insert(0) += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(v, n)| format!("{n} {}", v.name())).collect();
        parts.join(", ")
    };
    match target.len() {
        0 => s.push_str("0 cases\n"),
        n => {
            let _ = writeln!(s, "{}: {}", super::plural(n, "case"), totals(&target));
        }
    }
    if !harness.is_empty() {
        let _ = writeln!(
            s,
            "and {} of the harness itself (run in process, not against the target): {}",
            super::plural(harness.len(), "regression case"),
            totals(&harness)
        );
    }
    if result.incomplete {
        s.push_str("INCOMPLETE: the run was interrupted\n");
    }
    s
}
