//! The client monitor: reads a recorded client session (the ordered ROP
//! input and output buffers) and reports every client rule the client
//! breaks ([MS-OXCNOTIF] 3.2, [MS-OXCROPS] 3.1.4.1).
//!
//! Checks, with the rule each enforces:
//!
//! * the input buffers' own rules, from the codec: types requested
//!   (MS-OXCNOTIF_R407), Reserved 0x00 (R50), Boolean bytes (R52), a handle
//!   table long enough (MS-OXCROPS_R4493), input slots holding handles
//!   (R4494), output slots initialised to 0xFFFFFFFF (R4495, R4497);
//! * a RopRegisterNotification with no scope: WantWholeStore FALSE and a
//!   zero FolderId (MS-OXCNOTIF_R407);
//! * a handle used after its RopRelease (MS-OXCROPS_R4494: the slot must
//!   hold a live object's handle);
//! * a RopRelease of a handle the server never gave out and the trace does
//!   not declare as held from elsewhere (MS-OXCNOTIF_R408: the client keeps
//!   the handle it was given);
//! * a subscription still live at the end of the trace (MS-OXCNOTIF_R409);
//! * a client that subscribed to TableModified yet sent no view-creating
//!   ROP on a table it created (MS-OXCNOTIF_R356-R369, SHOULD);
//! * a client that subscribed to TableModified and reset a table with
//!   RopResetTable, yet sent no view-creating ROP on it afterwards: the reset
//!   stops its table notifications until one (MS-OXCNOTIF_R376-R384, SHOULD);
//! * a RopPending that ends the trace, never followed by a call
//!   (MS-OXCNOTIF_R441, SHOULD);
//! * a client acting on a RopNotify it had to ignore (MS-OXCNOTIF_R448,
//!   R450): the RopNotify names a handle the client did not hold when it
//!   arrived (never returned to it, not declared as held, or already
//!   released), and a later request of the client uses that handle as its
//!   input (RopRegisterNotification's input object, RopRelease). Reported
//!   at the request that uses it; a use of a released handle is also
//!   MS-OXCROPS_R4494, and a release of a never-held one is reported as
//!   R450 in place of R408.
//!
//! What a trace cannot show is not claimed: a client that updates its
//! inside state from such a notification and sends nothing about it looks
//! like one that ignored it.

use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::{decode, Finding, Id8, Layout, Level};
use std::collections::{BTreeMap, HashSet};

/// One buffer of a recorded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceStep {
    /// A ROP input buffer the client sent.
    Input(Vec<u8>),
    /// The ROP output buffer the server answered with.
    Output(Vec<u8>),
}

/// A broken client rule, at a step of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFinding {
    /// The step (0-based) whose buffer shows it.
    pub step: usize,
    /// The finding (offset within that step's buffer).
    pub finding: Finding,
}

/// A trace that cannot be checked: a buffer does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// The step.
    pub step: usize,
    /// What is wrong.
    pub message: String,
}

struct Live {
    step: usize,
    offset: usize,
    field: String,
}

fn finding(
    step: usize,
    requirement: &'static str,
    level: Level,
    field: String,
    offset: usize,
    message: String,
) -> TraceFinding {
    TraceFinding { step, finding: Finding { requirement, level, field, offset, message } }
}

/// Checks a client trace. `preexisting` lists handles the client holds
/// from before the trace or from ROPs the harness does not parse (a
/// contents table, a folder): releasing them is not a sign of a lost
/// subscription handle.
///
/// A client that registers and ends the session without releasing the
/// subscription (spec case `trace.lifetime.never-released`, shortened):
///
/// ```
/// use oxcnotif::hex;
/// use oxcnotif::model::client::{check, TraceStep};
/// use oxcnotif::wire::Layout;
///
/// let register = TraceStep::Input(
///     hex::parse(
///         "0900 29 00 00 01 0400 01  # RopRegisterNotification, whole store, into slot 1
///          6f000000 ffffffff         # the logon, and slot 1 unused",
///     )
///     .unwrap(),
/// );
/// let registered = TraceStep::Output(
///     hex::parse(
///         "0800 29 01 00000000       # success, the handle is in slot 1
///          6f000000 70000000         # the logon, and the subscription 0x00000070",
///     )
///     .unwrap(),
/// );
/// let findings = check(&[register.clone(), registered.clone()], Layout::Spec, &[]).unwrap();
/// let found: Vec<(usize, &str)> = findings.iter().map(|f| (f.step, f.finding.requirement)).collect();
/// // Reported at the request that made the subscription.
/// assert_eq!(found, [(0, "MS-OXCNOTIF_R409")]);
///
/// // Releasing the subscription in a third call leaves nothing to report.
/// let release = TraceStep::Input(hex::parse("0500 01 00 00 70000000").unwrap());
/// let done = TraceStep::Output(hex::parse("0200").unwrap());
/// assert!(check(&[register, registered, release, done], Layout::Spec, &[]).unwrap().is_empty());
/// ```
pub fn check(trace: &[TraceStep], layout: Layout, preexisting: &[u32]) -> Result<Vec<TraceFinding>, TraceError> {
    let mut out = Vec::new();
    let mut live: BTreeMap<u32, Live> = BTreeMap::new();
    let mut released: HashSet<u32> = HashSet::new();
    // Handles the client may hold without the trace showing their origin:
    // the declared ones, and those it passes as RopRegisterNotification's
    // input (a logon, a folder).
    let mut known: HashSet<u32> = preexisting.iter().copied().collect();
    // The last input's requests, to pair with the next output, and the
    // releases of slots that a registration earlier in the same buffer
    // writes: their handle is only known from the output.
    let mut pending_input: Option<(usize, RopInputBuffer, Vec<usize>)> = None;
    let mut deferred: Vec<u8> = Vec::new();
    let mut last_output_pending: Option<(usize, String, usize)> = None;
    // Handles named by a RopNotify when the client did not hold them: the
    // step of that RopNotify, and whether the client had released the handle.
    let mut ignored: BTreeMap<u32, (usize, bool)> = BTreeMap::new();
    // Tables the client created (their handle, from the output) and whether
    // it sent a view-creating ROP on each; and whether it subscribed to
    // TableModified at all (MS-OXCNOTIF 3.2.4.2).
    let mut tables: BTreeMap<u32, Live> = BTreeMap::new();
    let mut viewed: HashSet<u32> = HashSet::new();
    // Tables reset after a view and not viewed since: where the reset was.
    let mut reset: BTreeMap<u32, Live> = BTreeMap::new();
    let mut wants_table_events = false;
    for (k, step) in trace.iter().enumerate() {
        match step {
            TraceStep::Input(bytes) => {
                last_output_pending = None;
                let d = decode::<RopInputBuffer>(bytes, layout)
                    .map_err(|e| TraceError { step: k, message: format!("the input buffer does not decode: {e}") })?;
                for f in d.findings {
                    out.push(TraceFinding { step: k, finding: f });
                }
                let table = &d.value.server_object_handle_table;
                let mut offset = 2;
                let mut offsets = Vec::with_capacity(d.value.rops_list.len());
                let mut written: HashSet<u8> = HashSet::new();
                deferred.clear();
                for (i, rop) in d.value.rops_list.iter().enumerate() {
                    offsets.push(offset);
                    if let RopRequest::Release(r) = rop {
                        if written.contains(&r.input_handle_index) {
                            // MS-OXCROPS_R4498: the slot holds what the registration before it wrote.
                            deferred.push(r.input_handle_index);
                            offset += rop_len(rop, layout);
                            continue;
                        }
                    }
                    if let RopRequest::RegisterNotification(r) = rop {
                        if written.contains(&r.input_handle_index) {
                            offset += rop_len(rop, layout);
                            written.insert(r.output_handle_index);
                            continue;
                        }
                    }
                    let (index, field) = match rop {
                        RopRequest::RegisterNotification(r) => (r.input_handle_index, "InputHandleIndex"),
                        RopRequest::Release(r) => (r.input_handle_index, "InputHandleIndex"),
                        // The table ROPs: a view ROP on a table the client
                        // holds counts for R356; the rest are not followed.
                        other => {
                            let input = other.handle_uses().into_iter().flatten().find(|u| !u.output);
                            if let Some(h) = input.and_then(|u| table.get(u.index as usize)) {
                                if is_view_rop(other) {
                                    viewed.insert(*h);
                                    reset.remove(h);
                                } else if matches!(other, RopRequest::ResetTable(_)) && viewed.remove(h) {
                                    // MS-OXCNOTIF_R376-R384: the view is gone until the next view ROP.
                                    reset.insert(*h, Live { step: k, offset, field: format!("RopsList[{i}].RopId") });
                                }
                            }
                            offset += rop_len(rop, layout);
                            continue;
                        }
                    };
                    let path = format!("RopsList[{i}].{field}");
                    if let Some(&h) = table.get(index as usize) {
                        let acted_on_ignored = match ignored.get(&h) {
                            Some(&(at, was_released)) if !live.contains_key(&h) => {
                                out.push(finding(
                                    k,
                                    "MS-OXCNOTIF_R450",
                                    Level::Must,
                                    path.clone(),
                                    offset + 2,
                                    if was_released {
                                        format!(
                                            "slot {index} holds 0x{h:08X}, which the client had released when the RopNotify \
                                             of step {at} named it: it MUST ignore that notification, yet it treats the \
                                             handle as live (MS-OXCNOTIF_R448)"
                                        )
                                    } else {
                                        format!(
                                            "slot {index} holds 0x{h:08X}, a handle the client only saw in the RopNotify of \
                                             step {at}, which named no subscription or table it held: it MUST ignore that \
                                             notification (MS-OXCNOTIF_R448)"
                                        )
                                    },
                                ));
                                true
                            }
                            _ => false,
                        };
                        if released.contains(&h) && !live.contains_key(&h) {
                            out.push(finding(
                                k,
                                "MS-OXCROPS_R4494",
                                Level::Must,
                                path.clone(),
                                offset + 2,
                                format!("slot {index} holds 0x{h:08X}, a handle the client already released"),
                            ));
                        }
                        match rop {
                            RopRequest::RegisterNotification(r) => {
                                written.insert(r.output_handle_index);
                                wants_table_events |= r.notification_types & 0x0100 != 0;
                                if h != UNUSED_HANDLE {
                                    known.insert(h);
                                }
                                if r.want_whole_store == 0 && r.folder_id == Some(Id8::default()) {
                                    out.push(finding(
                                        k,
                                        "MS-OXCNOTIF_R407",
                                        Level::Must,
                                        format!("RopsList[{i}].FolderId"),
                                        offset + 5 + types_len(layout) + r.reserved.map_or(0, |_| 1),
                                        "no scope: WantWholeStore is FALSE and FolderId is zero".into(),
                                    ));
                                }
                            }
                            RopRequest::Release(_) => {
                                if tables.contains_key(&h) {
                                    known.remove(&h);
                                    released.insert(h);
                                } else if live.remove(&h).is_some() {
                                    released.insert(h);
                                } else if h != UNUSED_HANDLE
                                    && !released.contains(&h)
                                    && !known.contains(&h)
                                    && !acted_on_ignored
                                {
                                    out.push(finding(
                                        k,
                                        "MS-OXCNOTIF_R408",
                                        Level::Must,
                                        path.clone(),
                                        offset + 2,
                                        format!("releases 0x{h:08X}, which the server never returned to this client"),
                                    ));
                                } else {
                                    known.remove(&h);
                                    released.insert(h);
                                }
                            }
                            _ => {}
                        }
                    }
                    offset += rop_len(rop, layout);
                }
                pending_input = Some((k, d.value, offsets));
            }
            TraceStep::Output(bytes) => {
                let d = decode::<RopOutputBuffer>(bytes, Layout::Spec)
                    .map_err(|e| TraceError { step: k, message: format!("the output buffer does not decode: {e}") })?;
                if let Some((ik, input, offsets)) = pending_input.take() {
                    // Responses answer requests in order; RopRelease has none.
                    let registers = input.rops_list.iter().enumerate().filter_map(|(i, r)| match r {
                        RopRequest::RegisterNotification(r) => Some((i, r)),
                        _ => None,
                    });
                    let responses = d.value.rops_list.iter().filter_map(|r| match r {
                        RopResponse::RegisterNotification(x) => Some(x),
                        _ => None,
                    });
                    for ((i, _req), resp) in registers.zip(responses) {
                        if resp.return_value != 0 {
                            continue;
                        }
                        if let Some(&h) = d.value.server_object_handle_table.get(resp.output_handle_index as usize) {
                            released.remove(&h);
                            ignored.remove(&h);
                            let offset = offsets.get(i).copied().unwrap_or(0);
                            live.insert(h, Live { step: ik, offset, field: format!("RopsList[{i}].RopId") });
                        }
                    }
                    // Table-creating ROPs that succeeded: their handle is a
                    // table the client holds (a RopNotify may name it, R97).
                    let mut answers = d.value.rops_list.iter().filter(|r| {
                        !matches!(r, RopResponse::Notify(_) | RopResponse::Pending(_) | RopResponse::BufferTooSmall(_))
                    });
                    for (i, req) in input.rops_list.iter().enumerate() {
                        if matches!(req, RopRequest::Release(_)) {
                            continue;
                        }
                        let Some(resp) = answers.next() else { break };
                        let Some(out) = req.handle_uses().into_iter().flatten().find(|u| u.output) else { continue };
                        if crate::model::table::TableKind::of_rop(req.rop().id).is_none()
                            || resp.return_value() != Some(0)
                        {
                            continue;
                        }
                        if let Some(&h) = d.value.server_object_handle_table.get(out.index as usize) {
                            known.insert(h);
                            released.remove(&h);
                            ignored.remove(&h);
                            let offset = offsets.get(i).copied().unwrap_or(0);
                            tables.insert(h, Live { step: ik, offset, field: format!("RopsList[{i}].RopId") });
                        }
                    }
                    for slot in deferred.drain(..) {
                        if let Some(&h) = d.value.server_object_handle_table.get(slot as usize) {
                            if live.remove(&h).is_some() {
                                released.insert(h);
                            }
                        }
                    }
                }
                last_output_pending = None;
                let mut at = 2;
                for (i, r) in d.value.rops_list.iter().enumerate() {
                    if let RopResponse::Pending(_) = r {
                        last_output_pending = Some((k, format!("RopsList[{i}].RopId"), at));
                    }
                    if let RopResponse::Notify(n) = r {
                        let h = n.notification_handle;
                        if !live.contains_key(&h) && !known.contains(&h) {
                            ignored.entry(h).or_insert((k, released.contains(&h)));
                        }
                    }
                    at += response_len(r);
                }
            }
        }
    }
    for (h, l) in live {
        out.push(finding(
            l.step,
            "MS-OXCNOTIF_R409",
            Level::Must,
            l.field,
            l.offset,
            format!("the subscription 0x{h:08X} registered here is never released with RopRelease"),
        ));
    }
    if wants_table_events {
        for (h, t) in tables.iter().filter(|(h, _)| !viewed.contains(h)) {
            if let Some(at) = reset.get(h) {
                out.push(finding(
                    at.step,
                    "MS-OXCNOTIF_R376",
                    Level::Should,
                    at.field.clone(),
                    at.offset,
                    format!(
                        "the client subscribed to TableModified and reset the table 0x{h:08X} here, but sent no \
                         view-creating ROP on it afterwards: after RopResetTable its table notifications stop until \
                         one (RopQueryRows, RopQueryPosition, RopSeekRow, ...: MS-OXCNOTIF_R376-R384)"
                    ),
                ));
                continue;
            }
            out.push(finding(
                t.step,
                "MS-OXCNOTIF_R356",
                Level::Should,
                t.field.clone(),
                t.offset,
                format!(
                    "the client subscribed to TableModified but sent no view-creating ROP on the table 0x{h:08X} it \
                     created here (RopQueryRows, RopQueryPosition, RopSeekRow, ...: MS-OXCNOTIF_R356-R369); a server \
                     may send its table notifications only once a view exists (R243)"
                ),
            ));
        }
    }
    if let Some((k, field, at)) = last_output_pending {
        out.push(finding(
            k,
            "MS-OXCNOTIF_R441",
            Level::Should,
            field,
            at,
            "the server announced pending notifications, and the client made no further call to fetch them".into(),
        ));
    }
    Ok(out)
}

/// The view-creating ROPs (MS-OXCNOTIF_R356-R369).
fn is_view_rop(rop: &RopRequest) -> bool {
    matches!(
        rop,
        RopRequest::CollapseRow(_)
            | RopRequest::ExpandRow(_)
            | RopRequest::FindRow(_)
            | RopRequest::QueryColumnsAll(_)
            | RopRequest::QueryPosition(_)
            | RopRequest::QueryRows(_)
            | RopRequest::SeekRow(_)
            | RopRequest::SeekRowFractional(_)
            | RopRequest::SeekRowBookmark(_)
    )
}

/// Encoded length of a response, to keep offsets.
fn response_len(r: &RopResponse) -> usize {
    let mut b = Vec::new();
    let _ = r.write(&mut b, Layout::Spec);
    b.len()
}

fn types_len(layout: Layout) -> usize {
    if layout == Layout::Legacy {
        1
    } else {
        2
    }
}

/// Encoded length of a request, to keep offsets.
fn rop_len(rop: &RopRequest, layout: Layout) -> usize {
    match rop {
        RopRequest::Release(_) => 3,
        RopRequest::RegisterNotification(r) => {
            4 + types_len(layout) + r.reserved.map_or(0, |_| 1) + 1 + if r.folder_id.is_some() { 16 } else { 0 }
        }
        other => {
            let mut b = Vec::new();
            let _ = other.write(&mut b, layout);
            b.len()
        }
    }
}
