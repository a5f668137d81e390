//! Running a suite: which cases run (selection, exclusion, profiles), in
//! what order, against one implementation, with the expected-failure list
//! applied; one [`Row`] per case for the reports.
//!
//! Every case is run through the adapter protocol ([`crate::target`]):
//! against the built-in reference in process, or against an
//! implementation's adapter process.

pub use super::compare::{diff, diff_paths, scalar_eq};
pub use super::verdict::{exchange, unusable, Exchange, Grade, Outcome, Problem, Verdict};
pub use super::wire::{run_case, run_wire};
use super::{Case, CaseMeta};
use crate::target::Implementation;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One case's result, whatever its kind, for reports.
#[derive(Debug, Clone)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// `wire`, `sequence`, `trace`, `regression` or `mapi-http`.
    pub kind: &'static str,
    /// The structure name (wire), the profile (sequence) or `client` (trace).
    pub group: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs.
    pub requirements: Vec<String>,
    /// Where the case is.
    pub file: std::path::PathBuf,
    /// Its line.
    pub line: usize,
    /// The input bytes of a wire case.
    pub hex: Option<String>,
    /// The structure and reading of a wire case (to annotate its bytes).
    pub structure: Option<(crate::wire::Structure, crate::wire::Layout)>,
    /// The result.
    pub outcome: Outcome,
}

impl Row {
    /// The row of case `c`, of `kind`, in `group`; no bytes attached.
    pub fn new(c: &dyn CaseMeta, kind: &'static str, group: String, outcome: Outcome) -> Self {
        Row {
            id: c.id().to_string(),
            kind,
            group,
            description: c.description().to_string(),
            sections: c.sections().to_vec(),
            requirements: c.requirements().to_vec(),
            file: c.file().to_path_buf(),
            line: c.line(),
            hex: None,
            structure: None,
            outcome,
        }
    }
}

/// What to run and how to grade it.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run the `spec`-profile sequence cases with this product profile
    /// (and leave out cases written for other products).
    pub profile: Option<String>,
    /// Case id patterns to run (`*` and `?` wildcards); empty runs all.
    pub select: Vec<String>,
    /// Case id patterns to leave out (EXCLUDED).
    pub exclude: Vec<String>,
    /// Case ids expected to fail, with the reason.
    pub expected_failures: BTreeMap<String, String>,
    /// Set from outside (Ctrl-C): stop after the current case.
    pub interrupted: Arc<AtomicBool>,
    /// Where the MAPI over HTTP cases run.
    pub mapi_http: MapiHttpMode,
    /// The target is a server on the wire: only the kinds that test a
    /// server (sequence, mapi-http) run; codec, monitor and regression
    /// cases are left out of the run.
    pub server_only: bool,
    /// The layout the target reads RopRegisterNotification in (`--layout`):
    /// a case runs when it is written for it or its requests read the same
    /// in both ([`super::sequence::layout`]). `None`: each case's own, or
    /// spec for a server on the wire.
    pub layout: Option<crate::wire::Layout>,
}

/// Where the `mapi-http` cases run.
#[derive(Debug, Clone)]
pub enum MapiHttpMode {
    /// Against `oxcnotif serve` started in process for each case (the
    /// target is the built-in reference).
    Builtin,
    /// Against a server on the wire (`oxcnotif run --server URL`).
    Server(Arc<super::mapi_http::Target>),
    /// Nowhere: UNIMPLEMENTED, for this reason.
    Unavailable(String),
}

impl Default for MapiHttpMode {
    fn default() -> Self {
        MapiHttpMode::Unavailable(
            "a MAPI over HTTP case needs a mailbox endpoint; an adapter speaks the adapter protocol only".into(),
        )
    }
}

/// The rows of a run, and whether it was cut short.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// One per case run or excluded, in run order.
    pub rows: Vec<Row>,
    /// The run was interrupted before every selected case ran.
    pub incomplete: bool,
    /// Times the target had to be restarted.
    pub restarts: usize,
}

/// Whether `id` matches `pattern` (`*`: any run of characters, `?`: one).
pub fn glob_match(pattern: &str, id: &str) -> bool {
    super::glob::glob_match(pattern, id)
}

impl RunOptions {
    fn selected(&self, id: &str) -> bool {
        self.select.is_empty() || self.select.iter().any(|p| glob_match(p, id))
    }
    fn excluded(&self, id: &str) -> bool {
        self.exclude.iter().any(|p| glob_match(p, id))
    }
    /// The profile a sequence case runs as, or `None` when it is written
    /// for another product than the run's.
    /// The layout the target reads requests in, when the run fixes one.
    fn target_layout(&self) -> Option<crate::wire::Layout> {
        self.layout.or(self.server_only.then_some(crate::wire::Layout::Spec))
    }
    fn profile_of(&self, c: &super::sequence::SequenceCase) -> Option<String> {
        match &self.profile {
            // A live server is one product: without --profile it is tested
            // as the spec says, and cases written for a product are left out.
            None if self.server_only => (c.profile.name == "spec").then(|| "spec".to_string()),
            None => Some(c.profile.name.clone()),
            Some(p) if c.profile.name == "spec" || &c.profile.name == p => Some(p.clone()),
            Some(_) => None,
        }
    }
    /// Applies the expected-failures list to an outcome.
    fn expectation(&self, id: &str, mut o: Outcome) -> Outcome {
        if let Some(reason) = self.expected_failures.get(id) {
            match o.verdict {
                Verdict::Fail | Verdict::NonStrict | Verdict::Info => {
                    o.verdict = Verdict::XFail;
                    o.note = Some(format!("expected to fail: {reason}"));
                }
                Verdict::Pass => {
                    o.verdict = Verdict::XPass;
                    o.note =
                        Some(format!("listed as an expected failure ({reason}), but it passes: take it off the list"));
                }
                _ => {}
            }
        }
        o
    }
}

/// A sequence case the live-server target cannot set up or cause on a
/// live mailbox (a store shape no ROP creates, an event field the server
/// chooses, a legacy layout) is EXCLUDED with its reason, not
/// UNIMPLEMENTED: the server was never asked, so nothing is missing from
/// it (docs/live.md, "What runs").
fn over_the_wire(opts: &RunOptions, mut o: Outcome) -> Outcome {
    if opts.server_only && o.verdict == Verdict::Unimplemented {
        o.verdict = Verdict::Excluded;
        o.note = Some(format!("cannot be expressed on a live mailbox: {}", o.note.unwrap_or_default()));
    }
    o
}

/// Runs every selected case of `suite` against `imp`.
pub fn run_suite(suite: &super::Suite, imp: &mut dyn Implementation, opts: &RunOptions) -> RunResult {
    let mut result = RunResult::default();
    let stop = |result: &mut RunResult| {
        if opts.interrupted.load(Ordering::SeqCst) {
            result.incomplete = true;
            true
        } else {
            false
        }
    };
    // Wire cases: every request pipelined.
    let wire: Vec<&Case> = suite.wire.iter().filter(|c| !opts.server_only && opts.selected(&c.id)).collect();
    let (run, skip): (Vec<&Case>, Vec<&Case>) = wire.into_iter().partition(|c| !opts.excluded(&c.id));
    let row_of = |c: &Case, outcome: Outcome| Row {
        hex: c.bytes.as_deref().map(crate::hex::encode),
        structure: Some((c.structure, c.layout)),
        ..Row::new(c, "wire", c.structure.name().to_string(), outcome)
    };
    if !stop(&mut result) {
        let owned: Vec<Case> = run.iter().map(|c| (*c).clone()).collect();
        let mut outs = Vec::new();
        run_wire(&owned, imp, &mut outs);
        for (i, o) in outs {
            let c = &owned[i];
            if was_interrupted(&o) {
                result.incomplete = true; // not run: left out of the report
                continue;
            }
            result.rows.push(row_of(c, opts.expectation(&c.id, o)));
        }
    }
    for c in skip {
        result.rows.push(row_of(c, Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")));
    }
    for c in suite.sequences.iter().filter(|c| opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        let profile = opts.profile_of(c);
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            let layout = opts.target_layout();
            let mismatch = layout.and_then(|l| super::sequence::layout::mismatch(c, l).map(|why| (l, why)));
            match &profile {
                Some(_) if mismatch.is_some() => {
                    let (l, why) = mismatch.expect("a mismatch");
                    Outcome::without_checks(
                        Verdict::Excluded,
                        match opts.server_only {
                            true => format!(
                                "written for the {0} layout: {why}; the server is tested as {1} (give --layout {0} \
                                 if it reads RopRegisterNotification that way)",
                                c.layout.name(),
                                l.name()
                            ),
                            false => format!(
                                "written for the {} layout: {why}; this run is for {}",
                                c.layout.name(),
                                l.name()
                            ),
                        },
                    )
                }
                Some(p) => {
                    let o = super::sequence::run_as(c, p, layout.unwrap_or(c.layout), imp);
                    if was_interrupted(&o) {
                        result.incomplete = true;
                        break;
                    }
                    let o = if p != "spec" { widened(c, p, o) } else { o };
                    opts.expectation(&c.id, over_the_wire(opts, o))
                }
                None => Outcome::without_checks(
                    Verdict::Excluded,
                    match opts.server_only {
                        false => format!(
                            "written for profile {}; this run is for {}",
                            c.profile.name,
                            opts.profile.as_deref().unwrap_or("")
                        ),
                        true => format!(
                            "written for profile {0}; the server is tested as {1} (give --profile {0} if it behaves \
                             as that product)",
                            c.profile.name,
                            opts.profile.as_deref().unwrap_or("spec")
                        ),
                    },
                ),
            }
        };
        let group = format!("sequence ({})", profile.as_deref().unwrap_or(&c.profile.name));
        result.rows.push(Row::new(c, "sequence", group, outcome));
    }
    for c in suite.regressions.iter().filter(|c| !opts.server_only && opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        // Regression cases keep the harness's own fixed bugs fixed: they run
        // in process, whatever the target.
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            super::regression::run_regression(c)
        };
        let group = format!("fuzz target {}", c.target);
        result.rows.push(Row { hex: Some(crate::hex::encode(&c.bytes)), ..Row::new(c, "regression", group, outcome) });
    }
    for c in suite.traces.iter().filter(|c| !opts.server_only && opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            let o = super::trace::run_with(c, imp);
            if was_interrupted(&o) {
                result.incomplete = true;
                break;
            }
            opts.expectation(&c.id, o)
        };
        result.rows.push(Row::new(c, "trace", "client trace".into(), outcome));
    }
    for c in suite.mapi_http.iter().filter(|c| opts.selected(&c.id)) {
        if stop(&mut result) {
            break;
        }
        let outcome = if opts.excluded(&c.id) {
            Outcome::without_checks(Verdict::Excluded, "excluded by --exclude")
        } else {
            match &opts.mapi_http {
                MapiHttpMode::Builtin => opts.expectation(&c.id, super::mapi_http::run_builtin(c)),
                MapiHttpMode::Server(t) => opts.expectation(&c.id, super::mapi_http::run_on(c, t)),
                MapiHttpMode::Unavailable(why) => Outcome::without_checks(Verdict::Unimplemented, why.clone()),
            }
        };
        result.rows.push(Row::new(c, "mapi-http", "MAPI over HTTP".into(), outcome));
    }
    stop(&mut result);
    result.restarts = imp.restarts();
    result
}

/// A case that [`run_suite`] would run with the same options.
pub struct Planned<'a> {
    /// `wire`, `sequence`, `trace`, `regression` or `mapi-http`.
    pub kind: &'static str,
    /// The group its row would have (structure, profile, ...).
    pub group: String,
    /// The case.
    pub case: &'a dyn CaseMeta,
}

/// The cases [`run_suite`] would run (not the excluded ones), in its order,
/// without running anything: what `oxcnotif run --list` prints.
pub fn plan<'a>(suite: &'a super::Suite, opts: &RunOptions) -> Vec<Planned<'a>> {
    let wanted = |id: &str| opts.selected(id) && !opts.excluded(id);
    let mut out = Vec::new();
    for c in suite.wire.iter().filter(|c| !opts.server_only && wanted(&c.id)) {
        out.push(Planned { kind: "wire", group: c.structure.name().to_string(), case: c });
    }
    for c in suite.sequences.iter().filter(|c| wanted(&c.id)) {
        let fits = opts.target_layout().is_none_or(|l| super::sequence::layout::mismatch(c, l).is_none());
        if let Some(p) = opts.profile_of(c).filter(|_| fits) {
            out.push(Planned { kind: "sequence", group: format!("sequence ({p})"), case: c });
        }
    }
    for c in suite.regressions.iter().filter(|c| !opts.server_only && wanted(&c.id)) {
        out.push(Planned { kind: "regression", group: format!("fuzz target {}", c.target), case: c });
    }
    for c in suite.traces.iter().filter(|c| !opts.server_only && wanted(&c.id)) {
        out.push(Planned { kind: "trace", group: "client trace".into(), case: c });
    }
    for c in suite.mapi_http.iter().filter(|c| wanted(&c.id)) {
        out.push(Planned { kind: "mapi-http", group: "MAPI over HTTP".into(), case: c });
    }
    out
}

/// Whether a case was cut short by Ctrl-C.
fn was_interrupted(o: &Outcome) -> bool {
    o.interrupted
}

/// A sequence case run as product `p` accepts both the spec's behaviour
/// and the departures `p` documents. A spec case's expectations are the
/// spec's: when the target fails where the reference behaving as `p` fails
/// too, at the same steps and fields, the target did what `p` documents.
/// A case written for `p` expects `p`'s behaviour: when the target fails
/// where the reference behaving as the spec fails too, it followed the
/// spec. Either is INFO, naming which; a target that passes passes (never
/// XPASS because of a profile).
fn widened(c: &super::sequence::SequenceCase, p: &str, o: Outcome) -> Outcome {
    if !matches!(o.verdict, Verdict::Fail | Verdict::NonStrict | Verdict::Info) {
        return o;
    }
    // A spec case is also met by the product's documented behaviour; a case
    // written for the product is also met by the spec's.
    let (other, how) = if c.profile.name == "spec" {
        (p, format!("a departure from the spec that {p} documents"))
    } else {
        ("spec", format!("follows the spec where {p} departs from it"))
    };
    let product = super::sequence::run_with(c, other, &mut crate::target::reference::Reference::new());
    let places = |o: &Outcome| {
        let mut v: Vec<(Option<usize>, Option<String>)> =
            o.problems.iter().map(|q| (q.step, q.field.clone())).collect();
        v.sort();
        v.dedup();
        v
    };
    if product.verdict == Verdict::Pass || places(&product) != places(&o) {
        return o;
    }
    let what: Vec<String> = product.problems.iter().map(|q| q.to_string()).collect();
    let mut info = Outcome::graded(
        vec![Problem::at(Grade::Info, "", format!("{how}: {}", what.join("; ")))],
        Grade::Info,
        o.actual,
        o.expected,
    );
    info.exchanges = o.exchanges;
    info
}
