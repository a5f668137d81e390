//! Server inputs: short random sequences of registrations (good and
//! failing), releases, events and polls, played against a fresh server on
//! both sides under a product profile and a request layout that `reset`
//! names; outputs are compared with handles named by order of assignment,
//! and a disagreement is minimized step by step into a sequence case.

use super::rng::Rng;
use super::tables::{self, Step};
use super::{case_id, first_semantic, most_cited, requirement_of_field, strip_indexes, Check, Disagreement, Options};
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
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// NotificationTypes' Extended bit (MS-OXCNOTIF_R40002): Reserved follows.
const EXTENDED: u16 = 0x0400;
const EC_NULL_OBJECT: u64 = 0x0000_04B9;
const EC_INVALID_OBJECT: u64 = 0x8004_0108;
const EC_ACCESS_DENIED: u64 = 0x8007_0005;

/// The input object of a registration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Input {
    /// The logon (slot 0).
    Logon,
    /// An InputHandleIndex beyond the handle table.
    BadIndex,
    /// 0xFFFFFFFF in the input slot: never a handle (MS-OXCROPS_R457302).
    Unassigned,
    /// The k-th subscription handle, live or released.
    Handle(usize),
}

/// One step of a generated server sequence.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Op {
    Register {
        types: u16,
        scope: u8,
        output_index: u8,
        input: Input,
    },
    Release(usize),
    Event(Value),
    Poll(usize),
    /// A table ROP ([`tables`]).
    Table(Step),
}

/// A generated sequence: the product profile and the request layout that
/// `reset` names, and the steps.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Seq {
    pub(super) profile: String,
    pub(super) layout: Layout,
    /// The client says it works in cached mode (`setup.client_mode`), so
    /// NewMail carries UnicodeFlag FALSE (MS-OXCNOTIF_R220).
    pub(super) cached: bool,
    pub(super) ops: Vec<Op>,
}

pub(super) fn fid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xF0, n])
}

pub(super) fn mid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xE0, n])
}

/// The setup: folders 0-4 and messages 1-4, each opened (`$folderN`,
/// `$messageN`) when the sequence has table steps.
fn setup_value(cached: bool, opened: bool) -> Value {
    let mut folders = vec![json!({"Id": fid(0).to_string()})];
    for i in 1..=4u8 {
        folders.push(json!({"Id": fid(i).to_string(), "Parent": fid(0).to_string(), "Search": i == 4}));
    }
    let mut messages: Vec<Value> =
        (1..=4u8).map(|i| json!({"Id": mid(i).to_string(), "Folder": fid(i).to_string()})).collect();
    if opened {
        for (i, f) in folders.iter_mut().enumerate() {
            f["Handle"] = json!(tables::handle_name(i as u8, false));
        }
        for (i, m) in messages.iter_mut().enumerate() {
            m["Handle"] = json!(tables::handle_name(i as u8 + 1, true));
        }
    }
    let mut v = json!({"logons": [0], "folders": folders, "messages": messages});
    if cached {
        v["client_mode"] = json!("cached");
    }
    v
}

/// A sequence under a random profile of `crate::model::profile::all()` and
/// a random layout, or under `product` (profile, layout) when given (a
/// target that is one product and reads one layout); events only when the
/// target takes them.
pub(super) fn gen_sequence(rng: &mut Rng, events: bool, product: Option<&(String, Layout)>) -> Seq {
    let profiles: Vec<String> = crate::model::profile::all().into_keys().collect();
    let mut profile =
        if profiles.is_empty() { "spec".to_string() } else { profiles[rng.below(profiles.len())].clone() };
    let mut layout = if rng.below(4) == 0 { Layout::Legacy } else { Layout::Spec };
    if let Some((p, l)) = product {
        (profile, layout) = (p.clone(), *l);
    }
    let cached = rng.below(4) == 0;
    Seq { profile, layout, cached, ops: gen_ops(rng, layout, events) }
}

pub(super) fn gen_ops(rng: &mut Rng, layout: Layout, events: bool) -> Vec<Op> {
    let mut ops = Vec::new();
    for _ in 0..2 + rng.below(10) {
        ops.push(match rng.below(if events { 4 } else { 3 }) {
            0 => {
                let mut types = match rng.below(4) {
                    0 => [0x0002u16, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x0100, 0x00FE, 0x01FE]
                        [rng.below(10)],
                    1 => rng.next() as u16 & 0x03FE,
                    // No type at all: a client rule (MS-OXCNOTIF_R407); the
                    // server side is not specified.
                    2 if rng.below(3) == 0 => 0,
                    _ => 0x01FE,
                };
                if layout == Layout::Legacy {
                    types &= 0x00FF;
                } else if rng.below(5) == 0 {
                    types |= EXTENDED;
                }
                let input = match rng.below(10) {
                    0 => Input::BadIndex,
                    1 => Input::Unassigned,
                    2 | 3 => Input::Handle(rng.below(3)),
                    _ => Input::Logon,
                };
                Op::Register { types, scope: rng.below(9) as u8, output_index: 1 + rng.below(3) as u8, input }
            }
            1 => Op::Release(rng.below(4)),
            3 => {
                let kind = EventType::ALL[rng.below(EventType::ALL.len())];
                let n = 1 + rng.below(4) as u8;
                let on_message =
                    kind == EventType::NewMail || (rng.below(2) == 1 && kind != EventType::SearchCompleted);
                let mut e = json!({"Type": kind.name(), "Folder": fid(n).to_string()});
                if on_message {
                    e["Message"] = json!(mid(n).to_string());
                }
                if kind == EventType::NewMail {
                    if rng.below(3) > 0 {
                        e["MessageClass"] = json!(
                            ["IPM.Note", "IPM.Schedule.Meeting.Request", "", "IPM.Note.SMIME.MultipartSigned"]
                                [rng.below(4)]
                        );
                    }
                    if rng.below(2) == 0 {
                        e["UnicodeFlag"] = json!(rng.below(2));
                    }
                    if rng.below(2) == 0 {
                        e["MessageFlags"] = json!([0u32, 1, 0x20, 0x0401][rng.below(4)]);
                    }
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
                if matches!(kind, EventType::ObjectModified | EventType::ObjectCreated) && rng.below(3) == 0 {
                    // The changed properties (PidTagSubject, PidTagMessageFlags,
                    // PidTagLastModificationTime): servers differ on whether
                    // the notification lists them (MS-OXCNOTIF_R197).
                    let tags = [0x0037_001Fu32, 0x0E07_0003, 0x3008_0040];
                    e["Tags"] = json!(tags[..1 + rng.below(3)]);
                }
                Op::Event(e)
            }
            _ => Op::Poll([16, 24, 40, 64, 120, 300, 0x8000][rng.below(7)]),
        });
    }
    ops
}

/// One side's view while running a sequence: its handles in assignment
/// order, the objects its setup opened, and its tables.
#[derive(Default)]
pub(super) struct Side {
    pub(super) logon: u32,
    pub(super) handles: Vec<u32>,
    /// The opened folders and messages (`$folderN`, `$messageN`).
    pub(super) opened: Vec<(String, u32)>,
    pub(super) tables: Vec<tables::Table>,
}

impl Side {
    pub(super) fn name_of(&self, h: u32) -> Option<String> {
        if h == self.logon {
            return Some("$logon0".into());
        }
        if let Some((name, _)) = self.opened.iter().find(|(_, x)| *x == h) {
            return Some(name.clone());
        }
        self.handles.iter().position(|x| *x == h).map(|k| format!("$h{}", k + 1))
    }

    /// The handle of an opened object.
    pub(super) fn opened(&self, name: &str) -> Option<u32> {
        self.opened.iter().find(|(n, _)| n == name).map(|(_, h)| *h)
    }

    /// The table a step's `id` created.
    pub(super) fn table(&self, id: usize) -> Option<&tables::Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// The input buffer of an op (None for events), with handle names for the reproducer.
pub(super) fn input_of(op: &Op, side: &Side, layout: Layout) -> Option<(RopInputBuffer, Vec<Value>)> {
    match op {
        Op::Register { types, scope, output_index, input } => {
            let (wws, folder_id, message_id) = match scope {
                0 => (1, None, None),
                1..=4 => (0, Some(fid(*scope)), Some(Id8::default())),
                _ => (0, Some(fid(scope - 4)), Some(mid(scope - 4))),
            };
            let reserved = match layout {
                Layout::Legacy => Some(0),
                Layout::Spec if types & EXTENDED != 0 => Some(0),
                Layout::Spec => None,
            };
            let mut table = vec![UNUSED_HANDLE; *output_index as usize + 1];
            let mut names: Vec<Value> = vec![json!(UNUSED_HANDLE); table.len()];
            let mut input_handle_index = 0;
            match input {
                Input::Logon => {
                    table[0] = side.logon;
                    names[0] = json!("$logon0");
                }
                Input::BadIndex => {
                    table[0] = side.logon;
                    names[0] = json!("$logon0");
                    input_handle_index = table.len() as u8 + 2;
                }
                Input::Unassigned => {}
                Input::Handle(k) => {
                    let h = *side.handles.get(*k)?;
                    table[0] = h;
                    names[0] = json!(format!("$h{}", k + 1));
                }
            }
            let req = RopRegisterNotificationRequest {
                logon_id: 0,
                input_handle_index,
                output_handle_index: *output_index,
                notification_types: *types,
                reserved,
                want_whole_store: wws,
                folder_id,
                message_id,
            };
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
        Op::Table(s) => tables::input_of(s, side),
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

/// What one side did: per step the normalized output (or the failure),
/// and the raw exchange as trace steps (inputs and outputs, for traces).
pub(super) struct Played {
    pub(super) outputs: Vec<Value>,
    pub(super) trace: Vec<crate::target::protocol::TraceStep>,
    /// Per step, the input buffer sent and its handle names (for the reproducer).
    pub(super) sent: Vec<Option<(RopInputBuffer, Vec<Value>)>>,
    /// Per step, the side's tables by handle name after it.
    pub(super) tables: Vec<BTreeMap<String, tables::Table>>,
    /// Per event step, the ObjectCreated of each message the side's `event`
    /// reply says its ROPs created besides (`created`: a live target saves
    /// a new mail's message before RopTransportNewMail announces it).
    pub(super) created: BTreeMap<usize, Vec<Value>>,
}

/// Plays a sequence on one side from a fresh `reset`.
pub(super) fn play(imp: &mut dyn Implementation, seq: &Seq) -> Result<Played, String> {
    play_with(imp, seq, &BTreeMap::new())
}

/// [`play`], raising `before[k]` ahead of event step k: the store changes
/// the other side's ROPs made besides that event ([`Played::created`]), so
/// that both sides see the same changes.
pub(super) fn play_with(
    imp: &mut dyn Implementation,
    seq: &Seq,
    before: &BTreeMap<usize, Vec<Value>>,
) -> Result<Played, String> {
    let opened = tables::has_tables(&seq.ops);
    let reply = imp.call(request::reset(&seq.profile, seq.layout.name(), &setup_value(seq.cached, opened)));
    let ok = match reply {
        Reply::Ok(ok) => ok,
        other => return Err(format!("reset: {other:?}")),
    };
    let logon = ok["logons"]["0"].as_u64().ok_or("reset gave no handle for logon 0")? as u32;
    let mut side = Side { logon, ..Side::default() };
    if let Some(m) = ok.get("handles").and_then(Value::as_object) {
        side.opened = m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_u64()? as u32))).collect();
    }
    let mut played = Played {
        outputs: Vec::new(),
        trace: Vec::new(),
        sent: Vec::new(),
        tables: Vec::new(),
        created: BTreeMap::new(),
    };
    for (k, op) in seq.ops.iter().enumerate() {
        let sent = if let Op::Event(_) = op { None } else { input_of(op, &side, seq.layout) };
        for e in before.get(&k).into_iter().flatten() {
            if let other @ (Reply::Unimplemented(_) | Reply::Failed(_) | Reply::Broken { .. }) =
                imp.call(request::event(e))
            {
                return Err(format!("event: {other:?}"));
            }
        }
        let out = match (op, &sent) {
            (Op::Event(e), _) => match imp.call(request::event(e)) {
                Reply::Ok(ok) => {
                    let created: Vec<Value> = ok
                        .get("created")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|c| json!({"Type": "ObjectCreated", "Folder": c["Folder"], "Message": c["Message"]}))
                        .collect();
                    if !created.is_empty() {
                        played.created.insert(k, created);
                    }
                    json!({"event": "ok"})
                }
                other => return Err(format!("event: {other:?}")),
            },
            (_, None) => json!({"skipped": true}),
            (_, Some((input, _))) => {
                let max = if let Op::Poll(m) = op { *m } else { 0x8000 };
                let bytes = crate::wire::encode(input, seq.layout).map_err(|e| e.to_string())?;
                if let (Op::Release(_), Some(&h)) = (op, input.server_object_handle_table.first()) {
                    tables::released(&mut side, h);
                }
                match imp.call(request::execute(&bytes, max)) {
                    Reply::Ok(ok) => match ok.get("failed") {
                        Some(f) => json!({"failed": f["code"]}),
                        None => {
                            let text = ok["hex"].as_str().ok_or("execute gave no hex")?;
                            let hex = crate::hex::parse(text).map_err(|_| "execute gave no hex")?;
                            let step = |input, output| crate::target::protocol::TraceStep { input, output };
                            played.trace.push(step(Some(crate::hex::encode(&bytes)), None));
                            played.trace.push(step(None, Some(crate::hex::encode(&hex))));
                            match Structure::RopOutputBuffer.decode(&hex, Layout::Spec) {
                                Ok((mut v, _)) => {
                                    if let Op::Table(s) = op {
                                        tables::follow(s, &mut v, &mut side);
                                    }
                                    normalize(&mut v, &mut side);
                                    v
                                }
                                Err(e) => json!({"undecodable": e.to_string()}),
                            }
                        }
                    },
                    other => return Err(format!("execute: {other:?}")),
                }
            }
        };
        played.outputs.push(out);
        played.sent.push(sent);
        played.tables.push(tables::snapshot(&side));
    }
    Ok(played)
}

fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Register { .. } => "register",
        Op::Release(_) => "release",
        Op::Event(_) => "event",
        Op::Poll(_) => "poll",
        Op::Table(s) => tables::step_name(s),
    }
}

fn num(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(crate::wire::value::parse_int))
}

/// What a ROP of an output is, in words, and the requirement that asks
/// the server to send it.
fn describe(rop: &Value) -> (String, &'static str) {
    match num(&rop["RopId"]) {
        Some(0x2A) => {
            let t = num(&rop["NotificationData"]["NotificationFlags"]).unwrap_or(0) & 0x0FFF;
            let (name, req) = match EventType::ALL.iter().find(|e| u64::from(e.bit()) == t) {
                Some(e) => (
                    e.name(),
                    match e {
                        EventType::NewMail => "MS-OXCNOTIF_R41",
                        EventType::ObjectCreated => "MS-OXCNOTIF_R42",
                        EventType::ObjectDeleted => "MS-OXCNOTIF_R43",
                        EventType::ObjectModified => "MS-OXCNOTIF_R44",
                        EventType::ObjectMoved => "MS-OXCNOTIF_R45",
                        EventType::ObjectCopied => "MS-OXCNOTIF_R46",
                        EventType::SearchCompleted => "MS-OXCNOTIF_R47",
                    },
                ),
                // Tables are subscribed to it without asking (MS-OXCNOTIF_R256).
                None if t == 0x0100 => ("TableModified", "MS-OXCNOTIF_R256"),
                None => ("other", "MS-OXCNOTIF_R240"),
            };
            (format!("RopNotify({name})"), req)
        }
        Some(0x6E) => ("RopPending".into(), "MS-OXCNOTIF_R349"),
        Some(0x29) => ("RopRegisterNotification".into(), "MS-OXCNOTIF_R35"),
        Some(0xFF) => ("RopBufferTooSmall".into(), "MS-OXCROPS_R4673"),
        other => (format!("RopId {other:?}"), "MS-OXCROPS_R4673"),
    }
}

/// The first semantic difference of one step's outputs, as a check.
fn step_check(
    op: &Op,
    k: usize,
    (rv, tv): (&Value, &Value),
    fallback: &str,
    cached: bool,
    tables: &BTreeMap<String, tables::Table>,
) -> Option<Check> {
    let name = op_name(op);
    let mk = |tail: String, why: String, requirement: &str| Check {
        kind: "server",
        why: format!("step {k} ({name}): {why}"),
        signature: format!("server/{name}/{tail}"),
        requirement: requirement.to_string(),
        grade: None,
    };
    let field = |p: &str, m: &str, rop: Option<&Value>| -> Check {
        let why = format!("{p}: reference {}", m.replace("expected", "says").replace(", got", ", target gives"));
        let tail = strip_indexes(p);
        if tail == "RopsList.ReturnValue" {
            let code = rop.and_then(|r| num(&r["ReturnValue"])).unwrap_or(0);
            let table_rop = rop.and_then(|r| num(&r["RopId"])).and_then(tables::return_value_requirement);
            if let (Op::Table(_), Some(req)) = (op, table_rop) {
                return mk(format!("{tail}/0x{code:08X}"), why, req);
            }
            let no_types = code == 0 && matches!(op, Op::Register { types, .. } if types & 0x03FE == 0);
            let (req, grade) = match code {
                0 if no_types => ("MS-OXCNOTIF_R34", Some("info")),
                0 => ("MS-OXCNOTIF_R35", None),
                EC_NULL_OBJECT if matches!(op, Op::Register { input: Input::BadIndex, .. }) => {
                    ("MS-OXCROPS_R4712", None)
                }
                EC_NULL_OBJECT => ("MS-OXCROPS_R457302", None),
                EC_INVALID_OBJECT => ("MS-OXCROPS_R457301", None),
                EC_ACCESS_DENIED => ("MS-OXCROPS_R457303", None),
                _ => ("MS-OXCROPS_R4352", None),
            };
            let mut c = mk(format!("{tail}/0x{code:08X}{}", if no_types { "/no-types" } else { "" }), why, req);
            c.grade = grade;
            return c;
        }
        if tail == "ServerObjectHandleTable" && (name == "register" || name == "create-table") {
            // Handles are named by order of assignment: a target that gives
            // an earlier name hands out a live handle again (MS-OXCROPS_R4556).
            let again = why.contains("target gives \"$h");
            return mk(tail, why, if again { "MS-OXCROPS_R4556" } else { "MS-OXCROPS_R4558" });
        }
        // A server's value, rather than a decoder's framing: the rows that
        // say what the server sends (TagCount SHOULD be 0x0000, R197; a
        // cached-mode client gets UnicodeFlag FALSE, R220).
        let req = match tail.rsplit('.').next().unwrap_or("") {
            "TagCount" | "Tags" => "MS-OXCNOTIF_R197",
            "UnicodeFlag" if cached => "MS-OXCNOTIF_R220",
            // The columns of the table's last RopSetColumns.
            "TableRowData" => "MS-OXCNOTIF_R166001",
            _ => requirement_of_field("notification-data", p).unwrap_or(fallback),
        };
        let mut c = mk(tail.clone(), why, req);
        if rop.is_some_and(|r| num(&r["RopId"]) != Some(0x29)) {
            // A notification's field: the same bug whichever call delivers it.
            c.signature = format!("server/output/{tail}");
        }
        c
    };
    if matches!(op, Op::Release(_) | Op::Table(Step::Release(_))) && rv.get("undecodable").is_none() {
        if let Some(e) = tv.get("undecodable").and_then(Value::as_str) {
            // The output carries a ROP where RopRelease's response would be,
            // and RopRelease has none (MS-OXCROPS_R4571, R4572).
            if e.contains("0x01") || e.contains("RopRelease") {
                let why = format!("the target answers RopRelease with a response, which it has none of: {e}");
                return Some(mk("RopsList/release-response".into(), why, "MS-OXCROPS_R4572"));
            }
        }
    }
    if let (Some(rl), Some(tl)) = (rv["RopsList"].as_array(), tv["RopsList"].as_array()) {
        // Same ROP, leaving derived lengths aside.
        let same = |a: Option<&Value>, b: Option<&Value>| match (a, b) {
            (Some(a), Some(b)) => diff_paths("", a, b).iter().all(|(p, _)| super::is_derived(p)),
            (None, None) => true,
            _ => false,
        };
        // A ROP missing or added shifts the rest: name it, not the shift.
        let missing = |i: usize, a: &Value| {
            let (what, req) = describe(a);
            let why = format!("RopsList[{i}]: the target leaves out the {what} the reference sends");
            let mut c = mk(format!("RopsList/missing/{what}"), why, req);
            c.signature = format!("server/output/RopsList/missing/{what}");
            c
        };
        let extra = |i: usize, b: &Value| {
            let (what, _) = describe(b);
            let why = format!("RopsList[{i}]: the target sends a {what} the reference does not");
            let mut req = if what == "RopPending" { "MS-OXCROPS_R452202" } else { "MS-OXCNOTIF_R289" };
            let mut tail = what.clone();
            if what == "RopNotify(TableModified)" {
                // What the reference knows of the table says which rule it breaks.
                let table = b["NotificationHandle"].as_str().and_then(|n| tables.get(n));
                req = tables::extra_requirement(table);
                tail = format!("{what}/{req}");
            }
            let mut c = mk(format!("RopsList/extra/{tail}"), why, req);
            c.signature = format!("server/output/RopsList/extra/{tail}");
            c
        };
        // RopPending's place and what it stands for (MS-OXCNOTIF 3.1.5.7):
        // ahead of a RopNotify (R334), or announcing notifications the
        // output still had room for (R347).
        let is = |r: &Value, id: u64| num(&r["RopId"]) == Some(id);
        let pending_at = |l: &[Value]| l.iter().position(|r| is(r, 0x6E));
        let notifies = |l: &[Value]| l.iter().filter(|r| is(r, 0x2A)).count();
        if let Some(p) = pending_at(tl) {
            if tl[p + 1..].iter().any(|r| is(r, 0x2A)) && pending_at(rl).is_none_or(|q| q + 1 == rl.len()) {
                let why =
                    format!("RopsList[{p}]: the target sends RopPending before a RopNotify; it goes after them all");
                let mut c = mk("RopsList/pending-before-notify".into(), why, "MS-OXCNOTIF_R334");
                c.signature = "server/output/RopsList/pending-before-notify".into();
                return Some(c);
            }
            let prefix = tl[..p].iter().zip(rl).all(|(b, a)| same(Some(a), Some(b)));
            if p + 1 == tl.len() && notifies(tl) < notifies(rl) && prefix {
                let why = format!(
                    "RopsList: the target sends {} RopNotify and RopPending where {} RopNotify fit",
                    notifies(tl),
                    notifies(rl)
                );
                let mut c = mk("RopsList/fewer-than-fit".into(), why, "MS-OXCNOTIF_R347");
                c.signature = "server/output/RopsList/fewer-than-fit".into();
                return Some(c);
            }
        }
        for i in 0..rl.len().max(tl.len()) {
            match (rl.get(i), tl.get(i)) {
                (Some(a), Some(b)) => {
                    if same(Some(a), Some(b)) {
                        continue;
                    }
                    if rl.len() > tl.len() && same(rl.get(i + 1), Some(b)) {
                        return Some(missing(i, a));
                    }
                    if tl.len() > rl.len() && same(Some(a), tl.get(i + 1)) {
                        return Some(extra(i, b));
                    }
                    // A different ROP, or a notification of another type, in
                    // this place: the reference's is not delivered here.
                    let kind = |r: &Value| describe(r).0;
                    if kind(a) != kind(b) {
                        let notify = |r: &Value| num(&r["RopId"]) == Some(0x2A);
                        return Some(if notify(a) || !notify(b) { missing(i, a) } else { extra(i, b) });
                    }
                    let d = diff_paths(&format!("RopsList[{i}]"), a, b);
                    if let Some((p, m)) = d.iter().find(|(p, _)| !super::is_derived(p)) {
                        return Some(field(p, m, Some(a)));
                    }
                }
                (Some(a), None) => return Some(missing(i, a)),
                (None, Some(b)) => return Some(extra(i, b)),
                (None, None) => {}
            }
        }
    }
    let d = diff_paths("", rv, tv);
    let (p, m) = d.iter().find(|(p, _)| !p.starts_with("RopsList") && !super::is_derived(p)).or(first_semantic(&d))?;
    Some(field(p, m, None))
}

/// `v` (a normalized output) without the InsertAfterTableRow fields of its
/// table notifications.
fn drop_insert_after(v: &mut Value) {
    for r in v.get_mut("RopsList").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(d) = r.get_mut("NotificationData").and_then(Value::as_object_mut) {
            for k in ["InsertAfterTableRowFolderID", "InsertAfterTableRowID", "InsertAfterTableRowInstance"] {
                d.remove(k);
            }
        }
    }
}

/// The first step where the sides differ, and how: `live` when the target
/// is a live server (`fuzz --server`).
pub(super) fn sequence_differs(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    seq: &Seq,
    fallback: &str,
    live: bool,
) -> Option<(usize, Check)> {
    let t = match play(target, seq) {
        Ok(t) => t,
        Err(e) if e.contains("Unimplemented") => return None,
        Err(e) => {
            let why = format!("the target broke: {e}");
            let sig = format!("error/sequence/{}", e.split(':').next().unwrap_or(""));
            return Some((0, Check { kind: "error", why, signature: sig, requirement: fallback.into(), grade: None }));
        }
    };
    // The reference sees what the target's ROPs created besides too.
    let mut r = play_with(reference, seq, &t.created).ok()?;
    let mut t = t.outputs;
    if live {
        // A live server chooses the IDs of the objects its ROPs create (a
        // copy, a new mail's message), and orders the rows of a table with
        // no sort order its own way; where a row goes is then not the
        // reference's to say (MS-OXCNOTIF 2.2.1.4.1.2: InsertAfterTableRow*).
        for v in r.outputs.iter_mut().chain(t.iter_mut()) {
            drop_insert_after(v);
        }
    }
    for (k, (rv, tv)) in r.outputs.iter().zip(&t).enumerate() {
        if let Some(c) = step_check(&seq.ops[k], k, (rv, tv), fallback, seq.cached, &r.tables[k]) {
            return Some((k, c));
        }
    }
    None
}

pub(super) fn disagreement(
    target: &mut dyn Implementation,
    reference: &mut Reference,
    seq: &Seq,
    suite: &Suite,
    opts: &Options,
) -> Option<Disagreement> {
    let fallback = most_cited(suite.sequences.iter().flat_map(|c| c.requirements.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF_R1".into());
    let live = opts.product.is_some();
    let (k, found) = sequence_differs(target, reference, seq, &fallback, live)?;
    let mut best = Seq { ops: seq.ops[..=k].to_vec(), ..seq.clone() };
    // Minimize: drop steps while the same difference remains.
    let mut i = 0;
    while i + 1 < best.ops.len() && !opts.interrupted.load(Ordering::SeqCst) {
        let mut cand = best.clone();
        cand.ops.remove(i);
        match sequence_differs(target, reference, &cand, &fallback, live) {
            Some((k, c)) if c.signature == found.signature => {
                cand.ops.truncate(k + 1);
                best = cand;
            }
            _ => i += 1,
        }
    }
    let (_, c) = sequence_differs(target, reference, &best, &fallback, live)?;
    // The reproducer: what the reference was sent, with its handles by name,
    // and its outputs as expectations.
    let played = play(reference, &best).ok()?;
    let mut steps = Vec::new();
    for ((op, exp), sent) in best.ops.iter().zip(&played.outputs).zip(&played.sent) {
        match (op, sent) {
            (Op::Event(e), _) => steps.push(json!({"event": e})),
            (Op::Poll(m), _) => steps.push(json!({"poll": {"max_output": m}, "expect": exp})),
            (_, None) => {}
            (_, Some((input, names))) => {
                let mut v = input.to_value(best.layout);
                v["ServerObjectHandleTable"] = Value::Array(names.clone());
                if let Some(o) = v.as_object_mut() {
                    o.remove("RopSize");
                }
                steps.push(json!({"send": v, "expect": exp}));
            }
        }
    }
    let id = case_id("sequence", &c.signature);
    let section = most_cited(suite.sequences.iter().flat_map(|c| c.sections.iter()))
        .unwrap_or_else(|| "MS-OXCNOTIF 3.1.5".into());
    let mut case = json!({
        "id": id,
        "description": format!("found by oxcnotif fuzz: {}", c.why),
        "sections": [section],
        "requirements": [c.requirement],
    });
    if let Some(g) = c.grade {
        case["grade"] = json!(g);
    }
    if best.profile != "spec" {
        case["profile"] = json!(best.profile);
    }
    if best.layout == Layout::Legacy {
        case["layout"] = json!("legacy");
    }
    case["setup"] = setup_value(best.cached, tables::has_tables(&best.ops));
    case["steps"] = Value::Array(steps);
    let doc = json!({"kind": "sequence", "cases": [case]});
    let note = if c.grade == Some("info") {
        "\n# The spec leaves this server behaviour open (MS-OXCNOTIF_R407 binds the client), hence grade: info."
    } else {
        ""
    };
    let header = format!(
        "# A disagreement between the target and the reference, found by `oxcnotif fuzz --seed {}`\n# and minimized. Each expect is the reference's output; handles are named by order of\n# assignment. The requirement is the one of the check that failed ({}).{note}",
        opts.seed,
        c.signature
    );
    Some(Disagreement::from_check(id, c, &header, &doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_plays_every_generated_step() {
        let mut rng = Rng(11);
        let (mut profiles, mut legacy, mut failing) = (std::collections::BTreeSet::new(), 0, 0);
        for _ in 0..200 {
            let seq = gen_sequence(&mut rng, true, None);
            let out = play(&mut Reference::new(), &seq).unwrap().outputs;
            assert_eq!(out.len(), seq.ops.len());
            assert!(sequence_differs(&mut Reference::new(), &mut Reference::new(), &seq, "X", false).is_none());
            profiles.insert(seq.profile.clone());
            legacy += (seq.layout == Layout::Legacy) as usize;
            failing += out.iter().filter(|o| o["RopsList"][0]["ReturnValue"].as_u64().is_some_and(|v| v != 0)).count();
        }
        assert_eq!(profiles.len(), crate::model::profile::all().len(), "every profile is used");
        assert!(legacy > 0 && failing > 0, "legacy {legacy}, failing registrations {failing}");
    }

    #[test]
    fn handles_are_named_by_order_of_assignment() {
        let mut side = Side { logon: 7, handles: vec![100, 50], ..Side::default() };
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
