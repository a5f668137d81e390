//! What do we tell the implementer? Writing run results to files:
//! `summary.md`, `results.json`, `junit.xml`, `index.html` and
//! `requirements.md`.
//!
//! Every file is written atomically (to a temporary file beside it, then
//! renamed), so a crash never leaves a half-written report, and
//! deterministically (no timestamps, no timings, no absolute paths), so
//! committed reports can be checked for staleness by regenerating them.

pub mod console;
pub mod html;
pub mod junit;
pub mod requirements;

use crate::cases::run::{Row, RunResult, Verdict};
use crate::target::Request;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Writes `contents` to `path` atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("{}.tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

/// What a report says about the run as a whole.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The target's name (from its hello), `reference` for the built-in.
    pub target: String,
    /// The `--target` command, if any.
    pub command: Option<String>,
    /// The `--server` URL and `--user`, if any (never the password).
    pub server: Option<(String, String)>,
    /// The `--profile`, if any.
    pub profile: Option<String>,
    /// The `--layout`, if any.
    pub layout: Option<String>,
    /// The run was cut short (Ctrl-C).
    pub incomplete: bool,
    /// Times the target was restarted.
    pub restarts: usize,
    /// The other options a rerun needs to give the same verdict (`--suite
    /// DIR`, `--expected-failures FILE`, `--timeout S`), as shell words.
    pub rerun_options: Vec<String>,
}

impl RunInfo {
    /// The command that reruns one case.
    pub fn rerun(&self, id: &str) -> String {
        let mut s = format!("oxcnotif run --case {id}");
        if let Some(c) = &self.command {
            let _ = write!(s, " --target '{}'", c.replace('\'', r"'\''"));
        }
        if let Some((url, user)) = &self.server {
            let _ = write!(s, " --server '{}' --user '{}'", url.replace('\'', r"'\''"), user.replace('\'', r"'\''"));
        }
        if let Some(p) = &self.profile {
            let _ = write!(s, " --profile {p}");
        }
        for o in &self.rerun_options {
            s.push(' ');
            s.push_str(o);
        }
        s
    }
}

/// Counts by verdict (every verdict present, zero or not).
pub fn counts(rows: &[Row]) -> BTreeMap<Verdict, usize> {
    let mut m: BTreeMap<Verdict, usize> = Verdict::ALL.iter().map(|v| (*v, 0)).collect();
    for r in rows {
        *m.entry(r.outcome.verdict).or_insert(0) += 1;
    }
    m
}

/// Writes every report file into `dir`.
pub fn write_all(dir: &Path, info: &RunInfo, result: &RunResult, reqs: &requirements::Table) -> std::io::Result<()> {
    write_atomic(&dir.join("summary.md"), summary_md(info, result).as_bytes())?;
    write_atomic(&dir.join("results.json"), results_json(info, result).as_bytes())?;
    write_atomic(&dir.join("junit.xml"), junit::render(info, result).as_bytes())?;
    write_atomic(&dir.join("requirements.md"), requirements::render(info, result, reqs).as_bytes())?;
    write_atomic(&dir.join("index.html"), html::render(info, result, reqs).as_bytes())?;
    Ok(())
}

/// How urgent a verdict is, 0 the most: where it goes in every list of
/// cases (page, `summary.md`, console). A broken adapter (ERROR) first,
/// then the spec violations (FAIL) and the expected failures that now pass
/// (XPASS), then the softer findings, then what was not run.
pub fn urgency(v: Verdict) -> u8 {
    match v {
        Verdict::Error => 0,
        Verdict::Fail => 1,
        Verdict::XPass => 2,
        Verdict::NonStrict => 3,
        Verdict::Info => 4,
        Verdict::XFail => 5,
        Verdict::Unimplemented => 6,
        Verdict::Excluded => 7,
        Verdict::Pass => 8,
    }
}

/// The verdicts listed case by case, most urgent first: every verdict but
/// PASS, EXCLUDED and UNIMPLEMENTED (which is listed by reason instead).
pub const LISTED: [Verdict; 6] =
    [Verdict::Error, Verdict::Fail, Verdict::XPass, Verdict::NonStrict, Verdict::Info, Verdict::XFail];

/// The cases listed one by one, most urgent first, in run order within a
/// verdict.
pub fn listed(rows: &[Row]) -> Vec<&Row> {
    let mut out: Vec<&Row> = rows.iter().filter(|r| LISTED.contains(&r.outcome.verdict)).collect();
    // A stable sort keeps run order within a verdict.
    out.sort_by_key(|r| urgency(r.outcome.verdict));
    out
}

/// Why a case was not run: its note, else its problems.
pub fn reason(row: &Row) -> String {
    match &row.outcome.note {
        Some(n) => n.clone(),
        None => row.outcome.problem_text(),
    }
}

/// The UNIMPLEMENTED cases grouped by reason (one group per missing
/// capability), the largest group first, then by reason; cases in run
/// order.
pub fn unimplemented_by_reason(rows: &[Row]) -> Vec<(String, Vec<&Row>)> {
    by_reason(rows, Verdict::Unimplemented)
}

/// The cases of `verdict` grouped by reason, the largest group first, then
/// by reason; cases in run order.
pub fn by_reason(rows: &[Row], verdict: Verdict) -> Vec<(String, Vec<&Row>)> {
    let mut m: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.outcome.verdict == verdict) {
        m.entry(reason(r)).or_default().push(r);
    }
    let mut out: Vec<(String, Vec<&Row>)> = m.into_iter().collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

use crate::plural::plural;

/// The Markdown summary: the counts, then what did not pass (most urgent
/// first), then what was not implemented (one line per reason), then the
/// tables by group and requirement. Passing cases are only counted.
pub fn summary_md(info: &RunInfo, result: &RunResult) -> String {
    let rows = &result.rows;
    let mut s = String::new();
    let c = counts(rows);
    let _ = writeln!(s, "# oxcnotif conformance run: {}\n", info.target);
    let _ = writeln!(s, "Generated by `oxcnotif run`; regenerate it rather than editing it.\n");
    if let Some(cmd) = &info.command {
        let _ = writeln!(s, "Target command: `{cmd}`\n");
    }
    if let Some((url, user)) = &info.server {
        let _ = writeln!(s, "Server: `{url}`, as user `{user}`, over MAPI over HTTP\n");
    }
    if let Some(p) = &info.profile {
        let _ = writeln!(s, "Profile: `{p}`\n");
    }
    match (&info.layout, &info.server) {
        (Some(l), _) => {
            let _ = writeln!(s, "Layout: `{l}` (the target reads RopRegisterNotification so)\n");
        }
        (None, Some(_)) => {
            let _ = writeln!(s, "Layout: `spec` (a server is read as the spec frames RopRegisterNotification)\n");
        }
        (None, None) => {}
    }
    if result.incomplete {
        let _ = writeln!(s, "**INCOMPLETE: the run was interrupted; cases after the last one listed did not run.**\n");
    }
    if info.restarts > 0 {
        let _ = writeln!(s, "The target was restarted {}.\n", plural(info.restarts, "time"));
    }
    let _ = writeln!(s, "| verdict | cases |\n|---|---|");
    let mut order = Verdict::ALL;
    order.sort_by_key(|v| urgency(*v));
    for v in order {
        let _ = writeln!(s, "| {} | {} |", v.name(), c.get(&v).copied().unwrap_or(0));
    }
    let _ = writeln!(s, "| total | {} |\n", rows.len());
    let listed = listed(rows);
    if !listed.is_empty() {
        let _ = writeln!(s, "## Cases that did not pass\n");
        let _ = writeln!(s, "Most urgent first: ERROR, FAIL, XPASS, NON-STRICT, INFO, XFAIL.\n");
        for case in listed {
            let _ = writeln!(
                s,
                "### {} {}\n\n{} ({}:{})\n",
                case.outcome.verdict.name(),
                case.id,
                case.description,
                case.file.display(),
                case.line
            );
            if !case.requirements.is_empty() {
                let _ = writeln!(s, "Requirements: {}\n", case.requirements.join(", "));
            }
            for line in case.outcome.problem_text().lines() {
                let _ = writeln!(s, "    {line}");
            }
            let _ = writeln!(s, "\nRerun: `{}`\n", info.rerun(&case.id));
        }
    }
    let missing = unimplemented_by_reason(rows);
    if !missing.is_empty() {
        let _ = writeln!(s, "## Not implemented\n");
        let _ = writeln!(
            s,
            "{} UNIMPLEMENTED, one line per reason (results.json lists each case).\n",
            plural(c.get(&Verdict::Unimplemented).copied().unwrap_or(0), "case")
        );
        for (why, cases) in &missing {
            let one_line = why.replace('\n', "; ");
            let _ = writeln!(s, "- {}: {} (first: `{}`)", plural(cases.len(), "case"), one_line, cases[0].id);
        }
        let _ = writeln!(s);
    }
    let excluded = by_reason(rows, Verdict::Excluded);
    if !excluded.is_empty() {
        let _ = writeln!(
            s,
            "## Excluded
"
        );
        let _ = writeln!(
            s,
            "{} EXCLUDED (not run), by reason, every case named.\n",
            plural(c.get(&Verdict::Excluded).copied().unwrap_or(0), "case")
        );
        for (why, cases) in &excluded {
            let ids: Vec<String> = cases.iter().map(|r| format!("`{}`", r.id)).collect();
            let _ = writeln!(s, "- {}: {}: {}", plural(cases.len(), "case"), why.replace('\n', "; "), ids.join(", "));
        }
        let _ = writeln!(s);
    }
    let mut by_group: BTreeMap<&str, BTreeMap<Verdict, usize>> = BTreeMap::new();
    for r in rows {
        *by_group.entry(&r.group).or_default().entry(r.outcome.verdict).or_insert(0) += 1;
    }
    let _ = write!(s, "## By group\n\n| structure, or kind of case |");
    for v in Verdict::ALL {
        let _ = write!(s, " {} |", v.name());
    }
    let _ = write!(s, "\n|---|");
    for _ in Verdict::ALL {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for (k, m) in &by_group {
        let _ = write!(s, "| {k} |");
        for v in Verdict::ALL {
            let _ = write!(s, " {} |", m.get(&v).copied().unwrap_or(0));
        }
        let _ = writeln!(s);
    }
    let mut reqs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for row in rows {
        for r in &row.requirements {
            reqs.entry(r).or_default().push(&row.id);
        }
    }
    let _ = writeln!(
        s,
        "\n## Requirements\n\n{} requirement IDs are cited by at least one case run; see `requirements.md`.",
        reqs.len()
    );
    s
}

/// The request and reply hex of a case's exchanges, for results.json.
fn wire_log(row: &Row) -> Vec<Value> {
    row.outcome
        .exchanges
        .iter()
        .map(|e| {
            let mut v = json!({"op": e.request.op()});
            if let Request::Decode { hex, .. } | Request::Execute { hex, .. } = &e.request {
                v["request_hex"] = Value::from(hex.as_str());
            }
            if let Some(h) = e.reply.get("ok").and_then(|o| o.get("hex")) {
                v["reply_hex"] = h.clone();
            }
            v["request"] = e.request.to_value();
            v["reply"] = e.reply.clone();
            v
        })
        .collect()
}

/// The machine-readable results.
pub fn results_json(info: &RunInfo, result: &RunResult) -> String {
    let cases: Vec<_> = result
        .rows
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "kind": c.kind,
                "group": c.group,
                "verdict": c.outcome.verdict.name(),
                "description": c.description,
                "sections": c.sections,
                "requirements": c.requirements,
                "file": c.file.display().to_string(),
                "line": c.line,
                "hex": c.hex,
                "expected": c.outcome.expected,
                "actual": c.outcome.actual,
                "problems": c.outcome.problems.iter().map(|p| json!({
                    "grade": match p.grade {
                        crate::cases::run::Grade::Must => "MUST",
                        crate::cases::run::Grade::Should => "SHOULD",
                        crate::cases::run::Grade::Info => "INFO",
                    },
                    "step": p.step,
                    "field": p.field,
                    "message": p.message,
                })).collect::<Vec<_>>(),
                "note": c.outcome.note,
                "exchanges": wire_log(c),
                "rerun": info.rerun(&c.id),
            })
        })
        .collect();
    let counts: serde_json::Map<String, Value> =
        counts(&result.rows).into_iter().map(|(v, n)| (v.name().to_string(), Value::from(n))).collect();
    let doc = json!({
        "target": info.target,
        "command": info.command,
        "server": info.server.as_ref().map(|(url, user)| json!({"url": url, "user": user})),
        "profile": info.profile,
        "layout": info.layout,
        "incomplete": result.incomplete,
        "restarts": info.restarts,
        "counts": counts,
        "cases": cases,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
