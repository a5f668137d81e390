//! What does status.yaml say about the rows no case cites? Reading our
//! annotation file and resolving it, by ID, by informative rows or by the
//! longest section prefix, to at most one annotation per MS-OXCNOTIF row.

use super::{Row, Status, MAIN_TABLE};
use crate::cases::requirements::invalid;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// Our classification of a row no case cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// [`Status::OutOfScope`], [`Status::NotTestable`], or
    /// [`Status::NotCovered`] with what a case would need.
    pub status: Status,
    /// Why, in a few words.
    pub reason: String,
    /// The line of status.yaml it comes from.
    pub line: usize,
    /// Given for this row by ID (not by section or for informative rows).
    pub by_id: bool,
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
            "not covered" => Status::NotCovered,
            other => {
                return Err(err(
                    "status:",
                    "status",
                    format!("{other:?} is not \"out of scope\", \"not testable\" or \"not covered\""),
                ))
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

#[cfg(test)]
mod tests {
    use super::super::tests::{rows, table};
    use super::*;

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
}
