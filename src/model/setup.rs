//! The session's initial state: logons and the store's folders and
//! messages, as a sequence case's `setup` or a `reset` request gives them.
//!
//! The external form is a map `{logons?, folders?, messages?,
//! session_index?}` (see `spec-cases/README.md`): `logons` is a list of
//! LogonIds (default `[0]`), `folders` a list of `{Id, Parent?, Search?}`,
//! `messages` a list of `{Id, Folder}`; IDs are 8-byte hex strings in wire
//! order. `client_mode` (`online`, the default, or `cached`) is the mode the
//! client reported in ClientMode of its AUX_PERF_CLIENTINFO block
//! ([MS-OXCRPC] 2.2.2.2.4); a cached-mode client gets NewMail with
//! UnicodeFlag FALSE (MS-OXCNOTIF_R220).

use crate::wire::value::{int_of, kind_of, Obj};
use crate::wire::{EncodeError, Id8};
use serde_json::Value;

/// A folder that exists before the session starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupFolder {
    /// Its FolderId.
    pub id: Id8,
    /// The FolderId of its parent, if it has one in the store.
    pub parent: Option<Id8>,
    /// Whether it is a search folder (the S flag of its notifications).
    pub search: bool,
}

/// An object the server opens at reset, as RopOpenFolder or RopOpenMessage
/// would leave it: a Server object of the first logon whose handle the
/// reset reply names (`handles`), for the table ROPs to take as input. Set
/// by `Handle: $name` on a folder or message of the setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The `$name` the handle is bound to.
    pub name: String,
    /// The folder's or message's ID.
    pub object: Id8,
    /// A message rather than a folder.
    pub message: bool,
}

/// A message that exists before the session starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupMessage {
    /// Its MessageId.
    pub id: Id8,
    /// The FolderId of the folder holding it.
    pub folder: Id8,
}

/// How the client works, as it said in the ClientMode field of
/// AUX_PERF_CLIENTINFO ([MS-OXCRPC] 2.2.2.2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientMode {
    /// Online (classic) mode, or the client did not say.
    #[default]
    Online,
    /// Cached mode: NewMail carries UnicodeFlag FALSE (MS-OXCNOTIF_R220).
    Cached,
}

impl ClientMode {
    /// Reads `online` or `cached`.
    pub fn from_name(s: &str) -> Option<ClientMode> {
        match s {
            "online" => Some(ClientMode::Online),
            "cached" => Some(ClientMode::Cached),
            _ => None,
        }
    }
}

/// The session's initial state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Setup {
    /// Logons to open (each gets a logon object handle).
    pub logons: Vec<u8>,
    /// Folders in the store.
    pub folders: Vec<SetupFolder>,
    /// Messages in the store.
    pub messages: Vec<SetupMessage>,
    /// The SessionIndex that RopPending carries.
    pub session_index: u16,
    /// The client's mode (ClientMode, [MS-OXCRPC] 2.2.2.2.4).
    pub client_mode: ClientMode,
    /// Folders and messages opened at reset (their `Handle`).
    pub opened: Vec<Opened>,
}

/// The FolderIds of a private mailbox's 13 special folders, in the order
/// RopLogon returns them ([MS-OXCSTOR] 2.2.1.1.3; names in
/// [`SPECIAL_FOLDERS`](crate::wire::mailbox::logon::SPECIAL_FOLDERS)):
/// ReplId 0x0001 and GlobalCounter 1 to 13, so `0100000000000001` is the
/// Mailbox Root, `0100000000000004` the IPM Subtree and `0100000000000005`
/// the Inbox. The reference server's RopLogon answers with these.
pub const SPECIAL_FOLDER_IDS: [Id8; 13] = {
    let mut ids = [Id8([0x01, 0, 0, 0, 0, 0, 0, 0]); 13];
    let mut i = 0;
    while i < 13 {
        ids[i].0[7] = i as u8 + 1;
        i += 1;
    }
    ids
};

/// Index of the Mailbox Root in [`SPECIAL_FOLDER_IDS`].
pub const MAILBOX_ROOT: usize = 0;
/// Index of the IPM Subtree in [`SPECIAL_FOLDER_IDS`].
pub const IPM_SUBTREE: usize = 3;
/// Index of the Inbox in [`SPECIAL_FOLDER_IDS`].
pub const INBOX: usize = 4;
/// Index of the Outbox in [`SPECIAL_FOLDER_IDS`].
pub const OUTBOX: usize = 5;

impl Setup {
    /// An empty private mailbox with no logons open: the 13 special folders
    /// of [`SPECIAL_FOLDER_IDS`], the Mailbox Root the root of the others
    /// (MS-OXCSTOR 2.2.1.1.3: all are its direct or indirect children);
    /// Inbox, Outbox, Sent Items and Deleted Items under the IPM Subtree
    /// (the root of the user-visible hierarchy), the rest directly under
    /// the Mailbox Root. No folder is a search folder and there are no
    /// messages. A client's RopLogon opens a logon on it; this is the state
    /// `oxcnotif serve` starts every mailbox from.
    pub fn private_mailbox() -> Setup {
        let root = SPECIAL_FOLDER_IDS[MAILBOX_ROOT];
        let ipm = SPECIAL_FOLDER_IDS[IPM_SUBTREE];
        let folders = SPECIAL_FOLDER_IDS
            .iter()
            .enumerate()
            .map(|(i, &id)| SetupFolder {
                id,
                parent: match i {
                    MAILBOX_ROOT => None,
                    4..=7 => Some(ipm),
                    _ => Some(root),
                },
                search: false,
            })
            .collect();
        Setup { logons: Vec::new(), folders, ..Setup::default() }
    }

    /// The FolderId of the special folder named `name`, as
    /// [`SPECIAL_FOLDERS`](crate::wire::mailbox::logon::SPECIAL_FOLDERS)
    /// names it, in any case and with or without spaces (`Inbox`,
    /// `SentItems`, `Sent Items`); `Root` is the Mailbox Root.
    pub fn special_folder(name: &str) -> Option<Id8> {
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        let wanted = match squash(name).as_str() {
            "root" => "mailboxroot".to_string(),
            other => other.to_string(),
        };
        crate::wire::mailbox::logon::SPECIAL_FOLDERS
            .iter()
            .position(|n| squash(n) == wanted)
            .map(|i| SPECIAL_FOLDER_IDS[i])
    }

    /// Reads the external form. Errors name the field as a path
    /// (`folders[1].Search`).
    pub fn from_value(v: &Value) -> Result<Setup, EncodeError> {
        let o = Obj::new(v, &["logons", "folders", "messages", "session_index", "client_mode"])?;
        let mut s = Setup { session_index: o.opt_u16("session_index")?.unwrap_or(0), ..Setup::default() };
        match o.get("client_mode") {
            None => {}
            Some(Value::String(m)) => {
                s.client_mode = ClientMode::from_name(m)
                    .ok_or_else(|| EncodeError::new("client_mode", format!("{m:?} is not online or cached")))?;
            }
            Some(other) => {
                return Err(EncodeError::new(
                    "client_mode",
                    format!("expected online or cached, found {}", kind_of(other)),
                ))
            }
        }
        match o.get("logons") {
            None => s.logons.push(0),
            Some(Value::Array(items)) => {
                for (i, l) in items.iter().enumerate() {
                    let n = int_of(l, 0xFF).map_err(|m| EncodeError::new(format!("logons[{i}]"), m))?;
                    s.logons.push(n as u8);
                }
            }
            Some(_) => return Err(EncodeError::new("logons", "expected a list of LogonIds")),
        }
        for (i, f) in list(&o, "folders")?.iter().enumerate() {
            let at = |e: EncodeError| e.within(&format!("folders[{i}]"));
            let fo = Obj::new(f, &["Id", "Parent", "Search", "Handle"]).map_err(at)?;
            let id =
                fo.opt_id8("Id").map_err(at)?.ok_or_else(|| EncodeError::new(format!("folders[{i}].Id"), "missing"))?;
            let parent = fo.opt_id8("Parent").map_err(at)?;
            let search = match fo.get("Search") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(EncodeError::new(
                        format!("folders[{i}].Search"),
                        format!("expected true or false, found {}", kind_of(other)),
                    ))
                }
            };
            s.folders.push(SetupFolder { id, parent, search });
            handle_of(&fo, &format!("folders[{i}]"), id, false, &mut s.opened)?;
        }
        for (i, m) in list(&o, "messages")?.iter().enumerate() {
            let at = |e: EncodeError| e.within(&format!("messages[{i}]"));
            let mo = Obj::new(m, &["Id", "Folder", "Handle"]).map_err(at)?;
            let id = mo
                .opt_id8("Id")
                .map_err(at)?
                .ok_or_else(|| EncodeError::new(format!("messages[{i}].Id"), "missing"))?;
            let folder = mo
                .opt_id8("Folder")
                .map_err(at)?
                .ok_or_else(|| EncodeError::new(format!("messages[{i}].Folder"), "missing"))?;
            s.messages.push(SetupMessage { id, folder });
            handle_of(&mo, &format!("messages[{i}]"), id, true, &mut s.opened)?;
        }
        Ok(s)
    }
}

/// Reads an entry's `Handle: $name` into `opened`.
fn handle_of(o: &Obj, at: &str, object: Id8, message: bool, opened: &mut Vec<Opened>) -> Result<(), EncodeError> {
    let Some(h) = o.get("Handle") else { return Ok(()) };
    let name = h.as_str().filter(|n| n.starts_with('$') && n.len() > 1).ok_or_else(|| {
        EncodeError::new(format!("{at}.Handle"), "expected a $name to bind the opened object's handle to")
    })?;
    if name.starts_with("$logon") || opened.iter().any(|x| x.name == name) {
        return Err(EncodeError::new(format!("{at}.Handle"), format!("{name} is already a handle name")));
    }
    opened.push(Opened { name: name.to_string(), object, message });
    Ok(())
}

fn list<'a>(o: &Obj<'a>, name: &'static str) -> Result<&'a [Value], EncodeError> {
    match o.get(name) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(EncodeError::new(name, "expected a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn private_mailbox_has_the_special_folders_under_the_root() {
        let s = Setup::private_mailbox();
        assert!(s.logons.is_empty() && s.messages.is_empty() && s.opened.is_empty());
        assert_eq!(s.folders.len(), 13);
        assert_eq!(s.folders[0].id.to_string(), "0100000000000001");
        assert_eq!(s.folders[0].parent, None);
        assert_eq!(s.folders[INBOX].id.to_string(), "0100000000000005");
        assert_eq!(s.folders[INBOX].parent, Some(SPECIAL_FOLDER_IDS[IPM_SUBTREE]));
        assert_eq!(s.folders[IPM_SUBTREE].parent, Some(SPECIAL_FOLDER_IDS[MAILBOX_ROOT]));
        assert_eq!(s.folders[12].id.to_string(), "010000000000000d");
        assert_eq!(s.folders[12].parent, Some(SPECIAL_FOLDER_IDS[MAILBOX_ROOT]));
    }

    #[test]
    fn search_must_be_a_boolean() {
        let e = Setup::from_value(&json!({"folders": [{"Id": "0100000000000001", "Search": "yes"}]})).unwrap_err();
        assert_eq!(e.field, "folders[0].Search");
        assert!(e.message.contains("true or false"), "{}", e.message);
    }

    #[test]
    fn client_mode_is_online_or_cached() {
        assert_eq!(Setup::from_value(&json!({})).unwrap().client_mode, ClientMode::Online);
        assert_eq!(Setup::from_value(&json!({"client_mode": "cached"})).unwrap().client_mode, ClientMode::Cached);
        let e = Setup::from_value(&json!({"client_mode": "offline"})).unwrap_err();
        assert_eq!(e.field, "client_mode");
    }

    #[test]
    fn named_fields_and_defaults() {
        let s = Setup::from_value(&json!({"folders": [
            {"Id": "0100000000000001"},
            {"Id": "0100000000000002", "Parent": "0100000000000001", "Search": true}
        ], "messages": [{"Id": "0100000000000003", "Folder": "0100000000000002"}]}))
        .unwrap();
        assert_eq!(s.logons, vec![0]);
        assert_eq!(s.folders[1].parent, Some(s.folders[0].id));
        assert!(s.folders[1].search && !s.folders[0].search);
        assert_eq!(s.messages[0].folder, s.folders[1].id);
    }
}
