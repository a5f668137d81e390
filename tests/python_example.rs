//! The Python example adapter (`examples/adapters/python/adapter.py`)
//! against the whole suite, through `oxcnotif run --target`:
//!
//! - every register-notification-request decode case (value, findings or
//!   framing error) is PASS or NON-STRICT, never FAIL or ERROR: the example
//!   decodes both readings as the reference does;
//! - every get-contents-table-request case (decode, the round trip through
//!   the example's encoder, the encoder refusal) is PASS: the table round
//!   trip the example shows;
//! - every case that needs something else (other encoders, other
//!   structures, the server or client-monitor role) is UNIMPLEMENTED;
//! - the exit status is the one the rules give (0: nothing is FAIL, XPASS
//!   or ERROR), and the adapter's standard error lands beside the report;
//! - the example's reply lines follow `docs/adapter.schema.json`.
//!
//! Skipped (with a message) when `python3` cannot be run.

use jsonschema::{Retrieve, Uri};
use oxcnotif::cases::Expect;
use oxcnotif::wire::Structure;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const TARGET: &str = "python3 examples/adapters/python/adapter.py";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn have_python() -> bool {
    let ok = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("python3 cannot be run here: skipping the Python example");
    }
    ok
}

#[test]
fn python_example_against_the_suite() {
    if !have_python() {
        return;
    }
    let out = std::env::temp_dir().join(format!("oxcnotif-python-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .args(["run", "--target", TARGET, "--out"])
        .arg(&out)
        .output()
        .expect("oxcnotif run starts");
    let said = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(out.join("results.json"))
        .unwrap_or_else(|e| panic!("no results.json ({e}); oxcnotif run said:\n{said}"));
    let log = std::fs::read_to_string(out.join("target-stderr.log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&out);
    let results: Value = serde_json::from_str(&text).expect("results.json is JSON");
    assert_eq!(results["target"], "python-example", "the report is named after hello's name");
    assert!(log.contains("started"), "the adapter's standard error is not in target-stderr.log: {log:?}");

    // The cases that need only register-notification-request decoding:
    // those that expect a value, findings or a framing error.
    let suite = oxcnotif::cases::load_suite(&root().join("spec-cases")).expect("the suite loads");
    let decoding: BTreeSet<&str> = suite
        .wire
        .iter()
        .filter(|c| c.structure == Structure::RegisterNotificationRequest)
        .filter(|c| matches!(c.expect, Expect::Decode { .. } | Expect::Error(_)))
        .map(|c| c.id.as_str())
        .collect();
    // The table round trip: every get-contents-table-request case (decode,
    // the encode of the decoded value, the encoder refusal) must pass.
    let table: BTreeSet<&str> = suite
        .wire
        .iter()
        .filter(|c| c.structure == Structure::GetContentsTableRequest)
        .map(|c| c.id.as_str())
        .collect();
    let mut problems = Vec::new();
    let mut table_cases = 0;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut decode_cases = 0;
    for c in results["cases"].as_array().expect("cases") {
        let (id, verdict) = (c["id"].as_str().unwrap_or("?"), c["verdict"].as_str().unwrap_or("?"));
        *counts.entry(verdict.to_string()).or_default() += 1;
        if decoding.contains(id) {
            decode_cases += 1;
            if !matches!(verdict, "PASS" | "NON-STRICT") {
                problems.push(format!("{id}: {verdict}, not PASS or NON-STRICT: {} {}", c["problems"], c["note"]));
            }
        } else if table.contains(id) {
            table_cases += 1;
            if verdict != "PASS" {
                problems.push(format!("{id}: {verdict}, not PASS: {} {}", c["problems"], c["note"]));
            }
        } else if c["kind"] == "regression" {
            // Regression cases run in process, whatever the target.
        } else if verdict != "UNIMPLEMENTED" {
            problems.push(format!("{id}: {verdict}, though the example does not implement what it needs"));
        }
    }
    assert_eq!(decode_cases, decoding.len(), "not every register-notification-request decode case ran");
    assert!(decode_cases > 0, "no register-notification-request decode case ran");
    assert_eq!(table_cases, table.len(), "not every get-contents-table-request case ran");
    assert!(table_cases > 0, "no get-contents-table-request case ran");
    assert!(problems.is_empty(), "{}\n\noxcnotif run said:\n{said}", problems.join("\n"));

    // The exit status follows the rules: 1 when any case is FAIL, XPASS or
    // ERROR, or the run was cut short; 0 otherwise.
    let bad = ["FAIL", "XPASS", "ERROR"].iter().any(|v| counts.get(*v).copied().unwrap_or(0) > 0);
    let want = if bad || results["incomplete"] == true { 1 } else { 0 };
    assert_eq!(run.status.code(), Some(want), "{said}");
    assert_eq!(want, 0);
    for (v, n) in &counts {
        assert_eq!(results["counts"][v].as_u64(), Some(*n as u64), "counts[{v}] in results.json");
    }
    eprintln!("python example: {decode_cases} register-notification-request decode cases; verdicts {counts:?}");
}

/// Resolves the schema's `$id` base to this repository's files.
struct LocalFiles;

impl Retrieve for LocalFiles {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.as_str().strip_prefix("https://oxcnotif.invalid/").ok_or("not a file of this repository")?;
        Ok(serde_json::from_str(&std::fs::read_to_string(root().join(path))?)?)
    }
}

#[test]
fn python_example_replies_follow_the_schema() {
    if !have_python() {
        return;
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/adapter.schema.json")).expect("schema"))
            .expect("schema is JSON");
    let map = jsonschema::options().with_retriever(LocalFiles).build_map(&schema).expect("the schema compiles");
    let lines = [
        (r#"{"id": 1, "op": "hello", "harness": "test", "protocol": 1}"#, "HelloReply", "ok"),
        (
            r#"{"id": 2, "op": "decode", "structure": "register-notification-request", "layout": "spec", "hex": "29000001020401"}"#,
            "DecodeReply",
            "ok",
        ),
        (
            r#"{"id": 3, "op": "decode", "structure": "register-notification-request", "layout": "legacy", "hex": "2900000100010000000000000000000000000000000000"}"#,
            "DecodeReply",
            "ok",
        ),
        (
            r#"{"id": 4, "op": "decode", "structure": "register-notification-request", "layout": "spec", "hex": "290000"}"#,
            "DecodeReply",
            "ok",
        ),
        (
            r#"{"id": 5, "op": "decode", "structure": "pending-response", "layout": "spec", "hex": "6e0000"}"#,
            "DecodeReply",
            "unimplemented",
        ),
        (
            r#"{"id": 6, "op": "reset", "profile": "spec", "layout": "spec", "setup": {}}"#,
            "ResetReply",
            "unimplemented",
        ),
        (
            r#"{"id": 7, "op": "check_trace", "layout": "spec", "preexisting_handles": [], "steps": []}"#,
            "CheckTraceReply",
            "unimplemented",
        ),
        ("this is not JSON", "Reply", "error"),
    ];
    let mut child = Command::new("python3")
        .arg(root().join("examples/adapters/python/adapter.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the example starts");
    let input: String = lines.iter().map(|(l, _, _)| format!("{l}\n")).collect();
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let output = child.wait_with_output().expect("the example exits at the end of its input");
    let text = String::from_utf8(output.stdout).expect("UTF-8 replies");
    let replies: Vec<&str> = text.lines().collect();
    assert_eq!(replies.len(), lines.len(), "one reply line per request line:\n{text}");
    let mut problems = Vec::new();
    for ((line, def, key), reply) in lines.iter().zip(&replies) {
        let v: Value = serde_json::from_str(reply).unwrap_or_else(|e| panic!("{reply} is not JSON: {e}"));
        let validator = map.get(&format!("#/$defs/{def}")).expect("def");
        for e in validator.iter_errors(&v) {
            problems.push(format!("the reply to {line} breaks {def} at {}: {e}\n  {reply}", e.instance_path()));
        }
        if v.get(*key).is_none() {
            problems.push(format!("the reply to {line} is not {key}: {reply}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
