//! What does each command of the `oxcnotif` binary do? The orchestration
//! behind the command line, as library functions: `src/main.rs` only parses
//! arguments and calls these.
//!
//! Every command writes what it prints to a [`Console`] (standard output and
//! standard error in the binary, buffers in tests) and returns the exit
//! status, or a [`Failure`] that says why it could not run.

pub mod codec;
pub mod compare;
pub mod corpus;
pub mod fuzz;
pub mod run;
#[cfg(feature = "harness")]
pub mod serve;

use std::io::Write;

/// Where a command's text goes. Write errors (a closed standard output, as
/// in `oxcnotif run | head`) are ignored.
pub struct Console<'a> {
    /// Results: what `say` prints.
    pub out: &'a mut dyn Write,
    /// Diagnostics: what `warn` prints.
    pub err: &'a mut dyn Write,
}

impl Console<'_> {
    /// Prints a line of results.
    pub fn say(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{line}");
    }
    /// Prints results as they are (no newline added).
    pub fn say_raw(&mut self, text: impl std::fmt::Display) {
        let _ = write!(self.out, "{text}");
    }
    /// Prints a line of diagnostics.
    pub fn warn(&mut self, line: impl std::fmt::Display) {
        let _ = writeln!(self.err, "{line}");
    }
}

/// Why a command stopped before doing its job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An argument is wrong: printed with a pointer to `--help`; exit 2.
    Usage(String),
    /// Something the command needs is wrong or missing (a case file, the
    /// target, the report directory): printed as `error: …`, exit `code`.
    Fatal {
        /// What is wrong, naming the file, line and field where it can.
        message: String,
        /// The exit status.
        code: u8,
    },
}

impl Failure {
    /// A configuration error (exit 2).
    pub fn config(message: impl Into<String>) -> Self {
        Failure::Fatal { message: message.into(), code: 2 }
    }
    /// An error with exit status 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure::Fatal { message: message.into(), code: 1 }
    }
    /// The exit status.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Fatal { code, .. } => *code,
        }
    }
    /// The text printed on standard error.
    pub fn message(&self) -> String {
        match self {
            Failure::Usage(m) => format!("error: {m}\n\nFor more information, try '--help'."),
            Failure::Fatal { message, .. } => format!("error: {message}"),
        }
    }
}

/// The options `run` and `fuzz` share.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct TargetOptions {
    /// How long to wait for each adapter reply before stopping it: seconds (2.5) or a duration (500ms, 5s, 1m)
    #[cfg_attr(feature = "cli", arg(long, default_value = "5"))]
    pub timeout: String,
    /// Directory of case files
    #[cfg_attr(feature = "cli", arg(long, default_value = "spec-cases"))]
    pub suite: std::path::PathBuf,
}

impl TargetOptions {
    /// The timeout, refusing one that is not a positive duration.
    pub fn check(&self) -> Result<std::time::Duration, Failure> {
        let t = self.timeout.trim();
        let d = match t.parse::<f64>() {
            Ok(s) if s > 0.0 && s.is_finite() && s < 1e9 => Some(std::time::Duration::from_secs_f64(s)),
            Ok(_) => None,
            Err(_) => humantime::parse_duration(t).ok().filter(|d| !d.is_zero()),
        };
        d.ok_or_else(|| {
            Failure::Usage(format!("--timeout {t:?} is not a positive number of seconds or a duration like 5s"))
        })
    }
}

/// A command's result: its exit status, or why it could not run.
pub type Outcome = Result<u8, Failure>;

/// A target's name as a directory name that stays where it is put:
/// letters, digits, `-`, `_` and `.` (anything else becomes `-`), no
/// leading dot (so never `.`, `..` or hidden), at most 64 characters,
/// `target` when nothing is left, and never `reference`, the built-in's
/// committed report.
pub fn dir_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .collect();
    let safe: String = safe.trim_start_matches('.').chars().take(64).collect();
    match safe.as_str() {
        "" => "target".into(),
        "reference" => "reference-target".into(),
        _ => safe,
    }
}

pub use crate::plural::{plural, plural_of};

/// A word for a shell command line: quoted when it needs to be.
pub fn shell_word(w: &str) -> String {
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c)) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

/// The last `n` lines of an adapter's standard-error log, each indented
/// and cut at 300 characters; `None` when it holds nothing.
pub fn log_tail(path: &std::path::Path, n: usize) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    let shown: Vec<String> = lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| match l.char_indices().nth(300) {
            Some((i, _)) => format!("  | {}…", &l[..i]),
            None => format!("  | {l}"),
        })
        .collect();
    Some(shown.join("\n"))
}

/// The error for an adapter that could not be started or did not answer
/// hello (a configuration error, 2): what happened, then where its
/// standard error is and its last lines, which usually say why.
pub fn start_failure(e: &str, log: &std::path::Path) -> Failure {
    match log_tail(log, 10) {
        Some(tail) => Failure::config(format!(
            "--target: {e}\nits standard error is kept in {}; the last lines:\n{tail}",
            log.display()
        )),
        None => Failure::config(format!("--target: {e} (it wrote nothing on standard error)")),
    }
}

/// After `run` or `fuzz`: the temporary log of the adapter's standard
/// error, if still there (not moved beside a report), is removed when the
/// command succeeded or the log is empty, and kept and named otherwise.
pub fn settle_temp_log(c: &mut Console, log: &std::path::Path, outcome: &Outcome) {
    if !log.exists() {
        return;
    }
    let empty = std::fs::metadata(log).map(|m| m.len() == 0).unwrap_or(true);
    match outcome {
        Ok(0) => {
            let _ = std::fs::remove_file(log);
        }
        _ if empty => {
            let _ = std::fs::remove_file(log);
        }
        Ok(_) => c.say(format!("target stderr: {} (kept: the run did not pass)", log.display())),
        Err(f) if f.message().contains(&log.display().to_string()) => {}
        Err(_) => c.warn(format!("target stderr: {} (kept)", log.display())),
    }
}

/// Reads a file named on the command line; `-` or nothing reads standard
/// input.
pub fn read_input(file: Option<&std::path::Path>) -> Result<String, String> {
    use std::io::Read;
    match file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        }
        _ => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(s)
        }
    }
}
