//! Live-server mode (issue 15): the suite's sequence cases run over MAPI
//! over HTTP against `oxcnotif serve` through
//! [`oxcnotif::target::wire_server::WireServer`], and afterwards the served
//! mailbox holds nothing the harness created.

use oxcnotif::cases::sequence::{run_as, run_sequence};
use oxcnotif::cases::verdict::Verdict;
use oxcnotif::target::mapi_http::{guid, Client, Endpoint};
use oxcnotif::target::wire_server::WireServer;
use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use oxcnotif::wire::transport::extended_buffer::Transform;
use oxcnotif::wire::{Layout, WireStructure};
use serde_json::{json, Value};
use std::collections::BTreeMap;

mod common;
use common::serve;

/// One Execute of `rops` in a fresh session; the responses as values.
fn execute(rt: &tokio::runtime::Runtime, c: &Client, rops: Value) -> Vec<Value> {
    let b = RopInputBuffer::from_value(&rops, Layout::Spec).unwrap();
    let bytes = oxcnotif::wire::encode(&b, Layout::Spec).unwrap();
    let (_, out) = rt.block_on(c.execute(&bytes, Transform::default(), 3, 0x8008)).unwrap();
    let out = out.unwrap();
    let d = oxcnotif::wire::decode::<RopOutputBuffer>(&out, Layout::Spec).unwrap();
    d.value.to_value(Layout::Spec)["RopsList"].as_array().unwrap().clone()
}

/// Why a case that passes built in may not pass over the wire although the
/// server is the reference's: the case expects a value the model chooses
/// and the live server chooses otherwise.
fn explained(problems: &[oxcnotif::cases::verdict::Problem]) -> Option<&'static str> {
    if !problems.is_empty() && problems.iter().all(|p| p.to_string().contains(".SessionIndex")) {
        return Some(
            "RopPending's SessionIndex is the server's number for the session (MS-OXCROPS 2.2.14.3); the cases \
             expect the model's default 0",
        );
    }
    // These cases create folders or messages in session A themselves (or
    // copy them) and expect the IDs a fresh model assigns
    // (Server::allocate_id: ReplId 0x0001, GlobalCounter from 0x10001); the
    // served mailbox has assigned many IDs by then, and those IDs are not
    // the harness's to map.
    if !problems.is_empty() && problems.iter().all(|p| p.to_string().contains("expected \"0100000000010")) {
        return Some(
            "the case expects the IDs a fresh model assigns to objects the client creates (0100000000010001, …)",
        );
    }
    None
}

#[test]
fn sequence_cases_run_over_the_wire_and_leave_nothing_behind() {
    let s = serve("wire-server", &[]);
    let mut w = WireServer::connect(&s.url, "tester", "pw-1", false)
        .expect("the served endpoint is reachable")
        .with_response_rules(oxcnotif::cases::mapi_http::response_rule_values);
    let suite = oxcnotif::cases::load_suite(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases"))
        .expect("the suite loads");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut bad = Vec::new();
    let mut explanations: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut scratch_names = Vec::new();
    let (mut builtin_pass, mut both_pass) = (0, 0);
    for case in &suite.sequences {
        // One served mailbox is one product: the spec's. Cases written for
        // a product profile are run against `serve --profile P` in
        // `product_profile_cases_run_against_a_server_of_that_product`.
        if case.profile.name != "spec" {
            continue;
        }
        // Nor does it read both layouts: a case whose requests the spec
        // layout reads differently is left out, as `run --server` does
        // (tests/live_run.rs runs those against `serve --layout legacy`).
        if oxcnotif::cases::sequence::layout::mismatch(case, Layout::Spec).is_some() {
            continue;
        }
        let reference = run_sequence(case);
        let o = run_as(case, &case.profile.name, Layout::Spec, &mut w);
        if let Some(n) = w.scratch_name() {
            scratch_names.push(n.to_string());
        }
        let v = format!("{:?}", o.verdict).to_uppercase();
        *counts.entry(v.clone()).or_default() += 1;
        let built_in_passes = reference.verdict == Verdict::Pass;
        builtin_pass += built_in_passes as usize;
        both_pass += (built_in_passes && o.verdict == Verdict::Pass) as usize;
        match o.verdict {
            Verdict::Pass => {}
            Verdict::Unimplemented => {
                let note = o.note.clone().unwrap_or_default();
                reasons.entry(note).or_default().push(case.id.clone());
            }
            _ => {
                let why: Vec<String> = o.problems.iter().take(3).map(|p| p.to_string()).collect();
                let line = format!(
                    "{} {v} (built in: {:?}): {} {}",
                    case.id,
                    reference.verdict,
                    o.note.clone().unwrap_or_default(),
                    why.join(" | ")
                );
                // RopPending's SessionIndex is not compared over the wire and
                // server-assigned IDs bind to $names, so nothing is left to
                // explain: a case that passes built in must not fail here.
                if built_in_passes {
                    bad.push(line.clone());
                }
                if let Some(r) = explained(&o.problems) {
                    explanations.entry(r).or_default().push(format!("{} {v}", case.id));
                }
                eprintln!("{line}");
            }
        }
    }
    eprintln!("verdicts over the wire: {counts:?}");
    eprintln!("pass built in: {builtin_pass}; of those, pass over the wire: {both_pass}");
    for (r, ids) in &reasons {
        eprintln!("UNIMPLEMENTED ({}): {r}", ids.len());
    }
    for (r, ids) in &explanations {
        eprintln!("explained ({}): {r}: {}", ids.len(), ids.join(", "));
    }
    w.cleanup().expect("the last case's scratch folder is deleted");
    assert!(w.leftovers().is_empty(), "leftovers: {:?}", w.leftovers());
    // 172 of the 202 pass over the wire at this commit; the others are
    // UNIMPLEMENTED, each with its reason (docs/wire-server.md).
    assert!(counts.get("PASS").copied().unwrap_or(0) >= 170, "{counts:?}");
    assert!(bad.is_empty(), "cases that pass built in but not over the wire:\n{}", bad.join("\n"));

    // The mailbox holds no scratch folder: creating one of the last scratch
    // name under the Inbox with OpenExisting FALSE succeeds (a duplicate
    // name would be ecDuplicateName, MS-OXCFOLD_R481), and so does
    // deleting it again.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(&s.url, "tester", "pw-1", false).unwrap(), format!("{{{}}}:1", guid()));
    let (_, connected) = rt.block_on(c.connect("/o=oxcnotif/cn=Recipients/cn=tester", Vec::new())).unwrap();
    connected.unwrap();
    let essdn = "/o=oxcnotif/cn=Recipients/cn=tester";
    assert!(!scratch_names.is_empty());
    for name in &scratch_names {
        let out = execute(
            &rt,
            &c,
            json!({"RopsList": [
                {"RopId": 0xFE, "LogonId": 0, "OutputHandleIndex": 0, "LogonFlags": 1, "OpenFlags": 0x01000000,
                 "StoreState": 0, "EssdnSize": essdn.len() + 1, "Essdn": essdn},
                {"RopId": 0x02, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                 "FolderId": "0100000000000005", "OpenModeFlags": 0},
                {"RopId": 0x1C, "LogonId": 0, "InputHandleIndex": 1, "OutputHandleIndex": 2, "FolderType": 1,
                 "UseUnicodeStrings": 0, "OpenExisting": 0, "Reserved": 0, "DisplayName": name, "Comment": ""}],
                "ServerObjectHandleTable": [0xFFFFFFFFu32, 0xFFFFFFFFu32, 0xFFFFFFFFu32]}),
        );
        assert_eq!(out[2]["ReturnValue"], json!(0), "{name} is still in the Inbox: {out:?}");
    }
    let _ = rt.block_on(c.disconnect());
}

#[test]
fn an_unreachable_server_is_an_error_not_a_hang() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mapi/emsmdb/?MailboxId=x@y", l.local_addr().unwrap());
    // Accepts and never answers.
    let t = std::time::Instant::now();
    let e = WireServer::connect_with_timeout(&url, "x", "y", false, std::time::Duration::from_millis(500))
        .err()
        .expect("no server answers");
    assert!(e.contains("no answer"), "{e}");
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    drop(l);
}

#[test]
fn a_server_answering_garbage_is_an_error_not_a_panic() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mapi/emsmdb/?MailboxId=x@y", l.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for s in l.incoming().take(4) {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = b"\x00\x01not an inner stream";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nX-ResponseCode: 0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(body);
        }
    });
    let e = WireServer::connect_with_timeout(&url, "x", "y", false, std::time::Duration::from_secs(2))
        .err()
        .expect("a garbage answer is not a usable Connect");
    assert!(e.contains("Connect"), "{e}");
}
