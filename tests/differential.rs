//! `oxcnotif fuzz` finds the bugs planted in `tests/adapters/planted.py`
//! (a decoder that normalizes WantWholeStore, a server that drops
//! ObjectCopied events), and each reproducer it writes passes against the
//! reference and fails against the planted target.

use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oxcnotif")
}

fn python() {
    let ok = Command::new("python3").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    assert!(ok, "python3 is needed to run the planted test adapter (CI installs it)");
}

#[test]
fn fuzz_finds_the_planted_disagreements_and_writes_reproducers_that_fail_as_cases() {
    python();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::env::temp_dir().join(format!("oxcnotif-differential-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let target = format!("python3 {root}/tests/adapters/planted.py");
    let o = Command::new(bin())
        .current_dir(root)
        .env("OXCNOTIF_BIN", bin())
        .args(["fuzz", "--target", &target, "--duration", "60s", "--seed", "1", "--max-disagreements", "2"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a disagreement makes fuzz exit 1:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cases: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    assert!(
        cases.iter().any(|p| p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("fuzz.register-notification-request.")),
        "the WantWholeStore bug is found: {stdout}"
    );
    assert!(
        cases.iter().any(|p| p.file_name().unwrap().to_string_lossy().starts_with("fuzz.sequence.")),
        "the dropped ObjectCopied is found: {stdout}"
    );
    // Against the reference every reproducer passes ...
    let o = Command::new(bin()).current_dir(root).args(["run", "--no-report", "--suite"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    // ... and against the planted target every one fails.
    let o = Command::new(bin())
        .current_dir(root)
        .env("OXCNOTIF_BIN", bin())
        .args(["run", "--no-report", "--target", &target, "--suite"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("{} cases: {} FAIL", cases.len(), cases.len())), "{text}");
    std::fs::remove_dir_all(&out).ok();
}
