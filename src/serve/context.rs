//! Session Contexts ([MS-OXCMAPIHTTP] 3.1.5, 3.2.5) and the mailboxes they
//! share: what the endpoint keeps between requests.

use crate::model::client::TraceStep;
use crate::model::event::Event;
use crate::model::server::Server;
use crate::wire::Level;
use std::collections::BTreeSet;

/// The Session Context cookie's name. Cookie names are the server's choice
/// (MS-OXCMAPIHTTP_R1222); these are the ones of the spec's example (4.2).
pub const CONTEXT_COOKIE: &str = "MapiContext";
/// The sequence cookie's name: replaced on every Execute and Disconnect,
/// so a request that carries an old one is out of sequence (R1150, R1228).
pub const SEQUENCE_COOKIE: &str = "MapiSequence";

/// A client rule a request broke, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFinding {
    /// The request, counted from 1 in its Session Context (0 when the
    /// request belongs to none).
    pub request: u64,
    /// Its X-RequestType, as sent.
    pub request_type: String,
    /// Its X-RequestId, as sent.
    pub request_id: Option<String>,
    /// The requirement broken.
    pub requirement: &'static str,
    /// Its level, as the spec words it.
    pub level: Level,
    /// The header, cookie or body field (a body field's path from the
    /// codec).
    pub field: String,
    /// The byte offset in the request body, for a body field.
    pub offset: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// The X-ResponseCode the request got.
    pub response_code: u32,
}

/// One Session Context: its cookies, its sequencing state and its own
/// reference server over the user's mailbox.
#[derive(Debug)]
pub struct Context {
    /// The endpoint's number for it (also the RopPending SessionIndex).
    pub id: u64,
    /// The authenticated user it belongs to (MS-OXCMAPIHTTP_R1223).
    pub user: String,
    /// The Session Context cookie's value.
    pub cookie: String,
    /// The sequence cookie's current value.
    pub sequence: String,
    /// The reference server of this Session Context.
    pub server: Server,
    /// The GUID part of the first X-RequestId (R1305: constant for the life of the context).
    pub request_guid: Option<String>,
    /// The counter of the last X-RequestId (R130: it increases).
    pub last_counter: Option<u64>,
    /// The X-ClientInfo of the Connect.
    pub client_info: Option<String>,
    /// A request other than NotificationWait is being answered.
    pub busy: bool,
    /// A NotificationWait is held.
    pub waiting: bool,
    /// When a request last ended (ms), for the idle-time timer (R1217).
    pub last_active_ms: u64,
    /// Requests received so far.
    pub requests: u64,
    /// The ROP input and output buffers, for the client monitor.
    pub trace: Vec<TraceStep>,
    /// The client rules its requests broke.
    pub findings: Vec<ClientFinding>,
    /// How the Session Context ended, once it has.
    pub ended: Option<String>,
    /// The mailbox (served user) each LogonId logged on to, by the Essdn of
    /// its RopLogon; a logon not listed is of the context's own user.
    pub logons: std::collections::BTreeMap<u8, String>,
}

impl Context {
    /// The Set-Cookie values of this Session Context (MS-OXCMAPIHTTP_R1221, R1236).
    pub fn set_cookies(&self) -> Vec<String> {
        vec![
            format!("{CONTEXT_COOKIE}={}; path=/mapi/emsmdb/; HttpOnly", self.cookie),
            format!("{SEQUENCE_COOKIE}={}; path=/mapi/emsmdb/; HttpOnly", self.sequence),
        ]
    }

    /// The lowest LogonId this Session Context has logged on with.
    pub fn first_logon(&self) -> Option<u8> {
        (0..=u8::MAX).find(|&l| self.server.logon_handle(l).is_some())
    }

    /// Whose mailbox LogonId `l` is.
    pub fn mailbox_of(&self, l: u8) -> &str {
        self.logons.get(&l).map(String::as_str).unwrap_or(&self.user)
    }

    /// The first open logon to `user`'s mailbox.
    pub fn logon_to(&self, user: &str) -> Option<u8> {
        (0..=u8::MAX).find(|&l| self.server.logon_handle(l).is_some() && self.mailbox_of(l) == user)
    }

    /// Whether the context sees `user`'s mailbox: its own, or one a logon
    /// of it opened.
    pub fn sees(&self, user: &str) -> bool {
        self.user == user || self.logons.values().any(|u| u == user)
    }
}

/// A user's mailbox: its store as the master copy (a server with no
/// logons), and the Session Contexts over it. Every event one Session
/// Context raises is replayed into the master and every other one, in the
/// same order, so their stores agree.
#[derive(Debug)]
pub struct Mailbox {
    /// The store, with no logons or subscriptions.
    pub master: Server,
    /// The Session Contexts open on it.
    pub contexts: BTreeSet<u64>,
}

/// The event `e` as it reaches a Session Context whose logon is `logon_id`.
pub fn for_logon(e: &Event, logon_id: u8) -> Event {
    let mut e = e.clone();
    e.logon_id = logon_id;
    e
}

/// Opaque cookie values: 128 bits from the standard library's per-process
/// random hasher keys and a counter. Not a secret for more than a
/// loopback test server.
pub fn opaque(counter: u64) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for half in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(counter);
        h.write_u64(half);
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// The cookies of a request's Cookie headers, as (name, value) pairs.
pub fn cookies<'a>(headers: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for h in headers {
        for part in h.split(';') {
            if let Some((n, v)) = part.trim().split_once('=') {
                out.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

/// Reads `GUID:counter` (X-RequestId, X-ClientInfo; MS-OXCMAPIHTTP_R130,
/// R155): the GUID with or without braces, then a decimal counter.
pub fn guid_and_counter(value: &str) -> Option<(String, u64)> {
    let (guid, counter) = value.rsplit_once(':')?;
    let bare = guid.strip_prefix('{').and_then(|g| g.strip_suffix('}')).unwrap_or(guid);
    let groups: Vec<&str> = bare.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    let is_guid = groups.len() == 5
        && groups.iter().zip(lens).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if !is_guid || counter.is_empty() || !counter.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((bare.to_ascii_uppercase(), counter.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_read_with_or_without_braces_and_nothing_else() {
        let (g, n) = guid_and_counter("E2EA6C1C-E61B-49E9-9CFB-38184F907552:123456").unwrap();
        assert_eq!((g.as_str(), n), ("E2EA6C1C-E61B-49E9-9CFB-38184F907552", 123456));
        assert!(guid_and_counter("{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:123").is_some());
        // The Interop suite's dash in place of the colon, a missing counter, a short GUID.
        assert!(guid_and_counter("{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}-5").is_none());
        assert!(guid_and_counter("2EF33C39-49C8-421C-B876-CDF7F2AC3AA0:").is_none());
        assert!(guid_and_counter("2EF33C39-49C8-421C-B876:1").is_none());
    }

    #[test]
    fn cookies_split_on_semicolons_across_headers() {
        let c = cookies(["MapiContext=abc; MapiSequence=def", "other=1"].into_iter());
        assert_eq!(c.len(), 3);
        assert_eq!(c[1], ("MapiSequence".to_string(), "def".to_string()));
    }

    #[test]
    fn opaque_values_differ() {
        assert_ne!(opaque(1), opaque(2));
        assert_eq!(opaque(1).len(), 32);
    }
}
