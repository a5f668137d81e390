//! One test per spec case (`cargo test <case-id>` runs one), plus the
//! truncation sweep: every proper prefix of every valid case must fail with
//! an error that names a field, except where the spec's framing has no
//! length and a shorter input is a different, valid message (listed in
//! `prefix_may_decode`).

use libtest_mimic::{Arguments, Failed, Trial};
use oxcnotif::cases::run::Outcome;
use oxcnotif::cases::run::{run_case, Verdict};
use oxcnotif::cases::{load_suite, Case, Expect};
use oxcnotif::wire::Structure;
use std::path::Path;

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases");
    let suite = match load_suite(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot load the spec cases: {e}");
            std::process::exit(101);
        }
    };
    let cases = suite.wire.clone();
    let mut trials = Vec::new();
    let all: Vec<(String, Vec<String>, String)> = suite
        .wire
        .iter()
        .map(|c| (c.id.clone(), c.requirements.clone(), format!("{}:{}", c.file.display(), c.line)))
        .chain(
            suite
                .sequences
                .iter()
                .map(|c| (c.id.clone(), c.requirements.clone(), format!("{}:{}", c.file.display(), c.line))),
        )
        .chain(
            suite
                .traces
                .iter()
                .map(|c| (c.id.clone(), c.requirements.clone(), format!("{}:{}", c.file.display(), c.line))),
        )
        .collect();
    trials.push(Trial::test("requirements::every-cited-id-exists", move || cited_ids_exist(&all)));
    for case in cases {
        let c = case.clone();
        trials.push(Trial::test(case.id.clone(), move || check_case(&c)).with_kind(case.structure.name()));
        if matches!(case.expect, Expect::Decode { .. }) {
            let c = case.clone();
            trials.push(
                Trial::test(format!("{}::prefixes", case.id), move || check_prefixes(&c)).with_kind("truncation"),
            );
        }
    }
    for c in suite.sequences.clone() {
        let id = c.id.clone();
        trials.push(
            Trial::test(id, move || {
                verdict(oxcnotif::cases::sequence::run_sequence(&c), &c.description, &c.file, c.line)
            })
            .with_kind("sequence"),
        );
    }
    for c in suite.traces.clone() {
        let id = c.id.clone();
        trials.push(
            Trial::test(id, move || verdict(oxcnotif::cases::trace::run_trace(&c), &c.description, &c.file, c.line))
                .with_kind("trace"),
        );
    }
    for c in suite.regressions.clone() {
        let id = c.id.clone();
        trials.push(
            Trial::test(id, move || {
                verdict(oxcnotif::cases::regression::run_regression(&c), &c.description, &c.file, c.line)
            })
            .with_kind("regression"),
        );
    }
    libtest_mimic::run(&args, trials).exit();
}

fn verdict(o: Outcome, description: &str, file: &Path, line: usize) -> Result<(), Failed> {
    if o.verdict == Verdict::Pass {
        Ok(())
    } else {
        Err(format!("{description} ({}:{line})\n{}", file.display(), o.problem_text()).into())
    }
}

fn check_case(case: &Case) -> Result<(), Failed> {
    let o = run_case(case);
    if o.verdict == Verdict::Pass {
        Ok(())
    } else {
        Err(format!("{} ({}:{})\n{}", case.description, case.file.display(), case.line, o.problem_text()).into())
    }
}

/// The inputs the spec frames without a length: a shorter input can be a
/// different valid message. Anything else that decodes from a proper
/// prefix is a framing bug.
fn prefix_may_decode(case: &Case, k: usize, findings: &[oxcnotif::wire::Finding]) -> bool {
    let bytes = case.bytes.as_deref().unwrap_or(&[]);
    match case.structure {
        // ServerObjectHandleTable is "all remaining bytes": cutting whole
        // handles leaves a valid, shorter table (MS-OXCROPS_R4675).
        Structure::RopInputBuffer | Structure::RopOutputBuffer => {
            let rop_size = u16::from_le_bytes([bytes[0], bytes[1]]) as usize;
            k >= rop_size && (k - rop_size) % 4 == 0
        }
        // RequestBuffers runs to the end (MS-OXCROPS_R4446).
        Structure::BufferTooSmallResponse => k >= 3,
        // A MessageClass cut short loses its terminator, which is a
        // finding (MS-OXCNOTIF_R223), not a framing error.
        Structure::NotificationData | Structure::NotifyResponse => {
            findings.iter().any(|f| f.requirement == "MS-OXCNOTIF_R223")
        }
        // RowData without the table's column set runs to the end of the
        // input (src/wire/table/row_data.rs): a success response cut inside
        // it is the same response with fewer RowData bytes.
        Structure::QueryRowsResponse => k >= 9 && bytes.get(2..6) == Some(&[0, 0, 0, 0]),
        Structure::ExpandRowResponse => k >= 12 && bytes.get(2..6) == Some(&[0, 0, 0, 0]),
        Structure::FindRowResponse => k >= 8 && bytes.get(2..6) == Some(&[0, 0, 0, 0]) && bytes.get(7) != Some(&0),
        // A string value cut short loses its terminator and runs to the end
        // of the data, which the codec keeps as an unterminated string.
        Structure::TaggedPropertyValue => {
            bytes.len() >= 2 && matches!(u16::from_le_bytes([bytes[0], bytes[1]]) & 0x0FFF, 0x001E | 0x001F)
        }
        // The auxiliary blocks run to the end of the payload: cut where a
        // block ends, the list is a shorter one (MS-OXCRPC 2.2.2.2).
        Structure::AuxBuffer => {
            let mut at = 0;
            while at + 2 <= bytes.len() && at < k {
                at += (u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize).max(4);
            }
            at == k
        }
        // The response body runs to the end of the inner stream
        // (MS-OXCMAPIHTTP_R2231): cut inside it, the body is shorter.
        Structure::InnerStream => {
            // In an accepted stream the first empty line ends the headers
            // (an empty line before DONE is no meta-tag).
            let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
            end.is_some_and(|e| k >= e)
        }
        // An extended buffer cut where one payload ends is a shorter chain
        // (its last buffer may then lack Last, a finding).
        Structure::ExtendedBufferIn | Structure::ExtendedBufferOut => {
            let mut at = 0;
            while at + 8 <= bytes.len() && at < k {
                at += 8 + u16::from_le_bytes([bytes[at + 4], bytes[at + 5]]) as usize;
            }
            at == k
        }
        _ => false,
    }
}

fn check_prefixes(case: &Case) -> Result<(), Failed> {
    let bytes = case.bytes.as_deref().unwrap_or(&[]);
    let (full, _) =
        case.structure.decode(bytes, case.layout).map_err(|e| format!("the case itself does not decode: {e}"))?;
    for k in 0..bytes.len() {
        match case.structure.decode(&bytes[..k], case.layout) {
            Err(e) => {
                if e.field.is_empty() || e.offset > k {
                    return Err(format!("prefix of {k} bytes: error without a field or past the input: {e:?}").into());
                }
            }
            Ok((v, findings)) => {
                if v == full {
                    return Err(format!("prefix of {k} bytes decodes to the same value as the whole input").into());
                }
                if !prefix_may_decode(case, k, &findings) {
                    return Err(format!("prefix of {k} bytes decodes, but nothing in the spec lets it: {v}").into());
                }
            }
        }
    }
    Ok(())
}

/// Every requirement ID a case cites is a row of the committed requirement
/// tables (a made-up or mistyped ID would otherwise pass unnoticed).
fn cited_ids_exist(cases: &[(String, Vec<String>, String)]) -> Result<(), Failed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/requirements");
    let table = oxcnotif::cases::requirements::load(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut unknown = Vec::new();
    for (id, reqs, at) in cases {
        for r in reqs {
            if !table.contains_key(r) {
                unknown.push(format!("{id} ({at}) cites {r}"));
            }
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!("requirement IDs not in spec/requirements:\n{}", unknown.join("\n")).into())
    }
}
