//! The `oxcnotif` command line: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use oxcnotif::cases::run::Verdict;
use oxcnotif::wire::dissect;
use oxcnotif::wire::{error_json, finding_json};
use oxcnotif::wire::{Layout, Structure};
use serde_json::{json, Value};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// `println!` that ignores a closed standard output (`oxcnotif run | head`).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` that ignores a closed standard output.
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

const STRUCTURES: &str = "STRUCTURE is one of:
  rop-input-buffer               ROP input buffer (MS-OXCROPS 2.2.1), sent by the client
  rop-output-buffer              ROP output buffer (MS-OXCROPS 2.2.1), sent by the server
  register-notification-request  RopRegisterNotification request (MS-OXCROPS 2.2.14.1.1)
  register-notification-response RopRegisterNotification response (MS-OXCROPS 2.2.14.1.2)
  release-request                RopRelease request (MS-OXCROPS 2.2.15.3.1)
  notify-response                RopNotify response (MS-OXCROPS 2.2.14.2.1)
  notification-data              NotificationData (MS-OXCNOTIF 2.2.1.4.1.2)
  pending-response               RopPending response (MS-OXCROPS 2.2.14.3.1)
  buffer-too-small-response      RopBufferTooSmall response (MS-OXCROPS 2.2.15.1.1)

HEX accepts spaces, any case and a leading 0x.

Exit status: 0 success, 1 decode/encode failure (or a failing case), 2 usage error.";

/// Conformance and fuzzing harness for MS-OXCNOTIF, the Exchange Core
/// Notifications Protocol (RopRegisterNotification, RopNotify, RopPending,
/// RopRelease inside MS-OXCROPS ROP buffers).
#[derive(Parser)]
#[command(name = "oxcnotif", version, after_help = STRUCTURES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Yaml,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// NotificationTypes is 2 bytes; Reserved only with Extended (0x0400): the current spec
    Spec,
    /// NotificationTypes is 1 byte, then an always-present Reserved byte
    Legacy,
}

impl From<LayoutArg> for Layout {
    fn from(l: LayoutArg) -> Layout {
        match l {
            LayoutArg::Spec => Layout::Spec,
            LayoutArg::Legacy => Layout::Legacy,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Decode bytes: prints {structure, value, findings}, or {structure, error} and exits 1
    #[command(after_help = STRUCTURES)]
    Decode {
        /// The structure to decode (see below)
        structure: String,
        /// The bytes, as hex
        hex: String,
        /// Output format
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Reading of the RopRegisterNotification request
        #[arg(long, value_enum, default_value = "spec")]
        layout: LayoutArg,
    },
    /// Encode a value (JSON or YAML: decode's `value`, or its whole output) and print hex
    #[command(after_help = STRUCTURES)]
    Encode {
        /// The structure to encode (see below)
        structure: String,
        /// File holding the value; `-` or nothing reads standard input
        file: Option<PathBuf>,
        /// Reading of the RopRegisterNotification request
        #[arg(long, value_enum, default_value = "spec")]
        layout: LayoutArg,
    },
    /// Print an annotated listing: offset, bytes, spec field name, value; findings inline
    #[command(after_help = STRUCTURES)]
    Dissect {
        /// The structure to decode (see below)
        structure: String,
        /// The bytes, as hex
        hex: String,
        /// Reading of the RopRegisterNotification request
        #[arg(long, value_enum, default_value = "spec")]
        layout: LayoutArg,
    },
    /// Check a recorded client trace (YAML: {layout?, trace: [{input: HEX}, {output: HEX}, ...]}) against the client rules; exits 1 when a rule is broken
    CheckTrace {
        /// The trace file
        file: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Write every spec case's bytes as fuzz seeds: <OUT>/<target>/<case-id>.bin
    ExportCorpus {
        /// Directory of case files
        #[arg(long, default_value = "spec-cases")]
        cases: PathBuf,
        /// Seed directory (its *.bin files are replaced)
        #[arg(long, default_value = "fuzz/seeds")]
        out: PathBuf,
    },
    /// Turn a fuzz crash artifact into a regression case under spec-cases/regressions/
    Regress {
        /// The fuzz target that crashed (rop_input_buffer, model, ...)
        target: String,
        /// The crash artifact (fuzz/artifacts/<target>/crash-...)
        artifact: PathBuf,
        /// Directory for the case file
        #[arg(long, default_value = "spec-cases/regressions")]
        dir: PathBuf,
        /// Write the case even if the input no longer fails
        #[arg(long)]
        keep_passing: bool,
    },
    /// Run the spec cases against the built-in reference (default) or an implementation's adapter, and write a report
    #[command(after_help = RUN_HELP)]
    Run {
        /// The implementation's adapter command (see docs/adapter.md); the built-in reference when absent
        #[arg(long)]
        target: Option<String>,
        /// Product profile: run the spec-profile sequence cases as this product and apply its expected failures (spec, exchange-2007, exchange-2010, exchange-2013-and-later)
        #[arg(long)]
        profile: Option<String>,
        /// Run only the cases whose id matches (`*` and `?` wildcards; repeatable)
        #[arg(long = "cases", alias = "case", value_name = "GLOB")]
        select: Vec<String>,
        /// Leave out the cases whose id matches (verdict EXCLUDED; repeatable)
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// YAML file of expected failures: {expected_failures: [{id, reason}]}
        #[arg(long, value_name = "FILE")]
        expected_failures: Vec<PathBuf>,
        /// Seconds to wait for each adapter reply before stopping it
        #[arg(long, default_value_t = 5.0)]
        timeout: f64,
        /// Directory of case files
        #[arg(long, default_value = "spec-cases")]
        suite: PathBuf,
        /// Report directory [default: reports/<target name>/; no report when --cases is given]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Do not write a report
        #[arg(long)]
        no_report: bool,
    },
    /// Serve the built-in reference over the adapter protocol on standard input and output (docs/adapter.md)
    Adapter,
    /// Differential fuzzing: run generated inputs through a target and the reference in lockstep; write each disagreement as a minimized YAML case
    Fuzz {
        /// The implementation's adapter command (see docs/adapter.md)
        #[arg(long)]
        target: String,
        /// How long to run: 60s, 2m, 500ms
        #[arg(long, default_value = "60s")]
        duration: String,
        /// Seed of the input generator (the same seed gives the same inputs)
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this many disagreements
        #[arg(long, default_value_t = 20)]
        max_disagreements: usize,
        /// Seconds to wait for each adapter reply
        #[arg(long, default_value_t = 5.0)]
        timeout: f64,
        /// Directory of case files (seeds for near-valid inputs)
        #[arg(long, default_value = "spec-cases")]
        suite: PathBuf,
        /// Where reproducers go [default: fuzz/differential/<target name>/]
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

const RUN_HELP: &str = "Verdicts: PASS, NON-STRICT (a SHOULD departed from), INFO (behaviour the spec leaves open),
FAIL (a MUST broken), UNIMPLEMENTED, EXCLUDED, XFAIL, XPASS (an expected failure that passes), ERROR
(the target or the harness misbehaved).

Exit status: 0 when no case is FAIL, XPASS or ERROR; 1 otherwise (or when interrupted);
2 for a usage or configuration error.";

fn main() -> ExitCode {
    match dispatch(Cli::parse().command) {
        Ok(code) | Err(code) => code,
    }
}

/// Runs a command; `Err` carries an early exit (a usage error).
fn dispatch(command: Command) -> Result<ExitCode, ExitCode> {
    Ok(match command {
        Command::Decode { structure, hex, format, layout } => {
            let s = structure_arg(&structure)?;
            let bytes = hex_arg(&hex)?;
            let layout: Layout = layout.into();
            let (doc, code) = match s.decode(&bytes, layout) {
                Ok((v, findings)) => (
                    json!({"structure": s.name(), "layout": layout.name(), "value": v, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()}),
                    0,
                ),
                Err(e) => (json!({"structure": s.name(), "layout": layout.name(), "error": error_json(&e)}), 1),
            };
            print_doc(&doc, format);
            ExitCode::from(code)
        }
        Command::Encode { structure, file, layout } => {
            let s = structure_arg(&structure)?;
            let text = match read_input(file.as_deref()) {
                Ok(t) => t,
                Err(m) => return Err(usage(&m)),
            };
            let doc: Value = match serde_yaml::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: the input is not JSON or YAML: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let value = match unwrap_decode_output(&doc, s) {
                Ok(v) => v,
                Err(m) => {
                    eprintln!("error: {m}");
                    return Ok(ExitCode::from(1));
                }
            };
            match s.encode(value, layout.into()) {
                Ok(b) => {
                    say!("{}", oxcnotif::hex::encode(&b));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot encode {}: {e}", s.name());
                    ExitCode::from(1)
                }
            }
        }
        Command::Dissect { structure, hex, layout } => {
            let s = structure_arg(&structure)?;
            let bytes = hex_arg(&hex)?;
            let d = s.dissect(&bytes, layout.into());
            say_raw!("{}", dissect::render(&bytes, &d));
            ExitCode::from(if d.result.is_ok() { 0 } else { 1 })
        }
        Command::Run { target, profile, select, exclude, expected_failures, timeout, suite, out, no_report } => {
            run(RunArgs { target, profile, select, exclude, expected_failures, timeout, suite, out, no_report })?
        }
        Command::Fuzz { target, duration, seed, max_disagreements, timeout, suite, out } => {
            differential(&target, &duration, seed, max_disagreements, timeout, &suite, out)?
        }
        Command::Adapter => {
            let mut r = oxcnotif::target::reference::Reference::new();
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            match oxcnotif::target::serve(&mut r, stdin.lock(), std::io::BufWriter::new(stdout.lock())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::CheckTrace { file, format } => check_trace(&file, format)?,
        Command::ExportCorpus { cases, out } => export_corpus(&cases, &out)?,
        Command::Regress { target, artifact, dir, keep_passing } => regress(&target, &artifact, &dir, keep_passing)?,
    })
}

fn structure_arg(name: &str) -> Result<Structure, ExitCode> {
    Structure::from_name(name).ok_or_else(|| {
        usage(&format!(
            "unknown structure {name:?}; one of: {}",
            Structure::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
        ))
    })
}

fn hex_arg(text: &str) -> Result<Vec<u8>, ExitCode> {
    oxcnotif::hex::parse(text).map_err(|e| usage(&format!("HEX: {}", e.message)))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\nFor more information, try '--help'.");
    ExitCode::from(2)
}

fn read_input(file: Option<&std::path::Path>) -> Result<String, String> {
    match file {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
    }
}

fn read_stdin() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(s)
}

/// Accepts a bare value or decode's whole output `{structure, value, …}`.
fn unwrap_decode_output(doc: &Value, s: Structure) -> Result<&Value, String> {
    if let (Some(st), Some(v)) = (doc.get("structure"), doc.get("value")) {
        if st.as_str() != Some(s.name()) {
            return Err(format!("the input is decode output for {st}, not {:?}", s.name()));
        }
        return Ok(v);
    }
    if doc.get("error").is_some() && doc.get("structure").is_some() {
        return Err("the input is decode output holding an error, not a value".into());
    }
    Ok(doc)
}

fn print_doc(doc: &Value, format: Format) {
    match format {
        Format::Json => say!("{}", serde_json::to_string_pretty(doc).unwrap_or_default()),
        Format::Yaml => say_raw!("{}", serde_yaml::to_string(doc).unwrap_or_default()),
    }
}

struct RunArgs {
    target: Option<String>,
    profile: Option<String>,
    select: Vec<String>,
    exclude: Vec<String>,
    expected_failures: Vec<PathBuf>,
    timeout: f64,
    suite: PathBuf,
    out: Option<PathBuf>,
    no_report: bool,
}

/// Reads an expected-failures file: `{expected_failures: [{id, reason}]}`.
fn load_expected_failures(
    path: &std::path::Path,
    known: &std::collections::BTreeSet<&str>,
    into: &mut std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        #[allow(dead_code)]
        description: Option<String>,
        expected_failures: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        id: String,
        reason: String,
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let f: File = serde_yaml::from_str(&text).map_err(|e| {
        let at = e.location().map(|l| format!(":{}", l.line())).unwrap_or_default();
        format!("{}{at}: {e}", path.display())
    })?;
    for (i, e) in f.expected_failures.into_iter().enumerate() {
        let line = text.lines().position(|l| l.contains(&e.id)).map(|n| format!(":{}", n + 1)).unwrap_or_default();
        if !known.contains(e.id.as_str()) {
            return Err(format!("{}{line}: expected_failures[{i}].id: no case has id {:?}", path.display(), e.id));
        }
        if e.reason.trim().is_empty() {
            return Err(format!("{}{line}: expected_failures[{i}].reason: give the reason", path.display()));
        }
        into.insert(e.id, e.reason);
    }
    Ok(())
}

/// A flag set by the first Ctrl-C (after printing `message`); a second
/// Ctrl-C kills any adapter still running and exits 130 at once.
fn on_ctrl_c(message: &'static str) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = interrupted.clone();
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
            oxcnotif::target::process::kill_live_adapters();
            std::process::exit(130);
        }
        eprintln!("{message}");
    });
    interrupted
}

/// A target's name as a directory name: letters, digits, `-`, `_`, `.`.
fn dir_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' }).collect()
}

fn run(a: RunArgs) -> Result<ExitCode, ExitCode> {
    use oxcnotif::cases::run::{run_suite, RunOptions};
    use oxcnotif::target::{process::AdapterProcess, reference::Reference, Implementation};
    let suite = oxcnotif::cases::load_suite(&a.suite).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let ids: std::collections::BTreeSet<&str> = suite
        .wire
        .iter()
        .map(|c| c.id.as_str())
        .chain(suite.sequences.iter().map(|c| c.id.as_str()))
        .chain(suite.traces.iter().map(|c| c.id.as_str()))
        .chain(suite.regressions.iter().map(|c| c.id.as_str()))
        .collect();
    for g in &a.select {
        if !ids.iter().any(|id| oxcnotif::cases::run::glob_match(g, id)) {
            return Err(usage(&format!("no case id matches {g:?}")));
        }
    }
    if let Some(p) = &a.profile {
        if oxcnotif::model::profile::named(p).is_none() {
            let names: Vec<String> = oxcnotif::model::profile::all().keys().cloned().collect();
            return Err(usage(&format!("--profile {p:?} is not one of {}", names.join(", "))));
        }
    }
    if !(a.timeout > 0.0 && a.timeout.is_finite()) {
        return Err(usage("--timeout is a positive number of seconds"));
    }
    let mut expected = std::collections::BTreeMap::new();
    let mut files = a.expected_failures.clone();
    if let Some(p) = &a.profile {
        let builtin = a.suite.join("..").join("spec").join("profiles").join(format!("{p}.expected-failures.yaml"));
        let builtin = if builtin.exists() {
            builtin
        } else {
            std::path::Path::new("spec/profiles").join(format!("{p}.expected-failures.yaml"))
        };
        if builtin.exists() {
            files.insert(0, builtin);
        }
    }
    for f in &files {
        load_expected_failures(f, &ids, &mut expected).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        })?;
    }
    let interrupted = on_ctrl_c(
        "\ninterrupted: finishing the current case and writing an incomplete report (Ctrl-C again to quit now)",
    );
    let subset = !a.select.is_empty();
    let stderr_log = match &a.out {
        Some(o) => o.join("target-stderr.log"),
        None => std::env::temp_dir().join(format!("oxcnotif-target-{}.log", std::process::id())),
    };
    let mut reference = Reference::new();
    let mut process;
    let imp: &mut dyn Implementation = match &a.target {
        None => &mut reference,
        Some(cmd) => {
            // The adapter's stderr goes beside the report (or to a temporary
            // log when there is no report directory yet).
            let opts = oxcnotif::target::process::Options {
                timeout: std::time::Duration::from_secs_f64(a.timeout),
                stderr_log: Some(stderr_log.clone()),
                interrupted: interrupted.clone(),
                ..Default::default()
            };
            if let Some(parent) = opts.stderr_log.as_ref().and_then(|p| p.parent()) {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Some(p) = &opts.stderr_log {
                let _ = std::fs::write(p, b"");
            }
            process = AdapterProcess::start(cmd, opts).map_err(|e| {
                eprintln!("error: --target: {e}");
                ExitCode::from(2)
            })?;
            &mut process
        }
    };
    let target_name = match &a.target {
        None => "reference".to_string(),
        Some(_) => imp.hello().name.clone(),
    };
    let report_dir = dir_name(&target_name);
    let opts = RunOptions {
        profile: a.profile.clone(),
        select: a.select.clone(),
        exclude: a.exclude.clone(),
        expected_failures: expected,
        interrupted: interrupted.clone(),
    };
    let result = run_suite(&suite, imp, &opts);
    let info = oxcnotif::report::RunInfo {
        target: target_name.clone(),
        command: a.target.clone(),
        profile: a.profile.clone(),
        incomplete: result.incomplete,
        restarts: result.restarts,
    };
    let counts = oxcnotif::report::counts(&result.rows);
    for r in &result.rows {
        if r.outcome.verdict.is_bad() || matches!(r.outcome.verdict, Verdict::NonStrict) {
            say!("{} {} ({}:{})", r.outcome.verdict.name(), r.id, r.file.display(), r.line);
            for p in r.outcome.problem_text().lines().take(12) {
                say!("     {p}");
            }
            say!("     rerun: {}", info.rerun(&r.id));
        }
    }
    let mut by: std::collections::BTreeMap<(&str, &str), std::collections::BTreeMap<Verdict, usize>> =
        Default::default();
    for r in &result.rows {
        *by.entry((r.kind, r.group.as_str())).or_default().entry(r.outcome.verdict).or_insert(0) += 1;
    }
    match &a.target {
        None => say!("target: reference codec, server model and client monitor (built in)"),
        Some(cmd) => say!("target: {target_name} ({cmd})"),
    }
    for ((kind, group), m) in &by {
        let parts: Vec<String> = m.iter().map(|(v, n)| format!("{n} {}", v.name())).collect();
        say!("  {kind:<10} {group:<40} {}", parts.join(", "));
    }
    let parts: Vec<String> = counts.iter().filter(|(_, n)| **n > 0).map(|(v, n)| format!("{n} {}", v.name())).collect();
    say!("{} cases: {}", result.rows.len(), parts.join(", "));
    if result.incomplete {
        say!("INCOMPLETE: the run was interrupted");
    }
    if a.target.is_some() && (a.no_report || (a.out.is_none() && subset)) {
        say!("target stderr: {}", stderr_log.display());
    }
    let out = match (&a.out, a.no_report, subset) {
        (_, true, _) => None,
        (Some(o), false, _) => Some(o.clone()),
        (None, false, false) => Some(PathBuf::from("reports").join(&report_dir)),
        (None, false, true) => None,
    };
    if let Some(out) = out {
        let dir = [a.suite.join("..").join("spec").join("requirements"), PathBuf::from("spec/requirements")]
            .into_iter()
            .find(|d| d.is_dir());
        let table = match dir {
            Some(d) => oxcnotif::report::requirements::load(&d).map_err(|e| {
                eprintln!("error: the requirement tables in {}: {e}", d.display());
                ExitCode::from(2)
            })?,
            None => {
                eprintln!(
                    "warning: no spec/requirements directory beside the suite or here: requirements.md lists no rows"
                );
                Default::default()
            }
        };
        if let Err(e) = oxcnotif::report::write_all(&out, &info, &result, &table) {
            eprintln!("error: cannot write the report to {}: {e}", out.display());
            return Err(ExitCode::from(2));
        }
        if a.target.is_some() && a.out.is_none() {
            // Keep the adapter's log beside the report.
            let _ = std::fs::copy(&stderr_log, out.join("target-stderr.log"));
            let _ = std::fs::remove_file(&stderr_log);
        }
        say!("report: {}", out.display());
    }
    let bad = result.rows.iter().any(|r| r.outcome.verdict.is_bad());
    Ok(ExitCode::from(if bad || result.incomplete { 1 } else { 0 }))
}

fn differential(
    target: &str,
    duration: &str,
    seed: u64,
    max_disagreements: usize,
    timeout: f64,
    suite: &std::path::Path,
    out: Option<PathBuf>,
) -> Result<ExitCode, ExitCode> {
    use oxcnotif::target::Implementation;
    use std::io::IsTerminal;
    let duration = oxcnotif::differential::parse_duration(duration).map_err(|e| usage(&format!("--duration: {e}")))?;
    if !(timeout > 0.0 && timeout.is_finite()) {
        return Err(usage("--timeout is a positive number of seconds"));
    }
    let suite = oxcnotif::cases::load_suite(suite).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let interrupted = on_ctrl_c("\ninterrupted: stopping (Ctrl-C again to quit now)");
    let log = std::env::temp_dir().join(format!("oxcnotif-fuzz-{}.log", std::process::id()));
    let opts = oxcnotif::target::process::Options {
        timeout: std::time::Duration::from_secs_f64(timeout),
        stderr_log: Some(log.clone()),
        interrupted: interrupted.clone(),
        ..Default::default()
    };
    let mut process = oxcnotif::target::process::AdapterProcess::start(target, opts).map_err(|e| {
        eprintln!("error: --target: {e}");
        ExitCode::from(2)
    })?;
    let name = dir_name(&process.hello().name);
    let out = out.unwrap_or_else(|| PathBuf::from("fuzz").join("differential").join(&name));
    let opts = oxcnotif::differential::Options { duration, seed, max_inputs: None, max_disagreements, interrupted };
    // The progress bar, on a terminal only: a line redrawn in place, ended
    // when the session stops.
    let tty = std::io::stderr().is_terminal();
    let mut draw = |p: &oxcnotif::differential::Progress| {
        if !tty {
            return;
        }
        let frac = (p.elapsed.as_secs_f64() / p.total.as_secs_f64().max(1e-9)).min(1.0);
        let width = 30;
        let done = (frac * width as f64) as usize;
        eprint!(
            "\r[{}{}] {:>5.1}s/{:.0}s  {} inputs  {} disagreement{}  ",
            "#".repeat(done),
            " ".repeat(width - done),
            p.elapsed.as_secs_f64(),
            p.total.as_secs_f64(),
            p.inputs,
            p.found,
            if p.found == 1 { "" } else { "s" }
        );
        if p.finished {
            eprintln!();
        }
    };
    eprintln!("fuzzing {} ({target}) against the reference for {:.0?}, seed {seed}", process.hello().name, duration);
    let summary = oxcnotif::differential::run(&mut process, &suite, &opts, &mut draw);
    drop(process);
    let total: u64 = summary.inputs.values().sum();
    let kinds: Vec<String> = summary.inputs.iter().map(|(k, n)| format!("{n} {k}")).collect();
    say!(
        "{total} inputs in {:.1} s ({}); {} skipped as unimplemented; {} disagreement{} ({} more found again)",
        summary.elapsed.as_secs_f64(),
        kinds.join(", "),
        summary.unimplemented,
        summary.disagreements.len(),
        if summary.disagreements.len() == 1 { "" } else { "s" },
        summary.duplicates
    );
    for d in &summary.disagreements {
        let path = out.join(format!("{}.yaml", d.id));
        if let Err(e) = oxcnotif::report::write_atomic(&path, d.case_yaml.as_bytes()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(ExitCode::from(2));
        }
        say!("{} {}: {}", d.kind, path.display(), d.summary);
    }
    if !summary.disagreements.is_empty() {
        say!(
            "rerun the reproducers: oxcnotif run --suite {} --target '{}'",
            out.display(),
            target.replace('\'', r"'\''")
        );
    }
    let _ = std::fs::copy(&log, out.join("target-stderr.log")).ok().filter(|_| !summary.disagreements.is_empty());
    let _ = std::fs::remove_file(&log);
    Ok(ExitCode::from(if summary.disagreements.is_empty() { 0 } else { 1 }))
}

fn check_trace(file: &std::path::Path, format: Format) -> Result<ExitCode, ExitCode> {
    let text = std::fs::read_to_string(file).map_err(|e| usage(&format!("cannot read {}: {e}", file.display())))?;
    let raw: oxcnotif::cases::trace::TraceFile = serde_yaml::from_str(&text).map_err(|e| {
        eprintln!("error: {}: {e}", file.display());
        ExitCode::from(2)
    })?;
    let layout = match raw.layout.as_deref() {
        None => Layout::Spec,
        Some(l) => Layout::from_name(l)
            .ok_or_else(|| usage(&format!("{}: layout {l:?} is not spec or legacy", file.display())))?,
    };
    let steps = oxcnotif::cases::trace::steps(&raw.trace).map_err(|(f, m)| {
        eprintln!("error: {}: {f}: {m}", file.display());
        ExitCode::from(2)
    })?;
    match oxcnotif::model::client::check(&steps, layout, &raw.preexisting_handles) {
        Err(e) => {
            let doc = json!({"file": file.display().to_string(), "error": {"step": e.step, "message": e.message}});
            print_doc(&doc, format);
            Ok(ExitCode::from(1))
        }
        Ok(found) => {
            let findings: Vec<Value> = found
                .iter()
                .map(|f| {
                    let mut v = finding_json(&f.finding);
                    v["step"] = json!(f.step);
                    v
                })
                .collect();
            let doc = json!({"file": file.display().to_string(), "steps": steps.len(), "findings": findings});
            print_doc(&doc, format);
            Ok(ExitCode::from(if found.is_empty() { 0 } else { 1 }))
        }
    }
}

fn export_corpus(cases: &std::path::Path, out: &std::path::Path) -> Result<ExitCode, ExitCode> {
    let suite = oxcnotif::cases::load_suite(cases).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let seeds = oxcnotif::cases::corpus::seeds(&suite);
    let fail = |what: String| {
        eprintln!("error: {what}");
        ExitCode::from(1)
    };
    for t in oxcnotif::fuzzing::TARGETS {
        let dir = out.join(t);
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        for e in std::fs::read_dir(&dir).map_err(|e| fail(format!("cannot list {}: {e}", dir.display())))?.flatten() {
            if e.path().extension().is_some_and(|x| x == "bin") {
                std::fs::remove_file(e.path())
                    .map_err(|er| fail(format!("cannot remove {}: {er}", e.path().display())))?;
            }
        }
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (target, name, bytes) in &seeds {
        let path = out.join(target).join(format!("{name}.bin"));
        oxcnotif::report::write_atomic(&path, bytes)
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        *counts.entry(target).or_default() += 1;
    }
    for t in oxcnotif::fuzzing::TARGETS {
        say!("{t:<24} {:>5} seeds", counts.get(t).copied().unwrap_or(0));
    }
    say!("{} seeds written under {}", seeds.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

fn regress(
    target: &str,
    artifact: &std::path::Path,
    dir: &std::path::Path,
    keep_passing: bool,
) -> Result<ExitCode, ExitCode> {
    if !oxcnotif::fuzzing::TARGETS.contains(&target) {
        return Err(usage(&format!(
            "{target:?} is not a fuzz target; one of {}",
            oxcnotif::fuzzing::TARGETS.join(", ")
        )));
    }
    let bytes = std::fs::read(artifact).map_err(|e| usage(&format!("cannot read {}: {e}", artifact.display())))?;
    let what = match oxcnotif::cases::regression::check(target, &bytes) {
        Err(e) => e,
        Ok(()) if keep_passing => "kept after the fix: this input no longer fails".to_string(),
        Ok(()) => {
            eprintln!(
                "error: {} does not fail {target} now; nothing written (--keep-passing writes it anyway)",
                artifact.display()
            );
            return Ok(ExitCode::from(1));
        }
    };
    let (id, text) = oxcnotif::cases::regression::render(target, &bytes, &what);
    let path = dir.join(format!("{id}.yaml"));
    oxcnotif::report::write_atomic(&path, text.as_bytes()).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        ExitCode::from(1)
    })?;
    say!("{}: {what}", path.display());
    Ok(ExitCode::SUCCESS)
}
