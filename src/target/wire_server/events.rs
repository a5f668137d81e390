//! Causing a case's events: each `event` is carried out by the trigger
//! session B with the ordinary ROP that raises it (docs/wire-server.md,
//! "Events, by the ROP that raises them"), or refused with the reason a
//! live mailbox cannot express it; and the folders the ROPs change besides
//! the event's own object (`side_effects`).

use super::*;

impl WireServer {
    pub(super) fn event(&mut self, event: &Value) -> Result<Value, Fail> {
        let e = crate::model::Event::from_value(event).map_err(|e| Reply::Failed(format!("event.{e}")))?;
        let t = e.event_type.name();
        let keys: Vec<&str> = event.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        let allowed: &[&str] = match (t, e.message.is_some()) {
            ("ObjectCreated", false) => &["Type", "LogonId", "Folder", "ParentFolder"],
            ("ObjectCreated", true) => &["Type", "LogonId", "Folder", "Message", "Tags"],
            ("ObjectDeleted", _) => &["Type", "LogonId", "Folder", "Message", "ParentFolder"],
            ("NewMail", _) => &["Type", "LogonId", "Folder", "Message", "MessageFlags", "MessageClass"],
            ("SearchCompleted", _) => &["Type", "LogonId", "Folder"],
            ("ObjectModified", false) => &["Type", "LogonId", "Folder", "Tags"],
            ("ObjectModified", true) => &["Type", "LogonId", "Folder", "Message", "Tags"],
            ("ObjectMoved", _) => &["Type", "LogonId", "Folder", "Message", "ParentFolder", "ToFolder"],
            ("ObjectCopied", _) => &["Type", "LogonId", "Folder", "Message", "ToFolder", "NewId"],
            _ => return Err(Reply::Unimplemented(format!("event {t} cannot be caused over the wire yet"))),
        };
        // UnicodeFlag 1 is what an event is unless it says otherwise: the
        // server then chooses by the client's mode (MS-OXCNOTIF_R220), as
        // RopTransportNewMail leaves it to do.
        let default_unicode = |k: &&&str| **k == "UnicodeFlag" && t == "NewMail" && e.unicode;
        if let Some(k) = keys.iter().find(|k| !allowed.contains(k) && !default_unicode(k)) {
            return Err(Reply::Unimplemented(format!(
                "event {t} with {k}: no ROP that causes {t} lets the client choose {k}"
            )));
        }
        if e.logon_id == 1 && self.other.in_use() {
            // In the other mailbox, by its own trigger session (other.rs).
            let mut v = event.clone();
            v["LogonId"] = json!(0);
            return self.in_other(|w| w.event(&v));
        }
        if e.logon_id != 0 {
            return Err(Reply::Unimplemented(format!(
                "event {t} with LogonId {}: the trigger session has one logon (a second mailbox behind LogonId 1: \
                 --other-mailbox)",
                e.logon_id
            )));
        }
        if matches!(t, "ObjectMoved" | "ObjectCopied") {
            for (role, f) in [("Folder", Some(e.folder)), ("ToFolder", e.to_folder)] {
                if let Some(f) = f.filter(|f| self.search.contains(&self.server_id(*f).0)) {
                    // A search folder's contents are the server's search
                    // results (MS-OXCFOLD 1.3.3); the S flag of such an event
                    // (MS-OXCNOTIF 2.2.1.4.1.1) is the server's to raise.
                    return Err(Reply::Unimplemented(format!(
                        "event {t} with {role} {f}, a search folder: no ROP moves or copies into or out of a search \
                         folder's results"
                    )));
                }
            }
        }
        let mut side_effects = self.side_effects_of(&e, t);
        let mut created = Vec::new();
        let b = self.session_b()?;
        let logon = b.logon;
        match (t, e.message) {
            ("ObjectCreated", None) => {
                if self.ids.has_case(e.folder) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of folder {}, which exists already: RopCreateFolder creates a new one",
                        e.folder
                    )));
                }
                let scratch = self.scratch.as_ref().map(|s| s.id).ok_or_else(|| broken("no scratch folder"))?;
                let parent = e.parent_folder.map(|p| self.server_id(p)).unwrap_or(scratch);
                let id = self.create_folder_in(parent, &folder_name(e.folder), false)?;
                self.ids.bind(e.folder, id);
            }
            ("ObjectCreated", Some(m)) => {
                if self.ids.has_case(m) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of message {m}, which exists already (a search folder gaining a \
                         message?): RopSaveChangesMessage creates a new one"
                    )));
                }
                self.can_create_message(t, m, e.folder)?;
                let id = self.create_message_with(self.server_id(e.folder), &e.tags)?;
                self.ids.bind(m, id);
            }
            ("ObjectDeleted", None) => {
                let folder = self.server_id(e.folder);
                let held = self.held_in(folder);
                if held > 0 {
                    // RopDeleteFolder deletes the folder's contents with it,
                    // each raising ObjectDeleted (MS-OXCFOLD 3.2.5.3): more
                    // notifications than the one event.
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectDeleted of folder {}, which holds {}: RopDeleteFolder would delete those too and \
                         raise ObjectDeleted for each",
                        e.folder,
                        crate::plural::plural(held, "object")
                    )));
                }
                let parent = match e.parent_folder {
                    Some(p) => self.server_id(p),
                    None => self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                        Reply::Unimplemented(format!(
                            "event ObjectDeleted of folder {}: not a folder this harness created, and the event \
                             names no ParentFolder",
                            e.folder
                        ))
                    })?,
                };
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, parent),
                        json!({"RopId": 0x1D, "LogonId": 0, "InputHandleIndex": 1,
                               "DeleteFolderFlags": DELETE_ALL_HARD, "FolderId": id_value(folder)}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the parent").map_err(Reply::Failed)?;
                check(&out, 1, "RopDeleteFolder").map_err(Reply::Failed)?;
                self.parents.remove(&folder.0);
            }
            ("ObjectDeleted", Some(m)) => {
                let (folder, message) = (self.server_id(e.folder), self.server_id(m));
                if self.messages.get(&message.0) != Some(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectDeleted of message {m} in folder {}: not a message this harness created in that \
                         folder (a search folder's view of it?), so RopDeleteMessages there cannot delete it",
                        e.folder
                    )));
                }
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, folder),
                        json!({"RopId": 0x1E, "LogonId": 0, "InputHandleIndex": 1, "WantAsynchronous": 0,
                               "NotifyNonRead": 0, "MessageIdCount": 1, "MessageIds": [id_value(message)]}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the message's folder").map_err(Reply::Failed)?;
                check(&out, 1, "RopDeleteMessages").map_err(Reply::Failed)?;
                self.messages.remove(&message.0);
            }
            ("NewMail", m) => {
                // The new mail is a message in its folder (MS-OXCROPS 2.2.7.7:
                // MessageId and FolderId of the new message): one the setup
                // did not create is saved there first, as a delivery would
                // (its ObjectCreated is named in `created`, for the runner to
                // tolerate), and RopTransportNewMail then announces it.
                if let Some(m) = m.filter(|m| !self.ids.has_case(*m)) {
                    self.can_create_message(t, m, e.folder)?;
                    let id = self.create_message_in(self.server_id(e.folder))?;
                    self.ids.bind(m, id);
                    created.push(CreatedMessage { folder: e.folder.to_string(), message: m.to_string() });
                }
                let message = m.map(|m| self.server_id(m)).unwrap_or(Id8([0; 8]));
                let class = if e.message_class.is_empty() { "IPM.Note".to_string() } else { e.message_class.clone() };
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![json!({"RopId": 0x51, "LogonId": 0, "InputHandleIndex": 0,
                                "MessageId": id_value(message), "FolderId": id_value(self.server_id(e.folder)),
                                "MessageClass": class, "MessageFlags": e.message_flags})],
                    vec![logon],
                )?;
                check(&out, 0, "RopTransportNewMail").map_err(Reply::Failed)?;
            }
            ("ObjectModified", _) => {
                // RopSetProperties on a folder raises ObjectModified with the
                // tags it set (MS-OXCNOTIF 2.2.1.4.1.2: Tags, MS-OXCROPS 2.2.8.6).
                let folder = self.server_id(e.folder);
                let set = set_properties(&e.tags, 1)?;
                if let Some(m) = e.message {
                    // A message's change is reported when RopSaveChangesMessage
                    // commits it (MS-OXCNOTIF 2.2.1.1); B opens it read/write
                    // (RopOpenMessage, MS-OXCROPS 2.2.6.1) in its folder.
                    let message = self.server_id(m);
                    if self.messages.get(&message.0) != Some(&folder.0) {
                        return Err(Reply::Unimplemented(format!(
                            "event ObjectModified of message {m} in folder {}: not a message this harness created in \
                             that folder (a search folder's view of it?), so RopOpenMessage there cannot open it",
                            e.folder
                        )));
                    }
                    let b = self.session_b()?;
                    let (out, _) = self.rops(
                        b,
                        vec![
                            open_message(0, 1, folder, message, READ_WRITE),
                            set,
                            json!({"RopId": 0x0C, "LogonId": 0, "ResponseHandleIndex": 1, "InputHandleIndex": 1,
                                   "SaveFlags": 0x0A}),
                            release(1),
                        ],
                        vec![logon, NEW],
                    )?;
                    check(&out, 0, "RopOpenMessage of the message").map_err(Reply::Failed)?;
                    check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
                    check(&out, 2, "RopSaveChangesMessage").map_err(Reply::Failed)?;
                } else {
                    let b = self.session_b()?;
                    let (out, _) = self.rops(b, vec![open_folder(0, 1, folder), set, release(1)], vec![logon, NEW])?;
                    check(&out, 0, "RopOpenFolder of the folder").map_err(Reply::Failed)?;
                    check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
                }
            }
            ("ObjectMoved", Some(m)) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectMoved names no ToFolder".into()))?;
                let (folder, message, to) = (self.server_id(e.folder), self.server_id(m), self.server_id(to));
                if self.messages.get(&message.0) != Some(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectMoved of message {m} from folder {}: not a message this harness created there and still holds",
                        e.folder
                    )));
                }
                let rop = json!({"RopId": 0x33, "LogonId": 0, "SourceHandleIndex": 1, "DestHandleIndex": 2,
                                 "MessageIdCount": 1, "MessageIds": [id_value(message)], "WantAsynchronous": 0,
                                 "WantCopy": 0});
                self.move_between(folder, "source", to, rop, "RopMoveCopyMessages")?;
                self.messages.insert(message.0, to.0);
            }
            ("ObjectMoved", None) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectMoved names no ToFolder".into()))?;
                let (folder, to_server) = (self.server_id(e.folder), self.server_id(to));
                let parent = self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                    Reply::Unimplemented(format!(
                        "event ObjectMoved of folder {}: not a folder this harness created and still holds",
                        e.folder
                    ))
                })?;
                if let Some(p) = e.parent_folder {
                    if self.server_id(p) != parent {
                        return Err(Reply::Unimplemented(format!(
                            "event ObjectMoved of folder {} from ParentFolder {p}, which is not its parent",
                            e.folder
                        )));
                    }
                }
                let rop = json!({"RopId": 0x35, "LogonId": 0, "SourceHandleIndex": 1, "DestHandleIndex": 2,
                                 "WantAsynchronous": 0, "UseUnicode": 0, "FolderId": id_value(folder),
                                 "NewFolderName": folder_name(e.folder)});
                self.move_between(parent, "parent", to_server, rop, "RopMoveFolder")?;
                self.parents.insert(folder.0, to_server.0);
            }
            ("ObjectCopied", m) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectCopied names no ToFolder".into()))?;
                let (folder, to_server) = (self.server_id(e.folder), self.server_id(to));
                // The copy's ID is the server's; neither RopMoveCopyMessages
                // nor RopCopyFolder answers it (MS-OXCROPS 2.2.4.7, 2.2.4.8).
                // B subscribes to ObjectCopied in the same Execute and reads
                // the copy's ID from its own RopNotify (OldFolderId or
                // OldMessageId naming the source, MS-OXCNOTIF 2.2.1.4.1.2).
                let register = json!({"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                                      "NotificationTypes": 0x0040, "WantWholeStore": 1});
                let (copy, source, what) = match m {
                    Some(m) => {
                        let message = self.server_id(m);
                        if self.messages.get(&message.0) != Some(&folder.0) {
                            return Err(Reply::Unimplemented(format!(
                                "event ObjectCopied of message {m} from folder {}: not a message this harness created \
                                 there",
                                e.folder
                            )));
                        }
                        (
                            json!({"RopId": 0x33, "LogonId": 0, "SourceHandleIndex": 2, "DestHandleIndex": 3,
                                   "MessageIdCount": 1, "MessageIds": [id_value(message)], "WantAsynchronous": 0,
                                   "WantCopy": 1}),
                            message,
                            "RopMoveCopyMessages",
                        )
                    }
                    None => {
                        let held = self.held_in(folder);
                        if held > 0 {
                            return Err(Reply::Unimplemented(format!(
                                "event ObjectCopied of folder {}, which holds {}: RopCopyFolder would copy those too \
                                 and raise ObjectCopied for each",
                                e.folder,
                                crate::plural::plural(held, "object")
                            )));
                        }
                        (
                            json!({"RopId": 0x36, "LogonId": 0, "SourceHandleIndex": 2, "DestHandleIndex": 3,
                                   "WantAsynchronous": 0, "WantRecursive": 0, "UseUnicode": 0,
                                   "FolderId": id_value(folder), "NewFolderName": folder_name(e.folder)}),
                            folder,
                            "RopCopyFolder",
                        )
                    }
                };
                let source_parent = match m {
                    Some(_) => folder,
                    None => self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                        Reply::Unimplemented(format!(
                            "event ObjectCopied of folder {}: not a folder this harness created and still holds",
                            e.folder
                        ))
                    })?,
                };
                let b = self.session_b()?;
                let (mut out, table) = self.rops(
                    b,
                    vec![
                        register,
                        open_folder(0, 2, source_parent),
                        open_folder(0, 3, to_server),
                        copy,
                        release(2),
                        release(3),
                    ],
                    vec![logon, NEW, NEW, NEW],
                )?;
                check(&out, 0, "RopRegisterNotification").map_err(Reply::Failed)?;
                check(&out, 1, "RopOpenFolder of the source").map_err(Reply::Failed)?;
                check(&out, 2, "RopOpenFolder of the destination").map_err(Reply::Failed)?;
                check(&out, 3, what).map_err(Reply::Failed)?;
                if out[3]["PartialCompletion"].as_u64().unwrap_or(0) != 0 {
                    return Err(Reply::Failed(format!("{what} answered PartialCompletion TRUE")));
                }
                let sub = table.get(1).copied().unwrap_or(NEW);
                let b = self.session_b()?;
                let (more, _) = self.rops(b, vec![release(1)], vec![logon, sub])?;
                out.extend(more);
                let (old, new) = if m.is_some() { ("OldMessageId", "MessageId") } else { ("OldFolderId", "FolderId") };
                let copied = out
                    .iter()
                    .filter(|r| r["RopId"].as_u64() == Some(0x2A))
                    .map(|r| &r["NotificationData"])
                    .find(|d| d[old].as_str() == Some(source.to_string().as_str()))
                    .and_then(|d| id_of(&d[new], "the copy's ID").ok());
                match (copied, e.new_id) {
                    (Some(c), Some(n)) => self.ids.bind(n, c),
                    (None, Some(n)) => {
                        return Err(Reply::Failed(format!(
                            "event ObjectCopied: {what} succeeded, but session B's subscription heard of no copy, so \
                             NewId {n} cannot be bound to the server's ID"
                        )))
                    }
                    _ => {}
                }
                if let Some(c) = copied {
                    if m.is_some() {
                        self.messages.insert(c.0, to_server.0);
                    } else {
                        self.parents.insert(c.0, to_server.0);
                    }
                }
            }
            ("SearchCompleted", _) => {
                let folder = self.server_id(e.folder);
                if !self.search.contains(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event SearchCompleted on {}: not a search folder this harness created",
                        e.folder
                    )));
                }
                let scope = self.scratch.as_ref().map(|s| s.id).ok_or_else(|| broken("no scratch folder"))?;
                let b = self.session_b()?;
                // RestartSearch (0x02, MS-OXCFOLD 2.2.1.4.1) over the scratch
                // folder, with an exists restriction on PidTagMessageClass.
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, folder),
                        json!({"RopId": 0x30, "LogonId": 0, "InputHandleIndex": 1, "RestrictionDataSize": 5,
                               "RestrictionData": "081f001a00", "FolderIdCount": 1, "FolderIds": [id_value(scope)],
                               "SearchFlags": 2}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the search folder").map_err(Reply::Failed)?;
                check(&out, 1, "RopSetSearchCriteria").map_err(Reply::Failed)?;
            }
            _ => return Err(Reply::Unimplemented(format!("event {t} cannot be caused over the wire yet"))),
        }
        if !created.is_empty() && !side_effects.contains(&e.folder) {
            // The saved message changed its folder's contents too.
            side_effects.push(e.folder);
        }
        Ok(protocol::ok_value(&EventOk { side_effects: side_effects.iter().map(Id8::to_string).collect(), created }))
    }

    /// B opens `source` (named `role` in a failure) in slot 1 and `dest` in
    /// slot 2 and sends `rop`, a move between them (RopMoveCopyMessages,
    /// MS-OXCROPS 2.2.4.6; RopMoveFolder, 2.2.4.7), which must succeed
    /// whole (PartialCompletion FALSE).
    fn move_between(&mut self, source: Id8, role: &str, dest: Id8, rop: Value, what: &str) -> Result<(), Fail> {
        let b = self.session_b()?;
        let logon = b.logon;
        let (out, _) = self.rops(
            b,
            vec![open_folder(0, 1, source), open_folder(0, 2, dest), rop, release(1), release(2)],
            vec![logon, NEW, NEW],
        )?;
        check(&out, 0, &format!("RopOpenFolder of the {role}")).map_err(Reply::Failed)?;
        check(&out, 1, "RopOpenFolder of the destination").map_err(Reply::Failed)?;
        check(&out, 2, what).map_err(Reply::Failed)?;
        if out[2]["PartialCompletion"].as_u64().unwrap_or(0) != 0 {
            return Err(Reply::Failed(format!("{what} answered PartialCompletion TRUE")));
        }
        Ok(())
    }

    /// Why event `t` cannot create message `m` (case IDs) in `folder`, if
    /// it cannot: the case's ID went to the server before the message
    /// existed (a subscription to it, MS-OXCNOTIF 2.2.1.2.1.1), and the
    /// server names a new message itself; or the setup does not create the
    /// folder RopCreateMessage needs.
    fn can_create_message(&self, t: &str, m: Id8, folder: Id8) -> Result<(), Fail> {
        if self.sent.windows(8).any(|w| w == m.0) {
            return Err(Reply::Unimplemented(format!(
                "event {t} of message {m}, which an earlier request names: the server chooses a new message's \
                 MessageId, so a request cannot name it before it exists"
            )));
        }
        if !self.ids.has_case(folder) && !SPECIAL_FOLDER_IDS.contains(&folder) {
            return Err(Reply::Unimplemented(format!(
                "event {t} of message {m} in folder {folder}, which the setup does not create: RopCreateMessage \
                 needs the folder to exist"
            )));
        }
        Ok(())
    }

    /// The folders, as the case names them, whose contents the ROPs that
    /// cause `e` change besides the object `e` names: the folder a message
    /// is created in, deleted from, saved in, moved out of or into, copied
    /// into; the parent a folder is created under, deleted from, moved out
    /// of, and the folder it is moved or copied into. A live server may
    /// report ObjectModified of each, with its new TotalMessageCount and
    /// UnreadMessageCount (MS-OXCNOTIF 2.2.1.4.1.2); the sequence runner
    /// tolerates one such notification per folder and subscription.
    fn side_effects_of(&self, e: &crate::model::Event, t: &str) -> Vec<Id8> {
        let view = |server: Id8| self.ids.case(server).unwrap_or(server);
        let parent_of = |f: Id8| self.parents.get(&self.server_id(f).0).map(|p| view(Id8(*p)));
        let scratch = self.scratch.as_ref().map(|s| view(s.id));
        let mut out: Vec<Id8> = Vec::new();
        match (t, e.message) {
            ("ObjectCreated" | "ObjectDeleted" | "ObjectModified", Some(_)) => out.push(e.folder),
            ("ObjectMoved", Some(_)) => out.extend([Some(e.folder), e.to_folder].into_iter().flatten()),
            ("ObjectCopied", _) => out.extend(e.to_folder),
            ("ObjectCreated", None) => out.extend(e.parent_folder.or(scratch)),
            ("ObjectDeleted", None) => out.extend(e.parent_folder.or_else(|| parent_of(e.folder))),
            ("ObjectMoved", None) => {
                out.extend([e.parent_folder.or_else(|| parent_of(e.folder)), e.to_folder].into_iter().flatten())
            }
            _ => {}
        }
        out.dedup();
        out
    }
}
