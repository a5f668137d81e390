//! How a case is graded: verdicts, the strength of each failed check, and
//! a case's outcome with its evidence (the requests sent and the replies).
//!
//! Verdicts are graded: a broken MUST is FAIL; a SHOULD departed from (a
//! finding of SHOULD strength, or the decoder's findings, error kind or
//! refused field differing from the reference's) is NON-STRICT; a case
//! marked `grade: info` (behaviour the spec leaves open) that differs is
//! INFO; an operation the implementation does not offer is UNIMPLEMENTED;
//! a crash, hang or garbage reply is ERROR. EXCLUDED, XFAIL and XPASS come
//! from the run's options ([`super::run::RunOptions`]).

use crate::target::{Reply, Request};
use serde_json::{json, Value};
use std::fmt;

/// A case's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Every check held.
    Pass,
    /// Only SHOULD-level checks failed.
    NonStrict,
    /// The implementation differs where the spec leaves the behaviour open.
    Info,
    /// A MUST is broken.
    Fail,
    /// The implementation does not offer what the case needs.
    Unimplemented,
    /// Left out by `--exclude` or by the profile.
    Excluded,
    /// Failed, as the expected-failures file says it will.
    XFail,
    /// Listed as an expected failure, but passed: the bug is fixed.
    XPass,
    /// The harness or the implementation misbehaved.
    Error,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 9] = [
        Verdict::Pass,
        Verdict::NonStrict,
        Verdict::Info,
        Verdict::Fail,
        Verdict::Unimplemented,
        Verdict::Excluded,
        Verdict::XFail,
        Verdict::XPass,
        Verdict::Error,
    ];

    /// `PASS`, `NON-STRICT`, …
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::NonStrict => "NON-STRICT",
            Verdict::Info => "INFO",
            Verdict::Fail => "FAIL",
            Verdict::Unimplemented => "UNIMPLEMENTED",
            Verdict::Excluded => "EXCLUDED",
            Verdict::XFail => "XFAIL",
            Verdict::XPass => "XPASS",
            Verdict::Error => "ERROR",
        }
    }

    /// Whether the verdict makes the run exit 1.
    pub fn is_bad(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::XPass | Verdict::Error)
    }
}

/// How strong a failed check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// Behaviour the spec leaves open.
    Info,
    /// SHOULD.
    Should,
    /// MUST.
    Must,
}

impl Grade {
    /// Reads `must`, `should`, `info`.
    pub fn from_name(s: &str) -> Option<Grade> {
        match s {
            "must" => Some(Grade::Must),
            "should" => Some(Grade::Should),
            "info" => Some(Grade::Info),
            _ => None,
        }
    }

    /// `must`, `should`, `info`: what [`Grade::from_name`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Grade::Must => "must",
            Grade::Should => "should",
            Grade::Info => "info",
        }
    }
}

/// One failed check.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// How strong the check is.
    pub grade: Grade,
    /// The sequence step or trace step, when the check is about one.
    pub step: Option<usize>,
    /// The spec field path the check is about, when it is about one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A MUST-level problem with no field.
    pub fn must(message: impl Into<String>) -> Self {
        Problem { grade: Grade::Must, step: None, field: None, message: message.into() }
    }
    /// A problem of `grade` about `field`.
    pub fn at(grade: Grade, field: &str, message: impl Into<String>) -> Self {
        Problem { grade, step: None, field: (!field.is_empty()).then(|| field.to_string()), message: message.into() }
    }
    /// The same problem, about step `k`.
    pub fn in_step(mut self, k: usize) -> Self {
        self.step = Some(k);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.grade == Grade::Should {
            f.write_str("(SHOULD) ")?;
        } else if self.grade == Grade::Info {
            f.write_str("(info) ")?;
        }
        if let Some(k) = self.step {
            write!(f, "step {k}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// One request and its reply, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// The request.
    pub request: Request,
    /// The reply, in protocol form (`ok`, `unimplemented`, `error`), with
    /// the raw text of a broken reply.
    pub reply: Value,
}

pub(crate) fn reply_json(r: &Reply) -> Value {
    match r {
        Reply::Ok(v) => json!({"ok": v}),
        Reply::Unimplemented(m) => json!({"unimplemented": m}),
        Reply::Failed(m) => json!({"error": m}),
        Reply::Broken { problem, raw } => json!({"broken": problem, "raw": raw}),
    }
}

/// The result of running one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// The checks that failed (empty on PASS).
    pub problems: Vec<Problem>,
    /// What the implementation produced.
    pub actual: Value,
    /// What the case expects (`Null` when the case has no single expectation).
    pub expected: Value,
    /// Every request sent for the case and its reply.
    pub exchanges: Vec<Exchange>,
    /// Why the verdict is UNIMPLEMENTED, EXCLUDED, XFAIL, XPASS or ERROR.
    pub note: Option<String>,
    /// The run was interrupted (Ctrl-C) while this case waited for a reply:
    /// it did not really run, and the report leaves it out.
    pub interrupted: bool,
}

impl Outcome {
    /// An outcome graded from `problems` (PASS when there are none), capped
    /// by the case's own `grade`.
    pub fn graded(problems: Vec<Problem>, case_grade: Grade, actual: Value, expected: Value) -> Self {
        let worst = problems.iter().map(|p| p.grade.min(case_grade)).max();
        let verdict = match worst {
            None => Verdict::Pass,
            Some(Grade::Must) => Verdict::Fail,
            Some(Grade::Should) => Verdict::NonStrict,
            Some(Grade::Info) => Verdict::Info,
        };
        Outcome { verdict, problems, actual, expected, exchanges: Vec::new(), note: None, interrupted: false }
    }

    /// An outcome with no checks run: UNIMPLEMENTED, EXCLUDED or ERROR.
    pub fn without_checks(verdict: Verdict, note: impl Into<String>) -> Self {
        Outcome {
            verdict,
            problems: Vec::new(),
            actual: Value::Null,
            expected: Value::Null,
            exchanges: Vec::new(),
            note: Some(note.into()),
            interrupted: false,
        }
    }

    /// The problems, one per line.
    pub fn problem_text(&self) -> String {
        let mut lines: Vec<String> = self.problems.iter().map(|p| p.to_string()).collect();
        if let Some(n) = &self.note {
            lines.push(n.clone());
        }
        lines.join("\n")
    }
}

/// The outcome for a reply that is not a usable answer, if it is one:
/// UNIMPLEMENTED or ERROR. `what` names the request.
pub fn unusable(what: &str, reply: &Reply) -> Option<Outcome> {
    match reply {
        Reply::Ok(_) => None,
        Reply::Unimplemented(m) => Some(Outcome::without_checks(Verdict::Unimplemented, format!("{what}: {m}"))),
        Reply::Failed(m) => {
            Some(Outcome::without_checks(Verdict::Error, format!("{what}: the adapter answered error: {m}")))
        }
        Reply::Broken { problem, raw } => {
            let mut o = Outcome::without_checks(
                Verdict::Error,
                format!("{what}: {problem}{}", raw.as_ref().map(|r| format!("; it wrote: {r}")).unwrap_or_default()),
            );
            o.actual = json!({"broken": problem, "raw": raw});
            o.interrupted = reply.is_interrupted();
            Some(o)
        }
    }
}

/// Records an exchange.
pub fn exchange(request: &Request, reply: &Reply) -> Exchange {
    Exchange { request: request.clone(), reply: reply_json(reply) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_cap_and_order_verdicts() {
        let p = |g| Problem { grade: g, step: None, field: None, message: String::new() };
        let v = |ps: Vec<Problem>, cap| Outcome::graded(ps, cap, Value::Null, Value::Null).verdict;
        assert_eq!(v(vec![], Grade::Must), Verdict::Pass);
        assert_eq!(v(vec![p(Grade::Should), p(Grade::Must)], Grade::Must), Verdict::Fail);
        assert_eq!(v(vec![p(Grade::Should)], Grade::Must), Verdict::NonStrict);
        assert_eq!(v(vec![p(Grade::Must)], Grade::Should), Verdict::NonStrict);
        assert_eq!(v(vec![p(Grade::Must)], Grade::Info), Verdict::Info);
    }
}
