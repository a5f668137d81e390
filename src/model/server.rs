//! The reference server for one session context: sans-IO (no sockets, no
//! clocks). ROP input buffers and events go in as values or bytes; ROP
//! output buffers come out.
//!
//! State follows the abstract data model of [MS-OXCROPS] 3.2.1: a Logon Map
//! and one Server Object Map per logon. Subscriptions are Server objects
//! ([MS-OXCNOTIF] 3.1.5.1). Events queue one RopNotify per matching live
//! subscription, in event order, then in registration order among the
//! subscriptions an event matches. [`Server::execute`] answers the requests
//! in order, then delivers as many queued RopNotify as fit, then RopPending
//! if any remain and it fits ([MS-OXCNOTIF] 3.1.5.5–3.1.5.7).
//!
//! Routing an event costs what the subscriptions it matches cost, not what
//! all subscriptions cost: subscriptions are indexed by logon (whole-store
//! scope), by folder and by message.

use super::errors::{EC_ACCESS_DENIED, EC_BUFFER_TOO_SMALL, EC_INVALID_OBJECT, EC_NULL_OBJECT, EC_RPC_FORMAT, SUCCESS};
use super::event::{Event, EventType};
use super::notify::{apply, build_for};
use super::profile::Profile;
use super::setup::ClientMode;
pub use super::setup::Setup;
use super::store::Store;
use super::table::Table;

mod folders;
mod mailbox;
mod tables;
use crate::wire::buffer_too_small::RopBufferTooSmallResponse;
use crate::wire::notification_data::NotificationData;
use crate::wire::notify::RopNotifyResponse;
use crate::wire::pending::RopPendingResponse;
use crate::wire::register_notification::{RopRegisterNotificationRequest, RopRegisterNotificationResponse};
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::{decode, Id8, Layout, WireStructure};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

/// Where a subscription listens ([MS-OXCNOTIF] 2.2.1.2.1.1, MS-OXCROPS 2.2.14.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// WantWholeStore nonzero: the whole mailbox of the logon (MS-OXCNOTIF_R52).
    Store,
    /// WantWholeStore zero and MessageId zero: a folder, its messages and
    /// its child folders (MS-OXCROPS_R20006).
    Folder(Id8),
    /// WantWholeStore zero and MessageId nonzero: one message (MS-OXCROPS_R20007).
    Message(Id8),
}

impl Scope {
    /// The scope a RopRegisterNotification request asks for.
    pub fn of(req: &RopRegisterNotificationRequest) -> Scope {
        match (req.want_whole_store, req.folder_id, req.message_id) {
            (0, Some(f), Some(m)) if m == Id8::default() => Scope::Folder(f),
            (0, _, Some(m)) => Scope::Message(m),
            _ => Scope::Store,
        }
    }
}

/// A Notification Subscription object ([MS-OXCNOTIF] 3.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The logon it belongs to.
    pub logon_id: u8,
    /// NotificationTypes as requested.
    pub types: u16,
    /// Its scope.
    pub scope: Scope,
}

/// A Server object.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Object {
    Logon,
    Subscription,
    /// A folder opened at reset ([`Setup::opened`]).
    Folder(Id8),
    /// A message opened at reset, or a new one once saved.
    Message(Id8),
    /// A message RopCreateMessage made in a folder, not saved yet.
    NewMessage(Id8),
    /// A Table object; its state is in `Server::tables`.
    Table,
}

/// One queued notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The subscription's handle (RopNotify's NotificationHandle).
    pub handle: u32,
    /// The event's logon.
    pub logon_id: u8,
    /// The notification.
    pub data: NotificationData,
    /// Number of the event that produced it (0 for the first event).
    pub event: u64,
}

/// A call that fails as a whole (an RPC-level error, no output buffer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The error code (ecRpcFormat, ecBufferTooSmall).
    pub code: u32,
    /// Why.
    pub message: String,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X} {}: {}", self.code, super::errors::name(self.code), self.message)
    }
}

/// The reference server model.
///
/// A session in three calls, as in spec case
/// `sequence.basics.register-notify-release`: register a whole-store
/// ObjectCreated subscription, let a folder be created, and collect the
/// RopNotify from the next output buffer.
///
/// ```
/// use oxcnotif::model::{profile, Event, Server, Setup};
/// use oxcnotif::wire::notification_data::notification_type;
/// use oxcnotif::wire::rop_buffer::{RopOutputBuffer, RopResponse, UNUSED_HANDLE};
/// use oxcnotif::wire::{decode, Id8, Layout};
/// use serde_json::json;
///
/// let setup = Setup::from_value(&json!({
///     "logons": [0],
///     "folders": [{"Id": "0100000000000001", "Search": false}]
/// }))
/// .unwrap();
/// let mut server = Server::new(profile::spec(), Layout::Spec, &setup);
/// let logon = server.logon_handle(0).unwrap();
///
/// // ROP input buffer: RopSize 9, RopRegisterNotification (LogonId 0, input
/// // slot 0, output slot 1, NotificationTypes ObjectCreated, WantWholeStore
/// // TRUE), then the handle table: the logon, and an unused slot 1.
/// let mut input = oxcnotif::hex::parse("0900 29 00 00 01 0400 01").unwrap();
/// input.extend(logon.to_le_bytes());
/// input.extend(UNUSED_HANDLE.to_le_bytes());
/// let output = server.execute(&input, 0x8000).unwrap();
/// let output = decode::<RopOutputBuffer>(&output, Layout::Spec).unwrap().value;
/// let RopResponse::RegisterNotification(response) = &output.rops_list[0] else { panic!("{output:?}") };
/// assert_eq!((response.output_handle_index, response.return_value), (1, 0));
/// let subscription = output.server_object_handle_table[1];
/// assert_ne!(subscription, UNUSED_HANDLE);
///
/// // The event queues one notification for the one matching subscription.
/// let created = Event::from_value(&json!({
///     "Type": "ObjectCreated", "Folder": "0100000000000a01", "ParentFolder": "0100000000000001"
/// }))
/// .unwrap();
/// assert_eq!(server.event(&created), 1);
///
/// // The next call (an empty ROP input buffer) carries it as a RopNotify.
/// let output = server.execute(&[0x02, 0x00], 0x8000).unwrap();
/// let output = decode::<RopOutputBuffer>(&output, Layout::Spec).unwrap().value;
/// assert_eq!(output.rops_list.len(), 1);
/// let RopResponse::Notify(notify) = &output.rops_list[0] else { panic!("{output:?}") };
/// assert_eq!(notify.notification_handle, subscription);
/// let data = &notify.notification_data;
/// assert_eq!(data.notification_type(), notification_type::OBJECT_CREATED);
/// assert_eq!(data.folder_id, Some(Id8([0x01, 0, 0, 0, 0, 0, 0x0a, 0x01])));
/// assert_eq!(data.parent_folder_id, Some(Id8([0x01, 0, 0, 0, 0, 0, 0, 0x01])));
/// assert!(server.queued().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    profile: Profile,
    layout: Layout,
    store: Store,
    session_index: u16,
    client_mode: ClientMode,
    /// Logon Map: LogonId → the logon object's handle and its Server Object Map.
    logons: HashMap<u8, (u32, HashMap<u32, Object>)>,
    /// Live handle → its logon (to tell ecAccessDenied from ecNullObject).
    owner: HashMap<u32, u8>,
    /// Handles released and not reused (ecInvalidObject).
    released: HashSet<u32>,
    next_handle: u32,
    subs: HashMap<u32, Subscription>,
    by_logon: HashMap<u8, BTreeSet<u32>>,
    by_folder: HashMap<Id8, BTreeSet<u32>>,
    by_message: HashMap<Id8, BTreeSet<u32>>,
    queue: VecDeque<Queued>,
    events: u64,
    /// The counter behind every ID the server assigns ([`Server::allocate_id`]):
    /// the last one handed out here or seen in an event.
    next_id: u64,
    /// The events this server raised by executing ROPs, not yet taken
    /// ([`Server::take_raised`]).
    raised: Vec<Event>,
    /// The display names of the folders (RopCreateFolder's duplicate check,
    /// MS-OXCFOLD_R1065): the special folders' and those created here.
    names: HashMap<Id8, String>,
    /// The properties RopSetProperties set, by folder or message ID.
    props: HashMap<Id8, Vec<crate::wire::property_value::TaggedPropertyValue>>,
    /// The tags RopSetProperties set on a message handle since its last
    /// save; the save's ObjectCreated or ObjectModified carries them.
    pending_tags: HashMap<u32, Vec<u32>>,
    /// The search scope (FolderIds) of each search folder that has had
    /// RopSetSearchCriteria (MS-OXCFOLD_R1241).
    search_scopes: HashMap<Id8, Vec<Id8>>,
    /// The objects opened at reset, by `$name`.
    opened: std::collections::BTreeMap<String, u32>,
    /// Table objects by handle, in creation order of their handles.
    tables: std::collections::BTreeMap<u32, Table>,
}

/// The GlobalCounter of the first ID [`Server::allocate_id`] can give, less one.
const ALLOCATED_BASE: u64 = 0x0000_0001_0000;

/// The `n`th ID [`Server::allocate_id`] gives (ReplId 0x0001, GlobalCounter
/// 0x000000010000 + `n`, big-endian).
fn allocated_form(n: u64) -> Id8 {
    let g = (ALLOCATED_BASE + n).to_be_bytes();
    Id8([0x01, 0x00, g[2], g[3], g[4], g[5], g[6], g[7]])
}

/// `n` when `id` is [`allocated_form`]`(n)`.
fn allocated_number(id: Id8) -> Option<u64> {
    if id.0[..2] != [0x01, 0x00] {
        return None;
    }
    let mut g = [0u8; 8];
    g[2..].copy_from_slice(&id.0[2..]);
    u64::from_be_bytes(g).checked_sub(ALLOCATED_BASE).filter(|&n| n > 0)
}

/// The smallest handle the model assigns.
const FIRST_HANDLE: u32 = 0x0000_0100;

impl Server {
    /// A server with `profile`, reading requests with `layout`, set up as `setup` says.
    pub fn new(profile: Profile, layout: Layout, setup: &Setup) -> Self {
        let mut s = Server {
            profile,
            layout,
            store: Store::default(),
            session_index: setup.session_index,
            client_mode: setup.client_mode,
            logons: HashMap::new(),
            owner: HashMap::new(),
            released: HashSet::new(),
            next_handle: FIRST_HANDLE,
            subs: HashMap::new(),
            by_logon: HashMap::new(),
            by_folder: HashMap::new(),
            by_message: HashMap::new(),
            queue: VecDeque::new(),
            events: 0,
            next_id: 0,
            raised: Vec::new(),
            names: HashMap::new(),
            props: HashMap::new(),
            pending_tags: HashMap::new(),
            search_scopes: HashMap::new(),
            opened: Default::default(),
            tables: Default::default(),
        };
        for &l in &setup.logons {
            let h = s.assign();
            let mut map = HashMap::new();
            map.insert(h, Object::Logon);
            s.logons.insert(l, (h, map));
            s.owner.insert(h, l);
        }
        for f in &setup.folders {
            s.store.add_folder(f.id, f.parent, f.search);
            if let Some(i) = super::setup::SPECIAL_FOLDER_IDS.iter().position(|id| *id == f.id) {
                s.names.insert(f.id, crate::wire::mailbox::logon::SPECIAL_FOLDERS[i].to_lowercase());
            }
            s.note_id(f.id);
        }
        for m in &setup.messages {
            s.note_id(m.id);
        }
        for m in &setup.messages {
            s.store.add_message(m.id, m.folder);
        }
        if let Some(&first) = setup.logons.first() {
            for o in &setup.opened {
                let h = s.assign();
                let object = if o.message { Object::Message(o.object) } else { Object::Folder(o.object) };
                if let Some((_, map)) = s.logons.get_mut(&first) {
                    map.insert(h, object);
                }
                s.owner.insert(h, first);
                s.opened.insert(o.name.clone(), h);
            }
        }
        s
    }

    /// The store this server holds.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Takes what `from`, another session of the same mailbox, knows of
    /// `folder` and events do not carry: its display name, whether it is a
    /// search folder, and its search scope. So RopCreateFolder's
    /// duplicate-name check and OpenExisting (MS-OXCFOLD 3.2.5.2), and the S
    /// flag of a search folder's notifications, see the same folder in every
    /// session. Logons, handles, subscriptions and queued notifications
    /// stay.
    pub fn adopt_folder(&mut self, from: &Server, folder: &Id8) {
        if let Some(n) = from.names.get(folder) {
            self.names.insert(*folder, n.clone());
        }
        if from.store.is_search(folder) {
            self.store.set_search(folder);
        }
        if let Some(scope) = from.search_scopes.get(folder) {
            self.search_scopes.insert(*folder, scope.clone());
        }
    }

    /// Takes in the store, folder names and search scopes of `other` (a
    /// second mailbox this session logged on to), keeping what it has.
    pub fn merge_mailbox(&mut self, other: &Server) {
        self.store.merge(&other.store);
        for (k, v) in &other.names {
            self.names.entry(*k).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.search_scopes {
            self.search_scopes.entry(*k).or_insert_with(|| v.clone());
        }
    }

    /// Where the ID counter is: the last ID handed out is the counter's.
    pub fn id_counter(&self) -> u64 {
        self.next_id
    }

    /// Starts the ID counter at `n`: the `n + 1`th ID comes next. Servers of
    /// different mailboxes given far-apart starts hand out distinct IDs.
    pub fn start_ids_at(&mut self, n: u64) {
        self.next_id = self.next_id.max(n);
    }

    /// A server for a new session over the same store: the store, its
    /// folder names, the ID counter and search scopes are this server's; logons, handles,
    /// subscriptions, tables and queued notifications start empty.
    /// `oxcnotif serve` opens each Session Context of a mailbox this way.
    pub fn new_session(&self, session_index: u16, client_mode: ClientMode) -> Server {
        let setup = Setup { session_index, client_mode, ..Setup::default() };
        let mut s = Server::new(self.profile.clone(), self.layout, &setup);
        s.store = self.store.clone();
        s.events = self.events;
        s.next_id = self.next_id;
        s.names = self.names.clone();
        s.search_scopes = self.search_scopes.clone();
        s
    }

    /// The handles of the objects opened at reset, by their `$name`.
    pub fn opened(&self) -> &std::collections::BTreeMap<String, u32> {
        &self.opened
    }

    /// The profile in force.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The logon object's handle for `logon_id`, while it is open.
    pub fn logon_handle(&self, logon_id: u8) -> Option<u32> {
        self.logons.get(&logon_id).map(|(h, _)| *h)
    }

    /// Live subscriptions by handle.
    pub fn subscriptions(&self) -> &HashMap<u32, Subscription> {
        &self.subs
    }

    /// Notifications waiting for an output buffer, in delivery order.
    pub fn queued(&self) -> &VecDeque<Queued> {
        &self.queue
    }

    /// A new FolderId or MessageId: every ID the server assigns (a saved
    /// new message, a created folder, a copy) comes from here. The form is
    /// ReplId 0x0001 then a 6-byte GlobalCounter of 0x000000010000 plus
    /// the counter ([MS-OXCDATA] 2.2.1.1), so the first is
    /// `0100000000010001`. IDs of that form in events from elsewhere
    /// ([`Server::event`]) and in the setup move the counter past them, so
    /// two servers that see the same events in the same order never hand
    /// out the same ID.
    pub fn allocate_id(&mut self) -> Id8 {
        self.next_id += 1;
        allocated_form(self.next_id)
    }

    /// Moves the ID counter past `id` when `id` has the form
    /// [`Server::allocate_id`] gives.
    fn note_id(&mut self, id: Id8) {
        if let Some(n) = allocated_number(id) {
            self.next_id = self.next_id.max(n);
        }
    }

    /// The events this server raised itself, by executing ROPs, since the
    /// last call, in the order it raised them (each with its LogonId). A
    /// server that shares the mailbox with other sessions hands them to
    /// those sessions' [`Server::event`].
    pub fn take_raised(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.raised)
    }

    /// Closes a logon and every object it holds (RopRelease of the logon,
    /// MS-OXCROPS_R4570, or a RopLogon that reuses its LogonId,
    /// MS-OXCROPS_R28, R29).
    fn close_logon(&mut self, logon_id: u8) {
        if let Some((h, objects)) = self.logons.remove(&logon_id) {
            self.owner.remove(&h);
            self.released.insert(h);
            for (oh, o) in objects {
                self.owner.remove(&oh);
                self.released.insert(oh);
                if o == Object::Subscription {
                    self.drop_subscription(oh);
                }
                self.drop_table(oh);
            }
        }
    }

    /// An unused handle, never 0xFFFFFFFF (MS-OXCROPS_R4556, R4560). Handles
    /// are not reused, which the spec allows but does not require (R4569).
    fn assign(&mut self) -> u32 {
        while self.owner.contains_key(&self.next_handle)
            || self.released.contains(&self.next_handle)
            || self.next_handle == UNUSED_HANDLE
        {
            self.next_handle = self.next_handle.wrapping_add(1).max(FIRST_HANDLE);
        }
        let h = self.next_handle;
        self.next_handle = self.next_handle.wrapping_add(1).max(FIRST_HANDLE);
        h
    }

    /// Resolves the handle at `index` of `table` for `logon_id`
    /// ([MS-OXCROPS] 3.2.5.1, 3.2.5.4); the error is the ReturnValue.
    fn resolve(&self, logon_id: u8, table: &[u32], index: u8) -> Result<u32, u32> {
        let Some((_, objects)) = self.logons.get(&logon_id) else {
            return Err(EC_NULL_OBJECT); // MS-OXCROPS_R4555
        };
        let Some(&h) = table.get(index as usize) else {
            return Err(EC_NULL_OBJECT); // MS-OXCROPS_R4712
        };
        if objects.contains_key(&h) {
            return Ok(h);
        }
        if self.owner.contains_key(&h) {
            return Err(EC_ACCESS_DENIED); // MS-OXCROPS_R457303
        }
        if self.released.contains(&h) {
            return Err(EC_INVALID_OBJECT); // MS-OXCROPS_R457301
        }
        Err(EC_NULL_OBJECT) // MS-OXCROPS_R457302
    }

    fn register(
        &mut self,
        req: &RopRegisterNotificationRequest,
        table: &mut Vec<u32>,
    ) -> RopRegisterNotificationResponse {
        let mut resp =
            RopRegisterNotificationResponse { output_handle_index: req.output_handle_index, return_value: SUCCESS };
        // MS-OXCROPS_R4563: the output table covers every index a response
        // names, failed or not; new slots hold 0xFFFFFFFF.
        let slot = req.output_handle_index as usize;
        if table.len() <= slot {
            table.resize(slot + 1, UNUSED_HANDLE);
        }
        if let Err(code) = self.resolve(req.logon_id, table, req.input_handle_index) {
            resp.return_value = code;
            return resp;
        }
        let h = self.assign();
        let sub = Subscription { logon_id: req.logon_id, types: req.notification_types, scope: Scope::of(req) };
        match sub.scope {
            Scope::Store => self.by_logon.entry(sub.logon_id).or_default().insert(h),
            Scope::Folder(f) => self.by_folder.entry(f).or_default().insert(h),
            Scope::Message(m) => self.by_message.entry(m).or_default().insert(h),
        };
        self.subs.insert(h, sub);
        self.owner.insert(h, req.logon_id);
        if let Some((_, objects)) = self.logons.get_mut(&req.logon_id) {
            objects.insert(h, Object::Subscription);
        }
        // MS-OXCROPS_R4558: the handle goes into the output slot.
        table[slot] = h;
        resp
    }

    /// RopRelease: errors are ignored and never reported (MS-OXCROPS_R4573).
    fn release(&mut self, logon_id: u8, table: &[u32], index: u8) {
        let Ok(h) = self.resolve(logon_id, table, index) else { return };
        let object = self.logons.get_mut(&logon_id).and_then(|(_, objects)| objects.remove(&h));
        self.owner.remove(&h);
        self.released.insert(h);
        match object {
            Some(Object::Subscription) => self.drop_subscription(h),
            Some(Object::Logon) => {
                // MS-OXCROPS_R4570: a released logon leaves the Logon Map, and
                // its objects go with it.
                self.close_logon(logon_id);
            }
            Some(Object::Table) => self.drop_table(h),
            Some(Object::Folder(_) | Object::Message(_) | Object::NewMessage(_)) | None => {}
        }
    }

    /// A released table gets no more notifications, and those queued for
    /// it go as a subscription's do.
    fn drop_table(&mut self, h: u32) {
        if self.tables.remove(&h).is_some() && self.profile.drop_queued_on_release {
            self.queue.retain(|q| q.handle != h);
        }
    }

    fn drop_subscription(&mut self, h: u32) {
        if let Some(sub) = self.subs.remove(&h) {
            let index = match sub.scope {
                Scope::Store => self.by_logon.get_mut(&sub.logon_id),
                Scope::Folder(f) => self.by_folder.get_mut(&f),
                Scope::Message(m) => self.by_message.get_mut(&m),
            };
            if let Some(set) = index {
                set.remove(&h);
            }
        }
        if self.profile.drop_queued_on_release {
            self.queue.retain(|q| q.handle != h);
        }
    }

    /// An event happens: queues a RopNotify for every live subscription
    /// whose types and scope match ([MS-OXCNOTIF] 3.1.7), then updates the
    /// store. Returns how many notifications were queued.
    pub fn event(&mut self, e: &Event) -> usize {
        for id in [Some(e.folder), e.message, e.new_id].into_iter().flatten() {
            self.note_id(id);
        }
        let (data, concerns) = build_for(e, &self.store, &self.profile, self.client_mode);
        // The rows each table loses or gains, from the store as it was
        // (MS-OXCNOTIF 3.1.4.3); queued after the subscriptions' notifications.
        let behaviour = self.profile.tables();
        let mut table_notes = Vec::new();
        for (&h, t) in self.tables.iter_mut() {
            for change in t.changes(e, &self.store) {
                let d = t.notification(change, behaviour.informative);
                if t.notifies(&behaviour) {
                    table_notes.push((h, t.logon_id, d));
                }
            }
        }
        apply(e, &mut self.store);
        let n = self.events;
        self.events += 1;
        let mut matched: Vec<u32> = Vec::new();
        if let Some(set) = self.by_logon.get(&e.logon_id) {
            matched.extend(set.iter().copied());
        }
        let scoped_ok = e.event_type != EventType::ObjectDeleted || self.profile.scoped_object_deleted;
        if scoped_ok {
            for f in &concerns.folders {
                if let Some(set) = self.by_folder.get(f) {
                    matched.extend(set.iter().copied());
                }
            }
            for m in &concerns.messages {
                if let Some(set) = self.by_message.get(m) {
                    matched.extend(set.iter().copied());
                }
            }
        }
        matched.sort_unstable();
        matched.dedup();
        let bit = e.event_type.bit();
        let mut queued = 0;
        for h in matched {
            let Some(sub) = self.subs.get(&h) else { continue };
            if sub.logon_id != e.logon_id || sub.types & bit == 0 {
                continue;
            }
            self.queue.push_back(Queued { handle: h, logon_id: e.logon_id, data: data.clone(), event: n });
            queued += 1;
        }
        for (h, logon_id, data) in table_notes {
            // To the table's own handle, without any RopRegisterNotification
            // (MS-OXCNOTIF_R97, R256).
            self.queue.push_back(Queued { handle: h, logon_id, data, event: n });
            queued += 1;
        }
        queued
    }

    /// Processes a ROP input buffer (bytes) and returns the ROP output
    /// buffer (bytes), at most `max_output` bytes long.
    pub fn execute(&mut self, input: &[u8], max_output: usize) -> Result<Vec<u8>, CallError> {
        let buf = decode::<RopInputBuffer>(input, self.layout).map_err(|e| CallError {
            code: EC_RPC_FORMAT,
            message: format!("the ROP input buffer does not parse: {e}"),
        })?;
        let out = self.execute_value(&buf.value, max_output)?;
        let mut bytes = Vec::with_capacity(max_output.min(0x1_0000));
        out.write(&mut bytes, Layout::Spec).map_err(|e| CallError {
            code: EC_BUFFER_TOO_SMALL,
            message: format!("the output does not encode: {e}"),
        })?;
        Ok(bytes)
    }

    /// [`Server::execute`] on a decoded input buffer.
    pub fn execute_value(&mut self, input: &RopInputBuffer, max_output: usize) -> Result<RopOutputBuffer, CallError> {
        let mut table = input.server_object_handle_table.clone();
        let mut rops: Vec<RopResponse> = Vec::new();
        // RopSize counts itself and RopsList, and cannot exceed 0xFFFF.
        let mut used = 2usize;
        let fits = |used: usize, extra: usize, table_len: usize| {
            used + extra <= 0xFFFF && used + extra + 4 * table_len <= max_output
        };
        if !fits(used, 0, table.len()) {
            return Err(CallError {
                code: EC_BUFFER_TOO_SMALL,
                message: format!(
                    "{} cannot hold even an empty output buffer",
                    crate::plural::plural(max_output, "byte")
                ),
            });
        }
        for (i, rop) in input.rops_list.iter().enumerate() {
            match rop {
                RopRequest::Release(r) => self.release(r.logon_id, &table, r.input_handle_index),
                RopRequest::RegisterNotification(r) => {
                    let table_len = table.len().max(r.output_handle_index as usize + 1);
                    if !fits(used, 6, table_len) {
                        // MS-OXCROPS_R4545, R454502: stop, and hand back what was not processed.
                        let rest = RopInputBuffer {
                            rops_list: input.rops_list[i..].to_vec(),
                            server_object_handle_table: Vec::new(),
                        };
                        let mut request_buffers = Vec::new();
                        let _ = rest.write(&mut request_buffers, self.layout);
                        let request_buffers = request_buffers.get(2..).unwrap_or(&[]).to_vec();
                        let remaining: usize = input.rops_list[i..]
                            .iter()
                            .filter(|r| matches!(r, RopRequest::RegisterNotification(_)))
                            .count()
                            * 6;
                        let size_needed = (used + remaining + 4 * table_len).min(0xFFFF) as u16;
                        let extra = 3 + request_buffers.len();
                        if !fits(used, extra, table.len()) {
                            return Err(CallError {
                                code: EC_BUFFER_TOO_SMALL,
                                message: "not even RopBufferTooSmall fits".into(),
                            });
                        }
                        rops.push(RopResponse::BufferTooSmall(RopBufferTooSmallResponse {
                            size_needed,
                            request_buffers,
                        }));
                        return Ok(RopOutputBuffer { rops_list: rops, server_object_handle_table: table });
                    }
                    let resp = self.register(r, &mut table);
                    used += 6;
                    rops.push(RopResponse::RegisterNotification(resp));
                }
                other => {
                    let mut after = table.clone();
                    let answer = match self.table_rop(other, &mut after) {
                        Some(resp) => Some(resp),
                        None => match self.mailbox_rop(other, &mut after) {
                            Some(resp) => Some(resp),
                            None => self.folder_rop(other, &mut after),
                        },
                    };
                    match answer {
                        Some(resp) => {
                            let mut scratch = Vec::new();
                            let size = resp.write(&mut scratch, Layout::Spec).map(|_| scratch.len()).unwrap_or(0);
                            if !fits(used, size, after.len()) {
                                // No room for the response: the rest goes back
                                // in RopBufferTooSmall, as for a registration.
                                return Err(CallError {
                                    code: EC_BUFFER_TOO_SMALL,
                                    message: format!(
                                        "{} bytes cannot hold the response to {}",
                                        max_output,
                                        other.rop().name
                                    ),
                                });
                            }
                            table = after;
                            used += size;
                            rops.push(resp);
                        }
                        None => {
                            return Err(CallError {
                                code: EC_RPC_FORMAT,
                                message: format!("the model does not execute {} yet", other.rop().name),
                            })
                        }
                    }
                }
            }
        }
        self.deliver(&mut rops, used, table.len(), max_output);
        Ok(RopOutputBuffer { rops_list: rops, server_object_handle_table: table })
    }

    /// Appends as many queued RopNotify as fit (MS-OXCNOTIF_R345, R347), in
    /// queue order, then RopPending when some remain and it fits
    /// (MS-OXCNOTIF_R334, R349). Delivery stops at the first notification
    /// that does not fit, so order is kept.
    fn deliver(&mut self, rops: &mut Vec<RopResponse>, mut used: usize, table_len: usize, max_output: usize) {
        let limit = max_output.saturating_sub(4 * table_len).min(0xFFFF);
        let mut delivered = 0;
        let mut scratch = Vec::new();
        while let Some(q) = self.queue.front() {
            scratch.clear();
            let size = match q.data.write(&mut scratch, Layout::Spec) {
                Ok(()) => 6 + scratch.len(),
                Err(_) => {
                    // Unreachable for data the model built; drop rather than wedge the queue.
                    self.queue.pop_front();
                    continue;
                }
            };
            if used + size > limit {
                break;
            }
            if let Some(q) = self.queue.pop_front() {
                rops.push(RopResponse::Notify(RopNotifyResponse {
                    notification_handle: q.handle,
                    logon_id: q.logon_id,
                    notification_data: q.data,
                }));
                used += size;
                delivered += 1;
            }
        }
        let announce = !self.queue.is_empty() || (delivered > 0 && self.profile.pending_when_all_fit);
        if announce && used + 3 <= limit {
            rops.push(RopResponse::Pending(RopPendingResponse { session_index: self.session_index }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_skip_live_released_and_unused_ones_after_wrapping() {
        let mut s =
            Server::new(super::super::profile::spec(), Layout::Spec, &Setup { logons: vec![0, 1], ..Setup::default() });
        assert_eq!(s.logon_handle(0), Some(FIRST_HANDLE));
        assert_eq!(s.logon_handle(1), Some(FIRST_HANDLE + 1));
        s.released.insert(FIRST_HANDLE + 2);
        // Next in line is 0xFFFFFFFF, then (wrapping) two live logons and a released handle.
        s.next_handle = UNUSED_HANDLE;
        assert_eq!(s.assign(), FIRST_HANDLE + 3);
        assert_eq!(s.assign(), FIRST_HANDLE + 4);
    }

    #[test]
    fn call_errors_say_code_name_and_why() {
        let e = CallError { code: super::super::errors::EC_RPC_FORMAT, message: "RopSize is 1".into() };
        assert_eq!(e.to_string(), "0x000004B6 ecRpcFormat: RopSize is 1");
    }

    #[test]
    fn two_hundred_notifications_fill_one_large_buffer_in_event_order() {
        use crate::model::{Event, EventType};
        use crate::wire::register_notification::RopRegisterNotificationRequest;
        let mut s =
            Server::new(super::super::profile::spec(), Layout::Spec, &Setup { logons: vec![0], ..Setup::default() });
        let logon = s.logon_handle(0).unwrap();
        let req = RopInputBuffer {
            rops_list: vec![RopRequest::RegisterNotification(RopRegisterNotificationRequest {
                logon_id: 0,
                input_handle_index: 0,
                output_handle_index: 1,
                notification_types: 0x0004,
                reserved: None,
                want_whole_store: 1,
                folder_id: None,
                message_id: None,
            })],
            server_object_handle_table: vec![logon, UNUSED_HANDLE],
        };
        s.execute_value(&req, 0x8000).unwrap();
        for i in 0..200u8 {
            let e = Event::new(EventType::ObjectCreated, Id8([1, 0, 0, 0, 0, 0, 0x0A, i]), None);
            assert_eq!(s.event(&e), 1, "one subscription hears event {i}");
        }
        let order: Vec<u64> = s.queued().iter().map(|q| q.event).collect();
        assert_eq!(order, (0..200).collect::<Vec<u64>>());
        // 200 RopNotify of 26 bytes each (5,202 bytes with RopSize) fit in 32 KiB:
        // one buffer, no RopPending.
        let out = s.execute_value(&RopInputBuffer::default(), 0x8000).unwrap();
        assert_eq!(out.rops_list.len(), 200);
        assert!(out.rops_list.iter().all(|r| matches!(r, RopResponse::Notify(_))));
        assert!(s.queued().is_empty());
    }

    #[test]
    fn two_thousand_registrations_answer_in_one_buffer() {
        use crate::wire::register_notification::RopRegisterNotificationRequest;
        let mut s =
            Server::new(super::super::profile::spec(), Layout::Spec, &Setup { logons: vec![0], ..Setup::default() });
        let logon = s.logon_handle(0).unwrap();
        let one = RopRequest::RegisterNotification(RopRegisterNotificationRequest {
            logon_id: 0,
            input_handle_index: 0,
            output_handle_index: 1,
            notification_types: 0x0004,
            reserved: None,
            want_whole_store: 1,
            folder_id: None,
            message_id: None,
        });
        let req = RopInputBuffer { rops_list: vec![one; 2000], server_object_handle_table: vec![logon, UNUSED_HANDLE] };
        // 2 + 2,000 × 6 = 12,002 bytes of RopsList and an 8-byte table: within 32 KiB and RopSize.
        let out = s.execute_value(&req, 0x8000).unwrap();
        assert_eq!(out.rops_list.len(), 2000);
        assert!(out.rops_list.iter().all(|r| matches!(r, RopResponse::RegisterNotification(x) if x.return_value == 0)));
    }
}
