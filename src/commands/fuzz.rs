//! `oxcnotif fuzz`: differential fuzzing of an adapter against the
//! reference, each disagreement written as a YAML case.

use super::{dir_name, Console, Failure, Outcome};
use crate::target::process::{self, AdapterProcess};
use crate::target::Implementation;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The options of `oxcnotif fuzz` (its command-line help, too).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct FuzzArgs {
    /// The implementation's adapter command (see docs/adapter.md)
    #[cfg_attr(feature = "cli", arg(long, required_unless_present = "server", conflicts_with = "server"))]
    pub target: Option<String>,
    #[cfg_attr(feature = "cli", command(flatten))]
    #[allow(missing_docs)]
    pub login: super::run::ServerLogin,
    /// How long to run: 60s, 2m, 500ms
    #[cfg_attr(feature = "cli", arg(long, default_value = "60s"))]
    pub duration: String,
    /// Seed of the input generator (the same seed gives the same inputs)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1))]
    pub seed: u64,
    /// Stop after this many disagreements
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 20))]
    pub max_disagreements: usize,
    #[cfg_attr(feature = "cli", command(flatten))]
    #[allow(missing_docs)]
    pub common: super::TargetOptions,
    /// Where reproducers go [default: fuzz/differential/(target name)/]
    #[cfg_attr(feature = "cli", arg(long))]
    pub out: Option<PathBuf>,
    /// With --server: the product the server is (spec, exchange-2007, exchange-2010, exchange-2013-and-later); the reference plays every sequence as that product (default: spec)
    #[cfg_attr(feature = "cli", arg(long, requires = "server"))]
    pub profile: Option<String>,
    /// With --server: the layout the server reads RopRegisterNotification in (spec or legacy); every sequence is written in it (default: spec)
    #[cfg_attr(feature = "cli", arg(long, requires = "server", value_name = "LAYOUT"))]
    pub layout: Option<String>,
    /// Draw a progress line on the console's error stream (set by the caller, not an option)
    #[cfg_attr(feature = "cli", arg(skip))]
    pub progress: bool,
}

/// Runs the differential fuzzer and writes the reproducers. The adapter's
/// standard error goes to a temporary log: copied beside the reproducers
/// when there are any, kept and named when the adapter could not start,
/// removed otherwise.
pub fn fuzz(c: &mut Console, a: &FuzzArgs, interrupted: Arc<AtomicBool>) -> Outcome {
    let log = std::env::temp_dir().join(format!("oxcnotif-fuzz-{}.log", std::process::id()));
    let outcome = fuzz_with_log(c, a, interrupted, &log);
    super::settle_temp_log(c, &log, &outcome);
    outcome
}

fn fuzz_with_log(c: &mut Console, a: &FuzzArgs, interrupted: Arc<AtomicBool>, log: &Path) -> Outcome {
    let duration =
        crate::differential::parse_duration(&a.duration).map_err(|e| Failure::Usage(format!("--duration: {e}")))?;
    let timeout = a.common.check()?;
    let suite = crate::cases::load_suite_or_builtin(&a.common.suite).map_err(|e| Failure::config(e.to_string()))?;
    let _ = std::fs::write(log, b"");
    let opts = process::Options {
        timeout,
        stderr_log: Some(log.to_path_buf()),
        interrupted: interrupted.clone(),
        ..Default::default()
    };
    let mut process;
    let mut wire;
    let (adapter, shown, rerun): (&mut dyn Implementation, String, String) = match (&a.target, &a.login.server) {
        (Some(cmd), _) => {
            process = AdapterProcess::start(cmd, opts).map_err(|e| super::start_failure(&e, log))?;
            (&mut process, cmd.clone(), format!("--target '{}'", cmd.replace('\'', r"'\''")))
        }
        (None, Some(url)) => {
            let user = a.login.user.clone().ok_or_else(|| Failure::Usage("--server needs --user".into()))?;
            let password = super::run::server_password(&a.login.password, &a.login.password_file)?;
            wire = crate::target::wire_server::WireServer::connect_with_timeout(
                url,
                &user,
                &password,
                a.login.insecure,
                timeout,
            )
            .map_err(|e| Failure::config(format!("--server {url}: {e}")))?
            .with_response_rules(crate::cases::mapi_http::response_rule_values)
            .with_mailbox_dn(a.login.mailbox_dn.clone());
            for l in wire.swept() {
                eprintln!("note: {l}");
            }
            let mut rerun =
                format!("--server '{}' --user '{}'", url.replace('\'', r"'\''"), user.replace('\'', r"'\''"));
            for (flag, v) in [("--profile", &a.profile), ("--layout", &a.layout)] {
                if let Some(v) = v {
                    rerun.push_str(&format!(" {flag} {}", super::shell_word(v)));
                }
            }
            (&mut wire, format!("MAPI over HTTP at {url}, as {user}"), rerun)
        }
        (None, None) => return Err(Failure::Usage("give --target CMD or --server URL".into())),
    };
    let roles = crate::differential::Roles::of(adapter.hello());
    if roles.is_empty() {
        return Err(Failure::config(format!(
            "--target: {} lists nothing the fuzzer can send (operations {:?}, structures {:?}); it needs decode or \
             encode with at least one structure, reset and execute, or check_trace",
            adapter.hello().name,
            adapter.hello().operations,
            adapter.hello().structures
        )));
    }
    let name = dir_name(&adapter.hello().name);
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("fuzz").join("differential").join(&name));
    let opts = crate::differential::Options {
        duration,
        seed: a.seed,
        max_inputs: None,
        max_disagreements: a.max_disagreements,
        interrupted,
        product: match &a.login.server {
            None => None,
            Some(_) => Some(server_product(a)?),
        },
    };
    c.warn(format!(
        "fuzzing {} ({}) against the reference for {:.0?}, seed {}; sending {}",
        adapter.hello().name,
        shown,
        duration,
        a.seed,
        roles.describe()
    ));
    let progress = a.progress;
    let mut draw = |p: &crate::differential::Progress| {
        if progress {
            draw_progress(&mut *c.err, p);
        }
    };
    let summary = crate::differential::run(adapter, &suite, &opts, &mut draw);
    let total: u64 = summary.inputs.values().sum();
    let kinds: Vec<String> = summary.inputs.iter().map(|(k, n)| format!("{n} {k}")).collect();
    c.say(format!(
        "{} in {:.1} s, {:.0} per second ({}); {} skipped as unimplemented; {} ({} more found again)",
        super::plural(total as usize, "input"),
        summary.elapsed.as_secs_f64(),
        total as f64 / summary.elapsed.as_secs_f64().max(1e-9),
        kinds.join(", "),
        summary.unimplemented,
        super::plural(summary.disagreements.len(), "disagreement"),
        summary.duplicates
    ));
    for d in &summary.disagreements {
        let path = out.join(format!("{}.yaml", d.id));
        crate::report::write_atomic(&path, d.case_yaml.as_bytes())
            .map_err(|e| Failure::config(format!("cannot write {}: {e}", path.display())))?;
        c.say(format!("{} {} ({}): {}", d.kind, path.display(), d.requirement, d.summary));
    }
    if !summary.disagreements.is_empty() {
        c.say(format!("rerun the reproducers: oxcnotif run --suite {} {rerun}", out.display(),));
    }
    keep_log(log, &out, !summary.disagreements.is_empty());
    Ok(if summary.disagreements.is_empty() { 0 } else { 1 })
}

/// The progress bar: a line redrawn in place, ended when the run stops.
fn draw_progress(err: &mut dyn std::io::Write, p: &crate::differential::Progress) {
    let frac = (p.elapsed.as_secs_f64() / p.total.as_secs_f64().max(1e-9)).min(1.0);
    let width = 30;
    let done = (frac * width as f64) as usize;
    let _ = write!(
        err,
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
        let _ = writeln!(err);
    }
}

/// Keeps the adapter's standard error beside the reproducers when there
/// are any; removes the temporary log.
fn keep_log(log: &Path, out: &Path, keep: bool) {
    if keep {
        let _ = std::fs::copy(log, out.join("target-stderr.log"));
    }
    let _ = std::fs::remove_file(log);
}

/// What a live server is (`--profile`, `--layout`; spec and spec by default):
/// one product that reads one layout, so every server sequence is played as
/// that (a sequence of another product would differ by the product's
/// switches, not by a bug).
fn server_product(a: &FuzzArgs) -> Result<(String, crate::wire::Layout), Failure> {
    let profile = a.profile.clone().unwrap_or_else(|| "spec".into());
    if !crate::model::profile::all().contains_key(&profile) {
        let known: Vec<String> = crate::model::profile::all().into_keys().collect();
        return Err(Failure::Usage(format!("--profile {profile:?}: not one of {}", known.join(", "))));
    }
    let name = a.layout.clone().unwrap_or_else(|| "spec".into());
    let layout = crate::wire::Layout::from_name(&name)
        .ok_or_else(|| Failure::Usage(format!("--layout {name:?}: not spec or legacy")))?;
    Ok((profile, layout))
}
