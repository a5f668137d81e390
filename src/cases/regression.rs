//! Regression cases: inputs that once broke a fuzz target, kept forever
//! under `spec-cases/regressions/` and replayed by `oxcnotif run` and
//! `cargo test`.
//!
//! ```yaml
//! kind: regression
//! cases:
//!   - id: regression.model.1f3a5c7e9b2d4f60
//!     description: what went wrong when it was found
//!     target: model
//!     bytes: "00010200ff"
//! ```

use super::verdict::{Grade, Outcome, Problem};
use super::LoadError;
use crate::fuzzing::{run_target, TARGETS};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A loaded regression case.
#[derive(Debug, Clone)]
pub struct RegressionCase {
    /// Stable id.
    pub id: String,
    /// What went wrong when it was found.
    pub description: String,
    /// The fuzz target it broke.
    pub target: String,
    /// The (minimized) input.
    pub bytes: Vec<u8>,
    /// The file.
    pub file: PathBuf,
    /// The line of its id.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    kind: String,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    description: String,
    target: String,
    bytes: String,
}

/// Parses a `kind: regression` file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<RegressionCase>, LoadError> {
    let raw: RawFile = super::parse_yaml(path, text)?;
    let mut out = Vec::new();
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let line = super::line_of_id(text, &rc.id);
        let err = |field: &str, message: String| LoadError {
            file: path.into(),
            line,
            field: format!("cases[{i}] ({}).{field}", rc.id),
            message,
        };
        if !TARGETS.contains(&rc.target.as_str()) {
            return Err(err("target", format!("{:?} is not a fuzz target; one of {}", rc.target, TARGETS.join(", "))));
        }
        let bytes = crate::hex::parse(&rc.bytes).map_err(|e| err("bytes", e.to_string()))?;
        out.push(RegressionCase {
            id: rc.id,
            description: rc.description,
            target: rc.target,
            bytes,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Runs the input through its target's checks, catching a panic as a failure.
pub fn check(target: &str, bytes: &[u8]) -> Result<(), String> {
    let target = target.to_string();
    let data = bytes.to_vec();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(move || run_target(&target, &data));
    std::panic::set_hook(prev);
    match r {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    }
}

/// Runs a regression case.
pub fn run_regression(case: &RegressionCase) -> Outcome {
    match check(&case.target, &case.bytes) {
        Ok(()) => Outcome::graded(Vec::new(), Grade::Must, json!({"target": case.target}), Value::Null),
        Err(e) => Outcome::graded(
            vec![Problem::must(e.clone())],
            Grade::Must,
            json!({"target": case.target, "error": e}),
            Value::Null,
        ),
    }
}

/// A stable name for an input: FNV-1a 64 of its bytes, as 16 hex digits.
pub fn input_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The YAML of a new regression case.
pub fn render(target: &str, bytes: &[u8], what: &str) -> (String, String) {
    let id = format!("regression.{}.{}", target.replace('_', "-"), input_hash(bytes));
    let mut hex = String::new();
    for chunk in bytes.chunks(32) {
        hex.push_str("      ");
        hex.push_str(&crate::hex::encode(chunk));
        hex.push('\n');
    }
    if bytes.is_empty() {
        hex.push_str("      \n");
    }
    let text = format!(
        "kind: regression\ncases:\n  - id: {id}\n    description: {}\n    target: {target}\n    bytes: |\n{hex}",
        serde_json::to_string(what).unwrap_or_default()
    );
    (id, text)
}
