//! Table objects and the TableModified notifications they get
//! ([MS-OXCNOTIF] 2.2.1.1.1, 3.1.4.3).
//!
//! A table is a Server object created by a table-creating ROP on a folder
//! (RopGetHierarchyTable, RopGetContentsTable, RopGetPermissionsTable,
//! RopGetRulesTable) or on a message (RopGetAttachmentTable). The server
//! subscribes every table it creates to TableModified without any
//! RopRegisterNotification (MS-OXCNOTIF_R256, SHOULD; Exchange 2007 and
//! later do, R257), never one opened with NoNotifications (R258, MUST), and
//! sends the notifications to the table's own handle (R97). Whether they
//! flow also depends on the table's view and on RopResetTable, per product:
//!
//! * a view is needed first (R243 SHOULD; Exchange 2010 and later, R245;
//!   not Exchange 2007, R244), created by any of the view ROPs (R246–R255);
//! * RopResetTable stops them until the next view ROP (R272–R285 SHOULD;
//!   Exchange 2010 and later, R275–R286; not Exchange 2007, R294).
//!
//! The rows the model keeps are the rows' identities, in table order: for a
//! contents table the messages of its folder, for a hierarchy table the
//! child folders (with Depth, the whole subtree). The spec defines no sort
//! order for a table without RopSortTable, so the model keeps the rows it
//! started with in ID order and adds new rows at the end; a row added
//! names the row before it in InsertAfterTableRowFolderID /
//! InsertAfterTableRowID (zero when it is the first), with instance 0.
//!
//! Attachment, permissions and rules tables have no rows in the model; a
//! change to them (an ObjectModified event with `Changed: Attachments`,
//! `Permissions` or `Rules`) gets the basic TableChanged notification,
//! which the spec allows whenever an informative one is not feasible
//! (R260, R264, R270).

use super::event::{Event, EventType};
use super::store::Store;
use crate::wire::notification_data::NotificationData;
use crate::wire::property_row::{ColumnValue, PropertyRow, FLAGGED, STANDARD, VALUE_ERROR, VALUE_PRESENT};
use crate::wire::property_tag::PropertyTag;
use crate::wire::property_value::PropertyValue;
use crate::wire::Id8;

/// The kinds of table, by the ROP that creates them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// RopGetHierarchyTable (0x04): the child folders of a folder.
    Hierarchy,
    /// RopGetContentsTable (0x05): the messages of a folder.
    Contents,
    /// RopGetAttachmentTable (0x21): the attachments of a message.
    Attachments,
    /// RopGetPermissionsTable (0x3E): the permissions of a folder.
    Permissions,
    /// RopGetRulesTable (0x3F): the rules of a folder.
    Rules,
}

impl TableKind {
    /// The kind of table a RopId creates, if it creates one.
    pub fn of_rop(rop_id: u8) -> Option<Self> {
        Some(match rop_id {
            0x04 => TableKind::Hierarchy,
            0x05 => TableKind::Contents,
            0x21 => TableKind::Attachments,
            0x3E => TableKind::Permissions,
            0x3F => TableKind::Rules,
            _ => return None,
        })
    }

    /// Whether its TableFlags has a NoNotifications bit (only hierarchy and
    /// contents tables: MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1).
    pub fn has_no_notifications_flag(self) -> bool {
        matches!(self, TableKind::Hierarchy | TableKind::Contents)
    }

    /// The `Changed:` name of an ObjectModified event that touches this
    /// kind of table without rows in the model.
    fn changed_name(self) -> Option<&'static str> {
        match self {
            TableKind::Attachments => Some("Attachments"),
            TableKind::Permissions => Some("Permissions"),
            TableKind::Rules => Some("Rules"),
            _ => None,
        }
    }
}

/// TableFlags bits the model acts on.
pub mod flags {
    /// Contents table: the folder's associated (FAI) messages.
    pub const ASSOCIATED: u8 = 0x02;
    /// Hierarchy table: the whole subtree, not only the children.
    pub const DEPTH: u8 = 0x04;
    /// Hierarchy and contents tables: no notifications (MS-OXCNOTIF_R258).
    pub const NO_NOTIFICATIONS: u8 = 0x10;
}

/// The TableEventType values ([MS-OXCNOTIF] 2.2.1.4.1.2, R126–R132).
pub mod table_event {
    /// TableChanged: a basic notification without specifics.
    pub const TABLE_CHANGED: u16 = 0x0001;
    /// TableRowAdded.
    pub const ROW_ADDED: u16 = 0x0003;
    /// TableRowDeleted.
    pub const ROW_DELETED: u16 = 0x0004;
    /// TableRowModified.
    pub const ROW_MODIFIED: u16 = 0x0005;
}

/// One row of a table: a folder (hierarchy) or a message in its folder (contents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The folder: the row itself in a hierarchy table, the message's folder in a contents table.
    pub folder: Id8,
    /// The message, in a contents table.
    pub message: Option<Id8>,
    /// The folder's depth below the table's folder (0 for a child).
    pub depth: u32,
    /// The row's parent folder (hierarchy rows).
    pub parent: Option<Id8>,
}

/// A change to a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowChange {
    /// A row was added at the end.
    Added(Row),
    /// A row was deleted.
    Deleted(Row),
    /// A row's values changed.
    Modified(Row),
    /// The table changed in a way the model tells only as TableChanged.
    Changed,
}

/// A table object ([MS-OXCNOTIF] 3.1.4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Which ROP created it.
    pub kind: TableKind,
    /// The logon it belongs to.
    pub logon_id: u8,
    /// Its folder, or (attachment table) its message.
    pub object: Id8,
    /// For an attachment table, the message's folder.
    pub folder: Option<Id8>,
    /// TableFlags as sent.
    pub flags: u8,
    /// The property tags of the last RopSetColumns, if any (MS-OXCNOTIF_R166001).
    pub columns: Option<Vec<u32>>,
    /// A view-creating ROP has been received (R246–R255).
    pub view: bool,
    /// RopResetTable has been received since the last view ROP (R272–R285).
    pub reset: bool,
    /// The rows, in table order.
    pub rows: Vec<Row>,
    /// The cursor: the index of the row it is before (0 = beginning).
    pub cursor: usize,
}

/// What a product does with table notifications ([`super::Profile`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableBehaviour {
    /// Notifications flow only once a view exists (R243, R245; not R244).
    pub view_required: bool,
    /// RopResetTable stops them until the next view (R272; not R294).
    pub reset_stops: bool,
    /// Informative notifications (row added/deleted/modified) rather than
    /// basic TableChanged (R260–R271).
    pub informative: bool,
}

impl Table {
    /// A new table of `kind` on `object`, with the rows `store` has now.
    pub fn new(kind: TableKind, logon_id: u8, object: Id8, flags: u8, store: &Store) -> Self {
        let folder = if kind == TableKind::Attachments { store.folder_of(&object) } else { None };
        let mut t = Table {
            kind,
            logon_id,
            object,
            folder,
            flags,
            columns: None,
            view: false,
            reset: false,
            rows: Vec::new(),
            cursor: 0,
        };
        t.rows = t.rows_in(store);
        t
    }

    fn depth_flag(&self) -> bool {
        self.kind == TableKind::Hierarchy && self.flags & flags::DEPTH != 0
    }

    /// The rows the table has in `store`, in ID order.
    fn rows_in(&self, store: &Store) -> Vec<Row> {
        match self.kind {
            TableKind::Contents if self.flags & flags::ASSOCIATED == 0 => store
                .messages_in(&self.object)
                .into_iter()
                .map(|m| Row { folder: self.object, message: Some(m), depth: 0, parent: None })
                .collect(),
            TableKind::Hierarchy => {
                let mut out: Vec<Row> = Vec::new();
                let mut stack = vec![(self.object, 0u32)];
                while let Some((f, d)) = stack.pop() {
                    for c in store.children_of(&f) {
                        // A folder moved under its own subtree (events may say
                        // so; a store would refuse) is listed once, not forever.
                        if c == self.object || out.iter().any(|r| r.folder == c) {
                            continue;
                        }
                        out.push(Row { folder: c, message: None, depth: d, parent: Some(f) });
                        if self.depth_flag() {
                            stack.push((c, d + 1));
                        }
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// Whether a folder lies in this hierarchy table (as one of its rows'
    /// parents): the table's folder itself, or with Depth any folder of its
    /// subtree.
    fn covers(&self, parent: &Id8) -> Option<u32> {
        if *parent == self.object {
            return Some(0);
        }
        if !self.depth_flag() {
            return None;
        }
        self.rows.iter().find(|r| r.folder == *parent).map(|r| r.depth + 1)
    }

    /// Whether the table gets TableModified notifications now.
    pub fn notifies(&self, b: &TableBehaviour) -> bool {
        if self.kind.has_no_notifications_flag() && self.flags & flags::NO_NOTIFICATIONS != 0 {
            return false; // MS-OXCNOTIF_R258
        }
        if b.view_required && !self.view {
            return false; // MS-OXCNOTIF_R243, R245
        }
        !(b.reset_stops && self.reset) // MS-OXCNOTIF_R272–R285
    }

    /// How `e` changes this table's rows, given the store before the event.
    pub fn changes(&self, e: &Event, store: &Store) -> Vec<RowChange> {
        if e.logon_id != self.logon_id {
            return Vec::new();
        }
        match self.kind {
            TableKind::Contents => self.contents_changes(e, store),
            TableKind::Hierarchy => self.hierarchy_changes(e, store),
            other => {
                let touched = match other {
                    TableKind::Attachments => e.message == Some(self.object),
                    _ => e.message.is_none() && e.folder == self.object,
                };
                if e.event_type == EventType::ObjectModified && touched && e.changed.as_deref() == other.changed_name()
                {
                    vec![RowChange::Changed]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn contents_changes(&self, e: &Event, store: &Store) -> Vec<RowChange> {
        if self.flags & flags::ASSOCIATED != 0 {
            return Vec::new();
        }
        let Some(m) = e.message else { return Vec::new() };
        let here = self.object;
        let row = |id: Id8| Row { folder: here, message: Some(id), depth: 0, parent: None };
        let has = |id: Id8| self.rows.iter().any(|r| r.message == Some(id));
        let from = store.folder_of(&m).unwrap_or(e.folder);
        match e.event_type {
            EventType::ObjectCreated if e.folder == here && !has(m) => vec![RowChange::Added(row(m))],
            EventType::ObjectDeleted if has(m) => vec![RowChange::Deleted(row(m))],
            EventType::ObjectModified if e.changed.is_none() && has(m) => vec![RowChange::Modified(row(m))],
            EventType::ObjectMoved | EventType::ObjectCopied => {
                let to = e.to_folder.unwrap_or(from);
                let new = e.new_id.unwrap_or(m);
                let mut out = Vec::new();
                if e.event_type == EventType::ObjectMoved && from == here && to != here && has(m) {
                    out.push(RowChange::Deleted(row(m)));
                }
                if to == here && !has(new) {
                    out.push(RowChange::Added(row(new)));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    fn hierarchy_changes(&self, e: &Event, store: &Store) -> Vec<RowChange> {
        if e.message.is_some() {
            return Vec::new();
        }
        let f = e.folder;
        let existing = self.rows.iter().find(|r| r.folder == f).copied();
        match e.event_type {
            EventType::ObjectCreated => {
                let parent = e.parent_folder.or_else(|| store.parent_of(&f));
                match parent.and_then(|p| self.covers(&p).map(|d| (p, d))) {
                    Some((p, d)) if existing.is_none() => {
                        vec![RowChange::Added(Row { folder: f, message: None, depth: d, parent: Some(p) })]
                    }
                    _ => Vec::new(),
                }
            }
            EventType::ObjectDeleted => existing.map(RowChange::Deleted).into_iter().collect(),
            EventType::ObjectModified if e.changed.is_none() => existing.map(RowChange::Modified).into_iter().collect(),
            EventType::ObjectMoved | EventType::ObjectCopied => {
                let mut out = Vec::new();
                if e.event_type == EventType::ObjectMoved {
                    if let Some(r) = existing {
                        if e.to_folder.and_then(|t| self.covers(&t)).is_none() {
                            out.push(RowChange::Deleted(r));
                        }
                    }
                }
                let new = e.new_id.unwrap_or(f);
                if let Some(t) = e.to_folder {
                    if let Some(d) = self.covers(&t) {
                        let moved_within = e.event_type == EventType::ObjectMoved && existing.is_some();
                        if !moved_within && !self.rows.iter().any(|r| r.folder == new) {
                            out.push(RowChange::Added(Row { folder: new, message: None, depth: d, parent: Some(t) }));
                        }
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// Applies `change` to the rows and builds its notification: informative
    /// when `informative`, else TableChanged (R260–R271).
    pub fn notification(&mut self, change: RowChange, informative: bool) -> NotificationData {
        let mut d = NotificationData { notification_flags: 0x0100, ..NotificationData::default() };
        let (event, row) = match change {
            RowChange::Added(r) => (table_event::ROW_ADDED, Some(r)),
            RowChange::Deleted(r) => (table_event::ROW_DELETED, Some(r)),
            RowChange::Modified(r) => (table_event::ROW_MODIFIED, Some(r)),
            RowChange::Changed => (table_event::TABLE_CHANGED, None),
        };
        let before = row.and_then(|r| {
            let i = self.rows.iter().position(|x| x.folder == r.folder && x.message == r.message);
            match change {
                RowChange::Added(_) => self.rows.last().copied(),
                _ => i.and_then(|i| i.checked_sub(1)).map(|j| self.rows[j]),
            }
        });
        match change {
            RowChange::Added(r) => self.rows.push(r),
            RowChange::Deleted(r) => {
                self.rows.retain(|x| !(x.folder == r.folder && x.message == r.message));
                self.cursor = self.cursor.min(self.rows.len());
            }
            _ => {}
        }
        let (Some(row), true) = (row, informative) else {
            d.table_event_type = Some(table_event::TABLE_CHANGED);
            return d;
        };
        d.table_event_type = Some(event);
        let message_row = row.message.is_some();
        if message_row {
            d.notification_flags |= 0x8000; // M: the row is a message
        }
        d.table_row_folder_id = Some(row.folder);
        if message_row {
            d.table_row_message_id = row.message;
            d.table_row_instance = Some(0);
        }
        if event != table_event::ROW_DELETED {
            let zero = Id8([0; 8]);
            d.insert_after_table_row_folder_id = Some(before.map(|b| b.folder).unwrap_or(zero));
            if message_row {
                d.insert_after_table_row_id = Some(before.and_then(|b| b.message).unwrap_or(zero));
                d.insert_after_table_row_instance = Some(0);
            }
            d.table_row_data = Some(self.columns.as_deref().map(|c| property_row(c, &row)).unwrap_or_default());
        }
        d
    }
}

/// Property tags whose values the model knows for a row.
pub mod tags {
    /// PidTagFolderId (PtypInteger64).
    pub const FOLDER_ID: u32 = 0x6748_0014;
    /// PidTagParentFolderId (PtypInteger64).
    pub const PARENT_FOLDER_ID: u32 = 0x6749_0014;
    /// PidTagMid (PtypInteger64).
    pub const MID: u32 = 0x674A_0014;
    /// PidTagInstID (PtypInteger64).
    pub const INST_ID: u32 = 0x674D_0014;
    /// PidTagInstanceNum (PtypInteger32).
    pub const INSTANCE_NUM: u32 = 0x674E_0003;
    /// PidTagDepth (PtypInteger32).
    pub const DEPTH: u32 = 0x3005_0003;
    /// PidTagRowType (PtypInteger32).
    pub const ROW_TYPE: u32 = 0x0FF5_0003;
}

/// ecNotFound, the value of a column the row has no value for (MS-OXCDATA 2.4).
const EC_NOT_FOUND: u32 = 0x8004_010F;

/// A row's value of property `tag`, if the model knows it.
fn value_of(tag: u32, row: &Row) -> Option<PropertyValue> {
    let id = |id: Id8| PropertyValue::Integer64(u64::from_le_bytes(id.0));
    match tag {
        tags::FOLDER_ID => Some(id(row.folder)),
        tags::MID => row.message.map(id),
        tags::INST_ID => Some(id(row.message.unwrap_or(row.folder))),
        tags::PARENT_FOLDER_ID => row.parent.map(id),
        tags::INSTANCE_NUM => Some(PropertyValue::Integer32(0)),
        tags::DEPTH => Some(PropertyValue::Integer32(row.depth)),
        tags::ROW_TYPE => Some(PropertyValue::Integer32(1)), // TBL_LEAF_ROW
        _ => None,
    }
}

/// The PropertyRow ([MS-OXCDATA] 2.8.1) of `row` for `columns`, written by
/// the codec's [`PropertyRow`]: a StandardPropertyRow when the model knows
/// every value, else a FlaggedPropertyRow whose unknown values are
/// ecNotFound errors. A PtypUnspecified column's value carries its type
/// (MS-OXCDATA 2.11.3, 2.11.6): PtypErrorCode for an error. Empty if the
/// codec refuses the row (a column type it cannot carry).
pub fn property_row(columns: &[u32], row: &Row) -> Vec<u8> {
    use crate::wire::property_tag::{MULTIVALUE_INSTANCE, PTYP_ERROR_CODE, PTYP_UNSPECIFIED};
    let values: Vec<Option<PropertyValue>> = columns.iter().map(|&t| value_of(t, row)).collect();
    let flagged = values.iter().any(Option::is_none);
    let value_array = columns
        .iter()
        .zip(values)
        .map(|(&t, v)| ColumnValue {
            property_tag: PropertyTag::from_u32(t),
            property_type: (t as u16 & !MULTIVALUE_INSTANCE == PTYP_UNSPECIFIED)
                .then(|| v.as_ref().map_or(PTYP_ERROR_CODE, PropertyValue::property_type)),
            flag: flagged.then_some(if v.is_some() { VALUE_PRESENT } else { VALUE_ERROR }),
            property_value: Some(v.unwrap_or(PropertyValue::ErrorCode(EC_NOT_FOUND))),
        })
        .collect();
    let mut out = Vec::new();
    let written = PropertyRow { flag: if flagged { FLAGGED } else { STANDARD }, value_array }.write(&mut out);
    if written.is_err() {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id8 {
        Id8([1, 0, 0, 0, 0, 0, 0x0a, n])
    }

    fn store() -> Store {
        let mut s = Store::default();
        s.add_folder(id(0), None, false);
        s.add_folder(id(1), Some(id(0)), false);
        s.add_folder(id(2), Some(id(1)), false);
        s.add_message(id(0x10), id(1));
        s.add_message(id(0x11), id(1));
        s
    }

    const SPEC: TableBehaviour = TableBehaviour { view_required: true, reset_stops: true, informative: true };

    #[test]
    fn a_contents_table_adds_deletes_and_modifies_message_rows() {
        let s = store();
        let mut t = Table::new(TableKind::Contents, 0, id(1), 0, &s);
        assert_eq!(t.rows.len(), 2);
        t.columns = Some(vec![tags::FOLDER_ID, tags::MID, 0x0037_001F]);
        let created = Event::new(EventType::ObjectCreated, id(1), Some(id(0x12)));
        let ch = t.changes(&created, &s);
        assert_eq!(ch.len(), 1);
        let d = t.notification(ch[0], true);
        assert_eq!(d.notification_flags, 0x8100);
        assert_eq!(d.table_event_type, Some(table_event::ROW_ADDED));
        assert_eq!(d.table_row_message_id, Some(id(0x12)));
        assert_eq!(d.insert_after_table_row_id, Some(id(0x11)), "after the last row");
        let row = d.table_row_data.unwrap();
        assert_eq!(row[0], 0x01, "PidTagSubject is not known: a FlaggedPropertyRow");
        assert_eq!(&row[1..10], &[0x00, 1, 0, 0, 0, 0, 0, 0x0a, 1]);
        assert_eq!(&row[row.len() - 5..], &[0x0A, 0x0F, 0x01, 0x04, 0x80]);
        let deleted = Event::new(EventType::ObjectDeleted, id(1), Some(id(0x10)));
        let d = t.notification(t.changes(&deleted, &s)[0], true);
        assert_eq!((d.table_event_type, d.table_row_data.is_none()), (Some(table_event::ROW_DELETED), true));
        assert_eq!(t.rows.len(), 2);
        let other = Event::new(EventType::ObjectCreated, id(2), Some(id(0x20)));
        assert!(t.changes(&other, &s).is_empty(), "another folder's message");
    }

    #[test]
    fn a_hierarchy_table_follows_child_folders_and_with_depth_the_subtree() {
        let s = store();
        let t = Table::new(TableKind::Hierarchy, 0, id(0), 0, &s);
        assert_eq!(t.rows.len(), 1);
        let mut created = Event::new(EventType::ObjectCreated, id(3), None);
        created.parent_folder = Some(id(2));
        assert!(t.changes(&created, &s).is_empty(), "a grandchild, without Depth");
        let deep = Table::new(TableKind::Hierarchy, 0, id(0), flags::DEPTH, &s);
        assert_eq!(deep.rows.len(), 2);
        let ch = deep.changes(&created, &s);
        assert!(matches!(ch[..], [RowChange::Added(Row { depth: 2, .. })]), "{ch:?}");
    }

    #[test]
    fn no_notifications_view_and_reset_decide_whether_a_table_notifies() {
        let s = store();
        let mut t = Table::new(TableKind::Contents, 0, id(1), 0, &s);
        assert!(!t.notifies(&SPEC), "no view yet");
        assert!(t.notifies(&TableBehaviour { view_required: false, ..SPEC }), "Exchange 2007 needs none");
        t.view = true;
        assert!(t.notifies(&SPEC));
        t.reset = true;
        assert!(!t.notifies(&SPEC));
        assert!(t.notifies(&TableBehaviour { reset_stops: false, ..SPEC }));
        let quiet = Table { view: true, ..Table::new(TableKind::Contents, 0, id(1), flags::NO_NOTIFICATIONS, &s) };
        assert!(!quiet.notifies(&TableBehaviour { view_required: false, reset_stops: false, informative: true }));
    }

    #[test]
    fn a_cycle_of_parents_lists_each_folder_once() {
        let mut s = store();
        s.reparent(&id(0), id(2)); // 0 under 2, which is under 1, which is under 0
        let t = Table::new(TableKind::Hierarchy, 0, id(0), flags::DEPTH, &s);
        let folders: Vec<Id8> = t.rows.iter().map(|r| r.folder).collect();
        assert_eq!(folders, [id(1), id(2)]);
    }

    #[test]
    fn a_ptyp_unspecified_column_carries_its_type() {
        let s = store();
        let t = Table::new(TableKind::Contents, 0, id(1), 0, &s);
        let columns = [tags::FOLDER_ID, 0x3001_0000];
        let bytes = property_row(&columns, &t.rows[0]);
        let cols: Vec<PropertyTag> = columns.iter().map(|&c| PropertyTag::from_u32(c)).collect();
        let row = crate::wire::property_row::decode_row(&bytes, &cols).expect("a row of the two columns").value;
        assert_eq!(row.value_array[1].property_type, Some(0x000A), "PtypErrorCode, then the error");
    }

    #[test]
    fn basic_notifications_carry_no_row() {
        let s = store();
        let mut t = Table::new(TableKind::Contents, 0, id(1), 0, &s);
        let d = t.notification(RowChange::Modified(t.rows[0]), false);
        assert_eq!((d.notification_flags, d.table_event_type), (0x0100, Some(table_event::TABLE_CHANGED)));
        assert!(d.table_row_folder_id.is_none());
    }
}
