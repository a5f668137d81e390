//! The reference server executes the ROPs that change the mailbox, and
//! they raise the same events as the adapter protocol's `event` operation
//! ([`Server::event`]): a store change reaches subscriptions and open
//! tables whichever way it was made.
//!
//! | ROP | input object | what it does | events |
//! |---|---|---|---|
//! | RopTransportNewMail | the logon | adds the message to its folder | NewMail |
//! | RopDeleteMessages, RopHardDeleteMessages | a folder | deletes the listed messages that are in it | ObjectDeleted per message |
//! | RopHardDeleteMessagesAndSubfolders | a folder | deletes every message and subfolder in it | ObjectDeleted per object |
//! | RopDeleteFolder | the parent folder | deletes the subfolder | ObjectDeleted per object |
//! | RopSetSearchCriteria | a search folder | completes the search | SearchCompleted |
//! | RopCreateMessage | the logon or a folder | a new Message object in the folder FolderId names, not in the store yet | none |
//! | RopSaveChangesMessage | a message | commits it; a new message gets its MessageId and joins its folder | ObjectCreated (new), ObjectModified |
//!
//! Replies follow MS-OXCFOLD 3.2.5: a listed ID that names no message of
//! the folder is not deleted and sets PartialCompletion (MS-OXCFOLD_R1147,
//! R115602, R113803); a subfolder that holds messages without DEL_MESSAGES,
//! or subfolders without DEL_FOLDERS, is left whole with ReturnValue
//! 0x00000000 and PartialCompletion TRUE (R371, R816, R817, R1079-R1081);
//! a FolderId that names no subfolder of the input folder is ecNotFound
//! (R504, R507); an input object of the wrong kind is ecNotSupported
//! (R509, R630, R638, R645).
//! RopSetSearchCriteria on a search folder completes its search at once and
//! raises SearchCompleted (the response may come before the folder is
//! filled, MS-OXCFOLD_R526; the model does not evaluate the restriction, so
//! the folder stays as it was): ecNotSupported on an object that is not a
//! folder (R573, R574), ecNotSearchFolder on a folder that is not a search
//! folder (R569, R570), ecNotInitialized when the first criteria name no
//! folders (R1240, R565; later ones keep the earlier scope, R1241), and
//! ecSearchFolderScopeViolation when the scope holds the search folder
//! itself (R1242 SHOULD, R1243).

use super::{Object, Server};
use crate::model::event::{Event, EventType};
use crate::wire::mailbox::create_message::RopCreateMessageResponse;
use crate::wire::mailbox::delete_folder::RopDeleteFolderResponse;
use crate::wire::mailbox::delete_messages::RopDeleteMessagesResponse;
use crate::wire::mailbox::hard_delete_messages::RopHardDeleteMessagesResponse;
use crate::wire::mailbox::hard_delete_messages_and_subfolders::RopHardDeleteMessagesAndSubfoldersResponse;
use crate::wire::mailbox::save_changes_message::RopSaveChangesMessageResponse;
use crate::wire::mailbox::set_search_criteria::RopSetSearchCriteriaResponse;
use crate::wire::mailbox::transport_new_mail::RopTransportNewMailResponse;
use crate::wire::return_value::{NOT_SUPPORTED, SUCCESS};
use crate::wire::rop_buffer::{RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::Id8;

/// ecNotFound: RopDeleteFolder names no subfolder of its input folder
/// (MS-OXCFOLD_R504, R507).
const EC_NOT_FOUND: u32 = 0x8004_010F;

/// ecNotSearchFolder (MS-OXCFOLD_R569).
const EC_NOT_SEARCH_FOLDER: u32 = 0x0000_0461;
/// ecNotInitialized: no FolderIds for the search (MS-OXCFOLD_R565).
const EC_NOT_INITIALIZED: u32 = 0x8004_0605;
/// ecSearchFolderScopeViolation (MS-OXCFOLD_R1243).
const EC_SEARCH_FOLDER_SCOPE_VIOLATION: u32 = 0x0000_0490;

/// DEL_MESSAGES and DEL_FOLDERS of DeleteFolderFlags (MS-OXCFOLD 2.2.1.3.1).
const DEL_MESSAGES: u8 = 0x01;
const DEL_FOLDERS: u8 = 0x04;

impl Server {
    /// The object at `index` of `table` for `logon_id`, or the ReturnValue.
    pub(super) fn object_at(&self, logon_id: u8, table: &[u32], index: u8) -> Result<Object, u32> {
        let h = self.resolve(logon_id, table, index)?;
        self.logons.get(&logon_id).and_then(|(_, m)| m.get(&h)).cloned().ok_or(NOT_SUPPORTED)
    }

    /// Raises the ObjectDeleted events that remove `folder` and everything
    /// under it, deepest first. Each folder is visited once, so a cycle of
    /// parents (events can move a folder under its own subtree) ends.
    fn delete_subtree(&mut self, logon_id: u8, folder: Id8) {
        let mut order = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(folder, false)];
        while let Some((f, expanded)) = stack.pop() {
            if expanded {
                order.push(f);
                continue;
            }
            if !seen.insert(f) {
                continue;
            }
            stack.push((f, true));
            for child in self.store.children_of(&f) {
                stack.push((child, false));
            }
        }
        // `order` lists children before their parents.
        for f in order {
            for m in self.store.messages_in(&f) {
                self.raise(Event::new(EventType::ObjectDeleted, f, Some(m)), logon_id);
            }
            self.raise(Event::new(EventType::ObjectDeleted, f, None), logon_id);
        }
    }

    /// Raises an event the server causes itself: applied here as any
    /// event is, and kept for [`Server::take_raised`].
    pub(super) fn raise(&mut self, mut e: Event, logon_id: u8) {
        e.logon_id = logon_id;
        self.event(&e);
        self.raised.push(e);
    }

    /// Deletes the listed messages of `folder`; whether any was not there
    /// (PartialCompletion, MS-OXCFOLD_R1147, R115602).
    fn delete_messages(&mut self, logon_id: u8, folder: Id8, ids: &[Id8]) -> bool {
        let mut partial = false;
        for id in ids {
            if self.store.folder_of(id) == Some(folder) {
                self.raise(Event::new(EventType::ObjectDeleted, folder, Some(*id)), logon_id);
            } else {
                partial = true;
            }
        }
        partial
    }

    /// Executes a mailbox ROP; `None` when `rop` is not one the model executes.
    pub(super) fn mailbox_rop(&mut self, rop: &RopRequest, table: &mut Vec<u32>) -> Option<RopResponse> {
        Some(match rop {
            RopRequest::TransportNewMail(r) => {
                // The input object is the logon (MS-OXCROPS 2.2.7.7.1).
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Logon) => {
                        let mut e = Event::new(EventType::NewMail, r.folder_id, Some(r.message_id));
                        e.message_class = r.message_class.iter().map(|&b| b as char).collect();
                        e.message_flags = r.message_flags;
                        self.raise(e, r.logon_id);
                        SUCCESS
                    }
                    Ok(_) => NOT_SUPPORTED,
                    Err(code) => code,
                };
                RopResponse::TransportNewMail(RopTransportNewMailResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                })
            }
            RopRequest::DeleteMessages(r) => {
                let (code, partial) = self.on_folder(r.logon_id, table, r.input_handle_index, |s, f| {
                    s.delete_messages(r.logon_id, f, &r.message_ids)
                });
                RopResponse::DeleteMessages(RopDeleteMessagesResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                    partial_completion: partial as u8,
                })
            }
            RopRequest::HardDeleteMessages(r) => {
                let (code, partial) = self.on_folder(r.logon_id, table, r.input_handle_index, |s, f| {
                    s.delete_messages(r.logon_id, f, &r.message_ids)
                });
                RopResponse::HardDeleteMessages(RopHardDeleteMessagesResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                    partial_completion: partial as u8,
                })
            }
            RopRequest::HardDeleteMessagesAndSubfolders(r) => {
                let (code, partial) = self.on_folder(r.logon_id, table, r.input_handle_index, |s, f| {
                    for child in s.store.children_of(&f) {
                        s.delete_subtree(r.logon_id, child);
                    }
                    let messages = s.store.messages_in(&f);
                    s.delete_messages(r.logon_id, f, &messages)
                });
                RopResponse::HardDeleteMessagesAndSubfolders(RopHardDeleteMessagesAndSubfoldersResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                    partial_completion: partial as u8,
                })
            }
            RopRequest::DeleteFolder(r) => {
                let mut found = true;
                let (code, partial) = self.on_folder(r.logon_id, table, r.input_handle_index, |s, parent| {
                    if s.store.parent_of(&r.folder_id) != Some(parent) {
                        found = false;
                        return false;
                    }
                    let has_messages = !s.store.messages_in(&r.folder_id).is_empty();
                    let has_folders = !s.store.children_of(&r.folder_id).is_empty();
                    let flags = r.delete_folder_flags;
                    if (has_messages && flags & DEL_MESSAGES == 0) || (has_folders && flags & DEL_FOLDERS == 0) {
                        // MS-OXCFOLD_R371, R816, R817, R1079-R1081: nothing is
                        // deleted, success with PartialCompletion TRUE.
                        return true;
                    }
                    s.delete_subtree(r.logon_id, r.folder_id);
                    false
                });
                RopResponse::DeleteFolder(RopDeleteFolderResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: if code == SUCCESS && !found { EC_NOT_FOUND } else { code },
                    partial_completion: partial as u8,
                })
            }
            RopRequest::SetSearchCriteria(r) => {
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Folder(f)) if !self.store.is_search(&f) => EC_NOT_SEARCH_FOLDER,
                    Ok(Object::Folder(f)) => {
                        let scope = if r.folder_ids.is_empty() {
                            self.search_scopes.get(&f).cloned() // MS-OXCFOLD_R1241
                        } else {
                            Some(r.folder_ids.clone())
                        };
                        match scope {
                            None => EC_NOT_INITIALIZED,                                            // MS-OXCFOLD_R1240
                            Some(scope) if scope.contains(&f) => EC_SEARCH_FOLDER_SCOPE_VIOLATION, // R1242
                            Some(scope) => {
                                self.search_scopes.insert(f, scope);
                                self.raise(Event::new(EventType::SearchCompleted, f, None), r.logon_id);
                                SUCCESS
                            }
                        }
                    }
                    Ok(_) => NOT_SUPPORTED, // MS-OXCFOLD_R573, R574
                    Err(code) => code,
                };
                RopResponse::SetSearchCriteria(RopSetSearchCriteriaResponse {
                    input_handle_index: r.input_handle_index,
                    return_value: code,
                })
            }
            RopRequest::CreateMessage(r) => {
                let code = match self.object_at(r.logon_id, table, r.input_handle_index) {
                    Ok(Object::Logon | Object::Folder(_)) if self.store.folder_exists(&r.folder_id) => SUCCESS,
                    Ok(Object::Logon | Object::Folder(_)) => EC_NOT_FOUND,
                    Ok(_) => NOT_SUPPORTED,
                    Err(code) => code,
                };
                let slot = r.output_handle_index as usize;
                if code == SUCCESS {
                    let h = self.assign();
                    self.owner.insert(h, r.logon_id);
                    if let Some((_, objects)) = self.logons.get_mut(&r.logon_id) {
                        objects.insert(h, Object::NewMessage(r.folder_id));
                    }
                    if table.len() <= slot {
                        table.resize(slot + 1, UNUSED_HANDLE);
                    }
                    table[slot] = h;
                }
                // The MessageId comes with the first save (RopSaveChangesMessage),
                // so HasMessageId is FALSE here (MS-OXCROPS_R1774, R1778).
                RopResponse::CreateMessage(RopCreateMessageResponse {
                    output_handle_index: r.output_handle_index,
                    return_value: code,
                    message_id: (code == SUCCESS).then_some((0, None)),
                })
            }
            RopRequest::SaveChangesMessage(r) => {
                let object = self.object_at(r.logon_id, table, r.input_handle_index);
                if let Ok(Object::NewMessage(folder)) = object {
                    // The first save: the message joins its folder with a new
                    // MessageId, and that is ObjectCreated (MS-OXCNOTIF_R13).
                    let mid = self.allocate_id();
                    let h = table[r.input_handle_index as usize];
                    if let Some((_, objects)) = self.logons.get_mut(&r.logon_id) {
                        objects.insert(h, Object::Message(mid));
                    }
                    let mut e = Event::new(EventType::ObjectCreated, folder, Some(mid));
                    e.tags = self.pending_tags.remove(&h).unwrap_or_default();
                    self.raise(e, r.logon_id);
                    return Some(RopResponse::SaveChangesMessage(RopSaveChangesMessageResponse {
                        response_handle_index: r.response_handle_index,
                        return_value: SUCCESS,
                        input_handle_index: Some(r.input_handle_index),
                        message_id: Some(mid),
                    }));
                }
                let saved = match object {
                    Ok(Object::Message(m)) => match self.store.folder_of(&m) {
                        Some(f) => {
                            // What RopSetProperties changed shows at the save (MS-OXCMSG 3.2.5.3).
                            let mut e = Event::new(EventType::ObjectModified, f, Some(m));
                            if let Some(&h) = table.get(r.input_handle_index as usize) {
                                e.tags = self.pending_tags.remove(&h).unwrap_or_default();
                            }
                            self.raise(e, r.logon_id);
                            Ok(m)
                        }
                        None => Err(EC_NOT_FOUND),
                    },
                    Ok(_) => Err(NOT_SUPPORTED),
                    Err(code) => Err(code),
                };
                RopResponse::SaveChangesMessage(RopSaveChangesMessageResponse {
                    response_handle_index: r.response_handle_index,
                    return_value: saved.err().unwrap_or(SUCCESS),
                    input_handle_index: saved.ok().map(|_| r.input_handle_index),
                    message_id: saved.ok(),
                })
            }
            _ => return None,
        })
    }

    /// Runs `f` on the folder at `index`; the ReturnValue, and `f`'s
    /// PartialCompletion (FALSE when the input is not a folder).
    pub(super) fn on_folder(
        &mut self,
        logon_id: u8,
        table: &[u32],
        index: u8,
        f: impl FnOnce(&mut Self, Id8) -> bool,
    ) -> (u32, bool) {
        match self.object_at(logon_id, table, index) {
            Ok(Object::Folder(folder)) => (SUCCESS, f(self, folder)),
            Ok(_) => (NOT_SUPPORTED, false),
            Err(code) => (code, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::event::{Event, EventType};
    use crate::model::profile;
    use crate::model::setup::{Opened, Setup, SetupFolder};
    use crate::model::Server;
    use crate::wire::mailbox::delete_folder::RopDeleteFolderRequest;
    use crate::wire::rop_buffer::{RopInputBuffer, RopRequest};
    use crate::wire::{Id8, Layout};

    fn fid(n: u8) -> Id8 {
        Id8([1, 0, 0, 0, 0, 0, 0x0A, n])
    }

    #[test]
    fn deleting_a_folder_whose_parents_form_a_cycle_ends() {
        // Root 01 holds A (02); A holds B (03); then an event moves A under
        // B, so A and B are each other's parent.
        let setup = Setup {
            logons: vec![0],
            folders: vec![
                SetupFolder { id: fid(1), parent: None, search: false },
                SetupFolder { id: fid(2), parent: Some(fid(1)), search: false },
                SetupFolder { id: fid(3), parent: Some(fid(2)), search: false },
            ],
            opened: vec![Opened { name: "$b".into(), object: fid(3), message: false }],
            ..Setup::default()
        };
        let mut server = Server::new(profile::spec(), Layout::Spec, &setup);
        let mut moved = Event::new(EventType::ObjectMoved, fid(2), None);
        moved.to_folder = Some(fid(3));
        server.event(&moved);
        let b = server.opened()["$b"];
        let input = RopInputBuffer {
            rops_list: vec![RopRequest::DeleteFolder(RopDeleteFolderRequest {
                logon_id: 0,
                input_handle_index: 0,
                delete_folder_flags: 0x15,
                folder_id: fid(2),
            })],
            server_object_handle_table: vec![b],
        };
        let out = server.execute_value(&input, 0x8000).expect("the call completes");
        assert_eq!(out.rops_list.len(), 1);
    }
}
