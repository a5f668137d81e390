//! Table steps of the generated server sequences ([MS-OXCNOTIF] 3.1.4.3):
//! a table of each kind created on a folder or message the setup opened
//! (with TableFlags including NoNotifications 0x10, and 0x80), RopSetColumns,
//! the view-creating ROPs, RopResetTable and RopRelease of the table, and
//! store changes aimed at its rows, mixed into a sequence between its
//! registrations, events and polls. An adapter that mishandles tables then
//! disagrees with the reference, at a notification it leaves out or adds.
//!
//! What is compared of the table ROPs' own answers: the RopId, the
//! ReturnValue of the table-creating ROPs, RopSetColumns and RopResetTable,
//! the table's handle slot and a new table's RowCount. Not the payload of
//! the view ROPs and RopCreateBookmark: without RopSortTable the spec
//! defines no row order (so rows, Origin and positions are the reference's
//! reading), bookmarks are opaque, RopQueryColumnsAll lists a server's own
//! columns, and the reference evaluates no restriction (RopFindRow). A view
//! ROP counts once received, whatever it answers (MS-OXCNOTIF_R246,
//! R248-R255).

use super::rng::Rng;
use super::sequence::{fid, mid, Op, Side};
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop_buffer::{RopInputBuffer, RopRequest, UNUSED_HANDLE};
use crate::wire::table::reset_table::RopResetTableRequest;
use crate::wire::Id8;
use requests::{create, set_columns, view_request};
use serde_json::{json, Value};
use std::collections::BTreeMap;

mod requests;

const HIERARCHY: u8 = 0x04;
const CONTENTS: u8 = 0x05;
const ATTACHMENTS: u8 = 0x21;
const PERMISSIONS: u8 = 0x3E;
const RULES: u8 = 0x3F;
const CREATE_BOOKMARK: u8 = 0x1B;

/// The view-creating ROPs (MS-OXCNOTIF_R246, R248-R255).
const VIEW_ROPS: [u8; 9] = [0x15, 0x17, 0x18, 0x19, 0x1A, 0x37, 0x4F, 0x59, 0x5A];

/// NoNotifications of RopGetHierarchyTable and RopGetContentsTable
/// (MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1; MS-OXCNOTIF_R258, R259).
const NO_NOTIFICATIONS: u8 = 0x10;

/// The input object of a table-creating ROP: an opened folder or message
/// (`$folderN`, `$messageN` of the setup), or the logon, which is neither.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum On {
    Folder(u8),
    Message(u8),
    Logon,
}

/// One table step. `table` names the table by the `id` of the step that
/// creates it (the scenario's number in the sequence).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    /// A table-creating ROP (RopId `rop`) on `on` with TableFlags `flags`,
    /// then in the same buffer RopSetColumns of `columns` and the view ROP
    /// `view` (RopId, parameter byte), when given.
    Create { id: usize, rop: u8, on: On, flags: u8, columns: Option<Vec<u32>>, view: Option<(u8, u8)> },
    /// RopSetColumns.
    Columns { table: usize, columns: Vec<u32> },
    /// A view-creating ROP or RopCreateBookmark (RopId, parameter byte).
    View { table: usize, rop: u8, arg: u8 },
    /// RopResetTable.
    Reset(usize),
    /// RopRelease of the table.
    Release(usize),
}

/// A table as one side's requests and outputs show it, for naming the
/// requirement an extra notification breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    /// The `id` of the step that created it.
    pub(super) id: usize,
    pub(super) handle: u32,
    /// Opened with NoNotifications (R258).
    quiet: bool,
    /// A view ROP arrived, and no RopResetTable since.
    view: bool,
    /// A RopResetTable arrived, and no view ROP since.
    reset: bool,
    released: bool,
    /// The side's last RopCreateBookmark answer on it.
    bookmark: Option<Vec<u8>>,
}

/// The setup's folders and messages, each opened as `$folderN` / `$messageN`.
pub(super) fn handle_name(n: u8, message: bool) -> String {
    if message {
        format!("$message{n}")
    } else {
        format!("$folder{n}")
    }
}

/// Whether a sequence has table steps (its setup then opens the objects).
pub(super) fn has_tables(ops: &[Op]) -> bool {
    ops.iter().any(|o| matches!(o, Op::Table(_)))
}

/// The columns steps pick from: PidTagFolderId, PidTagMid,
/// PidTagParentFolderId, PidTagInstID, PidTagInstanceNum, PidTagDepth,
/// PidTagSubject, PidTagDisplayName as PtypUnspecified.
const PALETTE: [u32; 8] =
    [0x6748_0014, 0x674A_0014, 0x6749_0014, 0x674D_0014, 0x674E_0003, 0x3005_0003, 0x0037_001F, 0x3001_0000];

fn columns(rng: &mut Rng) -> Vec<u32> {
    let mut v: Vec<u32> = PALETTE.iter().copied().filter(|_| rng.below(3) == 0).collect();
    if v.is_empty() {
        v.push(PALETTE[rng.below(2)]);
    }
    let by = rng.below(v.len());
    v.rotate_left(by);
    v
}

fn view_rop(rng: &mut Rng) -> (u8, u8) {
    let all: Vec<u8> = VIEW_ROPS.iter().copied().chain([CREATE_BOOKMARK]).collect();
    (all[rng.below(all.len())], rng.next() as u8)
}

/// Mixes one or two table scenarios (a table, what is sent to it, store
/// changes on its rows, polls) into `ops`, keeping the order of each.
pub(super) fn mix(rng: &mut Rng, ops: &mut Vec<Op>) {
    // New message and folder IDs, from 0x21 on.
    let mut fresh = 0x20u8;
    for id in 0..1 + rng.below(2) {
        let scenario = scenario(rng, id, &mut fresh);
        let mut merged = Vec::with_capacity(ops.len() + scenario.len());
        let (mut a, mut b) = (std::mem::take(ops).into_iter().peekable(), scenario.into_iter().peekable());
        while a.peek().is_some() || b.peek().is_some() {
            let from_a = match (a.peek(), b.peek()) {
                (Some(_), Some(_)) => rng.below(2) == 0,
                (x, _) => x.is_some(),
            };
            merged.extend(if from_a { a.next() } else { b.next() });
        }
        *ops = merged;
    }
}

/// One table and what happens to it; `k` is its `id`.
fn scenario(rng: &mut Rng, k: usize, fresh: &mut u8) -> Vec<Op> {
    let rop = [HIERARCHY, CONTENTS, ATTACHMENTS, PERMISSIONS, RULES][rng.below(5)];
    let n = 1 + rng.below(4) as u8;
    let on = match (rop, rng.below(12)) {
        (_, 0) => On::Logon,               // not a folder: refused
        (ATTACHMENTS, 1) => On::Folder(n), // a folder has no attachment table
        (ATTACHMENTS, _) => On::Message(n),
        (HIERARCHY, x) if x < 8 => On::Folder(0), // the root, whose children the setup has
        _ => On::Folder(n),
    };
    let flags = match rop {
        HIERARCHY => [0x00, 0x04, 0x10, 0x14, 0x80, 0x90, 0x40][rng.below(7)],
        CONTENTS => [0x00, 0x00, 0x10, 0x02, 0x40, 0x80][rng.below(6)],
        PERMISSIONS => [0x00, 0x02][rng.below(2)],
        _ => [0x00, 0x40][rng.below(2)],
    };
    let create = Step::Create {
        id: k,
        rop,
        on,
        flags,
        columns: (rng.below(4) > 0).then(|| columns(rng)),
        view: (rng.below(3) > 0).then(|| view_rop(rng)),
    };
    let folder = match on {
        On::Folder(f) => fid(f),
        _ => fid(n),
    };
    let mut out = vec![Op::Table(create)];
    let mut new_folders: Vec<Id8> = Vec::new();
    for _ in 0..2 + rng.below(6) {
        out.push(match rng.below(10) {
            0 => Op::Table(Step::Columns { table: k, columns: columns(rng) }),
            1 | 2 => {
                let (rop, arg) = view_rop(rng);
                Op::Table(Step::View { table: k, rop, arg })
            }
            3 => Op::Table(Step::Reset(k)),
            4 if rng.below(3) == 0 => Op::Table(Step::Release(k)),
            4 | 5 => Op::Poll([0x8000, 0x8000, 120][rng.below(3)]),
            _ => Op::Event(touch(rng, rop, folder, n, fresh, &mut new_folders)),
        });
    }
    out.push(Op::Poll(0x8000));
    out
}

/// A store change aimed at the rows of a table of `rop` on `folder`
/// (message `n` for an attachment table). Only folders this scenario
/// created move, and they never get children, so no folder ends up under
/// its own subtree.
fn touch(rng: &mut Rng, rop: u8, folder: Id8, n: u8, fresh: &mut u8, new_folders: &mut Vec<Id8>) -> Value {
    let f = folder.to_string();
    let other = 1 + rng.below(4) as u8;
    let mut next = || {
        *fresh = fresh.wrapping_add(1).max(0x20);
        *fresh
    };
    match rop {
        CONTENTS => {
            let here = mid(folder.0[7].max(1)).to_string();
            match rng.below(7) {
                0 => json!({"Type": "ObjectCreated", "Folder": f, "Message": mid(next()).to_string()}),
                1 => json!({"Type": "NewMail", "Folder": f, "Message": mid(next()).to_string()}),
                2 => json!({"Type": "ObjectDeleted", "Folder": f, "Message": here}),
                3 => json!({"Type": "ObjectModified", "Folder": f, "Message": here, "Tags": [0x0037_001F]}),
                4 => json!({"Type": "ObjectMoved", "Folder": f, "Message": here, "ToFolder": fid(other).to_string()}),
                5 => {
                    json!({"Type": "ObjectMoved", "Folder": fid(other).to_string(), "Message": mid(other).to_string(), "ToFolder": f})
                }
                _ => {
                    json!({"Type": "ObjectCopied", "Folder": fid(other).to_string(), "Message": mid(other).to_string(), "ToFolder": f, "NewId": mid(next()).to_string()})
                }
            }
        }
        HIERARCHY => match rng.below(6) {
            0 | 1 => {
                let id = fid(next());
                new_folders.push(id);
                // Under the table's folder, or under one of the root's children
                // (a row of a table with Depth).
                let parent = if rng.below(2) == 0 { folder } else { fid(other) };
                json!({"Type": "ObjectCreated", "Folder": id.to_string(), "ParentFolder": parent.to_string()})
            }
            2 => {
                let gone = new_folders.pop().unwrap_or(fid(other));
                json!({"Type": "ObjectDeleted", "Folder": gone.to_string()})
            }
            3 => json!({"Type": "ObjectModified", "Folder": fid(other).to_string()}),
            4 => match new_folders.last() {
                Some(id) => {
                    json!({"Type": "ObjectMoved", "Folder": id.to_string(), "ToFolder": fid(other).to_string()})
                }
                None => {
                    json!({"Type": "ObjectModified", "Folder": fid(other).to_string(), "TotalMessageCount": 3, "UnreadMessageCount": 1})
                }
            },
            _ => {
                json!({"Type": "ObjectCopied", "Folder": fid(other).to_string(), "ToFolder": f, "NewId": fid(next()).to_string()})
            }
        },
        // What the table lists changed (R260, R264), its own object or another.
        ATTACHMENTS => {
            let m = if rng.below(4) == 0 { other } else { n };
            json!({"Type": "ObjectModified", "Folder": fid(m).to_string(), "Message": mid(m).to_string(), "Changed": "Attachments"})
        }
        _ => {
            let own = if rop == PERMISSIONS { "Permissions" } else { "Rules" };
            let name = if rng.below(4) == 0 { ["Permissions", "Rules"][rng.below(2)] } else { own };
            let at = if rng.below(4) == 0 { fid(other).to_string() } else { f };
            json!({"Type": "ObjectModified", "Folder": at, "Changed": name})
        }
    }
}

/// The step's name in signatures (`server/<name>/...`).
pub(super) fn step_name(s: &Step) -> &'static str {
    match s {
        Step::Create { .. } => "create-table",
        Step::Columns { .. } => "set-columns",
        Step::View { .. } => "view",
        Step::Reset(_) => "reset-table",
        Step::Release(_) => "release-table",
    }
}

/// The input buffer of a step, with handle names for the reproducer; `None`
/// when the side has no such table (its creation failed).
pub(super) fn input_of(s: &Step, side: &Side) -> Option<(RopInputBuffer, Vec<Value>)> {
    let name = |h: u32| side.name_of(h).map(Value::from).unwrap_or(json!(h));
    let on_table = |k: usize, rops: Vec<RopRequest>| {
        let h = side.table(k)?.handle;
        Some((RopInputBuffer { rops_list: rops, server_object_handle_table: vec![h] }, vec![name(h)]))
    };
    match s {
        Step::Create { rop, on, flags, columns, view, .. } => {
            let input = match on {
                On::Folder(n) => side.opened(&handle_name(*n, false))?,
                On::Message(n) => side.opened(&handle_name(*n, true))?,
                On::Logon => side.logon,
            };
            let mut rops = vec![create(*rop, *flags)];
            if let Some(c) = columns {
                rops.push(set_columns(1, c));
            }
            if let Some((rop, arg)) = view {
                rops.push(view_request(1, *rop, *arg, None));
            }
            let table = vec![input, UNUSED_HANDLE];
            Some((
                RopInputBuffer { rops_list: rops, server_object_handle_table: table },
                vec![name(input), json!(UNUSED_HANDLE)],
            ))
        }
        Step::Columns { table, columns } => on_table(*table, vec![set_columns(0, columns)]),
        Step::View { table, rop, arg } => {
            let mark = side.table(*table).and_then(|t| t.bookmark.clone());
            on_table(*table, vec![view_request(0, *rop, *arg, mark)])
        }
        Step::Reset(t) => {
            on_table(*t, vec![RopRequest::ResetTable(RopResetTableRequest { logon_id: 0, input_handle_index: 0 })])
        }
        Step::Release(t) => {
            on_table(*t, vec![RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: 0 })])
        }
    }
}

fn num(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(crate::wire::value::parse_int))
}

/// Follows a step on one side, from the decoded output (handles as values,
/// before they are named): a new table joins `side.handles` and
/// `side.tables`; columns, views, resets, bookmarks and releases update it.
/// Then leaves out of the output what is not compared (the module doc), and
/// RopSize, which follows from it.
pub(super) fn follow(s: &Step, out: &mut Value, side: &mut Side) {
    if let Some(m) = out.as_object_mut() {
        m.remove("RopSize");
    }
    let table: Vec<u64> =
        out["ServerObjectHandleTable"].as_array().map(|a| a.iter().filter_map(num).collect()).unwrap_or_default();
    let Some(rops) = out["RopsList"].as_array_mut() else { return };
    let target = match s {
        Step::Create { id, rop, flags, .. } => {
            let created =
                rops.first().filter(|r| num(&r["RopId"]) == Some(*rop as u64) && num(&r["ReturnValue"]) == Some(0));
            let Some(h) = created.and_then(|r| num(&r["OutputHandleIndex"])).and_then(|i| table.get(i as usize)) else {
                trim(rops);
                return;
            };
            let h = *h as u32;
            if h == UNUSED_HANDLE || side.name_of(h).is_some() {
                trim(rops);
                return;
            }
            side.handles.push(h);
            let quiet = matches!(*rop, HIERARCHY | CONTENTS) && flags & NO_NOTIFICATIONS != 0;
            side.tables.push(Table {
                id: *id,
                handle: h,
                quiet,
                view: false,
                reset: false,
                released: false,
                bookmark: None,
            });
            *id
        }
        Step::Columns { table, .. } | Step::View { table, .. } | Step::Reset(table) | Step::Release(table) => *table,
    };
    if let Some(t) = side.tables.iter_mut().find(|t| t.id == target) {
        if matches!(s, Step::Release(_)) {
            t.released = true;
        }
        for r in rops.iter() {
            match num(&r["RopId"]).map(|x| x as u8) {
                Some(0x81) if num(&r["ReturnValue"]) == Some(0) => {
                    t.view = false;
                    t.reset = true;
                }
                Some(CREATE_BOOKMARK) => {
                    t.bookmark = r["Bookmark"].as_str().and_then(|b| crate::hex::parse(b).ok());
                }
                Some(id) if VIEW_ROPS.contains(&id) => {
                    t.view = true;
                    t.reset = false;
                }
                _ => {}
            }
        }
    }
    trim(rops);
}

/// Keeps of each view ROP's and RopCreateBookmark's response only its RopId
/// and InputHandleIndex (the module doc says why).
fn trim(rops: &mut [Value]) {
    for r in rops.iter_mut() {
        let id = num(&r["RopId"]).unwrap_or(0) as u8;
        if VIEW_ROPS.contains(&id) || id == CREATE_BOOKMARK {
            if let Some(m) = r.as_object_mut() {
                m.retain(|k, _| k == "RopId" || k == "InputHandleIndex");
            }
        }
    }
}

/// A base-sequence RopRelease of handle `h`, which may be a table.
pub(super) fn released(side: &mut Side, h: u32) {
    if let Some(t) = side.tables.iter_mut().find(|t| t.handle == h) {
        t.released = true;
    }
}

/// The tables of a side by handle name, as they stand after a step.
pub(super) fn snapshot(side: &Side) -> BTreeMap<String, Table> {
    side.tables.iter().filter_map(|t| Some((side.name_of(t.handle)?, t.clone()))).collect()
}

/// The requirement a TableModified RopNotify breaks that the target sends
/// to table `t` and the reference does not.
pub(super) fn extra_requirement(t: Option<&Table>) -> &'static str {
    match t {
        Some(t) if t.quiet => "MS-OXCNOTIF_R258",
        // Until a new view ROP after RopResetTable (R272-R285; R272 the first row).
        Some(t) if t.reset => "MS-OXCNOTIF_R272",
        Some(t) if !t.view && !t.released => "MS-OXCNOTIF_R243",
        // A notification for no change of the table's rows (R260).
        _ => "MS-OXCNOTIF_R260",
    }
}

/// The row "ReturnValue: this value specifies the status of the ROP" of a
/// table ROP's response.
pub(super) fn return_value_requirement(rop_id: u64) -> Option<&'static str> {
    Some(match rop_id {
        0x04 => "MS-OXCROPS_R999",
        0x05 => "MS-OXCROPS_R1032",
        0x21 => "MS-OXCROPS_R2315",
        0x3E => "MS-OXCROPS_R3561",
        0x3F => "MS-OXCROPS_R3619",
        0x12 => "MS-OXCROPS_R1069",
        0x81 => "MS-OXCROPS_R1531",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::differential::sequence::{gen_sequence, play, sequence_differs};
    use crate::target::reference::Reference;
    use std::collections::BTreeSet;

    #[test]
    fn table_sequences_reach_every_kind_and_the_reference_agrees_with_itself() {
        let mut rng = Rng(5);
        let (mut created, mut notified, mut quiet, mut reset, mut refused) = (BTreeSet::new(), 0, 0, 0, 0);
        for _ in 0..150 {
            let mut seq = gen_sequence(&mut rng, true, None);
            mix(&mut rng, &mut seq.ops);
            assert!(has_tables(&seq.ops));
            let played = play(&mut Reference::new(), &seq).unwrap();
            assert_eq!(played.outputs.len(), seq.ops.len());
            assert!(sequence_differs(&mut Reference::new(), &mut Reference::new(), &seq, "X", false).is_none());
            for (k, out) in played.outputs.iter().enumerate() {
                for r in out["RopsList"].as_array().into_iter().flatten() {
                    let id = num(&r["RopId"]).unwrap_or(0) as u8;
                    match (id, num(&r["ReturnValue"])) {
                        (HIERARCHY | CONTENTS | ATTACHMENTS | PERMISSIONS | RULES, Some(0)) => {
                            created.insert(id);
                        }
                        (HIERARCHY | CONTENTS | ATTACHMENTS | PERMISSIONS | RULES, Some(_)) => refused += 1,
                        (0x2A, _)
                            if r["NotificationHandle"].as_str().is_some_and(|n| played.tables[k].contains_key(n)) =>
                        {
                            notified += 1
                        }
                        _ => {}
                    }
                }
                quiet += played.tables[k].values().filter(|t| t.quiet).count();
                reset += played.tables[k].values().filter(|t| t.reset).count();
            }
        }
        assert_eq!(created.len(), 5, "{created:?}");
        assert!(notified > 20 && quiet > 0 && reset > 0 && refused > 0, "{notified} {quiet} {reset} {refused}");
    }

    #[test]
    fn an_extra_table_notification_cites_what_the_table_was_told() {
        let t = Table { id: 0, handle: 1, quiet: false, view: true, reset: false, released: false, bookmark: None };
        assert_eq!(extra_requirement(Some(&Table { quiet: true, ..t.clone() })), "MS-OXCNOTIF_R258");
        assert_eq!(extra_requirement(Some(&Table { view: false, reset: true, ..t.clone() })), "MS-OXCNOTIF_R272");
        assert_eq!(extra_requirement(Some(&Table { view: false, ..t.clone() })), "MS-OXCNOTIF_R243");
        assert_eq!(extra_requirement(Some(&t)), "MS-OXCNOTIF_R260");
        assert_eq!(extra_requirement(None), "MS-OXCNOTIF_R260");
    }
}
