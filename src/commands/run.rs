//! `oxcnotif run`: the cases against the built-in reference or an
//! adapter, the console summary, and the report.

use super::{dir_name, Console, Failure, Outcome};
use crate::cases::run::{run_suite, MapiHttpMode, RunOptions, Verdict};
use crate::target::process::{self, AdapterProcess};
use crate::target::{reference::Reference, Implementation};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The options of `oxcnotif run` (its command-line help, too).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct RunArgs {
    /// The implementation's adapter command (see docs/adapter.md); the built-in reference when absent
    #[cfg_attr(feature = "cli", arg(long, conflicts_with = "server"))]
    pub target: Option<String>,
    #[cfg_attr(feature = "cli", command(flatten))]
    #[allow(missing_docs)]
    pub login: ServerLogin,
    /// Leave what each case created on --server (its scratch folder under the Inbox, named `oxcnotif scratch ...`, and the folders and messages of the mapi-http cases), for debugging; the run lists what it kept
    #[cfg_attr(feature = "cli", arg(long, requires = "server"))]
    pub keep: bool,
    /// A second mailbox the --user may open (full access), behind LogonId 1: the cases with a second logon log on to it, and their events of LogonId 1 happen there (its own scratch folder under its Inbox); without it those events are EXCLUDED
    #[cfg_attr(feature = "cli", arg(long, requires = "server", value_name = "MAILBOX"))]
    pub other_mailbox: Option<String>,
    /// How long --server holds a NotificationWait with no event (the spec's 5 minutes, MS-OXCMAPIHTTP_R1215, unless the server is set otherwise): held requests are awaited that long
    #[cfg_attr(feature = "cli", arg(long, requires = "server", default_value = "5m"))]
    pub wait_limit: String,
    /// Product profile: run the spec-profile sequence cases as this product and apply its expected failures (spec, exchange-2007, exchange-2010, exchange-2013-and-later)
    #[cfg_attr(feature = "cli", arg(long))]
    pub profile: Option<String>,
    /// The layout the target reads RopRegisterNotification in: spec (2-byte NotificationTypes), or legacy (1 byte, then Reserved, as gromox and Microsoft's test client send it); a sequence case written for the other runs only if its requests read the same in both (default: each case's own; spec for --server)
    #[cfg_attr(feature = "cli", arg(long, value_name = "LAYOUT"))]
    pub layout: Option<String>,
    /// Run only the cases whose id matches (`*` and `?` wildcards; repeatable)
    #[cfg_attr(feature = "cli", arg(long = "cases", alias = "case", value_name = "GLOB"))]
    pub select: Vec<String>,
    /// Leave out the cases whose id matches (verdict EXCLUDED; repeatable)
    #[cfg_attr(feature = "cli", arg(long, value_name = "GLOB"))]
    pub exclude: Vec<String>,
    /// YAML file of expected failures: {expected_failures: [{id, reason}]}
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub expected_failures: Vec<PathBuf>,
    #[cfg_attr(feature = "cli", command(flatten))]
    #[allow(missing_docs)]
    pub common: super::TargetOptions,
    /// Report directory [default: reports/(target name)/; no report when --cases is given]
    #[cfg_attr(feature = "cli", arg(long))]
    pub out: Option<PathBuf>,
    /// Do not write a report
    #[cfg_attr(feature = "cli", arg(long))]
    pub no_report: bool,
    /// NON-STRICT (a SHOULD departed from) fails the run too
    #[cfg_attr(feature = "cli", arg(long))]
    pub strict: bool,
    /// Compare with an earlier run (its results.json or report directory): list regressions, fixes and new cases; a case that fails now and did not makes the run exit 1
    #[cfg_attr(feature = "cli", arg(long, value_name = "OLD"))]
    pub compare: Option<PathBuf>,
    /// Fail the run unless the target implements these roles: decode, encode, server, monitor (comma-separated)
    #[cfg_attr(feature = "cli", arg(long, value_name = "ROLES", value_delimiter = ','))]
    pub require: Vec<String>,
    /// Print the cases the run would run (id, kind, requirement IDs), with the same selection options, and stop: nothing runs, no target is started, no report is written
    #[cfg_attr(feature = "cli", arg(long, conflicts_with_all = ["out", "compare"]))]
    pub list: bool,
    /// Print only the cases that fail the run (with their problems and a rerun command) and the totals
    #[cfg_attr(feature = "cli", arg(long, short = 'q', conflicts_with = "verbose"))]
    pub quiet: bool,
    /// Print a line for every case, PASS included, in run order
    #[cfg_attr(feature = "cli", arg(long, short = 'v'))]
    pub verbose: bool,
}

/// `--server URL --user U` and the password options, shared by `oxcnotif
/// run` and `oxcnotif fuzz`.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ServerLogin {
    /// A MAPI over HTTP mailbox endpoint to test over the wire, as Autodiscover gives it (https://HOST/mapi/emsmdb/?MailboxId=...), query string kept
    #[cfg_attr(feature = "cli", arg(long, value_name = "URL"))]
    pub server: Option<String>,
    /// The user of --server (HTTP Basic)
    #[cfg_attr(feature = "cli", arg(long, requires = "server"))]
    pub user: Option<String>,
    /// The password of --user; or --password-file, or the environment variable OXCNOTIF_PASSWORD. Never echoed
    #[cfg_attr(feature = "cli", arg(long, requires = "server", conflicts_with = "password_file"))]
    pub password: Option<String>,
    /// A file whose first line is the password of --user
    #[cfg_attr(feature = "cli", arg(long, requires = "server"))]
    pub password_file: Option<PathBuf>,
    /// Accept any TLS certificate from --server (a test server's self-signed one)
    #[cfg_attr(feature = "cli", arg(long, requires = "server"))]
    pub insecure: bool,
    /// The distinguished name of --user's mailbox (on Exchange, the user's legacyExchangeDN), sent as Connect's UserDn and RopLogon's Essdn; default /o=oxcnotif/cn=Recipients/cn=USER, the form of oxcnotif serve
    #[cfg_attr(feature = "cli", arg(long, requires = "server", value_name = "DN"))]
    pub mailbox_dn: Option<String>,
}

/// The operations each role of `--require` needs.
const ROLES: [(&str, &[&str]); 4] = [
    ("decode", &["decode"]),
    ("encode", &["encode"]),
    ("server", &["reset", "execute", "event"]),
    ("monitor", &["check_trace"]),
];

/// Creates `dir` if needed and checks that a file can be written in it.
fn probe_writable(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(format!(".oxcnotif-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}

/// Runs the suite and writes the report. `interrupted` is set by the
/// caller's Ctrl-C handler: the current case finishes and the report says
/// the run is incomplete.
///
/// An adapter's standard error goes to `target-stderr.log` in the report
/// directory, or to a temporary log while there is none: that one is moved
/// beside the report, removed after a run that passed, and kept (and
/// named) after one that did not.
pub fn run(c: &mut Console, a: &RunArgs, interrupted: Arc<AtomicBool>) -> Outcome {
    let temp_log = std::env::temp_dir().join(format!("oxcnotif-target-{}.log", std::process::id()));
    let outcome = run_with_log(c, a, interrupted, &temp_log);
    if a.target.is_some() && a.out.is_none() && !a.list {
        super::settle_temp_log(c, &temp_log, &outcome);
    }
    outcome
}

fn run_with_log(c: &mut Console, a: &RunArgs, interrupted: Arc<AtomicBool>, temp_log: &std::path::Path) -> Outcome {
    let suite = crate::cases::load_suite_or_builtin(&a.common.suite).map_err(|e| Failure::config(e.to_string()))?;
    let ids: BTreeSet<&str> = suite
        .wire
        .iter()
        .map(|c| c.id.as_str())
        .chain(suite.sequences.iter().map(|c| c.id.as_str()))
        .chain(suite.traces.iter().map(|c| c.id.as_str()))
        .chain(suite.regressions.iter().map(|c| c.id.as_str()))
        .chain(suite.mapi_http.iter().map(|c| c.id.as_str()))
        .collect();
    if ids.is_empty() {
        return Err(Failure::config(format!(
            "{} holds no cases (spec-cases/README.md says how to write them)",
            a.common.suite.display()
        )));
    }
    for (opt, globs) in [("--cases", &a.select), ("--exclude", &a.exclude)] {
        for g in globs {
            if !ids.iter().any(|id| crate::cases::run::glob_match(g, id)) {
                return Err(Failure::Usage(format!("{opt}: no case id matches {g:?}")));
            }
        }
    }
    if a.no_report && a.out.is_some() {
        return Err(Failure::Usage("--no-report and --out say opposite things; give one".into()));
    }
    if let Some(o) = &a.out {
        // Found now, not after the whole run.
        probe_writable(o).map_err(|e| Failure::config(format!("--out {}: cannot write there: {e}", o.display())))?;
    }
    let layout = match a.layout.as_deref() {
        None => None,
        Some(l) => Some(
            crate::wire::Layout::from_name(l)
                .ok_or_else(|| Failure::Usage(format!("--layout {l:?} is not spec or legacy")))?,
        ),
    };
    if let Some(p) = &a.profile {
        if crate::model::profile::named(p).is_none() {
            let names: Vec<String> = crate::model::profile::all().keys().cloned().collect();
            return Err(Failure::Usage(format!("--profile {p:?} is not one of {}", names.join(", "))));
        }
    }
    let timeout = a.common.check()?;
    for r in &a.require {
        if !ROLES.iter().any(|(n, _)| n == r) {
            let names: Vec<&str> = ROLES.iter().map(|(n, _)| *n).collect();
            return Err(Failure::Usage(format!("--require {r:?} is not one of {}", names.join(", "))));
        }
    }
    if a.list {
        return list(c, &suite, a);
    }
    let mut expected = BTreeMap::new();
    // A product's documented departures are accepted by the run itself
    // (INFO); only the user's own lists make expected failures.
    for f in &a.expected_failures {
        crate::cases::expected::load(f, &ids, &mut expected).map_err(Failure::config)?;
    }
    let subset = !a.select.is_empty();
    let stderr_log = match &a.out {
        Some(o) => o.join("target-stderr.log"),
        None => temp_log.to_path_buf(),
    };
    let server = match &a.login.server {
        Some(url) => Some(Arc::new(server_target(a, url)?)),
        None => None,
    };
    let mut reference = Reference::new();
    let mut adapter;
    let mut wire: Option<crate::target::wire_server::WireServer> = None;
    let imp: &mut dyn Implementation = match &a.target {
        None if server.is_some() => {
            let s = server.as_ref().expect("a server target");
            // The sequence cases over the wire: setup in a scratch folder,
            // events by a second Session Context's ROPs (docs/wire-server.md).
            let mut w = crate::target::wire_server::WireServer::connect_with_timeout(
                &s.url,
                &s.user,
                &s.password,
                s.insecure,
                timeout,
            )
            .map_err(|e| Failure::config(format!("--server {}: {e}", s.url)))?
            .with_response_rules(crate::cases::mapi_http::response_rule_values)
            .with_mailbox_dn(a.login.mailbox_dn.clone())
            .with_other_mailbox(a.other_mailbox.clone());
            w.keep(a.keep);
            for l in w.swept() {
                eprintln!("note: {l}");
            }
            wire.insert(w)
        }
        None => &mut reference,
        Some(cmd) => {
            // The adapter's stderr goes beside the report (or to a temporary
            // log when there is no report directory yet).
            let opts = process::Options {
                timeout,
                stderr_log: Some(stderr_log.clone()),
                interrupted: interrupted.clone(),
                ..Default::default()
            };
            if let Some(parent) = stderr_log.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&stderr_log, b"");
            adapter = AdapterProcess::start(cmd, opts).map_err(|e| super::start_failure(&e, &stderr_log))?;
            &mut adapter
        }
    };
    let target_name = match (&a.target, &server) {
        (None, None) => "reference".to_string(),
        _ => imp.hello().name.clone(),
    };
    if a.target.is_some() && imp.hello().operations.iter().all(|o| o == "hello") {
        return Err(Failure::config(format!(
            "--target: {target_name}'s hello lists no operation besides hello, so no case can run (docs/adapter.md: operations)"
        )));
    }
    let missing: Vec<String> = ROLES
        .iter()
        .filter(|(n, _)| a.require.iter().any(|r| r == n))
        .filter_map(|(n, ops)| {
            let lacking: Vec<&str> = ops.iter().copied().filter(|op| !imp.hello().supports(op)).collect();
            (!lacking.is_empty()).then(|| format!("{n} (hello does not list {})", lacking.join(", ")))
        })
        .collect();
    let mut rerun_options = Vec::new();
    let default_suite = a.common.suite == std::path::Path::new("spec-cases");
    if !default_suite {
        rerun_options.push(format!("--suite {}", super::shell_word(&a.common.suite.display().to_string())));
    }
    for f in &a.expected_failures {
        rerun_options.push(format!("--expected-failures {}", super::shell_word(&f.display().to_string())));
    }
    if a.login.server.is_some() {
        // The password is never echoed: a rerun reads it from the same
        // --password-file, or from OXCNOTIF_PASSWORD.
        if let Some(f) = &a.login.password_file {
            rerun_options.push(format!("--password-file {}", super::shell_word(&f.display().to_string())));
        }
        if a.login.insecure {
            rerun_options.push("--insecure".into());
        }
        if a.wait_limit.trim() != "5m" {
            rerun_options.push(format!("--wait-limit {}", super::shell_word(a.wait_limit.trim())));
        }
        if let Some(m) = &a.other_mailbox {
            rerun_options.push(format!("--other-mailbox {}", super::shell_word(m)));
        }
        if let Some(dn) = &a.login.mailbox_dn {
            rerun_options.push(format!("--mailbox-dn {}", super::shell_word(dn)));
        }
    }
    if let Some(l) = &a.layout {
        rerun_options.push(format!("--layout {}", super::shell_word(l)));
    }
    if a.common.timeout.trim() != "5" {
        rerun_options.push(format!("--timeout {}", super::shell_word(a.common.timeout.trim())));
    }
    let opts = RunOptions {
        profile: a.profile.clone(),
        select: a.select.clone(),
        exclude: a.exclude.clone(),
        expected_failures: expected,
        interrupted,
        mapi_http: match (&server, &a.target) {
            (Some(s), _) => MapiHttpMode::Server(s.clone()),
            (None, None) => MapiHttpMode::Builtin,
            (None, Some(_)) => MapiHttpMode::default(),
        },
        server_only: server.is_some(),
        layout,
    };
    let result = run_suite(&suite, imp, &opts);
    if let Some(w) = wire.as_mut() {
        // The last case's scratch folder, now rather than at drop, so that
        // what could not be deleted is said.
        let _ = w.cleanup();
        for k in w.kept() {
            c.warn(format!("kept (--keep): {k}"));
        }
        for l in w.leftovers() {
            c.warn(format!("warning: left on the server: {l}"));
        }
    }
    let info = crate::report::RunInfo {
        target: target_name.clone(),
        command: a.target.clone(),
        server: server.as_ref().map(|s| (s.url.clone(), s.user.clone())),
        profile: a.profile.clone(),
        layout: a.layout.clone(),
        incomplete: result.incomplete,
        restarts: result.restarts,
        rerun_options,
    };
    use crate::report::console::{summary_at, Detail};
    let detail = match (a.quiet, a.verbose) {
        (true, _) => Detail::Quiet,
        (_, true) => Detail::Verbose,
        _ => Detail::Normal,
    };
    c.say_raw(summary_at(&info, &result, detail, a.strict));
    // Without --out, only a run of the whole default suite writes the
    // report, to reports/<safe name>/: a subset or another suite would
    // silently replace the full report there.
    let out = match (&a.out, a.no_report, subset || !default_suite) {
        (_, true, _) => None,
        (Some(o), false, _) => Some(o.clone()),
        (None, false, false) => Some(PathBuf::from("reports").join(match &a.target {
            None => target_name.clone(),
            Some(_) => dir_name(&target_name),
        })),
        (None, false, true) => {
            if detail != Detail::Quiet {
                c.say(
                    "no report written: the run is of part of the suite or of another suite (give --out DIR to write one)",
                );
            }
            None
        }
    };
    if let Some(out) = out {
        let dir = [a.common.suite.join("..").join("spec").join("requirements"), PathBuf::from("spec/requirements")]
            .into_iter()
            .find(|d| d.is_dir());
        let table = match dir {
            Some(d) => crate::report::requirements::load(&d)
                .map_err(|e| Failure::config(format!("the requirement tables in {}: {e}", d.display())))?,
            // An installed binary run anywhere: the tables it was built with.
            None => {
                builtin_requirements().map_err(|e| Failure::config(format!("the built-in requirement tables: {e}")))?
            }
        };
        crate::report::write_all(&out, &info, &result, &table)
            .map_err(|e| Failure::config(format!("cannot write the report to {}: {e}", out.display())))?;
        if a.target.is_none() {
            // No adapter ran: a log left from an earlier run would mislead.
            let _ = std::fs::remove_file(out.join("target-stderr.log"));
        }
        if a.target.is_some() && a.out.is_none() {
            // Keep the adapter's log beside the report.
            let _ = std::fs::copy(&stderr_log, out.join("target-stderr.log"));
            let _ = std::fs::remove_file(&stderr_log);
        }
        if detail != Detail::Quiet {
            c.say(format!("report: {}", out.display()));
        }
    }
    let mut regressed = false;
    if let Some(old) = &a.compare {
        let now: serde_json::Value =
            serde_json::from_str(&crate::report::results_json(&info, &result)).unwrap_or_default();
        let cmp = super::compare::compare(&super::compare::read_results(old)?, &now).map_err(Failure::config)?;
        c.say_raw(super::compare::render(&cmp, &old.display().to_string()));
        regressed = cmp.newly_bad();
    }
    let bad = regressed
        || result
            .rows
            .iter()
            .any(|r| r.outcome.verdict.is_bad() || (a.strict && r.outcome.verdict == Verdict::NonStrict));
    if !missing.is_empty() {
        c.warn(format!("error: --require: {target_name} does not implement {}", missing.join("; ")));
        return Ok(1);
    }
    // The harness's own regression cases run in process whatever the
    // target: they do not show that the target ran anything.
    let ran = result
        .rows
        .iter()
        .filter(|r| a.target.is_none() || !crate::report::console::is_harness_row(r))
        .any(|r| !matches!(r.outcome.verdict, Verdict::Unimplemented | Verdict::Excluded));
    if !ran && !result.rows.is_empty() && !result.incomplete {
        c.warn("error: no case could run against this target: every case is UNIMPLEMENTED or EXCLUDED");
        return Ok(1);
    }
    Ok(if bad || result.incomplete { 1 } else { 0 })
}

/// `run --list`: the cases the run would run, one line each (id, kind,
/// requirement IDs), and their number on standard error. The options were
/// checked by the caller.
fn list(c: &mut Console, suite: &crate::cases::Suite, a: &RunArgs) -> Outcome {
    let opts = RunOptions {
        profile: a.profile.clone(),
        select: a.select.clone(),
        exclude: a.exclude.clone(),
        server_only: a.login.server.is_some(),
        layout: a.layout.as_deref().and_then(crate::wire::Layout::from_name),
        ..Default::default()
    };
    let planned = crate::cases::run::plan(suite, &opts);
    let width = planned.iter().map(|p| p.case.id().len()).max().unwrap_or(0);
    for p in &planned {
        let reqs = p.case.requirements();
        let reqs = if reqs.is_empty() { "-".to_string() } else { reqs.join(",") };
        c.say(format!("{:<width$}  {:<10}  {reqs}", p.case.id(), p.kind));
    }
    c.warn(format!("{} would run", super::plural(planned.len(), "case")));
    Ok(0)
}

/// The requirement tables compiled into this build (`spec/requirements/`
/// as it was then: every `*.xml` table and `status.yaml`), for a report
/// written where there is no `spec/requirements` directory.
fn builtin_requirements() -> std::io::Result<crate::report::requirements::Table> {
    use crate::report::requirements::{parse_status, parse_xml, Table, STATUS_FILE};
    static DIR: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/spec/requirements");
    let mut xml: Vec<&include_dir::File> =
        DIR.files().filter(|f| f.path().extension().is_some_and(|x| x == "xml")).collect();
    xml.sort_by_key(|f| f.path());
    let mut rows = Vec::new();
    for f in xml {
        let name = f.path().file_name().and_then(|n| n.to_str()).unwrap_or("");
        let text = f.contents_utf8().unwrap_or("");
        rows.extend(parse_xml(
            &format!("spec/requirements/{name}"),
            crate::cases::requirements::table_name(name),
            text,
        )?);
    }
    let annotations = match DIR.get_file(STATUS_FILE).and_then(|f| f.contents_utf8()) {
        Some(text) => parse_status(&format!("spec/requirements/{STATUS_FILE}"), text, &rows)?,
        None => Default::default(),
    };
    Ok(Table::new(rows, annotations))
}

/// The password of `--server`: `--password`, else the first line of
/// `--password-file`, else the environment variable OXCNOTIF_PASSWORD.
pub(super) fn server_password(password: &Option<String>, file: &Option<PathBuf>) -> Result<String, Failure> {
    Ok(match (password, file) {
        (Some(p), _) => p.clone(),
        (None, Some(f)) => {
            let text = std::fs::read_to_string(f)
                .map_err(|e| Failure::config(format!("--password-file {}: {e}", f.display())))?;
            text.lines().next().unwrap_or("").to_string()
        }
        (None, None) => std::env::var("OXCNOTIF_PASSWORD").map_err(|_| {
            Failure::Usage("--server needs a password: --password, --password-file or OXCNOTIF_PASSWORD".into())
        })?,
    })
}

/// The `--server` target: URL, user and password (from `--password`,
/// `--password-file` or `OXCNOTIF_PASSWORD`, in that order), checked
/// before anything runs.
fn server_target(a: &RunArgs, url: &str) -> Result<crate::cases::mapi_http::Target, Failure> {
    crate::target::mapi_http::Endpoint::new(url, "", "", a.login.insecure)
        .map_err(|e| Failure::Usage(format!("--server: {e}")))?;
    let user = a.login.user.clone().ok_or_else(|| Failure::Usage("--server needs --user".into()))?;
    let password = server_password(&a.login.password, &a.login.password_file)?;
    let wait_limit = humantime::parse_duration(&a.wait_limit)
        .map_err(|e| Failure::Usage(format!("--wait-limit {:?}: {e}", a.wait_limit)))?;
    Ok(crate::cases::mapi_http::Target {
        url: url.to_string(),
        user,
        password,
        insecure: a.login.insecure,
        wait_limit: Some(wait_limit),
        reference: None,
        keep: a.keep,
        mailbox_dn: a.login.mailbox_dn.clone(),
    })
}
