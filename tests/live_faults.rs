//! `oxcnotif run --server URL` against servers with planted faults: a
//! proxy in front of `oxcnotif serve` changes one thing in its responses,
//! and the run must fail the case that shows it, at the requirement the
//! fault breaks (and pass against the server without the proxy's fault).

use oxcnotif::wire::rop_buffer::{RopOutputBuffer, RopResponse};
use oxcnotif::wire::transport::execute_response::ExecuteResponse;
use oxcnotif::wire::transport::extended_buffer::{ExtendedBuffer, Transform};
use oxcnotif::wire::transport::inner_stream::{done_part, InnerStream};
use oxcnotif::wire::{decode, Layout, WireStructure};
use std::net::SocketAddr;
use std::process::Command;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// None: the proxy passes everything through.
    Clean,
    /// X-ResponseCode numbered from 1 where the spec's table has 0 for success: every failure code is one too high.
    Renumbered,
    /// PENDING keep-alives without their CRLF.
    PendingWithoutLineEnd,
    /// X-ElapsedTime in seconds.
    ElapsedInSeconds,
    /// NotificationWait never woken: answered after a while with EventPending 0.
    NeverWakes,
    /// RopPending left out of every Execute response.
    NoRopPending,
    /// X-RequestId left out of every response.
    NoRequestId,
    /// A lenient server: serves a request without X-RequestId, with another
    /// Content-Type or another method (the proxy mends them before
    /// forwarding), which the spec leaves to the server.
    Lenient,
}

mod common;

fn upstream(fault: Fault) -> common::Served {
    common::serve(&format!("live-faults-{fault:?}"), &["--pending-period", "100ms", "--wait-limit", "600ms"])
}

fn header_of<'a>(h: &'a hyper::HeaderMap, n: &str) -> Option<&'a str> {
    h.get(n).and_then(|v| v.to_str().ok())
}

/// Changes a whole response as `fault` says.
async fn mutate(
    fault: Fault,
    request_type: &str,
    status: u16,
    headers: &mut hyper::HeaderMap,
    body: Vec<u8>,
) -> Vec<u8> {
    let code: u32 = header_of(headers, "x-responsecode").and_then(|v| v.parse().ok()).unwrap_or(0);
    match fault {
        Fault::Clean | Fault::Lenient => body,
        Fault::NoRequestId => {
            headers.remove("x-requestid");
            body
        }
        Fault::Renumbered => {
            if code != 0 {
                headers.insert("x-responsecode", (code + 1).to_string().parse().unwrap());
            }
            body
        }
        Fault::PendingWithoutLineEnd => {
            let text = body;
            let mut out = Vec::new();
            let mut i = 0;
            while i < text.len() {
                if text[i..].starts_with(b"PENDING\r\n") {
                    out.extend_from_slice(b"PENDING");
                    i += 9;
                } else {
                    out.push(text[i]);
                    i += 1;
                }
            }
            out
        }
        Fault::ElapsedInSeconds | Fault::NeverWakes | Fault::NoRopPending => {
            if status != 200 || code != 0 {
                return body;
            }
            let Ok(stream) = decode::<InnerStream>(&body, Layout::Spec) else { return body };
            let mut s = stream.value;
            match fault {
                Fault::ElapsedInSeconds => {
                    for (n, v) in &mut s.headers {
                        if n.eq_ignore_ascii_case("X-ElapsedTime") {
                            *v = (v.parse::<u64>().unwrap_or(0) / 1000).to_string();
                        }
                    }
                }
                Fault::NeverWakes if request_type == "NotificationWait" && s.body.len() >= 12 => {
                    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                    s.body[8..12].copy_from_slice(&0u32.to_le_bytes());
                }
                Fault::NoRopPending if request_type == "Execute" => {
                    if let Ok(mut r) = decode::<ExecuteResponse>(&s.body, Layout::Spec).map(|d| d.value) {
                        if let Some(b) = &r.rop_buffer {
                            if let Ok(mut out) = decode::<RopOutputBuffer>(&b.data(), Layout::Spec).map(|d| d.value) {
                                out.rops_list.retain(|x| !matches!(x, RopResponse::Pending(_)));
                                let bytes = oxcnotif::wire::encode(&out, Layout::Spec).unwrap();
                                r.rop_buffer =
                                    Some(ExtendedBuffer::from_payloads(&[(&bytes, Transform::default())]).unwrap());
                                let mut b = Vec::new();
                                r.write(&mut b, Layout::Spec).unwrap();
                                s.body = b;
                            }
                        }
                    }
                }
                _ => {}
            }
            let mut out: Vec<u8> =
                s.meta_tags.iter().take_while(|t| t.name() != "DONE").flat_map(|t| t.line().to_vec()).collect();
            let h: Vec<(&str, &str)> = s.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            out.extend(done_part(&h, &s.body));
            out
        }
    }
}

/// A proxy on a free loopback port in front of `upstream`, with `fault`.
fn proxy(rt: &tokio::runtime::Runtime, upstream: SocketAddr, fault: Fault) -> SocketAddr {
    use http_body_util::{BodyExt, Full};
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let request_type = header_of(&parts.headers, "x-requesttype").unwrap_or("").to_string();
                        let tcp = tokio::net::TcpStream::connect(upstream).await.unwrap();
                        let (mut send, conn) =
                            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
                        tokio::spawn(conn);
                        let mut headers = parts.headers.clone();
                        let mut method = parts.method.clone();
                        if fault == Fault::Lenient && parts.uri.path().starts_with("/mapi/") {
                            method = hyper::Method::POST;
                            headers.insert("content-type", "application/mapi-http".parse().unwrap());
                            if !headers.contains_key("x-requestid") {
                                headers.insert(
                                    "x-requestid",
                                    "E2EA6C1C-E61B-49E9-9CFB-38184F907552:999999".parse().unwrap(),
                                );
                            }
                        }
                        let mut fwd = hyper::Request::builder().method(method).uri(parts.uri);
                        for (n, v) in &headers {
                            fwd = fwd.header(n, v);
                        }
                        let resp = send.send_request(fwd.body(Full::new(body)).unwrap()).await.unwrap();
                        let (mut rparts, rbody) = resp.into_parts();
                        let bytes = rbody.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                        let bytes =
                            mutate(fault, &request_type, rparts.status.as_u16(), &mut rparts.headers, bytes).await;
                        rparts.headers.remove("transfer-encoding");
                        rparts.headers.insert("content-length", bytes.len().to_string().parse().unwrap());
                        Ok::<_, std::convert::Infallible>(hyper::Response::from_parts(
                            rparts,
                            Full::new(bytes::Bytes::from(bytes)),
                        ))
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Runs the MAPI over HTTP cases through a proxy with `fault`: (exit
/// status, results.json cases by id).
fn run_through(fault: Fault) -> (i32, std::collections::BTreeMap<String, serde_json::Value>) {
    run_cases_through(fault, "mapi-http.*")
}

/// [`run_through`] of the cases `glob` selects.
fn run_cases_through(fault: Fault, glob: &str) -> (i32, std::collections::BTreeMap<String, serde_json::Value>) {
    let up = upstream(fault);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let addr = proxy(&rt, up.addr(), fault);
    let out = std::env::temp_dir().join(format!("oxcnotif-live-faults-report-{}-{fault:?}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let url = format!("http://{addr}/mapi/emsmdb/?MailboxId=tester@oxcnotif.invalid");
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", &url, "--user", "tester", "--wait-limit", "600ms", "--cases", glob, "--out"])
        .arg(&out)
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .output()
        .unwrap();
    let text = std::fs::read_to_string(out.join("results.json")).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    });
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases =
        v["cases"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c.clone())).collect();
    let _ = std::fs::remove_dir_all(&out);
    (o.status.code().unwrap_or(-1), cases)
}

fn fails_at(cases: &std::collections::BTreeMap<String, serde_json::Value>, id: &str, requirement: &str) {
    let c = &cases[id];
    assert_eq!(c["verdict"], "FAIL", "{id}: {c:#}");
    assert!(c["problems"].to_string().contains(requirement), "{id} does not name {requirement}: {}", c["problems"]);
}

#[test]
fn a_clean_server_passes_the_mapi_http_cases_over_the_wire() {
    let (code, cases) = run_through(Fault::Clean);
    let bad: Vec<String> = cases
        .iter()
        .filter(|(_, c)| c["verdict"] != "PASS")
        .map(|(id, c)| format!("{id}: {} {} {}", c["verdict"], c["problems"], c["note"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(cases.len() >= 17, "{}", cases.len());
    assert_eq!(code, 0);
}

#[test]
fn wrong_x_response_code_numbers_fail_at_the_row_of_each_code() {
    let (code, cases) = run_through(Fault::Renumbered);
    fails_at(&cases, "mapi-http.request-id.missing", "MS-OXCMAPIHTTP_R143");
    fails_at(&cases, "mapi-http.sequence.stale-cookie", "MS-OXCMAPIHTTP_R151");
    fails_at(&cases, "mapi-http.cookie.missing", "MS-OXCMAPIHTTP_R149");
    assert_eq!(code, 1);
}

#[test]
fn pending_without_its_line_end_fails_the_framing() {
    let (_, cases) = run_through(Fault::PendingWithoutLineEnd);
    fails_at(&cases, "mapi-http.notification-wait.limit", "MS-OXCMAPIHTTP_R41");
}

#[test]
fn x_elapsed_time_in_seconds_fails_r168() {
    let (_, cases) = run_through(Fault::ElapsedInSeconds);
    fails_at(&cases, "mapi-http.notification-wait.limit", "MS-OXCMAPIHTTP_R168");
}

#[test]
fn a_response_without_x_request_id_fails_the_sequence_cases_too() {
    // The transport rules hold for every response a sequence case's steps
    // cause over the wire, not only in the mapi-http cases.
    let (code, cases) = run_cases_through(Fault::NoRequestId, "sequence.events-folder.object-created-*");
    assert!(!cases.is_empty());
    for (id, c) in &cases {
        fails_at(&cases, id, "MS-OXCMAPIHTTP_R44");
        // Both sessions' responses are held to it: the client session's
        // polls, and the trigger session's, which build the setup and
        // cause the events.
        let p = c["problems"].to_string();
        assert!(p.contains("session A Execute response") && p.contains("session B Execute response"), "{id}: {p}");
    }
    assert_eq!(code, 1);
    // And a clean server passes them.
    let (code, cases) = run_cases_through(Fault::Clean, "sequence.events-folder.object-created-*");
    assert!(cases.values().all(|c| c["verdict"] == "PASS"), "{cases:#?}");
    assert_eq!(code, 0);
}

#[test]
fn a_notification_wait_never_woken_fails_r1258() {
    let (_, cases) = run_through(Fault::NeverWakes);
    fails_at(&cases, "mapi-http.notification-wait.event-pending", "MS-OXCMAPIHTTP_R1258");
}

#[test]
fn an_execute_without_rop_pending_fails_r8201() {
    let (_, cases) = run_through(Fault::NoRopPending);
    fails_at(&cases, "mapi-http.execute.pending-when-full", "MS-OXCNOTIF_R8201");
}

#[test]
fn a_lenient_server_that_serves_what_it_may_refuse_is_info_never_fail() {
    let (code, cases) = run_through(Fault::Lenient);
    for id in ["mapi-http.request-id.missing", "mapi-http.content-type.not-mapi-http", "mapi-http.method.not-post"] {
        assert_eq!(cases[id]["verdict"], "INFO", "{id}: {:#}", cases[id]);
    }
    let bad: Vec<&String> = cases
        .iter()
        .filter(|(_, c)| !matches!(c["verdict"].as_str(), Some("PASS" | "INFO")))
        .map(|(id, _)| id)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(code, 0, "a conforming server never fails the run");
}
