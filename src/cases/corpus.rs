//! Seeds for the fuzz targets, taken from the spec cases: every case's
//! bytes go to the targets that read that structure (`oxcnotif
//! export-corpus` writes them to `fuzz/seeds/<target>/<case-id>.bin`).

use super::sequence::run_sequence;
use super::Suite;
use crate::fuzzing::{trace_bytes, ModelOp};
use crate::model::client::TraceStep;
use crate::wire::transport::connect::ConnectRequest;
use crate::wire::{Layout, Structure};

/// One seed: the target, a file name, the bytes.
pub type Seed = (&'static str, String, Vec<u8>);

fn wrap_rops(rops: &[u8]) -> Vec<u8> {
    let mut b = ((rops.len() + 2).min(0xFFFF) as u16).to_le_bytes().to_vec();
    b.extend_from_slice(rops);
    b
}

/// Every seed the suite gives, in a stable order.
pub fn seeds(suite: &Suite) -> Vec<Seed> {
    let mut out: Vec<Seed> = Vec::new();
    for c in &suite.wire {
        let Some(b) = &c.bytes else { continue };
        let name = c.id.clone();
        // `external_form` reads a selector byte, then the structure's bytes.
        let index = Structure::ALL.iter().position(|s| *s == c.structure).unwrap_or(0) as u8;
        let mut ext = vec![index | if c.layout == Layout::Legacy { 0x80 } else { 0 }];
        ext.extend_from_slice(b);
        out.push(("external_form", name.clone(), ext));
        match c.structure {
            Structure::RopInputBuffer => {
                out.push(("rop_input_buffer", name.clone(), b.clone()));
                out.push(("readings_differential", name, b.clone()));
            }
            Structure::RopOutputBuffer => out.push(("rop_output_buffer", name, b.clone())),
            Structure::NotificationData => out.push(("notification_data", name, b.clone())),
            Structure::NotifyResponse => {
                out.push(("notification_data", name.clone(), b.get(6..).unwrap_or(&[]).to_vec()));
                out.push(("rop_output_buffer", name, wrap_rops(b)));
            }
            Structure::RegisterNotificationRequest => {
                let t = if c.layout == Layout::Legacy { "register_request_legacy" } else { "register_request_spec" };
                out.push((t, name.clone(), b.clone()));
                out.push(("readings_differential", name, b.clone()));
            }
            // A tagged value is a one-column row: count 1, the tag, Flag 0x00, the value.
            Structure::TaggedPropertyValue => {
                if b.len() >= 4 {
                    let mut seed = vec![1];
                    seed.extend_from_slice(&b[..4]);
                    seed.push(0x00);
                    seed.extend_from_slice(&b[4..]);
                    out.push(("property_row", name, seed));
                }
            }
            // The transport structures: the payload streams go to the LZ77 target
            // as (SizeActual, stream).
            Structure::ExtendedBufferIn | Structure::ExtendedBufferOut => {
                out.push(("extended_buffer", name.clone(), b.clone()));
                if b.len() >= 8 && b[2] & 0x01 != 0 && b[2] & 0x02 == 0 {
                    let mut seed = b[6..8].to_vec();
                    seed.extend_from_slice(&b[8..]);
                    out.push(("lz77_decompress", name, seed));
                }
            }
            Structure::RpcHeaderExt => {}
            // The MAPI over HTTP bodies: an Execute body's RopBuffer goes to the
            // extended buffer target.
            Structure::ExecuteRequestBody | Structure::ExecuteResponseBody => {
                let at = if c.structure == Structure::ExecuteRequestBody { 4 } else { 12 };
                if b.len() >= at + 4 {
                    let n = u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
                    if n > 0 && b.len() >= at + 4 + n {
                        out.push(("extended_buffer", name, b[at + 4..at + 4 + n].to_vec()));
                    }
                }
            }
            Structure::FailureResponseBody
            | Structure::NotificationWaitRequestBody
            | Structure::NotificationWaitResponseBody
            | Structure::DisconnectRequestBody
            | Structure::DisconnectResponseBody => {}
            // A Connect request's AuxiliaryBuffer (RPC_HEADER_EXT + blocks)
            // goes to the auxiliary target as a whole field.
            Structure::ConnectRequestBody => {
                out.push(("connect_body", name.clone(), b.clone()));
                if let Ok(d) = crate::wire::decode::<ConnectRequest>(b, Layout::Spec) {
                    if !d.value.auxiliary_buffer.is_empty() {
                        out.push(("aux_buffer", format!("{name}.auxiliary-buffer"), d.value.auxiliary_buffer));
                    }
                }
            }
            Structure::ConnectResponseBody => out.push(("connect_body", name, b.clone())),
            Structure::AuxBuffer => out.push(("aux_buffer", name, b.clone())),
            Structure::InnerStream => out.push(("inner_stream", name, b.clone())),
            // Any other ROP's buffer, alone in a RopsList.
            s if s.name().ends_with("-request") => out.push(("rop_input_buffer", name, wrap_rops(b))),
            _ => out.push(("rop_output_buffer", name, wrap_rops(b))),
        }
    }
    for c in &suite.sequences {
        let outcome = run_sequence(c);
        if let Some(steps) = outcome.actual.as_array() {
            for s in steps {
                let k = s["step"].as_u64().unwrap_or(0);
                if let Some(h) = s["input"].as_str().and_then(|h| crate::hex::parse(h).ok()) {
                    out.push(("rop_input_buffer", format!("{}.step{k}", c.id), h));
                }
                if let Some(h) = s["output"].as_str().and_then(|h| crate::hex::parse(h).ok()) {
                    out.push(("rop_output_buffer", format!("{}.step{k}", c.id), h));
                }
            }
        }
    }
    for c in &suite.traces {
        out.push(("client_monitor", c.id.clone(), trace_bytes(&c.trace)));
        for (k, s) in c.trace.iter().enumerate() {
            match s {
                TraceStep::Input(b) => out.push(("rop_input_buffer", format!("{}.step{k}", c.id), b.clone())),
                TraceStep::Output(b) => out.push(("rop_output_buffer", format!("{}.step{k}", c.id), b.clone())),
            }
        }
    }
    for (name, ops) in model_seeds() {
        out.push(("model", name, model_bytes(&ops)));
    }
    for r in &suite.regressions {
        let t = crate::fuzzing::TARGETS.iter().copied().find(|t| *t == r.target).unwrap_or("model");
        out.push((t, r.id.clone(), r.bytes.clone()));
    }
    out
}

/// Writes operations in the form [`crate::fuzzing::model_ops`] reads.
pub fn model_bytes(ops: &[ModelOp]) -> Vec<u8> {
    let mut b = Vec::new();
    for op in ops {
        match op {
            ModelOp::Register { types, scope, input_index, output_index } => {
                b.push(0);
                b.extend_from_slice(&types.to_le_bytes());
                b.extend_from_slice(&[*scope, *input_index, *output_index]);
            }
            ModelOp::Release(n) => b.extend_from_slice(&[1, *n]),
            ModelOp::Event(k, t, x) => b.extend_from_slice(&[2, *k, *t, *x]),
            ModelOp::Poll(m) => {
                b.push(3);
                b.extend_from_slice(&m.to_le_bytes());
            }
            ModelOp::Table(t) => t.write(&mut b),
        }
    }
    b
}

/// The model target's seeds, by name: registrations, events and polls,
/// then the table paths.
pub fn model_seeds() -> Vec<(String, Vec<ModelOp>)> {
    use ModelOp::*;
    let whole = Register { types: 0x00FE, scope: 0, input_index: 0, output_index: 1 };
    let seeds = vec![
        ("model.register-event-poll", vec![whole.clone(), Event(1, 0, 0), Poll(0x8000)]),
        (
            "model.pending",
            vec![whole.clone(), Event(0, 0x10, 0), Event(3, 1, 0x81), Event(1, 2, 2), Poll(40), Poll(40), Poll(0x8000)],
        ),
        (
            "model.release",
            vec![
                whole,
                Register { types: 0x0010, scope: 2, input_index: 0, output_index: 2 },
                Event(3, 1, 0),
                Release(1),
                Event(3, 1, 0),
                Poll(0x8000),
            ],
        ),
        ("model.bad-index", vec![Register { types: 0x0004, scope: 5, input_index: 3, output_index: 1 }, Poll(16)]),
    ];
    let mut out: Vec<(String, Vec<ModelOp>)> = seeds.into_iter().map(|(n, ops)| (n.to_string(), ops)).collect();
    out.extend(table_seeds());
    out
}

/// Seeds that reach each table path of the model target (MS-OXCNOTIF
/// 3.1.4.3): every kind of table with and without NoNotifications, with and
/// without a view, each view ROP, RopResetTable before and after a view,
/// a released table, refused creations, and store changes of every kind on
/// the tables' rows. `Create.select` is the ROP (hierarchy 0, contents 1,
/// attachments 2, permissions 3, rules 4) plus 5 times the input object
/// (folders 0-4, messages 1-4 as 5-8, the logon 9); `then` 6 is
/// RopSetColumns and RopQueryPosition in the same buffer, 1 RopSetColumns
/// alone; column mask 0x03 is PidTagFolderId and PidTagMid.
fn table_seeds() -> Vec<(String, Vec<ModelOp>)> {
    use crate::fuzzing::TableOp::*;
    use ModelOp::{Poll, Table};
    let create = |kind: u8, object: u8, flags: u8, then: u8| {
        Table(Create { select: kind + 5 * object, flags, columns: 0x03, then })
    };
    let touch = |how: u8, pick: u8| Table(Touch { table: 0, how, pick });
    let contents = create(1, 1, 0x00, 6);
    let mut out: Vec<(String, Vec<ModelOp>)> = vec![
        (
            "contents.rows".into(),
            vec![
                contents.clone(),
                touch(0, 0),
                touch(1, 0),
                touch(2, 0),
                touch(4, 1),
                touch(3, 0),
                touch(5, 2),
                touch(6, 0),
                Poll(0x8000),
            ],
        ),
        ("contents.no-notifications".into(), vec![create(1, 1, 0x10, 6), touch(0, 0), touch(2, 0), Poll(0x8000)]),
        ("contents.no-view".into(), vec![create(1, 1, 0x00, 1), touch(0, 0), Poll(0x8000)]),
        ("contents.associated-conversation".into(), vec![create(1, 2, 0x82, 6), touch(0, 0), Poll(0x8000)]),
        (
            "contents.reset-until-a-new-view".into(),
            vec![
                contents.clone(),
                Table(Reset(0)),
                touch(0, 0),
                Poll(0x8000),
                Table(View { table: 0, rop: 2, arg: 4 }),
                touch(0, 0),
                Poll(0x8000),
                Table(Columns { table: 0, mask: 0x3B, order: 0x81 }),
                touch(0, 0),
                Poll(0x8000),
            ],
        ),
        (
            "contents.released".into(),
            vec![
                contents.clone(),
                touch(0, 0),
                Table(Release(0)),
                touch(0, 0),
                Poll(0x8000),
                Table(View { table: 0, rop: 1, arg: 0 }),
            ],
        ),
        (
            "contents.pending".into(),
            vec![contents.clone(), touch(0, 0), touch(0, 0), touch(0, 0), Poll(60), Poll(60), Poll(0x8000)],
        ),
        (
            "hierarchy.depth".into(),
            vec![
                create(0, 0, 0x04, 6),
                touch(0, 0),
                touch(1, 1),
                touch(3, 2),
                touch(4, 3),
                touch(5, 4),
                touch(2, 1),
                Poll(0x8000),
            ],
        ),
        (
            "hierarchy.suppresses-notifications".into(),
            vec![create(0, 0, 0x80, 6), touch(0, 0), touch(2, 3), Poll(0x8000)],
        ),
        ("hierarchy.no-notifications".into(), vec![create(0, 0, 0x90, 6), touch(0, 0), Poll(0x8000)]),
        ("attachments".into(), vec![create(2, 5, 0x40, 6), touch(0, 0), touch(1, 1), touch(2, 0), Poll(0x8000)]),
        ("permissions".into(), vec![create(3, 2, 0x02, 6), touch(0, 0), touch(1, 0), touch(2, 1), Poll(0x8000)]),
        ("rules".into(), vec![create(4, 3, 0x40, 6), touch(0, 0), touch(1, 0), touch(2, 1), Poll(0x8000)]),
        (
            "refused".into(),
            vec![
                create(1, 9, 0, 6),
                create(2, 1, 0, 6),
                create(1, 6, 0, 6),
                Table(View { table: 0, rop: 1, arg: 0 }),
                Poll(0x8000),
            ],
        ),
        // Found by the model target: a PtypUnspecified column (PidTagDisplayName
        // 0x30010000) left TableRowData empty (R166001).
        (
            "regression.unspecified-column".into(),
            vec![Table(Create { select: 6, flags: 0, columns: 0x83, then: 6 }), touch(0, 0), touch(2, 0), Poll(0x8000)],
        ),
        // Found by the model target: a folder moved under itself, then a
        // hierarchy table with Depth, walked the cycle until memory ran out.
        (
            "regression.folder-cycle".into(),
            vec![create(0, 0, 0x04, 6), touch(4, 0), create(0, 0, 0x04, 6), Poll(0x8000)],
        ),
        (
            "every-kind".into(),
            (0..5)
                .map(|k| create(k, if k == 2 { 6 } else { 1 }, 0, 6))
                .chain((0..5).map(|t| Table(Touch { table: t, how: 0, pick: 1 })))
                .chain([Poll(0x8000)])
                .collect(),
        ),
    ];
    // Each view-creating ROP, on a table with columns and no view yet
    // (R246, R248-R255), then after a RopResetTable (R272-R285).
    for rop in 0..9u8 {
        let mut ops = vec![create(1, 1, 0x00, 1)];
        if rop == 3 {
            ops.push(Table(View { table: 0, rop: 9, arg: 0 })); // RopCreateBookmark first
        }
        ops.extend([Table(View { table: 0, rop, arg: 0x0A }), touch(0, 0), Poll(0x8000), Table(Reset(0)), touch(0, 0)]);
        ops.extend([
            Table(Columns { table: 0, mask: 0x13, order: 1 }),
            Table(View { table: 0, rop, arg: 0x11 }),
            touch(0, 0),
            Poll(0x8000),
        ]);
        out.push((format!("view-rop-{rop}"), ops));
    }
    out.into_iter().map(|(n, ops)| (format!("model.tables.{n}"), ops)).collect()
}
