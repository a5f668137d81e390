//! Differential fuzzing of an implementation: `oxcnotif fuzz --target CMD`.
//!
//! Generates inputs from the same generators as the fuzz targets (valid
//! values of every entry structure from [`crate::fuzzing::generate`],
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

use crate::cases::run::diff_paths;
use crate::cases::Suite;
use crate::fuzzing::generate::generate;
use crate::model::EventType;
use crate::target::reference::Reference;
use crate::target::{request, Implementation, Reply};
use crate::wire::register_notification::RopRegisterNotificationRequest;
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop_buffer::{RopInputBuffer, RopRequest, UNUSED_HANDLE};
use crate::wire::{Id8, Layout, Structure, WireStructure};
use serde_json::{json, Value};
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
    /// Draw a progress line on standard error.
    pub progress: bool,
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
fn signature(kind: &str, scope: &str, why: &str) -> String {
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

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The requirement most cited by the suite's cases of a kind, for reproducers.
fn most_cited<'a>(ids: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for id in ids {
        *n.entry(id).or_insert(0) += 1;
    }
    n.into_iter().max_by_key(|(id, c)| (*c, std::cmp::Reverse(*id))).map(|(id, _)| id.to_string())
}

fn fnv(bytes: &[u8]) -> String {
    crate::cases::regression::input_hash(bytes)[..12].to_string()
}

/// A codec input: structure, reading, bytes.
type CodecInput = (Structure, Layout, Vec<u8>);

/// Why two decode or encode results differ (MUST level only), if they do.
fn codec_differs(reference: &Reply, target: &Reply) -> Option<(&'static str, String)> {
    let (Reply::Ok(r), Reply::Ok(t)) = (reference, target) else {
        return match target {
            Reply::Broken { problem, .. } => Some(("error", format!("the target broke: {problem}"))),
            Reply::Failed(m) => Some(("error", format!("the target answered error: {m}"))),
            _ => None,
        };
    };
    match (r.get("value"), t.get("value"), r.get("error"), t.get("error")) {
        (Some(rv), Some(tv), _, _) => {
            let d = diff_paths("", rv, tv);
            d.first().map(|(p, m)| {
                (
                    "decode",
                    format!("{p}: reference {m}", m = m.replace("expected", "says").replace(", got", ", target gives")),
                )
            })
        }
        (Some(_), None, _, Some(e)) => Some(("decode", format!("the target rejects what the reference accepts: {e}"))),
        (None, Some(_), Some(e), _) => Some((
            "decode",
            format!("the target accepts what the reference rejects ({})", e["message"].as_str().unwrap_or("")),
        )),
        _ => None,
    }
}

/// Runs the session. `target` is the implementation under test; the
/// reference runs in process.
pub fn run(target: &mut dyn Implementation, suite: &Suite, opts: &Options) -> Summary {
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
    let mut last_draw = Instant::now();
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
        if opts.progress && last_draw.elapsed() > Duration::from_millis(200) {
            last_draw = Instant::now();
            draw(start.elapsed(), opts.duration, n, summary.disagreements.len());
        }
    }
    if opts.progress {
        draw(start.elapsed(), opts.duration, n, summary.disagreements.len());
        eprintln!();
    }
    summary.elapsed = start.elapsed();
    summary.duplicates = duplicates;
    summary
}

fn draw(elapsed: Duration, total: Duration, n: u64, found: usize) {
    let frac = (elapsed.as_secs_f64() / total.as_secs_f64().max(1e-9)).min(1.0);
    let width = 30;
    let done = (frac * width as f64) as usize;
    eprint!(
        "\r[{}{}] {:>5.1}s/{:.0}s  {n} inputs  {found} disagreement{}  ",
        "#".repeat(done),
        " ".repeat(width - done),
        elapsed.as_secs_f64(),
        total.as_secs_f64(),
        if found == 1 { "" } else { "s" }
    );
}

/// Near-valid bytes: one to four mutations of a valid input.
fn mutate(rng: &mut Rng, b: &[u8]) -> Vec<u8> {
    let mut v = b.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF][rng.below(7)];
            }
            2 if !v.is_empty() => {
                let cut = rng.below(v.len());
                v.truncate(cut);
            }
            3 => {
                let i = rng.below(v.len() + 1);
                let len = 1 + rng.below(4);
                let extra = rng.bytes(len);
                v.splice(i..i, extra);
            }
            4 if v.len() > 1 => {
                let i = rng.below(v.len());
                let n = 1 + rng.below((v.len() - i).min(8));
                v.drain(i..i + n);
            }
            _ if v.len() >= 2 => {
                let i = rng.below(v.len() - 1);
                let w = [0x0000u16, 0x0001, 0x00FF, 0x0100, 0x0400, 0x8000, 0xFFFF][rng.below(7)];
                v[i..i + 2].copy_from_slice(&w.to_le_bytes());
            }
            _ => {}
        }
    }
    v
}

/// Decodes (and, when both agree, encodes back) on both sides.
fn codec_compare(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    input: &CodecInput,
) -> Option<(&'static str, String, Reply)> {
    let (s, l, b) = input;
    let req = request::decode(s.name(), l.name(), b);
    let r = reference.handle(&req);
    let t = target.call(req);
    if matches!(t, Reply::Unimplemented(_)) {
        return None;
    }
    if let Some((kind, why)) = codec_differs(&r, &t) {
        return Some((kind, why, r));
    }
    // Both accepted with the same value: the target's encoder must give the bytes back.
    if let (Reply::Ok(ok), true) = (&r, target.hello().supports("encode")) {
        if let Some(v) = ok.get("value") {
            let t = target.call(request::encode(s.name(), l.name(), v));
            match &t {
                Reply::Ok(tok) => {
                    if let Some(f) = tok.get("refused") {
                        return Some(("encode", format!("the target refuses to encode the value: {f}"), r));
                    }
                    let hex = tok.get("hex").and_then(Value::as_str).and_then(|h| crate::hex::parse(h).ok());
                    if hex.as_deref() != Some(b.as_slice()) {
                        return Some((
                            "encode",
                            format!(
                                "encoding the value gives {}, not {}",
                                tok.get("hex").cloned().unwrap_or(Value::Null),
                                crate::hex::encode(b)
                            ),
                            r,
                        ));
                    }
                }
                Reply::Unimplemented(_) => {}
                Reply::Broken { problem, .. } => {
                    return Some(("error", format!("the target broke encoding: {problem}"), r))
                }
                Reply::Failed(m) => return Some(("error", format!("the target answered error encoding: {m}"), r)),
            }
        }
    }
    None
}

fn codec_disagreement(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    input: &CodecInput,
    suite: &Suite,
    opts: &Options,
) -> Option<Disagreement> {
    let (kind, _, _) = codec_compare(target, reference, input)?;
    // Minimize: drop chunks, then single bytes, then zero bytes, while the
    // same kind of disagreement remains.
    let (s, l, mut best) = input.clone();
    let still = |t: &mut dyn Implementation, r: &mut Reference, b: &[u8]| {
        codec_compare(t, r, &(s, l, b.to_vec())).is_some_and(|(k, _, _)| k == kind)
    };
    let mut tries = 0;
    let mut chunk = best.len() / 2;
    while chunk >= 1 && tries < 2000 && !opts.interrupted.load(Ordering::SeqCst) {
        let mut i = 0;
        while i + chunk <= best.len() && tries < 2000 {
            let mut cand = best.clone();
            cand.drain(i..i + chunk);
            tries += 1;
            if still(target, reference, &cand) {
                best = cand;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    for i in 0..best.len() {
        if best[i] != 0 && tries < 4000 {
            let mut cand = best.clone();
            cand[i] = 0;
            tries += 1;
            if still(target, reference, &cand) {
                best = cand;
            }
        }
    }
    let (kind, why, r) = codec_compare(target, reference, &(s, l, best.clone()))?;
    let id = format!("fuzz.{}.{}", s.name(), fnv(&[&[l as u8], best.as_slice()].concat()));
    let requirement = most_cited(suite.wire.iter().filter(|c| c.structure == s).flat_map(|c| c.requirements.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF_R1".into());
    let mut expect = serde_json::Map::new();
    if let Reply::Ok(ok) = &r {
        if let Some(e) = ok.get("error") {
            expect.insert("error".into(), json!({"kind": e["kind"], "field": e["field"], "offset": e["offset"]}));
        } else {
            expect.insert("value".into(), ok.get("value").cloned().unwrap_or(Value::Null));
            let mut ids: Vec<String> = ok
                .get("findings")
                .and_then(Value::as_array)
                .map(|fs| fs.iter().filter_map(|f| f["requirement"].as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            ids.sort();
            expect.insert("findings".into(), json!(ids));
        }
    }
    let mut case = json!({
        "id": id,
        "description": format!("found by oxcnotif fuzz: {why}"),
        "sections": [s.section()],
        "requirements": [requirement],
        "bytes": crate::hex::encode(&best),
        "expect": expect,
    });
    if l == Layout::Legacy {
        case["layout"] = json!("legacy");
    }
    let doc = json!({"structure": s.name(), "cases": [case]});
    let yaml = format!(
        "# A disagreement between the target and the reference, found by `oxcnotif fuzz --seed {}`\n# and minimized. The expectation is the reference's answer. The requirement is the one\n# the suite's {} cases cite most: refine it before committing the case.\n{}",
        opts.seed,
        s.name(),
        serde_yaml::to_string(&doc).unwrap_or_default()
    );
    Some(Disagreement { id, kind, signature: signature(kind, s.name(), &why), summary: why, case_yaml: yaml })
}

/// One step of a generated server sequence.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Register { types: u16, scope: u8, output_index: u8 },
    Release(usize),
    Event(Value),
    Poll(usize),
}

fn fid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xF0, n])
}

fn mid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xE0, n])
}

fn setup_value() -> Value {
    let mut folders = vec![json!({"Id": fid(0).to_string()})];
    for i in 1..=4u8 {
        folders.push(json!({"Id": fid(i).to_string(), "Parent": fid(0).to_string(), "Search": i == 4}));
    }
    let messages: Vec<Value> =
        (1..=4u8).map(|i| json!({"Id": mid(i).to_string(), "Folder": fid(i).to_string()})).collect();
    json!({"logons": [0], "folders": folders, "messages": messages})
}

fn gen_ops(rng: &mut Rng) -> Vec<Op> {
    let mut ops = Vec::new();
    for _ in 0..2 + rng.below(10) {
        ops.push(match rng.below(4) {
            0 => {
                let types = match rng.below(3) {
                    0 => [0x0002u16, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x0100, 0x00FE, 0x01FE]
                        [rng.below(10)],
                    1 => rng.next() as u16 & 0x03FE,
                    _ => 0x01FE,
                };
                Op::Register { types, scope: rng.below(9) as u8, output_index: 1 + rng.below(3) as u8 }
            }
            1 => Op::Release(rng.below(4)),
            2 => {
                let kind = EventType::ALL[rng.below(EventType::ALL.len())];
                let n = 1 + rng.below(4) as u8;
                let on_message =
                    kind == EventType::NewMail || (rng.below(2) == 1 && kind != EventType::SearchCompleted);
                let mut e = json!({"Type": kind.name(), "Folder": fid(n).to_string()});
                if on_message {
                    e["Message"] = json!(mid(n).to_string());
                }
                if matches!(kind, EventType::ObjectMoved | EventType::ObjectCopied) {
                    e["ToFolder"] = json!(fid(n % 4 + 1).to_string());
                }
                if kind == EventType::ObjectCreated && !on_message {
                    e["ParentFolder"] = json!(fid(0).to_string());
                }
                if kind == EventType::ObjectModified && rng.below(2) == 1 {
                    e["TotalMessageCount"] = json!(rng.below(100));
                    e["UnreadMessageCount"] = json!(rng.below(10));
                }
                Op::Event(e)
            }
            _ => Op::Poll([16, 24, 40, 64, 120, 300, 0x8000][rng.below(7)]),
        });
    }
    ops
}

/// One side's view while running a sequence: its handles in assignment order.
struct Side {
    logon: u32,
    handles: Vec<u32>,
}

impl Side {
    fn name_of(&self, h: u32) -> Option<String> {
        if h == self.logon {
            return Some("$logon0".into());
        }
        self.handles.iter().position(|x| *x == h).map(|k| format!("$h{}", k + 1))
    }
}

/// The input buffer of an op (None for events), with handle names for the reproducer.
fn input_of(op: &Op, side: &Side) -> Option<(RopInputBuffer, Vec<Value>)> {
    match op {
        Op::Register { types, scope, output_index } => {
            let (wws, folder_id, message_id) = match scope {
                0 => (1, None, None),
                1..=4 => (0, Some(fid(*scope)), Some(Id8::default())),
                _ => (0, Some(fid(scope - 4)), Some(mid(scope - 4))),
            };
            let req = RopRegisterNotificationRequest {
                logon_id: 0,
                input_handle_index: 0,
                output_handle_index: *output_index,
                notification_types: *types,
                reserved: None,
                want_whole_store: wws,
                folder_id,
                message_id,
            };
            let mut table = vec![UNUSED_HANDLE; *output_index as usize + 1];
            table[0] = side.logon;
            let mut names: Vec<Value> = vec![json!(UNUSED_HANDLE); table.len()];
            names[0] = json!("$logon0");
            Some((
                RopInputBuffer {
                    rops_list: vec![RopRequest::RegisterNotification(req)],
                    server_object_handle_table: table,
                },
                names,
            ))
        }
        Op::Release(k) => {
            let h = *side.handles.get(*k)?;
            Some((
                RopInputBuffer {
                    rops_list: vec![RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: 0 })],
                    server_object_handle_table: vec![h],
                },
                vec![json!(format!("$h{}", k + 1))],
            ))
        }
        Op::Poll(_) => Some((RopInputBuffer::default(), Vec::new())),
        Op::Event(_) => None,
    }
}

/// Replaces known handles in a decoded output by their names; records new ones.
fn normalize(v: &mut Value, side: &mut Side) {
    // New handles first: a successful RopRegisterNotification's slot.
    let table: Vec<u64> = v["ServerObjectHandleTable"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    if let Some(rops) = v["RopsList"].as_array() {
        for r in rops {
            if r["RopId"].as_u64() == Some(0x29) && r["ReturnValue"].as_u64() == Some(0) {
                if let Some(h) = r["OutputHandleIndex"].as_u64().and_then(|i| table.get(i as usize)) {
                    let h = *h as u32;
                    if h != UNUSED_HANDLE && side.name_of(h).is_none() {
                        side.handles.push(h);
                    }
                }
            }
        }
    }
    let name = |x: &Value, side: &Side| x.as_u64().and_then(|h| side.name_of(h as u32)).map(Value::from);
    if let Some(a) = v["ServerObjectHandleTable"].as_array_mut() {
        for x in a.iter_mut() {
            if let Some(n) = name(x, side) {
                *x = n;
            }
        }
    }
    if let Some(rops) = v["RopsList"].as_array_mut() {
        for r in rops.iter_mut() {
            if let Some(n) = r.get("NotificationHandle").and_then(|x| name(x, side)) {
                r["NotificationHandle"] = n;
            }
        }
    }
}

/// What one side answered for each step: the normalized output, or the failure.
fn play(imp: &mut dyn Implementation, ops: &[Op]) -> Result<Vec<Value>, String> {
    let reply = imp.call(request::reset("spec", "spec", &setup_value()));
    let ok = match reply {
        Reply::Ok(ok) => ok,
        other => return Err(format!("reset: {other:?}")),
    };
    let logon = ok["logons"]["0"].as_u64().ok_or("reset gave no handle for logon 0")? as u32;
    let mut side = Side { logon, handles: Vec::new() };
    let mut out = Vec::new();
    for op in ops {
        if let Op::Event(e) = op {
            match imp.call(request::event(e)) {
                Reply::Ok(_) => out.push(json!({"event": "ok"})),
                other => return Err(format!("event: {other:?}")),
            }
            continue;
        }
        let Some((input, _)) = input_of(op, &side) else {
            out.push(json!({"skipped": true}));
            continue;
        };
        let max = if let Op::Poll(m) = op { *m } else { 0x8000 };
        let bytes = crate::wire::encode(&input, Layout::Spec).map_err(|e| e.to_string())?;
        match imp.call(request::execute(&bytes, max)) {
            Reply::Ok(ok) => {
                if let Some(f) = ok.get("failed") {
                    out.push(json!({"failed": f["code"]}));
                    continue;
                }
                let hex = ok["hex"].as_str().and_then(|h| crate::hex::parse(h).ok()).ok_or("execute gave no hex")?;
                match Structure::RopOutputBuffer.decode(&hex, Layout::Spec) {
                    Ok((mut v, _)) => {
                        normalize(&mut v, &mut side);
                        out.push(v);
                    }
                    Err(e) => out.push(json!({"undecodable": e.to_string()})),
                }
            }
            other => return Err(format!("execute: {other:?}")),
        }
    }
    Ok(out)
}

/// The first step where the sides differ, and how.
fn sequence_differs(target: &mut dyn Implementation, reference: &mut Reference, ops: &[Op]) -> Option<(usize, String)> {
    let r = play(reference, ops).ok()?;
    let t = match play(target, ops) {
        Ok(t) => t,
        Err(e) if e.contains("Unimplemented") => return None,
        Err(e) => return Some((0, format!("the target broke: {e}"))),
    };
    for (k, (rv, tv)) in r.iter().zip(&t).enumerate() {
        if let Some((p, m)) = diff_paths("", rv, tv).first() {
            return Some((
                k,
                format!(
                    "step {k}: {p}: reference {}",
                    m.replace("expected", "says").replace(", got", ", target gives")
                ),
            ));
        }
    }
    None
}

fn sequence_disagreement(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    ops: &[Op],
    suite: &Suite,
    opts: &Options,
) -> Option<Disagreement> {
    let (k, _) = sequence_differs(target, reference, ops)?;
    let mut best: Vec<Op> = ops[..=k].to_vec();
    // Minimize: drop steps while a difference remains.
    let mut i = 0;
    while i + 1 < best.len() && !opts.interrupted.load(Ordering::SeqCst) {
        let mut cand = best.clone();
        cand.remove(i);
        match sequence_differs(target, reference, &cand) {
            Some((k, _)) => best = cand[..=k].to_vec(),
            None => i += 1,
        }
    }
    let (_, why) = sequence_differs(target, reference, &best)?;
    // The reproducer: the reference's outputs as expectations, handles by name.
    let expected = play(reference, &best).ok()?;
    let mut side = Side { logon: 0, handles: Vec::new() };
    let mut steps = Vec::new();
    for (op, exp) in best.iter().zip(&expected) {
        match op {
            Op::Event(e) => steps.push(json!({"event": e})),
            Op::Poll(m) => steps.push(json!({"poll": {"max_output": m}, "expect": exp})),
            _ => {
                let Some((input, names)) = input_of(op, &side) else { continue };
                let mut v = input.to_value(Layout::Spec);
                v["ServerObjectHandleTable"] = Value::Array(names);
                if let Some(o) = v.as_object_mut() {
                    o.remove("RopSize");
                }
                steps.push(json!({"send": v, "expect": exp}));
            }
        }
        // Track the handle names the reference's output assigns (already named in exp).
        if let Some(rops) = exp["RopsList"].as_array() {
            for r in rops {
                if r["RopId"].as_u64() == Some(0x29) && r["ReturnValue"].as_u64() == Some(0) {
                    if let Some(name) = r["OutputHandleIndex"]
                        .as_u64()
                        .and_then(|i| exp["ServerObjectHandleTable"].get(i as usize))
                        .and_then(Value::as_str)
                    {
                        if let Some(n) = name.strip_prefix("$h").and_then(|n| n.parse::<usize>().ok()) {
                            while side.handles.len() < n {
                                // Placeholder values: names, not values, go into the case.
                                side.handles.push(0x7000_0000 + side.handles.len() as u32);
                            }
                        }
                    }
                }
            }
        }
    }
    let text = serde_json::to_string(&steps).unwrap_or_default();
    let id = format!("fuzz.sequence.{}", fnv(text.as_bytes()));
    let requirement = most_cited(suite.sequences.iter().flat_map(|c| c.requirements.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF_R1".into());
    let section = most_cited(suite.sequences.iter().flat_map(|c| c.sections.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF 3.1.5".into());
    let doc = json!({
        "kind": "sequence",
        "cases": [{
            "id": id,
            "description": format!("found by oxcnotif fuzz: {why}"),
            "sections": [section],
            "requirements": [requirement],
            "setup": setup_value(),
            "steps": steps,
        }],
    });
    let yaml = format!(
        "# A disagreement between the target and the reference, found by `oxcnotif fuzz --seed {}`\n# and minimized. Each expect is the reference's output; handles are named by order of\n# assignment. The requirement is the one the suite's sequence cases cite most: refine it.\n{}",
        opts.seed,
        serde_yaml::to_string(&doc).unwrap_or_default()
    );
    Some(Disagreement {
        id,
        kind: "server",
        signature: signature("server", "sequence", &why),
        summary: why,
        case_yaml: yaml,
    })
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
            progress: false,
            interrupted: Arc::new(AtomicBool::new(false)),
        };
        let s = run(&mut target, &suite, &opts);
        assert!(s.disagreements.is_empty(), "{:?}", s.disagreements.first());
        assert!(s.inputs.get("sequence").copied().unwrap_or(0) > 0 && s.inputs.get("valid").copied().unwrap_or(0) > 0);
    }
}
