//! From an event to its NotificationData ([MS-OXCNOTIF] 2.2.1.4.1.2), and
//! the folders and messages it concerns (for scope matching).
//!
//! The flags follow the object: M when it is a message (MS-OXCNOTIF_R122),
//! S when that message is in a search folder (R119; S is never set without
//! M, R120), T and U when an ObjectModified carries counts (R113, R116).
//! Every field is then filled exactly where [`presence`] says it is present,
//! so the model cannot emit a layout the codec would refuse.

use super::event::{Event, EventType};
use super::profile::Profile;
use super::setup::ClientMode;
use super::store::Store;
use crate::wire::notification_data::{flag, presence, tags_present, Field, MessageClass, NotificationData};
use crate::wire::Id8;

/// What an event concerns, for matching folder- and message-scoped subscriptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Concerns {
    /// Folders: the object's folder (a message's folder; a folder itself and
    /// its parent), before and after a move or copy.
    pub folders: Vec<Id8>,
    /// Messages: the message, before and after a move or copy.
    pub messages: Vec<Id8>,
}

impl Concerns {
    fn folder(&mut self, f: Option<Id8>) {
        if let Some(f) = f {
            if !self.folders.contains(&f) {
                self.folders.push(f);
            }
        }
    }
    fn message(&mut self, m: Option<Id8>) {
        if let Some(m) = m {
            if !self.messages.contains(&m) {
                self.messages.push(m);
            }
        }
    }
}

/// Builds the NotificationData for `e` against the store as it was before
/// the event, and what the event concerns, for an online-mode client.
pub fn build(e: &Event, store: &Store, profile: &Profile) -> (NotificationData, Concerns) {
    build_for(e, store, profile, ClientMode::Online)
}

/// [`build`] for a client in `mode`. A cached-mode client gets NewMail with
/// UnicodeFlag FALSE (MS-OXCNOTIF_R220) and so an 8-bit MessageClass
/// (R219, R225), whatever the event asks for; a character 8-bit ASCII
/// cannot carry becomes `?` (the reference's reading: the spec names no
/// code page).
pub fn build_for(e: &Event, store: &Store, profile: &Profile, mode: ClientMode) -> (NotificationData, Concerns) {
    let is_message = e.message.is_some();
    let moved = matches!(e.event_type, EventType::ObjectMoved | EventType::ObjectCopied);
    // The folder the event is seen in: a message's destination for moves.
    let seen_in = if moved && is_message { e.to_folder.unwrap_or(e.folder) } else { e.folder };
    let mut flags = e.event_type.bit();
    if is_message {
        flags |= flag::M;
        if store.is_search(&seen_in) {
            flags |= flag::S;
        }
    }
    if e.event_type == EventType::ObjectModified {
        if e.total_message_count.is_some() {
            flags |= flag::T;
        }
        if e.unread_message_count.is_some() {
            flags |= flag::U;
        }
    }
    let p = presence(flags, 0);
    let mut d = NotificationData { notification_flags: flags, ..Default::default() };
    let mut c = Concerns::default();
    let zero = Id8::default();
    if is_message {
        let m = e.message.unwrap_or(zero);
        if moved {
            let new_id = e.new_id.unwrap_or(m);
            d.folder_id = Some(seen_in);
            d.message_id = Some(new_id);
            d.old_folder_id = Some(e.folder);
            d.old_message_id = Some(m);
            c.folder(Some(e.folder));
            c.folder(Some(seen_in));
            c.message(Some(m));
            c.message(Some(new_id));
        } else {
            d.folder_id = Some(e.folder);
            d.message_id = Some(m);
            c.folder(Some(e.folder));
            c.message(Some(m));
        }
        if p.has(Field::ParentFolderId) {
            // A message in a search folder: its parent is the folder it really lives in.
            d.parent_folder_id = Some(store.folder_of(&m).unwrap_or(seen_in));
        }
    } else {
        let f = e.folder;
        let parent = e.parent_folder.or_else(|| store.parent_of(&f));
        if moved {
            let new_id = e.new_id.unwrap_or(f);
            let to = e.to_folder.unwrap_or(zero);
            d.folder_id = Some(new_id);
            d.parent_folder_id = Some(to);
            d.old_folder_id = Some(f);
            d.old_parent_folder_id = Some(parent.unwrap_or(zero));
            c.folder(Some(f));
            c.folder(Some(new_id));
            c.folder(parent);
            c.folder(Some(to));
        } else {
            d.folder_id = Some(f);
            if p.has(Field::ParentFolderId) {
                d.parent_folder_id = Some(parent.unwrap_or(zero));
            }
            c.folder(Some(f));
            if matches!(e.event_type, EventType::ObjectCreated | EventType::ObjectDeleted) {
                c.folder(parent);
            }
        }
    }
    if p.has(Field::TagCount) {
        let real = e.event_type == EventType::ObjectCreated || profile.object_modified_tag_count;
        let count = if real { e.tags.len().min(0xFFFE) as u16 } else { 0 };
        d.tag_count = Some(count);
        if tags_present(count) {
            d.tags = Some(e.tags[..count as usize].to_vec());
        }
    }
    d.total_message_count = e.total_message_count.filter(|_| p.has(Field::TotalMessageCount));
    d.unread_message_count = e.unread_message_count.filter(|_| p.has(Field::UnreadMessageCount));
    if p.has(Field::NewMail) {
        d.message_flags = Some(if profile.new_mail_message_flags { e.message_flags } else { 0 });
        let cached = mode == ClientMode::Cached;
        let (unicode, mc) = match MessageClass::from_text(&e.message_class, e.unicode && !cached) {
            Ok(mc) => (e.unicode && !cached, mc),
            Err(_) if cached => {
                let ascii: String = e
                    .message_class
                    .chars()
                    .filter(|c| *c != '\0')
                    .map(|c| if c.is_ascii() { c } else { '?' })
                    .collect();
                (
                    false,
                    MessageClass::from_text(&ascii, false)
                        .unwrap_or(MessageClass { bytes: Vec::new(), terminated: true }),
                )
            }
            // Text that 8-bit cannot carry goes as UTF-16 (NUL already refused by the event reader).
            Err(_) => (
                true,
                MessageClass::from_text(&e.message_class.replace('\0', ""), true)
                    .unwrap_or(MessageClass { bytes: Vec::new(), terminated: true }),
            ),
        };
        d.unicode_flag = Some(unicode as u8);
        d.message_class = Some(mc);
    }
    (d, c)
}

/// Applies the event to the store (after its notification was built).
pub fn apply(e: &Event, store: &mut Store) {
    match (e.event_type, e.message) {
        (EventType::NewMail | EventType::ObjectCreated, Some(m)) => store.add_message(m, e.folder),
        (EventType::ObjectCreated, None) => {
            let parent = e.parent_folder.or_else(|| store.parent_of(&e.folder));
            let search = store.is_search(&e.folder);
            store.add_folder(e.folder, parent, search);
        }
        (EventType::ObjectDeleted, Some(m)) => store.remove_message(&m),
        (EventType::ObjectDeleted, None) => store.remove_folder(&e.folder),
        (EventType::ObjectMoved, Some(m)) => {
            store.remove_message(&m);
            store.add_message(e.new_id.unwrap_or(m), e.to_folder.unwrap_or(e.folder));
        }
        (EventType::ObjectCopied, Some(m)) => store.add_message(e.new_id.unwrap_or(m), e.to_folder.unwrap_or(e.folder)),
        (EventType::ObjectMoved, None) => {
            if let Some(to) = e.to_folder {
                store.reparent(&e.folder, to);
            }
        }
        (EventType::ObjectCopied, None) => {
            if let Some(to) = e.to_folder {
                store.add_folder(e.new_id.unwrap_or(e.folder), Some(to), false);
            }
        }
        _ => {}
    }
}
