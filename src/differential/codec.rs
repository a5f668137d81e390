//! Codec inputs: valid values of every entry structure and near-valid bytes
//! mutated from the spec cases, decoded (and encoded back) on both sides
//! in batches; a disagreement is minimized byte by byte into a wire case.
//!
//! What is compared, in this order, the first difference winning: whether
//! the bytes frame at all; the decoded value, field by field, derived
//! lengths (RopSize, TableRowDataSize) last; the findings' requirement IDs
//! as a multiset, when the target reports findings; and the bytes the
//! target's encoder gives for the value. An encode-only target gets the
//! reference's value of each input to encode.

use super::rng::Rng;
use super::{case_id, first_semantic, fnv, most_cited, requirement_of_field, strip_indexes, Check, Disagreement};
use super::{Options, Roles};
use crate::cases::compare::boolean_normalizations;
use crate::cases::run::diff_paths;
use crate::cases::Suite;
use crate::fuzzing::generate::generate;
use crate::target::reference::Reference;
use crate::target::{request, Implementation, Reply};
use crate::wire::{Layout, Structure};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// A codec input: structure, reading, bytes.
pub(super) type CodecInput = (Structure, Layout, Vec<u8>);

/// What one codec input gave.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    Same,
    Unimplemented,
    Differs(Check),
}

/// One generated codec input and its kind (`valid`, `near-valid`); `None`
/// when the generator gave nothing encodable.
pub(super) fn gen_input(rng: &mut Rng, seeds: &[CodecInput]) -> (&'static str, Option<CodecInput>) {
    if rng.below(10) < 4 || seeds.is_empty() {
        let len = 16 + rng.below(240);
        let raw = rng.bytes(len);
        let mut u = arbitrary::Unstructured::new(&raw);
        ("valid", generate(&mut u).ok().and_then(|g| g.encoded()))
    } else {
        let (s, l, b) = &seeds[rng.below(seeds.len())];
        ("near-valid", Some((*s, *l, mutate(rng, b))))
    }
}

fn says(m: &str) -> String {
    m.replace("expected", "says").replace(", got", ", target gives")
}

fn check(kind: &'static str, structure: &str, tail: &str, why: String, requirement: String) -> Check {
    Check { kind, why, signature: format!("{kind}/{structure}/{tail}"), requirement, grade: None }
}

/// The requirement IDs of a reply's findings, as a multiset; `None` when
/// the reply has no findings list (the target does not check rules).
fn finding_ids(ok: &Value) -> Option<BTreeMap<String, usize>> {
    let fs = ok.get("findings")?.as_array()?;
    let mut m = BTreeMap::new();
    for f in fs {
        if let Some(r) = f.get("requirement").and_then(Value::as_str) {
            *m.entry(r.to_string()).or_insert(0) += 1;
        }
    }
    Some(m)
}

/// The first finding in one multiset and not the other.
fn first_missing(a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>) -> Option<String> {
    a.iter().find(|(id, n)| b.get(*id).copied().unwrap_or(0) < **n).map(|(id, _)| id.clone())
}

/// Why two decode results differ, if they do. `fallback` is the
/// requirement cited when no field names one.
fn decode_differs(s: &str, reference: &Reply, target: &Reply, fallback: &str) -> Option<Check> {
    let req = |field: &str| requirement_of_field(s, field).map(str::to_string).unwrap_or_else(|| fallback.to_string());
    let (Reply::Ok(r), Reply::Ok(t)) = (reference, target) else {
        return match target {
            Reply::Broken { problem, .. } => {
                Some(check("error", s, "decode", format!("the target broke: {problem}"), fallback.into()))
            }
            Reply::Failed(m) => {
                Some(check("error", s, "decode", format!("the target answered error: {m}"), fallback.into()))
            }
            _ => None,
        };
    };
    match (r.get("value"), t.get("value"), r.get("error"), t.get("error")) {
        (Some(rv), Some(tv), _, _) => {
            // A Boolean byte read as TRUE (0x01) has the reference's meaning:
            // the case runner grades it INFO, so it is no disagreement here.
            let (rv, _) = boolean_normalizations(rv, tv);
            let d = diff_paths("", &rv, tv);
            if let Some((p, m)) = first_semantic(&d) {
                return Some(check("decode", s, &strip_indexes(p), format!("{p}: reference {}", says(m)), req(p)));
            }
            let (rf, tf) = (finding_ids(r).unwrap_or_default(), finding_ids(t)?);
            if let Some(id) = first_missing(&rf, &tf) {
                let why = format!("findings: the target does not report {id}, which the reference does");
                return Some(check("findings", s, &format!("missing/{id}"), why, id));
            }
            if let Some(id) = first_missing(&tf, &rf) {
                let why = format!("findings: the target reports {id}, which the reference does not");
                return Some(check("findings", s, &format!("extra/{id}"), why, id));
            }
            None
        }
        (Some(_), None, _, Some(e)) => {
            let field = e.get("field").and_then(Value::as_str).unwrap_or("");
            let why = format!("the target rejects what the reference accepts: {e}");
            Some(check("decode", s, &format!("rejects/{}", strip_indexes(field)), why, req(field)))
        }
        (None, Some(_), Some(e), _) => {
            let field = e.get("field").and_then(Value::as_str).unwrap_or("");
            let why = format!(
                "the target accepts what the reference rejects ({})",
                e.get("message").and_then(Value::as_str).unwrap_or("")
            );
            Some(check("decode", s, &format!("accepts/{}", strip_indexes(field)), why, req(field)))
        }
        _ => None,
    }
}

/// Why the target's encoding of the value of `bytes` is wrong, if it is.
fn encode_differs(s: Structure, l: Layout, bytes: &[u8], target: &Reply, fallback: &str) -> Option<Check> {
    let n = s.name();
    let req = |field: &str| requirement_of_field(n, field).map(str::to_string).unwrap_or_else(|| fallback.to_string());
    match target {
        Reply::Ok(tok) => {
            if let Some(f) = tok.get("refused") {
                let field = f.get("field").and_then(Value::as_str).unwrap_or("");
                let why = format!("the target refuses to encode the value: {f}");
                return Some(check("encode", n, &format!("refuses/{}", strip_indexes(field)), why, req(field)));
            }
            let text = tok.get("hex").and_then(Value::as_str);
            let hex = text.and_then(|h| crate::hex::parse(h).ok());
            if hex.as_deref() == Some(bytes) {
                return None;
            }
            let why = format!(
                "encoding the value gives {}, not {}",
                tok.get("hex").cloned().unwrap_or(Value::Null),
                crate::hex::encode(bytes)
            );
            // Name the first field that differs: decode what the target wrote.
            let field = match (hex.as_deref().map(|h| s.decode(h, l)), s.decode(bytes, l)) {
                (Some(Ok((tv, _))), Ok((rv, _))) => {
                    // The spec's TRUE (0x01) written for another nonzero
                    // Boolean byte is INFO in the case runner: no disagreement.
                    let (rv, _) = boolean_normalizations(&rv, &tv);
                    let d = diff_paths("", &rv, &tv);
                    if d.is_empty() {
                        return None;
                    }
                    first_semantic(&d).map(|(p, _)| p.clone()).unwrap_or_default()
                }
                (Some(Err(_)), _) => "undecodable".into(),
                _ => String::new(),
            };
            Some(check("encode", n, &format!("bytes/{}", strip_indexes(&field)), why, req(&field)))
        }
        Reply::Unimplemented(_) => None,
        Reply::Broken { problem, .. } => {
            Some(check("error", n, "encode", format!("the target broke encoding: {problem}"), fallback.into()))
        }
        Reply::Failed(m) => {
            Some(check("error", n, "encode", format!("the target answered error encoding: {m}"), fallback.into()))
        }
    }
}

fn fallback(suite: &Suite, s: Structure) -> String {
    most_cited(suite.wire.iter().filter(|c| c.structure == s).flat_map(|c| c.requirements.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF_R1".into())
}

/// Runs a batch of inputs through both sides: the target's decode requests
/// in one [`Implementation::call_many`], then its encode requests in
/// another. One outcome per input, with the reference's decode reply.
pub(super) fn compare_batch(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    inputs: &[CodecInput],
    roles: Roles,
) -> Vec<Outcome> {
    compare_batch_with(target, reference, inputs, roles, &|_| "MS-OXCNOTIF_R1".into())
        .into_iter()
        .map(|x| x.0)
        .collect()
}

fn compare_batch_with(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    inputs: &[CodecInput],
    roles: Roles,
    fallback: &dyn Fn(Structure) -> String,
) -> Vec<(Outcome, Reply)> {
    let decodes: Vec<_> = inputs.iter().map(|(s, l, b)| request::decode(s.name(), l.name(), b)).collect();
    let refs: Vec<Reply> = decodes.iter().map(|r| reference.answer(r)).collect();
    let mut out: Vec<Outcome> = vec![Outcome::Same; inputs.len()];
    let mut decoded_by_target = vec![false; inputs.len()];
    if roles.decode {
        let ts = target.call_many(&decodes);
        for (i, t) in ts.iter().enumerate() {
            let s = inputs[i].0;
            if matches!(t, Reply::Unimplemented(_)) {
                out[i] = Outcome::Unimplemented;
                continue;
            }
            decoded_by_target[i] = true;
            if let Some(c) = decode_differs(s.name(), &refs[i], t, &fallback(s)) {
                out[i] = Outcome::Differs(c);
            }
        }
    }
    if roles.encode {
        // Both agree (or only the encoder is offered): the target's encoder
        // must give the bytes back from the reference's value.
        let mut which = Vec::new();
        let mut encodes = Vec::new();
        for (i, r) in refs.iter().enumerate() {
            if matches!(out[i], Outcome::Differs(_)) || (roles.decode && !decoded_by_target[i]) {
                continue;
            }
            if let Some(v) = match r {
                Reply::Ok(ok) => ok.get("value"),
                _ => None,
            } {
                let (s, l, _) = &inputs[i];
                which.push(i);
                encodes.push(request::encode(s.name(), l.name(), v));
            }
        }
        if !encodes.is_empty() {
            let ts = target.call_many(&encodes);
            for (i, t) in which.into_iter().zip(ts) {
                let (s, l, b) = &inputs[i];
                match encode_differs(*s, *l, b, &t, &fallback(*s)) {
                    Some(c) => out[i] = Outcome::Differs(c),
                    None if matches!(t, Reply::Unimplemented(_)) && !roles.decode => out[i] = Outcome::Unimplemented,
                    None => {}
                }
            }
        }
    }
    out.into_iter().zip(refs).collect()
}

/// Near-valid bytes: one to four mutations of a valid input.
pub(super) fn mutate(rng: &mut Rng, b: &[u8]) -> Vec<u8> {
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

fn compare_one(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    input: &CodecInput,
    roles: Roles,
    suite: &Suite,
) -> (Outcome, Reply) {
    let fb = |s: Structure| fallback(suite, s);
    compare_batch_with(target, reference, std::slice::from_ref(input), roles, &fb)
        .pop()
        .unwrap_or((Outcome::Same, Reply::Unimplemented(String::new())))
}

/// Minimizes a disagreement found on `input` (dropping chunks, then single
/// bytes, then zeroing bytes, while the same signature remains) and writes
/// its reproducer. `None` if it no longer reproduces alone.
pub(super) fn disagreement(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    input: &CodecInput,
    found: &Check,
    roles: Roles,
    suite: &Suite,
    opts: &Options,
) -> Option<Disagreement> {
    let (s, l, mut best) = input.clone();
    let still = |t: &mut dyn Implementation, r: &mut Reference, b: &[u8]| {
        matches!(compare_one(t, r, &(s, l, b.to_vec()), roles, suite).0,
            Outcome::Differs(c) if c.signature == found.signature)
    };
    if !still(target, reference, &best) {
        return None;
    }
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
    let (Outcome::Differs(c), r) = compare_one(target, reference, &(s, l, best.clone()), roles, suite) else {
        return None;
    };
    let id = case_id(s.name(), &c.signature);
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
        "description": format!("found by oxcnotif fuzz: {}", c.why),
        "sections": [s.section()],
        "requirements": [c.requirement],
        "bytes": crate::hex::encode(&best),
        "expect": expect,
    });
    if l == Layout::Legacy {
        case["layout"] = json!("legacy");
    }
    let doc = json!({"structure": s.name(), "cases": [case]});
    let header = format!(
        "# A disagreement between the target and the reference, found by `oxcnotif fuzz --seed {}`\n# and minimized (input hash {}). The expectation is the reference's answer; the\n# requirement is the one of the check that failed ({}).",
        opts.seed,
        fnv(&[&[l as u8], best.as_slice()].concat()),
        c.signature
    );
    Some(Disagreement::from_check(id, c, &header, &doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_then_findings_are_compared() {
        let ok = |v: Value| Reply::Ok(v);
        let s = "register-notification-request";
        let same = ok(json!({"value": {"A": 1}, "findings": [{"requirement": "MS-OXCNOTIF_R50"}]}));
        assert_eq!(
            decode_differs(s, &same, &ok(json!({"value": {"A": 1}})), "X"),
            None,
            "no findings list: not compared"
        );
        let c = decode_differs(s, &same, &ok(json!({"value": {"A": 1}, "findings": []})), "X").unwrap();
        assert_eq!((c.kind, c.requirement.as_str()), ("findings", "MS-OXCNOTIF_R50"));
        assert!(c.signature.ends_with("missing/MS-OXCNOTIF_R50"), "{}", c.signature);
        let two = ok(
            json!({"value": {"A": 1}, "findings": [{"requirement": "MS-OXCNOTIF_R50"}, {"requirement": "MS-OXCNOTIF_R50"}]}),
        );
        let c = decode_differs(s, &same, &two, "X").unwrap();
        assert!(c.signature.ends_with("extra/MS-OXCNOTIF_R50"), "a multiset: {}", c.signature);
        let c = decode_differs(s, &same, &ok(json!({"value": {"A": 2}})), "X").unwrap();
        assert_eq!(c.kind, "decode");
        assert!(c.why.starts_with("A: reference says"), "{}", c.why);
        let ww = ok(json!({"value": {"RopSize": 3, "WantWholeStore": 255}}));
        // 0xFF read as TRUE (1) is the same meaning: no disagreement.
        assert_eq!(decode_differs(s, &ww, &ok(json!({"value": {"RopSize": 3, "WantWholeStore": 1}})), "X"), None);
        let c = decode_differs(s, &ww, &ok(json!({"value": {"RopSize": 4, "WantWholeStore": 0}})), "X").unwrap();
        assert_eq!(
            (c.signature.as_str(), c.requirement.as_str()),
            ("decode/register-notification-request/WantWholeStore", "MS-OXCNOTIF_R52")
        );
        let refused = ok(json!({"error": {"kind": "Truncated", "message": "too short"}}));
        let c = decode_differs(s, &refused, &ok(json!({"value": {}})), "X").unwrap();
        assert!(c.why.contains("accepts what the reference rejects (too short)"), "{}", c.why);
        let c = decode_differs(s, &same, &refused, "X").unwrap();
        assert!(c.why.contains("rejects what the reference accepts"), "{}", c.why);
        assert_eq!(decode_differs(s, &refused, &ok(json!({"error": {"kind": "RopSizeTooSmall"}})), "X"), None);
        assert_eq!(decode_differs(s, &same, &Reply::Failed("no".into()), "X").unwrap().kind, "error");
        assert_eq!(decode_differs(s, &same, &Reply::Unimplemented("later".into()), "X"), None);
    }

    #[test]
    fn mutations_follow_the_seed() {
        let b = [0x29u8, 0, 1, 2, 3, 4, 5, 6, 7];
        let (mut x, mut y) = (Rng(5), Rng(5));
        for _ in 0..100 {
            assert_eq!(mutate(&mut x, &b), mutate(&mut y, &b));
        }
        let mut r = Rng(6);
        for _ in 0..100 {
            let _ = mutate(&mut r, &[]);
        }
    }

    #[test]
    fn the_reference_agrees_with_itself_on_a_case() {
        let input = (Structure::PendingResponse, Layout::Spec, vec![0x6E, 0x01, 0x00]);
        let mut target = Reference::new();
        let roles = Roles::of(target.hello());
        assert_eq!(compare_batch(&mut target, &mut Reference::new(), &[input], roles), vec![Outcome::Same]);
    }
}
