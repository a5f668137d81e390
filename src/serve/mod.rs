//! `oxcnotif serve`: the reference server over MAPI over HTTP
//! ([MS-OXCMAPIHTTP]), for client implementers to point a client at.
//!
//! * [`endpoint`]: the mailbox endpoint as a sans-IO core. A request
//!   (method, path, headers, body, the time) goes in; a reply plan comes
//!   out (status, headers, and the inner stream's DONE part), or a held
//!   NotificationWait. It keeps the Session Contexts, their cookies and
//!   their reference servers ([`crate::model::server::Server`], one per
//!   Session Context over one shared mailbox per user), and records every
//!   client rule a request breaks.
//! * [`report`]: the client report: the transport rules and the ROP-level
//!   client rules (the client monitor, [`crate::model::client`]) each
//!   client broke.
//! * [`http`]: the one layer that touches sockets: hyper on tokio, TLS by
//!   rustls, PROCESSING at once and PENDING every X-PendingPeriod, the
//!   NotificationWait waits, the control endpoint that causes events.

pub mod context;
pub mod endpoint;
pub mod events;
pub mod http;
pub mod report;

pub use endpoint::{Config, Endpoint, User};
