//! Client-monitor inputs (`check_trace`): a generated sequence is played on
//! the reference server to record a client session (inputs and outputs),
//! which goes to both monitors; the findings' requirement IDs are compared
//! as a multiset, and a disagreement is minimized step by step into a trace
//! case. The generated clients break rules now and then: no notification
//! type (MS-OXCNOTIF_R407), an unassigned input handle (MS-OXCROPS_R4494),
//! a released handle used again. And some clients act on a notification
//! they had to ignore: after the recording, a poll brings a RopNotify for a
//! foreign handle, and the client then releases that handle as its own
//! (MS-OXCNOTIF_R448, R450).

use super::sequence::{play, Seq};
use super::{case_id, Check, Disagreement, Options};
use crate::target::protocol::TraceStep;
use crate::target::reference::Reference;
use crate::target::{request, Implementation, Reply};
use crate::wire::Layout;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// The recorded session of a sequence, played on a fresh reference server;
/// with `foreign`, its first RopNotify names that handle instead, and the
/// client then releases it (see [`act_on_foreign_notify`]).
fn trace_of(seq: &Seq, foreign: Option<u32>) -> Option<Vec<TraceStep>> {
    let mut t = play(&mut Reference::new(), seq).ok()?.trace;
    if let Some(h) = foreign {
        act_on_foreign_notify(&mut t, h);
    }
    (!t.is_empty()).then_some(t)
}

/// Appends to the trace a poll whose output carries a RopNotify naming
/// handle `h` (which no step of the trace holds), then a request in which
/// the client releases `h` as its own: the client acted on a notification
/// for an object that is not its own, which it MUST ignore
/// (MS-OXCNOTIF_R448, R450). Leaves the trace as it is when it already
/// uses `h`.
fn act_on_foreign_notify(t: &mut Vec<TraceStep>, h: u32) {
    let h_hex = crate::hex::encode(&h.to_le_bytes());
    if t.iter().any(|s| [&s.input, &s.output].iter().any(|x| x.as_deref().is_some_and(|x| x.contains(&h_hex)))) {
        return;
    }
    // RopSize 20; RopNotify(h, LogonId 0, ObjectModified of folder
    // 01000000000000F0 with TagCount 0); no handle table.
    let notify = format!("14002a{h_hex}00100001000000000000f00000");
    t.push(TraceStep { input: Some("0200".into()), output: None });
    t.push(TraceStep { input: None, output: Some(notify) });
    t.push(TraceStep { input: Some(format!("0500010000{h_hex}")), output: None });
    t.push(TraceStep { input: None, output: Some("0200".into()) });
}

fn ids(ok: &Value) -> Option<BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    for f in ok.get("findings")?.as_array()? {
        if let Some(r) = f.get("requirement").and_then(Value::as_str) {
            *m.entry(r.to_string()).or_insert(0) += 1;
        }
    }
    Some(m)
}

/// How the two monitors' answers on a trace differ, if they do.
fn trace_check(reference: &Reply, target: &Reply) -> Option<Check> {
    let mk = |tail: String, why: String, requirement: &str| Check {
        kind: "monitor",
        why,
        signature: format!("monitor/trace/{tail}"),
        requirement: requirement.to_string(),
        grade: None,
    };
    let (Reply::Ok(r), t) = (reference, target) else { return None };
    let t = match t {
        Reply::Ok(t) => t,
        Reply::Unimplemented(_) => return None,
        Reply::Failed(m) => {
            return Some(mk("error".into(), format!("the target answered error: {m}"), "MS-OXCNOTIF_R407"))
        }
        Reply::Broken { problem, .. } => {
            return Some(mk("error".into(), format!("the target broke: {problem}"), "MS-OXCNOTIF_R407"))
        }
    };
    match (ids(r), ids(t)) {
        (Some(rf), Some(tf)) => {
            if let Some((id, _)) = rf.iter().find(|(id, n)| tf.get(*id).copied().unwrap_or(0) < **n) {
                let why = format!("findings: the target does not report {id}, which the reference does");
                return Some(mk(format!("missing/{id}"), why, id));
            }
            if let Some((id, _)) = tf.iter().find(|(id, n)| rf.get(*id).copied().unwrap_or(0) < **n) {
                let why = format!("findings: the target reports {id}, which the reference does not");
                return Some(mk(format!("extra/{id}"), why, id));
            }
            None
        }
        (Some(_), None) => Some(mk(
            "unreadable".into(),
            format!("the target cannot read a trace the reference reads: {}", t.get("error").unwrap_or(&Value::Null)),
            "MS-OXCNOTIF_R407",
        )),
        _ => None,
    }
}

fn compare(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    seq: &Seq,
    foreign: Option<u32>,
) -> Option<(Check, Reply, Vec<TraceStep>)> {
    let steps = trace_of(seq, foreign)?;
    let req = request::check_trace(seq.layout.name(), &[], &steps);
    let r = reference.answer(&req);
    let t = target.call(req);
    trace_check(&r, &t).map(|c| (c, r, steps))
}

pub(super) fn disagreement(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    seq: &Seq,
    foreign: Option<u32>,
    opts: &Options,
) -> Option<Disagreement> {
    let (found, _, _) = compare(target, reference, seq, foreign)?;
    let mut best = seq.clone();
    let mut i = 0;
    while i < best.ops.len() && best.ops.len() > 1 && !opts.interrupted.load(Ordering::SeqCst) {
        let mut cand = best.clone();
        cand.ops.remove(i);
        match compare(target, reference, &cand, foreign) {
            Some((c, _, _)) if c.signature == found.signature => best = cand,
            _ => i += 1,
        }
    }
    let (c, r, steps) = compare(target, reference, &best, foreign)?;
    let mut findings: Vec<String> = match &r {
        Reply::Ok(ok) => {
            ids(ok).unwrap_or_default().into_iter().flat_map(|(id, n)| std::iter::repeat_n(id, n)).collect()
        }
        _ => Vec::new(),
    };
    findings.sort();
    let id = case_id("trace", &c.signature);
    let mut case = json!({
        "id": id,
        "description": format!("found by oxcnotif fuzz: {}", c.why),
        "sections": ["MS-OXCNOTIF 3.2.5.1"],
        "requirements": [c.requirement],
        "trace": steps,
        "expect": {"findings": findings},
    });
    if best.layout == Layout::Legacy {
        case["layout"] = json!("legacy");
    }
    let doc = json!({"kind": "trace", "cases": [case]});
    let header = format!(
        "# A disagreement between the target's client monitor and the reference's, found by\n# `oxcnotif fuzz --seed {}` and minimized. The trace was recorded from the reference\n# server; the expectation is the reference monitor's findings ({}).",
        opts.seed,
        c.signature
    );
    Some(Disagreement::from_check(id, c, &header, &doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_compared_as_a_multiset() {
        let r = Reply::Ok(json!({"findings": [{"requirement": "MS-OXCNOTIF_R407"}]}));
        assert_eq!(trace_check(&r, &r.clone()), None);
        let c = trace_check(&r, &Reply::Ok(json!({"findings": []}))).unwrap();
        assert_eq!(
            (c.requirement.as_str(), c.signature.as_str()),
            ("MS-OXCNOTIF_R407", "monitor/trace/missing/MS-OXCNOTIF_R407")
        );
        let two =
            Reply::Ok(json!({"findings": [{"requirement": "MS-OXCNOTIF_R407"}, {"requirement": "MS-OXCNOTIF_R407"}]}));
        assert!(trace_check(&r, &two).unwrap().signature.ends_with("extra/MS-OXCNOTIF_R407"));
        assert_eq!(trace_check(&r, &Reply::Unimplemented("no".into())), None);
    }
}
