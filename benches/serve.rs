//! `oxcnotif serve` at scale: SESSIONS Session Contexts (default 1,000),
//! each logged on, subscribed to NewMail and holding a NotificationWait;
//! then one event per session, each through the control endpoint, and the
//! time until that session's NotificationWait ends with DONE. Prints the
//! wake-up latency (p50, p99, max) and the server's resident memory per
//! idle session (VmRSS from /proc before and after the sessions open).
//!
//! `cargo bench --bench serve` (SESSIONS=N to change the count).

use oxcnotif::target::mapi_http::{guid, Client, Endpoint};
use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use oxcnotif::wire::transport::extended_buffer::Transform;
use oxcnotif::wire::{Layout, WireStructure};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn rops(v: Value) -> Vec<u8> {
    let b = RopInputBuffer::from_value(&v, Layout::Spec).expect("a ROP input buffer");
    oxcnotif::wire::encode(&b, Layout::Spec).expect("it encodes")
}

async fn open(client: &Client) -> Result<(), String> {
    let plain = Transform::default();
    let (x, b) = client.connect("/o=oxcnotif/cn=bench", Vec::new()).await.map_err(|e| e.0)?;
    b.map_err(|e| format!("Connect: {e} ({:?})", x.response_code))?;
    let essdn = "/o=oxcnotif/cn=Recipients/cn=bench";
    let logon = rops(json!({"RopsList": [{"RopId": 0xFE, "LogonId": 0, "OutputHandleIndex": 0, "LogonFlags": 1,
        "OpenFlags": 0x0100_0000u32, "StoreState": 0, "EssdnSize": essdn.len() + 1, "Essdn": essdn}],
        "ServerObjectHandleTable": [0xFFFF_FFFFu32]}));
    let (_, out) = client.execute(&logon, plain, 0x3, 0x1_0008).await.map_err(|e| e.0)?;
    let out = oxcnotif::wire::decode::<RopOutputBuffer>(&out?, Layout::Spec).map_err(|e| e.to_string())?;
    let h = out.value.server_object_handle_table[0];
    let register =
        rops(json!({"RopsList": [{"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
        "NotificationTypes": 0x0002, "WantWholeStore": 1}], "ServerObjectHandleTable": [h, 0xFFFF_FFFFu32]}));
    let (_, out) = client.execute(&register, plain, 0x3, 0x1_0008).await.map_err(|e| e.0)?;
    out?;
    Ok(())
}

fn main() {
    let sessions: usize = std::env::var("SESSIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("oxcnotif-bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pw = dir.join("passwords");
    std::fs::write(&pw, (0..sessions).map(|i| format!("pw-{i}\n")).collect::<String>()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxcnotif"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--wait-limit", "10m", "--pending-period", "10m"]);
    for i in 0..sessions {
        cmd.args(["--user", &format!("u{i}")]);
    }
    cmd.arg("--password-file").arg(&pw).arg("--report").arg(dir.join("report"));
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("oxcnotif serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").expect("the URL line").to_string();
    let pid = child.id();
    std::thread::sleep(Duration::from_millis(200));
    let before = rss_kib(pid);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let client_guid = guid();
    let clients: Vec<Client> = (0..sessions)
        .map(|i| {
            let e = Endpoint::new(&url, &format!("u{i}"), &format!("pw-{i}"), false).unwrap();
            Client::new(e, format!("{{{client_guid}}}:{i}"))
        })
        .collect();
    let started = Instant::now();
    rt.block_on(async {
        for chunk in clients.chunks(50) {
            let opened = futures_join(chunk.iter().cloned().map(|c| async move { open(&c).await })).await;
            for r in opened {
                r.expect("a session opens");
            }
        }
    });
    let setup = started.elapsed();
    // Every session holds a NotificationWait; each task reports when its DONE came.
    let waits: Vec<_> = clients
        .iter()
        .map(|c| {
            let c = c.clone();
            rt.spawn(async move {
                let (x, pending) = c.notification_wait().await.expect("NotificationWait answered");
                assert_eq!(pending, Ok(1), "EventPending after the event: {:?}", x.response_code);
                Instant::now()
            })
        })
        .collect();
    // Let every NotificationWait reach the server before the first event.
    std::thread::sleep(Duration::from_millis(2000));
    let held = rss_kib(pid);
    let control = |i: usize| Endpoint::new(&url, &format!("u{i}"), &format!("pw-{i}"), false).unwrap();
    let mut latencies = Vec::with_capacity(sessions);
    for (i, w) in waits.into_iter().enumerate() {
        let c = Client::new(control(i), format!("{{{client_guid}}}:control"));
        let event =
            br#"{Type: NewMail, Folder: Inbox, Message: "0100000000000b05", MessageClass: IPM.Note, MessageFlags: 1}"#;
        let sent = Instant::now();
        let x = rt.block_on(c.send_to("POST", "/oxcnotif/event", "event", event.to_vec(), &[])).expect("event posted");
        assert_eq!(x.status, 200, "{}", String::from_utf8_lossy(&x.raw));
        let done = rt.block_on(w).expect("the waiter ends");
        latencies.push(done.saturating_duration_since(sent));
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "sessions: {sessions} (each logged on, subscribed, a NotificationWait held); opened in {:.2} s",
        setup.as_secs_f64()
    );
    println!(
        "wake-up latency, event posted to DONE received: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(pct(1.0))
    );
    println!(
        "server VmRSS: {before} KiB at start, {held} KiB with the sessions held: {:.1} KiB per session",
        (held.saturating_sub(before)) as f64 / sessions as f64
    );
    let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the futures at once and collects their results, in order.
async fn futures_join<F>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("a task"));
    }
    out
}
