//! The reference server executes the ROPs that log on, open folders and
//! create, move and copy folders and messages. As in [`super::mailbox`],
//! every store change is an event raised through `raise`, so it reaches
//! subscriptions and open tables as the adapter protocol's `event` does,
//! and is kept for [`Server::take_raised`].
//!
//! | ROP | input object | what it does | events |
//! |---|---|---|---|
//! | RopLogon | none | opens a logon for LogonId (replacing an open one) and names the 13 special folders | none |
//! | RopOpenFolder | the logon or a folder | opens the folder FolderId names | none |
//! | RopOpenMessage | the logon or a folder | opens the message MessageId names in the folder FolderId names | none (a later save raises ObjectModified) |
//! | RopCreateFolder | a folder | a new subfolder with a server-assigned FolderId, or the existing one of that name | ObjectCreated (new) |
//! | RopMoveCopyMessages | source and destination folders | moves (WantCopy zero) or copies the listed messages of the source | ObjectMoved, or ObjectCopied with a new MessageId, per message |
//! | RopMoveFolder | the parent and the new parent | moves the subfolder FolderId, renamed NewFolderName | ObjectMoved |
//! | RopCopyFolder | the parent and the new parent | copies it with a new FolderId, with its messages and (WantRecursive) its subfolders | ObjectCopied per copy |
//! | RopSetProperties | a folder or message | stores the values | ObjectModified for a folder at once; a message's tags go with its next RopSaveChangesMessage |
//!
//! RopLogon (MS-OXCROPS 2.2.3.1, MS-OXCSTOR 3.2.5.1): a private-mailbox
//! logon succeeds for any Essdn and answers with
//! [`SPECIAL_FOLDER_IDS`](crate::model::setup::SPECIAL_FOLDER_IDS); a
//! LogonId already open is released first (MS-OXCROPS_R28, R29). The
//! model has no public folders, so a logon without the Private flag is
//! ecLoginFailure. The response's other fields are fixed (the model has
//! no clock): ResponseFlags Reserved|OwnerRight|SendAsRight, ReplId
//! 0x0001 (that of every FolderId and MessageId the model assigns),
//! LogonTime 12:00:00 on Thursday 1 January 2026, GwartTime 0, StoreState
//! 0 (MS-OXCROPS_R4683).
//!
//! RopOpenFolder (MS-OXCFOLD 3.2.5.1): ecNotFound when FolderId names no
//! folder (MS-OXCFOLD_R468, R469), ecNotSupported when the input is not a
//! logon or folder (R472, R473); HasRules and IsGhosted are FALSE (a
//! private mailbox has no ghosted folders, R30).
//!
//! RopOpenMessage ([MS-OXCROPS] 2.2.6.1, MS-OXCMSG 3.2.5.1): ecNotFound
//! when MessageId names no message the store holds in FolderId (the case
//! of RopOpenFolder's R468), ecNotSupported when the input is not a logon
//! or folder. Every OpenModeFlags value opens the message for changes.
//! The success response has HasNamedProperties FALSE, SubjectPrefix and
//! NormalizedSubject of StringType 0x00 (no string: the model keeps no
//! subject), RecipientCount 0, no RecipientColumns and no RecipientRows
//! (MS-OXCROPS_R1703-R1723). RopSetProperties then RopSaveChangesMessage
//! on the handle raises ObjectModified of the message.
//!
//! RopCreateFolder (MS-OXCFOLD 3.2.5.2): names are unique among siblings,
//! compared without case (R1065, R480). A name that exists is opened when
//! OpenExisting is TRUE (R482) and is ecDuplicateName otherwise (R481,
//! R491, R493); a FolderType other than 1 or 2 is ecInvalidParam (R486,
//! R487); an input object that is not a folder is ecNotSupported (R494,
//! R495). A new folder gets its FolderId from [`Server::allocate_id`] and
//! raises ObjectCreated with the input folder as its parent; FolderType 2
//! makes it a search folder (for RopSetSearchCriteria) once created.
//! IsExistingFolder is FALSE in a private mailbox (R1197).
//!
//! The move and copy ROPs answer the null destination failure response
//! (ecDstNullObject 0x00000503, DestHandleIndex echoed) when the
//! destination slot holds no object (MS-OXCROPS_R789, R791, R832, R834,
//! R877, R879), and ecNotSupported when either object is not a folder. A
//! listed message that is not in the source folder is skipped and sets
//! PartialCompletion; a FolderId that is not a subfolder of the source is
//! ecNotFound; a name a subfolder of the destination already has is
//! ecDuplicateName. Moves keep the object's ID; every copy gets a new one
//! from [`Server::allocate_id`]. The model does not refuse a move of a
//! folder under its own subtree (the store survives the cycle).
//! RopSetProperties reports no PropertyProblems; PidTagDisplayName renames
//! a folder for the duplicate-name checks.

use super::{Object, Server};
use crate::model::event::{Event, EventType};
use crate::model::setup::SPECIAL_FOLDER_IDS;
use crate::wire::mailbox::copy_folder::RopCopyFolderResponse;
use crate::wire::mailbox::create_folder::{CreatedFolder, RopCreateFolderResponse};
use crate::wire::mailbox::logon::{LogonBody, LogonTime, PrivateLogon, RopLogonResponse, PRIVATE};
use crate::wire::mailbox::move_copy::EC_DST_NULL_OBJECT;
use crate::wire::mailbox::move_copy_messages::RopMoveCopyMessagesResponse;
use crate::wire::mailbox::move_folder::RopMoveFolderResponse;
use crate::wire::mailbox::open_folder::{OpenedFolder, RopOpenFolderResponse};
use crate::wire::mailbox::open_message::RopOpenMessageResponse;
use crate::wire::mailbox::set_properties::RopSetPropertiesResponse;
use crate::wire::property_value::{PropertyValue, TaggedPropertyValue};
use crate::wire::return_value::{NOT_SUPPORTED, SUCCESS};
use crate::wire::rop_buffer::{RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::Id8;
use std::collections::HashMap;

/// ecNotFound (MS-OXCFOLD_R468).
const EC_NOT_FOUND: u32 = 0x8004_010F;
/// ecLoginFailure (MS-OXCSTOR 3.2.5.1.3).
const EC_LOGIN_FAILURE: u32 = 0x8004_0111;
/// ecInvalidParam (MS-OXCFOLD_R486).
const EC_INVALID_PARAM: u32 = 0x8007_0057;
/// ecDuplicateName (MS-OXCFOLD_R491).
const EC_DUPLICATE_NAME: u32 = 0x8004_0604;

/// The property ID of PidTagDisplayName: setting it renames a folder.
const PID_TAG_DISPLAY_NAME: u16 = 0x3001;

/// The MailboxGuid the model's private mailbox answers with.
const MAILBOX_GUID: [u8; 16] = *b"oxcnotif-mailbox";
/// The ReplGuid of ReplId 0x0001.
const REPL_GUID: [u8; 16] = *b"oxcnotif-replica";

impl Server {
    /// Puts `object` in a new handle of `logon_id` at `slot` of `table`.
    fn open_object(&mut self, logon_id: u8, table: &mut Vec<u32>, slot: u8, object: Object) {
        let h = self.assign();
        self.owner.insert(h, logon_id);
        if let Some((_, objects)) = self.logons.get_mut(&logon_id) {
            objects.insert(h, object);
        }
        widen(table, slot);
        table[slot as usize] = h;
    }

    /// The subfolder of `parent` named `name` (without case), if any.
    fn child_named(&self, parent: Id8, name: &str) -> Option<Id8> {
        self.store.children_of(&parent).into_iter().find(|c| self.names.get(c).is_some_and(|n| n == name))
    }

    /// Executes a folder ROP; `None` when `rop` is not one of them.
    pub(super) fn folder_rop(&mut self, rop: &RopRequest, table: &mut Vec<u32>) -> Option<RopResponse> {
        Some(match rop {
            RopRequest::Logon(r) => {
                widen(table, r.output_handle_index);
                let body = if r.logon_flags & PRIVATE == 0 {
                    LogonBody::Failure
                } else {
                    if self.logons.contains_key(&r.logon_id) {
                        self.close_logon(r.logon_id); // MS-OXCROPS_R28, R29
                    }
                    let h = self.assign();
                    let mut objects = HashMap::new();
                    objects.insert(h, Object::Logon);
                    self.logons.insert(r.logon_id, (h, objects));
                    self.owner.insert(h, r.logon_id);
                    table[r.output_handle_index as usize] = h;
                    LogonBody::Private(
                        r.logon_flags & 0x07,
                        Box::new(PrivateLogon {
                            folder_ids: SPECIAL_FOLDER_IDS,
                            response_flags: 0x07,
                            mailbox_guid: MAILBOX_GUID,
                            repl_id: 0x0001,
                            repl_guid: REPL_GUID,
                            logon_time: LogonTime {
                                seconds: 0,
                                minutes: 0,
                                hour: 12,
                                day_of_week: 4,
                                day: 1,
                                month: 1,
                                year: 2026,
                            },
                            gwart_time: 0,
                            store_state: 0,
                        }),
                    )
                };
                RopResponse::Logon(RopLogonResponse {
                    output_handle_index: r.output_handle_index,
                    return_value: if body == LogonBody::Failure { EC_LOGIN_FAILURE } else { SUCCESS },
                    body,
                })
            }
            RopRequest::OpenFolder(r) => {
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Logon | Object::Folder(_)) if self.store.folder_exists(&r.folder_id) => SUCCESS,
                    Ok(Object::Logon | Object::Folder(_)) => EC_NOT_FOUND, // MS-OXCFOLD_R468, R469
                    Ok(_) => NOT_SUPPORTED,                                // MS-OXCFOLD_R472, R473
                    Err(code) => code,
                };
                widen(table, r.output_handle_index);
                if code == SUCCESS {
                    self.open_object(r.logon_id, table, r.output_handle_index, Object::Folder(r.folder_id));
                }
                RopResponse::OpenFolder(RopOpenFolderResponse {
                    output_handle_index: r.output_handle_index,
                    return_value: code,
                    folder: (code == SUCCESS).then_some(OpenedFolder { has_rules: 0, is_ghosted: 0, replicas: None }),
                })
            }
            RopRequest::OpenMessage(r) => {
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Logon | Object::Folder(_))
                        if self.store.folder_of(&r.message_id) == Some(r.folder_id) =>
                    {
                        SUCCESS
                    }
                    Ok(Object::Logon | Object::Folder(_)) => EC_NOT_FOUND,
                    Ok(_) => NOT_SUPPORTED,
                    Err(code) => code,
                };
                widen(table, r.output_handle_index);
                if code == SUCCESS {
                    self.open_object(r.logon_id, table, r.output_handle_index, Object::Message(r.message_id));
                }
                let ok = code == SUCCESS;
                RopResponse::OpenMessage(RopOpenMessageResponse {
                    output_handle_index: r.output_handle_index,
                    return_value: code,
                    has_named_properties: ok.then_some(0),
                    subject_prefix: ok.then_some((0, None)),
                    normalized_subject: ok.then_some((0, None)),
                    recipient_count: ok.then_some(0),
                    recipient_columns: ok.then(Vec::new),
                    recipient_rows: ok.then(Vec::new),
                })
            }
            RopRequest::CreateFolder(r) => {
                let name = r.display_name_text().to_lowercase();
                let outcome = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Folder(_)) if !matches!(r.folder_type, 1 | 2) => Err(EC_INVALID_PARAM), // R486, R487
                    Ok(Object::Folder(parent)) => match self.child_named(parent, &name) {
                        Some(existing) if r.open_existing != 0 => Ok(existing), // MS-OXCFOLD_R482
                        Some(_) => Err(EC_DUPLICATE_NAME),                      // R481, R491, R493
                        None => {
                            let fid = self.allocate_id();
                            let mut e = Event::new(EventType::ObjectCreated, fid, None);
                            e.parent_folder = Some(parent);
                            self.raise(e, r.logon_id);
                            if r.folder_type == 2 {
                                self.store.add_folder(fid, Some(parent), true);
                            }
                            self.names.insert(fid, name);
                            Ok(fid)
                        }
                    },
                    Ok(_) => Err(NOT_SUPPORTED), // MS-OXCFOLD_R494, R495
                    Err(code) => Err(code),
                };
                widen(table, r.output_handle_index);
                if let Ok(fid) = outcome {
                    self.open_object(r.logon_id, table, r.output_handle_index, Object::Folder(fid));
                }
                RopResponse::CreateFolder(RopCreateFolderResponse {
                    output_handle_index: r.output_handle_index,
                    return_value: outcome.err().unwrap_or(SUCCESS),
                    folder: outcome.ok().map(|folder_id| CreatedFolder {
                        folder_id,
                        is_existing_folder: 0, // MS-OXCFOLD_R1197
                        existing: None,
                    }),
                })
            }
            RopRequest::MoveCopyMessages(r) => {
                let copy = r.want_copy != 0;
                let (code, dest, partial) =
                    match self.transfer_ends(r.logon_id, table, r.source_handle_index, r.dest_handle_index) {
                        Err((code, dest)) => (code, dest, false),
                        Ok((src, dest)) => {
                            let mut partial = false;
                            for &m in &r.message_ids {
                                if self.store.folder_of(&m) != Some(src) {
                                    partial = true; // not a message of the source folder
                                    continue;
                                }
                                let ty = if copy { EventType::ObjectCopied } else { EventType::ObjectMoved };
                                let mut e = Event::new(ty, src, Some(m));
                                e.to_folder = Some(dest);
                                if copy {
                                    e.new_id = Some(self.allocate_id());
                                }
                                self.raise(e, r.logon_id);
                            }
                            (SUCCESS, None, partial)
                        }
                    };
                let mut resp = RopMoveCopyMessagesResponse::new(r.source_handle_index, code, partial);
                resp.dest_handle_index = dest;
                RopResponse::MoveCopyMessages(resp)
            }
            RopRequest::MoveFolder(r) => {
                let name = r.new_folder_name_text().to_lowercase();
                let (code, dest) =
                    match self.transfer_ends(r.logon_id, table, r.source_handle_index, r.dest_handle_index) {
                        Err((code, dest)) => (code, dest),
                        Ok((src, _)) if self.store.parent_of(&r.folder_id) != Some(src) => (EC_NOT_FOUND, None),
                        Ok((_, dest)) if self.child_named(dest, &name).is_some_and(|c| c != r.folder_id) => {
                            (EC_DUPLICATE_NAME, None)
                        }
                        Ok((_, dest)) => {
                            let mut e = Event::new(EventType::ObjectMoved, r.folder_id, None);
                            e.to_folder = Some(dest);
                            self.raise(e, r.logon_id);
                            self.names.insert(r.folder_id, name);
                            (SUCCESS, None)
                        }
                    };
                let mut resp = RopMoveFolderResponse::new(r.source_handle_index, code, false);
                resp.dest_handle_index = dest;
                RopResponse::MoveFolder(resp)
            }
            RopRequest::CopyFolder(r) => {
                let name = r.new_folder_name_text().to_lowercase();
                let (code, dest) =
                    match self.transfer_ends(r.logon_id, table, r.source_handle_index, r.dest_handle_index) {
                        Err((code, dest)) => (code, dest),
                        Ok((src, _)) if self.store.parent_of(&r.folder_id) != Some(src) => (EC_NOT_FOUND, None),
                        Ok((_, dest)) if self.child_named(dest, &name).is_some() => (EC_DUPLICATE_NAME, None),
                        Ok((_, dest)) => {
                            let recursive = r.want_recursive.is_some_and(|w| w != 0);
                            let copy = self.copy_folder(r.logon_id, r.folder_id, dest, recursive);
                            self.names.insert(copy, name);
                            (SUCCESS, None)
                        }
                    };
                let mut resp = RopCopyFolderResponse::new(r.source_handle_index, code, false);
                resp.dest_handle_index = dest;
                RopResponse::CopyFolder(resp)
            }
            RopRequest::SetProperties(r) => {
                let tags: Vec<u32> = r.property_values.iter().map(|v| v.property_tag.to_u32()).collect();
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Folder(f)) => {
                        self.set_props(f, &r.property_values);
                        for v in &r.property_values {
                            if let (PID_TAG_DISPLAY_NAME, PropertyValue::String(s) | PropertyValue::String8(s)) =
                                (v.property_tag.property_id, &v.property_value)
                            {
                                let unicode = v.property_tag.property_type == crate::wire::property_tag::PTYP_STRING;
                                let text = if unicode {
                                    let units: Vec<u16> =
                                        s.bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                                    String::from_utf16_lossy(&units)
                                } else {
                                    s.bytes.iter().map(|&b| b as char).collect()
                                };
                                self.names.insert(f, text.to_lowercase());
                            }
                        }
                        // A folder's change is reported at once.
                        let mut e = Event::new(EventType::ObjectModified, f, None);
                        e.tags = tags;
                        self.raise(e, r.logon_id);
                        SUCCESS
                    }
                    Ok(Object::Message(m)) => {
                        self.set_props(m, &r.property_values);
                        self.note_pending(table, r.input_handle_index, tags);
                        SUCCESS
                    }
                    Ok(Object::NewMessage(_)) => {
                        self.note_pending(table, r.input_handle_index, tags);
                        SUCCESS
                    }
                    Ok(_) => NOT_SUPPORTED,
                    Err(code) => code,
                };
                RopResponse::SetProperties(RopSetPropertiesResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                    property_problems: (code == SUCCESS).then(Vec::new),
                })
            }
            _ => return None,
        })
    }

    /// The source and destination folders of a move or copy: ecDstNullObject
    /// (with DestHandleIndex) when the destination slot holds no object
    /// (MS-OXCROPS_R789, R791), ecNotSupported when either is not a folder,
    /// else the source's own error.
    fn transfer_ends(&self, logon_id: u8, table: &[u32], src: u8, dest: u8) -> Result<(Id8, Id8), (u32, Option<u32>)> {
        let source = match self.object_at(logon_id, table, src) {
            Ok(Object::Folder(f)) => f,
            Ok(_) => return Err((NOT_SUPPORTED, None)),
            Err(code) => return Err((code, None)),
        };
        match self.object_at(logon_id, table, dest) {
            Ok(Object::Folder(d)) => Ok((source, d)),
            Ok(_) => Err((NOT_SUPPORTED, None)),
            Err(_) => Err((EC_DST_NULL_OBJECT, Some(u32::from(dest)))),
        }
    }

    /// Copies `folder` under `dest` with a new FolderId, then its messages
    /// (and, when `recursive`, its subfolders) under the copy, each copy an
    /// ObjectCopied with its new ID; the copy's FolderId. Each folder is
    /// copied once, so a cycle of parents ends.
    fn copy_folder(&mut self, logon_id: u8, folder: Id8, dest: Id8, recursive: bool) -> Id8 {
        let mut seen = std::collections::HashSet::new();
        let mut first = None;
        let mut work = vec![(folder, dest)];
        while let Some((f, to)) = work.pop() {
            if !seen.insert(f) {
                continue;
            }
            let copy = self.allocate_id();
            first.get_or_insert(copy);
            let mut e = Event::new(EventType::ObjectCopied, f, None);
            e.to_folder = Some(to);
            e.new_id = Some(copy);
            self.raise(e, logon_id);
            for m in self.store.messages_in(&f) {
                let mut e = Event::new(EventType::ObjectCopied, f, Some(m));
                e.to_folder = Some(copy);
                e.new_id = Some(self.allocate_id());
                self.raise(e, logon_id);
            }
            if let Some(n) = self.names.get(&f).cloned() {
                // A copy keeps its name; the caller renames the top one.
                self.names.insert(copy, n);
            }
            if recursive {
                work.extend(self.store.children_of(&f).into_iter().map(|c| (c, copy)));
            }
        }
        first.unwrap_or(folder)
    }

    /// Stores property values on `id`, a later value of a tag replacing the earlier.
    fn set_props(&mut self, id: Id8, values: &[TaggedPropertyValue]) {
        let props = self.props.entry(id).or_default();
        for v in values {
            props.retain(|p| p.property_tag != v.property_tag);
            props.push(v.clone());
        }
    }

    /// Keeps the tags for the message's next save.
    fn note_pending(&mut self, table: &[u32], index: u8, tags: Vec<u32>) {
        if let Some(&h) = table.get(index as usize) {
            let pending = self.pending_tags.entry(h).or_default();
            for t in tags {
                if !pending.contains(&t) {
                    pending.push(t);
                }
            }
        }
    }
}

/// Makes `table` reach `slot`; new slots hold 0xFFFFFFFF (MS-OXCROPS_R4563).
fn widen(table: &mut Vec<u32>, slot: u8) {
    if table.len() <= slot as usize {
        table.resize(slot as usize + 1, UNUSED_HANDLE);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::event::{Event, EventType};
    use crate::model::profile;
    use crate::model::setup::{Setup, INBOX, SPECIAL_FOLDER_IDS};
    use crate::model::Server;
    use crate::wire::mailbox::create_folder::RopCreateFolderRequest;
    use crate::wire::mailbox::logon::{LogonBody, RopLogonRequest};
    use crate::wire::mailbox::open_folder::RopOpenFolderRequest;
    use crate::wire::rop_buffer::{RopInputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
    use crate::wire::{Id8, Layout};

    fn logon() -> RopRequest {
        RopRequest::Logon(RopLogonRequest {
            logon_id: 0,
            output_handle_index: 0,
            logon_flags: 0x01,
            open_flags: 0x0100_0000,
            store_state: 0,
            essdn: b"/o=Org/cn=user1".to_vec(),
        })
    }

    fn create(name: &str) -> RopRequest {
        RopRequest::CreateFolder(RopCreateFolderRequest {
            logon_id: 0,
            input_handle_index: 1,
            output_handle_index: 2,
            folder_type: 1,
            use_unicode_strings: 0,
            open_existing: 0,
            reserved: 0,
            display_name: name.as_bytes().to_vec(),
            comment: Vec::new(),
        })
    }

    /// Logs on, opens the Inbox into slot 1 and creates `name` under it;
    /// the new FolderId.
    fn logon_and_create(server: &mut Server, name: &str) -> Id8 {
        let open = RopRequest::OpenFolder(RopOpenFolderRequest {
            logon_id: 0,
            input_handle_index: 0,
            output_handle_index: 1,
            folder_id: SPECIAL_FOLDER_IDS[INBOX],
            open_mode_flags: 0,
        });
        let input = RopInputBuffer {
            rops_list: vec![logon(), open, create(name)],
            server_object_handle_table: vec![UNUSED_HANDLE; 3],
        };
        let out = server.execute_value(&input, 0x8000).expect("the call completes");
        let RopResponse::Logon(l) = &out.rops_list[0] else { panic!("{out:?}") };
        let LogonBody::Private(_, p) = &l.body else { panic!("{l:?}") };
        assert_eq!(p.folder_ids, SPECIAL_FOLDER_IDS);
        let RopResponse::CreateFolder(c) = &out.rops_list[2] else { panic!("{out:?}") };
        assert_eq!(c.return_value, 0, "{out:?}");
        c.folder.as_ref().expect("success").folder_id
    }

    #[test]
    fn a_served_private_mailbox_takes_a_logon_and_a_new_folder() {
        let mut server = Server::new(profile::spec(), Layout::Spec, &Setup::private_mailbox());
        let fid = logon_and_create(&mut server, "Foo");
        assert_eq!(fid.to_string(), "0100000000010001");
        let raised = server.take_raised();
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].event_type, EventType::ObjectCreated);
        assert_eq!((raised[0].folder, raised[0].parent_folder), (fid, Some(SPECIAL_FOLDER_IDS[INBOX])));
        assert!(server.take_raised().is_empty(), "taken once");
    }

    #[test]
    fn ids_allocated_elsewhere_are_not_handed_out_again() {
        // Two sessions of one mailbox: each replays what the other raised.
        let mut a = Server::new(profile::spec(), Layout::Spec, &Setup::private_mailbox());
        let mut b = Server::new(profile::spec(), Layout::Spec, &Setup::private_mailbox());
        let fa = logon_and_create(&mut a, "A");
        for e in a.take_raised() {
            b.event(&e);
        }
        let fb = logon_and_create(&mut b, "B");
        assert_ne!(fa, fb);
        for e in b.take_raised() {
            a.event(&e);
        }
        assert_ne!(a.allocate_id(), fb);
        // An event naming a far-off ID of the allocated form moves the counter past it.
        let far = Id8([0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34]);
        let mut e = Event::new(EventType::ObjectCreated, far, None);
        e.parent_folder = Some(SPECIAL_FOLDER_IDS[INBOX]);
        b.event(&e);
        assert_eq!(b.allocate_id(), Id8([0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x12, 0x35]));
        // Events applied from elsewhere are not this server's to hand on.
        assert!(b.take_raised().is_empty());
    }

    #[test]
    fn a_duplicate_name_is_refused_or_opened() {
        let mut server = Server::new(profile::spec(), Layout::Spec, &Setup::private_mailbox());
        let fid = logon_and_create(&mut server, "Foo");
        let logon = server.logon_handle(0).unwrap();
        let inbox = server.logons[&0].1.iter().find(|(_, o)| **o == super::Object::Folder(SPECIAL_FOLDER_IDS[INBOX]));
        let inbox = *inbox.unwrap().0;
        let mut again = create("FOO");
        let table = vec![logon, inbox, UNUSED_HANDLE];
        let out = server
            .execute_value(
                &RopInputBuffer { rops_list: vec![again.clone()], server_object_handle_table: table.clone() },
                0x8000,
            )
            .unwrap();
        let RopResponse::CreateFolder(c) = &out.rops_list[0] else { panic!() };
        assert_eq!(c.return_value, 0x8004_0604, "ecDuplicateName");
        if let RopRequest::CreateFolder(r) = &mut again {
            r.open_existing = 1;
        }
        let out = server
            .execute_value(&RopInputBuffer { rops_list: vec![again], server_object_handle_table: table }, 0x8000)
            .unwrap();
        let RopResponse::CreateFolder(c) = &out.rops_list[0] else { panic!() };
        assert_eq!(c.folder.as_ref().map(|f| f.folder_id), Some(fid));
        assert_eq!(server.take_raised().len(), 1, "only the first creation raised an event");
    }
}
