//! The `oxcnotif` command line: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use oxcnotif::cases::run::{error_json, finding_json, run_suite, Verdict};
use oxcnotif::wire::dissect;
use oxcnotif::wire::{Layout, Structure};
use serde_json::{json, Value};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Run the spec cases (wire, sequence, trace, regression) against the built-in reference and write a report
    Run {
        /// Directory of case files
        #[arg(long, default_value = "spec-cases")]
        cases: PathBuf,
        /// Run only the case with this id (repeatable)
        #[arg(long = "case")]
        only: Vec<String>,
        /// Report directory
        #[arg(long, default_value = "reports/reference")]
        out: PathBuf,
        /// Do not write a report
        #[arg(long)]
        no_report: bool,
    },
}

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
                    println!("{}", oxcnotif::hex::encode(&b));
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
            print!("{}", dissect::render(&bytes, &d));
            ExitCode::from(if d.result.is_ok() { 0 } else { 1 })
        }
        Command::Run { cases, only, out, no_report } => run(&cases, &only, &out, no_report),
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
        Format::Json => println!("{}", serde_json::to_string_pretty(doc).unwrap_or_default()),
        Format::Yaml => print!("{}", serde_yaml::to_string(doc).unwrap_or_default()),
    }
}

fn run(dir: &std::path::Path, only: &[String], out: &std::path::Path, no_report: bool) -> ExitCode {
    let suite = match oxcnotif::cases::load_suite(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let ids: std::collections::BTreeSet<&str> = suite
        .wire
        .iter()
        .map(|c| c.id.as_str())
        .chain(suite.sequences.iter().map(|c| c.id.as_str()))
        .chain(suite.traces.iter().map(|c| c.id.as_str()))
        .chain(suite.regressions.iter().map(|c| c.id.as_str()))
        .collect();
    for id in only {
        if !ids.contains(id.as_str()) {
            return usage(&format!("no case has id {id:?}"));
        }
    }
    let results = run_suite(&suite, only);
    for r in &results {
        if r.outcome.verdict == Verdict::Fail {
            println!("FAIL {} ({}:{})", r.id, r.file.display(), r.line);
            for p in &r.outcome.problems {
                println!("     {p}");
            }
            println!("     rerun: oxcnotif run --case {}", r.id);
        }
    }
    let counts = oxcnotif::report::counts(&results);
    let pass = counts.get(&Verdict::Pass).copied().unwrap_or(0);
    let fail = counts.get(&Verdict::Fail).copied().unwrap_or(0);
    let mut by: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    for r in &results {
        let e = by.entry((r.kind, r.group.as_str())).or_default();
        if r.outcome.verdict == Verdict::Pass {
            e.0 += 1
        } else {
            e.1 += 1
        }
    }
    println!("target: reference codec, server model and client monitor (built in)");
    for ((kind, group), (p, f)) in &by {
        println!("  {kind:<9} {group:<36} {p:>4} pass {f:>4} fail");
    }
    println!("{pass} passed, {fail} failed");
    if !no_report && only.is_empty() {
        let md = oxcnotif::report::summary_md("reference", &results);
        let js = oxcnotif::report::results_json("reference", &results);
        for (name, body) in [("summary.md", md), ("results.json", js)] {
            if let Err(e) = oxcnotif::report::write_atomic(&out.join(name), body.as_bytes()) {
                eprintln!("error: cannot write {}: {e}", out.join(name).display());
                return ExitCode::from(2);
            }
        }
        println!("report: {}", out.display());
    }
    ExitCode::from(if fail == 0 { 0 } else { 1 })
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
        println!("{t:<24} {:>5} seeds", counts.get(t).copied().unwrap_or(0));
    }
    println!("{} seeds written under {}", seeds.len(), out.display());
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
    println!("{}: {what}", path.display());
    Ok(ExitCode::SUCCESS)
}
