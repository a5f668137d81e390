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
mod monitor;
mod rng;
mod sequence;
mod tables;

use crate::cases::Suite;
use crate::target::reference::Reference;
use crate::target::{Hello, Implementation};
use rng::Rng;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many independent codec inputs go to the target in one
/// [`Implementation::call_many`] batch.
pub const BATCH: usize = 256;

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
    /// The product profile and request layout every server sequence is
    /// played under, when the target is one product that reads one layout
    /// (a live server: `fuzz --server`, spec unless `--profile` and
    /// `--layout` say otherwise); `None`: each sequence draws its own.
    pub product: Option<(String, crate::wire::Layout)>,
}

/// What the fuzzer can send to a target, from its hello.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles {
    /// `decode` with at least one structure.
    pub decode: bool,
    /// `encode` with at least one structure.
    pub encode: bool,
    /// `reset` and `execute`.
    pub server: bool,
    /// `event` as well (server sequences then carry events).
    pub events: bool,
    /// `check_trace`.
    pub monitor: bool,
}

impl Roles {
    /// Reads the roles from a hello reply.
    pub fn of(h: &Hello) -> Roles {
        let codec = !h.structures.is_empty();
        let server = h.supports("reset") && h.supports("execute");
        Roles {
            decode: codec && h.supports("decode"),
            encode: codec && h.supports("encode"),
            server,
            events: server && h.supports("event"),
            monitor: h.supports("check_trace"),
        }
    }
    /// Whether the fuzzer has nothing to send.
    pub fn is_empty(&self) -> bool {
        !(self.decode || self.encode || self.server || self.monitor)
    }
    /// The roles in words (`decode, encode, server with events`).
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        if self.decode {
            v.push("decode");
        }
        if self.encode {
            v.push("encode");
        }
        if self.server {
            v.push(if self.events { "server (with events)" } else { "server (no events)" });
        }
        if self.monitor {
            v.push("check_trace");
        }
        if v.is_empty() {
            "nothing".into()
        } else {
            v.join(", ")
        }
    }
}

/// One disagreement, minimized, with its reproducer.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// The reproducer's case id (also its file name); unique to the signature.
    pub id: String,
    /// `decode`, `findings`, `encode`, `server`, `monitor` or `error` (the target broke).
    pub kind: &'static str,
    /// What differs, in a line.
    pub summary: String,
    /// The requirement of the check that failed, which the reproducer cites.
    pub requirement: String,
    /// The reproducer: a case file for `spec-cases/`.
    pub case_yaml: String,
    /// What makes two disagreements the same bug: the kind, the scope, the
    /// first semantic difference (field path without list indexes, derived
    /// lengths left out) and what differs there (a requirement ID, a
    /// ReturnValue, the kind of a missing ROP).
    pub signature: String,
}

impl Disagreement {
    /// The disagreement `c` found, with its reproducer: the comment `header`
    /// (lines starting with `#`) and then `doc`, a case file, as YAML.
    pub(super) fn from_check(id: String, c: Check, header: &str, doc: &serde_json::Value) -> Self {
        let case_yaml = format!("{header}\n{}", serde_yaml::to_string(doc).unwrap_or_default());
        Disagreement { id, kind: c.kind, signature: c.signature, requirement: c.requirement, summary: c.why, case_yaml }
    }
}

/// A check that failed: what the reproducer of one disagreement says.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Check {
    pub(super) kind: &'static str,
    pub(super) why: String,
    pub(super) signature: String,
    pub(super) requirement: String,
    /// `info` when the spec leaves the behaviour open.
    pub(super) grade: Option<&'static str>,
}

/// A field path without list indexes (`RopsList[0].NotificationData` →
/// `RopsList.NotificationData`).
pub(super) fn strip_indexes(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Lengths that follow from other fields: a difference there is a
/// consequence, not the bug.
pub(super) fn is_derived(path: &str) -> bool {
    let last = strip_indexes(path);
    let last = last.rsplit('.').next().unwrap_or("");
    matches!(last, "RopSize" | "TableRowDataSize")
}

/// The first semantic difference of a field-by-field comparison: the first
/// one that is not a derived length (or the first, when all are).
pub(super) fn first_semantic(d: &[(String, String)]) -> Option<&(String, String)> {
    d.iter().find(|(p, _)| !is_derived(p)).or(d.first())
}

/// The requirement that defines a field of a structure, where one does.
pub(super) fn requirement_of_field(structure: &str, path: &str) -> Option<&'static str> {
    let p = strip_indexes(path);
    let last = p.rsplit('.').next().unwrap_or("");
    let request = structure == "register-notification-request" || structure == "rop-input-buffer";
    Some(match last {
        "WantWholeStore" => "MS-OXCNOTIF_R52",
        "NotificationTypes" => "MS-OXCNOTIF_R39",
        "Reserved" => "MS-OXCNOTIF_R49",
        "FolderId" if request => "MS-OXCROPS_R4341",
        "MessageId" if request => "MS-OXCROPS_R4344",
        "FolderId" => "MS-OXCNOTIF_R169",
        "MessageId" => "MS-OXCNOTIF_R173",
        "NotificationHandle" => "MS-OXCNOTIF_R95",
        "NotificationFlags" => "MS-OXCNOTIF_R99",
        "TableEventType" => "MS-OXCNOTIF_R123",
        "TableRowData" | "TableRowDataSize" => "MS-OXCNOTIF_R163",
        "ParentFolderId" => "MS-OXCNOTIF_R177",
        "OldFolderId" => "MS-OXCNOTIF_R183",
        "OldMessageId" => "MS-OXCNOTIF_R186",
        "OldParentFolderId" => "MS-OXCNOTIF_R189",
        "TagCount" | "Tags" => "MS-OXCNOTIF_R195",
        "TotalMessageCount" => "MS-OXCNOTIF_R205",
        "UnreadMessageCount" => "MS-OXCNOTIF_R210",
        "MessageFlags" => "MS-OXCNOTIF_R214",
        "UnicodeFlag" => "MS-OXCNOTIF_R218",
        "MessageClass" => "MS-OXCNOTIF_R223",
        "OutputHandleIndex" => "MS-OXCROPS_R4350",
        "ReturnValue" => "MS-OXCROPS_R4352",
        "ServerObjectHandleTable" => "MS-OXCROPS_R4674",
        "RopsList" => "MS-OXCROPS_R4673",
        "RopSize" => "MS-OXCROPS_R4673",
        _ => return None,
    })
}

/// The reproducer's case id: the scope and a hash of the signature, so
/// that one bug keeps one id and two bugs never share one.
pub(super) fn case_id(scope: &str, signature: &str) -> String {
    format!("fuzz.{scope}.{}", fnv(signature.as_bytes()))
}

/// What a fuzzing session did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Inputs run through both sides, by kind (`valid`, `near-valid`, `sequence`, `trace`).
    pub inputs: BTreeMap<&'static str, u64>,
    /// Generated inputs of a structure the target does not list (not sent),
    /// and inputs it answered `unimplemented`.
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
/// reference runs in process. Every role the target's hello lists gets
/// inputs ([`Roles`]); a target with none runs nothing (the caller says
/// so). Codec inputs go in batches of [`BATCH`] through
/// [`Implementation::call_many`]; server sequences and traces one request
/// at a time. `on_progress` hears how far the session has got, at most
/// every 200 ms while it runs and once more, with [`Progress::finished`]
/// set, when it stops; the library itself prints nothing.
pub fn run(
    target: &mut dyn Implementation,
    suite: &Suite,
    opts: &Options,
    on_progress: &mut dyn FnMut(&Progress),
) -> Summary {
    let start = Instant::now();
    let mut rng = Rng(opts.seed ^ 0x6F78_636E_6F74_6966);
    // Sequences and traces each draw from their own stream, so the spec
    // cases (the codec lane's seeds) do not change which sequences and
    // traces a seed makes.
    let mut seq_rng = Rng(opts.seed ^ 2);
    let mut trace_rng = Rng(opts.seed ^ 3);
    // Table steps have their own stream too: the sequences without them are
    // the ones the seed made before there were table steps.
    let mut table_rng = Rng(opts.seed ^ 4);
    let mut reference = Reference::new();
    let mut summary = Summary::default();
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let roles = Roles::of(target.hello());
    let hello = target.hello().clone();
    let seeds: Vec<codec::CodecInput> = suite
        .wire
        .iter()
        .filter(|c| hello.codec_handles(c.structure.name()))
        .filter_map(|c| c.bytes.clone().map(|b| (c.structure, c.layout, b)))
        .collect();
    // Lanes and their weights: codec batches, server sequences, traces.
    let mut lanes: Vec<(u8, usize)> = Vec::new();
    if roles.decode || roles.encode {
        lanes.push((0, 2));
    }
    if roles.server {
        lanes.push((1, 6));
    }
    if roles.monitor {
        lanes.push((2, 3));
    }
    let weight: usize = lanes.iter().map(|l| l.1).sum();
    let mut last_report = Instant::now();
    let mut n: u64 = 0;
    while !lanes.is_empty()
        && start.elapsed() < opts.duration
        && opts.max_inputs.is_none_or(|m| n < m)
        && summary.disagreements.len() < opts.max_disagreements
        && !opts.interrupted.load(Ordering::SeqCst)
    {
        let mut pick = rng.below(weight);
        let lane = lanes
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map_or(0, |l| l.0);
        let left = opts.max_inputs.map_or(u64::MAX, |m| m - n);
        let found: Vec<Disagreement> = match lane {
            0 => {
                let want = (BATCH as u64).min(left) as usize;
                let mut batch = Vec::with_capacity(want);
                let mut tries = 0;
                while batch.len() < want && tries < want * 8 {
                    tries += 1;
                    let (kind, input) = codec::gen_input(&mut rng, &seeds);
                    let Some(input) = input else { continue };
                    if !hello.codec_handles(input.0.name()) {
                        summary.unimplemented += 1;
                        continue;
                    }
                    *summary.inputs.entry(kind).or_insert(0) += 1;
                    batch.push(input);
                }
                n += batch.len() as u64;
                if batch.is_empty() {
                    // The generator makes nothing this target handles, and
                    // there are no seeds of its structures: the codec lane is done.
                    lanes.retain(|l| l.0 != 0);
                    continue;
                }
                let checks = codec::compare_batch(target, &mut reference, &batch, roles);
                let mut out = Vec::new();
                for (input, check) in batch.iter().zip(checks) {
                    match check {
                        codec::Outcome::Differs(c) if !seen.contains(&c.signature) => {
                            if let Some(d) = codec::disagreement(target, &mut reference, input, &c, roles, suite, opts)
                            {
                                seen.insert(c.signature.clone());
                                out.push(d);
                            }
                        }
                        codec::Outcome::Differs(_) => summary.duplicates += 1,
                        codec::Outcome::Unimplemented => summary.unimplemented += 1,
                        codec::Outcome::Same => {}
                    }
                }
                out
            }
            1 => {
                n += 1;
                *summary.inputs.entry("sequence").or_insert(0) += 1;
                let mut seq = sequence::gen_sequence(&mut seq_rng, roles.events, opts.product.as_ref());
                // One sequence in two gets table steps (they need events).
                if roles.events && table_rng.below(2) == 0 {
                    tables::mix(&mut table_rng, &mut seq.ops);
                }
                sequence::disagreement(target, &mut reference, &seq, suite, opts).into_iter().collect()
            }
            _ => {
                n += 1;
                *summary.inputs.entry("trace").or_insert(0) += 1;
                let seq = sequence::gen_sequence(&mut trace_rng, false, None);
                // One trace in four has a client that acts on a RopNotify
                // for a handle not its own (MS-OXCNOTIF_R450).
                let foreign = (trace_rng.below(4) == 0).then(|| 0x0000_9900 | trace_rng.below(0x100) as u32);
                monitor::disagreement(target, &mut reference, &seq, foreign, opts).into_iter().collect()
            }
        };
        for d in found {
            if lane == 0 || seen.insert(d.signature.clone()) {
                summary.disagreements.push(d);
            } else {
                summary.duplicates += 1;
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
    summary.disagreements.truncate(opts.max_disagreements.max(1));
    on_progress(&Progress {
        elapsed: start.elapsed(),
        total: opts.duration,
        inputs: n,
        found: summary.disagreements.len(),
        finished: true,
    });
    summary.elapsed = start.elapsed();
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
        assert_eq!(strip_indexes("RopsList[0].NotificationData.Tags[3]"), "RopsList.NotificationData.Tags");
        assert!(is_derived("RopsList[0].NotificationData.TableRowDataSize") && is_derived("RopSize"));
        assert!(!is_derived("RopsList[0].ReturnValue"));
        let d =
            vec![("RopSize".to_string(), "x".to_string()), ("RopsList[0].ReturnValue".to_string(), "y".to_string())];
        assert_eq!(first_semantic(&d).unwrap().0, "RopsList[0].ReturnValue");
        assert_ne!(case_id("sequence", "server/a"), case_id("sequence", "server/b"));
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
            product: None,
        };
        let mut reports = Vec::new();
        let s = run(&mut target, &suite, &opts, &mut |p| reports.push(*p));
        let last = reports.last().expect("a last progress report");
        assert!(last.finished && reports.iter().filter(|p| p.finished).count() == 1);
        assert_eq!((last.inputs, last.total), (400, opts.duration));
        assert!(s.disagreements.is_empty(), "{:?}", s.disagreements.first());
        for kind in ["sequence", "valid", "near-valid", "trace"] {
            assert!(s.inputs.get(kind).copied().unwrap_or(0) > 0, "{kind}: {:?}", s.inputs);
        }
    }
}
