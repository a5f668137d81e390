//! # oxcnotif
//!
//! A conformance and fuzzing harness for Microsoft Exchange's Core
//! Notifications Protocol ([MS-OXCNOTIF]) and the ROP buffers of [MS-OXCROPS]
//! that carry it.
//!
//! The modules are laid out by the question each answers, and each imports
//! only from the ones above it in this list:
//!
//! * `hex`: how do people write bytes? The annotated-hex notation of the
//!   CLI and the case files.
//! * `wire`: what are the bytes? The reference encoder/decoder, one file
//!   per spec structure. Never panics, never allocates more than the input
//!   holds, and re-encodes every accepted input byte for byte.
//! * `model`: what must a server do, and what must a client do? The
//!   sans-IO server model and the client monitor, with product profiles as
//!   data.
//! * `fuzzing`: the entry points of the coverage-guided fuzz targets.
//! * `target` (feature `harness`): how do we reach the implementation
//!   under test? The `Implementation` trait, the typed adapter protocol,
//!   the adapter child process and the in-process reference.
//! * `cases` (`harness`): what does the spec say should happen, and did
//!   it? Loading the YAML cases under `spec-cases/`, running them against
//!   an implementation, grading verdicts.
//! * `report` (`harness`): what do we tell the implementer? Console
//!   summary, `summary.md`, `results.json`, `junit.xml`, `index.html`,
//!   `requirements.md`.
//! * `differential` (`harness`): fuzzing a target against the reference.
//! * `serve` (`harness`): the reference server over MAPI
//!   over HTTP, for clients to be pointed at, and its client report.
//! * `commands` (`harness`): what each command of the `oxcnotif` binary
//!   does; `src/main.rs` (feature `cli`) only parses arguments.
//!
//! With `default-features = false` the crate is the codec, the server model
//! and the client monitor, without the harness or the command line's
//! dependencies:
//!
//! ```
//! use oxcnotif::wire::{Layout, Structure};
//!
//! // A RopPending response (MS-OXCROPS 2.2.14.3.1): RopId 0x6E, SessionIndex 3.
//! let (value, findings) = Structure::PendingResponse.decode(&[0x6E, 0x03, 0x00], Layout::Spec).unwrap();
//! assert_eq!(value["SessionIndex"], 3);
//! assert!(findings.is_empty());
//! assert_eq!(Structure::PendingResponse.encode(&value, Layout::Spec).unwrap(), [0x6E, 0x03, 0x00]);
//! ```
//!
//! [MS-OXCNOTIF]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcnotif/
//! [MS-OXCROPS]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcrops/
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "harness")]
pub mod cases;
#[cfg(feature = "harness")]
pub mod commands;
#[cfg(feature = "harness")]
pub mod differential;
pub mod fuzzing;
pub mod hex;
pub mod model;
pub mod plural;
#[cfg(feature = "harness")]
pub mod report;
#[cfg(feature = "harness")]
pub mod serve;
#[cfg(feature = "harness")]
pub mod target;
pub mod wire;
