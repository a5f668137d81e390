//! `oxcnotif run --server URL` against a hostile or broken server: a proxy
//! in front of `oxcnotif serve` passes every request on and spoils the
//! answer to exactly one Execute of one sequence case (it hangs, cuts the
//! connection, answers garbage, an endless body, 503, 401). Each time only
//! that case is ERROR or FAIL, with a message naming the request and what
//! went wrong; the cases before and after it still PASS; the run exits 1
//! within a bound; and the served mailbox's Inbox holds no more folders
//! than before the run (no scratch folder is left behind).

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Frame;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

mod common;

/// Three sequence cases that pass over the wire against `oxcnotif serve`,
/// each with a setup (so a scratch folder) and an event caused by session B.
const SELECTION: &str = "sequence.events-folder.object-created-*";
const CASES: usize = 3;
/// `run --timeout`: the bound of every request.
const TIMEOUT: &str = "2";
/// How long a whole run may take before the test calls it hung; generous,
/// for a loaded 2-core machine (a run takes about a second, a fault that
/// runs into the timeout adds two).
const HUNG: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// Every answer passed through.
    Clean,
    /// No answer at all: the response headers never come.
    Hang,
    /// Half of the real body, then the connection is closed.
    CutOff,
    /// 200, X-ResponseCode 0 and a body that is not an inner stream.
    Garbage,
    /// 200, X-ResponseCode 0, PROCESSING and then bytes without end, as
    /// fast as the client reads them.
    EndlessBytes,
    /// 200, X-ResponseCode 0, and a PENDING line every 50 ms without end
    /// (well framed, never DONE).
    EndlessPending,
    /// HTTP 503 without X-ResponseCode.
    Unavailable,
    /// HTTP 401 in the middle of a session that has been served.
    Unauthorized,
}

/// Which request the fault spoils: the `nth` Execute (from 1) of the
/// Session Context whose X-ClientInfo counter is `session`.
#[derive(Clone, Copy, Debug)]
struct Trigger {
    session: u64,
    nth: usize,
}

/// Session Contexts of a run, in the order WireServer numbers them (one
/// counter, which also numbers the scratch folders): 1 the reachability
/// check; then per case B (the trigger session), the scratch folder, and A
/// (the client under test). The second case's sessions are 5 (B) and 7 (A).
const SECOND_CASE_B: u64 = 5;
const SECOND_CASE_A: u64 = 7;

/// The second case's own Execute: A's first Execute logs on (reset), its
/// second is the case's first step.
const CASE_EXECUTE: Trigger = Trigger { session: SECOND_CASE_A, nth: 2 };
/// The Execute that creates the second case's scratch folder: B's first
/// logs on, its second creates the folder.
const SCRATCH_CREATE: Trigger = Trigger { session: SECOND_CASE_B, nth: 2 };

/// A response body fed from a channel.
struct ChannelBody(tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, std::io::Error>>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx)
    }
}

fn header_of<'a>(h: &'a hyper::HeaderMap, n: &str) -> Option<&'a str> {
    h.get(n).and_then(|v| v.to_str().ok())
}

/// The proxy's counters: Execute requests per Session Context, and how
/// many answers it spoiled.
#[derive(Default)]
struct Counts {
    executes: std::sync::Mutex<BTreeMap<u64, usize>>,
    fired: AtomicUsize,
}

/// A proxy on a free loopback port in front of `upstream` that spoils the
/// answer `trigger` names with `fault`. Every request reaches the server,
/// the spoiled one too: the server has done what it asked.
fn proxy(
    rt: &tokio::runtime::Runtime,
    upstream: SocketAddr,
    fault: Fault,
    trigger: Trigger,
) -> (SocketAddr, Arc<Counts>) {
    use http_body_util::Full;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let counts = c.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let counts = counts.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let request_type = header_of(&parts.headers, "x-requesttype").unwrap_or("").to_string();
                        let session: u64 = header_of(&parts.headers, "x-clientinfo")
                            .and_then(|v| v.rsplit(':').next())
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(0);
                        let spoiled = request_type == "Execute" && fault != Fault::Clean && {
                            let mut e = counts.executes.lock().unwrap();
                            let n = e.entry(session).or_default();
                            *n += 1;
                            session == trigger.session && *n == trigger.nth
                        };
                        let tcp = tokio::net::TcpStream::connect(upstream).await.unwrap();
                        let (mut send, conn) =
                            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp)).await.unwrap();
                        tokio::spawn(conn);
                        let mut fwd = hyper::Request::builder().method(parts.method.clone()).uri(parts.uri.clone());
                        for (n, v) in &parts.headers {
                            fwd = fwd.header(n, v);
                        }
                        let resp = send.send_request(fwd.body(Full::new(body)).unwrap()).await.unwrap();
                        let (mut rparts, rbody) = resp.into_parts();
                        let bytes = rbody.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        rparts.headers.remove("transfer-encoding");
                        let (tx, rx) = tokio::sync::mpsc::channel(4);
                        if !spoiled {
                            rparts.headers.insert("content-length", bytes.len().to_string().parse().unwrap());
                            let _ = tx.send(Ok(Frame::data(bytes))).await;
                            return Ok::<_, std::convert::Infallible>(hyper::Response::from_parts(
                                rparts,
                                ChannelBody(rx),
                            ));
                        }
                        counts.fired.fetch_add(1, Ordering::SeqCst);
                        match fault {
                            Fault::Clean => unreachable!(),
                            Fault::Hang => {
                                tokio::time::sleep(Duration::from_secs(3600)).await;
                            }
                            Fault::CutOff => {
                                rparts.headers.insert("content-length", bytes.len().to_string().parse().unwrap());
                                let half = bytes.slice(..bytes.len() / 2);
                                tokio::spawn(async move {
                                    let _ = tx.send(Ok(Frame::data(half))).await;
                                    tokio::time::sleep(Duration::from_millis(50)).await;
                                    let _ = tx.send(Err(std::io::Error::other("cut off"))).await;
                                });
                            }
                            Fault::Garbage => {
                                let g = Bytes::from_static(b"\x00\x01\x02 this is not an inner stream \xff\xfe");
                                rparts.headers.insert("content-length", g.len().to_string().parse().unwrap());
                                let _ = tx.send(Ok(Frame::data(g))).await;
                            }
                            Fault::EndlessBytes | Fault::EndlessPending => {
                                rparts.headers.remove("content-length");
                                tokio::spawn(async move {
                                    if tx.send(Ok(Frame::data(Bytes::from_static(b"PROCESSING\r\n")))).await.is_err() {
                                        return;
                                    }
                                    let chunk = if fault == Fault::EndlessBytes {
                                        Bytes::from(vec![0x5Au8; 64 * 1024])
                                    } else {
                                        Bytes::from_static(b"PENDING\r\n")
                                    };
                                    // Ends when the client hangs up.
                                    while tx.send(Ok(Frame::data(chunk.clone()))).await.is_ok() {
                                        if fault == Fault::EndlessPending {
                                            tokio::time::sleep(Duration::from_millis(50)).await;
                                        }
                                    }
                                });
                            }
                            Fault::Unavailable | Fault::Unauthorized => {
                                let (status, text) = if fault == Fault::Unavailable {
                                    (503, "Service Unavailable")
                                } else {
                                    (401, "Unauthorized")
                                };
                                let mut r = hyper::Response::builder()
                                    .status(status)
                                    .header("content-type", "text/plain")
                                    .header("content-length", text.len().to_string());
                                if status == 401 {
                                    r = r.header("www-authenticate", "Basic realm=\"oxcnotif\"");
                                }
                                let _ = tx.send(Ok(Frame::data(Bytes::from(text)))).await;
                                return Ok(r.body(ChannelBody(rx)).unwrap());
                            }
                        }
                        Ok(hyper::Response::from_parts(rparts, ChannelBody(rx)))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, counts)
}

/// Sends `rops` after a RopLogon (handle 0) and a RopOpenFolder of the
/// Inbox (handle 1) in a Session Context of its own, straight to the
/// server, and disconnects: the responses, the logon's and the Inbox's
/// first.
fn in_inbox(url: &str, rops: Vec<Value>) -> Vec<Value> {
    use oxcnotif::target::mapi_http::{guid, Client, Endpoint};
    use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
    use oxcnotif::wire::transport::extended_buffer::Transform;
    use oxcnotif::wire::{Layout, WireStructure};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(url, "tester", "pw-1", false).unwrap(), format!("{{{}}}:1", guid()));
    let essdn = "/o=oxcnotif/cn=Recipients/cn=tester";
    let (_, connected) = rt.block_on(c.connect(essdn, Vec::new())).unwrap();
    connected.unwrap();
    let mut list = vec![
        json!({"RopId": 0xFE, "LogonId": 0, "OutputHandleIndex": 0, "LogonFlags": 1, "OpenFlags": 0x01000000,
               "StoreState": 0, "EssdnSize": essdn.len() + 1, "Essdn": essdn}),
        json!({"RopId": 0x02, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
               "FolderId": "0100000000000005", "OpenModeFlags": 0}),
    ];
    list.extend(rops);
    let input = json!({"RopsList": list, "ServerObjectHandleTable": [0xFFFFFFFFu32, 0xFFFFFFFFu32, 0xFFFFFFFFu32]});
    let b = RopInputBuffer::from_value(&input, Layout::Spec).unwrap();
    let bytes = oxcnotif::wire::encode(&b, Layout::Spec).unwrap();
    let (_, out) = rt.block_on(c.execute(&bytes, Transform::default(), 3, 0x8008)).unwrap();
    let d = oxcnotif::wire::decode::<RopOutputBuffer>(&out.unwrap(), Layout::Spec).unwrap();
    let _ = rt.block_on(c.disconnect());
    d.value.to_value(Layout::Spec)["RopsList"].as_array().unwrap().clone()
}

/// The folders in the served mailbox's Inbox: RowCount of its hierarchy
/// table (RopGetHierarchyTable, MS-OXCROPS_R1002): any folder left
/// behind shows, whatever its name.
fn inbox_folders(url: &str) -> u64 {
    let out = in_inbox(
        url,
        vec![json!({"RopId": 0x04, "LogonId": 0, "InputHandleIndex": 1, "OutputHandleIndex": 2, "TableFlags": 0})],
    );
    assert_eq!(out[2]["ReturnValue"], json!(0), "RopGetHierarchyTable of the Inbox: {out:?}");
    out[2]["RowCount"].as_u64().unwrap_or_else(|| panic!("no RowCount: {out:?}"))
}

/// What a run through the proxy gave.
struct Run {
    code: i32,
    took: Duration,
    /// results.json's cases by id.
    cases: BTreeMap<String, Value>,
    /// The run's standard output and error, for failure messages.
    output: String,
    /// How many answers the proxy spoiled.
    fired: usize,
    /// The Inbox's folders before and after the run.
    folders: (u64, u64),
}

/// Runs [`SELECTION`] through a proxy with `fault` at `trigger`, killing the
/// run (and failing) if it takes longer than [`HUNG`].
fn run_through(fault: Fault, trigger: Trigger) -> Run {
    let up = common::serve(&format!("live-hostile-{fault:?}"), &[]);
    let before = inbox_folders(&up.url);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (addr, counts) = proxy(&rt, up.addr(), fault, trigger);
    let dir = common::temp_dir(&format!("live-hostile-report-{fault:?}"));
    let out = dir.0.join("report");
    let url = format!("http://{addr}/mapi/emsmdb/?MailboxId=tester@oxcnotif.invalid");
    let log = dir.0.join("output.txt");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", &url, "--user", "tester", "--timeout", TIMEOUT, "--cases", SELECTION, "--out"])
        .arg(&out)
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(dir.0.join("stderr.txt")).unwrap()))
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > HUNG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{fault:?}: the run did not end in {HUNG:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = started.elapsed();
    let output = format!(
        "{}{}",
        std::fs::read_to_string(&log).unwrap_or_default(),
        std::fs::read_to_string(dir.0.join("stderr.txt")).unwrap_or_default()
    );
    let text = std::fs::read_to_string(out.join("results.json")).unwrap_or_else(|e| panic!("{e}: {output}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases =
        v["cases"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c.clone())).collect();
    let fired = counts.fired.load(Ordering::SeqCst);
    // The proxy's tasks (a hung answer among them) end with its runtime.
    rt.shutdown_timeout(Duration::from_millis(100));
    let after = inbox_folders(&up.url);
    Run { code: status.code().unwrap_or(-1), took, cases, output, fired, folders: (before, after) }
}

/// The case's message: its note and problems.
fn message(c: &Value) -> String {
    format!("{} {}", c["note"].as_str().unwrap_or(""), c["problems"])
}

/// Checks the run `fault` at `trigger` gives: one spoiled answer, one case
/// ERROR or FAIL whose message holds each of `words`, the others PASS,
/// exit status 1 in bounded time, no folder left.
fn costs_one_case(fault: Fault, trigger: Trigger, words: &[&str]) {
    let r = run_through(fault, trigger);
    assert_eq!(r.fired, 1, "{fault:?}: the proxy spoiled {} answers\n{}", r.fired, r.output);
    assert_eq!(r.cases.len(), CASES, "{fault:?}: {:?}", r.cases.keys());
    let bad: Vec<(&String, &Value)> = r.cases.iter().filter(|(_, c)| c["verdict"] != "PASS").collect();
    assert_eq!(
        bad.len(),
        1,
        "{fault:?}: one case is not PASS, the spoiled one: {:#?}",
        bad.iter().map(|(id, c)| format!("{id} {} {}", c["verdict"], message(c))).collect::<Vec<_>>()
    );
    let (id, c) = bad[0];
    assert!(matches!(c["verdict"].as_str(), Some("ERROR" | "FAIL")), "{fault:?}: {id}: {c:#}");
    let m = message(c);
    for w in words {
        assert!(m.contains(w), "{fault:?}: {id}'s message does not say {w:?}: {m}");
    }
    assert_eq!(r.code, 1, "{fault:?}: an ERROR or FAIL makes the run exit 1\n{}", r.output);
    assert!(r.took < HUNG, "{fault:?}: {:?}", r.took);
    assert_eq!(r.folders.0, r.folders.1, "{fault:?}: the Inbox has folders left behind; {id}: {m}\n{}", r.output);
    eprintln!("{fault:?}: {id} {} in {:?}: {m}", c["verdict"], r.took);
}

#[test]
fn through_a_clean_proxy_the_selection_passes_and_leaves_nothing() {
    let r = run_through(Fault::Clean, CASE_EXECUTE);
    assert_eq!(r.cases.len(), CASES);
    for (id, c) in &r.cases {
        assert_eq!(c["verdict"], "PASS", "{id}: {}", message(c));
    }
    assert_eq!(r.code, 0, "{}", r.output);
    assert_eq!(r.folders.0, r.folders.1);
}

#[test]
fn a_hung_execute_is_an_error_naming_the_timeout() {
    costs_one_case(Fault::Hang, CASE_EXECUTE, &["Execute", "no complete answer in 2s"]);
}

#[test]
fn a_connection_cut_off_mid_response_is_an_error() {
    costs_one_case(Fault::CutOff, CASE_EXECUTE, &["Execute", "response body"]);
}

#[test]
fn garbage_instead_of_an_inner_stream_is_an_error() {
    costs_one_case(Fault::Garbage, CASE_EXECUTE, &["Execute", "inner stream"]);
}

#[test]
fn an_endless_body_stops_at_the_size_cap() {
    costs_one_case(Fault::EndlessBytes, CASE_EXECUTE, &["Execute", "16 MiB"]);
}

#[test]
fn an_endless_pending_stream_stops_at_the_timeout() {
    costs_one_case(Fault::EndlessPending, CASE_EXECUTE, &["Execute", "no complete answer in 2s"]);
}

#[test]
fn http_503_is_an_error_naming_the_status() {
    costs_one_case(Fault::Unavailable, CASE_EXECUTE, &["Execute", "503"]);
}

#[test]
fn http_401_in_the_middle_is_an_error_naming_the_status() {
    costs_one_case(Fault::Unauthorized, CASE_EXECUTE, &["Execute", "401"]);
}

#[test]
fn a_lost_answer_to_the_scratch_folder_creation_leaves_no_folder() {
    // The server created the folder; the harness never learnt its ID.
    costs_one_case(Fault::Garbage, SCRATCH_CREATE, &["inner stream"]);
    costs_one_case(Fault::CutOff, SCRATCH_CREATE, &["response body"]);
    costs_one_case(Fault::Hang, SCRATCH_CREATE, &["no complete answer in 2s"]);
}

fn create_folder(name: &str, open_existing: u8) -> Value {
    json!({"RopId": 0x1C, "LogonId": 0, "InputHandleIndex": 1, "OutputHandleIndex": 2, "FolderType": 1,
           "UseUnicodeStrings": 0, "OpenExisting": open_existing, "Reserved": 0, "DisplayName": name, "Comment": ""})
}

/// What WireServer's lookup of a lost scratch folder rests on: RopCreateFolder
/// with OpenExisting TRUE opens the folder of that name under the parent
/// (MS-OXCFOLD_R482), whichever Session Context created it. Without
/// OpenExisting a second folder of the name is ecDuplicateName (R481), which
/// the leftover check at the end of tests/wire_server.rs rests on too.
#[test]
fn a_folder_created_in_one_session_context_is_found_by_name_in_another() {
    let s = common::serve("live-hostile-names", &[]);
    let created = in_inbox(&s.url, vec![create_folder("oxcnotif probe", 0)]);
    assert_eq!(created[2]["ReturnValue"], json!(0), "{created:?}");
    let opened = in_inbox(&s.url, vec![create_folder("oxcnotif probe", 1)]);
    assert_eq!(opened[2]["FolderId"], created[2]["FolderId"], "OpenExisting created another folder: {}", opened[2]);
    let again = in_inbox(&s.url, vec![create_folder("oxcnotif probe", 0)]);
    assert_ne!(again[2]["ReturnValue"], json!(0), "a second folder of the same name was created: {}", again[2]);
}
