//! Notifications a live server adds: the ROPs that cause a case's event
//! change more of the store than the one object the event names, and a
//! conforming server reports those changes too. A message created in a
//! folder changes that folder's TotalMessageCount, so a subscription to
//! ObjectModified on the folder or the whole store hears ObjectModified of
//! the folder as well (MS-OXCNOTIF 2.2.1.4.1.2: the T and U flags and the
//! counts). The target names those folders in its `event` reply
//! (`side_effects`), and the output of a case's own `send` shows them (the
//! folder of each message it created, deleted, moved or copied, when a
//! subscription heard of it); a poll's expectation tolerates one such
//! notification per folder and subscription, only where the subscription
//! asked for ObjectModified and its scope holds the folder
//! (MS-OXCNOTIF 2.2.1.2.1.1). A message the ROPs created besides the
//! event's object (the target names it in `created`: the message a NewMail
//! is about, which the harness saves before RopTransportNewMail announces
//! it) may be reported as ObjectCreated of that message, once per
//! subscription that asked for ObjectCreated with its folder in scope. Any
//! other notification the expectation does not name is still a difference
//! (spec-cases/README.md, "Notifications a live server adds").

use super::*;
use crate::wire::notification_data::flag::{M as M_FLAG, S as S_FLAG};
use crate::wire::notification_data::notification_type::{
    OBJECT_COPIED, OBJECT_CREATED, OBJECT_DELETED, OBJECT_MODIFIED, OBJECT_MOVED, TABLE_MODIFIED,
};

/// TableEventType TableRowAdded (MS-OXCNOTIF 2.2.1.4.1.2).
const TABLE_ROW_ADDED: u16 = 0x0003;
use crate::wire::notification_data::TYPE_MASK;

/// The folders whose contents changed besides an event's own object, and
/// the messages created besides it, each with the subscription handles that
/// already had their one notification. A key is a FolderId in hex, or
/// `FolderId/MessageId` for a created message.
#[derive(Debug, Default)]
pub(super) struct SideEffects {
    pool: Vec<(String, BTreeSet<u32>)>,
}

/// The pool key of a message created in `folder` (both in hex).
fn created_key(folder: &str, message: &str) -> String {
    format!("{}/{}", folder.to_ascii_lowercase(), message.to_ascii_lowercase())
}

impl SideEffects {
    /// Adds the `side_effects` (FolderIds in hex) and the `created`
    /// messages (`{Folder, Message}`) of an `event` reply.
    pub(super) fn add(&mut self, reply: &Value) {
        for f in reply.get("side_effects").and_then(Value::as_array).into_iter().flatten() {
            if let Some(f) = f.as_str() {
                self.pool.push((f.to_ascii_lowercase(), BTreeSet::new()));
            }
        }
        for c in reply.get("created").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(f), Some(m)) = (c["Folder"].as_str(), c["Message"].as_str()) {
                self.pool.push((created_key(f, m), BTreeSet::new()));
            }
        }
    }

    /// Adds the folders whose contents the case's own ROPs changed, as the
    /// output of a `send` step shows them: the FolderId of each message
    /// created, deleted, moved or copied there, and the OldFolderId of a
    /// message moved out. A folder already waiting with no notification
    /// taken is not added twice.
    pub(super) fn observe(&mut self, output: &RopOutputBuffer) {
        for r in &output.rops_list {
            let RopResponse::Notify(n) = r else { continue };
            let d = &n.notification_data;
            let t = d.notification_flags & TYPE_MASK;
            if d.notification_flags & M_FLAG == 0
                || ![OBJECT_CREATED, OBJECT_DELETED, OBJECT_MOVED, OBJECT_COPIED].contains(&t)
            {
                continue;
            }
            let moved = t == OBJECT_MOVED;
            for f in [d.folder_id, d.old_folder_id.filter(|_| moved)].into_iter().flatten() {
                let f = f.to_string();
                if !self.pool.iter().any(|(g, used)| *g == f && used.is_empty()) {
                    self.pool.push((f, BTreeSet::new()));
                }
            }
        }
    }

    /// The first pool entry of `folder` that subscription `h` has not had its
    /// notification from, leaving out the entries `held` already claims for `h`.
    fn free_slot(&self, key: &str, h: u32, held: &[(usize, usize)], cands: &[Candidate]) -> Option<usize> {
        self.pool.iter().enumerate().position(|(k, (f, used))| {
            f == key
                && !used.contains(&h)
                && !held.iter().any(|&(i, slot)| slot == k && cands[i].as_ref().is_some_and(|(_, g)| *g == h))
        })
    }
}

/// A notification that may be a side effect's: its pool key and handle.
type Candidate = Option<(String, u32)>;

/// Why `n` may be a side effect's notification: ObjectModified of a folder
/// (no M flag), or ObjectCreated of a message (M set, S clear), at a live
/// subscription that asked for that type, in its logon, with the folder in
/// its scope. Its pool key, or `None` when it may not be one.
fn key_of_side_effect(n: &crate::wire::notify::RopNotifyResponse, handles: &Handles) -> Option<String> {
    let d = &n.notification_data;
    let (t, m) = (d.notification_flags & TYPE_MASK, d.notification_flags & M_FLAG != 0);
    if t == TABLE_MODIFIED {
        // The row a saved message adds to its folder's contents table, at
        // a live table (not a subscription) of the same logon.
        let (Some(TABLE_ROW_ADDED), Some(f), Some(message)) =
            (d.table_event_type, d.table_row_folder_id, d.table_row_message_id)
        else {
            return None;
        };
        let live = handles.live.get(&n.notification_handle).is_some_and(|(l, logon)| *l == n.logon_id && !logon);
        return (live && m && !handles.subs.contains_key(&n.notification_handle))
            .then(|| created_key(&f.to_string(), &message.to_string()));
    }
    let key = match (t, m, d.message_id) {
        (OBJECT_MODIFIED, false, _) => d.folder_id?.to_string(),
        (OBJECT_CREATED, true, Some(message)) if d.notification_flags & S_FLAG == 0 => {
            created_key(&d.folder_id?.to_string(), &message.to_string())
        }
        _ => return None,
    };
    let folder = d.folder_id?;
    let sub = handles.subs.get(&n.notification_handle)?;
    let live = handles.live.contains_key(&n.notification_handle);
    let in_scope = sub.whole_store || (sub.folder_id == Some(folder) && sub.message_id.is_none_or(|m| m.0 == [0; 8]));
    (live && sub.logon_id == n.logon_id && sub.notification_types & t != 0 && in_scope).then_some(key)
}

/// `act` (the decoded output `typed`) without the RopNotify that `exp`
/// does not name and that are a side effect's notification, with RopSize
/// less their bytes; and one note per notification taken out. Nothing is
/// taken out when the output holds no more ROPs than the expectation, or
/// the expectation names no RopsList. When `may_cut` (expected
/// notifications may move to a later poll, carry.rs) and the output ends
/// with RopPending, the expectation less its last one, two, … RopNotify is
/// tried too, when the whole of it does not fit the output: the side
/// effects then took the room of those.
pub(super) fn tolerate(
    exp: &Value,
    act: &Value,
    typed: &RopOutputBuffer,
    handles: &Handles,
    binds: &BTreeMap<String, Value>,
    effects: &mut SideEffects,
    may_cut: bool,
) -> (Value, Vec<String>) {
    let (Some(el), Some(al)) =
        (exp.get("RopsList").and_then(Value::as_array), act.get("RopsList").and_then(Value::as_array))
    else {
        return (act.clone(), Vec::new());
    };
    if al.len() != typed.rops_list.len() {
        return (act.clone(), Vec::new());
    }
    let mut tries: Vec<Vec<Value>> = Vec::new();
    if al.len() > el.len() {
        tries.push(el.to_vec());
    }
    let poll_output = el.iter().all(|r| rop_is(r, 0x2A) || rop_is(r, 0x6E));
    if may_cut && poll_output && al.last().is_some_and(|r| rop_is(r, 0x6E)) {
        let notifies: Vec<&Value> = el.iter().filter(|r| rop_is(r, 0x2A)).collect();
        let pending = el.iter().find(|r| rop_is(r, 0x6E)).cloned().unwrap_or_else(|| json!({"RopId": 0x6E}));
        for keep in (0..notifies.len()).rev() {
            let mut e: Vec<Value> = notifies[..keep].iter().map(|v| (*v).clone()).collect();
            e.push(pending.clone());
            if al.len() > e.len() {
                tries.push(e);
            }
        }
    }
    if tries.is_empty() {
        return (act.clone(), Vec::new());
    }
    let cands: Vec<Candidate> = typed
        .rops_list
        .iter()
        .map(|t| match t {
            RopResponse::Notify(n) => key_of_side_effect(n, handles).map(|k| (k, n.notification_handle)),
            _ => None,
        })
        .collect();
    let mut found = None;
    for e in &tries {
        let mut search = Align { el: e, al, cands: &cands, effects, taken: Vec::new(), budget: ALIGN_BUDGET };
        if search.from(0, 0, binds.clone(), al.len() - e.len()).is_some() {
            found = Some(search.taken);
            break;
        }
    }
    let taken = match found {
        Some(t) => t,
        None if al.len() > el.len() => greedy(el, al, &cands, binds, effects, al.len() - el.len()),
        None => return (act.clone(), Vec::new()),
    };
    let (mut kept, mut notes, mut bytes) = (Vec::new(), Vec::new(), 0u64);
    for (i, (a, t)) in al.iter().zip(&typed.rops_list).enumerate() {
        let Some(&(_, slot)) = taken.iter().find(|(k, _)| *k == i) else {
            kept.push(a.clone());
            continue;
        };
        let (key, h) = cands[i].clone().expect("only a candidate is taken");
        effects.pool[slot].1.insert(h);
        bytes += size_of(t);
        notes.push(match key.split_once('/') {
            None => format!(
                "RopsList[{i}]: ObjectModified of folder {key} at 0x{h:08X}, not expected, is taken as the server's \
                 report of that folder's own change: the ROPs behind the case's event changed its contents, and the \
                 subscription asked for ObjectModified there (MS-OXCNOTIF 2.2.1.4.1.2)"
            ),
            Some((folder, message)) if typed_is_table(t) => format!(
                "RopsList[{i}]: TableRowAdded of message {message} in folder {folder} at table 0x{h:08X}, not \
                 expected, is taken as the row the message the ROPs behind the case's event saved (the new mail's \
                 message, saved before RopTransportNewMail) adds to that folder's contents table (MS-OXCNOTIF \
                 3.1.4.3)"
            ),
            Some((folder, message)) => format!(
                "RopsList[{i}]: ObjectCreated of message {message} in folder {folder} at 0x{h:08X}, not expected, is \
                 taken as the server's report of the message the ROPs behind the case's event saved (the new mail's \
                 message, saved before RopTransportNewMail), and the subscription asked for ObjectCreated there \
                 (MS-OXCNOTIF 2.2.1.4.1.2)"
            ),
        });
    }
    let mut out = act.clone();
    out["RopsList"] = Value::Array(kept);
    if let Some(size) = act.get("RopSize").and_then(Value::as_u64) {
        out["RopSize"] = json!(size.saturating_sub(bytes));
    }
    (out, notes)
}

/// Whether `r` is a TableModified RopNotify.
fn typed_is_table(r: &RopResponse) -> bool {
    matches!(r, RopResponse::Notify(n) if n.notification_data.notification_flags & TYPE_MASK == TABLE_MODIFIED)
}

/// How many steps the search for an alignment may take before the greedy
/// reading is used instead (an output of a few dozen ROPs takes far fewer).
const ALIGN_BUDGET: u32 = 100_000;

/// Whether expectation entry `e` matches output entry `a` under `binds`,
/// and the binds after it.
fn entry_matches(e: &Value, a: &Value, binds: &BTreeMap<String, Value>) -> Option<BTreeMap<String, Value>> {
    let (mut b, mut diffs) = (binds.clone(), Vec::new());
    match_partial("", e, a, &mut b, &mut diffs);
    diffs.is_empty().then_some(b)
}

/// The search for which side-effect notifications to take out so that the
/// rest of the output matches the expectation entry for entry. Entries are
/// matched before they are taken out, so a notification the case names is
/// kept when both readings work; but a loose expectation entry that would
/// match a side effect's notification does not swallow it when the
/// notification it names comes later.
struct Align<'a> {
    el: &'a [Value],
    al: &'a [Value],
    cands: &'a [Candidate],
    effects: &'a SideEffects,
    /// (output index, pool entry) of each notification taken out.
    taken: Vec<(usize, usize)>,
    budget: u32,
}

impl Align<'_> {
    fn from(&mut self, i: usize, j: usize, binds: BTreeMap<String, Value>, spare: usize) -> Option<()> {
        self.budget = self.budget.checked_sub(1)?;
        if i == self.al.len() {
            return (j == self.el.len()).then_some(());
        }
        if j < self.el.len() {
            if let Some(b) = entry_matches(&self.el[j], &self.al[i], &binds) {
                if self.from(i + 1, j + 1, b, spare).is_some() {
                    return Some(());
                }
                if self.budget == 0 {
                    return None;
                }
            }
        }
        let (key, h) = self.cands[i].as_ref().filter(|_| spare > 0)?;
        let slot = self.effects.free_slot(key, *h, &self.taken, self.cands)?;
        self.taken.push((i, slot));
        if self.from(i + 1, j, binds, spare - 1).is_some() {
            return Some(());
        }
        self.taken.pop();
        None
    }
}

/// The reading used when no alignment makes the output match (it differs
/// from the expectation anyway) or the search runs out of steps: a
/// candidate is taken out where it does not match the next expected entry,
/// so the differences reported are those of the rest.
fn greedy(
    el: &[Value],
    al: &[Value],
    cands: &[Candidate],
    binds: &BTreeMap<String, Value>,
    effects: &SideEffects,
    mut spare: usize,
) -> Vec<(usize, usize)> {
    let (mut taken, mut j) = (Vec::new(), 0);
    for (i, a) in al.iter().enumerate() {
        let matches_next = el.get(j).is_some_and(|e| entry_matches(e, a, binds).is_some());
        if !matches_next && spare > 0 {
            if let Some((key, h)) = &cands[i] {
                if let Some(slot) = effects.free_slot(key, *h, &taken, cands) {
                    taken.push((i, slot));
                    spare -= 1;
                    continue;
                }
            }
        }
        j += 1;
    }
    taken
}

/// The bytes one response takes in a ROP output buffer.
fn size_of(r: &RopResponse) -> u64 {
    let with = RopOutputBuffer { rops_list: vec![r.clone()], server_object_handle_table: Vec::new() };
    let without = RopOutputBuffer { rops_list: Vec::new(), server_object_handle_table: Vec::new() };
    let len = |b: &RopOutputBuffer| crate::wire::encode(b, Layout::Spec).map(|v| v.len()).unwrap_or(0);
    len(&with).saturating_sub(len(&without)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Id8;

    fn id(last: u8) -> Id8 {
        Id8([1, 0, 0, 0, 0, 0, 0x0A, last])
    }

    fn notify(h: u32, flags: u16, folder: Id8) -> RopResponse {
        let mut v = json!({"RopId": 0x2A, "NotificationHandle": h, "LogonId": 0,
                           "NotificationData": {"NotificationFlags": flags, "FolderId": folder.to_string(), "TagCount": 0}});
        if flags & 0x1000 != 0 {
            v["NotificationData"]["TotalMessageCount"] = json!(3);
        }
        if flags & M_FLAG != 0 {
            v["NotificationData"]["MessageId"] = json!("0100000000000b01");
        }
        let b = RopOutputBuffer::from_value(&json!({"RopsList": [v], "ServerObjectHandleTable": []}), Layout::Spec)
            .expect("a RopNotify value");
        b.rops_list[0].clone()
    }

    fn handles(h: u32, types: u16, whole: bool, folder: Option<Id8>) -> Handles {
        let mut hs = Handles::default();
        hs.live.insert(h, (0, false));
        hs.given.insert(h);
        hs.subs.insert(
            h,
            Subscription {
                logon_id: 0,
                notification_types: types,
                whole_store: whole,
                folder_id: folder,
                message_id: folder.map(|_| Id8([0; 8])),
            },
        );
        hs
    }

    /// Runs `tolerate` on an output of `rops` against an expectation of
    /// `expected` entries (the first `expected` of `rops`, as values).
    fn run(rops: Vec<RopResponse>, expected: usize, hs: &Handles, effects: &[Id8]) -> (usize, Vec<String>) {
        let typed = RopOutputBuffer { rops_list: rops, server_object_handle_table: Vec::new() };
        let act = typed.to_value(Layout::Spec);
        let exp = json!({"RopsList": act["RopsList"].as_array().unwrap()[..expected].to_vec()});
        let mut pool = SideEffects::default();
        pool.add(&json!({"side_effects": effects.iter().map(Id8::to_string).collect::<Vec<_>>()}));
        let (out, notes) = tolerate(&exp, &act, &typed, hs, &BTreeMap::new(), &mut pool, false);
        (out["RopsList"].as_array().unwrap().len(), notes)
    }

    #[test]
    fn the_folder_a_message_was_created_in_may_report_its_new_count() {
        let hs = handles(7, 0x0014, true, None);
        let created = notify(7, 0x8004, id(1));
        let (left, notes) = run(vec![created, notify(7, 0x1010, id(1))], 1, &hs, &[id(1)]);
        assert_eq!(left, 1);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("ObjectModified of folder 0100000000000a01"), "{}", notes[0]);
    }

    #[test]
    fn only_one_per_folder_and_subscription() {
        let hs = handles(7, 0x0014, true, None);
        let extra = notify(7, 0x1010, id(1));
        let (left, notes) = run(vec![notify(7, 0x8004, id(1)), extra.clone(), extra], 1, &hs, &[id(1)]);
        assert_eq!((left, notes.len()), (2, 1));
    }

    #[test]
    fn not_for_a_folder_the_event_did_not_change() {
        let hs = handles(7, 0x0014, true, None);
        let (left, notes) = run(vec![notify(7, 0x8004, id(1)), notify(7, 0x1010, id(2))], 1, &hs, &[id(1)]);
        assert_eq!((left, notes.len()), (2, 0));
    }

    #[test]
    fn not_at_a_subscription_that_did_not_ask_for_object_modified() {
        let hs = handles(7, 0x0004, true, None);
        let (left, notes) = run(vec![notify(7, 0x8004, id(1)), notify(7, 0x1010, id(1))], 1, &hs, &[id(1)]);
        assert_eq!((left, notes.len()), (2, 0));
    }

    #[test]
    fn not_outside_a_folder_subscriptions_scope() {
        let hs = handles(7, 0x0010, false, Some(id(3)));
        let (left, notes) = run(vec![notify(7, 0x1010, id(1))], 0, &hs, &[id(1)]);
        assert_eq!((left, notes.len()), (1, 0));
        let hs = handles(7, 0x0010, false, Some(id(1)));
        let (left, notes) = run(vec![notify(7, 0x1010, id(1))], 0, &hs, &[id(1)]);
        assert_eq!((left, notes.len()), (0, 1));
    }

    #[test]
    fn not_a_message_notification_nor_at_a_released_handle() {
        let hs = handles(7, 0x0010, true, None);
        let (left, _) = run(vec![notify(7, 0x9010, id(1))], 0, &hs, &[id(1)]);
        assert_eq!(left, 1, "M set: a message's ObjectModified is no folder's side effect");
        let mut hs = handles(7, 0x0010, true, None);
        hs.live.clear();
        let (left, _) = run(vec![notify(7, 0x1010, id(1))], 0, &hs, &[id(1)]);
        assert_eq!(left, 1, "a released subscription hears nothing");
    }

    #[test]
    fn a_loose_expectation_does_not_swallow_the_side_effect_ahead_of_its_notification() {
        // The folder's ObjectModified comes first; the expectation names only
        // RopId 0x2A, which it matches too. Matched greedily, the message's
        // ObjectCreated after it would be left over as unexpected.
        let hs = handles(7, 0x0014, true, None);
        let typed = RopOutputBuffer {
            rops_list: vec![notify(7, 0x1010, id(1)), notify(7, 0x8004, id(1))],
            server_object_handle_table: Vec::new(),
        };
        let act = typed.to_value(Layout::Spec);
        let exp = json!({"RopsList": [{"RopId": 0x2A}]});
        let mut pool = SideEffects::default();
        pool.add(&json!({"side_effects": [id(1).to_string()]}));
        let (out, notes) = tolerate(&exp, &act, &typed, &hs, &BTreeMap::new(), &mut pool, false);
        let left = out["RopsList"].as_array().unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0]["NotificationData"]["NotificationFlags"], json!(0x8004));
        assert!(notes[0].starts_with("RopsList[0]: ObjectModified of folder 0100000000000a01"), "{notes:?}");
        // Its one notification is used up: the next poll tolerates none.
        let (out, notes) = tolerate(&exp, &act, &typed, &hs, &BTreeMap::new(), &mut pool, false);
        assert_eq!((out["RopsList"].as_array().unwrap().len(), notes.len()), (2, 0));
    }

    #[test]
    fn a_notification_the_case_names_is_kept_when_either_reading_works() {
        // Two folder ObjectModified of one folder, at two subscriptions; the
        // case names the one at 8. The one at 7 is the side effect.
        let mut hs = handles(7, 0x0010, true, None);
        let other = handles(8, 0x0010, true, None);
        hs.live.extend(other.live);
        hs.subs.extend(other.subs);
        let typed = RopOutputBuffer {
            rops_list: vec![notify(7, 0x1010, id(1)), notify(8, 0x1010, id(1))],
            server_object_handle_table: Vec::new(),
        };
        let act = typed.to_value(Layout::Spec);
        let exp = json!({"RopsList": [{"RopId": 0x2A, "NotificationHandle": 8}]});
        let mut pool = SideEffects::default();
        pool.add(&json!({"side_effects": [id(1).to_string()]}));
        let (out, notes) = tolerate(&exp, &act, &typed, &hs, &BTreeMap::new(), &mut pool, false);
        assert_eq!(out["RopsList"].as_array().unwrap().len(), 1);
        assert_eq!(out["RopsList"][0]["NotificationHandle"], json!(8));
        assert!(notes[0].contains("at 0x00000007"), "{notes:?}");
    }

    #[test]
    fn rop_size_loses_the_bytes_taken_out() {
        let hs = handles(7, 0x0014, true, None);
        let kept = notify(7, 0x8004, id(1));
        let typed = RopOutputBuffer {
            rops_list: vec![kept.clone(), notify(7, 0x1010, id(1))],
            server_object_handle_table: Vec::new(),
        };
        let act = typed.to_value(Layout::Spec);
        let exp = json!({"RopsList": [act["RopsList"][0].clone()]});
        let mut pool = SideEffects::default();
        pool.add(&json!({"side_effects": [id(1).to_string()]}));
        let (out, _) = tolerate(&exp, &act, &typed, &hs, &BTreeMap::new(), &mut pool, false);
        let alone =
            RopOutputBuffer { rops_list: vec![kept], server_object_handle_table: Vec::new() }.to_value(Layout::Spec);
        assert_eq!(out["RopSize"], alone["RopSize"]);
    }

    /// An output of `rops` tolerated against `exp`, with the new mail's
    /// message 0100000000000b01 created in `id(1)` in the pool.
    fn created(rops: Vec<RopResponse>, exp: Value, hs: &Handles, may_cut: bool) -> (Value, Vec<String>) {
        let typed = RopOutputBuffer { rops_list: rops, server_object_handle_table: Vec::new() };
        let act = typed.to_value(Layout::Spec);
        let mut pool = SideEffects::default();
        pool.add(&json!({"created": [{"Folder": id(1).to_string(), "Message": "0100000000000B01"}]}));
        tolerate(&exp, &act, &typed, hs, &BTreeMap::new(), &mut pool, may_cut)
    }

    fn new_mail() -> Value {
        json!({"RopId": 0x2A, "NotificationData": {"NotificationFlags": 0x8002}})
    }

    /// The NewMail RopNotify at handle 7 of message 0100000000000b01 in `id(1)`.
    fn new_mail_rop() -> RopResponse {
        let v = json!({"RopId": 0x2A, "NotificationHandle": 7, "LogonId": 0,
                       "NotificationData": {"NotificationFlags": 0x8002, "FolderId": id(1).to_string(),
                                            "MessageId": "0100000000000b01", "MessageFlags": 0, "UnicodeFlag": 1,
                                            "MessageClass": "IPM.Note"}});
        RopOutputBuffer::from_value(&json!({"RopsList": [v], "ServerObjectHandleTable": []}), Layout::Spec)
            .expect("a NewMail value")
            .rops_list[0]
            .clone()
    }

    #[test]
    fn the_new_mails_saved_message_may_report_object_created() {
        let hs = handles(7, 0x0006, true, None);
        let (out, notes) =
            created(vec![notify(7, 0x8004, id(1)), new_mail_rop()], json!({"RopsList": [new_mail()]}), &hs, false);
        assert_eq!(out["RopsList"].as_array().unwrap().len(), 1);
        assert!(notes[0].contains("ObjectCreated of message 0100000000000b01 in folder 0100000000000a01"), "{notes:?}");
        // Not at a subscription that did not ask for ObjectCreated, nor for
        // another folder's message.
        let hs = handles(7, 0x0012, true, None);
        let (_, notes) =
            created(vec![notify(7, 0x8004, id(1)), new_mail_rop()], json!({"RopsList": [new_mail()]}), &hs, false);
        assert!(notes.is_empty(), "{notes:?}");
        let hs = handles(7, 0x0006, true, None);
        let (_, notes) =
            created(vec![notify(7, 0x8004, id(2)), new_mail_rop()], json!({"RopsList": [new_mail()]}), &hs, false);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_side_effect_may_take_the_room_of_an_expected_notification_only_when_they_may_move() {
        // The output has room for one RopNotify: the server's ObjectCreated,
        // then RopPending; the expected NewMail comes in a later poll.
        let hs = handles(7, 0x0006, true, None);
        let pending = RopOutputBuffer::from_value(
            &json!({"RopsList": [{"RopId": 0x6E, "SessionIndex": 0}], "ServerObjectHandleTable": []}),
            Layout::Spec,
        )
        .expect("a RopPending value")
        .rops_list[0]
            .clone();
        let exp = json!({"RopsList": [new_mail(), {"RopId": 0x6E}]});
        let rops = vec![notify(7, 0x8004, id(1)), pending];
        let (out, notes) = created(rops.clone(), exp.clone(), &hs, true);
        assert_eq!(out["RopsList"].as_array().unwrap().len(), 1, "{out}");
        assert_eq!(notes.len(), 1);
        let (out, notes) = created(rops, exp, &hs, false);
        assert_eq!(out["RopsList"].as_array().unwrap().len(), 2, "{out}");
        assert!(notes.is_empty());
    }

    #[test]
    fn the_new_mails_saved_message_may_add_its_row_to_an_open_contents_table() {
        let mut hs = Handles::default();
        hs.live.insert(9, (0, false));
        let row = |h: u32, folder: Id8| {
            let v = json!({"RopId": 0x2A, "NotificationHandle": h, "LogonId": 0, "NotificationData": {
                "NotificationFlags": 0x8100, "TableEventType": 3, "TableRowFolderID": folder.to_string(),
                "TableRowMessageID": "0100000000000b01", "TableRowInstance": 0,
                "InsertAfterTableRowFolderID": folder.to_string(), "InsertAfterTableRowID": "0000000000000000",
                "InsertAfterTableRowInstance": 0, "TableRowDataSize": 0, "TableRowData": ""}});
            RopOutputBuffer::from_value(&json!({"RopsList": [v], "ServerObjectHandleTable": []}), Layout::Spec)
                .expect("a TableModified value")
                .rops_list[0]
                .clone()
        };
        let (out, notes) = created(vec![row(9, id(1))], json!({"RopsList": []}), &hs, false);
        assert_eq!(out["RopsList"], json!([]));
        assert!(notes[0].contains("TableRowAdded of message 0100000000000b01"), "{notes:?}");
        // Not another folder's row, nor at a handle that is not live.
        let (_, notes) = created(vec![row(9, id(2))], json!({"RopsList": []}), &hs, false);
        assert!(notes.is_empty(), "{notes:?}");
        let (_, notes) = created(vec![row(8, id(1))], json!({"RopsList": []}), &hs, false);
        assert!(notes.is_empty(), "{notes:?}");
    }
}
