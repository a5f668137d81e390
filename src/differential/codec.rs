//! Codec inputs: valid values of every entry structure and near-valid bytes
//! mutated from the spec cases, decoded (and encoded back) on both sides;
//! a disagreement is minimized byte by byte into a wire case.

use super::rng::Rng;
use super::{fnv, most_cited, signature, Disagreement, Options};
use crate::cases::run::diff_paths;
use crate::cases::Suite;
use crate::target::reference::Reference;
use crate::target::{request, Implementation, Reply};
use crate::wire::{Layout, Structure};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

/// A codec input: structure, reading, bytes.
pub(super) type CodecInput = (Structure, Layout, Vec<u8>);

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

/// Decodes (and, when both agree, encodes back) on both sides.
fn codec_compare(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    input: &CodecInput,
) -> Option<(&'static str, String, Reply)> {
    let (s, l, b) = input;
    let req = request::decode(s.name(), l.name(), b);
    let r = reference.answer(&req);
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

pub(super) fn codec_disagreement(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_must_level_differences_count() {
        let ok = |v: Value| Reply::Ok(v);
        let same = ok(json!({"value": {"A": 1}, "findings": [{"requirement": "MS-OXCNOTIF_R1"}]}));
        assert_eq!(codec_differs(&same, &ok(json!({"value": {"A": 1}}))), None, "findings are not compared");
        let (kind, why) = codec_differs(&same, &ok(json!({"value": {"A": 2}}))).unwrap();
        assert_eq!(kind, "decode");
        assert!(why.starts_with("A: reference says"), "{why}");
        let refused = ok(json!({"error": {"kind": "Truncated", "message": "too short"}}));
        let (_, why) = codec_differs(&refused, &ok(json!({"value": {}}))).unwrap();
        assert!(why.contains("accepts what the reference rejects (too short)"), "{why}");
        let (_, why) = codec_differs(&same, &refused).unwrap();
        assert!(why.contains("rejects what the reference accepts"), "{why}");
        assert_eq!(codec_differs(&refused, &ok(json!({"error": {"kind": "RopSizeTooSmall"}}))), None);
        let (kind, _) = codec_differs(&same, &Reply::Failed("no".into())).unwrap();
        assert_eq!(kind, "error");
        assert_eq!(codec_differs(&same, &Reply::Unimplemented("later".into())), None);
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
        assert!(codec_compare(&mut target, &mut Reference::new(), &input).is_none());
    }
}
