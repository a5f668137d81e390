//! What must a server do, and what must a client do? Sans-IO state machines.
//!
//! * [`server`]: the reference server for one session context: Logon Map,
//!   Server Object Maps, subscriptions, the notification queue, output
//!   buffers with RopNotify and RopPending.
//! * [`event`] and [`notify`]: server events as values, and the
//!   NotificationData each produces.
//! * [`store`]: the folders and messages events refer to, and [`setup`]:
//!   the session's initial state.
//! * [`table`]: Table objects and their TableModified notifications.
//! * [`profile`]: product behaviour (spec, Exchange 2007, 2010, 2013 and
//!   later) as data.
//! * [`errors`]: every ReturnValue the model produces, in one table.
//!
//! Nothing here touches files, sockets or clocks.

pub mod client;
pub mod errors;
pub mod event;
pub mod notify;
pub mod profile;
pub mod server;
pub mod setup;
pub mod store;
pub mod table;

pub use event::{Event, EventType};
pub use profile::Profile;
pub use server::{CallError, Scope, Server};
pub use setup::{ClientMode, Opened, Setup, SetupFolder, SetupMessage};
