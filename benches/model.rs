//! Scale of event routing in the server model: 1,000,000 events with 1,000,
//! then 10,000, then 100,000 folder-scoped subscriptions spread over 10,000
//! folders. Prints the time per event for each.
//!
//! The cost of an event must follow the number of subscriptions it matches,
//! not the total. To measure exactly that, every event matches one
//! subscription at every size: folders 0–999 carry exactly one subscription
//! each and all events go to them (round robin); the other subscriptions are
//! spread over folders 1,000–9,999, where no event goes. A server that
//! scanned every subscription per event would slow down 100× from the first
//! size to the last.
//!
//! Run: `cargo bench --bench model`

use oxcnotif::model::{profile, Event, EventType, Server, Setup, SetupFolder};
use oxcnotif::wire::register_notification::RopRegisterNotificationRequest;
use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopRequest};
use oxcnotif::wire::{Id8, Layout};
use std::hint::black_box;
use std::time::{Duration, Instant};

const FOLDERS: u64 = 10_000;
const HOT: u64 = 1_000;
const EVENTS: u64 = 1_000_000;
const DRAIN_EVERY: u64 = 1_000;

fn folder(i: u64) -> Id8 {
    Id8((0x0001_0000_0000_0000 | i).to_be_bytes())
}

fn main() {
    let root = Id8([0, 0, 0, 0, 0, 0, 0, 1]);
    let setup = Setup {
        logons: vec![0],
        folders: std::iter::once(SetupFolder { id: root, parent: None, search: false })
            .chain((0..FOLDERS).map(|i| SetupFolder { id: folder(i), parent: Some(root), search: false }))
            .collect(),
        messages: Vec::new(),
        session_index: 0,
        ..Setup::default()
    };
    let mut per_event = Vec::new();
    println!(
        "{:>12} {:>14} {:>16} {:>14} {:>14}",
        "subscriptions", "register (ms)", "events (ms)", "ns/event", "notes/event"
    );
    for subs in [1_000u64, 10_000, 100_000] {
        let mut server = Server::new(profile::spec(), Layout::Spec, &setup);
        let logon = server.logon_handle(0).expect("logon");
        let t = Instant::now();
        for j in 0..subs {
            let f = if j < HOT { j } else { HOT + (j % (FOLDERS - HOT)) };
            let req = RopRegisterNotificationRequest {
                logon_id: 0,
                input_handle_index: 0,
                output_handle_index: 1,
                notification_types: 0x00FE,
                reserved: None,
                want_whole_store: 0,
                folder_id: Some(folder(f)),
                message_id: Some(Id8::default()),
            };
            let input = RopInputBuffer {
                rops_list: vec![RopRequest::RegisterNotification(req)],
                server_object_handle_table: vec![logon, 0xFFFF_FFFF],
            };
            black_box(server.execute_value(&input, 0x8000).expect("registers"));
        }
        let register_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut events_time = Duration::ZERO;
        let mut queued = 0u64;
        let mut e = Event::new(EventType::ObjectModified, folder(0), None);
        e.tags = vec![0x0037_001F];
        let poll = RopInputBuffer::default();
        let mut i = 0;
        while i < EVENTS {
            let t = Instant::now();
            for k in i..i + DRAIN_EVERY {
                e.folder = folder(k % HOT);
                queued += server.event(black_box(&e)) as u64;
            }
            events_time += t.elapsed();
            i += DRAIN_EVERY;
            // Drain the queue (not timed): large output buffers until empty.
            while !server.queued().is_empty() {
                black_box(server.execute_value(&poll, 0xFFFF).expect("polls"));
            }
        }
        let ns = events_time.as_secs_f64() * 1e9 / EVENTS as f64;
        per_event.push(ns);
        println!(
            "{:>12} {:>14.1} {:>16.1} {:>14.1} {:>14.2}",
            subs,
            register_ms,
            events_time.as_secs_f64() * 1e3,
            ns,
            queued as f64 / EVENTS as f64
        );
    }
    println!(
        "time per event at 100,000 subscriptions / at 1,000: {:.2}x (target: within 2x)",
        per_event[2] / per_event[0]
    );
}
