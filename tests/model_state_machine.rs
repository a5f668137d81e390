//! Model-based property test of the server model (proptest-state-machine).
//!
//! Random sequences of register, release (of live and of already released
//! subscriptions), registrations with a bad handle index, events, and polls
//! with random output sizes run against the model and against a deliberately
//! simpler reference written here: a list of subscriptions scanned in full
//! for every event, and a plain queue. After every step:
//!
//! * the model delivered exactly the notifications the reference expects,
//!   in order (so none for a released or non-matching subscription, none
//!   lost, none twice);
//! * RopPending is present exactly when notifications remain queued;
//! * no output buffer is longer than its limit;
//! * handles are unique and never 0xFFFFFFFF;
//! * every output buffer decodes with the reference codec, with no findings.

use oxcnotif::model::{profile, Event, EventType, Server, Setup, SetupFolder, SetupMessage};
use oxcnotif::wire::register_notification::RopRegisterNotificationRequest;
use oxcnotif::wire::release::RopReleaseRequest;
use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse};
use oxcnotif::wire::{decode, encode, Id8, Layout};
use proptest::prelude::*;
use proptest::test_runner::Config;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use std::collections::HashSet;

const ROOT: u64 = 0x10;
const FOLDERS: [u64; 3] = [0x11, 0x12, 0x13]; // 0x13 is a search folder
const SEARCH: u64 = 0x13;
/// Each message lives in one folder for the whole test.
const MESSAGES: [(u64, u64); 4] = [(0x21, 0x11), (0x22, 0x11), (0x23, 0x12), (0x24, 0x13)];

fn id(n: u64) -> Id8 {
    Id8(n.to_be_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefScope {
    Store,
    Folder(u64),
    Message(u64),
}

#[derive(Debug, Clone)]
enum Op {
    Register { types: u16, scope: RefScope },
    BadIndex,
    Release { ordinal: usize },
    Event { kind: EventType, folder: u64, message: Option<u64>, tags: u8, counts: bool },
    Poll { max_output: usize },
}

/// One expected RopNotify: which subscription (by registration order) and
/// what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Note {
    sub: usize,
    kind: EventType,
    folder: u64,
    message: Option<u64>,
    size: usize,
}

#[derive(Debug, Clone, Default)]
struct Reference {
    /// Every registration, in order: (types, scope, live?).
    subs: Vec<(u16, RefScope, bool)>,
    queue: Vec<Note>,
    /// What the last call should have delivered, and whether RopPending follows.
    delivered: Vec<Note>,
    pending: bool,
    /// Whether the last call registered (ordinal) or failed (None).
    registered: Option<usize>,
}

/// The size of the RopNotify for an event, from the field table (computed
/// here, independently of the model's builder).
fn notify_size(kind: EventType, message: Option<u64>, folder: u64, tags: u8, counts: bool) -> usize {
    let m = message.is_some();
    let s = m && folder == SEARCH;
    let mut n = 2 + 8; // NotificationFlags, FolderId
    if m {
        n += 8; // MessageId
    }
    if matches!(kind, EventType::ObjectCreated | EventType::ObjectDeleted) && s == m {
        n += 8; // ParentFolderId
    }
    match kind {
        EventType::ObjectCreated => n += 2 + 4 * tags as usize,
        EventType::ObjectModified => n += 2 + if counts { 8 } else { 0 }, // spec profile: TagCount 0
        EventType::NewMail => n += 4 + 1 + 18, // MessageFlags, UnicodeFlag, "IPM.Note" UTF-16
        _ => {}
    }
    6 + n
}

fn concerns(kind: EventType, folder: u64, message: Option<u64>) -> (Vec<u64>, Vec<u64>) {
    match message {
        Some(m) => (vec![folder], vec![m]),
        None if kind == EventType::ObjectCreated => (vec![folder, ROOT], vec![]),
        None => (vec![folder], vec![]),
    }
}

impl Reference {
    /// The delivery rule: RopNotify in queue order while the next one fits
    /// (MS-OXCNOTIF_R347), then RopPending if some remain and it fits (R349).
    fn deliver(&mut self, mut used: usize, limit: usize) {
        self.delivered.clear();
        while let Some(first) = self.queue.first() {
            if used + first.size > limit {
                break;
            }
            used += first.size;
            self.delivered.push(self.queue.remove(0));
        }
        self.pending = !self.queue.is_empty() && used + 3 <= limit;
    }
}

impl ReferenceStateMachine for Reference {
    type State = Reference;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(Reference::default()).boxed()
    }

    fn transitions(state: &Self::State) -> BoxedStrategy<Self::Transition> {
        let scope = prop_oneof![
            Just(RefScope::Store),
            prop::sample::select(vec![ROOT, FOLDERS[0], FOLDERS[1], FOLDERS[2]]).prop_map(RefScope::Folder),
            prop::sample::select(MESSAGES.iter().map(|m| m.0).collect::<Vec<_>>()).prop_map(RefScope::Message),
        ];
        let types = (0u16..0x100).prop_map(|t| t & 0x00FE);
        let register = (types, scope).prop_map(|(types, scope)| Op::Register { types, scope });
        let kinds = prop::sample::select(vec![
            EventType::NewMail,
            EventType::ObjectCreated,
            EventType::ObjectDeleted,
            EventType::ObjectModified,
            EventType::SearchCompleted,
        ]);
        let event = (kinds, 0usize..4, 0usize..3, 0u8..3, any::<bool>()).prop_map(|(kind, mi, fi, tags, counts)| {
            // NewMail and ObjectDeleted are about messages here; SearchCompleted about a folder.
            let on_message = match kind {
                EventType::NewMail | EventType::ObjectDeleted => true,
                EventType::SearchCompleted => false,
                _ => mi % 2 == 0,
            };
            if on_message {
                let (m, f) = MESSAGES[mi];
                Op::Event { kind, folder: f, message: Some(m), tags, counts }
            } else {
                Op::Event { kind, folder: FOLDERS[fi], message: None, tags, counts }
            }
        });
        // Small limits often, so that limits falling between sizes are common.
        let poll = prop_oneof![8usize..400, 8usize..90].prop_map(|max_output| Op::Poll { max_output });
        if state.subs.is_empty() {
            prop_oneof![3 => register, 1 => Just(Op::BadIndex), 3 => event, 2 => poll].boxed()
        } else {
            let release = (0..state.subs.len()).prop_map(|ordinal| Op::Release { ordinal });
            prop_oneof![3 => register, 1 => Just(Op::BadIndex), 2 => release, 4 => event, 3 => poll].boxed()
        }
    }

    fn apply(mut state: Self::State, op: &Self::Transition) -> Self::State {
        state.registered = None;
        state.delivered.clear();
        state.pending = false;
        const BIG: usize = 0x8000;
        match op {
            Op::Register { types, scope } => {
                state.subs.push((*types, *scope, true));
                state.registered = Some(state.subs.len() - 1);
                // Output: RopSize, the 6-byte response, a 2-entry table.
                state.deliver(2 + 6, BIG - 8);
            }
            Op::BadIndex => state.deliver(2 + 6, BIG - 8),
            Op::Release { ordinal } => {
                if let Some(s) = state.subs.get_mut(*ordinal) {
                    if s.2 {
                        s.2 = false;
                        state.queue.retain(|n| n.sub != *ordinal);
                    }
                }
                state.deliver(2, BIG - 4);
            }
            Op::Event { kind, folder, message, tags, counts } => {
                let (folders, messages) = concerns(*kind, *folder, *message);
                for (i, (types, scope, live)) in state.subs.iter().enumerate() {
                    let hit = match scope {
                        RefScope::Store => true,
                        RefScope::Folder(f) => folders.contains(f),
                        RefScope::Message(m) => messages.contains(m),
                    };
                    if *live && hit && types & kind.bit() != 0 {
                        let size = notify_size(*kind, *message, *folder, *tags, *counts);
                        state.queue.push(Note { sub: i, kind: *kind, folder: *folder, message: *message, size });
                    }
                }
            }
            Op::Poll { max_output } => state.deliver(2, *max_output),
        }
        state
    }
}

struct Sut {
    server: Server,
    logon: u32,
    /// The model's handle for each registration, by ordinal.
    handles: Vec<u32>,
    seen: HashSet<u32>,
}

struct ModelTest;

fn send(sut: &mut Sut, input: RopInputBuffer, max_output: usize) -> RopOutputBuffer {
    let bytes = encode(&input, Layout::Spec).expect("test input encodes");
    let out = sut.server.execute(&bytes, max_output).expect("the call succeeds");
    assert!(out.len() <= max_output, "output of {} bytes over the limit {max_output}", out.len());
    let d = decode::<RopOutputBuffer>(&out, Layout::Spec).expect("the output decodes");
    assert!(d.findings.is_empty(), "the output breaks a rule: {:?}", d.findings);
    d.value
}

fn check_delivery(sut: &Sut, out: &RopOutputBuffer, reference: &Reference, skip: usize) {
    let rops = &out.rops_list[skip..];
    let notifies: Vec<_> = rops
        .iter()
        .filter_map(|r| match r {
            RopResponse::Notify(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(
        notifies.len(),
        reference.delivered.len(),
        "delivered {} notifications, expected {:?}",
        notifies.len(),
        reference.delivered
    );
    for (n, want) in notifies.iter().zip(&reference.delivered) {
        assert_eq!(n.notification_handle, sut.handles[want.sub], "wrong subscription for {want:?}");
        let d = &n.notification_data;
        assert_eq!(d.notification_type(), want.kind.bit(), "{want:?}");
        assert_eq!(d.folder_id, Some(id(want.folder)), "{want:?}");
        assert_eq!(d.message_id, want.message.map(id), "{want:?}");
    }
    let pending = rops.iter().any(|r| matches!(r, RopResponse::Pending(_)));
    assert_eq!(pending, reference.pending, "RopPending present: {pending}, expected {}", reference.pending);
    if pending {
        assert!(matches!(rops.last(), Some(RopResponse::Pending(_))), "RopPending is not last");
    }
}

impl StateMachineTest for ModelTest {
    type SystemUnderTest = Sut;
    type Reference = Reference;

    fn init_test(_: &Reference) -> Sut {
        let setup = Setup {
            logons: vec![0],
            folders: std::iter::once(SetupFolder { id: id(ROOT), parent: None, search: false })
                .chain(FOLDERS.iter().map(|f| SetupFolder { id: id(*f), parent: Some(id(ROOT)), search: *f == SEARCH }))
                .collect(),
            messages: MESSAGES.iter().map(|(m, f)| SetupMessage { id: id(*m), folder: id(*f) }).collect(),
            session_index: 7,
            ..Setup::default()
        };
        let server = Server::new(profile::spec(), Layout::Spec, &setup);
        let logon = server.logon_handle(0).expect("logon 0 is open");
        let mut seen = HashSet::new();
        seen.insert(logon);
        Sut { server, logon, handles: Vec::new(), seen }
    }

    fn apply(mut sut: Sut, reference: &Reference, op: Op) -> Sut {
        match op {
            Op::Register { types, scope } => {
                let (wws, folder, message) = match scope {
                    RefScope::Store => (1, None, None),
                    RefScope::Folder(f) => (0, Some(id(f)), Some(Id8::default())),
                    RefScope::Message(m) => {
                        let f = MESSAGES.iter().find(|x| x.0 == m).map(|x| x.1).unwrap_or(ROOT);
                        (0, Some(id(f)), Some(id(m)))
                    }
                };
                let req = RopRegisterNotificationRequest {
                    logon_id: 0,
                    input_handle_index: 0,
                    output_handle_index: 1,
                    notification_types: types,
                    reserved: None,
                    want_whole_store: wws,
                    folder_id: folder,
                    message_id: message,
                };
                let input = RopInputBuffer {
                    rops_list: vec![RopRequest::RegisterNotification(req)],
                    server_object_handle_table: vec![sut.logon, 0xFFFF_FFFF],
                };
                let out = send(&mut sut, input, 0x8000);
                match out.rops_list.first() {
                    Some(RopResponse::RegisterNotification(r)) => {
                        assert_eq!(r.return_value, 0);
                        assert_eq!(r.output_handle_index, 1);
                    }
                    other => panic!("expected the registration's response first, got {other:?}"),
                }
                let h = out.server_object_handle_table[1];
                assert_ne!(h, 0xFFFF_FFFF, "0xFFFFFFFF assigned as a handle");
                assert!(sut.seen.insert(h), "handle 0x{h:08X} assigned twice");
                sut.handles.push(h);
                assert_eq!(reference.registered, Some(sut.handles.len() - 1));
                check_delivery(&sut, &out, reference, 1);
            }
            Op::BadIndex => {
                let req = RopRegisterNotificationRequest {
                    logon_id: 0,
                    input_handle_index: 5,
                    output_handle_index: 1,
                    notification_types: 0x00FE,
                    reserved: None,
                    want_whole_store: 1,
                    folder_id: None,
                    message_id: None,
                };
                let input = RopInputBuffer {
                    rops_list: vec![RopRequest::RegisterNotification(req)],
                    server_object_handle_table: vec![sut.logon, 0xFFFF_FFFF],
                };
                let bytes = encode(&input, Layout::Spec).unwrap();
                let out = sut.server.execute(&bytes, 0x8000).expect("the call succeeds");
                // The client broke MS-OXCROPS_R4493; the server must still answer with ecNullObject.
                let d = decode::<RopOutputBuffer>(&out, Layout::Spec).expect("the output decodes");
                match d.value.rops_list.first() {
                    Some(RopResponse::RegisterNotification(r)) => assert_eq!(r.return_value, 0x0000_04B9),
                    other => panic!("expected a failed registration, got {other:?}"),
                }
                check_delivery(&sut, &d.value, reference, 1);
            }
            Op::Release { ordinal } => {
                let h = sut.handles[ordinal];
                let input = RopInputBuffer {
                    rops_list: vec![RopRequest::Release(RopReleaseRequest { logon_id: 0, input_handle_index: 0 })],
                    server_object_handle_table: vec![h],
                };
                let out = send(&mut sut, input, 0x8000);
                // RopRelease has no response (MS-OXCROPS_R4572).
                assert!(!out.rops_list.iter().any(|r| matches!(r, RopResponse::RegisterNotification(_))));
                check_delivery(&sut, &out, reference, 0);
            }
            Op::Event { kind, folder, message, tags, counts } => {
                let mut e = Event::new(kind, id(folder), message.map(id));
                if kind == EventType::ObjectCreated && message.is_none() {
                    e.parent_folder = Some(id(ROOT));
                }
                e.tags = (0..tags as u32).map(|t| 0x0037_001F + t).collect();
                if kind == EventType::ObjectModified && counts {
                    e.total_message_count = Some(10);
                    e.unread_message_count = Some(3);
                }
                sut.server.event(&e);
            }
            Op::Poll { max_output } => {
                let out = send(&mut sut, RopInputBuffer::default(), max_output);
                check_delivery(&sut, &out, reference, 0);
            }
        }
        sut
    }

    fn check_invariants(sut: &Sut, reference: &Reference) {
        assert_eq!(sut.server.queued().len(), reference.queue.len(), "queue length");
        let live = reference.subs.iter().filter(|s| s.2).count();
        assert_eq!(sut.server.subscriptions().len(), live, "live subscriptions");
    }
}

prop_state_machine! {
    #![proptest_config(Config { cases: 256, max_shrink_iters: 4096, ..Config::default() })]

    #[test]
    fn model_matches_the_simple_reference(sequential 1..48 => ModelTest);
}
