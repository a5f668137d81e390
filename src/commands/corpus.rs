//! `export-corpus` and `regress`: between the cases and the fuzz targets.

use super::{Console, Failure, Outcome};
use std::path::Path;

/// `export-corpus`: writes every case's bytes as fuzz seeds,
/// `<out>/<target>/<case-id>.bin`, replacing the `*.bin` files there.
pub fn export_corpus(c: &mut Console, cases: &Path, out: &Path) -> Outcome {
    let suite = crate::cases::load_suite(cases).map_err(|e| Failure::config(e.to_string()))?;
    let seeds = crate::cases::corpus::seeds(&suite);
    for t in crate::fuzzing::TARGETS {
        let dir = out.join(t);
        std::fs::create_dir_all(&dir).map_err(|e| Failure::failed(format!("cannot create {}: {e}", dir.display())))?;
        let listing =
            std::fs::read_dir(&dir).map_err(|e| Failure::failed(format!("cannot list {}: {e}", dir.display())))?;
        for e in listing.flatten() {
            if e.path().extension().is_some_and(|x| x == "bin") {
                std::fs::remove_file(e.path())
                    .map_err(|er| Failure::failed(format!("cannot remove {}: {er}", e.path().display())))?;
            }
        }
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (target, name, bytes) in &seeds {
        let path = out.join(target).join(format!("{name}.bin"));
        crate::report::write_atomic(&path, bytes)
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
        *counts.entry(target).or_default() += 1;
    }
    for t in crate::fuzzing::TARGETS {
        c.say(format!("{t:<24} {:>5} seeds", counts.get(t).copied().unwrap_or(0)));
    }
    c.say(format!("{} seeds written under {}", seeds.len(), out.display()));
    Ok(0)
}

/// `regress`: turns a fuzz crash artifact into a regression case in `dir`.
pub fn regress(c: &mut Console, target: &str, artifact: &Path, dir: &Path, keep_passing: bool) -> Outcome {
    if !crate::fuzzing::TARGETS.contains(&target) {
        return Err(Failure::Usage(format!(
            "{target:?} is not a fuzz target; one of {}",
            crate::fuzzing::TARGETS.join(", ")
        )));
    }
    let bytes =
        std::fs::read(artifact).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", artifact.display())))?;
    let what = match crate::cases::regression::check(target, &bytes) {
        Err(e) => e,
        Ok(()) if keep_passing => "kept after the fix: this input no longer fails".to_string(),
        Ok(()) => {
            return Err(Failure::failed(format!(
                "{} does not fail {target} now; nothing written (--keep-passing writes it anyway)",
                artifact.display()
            )))
        }
    };
    let (id, text) = crate::cases::regression::render(target, &bytes, &what);
    let path = dir.join(format!("{id}.yaml"));
    crate::report::write_atomic(&path, text.as_bytes())
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    c.say(format!("{}: {what}", path.display()));
    Ok(0)
}
