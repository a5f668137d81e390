//! Seeds for the fuzz targets, taken from the spec cases: every case's
//! bytes go to the targets that read that structure (`oxcnotif
//! export-corpus` writes them to `fuzz/seeds/<target>/<case-id>.bin`).

use super::sequence::run_sequence;
use super::Suite;
use crate::fuzzing::{trace_bytes, ModelOp};
use crate::model::client::TraceStep;
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
        out.push(("model", name.into(), model_bytes(&ops)));
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
        }
    }
    b
}

fn model_seeds() -> Vec<(&'static str, Vec<ModelOp>)> {
    use ModelOp::*;
    let whole = Register { types: 0x00FE, scope: 0, input_index: 0, output_index: 1 };
    vec![
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
    ]
}
