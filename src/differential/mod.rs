//! Differential fuzzing of an implementation: `oxcnotif fuzz --target CMD`.
//!
//! Generates inputs from the same generators as the fuzz targets (valid
//! values of every entry structure from [`mod@crate::fuzzing::generate`],
//! near-valid bytes made by mutating the spec cases' bytes, and operation
//! sequences against a server), runs each through the target and the
//! built-in reference in lockstep, and turns every disagreement into a
//! minimized reproducer: a YAML case (wire or sequence) that holds the
//! reference's answer, so it passes against the reference and fails
//! against the target. Only MUST-level differences count: accepting what
//! the reference rejects (or the reverse), a different value, different
//! bytes from encoding, different server output; findings and error kinds
//! are not compared. Handles are compared by order of assignment, not by
//! value.

mod codec;
mod rng;
mod sequence;

use crate::cases::Suite;
use crate::fuzzing::generate::generate;
use crate::target::reference::Reference;
use crate::target::Implementation;
use codec::{codec_disagreement, mutate, CodecInput};
use rng::Rng;
use sequence::{gen_ops, sequence_disagreement};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long and from where.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop after this long.
    pub duration: Duration,
    /// Seed of the input generator: the same seed gives the same inputs.
    pub seed: u64,
    /// Stop after this many inputs (for tests), if given.
    pub max_inputs: Option<u64>,
    /// Stop after this many distinct disagreements.
    pub max_disagreements: usize,
    /// Set from outside (Ctrl-C).
    pub interrupted: Arc<AtomicBool>,
}

/// One disagreement, minimized, with its reproducer.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// The reproducer's case id (also its file name).
    pub id: String,
    /// `decode`, `encode`, `server` or `error` (the target broke).
    pub kind: &'static str,
    /// What differs, in a line.
    pub summary: String,
    /// The reproducer: a case file for `spec-cases/`.
    pub case_yaml: String,
    /// What makes two disagreements the same bug: the kind, the structure
    /// and the differing field (list indexes and values left out).
    pub signature: String,
}

/// The signature of a disagreement summary: its field path without list
/// indexes, before the first `:`.
pub(super) fn signature(kind: &str, scope: &str, why: &str) -> String {
    let field = why.split(": ").find(|p| !p.starts_with("step ")).unwrap_or("");
    let mut out = String::new();
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    format!("{kind}/{scope}/{out}")
}

/// What a fuzzing session did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Inputs run through both sides, by kind (`valid`, `near-valid`, `sequence`).
    pub inputs: BTreeMap<&'static str, u64>,
    /// Inputs the target answered `unimplemented` (skipped).
    pub unimplemented: u64,
    /// The disagreements, in the order found, one per signature.
    pub disagreements: Vec<Disagreement>,
    /// Disagreements found again with a signature already reported.
    pub duplicates: u64,
    /// Time spent.
    pub elapsed: Duration,
}

/// Where a running session stands: what [`run`] hands its progress
/// callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Time spent so far.
    pub elapsed: Duration,
    /// How long the session may run ([`Options::duration`]).
    pub total: Duration,
    /// Inputs tried so far.
    pub inputs: u64,
    /// Distinct disagreements found so far.
    pub found: usize,
    /// Set on the last report only, once the session has stopped.
    pub finished: bool,
}

/// The requirement most cited by the suite's cases of a kind, for reproducers.
pub(super) fn most_cited<'a>(ids: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for id in ids {
        *n.entry(id).or_insert(0) += 1;
    }
    n.into_iter().max_by_key(|(id, c)| (*c, std::cmp::Reverse(*id))).map(|(id, _)| id.to_string())
}

pub(super) fn fnv(bytes: &[u8]) -> String {
    crate::cases::regression::input_hash(bytes)[..12].to_string()
}

/// Runs the session. `target` is the implementation under test; the
/// reference runs in process. `on_progress` hears how far the session has
/// got, at most every 200 ms while it runs and once more, with
/// [`Progress::finished`] set, when it stops; the library itself prints
/// nothing.
pub fn run(
    target: &mut dyn Implementation,
    suite: &Suite,
    opts: &Options,
    on_progress: &mut dyn FnMut(&Progress),
) -> Summary {
    let start = Instant::now();
    let mut rng = Rng(opts.seed ^ 0x6F78_636E_6F74_6966);
    let mut reference = Reference::new();
    let mut summary = Summary::default();
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let mut duplicates = 0u64;
    let seeds: Vec<CodecInput> =
        suite.wire.iter().filter_map(|c| c.bytes.clone().map(|b| (c.structure, c.layout, b))).collect();
    let server = ["reset", "execute", "event"].iter().all(|op| target.hello().supports(op));
    let codec = target.hello().supports("decode");
    let mut last_report = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < opts.duration
        && opts.max_inputs.is_none_or(|m| n < m)
        && summary.disagreements.len() < opts.max_disagreements
        && !opts.interrupted.load(Ordering::SeqCst)
    {
        n += 1;
        let which = rng.below(10);
        let found = if server && (which >= 7 || !codec) {
            *summary.inputs.entry("sequence").or_insert(0) += 1;
            let ops = gen_ops(&mut rng);
            sequence_disagreement(target, &mut reference, &ops, suite, opts)
        } else if codec {
            let input = if which < 4 || seeds.is_empty() {
                *summary.inputs.entry("valid").or_insert(0) += 1;
                let len = 16 + rng.below(240);
                let raw = rng.bytes(len);
                let mut u = arbitrary::Unstructured::new(&raw);
                match generate(&mut u).ok().and_then(|g| g.encoded()) {
                    Some(x) => x,
                    None => continue,
                }
            } else {
                *summary.inputs.entry("near-valid").or_insert(0) += 1;
                let (s, l, b) = &seeds[rng.below(seeds.len())];
                (*s, *l, mutate(&mut rng, b))
            };
            if !target.hello().codec_handles(input.0.name()) {
                summary.unimplemented += 1;
                continue;
            }
            codec_disagreement(target, &mut reference, &input, suite, opts)
        } else {
            break;
        };
        if let Some(d) = found {
            if seen.insert(d.signature.clone()) {
                summary.disagreements.push(d);
            } else {
                duplicates += 1;
            }
        }
        if last_report.elapsed() > Duration::from_millis(200) {
            last_report = Instant::now();
            on_progress(&Progress {
                elapsed: start.elapsed(),
                total: opts.duration,
                inputs: n,
                found: summary.disagreements.len(),
                finished: false,
            });
        }
    }
    on_progress(&Progress {
        elapsed: start.elapsed(),
        total: opts.duration,
        inputs: n,
        found: summary.disagreements.len(),
        finished: true,
    });
    summary.elapsed = start.elapsed();
    summary.duplicates = duplicates;
    summary
}

/// Reads a duration: a bare number is seconds (`3`, `1.5`); anything else
/// is read by the `humantime` crate (`60s`, `2m`, `500ms`, `1.5s`, `1h 30m`).
/// Zero is refused.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let d = match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => Duration::from_secs_f64(secs),
        Ok(_) => return Err(format!("{s:?} is not a positive duration")),
        Err(_) => humantime::parse_duration(s).map_err(|_| format!("{s:?} is not a duration like 60s, 2m or 500ms"))?,
    };
    if d.is_zero() {
        return Err(format!("{s:?} is not a positive duration"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read() {
        assert_eq!(parse_duration("60s").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("1.5m").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn a_signature_leaves_out_steps_and_list_indexes() {
        assert_eq!(
            signature("server", "sequence", "step 3: RopsList[0].NotificationData: reference says 1"),
            "server/sequence/RopsList.NotificationData"
        );
        assert_eq!(signature("decode", "x", "the target broke: eof"), "decode/x/the target broke");
    }

    #[test]
    fn the_reference_agrees_with_itself() {
        let suite =
            crate::cases::load_suite(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases").as_path())
                .unwrap();
        let mut target = Reference::new();
        let opts = Options {
            duration: Duration::from_secs(30),
            seed: 7,
            max_inputs: Some(400),
            max_disagreements: 1,
            interrupted: Arc::new(AtomicBool::new(false)),
        };
        let mut reports = Vec::new();
        let s = run(&mut target, &suite, &opts, &mut |p| reports.push(*p));
        let last = reports.last().expect("a last progress report");
        assert!(last.finished && reports.iter().filter(|p| p.finished).count() == 1);
        assert_eq!((last.inputs, last.total), (400, opts.duration));
        assert!(s.disagreements.is_empty(), "{:?}", s.disagreements.first());
        assert!(s.inputs.get("sequence").copied().unwrap_or(0) > 0 && s.inputs.get("valid").copied().unwrap_or(0) > 0);
    }
}
