//! The model target's table operations ([MS-OXCNOTIF] 3.1.4.3): tables of
//! every kind created on the store's opened folders and messages, column
//! sets, the view-creating ROPs, RopResetTable, RopRelease of a table, and
//! store changes aimed at the rows of the open tables.
//!
//! [`Tables`] keeps its own mirror of every table the model created, built
//! only from the requests sent and the answers in the output buffers (never
//! from the model's table state), and checks after every step:
//!
//! * no TableModified for a table opened with NoNotifications
//!   (MS-OXCNOTIF_R258, MUST), queued or delivered;
//! * under the `spec` profile, none queued for a table that has had no
//!   view-creating ROP (R243, SHOULD, which `spec` follows), none queued
//!   between a RopResetTable and the next view ROP (R272-R285, SHOULD), and
//!   none delivered to a table that never had a view;
//! * none to a released table, and every notification names a live
//!   subscription or a live table (MS-OXCNOTIF_R95-R97); a table gets only
//!   TableModified (R256);
//! * TableRowData, when present and the table has a column set, reads as a
//!   PropertyRow of exactly that column set (R166001, MUST);
//! * a new table's handle is never 0xFFFFFFFF and never one already given
//!   (MS-OXCROPS_R4556, R4560).
//!
//! Notifications queued before a RopResetTable and delivered after it are
//! not counted against R272: the event happened while the view existed,
//! and the spec says nothing of notifications already queued (as it says
//! nothing of a released subscription's, `drop_queued_on_release`).

use super::{fid, mid};
use crate::model::{Opened, Server};
use crate::wire::notification_data::{decode_with_columns, NotificationData};
use crate::wire::property_tag::PropertyTag;
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::table::reset_table::RopResetTableRequest;
use crate::wire::{Id8, Layout, WireStructure};
pub use requests::column_set;
use requests::{create, set_columns, table_flags, touch, view};
use std::collections::{BTreeMap, HashSet};

mod requests;

/// One table operation of the model target (opcodes 4-9 of
/// [`super::model_ops`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOp {
    /// A table-creating ROP: `select` % 5 picks the ROP (hierarchy,
    /// contents, attachments, permissions, rules), `select` / 5 % 11 its
    /// input (folders 0-4, messages 1-4, the logon, the first table);
    /// `flags` is TableFlags as sent; `then` % 4 adds, in the same buffer on
    /// the new table, nothing, RopSetColumns of `columns`, both RopSetColumns
    /// and the view ROP `then` / 4 % 9, or that view ROP alone.
    Create {
        /// The ROP and its input object.
        select: u8,
        /// TableFlags.
        flags: u8,
        /// The column mask of the RopSetColumns that may follow.
        columns: u8,
        /// What follows in the same buffer.
        then: u8,
    },
    /// RopSetColumns on the n-th table (or a non-table) with the columns of
    /// `mask` in an order `order` picks.
    Columns {
        /// The table.
        table: u8,
        /// Which columns of the palette.
        mask: u8,
        /// Their order, and TBL_ASYNC (0x40).
        order: u8,
    },
    /// A view-creating ROP (`rop` % 10: RopQueryRows, RopQueryPosition,
    /// RopSeekRow, RopSeekRowBookmark, RopSeekRowFractional,
    /// RopQueryColumnsAll, RopFindRow, RopExpandRow, RopCollapseRow) or
    /// RopCreateBookmark (9), with parameters from `arg`.
    View {
        /// The table.
        table: u8,
        /// Which ROP.
        rop: u8,
        /// Its parameters.
        arg: u8,
    },
    /// RopResetTable on the n-th table.
    Reset(u8),
    /// RopRelease of the n-th table.
    Release(u8),
    /// A store change aimed at the n-th table's rows: `how` picks the event
    /// for the table's kind, `pick` the other object it names.
    Touch {
        /// The table.
        table: u8,
        /// Which change.
        how: u8,
        /// Which message or folder besides the table's own.
        pick: u8,
    },
}

/// The opcodes of the table operations (modulo 10, see [`super::model_ops`]).
pub(super) const OPCODES: std::ops::Range<u8> = 4..10;

impl TableOp {
    /// Reads the operation of opcode `op` (4-9; `None` for others) from `data`.
    pub fn parse(op: u8, data: &mut &[u8]) -> Option<TableOp> {
        let k = op.checked_sub(OPCODES.start).filter(|k| *k < OPCODES.len() as u8)?;
        let n = [4usize, 3, 3, 1, 1, 3][k as usize];
        let (p, rest) = data.split_at_checked(n)?;
        *data = rest;
        Some(match k {
            0 => TableOp::Create { select: p[0], flags: p[1], columns: p[2], then: p[3] },
            1 => TableOp::Columns { table: p[0], mask: p[1], order: p[2] },
            2 => TableOp::View { table: p[0], rop: p[1], arg: p[2] },
            3 => TableOp::Reset(p[0]),
            4 => TableOp::Release(p[0]),
            _ => TableOp::Touch { table: p[0], how: p[1], pick: p[2] },
        })
    }

    /// Writes the operation as [`TableOp::parse`] reads it, opcode first.
    pub fn write(&self, out: &mut Vec<u8>) {
        let s = OPCODES.start;
        match *self {
            TableOp::Create { select, flags, columns, then } => out.extend([s, select, flags, columns, then]),
            TableOp::Columns { table, mask, order } => out.extend([s + 1, table, mask, order]),
            TableOp::View { table, rop, arg } => out.extend([s + 2, table, rop, arg]),
            TableOp::Reset(t) => out.extend([s + 3, t]),
            TableOp::Release(t) => out.extend([s + 4, t]),
            TableOp::Touch { table, how, pick } => out.extend([s + 5, table, how, pick]),
        }
    }
}

/// What the table operations of one input reached (for tests that the
/// seeds reach every path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Tables created, by RopId of the ROP that created them.
    pub created: BTreeMap<u8, u32>,
    /// Table-creating ROPs the model refused.
    pub refused: u32,
    /// RopNotify delivered to a table, by RopId of the ROP that created it.
    pub notified: BTreeMap<u8, u32>,
    /// Queued TableRowData read against the table's column set.
    pub rows_checked: u32,
    /// RopSetColumns, view ROPs and RopCreateBookmark sent to a live table, by RopId.
    pub rops: BTreeMap<u8, u32>,
    /// RopResetTable on a live table.
    pub resets: u32,
    /// Tables released.
    pub releases: u32,
}

/// The RopIds of the table-creating ROPs, in `select` order.
const CREATING: [u8; 5] = [0x04, 0x05, 0x21, 0x3E, 0x3F];
const HIERARCHY: u8 = 0x04;
const CONTENTS: u8 = 0x05;
const ATTACHMENTS: u8 = 0x21;
const PERMISSIONS: u8 = 0x3E;

/// The view-creating ROPs (MS-OXCNOTIF_R246, R248-R255): RopQueryRows,
/// RopQueryPosition, RopSeekRow, RopSeekRowBookmark, RopSeekRowFractional,
/// RopQueryColumnsAll, RopFindRow, RopExpandRow, RopCollapseRow.
const VIEW_ROPS: [u8; 9] = [0x15, 0x17, 0x18, 0x19, 0x1A, 0x37, 0x4F, 0x59, 0x5A];

/// NoNotifications in the TableFlags of RopGetHierarchyTable and
/// RopGetContentsTable (MS-OXCFOLD 2.2.1.13.1, 2.2.1.14.1; MS-OXCNOTIF_R259).
/// The other table-creating ROPs have no such flag.
const NO_NOTIFICATIONS: u8 = 0x10;

/// The folders and messages the target's setup opens (`Setup.opened`):
/// folders 0-4 and messages 1-4.
pub fn opened() -> &'static [Opened] {
    static OPENED: std::sync::OnceLock<Vec<Opened>> = std::sync::OnceLock::new();
    OPENED.get_or_init(|| {
        let folders = (0..=4).map(|i| Opened { name: format!("$folder{i}"), object: fid(i), message: false });
        let messages = (1..=4).map(|i| Opened { name: format!("$message{i}"), object: mid(i), message: true });
        folders.chain(messages).collect()
    })
}

/// One table as the requests and outputs say it is.
#[derive(Debug, Clone)]
struct Mirror {
    handle: u32,
    /// RopId of the ROP that created it.
    kind: u8,
    /// Its folder, or (attachment table) its message.
    object: Id8,
    /// The folder the object is in (an attachment table's message's).
    folder: Id8,
    /// Opened with NoNotifications (MS-OXCNOTIF_R258).
    quiet: bool,
    /// The columns of the last successful RopSetColumns, until a RopResetTable.
    columns: Option<Vec<PropertyTag>>,
    /// A view ROP arrived and no RopResetTable since.
    view: bool,
    /// A view ROP ever arrived.
    ever_view: bool,
    /// A RopResetTable arrived and no view ROP since.
    reset: bool,
    released: bool,
    bookmark: Option<Vec<u8>>,
}

/// An opened folder or message of the setup.
#[derive(Debug, Clone, Copy)]
struct Object {
    handle: u32,
    id: Id8,
    message: bool,
    /// The folder it is in (a folder's own ID for a folder).
    folder: Id8,
}

/// The subscriptions the caller knows of: every handle a successful
/// RopRegisterNotification gave (and the logon first), and those released.
pub(super) struct Subscriptions<'a> {
    pub(super) assigned: &'a [u32],
    pub(super) released: &'a HashSet<u32>,
}

impl Subscriptions<'_> {
    fn live(&self, h: u32) -> bool {
        self.assigned.first() != Some(&h) && self.assigned.contains(&h) && !self.released.contains(&h)
    }
}

/// The mirror of the model's tables, and the checks on it.
pub(super) struct Tables {
    spec: bool,
    logon: u32,
    objects: Vec<Object>,
    tables: Vec<Mirror>,
    /// Every handle given out: the logon, the opened objects, subscriptions,
    /// tables (a few dozen at most: a list is faster than hashing them).
    handles: Vec<u32>,
    new_folders: Vec<Id8>,
    new_messages: Vec<Id8>,
    pub(super) stats: TableStats,
}

impl Tables {
    /// The mirror of a fresh server; `open`: its setup opened [`opened`].
    pub(super) fn new(server: &Server, logon: u32, open: bool) -> Result<Tables, String> {
        let mut objects = Vec::new();
        for o in opened().iter().filter(|_| open) {
            let h = *server.opened().get(&o.name).ok_or_else(|| format!("the setup did not open {}", o.name))?;
            let folder = if o.message { fid(o.object.0[7]) } else { o.object };
            objects.push(Object { handle: h, id: o.object, message: o.message, folder });
        }
        let mut handles: Vec<u32> = objects.iter().map(|o| o.handle).collect();
        handles.push(logon);
        handles.sort_unstable();
        handles.dedup();
        if handles.len() != objects.len() + 1 || handles.contains(&UNUSED_HANDLE) {
            return Err("the opened objects' handles are not unique or include 0xFFFFFFFF".into());
        }
        Ok(Tables {
            spec: server.profile().name == "spec",
            logon,
            objects,
            tables: Vec::new(),
            handles,
            new_folders: Vec::new(),
            new_messages: Vec::new(),
            stats: TableStats::default(),
        })
    }

    /// The handle the n-th table operation aims at: a table (live or
    /// released), or, one past the last table, an opened object, which is
    /// no table.
    fn aim(&self, n: u8) -> u32 {
        let i = n as usize % (self.tables.len() + 1);
        match self.tables.get(i) {
            Some(t) => t.handle,
            None => self.objects.get(n as usize % self.objects.len().max(1)).map_or(0x0BAD_0000, |o| o.handle),
        }
    }

    fn table(&self, h: u32) -> Option<&Mirror> {
        self.tables.iter().find(|t| t.handle == h)
    }

    fn table_mut(&mut self, h: u32) -> Option<&mut Mirror> {
        self.tables.iter_mut().find(|t| t.handle == h)
    }

    /// The input buffer of `op`, or `None` when it is a store change, which
    /// this runs and checks.
    pub(super) fn step(
        &mut self,
        op: &TableOp,
        server: &mut Server,
        subs: &Subscriptions,
    ) -> Result<Option<RopInputBuffer>, String> {
        let one =
            |rop: RopRequest, h: u32| RopInputBuffer { rops_list: vec![rop], server_object_handle_table: vec![h] };
        Ok(Some(match *op {
            TableOp::Create { select, flags, columns, then } => {
                let kind = CREATING[select as usize % 5];
                let input = match (select / 5) % 11 {
                    k @ 0..=8 => self.objects[k as usize].handle,
                    9 => self.logon,
                    _ => self.tables.first().map_or(0x0BAD_0000, |t| t.handle),
                };
                let mut rops = vec![create(kind, flags)];
                if matches!(then % 4, 1 | 2) {
                    rops.push(set_columns(1, columns, then >> 4));
                }
                if matches!(then % 4, 2 | 3) {
                    rops.push(view(1, (then / 4) % 9, columns, None));
                }
                RopInputBuffer { rops_list: rops, server_object_handle_table: vec![input, UNUSED_HANDLE] }
            }
            TableOp::Columns { table, mask, order } => one(set_columns(0, mask, order), self.aim(table)),
            TableOp::View { table, rop, arg } => {
                let h = self.aim(table);
                let mark = self.table(h).and_then(|t| t.bookmark.clone());
                one(view(0, rop % 10, arg, mark), h)
            }
            TableOp::Reset(t) => {
                one(RopRequest::ResetTable(RopResetTableRequest { logon_id: 0, input_handle_index: 0 }), self.aim(t))
            }
            TableOp::Release(t) => {
                one(RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: 0 }), self.aim(t))
            }
            TableOp::Touch { table, how, pick } => {
                let Some(t) = self.tables.get(table as usize % self.tables.len().max(1)) else { return Ok(None) };
                let e = touch(t, how, pick, &mut self.new_folders, &mut self.new_messages);
                let n = server.event(&e);
                self.after_event(server, n, subs)?;
                return Ok(None);
            }
        }))
    }

    /// Checks the `n` notifications the last event queued, against the
    /// tables as they were when it happened.
    pub(super) fn after_event(&mut self, server: &Server, n: usize, subs: &Subscriptions) -> Result<(), String> {
        let q = server.queued();
        for q in q.iter().skip(q.len().saturating_sub(n)) {
            self.check_queued(q.handle, &q.data, subs)?;
        }
        Ok(())
    }

    /// Checks one notification an event queued for handle `h`.
    fn check_queued(&mut self, h: u32, data: &NotificationData, subs: &Subscriptions) -> Result<(), String> {
        let Some(t) = self.table(h) else {
            if !subs.live(h) {
                // MS-OXCNOTIF_R95: the target object of the notification.
                return Err(format!("an event queued a notification for 0x{h:08X}, no live subscription or table"));
            }
            return Ok(());
        };
        check_table_notification(t, data.notification_flags, self.spec)?;
        if t.reset && self.spec {
            return Err(format!(
                "MS-OXCNOTIF_R272-R285 (SHOULD; the spec profile follows it): an event after RopResetTable \
                 queued a notification for table 0x{h:08X}, which has had no view ROP since"
            ));
        }
        if !t.view && self.spec {
            return Err(format!(
                "MS-OXCNOTIF_R243 (SHOULD; the spec profile follows it): an event queued a notification for \
                 table 0x{h:08X}, which has had no view-creating ROP"
            ));
        }
        let (Some(_), Some(columns)) = (&data.table_row_data, &t.columns) else { return Ok(()) };
        let mut bytes = Vec::new();
        data.write(&mut bytes, Layout::Spec).map_err(|e| format!("a queued notification does not encode: {e}"))?;
        match decode_with_columns(&bytes, columns) {
            Ok((_, Some(_))) => {
                self.stats.rows_checked += 1;
                Ok(())
            }
            other => Err(format!(
                "MS-OXCNOTIF_R166001 (MUST): the TableRowData of a notification for table 0x{h:08X} \
                 ({}) does not read as a PropertyRow of its column set {:?}: {:?}",
                crate::hex::encode(&bytes),
                columns.iter().map(|c| format!("0x{:08X}", c.to_u32())).collect::<Vec<_>>(),
                other.err()
            )),
        }
    }

    /// Follows a call's requests and checks its output: new tables and
    /// their handles, columns, views, resets and releases, and every
    /// RopNotify.
    pub(super) fn after_call(
        &mut self,
        input: &RopInputBuffer,
        out: &RopOutputBuffer,
        subs: &Subscriptions,
    ) -> Result<(), String> {
        let mut slots = input.server_object_handle_table.clone();
        let mut responses = out.rops_list.iter();
        for req in &input.rops_list {
            let at = |i: u8, slots: &[u32]| slots.get(i as usize).copied().unwrap_or(UNUSED_HANDLE);
            let handle = req.handle_uses()[0].map_or(UNUSED_HANDLE, |u| at(u.index, &slots));
            if let RopRequest::Release(_) = req {
                // RopRelease has no response (MS-OXCROPS_R4572).
                if let Some(t) = self.table_mut(handle).filter(|t| !t.released) {
                    t.released = true;
                    self.stats.releases += 1;
                }
                continue;
            }
            let Some(resp) = responses.next() else { break };
            let ok = resp.return_value() == Some(0);
            let id = req.rop().id;
            if let RopResponse::RegisterNotification(r) = resp {
                if ok {
                    let h = at(r.output_handle_index, &out.server_object_handle_table);
                    // MS-OXCROPS_R4556: a handle no live object has.
                    if self.handles.contains(&h) {
                        return Err(format!("a subscription got handle 0x{h:08X}, which an object already has"));
                    }
                    self.handles.push(h);
                }
                continue;
            }
            if CREATING.contains(&id) {
                let Some(out_index) = req.handle_uses()[1].map(|u| u.index) else { continue };
                if !ok {
                    self.stats.refused += 1;
                    continue;
                }
                let h = at(out_index, &out.server_object_handle_table);
                // MS-OXCROPS_R4556, R4560.
                if h == UNUSED_HANDLE || self.handles.contains(&h) {
                    return Err(format!("a new table's handle 0x{h:08X} is 0xFFFFFFFF or not new"));
                }
                self.handles.push(h);
                if let Some(s) = slots.get_mut(out_index as usize) {
                    *s = h;
                }
                let object = self.objects.iter().find(|o| o.handle == handle).copied();
                // The input object is a folder, a message for RopGetAttachmentTable
                // (MS-OXCROPS 2.2.4.13, 2.2.4.14, 2.2.6.17, 2.2.10.2, 2.2.11.2).
                let Some(object) = object.filter(|o| o.message == (id == ATTACHMENTS)) else {
                    return Err(format!(
                        "RopId 0x{id:02X} made a table on 0x{handle:08X}, which is not its kind of object"
                    ));
                };
                let flags = table_flags(req);
                let quiet = matches!(id, HIERARCHY | CONTENTS) && flags & NO_NOTIFICATIONS != 0;
                *self.stats.created.entry(id).or_insert(0) += 1;
                self.tables.push(Mirror {
                    handle: h,
                    kind: id,
                    object: object.id,
                    folder: object.folder,
                    quiet,
                    columns: None,
                    view: false,
                    ever_view: false,
                    reset: false,
                    released: false,
                    bookmark: None,
                });
                continue;
            }
            let Some(t) = self.tables.iter_mut().find(|t| t.handle == handle && !t.released) else { continue };
            match (req, resp) {
                (RopRequest::SetColumns(r), _) if ok => t.columns = Some(r.property_tags.clone()),
                (RopRequest::ResetTable(_), _) if ok => {
                    // MS-OXCTABL 2.2.2.15: the column set goes; MS-OXCNOTIF_R272: so does the view.
                    t.columns = None;
                    t.view = false;
                    t.reset = true;
                    self.stats.resets += 1;
                }
                (_, RopResponse::CreateBookmark(r)) => t.bookmark = r.bookmark.clone(),
                // A view ROP received, whatever its ReturnValue (MS-OXCNOTIF_R246, R248-R255).
                _ if VIEW_ROPS.contains(&id) => {
                    t.view = true;
                    t.ever_view = true;
                    t.reset = false;
                }
                _ => {}
            }
            *self.stats.rops.entry(id).or_insert(0) += 1;
        }
        for rop in &out.rops_list {
            let RopResponse::Notify(n) = rop else { continue };
            let h = n.notification_handle;
            match self.table(h) {
                Some(t) => {
                    check_table_notification(t, n.notification_data.notification_flags, self.spec)?;
                    if !t.ever_view && self.spec {
                        return Err(format!(
                            "MS-OXCNOTIF_R243 (SHOULD; the spec profile follows it): a RopNotify for table \
                             0x{h:08X}, which never had a view-creating ROP"
                        ));
                    }
                    *self.stats.notified.entry(t.kind).or_insert(0) += 1;
                }
                // MS-OXCNOTIF_R95-R97: a subscription or a table.
                None if !subs.live(h) => {
                    return Err(format!("a RopNotify names 0x{h:08X}, no live subscription or table"));
                }
                None => {}
            }
        }
        Ok(())
    }
}

/// What every notification for table `t` must be, queued or delivered.
fn check_table_notification(t: &Mirror, flags: u16, spec: bool) -> Result<(), String> {
    let h = t.handle;
    if t.quiet {
        return Err(format!(
            "MS-OXCNOTIF_R258 (MUST): a notification for table 0x{h:08X}, opened with NoNotifications"
        ));
    }
    if t.released && spec {
        // The spec profile drops a released object's queued notifications.
        return Err(format!("a notification for table 0x{h:08X}, which was released"));
    }
    if flags & 0x0FFF != 0x0100 {
        // MS-OXCNOTIF_R256: tables are subscribed to TableModified.
        return Err(format!("table 0x{h:08X} got NotificationFlags 0x{flags:04X}, not TableModified"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
