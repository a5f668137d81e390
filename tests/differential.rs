//! `oxcnotif fuzz` finds the bugs planted in `tests/adapters/planted.py`
//! (a decoder that normalizes WantWholeStore, a decoder that never reports
//! MS-OXCNOTIF_R50, a server that drops ObjectCopied events) and in the
//! `tests/adapters/fuzz_*.py` adapters, which each list one role only
//! (encode only, check_trace only, server only); each reproducer cites the
//! requirement of the check that failed, passes against the reference and
//! fails against the planted target.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oxcnotif")
}

fn python() {
    let ok = Command::new("python3").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    assert!(ok, "python3 is needed to run the planted test adapter (CI installs it)");
}

/// Runs `oxcnotif fuzz` for at most 30 s; its exit status, standard output
/// and reproducers (file name, text).
fn fuzz(adapter: &str, max: usize) -> (Option<i32>, String, PathBuf, Vec<(String, String)>) {
    python();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::env::temp_dir().join(format!("oxcnotif-differential-{}-{adapter}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let target = format!("python3 {root}/tests/adapters/{adapter}");
    let o = Command::new(bin())
        .current_dir(root)
        .env("OXCNOTIF_BIN", bin())
        .args(["fuzz", "--target", &target, "--duration", "30s", "--seed", "1", "--max-disagreements"])
        .arg(max.to_string())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let cases = std::fs::read_dir(&out)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&p).unwrap()))
                .collect()
        })
        .unwrap_or_default();
    (o.status.code(), stdout, out, cases)
}

/// The reproducer whose file name starts with `prefix` and which cites `requirement`.
fn cites<'a>(cases: &'a [(String, String)], prefix: &str, requirement: &str) -> Option<&'a str> {
    cases
        .iter()
        .find(|(n, t)| n.starts_with(prefix) && t.contains(&format!("requirements:\n  - {requirement}\n")))
        .map(|(n, _)| n.as_str())
}

/// Reruns the reproducers: against the reference every one passes, against
/// the planted target the run's output (which must show no PASS).
fn rerun(out: &PathBuf, adapter: &str, n: usize) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let o = Command::new(bin()).current_dir(root).args(["run", "--no-report", "--suite"]).arg(out).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(0), "{text}");
    let cases = if n == 1 { "case" } else { "cases" };
    assert!(text.contains(&format!("{n} {cases}: {n} PASS")), "{text}");
    let target = format!("python3 {root}/tests/adapters/{adapter}");
    let o = Command::new(bin())
        .current_dir(root)
        .env("OXCNOTIF_BIN", bin())
        .args(["run", "--no-report", "--target", &target, "--suite"])
        .arg(out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!text.contains(" PASS"), "no reproducer passes against the planted target: {text}");
    text
}

#[test]
fn fuzz_finds_the_planted_disagreements_and_writes_reproducers_that_fail_as_cases() {
    let (code, stdout, out, cases) = fuzz("planted.py", 3);
    assert_eq!(code, Some(1), "a disagreement makes fuzz exit 1:\n{stdout}");
    assert!(
        cites(&cases, "fuzz.register-notification-request.", "MS-OXCNOTIF_R52").is_some(),
        "the WantWholeStore bug is found, citing R52: {stdout}"
    );
    assert!(
        cites(&cases, "fuzz.register-notification-request.", "MS-OXCNOTIF_R50").is_some(),
        "the missing R50 finding: {stdout}"
    );
    assert!(
        cites(&cases, "fuzz.sequence.", "MS-OXCNOTIF_R46").is_some(),
        "the dropped ObjectCopied, citing R46: {stdout}"
    );
    let text = rerun(&out, "planted.py", cases.len());
    // A missing finding takes its requirement's level: R50 is a MUST.
    assert!(text.contains("3 FAIL") && !text.contains("NON-STRICT"), "{text}");
    assert_eq!(cases.iter().map(|c| &c.0).collect::<std::collections::BTreeSet<_>>().len(), cases.len());
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn an_encode_only_adapter_gets_inputs_and_its_encoder_bug_is_found() {
    let (code, stdout, out, cases) = fuzz("fuzz_encode_only.py", 1);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("sending encode") && !stdout.contains("\n0 inputs"), "{stdout}");
    assert!(cites(&cases, "fuzz.register-notification-request.", "MS-OXCNOTIF_R52").is_some(), "{stdout}");
    let text = rerun(&out, "fuzz_encode_only.py", cases.len());
    assert!(text.contains("1 case: 1 FAIL"), "{text}");
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn a_monitor_only_adapter_gets_traces_and_a_missing_finding_is_found() {
    let (code, stdout, out, cases) = fuzz("fuzz_monitor_only.py", 1);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(cites(&cases, "fuzz.trace.", "MS-OXCNOTIF_R407").is_some(), "{stdout}");
    let text = rerun(&out, "fuzz_monitor_only.py", cases.len());
    assert!(text.contains("1 case: 1 FAIL"), "{text}");
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn a_server_only_adapter_gets_failing_registrations_and_new_mail_classes() {
    let (code, stdout, out, cases) = fuzz("fuzz_server.py", 3);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(cites(&cases, "fuzz.sequence.", "MS-OXCROPS_R457301").is_some(), "released input handle: {stdout}");
    assert!(cites(&cases, "fuzz.sequence.", "MS-OXCNOTIF_R223").is_some(), "NewMail MessageClass: {stdout}");
    let text = rerun(&out, "fuzz_server.py", cases.len());
    // Every reproducer fails against the buggy adapter: FAIL, or NON-STRICT
    // where a knock-on effect breaks only a SHOULD (a shorter notification
    // that now fits, so no RopPending: MS-OXCNOTIF_R349).
    let summary = text.lines().find(|l| l.contains(" cases: ")).unwrap_or("");
    assert!(summary.contains("FAIL") && !summary.contains("PASS") && !summary.contains("ERROR"), "{text}");
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn an_adapter_offering_nothing_to_fuzz_is_refused_with_status_2() {
    python();
    let script = "import json,sys\nfor l in sys.stdin:\n r=json.loads(l)\n print(json.dumps({'id':r['id'],'ok':{'name':'empty','operations':['hello']}}),flush=True)";
    let target = format!("python3 -c \"{script}\"");
    let o = Command::new(bin()).args(["fuzz", "--target", &target, "--duration", "5s"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("lists nothing the fuzzer can send"), "{err}");
}
