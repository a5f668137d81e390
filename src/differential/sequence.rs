//! Server inputs: short random sequences of registrations, releases, events
//! and polls, played against a fresh server on both sides; outputs are
//! compared with handles named by order of assignment, and a disagreement
//! is minimized step by step into a sequence case.

use super::rng::Rng;
use super::{fnv, most_cited, signature, Disagreement, Options};
use crate::cases::run::diff_paths;
use crate::cases::Suite;
use crate::model::EventType;
use crate::target::reference::Reference;
use crate::target::{request, Implementation, Reply};
use crate::wire::register_notification::RopRegisterNotificationRequest;
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop_buffer::{RopInputBuffer, RopRequest, UNUSED_HANDLE};
use crate::wire::{Id8, Layout, Structure, WireStructure};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

/// One step of a generated server sequence.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Op {
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

pub(super) fn gen_ops(rng: &mut Rng) -> Vec<Op> {
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

pub(super) fn sequence_disagreement(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_plays_every_generated_step() {
        let mut rng = Rng(11);
        for _ in 0..20 {
            let ops = gen_ops(&mut rng);
            let out = play(&mut Reference::new(), &ops).unwrap();
            assert_eq!(out.len(), ops.len());
            assert!(sequence_differs(&mut Reference::new(), &mut Reference::new(), &ops).is_none());
        }
    }

    #[test]
    fn handles_are_named_by_order_of_assignment() {
        let mut side = Side { logon: 7, handles: vec![100, 50] };
        assert_eq!(side.name_of(7).as_deref(), Some("$logon0"));
        assert_eq!(side.name_of(50).as_deref(), Some("$h2"));
        assert_eq!(side.name_of(1), None);
        let mut v = json!({
            "ServerObjectHandleTable": [7, 9],
            "RopsList": [{"RopId": 0x29, "ReturnValue": 0, "OutputHandleIndex": 1}],
        });
        normalize(&mut v, &mut side);
        assert_eq!(v["ServerObjectHandleTable"], json!(["$logon0", "$h3"]));
    }
}
