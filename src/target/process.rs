//! The harness's side of the adapter pipes, hardened: an adapter that
//! exits, hangs, or writes something that is not a reply costs the request
//! it was answering (the case gets ERROR) and is restarted; its standard
//! error goes to a log file; it is always reaped, so no zombies remain.
//!
//! Requests are pipelined: [`AdapterProcess::call_many`] writes them all
//! (through a writer thread, so a stuck adapter cannot block the harness)
//! while a reader thread collects reply lines; each reply is awaited for at
//! most the per-request timeout.

use super::{request, Hello, Implementation, Reply, Request};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Raw replies kept in a report are cut to this many bytes.
pub const RAW_CAP: usize = 1024;

/// How the harness treats an adapter.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to wait for each reply.
    pub timeout: Duration,
    /// The longest reply line accepted, in bytes.
    pub max_reply: usize,
    /// Where the adapter's standard error goes (appended); discarded when `None`.
    pub stderr_log: Option<PathBuf>,
    /// Set from outside (Ctrl-C) to stop waiting.
    pub interrupted: Arc<AtomicBool>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(5),
            max_reply: 16 << 20,
            stderr_log: None,
            interrupted: Arc::new(AtomicBool::new(false)),
        }
    }
}

enum Line {
    Text(String),
    TooLong(String),
    Eof(Option<String>),
}

struct Running {
    child: Child,
    to_stdin: Option<Sender<String>>,
    lines: Receiver<Line>,
}

/// An adapter child process.
pub struct AdapterProcess {
    argv: Vec<String>,
    opts: Options,
    hello: Hello,
    running: Option<Running>,
    next_id: u64,
    restarts: usize,
}

fn cap(s: &str) -> String {
    if s.len() <= RAW_CAP {
        return s.to_string();
    }
    let mut end = RAW_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

/// Splits a command line into words by the quoting rules of a POSIX shell
/// (the `shell-words` crate): blanks separate words, single and double
/// quotes group, a backslash escapes, and a `#` that starts a word begins a
/// comment. Nothing is expanded.
pub fn split_command(cmd: &str) -> Result<Vec<String>, String> {
    let words =
        shell_words::split(cmd).map_err(|_| "the target command has a quote that is never closed".to_string())?;
    if words.is_empty() {
        return Err("the target command is empty".into());
    }
    Ok(words)
}

fn read_lines(out: impl Read, tx: Sender<Line>, max: usize) {
    let mut r = BufReader::with_capacity(64 * 1024, out);
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(_) => &[][..],
        };
        if chunk.is_empty() {
            let partial = (!buf.is_empty()).then(|| String::from_utf8_lossy(&buf).into_owned());
            let _ = tx.send(Line::Eof(partial));
            return;
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        buf.extend_from_slice(&chunk[..take.min(max + 1 - buf.len().min(max + 1))]);
        r.consume(take);
        if buf.len() > max {
            let _ = tx.send(Line::TooLong(String::from_utf8_lossy(&buf[..RAW_CAP.min(buf.len())]).into_owned()));
            return; // the harness kills an adapter that floods it
        }
        if done {
            let line = String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_string();
            buf.clear();
            if tx.send(Line::Text(line)).is_err() {
                return;
            }
        }
    }
}

impl AdapterProcess {
    /// Starts the adapter `command` and asks it `hello`. Fails (a
    /// configuration error) when it cannot be started or does not answer.
    pub fn start(command: &str, opts: Options) -> Result<Self, String> {
        let argv = split_command(command)?;
        let mut p = AdapterProcess { argv, opts, hello: Hello::default(), running: None, next_id: 1, restarts: 0 };
        p.spawn()?;
        Ok(p)
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut cmd = Command::new(&self.argv[0]);
        cmd.args(&self.argv[1..]).stdin(Stdio::piped()).stdout(Stdio::piped());
        match &self.opts.stderr_log {
            Some(path) => {
                if let Some(dir) = path.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("cannot open the adapter log {}: {e}", path.display()))?;
                cmd.stderr(Stdio::from(f));
            }
            None => {
                cmd.stderr(Stdio::null());
            }
        }
        #[cfg(unix)]
        {
            // Its own process group: Ctrl-C reaches the harness only, and
            // stopping the adapter stops whatever it started.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| format!("cannot start the target {:?}: {e}", self.argv[0]))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let mut stdin = child.stdin.take().ok_or("no stdin pipe")?;
        let (tx, lines) = channel();
        let max = self.opts.max_reply;
        std::thread::spawn(move || read_lines(stdout, tx, max));
        let (to_stdin, from_harness) = channel::<String>();
        std::thread::spawn(move || {
            for line in from_harness {
                if stdin.write_all(line.as_bytes()).is_err() || stdin.flush().is_err() {
                    return;
                }
            }
        });
        live_groups().push(child.id());
        self.running = Some(Running { child, to_stdin: Some(to_stdin), lines });
        match self.exchange(&[request::hello()]).pop() {
            Some(Reply::Ok(v)) => {
                self.hello = Hello::from_value(&v)?;
                Ok(())
            }
            Some(Reply::Broken { problem, raw }) => {
                self.stop();
                Err(format!(
                    "the target did not answer hello: {problem}{}",
                    raw.map(|r| format!(" (it wrote {r:?})")).unwrap_or_default()
                ))
            }
            other => {
                self.stop();
                Err(match other {
                    Some(Reply::Unimplemented(m)) => {
                        format!("the target answered hello with unimplemented ({m}); every adapter implements hello")
                    }
                    Some(Reply::Failed(m)) => format!("the target answered hello with error: {m}"),
                    _ => "the target gave no reply to hello".to_string(),
                })
            }
        }
    }

    /// Stops the adapter: closes its input, gives it a moment to exit, then
    /// kills its process group; always reaps it.
    pub fn stop(&mut self) {
        let Some(mut run) = self.running.take() else { return };
        let id = run.child.id();
        live_groups().retain(|g| *g != id);
        run.to_stdin = None;
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            match run.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                _ => {
                    kill_group(&mut run.child);
                    let _ = run.child.wait();
                    break;
                }
            }
        }
        // Also stop whatever it started that is still running.
        kill_group(&mut run.child);
    }

    /// How the adapter ended, if it has (for messages).
    fn exit_status(&mut self) -> String {
        let Some(run) = self.running.as_mut() else { return "it is not running".into() };
        for _ in 0..50 {
            if let Ok(Some(s)) = run.child.try_wait() {
                return format!("it exited ({s})");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        "it closed its output".into()
    }

    /// Sends `requests` (ids assigned here) and collects one reply each.
    /// On the first breakage the oldest unanswered request gets
    /// [`Reply::Broken`], the adapter is restarted, and the rest are sent
    /// again. After Ctrl-C no adapter is restarted: the unanswered requests
    /// get [`Reply::Broken`] with the problem "interrupted".
    fn exchange(&mut self, requests: &[Request]) -> Vec<Reply> {
        let mut replies: Vec<Option<Reply>> = vec![None; requests.len()];
        let mut start = 0;
        while start < requests.len() {
            if self.running.is_none() && self.opts.interrupted.load(Ordering::SeqCst) {
                // After Ctrl-C, no new adapter is started: what is left is
                // not run.
                for r in replies.iter_mut().skip(start).filter(|r| r.is_none()) {
                    *r = Some(Reply::Broken { problem: super::INTERRUPTED.into(), raw: None });
                }
                break;
            }
            if self.running.is_none() {
                if let Err(e) = self.respawn() {
                    for r in replies.iter_mut().skip(start) {
                        *r = Some(Reply::Broken { problem: e.clone(), raw: None });
                    }
                    break;
                }
            }
            let mut pending: HashMap<u64, usize> = HashMap::new();
            let mut order: Vec<u64> = Vec::new();
            let Some(run) = self.running.as_mut() else { break };
            let mut send_failed = false;
            for (i, req) in requests.iter().enumerate().skip(start) {
                let id = self.next_id;
                self.next_id += 1;
                let mut obj = req.to_value();
                obj["id"] = Value::from(id);
                let mut line = serde_json::to_string(&obj).unwrap_or_default();
                line.push('\n');
                if run.to_stdin.as_ref().is_none_or(|t| t.send(line).is_err()) {
                    send_failed = true;
                }
                pending.insert(id, i);
                order.push(id);
            }
            let _ = send_failed; // a dead writer shows as a closed output below
            let mut broken: Option<(usize, String, Option<String>)> = None;
            while !pending.is_empty() {
                match self.next_line() {
                    Ok(line) => match Reply::parse(&line) {
                        Ok((id, reply)) => match pending.remove(&id) {
                            Some(i) => replies[i] = Some(reply),
                            None => {
                                let oldest = order.iter().find_map(|x| pending.get(x)).copied().unwrap_or(start);
                                broken = Some((
                                    oldest,
                                    format!("a reply carries id {id}, which is not awaited"),
                                    Some(cap(&line)),
                                ));
                                break;
                            }
                        },
                        Err(problem) => {
                            let oldest = order.iter().find_map(|x| pending.get(x)).copied().unwrap_or(start);
                            broken = Some((oldest, problem, Some(cap(&line))));
                            break;
                        }
                    },
                    Err((problem, raw)) => {
                        let oldest = order.iter().find_map(|x| pending.get(x)).copied().unwrap_or(start);
                        broken = Some((oldest, problem, raw));
                        break;
                    }
                }
            }
            match broken {
                None => break,
                Some((i, problem, raw)) => {
                    replies[i] = Some(Reply::Broken { problem, raw });
                    self.stop();
                    if self.opts.interrupted.load(Ordering::SeqCst) {
                        for r in replies.iter_mut().filter(|r| r.is_none()) {
                            *r = Some(Reply::Broken { problem: super::INTERRUPTED.into(), raw: None });
                        }
                        break;
                    }
                    // Resend what is still unanswered, in order.
                    start = replies.iter().position(Option::is_none).unwrap_or(requests.len());
                    if start < requests.len() && replies[start..].iter().any(Option::is_some) {
                        // Some later requests were answered: resend only the gaps, one by one.
                        for k in start..requests.len() {
                            if replies[k].is_none() {
                                replies[k] = Some(
                                    self.exchange(std::slice::from_ref(&requests[k]))
                                        .pop()
                                        .unwrap_or(Reply::Broken { problem: "no reply".into(), raw: None }),
                                );
                            }
                        }
                        break;
                    }
                }
            }
        }
        replies.into_iter().map(|r| r.unwrap_or(Reply::Broken { problem: "no reply".into(), raw: None })).collect()
    }

    fn respawn(&mut self) -> Result<(), String> {
        self.restarts += 1;
        self.spawn()
    }

    /// The next reply line, or what went wrong waiting for it.
    fn next_line(&mut self) -> Result<String, (String, Option<String>)> {
        let timeout = self.opts.timeout;
        let deadline = Instant::now() + timeout;
        let mut exited_at: Option<Instant> = None;
        loop {
            let Some(run) = self.running.as_mut() else { return Err(("the target is not running".into(), None)) };
            let slice = deadline.saturating_duration_since(Instant::now()).min(Duration::from_millis(100));
            match run.lines.recv_timeout(slice) {
                Ok(Line::Text(l)) if l.trim().is_empty() => continue,
                Ok(Line::Text(l)) => return Ok(l),
                Ok(Line::TooLong(prefix)) => {
                    return Err((
                        format!("the reply is longer than {} bytes; the target was stopped", self.opts.max_reply),
                        Some(cap(&prefix)),
                    ))
                }
                Ok(Line::Eof(partial)) => {
                    let status = self.exit_status();
                    return Err(match partial {
                        Some(p) => (format!("the reply was cut off: {status} in the middle of a line"), Some(cap(&p))),
                        None => (format!("no reply: {status}"), None),
                    });
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.exit_status();
                    return Err((format!("no reply: {status}"), None));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.opts.interrupted.load(Ordering::SeqCst) {
                        return Err((super::INTERRUPTED.into(), None));
                    }
                    // An adapter that exits while something it started keeps
                    // its output open gives no end of file: notice the exit
                    // itself, once the reader has had time to pass on what
                    // it wrote before.
                    if let Ok(Some(status)) = run.child.try_wait() {
                        let at = *exited_at.get_or_insert_with(Instant::now);
                        if at.elapsed() >= Duration::from_millis(200) {
                            return Err((
                                format!("no reply: it exited ({status}); something it started still holds its output"),
                                None,
                            ));
                        }
                    }
                    if Instant::now() >= deadline {
                        return Err((
                            format!("no reply within {:.1} s; the target was stopped", timeout.as_secs_f64()),
                            None,
                        ));
                    }
                }
            }
        }
    }
}

/// Process groups of adapters still running, so that a second Ctrl-C,
/// which ends the harness at once, can stop them first.
fn live_groups() -> std::sync::MutexGuard<'static, Vec<u32>> {
    static LIVE: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kills the process group of every adapter still running (for a harness
/// about to exit without unwinding).
pub fn kill_live_adapters() {
    for g in live_groups().drain(..) {
        signal_group(g);
    }
}

/// Sends SIGKILL to process group `pgid` (an adapter started as the leader
/// of its own group), ignoring failure: the group may be gone already.
fn signal_group(pgid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        // Group 0 would be the harness's own group, and a pid that does not
        // fit an i32 is not one the system gave out: signal neither.
        if let Ok(g @ 1..) = i32::try_from(pgid) {
            let _ = killpg(nix::unistd::Pid::from_raw(g), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

fn kill_group(child: &mut Child) {
    signal_group(child.id());
    let _ = child.kill();
}

impl Implementation for AdapterProcess {
    fn hello(&self) -> &Hello {
        &self.hello
    }
    fn call_many(&mut self, requests: &[Request]) -> Vec<Reply> {
        self.exchange(requests)
    }
    fn restarts(&self) -> usize {
        self.restarts
    }
}

impl Drop for AdapterProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(split_command("oxcnotif adapter").unwrap(), ["oxcnotif", "adapter"]);
        assert_eq!(
            split_command(r#"python3 "my adapter.py" --x 'a b' c\ d"#).unwrap(),
            ["python3", "my adapter.py", "--x", "a b", "c d"]
        );
        assert!(split_command("  ").is_err());
        assert!(split_command("a 'b").is_err());
    }

    #[test]
    fn long_raw_replies_are_capped() {
        let s = "x".repeat(5000);
        let c = cap(&s);
        assert!(c.len() < 1100 && c.contains("5000 bytes"));
    }
}
