//! The `oxcnotif` command line: clap types and dispatch. What each command
//! does is in the library ([`oxcnotif::commands`]).

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};
use oxcnotif::commands::{self, codec::Format, fuzz::FuzzArgs, run::RunArgs, Console, Failure};
use oxcnotif::wire::{Layout, Structure};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const AFTER_HELP: &str = "HEX accepts spaces, any case and a leading 0x.

Exit status: 0 success; 1 what was checked did not pass (a failing case, a framing error, a broken
MUST, a disagreement, a regression); 2 a usage or configuration error. Each command's --help, and
README.md's \"Exit status\", say which is which.";

const CODEC_HELP: &str =
    "Exit status: 0 when the bytes frame (findings or not); 1 on a framing error, or a MUST finding
with --strict-findings; 2 for a wrong option or HEX, or an unreadable file.";

const ENCODE_HELP: &str = "Exit status: 0 when the hex is printed; 1 when the input is not JSON or YAML or the value
cannot be encoded; 2 for a wrong option or an unreadable file.";

const TRACE_HELP: &str = "Exit status: 0 when no rule is broken or only SHOULDs are departed from (without --strict);
1 when a MUST is broken (a SHOULD too with --strict) or a buffer does not decode; 2 when the file
cannot be read or is not a trace file.";

const COMPARE_HELP: &str = "Exit status: 0 when no case fails now that did not; 1 when one does; 2 when a file cannot
be read or is not a results.json.";

const SERVE_HELP: &str =
    "Prints `listening on URL` on standard output once it accepts connections; client findings go to
standard error as they happen. Stop with Ctrl-C (or --duration): the client report is then written.

Exit status: 0 when no client broke a MUST (nor a SHOULD, with --strict); 1 when one did; 2 for a
wrong option, an address that cannot be bound, or unreadable TLS or --events files.";

const FUZZ_HELP: &str = "Exit status: 0 when no disagreement is found; 1 when one is (each written as a case); 2 for a
wrong option, a target that does not start or answer hello or offers nothing to fuzz, or a
reproducer that cannot be written.";

const RUN_HELP: &str = "Verdicts: PASS, NON-STRICT (a SHOULD departed from), INFO (behaviour the spec leaves open),
FAIL (a MUST broken), UNIMPLEMENTED, EXCLUDED, XFAIL, XPASS (an expected failure that passes), ERROR
(the target or the harness misbehaved).

Exit status: 0 when no case is FAIL, XPASS or ERROR (nor NON-STRICT with --strict), every
--require role is implemented, some case ran against the target, and none fails that did not in
--compare OLD (and always with --list); 1 otherwise (or when interrupted); 2 for a usage or
configuration error (a case file, an option, an empty suite, a target that does not start or
answer hello).";

/// Conformance and fuzzing harness for MS-OXCNOTIF, the Exchange Core
/// Notifications Protocol (RopRegisterNotification, RopNotify, RopPending,
/// RopRelease inside MS-OXCROPS ROP buffers).
#[derive(Parser)]
#[command(name = "oxcnotif", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A structure by its name, listed from the codec's one table.
#[derive(Clone, Copy)]
struct StructureArg(Structure);

impl ValueEnum for StructureArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::OnceLock<[StructureArg; Structure::ALL.len()]> = std::sync::OnceLock::new();
        ALL.get_or_init(|| Structure::ALL.map(StructureArg))
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(format!("{} ({})", self.0.title(), self.0.section())))
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Yaml,
}

#[derive(Clone, Copy, ValueEnum)]
enum TraceFormatArg {
    /// One line per finding (step, input or output, level, requirement, field, offset, message), then the verdict
    Text,
    /// {file, steps, findings: [{requirement, level, field, offset, message, step}]}, or {file, error: {step, message}}
    Json,
    /// The JSON document as YAML
    Yaml,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// NotificationTypes is 2 bytes; Reserved only with Extended (0x0400): the current spec
    Spec,
    /// NotificationTypes is 1 byte, then an always-present Reserved byte
    Legacy,
}

#[derive(Subcommand)]
enum Command {
    /// Decode bytes: prints {structure, value, findings}, or {structure, error} and exits 1; findings are listed on standard error too
    #[command(after_help = CODEC_HELP)]
    Decode {
        /// The structure to decode
        structure: StructureArg,
        /// The bytes, as hex; `-` reads them from standard input, a file name from that file
        hex: String,
        /// Output format
        #[arg(long, value_enum, default_value = "json")]
        format: FormatArg,
        /// Reading of the RopRegisterNotification request
        #[arg(long, value_enum, default_value = "spec")]
        layout: LayoutArg,
        /// Exit 1 when a finding is a MUST (default: 0 whenever the bytes frame)
        #[arg(long)]
        strict_findings: bool,
    },
    /// Encode a value (JSON or YAML: decode's `value`, or its whole output) and print hex
    #[command(after_help = ENCODE_HELP)]
    Encode {
        /// The structure to encode
        structure: StructureArg,
        /// File holding the value; `-` or nothing reads standard input. A .json file (or input starting with { or [) is read as JSON, anything else as YAML
        file: Option<PathBuf>,
        /// Reading of the RopRegisterNotification request [default: the `layout` of decode's output, else spec]
        #[arg(long, value_enum)]
        layout: Option<LayoutArg>,
    },
    /// Print an annotated listing: offset, bytes, spec field name, value; findings inline
    #[command(after_help = CODEC_HELP)]
    Dissect {
        /// The structure to decode
        structure: StructureArg,
        /// The bytes, as hex; `-` reads them from standard input, a file name from that file
        hex: String,
        /// Reading of the RopRegisterNotification request
        #[arg(long, value_enum, default_value = "spec")]
        layout: LayoutArg,
        /// Exit 1 when a finding is a MUST (default: 0 whenever the bytes frame)
        #[arg(long)]
        strict_findings: bool,
    },
    /// Check a recorded client trace ({layout?, preexisting_handles?, trace: [{input: HEX}, {output: HEX}, ...]}, YAML or JSON) against the client rules; exits 1 when a MUST is broken
    #[command(after_help = TRACE_HELP)]
    CheckTrace {
        /// The trace file; `-` reads it from standard input. A .json file (or input starting with { or [) is read as JSON, anything else as YAML
        file: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: TraceFormatArg,
        /// A SHOULD departed from makes the exit status 1 too
        #[arg(long)]
        strict: bool,
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
    Run(RunArgs),
    /// Compare two runs' results.json (or report directories): regressions, fixes, new and gone cases; exits 1 when a case fails now that did not
    #[command(after_help = COMPARE_HELP)]
    Compare {
        /// The earlier run
        old: PathBuf,
        /// The later run
        new: PathBuf,
    },
    /// Serve the built-in reference over the adapter protocol on standard input and output (docs/adapter.md)
    Adapter,
    /// Serve the reference server over MAPI over HTTP for a client to connect to; on exit, write the client report (docs/serve.md)
    #[command(after_help = SERVE_HELP)]
    Serve(commands::serve::ServeArgs),
    /// Differential fuzzing: run generated inputs through a target and the reference in lockstep; write each disagreement as a minimized YAML case
    #[command(after_help = FUZZ_HELP)]
    Fuzz(FuzzArgs),
}

impl From<LayoutArg> for Layout {
    fn from(l: LayoutArg) -> Layout {
        match l {
            LayoutArg::Spec => Layout::Spec,
            LayoutArg::Legacy => Layout::Legacy,
        }
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Yaml => Format::Yaml,
        }
    }
}

/// A flag set by the first Ctrl-C (after printing `message`); a second
/// Ctrl-C kills any adapter still running, deletes any live-server scratch
/// folder still there, and exits 130.
fn on_ctrl_c(message: &'static str) -> Arc<AtomicBool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            oxcnotif::target::process::kill_live_adapters();
            // A live-server run's scratch folder is deleted even now
            // (docs/live.md, "Interrupting a run").
            for line in oxcnotif::target::scratch::delete_all(std::time::Duration::from_secs(5)) {
                eprintln!("{line}");
            }
            std::process::exit(130);
        }
        eprintln!("{message}");
    });
    interrupted
}

fn dispatch(c: &mut Console, command: Command) -> commands::Outcome {
    use commands::{codec, corpus};
    match command {
        Command::Decode { structure, hex, format, layout, strict_findings } => {
            codec::decode(c, structure.0, &hex, layout.into(), format.into(), strict_findings)
        }
        Command::Encode { structure, file, layout } => {
            codec::encode(c, structure.0, file.as_deref(), layout.map(Into::into))
        }
        Command::Dissect { structure, hex, layout, strict_findings } => {
            codec::dissect(c, structure.0, &hex, layout.into(), strict_findings)
        }
        Command::CheckTrace { file, format, strict } => {
            let format = match format {
                TraceFormatArg::Text => Format::Text,
                TraceFormatArg::Json => Format::Json,
                TraceFormatArg::Yaml => Format::Yaml,
            };
            codec::check_trace(c, &file, format, strict)
        }
        Command::ExportCorpus { cases, out } => corpus::export_corpus(c, &cases, &out),
        Command::Regress { target, artifact, dir, keep_passing } => {
            corpus::regress(c, &target, &artifact, &dir, keep_passing)
        }
        Command::Compare { old, new } => commands::compare::run(c, &old, &new),
        Command::Run(args) => {
            let interrupted = on_ctrl_c(
                "\ninterrupted: finishing the current case and writing an incomplete report (Ctrl-C again to quit now)",
            );
            commands::run::run(c, &args, interrupted)
        }
        Command::Fuzz(mut args) => {
            use std::io::IsTerminal;
            args.progress = std::io::stderr().is_terminal();
            commands::fuzz::fuzz(c, &args, on_ctrl_c("\ninterrupted: stopping (Ctrl-C again to quit now)"))
        }
        Command::Serve(args) => {
            let interrupted =
                on_ctrl_c("\ninterrupted: stopping and writing the client report (Ctrl-C again to quit now)");
            commands::serve::serve(c, &args, interrupted)
        }
        Command::Adapter => {
            let mut r = oxcnotif::target::reference::Reference::new();
            let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
            match oxcnotif::target::serve(&mut r, stdin.lock(), std::io::BufWriter::new(stdout.lock())) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::failed(e.to_string())),
                _ => Ok(0),
            }
        }
    }
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    // The version names the revision of the suite compiled in.
    let version = format!("{} (built-in suite {})", env!("CARGO_PKG_VERSION"), oxcnotif::cases::builtin_revision());
    let version: &'static str = Box::leak(version.into_boxed_str());
    let matches = Cli::command().version(version).get_matches();
    let command = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli.command,
        Err(e) => e.exit(),
    };
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let mut console = Console { out: &mut out, err: &mut err };
    match dispatch(&mut console, command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            console.warn(f.message());
            ExitCode::from(f.code())
        }
    }
}
