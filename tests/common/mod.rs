//! What the tests that start `oxcnotif serve` share: starting it on a free
//! loopback port, reading its `listening on URL` line, stopping it (SIGINT,
//! so it writes its report, or a kill when dropped) and its scratch
//! directory.

#![allow(dead_code)] // each test crate uses its own part

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, empty scratch directory named after the test and the process.
pub fn temp_dir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("oxcnotif-serve-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

/// A running `oxcnotif serve`.
pub struct Served {
    child: Option<Child>,
    /// The URL of its `listening on` line.
    pub url: String,
    /// Where its client report goes.
    pub report: PathBuf,
    _dir: TempDir,
}

/// Starts `oxcnotif serve --listen 127.0.0.1:0 --user tester --password
/// pw-1` with `extra` options; `name` names its scratch directory.
pub fn serve(name: &str, extra: &[&str]) -> Served {
    let dir = temp_dir(name);
    let report = dir.0.join("report");
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["serve", "--listen", "127.0.0.1:0", "--user", "tester", "--password", "pw-1"])
        .arg("--report")
        .arg(&report)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("oxcnotif serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {line:?}")).to_string();
    Served { child: Some(child), url, report, _dir: dir }
}

impl Served {
    /// Stops the server with SIGINT: its exit status and client report (JSON).
    pub fn stop(mut self) -> (i32, serde_json::Value) {
        let mut child = self.child.take().unwrap();
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        let text =
            std::fs::read_to_string(self.report.join("client-report.json")).expect("the client report is written");
        (status.code().unwrap_or(-1), serde_json::from_str(&text).unwrap())
    }

    /// Its address (host:port of the URL).
    pub fn addr(&self) -> std::net::SocketAddr {
        let u: hyper::Uri = self.url.parse().unwrap();
        format!("{}:{}", u.host().unwrap(), u.port_u16().unwrap()).parse().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
