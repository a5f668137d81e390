//! Every command the documentation shows is true: each shell command in a
//! code block of README.md, docs/*.md, fuzz/README.md and the example
//! adapter's README that starts with `oxcnotif` or `cargo run` is run, as a
//! user's shell would run it, with the binary under test as `oxcnotif` (and
//! in place of `cargo run … --`), in a scratch directory that looks like a
//! clone; its exit status must be the one the documentation gives (0 unless
//! [`STATUS`] says otherwise). A fuzz command's `--duration` is cut to one
//! second. The few commands that cannot run here are in [`SKIPPED`], each
//! with its reason; an entry of either list that matches no documented
//! command fails the test, so neither goes stale.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Documented commands that exit non-zero, by a part of their text, with
/// where the documentation says so.
const STATUS: &[(&str, i32, &str)] = &[
    (
        "oxcnotif decode notification-data '0280",
        1,
        "README: on a framing error decode prints an error object and exits 1",
    ),
    ("| oxcnotif encode notification-data", 1, "README: a value that breaks a presence rule is refused"),
    ("| oxcnotif check-trace -", 1, "README: the trace breaks MUSTs (R408, R409)"),
];

/// Documented commands that are not run, by a part of their text, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "oxcnotif run --target 'CMD ARGS' [--profile P]",
        "docs/adapter.md: a synopsis; CMD ARGS and the bracketed options are placeholders",
    ),
    (
        "oxcnotif run --server 'https://mail.example.com/mapi/emsmdb/",
        "docs/live.md: needs a real server and its password file; tests/live_faults.rs runs run --server against oxcnotif serve behind a proxy",
    ),
    (
        "oxcnotif serve --listen 127.0.0.1:0 --user tester --password pw-1",
        "docs/serve.md: serves until Ctrl-C; tests/serve.rs starts this very command, reads its URL line and stops it with SIGINT",
    ),
    (
        "cargo run -- regress <target> fuzz/artifacts/<target>/crash-<sha1>",
        "needs a crash artifact that still fails, from cargo-fuzz (nightly); tests/regress.rs runs regress on a made-up artifact",
    ),
];

/// A command as the documentation shows it.
#[derive(Debug)]
struct Documented {
    /// `file:line`.
    at: String,
    /// The command line, continuation lines joined, comment removed.
    text: String,
}

/// Removes a trailing `# comment` that is outside quotes.
fn without_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || b[i - 1] == b' ') => return line[..i].trim_end(),
            _ => {}
        }
    }
    line.trim_end()
}

/// Whether a command line is one of ours: `oxcnotif …`, `cargo run …`, or
/// `echo … | oxcnotif …`.
fn is_ours(cmd: &str) -> bool {
    let tail = cmd.rsplit(" | ").next().unwrap_or(cmd);
    ["oxcnotif ", "cargo run "].iter().any(|p| tail.starts_with(p)) || tail == "oxcnotif"
}

/// The shell commands in the code blocks of `file`: in `sh` (or `bash`,
/// `shell`, unlabelled) blocks every line, in `text` and `console` blocks
/// the lines after a `$ ` prompt (the others are output).
fn extract(file: &Path, shown: &str) -> Vec<Documented> {
    let name = file.strip_prefix(root()).unwrap_or(file).display().to_string();
    let mut out = Vec::new();
    let mut lang: Option<String> = None;
    let mut pending: Option<(usize, String)> = None;
    for (k, line) in shown.lines().enumerate() {
        if let Some(rest) = line.trim_start().strip_prefix("```") {
            lang = match lang {
                Some(_) => None,
                None => Some(rest.trim().to_string()),
            };
            continue;
        }
        let Some(l) = &lang else { continue };
        let cmd = match l.as_str() {
            "sh" | "bash" | "shell" | "" => line.trim(),
            "text" | "console" => match line.strip_prefix("$ ") {
                Some(c) => c.trim(),
                None => continue,
            },
            _ => continue,
        };
        let cmd = without_comment(cmd);
        let (start, joined) = match pending.take() {
            Some((start, before)) => (start, format!("{before} {}", cmd.trim_start())),
            None => (k + 1, cmd.to_string()),
        };
        if let Some(head) = joined.strip_suffix('\\') {
            pending = Some((start, head.trim_end().to_string()));
            continue;
        }
        if is_ours(&joined) {
            out.push(Documented { at: format!("{name}:{start}"), text: joined });
        }
    }
    out
}

fn documented() -> Vec<Documented> {
    let mut files: Vec<PathBuf> =
        ["README.md", "fuzz/README.md", "examples/adapters/python/README.md"].iter().map(|f| root().join(f)).collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files.iter().flat_map(|f| extract(f, &std::fs::read_to_string(f).unwrap())).collect()
}

/// The command as it runs here: `cargo run [--release] [-q] --` becomes
/// `oxcnotif`, and a fuzz run lasts a second.
fn as_run(text: &str) -> String {
    let mut t = text.to_string();
    for prefix in [
        "cargo run -q --release --",
        "cargo run --release -q --",
        "cargo run --release --",
        "cargo run -q --",
        "cargo run --",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = format!("oxcnotif{rest}");
            break;
        }
    }
    if t.starts_with("oxcnotif fuzz ") {
        let words: Vec<&str> = t.split(' ').collect();
        let mut out = Vec::new();
        let mut k = 0;
        while k < words.len() {
            if words[k] == "--duration" && k + 1 < words.len() {
                out.extend(["--duration", "1s"]);
                k += 2;
            } else {
                out.push(words[k]);
                k += 1;
            }
        }
        t = out.join(" ");
    }
    t
}

/// A scratch directory that looks like a clone (the suite, the spec data
/// and the example adapter linked in; `reports/` and `fuzz/` its own), with
/// `oxcnotif` on the PATH, `./my-adapter` (the reference over the adapter
/// protocol) and an empty `my-known-bugs.yaml`.
struct Clone {
    top: PathBuf,
    dir: PathBuf,
    bin: PathBuf,
}

impl Clone {
    fn new() -> Clone {
        let top = std::env::temp_dir().join(format!("oxcnotif-documented-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let (dir, bin) = (top.join("clone"), top.join("bin"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&bin).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for name in ["spec-cases", "spec", "examples"] {
                std::os::unix::fs::symlink(root().join(name), dir.join(name)).unwrap();
            }
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_oxcnotif"), bin.join("oxcnotif")).unwrap();
            std::fs::write(dir.join("my-adapter"), "#!/bin/sh\nexec oxcnotif adapter\n").unwrap();
            std::fs::set_permissions(dir.join("my-adapter"), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(dir.join("my-known-bugs.yaml"), "expected_failures: []\n").unwrap();
        Clone { top, dir, bin }
    }

    /// Runs `cmd` with `sh -c`; its exit status and what it printed, or
    /// `None` after a minute.
    fn run(&self, cmd: &str) -> (Option<i32>, String) {
        let path = format!("{}:{}", self.bin.display(), std::env::var("PATH").unwrap_or_default());
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(&self.dir)
            .env("PATH", path)
            .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return (None, "still running after 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        (o.status.code(), text)
    }
}

impl Drop for Clone {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

/// `git status` of what a documented command could write in the checkout
/// by mistake.
fn git_status() -> Option<String> {
    let o = Command::new("git")
        .args(["status", "--porcelain", "--", "reports", "fuzz", "spec-cases", "spec"])
        .current_dir(root())
        .output()
        .ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn every_documented_command_runs_as_documented() {
    let all = documented();
    assert!(all.len() >= 15, "only {} documented commands found: {all:#?}", all.len());
    assert!(all.iter().any(|d| d.text == "cargo run --release -- run"), "the README's main job is not found");
    for (part, _, why) in STATUS {
        assert!(all.iter().any(|d| d.text.contains(part)), "STATUS names {part:?} ({why}), which no document shows");
    }
    for (part, why) in SKIPPED {
        assert!(all.iter().any(|d| d.text.contains(part)), "SKIPPED names {part:?} ({why}), which no document shows");
    }
    let before = git_status();
    let clone = Clone::new();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut ran = 0;
    for d in &all {
        if SKIPPED.iter().any(|(part, _)| d.text.contains(part)) {
            continue;
        }
        let want = STATUS.iter().find(|(part, ..)| d.text.contains(part)).map(|(_, s, _)| *s).unwrap_or(0);
        let cmd = as_run(&d.text);
        let (code, said) = clone.run(&cmd);
        ran += 1;
        if code != Some(want) {
            failures.push(format!("{}: `{}` exited {code:?}, the documentation says {want}:\n{said}", d.at, d.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 12, "only {ran} commands ran");
    assert!(started.elapsed() < Duration::from_secs(120), "the documented commands took {:?}", started.elapsed());
    assert_eq!(git_status(), before, "a documented command changed the checkout");
}

#[test]
fn the_extractor_reads_prompts_continuations_and_comments() {
    let md = "```sh\noxcnotif run --target 'a # b' \\\n    --cases 'x.*'   # a comment\ncargo test\n```\n\n```text\n$ oxcnotif run --no-report\ntarget: output, not a command\n```\n\n```toml\noxcnotif = { path = \"x\" }\n```\n";
    let got: Vec<String> =
        extract(&root().join("x.md"), md).into_iter().map(|d| format!("{} {}", d.at, d.text)).collect();
    assert_eq!(got, ["x.md:2 oxcnotif run --target 'a # b' --cases 'x.*'", "x.md:8 oxcnotif run --no-report"]);
    assert_eq!(as_run("cargo run --release -- export-corpus"), "oxcnotif export-corpus");
    assert_eq!(
        as_run("oxcnotif fuzz --target './a' --duration 60s --seed 1"),
        "oxcnotif fuzz --target './a' --duration 1s --seed 1"
    );
}
