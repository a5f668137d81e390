//! Events for the served mailboxes, as a person or a script writes them:
//! the body of `POST /oxcnotif/event` and the file of `--events`.
//!
//! A document is one event or a list of them, in the external form of
//! [`Event`] (`{Type, Folder, Message?, ...}`, spec-cases/README.md), YAML
//! or JSON. FolderIds may be given by the name of a special folder of the
//! served mailbox (`Inbox`, `Outbox`, ...: [`Setup::private_mailbox`]).
//! An `--events` file entry may add `After` (a duration such as `2s`,
//! counted from the previous entry) and `User` (whose mailbox; the first
//! served user by default).

use crate::model::event::Event;
use crate::model::setup::Setup;
use serde_json::Value;

/// Reads one event or a list of them.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, String> {
    let doc = document(body)?;
    let items = match doc {
        Value::Array(a) => a,
        v => vec![v],
    };
    items.iter().enumerate().map(|(i, v)| event(v).map_err(|e| format!("event {i}: {e}"))).collect()
}

/// One entry of an `--events` file.
#[derive(Debug, Clone)]
pub struct Scheduled {
    /// The wait before it, after the previous entry.
    pub after: std::time::Duration,
    /// Whose mailbox, if not the first served user's.
    pub user: Option<String>,
    /// The event.
    pub event: Event,
}

/// Reads an `--events` file: a list of events, each with `After` and
/// `User` if it needs them.
pub fn parse_schedule(body: &[u8]) -> Result<Vec<Scheduled>, String> {
    let Value::Array(items) = document(body)? else {
        return Err("the file is not a list of events".into());
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut m) = item else { return Err(format!("entry {i}: not a map")) };
        let after = match m.remove("After") {
            None => std::time::Duration::ZERO,
            Some(Value::String(s)) => {
                humantime::parse_duration(&s).map_err(|e| format!("entry {i}: After {s:?}: {e}"))?
            }
            Some(v) => return Err(format!("entry {i}: After is {v}, not a duration such as \"2s\"")),
        };
        let user = match m.remove("User") {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(v) => return Err(format!("entry {i}: User is {v}, not a name")),
        };
        let event = event(&Value::Object(m)).map_err(|e| format!("entry {i}: {e}"))?;
        out.push(Scheduled { after, user, event });
    }
    Ok(out)
}

fn document(body: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the document is not UTF-8: {e}"))?;
    serde_yaml::from_str::<Value>(text).map_err(|e| format!("the document is not YAML or JSON: {e}"))
}

fn event(v: &Value) -> Result<Event, String> {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        for key in ["Folder", "ParentFolder", "ToFolder"] {
            if let Some(Value::String(s)) = m.get(key) {
                if let Some(id) = Setup::special_folder(s) {
                    m.insert(key.to_string(), Value::String(crate::hex::encode(&id.0)));
                }
            }
        }
    }
    Event::from_value(&v).map_err(|e| e.to_string())
}
