//! The harness's own account of a session's handles, from the traffic
//! alone: live objects, subscriptions given out, and the rules on them.

use super::*;

/// The harness's own account of the session's handles, from the traffic
/// alone ([MS-OXCROPS] 3.2.5.1–3.2.5.3): which objects are live, and which
/// subscription handles the server ever gave out.
#[derive(Debug, Default)]
pub(super) struct Handles {
    /// Live handle → (its LogonId, whether it is the logon object).
    pub(super) live: BTreeMap<u32, (u8, bool)>,
    /// Every subscription handle returned in this session.
    pub(super) given: BTreeSet<u32>,
    /// What each subscription handle asked for, as the case sent it.
    pub(super) subs: BTreeMap<u32, Subscription>,
}

/// What a RopRegisterNotification that succeeded asked for ([MS-OXCROPS]
/// 2.2.14.1.1): its LogonId, NotificationTypes and scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Subscription {
    pub(super) logon_id: u8,
    pub(super) notification_types: u16,
    /// WantWholeStore TRUE (any nonzero byte).
    pub(super) whole_store: bool,
    pub(super) folder_id: Option<crate::wire::Id8>,
    pub(super) message_id: Option<crate::wire::Id8>,
}

impl Handles {
    pub(super) fn logon(&mut self, logon_id: u8, h: u32) {
        self.live.insert(h, (logon_id, true));
    }

    pub(super) fn release(&mut self, logon_id: u8, h: u32) {
        match self.live.get(&h).copied() {
            Some((l, true)) if l == logon_id => self.live.retain(|_, (ll, _)| *ll != l),
            Some((l, false)) if l == logon_id => {
                self.live.remove(&h);
            }
            _ => {}
        }
    }

    /// Follows one call: registrations that succeeded make objects,
    /// releases end them; problems with the handles the output gives out.
    pub(super) fn observe(&mut self, input: &RopInputBuffer, output: &RopOutputBuffer) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut table = input.server_object_handle_table.clone();
        let mut responses =
            output.rops_list.iter().filter(|r| !matches!(r, RopResponse::Notify(_) | RopResponse::Pending(_)));
        for (i, rop) in input.rops_list.iter().enumerate() {
            match rop {
                RopRequest::Release(r) => {
                    if let Some(&h) = table.get(r.input_handle_index as usize) {
                        self.release(r.logon_id, h);
                    }
                }
                RopRequest::RegisterNotification(r) => {
                    let Some(RopResponse::RegisterNotification(x)) = responses.next() else { break };
                    if x.return_value != 0 {
                        continue;
                    }
                    let slot = x.output_handle_index as usize;
                    let h = output.server_object_handle_table.get(slot).copied().unwrap_or(UNUSED_HANDLE);
                    if h == UNUSED_HANDLE {
                        problems.push(Problem::at(
                            Grade::Must,
                            &format!("RopsList[{i}].ReturnValue"),
                            format!(
                                "the registration reports success, but slot {slot} of the output's handle table holds no handle: \
                                 nothing was created (MS-OXCNOTIF_R34, MS-OXCNOTIF_R35, MS-OXCROPS_R4558)"
                            ),
                        ));
                        continue;
                    }
                    if let Some((l, logon)) = self.live.get(&h) {
                        problems.push(Problem::at(
                            Grade::Must,
                            &format!("ServerObjectHandleTable[{slot}]"),
                            format!(
                                "the registration's handle 0x{h:08X} is already live in this session ({} of LogonId {l}); \
                                 a new object gets an unused handle (MS-OXCROPS_R4556)",
                                if *logon { "the logon" } else { "a subscription" }
                            ),
                        ));
                    } else {
                        self.live.insert(h, (r.logon_id, false));
                    }
                    self.given.insert(h);
                    self.subs.insert(
                        h,
                        Subscription {
                            logon_id: r.logon_id,
                            notification_types: r.notification_types,
                            whole_store: r.want_whole_store != 0,
                            folder_id: r.folder_id,
                            message_id: r.message_id,
                        },
                    );
                    if table.len() <= slot {
                        table.resize(slot + 1, UNUSED_HANDLE);
                    }
                    table[slot] = h;
                }
                // Every other ROP has one response; one that names an output
                // slot and succeeded makes an object. A Table object is one
                // NotificationHandle may name (MS-OXCNOTIF_R97).
                other => {
                    let Some(x) = responses.next() else { break };
                    let Some(out) = other.handle_uses().into_iter().flatten().find(|u| u.output) else { continue };
                    if x.return_value() != Some(0) {
                        continue;
                    }
                    let slot = out.index as usize;
                    let h = output.server_object_handle_table.get(slot).copied().unwrap_or(UNUSED_HANDLE);
                    if h == UNUSED_HANDLE {
                        continue; // reported by the output rules (MS-OXCROPS_R4560)
                    }
                    if let Some((l, _)) = self.live.get(&h) {
                        problems.push(Problem::at(
                            Grade::Must,
                            &format!("ServerObjectHandleTable[{slot}]"),
                            format!(
                                "the {}'s handle 0x{h:08X} is already live in this session (an object of LogonId {l}); \
                                 a new object gets an unused handle (MS-OXCROPS_R4556)",
                                other.rop().name
                            ),
                        ));
                    } else {
                        self.live.insert(h, (other.logon_id(), false));
                    }
                    if crate::model::table::TableKind::of_rop(other.rop().id).is_some() {
                        // A table is a notification target (MS-OXCNOTIF_R97);
                        // a message RopCreateMessage makes is not.
                        self.given.insert(h);
                    }
                    if table.len() <= slot {
                        table.resize(slot + 1, UNUSED_HANDLE);
                    }
                    table[slot] = h;
                }
            }
        }
        for (i, r) in output.rops_list.iter().enumerate() {
            if let RopResponse::Notify(n) = r {
                if n.notification_handle != UNUSED_HANDLE && !self.given.contains(&n.notification_handle) {
                    problems.push(Problem::at(
                        Grade::Must,
                        &format!("RopsList[{i}].NotificationHandle"),
                        format!(
                            "0x{:08X} is no subscription or table this session created; NotificationHandle names the \
                             notification's target object (MS-OXCNOTIF_R95, MS-OXCNOTIF_R96, MS-OXCNOTIF_R97)",
                            n.notification_handle
                        ),
                    ));
                }
            }
        }
        problems
    }
}
