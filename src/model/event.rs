//! Server events as values ([MS-OXCNOTIF] 2.2.1.1), and the NotificationData
//! each one produces ([MS-OXCNOTIF] 2.2.1.4.1.2).
//!
//! An event names the object it happened to: a folder, or a message in a
//! folder. Where a field of NotificationData depends on the store (a
//! folder's parent, whether a folder is a search folder, where a message
//! was before a move), the [`super::store::Store`] supplies it.
//!
//! The external form is a map: `{Type, Folder, Message?, ParentFolder?,
//! ToFolder?, NewId?, Tags?, TotalMessageCount?, UnreadMessageCount?,
//! MessageFlags?, MessageClass?, UnicodeFlag?, LogonId?}` (see
//! `spec-cases/README.md`).

use crate::wire::notification_data::{notification_type as nt, type_name};
use crate::wire::value::Obj;
use crate::wire::{EncodeError, Id8};
use serde_json::Value;

/// What happened ([MS-OXCNOTIF] 2.2.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// New mail arrived in a folder.
    NewMail,
    /// A folder or message was created.
    ObjectCreated,
    /// A folder or message was deleted.
    ObjectDeleted,
    /// A folder or message was modified.
    ObjectModified,
    /// A folder or message was moved.
    ObjectMoved,
    /// A folder or message was copied.
    ObjectCopied,
    /// A search folder finished its search.
    SearchCompleted,
}

impl EventType {
    /// The NotificationType value, which is also its NotificationTypes bit.
    pub fn bit(self) -> u16 {
        match self {
            EventType::NewMail => nt::NEW_MAIL,
            EventType::ObjectCreated => nt::OBJECT_CREATED,
            EventType::ObjectDeleted => nt::OBJECT_DELETED,
            EventType::ObjectModified => nt::OBJECT_MODIFIED,
            EventType::ObjectMoved => nt::OBJECT_MOVED,
            EventType::ObjectCopied => nt::OBJECT_COPIED,
            EventType::SearchCompleted => nt::SEARCH_COMPLETED,
        }
    }

    /// The spec name, from the codec's one table
    /// ([`NOTIFICATION_TYPES`](crate::wire::notification_data::NOTIFICATION_TYPES)).
    pub fn name(self) -> &'static str {
        // Every event type's bit is in the table (a unit test checks it).
        type_name(self.bit()).unwrap_or("")
    }

    /// All event types.
    pub const ALL: [EventType; 7] = [
        EventType::NewMail,
        EventType::ObjectCreated,
        EventType::ObjectDeleted,
        EventType::ObjectModified,
        EventType::ObjectMoved,
        EventType::ObjectCopied,
        EventType::SearchCompleted,
    ];

    fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// One server event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub event_type: EventType,
    /// The logon (mailbox) it happened in.
    pub logon_id: u8,
    /// The folder: the object itself when `message` is `None`, else the
    /// message's folder (for a move or copy, the source folder).
    pub folder: Id8,
    /// The message, when the object is a message.
    pub message: Option<Id8>,
    /// A created folder's parent.
    pub parent_folder: Option<Id8>,
    /// Move/copy destination: the new folder of a message, or the new
    /// parent of a folder.
    pub to_folder: Option<Id8>,
    /// Move/copy: the object's ID at its destination (default: unchanged).
    pub new_id: Option<Id8>,
    /// Changed or set property tags (ObjectCreated, ObjectModified).
    pub tags: Vec<u32>,
    /// ObjectModified: the folder's new total message count (sets T).
    pub total_message_count: Option<u32>,
    /// ObjectModified: the folder's new unread count (sets U).
    pub unread_message_count: Option<u32>,
    /// NewMail: the message's flags.
    pub message_flags: u32,
    /// NewMail: the message class.
    pub message_class: String,
    /// NewMail: send MessageClass in UTF-16LE (UnicodeFlag 0x01).
    pub unicode: bool,
    /// ObjectModified: what of the object changed when it is a table the
    /// model keeps no rows of: `Attachments` (a message's attachment
    /// table), `Permissions` or `Rules` (a folder's); those tables get
    /// TableChanged ([`super::table`]).
    pub changed: Option<String>,
}

const FIELDS: &[&str] = &[
    "Type",
    "LogonId",
    "Folder",
    "Message",
    "ParentFolder",
    "ToFolder",
    "NewId",
    "Tags",
    "TotalMessageCount",
    "UnreadMessageCount",
    "MessageFlags",
    "MessageClass",
    "UnicodeFlag",
    "Changed",
];

impl Event {
    /// An event of `event_type` on `folder` (and `message`), other fields default.
    pub fn new(event_type: EventType, folder: Id8, message: Option<Id8>) -> Self {
        Event {
            event_type,
            logon_id: 0,
            folder,
            message,
            parent_folder: None,
            to_folder: None,
            new_id: None,
            tags: Vec::new(),
            total_message_count: None,
            unread_message_count: None,
            message_flags: 0,
            message_class: "IPM.Note".into(),
            unicode: true,
            changed: None,
        }
    }

    /// Reads the external form.
    pub fn from_value(v: &Value) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        let t = o.get("Type").and_then(Value::as_str).ok_or_else(|| {
            let names: Vec<&str> = EventType::ALL.iter().map(|t| t.name()).collect();
            EncodeError::new("Type", format!("missing or not text; one of {}", names.join(", ")))
        })?;
        let event_type =
            EventType::from_name(t).ok_or_else(|| EncodeError::new("Type", format!("{t:?} is not an event type")))?;
        let folder = o.opt_id8("Folder")?.ok_or_else(|| EncodeError::new("Folder", "missing"))?;
        let mut e = Event::new(event_type, folder, o.opt_id8("Message")?);
        e.logon_id = o.opt_u8("LogonId")?.unwrap_or(0);
        e.parent_folder = o.opt_id8("ParentFolder")?;
        e.to_folder = o.opt_id8("ToFolder")?;
        e.new_id = o.opt_id8("NewId")?;
        if let Some(tags) = o.get("Tags") {
            let items = tags.as_array().ok_or_else(|| EncodeError::new("Tags", "expected a list of property tags"))?;
            for (i, t) in items.iter().enumerate() {
                let n = crate::wire::value::int_of(t, u32::MAX as u64)
                    .map_err(|m| EncodeError::new(format!("Tags[{i}]"), m))?;
                e.tags.push(n as u32);
            }
        }
        e.total_message_count = o.opt_u32("TotalMessageCount")?;
        e.unread_message_count = o.opt_u32("UnreadMessageCount")?;
        e.message_flags = o.opt_u32("MessageFlags")?.unwrap_or(0);
        if let Some(mc) = o.get("MessageClass") {
            e.message_class = mc.as_str().ok_or_else(|| EncodeError::new("MessageClass", "expected text"))?.to_string();
        }
        e.unicode = o.opt_u8("UnicodeFlag")?.map(|u| u != 0).unwrap_or(true);
        if let Some(c) = o.get("Changed") {
            let c = c.as_str().ok_or_else(|| EncodeError::new("Changed", "expected text"))?;
            let ok = match c {
                "Attachments" => e.message.is_some(),
                "Permissions" | "Rules" => e.message.is_none(),
                _ => return Err(EncodeError::new("Changed", format!("{c:?}: one of Attachments, Permissions, Rules"))),
            };
            if !ok {
                return Err(EncodeError::new(
                    "Changed",
                    "Attachments belong to a message (give Message); Permissions and Rules to a folder (no Message)",
                ));
            }
            if event_type != EventType::ObjectModified {
                return Err(EncodeError::new("Changed", "only ObjectModified says what changed"));
            }
            e.changed = Some(c.to_string());
        }
        let needs = |name: &'static str, ok: bool, why: &str| {
            if ok {
                Ok(())
            } else {
                Err(EncodeError::new(name, why.to_string()))
            }
        };
        match event_type {
            EventType::NewMail => needs("Message", e.message.is_some(), "NewMail names the new message")?,
            EventType::ObjectMoved | EventType::ObjectCopied => {
                needs("ToFolder", e.to_folder.is_some(), "a move or copy names its destination")?
            }
            EventType::SearchCompleted => needs("Message", e.message.is_none(), "SearchCompleted is about a folder")?,
            _ => {}
        }
        if (e.to_folder.is_some() || e.new_id.is_some())
            && !matches!(event_type, EventType::ObjectMoved | EventType::ObjectCopied)
        {
            return Err(EncodeError::new(
                if e.to_folder.is_some() { "ToFolder" } else { "NewId" },
                "only a move or a copy has a destination",
            ));
        }
        if (e.total_message_count.is_some() || e.unread_message_count.is_some())
            && event_type != EventType::ObjectModified
        {
            return Err(EncodeError::new(
                "TotalMessageCount",
                "counts travel only with ObjectModified (MS-OXCNOTIF_R114, R117)",
            ));
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(v: Value) -> String {
        Event::from_value(&v).map(|e| format!("accepted {e:?}")).unwrap_or_else(|e| e.field)
    }

    #[test]
    fn events_missing_or_carrying_the_wrong_parts_are_refused_naming_the_field() {
        let f = "0100000000000a01";
        assert_eq!(refused(json!({"Type": "NewMail", "Folder": f})), "Message");
        assert_eq!(refused(json!({"Type": "ObjectMoved", "Folder": f})), "ToFolder");
        assert_eq!(refused(json!({"Type": "ObjectCopied", "Folder": f, "Message": f})), "ToFolder");
        assert_eq!(refused(json!({"Type": "SearchCompleted", "Folder": f, "Message": f})), "Message");
        assert_eq!(refused(json!({"Type": "ObjectCreated", "Folder": f, "ToFolder": f})), "ToFolder");
        assert_eq!(refused(json!({"Type": "ObjectDeleted", "Folder": f, "NewId": f})), "NewId");
        assert_eq!(refused(json!({"Type": "ObjectCreated", "Folder": f, "TotalMessageCount": 1})), "TotalMessageCount");
        assert_eq!(
            refused(json!({"Type": "ObjectDeleted", "Folder": f, "UnreadMessageCount": 1})),
            "TotalMessageCount"
        );
        assert!(Event::from_value(&json!({"Type": "ObjectModified", "Folder": f, "UnreadMessageCount": 1})).is_ok());
        assert!(Event::from_value(&json!({"Type": "ObjectMoved", "Folder": f, "ToFolder": f, "NewId": f})).is_ok());
    }

    #[test]
    fn every_event_type_is_named_by_the_codec_table() {
        let names: Vec<&str> = EventType::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "NewMail",
                "ObjectCreated",
                "ObjectDeleted",
                "ObjectModified",
                "ObjectMoved",
                "ObjectCopied",
                "SearchCompleted"
            ]
        );
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.name()), Some(t));
        }
        let e = Event::from_value(&json!({"Folder": "0100000000000a01"})).unwrap_err();
        assert_eq!(
            e.message,
            "missing or not text; one of NewMail, ObjectCreated, ObjectDeleted, ObjectModified, ObjectMoved, ObjectCopied, SearchCompleted"
        );
    }
}
