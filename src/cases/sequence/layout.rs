//! Which sequence cases a target of one request layout can run. The
//! layouts differ only in how RopRegisterNotification frames
//! NotificationTypes (MS-OXCNOTIF 2.2.1.2.1.1: 2 bytes, Reserved only with
//! Extended; the legacy reading: 1 byte, then an always-present Reserved).
//! A server reads one layout, so a case runs against it when it is written
//! for that layout, or when every ROP input buffer it sends reads the same
//! in both: each RopRegisterNotification has the same NotificationTypes,
//! WantWholeStore, FolderId and MessageId under either reading (types
//! below 0x0100 without Extended), and every other ROP is the same.
//! Responses do not depend on the layout.

use super::{Action, SequenceCase};
use crate::wire::rop_buffer::{RopInputBuffer, RopRequest};
use crate::wire::{decode, Layout, WireStructure};
use serde_json::Value;

/// Why `case` cannot run against a target that reads requests in
/// `target`'s layout (the step whose request reads differently), or `None`
/// when it can.
pub fn mismatch(case: &SequenceCase, target: Layout) -> Option<String> {
    if case.layout == target {
        return None;
    }
    for (k, step) in case.steps.iter().enumerate() {
        let bytes = match &step.action {
            Action::Send(v) => {
                // Handles are not known before the run; any value frames the
                // buffer the same way.
                let v = unbound_as_zero(v);
                match RopInputBuffer::from_value(&v, case.layout).and_then(|b| crate::wire::encode(&b, case.layout)) {
                    Ok(b) => b,
                    Err(_) => continue, // the run reports it
                }
            }
            Action::SendHex(b) => b.clone(),
            _ => continue,
        };
        let as_written = decode::<RopInputBuffer>(&bytes, case.layout).map(|d| d.value);
        let as_read = decode::<RopInputBuffer>(&bytes, target).map(|d| d.value);
        let same = match (&as_written, &as_read) {
            (Ok(a), Ok(b)) => same_requests(a, b),
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if !same {
            return Some(format!(
                "step {k}'s RopRegisterNotification reads differently in the {} layout (MS-OXCNOTIF 2.2.1.2.1.1)",
                target.name()
            ));
        }
    }
    None
}

fn unbound_as_zero(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => Value::from(0),
        Value::Array(a) => Value::Array(a.iter().map(unbound_as_zero).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), unbound_as_zero(v))).collect()),
        other => other.clone(),
    }
}

fn same_requests(a: &RopInputBuffer, b: &RopInputBuffer) -> bool {
    a.server_object_handle_table == b.server_object_handle_table
        && a.rops_list.len() == b.rops_list.len()
        && a.rops_list.iter().zip(&b.rops_list).all(|(x, y)| match (x, y) {
            (RopRequest::RegisterNotification(x), RopRequest::RegisterNotification(y)) => {
                (x.logon_id, x.input_handle_index, x.output_handle_index, x.notification_types)
                    == (y.logon_id, y.input_handle_index, y.output_handle_index, y.notification_types)
                    && (x.want_whole_store != 0) == (y.want_whole_store != 0)
                    && (x.folder_id, x.message_id) == (y.folder_id, y.message_id)
            }
            _ => x.to_value(Layout::Spec) == y.to_value(Layout::Spec),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str) -> SequenceCase {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases");
        let suite = crate::cases::load_suite(&dir).expect("the suite loads");
        suite.sequences.into_iter().find(|c| c.id == id).expect("the case")
    }

    #[test]
    fn requests_below_0x0100_without_extended_read_the_same_in_both_layouts() {
        assert_eq!(mismatch(&case("sequence.legacy.register-one-byte-types"), Layout::Spec), None);
        assert_eq!(mismatch(&case("sequence.legacy.folder-scope"), Layout::Spec), None);
        // Handles ($logon0) and NotificationTypes 0x00FE: the spec case reads
        // the same to a legacy server.
        assert_eq!(mismatch(&case("sequence.basics.register-notify-release"), Layout::Legacy), None);
        assert_eq!(mismatch(&case("sequence.basics.register-notify-release"), Layout::Spec), None);
    }

    #[test]
    fn extended_frames_the_request_differently() {
        let why = mismatch(&case("sequence.legacy.spec-extended-request-unparseable"), Layout::Spec);
        assert_eq!(
            why.as_deref(),
            Some("step 0's RopRegisterNotification reads differently in the spec layout (MS-OXCNOTIF 2.2.1.2.1.1)")
        );
        assert!(mismatch(&case("sequence.legacy.spec-reads-extended-request"), Layout::Legacy).is_some());
        assert!(mismatch(&case("sequence.register.extended-flag"), Layout::Legacy).is_some());
    }
}
