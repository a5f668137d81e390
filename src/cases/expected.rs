//! Expected-failure lists: YAML (or JSON) files `{description?, expected_failures:
//! [{id, reason}]}` naming cases that are known to fail for a target, each
//! with the reason (`--expected-failures FILE`). The files under
//! `spec/profiles/` have the same form: they record where each product
//! departs from the spec, and a run with `--profile` accepts those
//! departures by itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    expected_failures: Vec<Entry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    reason: String,
}

/// Reads one file into `into` (case id to reason). Every id must be one of
/// `known`, and every reason non-empty; errors name the file and line.
pub fn load(path: &Path, known: &BTreeSet<&str>, into: &mut BTreeMap<String, String>) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // A .json list is read as JSON (super::doc), anything else as YAML.
    let f: File = super::doc::parse_named(Some(path), &text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, e) in f.expected_failures.into_iter().enumerate() {
        let line = text.lines().position(|l| l.contains(&e.id)).map(|n| format!(":{}", n + 1)).unwrap_or_default();
        if !known.contains(e.id.as_str()) {
            return Err(format!("{}{line}: expected_failures[{i}].id: no case has id {:?}", path.display(), e.id));
        }
        if e.reason.trim().is_empty() {
            return Err(format!("{}{line}: expected_failures[{i}].reason: give the reason", path.display()));
        }
        into.insert(e.id, e.reason);
    }
    Ok(())
}
