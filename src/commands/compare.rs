//! `oxcnotif compare OLD NEW` and `run --compare OLD`: what changed between
//! two runs' `results.json` ("what regressed since last night"): cases whose
//! verdict got worse, cases fixed, new cases, cases gone.

use super::{Console, Failure, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// How bad a verdict is, for comparing runs: PASS and XFAIL 0, INFO 1,
/// NON-STRICT 2, FAIL, XPASS and ERROR 3; UNIMPLEMENTED and EXCLUDED say
/// nothing (`None`).
fn rank(verdict: &str) -> Option<u8> {
    match verdict {
        "PASS" | "XFAIL" => Some(0),
        "INFO" => Some(1),
        "NON-STRICT" => Some(2),
        "FAIL" | "XPASS" | "ERROR" => Some(3),
        _ => None,
    }
}

/// One case whose verdict differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The case id.
    pub id: String,
    /// Its verdict in the old run (`None`: the case is new).
    pub old: Option<String>,
    /// Its verdict in the new run (`None`: the case is gone).
    pub new: Option<String>,
}

/// What changed between two runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Verdicts that got worse (PASS → FAIL, INFO → NON-STRICT, …).
    pub regressed: Vec<Change>,
    /// Verdicts that got better.
    pub fixed: Vec<Change>,
    /// Cases only in the new run.
    pub new: Vec<Change>,
    /// Cases only in the old run.
    pub gone: Vec<Change>,
    /// Other changes (to or from UNIMPLEMENTED or EXCLUDED).
    pub other: Vec<Change>,
}

impl Comparison {
    /// Whether a case now fails the run (FAIL, XPASS, ERROR) that did not
    /// before (or is new and fails).
    pub fn newly_bad(&self) -> bool {
        self.regressed.iter().chain(&self.new).any(|c| c.new.as_deref().and_then(rank) == Some(3))
    }
}

fn verdicts(results: &Value) -> Result<BTreeMap<String, String>, String> {
    let cases = results.get("cases").and_then(Value::as_array).ok_or("it has no cases list")?;
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| match (c["id"].as_str(), c["verdict"].as_str()) {
            (Some(id), Some(v)) => Ok((id.to_string(), v.to_string())),
            _ => Err(format!("cases[{i}] has no id or verdict")),
        })
        .collect()
}

/// Compares two runs' results.json documents.
pub fn compare(old: &Value, new: &Value) -> Result<Comparison, String> {
    let (old, new) = (
        verdicts(old).map_err(|e| format!("the old results: {e}"))?,
        verdicts(new).map_err(|e| format!("the new results: {e}"))?,
    );
    let mut c = Comparison::default();
    for (id, nv) in &new {
        let change = Change { id: id.clone(), old: old.get(id).cloned(), new: Some(nv.clone()) };
        match old.get(id) {
            None => c.new.push(change),
            Some(ov) if ov == nv => {}
            Some(ov) => match (rank(ov), rank(nv)) {
                (Some(a), Some(b)) if b > a => c.regressed.push(change),
                (Some(a), Some(b)) if b < a => c.fixed.push(change),
                (None, Some(3)) => c.regressed.push(change),
                _ => c.other.push(change),
            },
        }
    }
    for (id, ov) in &old {
        if !new.contains_key(id) {
            c.gone.push(Change { id: id.clone(), old: Some(ov.clone()), new: None });
        }
    }
    Ok(c)
}

/// The comparison as text, regressions first.
pub fn render(c: &Comparison, old_name: &str) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "compared with {old_name}: {} regressed, {} fixed, {} new, {} gone, {} changed otherwise\n",
        c.regressed.len(),
        c.fixed.len(),
        c.new.len(),
        c.gone.len(),
        c.other.len()
    );
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
    for (label, list) in
        [("REGRESSED", &c.regressed), ("FIXED", &c.fixed), ("NEW", &c.new), ("GONE", &c.gone), ("CHANGED", &c.other)]
    {
        for ch in list.iter() {
            let _ = writeln!(s, "{label:<10} {:>13} -> {:<13} {}", v(&ch.old), v(&ch.new), ch.id);
        }
    }
    s
}

/// Reads a results.json (or a report directory holding one).
pub fn read_results(path: &Path) -> Result<Value, Failure> {
    let file = if path.is_dir() { path.join("results.json") } else { path.to_path_buf() };
    let text =
        std::fs::read_to_string(&file).map_err(|e| Failure::config(format!("cannot read {}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| Failure::config(format!("{}: {e}", file.display())))
}

/// `oxcnotif compare OLD NEW`: exit 1 when a case fails now that did not.
pub fn run(c: &mut Console, old: &Path, new: &Path) -> Outcome {
    let cmp = compare(&read_results(old)?, &read_results(new)?).map_err(Failure::config)?;
    c.say_raw(render(&cmp, &old.display().to_string()));
    Ok(if cmp.newly_bad() { 1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results(cases: &[(&str, &str)]) -> Value {
        json!({"cases": cases.iter().map(|(id, v)| json!({"id": id, "verdict": v})).collect::<Vec<_>>()})
    }

    #[test]
    fn regressions_fixes_new_and_gone() {
        let old = results(&[("a", "PASS"), ("b", "FAIL"), ("c", "PASS"), ("d", "UNIMPLEMENTED"), ("g", "PASS")]);
        let new = results(&[("a", "FAIL"), ("b", "PASS"), ("c", "PASS"), ("d", "PASS"), ("n", "NON-STRICT")]);
        let c = compare(&old, &new).unwrap();
        assert_eq!(c.regressed.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(c.fixed.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["b"]);
        assert_eq!(c.new.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["n"]);
        assert_eq!(c.gone.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["g"]);
        assert_eq!(c.other.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["d"]);
        assert!(c.newly_bad());
        let text = render(&c, "old");
        assert!(
            text.starts_with("compared with old: 1 regressed, 1 fixed, 1 new, 1 gone, 1 changed otherwise"),
            "{text}"
        );
        assert!(text.contains("REGRESSED           PASS -> FAIL          a"), "{text}");
        // A SHOULD departed from is a regression, but does not fail a run.
        let c = compare(&results(&[("a", "PASS")]), &results(&[("a", "NON-STRICT")])).unwrap();
        assert_eq!(c.regressed.len(), 1);
        assert!(!c.newly_bad());
    }
}
