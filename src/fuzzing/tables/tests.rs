//! The checks fail on what a broken server would send: each test makes a
//! real table through the model, then hands the checks a notification
//! the model never sends.
use super::requests::create;
use super::*;
use crate::model::{profile, Setup, SetupFolder, SetupMessage};
use crate::wire::notify::RopNotifyResponse;

struct World {
    server: Server,
    tables: Tables,
    assigned: Vec<u32>,
    released: HashSet<u32>,
}

impl World {
    fn new() -> World {
        let setup = Setup {
            logons: vec![0],
            folders: (0..=4)
                .map(|i| SetupFolder { id: fid(i), parent: (i > 0).then(|| fid(0)), search: false })
                .collect(),
            messages: (1..=4).map(|i| SetupMessage { id: mid(i), folder: fid(i) }).collect(),
            opened: opened().to_vec(),
            ..Setup::default()
        };
        let server = Server::new(profile::spec(), Layout::Spec, &setup);
        let logon = server.logon_handle(0).unwrap();
        let tables = Tables::new(&server, logon, true).unwrap();
        World { server, tables, assigned: vec![logon], released: HashSet::new() }
    }

    /// Runs a table operation that is a call, and checks its output.
    fn run(&mut self, op: TableOp) -> Result<(), String> {
        let subs = Subscriptions { assigned: &self.assigned, released: &self.released };
        let input = self.tables.step(&op, &mut self.server, &subs)?.expect("a call");
        let out = self.server.execute_value(&input, 0x8000).unwrap();
        self.tables.after_call(&input, &out, &subs)
    }

    fn queued(&mut self, h: u32, data: &NotificationData) -> Result<(), String> {
        let subs = Subscriptions { assigned: &self.assigned, released: &self.released };
        self.tables.check_queued(h, data, &subs)
    }

    fn delivered(&mut self, h: u32, data: &NotificationData) -> Result<(), String> {
        let subs = Subscriptions { assigned: &self.assigned, released: &self.released };
        let out = RopOutputBuffer {
            rops_list: vec![RopResponse::Notify(RopNotifyResponse {
                notification_handle: h,
                logon_id: 0,
                notification_data: data.clone(),
            })],
            server_object_handle_table: Vec::new(),
        };
        self.tables.after_call(&RopInputBuffer::default(), &out, &subs)
    }
}

fn table_changed() -> NotificationData {
    NotificationData { notification_flags: 0x0100, table_event_type: Some(0x0001), ..NotificationData::default() }
}

/// A hierarchy-style TableRowAdded whose TableRowData is `row`.
fn row_added(row: Vec<u8>) -> NotificationData {
    NotificationData {
        notification_flags: 0x0100,
        table_event_type: Some(0x0003),
        table_row_folder_id: Some(fid(9)),
        insert_after_table_row_folder_id: Some(fid(0)),
        table_row_data: Some(row),
        ..NotificationData::default()
    }
}

#[test]
fn a_notification_for_a_no_notifications_table_breaks_r258_queued_or_delivered() {
    let mut w = World::new();
    // A contents table on folder 1 with NoNotifications, columns and a view.
    w.run(TableOp::Create { select: 6, flags: 0x10, columns: 0x03, then: 6 }).unwrap();
    let h = w.tables.tables[0].handle;
    assert!(w.queued(h, &table_changed()).unwrap_err().contains("MS-OXCNOTIF_R258"));
    assert!(w.delivered(h, &table_changed()).unwrap_err().contains("MS-OXCNOTIF_R258"));
    // The same flag on a permissions table is no NoNotifications.
    w.run(TableOp::Create { select: 3 + 5, flags: 0x10, columns: 0x03, then: 6 }).unwrap();
    let p = w.tables.tables[1].handle;
    w.queued(p, &table_changed()).unwrap();
    w.delivered(p, &table_changed()).unwrap();
}

#[test]
fn without_a_view_or_after_a_reset_a_notification_breaks_r243_or_r272() {
    let mut w = World::new();
    w.run(TableOp::Create { select: 6, flags: 0, columns: 0x03, then: 1 }).unwrap();
    let h = w.tables.tables[0].handle;
    assert!(w.queued(h, &table_changed()).unwrap_err().contains("MS-OXCNOTIF_R243"));
    assert!(w.delivered(h, &table_changed()).unwrap_err().contains("MS-OXCNOTIF_R243"));
    w.run(TableOp::View { table: 0, rop: 1, arg: 0 }).unwrap();
    w.queued(h, &table_changed()).unwrap();
    w.run(TableOp::Reset(0)).unwrap();
    assert!(w.queued(h, &table_changed()).unwrap_err().contains("MS-OXCNOTIF_R272"));
    // Delivered after the reset, it may have been queued before it.
    w.delivered(h, &table_changed()).unwrap();
    w.run(TableOp::View { table: 0, rop: 8, arg: 0 }).unwrap();
    w.queued(h, &table_changed()).unwrap();
}

#[test]
fn row_data_of_another_column_set_breaks_r166001() {
    let mut w = World::new();
    // A hierarchy table on folder 0 with PidTagFolderId and PidTagMid, and a view.
    w.run(TableOp::Create { select: 0, flags: 0, columns: 0x03, then: 6 }).unwrap();
    let h = w.tables.tables[0].handle;
    let mut two = vec![0x00];
    two.extend(fid(9).0);
    two.extend(mid(9).0);
    w.queued(h, &row_added(two.clone())).unwrap();
    assert_eq!(w.tables.stats.rows_checked, 1);
    // One column's value only, or an extra byte: not a row of the two columns.
    for wrong in [two[..9].to_vec(), [two.clone(), vec![0]].concat(), Vec::new()] {
        let e = w.queued(h, &row_added(wrong)).unwrap_err();
        assert!(e.contains("MS-OXCNOTIF_R166001"), "{e}");
    }
    // After RopSetColumns of PidTagFolderId alone, the two-column row is wrong.
    w.run(TableOp::Columns { table: 0, mask: 0x01, order: 0 }).unwrap();
    assert!(w.queued(h, &row_added(two.clone())).unwrap_err().contains("MS-OXCNOTIF_R166001"));
    w.queued(h, &row_added(two[..9].to_vec())).unwrap();
}

#[test]
fn notifications_for_released_tables_unknown_handles_or_other_types_fail() {
    let mut w = World::new();
    w.run(TableOp::Create { select: 6, flags: 0, columns: 0x03, then: 6 }).unwrap();
    let h = w.tables.tables[0].handle;
    let object_created = NotificationData { notification_flags: 0x0004, ..row_added(Vec::new()) };
    assert!(w.queued(h, &object_created).unwrap_err().contains("not TableModified"));
    assert!(w.queued(0x4242, &table_changed()).unwrap_err().contains("no live subscription or table"));
    assert!(w.delivered(0x4242, &table_changed()).unwrap_err().contains("no live subscription or table"));
    w.run(TableOp::Release(0)).unwrap();
    assert!(w.tables.tables[0].released);
    assert!(w.delivered(h, &table_changed()).unwrap_err().contains("released"));
}

#[test]
fn a_new_handle_given_twice_is_caught() {
    let mut w = World::new();
    w.run(TableOp::Create { select: 6, flags: 0, columns: 0x03, then: 0 }).unwrap();
    let h = w.tables.tables[0].handle;
    let subs = Subscriptions { assigned: &w.assigned, released: &w.released };
    // An output that hands out the same table handle again.
    let input = RopInputBuffer {
        rops_list: vec![create(CONTENTS, 0)],
        server_object_handle_table: vec![w.tables.objects[1].handle, UNUSED_HANDLE],
    };
    let mut out = w.server.execute_value(&input, 0x8000).unwrap();
    out.server_object_handle_table[1] = h;
    let e = w.tables.after_call(&input, &out, &subs).unwrap_err();
    assert!(e.contains("not new"), "{e}");
}
