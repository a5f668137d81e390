//! `requirements.md`: every row of Microsoft's MS-OXCNOTIF requirement table
//! with our status, the MS-OXCROPS rows our cases cite, and a comparison
//! with what Microsoft's own test suite verifies.
//!
//! The tables are Microsoft's (`spec/requirements/*.xml`, from the
//! Interop-TestSuites). Rows that no case cites get our own classification
//! from `spec/requirements/status.yaml`: `out of scope` (testable, but not
//! on the ROP buffers this harness sees: RPC, UDP, MAPI/HTTP, timing) or
//! `not testable` (informative text, cross-references, behaviour left to
//! the implementation). Every other uncited row is `not covered`: a
//! ROP-buffer case could verify it and none does yet.
//!
//! The status of a row comes from the run:
//!
//! * verified, passing: a case that ran cites it, and every citing case
//!   that ran is PASS (or XPASS: listed as a known failure, but it passed);
//! * verified, departs: no citing case failed, but one is NON-STRICT (a
//!   SHOULD departed from) or INFO (differs where the spec leaves it open);
//! * verified, failing: a citing case that ran is FAIL, XFAIL (a known
//!   failure is still a failure) or ERROR (the check could not be made);
//! * cited, not run: every citing case is EXCLUDED or UNIMPLEMENTED.

use super::RunInfo;
use crate::cases::requirements::{invalid, Requirement};
pub use crate::cases::requirements::{load_rows, parse_xml, Row};
use crate::cases::run::{RunResult, Verdict};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The table every row of which `requirements.md` lists.
pub const MAIN_TABLE: &str = "MS-OXCNOTIF";

/// Our annotation file, beside the XML tables.
pub const STATUS_FILE: &str = "status.yaml";

/// A row's status in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Cases ran and every one passed.
    Passing,
    /// Cases ran; none failed, some departed from a SHOULD or differ where the spec is open.
    Departs,
    /// A citing case failed (FAIL, XFAIL, ERROR).
    Failing,
    /// Cases cite the row, but none ran (EXCLUDED, UNIMPLEMENTED).
    NotRun,
    /// No case cites the row; a ROP-buffer case could.
    NotCovered,
    /// status.yaml: nothing an implementation does could show it.
    NotTestable,
    /// status.yaml: testable, but not on ROP buffers.
    OutOfScope,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 7] = [
        Status::Passing,
        Status::Departs,
        Status::Failing,
        Status::NotRun,
        Status::NotCovered,
        Status::NotTestable,
        Status::OutOfScope,
    ];

    /// `verified, passing`, …
    pub fn name(self) -> &'static str {
        match self {
            Status::Passing => "verified, passing",
            Status::Departs => "verified, departs",
            Status::Failing => "verified, failing",
            Status::NotRun => "cited, not run",
            Status::NotCovered => "not covered",
            Status::NotTestable => "not testable",
            Status::OutOfScope => "out of scope",
        }
    }

    /// Whether a case that ran verifies the row (passing, departing or failing).
    pub fn is_verified(self) -> bool {
        matches!(self, Status::Passing | Status::Departs | Status::Failing)
    }
}

/// Our classification of a row no case cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// [`Status::OutOfScope`] or [`Status::NotTestable`].
    pub status: Status,
    /// Why, in a few words.
    pub reason: String,
    /// The line of status.yaml it comes from.
    pub line: usize,
    /// Given for this row by ID (not by section or for informative rows).
    pub by_id: bool,
}

/// The requirement tables and our annotations.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Every row in the shared [`Requirement`] form, in the order of
    /// `entries`.
    pub rows: Vec<Requirement>,
    /// Rows of every table with their text, in file order (MS-OXCNOTIF,
    /// then MS-OXCROPS), each table in its own order.
    pub entries: Vec<Row>,
    /// Our annotation of MS-OXCNOTIF rows, by row ID, as resolved from
    /// status.yaml (an entry by ID wins over one for informative rows,
    /// which wins over the longest matching section prefix).
    pub annotations: BTreeMap<String, Annotation>,
}

impl Table {
    /// A table of `entries` with `annotations` (from [`parse_status`]).
    pub fn new(entries: Vec<Row>, annotations: BTreeMap<String, Annotation>) -> Self {
        let rows = entries.iter().map(Requirement::from).collect();
        Table { rows, entries, annotations }
    }
}

/// Loads the tables under `dir` (`spec/requirements`): every `*.xml`
/// table, then `status.yaml` if it is there.
pub fn load(dir: &Path) -> io::Result<Table> {
    let rows = load_rows(dir)?;
    let status = dir.join(STATUS_FILE);
    let annotations = match std::fs::read_to_string(&status) {
        Ok(text) => parse_status(&status.display().to_string(), &text, &rows)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    Ok(Table::new(rows, annotations))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    #[serde(default)]
    annotations: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    informative: bool,
    status: String,
    reason: String,
}

/// The first line of each entry of the `annotations` list (1-based), in
/// block style; empty when the list is written some other way.
fn entry_lines(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(key) = lines.iter().position(|l| l.starts_with("annotations:")) else { return Vec::new() };
    let mut indent = None;
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(key + 1) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = l.len() - t.len();
        if ind == 0 && !t.starts_with('-') {
            break; // the next top-level key
        }
        if t.starts_with("- ") || t == "-" {
            match indent {
                None => {
                    indent = Some(ind);
                    out.push(i + 1);
                }
                Some(n) if n == ind => out.push(i + 1),
                _ => {}
            }
        }
    }
    out
}

/// Parses status.yaml (`file` is for messages) against the rows it
/// annotates, resolving it to one annotation per MS-OXCNOTIF row.
pub fn parse_status(file: &str, text: &str, rows: &[Row]) -> io::Result<BTreeMap<String, Annotation>> {
    let has_content = text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---"
    });
    let raw: RawStatus = if has_content {
        serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line()).unwrap_or(1);
            invalid(format!("{file}:{line}: {e}"))
        })?
    } else {
        RawStatus::default()
    };
    let starts = entry_lines(text);
    let total_lines = text.lines().count().max(1);
    // The line of `needle` inside entry `i` (its first line when not found).
    let line_of = |i: usize, needle: &str| -> usize {
        let Some(&first) = starts.get(i) else { return 1 };
        let last = starts.get(i + 1).map(|n| n - 1).unwrap_or(total_lines);
        text.lines()
            .enumerate()
            .skip(first - 1)
            .take(last + 1 - first)
            .find(|(_, l)| l.contains(needle))
            .map(|(k, _)| k + 1)
            .unwrap_or(first)
    };
    let main: Vec<&Row> = rows.iter().filter(|r| r.table == MAIN_TABLE).collect();
    let known: BTreeSet<&str> = main.iter().map(|r| r.id.as_str()).collect();
    let mut by_id: BTreeMap<String, Annotation> = BTreeMap::new();
    let mut by_section: BTreeMap<String, Annotation> = BTreeMap::new();
    let mut informative: Option<Annotation> = None;
    for (i, e) in raw.annotations.into_iter().enumerate() {
        let err = |needle: &str, field: &str, msg: String| {
            invalid(format!("{file}:{}: annotations[{i}].{field}: {msg}", line_of(i, needle)))
        };
        let status = match e.status.trim() {
            "out of scope" => Status::OutOfScope,
            "not testable" => Status::NotTestable,
            other => {
                return Err(err("status:", "status", format!("{other:?} is not \"out of scope\" or \"not testable\"")))
            }
        };
        let reason = e.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        if reason.is_empty() {
            return Err(err("reason:", "reason", "give a short reason".into()));
        }
        let selectors = [!e.ids.is_empty(), !e.sections.is_empty(), e.informative];
        if selectors.iter().filter(|s| **s).count() != 1 {
            return Err(err(
                "-",
                "ids",
                "give exactly one of ids (a list), sections (a list of prefixes) or informative: true".into(),
            ));
        }
        let ann =
            |needle: &str, by_id: bool| Annotation { status, reason: reason.clone(), line: line_of(i, needle), by_id };
        for id in &e.ids {
            if !known.contains(id.as_str()) {
                return Err(err(id, "ids", format!("{id:?} is not a row of the {MAIN_TABLE} table")));
            }
            if let Some(prev) = by_id.get(id) {
                return Err(err(id, "ids", format!("{id} is already annotated at line {}", prev.line)));
            }
            by_id.insert(id.clone(), ann(id, true));
        }
        for s in &e.sections {
            let shape = !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
            if !shape {
                return Err(err(s, "sections", format!("{s:?} is not a section number like 3.1.5.4")));
            }
            if !main.iter().any(|r| section_matches(&r.section, s)) {
                return Err(err(s, "sections", format!("no row of the {MAIN_TABLE} table is in section {s}")));
            }
            if let Some(prev) = by_section.get(s) {
                return Err(err(s, "sections", format!("section {s} is already annotated at line {}", prev.line)));
            }
            by_section.insert(s.clone(), ann(s, false));
        }
        if e.informative {
            if let Some(prev) = &informative {
                return Err(err(
                    "informative",
                    "informative",
                    format!("informative rows are already annotated at line {}", prev.line),
                ));
            }
            informative = Some(ann("informative", false));
        }
    }
    let mut out = BTreeMap::new();
    for r in main {
        let found = by_id.get(&r.id).or(informative.as_ref().filter(|_| r.normative == "Informative")).or_else(|| {
            by_section
                .iter()
                .filter(|(p, _)| section_matches(&r.section, p))
                .max_by_key(|(p, _)| p.len())
                .map(|(_, a)| a)
        });
        if let Some(a) = found {
            out.insert(r.id.clone(), a.clone());
        }
    }
    Ok(out)
}

/// Whether `section` is `prefix` or a subsection of it.
fn section_matches(section: &str, prefix: &str) -> bool {
    section == prefix || section.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.'))
}

/// One row with its status in a run.
#[derive(Debug, Clone)]
pub struct Assessed<'a> {
    /// The row.
    pub row: &'a Row,
    /// Its status.
    pub status: Status,
    /// The cases citing it, with their verdicts, in run order.
    pub cases: Vec<(&'a str, Verdict)>,
    /// Our annotation, when no case cites the row.
    pub annotation: Option<&'a Annotation>,
}

/// Every row's status in a run.
#[derive(Debug, Clone, Default)]
pub struct Assessment<'a> {
    /// One per row of every table, in table order.
    pub rows: Vec<Assessed<'a>>,
    /// IDs cases cite that are in no table, with the citing cases.
    pub unknown: BTreeMap<&'a str, Vec<&'a str>>,
    /// Rows status.yaml annotates by ID that cases cite after all (the
    /// annotation is stale), with the annotation's line.
    pub stale: Vec<(&'a str, usize)>,
}

impl Assessment<'_> {
    /// The rows of `table`.
    pub fn of_table<'s>(&'s self, table: &'s str) -> impl Iterator<Item = &'s Assessed<'s>> + 's {
        self.rows.iter().filter(move |a| a.row.table == table)
    }
}

/// The status of a row from its citing cases' verdicts (`None` when no case cites it).
pub fn status_of(verdicts: &[Verdict]) -> Option<Status> {
    if verdicts.is_empty() {
        return None;
    }
    let ran: Vec<Verdict> =
        verdicts.iter().copied().filter(|v| !matches!(v, Verdict::Excluded | Verdict::Unimplemented)).collect();
    Some(if ran.is_empty() {
        Status::NotRun
    } else if ran.iter().any(|v| matches!(v, Verdict::Fail | Verdict::XFail | Verdict::Error)) {
        Status::Failing
    } else if ran.iter().any(|v| matches!(v, Verdict::NonStrict | Verdict::Info)) {
        Status::Departs
    } else {
        Status::Passing
    })
}

/// Works out every row's status in `result`.
pub fn assess<'a>(result: &'a RunResult, table: &'a Table) -> Assessment<'a> {
    let mut cites: BTreeMap<&str, Vec<(&str, Verdict)>> = BTreeMap::new();
    for r in &result.rows {
        let mut seen = BTreeSet::new();
        for req in &r.requirements {
            if seen.insert(req.as_str()) {
                cites.entry(req).or_default().push((&r.id, r.outcome.verdict));
            }
        }
    }
    let mut out = Assessment::default();
    let ids: BTreeSet<&str> = table.entries.iter().map(|r| r.id.as_str()).collect();
    for (id, cases) in &cites {
        if !ids.contains(id) {
            out.unknown.insert(id, cases.iter().map(|(c, _)| *c).collect());
        }
    }
    for row in &table.entries {
        let cases = cites.get(row.id.as_str()).cloned().unwrap_or_default();
        let verdicts: Vec<Verdict> = cases.iter().map(|(_, v)| *v).collect();
        let annotation = if row.table == MAIN_TABLE { table.annotations.get(&row.id) } else { None };
        let status = match (status_of(&verdicts), annotation) {
            (Some(s), a) => {
                if let Some(a) = a.filter(|a| a.by_id) {
                    out.stale.push((&row.id, a.line));
                }
                s
            }
            (None, Some(a)) => a.status,
            (None, None) => Status::NotCovered,
        };
        let annotation = if cases.is_empty() { annotation } else { None };
        out.rows.push(Assessed { row, status, cases, annotation });
    }
    out
}

/// A Markdown table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// The requirement text without its leading `[In …]` context, cut to `max` characters.
fn short_text(s: &str, max: usize) -> String {
    let s = s.trim();
    let s = match s.strip_prefix("[In ").and_then(|r| r.split_once(']')) {
        Some((_, rest)) if !rest.trim().is_empty() => rest.trim(),
        _ => s,
    };
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The section group a row is counted under in the by-section summary.
fn section_group(row: &Row) -> String {
    if !row.id.starts_with(&format!("{}_", row.table)) {
        return "borrowed from other documents".into();
    }
    let parts: Vec<&str> = row.section.split('.').take(4).collect();
    let g = parts.join(".");
    if g == "6" {
        "6 (Appendix A)".into()
    } else {
        g
    }
}

/// How many passing cases a row lists before `+N more`.
const LIST_PASSING: usize = 4;

/// The cases column: every case that did not pass (with its verdict), then
/// passing ones up to [`LIST_PASSING`].
fn cases_cell(cases: &[(&str, Verdict)]) -> String {
    let mut parts: Vec<String> = cases
        .iter()
        .filter(|(_, v)| !matches!(v, Verdict::Pass))
        .map(|(c, v)| format!("`{c}` ({})", v.name()))
        .collect();
    let passing: Vec<&str> = cases.iter().filter(|(_, v)| matches!(v, Verdict::Pass)).map(|(c, _)| *c).collect();
    for c in passing.iter().take(LIST_PASSING) {
        parts.push(format!("`{c}`"));
    }
    if passing.len() > LIST_PASSING {
        parts.push(format!("+{} more", passing.len() - LIST_PASSING));
    }
    parts.join(", ")
}

fn count_by_status<'a>(rows: impl Iterator<Item = &'a Assessed<'a>>) -> BTreeMap<Status, usize> {
    let mut m: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for a in rows {
        *m.entry(a.status).or_insert(0) += 1;
    }
    m
}

/// Microsoft's verification values, in report order.
const MS_VERIFICATION: [&str; 4] = ["Test Case", "Adapter", "Non-testable", "Unverified"];

/// `n` as a rounded percentage of `of` (`0%` of nothing).
fn pct(n: usize, of: usize) -> String {
    format!("{}%", (n * 100 + of / 2).checked_div(of).unwrap_or(0))
}

fn write_rows<'a>(s: &mut String, rows: impl Iterator<Item = &'a Assessed<'a>>) {
    let _ = writeln!(s, "| ID | section | Microsoft | scope | status | cases, or reason | requirement |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for a in rows {
        let r = a.row;
        let why = if !a.cases.is_empty() {
            cases_cell(&a.cases)
        } else if let Some(ann) = a.annotation {
            cell(&ann.reason)
        } else {
            "—".into()
        };
        let mut ms = r.verification.clone();
        if r.normative == "Informative" {
            ms.push_str(" (informative)");
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            cell(&r.section),
            cell(&ms),
            cell(&r.scope),
            a.status.name(),
            why,
            cell(&short_text(&r.description, 110))
        );
    }
}

/// Renders `requirements.md`.
pub fn render(info: &RunInfo, result: &RunResult, table: &Table) -> String {
    let a = assess(result, table);
    let mut s = String::new();
    let _ = writeln!(s, "# Requirements: {}\n", info.target);
    let _ = writeln!(s, "Generated by `oxcnotif run`; regenerate it rather than editing it.\n");
    if let Some(p) = &info.profile {
        let _ = writeln!(s, "Profile: `{p}`\n");
    }
    if result.incomplete {
        let _ = writeln!(
            s,
            "**INCOMPLETE: the run was interrupted; rows cited only by cases that did not run show as not covered.**\n"
        );
    }
    let main: Vec<&Assessed> = a.of_table(MAIN_TABLE).collect();
    if main.is_empty() {
        let _ = writeln!(
            s,
            "**The {MAIN_TABLE} requirement table was not found (spec/requirements/); only the cited IDs are listed.**\n"
        );
    }

    let _ = writeln!(s, "## How to read this\n");
    let _ = writeln!(
        s,
        "Every row of Microsoft's {MAIN_TABLE} requirement table (MS-OXCNOTIF_RequirementSpecification.xml, \
         from the Interop-TestSuites) gets one status. A case *runs* unless its verdict is EXCLUDED or \
         UNIMPLEMENTED.\n"
    );
    let legend = [
        (Status::Passing, "a case that ran cites the row, and every citing case that ran is PASS (or XPASS: listed as a known failure, but it passed)"),
        (Status::Departs, "no citing case failed, but one is NON-STRICT (a SHOULD departed from) or INFO (differs where the spec leaves the behaviour open)"),
        (Status::Failing, "a citing case that ran is FAIL, XFAIL (a known failure is still a failure) or ERROR (the check could not be made)"),
        (Status::NotRun, "cases cite the row, but every one is EXCLUDED or UNIMPLEMENTED"),
        (Status::NotCovered, "no case cites the row, and a ROP-buffer case could verify it"),
        (Status::NotTestable, "our classification (spec/requirements/status.yaml): informative text, a cross-reference, or behaviour the spec leaves to the implementation; nothing on the wire could show it"),
        (Status::OutOfScope, "our classification (status.yaml): testable, but not on the ROP buffers this harness sees (RPC, UDP push, MAPI/HTTP, asynchronous waits, timing)"),
    ];
    for (st, text) in legend {
        let _ = writeln!(s, "- **{}**: {text}.", st.name());
    }
    let _ = writeln!(
        s,
        "\nThe first three are *verified*. Microsoft's column is the table's Verification: its suite verifies \
         the rows marked Test Case or Adapter.\n"
    );

    // (1) Summary.
    let _ = writeln!(s, "## Summary\n");
    let others: BTreeSet<&str> = table.entries.iter().map(|r| r.table.as_str()).filter(|t| *t != MAIN_TABLE).collect();
    let main_counts = count_by_status(main.iter().copied());
    let _ = write!(s, "| status | {MAIN_TABLE} rows |");
    let other_counts: Vec<(&str, BTreeMap<Status, usize>, usize)> = others
        .iter()
        .map(|t| {
            let cited: Vec<&Assessed> = a.of_table(t).filter(|x| !x.cases.is_empty()).collect();
            let total = a.of_table(t).count();
            (*t, count_by_status(cited.into_iter()), total)
        })
        .collect();
    for (t, _, _) in &other_counts {
        let _ = write!(s, " {t} rows cited |");
    }
    let _ = write!(s, "\n|---|---|");
    for _ in &other_counts {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for st in Status::ALL {
        let _ = write!(s, "| {} | {} |", st.name(), main_counts[&st]);
        for (_, m, _) in &other_counts {
            let _ = write!(s, " {} |", m[&st]);
        }
        let _ = writeln!(s);
    }
    let _ = write!(s, "| total | {} |", main.len());
    for (_, m, _) in &other_counts {
        let _ = write!(s, " {} |", m.values().sum::<usize>());
    }
    let _ = writeln!(s, "\n");
    for (t, m, total) in &other_counts {
        let cited: usize = m.values().sum();
        let _ = writeln!(
            s,
            "The {t} column counts only the rows some case cites: {cited} of the {total} rows of the committed \
             {t} table (the notification subset). The others are not listed.\n"
        );
    }

    // (2) Comparison with Microsoft's suite.
    let verified = main.iter().filter(|x| x.status.is_verified()).count();
    let ms: Vec<&&Assessed> = main.iter().filter(|x| x.row.microsoft_verifies()).collect();
    let ms_tc = ms.iter().filter(|x| x.row.verification == "Test Case").count();
    let both = ms.iter().filter(|x| x.status.is_verified()).count();
    let ours_only: Vec<&&Assessed> =
        main.iter().filter(|x| x.status.is_verified() && !x.row.microsoft_verifies()).collect();
    let ours_only_unverified = ours_only.iter().filter(|x| x.row.verification == "Unverified").count();
    let ours_only_nt = ours_only.iter().filter(|x| x.row.verification == "Non-testable").count();
    let _ = writeln!(s, "## Compared with Microsoft's test suite\n");
    let _ = writeln!(
        s,
        "- Microsoft's suite verifies **{}** of the {} rows ({}): {} by Test Case, {} by Adapter.",
        ms.len(),
        main.len(),
        pct(ms.len(), main.len()),
        ms_tc,
        ms.len() - ms_tc
    );
    let _ =
        writeln!(s, "- This run verifies **{verified}** of the {} rows ({}).", main.len(), pct(verified, main.len()));
    let _ =
        writeln!(s, "- Of Microsoft's {}, this run also verifies **{both}**. The other {}:", ms.len(), ms.len() - both);
    let ms_rest = count_by_status(ms.iter().filter(|x| !x.status.is_verified()).map(|x| **x));
    let rest: Vec<String> =
        ms_rest.iter().filter(|(_, n)| **n > 0).map(|(st, n)| format!("{n} {}", st.name())).collect();
    let _ = writeln!(s, "  {}.", if rest.is_empty() { "none".into() } else { rest.join(", ") });
    let _ = writeln!(
        s,
        "- This run verifies **{}** rows Microsoft's suite does not: {} it marks Unverified and {} it marks \
         Non-testable{}.\n",
        ours_only.len(),
        ours_only_unverified,
        ours_only_nt,
        match ours_only.len() - ours_only_unverified - ours_only_nt {
            0 => String::new(),
            n => format!(", and {n} with another value"),
        }
    );
    let _ = write!(s, "| Microsoft's verification | rows |");
    for st in Status::ALL {
        let _ = write!(s, " {} |", st.name());
    }
    let _ = write!(s, "\n|---|---|");
    for _ in Status::ALL {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    let mut kinds: Vec<String> = MS_VERIFICATION.iter().map(|k| k.to_string()).collect();
    for x in &main {
        if !kinds.contains(&x.row.verification) {
            kinds.push(x.row.verification.clone());
        }
    }
    for k in &kinds {
        let rows: Vec<&Assessed> = main.iter().copied().filter(|x| &x.row.verification == k).collect();
        let m = count_by_status(rows.iter().copied());
        let _ = write!(s, "| {} | {} |", if k.is_empty() { "(none)" } else { k }, rows.len());
        for st in Status::ALL {
            let _ = write!(s, " {} |", m[&st]);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s);

    // By section.
    let mut groups: Vec<(String, Vec<&Assessed>)> = Vec::new();
    for x in &main {
        let g = section_group(x.row);
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, v)) => v.push(x),
            None => groups.push((g, vec![x])),
        }
    }
    if !groups.is_empty() {
        let _ = writeln!(s, "## By section\n");
        let _ = write!(s, "| section | rows | Microsoft verifies |");
        for st in Status::ALL {
            let _ = write!(s, " {} |", st.name());
        }
        let _ = write!(s, "\n|---|---|---|");
        for _ in Status::ALL {
            let _ = write!(s, "---|");
        }
        let _ = writeln!(s);
        for (g, rows) in &groups {
            let m = count_by_status(rows.iter().copied());
            let msv = rows.iter().filter(|x| x.row.microsoft_verifies()).count();
            let _ = write!(s, "| {g} | {} | {msv} |", rows.len());
            for st in Status::ALL {
                let _ = write!(s, " {} |", m[&st]);
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s);
    }

    if !a.unknown.is_empty() {
        let _ = writeln!(s, "## Cited IDs not in the tables\n");
        for (id, cases) in &a.unknown {
            let list: Vec<String> = cases.iter().map(|c| format!("`{c}`")).collect();
            let _ = writeln!(s, "- {id}: {}", list.join(", "));
        }
        let _ = writeln!(s);
    }
    if !a.stale.is_empty() {
        let _ = writeln!(s, "## Stale annotations\n");
        let _ = writeln!(
            s,
            "status.yaml classifies these rows by ID, but cases cite them; their status comes from the cases.\n"
        );
        for (id, line) in &a.stale {
            let _ = writeln!(s, "- {id} (status.yaml line {line})");
        }
        let _ = writeln!(s);
    }

    // (3) Every row.
    if !main.is_empty() {
        let _ = writeln!(s, "## {MAIN_TABLE} rows\n");
        let _ = writeln!(
            s,
            "In the table's order. For verified rows, the cases that did not pass come first, with their verdict.\n"
        );
        write_rows(&mut s, main.iter().copied());
        let _ = writeln!(s);
    }
    for t in &others {
        let cited: Vec<&Assessed> = a.of_table(t).filter(|x| !x.cases.is_empty()).collect();
        if cited.is_empty() {
            continue;
        }
        let _ = writeln!(s, "## {t} rows cited\n");
        let _ = writeln!(s, "In the table's order.\n");
        write_rows(&mut s, cited.into_iter());
        let _ = writeln!(s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::requirements::{decode_entities, table_name};
    use crate::cases::run::{Outcome, Row as CaseRow};

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ns1:ReqTable xmlns:ns1="x">
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R1</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] ROP buffers &lt;1&gt; &amp; more.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R2</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] RPC.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R4</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] For more information, see X.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Informative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R120</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.1.4.1.2</ns1:Doc_Sect>
		<ns1:Description>S set means M set.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Test Case</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R197</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.1.4.1.2</ns1:Doc_Sect>
		<ns1:Description>TagCount SHOULD be 0.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R240</ns1:REQ_ID>
		<ns1:Doc_Sect>3.1.4.2</ns1:Doc_Sect>
		<ns1:Description>RopNotify carries details.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R310</ns1:REQ_ID>
		<ns1:Doc_Sect>3.1.5.3</ns1:Doc_Sect>
		<ns1:Description>pulFlagsOut.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Test Case</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R408</ns1:REQ_ID>
		<ns1:Doc_Sect>3.2.5.1</ns1:Doc_Sect>
		<ns1:Description>Keep the handle.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Client</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Non-testable</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R409</ns1:REQ_ID>
		<ns1:Doc_Sect>3.2.5.1</ns1:Doc_Sect>
		<ns1:Description>Release it.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Client</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
</ns1:ReqTable>
"#;

    const ROPS_XML: &str = r#"<ns1:ReqTable>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCROPS_R4436</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.14.3.1</ns1:Doc_Sect>
		<ns1:Description>SessionIndex.</ns1:Description>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCROPS_R4437</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.14.3.1</ns1:Doc_Sect>
		<ns1:Description>Not cited.</ns1:Description>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
</ns1:ReqTable>
"#;

    const STATUS: &str = "\
# test annotations
annotations:
  - informative: true
    status: not testable
    reason: informative text
  - sections: [\"3.1.5\"]
    status: out of scope
    reason: RPC calls
  - ids:
      - MS-OXCNOTIF_R2
    status: out of scope
    reason: |
      RPC | transport
  - ids: [MS-OXCNOTIF_R408]
    status: not testable
    reason: stale on purpose
";

    fn rows() -> Vec<Row> {
        let mut r = parse_xml("t.xml", "MS-OXCNOTIF", XML).unwrap();
        r.extend(parse_xml("r.xml", "MS-OXCROPS", ROPS_XML).unwrap());
        r
    }

    fn table() -> Table {
        let rows = rows();
        let annotations = parse_status("status.yaml", STATUS, &rows).unwrap();
        Table::new(rows, annotations)
    }

    fn case(id: &str, reqs: &[&str], v: Verdict) -> CaseRow {
        CaseRow {
            id: id.into(),
            kind: "wire",
            group: "g".into(),
            description: String::new(),
            sections: Vec::new(),
            requirements: reqs.iter().map(|s| s.to_string()).collect(),
            file: "f.yaml".into(),
            line: 1,
            hex: None,
            structure: None,
            outcome: Outcome::without_checks(v, "n"),
        }
    }

    fn result() -> RunResult {
        RunResult {
            rows: vec![
                case("a.pass", &["MS-OXCNOTIF_R120", "MS-OXCNOTIF_R120", "MS-OXCROPS_R4436"], Verdict::Pass),
                case("b.should", &["MS-OXCNOTIF_R197"], Verdict::NonStrict),
                case("c.pass", &["MS-OXCNOTIF_R197", "MS-OXCNOTIF_R409"], Verdict::Pass),
                case("d.xfail", &["MS-OXCNOTIF_R409"], Verdict::XFail),
                case("e.excluded", &["MS-OXCNOTIF_R240", "MS-OXCNOTIF_R999"], Verdict::Excluded),
                case("f.unimpl", &["MS-OXCNOTIF_R240"], Verdict::Unimplemented),
                case("g.xpass", &["MS-OXCNOTIF_R408"], Verdict::XPass),
            ],
            incomplete: false,
            restarts: 0,
        }
    }

    fn status(a: &Assessment, id: &str) -> Status {
        a.rows.iter().find(|x| x.row.id == id).unwrap().status
    }

    #[test]
    fn xml_rows_keep_order_and_text() {
        let r = rows();
        let ids: Vec<&str> = r.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids[..4], ["MS-OXCNOTIF_R1", "MS-OXCNOTIF_R2", "MS-OXCNOTIF_R4", "MS-OXCNOTIF_R120"]);
        assert_eq!(r[0].description, "[In Transport] ROP buffers <1> & more.");
        assert_eq!(r[0].table, "MS-OXCNOTIF");
        assert_eq!(r[9].table, "MS-OXCROPS");
        assert_eq!(decode_entities("&#65;&#x42;&bogus; & &amp;"), "AB&bogus; & &");
        assert!(parse_xml("t.xml", "T", "<ns1:Requirement><ns1:REQ_ID></ns1:REQ_ID></ns1:Requirement>").is_err());
        assert_eq!(table_name("MS-OXCROPS_RequirementSpecification.notification-subset.xml"), "MS-OXCROPS");
    }

    #[test]
    fn annotations_resolve_by_precedence() {
        let t = table();
        let ann = |id: &str| t.annotations.get(id).map(|a| (a.status, a.reason.as_str(), a.by_id));
        assert_eq!(ann("MS-OXCNOTIF_R4"), Some((Status::NotTestable, "informative text", false)));
        assert_eq!(ann("MS-OXCNOTIF_R310"), Some((Status::OutOfScope, "RPC calls", false)));
        assert_eq!(ann("MS-OXCNOTIF_R2"), Some((Status::OutOfScope, "RPC | transport", true)));
        assert_eq!(ann("MS-OXCNOTIF_R1"), None);
        assert_eq!(t.annotations["MS-OXCNOTIF_R2"].line, 10);
    }

    #[test]
    fn statuses_from_verdicts() {
        let t = table();
        let res = result();
        let a = assess(&res, &t);
        assert_eq!(status(&a, "MS-OXCNOTIF_R120"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R197"), Status::Departs);
        assert_eq!(status(&a, "MS-OXCNOTIF_R409"), Status::Failing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R240"), Status::NotRun);
        assert_eq!(status(&a, "MS-OXCNOTIF_R408"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R1"), Status::NotCovered);
        assert_eq!(status(&a, "MS-OXCNOTIF_R2"), Status::OutOfScope);
        assert_eq!(status(&a, "MS-OXCNOTIF_R4"), Status::NotTestable);
        assert_eq!(status(&a, "MS-OXCNOTIF_R310"), Status::OutOfScope);
        assert_eq!(status(&a, "MS-OXCROPS_R4436"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCROPS_R4437"), Status::NotCovered);
        // A duplicated citation counts once.
        assert_eq!(a.rows.iter().find(|x| x.row.id == "MS-OXCNOTIF_R120").unwrap().cases.len(), 1);
        assert_eq!(a.unknown.keys().copied().collect::<Vec<_>>(), ["MS-OXCNOTIF_R999"]);
        assert_eq!(a.stale, [("MS-OXCNOTIF_R408", 14)]);
        assert_eq!(status_of(&[]), None);
        assert_eq!(status_of(&[Verdict::Pass, Verdict::Error]), Some(Status::Failing));
        assert_eq!(status_of(&[Verdict::Info, Verdict::Excluded]), Some(Status::Departs));
    }

    #[test]
    fn render_counts_and_comparison() {
        let t = table();
        let res = result();
        let info = RunInfo { target: "unit".into(), ..RunInfo::default() };
        let md = render(&info, &res, &t);
        assert_eq!(md, render(&info, &res, &t), "deterministic");
        for want in [
            "| verified, passing | 2 | 1 |",
            "| verified, departs | 1 | 0 |",
            "| verified, failing | 1 | 0 |",
            "| cited, not run | 1 | 0 |",
            "| not covered | 1 | 0 |",
            "| not testable | 1 | 0 |",
            "| out of scope | 2 | 0 |",
            "| total | 9 | 1 |",
            "1 of the 2 rows of the committed MS-OXCROPS table",
            // Microsoft: R1, R2, R240 (Adapter), R120, R310 (Test Case).
            "verifies **5** of the 9 rows (56%): 2 by Test Case, 3 by Adapter.",
            "This run verifies **4** of the 9 rows (44%).",
            "this run also verifies **1**. The other 4:\n  1 cited, not run, 1 not covered, 2 out of scope.",
            "verifies **3** rows Microsoft's suite does not: 2 it marks Unverified and 1 it marks Non-testable.",
            "| Test Case | 2 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            "- MS-OXCNOTIF_R999: `e.excluded`",
            "- MS-OXCNOTIF_R408 (status.yaml line 14)",
            "| MS-OXCNOTIF_R409 | 3.2.5.1 | Unverified | Client | verified, failing | `d.xfail` (XFAIL), `c.pass` | Release it. |",
            "| MS-OXCNOTIF_R2 | 2.1 | Adapter | Both | out of scope | RPC \\| transport | RPC. |",
            "| MS-OXCNOTIF_R4 | 2.1 | Unverified (informative) | Both | not testable | informative text |",
            "| MS-OXCNOTIF_R1 | 2.1 | Adapter | Both | not covered | — | ROP buffers <1> & more. |",
            "## MS-OXCROPS rows cited",
            "| 2.1 | 3 | 2 | 0 | 0 | 0 | 0 | 1 | 1 | 1 |",
        ] {
            assert!(md.contains(want), "missing {want:?} in\n{md}");
        }
        assert!(!md.contains("MS-OXCROPS_R4437"), "uncited MS-OXCROPS rows are not listed");
    }

    #[test]
    fn cases_cell_lists_failures_then_caps_passes() {
        let cases: Vec<(&str, Verdict)> = vec![
            ("p1", Verdict::Pass),
            ("p2", Verdict::Pass),
            ("f", Verdict::Fail),
            ("p3", Verdict::Pass),
            ("p4", Verdict::Pass),
            ("p5", Verdict::Pass),
            ("p6", Verdict::Pass),
        ];
        assert_eq!(cases_cell(&cases), "`f` (FAIL), `p1`, `p2`, `p3`, `p4`, +2 more");
        assert_eq!(short_text("[In X] [ctx] body  text", 100), "[ctx] body text");
        assert_eq!(short_text("abcdef", 4), "abc…");
    }

    #[test]
    fn malformed_status_names_file_line_and_field() {
        let rows = rows();
        let bad = |text: &str| parse_status("s.yaml", text, &rows).unwrap_err();
        let e = bad("annotations:\n  - ids: [MS-OXCNOTIF_R2]\n    status: out-of-scope\n    reason: x\n");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("s.yaml:3: annotations[0].status:"), "{e}");
        let e = bad("annotations:\n  - ids: [MS-OXCNOTIF_R2]\n    status: out of scope\n    reason: x\n  - ids:\n      - MS-OXCNOTIF_R77\n    status: not testable\n    reason: y\n");
        assert!(e.to_string().starts_with("s.yaml:6: annotations[1].ids:"), "{e}");
        let e = bad("annotations:\n  - sections: [\"9.9\"]\n    status: out of scope\n    reason: x\n");
        assert!(e.to_string().starts_with("s.yaml:2: annotations[0].sections:"), "{e}");
        let e = bad("annotations:\n  - ids: [MS-OXCNOTIF_R2]\n    status: out of scope\n    reason: \"  \"\n");
        assert!(e.to_string().starts_with("s.yaml:4: annotations[0].reason:"), "{e}");
        let e = bad("annotations:\n  - status: out of scope\n    reason: x\n");
        assert!(e.to_string().starts_with("s.yaml:2: annotations[0].ids:"), "{e}");
        let e = bad("annotations:\n  - ids: [MS-OXCNOTIF_R2]\n    status: out of scope\n    reason: x\n    extra: 1\n");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("s.yaml:") && e.to_string().contains("extra"), "{e}");
        let e = bad("annotations:\n  - ids: [MS-OXCNOTIF_R2]\n    status: out of scope\n    reason: x\n  - ids: [MS-OXCNOTIF_R2]\n    status: out of scope\n    reason: y\n");
        assert!(e.to_string().contains("already annotated at line 2"), "{e}");
        assert!(parse_status("s.yaml", "# nothing yet\n", &rows).unwrap().is_empty());
    }

    #[test]
    fn load_reads_a_directory() {
        let dir = std::env::temp_dir().join(format!("oxcnotif-req-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("MS-OXCNOTIF_RequirementSpecification.xml"), XML).unwrap();
        std::fs::write(dir.join("MS-OXCROPS_RequirementSpecification.notification-subset.xml"), ROPS_XML).unwrap();
        let t = load(&dir).unwrap();
        assert_eq!(t.rows.len(), 11);
        assert_eq!(t.entries.len(), 11);
        assert!(t.annotations.is_empty(), "no status.yaml: no annotations");
        std::fs::write(dir.join(STATUS_FILE), STATUS).unwrap();
        assert_eq!(load(&dir).unwrap().annotations.len(), 4);
        std::fs::write(dir.join(STATUS_FILE), "annotations: [1\n").unwrap();
        let e = load(&dir).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("status.yaml:"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn committed_tables_and_status_load() {
        let t = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/requirements")).unwrap();
        let main: Vec<&Row> = t.entries.iter().filter(|r| r.table == MAIN_TABLE).collect();
        assert_eq!(main.len(), 566);
        assert_eq!(main.iter().filter(|r| r.microsoft_verifies()).count(), 232);
        assert_eq!(main.iter().filter(|r| r.verification == "Test Case").count(), 186);
        assert!(t.entries.iter().any(|r| r.table == "MS-OXCROPS"));
        assert_eq!(t.rows.len(), t.entries.len());
        assert_eq!(t.rows[0].id, t.entries[0].id);
        // Every informative row is classified not testable.
        for r in main.iter().filter(|r| r.normative == "Informative") {
            assert_eq!(t.annotations.get(&r.id).map(|a| a.status), Some(Status::NotTestable), "{}", r.id);
        }
    }
}
