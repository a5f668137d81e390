//! Building a case's setup on the server: the scratch folder's folders and
//! messages by the trigger session B, then the client session A's logons
//! and the objects the setup opens.

use super::*;

impl WireServer {
    /// `profile` is the product the user says the server is (`run --server
    /// --profile P`): it changes what the case expects, and nothing the
    /// harness sends, so it is not used here.
    pub(super) fn reset(&mut self, _profile: &str, layout: &str, setup: &Value) -> Result<Value, Fail> {
        if let Err(e) = self.clean() {
            return Err(Reply::Failed(format!("cleaning up the previous case: {e}")));
        }
        // The layout is the server's (`run --layout`), and only
        // RopRegisterNotification depends on it: the case's go to the server
        // as the case wrote them, and the wire server's own (ObjectCopied,
        // 0x0040, whole store, to learn a copy's ID) reads the same in both.
        if crate::wire::Layout::from_name(layout).is_none() {
            return Err(Reply::Failed(format!("layout {layout:?}: not spec or legacy")));
        }
        let s = Setup::from_value(setup).map_err(|e| Reply::Failed(format!("setup.{e}")))?;
        if setup.get("session_index").is_some() {
            return Err(Reply::Unimplemented(
                "setup.session_index: the SessionIndex of RopPending is the server's to choose over the wire".into(),
            ));
        }
        let mode = match s.client_mode {
            ClientMode::Online => 0,
            ClientMode::Cached => crate::wire::transport::aux_buffer::CLIENTMODE_CACHED,
        };
        self.build_side(&s)?;
        self.build_other(&s)?;
        // Session A, the client under test.
        let a = self.open_session("A", mode)?;
        self.a = Some(a);
        let mut rops = Vec::new();
        let mut table = Vec::new();
        for (i, l) in s.logons.iter().enumerate() {
            rops.push(logon_rop(&self.essdn_for_logon(*l), *l, i as u8));
            table.push(NEW);
        }
        let first = s.logons.first().copied().unwrap_or(0);
        for o in &s.opened {
            let server = self.ids.server(o.object).unwrap_or(o.object);
            let mut r = if o.message {
                // A message is opened in the folder B created it in
                // (RopOpenMessage, MS-OXCROPS 2.2.6.1: FolderId and MessageId).
                let folder = self.messages.get(&server.0).copied().map(Id8).ok_or_else(|| {
                    Reply::Unimplemented(format!(
                        "setup opens message {} ({}), which the setup does not create",
                        o.object, o.name
                    ))
                })?;
                open_message(0, table.len() as u8, folder, server, 0x00)
            } else {
                open_folder(0, table.len() as u8, server)
            };
            r["LogonId"] = json!(first);
            rops.push(r);
            table.push(NEW);
        }
        if table.len() > 255 {
            return Err(Reply::Unimplemented("setup: more than 255 logons and opened objects".into()));
        }
        let a = self.a.as_ref().ok_or_else(|| broken("session A is gone"))?;
        let (out, handles) = self.rops(a, rops, table)?;
        let mut ok = ResetOk::default();
        for (i, l) in s.logons.iter().enumerate() {
            let r = out.get(i).cloned().unwrap_or(Value::Null);
            if r["ReturnValue"].as_u64() != Some(0) {
                return Err(Reply::Failed(format!("session A's RopLogon of LogonId {l}: {}", rop_failure(&r))));
            }
            ok.logons.insert(l.to_string(), handles.get(i).copied().unwrap_or(NEW));
        }
        for (k, o) in s.opened.iter().enumerate() {
            let i = s.logons.len() + k;
            let r = out.get(i).cloned().unwrap_or(Value::Null);
            if r["ReturnValue"].as_u64() != Some(0) {
                return Err(Reply::Failed(format!(
                    "session A's {} of {} ({}): {}",
                    if o.message { "RopOpenMessage" } else { "RopOpenFolder" },
                    o.object,
                    o.name,
                    rop_failure(&r)
                )));
            }
            ok.handles.insert(o.name.clone(), handles.get(i).copied().unwrap_or(NEW));
        }
        Ok(protocol::ok_value(&ok))
    }

    /// In the mailbox B works in: session B (logon, Inbox), the scratch
    /// folder, and the setup's folders and messages in it.
    pub(super) fn build_side(&mut self, s: &Setup) -> Result<(), Fail> {
        // Session B, the trigger: logon, Inbox, scratch folder.
        let mut b = self.open_session("B", 0)?;
        let (out, table) = match self.rops(&b, vec![self.logon_rop(0, 0)], vec![NEW]) {
            Ok(v) => v,
            Err(e) => {
                self.disconnect(&b, "session B");
                return Err(e);
            }
        };
        b.logon = table.first().copied().unwrap_or(NEW);
        let logon = out.first().cloned().unwrap_or(Value::Null);
        self.b = Some(b);
        if logon["ReturnValue"].as_u64() != Some(0) {
            return Err(Reply::Failed(format!("session B's RopLogon: {}", rop_failure(&logon))));
        }
        let special: Vec<Id8> = logon["FolderIds"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| id_of(v, "FolderIds").ok()).collect())
            .unwrap_or_default();
        let inbox = *special
            .get(crate::model::setup::INBOX)
            .ok_or_else(|| Reply::Failed("session B's RopLogon names no 13 FolderIds (MS-OXCROPS_R53)".to_string()))?;
        self.inbox = Some(inbox);
        self.counter += 1;
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let name = format!("oxcnotif scratch {}-{}-{stamp}", std::process::id(), self.counter);
        let scratch_id = match self.create_folder_in(inbox, &name, false) {
            Ok(id) => id,
            Err(e) => {
                // A failure the server answered (a ROP's ReturnValue) created
                // nothing; any other may have.
                if !reply_text(&e).starts_with("Rop") {
                    self.recover_scratch(inbox, &name);
                }
                return Err(e);
            }
        };
        self.register_scratch(inbox, &name, scratch_id);
        self.scratch = Some(Scratch { name, id: scratch_id });
        // The setup's folders, parents first.
        let mut pending: Vec<_> = s.folders.clone();
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for f in pending {
                let parent = match f.parent {
                    None => Some(scratch_id),
                    Some(p) if !s.folders.iter().any(|g| g.id == p) => Some(scratch_id),
                    Some(p) => self.ids.server(p),
                };
                match parent {
                    Some(p) => {
                        let id = self.create_folder_in(p, &folder_name(f.id), f.search)?;
                        self.ids.bind(f.id, id);
                    }
                    None => rest.push(f),
                }
            }
            if rest.len() == before {
                return Err(Reply::Failed("setup.folders: the parents form a cycle".into()));
            }
            pending = rest;
        }
        for m in &s.messages {
            let folder = self.ids.server(m.folder).ok_or_else(|| {
                Reply::Unimplemented(format!(
                    "setup.messages: message {} is in folder {}, which the setup does not create",
                    m.id, m.folder
                ))
            })?;
            let id = self.create_message_in(folder)?;
            self.ids.bind(m.id, id);
        }
        self.bind_special_folders(&special);
        Ok(())
    }

    /// The reference mailbox's special folders, where the setup does not
    /// use their IDs, stand for the server's (MS-OXCROPS_R53).
    fn bind_special_folders(&mut self, special: &[Id8]) {
        for (case, server) in SPECIAL_FOLDER_IDS.iter().zip(special) {
            if !self.ids.has_case(*case) && !self.ids.has_server(*server) && case != server {
                self.ids.bind(*case, *server);
            }
        }
    }

    /// B creates a folder `name` under `parent` (server IDs).
    pub(super) fn create_folder_in(&mut self, parent: Id8, name: &str, search: bool) -> Result<Id8, Fail> {
        let b = self.session_b()?;
        let (out, _) = self.rops(
            b,
            vec![open_folder(0, 1, parent), create_folder(1, 2, name, search), release(2), release(1)],
            vec![b.logon, NEW, NEW],
        )?;
        check(&out, 0, "RopOpenFolder of the parent").map_err(Reply::Failed)?;
        check(&out, 1, &format!("RopCreateFolder {name:?}")).map_err(Reply::Failed)?;
        let id = id_of(&out[1]["FolderId"], "RopCreateFolder's FolderId").map_err(Reply::Failed)?;
        self.parents.insert(id.0, parent.0);
        if search {
            self.search.push(id.0);
        }
        Ok(id)
    }

    /// B creates and saves a message in `folder` (server ID).
    pub(super) fn create_message_in(&mut self, folder: Id8) -> Result<Id8, Fail> {
        self.create_message_with(folder, &[])
    }

    /// B creates a message in `folder` (server ID), sets `tags` on it, and
    /// saves it: the save's ObjectCreated carries the tags set
    /// (MS-OXCNOTIF 2.2.1.4.1.2).
    pub(super) fn create_message_with(&mut self, folder: Id8, tags: &[u32]) -> Result<Id8, Fail> {
        let mut rops = vec![json!({"RopId": 0x06, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                                   "CodePageId": 0x0FFF, "FolderId": id_value(folder), "AssociatedFlag": 0})];
        if !tags.is_empty() {
            rops.push(set_properties(tags, 1)?);
        }
        let save = rops.len();
        rops.push(
            json!({"RopId": 0x0C, "LogonId": 0, "ResponseHandleIndex": 1, "InputHandleIndex": 1, "SaveFlags": 0x0A}),
        );
        rops.push(release(1));
        let b = self.session_b()?;
        let (out, _) = self.rops(b, rops, vec![b.logon, NEW])?;
        check(&out, 0, "RopCreateMessage").map_err(Reply::Failed)?;
        if save == 2 {
            check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
        }
        check(&out, save, "RopSaveChangesMessage").map_err(Reply::Failed)?;
        let id = id_of(&out[save]["MessageId"], "RopSaveChangesMessage's MessageId").map_err(Reply::Failed)?;
        self.messages.insert(id.0, folder.0);
        Ok(id)
    }

    /// How many folders and messages this harness created (and did not
    /// delete) directly in `folder` (a server ID).
    pub(super) fn held_in(&self, folder: Id8) -> usize {
        self.parents.values().filter(|p| **p == folder.0).count()
            + self.messages.values().filter(|f| **f == folder.0).count()
    }
}
