//! `oxcnotif serve` over real loopback sockets: the binary is started, its
//! `listening on URL` line read, and clients talk to it with
//! [`oxcnotif::target::mapi_http::Client`] (and `curl`, for the raw
//! Connect a person would post).

use oxcnotif::target::mapi_http::{guid, Client, Endpoint, Exchange};
use oxcnotif::wire::transport::extended_buffer::Transform;
use std::process::Command;

mod common;
use common::{serve, temp_dir, Served};

fn client(s: &Served, password: &str) -> Client {
    Client::new(Endpoint::new(&s.url, "tester", password, false).unwrap(), format!("{{{}}}:1", guid()))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

fn requirements(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for s in report["sessions"].as_array().unwrap().iter().chain([&report["without_session"]]) {
        let list =
            if s.is_array() { s.as_array().unwrap().clone() } else { s["transport"].as_array().unwrap().clone() };
        for f in list {
            out.push((
                f["requirement"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                f["response_code"].as_u64().unwrap(),
            ));
        }
    }
    out
}

#[test]
fn serve_prints_the_url_and_refuses_requests_without_credentials() {
    let s = serve("credentials", &[]);
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert!(s.url.contains("/mapi/emsmdb/?MailboxId=tester@"), "{}", s.url);
    let rt = runtime();
    let x: Exchange = rt.block_on(client(&s, "wrong").send("Connect", Vec::new(), &[])).unwrap();
    assert_eq!(x.status, 401);
    assert!(x.header("www-authenticate").is_some_and(|v| v.starts_with("Basic")));
    let x = rt.block_on(client(&s, "pw-1").send("Connect", Vec::new(), &[("Authorization", "")])).unwrap();
    assert_eq!(x.status, 401);
}

#[test]
fn a_raw_connect_posted_with_curl_succeeds() {
    let s = serve("curl", &[]);
    // A Connect body (2.2.4.1.1): UserDn "/o=test\0", Flags, DefaultCodePage
    // 1252, LcidSort and LcidString 0x409, no auxiliary buffer.
    let mut body = b"/o=test\0".to_vec();
    for v in [0u32, 1252, 0x409, 0x409, 0] {
        body.extend_from_slice(&v.to_le_bytes());
    }
    let dir = temp_dir("curl-body");
    let file = dir.0.join("connect.bin");
    std::fs::write(&file, &body).unwrap();
    let out = Command::new("curl")
        .args(["-sS", "-i", "-u", "tester:pw-1", "-H", "Content-Type: application/mapi-http"])
        .args(["-H", "X-RequestType: Connect", "-H", "X-RequestId: E2EA6C1C-E61B-49E9-9CFB-38184F907552:1"])
        .args(["-H", "X-ClientInfo: {2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:1", "--data-binary"])
        .arg(format!("@{}", file.display()))
        .arg(&s.url)
        .output()
        .expect("curl runs (.ci/run installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = out.stdout;
    let split = text.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&text[..split]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("x-responsecode: 0\r\n"), "{head}");
    assert!(head.contains("x-requestid: e2ea6c1c-e61b-49e9-9cfb-38184f907552:1\r\n"), "{head}");
    assert!(head.contains("set-cookie: mapicontext="), "{head}");
    let inner = &text[split + 4..];
    assert!(inner.starts_with(b"PROCESSING\r\nDONE\r\n"), "{}", String::from_utf8_lossy(inner));
    let stream = oxcnotif::wire::decode::<oxcnotif::wire::transport::inner_stream::InnerStream>(
        inner,
        oxcnotif::wire::Layout::Spec,
    )
    .expect("the inner stream reads");
    assert!(stream.value.header("X-ElapsedTime").is_some());
    let connect = oxcnotif::wire::decode::<oxcnotif::wire::transport::connect::ConnectResponse>(
        &stream.value.body,
        oxcnotif::wire::Layout::Spec,
    )
    .expect("a Connect success body");
    assert_eq!((connect.value.status_code, connect.value.error_code), (0, 0));
}

#[test]
fn transport_rules_a_client_breaks_get_their_response_code_and_reach_the_report() {
    let s = serve("transport-rules", &[]);
    let rt = runtime();
    let c = client(&s, "pw-1");
    let (x, connected) = rt.block_on(c.connect("/o=test", Vec::new())).unwrap();
    assert_eq!(x.response_code, Some(0));
    connected.unwrap();
    // A body that does not parse: 12 Invalid Request Body, and the Session
    // Context is free for the next request.
    let x = rt.block_on(c.send("Execute", vec![1, 2, 3], &[])).unwrap();
    assert_eq!(x.response_code, Some(12));
    let (x, _) = rt.block_on(c.execute(&[0x02, 0x00], Transform::default(), 0x3, 0x1_0008)).unwrap();
    assert_eq!(x.response_code, Some(0), "the context is not left busy by a refused body");
    // No X-RequestId: 7 Missing Header (MS-OXCMAPIHTTP_R2039).
    let x = rt.block_on(c.send("PING", Vec::new(), &[("X-RequestId", "")])).unwrap();
    assert_eq!(x.response_code, Some(7));
    assert_eq!(x.header("content-type"), Some("text/html"));
    // A stale sequence cookie: the first Execute takes it, the second brings it back.
    let before = c.cookies();
    let empty = [0x02, 0x00];
    let plain = Transform::default();
    let (x, _) = rt.block_on(c.execute(&empty, plain, 0x3, 0x1_0008)).unwrap();
    assert_eq!(x.response_code, Some(0));
    c.set_cookies(before);
    let (x, _) = rt.block_on(c.execute(&empty, plain, 0x3, 0x1_0008)).unwrap();
    assert_eq!(x.response_code, Some(15), "a stale sequence cookie is Invalid Sequence");
    // Two Executes at once with the same cookies (the 15 above set them
    // anew; the twin has its own copy): one of them is out of sequence.
    let twin = c.twin();
    let (a, b) = rt.block_on(async {
        tokio::join!(c.execute(&empty, plain, 0x3, 0x1_0008), twin.execute(&empty, plain, 0x3, 0x1_0008))
    });
    let mut codes = [a.unwrap().0.response_code, b.unwrap().0.response_code];
    codes.sort();
    assert_eq!(codes, [Some(0), Some(15)], "two requests at once: the second is Invalid Sequence");
    // Disconnect, then the cookie is dead: 10 Context Not Found (R1253).
    let x = rt.block_on(c.disconnect()).unwrap();
    assert_eq!(x.response_code, Some(0));
    let x = rt.block_on(c.ping()).unwrap();
    assert_eq!(x.response_code, Some(10));
    let (status, report) = s.stop();
    assert_eq!(status, 1, "MUSTs broken: exit 1");
    let found = requirements(&report);
    for (req, code) in [
        ("MS-OXCMAPIHTTP_R148", 12),
        ("MS-OXCMAPIHTTP_R2039", 7),
        ("MS-OXCMAPIHTTP_R1150", 15),
        ("MS-OXCMAPIHTTP_R1253", 10),
    ] {
        assert!(found.iter().any(|(r, l, c)| r == req && l == "MUST" && *c == code), "{req} with {code} in {found:?}");
    }
}

#[test]
fn a_well_behaved_client_leaves_a_clean_report_and_exit_0() {
    let s = serve("clean", &[]);
    let rt = runtime();
    let c = client(&s, "pw-1");
    let (x, _) = rt.block_on(c.connect("/o=test", Vec::new())).unwrap();
    assert_eq!(x.response_code, Some(0));
    assert_eq!(x.arrivals.first().map(|a| a.0.name()), Some("PROCESSING"));
    let x = rt.block_on(c.ping()).unwrap();
    assert_eq!(x.response_code, Some(0));
    assert_eq!(x.body(), Some(&[][..]), "PING has no response body (R1460)");
    rt.block_on(c.disconnect()).unwrap();
    let (status, report) = s.stop();
    assert_eq!(requirements(&report), Vec::new());
    assert_eq!(report["verdict"], "PASS");
    assert_eq!(status, 0);
}

fn rops(v: serde_json::Value) -> Vec<u8> {
    use oxcnotif::wire::WireStructure;
    let b = oxcnotif::wire::rop_buffer::RopInputBuffer::from_value(&v, oxcnotif::wire::Layout::Spec).unwrap();
    oxcnotif::wire::encode(&b, oxcnotif::wire::Layout::Spec).unwrap()
}

fn output(bytes: &[u8]) -> serde_json::Value {
    use oxcnotif::wire::WireStructure;
    oxcnotif::wire::decode::<oxcnotif::wire::rop_buffer::RopOutputBuffer>(bytes, oxcnotif::wire::Layout::Spec)
        .unwrap()
        .value
        .to_value(oxcnotif::wire::Layout::Spec)
}

const ESSDN: &str = "/o=oxcnotif/cn=Recipients/cn=tester";

/// Logs on (and opens the Inbox); answers the handle table.
async fn logon(c: &Client, t: Transform, flags: u32) -> Vec<u64> {
    let input = rops(serde_json::json!({"RopsList": [
        {"RopId": 0xFE, "LogonId": 0, "OutputHandleIndex": 0, "LogonFlags": 1, "OpenFlags": 0x0100_0000u32,
         "StoreState": 0, "EssdnSize": ESSDN.len() + 1, "Essdn": ESSDN},
        {"RopId": 0x02, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1, "FolderId": "0100000000000005", "OpenModeFlags": 0}],
        "ServerObjectHandleTable": [0xFFFF_FFFFu32, 0xFFFF_FFFFu32]}));
    let (x, out) = c.execute(&input, t, flags, 0x1_0008).await.unwrap();
    assert_eq!(x.response_code, Some(0));
    let v = output(&out.unwrap());
    assert_eq!(v["RopsList"][0]["ReturnValue"], 0, "{v}");
    v["ServerObjectHandleTable"].as_array().unwrap().iter().map(|h| h.as_u64().unwrap()).collect()
}

/// The whole client flow of the issue, over loopback: two Session
/// Contexts of one mailbox; `a` logs on, subscribes and waits; `b` creates a
/// folder in the Inbox; `a` sees EventPending, drains the RopNotify by
/// Execute, releases and disconnects. `flags` and `t` choose compression
/// and obfuscation both ways.
fn client_flow(name: &str, flags: u32, t: Transform) {
    let s = serve(name, &[]);
    let rt = runtime();
    let (a, b) = (client(&s, "pw-1"), client(&s, "pw-1"));
    rt.block_on(async {
        assert_eq!(a.connect("/o=test", Vec::new()).await.unwrap().0.response_code, Some(0));
        let ha = logon(&a, t, flags).await;
        let register = rops(serde_json::json!({"RopsList": [{"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0,
            "OutputHandleIndex": 1, "NotificationTypes": 0x0004, "WantWholeStore": 1}],
            "ServerObjectHandleTable": [ha[0], 0xFFFF_FFFFu32]}));
        let (_, out) = a.execute(&register, t, flags, 0x1_0008).await.unwrap();
        let sub = output(&out.unwrap())["ServerObjectHandleTable"][1].as_u64().unwrap();
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move { a.notification_wait().await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(b.connect("/o=test", Vec::new()).await.unwrap().0.response_code, Some(0));
        let hb = logon(&b, t, flags).await;
        let create = rops(serde_json::json!({"RopsList": [{"RopId": 0x1C, "LogonId": 0, "InputHandleIndex": 1,
            "OutputHandleIndex": 2, "FolderType": 1, "UseUnicodeStrings": 0, "OpenExisting": 0, "Reserved": 0,
            "DisplayName": "made by b", "Comment": ""}], "ServerObjectHandleTable": [hb[0], hb[1], 0xFFFF_FFFFu32]}));
        let (_, out) = b.execute(&create, t, flags, 0x1_0008).await.unwrap();
        let created = output(&out.unwrap());
        let (x, pending) =
            tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await.unwrap().unwrap().unwrap();
        assert_eq!(pending, Ok(1), "EventPending");
        assert_eq!(x.arrivals.first().map(|t| t.0.name()), Some("PROCESSING"));
        let poll = rops(serde_json::json!({"RopsList": [], "ServerObjectHandleTable": [ha[0]]}));
        let (x, out) = a.execute(&poll, t, flags, 0x1_0008).await.unwrap();
        // The response's payload flags follow the request's Flags.
        let body = x.body().unwrap();
        let resp = oxcnotif::wire::decode::<oxcnotif::wire::transport::execute_response::ExecuteResponse>(
            body,
            oxcnotif::wire::Layout::Spec,
        )
        .unwrap();
        let header = resp.value.rop_buffer.unwrap().buffers[0].header;
        if flags & 0x2 != 0 {
            assert!(!header.xor_magic(), "NoXorMagic: the server MUST NOT obfuscate (MS-OXCRPC_R638)");
        } else {
            assert!(header.xor_magic(), "the reference obfuscates when the client allows it");
        }
        if flags & 0x1 != 0 {
            assert!(!header.compressed(), "NoCompression: the server MUST NOT compress (MS-OXCRPC_R634)");
        }
        let v = output(&out.unwrap());
        let notify = &v["RopsList"][0];
        assert_eq!(notify["RopId"], 0x2A, "{v}");
        assert_eq!(notify["NotificationHandle"].as_u64(), Some(sub));
        assert_eq!(notify["NotificationData"]["FolderId"], created["RopsList"][0]["FolderId"]);
        let release = rops(serde_json::json!({"RopsList": [{"RopId": 0x01, "LogonId": 0, "InputHandleIndex": 1}],
            "ServerObjectHandleTable": [ha[0], sub]}));
        let (x, _) = a.execute(&release, t, flags, 0x1_0008).await.unwrap();
        assert_eq!(x.response_code, Some(0));
        assert_eq!(a.disconnect().await.unwrap().response_code, Some(0));
        assert_eq!(b.disconnect().await.unwrap().response_code, Some(0));
    });
    let (status, report) = s.stop();
    assert_eq!(report["verdict"], "PASS", "{report:#}");
    assert_eq!(status, 0);
}

#[test]
fn a_client_logs_on_subscribes_is_woken_drains_and_disconnects_plain() {
    client_flow("flow-plain", 0x3, Transform::default());
}

#[test]
fn a_client_logs_on_subscribes_is_woken_drains_and_disconnects_compressed_and_obfuscated() {
    client_flow("flow-transformed", 0x0, Transform { compress: true, obfuscate: true });
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn serve_speaks_tls_with_the_given_certificate() {
    let s = serve("tls", &["--tls-cert", &fixture("cert.pem"), "--tls-key", &fixture("key.pem")]);
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    let rt = runtime();
    let c = Client::new(Endpoint::new(&s.url, "tester", "pw-1", true).unwrap(), format!("{{{}}}:1", guid()));
    let (x, body) = rt.block_on(c.connect("/o=test", Vec::new())).unwrap();
    assert_eq!(x.response_code, Some(0));
    body.unwrap();
    assert_eq!(rt.block_on(c.ping()).unwrap().response_code, Some(0));
    // Without --insecure the certificate must chain to a trusted root: this
    // self-signed one does not, so the handshake fails with a clear error.
    if let Ok(e) = Endpoint::new(&s.url, "tester", "pw-1", false) {
        let strict = Client::new(e, format!("{{{}}}:2", guid()));
        let refused =
            rt.block_on(strict.connect("/o=test", Vec::new())).expect_err("a self-signed certificate is refused");
        assert!(refused.0.contains("TLS"), "{refused}");
    }
    rt.block_on(c.disconnect()).unwrap();
    let (status, _) = s.stop();
    assert_eq!(status, 0);
}

#[test]
fn serve_refuses_tls_files_that_do_not_read() {
    let out = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["serve", "--user", "tester", "--password", "pw-1", "--tls-cert", "/nonexistent/cert.pem"])
        .args(["--tls-key", &fixture("key.pem")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/cert.pem"));
}

#[test]
fn an_events_file_causes_its_events_on_schedule() {
    let dir = temp_dir("events-file");
    let file = dir.0.join("events.yaml");
    std::fs::write(
        &file,
        "- {After: 300ms, Type: NewMail, Folder: Inbox, Message: \"0100000000000b05\", MessageClass: IPM.Note, MessageFlags: 1}\n",
    )
    .unwrap();
    let s = serve("events", &["--events", file.to_str().unwrap()]);
    let rt = runtime();
    let c = client(&s, "pw-1");
    let t = Transform::default();
    rt.block_on(async {
        c.connect("/o=test", Vec::new()).await.unwrap().1.unwrap();
        let h = logon(&c, t, 0x3).await;
        let register = rops(serde_json::json!({"RopsList": [{"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0,
            "OutputHandleIndex": 1, "NotificationTypes": 0x0002, "WantWholeStore": 1}],
            "ServerObjectHandleTable": [h[0], 0xFFFF_FFFFu32]}));
        c.execute(&register, t, 0x3, 0x1_0008).await.unwrap().1.unwrap();
        let (_, pending) =
            tokio::time::timeout(std::time::Duration::from_secs(5), c.notification_wait()).await.unwrap().unwrap();
        assert_eq!(pending, Ok(1));
        let poll = rops(serde_json::json!({"RopsList": [], "ServerObjectHandleTable": [h[0]]}));
        let (_, out) = c.execute(&poll, t, 0x3, 0x1_0008).await.unwrap();
        let v = output(&out.unwrap());
        assert_eq!(v["RopsList"][0]["NotificationData"]["MessageId"], "0100000000000b05", "{v}");
    });
}

#[test]
fn an_idle_session_context_expires_and_the_report_is_there_on_demand() {
    let s = serve("expiry", &["--expiration", "200ms"]);
    let rt = runtime();
    let c = client(&s, "pw-1");
    assert_eq!(rt.block_on(c.connect("/o=test", Vec::new())).unwrap().0.response_code, Some(0));
    // The sweep runs every second.
    std::thread::sleep(std::time::Duration::from_millis(2300));
    let x = rt.block_on(c.ping()).unwrap();
    assert_eq!(x.response_code, Some(10), "an expired Session Context is not found (MS-OXCMAPIHTTP_R1283)");
    let x = rt.block_on(c.send_to("GET", "/oxcnotif/report", "report", Vec::new(), &[])).unwrap();
    assert_eq!(x.status, 200);
    let report: serde_json::Value = serde_json::from_slice(&x.raw).unwrap();
    let ended = report["sessions"][0]["ended"].as_str().unwrap_or_default().to_string();
    assert!(ended.contains("expired"), "{report:#}");
    let x = rt.block_on(client(&s, "wrong").send_to("GET", "/oxcnotif/report", "report", Vec::new(), &[])).unwrap();
    assert_eq!(x.status, 401, "the control endpoint wants the same credentials");
}

/// Logs on LogonId 0 to the mailbox `essdn` names and opens its Inbox;
/// answers the handle table.
async fn logon_to(c: &Client, essdn: &str) -> Vec<u64> {
    let input = rops(serde_json::json!({"RopsList": [
        {"RopId": 0xFE, "LogonId": 0, "OutputHandleIndex": 0, "LogonFlags": 1, "OpenFlags": 0x0100_0000u32,
         "StoreState": 0, "EssdnSize": essdn.len() + 1, "Essdn": essdn},
        {"RopId": 0x02, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1, "FolderId": "0100000000000005", "OpenModeFlags": 0}],
        "ServerObjectHandleTable": [0xFFFF_FFFFu32, 0xFFFF_FFFFu32]}));
    let (_, out) = c.execute(&input, Transform::default(), 0x3, 0x1_0008).await.unwrap();
    let v = output(&out.unwrap());
    assert_eq!(v["RopsList"][0]["ReturnValue"], 0, "{v}");
    v["ServerObjectHandleTable"].as_array().unwrap().iter().map(|h| h.as_u64().unwrap()).collect()
}

/// Creates a folder `name` in the Inbox opened at `h[1]`; answers its FolderId.
async fn create_in_inbox(c: &Client, h: &[u64], name: &str) -> serde_json::Value {
    let create = rops(serde_json::json!({"RopsList": [{"RopId": 0x1C, "LogonId": 0, "InputHandleIndex": 1,
        "OutputHandleIndex": 2, "FolderType": 1, "UseUnicodeStrings": 0, "OpenExisting": 0, "Reserved": 0,
        "DisplayName": name, "Comment": ""}], "ServerObjectHandleTable": [h[0], h[1], 0xFFFF_FFFFu32]}));
    let (_, out) = c.execute(&create, Transform::default(), 0x3, 0x1_0008).await.unwrap();
    let v = output(&out.unwrap());
    assert_eq!(v["RopsList"][0]["ReturnValue"], 0, "{v}");
    v["RopsList"][0]["FolderId"].clone()
}

#[test]
fn a_delegate_logon_to_another_mailbox_hears_that_mailbox_and_not_its_own() {
    let s = serve("delegate", &["--user", "tester2", "--password", "pw-2"]);
    let rt = runtime();
    let (a, b) = (client(&s, "pw-1"), client(&s, "pw-1"));
    let c = Client::new(Endpoint::new(&s.url, "tester2", "pw-2", false).unwrap(), format!("{{{}}}:1", guid()));
    let t = Transform::default();
    rt.block_on(async {
        for x in [&a, &b, &c] {
            x.connect("/o=test", Vec::new()).await.unwrap().1.unwrap();
        }
        // a (tester) logs on only to tester2's mailbox and subscribes there.
        let ha = logon_to(&a, "/o=oxcnotif/cn=Recipients/cn=tester2").await;
        let register = rops(serde_json::json!({"RopsList": [{"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0,
            "OutputHandleIndex": 1, "NotificationTypes": 0x0004, "WantWholeStore": 1}],
            "ServerObjectHandleTable": [ha[0], 0xFFFF_FFFFu32]}));
        a.execute(&register, t, 0x3, 0x1_0008).await.unwrap().1.unwrap();
        let poll = rops(serde_json::json!({"RopsList": [], "ServerObjectHandleTable": [ha[0]]}));
        // A change in tester's own mailbox is not a's to hear.
        let hb = logon_to(&b, ESSDN).await;
        let mine = create_in_inbox(&b, &hb, "in tester's mailbox").await;
        let (_, out) = a.execute(&poll, t, 0x3, 0x1_0008).await.unwrap();
        let v = output(&out.unwrap());
        assert_eq!(v["RopsList"], serde_json::json!([]), "{v}");
        // A change in tester2's mailbox is, under the LogonId a opened it with.
        let hc = logon_to(&c, "/o=oxcnotif/cn=Recipients/cn=tester2").await;
        let theirs = create_in_inbox(&c, &hc, "in tester2's mailbox").await;
        assert_ne!(mine, theirs, "each mailbox hands out IDs of its own");
        let (_, out) = a.execute(&poll, t, 0x3, 0x1_0008).await.unwrap();
        let v = output(&out.unwrap());
        assert_eq!(v["RopsList"][0]["RopId"], 0x2A, "{v}");
        assert_eq!(v["RopsList"][0]["LogonId"], 0, "{v}");
        assert_eq!(v["RopsList"][0]["NotificationData"]["FolderId"], theirs, "{v}");
    });
}
