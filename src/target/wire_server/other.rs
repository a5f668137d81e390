//! The second mailbox (`run --server URL --other-mailbox NAME`): a case
//! with a second logon (setup `logons: [0, 1]`) whose events happen in
//! LogonId 1 needs a store other than the first. The client session A logs
//! on LogonId 1 to mailbox NAME (RopLogon with its Essdn, MS-OXCROPS
//! 2.2.3.1; the user needs full access to it, as a delegate); a trigger
//! session of its own logs on to NAME, builds the case's setup in a scratch
//! folder under that mailbox's Inbox, and causes the events of LogonId 1
//! there with the same ROPs as in the first mailbox. Each mailbox keeps
//! its own case-to-server ID map; outputs map back by both.
//!
//! What the harness holds in a mailbox is a [`Side`]; the other mailbox's
//! is swapped in while it works there ([`WireServer::in_other`]), so that
//! setup, events and cleanup are the same code in both.

use super::*;

/// What the harness holds in one mailbox.
#[derive(Default)]
pub(super) struct Side {
    b: Option<Session>,
    inbox: Option<Id8>,
    scratch: Option<Scratch>,
    ids: IdMap,
    parents: HashMap<Raw, Raw>,
    search: Vec<Raw>,
    messages: HashMap<Raw, Raw>,
    mailbox: Option<String>,
}

impl Side {
    /// Whether the harness holds anything there.
    pub(super) fn in_use(&self) -> bool {
        self.b.is_some() || self.scratch.is_some()
    }

    /// The case-to-server IDs bound there.
    pub(super) fn ids(&self) -> &IdMap {
        &self.ids
    }
}

impl WireServer {
    /// Mailbox `name` behind LogonId 1 (none: LogonId 1 logs on to the
    /// user's own mailbox, and events of LogonId 1 cannot be caused).
    pub fn with_other_mailbox(mut self, name: Option<String>) -> WireServer {
        self.other_mailbox = name;
        self
    }

    /// Exchanges what the harness holds in the mailbox it works in with
    /// what it holds in the other.
    fn swap_side(&mut self) {
        let o = &mut self.other;
        std::mem::swap(&mut self.b, &mut o.b);
        std::mem::swap(&mut self.inbox, &mut o.inbox);
        std::mem::swap(&mut self.scratch, &mut o.scratch);
        std::mem::swap(&mut self.ids, &mut o.ids);
        std::mem::swap(&mut self.parents, &mut o.parents);
        std::mem::swap(&mut self.search, &mut o.search);
        std::mem::swap(&mut self.messages, &mut o.messages);
        std::mem::swap(&mut self.mailbox, &mut o.mailbox);
    }

    /// Runs `f` in the other mailbox.
    pub(super) fn in_other<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.swap_side();
        let r = f(self);
        self.swap_side();
        r
    }

    /// Builds the setup in the other mailbox when the case has LogonId 1
    /// and the run names one.
    pub(super) fn build_other(&mut self, s: &Setup) -> Result<(), Fail> {
        let Some(name) = self.other_mailbox.clone().filter(|_| s.logons.contains(&1)) else { return Ok(()) };
        self.in_other(|w| {
            w.mailbox = Some(name);
            w.build_side(s)
        })
    }

    /// The Essdn session A's RopLogon of `logon_id` names.
    pub(super) fn essdn_for_logon(&self, logon_id: u8) -> String {
        match (&self.other_mailbox, logon_id) {
            (Some(name), 1) => essdn_of(name),
            _ => self.mailbox_dn.clone().unwrap_or_else(|| essdn_of(&self.user)),
        }
    }

    /// `out` (server IDs) with the IDs of both mailboxes as the case names them.
    pub(super) fn to_case_both(&self, out: &[u8]) -> Vec<u8> {
        if self.other.ids().is_empty() {
            return self.ids.to_case_bytes(out);
        }
        self.ids.merged(self.other.ids()).to_case_bytes(out)
    }

    /// A ROP of session A under LogonId 1 that names a case ID of a folder
    /// or message: the ID map of requests is the first mailbox's, so such a
    /// request cannot be sent as the case means it.
    pub(super) fn names_other_ids(&self, input: &[u8]) -> Option<String> {
        if !self.other.in_use() {
            return None;
        }
        let (v, _) = crate::wire::Structure::RopInputBuffer.decode(input, Layout::Spec).ok()?;
        for r in v["RopsList"].as_array()?.iter().filter(|r| r["LogonId"] == 1) {
            let text = r.to_string().to_ascii_lowercase();
            if let Some(id) = self.other.ids().cases().find(|c| text.contains(&format!("\"{c}\""))) {
                return Some(format!(
                    "a request under LogonId 1 names {id}: the IDs of requests map to the first mailbox's only"
                ));
            }
        }
        None
    }
}

/// The Essdn of `user`'s mailbox for RopLogon: `user` itself when it is a
/// distinguished name (starts with `/`: on Exchange a legacyExchangeDN),
/// else oxcnotif serve's form.
pub(super) fn essdn_of(user: &str) -> String {
    if user.starts_with('/') {
        return user.to_string();
    }
    let user = user.split('@').next().unwrap_or(user);
    format!("/o=oxcnotif/cn=Recipients/cn={user}")
}
