//! # oxcnotif
//!
//! A conformance and fuzzing harness for Microsoft Exchange's Core
//! Notifications Protocol ([MS-OXCNOTIF]) and the ROP buffers of [MS-OXCROPS]
//! that carry it.
//!
//! The crate is laid out by the question each module answers:
//!
//! * [`wire`]: what are the bytes? The reference encoder/decoder, one file per
//!   spec structure. Never panics, never allocates more than the input holds,
//!   and re-encodes every accepted input byte for byte.
//! * [`cases`]: what does the spec say should happen? Loading and running the
//!   language-neutral YAML cases under `spec-cases/`.
//! * [`hex`]: the annotated-hex notation used by the CLI and the case files.
//!
//! [MS-OXCNOTIF]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcnotif/
//! [MS-OXCROPS]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcrops/
#![forbid(unsafe_code)]

#[cfg(feature = "harness")]
pub mod cases;
#[cfg(feature = "harness")]
pub mod commands;
#[cfg(feature = "harness")]
pub mod differential;
pub mod fuzzing;
pub mod hex;
pub mod model;
#[cfg(feature = "harness")]
pub mod report;
#[cfg(feature = "harness")]
pub mod target;
pub mod wire;
