//! Fuzz entry points. The targets under `fuzz/fuzz_targets/` are a few lines
//! each and call these; `tests/fuzz_replay.rs` runs the same functions over
//! the committed seeds and regression inputs under plain `cargo test`.
//!
//! Each entry point returns `Err(what went wrong)` when a property breaks;
//! a panic inside the code under test is the other way to fail. The targets
//! turn an `Err` into a panic so libFuzzer records the input.

use crate::model::client::{check as check_trace, TraceStep};
use crate::model::{profile, Event, EventType, Server, Setup, SetupFolder, SetupMessage};
use crate::wire::notification_data::NotificationData;
use crate::wire::register_notification::{RopRegisterNotificationRequest, EXTENDED};
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::{decode, encode, Id8, Layout, WireStructure};
use std::collections::HashSet;
use std::fmt::Debug;

mod tables;
mod transport;
pub use tables::{column_set, TableOp, TableStats};

/// The fuzz targets, by name (`fuzz/fuzz_targets/<name>.rs`).
/// `structure_aware` needs the `arbitrary` feature.
pub const TARGETS: [&str; 16] = [
    "rop_input_buffer",
    "rop_output_buffer",
    "notification_data",
    "register_request_spec",
    "register_request_legacy",
    "readings_differential",
    "model",
    "client_monitor",
    "structure_aware",
    "external_form",
    "property_row",
    "lz77_decompress",
    "extended_buffer",
    "connect_body",
    "aux_buffer",
    "inner_stream",
];

/// Runs the entry point of `target` on `data` (the `structure_aware`
/// target, which needs the `arbitrary` feature, is run by
/// `structure_aware`).
pub fn run_target(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        // The legacy reading of input buffers is fuzzed by `readings_differential`.
        "rop_input_buffer" => round_trip::<RopInputBuffer>(data, Layout::Spec),
        "rop_output_buffer" => round_trip::<RopOutputBuffer>(data, Layout::Spec),
        "notification_data" => round_trip::<NotificationData>(data, Layout::Spec),
        "register_request_spec" => round_trip::<RopRegisterNotificationRequest>(data, Layout::Spec),
        "register_request_legacy" => round_trip::<RopRegisterNotificationRequest>(data, Layout::Legacy),
        "readings_differential" => readings_differential(data),
        "model" => model(data),
        "client_monitor" => client_monitor(data),
        "external_form" => external_form(data),
        "property_row" => property_row(data),
        "lz77_decompress" => transport::lz77_decompress(data),
        "extended_buffer" => transport::extended_buffer(data),
        "connect_body" => transport::connect_body(data),
        "aux_buffer" => transport::aux_buffer(data),
        "inner_stream" => transport::inner_stream(data),
        #[cfg(feature = "arbitrary")]
        "structure_aware" => structure_aware(data),
        other => Err(format!("no fuzz target named {other:?}")),
    }
}

/// Byte-level: decoding never panics; an accepted input re-encodes to the
/// bytes it consumed. (It then decodes again to the same value: the
/// re-encoded bytes are the input's, and decoding is a function of its
/// bytes, so a second decode would only repeat the first; the targets skip
/// it to spend the time on new inputs.)
pub fn round_trip<T: WireStructure + PartialEq + Debug>(data: &[u8], layout: Layout) -> Result<(), String> {
    let Ok(d) = decode::<T>(data, layout) else { return Ok(()) };
    let again = encode(&d.value, layout).map_err(|e| format!("accepted input does not re-encode: {e}"))?;
    if again != data {
        return Err(format!("not lossless: {} re-encodes to {}", crate::hex::encode(data), crate::hex::encode(&again)));
    }
    Ok(())
}

/// A PropertyRow against an arbitrary column set, and NotificationData
/// whose TableRowData is read against it. The first byte is the column
/// count (modulo 9), then 4 bytes per column tag, then the input. Decoding
/// never panics; an accepted row re-encodes to its bytes and its value form
/// reads back to the same row; NotificationData read with the columns
/// agrees with NotificationData read without them.
pub fn property_row(data: &[u8]) -> Result<(), String> {
    use crate::wire::notification_data::decode_with_columns;
    use crate::wire::property_row::{decode_row, PropertyRow};
    use crate::wire::property_tag::PropertyTag;
    let Some((&n, rest)) = data.split_first() else { return Ok(()) };
    let n = (n % 9) as usize;
    if rest.len() < 4 * n {
        return Ok(());
    }
    let (tags, bytes) = rest.split_at(4 * n);
    let columns: Vec<PropertyTag> =
        tags.chunks_exact(4).map(|c| PropertyTag::from_u32(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))).collect();
    if let Ok(d) = decode_row(bytes, &columns) {
        let mut again = Vec::new();
        d.value.write(&mut again).map_err(|e| format!("an accepted row does not re-encode: {e}"))?;
        if again != bytes {
            return Err(format!(
                "row not lossless: {} re-encodes to {}",
                crate::hex::encode(bytes),
                crate::hex::encode(&again)
            ));
        }
        let back = PropertyRow::from_value(&d.value.to_value(), Some(&columns))
            .map_err(|e| format!("a decoded row's value is refused: {e}"))?;
        if back != d.value {
            return Err(format!("row value form is lossy: {:?} reads back as {back:?}", d.value));
        }
    }
    if let Ok((d, _)) = decode_with_columns(bytes, &columns) {
        let plain = decode::<NotificationData>(bytes, Layout::Spec)
            .map_err(|e| format!("NotificationData decodes with columns but not without: {e}"))?;
        if plain.value != d.value {
            return Err("NotificationData differs when read with columns".into());
        }
    }
    Ok(())
}

/// The external value form and the dissector, on any bytes. The first byte
/// picks the structure (low nibble, modulo the count) and the reading (bit
/// 0x80); the rest is its input. Dissecting never panics and its spans and
/// findings lie inside the input; a framing error's offset does too; an
/// accepted input's value encodes back to the same bytes, and a value with
/// one field removed, or one number changed, is either refused with the
/// field named or encodes to bytes that decode.
pub fn external_form(data: &[u8]) -> Result<(), String> {
    use crate::wire::structure::Structure;
    let Some((&sel, bytes)) = data.split_first() else { return Ok(()) };
    let structure = Structure::ALL[(sel & 0x7F) as usize % Structure::ALL.len()];
    let layout = if sel & 0x80 != 0 { Layout::Legacy } else { Layout::Spec };
    if Structure::from_name(structure.name()) != Some(structure) || structure.section().is_empty() {
        return Err(format!("{structure:?} does not round-trip through its name"));
    }
    let d = structure.dissect(bytes, layout);
    for s in &d.spans {
        if s.offset + s.len > bytes.len() || s.field.is_empty() {
            return Err(format!("span {s:?} is outside the {} input bytes or unnamed", bytes.len()));
        }
    }
    for f in &d.findings {
        if f.offset > bytes.len() || f.field.is_empty() {
            return Err(format!("finding {f} is outside the input or names no field"));
        }
    }
    let _ = crate::wire::dissect::render(bytes, &d);
    let value = match d.result {
        Ok(v) => v,
        Err(e) if e.offset <= bytes.len() && !e.field.is_empty() => return Ok(()),
        Err(e) => return Err(format!("framing error {e} points outside the input")),
    };
    let again = structure.encode(&value, layout).map_err(|e| format!("a decoded value is refused: {e}"))?;
    if again != bytes {
        return Err(format!(
            "value form is lossy: {} encodes back to {}",
            crate::hex::encode(bytes),
            crate::hex::encode(&again)
        ));
    }
    // Break the value in one place, chosen by the selector byte and the
    // input's length.
    let mut broken = value.clone();
    let changed = break_value(&mut broken, ((sel & 0x70) as usize >> 4) * 37 + bytes.len());
    if !changed {
        return Ok(());
    }
    match structure.encode(&broken, layout) {
        Err(e) if e.field.is_empty() || e.message.is_empty() => Err(format!("a refusal names no field: {e:?}")),
        Err(_) => Ok(()),
        Ok(b) => match structure.decode(&b, layout) {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("a changed value encodes to bytes that do not decode: {e}")),
        },
    }
}

/// Breaks a value in one place, walking it depth first: `n` picks the place
/// and the way (remove the field; a number out of range; a number written
/// as a "0x…" string, which must still be read; a value of the wrong kind;
/// an unknown field beside it).
fn break_value(v: &mut serde_json::Value, n: usize) -> bool {
    use serde_json::Value;
    fn walk(v: &mut Value, n: &mut usize, how: usize) -> bool {
        match v {
            Value::Object(m) => {
                let keys: Vec<String> = m.keys().cloned().collect();
                for k in keys {
                    if *n == 0 {
                        match how {
                            0 => {
                                m.remove(&k);
                            }
                            1 => {
                                m.insert(k, Value::from(0x1_0000_0000u64));
                            }
                            2 => {
                                let text = match &m[&k] {
                                    Value::Number(x) => format!("0x{:X}", x.as_u64().unwrap_or(0)),
                                    _ => "0xZZ".to_string(),
                                };
                                m.insert(k, Value::String(text));
                            }
                            3 => {
                                let wrong = match &m[&k] {
                                    Value::Array(_) => Value::Bool(true),
                                    Value::Object(_) => Value::Null,
                                    Value::String(_) => Value::from(1),
                                    _ => Value::Array(Vec::new()),
                                };
                                m.insert(k, wrong);
                            }
                            _ => {
                                m.insert(format!("{k}Extra"), Value::from(0));
                            }
                        }
                        return true;
                    }
                    *n -= 1;
                    if let Some(child) = m.get_mut(&k) {
                        if walk(child, n, how) {
                            return true;
                        }
                    }
                }
                false
            }
            Value::Array(a) => a.iter_mut().any(|x| walk(x, n, how)),
            _ => false,
        }
    }
    let how = n % 5;
    let mut n = (n / 5) % 53;
    walk(v, &mut n, how)
}

/// The two readings of RopRegisterNotification agree wherever the spec says
/// they must (fact sheet §3.3): with no type bit at or above 0x0100 and
/// Extended clear, the 2-byte field's high byte is 0x00 and sits where the
/// legacy Reserved byte is, so both frame the same fields. Checked for the
/// request alone and inside ROP input buffers.
pub fn readings_differential(data: &[u8]) -> Result<(), String> {
    let spec = decode::<RopRegisterNotificationRequest>(data, Layout::Spec);
    let legacy = decode::<RopRegisterNotificationRequest>(data, Layout::Legacy);
    let agree = |s: &RopRegisterNotificationRequest, l: &RopRegisterNotificationRequest| {
        s.logon_id == l.logon_id
            && s.input_handle_index == l.input_handle_index
            && s.output_handle_index == l.output_handle_index
            && s.notification_types == l.notification_types
            && l.reserved == Some(0)
            && s.want_whole_store == l.want_whole_store
            && s.folder_id == l.folder_id
            && s.message_id == l.message_id
    };
    if let Ok(s) = &spec {
        if s.value.notification_types < 0x0100 {
            match &legacy {
                Ok(l) if agree(&s.value, &l.value) => {}
                Ok(l) => return Err(format!("readings disagree: spec {:?}, legacy {:?}", s.value, l.value)),
                Err(e) => {
                    return Err(format!(
                        "spec reading accepts types 0x{:04X}, legacy fails: {e}",
                        s.value.notification_types
                    ))
                }
            }
        }
    }
    if let Ok(l) = &legacy {
        if l.value.reserved == Some(0) {
            match &spec {
                Ok(s) if agree(&s.value, &l.value) => {}
                Ok(s) => return Err(format!("readings disagree: legacy {:?}, spec {:?}", l.value, s.value)),
                Err(e) => return Err(format!("legacy reading accepts Reserved 0, spec fails: {e}")),
            }
        }
    }
    // Inside an input buffer: when every request's types are below 0x0100
    // in the spec reading, the legacy reading frames the same ROPs.
    if let Ok(s) = decode::<RopInputBuffer>(data, Layout::Spec) {
        let low = s.value.rops_list.iter().all(|r| match r {
            RopRequest::RegisterNotification(x) => {
                x.notification_types < 0x0100 && x.notification_types & EXTENDED == 0
            }
            // The other requests have no NotificationTypes: both readings frame them alike.
            _ => true,
        });
        if low {
            let l = decode::<RopInputBuffer>(data, Layout::Legacy)
                .map_err(|e| format!("spec reading frames the buffer with low types only; legacy fails: {e}"))?;
            if l.value.rops_list.len() != s.value.rops_list.len()
                || l.value.server_object_handle_table != s.value.server_object_handle_table
            {
                return Err("readings frame the input buffer differently".into());
            }
        }
    }
    Ok(())
}

/// Reads model operations from bytes: each operation is an opcode byte
/// followed by its parameters; running out of bytes ends the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelOp {
    /// RopRegisterNotification with these types, scope selector and indexes.
    Register {
        /// NotificationTypes.
        types: u16,
        /// 0: whole store, 1–4: a folder, 5–8: a message.
        scope: u8,
        /// InputHandleIndex (0 is the logon; others are bad).
        input_index: u8,
        /// OutputHandleIndex.
        output_index: u8,
    },
    /// RopRelease of the n-th handle ever assigned (or a bogus one).
    Release(u8),
    /// An event of a kind on a target object.
    Event(u8, u8, u8),
    /// A poll with this output limit.
    Poll(u16),
    /// A table ROP or a store change aimed at a table ([`TableOp`]).
    Table(TableOp),
}

/// At most this many operations per input: long inputs add little
/// coverage and slow the target down.
pub const MAX_MODEL_OPS: usize = 64;

/// Parses the model target's input.
pub fn model_ops(mut data: &[u8]) -> Vec<ModelOp> {
    let mut ops = Vec::new();
    while let Some((&op, rest)) = data.split_first() {
        if ops.len() == MAX_MODEL_OPS {
            break;
        }
        data = rest;
        let take = |data: &mut &[u8], n: usize| -> Option<Vec<u8>> {
            let (a, b) = data.split_at_checked(n)?;
            *data = b;
            Some(a.to_vec())
        };
        let next = match op % tables::OPCODES.end {
            0 => take(&mut data, 5).map(|p| ModelOp::Register {
                types: u16::from_le_bytes([p[0], p[1]]),
                scope: p[2] % 9,
                input_index: p[3] % 4,
                output_index: p[4] % 4,
            }),
            1 => take(&mut data, 1).map(|p| ModelOp::Release(p[0])),
            2 => take(&mut data, 3).map(|p| ModelOp::Event(p[0], p[1], p[2])),
            3 => take(&mut data, 2).map(|p| ModelOp::Poll(u16::from_le_bytes([p[0], p[1]]))),
            k => TableOp::parse(k, &mut data).map(ModelOp::Table),
        };
        match next {
            Some(o) => ops.push(o),
            None => break,
        }
    }
    ops
}

fn fid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xF0, n])
}

fn mid(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0xE0, n])
}

/// Drives the server model with the operations in `data`, checking its
/// invariants after each: every output within its limit, decodable with no
/// findings; handles unique and never 0xFFFFFFFF; no RopNotify for a
/// released subscription; RopPending last, and only with notifications
/// left; and the table invariants of [`TableOp`]'s module.
pub fn model(data: &[u8]) -> Result<(), String> {
    model_table_stats(data).map(|_| ())
}

/// [`model`], saying which table paths the input reached.
pub fn model_table_stats(data: &[u8]) -> Result<TableStats, String> {
    // Built once: the target runs it on every input. The folders and
    // messages are opened only for inputs with table operations, which need
    // them, so the others cost what they did before there were tables.
    static SETUPS: std::sync::OnceLock<[Setup; 2]> = std::sync::OnceLock::new();
    let setups = SETUPS.get_or_init(|| {
        let plain = Setup {
            logons: vec![0],
            folders: (1..=4)
                .map(|i| SetupFolder { id: fid(i), parent: Some(fid(0)), search: i == 4 })
                .chain(std::iter::once(SetupFolder { id: fid(0), parent: None, search: false }))
                .collect(),
            messages: (1..=4).map(|i| SetupMessage { id: mid(i), folder: fid(i) }).collect(),
            session_index: 1,
            ..Setup::default()
        };
        let opened = Setup { opened: tables::opened().to_vec(), ..plain.clone() };
        [plain, opened]
    });
    let ops = model_ops(data);
    let open = ops.iter().any(|o| matches!(o, ModelOp::Table(_)));
    let setup = &setups[usize::from(open)];
    let mut server = Server::new(profile::spec(), Layout::Spec, setup);
    let logon = server.logon_handle(0).ok_or("no logon handle")?;
    let mut assigned: Vec<u32> = vec![logon];
    let mut released: HashSet<u32> = HashSet::new();
    let mut tables = tables::Tables::new(&server, logon, open)?;
    for op in ops {
        let subs = tables::Subscriptions { assigned: &assigned, released: &released };
        let (input, max_output) = match op {
            ModelOp::Register { types, scope, input_index, output_index } => {
                let (wws, folder_id, message_id) = match scope {
                    0 => (1, None, None),
                    1..=4 => (0, Some(fid(scope)), Some(Id8::default())),
                    _ => (0, Some(fid(scope - 4)), Some(mid(scope - 4))),
                };
                let req = RopRegisterNotificationRequest {
                    logon_id: 0,
                    input_handle_index: input_index,
                    output_handle_index: output_index,
                    notification_types: types & !EXTENDED,
                    reserved: None,
                    want_whole_store: wws,
                    folder_id,
                    message_id,
                };
                let mut table = vec![UNUSED_HANDLE; 4];
                table[0] = logon;
                (
                    RopInputBuffer {
                        rops_list: vec![RopRequest::RegisterNotification(req)],
                        server_object_handle_table: table,
                    },
                    0x8000,
                )
            }
            ModelOp::Release(n) => {
                let h = assigned.get(n as usize % (assigned.len() + 1)).copied().unwrap_or(0x1234_5678);
                if h == logon {
                    continue; // releasing the logon ends the session; not what this target explores
                }
                (
                    RopInputBuffer {
                        rops_list: vec![RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: 0 })],
                        server_object_handle_table: vec![h],
                    },
                    0x8000,
                )
            }
            ModelOp::Event(kind, target, extra) => {
                let kind = EventType::ALL[kind as usize % EventType::ALL.len()];
                let n = target % 4 + 1;
                let on_message =
                    kind == EventType::NewMail || (target & 0x10 != 0 && kind != EventType::SearchCompleted);
                let mut e = Event::new(kind, fid(n), on_message.then(|| mid(n)));
                e.tags = (0..extra as u32 % 4).map(|t| 0x0037_001F + t).collect();
                if kind == EventType::ObjectModified && extra & 0x80 != 0 {
                    e.total_message_count = Some(extra as u32);
                    e.unread_message_count = Some(1);
                }
                if matches!(kind, EventType::ObjectMoved | EventType::ObjectCopied) {
                    e.to_folder = Some(fid((n % 4) + 1));
                }
                if kind == EventType::ObjectCreated && !on_message {
                    e.parent_folder = Some(fid(0));
                }
                let n = server.event(&e);
                tables.after_event(&server, n, &subs)?;
                continue;
            }
            ModelOp::Poll(max) => (RopInputBuffer::default(), max as usize),
            ModelOp::Table(ref t) => match tables.step(t, &mut server, &subs)? {
                Some(input) => (input, 0x8000),
                None => continue,
            },
        };
        let bytes = encode(&input, Layout::Spec).map_err(|e| format!("test input does not encode: {e}"))?;
        let out = match server.execute(&bytes, max_output) {
            Ok(o) => o,
            Err(e) if max_output < 2 + 4 * input.server_object_handle_table.len() + 3 => {
                let _ = e;
                continue; // too small for any output: the call fails, as it should
            }
            Err(e) => return Err(format!("call failed: {e}")),
        };
        if out.len() > max_output {
            return Err(format!("output of {} bytes over the limit {max_output}", out.len()));
        }
        let d = decode::<RopOutputBuffer>(&out, Layout::Spec).map_err(|e| format!("output does not decode: {e}"))?;
        if let Some(f) = d.findings.first() {
            return Err(format!("output breaks a rule: {f}"));
        }
        for (i, rop) in d.value.rops_list.iter().enumerate() {
            match rop {
                RopResponse::RegisterNotification(r) if r.return_value == 0 => {
                    let h = d
                        .value
                        .server_object_handle_table
                        .get(r.output_handle_index as usize)
                        .copied()
                        .ok_or("handle slot missing")?;
                    if h == UNUSED_HANDLE || assigned.contains(&h) || released.contains(&h) {
                        return Err(format!("handle 0x{h:08X} is 0xFFFFFFFF or not new"));
                    }
                    assigned.push(h);
                }
                RopResponse::Notify(n) if released.contains(&n.notification_handle) => {
                    return Err(format!("RopNotify for released subscription 0x{:08X}", n.notification_handle));
                }
                RopResponse::Pending(_) if i + 1 != d.value.rops_list.len() => {
                    return Err("RopPending is not last".into())
                }
                RopResponse::Pending(_) if server.queued().is_empty() => {
                    return Err("RopPending with nothing queued".into())
                }
                _ => {}
            }
        }
        if let (ModelOp::Release(_), Some(RopRequest::Release(_))) = (&op, input.rops_list.first()) {
            let h = input.server_object_handle_table[0];
            if server.subscriptions().contains_key(&h) {
                return Err(format!("subscription 0x{h:08X} still live after RopRelease"));
            }
            if assigned.contains(&h) {
                released.insert(h);
            }
        }
        tables.after_call(&input, &d.value, &tables::Subscriptions { assigned: &assigned, released: &released })?;
    }
    Ok(tables.stats)
}

/// Reads a trace from bytes: records of a kind byte (even: input, odd:
/// output), a 2-byte little-endian length and that many bytes.
pub fn trace_steps(mut data: &[u8]) -> Vec<TraceStep> {
    let mut steps = Vec::new();
    while data.len() >= 3 {
        let kind = data[0];
        let len = u16::from_le_bytes([data[1], data[2]]) as usize;
        let body = &data[3..];
        let n = len.min(body.len());
        let bytes = body[..n].to_vec();
        data = &body[n..];
        steps.push(if kind % 2 == 0 { TraceStep::Input(bytes) } else { TraceStep::Output(bytes) });
    }
    steps
}

/// Writes a trace in the form [`trace_steps`] reads (for seeds).
pub fn trace_bytes(steps: &[TraceStep]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in steps {
        let (kind, b) = match s {
            TraceStep::Input(b) => (0u8, b),
            TraceStep::Output(b) => (1u8, b),
        };
        out.push(kind);
        out.extend_from_slice(&(b.len().min(0xFFFF) as u16).to_le_bytes());
        out.extend_from_slice(&b[..b.len().min(0xFFFF)]);
    }
    out
}

/// The client monitor never panics on any trace, in either reading, and
/// every finding points inside the step it names.
pub fn client_monitor(data: &[u8]) -> Result<(), String> {
    let steps = trace_steps(data);
    for layout in [Layout::Spec, Layout::Legacy] {
        if let Ok(found) = check_trace(&steps, layout, &[]) {
            for f in found {
                if f.step >= steps.len() {
                    return Err(format!("finding names step {} of {}", f.step, steps.len()));
                }
            }
        }
    }
    Ok(())
}

#[cfg(feature = "arbitrary")]
pub use generate::{generate, structure_aware, Generated};

#[cfg(feature = "arbitrary")]
pub mod generate {
    //! Structure-aware generation: valid values of every structure built
    //! from `arbitrary` input, following the presence rules.

    use super::*;
    use crate::wire::buffer_too_small::RopBufferTooSmallResponse;
    use crate::wire::notification_data::{presence, tags_present, Field, MessageClass};
    use crate::wire::notify::RopNotifyResponse;
    use crate::wire::pending::RopPendingResponse;
    use crate::wire::register_notification::RopRegisterNotificationResponse;
    use arbitrary::{Arbitrary, Result, Unstructured};

    fn id8(u: &mut Unstructured) -> Result<Id8> {
        Ok(Id8(u.arbitrary()?))
    }

    /// A NotificationData whose fields follow its flags.
    pub fn notification_data(u: &mut Unstructured, last: bool) -> Result<NotificationData> {
        let flags: u16 = u.arbitrary()?;
        let any_tet: u16 = u.arbitrary()?;
        let tet: u16 = *u.choose(&[1, 3, 4, 5, 7, any_tet])?;
        let p = presence(flags, tet);
        let mut d = NotificationData { notification_flags: flags, ..Default::default() };
        let id = |u: &mut Unstructured, f: Field| -> Result<Option<Id8>> {
            if p.has(f) {
                id8(u).map(Some)
            } else {
                Ok(None)
            }
        };
        d.table_event_type = p.has(Field::TableEventType).then_some(tet);
        d.table_row_folder_id = id(u, Field::TableRowFolderID)?;
        d.table_row_message_id = id(u, Field::TableRowMessageID)?;
        d.table_row_instance = if p.has(Field::TableRowInstance) { Some(u.arbitrary()?) } else { None };
        d.insert_after_table_row_folder_id = id(u, Field::InsertAfterTableRowFolderID)?;
        d.insert_after_table_row_id = id(u, Field::InsertAfterTableRowID)?;
        d.insert_after_table_row_instance =
            if p.has(Field::InsertAfterTableRowInstance) { Some(u.arbitrary()?) } else { None };
        d.table_row_data = if p.has(Field::TableRowData) { Some(Vec::<u8>::arbitrary(u)?) } else { None };
        d.folder_id = id(u, Field::FolderId)?;
        d.message_id = id(u, Field::MessageId)?;
        d.parent_folder_id = id(u, Field::ParentFolderId)?;
        d.old_folder_id = id(u, Field::OldFolderId)?;
        d.old_message_id = id(u, Field::OldMessageId)?;
        d.old_parent_folder_id = id(u, Field::OldParentFolderId)?;
        if p.has(Field::TagCount) {
            let some: u16 = u.int_in_range(1..=8)?;
            let count: u16 = *u.choose(&[0, 0xFFFF, some])?;
            d.tag_count = Some(count);
            if tags_present(count) {
                let mut tags = Vec::with_capacity(count as usize);
                for _ in 0..count {
                    tags.push(u.arbitrary()?);
                }
                d.tags = Some(tags);
            }
        }
        d.total_message_count = if p.has(Field::TotalMessageCount) { Some(u.arbitrary()?) } else { None };
        d.unread_message_count = if p.has(Field::UnreadMessageCount) { Some(u.arbitrary()?) } else { None };
        if p.has(Field::NewMail) {
            d.message_flags = Some(u.arbitrary()?);
            let flag: u8 = u.arbitrary()?;
            let unicode = flag != 0;
            let mut bytes: Vec<u8> = Vec::arbitrary(u)?;
            let terminated = !last || u.arbitrary()?;
            if unicode {
                if terminated && bytes.len() % 2 == 1 {
                    bytes.pop();
                }
                for c in bytes.chunks_exact_mut(2) {
                    if c == [0, 0] {
                        c[0] = 1;
                    }
                }
            } else {
                for b in bytes.iter_mut().filter(|b| **b == 0) {
                    *b = 1;
                }
            }
            d.unicode_flag = Some(flag);
            d.message_class = Some(MessageClass { bytes, terminated });
        }
        Ok(d)
    }

    fn register_request(u: &mut Unstructured, layout: Layout) -> Result<RopRegisterNotificationRequest> {
        let types: u16 = if layout == Layout::Legacy { u.arbitrary::<u8>()? as u16 } else { u.arbitrary()? };
        let wws: u8 = u.arbitrary()?;
        Ok(RopRegisterNotificationRequest {
            logon_id: u.arbitrary()?,
            input_handle_index: u.arbitrary()?,
            output_handle_index: u.arbitrary()?,
            notification_types: types,
            reserved: if layout == Layout::Legacy || types & EXTENDED != 0 { Some(u.arbitrary()?) } else { None },
            want_whole_store: wws,
            folder_id: if wws == 0 { Some(id8(u)?) } else { None },
            message_id: if wws == 0 { Some(id8(u)?) } else { None },
        })
    }

    fn check<T: WireStructure + PartialEq + Debug>(v: &T, layout: Layout) -> std::result::Result<(), String> {
        let bytes = encode(v, layout).map_err(|e| format!("a generated value is refused: {e}: {v:?}"))?;
        let d = decode::<T>(&bytes, layout).map_err(|e| format!("a generated value does not decode: {e}: {v:?}"))?;
        if &d.value != v {
            return Err(format!("decoded {:?}, generated {v:?}", d.value));
        }
        Ok(())
    }

    /// A generated valid value of one of the entry structures.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Generated {
        /// A NotificationData (the last of its buffer: MessageClass may be unterminated).
        NotificationData(NotificationData),
        /// A ROP input buffer, in a reading.
        InputBuffer(RopInputBuffer, Layout),
        /// A ROP output buffer.
        OutputBuffer(RopOutputBuffer),
        /// A RopRegisterNotification request, in a reading.
        Request(RopRegisterNotificationRequest, Layout),
    }

    impl Generated {
        /// The structure, its reading and its bytes (`None` if the encoder refuses it).
        pub fn encoded(&self) -> Option<(crate::wire::Structure, Layout, Vec<u8>)> {
            use crate::wire::Structure;
            Some(match self {
                Generated::NotificationData(v) => {
                    (Structure::NotificationData, Layout::Spec, encode(v, Layout::Spec).ok()?)
                }
                Generated::InputBuffer(v, l) => (Structure::RopInputBuffer, *l, encode(v, *l).ok()?),
                Generated::OutputBuffer(v) => (Structure::RopOutputBuffer, Layout::Spec, encode(v, Layout::Spec).ok()?),
                Generated::Request(v, l) => (Structure::RegisterNotificationRequest, *l, encode(v, *l).ok()?),
            })
        }
    }

    /// Generates a valid value of one of the entry structures.
    pub fn generate(u: &mut Unstructured) -> Result<Generated> {
        let pick: u8 = u.arbitrary()?;
        Ok(match pick % 4 {
            0 => Generated::NotificationData(notification_data(u, true)?),
            1 => {
                let layout = if u.arbitrary()? { Layout::Legacy } else { Layout::Spec };
                let mut b = RopInputBuffer::default();
                for _ in 0..u.int_in_range(0..=6)? {
                    b.rops_list.push(if u.arbitrary()? {
                        RopRequest::RegisterNotification(register_request(u, layout)?)
                    } else {
                        RopRequest::Release(RopReleaseRequest {
                            logon_id: u.arbitrary()?,
                            input_handle_index: u.arbitrary()?,
                        })
                    });
                }
                b.server_object_handle_table = Vec::arbitrary(u)?;
                Generated::InputBuffer(b, layout)
            }
            2 => {
                let mut b = RopOutputBuffer::default();
                for _ in 0..u.int_in_range(0..=6)? {
                    b.rops_list.push(match u.int_in_range(0..=2)? {
                        0 => RopResponse::RegisterNotification(RopRegisterNotificationResponse {
                            output_handle_index: u.arbitrary()?,
                            return_value: u.arbitrary()?,
                        }),
                        1 => RopResponse::Notify(RopNotifyResponse {
                            notification_handle: u.arbitrary()?,
                            logon_id: u.arbitrary()?,
                            notification_data: notification_data(u, false)?,
                        }),
                        _ => RopResponse::Pending(RopPendingResponse { session_index: u.arbitrary()? }),
                    });
                }
                if u.arbitrary()? {
                    b.rops_list.push(RopResponse::BufferTooSmall(RopBufferTooSmallResponse {
                        size_needed: u.arbitrary()?,
                        request_buffers: Vec::arbitrary(u)?,
                    }));
                }
                b.server_object_handle_table = Vec::arbitrary(u)?;
                Generated::OutputBuffer(b)
            }
            _ => {
                let layout = if u.arbitrary()? { Layout::Legacy } else { Layout::Spec };
                Generated::Request(register_request(u, layout)?, layout)
            }
        })
    }

    /// Generated values encode, and decode back to themselves.
    pub fn structure_aware(data: &[u8]) -> std::result::Result<(), String> {
        let mut u = Unstructured::new(data);
        match generate(&mut u) {
            // Running out of input is not a failure.
            Err(_) => Ok(()),
            Ok(Generated::NotificationData(v)) => check(&v, Layout::Spec),
            Ok(Generated::InputBuffer(v, l)) => check(&v, l),
            Ok(Generated::OutputBuffer(v)) => check(&v, Layout::Spec),
            Ok(Generated::Request(v, l)) => check(&v, l),
        }
    }
}
