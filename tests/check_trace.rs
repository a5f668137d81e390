//! `oxcnotif check-trace FILE` as a user meets it: the text lines (the
//! default), the JSON (or YAML) document, the findings with requirement,
//! step, field and offset, the `error` object for a buffer that does not
//! decode, the trace from standard input, and the exit codes (0 conforming
//! or only SHOULDs departed from, 1 a broken MUST, a SHOULD with
//! `--strict`, or an undecodable buffer, 2 a file that cannot be read or is
//! not a trace file).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("oxcnotif-check-trace-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        TempDir(p)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `check-trace FILE EXTRA`, in the machine form (`--format json`) unless
/// `extra` names a format.
fn check_trace(file: &Path, extra: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oxcnotif"));
    c.arg("check-trace").arg(file).args(extra);
    if !extra.contains(&"--format") {
        c.args(["--format", "json"]);
    }
    c.output().expect("runs")
}

/// `check-trace - EXTRA` with `input` on standard input.
fn check_trace_stdin(input: &str, extra: &[&str]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["check-trace", "-"])
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Register whole-store into slot 1, poll (one RopNotify), release: a
/// conforming client.
const CONFORMING: &str = r#"
trace:
  - input: |
      0900      # RopSize: 9
      29        # RopsList[0].RopId: RopRegisterNotification
      00        # RopsList[0].LogonId
      00        # RopsList[0].InputHandleIndex: slot 0, the logon
      01        # RopsList[0].OutputHandleIndex: slot 1
      0400      # RopsList[0].NotificationTypes: ObjectCreated
      01        # RopsList[0].WantWholeStore: TRUE
      6f000000  # ServerObjectHandleTable[0]: the logon
      ffffffff  # ServerObjectHandleTable[1]: output only
  - output: |
      0800      # RopSize: 8
      29        # RopsList[0].RopId: RopRegisterNotification
      01        # RopsList[0].OutputHandleIndex
      00000000  # RopsList[0].ReturnValue: success
      6f000000  # ServerObjectHandleTable[0]
      70000000  # ServerObjectHandleTable[1]: the subscription
  - input: "0200"
  - output: "1c00 2a 70000000 00 0400 0100000000001002 0100000000000001 0000"
  - input: "0500 01 00 00 70000000"
  - output: "0200"
"#;

/// The client leaves 0x00000000 in the output slot (R4495, step 0), then
/// releases 0x00000071, which it was never given (R408, step 2), and never
/// releases its subscription 0x00000070 (R409, reported at step 0).
const BROKEN: &str = r#"
layout: spec
trace:
  - input: "0900 29 00 00 01 0400 01 6f000000 00000000"
  - output: "0800 29 01 00000000 6f000000 70000000"
  - input: "0500 01 00 00 71000000"
  - output: "0200"
"#;

#[test]
fn conforming_trace_exits_0_with_no_findings() {
    let d = TempDir::new("conforming");
    let f = d.file("conforming.yaml", CONFORMING);
    let o = check_trace(&f, &[]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["findings"], Value::Array(vec![]), "{v}");
    assert_eq!(v["steps"], 6);
    assert_eq!(v["file"], f.display().to_string());
    assert!(v.get("error").is_none(), "{v}");
}

#[test]
fn broken_trace_exits_1_and_lists_requirement_step_and_field() {
    let d = TempDir::new("broken");
    let o = check_trace(&d.file("broken.yaml", BROKEN), &[]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap_or_else(|| panic!("no findings list: {v}"));
    let mut got: Vec<(String, u64, String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["requirement"].as_str().unwrap_or("?").to_string(),
                f["step"].as_u64().unwrap_or(u64::MAX),
                f["field"].as_str().unwrap_or("?").to_string(),
                f["offset"].as_u64().unwrap_or(u64::MAX),
                f["level"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("MS-OXCNOTIF_R408", 2, "RopsList[0].InputHandleIndex", 4, "MUST"),
        ("MS-OXCNOTIF_R409", 0, "RopsList[0].RopId", 2, "MUST"),
        ("MS-OXCROPS_R4495", 0, "RopsList[0].OutputHandleIndex", 5, "SHOULD"),
    ]
    .map(|(r, s, f, o, l)| (r.to_string(), s, f.to_string(), o, l.to_string()));
    assert_eq!(got, want, "{v}");
    for f in findings {
        assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()), "a finding without message: {f}");
    }
    // The messages name the handles involved.
    let text = v.to_string();
    assert!(text.contains("0x00000071"), "{v}");
    assert!(text.contains("0x00000070"), "{v}");
}

#[test]
fn yaml_format_prints_the_same_document() {
    let d = TempDir::new("yaml");
    let f = d.file("broken.yaml", BROKEN);
    let as_json = json(&check_trace(&f, &[]));
    let o = check_trace(&f, &["--format", "yaml"]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "--format yaml printed JSON:\n{text}");
    let as_yaml: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"));
    assert_eq!(as_yaml, as_json);

    let o = check_trace(&d.file("conforming.yaml", CONFORMING), &["--format", "yaml"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let v: Value = serde_yaml::from_slice(&o.stdout).expect("YAML");
    assert_eq!(v["findings"], Value::Array(vec![]));
}

#[test]
fn legacy_layout_is_read_from_the_file() {
    // Bytes 04 01 after OutputHandleIndex: legacy reads NotificationTypes
    // 0x04 and Reserved 0x01 (R50); spec reads NotificationTypes 0x0104.
    let trace = "trace:\n  - input: \"0900 29 00 00 01 04 01 01 6f000000 ffffffff\"\n  - output: \"0800 29 01 00000000 6f000000 70000000\"\n  - input: \"0500 01 00 00 70000000\"\n  - output: \"0200\"\n";
    let d = TempDir::new("legacy");
    let o = check_trace(&d.file("spec.yaml", trace), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let o = check_trace(&d.file("legacy.yaml", &format!("layout: legacy\n{trace}")), &[]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["findings"][0]["requirement"], "MS-OXCNOTIF_R50", "{v}");
    assert_eq!(v["findings"][0]["field"], "RopsList[0].Reserved", "{v}");
    assert_eq!(v["findings"][0]["step"], 0, "{v}");
}

#[test]
fn missing_file_exits_2_naming_it() {
    let d = TempDir::new("missing");
    let f = d.0.join("no-such-trace.yaml");
    let o = check_trace(&f, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(stderr(&o).contains("no-such-trace.yaml"), "{}", stderr(&o));
}

#[test]
fn malformed_files_exit_2_naming_them() {
    let d = TempDir::new("malformed");
    let cases = [
        ("not-yaml.yaml", "trace: [input: \"0200\"\n"),
        ("not-a-map.yaml", "- input: \"0200\"\n"),
        ("unknown-key.yaml", "trace: []\nsteps: []\n"),
        ("no-trace.yaml", "layout: spec\n"),
        ("both.yaml", "trace:\n  - input: \"0200\"\n    output: \"0200\"\n"),
        ("odd-hex.yaml", "trace:\n  - input: \"0200\"\n  - output: \"020\"\n"),
        ("bad-layout.yaml", "layout: old\ntrace:\n  - input: \"0200\"\n"),
    ];
    for (name, text) in cases {
        let o = check_trace(&d.file(name, text), &[]);
        assert_eq!(o.status.code(), Some(2), "{name}: stdout {}", String::from_utf8_lossy(&o.stdout));
        assert!(o.stdout.is_empty(), "{name}: {}", String::from_utf8_lossy(&o.stdout));
        assert!(stderr(&o).contains(name), "{name}: the message does not name the file: {}", stderr(&o));
    }
    // A bad step names the step.
    let o = check_trace(&d.file("odd-hex.yaml", cases[5].1), &[]);
    assert!(stderr(&o).contains("trace[1].output"), "{}", stderr(&o));
    let o = check_trace(&d.file("both.yaml", cases[4].1), &[]);
    assert!(stderr(&o).contains("trace[0]"), "{}", stderr(&o));
}

#[test]
fn undecodable_buffer_gives_an_error_object_naming_the_step() {
    let d = TempDir::new("undecodable");
    // Step 2's input says RopSize 9 but carries only the RopId.
    let text = "trace:\n  - input: \"0200\"\n  - output: \"0200\"\n  - input: \"0900 29\"\n  - output: \"0200\"\n";
    let f = d.file("undecodable.yaml", text);
    let o = check_trace(&f, &[]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let v = json(&o);
    assert!(v.get("findings").is_none(), "{v}");
    assert_eq!(v["file"], f.display().to_string());
    assert_eq!(v["error"]["step"], 2, "{v}");
    let m = v["error"]["message"].as_str().unwrap_or_else(|| panic!("no message: {v}"));
    assert!(m.contains("input buffer does not decode"), "{m}");

    // An output that does not frame: RopNotify cut short.
    let text = "trace:\n  - input: \"0200\"\n  - output: \"0700 2a 70000000\"\n";
    let o = check_trace(&d.file("output.yaml", text), &["--format", "yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_yaml::from_slice(&o.stdout).expect("YAML");
    assert_eq!(v["error"]["step"], 1, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("output buffer does not decode")), "{v}");
}

/// Only a SHOULD departed from: the client leaves 0x00000000 in the output
/// slot (MS-OXCROPS_R4495) and releases its subscription properly.
const SHOULD_ONLY: &str = r#"
trace:
  - input: "0900 29 00 00 01 0400 01 6f000000 00000000"
  - output: "0800 29 01 00000000 6f000000 70000000"
  - input: "0500 01 00 00 70000000"
  - output: "0200"
"#;

#[test]
fn text_is_the_default_and_names_step_level_requirement_field_and_offset() {
    let d = TempDir::new("text");
    let f = d.file("broken.yaml", BROKEN);
    let o = check_trace(&f, &["--format", "text"]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let plain = Command::new(env!("CARGO_BIN_EXE_oxcnotif")).arg("check-trace").arg(&f).output().unwrap();
    assert_eq!(plain.stdout, o.stdout, "text is not the default");
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let words = |l: &str| l.split_whitespace().take(5).map(str::to_string).collect::<Vec<_>>();
    // By step, MUST first within a step.
    assert_eq!(words(lines[0]), ["step", "0", "input", "MUST", "MS-OXCNOTIF_R409"], "{text}");
    assert!(lines[0].contains("RopsList[0].RopId (offset 2): ") && lines[0].contains("0x00000070"), "{text}");
    assert_eq!(words(lines[1]), ["step", "0", "input", "SHOULD", "MS-OXCROPS_R4495"], "{text}");
    assert_eq!(words(lines[2]), ["step", "2", "input", "MUST", "MS-OXCNOTIF_R408"], "{text}");
    assert_eq!(lines[3], format!("FAIL {}: 4 steps, 3 findings (2 MUST, 1 SHOULD)", f.display()));

    let o = check_trace(&d.file("conforming.yaml", CONFORMING), &["--format", "text"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("PASS ") && stdout(&o).contains("6 steps, no client rule broken"), "{}", stdout(&o));

    let text = "trace:\n  - input: \"0200\"\n  - output: \"0700 2a 70000000\"\n";
    let o = check_trace(&d.file("output.yaml", text), &["--format", "text"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("ERROR ") && stdout(&o).contains("step 1 (output): the output buffer does not decode"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_should_only_trace_exits_0_unless_strict() {
    let d = TempDir::new("should");
    let f = d.file("should.yaml", SHOULD_ONLY);
    let o = check_trace(&f, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["findings"][0]["level"], "SHOULD", "{v}");
    let o = check_trace(&f, &["--format", "text"]);
    assert!(stdout(&o).contains("NON-STRICT ") && stdout(&o).contains("1 finding (1 SHOULD)"), "{}", stdout(&o));
    assert_eq!(check_trace(&f, &["--strict"]).status.code(), Some(1));
    // A MUST fails with or without --strict.
    assert_eq!(check_trace(&d.file("broken.yaml", BROKEN), &["--strict"]).status.code(), Some(1));
}

#[test]
fn the_trace_can_come_from_standard_input_as_yaml_or_json() {
    let o = check_trace_stdin(BROKEN, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["file"], "-");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(3), "{v}");
    let as_json = r#"{"trace": [{"input": "0900 29 00 00 01 0400 01 6f000000 00000000"}, {"output": "0800 29 01 00000000 6f000000 70000000"}, {"input": "0500 01 00 00 70000000"}, {"output": "0200"}]}"#;
    let o = check_trace_stdin(as_json, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("NON-STRICT standard input: 4 steps"), "{}", stdout(&o));
    // JSON is parsed as JSON: a trailing comma and a repeated key are
    // errors with their line and column, from standard input or a .json file.
    let o = check_trace_stdin("{\"trace\": [{\"input\": \"0200\"},]}", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("standard input: not a trace file (JSON): line 1, column 30: trailing comma"),
        "{}",
        stderr(&o)
    );
    let d = TempDir::new("json");
    let f = d.file("t.json", "{\n  \"trace\": [],\n  \"trace\": [{\"input\": \"0200\"}]\n}\n");
    let o = check_trace(&f, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("t.json: not a trace file (JSON): line 3, column ")
            && stderr(&o).contains("\"trace\" is given twice"),
        "{}",
        stderr(&o)
    );
}
