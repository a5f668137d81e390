//! `oxcnotif fuzz` finds the bugs planted in `tests/adapters/planted.py`
//! (a decoder that tests WantWholeStore against 0x01, a decoder that never
//! reports MS-OXCNOTIF_R50, a server that drops ObjectCopied events), in
//! the `tests/adapters/fuzz_*.py` adapters, which each list one role only
//! (encode only, check_trace only, server only), and the quickly found
//! `tests/adapters/bug_*.py` bugs, the table ones included; each reproducer cites the requirement
//! of the check that failed, passes against the reference and fails against
//! the planted target. How long each bug_*.py bug takes to find, the slow
//! ones included, is measured in reports/fuzzing.md.

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
    // Dropping ObjectCopied also shows as its consequences (a RopNotify that
    // fits where the reference's two did not), so room for six.
    let (code, stdout, out, cases) = fuzz("planted.py", 6);
    assert_eq!(code, Some(1), "a disagreement makes fuzz exit 1:\n{stdout}");
    assert!(
        cites(&cases, "fuzz.register-notification-request.", "MS-OXCROPS_R4341").is_some(),
        "the WantWholeStore-is-0x01 bug is found, citing the FolderId presence rule (R4341): {stdout}"
    );
    let r50 = cites(&cases, "fuzz.register-notification-request.", "MS-OXCNOTIF_R50");
    assert!(r50.is_some(), "the missing R50 finding: {stdout}");
    assert!(
        cites(&cases, "fuzz.sequence.", "MS-OXCNOTIF_R46").is_some(),
        "the dropped ObjectCopied, citing R46: {stdout}"
    );
    let text = rerun(&out, "planted.py", cases.len());
    // A missing finding takes its requirement's level: R50 is a MUST.
    let r50 = r50.unwrap().trim_end_matches(".yaml");
    assert!(text.contains(&format!("FAIL {r50} ")), "{r50}: {text}");
    assert_eq!(cases.iter().map(|c| &c.0).collect::<std::collections::BTreeSet<_>>().len(), cases.len());
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn an_encode_only_adapter_gets_inputs_and_its_encoder_bug_is_found() {
    let (code, stdout, out, cases) = fuzz("fuzz_encode_only.py", 1);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("sending encode") && !stdout.contains("\n0 inputs"), "{stdout}");
    // The NotificationTypes rows: the field (R39) or its size (R133),
    // whichever the first differing input shows.
    let nt = ["MS-OXCNOTIF_R39", "MS-OXCNOTIF_R133"];
    assert!(nt.iter().any(|r| cites(&cases, "fuzz.register-notification-request.", r).is_some()), "{stdout}");
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

#[test]
fn fuzz_finds_the_bug_adapters_citing_the_rule_each_breaks() {
    // Each found in about a second by the release build (reports/fuzzing.md);
    // the ones that take longer are measured there, not here.
    for (adapter, prefix, requirement) in [
        ("bug_client_any_handle.py", "fuzz.trace.", "MS-OXCNOTIF_R450"),
        ("bug_release_response.py", "fuzz.sequence.", "MS-OXCROPS_R4572"),
        ("bug_reorder_pending.py", "fuzz.sequence.", "MS-OXCNOTIF_R334"),
        ("bug_same_handle.py", "fuzz.sequence.", "MS-OXCROPS_R4556"),
        ("bug_success_nothing_created.py", "fuzz.sequence.", "MS-OXCROPS_R4712"),
    ] {
        let (code, stdout, out, cases) = fuzz(adapter, 1);
        assert_eq!(code, Some(1), "{adapter}: {stdout}");
        assert!(cites(&cases, prefix, requirement).is_some(), "{adapter} cites {requirement}: {stdout}");
        std::fs::remove_dir_all(&out).ok();
    }
}

#[test]
fn fuzz_finds_the_table_bug_adapters_citing_the_rule_each_breaks() {
    // Sequences with table steps (src/differential/tables.rs): each bug is
    // found in about a second by the release build (reports/fuzzing.md), and
    // its reproducer passes against the reference and not against the bug.
    for (adapter, requirement) in [
        ("bug_tables_other_kinds_quiet.py", "MS-OXCNOTIF_R256"),
        ("bug_tables_ignore_no_notifications.py", "MS-OXCNOTIF_R258"),
        ("bug_tables_notify_after_reset.py", "MS-OXCNOTIF_R272"),
        ("bug_tables_wrong_columns.py", "MS-OXCNOTIF_R166001"),
    ] {
        let (code, stdout, out, cases) = fuzz(adapter, 1);
        assert_eq!(code, Some(1), "{adapter}: {stdout}");
        assert!(cites(&cases, "fuzz.sequence.", requirement).is_some(), "{adapter} cites {requirement}: {stdout}");
        rerun(&out, adapter, cases.len());
        std::fs::remove_dir_all(&out).ok();
    }
}
