//! The command line as a user meets it: output shapes, error objects and
//! exit codes (0 success, 1 decode/encode failure or a MUST finding with
//! --strict-findings, 2 usage error), JSON read as JSON.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn oxcnotif(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oxcnotif")).args(args).output().expect("runs")
}

fn oxcnotif_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

const RELEASES: &str = "08 00 01 00 00 01 00 01 6F 00 00 00 6E 00 00 00";

#[test]
fn decode_prints_structure_value_and_findings() {
    let o = oxcnotif(&["decode", "rop-input-buffer", RELEASES]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["structure"], "rop-input-buffer");
    assert_eq!(v["value"]["RopSize"], 8);
    assert_eq!(v["value"]["RopsList"][1]["InputHandleIndex"], 1);
    assert_eq!(v["value"]["ServerObjectHandleTable"][0], 0x6F);
    assert_eq!(v["findings"], Value::Array(vec![]));
}

#[test]
fn hex_accepts_prefix_case_and_spaces() {
    let a = json(&oxcnotif(&["decode", "pending-response", "0x6E0100"]));
    let b = json(&oxcnotif(&["decode", "pending-response", "6e 01 00"]));
    assert_eq!(a, b);
    assert_eq!(a["value"]["SessionIndex"], 1);
}

#[test]
fn findings_carry_requirement_level_field_and_offset() {
    // NotificationFlags 0x4004: S without M.
    let o = oxcnotif(&["decode", "notification-data", "0440 0100000000000001 0000"]);
    assert_eq!(o.status.code(), Some(0));
    let f = &json(&o)["findings"][0];
    assert_eq!(f["requirement"], "MS-OXCNOTIF_R120");
    assert_eq!(f["level"], "MUST");
    assert_eq!(f["field"], "NotificationFlags");
    assert_eq!(f["offset"], 0);
}

#[test]
fn framing_error_prints_error_object_and_exits_1() {
    let o = oxcnotif(&["decode", "notification-data", "0280 0100000000000001 01000000000000"]);
    assert_eq!(o.status.code(), Some(1));
    let e = &json(&o)["error"];
    assert_eq!(e["kind"], "Truncated");
    assert_eq!(e["field"], "MessageId");
    assert_eq!(e["offset"], 10);
    assert!(e["message"].as_str().unwrap().contains("needs 8 bytes"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(oxcnotif(&["decode", "no-such-structure", "00"]).status.code(), Some(2));
    let o = oxcnotif(&["decode", "pending-response", "6e 0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("odd number of hex digits"));
    assert_eq!(oxcnotif(&["decode"]).status.code(), Some(2));
    assert_eq!(oxcnotif(&["decode", "pending-response", "6e0100", "--layout", "sideways"]).status.code(), Some(2));
}

#[test]
fn decode_piped_into_encode_gives_the_bytes_back() {
    for (s, hex, layout) in [
        ("rop-input-buffer", RELEASES, "spec"),
        ("register-notification-request", "29 00 00 01 0204 00 00 0100000000000001 0000000000000000", "spec"),
        ("register-notification-request", "29 00 00 01 02 00 01", "legacy"),
        ("notification-data", "0280 0100000000000001 0100000000000002 00000000 01 49004e000000", "spec"),
    ] {
        for format in ["json", "yaml"] {
            let d = oxcnotif(&["decode", s, hex, "--format", format, "--layout", layout]);
            assert_eq!(d.status.code(), Some(0), "{s} {hex}");
            let e = oxcnotif_stdin(&["encode", s, "-", "--layout", layout], &String::from_utf8_lossy(&d.stdout));
            assert_eq!(e.status.code(), Some(0), "{}", String::from_utf8_lossy(&e.stderr));
            let want: String = hex.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
            assert_eq!(String::from_utf8_lossy(&e.stdout).trim(), want);
        }
    }
}

#[test]
fn encode_refuses_a_value_that_breaks_a_rule_naming_the_field() {
    // FolderId on a TableModified notification.
    let o = oxcnotif_stdin(
        &["encode", "notification-data"],
        r#"{"NotificationFlags": 256, "TableEventType": 1, "FolderId": "0100000000000001"}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("FolderId: present, but NotificationFlags 0x0100 (TableModified)"), "{err}");
    let o = oxcnotif_stdin(&["encode", "rop-input-buffer"], "RopsList:\n  - {RopId: 1, LogonId: 0}\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("RopsList[0].InputHandleIndex: missing"));
    let o = oxcnotif_stdin(&["encode", "pending-response"], "RopId: 0x6E\nSessionIndex: 1\nExtra: 2\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("Extra: not a field"));
}

#[test]
fn json_input_is_parsed_as_json_and_yaml_as_yaml() {
    // A trailing comma and a repeated key are errors, with their position.
    let o = oxcnotif_stdin(&["encode", "pending-response"], "{\"RopId\": 110, \"SessionIndex\": 1,}");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("standard input: not JSON: line 1, column 34: trailing comma"), "{err}");
    let o = oxcnotif_stdin(&["encode", "pending-response"], "{\"RopId\": 110,\n \"RopId\": 110, \"SessionIndex\": 1}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2, column 8: key \"RopId\" is given twice"), "{err}");
    // A YAML flow mapping on standard input is told how to be read as YAML.
    let o = oxcnotif_stdin(&["encode", "pending-response"], "{RopId: 0x6E, SessionIndex: 1}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("put it in a .yaml file"));
    let dir = std::env::temp_dir().join(format!("oxcnotif-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A .json file is JSON whatever it starts with; a .yaml file is YAML.
    std::fs::write(dir.join("v.json"), "  // no comments in JSON\n{}").unwrap();
    let o = oxcnotif(&["encode", "pending-response", dir.join("v.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("v.json: not JSON: line 1, column 3"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(dir.join("v.yaml"), "{RopId: 0x6E, SessionIndex: 1}").unwrap();
    let o = oxcnotif(&["encode", "pending-response", dir.join("v.yaml").to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "6e0100");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn decode_and_dissect_exit_0_on_findings_unless_strict_findings() {
    let hex = "0440 0100000000000001 0000";
    let o = oxcnotif(&["decode", "notification-data", hex]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("finding: MUST MS-OXCNOTIF_R120 at offset 0, NotificationFlags: "), "{err}");
    assert!(err.contains("1 finding (1 MUST); the bytes frame, so exit status 0"), "{err}");
    let o = oxcnotif(&["decode", "notification-data", hex, "--strict-findings"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["findings"][0]["requirement"], "MS-OXCNOTIF_R120");
    let o = oxcnotif(&["dissect", "notification-data", hex]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 finding (1 MUST)"));
    assert_eq!(oxcnotif(&["dissect", "notification-data", hex, "--strict-findings"]).status.code(), Some(1));
    // No findings: nothing on standard error.
    let o = oxcnotif(&["decode", "pending-response", "6e0100", "--strict-findings"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty());
}

#[test]
fn encode_reads_a_file_and_accepts_hex_integers() {
    let dir = std::env::temp_dir().join(format!("oxcnotif-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("v.yaml");
    std::fs::write(&f, "RopId: 0x6E\nSessionIndex: \"0x0102\"\n").unwrap();
    let o = oxcnotif(&["encode", "pending-response", f.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "6e0201");
    let o = oxcnotif(&["encode", "pending-response", dir.join("missing.yaml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn layouts_read_the_same_bytes_differently() {
    // TableModified (0x0100) whole-store: spec reads 2-byte types; legacy reads
    // types 0x00 then Reserved 0x01.
    let hex = "29 00 00 01 0001 01";
    let spec = json(&oxcnotif(&["decode", "register-notification-request", hex]));
    assert_eq!(spec["value"]["NotificationTypes"], 0x0100);
    let legacy = oxcnotif(&["decode", "register-notification-request", hex, "--layout", "legacy"]);
    let l = json(&legacy);
    assert_eq!(l["value"]["Reserved"], 1);
    let ids: Vec<_> =
        l["findings"].as_array().unwrap().iter().map(|f| f["requirement"].as_str().unwrap().to_string()).collect();
    assert!(ids.contains(&"MS-OXCNOTIF_R50".to_string()), "{ids:?}");
}

#[test]
fn dissect_lists_fields_and_findings_inline() {
    let o = oxcnotif(&["dissect", "notify-response", "2a ffffffff 00 0440 0100000000000001 0000"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("0001    ff ff ff ff"), "{text}");
    assert!(text.contains("NotificationData.NotificationFlags"));
    assert!(text.contains("! MUST MS-OXCROPS_R4560"));
    assert!(text.contains("! MUST MS-OXCNOTIF_R120"));
    let o = oxcnotif(&["dissect", "notify-response", "2a 01000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("error Truncated: LogonId"));
}

#[test]
fn help_lists_every_structure() {
    let o = oxcnotif(&["decode", "--help"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for s in oxcnotif::wire::Structure::ALL {
        assert!(text.contains(s.name()), "{} missing from --help", s.name());
    }
}

#[test]
fn run_fails_on_a_failing_case_and_refuses_a_broken_file() {
    let dir = std::env::temp_dir().join(format!("oxcnotif-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = |expect: &str| {
        format!(
            "structure: pending-response\ncases:\n  - id: t.one\n    description: d\n    sections: [MS-OXCROPS 2.2.14.3.1]\n    requirements: [MS-OXCROPS_R4437]\n    bytes: \"6e0100\"\n    expect:\n      {expect}\n"
        )
    };
    std::fs::write(dir.join("a.yaml"), case("value: {RopId: 0x6E, SessionIndex: 1}")).unwrap();
    let o = oxcnotif(&["run", "--suite", dir.to_str().unwrap(), "--no-report"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 case: 1 PASS"));
    std::fs::write(dir.join("a.yaml"), case("value: {RopId: 0x6E, SessionIndex: 2}")).unwrap();
    let o = oxcnotif(&["run", "--suite", dir.to_str().unwrap(), "--no-report"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("SessionIndex: expected 2, got 1"), "{out}");
    assert!(out.contains("rerun: oxcnotif run --case t.one"));
    std::fs::write(dir.join("a.yaml"), case("valu: {RopId: 0x6E}")).unwrap();
    let o = oxcnotif(&["run", "--suite", dir.to_str().unwrap(), "--no-report"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.yaml:") && err.contains("unknown field `valu`"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn counts_in_messages_are_singular_for_one() {
    let o = oxcnotif_stdin(
        &["encode", "notification-data"],
        r#"{"NotificationFlags": 4, "FolderId": "01", "TagCount": 0}"#,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("FolderId: an ID is 8 bytes (16 hex digits), found 1 byte"), "{err}");
    // A response naming slot 3 of a one-entry handle table.
    let o = oxcnotif(&["decode", "rop-output-buffer", "0800 29 03 00000000 6f000000"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("(1 entry)") && !text.contains("1 entries"), "{text}");
    assert_eq!(oxcnotif::plural::plural_of(2, "entry", "entries"), "2 entries");
}
