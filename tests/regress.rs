//! `oxcnotif regress` turns a fuzz artifact into a regression case that
//! `oxcnotif run` and `cargo test` replay.

use std::process::Command;

#[test]
fn regress_writes_a_case_that_loads_and_replays() {
    let dir = std::env::temp_dir().join(format!("oxcnotif-regress-{}", std::process::id()));
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    let artifact = dir.join("crash-0001");
    std::fs::write(&artifact, [0x04, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    // The input does not fail the target now: nothing is written without --keep-passing.
    let o = Command::new(bin)
        .args(["regress", "notification_data", artifact.to_str().unwrap(), "--dir", cases.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_dir(&cases).unwrap().count(), 0);
    let o = Command::new(bin)
        .args([
            "regress",
            "notification_data",
            artifact.to_str().unwrap(),
            "--dir",
            cases.to_str().unwrap(),
            "--keep-passing",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let suite = oxcnotif::cases::load_suite(&cases).unwrap();
    assert_eq!(suite.regressions.len(), 1);
    let r = &suite.regressions[0];
    assert_eq!(r.target, "notification_data");
    assert_eq!(r.bytes, vec![0x04, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert!(r.id.starts_with("regression.notification-data."));
    let out = Command::new(bin).args(["run", "--suite", cases.to_str().unwrap(), "--no-report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 case: 1 PASS"));
    // An unknown target is a usage error.
    let o = Command::new(bin).args(["regress", "nope", artifact.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
