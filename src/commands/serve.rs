//! `oxcnotif serve`: the reference server over MAPI over HTTP, with the
//! client report written when it stops ([`crate::serve`]).

use super::{Console, Failure, Outcome};
use crate::serve::endpoint::{Config, Endpoint, User};
use crate::serve::events::Scheduled;
use crate::serve::http::{self, Shared};
use crate::serve::report::ClientReport;
use crate::wire::Layout;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The options of `oxcnotif serve` (its command-line help, too).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free one
    #[cfg_attr(feature = "cli", arg(long, default_value = "127.0.0.1:0"))]
    pub listen: String,
    /// A user name the server accepts (Basic authentication); repeat for several users, each with its --password
    #[cfg_attr(feature = "cli", arg(long = "user", required = true))]
    pub users: Vec<String>,
    /// The password of the --user at the same position
    #[cfg_attr(feature = "cli", arg(long = "password"))]
    pub passwords: Vec<String>,
    /// A file holding the passwords, one line per --user, in order (instead of --password)
    #[cfg_attr(feature = "cli", arg(long))]
    pub password_file: Option<PathBuf>,
    /// TLS certificate chain (PEM); with --tls-key, serve https
    #[cfg_attr(feature = "cli", arg(long, requires = "tls_key"))]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[cfg_attr(feature = "cli", arg(long, requires = "tls_cert"))]
    pub tls_key: Option<PathBuf>,
    /// Product profile of the reference server (spec, exchange-2010, ...; see spec/profiles/)
    #[cfg_attr(feature = "cli", arg(long, default_value = "spec"))]
    pub profile: String,
    /// Request layout: spec, or legacy (1-byte NotificationTypes)
    #[cfg_attr(feature = "cli", arg(long, default_value = "spec"))]
    pub layout: String,
    /// X-PendingPeriod: time between PENDING keep-alives (MS-OXCMAPIHTTP_R158)
    #[cfg_attr(feature = "cli", arg(long, default_value = "30s"))]
    pub pending_period: String,
    /// How long a NotificationWait is held without an event (MS-OXCMAPIHTTP_R1215)
    #[cfg_attr(feature = "cli", arg(long, default_value = "5m"))]
    pub wait_limit: String,
    /// X-ExpirationInfo: idle time after which a Session Context is destroyed (R1285)
    #[cfg_attr(feature = "cli", arg(long, default_value = "15m"))]
    pub expiration: String,
    /// After a message is created, deleted, moved or copied, also report ObjectModified of each folder
    /// whose message count changed, with its TotalMessageCount, as Exchange does (docs/serve.md)
    #[cfg_attr(feature = "cli", arg(long))]
    pub folder_counts: bool,
    /// A YAML or JSON list of events to cause, each after its After (docs/serve.md)
    #[cfg_attr(feature = "cli", arg(long))]
    pub events: Option<PathBuf>,
    /// Where the client report goes when serve stops
    #[cfg_attr(feature = "cli", arg(long, default_value = "reports/serve"))]
    pub report: PathBuf,
    /// Stop after this long (60s, 2m), as Ctrl-C would
    #[cfg_attr(feature = "cli", arg(long))]
    pub duration: Option<String>,
    /// Exit 1 when a client departed from a SHOULD too
    #[cfg_attr(feature = "cli", arg(long))]
    pub strict: bool,
}

fn duration(name: &str, v: &str) -> Result<Duration, Failure> {
    humantime::parse_duration(v).map_err(|e| Failure::Usage(format!("--{name} {v:?}: {e}")))
}

fn config(a: &ServeArgs) -> Result<Config, Failure> {
    let passwords = match &a.password_file {
        Some(p) => {
            if !a.passwords.is_empty() {
                return Err(Failure::Usage("give --password or --password-file, not both".into()));
            }
            let text = std::fs::read_to_string(p).map_err(|e| Failure::config(format!("{}: {e}", p.display())))?;
            text.lines().map(str::to_string).collect::<Vec<_>>()
        }
        None => a.passwords.clone(),
    };
    if passwords.len() != a.users.len() {
        return Err(Failure::Usage(format!(
            "{} --user but {} password(s): give one password per user, in the same order",
            a.users.len(),
            passwords.len()
        )));
    }
    let users = a.users.iter().zip(passwords).map(|(n, p)| User { name: n.clone(), password: p }).collect();
    let profile = crate::model::profile::named(&a.profile).ok_or_else(|| {
        let names: Vec<String> = crate::model::profile::all().into_keys().collect();
        Failure::Usage(format!("--profile {:?} is not one of: {}", a.profile, names.join(", ")))
    })?;
    let layout = Layout::from_name(&a.layout)
        .ok_or_else(|| Failure::Usage(format!("--layout {:?} is not spec or legacy", a.layout)))?;
    let ms = |name: &str, v: &str| duration(name, v).map(|d| d.as_millis() as u64);
    Ok(Config {
        users,
        profile,
        layout,
        pending_period_ms: ms("pending-period", &a.pending_period)?.max(1),
        wait_limit_ms: ms("wait-limit", &a.wait_limit)?,
        expiration_ms: ms("expiration", &a.expiration)?,
        folder_counts: a.folder_counts,
        ..Config::default()
    })
}

/// Serves until Ctrl-C (`interrupted`) or `--duration`, then writes the
/// client report. Exits 1 when a client broke a MUST (a SHOULD too with
/// `--strict`), 0 otherwise; 2 for a wrong option, an address that cannot
/// be bound, or unreadable TLS files.
pub fn serve(c: &mut Console, a: &ServeArgs, interrupted: Arc<AtomicBool>) -> Outcome {
    let config = config(a)?;
    let first_user = config.users[0].name.clone();
    let stop_after = a.duration.as_deref().map(|d| duration("duration", d)).transpose()?;
    let schedule: Vec<Scheduled> = match &a.events {
        None => Vec::new(),
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| Failure::config(format!("{}: {e}", p.display())))?;
            crate::serve::events::parse_schedule(&bytes)
                .map_err(|e| Failure::config(format!("{}: {e}", p.display())))?
        }
    };
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(http::tls_acceptor(cert, key).map_err(Failure::config)?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::config(format!("cannot start the runtime: {e}")))?;
    let shared = Shared::new(Endpoint::new(config), Box::new(|line| eprintln!("client rule: {line}")));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(&a.listen))
        .map_err(|e| Failure::config(format!("--listen {}: {e}", a.listen)))?;
    let addr = listener.local_addr().map_err(|e| Failure::config(e.to_string()))?;
    c.say(format!("listening on {}", http::url(addr, tls.is_some(), &first_user)));
    let _ = std::io::Write::flush(c.out);
    let s = shared.clone();
    let report_dir = a.report.clone();
    runtime.block_on(async move {
        for item in schedule {
            let s = s.clone();
            let user = item.user.clone().unwrap_or_else(|| first_user.clone());
            tokio::spawn(async move {
                tokio::time::sleep(item.after).await;
                let woken = s.endpoint.lock().map(|mut e| e.raise(&user, &item.event)).unwrap_or(Ok(Vec::new()));
                match woken {
                    Ok(w) => s.wake(&w),
                    Err(m) => eprintln!("--events: {m}"),
                }
            });
        }
        let stop = async move {
            let started = tokio::time::Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if interrupted.load(Ordering::SeqCst) || stop_after.is_some_and(|d| started.elapsed() >= d) {
                    break;
                }
            }
        };
        http::serve(s, listener, tls, stop).await;
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
    let report = {
        let e = shared.endpoint.lock().unwrap_or_else(|p| p.into_inner());
        ClientReport::build(&e, true)
    };
    report.write(&report_dir).map_err(|e| Failure::config(format!("{}: {e}", report_dir.display())))?;
    let (must, should) = report.counts();
    c.warn(format!(
        "client report: {} Session Context(s), {must} MUST and {should} SHOULD finding(s): {}",
        report.sessions.len(),
        report_dir.join("client-report.md").display()
    ));
    Ok(u8::from(must > 0 || (a.strict && should > 0)))
}
