//! Decode and encode throughput of a 64 KiB ROP output buffer filled with
//! RopNotify responses of every NotificationType (and every TableEventType),
//! beside the throughput of copying the same bytes, measured in the same
//! run. Prints MiB/s for each.
//!
//! Run: `cargo bench --bench codec`

use oxcnotif::wire::notification_data::{presence, tags_present, Field, MessageClass, NotificationData};
use oxcnotif::wire::notify::RopNotifyResponse;
use oxcnotif::wire::rop_buffer::{RopOutputBuffer, RopResponse};
use oxcnotif::wire::{decode, encode, Id8, Layout, WireStructure};
use std::hint::black_box;
use std::time::{Duration, Instant};

const TARGET: usize = 64 * 1024;

/// One NotificationData of the given flags with every present field filled.
fn data(flags: u16, tet: u16, n: u64) -> NotificationData {
    let p = presence(flags, tet);
    let id = |f: Field, k: u64| if p.has(f) { Some(Id8((n * 16 + k).to_le_bytes())) } else { None };
    let num = |f: Field, k: u32| if p.has(f) { Some(n as u32 + k) } else { None };
    // Conforming data: ObjectModified sends TagCount 0 (MS-OXCNOTIF_R197);
    // ObjectCreated lists up to three tags.
    let tag_count = if !p.has(Field::TagCount) {
        None
    } else if flags & 0x0FFF == 0x0010 {
        Some(0)
    } else {
        Some((n % 4) as u16)
    };
    NotificationData {
        notification_flags: flags,
        table_event_type: if p.has(Field::TableEventType) { Some(tet) } else { None },
        table_row_folder_id: id(Field::TableRowFolderID, 1),
        table_row_message_id: id(Field::TableRowMessageID, 2),
        table_row_instance: num(Field::TableRowInstance, 3),
        insert_after_table_row_folder_id: id(Field::InsertAfterTableRowFolderID, 4),
        insert_after_table_row_id: id(Field::InsertAfterTableRowID, 5),
        insert_after_table_row_instance: num(Field::InsertAfterTableRowInstance, 6),
        table_row_data: if p.has(Field::TableRowData) {
            Some(vec![0x1F, 0x00, 0x37, 0x00, 0x41, 0x00, 0x00, 0x00])
        } else {
            None
        },
        folder_id: id(Field::FolderId, 7),
        message_id: id(Field::MessageId, 8),
        parent_folder_id: id(Field::ParentFolderId, 9),
        old_folder_id: id(Field::OldFolderId, 10),
        old_message_id: id(Field::OldMessageId, 11),
        old_parent_folder_id: id(Field::OldParentFolderId, 12),
        tag_count,
        tags: tag_count.filter(|c| tags_present(*c)).map(|c| (0..c as u32).map(|i| 0x0037_001F + i).collect()),
        total_message_count: num(Field::TotalMessageCount, 13),
        unread_message_count: num(Field::UnreadMessageCount, 14),
        message_flags: num(Field::NewMail, 15),
        unicode_flag: if p.has(Field::NewMail) { Some((n % 2) as u8) } else { None },
        message_class: if p.has(Field::NewMail) {
            Some(MessageClass::from_text("IPM.Note", n % 2 == 1).expect("ascii"))
        } else {
            None
        },
    }
}

/// Flags and TableEventType of every kind of notification, in rotation.
const KINDS: [(u16, u16); 16] = [
    (0x8002, 0),      // NewMail
    (0x0004, 0),      // ObjectCreated, folder
    (0x8004, 0),      // ObjectCreated, message
    (0x0008, 0),      // ObjectDeleted
    (0xC008, 0),      // ObjectDeleted, message in a search folder
    (0x0010, 0),      // ObjectModified
    (0x3010, 0),      // ObjectModified with T and U
    (0x0020, 0),      // ObjectMoved, folder
    (0x8020, 0),      // ObjectMoved, message
    (0x8040, 0),      // ObjectCopied
    (0x0080, 0),      // SearchCompleted
    (0x0100, 0x0001), // TableChanged
    (0x8100, 0x0003), // TableRowAdded
    (0x8100, 0x0004), // TableRowDeleted
    (0x0100, 0x0005), // TableRowModified
    (0x0100, 0x0007), // TableRestrictionChanged
];

pub fn buffer() -> (RopOutputBuffer, Vec<u8>) {
    let mut b = RopOutputBuffer::default();
    let mut size = 2;
    let mut n = 0u64;
    loop {
        let (flags, tet) = KINDS[n as usize % KINDS.len()];
        let rop = RopNotifyResponse {
            notification_handle: 0x100 + n as u32,
            logon_id: 0,
            notification_data: data(flags, tet, n),
        };
        let len = encode(&rop, Layout::Spec).expect("encodes").len();
        if size + len > 0xFFFF - 64 {
            break;
        }
        size += len;
        b.rops_list.push(RopResponse::Notify(rop));
        n += 1;
    }
    // Fill to exactly 64 KiB with handle-table entries; the rest is padding
    // the handle table cannot take (it is whole 4-byte handles).
    while size + 4 <= TARGET {
        b.server_object_handle_table.push(0x1000 + size as u32);
        size += 4;
    }
    let bytes = encode(&b, Layout::Spec).expect("encodes");
    (b, bytes)
}

/// Runs `f` repeatedly for about `time` and returns MiB/s for `bytes` per call.
fn measure(bytes: usize, time: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut iters = 0u64;
    while start.elapsed() < time {
        for _ in 0..50 {
            f();
        }
        iters += 50;
    }
    let secs = start.elapsed().as_secs_f64();
    (bytes as f64 * iters as f64) / secs / (1024.0 * 1024.0)
}

fn main() {
    let (value, bytes) = buffer();
    let notifies = value.rops_list.len();
    let d = decode::<RopOutputBuffer>(&bytes, Layout::Spec).expect("decodes");
    assert_eq!(d.value, value);
    assert!(d.findings.is_empty(), "the benchmark data should conform: {:?}", d.findings.first());
    let time = Duration::from_secs(2);
    // OXCNOTIF_BENCH=decode (or encode, copy) runs one phase, for profiling.
    let only = std::env::var("OXCNOTIF_BENCH").unwrap_or_default();
    let on = |phase: &str| only.is_empty() || only == phase;
    let mut copy_dst = vec![0u8; bytes.len()];
    let copy = if !on("copy") {
        0.0
    } else {
        measure(bytes.len(), time, || {
            copy_dst.copy_from_slice(black_box(&bytes));
            black_box(&copy_dst);
        })
    };
    let dec = if !on("decode") {
        0.0
    } else {
        measure(bytes.len(), time, || {
            black_box(decode::<RopOutputBuffer>(black_box(&bytes), Layout::Spec).expect("decodes"));
        })
    };
    let mut out = Vec::with_capacity(bytes.len());
    let enc = if !on("encode") {
        0.0
    } else {
        measure(bytes.len(), time, || {
            out.clear();
            black_box(&value).write(&mut out, Layout::Spec).expect("encodes");
            black_box(&out);
        })
    };
    println!(
        "input: ROP output buffer of {} bytes, {} RopNotify responses ({} kinds of notification)",
        bytes.len(),
        notifies,
        KINDS.len()
    );
    println!("copy   {copy:>9.0} MiB/s");
    println!("decode {dec:>9.0} MiB/s  ({:.1}% of copy)", 100.0 * dec / copy);
    println!("encode {enc:>9.0} MiB/s  ({:.1}% of copy)", 100.0 * enc / copy);
}
