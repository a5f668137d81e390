//! The handle-table and ordering rules a ROP buffer's bytes alone show,
//! checked after framing and reported as findings: the client's input
//! buffer (MS-OXCROPS 3.1.4.1: R4493, R4494, R4495, R4497) and the server's
//! output buffer (MS-OXCROPS 3.1.5.1.3, 3.2.5.1, 3.2.5.2 and MS-OXCNOTIF
//! 3.1.5.5: R452201, R4560, R4563, MS-OXCNOTIF_R334).
//!
//! Framing ([`super`]) never depends on these checks: a buffer that breaks
//! them still decodes, with the findings beside its value.

use super::{RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::codec::{Level, Reader};
use crate::wire::rop;

/// Client rules on the input handle table (MS-OXCROPS 3.1.4.1).
#[inline]
pub(super) fn check_input_indexes(r: &mut Reader, rops: &[RopRequest], table: &[u32], offsets: &[usize]) {
    // Every index use in order: (rop, offset of the index byte, index, is_output, field).
    let mut uses: Vec<(usize, usize, u8, bool, &'static str)> = Vec::with_capacity(rops.len() * 2);
    for (i, rop) in rops.iter().enumerate() {
        for u in rop.handle_uses().into_iter().flatten() {
            uses.push((i, offsets[i] + u.offset, u.index, u.output, u.field));
        }
    }
    let mut seen = vec![false; table.len()];
    for (k, &(i, at, index, is_output, field)) in uses.iter().enumerate() {
        let slot = index as usize;
        r.enter_index("RopsList", i);
        if slot >= table.len() {
            // MS-OXCROPS_R4493
            r.finding(
                "MS-OXCROPS_R4493",
                Level::Must,
                field,
                at,
                format!(
                    "index {index} is beyond the ServerObjectHandleTable, which {}",
                    match table.len() {
                        0 => "is empty".to_string(),
                        1 => "has 1 entry".to_string(),
                        n => format!("has {n} entries"),
                    }
                ),
            );
        } else if !seen[slot] {
            // The first use of a slot decides what it must hold.
            seen[slot] = true;
            let h = table[slot];
            if is_output && h != UNUSED_HANDLE {
                let later_input = uses[k + 1..].iter().any(|u| u.2 == index && !u.3);
                if later_input {
                    // MS-OXCROPS_R4497
                    r.finding(
                        "MS-OXCROPS_R4497",
                        Level::Should,
                        field,
                        at,
                        format!("slot {index} is first written as output, then read as input; it SHOULD start as 0xFFFFFFFF, not 0x{h:08X}"),
                    );
                } else {
                    // MS-OXCROPS_R4495
                    r.finding(
                        "MS-OXCROPS_R4495",
                        Level::Should,
                        field,
                        at,
                        format!("slot {index} is used only as output; it SHOULD hold 0xFFFFFFFF, not 0x{h:08X}"),
                    );
                }
            } else if !is_output && h == UNUSED_HANDLE {
                // MS-OXCROPS_R4494
                r.finding(
                    "MS-OXCROPS_R4494",
                    Level::Must,
                    field,
                    at,
                    format!(
                        "slot {index} is used as input but holds 0xFFFFFFFF, which is never a Server object handle"
                    ),
                );
            }
        }
        r.leave();
    }
}

/// Server rules on the output buffer: order (MS-OXCROPS 3.1.5.1.3,
/// MS-OXCNOTIF 3.1.5.5) and the handles of successful registrations
/// (MS-OXCROPS 3.2.5.1, 3.2.5.2).
#[inline]
pub(super) fn check_output_order(r: &mut Reader, rops: &[RopResponse], table: &[u32], offsets: &[usize]) {
    let mut seen_notify = false;
    let mut seen_pending = false;
    for (i, rop) in rops.iter().enumerate() {
        r.enter_index("RopsList", i);
        match rop {
            x if x.answers_request() => {
                if seen_notify || seen_pending {
                    // MS-OXCROPS_R452201
                    r.finding(
                        "MS-OXCROPS_R452201",
                        Level::Must,
                        "RopId",
                        offsets[i],
                        format!(
                            "a request's response follows {} or {}, which belong at the end of RopsList",
                            rop::NOTIFY.name,
                            rop::PENDING.name
                        ),
                    );
                }
                let Some(u) = x.handle_use() else {
                    r.leave();
                    continue;
                };
                let idx = u.index as usize;
                let success = x.return_value() == Some(0);
                if idx >= table.len() {
                    // MS-OXCROPS_R4563: the table covers every index a response names, failed or not.
                    r.finding(
                        "MS-OXCROPS_R4563",
                        Level::Must,
                        u.field,
                        offsets[i] + u.offset,
                        format!(
                            "slot {idx} is beyond the ServerObjectHandleTable ({}), which MUST cover every index a response names{}",
                            crate::plural::plural_of(table.len(), "entry", "entries"),
                            if success && u.output { "; the new handle is lost" } else { "" }
                        ),
                    );
                } else if u.output && success && table[idx] == UNUSED_HANDLE {
                    // MS-OXCROPS_R4560
                    r.finding(
                        "MS-OXCROPS_R4560",
                        Level::Must,
                        u.field,
                        offsets[i] + u.offset,
                        format!(
                            "the {} succeeded but slot {idx} holds 0xFFFFFFFF, which the server MUST NOT assign",
                            if matches!(x, RopResponse::RegisterNotification(_)) {
                                "registration".to_string()
                            } else {
                                x.rop().name.to_string()
                            }
                        ),
                    );
                }
            }
            RopResponse::Notify(_) => {
                if seen_pending {
                    // MS-OXCNOTIF_R334
                    r.finding(
                        "MS-OXCNOTIF_R334",
                        Level::Should,
                        "RopId",
                        offsets[i],
                        format!(
                            "{n} follows {p}; {p} SHOULD come after the {n} responses that fit",
                            n = rop::NOTIFY.name,
                            p = rop::PENDING.name
                        ),
                    );
                }
                seen_notify = true;
            }
            RopResponse::Pending(_) => seen_pending = true,
            _ => {}
        }
        r.leave();
    }
}
