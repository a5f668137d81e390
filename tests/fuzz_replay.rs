//! Every committed fuzz seed and every regression input runs through the
//! same checks as the fuzz targets (src/fuzzing.rs), on stable and without
//! libFuzzer, so `cargo test` (and mutation testing) sees them.

use oxcnotif::fuzzing::{run_target, TARGETS};
use std::path::Path;

#[test]
fn every_seed_passes_its_targets_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut total = 0;
    let mut failures = Vec::new();
    for target in TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).expect("seed readable");
            total += 1;
            if let Err(msg) = run_target(target, &data) {
                failures.push(format!("{target}/{}: {msg}", e.file_name().to_string_lossy()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {total} seeds fail:\n{}", failures.len(), failures.join("\n"));
    assert!(total > 500, "only {total} seeds under fuzz/seeds: run `cargo run -- export-corpus`");
}

#[test]
fn every_regression_input_passes_now() {
    let suite =
        oxcnotif::cases::load_suite(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases")).expect("cases load");
    for r in &suite.regressions {
        if let Err(e) = oxcnotif::cases::regression::check(&r.target, &r.bytes) {
            panic!("{} ({}:{}) fails again: {e}", r.id, r.file.display(), r.line);
        }
    }
}

#[test]
fn an_unknown_target_is_an_error_not_a_pass() {
    assert!(oxcnotif::cases::regression::check("no_such_target", b"").is_err());
}

#[test]
fn structure_aware_generation_round_trips() {
    // Deterministic pseudo-random inputs for the structure-aware target.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in 0..400 {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        run_target("structure_aware", &data).unwrap_or_else(|e| panic!("structure_aware on {len} bytes: {e}"));
    }
}
