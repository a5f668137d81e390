//! `oxcnotif run --server` interrupted in the middle of a case: after
//! Ctrl-C (SIGINT), once or twice, the served mailbox holds exactly what it
//! held before the run, so the harness left nothing it created and changed
//! nothing it did not (issue 15); after SIGKILL, the next run deletes what
//! the killed one left. The mailbox is read from `oxcnotif serve`'s `GET
//! /oxcnotif/mailbox`: its folders, their parents and its messages.

#![cfg(unix)]

use oxcnotif::target::mapi_http::{Client, Endpoint};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

fn mailbox(rt: &tokio::runtime::Runtime, c: &Client) -> Value {
    let x = rt.block_on(c.send_to("GET", "/oxcnotif/mailbox", "", Vec::new(), &[])).unwrap();
    assert_eq!(x.status, 200, "{}", String::from_utf8_lossy(&x.raw));
    serde_json::from_slice(&x.raw).unwrap()
}

fn folder_ids(v: &Value) -> Vec<String> {
    v["folders"].as_array().unwrap().iter().map(|f| f["FolderId"].as_str().unwrap().to_string()).collect()
}

/// A TCP proxy on loopback to `upstream` that holds every chunk the client
/// sends for `delay` before passing it on: each request takes that long,
/// so a case is still running when a second signal comes.
fn slow_proxy(upstream: std::net::SocketAddr, delay: Duration) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in l.incoming() {
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(upstream) else { continue };
            let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n @ 1..) = c_read.read(&mut buf) {
                    std::thread::sleep(delay);
                    if s_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    addr
}

/// Starts a server run of the sequence cases, waits until the mailbox holds
/// a folder it did not hold before (a case's scratch folder: the run is in
/// the middle of a case), sends SIGINT `signals` times, and answers the
/// run's exit status, its standard output and error, and the mailbox
/// before and after.
fn interrupt(name: &str, signals: usize) -> (i32, String, String, Value, Value) {
    let s = common::serve(name, &["--wait-limit", "450ms", "--pending-period", "100ms"]);
    let state = common::temp_dir(&format!("{name}-state"));
    let (code, stdout, stderr, before, after, _) = interrupt_at(&s, signals, "INT", &state.0, "sequence.*");
    (code, stdout, stderr, before, after)
}

/// [`interrupt`] against the running `s`, with `signal` (INT or KILL), the
/// scratch folder journal in `state`, running the cases `cases`.
fn interrupt_at(
    s: &common::Served,
    signals: usize,
    signal: &str,
    state: &std::path::Path,
    cases: &str,
) -> (i32, String, String, Value, Value, String) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(&s.url, "tester", "pw-1", false).unwrap(), "{0}:1".into());
    let before = mailbox(&rt, &c);
    let known = folder_ids(&before);
    // Twice, or SIGKILL: through a proxy that slows every request, so
    // that the case is still running (and its scratch folder there) when
    // the last signal comes.
    let url = match (signals, signal) {
        (1, "INT") => s.url.clone(),
        _ => s.url.replace(&s.addr().to_string(), &slow_proxy(s.addr(), Duration::from_millis(150)).to_string()),
    };
    let journal = state.join("scratch");
    let journaled = || std::fs::read_dir(&journal).map(|d| d.flatten().count() > 0).unwrap_or(false);
    let mut run = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", &url, "--user", "tester", "--wait-limit", "450ms", "--no-report"])
        .args(["--cases", cases])
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .env("OXCNOTIF_STATE_DIR", state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    loop {
        let now = folder_ids(&mailbox(&rt, &c));
        // SIGKILL leaves only what the journal holds: wait for its entry too.
        if now.iter().any(|f| !known.contains(f)) && (signal != "KILL" || journaled()) {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "the run made no scratch folder in 30 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..signals {
        Command::new("kill").args([&format!("-{signal}"), &run.id().to_string()]).status().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = Instant::now();
    let status = loop {
        if let Some(st) = run.try_wait().unwrap() {
            break st;
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = run.kill();
            panic!("the interrupted run did not end in 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = run.wait_with_output().unwrap();
    let after = mailbox(&rt, &c);
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        before,
        after,
        url,
    )
}

#[test]
fn one_ctrl_c_mid_case_stops_the_run_and_leaves_the_mailbox_as_it_was() {
    let (code, stdout, stderr, before, after) = interrupt("interrupt-once", 1);
    assert_eq!(code, 1, "an interrupted run is incomplete: exit 1\n{stdout}\n{stderr}");
    assert!(stdout.contains("INCOMPLETE"), "{stdout}");
    assert_eq!(before, after, "the mailbox changed:\n{stdout}\n{stderr}");
}

#[test]
fn a_second_ctrl_c_exits_at_once_and_still_deletes_the_scratch_folder() {
    let (code, stdout, stderr, before, after) = interrupt("interrupt-twice", 2);
    assert_eq!(code, 130, "a second Ctrl-C exits 130\n{stdout}\n{stderr}");
    assert!(stderr.contains("deleted the scratch folder"), "{stderr}");
    assert_eq!(before, after, "the mailbox changed:\n{stdout}\n{stderr}");
}

#[test]
fn after_sigkill_the_next_run_deletes_what_the_killed_one_left() {
    let s = common::serve("interrupt-kill", &["--wait-limit", "450ms", "--pending-period", "100ms"]);
    let state = common::temp_dir("interrupt-kill-state");
    // The killed run went through a slow proxy; the journal names that URL.
    let (code, stdout, stderr, before, after, url) = interrupt_at(&s, 1, "KILL", &state.0, "sequence.*");
    assert_eq!(code, -1, "killed by a signal\n{stdout}\n{stderr}");
    assert_ne!(before, after, "a killed run has no chance to clean up; the test needs its scratch folder there");
    let journal = state.0.join("scratch");
    let entries = || std::fs::read_dir(&journal).map(|d| d.flatten().count()).unwrap_or(0);
    assert_eq!(entries(), 1, "the journal records the killed run's scratch folder");
    let text = std::fs::read_to_string(std::fs::read_dir(&journal).unwrap().flatten().next().unwrap().path()).unwrap();
    assert!(!text.contains("pw-1"), "the journal holds no password: {text}");

    // A run as another user, or to another URL, leaves it alone.
    let next = |url: &str, user: &str| {
        Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
            .args(["run", "--server", url, "--user", user, "--wait-limit", "450ms", "--no-report"])
            .args(["--cases", "sequence.basics.*"])
            .env("OXCNOTIF_PASSWORD", "pw-1")
            .env("OXCNOTIF_STATE_DIR", &state.0)
            .output()
            .unwrap()
    };
    let other = next(&format!("{url}&x=1"), "tester");
    assert!(!String::from_utf8_lossy(&other.stderr).contains("killed"), "{}", String::from_utf8_lossy(&other.stderr));
    assert_eq!(entries(), 1);

    let out = next(&url, "tester");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("note: deleted the scratch folder \"oxcnotif scratch ")
            && stderr.contains("that a run killed before it could clean up (process "),
        "{stderr}"
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(&s.url, "tester", "pw-1", false).unwrap(), "{0}:1".into());
    assert_eq!(before, mailbox(&rt, &c), "the mailbox is as it was before the killed run");
    assert_eq!(entries(), 0, "the journal entry goes with the folder");
}

#[test]
fn after_sigkill_mid_mapi_http_case_the_next_run_deletes_the_folder_it_made() {
    // The mapi-http cases that create a folder name its deletion in their
    // cleanup; once the FolderId is bound it is in the journal too.
    let s = common::serve("interrupt-kill-mapi", &["--wait-limit", "450ms", "--pending-period", "100ms"]);
    let state = common::temp_dir("interrupt-kill-mapi-state");
    let (code, stdout, stderr, before, after, url) =
        interrupt_at(&s, 1, "KILL", &state.0, "mapi-http.notification-wait.*");
    assert_eq!(code, -1, "killed by a signal\n{stdout}\n{stderr}");
    assert_ne!(before, after, "the test needs the case's folder there");
    let out = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", &url, "--user", "tester", "--wait-limit", "450ms", "--no-report"])
        .args(["--cases", "sequence.basics.*"])
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .env("OXCNOTIF_STATE_DIR", &state.0)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("note: deleted the scratch folder \"what mapi-http.notification-wait."), "{stderr}");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(&s.url, "tester", "pw-1", false).unwrap(), "{0}:1".into());
    assert_eq!(before, mailbox(&rt, &c), "the mailbox is as it was before the killed run");
    assert_eq!(std::fs::read_dir(state.0.join("scratch")).map(|d| d.flatten().count()).unwrap_or(0), 0);
}
