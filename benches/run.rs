//! How fast the whole suite runs: against the built-in reference in
//! process, and against `oxcnotif adapter` as an external target over the
//! adapter protocol (pipes, JSON lines, the codec requests pipelined).
//! Prints cases per second for each, best of five runs.
//!
//! Run: `cargo bench --bench run`

use oxcnotif::cases::run::{run_suite, RunOptions, Verdict};
use oxcnotif::target::process::{AdapterProcess, Options};
use oxcnotif::target::reference::Reference;
use std::time::{Duration, Instant};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = oxcnotif::cases::load_suite(&root.join("spec-cases")).expect("the suite loads");
    let opts = RunOptions::default();
    let best = |f: &mut dyn FnMut() -> usize| -> (Duration, usize) {
        let mut best = Duration::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed());
        }
        (best, n)
    };
    let (t, n) = best(&mut || {
        let r = run_suite(&suite, &mut Reference::new(), &opts);
        assert!(r.rows.iter().all(|row| row.outcome.verdict == Verdict::Pass));
        r.rows.len()
    });
    println!(
        "built-in reference:        {n} cases in {:>7.1} ms = {:>8.0} cases/s",
        t.as_secs_f64() * 1e3,
        n as f64 / t.as_secs_f64()
    );
    let cmd = format!("{} adapter", env!("CARGO_BIN_EXE_oxcnotif"));
    let mut target = AdapterProcess::start(&cmd, Options::default()).expect("oxcnotif adapter starts");
    let (t, n) = best(&mut || {
        let r = run_suite(&suite, &mut target, &opts);
        assert!(r.rows.iter().all(|row| row.outcome.verdict == Verdict::Pass));
        r.rows.len()
    });
    println!(
        "oxcnotif adapter (pipes):  {n} cases in {:>7.1} ms = {:>8.0} cases/s",
        t.as_secs_f64() * 1e3,
        n as f64 / t.as_secs_f64()
    );
}
