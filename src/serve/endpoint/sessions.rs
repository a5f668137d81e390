//! Session Contexts over time: credentials (MS-OXCMAPIHTTP_R35), the
//! X-RequestId of each request (R130, R1305), Session Contexts that begin
//! and end (Disconnect, expiry: R1217, R1285), and the events one Session
//! Context raises, replayed into the others of its mailbox.

use super::*;

impl Endpoint {
    /// The served user whose Basic credentials `authorization` (the
    /// header's value) carries (MS-OXCMAPIHTTP_R35).
    pub fn authenticate_header(&self, authorization: Option<&str>) -> Option<String> {
        use base64::Engine;
        let (scheme, token) = authorization?.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let raw = base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (name, password) = text.split_once(':')?;
        self.config.users.iter().find(|u| u.name == name && u.password == password).map(|u| u.name.clone())
    }

    pub(super) fn check_request_id(&mut self, id: u64, request_id: &str, findings: &mut Vec<ClientFinding>) {
        let ctx = self.contexts.get_mut(&id).expect("a live context");
        let Some((guid, counter)) = context::guid_and_counter(request_id) else {
            findings.push(finding(
                "MS-OXCMAPIHTTP_R130",
                "X-RequestId",
                &format!("{request_id:?} is not a GUID followed by ':' and a decimal counter"),
                rc::SUCCESS,
            ));
            return;
        };
        match &ctx.request_guid {
            Some(g) if *g != guid => findings.push(finding(
                "MS-OXCMAPIHTTP_R1305",
                "X-RequestId",
                &format!("the GUID part changed from {g} to {guid} within one Session Context"),
                rc::SUCCESS,
            )),
            _ => ctx.request_guid = Some(guid),
        }
        if let Some(last) = ctx.last_counter {
            if counter <= last {
                findings.push(finding(
                    "MS-OXCMAPIHTTP_R130",
                    "X-RequestId",
                    &format!("the counter is {counter}, after {last}: it MUST increase with every new request"),
                    rc::SUCCESS,
                ));
            }
        }
        ctx.last_counter = Some(counter);
    }

    /// Causes `event` in `user`'s mailbox, as a change made elsewhere (the
    /// control endpoint): every Session Context of the mailbox sees it.
    /// Returns the Session Contexts that now have notifications queued.
    pub fn raise(&mut self, user: &str, event: &Event) -> Result<Vec<u64>, String> {
        if !self.config.users.iter().any(|u| u.name == user) {
            return Err(format!("no user {user:?} is served"));
        }
        self.mailbox_entry(user);
        Ok(self.replay_into(user, None, std::slice::from_ref(event)))
    }

    /// What `user`'s mailbox holds (the master store's folders and
    /// messages, [`crate::model::store::Store::to_value`]): for a test or
    /// a person to see what a client left behind.
    pub fn mailbox(&self, user: &str) -> Result<serde_json::Value, String> {
        if !self.config.users.iter().any(|u| u.name == user) {
            return Err(format!("no user {user:?} is served"));
        }
        Ok(match self.mailboxes.get(user) {
            Some(m) => m.master.store().to_value(),
            None => Server::new(self.config.profile.clone(), self.config.layout, &Setup::private_mailbox())
                .store()
                .to_value(),
        })
    }

    /// Destroys Session Contexts idle for longer than X-ExpirationInfo
    /// (MS-OXCMAPIHTTP_R1217, R1285); a held NotificationWait keeps its
    /// context alive (R1260). Returns how many ended.
    pub fn sweep(&mut self, now_ms: u64) -> usize {
        let limit = self.config.expiration_ms;
        let idle: Vec<u64> = self
            .contexts
            .values()
            .filter(|c| !c.busy && !c.waiting && now_ms.saturating_sub(c.last_active_ms) > limit)
            .map(|c| c.id)
            .collect();
        for &id in &idle {
            self.end(id, "expired: idle for longer than X-ExpirationInfo (MS-OXCMAPIHTTP_R1285)");
        }
        idle.len()
    }

    pub(super) fn begin(&mut self, id: u64, now_ms: u64) {
        if let Some(c) = self.contexts.get_mut(&id) {
            c.busy = true;
            c.last_active_ms = now_ms;
        }
    }

    pub(super) fn end(&mut self, id: u64, why: &str) {
        let Some(mut ctx) = self.contexts.remove(&id) else { return };
        self.by_cookie.remove(&ctx.cookie);
        if let Some(m) = self.mailboxes.get_mut(&ctx.user) {
            m.contexts.remove(&id);
        }
        ctx.ended = Some(why.to_string());
        ctx.busy = false;
        ctx.waiting = false;
        self.ended.push(ctx);
    }

    /// `user`'s mailbox, made on first use: its master store holds the
    /// reference mailbox, and its IDs start 2^32 apart from every other
    /// served user's, so that a session logged on to two mailboxes never
    /// sees one ID for two objects.
    pub(super) fn mailbox_entry(&mut self, user: &str) -> &mut Mailbox {
        let (profile, layout) = (self.config.profile.clone(), self.config.layout);
        let k = self.config.users.iter().position(|u| u.name == user).unwrap_or(0) as u64;
        self.mailboxes.entry(user.to_string()).or_insert_with(|| {
            let mut master = Server::new(profile, layout, &Setup::private_mailbox());
            master.start_ids_at(k << 32);
            Mailbox { master, contexts: Default::default() }
        })
    }

    /// Notes the mailbox each RopLogon in `input` opens for Session Context
    /// `id`: a served user named by the Essdn's last `cn=` (the form Connect
    /// and RopLogon use here, `/o=oxcnotif/cn=Recipients/cn=NAME`). A served
    /// user may open another's mailbox (a delegate with full access); that
    /// mailbox's store joins the context's, and its events reach the
    /// context under that LogonId.
    pub(super) fn note_logons(&mut self, id: u64, input: &[u8]) {
        let Ok((v, _)) = crate::wire::Structure::RopInputBuffer.decode(input, self.config.layout) else { return };
        for r in v["RopsList"].as_array().into_iter().flatten().filter(|r| r["RopId"] == 0xFE) {
            let (Some(l), Some(essdn)) = (r["LogonId"].as_u64(), r["Essdn"].as_str()) else { continue };
            let name = essdn.rsplit("cn=").next().unwrap_or_default().trim_end_matches('\0').to_ascii_lowercase();
            let Some(user) = self
                .config
                .users
                .iter()
                .find(|u| u.name.split('@').next().unwrap_or_default().eq_ignore_ascii_case(&name))
                .map(|u| u.name.clone())
            else {
                continue;
            };
            let own = self.contexts.get(&id).is_some_and(|c| c.user == user);
            if !own {
                self.mailbox_entry(&user);
            }
            let master = self.mailboxes.get(&user).map(|m| m.master.new_session(0, ClientMode::Online));
            let Some(ctx) = self.contexts.get_mut(&id) else { return };
            if let (false, Some(m)) = (own, master) {
                ctx.server.merge_mailbox(&m);
                if l == 0 {
                    // What the context creates goes to its first logon's
                    // mailbox: IDs from that mailbox's range.
                    ctx.server.start_ids_at(m.id_counter());
                }
            }
            ctx.logons.insert(l as u8, user);
        }
    }

    /// Replays the events Session Context `from` raised into the masters of
    /// the mailboxes they happened in (by the LogonId each was raised
    /// under) and into every other Session Context that sees them.
    pub(super) fn replay(&mut self, from: u64, raised: &[Event]) -> Vec<u64> {
        if raised.is_empty() {
            return Vec::new();
        }
        let mut by_mailbox: Vec<(String, Vec<Event>)> = Vec::new();
        for e in raised {
            let user = self.contexts[&from].mailbox_of(e.logon_id).to_string();
            match by_mailbox.iter_mut().find(|(u, _)| *u == user) {
                Some((_, v)) => v.push(e.clone()),
                None => by_mailbox.push((user, vec![e.clone()])),
            }
        }
        let mut woken = Vec::new();
        for (user, events) in by_mailbox {
            for w in self.replay_mailbox(from, &user, &events) {
                if !woken.contains(&w) {
                    woken.push(w);
                }
            }
        }
        if self.contexts.get(&from).is_some_and(|c| !c.server.queued().is_empty()) && !woken.contains(&from) {
            woken.push(from);
        }
        woken
    }

    /// [`Endpoint::replay`] of the events that happened in `user`'s mailbox.
    fn replay_mailbox(&mut self, from: u64, user: &str, raised: &[Event]) -> Vec<u64> {
        let woken = self.replay_into(user, Some(from), raised);
        // Then what the events do not carry (names, search folders): the
        // mailbox as the session that changed it sees it.
        // Only the folders the events name (and a copy's new ID): the cost
        // stays with the change, not with the mailbox's size.
        let folders: Vec<_> =
            raised.iter().flat_map(|e| [Some(e.folder), e.new_id.filter(|_| e.message.is_none())]).flatten().collect();
        if let (Some(ctx), Some(mailbox)) = (self.contexts.remove(&from), self.mailboxes.get_mut(user)) {
            for f in &folders {
                mailbox.master.adopt_folder(&ctx.server, f);
            }
            for other in self.contexts.values_mut().filter(|c| c.sees(user)) {
                for f in &folders {
                    other.server.adopt_folder(&ctx.server, f);
                }
            }
            self.contexts.insert(from, ctx);
        }
        woken
    }

    pub(super) fn replay_into(&mut self, user: &str, from: Option<u64>, events: &[Event]) -> Vec<u64> {
        let Some(mailbox) = self.mailboxes.get_mut(user) else { return Vec::new() };
        for e in events {
            mailbox.master.event(e);
        }
        let mut woken = Vec::new();
        let mut ids: Vec<u64> = self.contexts.values().filter(|c| c.sees(user)).map(|c| c.id).collect();
        ids.sort_unstable();
        for id in ids.into_iter().filter(|&id| Some(id) != from) {
            let Some(ctx) = self.contexts.get_mut(&id) else { continue };
            // A Session Context with no logon yet still keeps its store
            // current (its notifications would have no logon to go to); one
            // logged on to other mailboxes only does not see this one.
            let logon = ctx.logon_to(user);
            if logon.is_none() && !ctx.logons.is_empty() {
                continue;
            }
            let mut queued = 0;
            for e in events {
                queued += ctx.server.event(&context::for_logon(e, logon.unwrap_or(0)));
            }
            if queued > 0 || !ctx.server.queued().is_empty() {
                woken.push(id);
            }
        }
        woken
    }
}
