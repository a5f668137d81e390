//! Time per call of each fuzz entry point (`oxcnotif::fuzzing::run_target`)
//! over a corpus, without libFuzzer: where a target's exec/s goes.
//! Uses `fuzz/corpus/<target>` when present (after a fuzzing run), else the
//! committed seeds in `fuzz/seeds/<target>`.
//!
//! Run: `cargo bench --features arbitrary --bench fuzz_entry [-- TARGET]`

use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    for target in oxcnotif::fuzzing::TARGETS {
        if only.as_deref().is_some_and(|o| o != target) {
            continue;
        }
        let dir = ["fuzz/corpus", "fuzz/seeds"]
            .iter()
            .map(|d| std::path::Path::new(d).join(target))
            .find(|p| p.is_dir() && std::fs::read_dir(p).map(|mut r| r.next().is_some()).unwrap_or(false));
        let Some(dir) = dir else { continue };
        let inputs: Vec<Vec<u8>> =
            std::fs::read_dir(&dir).unwrap().filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect();
        let bytes: usize = inputs.iter().map(Vec::len).sum();
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < Duration::from_secs(2) {
            for i in &inputs {
                let _ = black_box(oxcnotif::fuzzing::run_target(target, black_box(i)));
                calls += 1;
            }
        }
        let s = start.elapsed().as_secs_f64();
        println!(
            "{target:<24} {:>8} inputs, mean {:>5} bytes: {:>9.0} calls/s ({})",
            inputs.len(),
            bytes / inputs.len().max(1),
            calls as f64 / s,
            dir.display()
        );
    }
}
