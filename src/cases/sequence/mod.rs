//! Sequence cases: ordered steps against a server (send a ROP input buffer,
//! let an event happen, poll), with partial expectations on what comes
//! back. Server-assigned handles are bound to `$names` on first sight and
//! compared on every later sight.
//!
//! Format (see `spec-cases/README.md`, "Sequence cases", and the comments
//! at the top of the files under `spec-cases/sequences/`):
//!
//! ```yaml
//! kind: sequence
//! cases:
//!   - id: sequence.new-mail.store
//!     description: …
//!     sections: [MS-OXCNOTIF 3.1.5.1]
//!     requirements: [MS-OXCNOTIF_R287]
//!     profile: spec            # optional
//!     may_equal: [$undefined]  # optional: names that may bind a value another name holds
//!     setup: {logons: [0], client_mode: online, folders: [{Id: "…", Parent: "…", Search: false}], messages: [{Id: "…", Folder: "…"}]}
//!     steps:
//!       - send: {RopsList: [...], ServerObjectHandleTable: [$logon0, 0xFFFFFFFF]}
//!         expect: {RopsList: [{RopId: 0x29, ReturnValue: 0}], ServerObjectHandleTable: [$logon0, $sub]}
//!       - event: {Type: NewMail, Folder: "…", Message: "…"}
//!       - poll: {max_output: 400}
//!         expect: {RopsList: [{RopId: 0x2A, NotificationHandle: $sub}]}
//!         requirements: [MS-OXCNOTIF_R345]          # optional: what this step's expectation verifies
//!         field_requirements:                       # optional: fields graded by their own rows
//!           RopsList[0].NotificationData.TagCount: [MS-OXCNOTIF_R197]
//!       - repeat: 70000                             # the event happens 70,000 times; "#n" is 0, 1, …
//!         event: {Type: ObjectModified, Folder: "…", TotalMessageCount: "#n"}
//!       - drain: {max_output: 0x8000}               # poll until no RopPending
//!         expect_all: {count: 70000, each: {RopId: 0x2A, NotificationData: {TotalMessageCount: "#n"}}}
//!         # optional in expect_all: count_requirements, the rows that grade how many arrive
//! ```
//!
//! Grading. Every check takes the level of the requirement it verifies
//! ([`crate::cases::levels`]): a step's expectation (`expect`,
//! `expect_error`, `expect_all`) is graded by the step's `requirements`
//! (default: the case's, less those its `field_requirements` name), a field
//! named in `field_requirements` by the requirements listed for it, and
//! RopPending's presence and place by the rows that word them
//! (MS-OXCNOTIF_R349, R334; MS-OXCROPS_R452202). The case's `grade:` caps
//! only its expectations. The output rules keep their own level in every
//! case: the output decodes as a ROP output buffer (MS-OXCROPS 2.2.1), fits
//! `max_output`, carries no MUST finding, carries no response to RopRelease
//! (MS-OXCROPS_R4572), and its handles are valid: a successful registration
//! returns a new handle (MS-OXCNOTIF_R35, MS-OXCROPS_R4558) unused by any
//! live object (R4556), distinct `$names` bind distinct values unless the
//! case lists one in `may_equal`, and a RopNotify names a subscription the
//! session created (MS-OXCNOTIF_R95, MS-OXCNOTIF_R96).

use super::compare::{scalar_eq, show};
use super::levels::grade_of;
use super::verdict::{exchange, unusable, Exchange, Grade, Outcome, Problem, Verdict};
use super::LoadError;
use crate::model::{profile, Event, Profile, Setup};
use crate::target::{request, Implementation, Reply, Request};
use crate::wire::codec::ErrorKind;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::value::Obj;
use crate::wire::{decode, error_json, finding_json};
use crate::wire::{Layout, Structure, WireStructure};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod carry;
mod grade;
mod handles;
pub mod layout;
mod load;
mod runner;
mod side_effects;

use grade::*;
pub(crate) use grade::{match_partial, substitute};
use handles::*;
pub use load::{parse_file, with_n};
use runner::*;

/// The output size a step uses when it gives none.
pub const DEFAULT_MAX_OUTPUT: usize = 0x8000;

/// The most events one `repeat` step may ask for.
pub const MAX_REPEAT: usize = 1 << 20;

/// What a sequence step does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a ROP input buffer given as a value (with `$names`).
    Send(Value),
    /// Send a ROP input buffer given as hex.
    SendHex(Vec<u8>),
    /// An event happens (the event value as written; checked when loaded).
    Event(Value),
    /// The event happens `count` times; in repetition `n`, every string
    /// `"#n"` in it stands for the number `n` (0-based).
    Repeat {
        /// How many times.
        count: usize,
        /// The event, with `"#n"` where the repetition number goes.
        event: Value,
    },
    /// Send the empty ROP input buffer `02 00` (MS-OXCROPS 4.1, MS-OXCNOTIF_R337).
    Poll,
    /// Poll until an output carries no RopPending (and one more poll to
    /// confirm nothing was left unannounced), collecting every RopNotify.
    Drain,
}

/// A drain's expectation: `count` RopNotify, the `n`th (0-based) matching
/// `each` with `"#n"` standing for `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectAll {
    /// How many RopNotify arrive in all.
    pub count: usize,
    /// A partial RopNotify value.
    pub each: Value,
    /// The rows that grade how many arrive (each event notified at all),
    /// when they differ from the step's; `None`: the step's.
    pub count_requirements: Option<Vec<String>>,
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What it does.
    pub action: Action,
    /// The output size limit (send, poll and drain).
    pub max_output: usize,
    /// A partial expectation on the decoded ROP output buffer.
    pub expect: Option<Value>,
    /// The call must fail with this code instead.
    pub expect_error: Option<u32>,
    /// A drain's expectation.
    pub expect_all: Option<ExpectAll>,
    /// The requirements this step's expectation verifies (default: the case's).
    pub requirements: Option<Vec<String>>,
    /// Fields of `expect` graded by their own requirements: (field path, IDs).
    pub field_requirements: Vec<(String, Vec<String>)>,
}

/// A loaded sequence case.
#[derive(Debug, Clone)]
pub struct SequenceCase {
    /// Stable id.
    pub id: String,
    /// One line.
    pub description: String,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs verified.
    pub requirements: Vec<String>,
    /// The product profile the server runs with.
    pub profile: Profile,
    /// The request reading.
    pub layout: Layout,
    /// The initial state.
    pub setup: Setup,
    /// The initial state as written (sent to the implementation by `reset`).
    pub setup_value: Value,
    /// How strong the case's expectations are (`grade:`; default MUST).
    pub grade: Grade,
    /// `$names` that may bind a value another name already holds.
    pub may_equal: Vec<String>,
    /// The steps.
    pub steps: Vec<Step>,
    /// The file.
    pub file: PathBuf,
    /// The line of its id.
    pub line: usize,
}

/// Runs a sequence case against the built-in reference server, with the
/// case's own profile.
pub fn run_sequence(case: &SequenceCase) -> Outcome {
    let mut r = crate::target::reference::Reference::new();
    run_with(case, &case.profile.name, &mut r)
}

/// Runs a sequence case against an implementation (server role), which
/// `reset` tells to behave as `profile`.
pub fn run_with(case: &SequenceCase, profile: &str, imp: &mut dyn Implementation) -> Outcome {
    run_as(case, profile, case.layout, imp)
}

/// [`run_with`] against a target that reads requests in `layout` (its
/// `reset` says so), which [`layout::mismatch`] found the case can run on:
/// the case's own buffers are still written in its own layout.
pub fn run_as(case: &SequenceCase, profile: &str, layout: Layout, imp: &mut dyn Implementation) -> Outcome {
    let mut needed = vec!["reset", "execute"];
    if case.steps.iter().any(|s| matches!(s.action, Action::Event(_) | Action::Repeat { .. })) {
        needed.push("event");
    }
    if let Some(op) = needed.iter().find(|op| !imp.hello().supports(op)) {
        return Outcome::without_checks(Verdict::Unimplemented, crate::target::not_listed(op, None));
    }
    let expected = Value::Array(
        case.steps
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let mut e = json!({"step": k});
                match &s.action {
                    Action::Event(v) => e["event"] = v.clone(),
                    Action::Repeat { count, event } => {
                        e["event"] = event.clone();
                        e["repeat"] = json!(count);
                    }
                    Action::Send(v) => e["send"] = v.clone(),
                    Action::SendHex(b) => e["send_hex"] = Value::String(crate::hex::encode(b)),
                    Action::Poll => e["poll"] = json!({"max_output": s.max_output}),
                    Action::Drain => e["drain"] = json!({"max_output": s.max_output}),
                }
                if let Some(x) = &s.expect {
                    e["expect"] = x.clone();
                }
                if let Some(c) = s.expect_error {
                    e["expect_error"] = json!(c);
                }
                if let Some(a) = &s.expect_all {
                    e["expect_all"] = json!({"count": a.count, "each": a.each});
                    if let Some(r) = &a.count_requirements {
                        e["expect_all"]["count_requirements"] = json!(r);
                    }
                }
                e
            })
            .collect(),
    );
    let mut r = Runner {
        case,
        profile,
        layout,
        imp,
        exchanges: Vec::new(),
        binds: BTreeMap::new(),
        handles: Handles::default(),
        side_effects: Default::default(),
        carry: Default::default(),
    };
    let result = r.run(&expected);
    let mut o = match result {
        Ok(o) => o,
        Err(o) => *o,
    };
    o.exchanges = std::mem::take(&mut r.exchanges);
    o
}
