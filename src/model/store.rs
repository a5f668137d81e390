//! A minimal mailbox: folders with parents (some of them search folders)
//! and messages in folders. Just enough to fill the fields of
//! NotificationData that depend on where an object is (ParentFolderId, the
//! S flag, the Old* fields of a move) and to apply events.

use crate::wire::Id8;
use std::collections::HashMap;

/// A folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its parent, `None` for a root.
    pub parent: Option<Id8>,
    /// Whether it is a search folder (events on its messages carry S).
    pub search: bool,
}

/// The folders and messages of one session.
#[derive(Debug, Clone, Default)]
pub struct Store {
    folders: HashMap<Id8, Folder>,
    messages: HashMap<Id8, Id8>,
}

impl Store {
    /// Adds the folders and messages of `other` this store does not have
    /// (a second mailbox a session logs on to shares the session's store).
    pub fn merge(&mut self, other: &Store) {
        for (id, f) in &other.folders {
            self.folders.entry(*id).or_insert_with(|| f.clone());
        }
        for (id, folder) in &other.messages {
            self.messages.entry(*id).or_insert(*folder);
        }
    }

    /// Adds (or replaces) a folder.
    pub fn add_folder(&mut self, id: Id8, parent: Option<Id8>, search: bool) {
        self.folders.insert(id, Folder { parent, search });
    }

    /// Adds (or moves) a message into `folder`.
    pub fn add_message(&mut self, id: Id8, folder: Id8) {
        self.messages.insert(id, folder);
    }

    /// A folder's parent, if the store knows it.
    pub fn parent_of(&self, folder: &Id8) -> Option<Id8> {
        self.folders.get(folder).and_then(|f| f.parent)
    }

    /// Whether the store has the folder.
    pub fn folder_exists(&self, folder: &Id8) -> bool {
        self.folders.contains_key(folder)
    }

    /// Whether `folder` is a search folder.
    pub fn is_search(&self, folder: &Id8) -> bool {
        self.folders.get(folder).is_some_and(|f| f.search)
    }

    /// The folder a message is in, if the store knows it.
    pub fn folder_of(&self, message: &Id8) -> Option<Id8> {
        self.messages.get(message).copied()
    }

    /// Removes a folder.
    pub fn remove_folder(&mut self, id: &Id8) {
        self.folders.remove(id);
    }

    /// Removes a message.
    pub fn remove_message(&mut self, id: &Id8) {
        self.messages.remove(id);
    }

    /// The messages in `folder`, in ID order.
    pub fn messages_in(&self, folder: &Id8) -> Vec<Id8> {
        let mut v: Vec<Id8> = self.messages.iter().filter(|(_, f)| *f == folder).map(|(m, _)| *m).collect();
        v.sort_unstable_by_key(|m| m.0);
        v
    }

    /// The child folders of `folder`, in ID order.
    pub fn children_of(&self, folder: &Id8) -> Vec<Id8> {
        let mut v: Vec<Id8> =
            self.folders.iter().filter(|(_, f)| f.parent.as_ref() == Some(folder)).map(|(id, _)| *id).collect();
        v.sort_unstable_by_key(|f| f.0);
        v
    }

    /// The whole store as a value: `folders` (FolderId, ParentFolderId,
    /// search) and `messages` (MessageId, FolderId), each in ID order, so
    /// that two stores compare equal exactly when they hold the same
    /// objects in the same places (`GET /oxcnotif/mailbox`).
    pub fn to_value(&self) -> serde_json::Value {
        let mut folders: Vec<(&Id8, &Folder)> = self.folders.iter().collect();
        folders.sort_unstable_by_key(|(id, _)| id.0);
        let mut messages: Vec<(&Id8, &Id8)> = self.messages.iter().collect();
        messages.sort_unstable_by_key(|(id, _)| id.0);
        serde_json::json!({
            "folders": folders.iter().map(|(id, f)| serde_json::json!({
                "FolderId": id.to_string(),
                "ParentFolderId": f.parent.map(|p| p.to_string()),
                "search": f.search,
            })).collect::<Vec<_>>(),
            "messages": messages.iter().map(|(id, f)| serde_json::json!({
                "MessageId": id.to_string(),
                "FolderId": f.to_string(),
            })).collect::<Vec<_>>(),
        })
    }

    /// Makes a folder the store has a search folder.
    pub fn set_search(&mut self, folder: &Id8) {
        if let Some(f) = self.folders.get_mut(folder) {
            f.search = true;
        }
    }

    /// Moves a folder under a new parent.
    pub fn reparent(&mut self, id: &Id8, parent: Id8) {
        if let Some(f) = self.folders.get_mut(id) {
            f.parent = Some(parent);
        }
    }
}
