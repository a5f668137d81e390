//! A hostile target cannot break a run. Each test runs the built binary
//! against `tests/adapters/hostile.py`, a proxy in front of the reference
//! adapter that misbehaves on one request (crashes, hangs, writes garbage,
//! a cut-off, oversized or wrongly numbered reply, floods standard error,
//! leaves a grandchild behind, fails hello), and checks the report: only
//! that case is ERROR, with what happened and the raw reply (capped); the
//! other cases PASS on a restarted adapter; the adapter's standard error is
//! in `target-stderr.log`; no process it started is left running. Ctrl-C
//! leaves an incomplete report and exit status 1.
//!
//! These tests need `python3` (CI installs it); without it they fail, they
//! are not skipped.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The cases each run selects.
const SELECTION: &str = "register-notification-request.*";
/// The case whose decode request (of these bytes, unique in the selection)
/// triggers the misbehaviour.
const TRIGGER_CASE: &str = "register-notification-request.types.object-deleted";
const TRIGGER_HEX: &str = "29000001080001";
/// Raw replies in the report are capped at 1 KiB, plus a short note.
const RAW_LIMIT: usize = 1126;
/// The per-request timeout when the test does not want one to expire.
const PATIENT: &str = "30";

fn require_python() {
    match Command::new("python3").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`python3 --version` failed ({s}): the hostile-adapter tests need a working python3"),
        Err(e) => panic!(
            "cannot run python3 ({e}): the hostile-adapter tests (tests/adapters/hostile.py) need it; install python3"
        ),
    }
}

/// A scratch directory: `state/` for hostile.py, `report/` for the run.
/// Kept when the test fails, for a look.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        require_python();
        let dir = std::env::temp_dir().join(format!("oxcnotif-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("state")).expect("scratch directory");
        Scratch { dir }
    }
    fn state(&self) -> PathBuf {
        self.dir.join("state")
    }
    fn out(&self) -> PathBuf {
        self.dir.join("report")
    }
    fn read(&self, path: PathBuf) -> String {
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
    fn harness_stdout(&self) -> String {
        self.read(self.dir.join("harness.out"))
    }
    fn harness_stderr(&self) -> String {
        self.read(self.dir.join("harness.err"))
    }
    fn results(&self) -> Value {
        let text = self.read(self.out().join("results.json"));
        serde_json::from_str(&text).expect("results.json is JSON")
    }
    fn stderr_log(&self) -> String {
        self.read(self.out().join("target-stderr.log"))
    }
    /// What hostile.py recorded: `(kind, pid)`, kind one of adapter,
    /// reference, grandchild.
    fn pids(&self) -> Vec<(String, u32)> {
        self.read(self.state().join("pids"))
            .lines()
            .map(|l| {
                let (kind, pid) = l.split_once(' ').expect("`kind pid`");
                (kind.to_string(), pid.parse().expect("a pid"))
            })
            .collect()
    }
    fn count(&self, kind: &str) -> usize {
        self.pids().iter().filter(|(k, _)| k == kind).count()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for a look: {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Starts `oxcnotif run` against `hostile.py MODE TRIGGER`.
fn start(s: &Scratch, mode: &str, trigger: &str, timeout: &str) -> Child {
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    let out = s.out();
    Command::new(bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--target", &format!("python3 tests/adapters/hostile.py {mode} {trigger}")])
        .args(["--cases", SELECTION, "--timeout", timeout, "--out"])
        .arg(&out)
        .env("OXCNOTIF_BIN", bin)
        .env("HOSTILE_DIR", s.state())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(s.dir.join("harness.out")).expect("harness.out"))
        .stderr(std::fs::File::create(s.dir.join("harness.err")).expect("harness.err"))
        .spawn()
        .expect("oxcnotif starts")
}

/// Waits for the harness to exit, at most `limit`.
fn finish(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("oxcnotif run did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs to the end; returns the exit status and how long it took.
fn run(s: &Scratch, mode: &str, trigger: &str, timeout: &str) -> (ExitStatus, Duration) {
    let t0 = Instant::now();
    let mut child = start(s, mode, trigger, timeout);
    let status = finish(&mut child, Duration::from_secs(180));
    (status, t0.elapsed())
}

/// `(state, parent pid)` from /proc, or `None` when the process is gone.
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    let mut rest = text[text.rfind(')')? + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Whether the recorded process is still running (not gone, not a zombie,
/// and not a later process that reuses its pid).
fn running(kind: &str, pid: u32) -> bool {
    match proc_stat(pid) {
        None | Some(('Z', _)) => false,
        Some(_) => {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline);
            let mark = match kind {
                "adapter" => "hostile.py",
                "grandchild" => "sleep",
                _ => "adapter",
            };
            cmdline.contains(mark)
        }
    }
}

/// Nothing the run started is left running, and no adapter ever found an
/// unreaped earlier one among the harness's children.
fn assert_nothing_left(s: &Scratch) {
    let pids = s.pids();
    assert!(pids.iter().any(|(k, _)| k == "adapter"), "hostile.py recorded no adapter: {pids:?}");
    // Killed processes whose parent died are reaped by init, not us: give
    // them a moment to go.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left: Vec<&(String, u32)> = pids.iter().filter(|(k, p)| running(k, *p)).collect();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "still running after the run: {left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let zombies = s.state().join("zombies");
    assert!(
        !zombies.exists(),
        "a restarted adapter found zombie children of the harness: {}",
        std::fs::read_to_string(&zombies).unwrap_or_default()
    );
}

/// Zombie children of `parent`, from /proc.
fn zombie_children(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        if let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) {
            if proc_stat(pid) == Some(('Z', parent)) {
                found.push(pid);
            }
        }
    }
    found
}

fn case<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["cases"].as_array().expect("cases").iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

/// Only `TRIGGER_CASE` is ERROR, with a note holding each of `says`; the
/// others PASS. Returns the ERROR case.
fn only_trigger_case_errs<'a>(s: &Scratch, results: &'a Value, says: &[&str]) -> &'a Value {
    let cases = results["cases"].as_array().expect("cases");
    assert!(cases.len() > 20, "the selection ran {} cases", cases.len());
    let odd: Vec<String> = cases
        .iter()
        .filter(|c| c["id"] != TRIGGER_CASE && c["verdict"] != "PASS")
        .map(|c| format!("{} {} {}", c["id"], c["verdict"], c["note"]))
        .collect();
    assert!(odd.is_empty(), "other cases did not pass:\n{}\nstdout:\n{}", odd.join("\n"), s.harness_stdout());
    let c = case(results, TRIGGER_CASE);
    assert_eq!(c["verdict"], "ERROR", "{c:#}");
    let note = c["note"].as_str().unwrap_or_default();
    for said in says {
        assert!(note.contains(said), "the note does not say {said:?}: {note}");
    }
    assert_eq!(c["actual"]["broken"].as_str().map(|b| note.contains(b)), Some(true), "actual.broken: {c:#}");
    c
}

/// The raw reply in the report: present, and capped.
fn raw_of(c: &Value) -> &str {
    let raw = c["actual"]["raw"].as_str().unwrap_or_else(|| panic!("no raw reply in {:#}", c["actual"]));
    assert!(!raw.is_empty(), "the raw reply is empty");
    assert!(raw.len() <= RAW_LIMIT, "the raw reply is {} bytes, more than {RAW_LIMIT}", raw.len());
    raw
}

/// The ending common to the runs where one case breaks: exit 1, one
/// restart, two adapters started, the misbehaviour logged by the adapter
/// in the stderr log beside the report, nothing left behind.
fn one_breakage(s: &Scratch, status: ExitStatus, results: &Value, mode: &str) {
    assert_eq!(status.code(), Some(1), "ERROR fails the run; stderr: {}", s.harness_stderr());
    assert_eq!(results["incomplete"], false);
    assert_eq!(results["restarts"], 1, "the adapter is restarted once");
    assert_eq!(s.count("adapter"), 2, "two adapters were started: {:?}", s.pids());
    let log = s.stderr_log();
    assert!(log.contains(&format!("hostile: {mode} on request")), "target-stderr.log: {log:?}");
    assert!(s.harness_stdout().contains(&format!("ERROR {TRIGGER_CASE}")), "{}", s.harness_stdout());
    assert_nothing_left(s);
}

#[test]
fn a_crash_costs_one_case_and_the_target_is_restarted() {
    let s = Scratch::new("crash");
    let (status, _) = run(&s, "crash", TRIGGER_HEX, PATIENT);
    let results = s.results();
    let c = only_trigger_case_errs(&s, &results, &["Decode", "no reply", "exited", "exit status: 3"]);
    assert_eq!(c["actual"]["raw"], Value::Null, "it wrote nothing");
    one_breakage(&s, status, &results, "crash");
}

#[test]
fn a_hang_is_stopped_after_the_timeout() {
    let s = Scratch::new("hang");
    let (status, took) = run(&s, "hang", TRIGGER_HEX, "2");
    let results = s.results();
    only_trigger_case_errs(&s, &results, &["no reply within 2.0 s", "stopped"]);
    assert!(s.state().join("hanging").exists(), "the adapter did hang");
    assert!(took < Duration::from_secs(60), "the run took {took:?}");
    one_breakage(&s, status, &results, "hang");
}

#[test]
fn garbage_is_reported_with_the_raw_reply_capped() {
    let s = Scratch::new("garbage");
    let (status, _) = run(&s, "garbage", TRIGGER_HEX, PATIENT);
    let results = s.results();
    let c = only_trigger_case_errs(&s, &results, &["not JSON"]);
    let raw = raw_of(c);
    assert!(raw.starts_with("%%% GARBAGE, not JSON"), "{raw}");
    assert!(raw.contains("bytes in all"), "the cap says how long the reply was: {raw}");
    one_breakage(&s, status, &results, "garbage");
}

#[test]
fn a_truncated_reply_is_reported_with_what_came() {
    let s = Scratch::new("truncated");
    let (status, _) = run(&s, "truncated", TRIGGER_HEX, PATIENT);
    let results = s.results();
    let c = only_trigger_case_errs(&s, &results, &["cut off", "exit status: 4"]);
    let raw = raw_of(c);
    assert!(raw.starts_with(r#"{"id":"#), "the first half of a reply: {raw}");
    assert!(serde_json::from_str::<Value>(raw).is_err(), "only half of it: {raw}");
    one_breakage(&s, status, &results, "truncated");
}

#[test]
fn an_oversized_reply_is_cut_and_the_target_stopped() {
    let s = Scratch::new("oversized");
    let (status, _) = run(&s, "oversized", TRIGGER_HEX, PATIENT);
    let results = s.results();
    let c = only_trigger_case_errs(&s, &results, &["longer than 16777216 bytes", "stopped"]);
    let raw = raw_of(c);
    assert!(raw.starts_with(r#"{"id": "#) && raw.contains("xxxx"), "the start of the reply: {raw}");
    one_breakage(&s, status, &results, "oversized");
}

#[test]
fn a_reply_with_an_id_not_awaited_is_reported() {
    let s = Scratch::new("wrong-id");
    let (status, _) = run(&s, "wrong-id", TRIGGER_HEX, PATIENT);
    let results = s.results();
    let c = only_trigger_case_errs(&s, &results, &["not awaited"]);
    let raw = raw_of(c);
    let wrong: Value = serde_json::from_str(raw).expect("the raw reply is the whole line");
    assert!(wrong["id"].as_u64().is_some_and(|id| id > 1_000_000), "{raw}");
    one_breakage(&s, status, &results, "wrong-id");
}

#[test]
fn an_nth_request_trigger_costs_exactly_one_case() {
    let s = Scratch::new("nth");
    let (status, _) = run(&s, "garbage", "nth=5", PATIENT);
    let results = s.results();
    let bad: Vec<&Value> = results["cases"].as_array().unwrap().iter().filter(|c| c["verdict"] != "PASS").collect();
    assert_eq!(bad.len(), 1, "{bad:#?}");
    assert_eq!(bad[0]["verdict"], "ERROR");
    assert!(bad[0]["note"].as_str().unwrap().contains("not JSON"), "{:#}", bad[0]);
    raw_of(bad[0]);
    assert_eq!(status.code(), Some(1));
    assert_eq!(results["restarts"], 1);
    assert_nothing_left(&s);
}

#[test]
fn the_targets_stderr_goes_to_a_log_beside_the_report() {
    let s = Scratch::new("stderr");
    let (status, _) = run(&s, "stderr", "-", PATIENT);
    assert_eq!(status.code(), Some(0), "stdout: {}\nstderr: {}", s.harness_stdout(), s.harness_stderr());
    let results = s.results();
    let cases = results["cases"].as_array().unwrap();
    assert!(cases.iter().all(|c| c["verdict"] == "PASS"));
    assert_eq!(results["restarts"], 0);
    let log = s.stderr_log();
    assert!(log.contains("hostile stderr: request 1 (hello) seen\n"), "{log}");
    assert!(log.contains("(decode) seen") && log.contains("(encode) seen"), "{log}");
    // Two lines for each request: hello, then at least one per case.
    let lines = log.lines().filter(|l| l.starts_with("hostile stderr: ")).count();
    assert!(lines >= 2 * (1 + cases.len()), "{lines} lines for {} cases", cases.len());
    assert!(!s.harness_stdout().contains("hostile stderr") && !s.harness_stderr().contains("hostile stderr"));
    assert_nothing_left(&s);
}

#[test]
fn a_grandchild_is_stopped_with_the_target() {
    let s = Scratch::new("spawn-child");
    let (status, _) = run(&s, "spawn-child", "-", PATIENT);
    assert_eq!(status.code(), Some(0), "stdout: {}\nstderr: {}", s.harness_stdout(), s.harness_stderr());
    let results = s.results();
    assert!(results["cases"].as_array().unwrap().iter().all(|c| c["verdict"] == "PASS"));
    assert_eq!(s.count("grandchild"), 1, "{:?}", s.pids());
    assert_nothing_left(&s);
}

#[test]
fn a_crash_is_noticed_while_a_grandchild_holds_the_output() {
    // The grandchild keeps the adapter's standard output open, so the
    // crash shows no end of file: the harness notices the exit itself,
    // long before the 30 s timeout.
    let s = Scratch::new("spawn-child-crash");
    let (status, took) = run(&s, "spawn-child+crash", TRIGGER_HEX, PATIENT);
    let results = s.results();
    only_trigger_case_errs(&s, &results, &["exited", "exit status: 3", "holds its output"]);
    assert!(took < Duration::from_secs(25), "the run took {took:?}: the crash waited for the timeout");
    assert_eq!(s.count("grandchild"), 2, "{:?}", s.pids());
    one_breakage(&s, status, &results, "crash");
}

#[test]
fn a_garbled_hello_is_a_configuration_error() {
    let s = Scratch::new("hello-fail");
    let (status, _) = run(&s, "hello-fail", "-", PATIENT);
    let err = s.harness_stderr();
    assert_eq!(status.code(), Some(2), "stderr: {err}");
    for said in ["--target", "hello", "not JSON", "HELLO? this line is not JSON"] {
        assert!(err.contains(said), "the message does not say {said:?}: {err}");
    }
    assert!(!s.out().join("results.json").exists(), "no report for a target that cannot be started");
    assert_eq!(s.count("adapter"), 1, "not restarted: {:?}", s.pids());
    assert_nothing_left(&s);
}

#[test]
fn ctrl_c_leaves_an_incomplete_report_and_exit_status_1() {
    let s = Scratch::new("ctrl-c");
    let mut child = start(&s, "hang", TRIGGER_HEX, "120");
    let hanging = s.state().join("hanging");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !hanging.exists() {
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("the run ended ({status}) before the adapter hung: {}", s.harness_stderr());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the adapter did not hang within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // While the run is live, no child of the harness is an unreaped zombie.
    assert_eq!(zombie_children(child.id()), Vec::<u32>::new(), "zombie children of the harness");
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success(), "kill -INT failed: {sent}");
    let t0 = Instant::now();
    let status = finish(&mut child, Duration::from_secs(30));
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(5), "Ctrl-C took {took:?} to stop the run");
    assert_eq!(status.code(), Some(1), "stderr: {}", s.harness_stderr());
    let results = s.results();
    assert_eq!(results["incomplete"], true);
    let summary = s.read(s.out().join("summary.md"));
    assert!(summary.contains("INCOMPLETE"), "summary.md has no INCOMPLETE banner:\n{summary}");
    assert!(s.harness_stdout().contains("INCOMPLETE"), "{}", s.harness_stdout());
    assert!(s.harness_stderr().contains("interrupted"), "{}", s.harness_stderr());
    assert_eq!(s.count("adapter"), 1, "no adapter is started after Ctrl-C: {:?}", s.pids());
    assert!(s.out().join("target-stderr.log").exists());
    assert_nothing_left(&s);
}

#[test]
fn the_hostile_adapter_refuses_unknown_modes() {
    require_python();
    let o = Command::new("python3")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["tests/adapters/hostile.py", "explode", "-"])
        .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
        .env_remove("HOSTILE_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown mode explode"));
}
