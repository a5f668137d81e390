//! Verdicts graded at the level the spec words them, checked end to end
//! with adapters under `tests/adapters/verdict_*.py`:
//!
//! - a decoder that refuses an undefined NotificationType or an
//!   unterminated MessageClass (both readings the spec leaves open) gets
//!   PASS or INFO on every case, never FAIL, and exit 0;
//! - an independent decoder that reads NotificationType as a bit mask gets
//!   no FAIL on the cases it implements;
//! - a decoder that reads an unterminated MessageClass as if it were
//!   terminated FAILs every such case, citing MS-OXCNOTIF_R223;
//! - a codec that normalizes Booleans (reads 0xFF as TRUE, writes TRUE as
//!   0x01) gets INFO on those cases, never FAIL.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the whole suite against `adapter`; returns the exit status and the
/// cases of results.json.
fn run(adapter: &str) -> (Option<i32>, Vec<Value>) {
    let out: PathBuf = std::env::temp_dir().join(format!("oxcnotif-verdicts-{adapter}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--target", &format!("python3 tests/adapters/{adapter}.py"), "--out"])
        .arg(&out)
        .output()
        .expect("oxcnotif run starts");
    let text = std::fs::read_to_string(out.join("results.json")).unwrap_or_else(|e| {
        panic!(
            "no results.json ({e}); oxcnotif said:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let _ = std::fs::remove_dir_all(&out);
    let v: Value = serde_json::from_str(&text).expect("results.json is JSON");
    (o.status.code(), v["cases"].as_array().cloned().unwrap_or_default())
}

fn verdict<'a>(cases: &'a [Value], id: &str) -> &'a str {
    cases.iter().find(|c| c["id"] == id).and_then(|c| c["verdict"].as_str()).unwrap_or("absent")
}

/// The cases where the spec leaves the reading open (an undefined type, an
/// unterminated MessageClass).
const OPEN: [&str; 18] = [
    "notification-data.types.two-bits-0006",
    "notification-data.types.two-bits-0104",
    "notification-data.types.two-bits-0500",
    "notification-data.types.all-type-bits",
    "notification-data.types.undefined-0200",
    "notification-data.types.undefined-0001",
    "notification-data.types.undefined-0800-message",
    "notification-data.types.zero",
    "notification-data.flags.undefined-type-with-s",
    "notification-data.flags.type-zero-all-flags",
    "notify-response.findings.inside-notification-data",
    "notification-data.message-class.ascii-unterminated",
    "notification-data.message-class.utf16-unterminated",
    "notification-data.message-class.utf16-single-zero-byte",
    "notification-data.message-class.missing-entirely",
    "notification-data.message-class.ascii-read-as-utf16",
    "notification-data.message-class.unterminated-and-bad-flag",
    "notify-response.findings.unterminated-message-class",
];

#[test]
fn refusing_what_the_spec_leaves_unframed_is_never_a_failure() {
    let (code, cases) = run("verdict_rejecting");
    for id in OPEN {
        assert_eq!(verdict(&cases, id), "INFO", "{id}");
    }
    let bad: Vec<String> = cases
        .iter()
        .filter(|c| !matches!(c["verdict"].as_str(), Some("PASS" | "INFO")))
        // An adapter has no MAPI over HTTP endpoint: those cases are UNIMPLEMENTED.
        .filter(|c| !(c["kind"] == "mapi-http" && c["verdict"] == "UNIMPLEMENTED"))
        .map(|c| format!("{} {}: {}", c["verdict"], c["id"], c["problems"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(code, Some(0));
    // The INFO note names the reading.
    let c = cases.iter().find(|c| c["id"] == OPEN[0]).unwrap();
    assert!(c.to_string().contains("MS-OXCNOTIF_R102"), "{c}");
}

#[test]
fn a_type_bit_decoder_does_not_fail() {
    let (_, cases) = run("verdict_type_bits");
    for id in OPEN.iter().filter(|id| id.starts_with("notification-data.")) {
        assert!(matches!(verdict(&cases, id), "PASS" | "INFO"), "{id}: {}", verdict(&cases, id));
    }
    let bad: Vec<String> = cases
        .iter()
        .filter(|c| matches!(c["verdict"].as_str(), Some("FAIL" | "ERROR" | "NON-STRICT")))
        .map(|c| format!("{} {}: {}", c["verdict"], c["id"], c["problems"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let passed = cases.iter().filter(|c| c["verdict"] == "PASS").count();
    assert!(passed > 100, "only {passed} notification-data cases passed");
}

#[test]
fn reading_an_unterminated_message_class_as_terminated_fails() {
    let (code, cases) = run("verdict_lenient_message_class");
    let unterminated: Vec<&&str> =
        OPEN.iter().filter(|id| id.contains("terminated") || id.contains("message-class")).collect();
    assert_eq!(unterminated.len(), 7);
    for id in unterminated {
        let c = cases.iter().find(|c| c["id"] == **id).expect("the case ran");
        assert_eq!(c["verdict"], "FAIL", "{id}");
        assert!(c["problems"].to_string().contains("MS-OXCNOTIF_R223"), "{id}: {}", c["problems"]);
    }
    assert_eq!(code, Some(1));
}

#[test]
fn normalizing_booleans_is_info_not_a_failure() {
    let (code, cases) = run("verdict_normalizes_booleans");
    let bad: Vec<String> = cases
        .iter()
        .filter(|c| matches!(c["verdict"].as_str(), Some("FAIL" | "ERROR" | "NON-STRICT")))
        .map(|c| format!("{} {}: {}", c["verdict"], c["id"], c["problems"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(code, Some(0));
    for id in [
        "register-notification-request.types.several-findings",
        "register-notification-request.scope.want-whole-store-02",
    ] {
        let c = cases.iter().find(|c| c["id"] == id).expect("the case ran");
        assert_eq!(c["verdict"], "INFO", "{id}: {c}");
        assert!(c["problems"].to_string().contains("as TRUE (0x01)"), "{id}: {}", c["problems"]);
    }
}

#[test]
fn basic_table_notifications_are_non_strict_never_fail() {
    // The level of table notifications is the server's choice (R260, R267);
    // informative SHOULD be sent when feasible (R268, R270).
    let out = std::env::temp_dir().join(format!("oxcnotif-verdicts-basic-tables-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
        .args([
            "run",
            "--cases",
            "sequence.tables.*",
            "--target",
            "python3 tests/adapters/verdict_basic_tables.py",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("oxcnotif run starts");
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    let _ = std::fs::remove_dir_all(&out);
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().cloned().unwrap_or_default();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(cases.iter().all(|c| matches!(c["verdict"].as_str(), Some("PASS" | "NON-STRICT"))));
    let c = cases.iter().find(|c| c["id"] == "sequence.tables.contents.row-added").unwrap();
    assert_eq!(c["verdict"], "NON-STRICT");
    assert!(c["problems"].to_string().contains("MS-OXCNOTIF_R268"), "{}", c["problems"]);
}
