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
//! (MS-OXCNOTIF 2.2.1.2.1.1). Any other notification the expectation does
//! not name is still a difference (spec-cases/README.md, "Notifications a
//! live server adds").

use super::*;
use crate::wire::notification_data::flag::M as M_FLAG;
use crate::wire::notification_data::notification_type::{
    OBJECT_COPIED, OBJECT_CREATED, OBJECT_DELETED, OBJECT_MODIFIED, OBJECT_MOVED,
};
use crate::wire::notification_data::TYPE_MASK;
use crate::wire::Id8;

/// The folders whose contents changed besides an event's own object, each
/// with the subscription handles that already had their one notification.
#[derive(Debug, Default)]
pub(super) struct SideEffects {
    pool: Vec<(String, BTreeSet<u32>)>,
}

impl SideEffects {
    /// Adds the `side_effects` of an `event` reply (FolderIds in hex).
    pub(super) fn add(&mut self, reply: &Value) {
        for f in reply.get("side_effects").and_then(Value::as_array).into_iter().flatten() {
            if let Some(f) = f.as_str() {
                self.pool.push((f.to_ascii_lowercase(), BTreeSet::new()));
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

    /// Takes one folder's side effect for subscription `h`; whether there was one.
    fn take(&mut self, folder: &str, h: u32) -> bool {
        match self.pool.iter_mut().find(|(f, used)| f == folder && !used.contains(&h)) {
            Some((_, used)) => {
                used.insert(h);
                true
            }
            None => false,
        }
    }
}

/// Why `n` may be a side effect's notification: ObjectModified of a folder
/// (no M flag) at a live subscription that asked for ObjectModified, in
/// its logon, with the folder in its scope. `None` when it may not be.
fn folder_of_side_effect(n: &crate::wire::notify::RopNotifyResponse, handles: &Handles) -> Option<Id8> {
    let d = &n.notification_data;
    if d.notification_flags & TYPE_MASK != OBJECT_MODIFIED || d.notification_flags & M_FLAG != 0 {
        return None;
    }
    let folder = d.folder_id?;
    let sub = handles.subs.get(&n.notification_handle)?;
    let live = handles.live.contains_key(&n.notification_handle);
    let in_scope = sub.whole_store || (sub.folder_id == Some(folder) && sub.message_id.is_none_or(|m| m.0 == [0; 8]));
    (live && sub.logon_id == n.logon_id && sub.notification_types & OBJECT_MODIFIED != 0 && in_scope).then_some(folder)
}

/// `act` (the decoded output `typed`) without the RopNotify that `exp`
/// does not name and that are a side effect's notification, with RopSize
/// less their bytes; and one note per notification taken out. Nothing is
/// taken out when the output holds no more ROPs than the expectation, or
/// the expectation names no RopsList.
pub(super) fn tolerate(
    exp: &Value,
    act: &Value,
    typed: &RopOutputBuffer,
    handles: &Handles,
    binds: &BTreeMap<String, Value>,
    effects: &mut SideEffects,
) -> (Value, Vec<String>) {
    let (Some(el), Some(al)) =
        (exp.get("RopsList").and_then(Value::as_array), act.get("RopsList").and_then(Value::as_array))
    else {
        return (act.clone(), Vec::new());
    };
    if al.len() <= el.len() || al.len() != typed.rops_list.len() {
        return (act.clone(), Vec::new());
    }
    let mut spare = al.len() - el.len();
    let (mut kept, mut notes, mut bytes) = (Vec::new(), Vec::new(), 0u64);
    let mut j = 0;
    for (i, (a, t)) in al.iter().zip(&typed.rops_list).enumerate() {
        let matches_next = el.get(j).is_some_and(|e| {
            let (mut b, mut diffs) = (binds.clone(), Vec::new());
            match_partial("", e, a, &mut b, &mut diffs);
            diffs.is_empty()
        });
        if !matches_next && spare > 0 {
            if let RopResponse::Notify(n) = t {
                if let Some(folder) = folder_of_side_effect(n, handles) {
                    if effects.take(&folder.to_string(), n.notification_handle) {
                        spare -= 1;
                        bytes += size_of(t);
                        notes.push(format!(
                            "RopsList[{i}]: ObjectModified of folder {folder} at 0x{:08X}, not expected, is taken as the \
                             server's report of that folder's own change: the ROPs behind the case's event changed its \
                             contents, and the subscription asked for ObjectModified there (MS-OXCNOTIF 2.2.1.4.1.2)",
                            n.notification_handle
                        ));
                        continue;
                    }
                }
            }
        }
        kept.push(a.clone());
        j += 1;
    }
    let mut out = act.clone();
    out["RopsList"] = Value::Array(kept);
    if let Some(size) = act.get("RopSize").and_then(Value::as_u64) {
        out["RopSize"] = json!(size.saturating_sub(bytes));
    }
    (out, notes)
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
        let (out, notes) = tolerate(&exp, &act, &typed, hs, &BTreeMap::new(), &mut pool);
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
        let (out, _) = tolerate(&exp, &act, &typed, &hs, &BTreeMap::new(), &mut pool);
        let alone =
            RopOutputBuffer { rops_list: vec![kept], server_object_handle_table: Vec::new() }.to_value(Layout::Spec);
        assert_eq!(out["RopSize"], alone["RopSize"]);
    }
}
