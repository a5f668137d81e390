//! Live-server mode (issue 15): the adapter protocol's server operations
//! (`reset`, `execute`, `event`) carried out against a real MAPI over HTTP
//! server, so that the unchanged sequence runner runs sequence cases over
//! the wire.
//!
//! Two Session Contexts of the same mailbox are used:
//!
//! * **A**, the client under test: `reset` connects it and logs on once per
//!   setup LogonId (its logon handles are the reply's `logons`); `execute`
//!   sends the case's ROP input buffer through it;
//! * **B**, the trigger session: it builds the case's setup inside a
//!   scratch folder it creates under the Inbox (`oxcnotif scratch …`), and
//!   causes each `event` with the ordinary ROP that raises it, as
//!   Microsoft's own test suite does (a folder created by RopCreateFolder
//!   raises ObjectCreated, MS-OXCNOTIF_R4; a message saved by
//!   RopSaveChangesMessage raises ObjectCreated; RopTransportNewMail raises
//!   NewMail, MS-OXCROPS 2.2.7.7; RopSetSearchCriteria raises
//!   SearchCompleted, MS-OXCNOTIF 3.1.4.3; RopSetProperties raises
//!   ObjectModified of a folder at once, and of a message opened by
//!   RopOpenMessage, MS-OXCROPS 2.2.6.1, at its RopSaveChangesMessage).
//!
//! IDs. The case's FolderIds and MessageIds are the case's own; the
//! server assigns its own when B creates the objects. Every 8-byte
//! occurrence of a mapped case ID in an input is rewritten to the server's
//! ID, and every server ID in the output back to the case's, so that the
//! case's expectations compare unchanged. Special folders not named by the
//! setup map the reference mailbox's IDs
//! ([`SPECIAL_FOLDER_IDS`]) to those the server's RopLogon gave
//! (MS-OXCROPS_R53: 13 FolderIds in a fixed order).
//!
//! Cleanup. At the next `reset`, on drop and by [`WireServer::cleanup`]: B
//! hard-deletes everything in the scratch folder
//! (RopHardDeleteMessagesAndSubfolders) and the folder itself
//! (RopDeleteFolder with DEL_MESSAGES | DEL_FOLDERS | DELETE_HARD_DELETE),
//! then both sessions disconnect (MS-OXCMAPIHTTP 2.2.4.3). Only what this
//! harness created is deleted; what could not be is kept in
//! [`WireServer::leftovers`].
//!
//! Every request runs under a timeout, so a server that does not answer
//! makes the request `Broken` instead of hanging the run.

use super::mapi_http::{guid, Client, Endpoint, Exchange};
use super::protocol::{self, CallFailed, EventOk, ExecuteOk, Request, ResetOk};
use super::{Hello, Implementation, Reply};
use crate::model::setup::{ClientMode, SPECIAL_FOLDER_IDS};
use crate::model::Setup;
use crate::wire::mailbox::open_message::READ_WRITE;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use crate::wire::transport::extended_buffer::Transform;
use crate::wire::{Id8, Layout, WireStructure};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// The rules an HTTP response to a request type is held to: one
/// `{grade, field, message}` per rule it breaks.
pub type ResponseRules = fn(&Exchange, &str) -> Vec<Value>;

/// The timeout of every request unless [`WireServer::connect_with_timeout`]
/// gives another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// An unused Server object handle slot (MS-OXCROPS_R4573: 0xFFFFFFFF).
const NEW: u32 = 0xFFFF_FFFF;

/// RopDeleteFolder flags DEL_MESSAGES | DEL_FOLDERS | DELETE_HARD_DELETE
/// (MS-OXCROPS 2.2.4.3.1).
const DELETE_ALL_HARD: u64 = 0x15;

/// Execute Flags NoCompression | NoXorMagic (MS-OXCMAPIHTTP 2.2.4.2.1).
const PLAIN: u32 = 0x3;

/// An ID as the 8 bytes of the wire.
type Raw = [u8; 8];

/// The two-way map between a case's IDs and the server's.
#[derive(Debug, Default, Clone)]
pub struct IdMap {
    to_server: HashMap<Raw, Raw>,
    to_case: HashMap<Raw, Raw>,
}

impl IdMap {
    /// Binds `case` to `server`. An all-zero ID (no object) is never bound.
    pub fn bind(&mut self, case: Id8, server: Id8) {
        if case.0 == [0; 8] || server.0 == [0; 8] {
            return;
        }
        self.to_server.insert(case.0, server.0);
        self.to_case.insert(server.0, case.0);
    }
    /// The server's ID of `case`.
    pub fn server(&self, case: Id8) -> Option<Id8> {
        self.to_server.get(&case.0).copied().map(Id8)
    }
    /// The case ID bound to the server's `server`, if any.
    pub fn case(&self, server: Id8) -> Option<Id8> {
        self.to_case.get(&server.0).copied().map(Id8)
    }
    /// Whether the case ID `case` is bound.
    pub fn has_case(&self, case: Id8) -> bool {
        self.to_server.contains_key(&case.0)
    }
    /// Whether the server ID `server` is bound.
    pub fn has_server(&self, server: Id8) -> bool {
        self.to_case.contains_key(&server.0)
    }
    /// `bytes` with every case ID replaced by the server's.
    pub fn to_server_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        rewrite(bytes, &self.to_server)
    }
    /// `bytes` with every server ID replaced by the case's.
    pub fn to_case_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        rewrite(bytes, &self.to_case)
    }
    /// Forgets every binding.
    pub fn clear(&mut self) {
        self.to_server.clear();
        self.to_case.clear();
    }
}

/// Replaces every 8-byte run of `bytes` that is a key of `map` by its value,
/// scanning left to right; a replaced run is not looked at again.
pub fn rewrite(bytes: &[u8], map: &HashMap<Raw, Raw>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() {
            let mut k = [0u8; 8];
            k.copy_from_slice(&bytes[i..i + 8]);
            if let Some(v) = map.get(&k) {
                out.extend_from_slice(v);
                i += 8;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// One Session Context and its first logon.
struct Session {
    /// `A` (the client under test), `B` (the trigger) or another name.
    name: &'static str,
    client: Client,
    /// The logon object handle of LogonId 0 (session B only; 0 for A).
    logon: u32,
}

/// The scratch folder of the current case.
struct Scratch {
    name: String,
    id: Id8,
}

/// A live MAPI over HTTP server behind the adapter protocol.
pub struct WireServer {
    hello: Hello,
    endpoint: Endpoint,
    user: String,
    client_guid: String,
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
    a: Option<Session>,
    b: Option<Session>,
    /// The Inbox's FolderId as B's RopLogon gave it.
    inbox: Option<Id8>,
    scratch: Option<Scratch>,
    ids: IdMap,
    /// The transport rules each response is held to, as the run gives them
    /// ([`WireServer::with_response_rules`]); none by default.
    response_rules: Option<ResponseRules>,
    /// Every input session A sent since the reset, as the case wrote it.
    sent: Vec<u8>,
    /// Server FolderId of each folder this harness created, to its parent's.
    parents: HashMap<Raw, Raw>,
    /// Server IDs of the search folders this harness created.
    search: Vec<Raw>,
    /// Server MessageId of each message this harness created, to its folder's.
    messages: HashMap<Raw, Raw>,
    counter: u64,
    leftovers: Vec<String>,
    /// `--keep`: scratch folders are left, and named in `kept`.
    keep: bool,
    kept: Vec<String>,
    /// The HTTP exchanges of the request being answered.
    http: std::sync::Mutex<Vec<Value>>,
}

/// Why a request could not be carried out: the reply to give.
type Fail = Reply;

/// RopSetProperties (MS-OXCROPS 2.2.8.6) on the object at `slot`, giving
/// each of `tags` a value of its type; the save or the change reports the
/// tags set (MS-OXCNOTIF 2.2.1.4.1.2, Tags).
fn set_properties(tags: &[u32], slot: u8) -> Result<Value, Fail> {
    let mut values = Vec::new();
    let mut size = 2usize;
    for tag in tags {
        let (v, n) = match tag & 0xFFFF {
            0x0003 => (json!(0), 4),
            0x000B => (json!(0), 2),
            0x0002 => (json!(0), 2),
            0x0014 => (json!(0), 8),
            0x001F => (json!("oxcnotif"), 18),
            other => {
                return Err(Reply::Unimplemented(format!(
                    "a property tag 0x{tag:08X}: this harness sets no property of type 0x{other:04X}"
                )))
            }
        };
        values.push(json!({"PropertyTag": tag, "PropertyValue": v}));
        size += 4 + n;
    }
    Ok(json!({"RopId": 0x0A, "LogonId": 0, "InputHandleIndex": slot, "PropertyValueSize": size,
              "PropertyValueCount": values.len(), "PropertyValues": values}))
}

fn broken(problem: impl Into<String>) -> Reply {
    Reply::Broken { problem: problem.into(), raw: None }
}

fn id_of(v: &Value, what: &str) -> Result<Id8, String> {
    let s = v.as_str().ok_or_else(|| format!("{what}: not an ID in the output"))?;
    let b = crate::hex::parse(s).map_err(|e| format!("{what}: {}", e.message))?;
    let raw: Raw = b.as_slice().try_into().map_err(|_| format!("{what}: {} bytes, not 8", b.len()))?;
    Ok(Id8(raw))
}

fn id_value(id: Id8) -> Value {
    Value::String(id.to_string())
}

fn release(index: u8) -> Value {
    json!({"RopId": 0x01, "LogonId": 0, "InputHandleIndex": index})
}

fn open_folder(input: u8, output: u8, folder: Id8) -> Value {
    json!({"RopId": 0x02, "LogonId": 0, "InputHandleIndex": input, "OutputHandleIndex": output,
           "FolderId": id_value(folder), "OpenModeFlags": 0})
}

/// RopOpenMessage of `message` in `folder` (server IDs), in the logon's
/// code page (MS-OXCROPS 2.2.6.1.1).
fn open_message(input: u8, output: u8, folder: Id8, message: Id8, open_mode_flags: u8) -> Value {
    json!({"RopId": 0x03, "LogonId": 0, "InputHandleIndex": input, "OutputHandleIndex": output, "CodePageId": 0x0FFF,
           "FolderId": id_value(folder), "OpenModeFlags": open_mode_flags, "MessageId": id_value(message)})
}

fn create_folder(input: u8, output: u8, name: &str, search: bool) -> Value {
    json!({"RopId": 0x1C, "LogonId": 0, "InputHandleIndex": input, "OutputHandleIndex": output,
           "FolderType": if search { 2 } else { 1 }, "UseUnicodeStrings": 0, "OpenExisting": 0, "Reserved": 0,
           "DisplayName": name, "Comment": ""})
}

/// A case ID as the folder name it gets on the server.
/// The ROPs that delete a scratch folder with everything in it, on a logon
/// at handle index 0: RopOpenFolder of the Inbox and of the folder,
/// RopHardDeleteMessagesAndSubfolders (MS-OXCROPS 2.2.4.10), RopDeleteFolder
/// with DEL_MESSAGES | DEL_FOLDERS | DELETE_HARD_DELETE (2.2.4.3).
pub(super) fn scratch_deletion(inbox: Id8, scratch: Id8) -> Vec<Value> {
    vec![
        open_folder(0, 1, inbox),
        open_folder(1, 2, scratch),
        json!({"RopId": 0x92, "LogonId": 0, "InputHandleIndex": 2, "WantAsynchronous": 0, "WantDeleteAssociated": 1}),
        release(2),
        json!({"RopId": 0x1D, "LogonId": 0, "InputHandleIndex": 1, "DeleteFolderFlags": DELETE_ALL_HARD,
               "FolderId": id_value(scratch)}),
        release(1),
    ]
}

/// Whether the responses to [`scratch_deletion`] say it was all deleted.
pub(super) fn scratch_deleted(out: &[Value]) -> Result<(), String> {
    for (i, what) in [(0, "RopOpenFolder of the Inbox"), (1, "RopOpenFolder of the scratch folder")] {
        check(out, i, what)?;
    }
    check(out, 2, "RopHardDeleteMessagesAndSubfolders")?;
    check(out, 3, "RopDeleteFolder")?;
    if out.get(3).and_then(|r| r["PartialCompletion"].as_u64()).unwrap_or(0) != 0 {
        return Err("RopDeleteFolder answered PartialCompletion TRUE: something was left".into());
    }
    Ok(())
}

fn folder_name(case: Id8) -> String {
    format!("oxcnotif {case}")
}

impl WireServer {
    /// Connects to the mailbox endpoint `url` as `user` and checks it is
    /// reachable (a Connect and a Disconnect, MS-OXCMAPIHTTP 2.2.4.1,
    /// 2.2.4.3); `insecure` accepts any TLS certificate. Every request has
    /// [`DEFAULT_TIMEOUT`].
    pub fn connect(url: &str, user: &str, password: &str, insecure: bool) -> Result<WireServer, String> {
        WireServer::connect_with_timeout(url, user, password, insecure, DEFAULT_TIMEOUT)
    }

    /// Holds every HTTP response behind a reply to `rules`: each rule it
    /// breaks goes in that exchange's `rules` (`{grade, field, message}`),
    /// which the sequence runner grades. The run passes the rules every
    /// MAPI over HTTP response has (`cases::mapi_http::response_rule_values`);
    /// the target layer itself knows no verdicts.
    pub fn with_response_rules(mut self, rules: ResponseRules) -> WireServer {
        self.response_rules = Some(rules);
        self
    }

    /// [`WireServer::connect`] with another timeout for every request.
    pub fn connect_with_timeout(
        url: &str,
        user: &str,
        password: &str,
        insecure: bool,
        timeout: Duration,
    ) -> Result<WireServer, String> {
        let endpoint = Endpoint::new(url, user, password, insecure).map_err(|e| e.0)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("starting the client runtime: {e}"))?;
        let host = endpoint.url.host().unwrap_or_default().to_string();
        let mut w = WireServer {
            hello: Hello {
                name: host,
                version: String::new(),
                operations: ["hello", "reset", "execute", "event"].iter().map(|s| s.to_string()).collect(),
                structures: Vec::new(),
            },
            endpoint,
            user: user.to_string(),
            client_guid: guid(),
            runtime,
            timeout,
            a: None,
            b: None,
            inbox: None,
            scratch: None,
            ids: IdMap::default(),
            response_rules: None,
            sent: Vec::new(),
            parents: HashMap::new(),
            search: Vec::new(),
            messages: HashMap::new(),
            counter: 0,
            leftovers: Vec::new(),
            keep: false,
            kept: Vec::new(),
            http: Default::default(),
        };
        // The caller names the URL (`--server URL: …`).
        let s = w.open_session("reachability check", 0).map_err(|r| reply_text(&r))?;
        w.disconnect(&s, "the reachability check's session");
        if let Some(l) = w.leftovers.pop() {
            return Err(l);
        }
        Ok(w)
    }

    /// What this harness created and could not delete (or sessions it
    /// could not disconnect), one sentence each.
    pub fn leftovers(&self) -> &[String] {
        &self.leftovers
    }

    /// Leave each case's scratch folder in place (`run --server --keep`),
    /// for a person to look at; [`WireServer::kept`] names them.
    pub fn keep(&mut self, keep: bool) {
        self.keep = keep;
    }

    /// The scratch folders left in place by [`WireServer::keep`].
    pub fn kept(&self) -> &[String] {
        &self.kept
    }

    /// The name of the current case's scratch folder, if one exists.
    pub fn scratch_name(&self) -> Option<&str> {
        self.scratch.as_ref().map(|s| s.name.as_str())
    }

    /// Deletes the current case's scratch folder with everything in it and
    /// disconnects both sessions. What could not be deleted is added to
    /// [`WireServer::leftovers`] and named in the error.
    pub fn cleanup(&mut self) -> Result<(), String> {
        let before = self.leftovers.len();
        let _ = self.clean();
        if self.leftovers.len() > before {
            return Err(self.leftovers[before..].join("; "));
        }
        Ok(())
    }

    /// [`WireServer::cleanup`]'s work; an error only when the scratch folder
    /// is left. A session whose Disconnect fails is named in
    /// [`WireServer::leftovers`] and nothing more: the mailbox holds nothing
    /// of it, and the server ends the Session Context by itself.
    fn clean(&mut self) -> Result<(), String> {
        let mut result = Ok(());
        if let Some(scratch) = self.scratch.take().filter(|s| {
            if self.keep {
                self.kept.push(format!("the scratch folder {:?} ({}) under the Inbox", s.name, s.id));
                super::scratch::unregister(s.id);
            }
            !self.keep
        }) {
            let mut r = self.delete_scratch(&scratch);
            if let Err(first) = r {
                // Session B itself may be what is broken: an answer lost
                // after the server carried the request out leaves B's
                // sequence cookie out of date, and the server fails every
                // later request of B with 15 Invalid Sequence
                // (MS-OXCMAPIHTTP_R151). Once more through a fresh B.
                r = self
                    .renew_b()
                    .and_then(|()| self.delete_scratch(&scratch))
                    .map_err(|e| format!("{first}; again through a new session B: {e}"));
            }
            // Deleted, or reported as a leftover: either way no longer the
            // interrupt handler's to delete.
            super::scratch::unregister(scratch.id);
            if let Err(e) = r {
                let l = format!(
                    "the scratch folder {:?} ({}) under the Inbox was not deleted: {e}",
                    scratch.name, scratch.id
                );
                self.leftovers.push(l.clone());
                result = Err(l);
            }
        }
        if let Some(a) = self.a.take() {
            self.disconnect(&a, "session A");
        }
        if let Some(b) = self.b.take() {
            self.disconnect(&b, "session B");
        }
        self.ids.clear();
        self.sent.clear();
        self.parents.clear();
        self.search.clear();
        self.messages.clear();
        result
    }

    /// Tells [`super::scratch`] of a scratch folder made, so that an
    /// interrupt handler can delete it.
    fn register_scratch(&self, inbox: Id8, name: &str, folder: Id8) {
        super::scratch::register(super::scratch::Live {
            endpoint: self.endpoint.clone(),
            user_dn: self.user_dn(),
            essdn: self.essdn(),
            inbox,
            folder,
            name: name.to_string(),
        });
    }

    /// Replaces session B by a new Session Context logged on to the mailbox
    /// (the old one is disconnected, or named in the leftovers).
    fn renew_b(&mut self) -> Result<(), String> {
        if let Some(old) = self.b.take() {
            self.disconnect(&old, "session B");
        }
        let mut b = self.open_session("B", 0).map_err(|r| reply_text(&r))?;
        let logon = self.rops(&b, vec![self.logon_rop(0, 0)], vec![NEW]);
        let r = logon.map_err(|r| reply_text(&r)).and_then(|(out, table)| {
            check(&out, 0, "RopLogon")?;
            Ok(table.first().copied().unwrap_or(NEW))
        });
        match r {
            Ok(handle) => {
                b.logon = handle;
                self.b = Some(b);
                Ok(())
            }
            Err(e) => {
                self.disconnect(&b, "a new session B");
                Err(e)
            }
        }
    }

    /// After a RopCreateFolder of the scratch folder `name` got no usable
    /// answer: the server may have created the folder all the same, so it
    /// is looked up by name, through a new session B, by RopCreateFolder
    /// with OpenExisting TRUE (which opens a folder of that name,
    /// MS-OXCFOLD_R482, or creates one, ours to delete either way: the name
    /// holds this process's ID, a counter and the time), and becomes the
    /// scratch folder the next cleanup deletes.
    fn recover_scratch(&mut self, inbox: Id8, name: &str) {
        let found = self.renew_b().and_then(|()| {
            let b = self.b.as_ref().ok_or("session B is gone")?;
            let mut create = create_folder(1, 2, name, false);
            create["OpenExisting"] = json!(1);
            let (out, _) = self
                .rops(b, vec![open_folder(0, 1, inbox), create, release(2), release(1)], vec![b.logon, NEW, NEW])
                .map_err(|r| reply_text(&r))?;
            check(&out, 0, "RopOpenFolder of the Inbox")?;
            check(&out, 1, "RopCreateFolder with OpenExisting")?;
            id_of(&out[1]["FolderId"], "RopCreateFolder's FolderId")
        });
        match found {
            Ok(id) => {
                self.register_scratch(inbox, name, id);
                self.scratch = Some(Scratch { name: name.to_string(), id });
            }
            Err(e) => self.leftovers.push(format!(
                "the scratch folder {name:?} under the Inbox may have been created (the answer was lost) and could \
                 not be looked up: {e}"
            )),
        }
    }

    fn delete_scratch(&self, scratch: &Scratch) -> Result<(), String> {
        let b = self.b.as_ref().ok_or("session B is gone")?;
        let inbox = self.inbox.ok_or("the Inbox is not known")?;
        let (out, _) =
            self.rops(b, scratch_deletion(inbox, scratch.id), vec![b.logon, NEW, NEW]).map_err(|r| reply_text(&r))?;
        scratch_deleted(&out)
    }

    fn disconnect(&mut self, s: &Session, what: &str) {
        let t = self.timeout;
        let r = self.runtime.block_on(async { tokio::time::timeout(t, s.client.disconnect()).await });
        if let Ok(Ok(x)) = &r {
            self.record(s.name, x, "Disconnect");
        }
        match r {
            Ok(Ok(x)) if x.response_code == Some(0) => {}
            Ok(Ok(x)) => self.leftovers.push(format!("{what}: Disconnect answered {}", response_code_text(&x))),
            Ok(Err(e)) => self.leftovers.push(format!("{what}: Disconnect failed: {e}")),
            Err(_) => self.leftovers.push(format!("{what}: Disconnect got no answer in {t:?}")),
        }
    }

    /// Connects a new Session Context (MS-OXCMAPIHTTP 2.2.4.1) reporting
    /// `client_mode` in AUX_PERF_CLIENTINFO when it is not 0.
    fn open_session(&mut self, name: &'static str, client_mode: u8) -> Result<Session, Fail> {
        self.counter += 1;
        let client = Client::new(self.endpoint.clone(), format!("{{{}}}:{}", self.client_guid, self.counter));
        let aux = if client_mode == 0 {
            Vec::new()
        } else {
            crate::wire::transport::aux_buffer::perf_client_info(client_mode)
        };
        let dn = self.user_dn();
        let t = self.timeout;
        let r = self.runtime.block_on(async { tokio::time::timeout(t, client.connect(&dn, aux)).await });
        if let Ok(Ok((x, _))) = &r {
            self.record(name, x, "Connect");
        }
        match r {
            Err(_) => Err(broken(format!("Connect got no answer in {t:?}"))),
            Ok(Err(e)) => Err(broken(format!("Connect: {e}"))),
            // HTTP 401 before any X-ResponseCode: the credentials were
            // refused (MS-OXCMAPIHTTP leaves authentication to HTTP).
            Ok(Ok((x, Err(_)))) if x.status == 401 && x.response_code.is_none() => Err(Reply::Failed(format!(
                "Connect: HTTP 401 Unauthorized: the server refused user {:?} with that password",
                self.user
            ))),
            Ok(Ok((x, Err(e)))) => Err(Reply::Failed(format!("Connect: {e} (HTTP {})", x.status))),
            Ok(Ok((_, Ok(c)))) if c.error_code != 0 => {
                Err(Reply::Failed(format!("Connect: ErrorCode 0x{:08X}", c.error_code)))
            }
            Ok(Ok(_)) => Ok(Session { name, client, logon: 0 }),
        }
    }

    /// The UserDn of Connect (MS-OXCMAPIHTTP 2.2.4.1.1).
    fn user_dn(&self) -> String {
        format!("/o=oxcnotif/ou=Exchange Administrative Group/cn=Recipients/cn={}", self.user)
    }

    /// The Essdn of the user's mailbox for RopLogon.
    fn essdn(&self) -> String {
        let user = self.user.split('@').next().unwrap_or(&self.user);
        format!("/o=oxcnotif/cn=Recipients/cn={user}")
    }

    fn logon_rop(&self, logon_id: u8, output: u8) -> Value {
        logon_rop(&self.essdn(), logon_id, output)
    }

    /// Sends `rops` (values) with `table` through `s` and answers the
    /// responses (values) and the output handle table.
    fn rops(&self, s: &Session, rops: Vec<Value>, table: Vec<u32>) -> Result<(Vec<Value>, Vec<u32>), Fail> {
        let input = json!({"RopsList": rops, "ServerObjectHandleTable": table});
        let bytes = RopInputBuffer::from_value(&input, Layout::Spec)
            .and_then(|b| crate::wire::encode(&b, Layout::Spec))
            .map_err(|e| Reply::Failed(format!("building the harness's own ROPs: {e}")))?;
        let out = match self.execute_raw(s, &bytes, 0x8000)? {
            Ok(out) => out,
            Err(code) => return Err(Reply::Failed(format!("Execute failed with ErrorCode 0x{code:08X}"))),
        };
        let d = crate::wire::decode::<RopOutputBuffer>(&out, Layout::Spec)
            .map_err(|e| Reply::Failed(format!("the server's ROP output buffer does not decode: {e}")))?;
        let v = d.value.to_value(Layout::Spec);
        let list = v["RopsList"].as_array().cloned().unwrap_or_default();
        let table = v["ServerObjectHandleTable"]
            .as_array()
            .map(|a| a.iter().map(|h| h.as_u64().unwrap_or(NEW as u64) as u32).collect())
            .unwrap_or_default();
        Ok((list, table))
    }

    /// One Execute (MS-OXCMAPIHTTP 2.2.4.2) of a ROP input buffer: the ROP
    /// output buffer, or the Execute's ErrorCode.
    fn execute_raw(&self, s: &Session, bytes: &[u8], max_output: u64) -> Result<Result<Vec<u8>, u32>, Fail> {
        let t = self.timeout;
        // MaxRopOut counts the RPC header of the extended buffer too (8 bytes,
        // MS-OXCRPC 2.2.2.1).
        let max = (max_output + 8).min(u32::MAX as u64) as u32;
        let r = self.runtime.block_on(async {
            tokio::time::timeout(t, s.client.execute(bytes, Transform::default(), PLAIN, max)).await
        });
        let (x, d) = match r {
            Err(_) => return Err(broken(format!("Execute got no complete answer in {t:?} (the request timeout)"))),
            Ok(Err(e)) => return Err(broken(format!("Execute: {e}"))),
            Ok(Ok(v)) => v,
        };
        self.record(s.name, &x, "Execute");
        match d {
            Ok(out) => Ok(Ok(out)),
            Err(e) => {
                if let Some(code) = e.strip_prefix("ErrorCode 0x").and_then(|h| u32::from_str_radix(h, 16).ok()) {
                    return Ok(Err(code));
                }
                if x.response_code != Some(0) {
                    return Err(Reply::Failed(format!("Execute answered {}", response_code_text(&x))));
                }
                Err(Reply::Failed(format!("Execute: {e}")))
            }
        }
    }

    /// `profile` is the product the user says the server is (`run --server
    /// --profile P`): it changes what the case expects, and nothing the
    /// harness sends, so it is not used here.
    fn reset(&mut self, _profile: &str, layout: &str, setup: &Value) -> Result<Value, Fail> {
        if let Err(e) = self.clean() {
            return Err(Reply::Failed(format!("cleaning up the previous case: {e}")));
        }
        if layout != "spec" {
            return Err(Reply::Unimplemented(format!("layout {layout}: the wire server is sent the spec layout only")));
        }
        let s = Setup::from_value(setup).map_err(|e| Reply::Failed(format!("setup.{e}")))?;
        if setup.get("session_index").is_some() {
            return Err(Reply::Unimplemented(
                "setup.session_index: the SessionIndex of RopPending is the server's to choose over the wire".into(),
            ));
        }
        let mode = match s.client_mode {
            ClientMode::Online => 0,
            ClientMode::Cached => crate::wire::transport::aux_buffer::CLIENTMODE_CACHED,
        };
        // Session B, the trigger: logon, Inbox, scratch folder.
        let mut b = self.open_session("B", 0)?;
        let (out, table) = match self.rops(&b, vec![self.logon_rop(0, 0)], vec![NEW]) {
            Ok(v) => v,
            Err(e) => {
                self.disconnect(&b, "session B");
                return Err(e);
            }
        };
        b.logon = table.first().copied().unwrap_or(NEW);
        let logon = out.first().cloned().unwrap_or(Value::Null);
        self.b = Some(b);
        if logon["ReturnValue"].as_u64() != Some(0) {
            return Err(Reply::Failed(format!("session B's RopLogon: {}", rop_failure(&logon))));
        }
        let special: Vec<Id8> = logon["FolderIds"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| id_of(v, "FolderIds").ok()).collect())
            .unwrap_or_default();
        let inbox = *special
            .get(crate::model::setup::INBOX)
            .ok_or_else(|| Reply::Failed("session B's RopLogon names no 13 FolderIds (MS-OXCROPS_R53)".to_string()))?;
        self.inbox = Some(inbox);
        self.counter += 1;
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let name = format!("oxcnotif scratch {}-{}-{stamp}", std::process::id(), self.counter);
        let scratch_id = match self.create_folder_in(inbox, &name, false) {
            Ok(id) => id,
            Err(e) => {
                // A failure the server answered (a ROP's ReturnValue) created
                // nothing; any other may have.
                if !reply_text(&e).starts_with("Rop") {
                    self.recover_scratch(inbox, &name);
                }
                return Err(e);
            }
        };
        self.register_scratch(inbox, &name, scratch_id);
        self.scratch = Some(Scratch { name, id: scratch_id });
        // The setup's folders, parents first.
        let mut pending: Vec<_> = s.folders.clone();
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for f in pending {
                let parent = match f.parent {
                    None => Some(scratch_id),
                    Some(p) if !s.folders.iter().any(|g| g.id == p) => Some(scratch_id),
                    Some(p) => self.ids.server(p),
                };
                match parent {
                    Some(p) => {
                        let id = self.create_folder_in(p, &folder_name(f.id), f.search)?;
                        self.ids.bind(f.id, id);
                    }
                    None => rest.push(f),
                }
            }
            if rest.len() == before {
                return Err(Reply::Failed("setup.folders: the parents form a cycle".into()));
            }
            pending = rest;
        }
        for m in &s.messages {
            let folder = self.ids.server(m.folder).ok_or_else(|| {
                Reply::Unimplemented(format!(
                    "setup.messages: message {} is in folder {}, which the setup does not create",
                    m.id, m.folder
                ))
            })?;
            let id = self.create_message_in(folder)?;
            self.ids.bind(m.id, id);
        }
        self.bind_special_folders(&special);
        // Session A, the client under test.
        let a = self.open_session("A", mode)?;
        self.a = Some(a);
        let mut rops = Vec::new();
        let mut table = Vec::new();
        for (i, l) in s.logons.iter().enumerate() {
            rops.push(self.logon_rop(*l, i as u8));
            table.push(NEW);
        }
        let first = s.logons.first().copied().unwrap_or(0);
        for o in &s.opened {
            let server = self.ids.server(o.object).unwrap_or(o.object);
            let mut r = if o.message {
                // A message is opened in the folder B created it in
                // (RopOpenMessage, MS-OXCROPS 2.2.6.1: FolderId and MessageId).
                let folder = self.messages.get(&server.0).copied().map(Id8).ok_or_else(|| {
                    Reply::Unimplemented(format!(
                        "setup opens message {} ({}), which the setup does not create",
                        o.object, o.name
                    ))
                })?;
                open_message(0, table.len() as u8, folder, server, 0x00)
            } else {
                open_folder(0, table.len() as u8, server)
            };
            r["LogonId"] = json!(first);
            rops.push(r);
            table.push(NEW);
        }
        if table.len() > 255 {
            return Err(Reply::Unimplemented("setup: more than 255 logons and opened objects".into()));
        }
        let a = self.a.as_ref().ok_or_else(|| broken("session A is gone"))?;
        let (out, handles) = self.rops(a, rops, table)?;
        let mut ok = ResetOk::default();
        for (i, l) in s.logons.iter().enumerate() {
            let r = out.get(i).cloned().unwrap_or(Value::Null);
            if r["ReturnValue"].as_u64() != Some(0) {
                return Err(Reply::Failed(format!("session A's RopLogon of LogonId {l}: {}", rop_failure(&r))));
            }
            ok.logons.insert(l.to_string(), handles.get(i).copied().unwrap_or(NEW));
        }
        for (k, o) in s.opened.iter().enumerate() {
            let i = s.logons.len() + k;
            let r = out.get(i).cloned().unwrap_or(Value::Null);
            if r["ReturnValue"].as_u64() != Some(0) {
                return Err(Reply::Failed(format!(
                    "session A's {} of {} ({}): {}",
                    if o.message { "RopOpenMessage" } else { "RopOpenFolder" },
                    o.object,
                    o.name,
                    rop_failure(&r)
                )));
            }
            ok.handles.insert(o.name.clone(), handles.get(i).copied().unwrap_or(NEW));
        }
        Ok(protocol::ok_value(&ok))
    }

    /// The reference mailbox's special folders, where the setup does not
    /// use their IDs, stand for the server's (MS-OXCROPS_R53).
    fn bind_special_folders(&mut self, special: &[Id8]) {
        for (case, server) in SPECIAL_FOLDER_IDS.iter().zip(special) {
            if !self.ids.has_case(*case) && !self.ids.has_server(*server) && case != server {
                self.ids.bind(*case, *server);
            }
        }
    }

    fn session_b(&self) -> Result<&Session, Fail> {
        self.b.as_ref().ok_or_else(|| Reply::Failed("no case is set up (reset first)".into()))
    }

    /// B creates a folder `name` under `parent` (server IDs).
    fn create_folder_in(&mut self, parent: Id8, name: &str, search: bool) -> Result<Id8, Fail> {
        let b = self.session_b()?;
        let (out, _) = self.rops(
            b,
            vec![open_folder(0, 1, parent), create_folder(1, 2, name, search), release(2), release(1)],
            vec![b.logon, NEW, NEW],
        )?;
        check(&out, 0, "RopOpenFolder of the parent").map_err(Reply::Failed)?;
        check(&out, 1, &format!("RopCreateFolder {name:?}")).map_err(Reply::Failed)?;
        let id = id_of(&out[1]["FolderId"], "RopCreateFolder's FolderId").map_err(Reply::Failed)?;
        self.parents.insert(id.0, parent.0);
        if search {
            self.search.push(id.0);
        }
        Ok(id)
    }

    /// B creates and saves a message in `folder` (server ID).
    fn create_message_in(&mut self, folder: Id8) -> Result<Id8, Fail> {
        self.create_message_with(folder, &[])
    }

    /// B creates a message in `folder` (server ID), sets `tags` on it, and
    /// saves it: the save's ObjectCreated carries the tags set
    /// (MS-OXCNOTIF 2.2.1.4.1.2).
    fn create_message_with(&mut self, folder: Id8, tags: &[u32]) -> Result<Id8, Fail> {
        let mut rops = vec![json!({"RopId": 0x06, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                                   "CodePageId": 0x0FFF, "FolderId": id_value(folder), "AssociatedFlag": 0})];
        if !tags.is_empty() {
            rops.push(set_properties(tags, 1)?);
        }
        let save = rops.len();
        rops.push(
            json!({"RopId": 0x0C, "LogonId": 0, "ResponseHandleIndex": 1, "InputHandleIndex": 1, "SaveFlags": 0x0A}),
        );
        rops.push(release(1));
        let b = self.session_b()?;
        let (out, _) = self.rops(b, rops, vec![b.logon, NEW])?;
        check(&out, 0, "RopCreateMessage").map_err(Reply::Failed)?;
        if save == 2 {
            check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
        }
        check(&out, save, "RopSaveChangesMessage").map_err(Reply::Failed)?;
        let id = id_of(&out[save]["MessageId"], "RopSaveChangesMessage's MessageId").map_err(Reply::Failed)?;
        self.messages.insert(id.0, folder.0);
        Ok(id)
    }

    /// How many folders and messages this harness created (and did not
    /// delete) directly in `folder` (a server ID).
    fn held_in(&self, folder: Id8) -> usize {
        self.parents.values().filter(|p| **p == folder.0).count()
            + self.messages.values().filter(|f| **f == folder.0).count()
    }

    fn server_id(&self, case: Id8) -> Id8 {
        self.ids.server(case).unwrap_or(case)
    }

    fn event(&mut self, event: &Value) -> Result<Value, Fail> {
        let e = crate::model::Event::from_value(event).map_err(|e| Reply::Failed(format!("event.{e}")))?;
        let t = e.event_type.name();
        let keys: Vec<&str> = event.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        let allowed: &[&str] = match (t, e.message.is_some()) {
            ("ObjectCreated", false) => &["Type", "LogonId", "Folder", "ParentFolder"],
            ("ObjectCreated", true) => &["Type", "LogonId", "Folder", "Message", "Tags"],
            ("ObjectDeleted", _) => &["Type", "LogonId", "Folder", "Message", "ParentFolder"],
            ("NewMail", _) => &["Type", "LogonId", "Folder", "Message", "MessageFlags", "MessageClass"],
            ("SearchCompleted", _) => &["Type", "LogonId", "Folder"],
            ("ObjectModified", false) => &["Type", "LogonId", "Folder", "Tags"],
            ("ObjectModified", true) => &["Type", "LogonId", "Folder", "Message", "Tags"],
            ("ObjectMoved", _) => &["Type", "LogonId", "Folder", "Message", "ParentFolder", "ToFolder"],
            ("ObjectCopied", _) => &["Type", "LogonId", "Folder", "Message", "ToFolder", "NewId"],
            _ => return Err(Reply::Unimplemented(format!("event {t} cannot be caused over the wire yet"))),
        };
        // UnicodeFlag 1 is what an event is unless it says otherwise: the
        // server then chooses by the client's mode (MS-OXCNOTIF_R220), as
        // RopTransportNewMail leaves it to do.
        let default_unicode = |k: &&&str| **k == "UnicodeFlag" && t == "NewMail" && e.unicode;
        if let Some(k) = keys.iter().find(|k| !allowed.contains(k) && !default_unicode(k)) {
            return Err(Reply::Unimplemented(format!(
                "event {t} with {k}: no ROP that causes {t} lets the client choose {k}"
            )));
        }
        if e.logon_id != 0 {
            return Err(Reply::Unimplemented(format!(
                "event {t} with LogonId {}: the trigger session has one logon",
                e.logon_id
            )));
        }
        if matches!(t, "ObjectMoved" | "ObjectCopied") {
            for (role, f) in [("Folder", Some(e.folder)), ("ToFolder", e.to_folder)] {
                if let Some(f) = f.filter(|f| self.search.contains(&self.server_id(*f).0)) {
                    // A search folder's contents are the server's search
                    // results (MS-OXCFOLD 1.3.3); the S flag of such an event
                    // (MS-OXCNOTIF 2.2.1.4.1.1) is the server's to raise.
                    return Err(Reply::Unimplemented(format!(
                        "event {t} with {role} {f}, a search folder: no ROP moves or copies into or out of a search \
                         folder's results"
                    )));
                }
            }
        }
        let side_effects = self.side_effects_of(&e, t);
        let b = self.session_b()?;
        let logon = b.logon;
        match (t, e.message) {
            ("ObjectCreated", None) => {
                if self.ids.has_case(e.folder) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of folder {}, which exists already: RopCreateFolder creates a new one",
                        e.folder
                    )));
                }
                let scratch = self.scratch.as_ref().map(|s| s.id).ok_or_else(|| broken("no scratch folder"))?;
                let parent = e.parent_folder.map(|p| self.server_id(p)).unwrap_or(scratch);
                let id = self.create_folder_in(parent, &folder_name(e.folder), false)?;
                self.ids.bind(e.folder, id);
            }
            ("ObjectCreated", Some(m)) => {
                if self.ids.has_case(m) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of message {m}, which exists already (a search folder gaining a \
                         message?): RopSaveChangesMessage creates a new one"
                    )));
                }
                if self.sent.windows(8).any(|w| w == m.0) {
                    // The case's ID went to the server before the message
                    // existed (a subscription to it, MS-OXCNOTIF 2.2.1.2.1.1);
                    // the server names the new message itself.
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of message {m}, which an earlier request names: the server chooses a new \
                         message's MessageId, so a request cannot name it before it exists"
                    )));
                }
                if !self.ids.has_case(e.folder) && !SPECIAL_FOLDER_IDS.contains(&e.folder) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectCreated of message {m} in folder {}, which the setup does not create: \
                         RopCreateMessage needs the folder to exist",
                        e.folder
                    )));
                }
                let id = self.create_message_with(self.server_id(e.folder), &e.tags)?;
                self.ids.bind(m, id);
            }
            ("ObjectDeleted", None) => {
                let folder = self.server_id(e.folder);
                let held = self.held_in(folder);
                if held > 0 {
                    // RopDeleteFolder deletes the folder's contents with it,
                    // each raising ObjectDeleted (MS-OXCFOLD 3.2.5.3): more
                    // notifications than the one event.
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectDeleted of folder {}, which holds {}: RopDeleteFolder would delete those too and \
                         raise ObjectDeleted for each",
                        e.folder,
                        crate::plural::plural(held, "object")
                    )));
                }
                let parent = match e.parent_folder {
                    Some(p) => self.server_id(p),
                    None => self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                        Reply::Unimplemented(format!(
                            "event ObjectDeleted of folder {}: not a folder this harness created, and the event \
                             names no ParentFolder",
                            e.folder
                        ))
                    })?,
                };
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, parent),
                        json!({"RopId": 0x1D, "LogonId": 0, "InputHandleIndex": 1,
                               "DeleteFolderFlags": DELETE_ALL_HARD, "FolderId": id_value(folder)}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the parent").map_err(Reply::Failed)?;
                check(&out, 1, "RopDeleteFolder").map_err(Reply::Failed)?;
                self.parents.remove(&folder.0);
            }
            ("ObjectDeleted", Some(m)) => {
                let (folder, message) = (self.server_id(e.folder), self.server_id(m));
                if self.messages.get(&message.0) != Some(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectDeleted of message {m} in folder {}: not a message this harness created in that \
                         folder (a search folder's view of it?), so RopDeleteMessages there cannot delete it",
                        e.folder
                    )));
                }
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, folder),
                        json!({"RopId": 0x1E, "LogonId": 0, "InputHandleIndex": 1, "WantAsynchronous": 0,
                               "NotifyNonRead": 0, "MessageIdCount": 1, "MessageIds": [id_value(message)]}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the message's folder").map_err(Reply::Failed)?;
                check(&out, 1, "RopDeleteMessages").map_err(Reply::Failed)?;
                self.messages.remove(&message.0);
            }
            ("NewMail", m) => {
                let message = m.map(|m| self.server_id(m)).unwrap_or(Id8([0; 8]));
                let class = if e.message_class.is_empty() { "IPM.Note".to_string() } else { e.message_class.clone() };
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![json!({"RopId": 0x51, "LogonId": 0, "InputHandleIndex": 0,
                                "MessageId": id_value(message), "FolderId": id_value(self.server_id(e.folder)),
                                "MessageClass": class, "MessageFlags": e.message_flags})],
                    vec![logon],
                )?;
                check(&out, 0, "RopTransportNewMail").map_err(Reply::Failed)?;
            }
            ("ObjectModified", _) => {
                // RopSetProperties on a folder raises ObjectModified with the
                // tags it set (MS-OXCNOTIF 2.2.1.4.1.2: Tags, MS-OXCROPS 2.2.8.6).
                let folder = self.server_id(e.folder);
                let set = set_properties(&e.tags, 1)?;
                if let Some(m) = e.message {
                    // A message's change is reported when RopSaveChangesMessage
                    // commits it (MS-OXCNOTIF 2.2.1.1); B opens it read/write
                    // (RopOpenMessage, MS-OXCROPS 2.2.6.1) in its folder.
                    let message = self.server_id(m);
                    if self.messages.get(&message.0) != Some(&folder.0) {
                        return Err(Reply::Unimplemented(format!(
                            "event ObjectModified of message {m} in folder {}: not a message this harness created in \
                             that folder (a search folder's view of it?), so RopOpenMessage there cannot open it",
                            e.folder
                        )));
                    }
                    let b = self.session_b()?;
                    let (out, _) = self.rops(
                        b,
                        vec![
                            open_message(0, 1, folder, message, READ_WRITE),
                            set,
                            json!({"RopId": 0x0C, "LogonId": 0, "ResponseHandleIndex": 1, "InputHandleIndex": 1,
                                   "SaveFlags": 0x0A}),
                            release(1),
                        ],
                        vec![logon, NEW],
                    )?;
                    check(&out, 0, "RopOpenMessage of the message").map_err(Reply::Failed)?;
                    check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
                    check(&out, 2, "RopSaveChangesMessage").map_err(Reply::Failed)?;
                } else {
                    let b = self.session_b()?;
                    let (out, _) = self.rops(b, vec![open_folder(0, 1, folder), set, release(1)], vec![logon, NEW])?;
                    check(&out, 0, "RopOpenFolder of the folder").map_err(Reply::Failed)?;
                    check(&out, 1, "RopSetProperties").map_err(Reply::Failed)?;
                }
            }
            ("ObjectMoved", Some(m)) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectMoved names no ToFolder".into()))?;
                let (folder, message, to) = (self.server_id(e.folder), self.server_id(m), self.server_id(to));
                if self.messages.get(&message.0) != Some(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event ObjectMoved of message {m} from folder {}: not a message this harness created there and still holds",
                        e.folder
                    )));
                }
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, folder),
                        open_folder(0, 2, to),
                        json!({"RopId": 0x33, "LogonId": 0, "SourceHandleIndex": 1, "DestHandleIndex": 2,
                               "MessageIdCount": 1, "MessageIds": [id_value(message)], "WantAsynchronous": 0,
                               "WantCopy": 0}),
                        release(1),
                        release(2),
                    ],
                    vec![logon, NEW, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the source").map_err(Reply::Failed)?;
                check(&out, 1, "RopOpenFolder of the destination").map_err(Reply::Failed)?;
                check(&out, 2, "RopMoveCopyMessages").map_err(Reply::Failed)?;
                if out[2]["PartialCompletion"].as_u64().unwrap_or(0) != 0 {
                    return Err(Reply::Failed("RopMoveCopyMessages answered PartialCompletion TRUE".into()));
                }
                self.messages.insert(message.0, to.0);
            }
            ("ObjectMoved", None) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectMoved names no ToFolder".into()))?;
                let (folder, to_server) = (self.server_id(e.folder), self.server_id(to));
                let parent = self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                    Reply::Unimplemented(format!(
                        "event ObjectMoved of folder {}: not a folder this harness created and still holds",
                        e.folder
                    ))
                })?;
                if let Some(p) = e.parent_folder {
                    if self.server_id(p) != parent {
                        return Err(Reply::Unimplemented(format!(
                            "event ObjectMoved of folder {} from ParentFolder {p}, which is not its parent",
                            e.folder
                        )));
                    }
                }
                let b = self.session_b()?;
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, parent),
                        open_folder(0, 2, to_server),
                        json!({"RopId": 0x35, "LogonId": 0, "SourceHandleIndex": 1, "DestHandleIndex": 2,
                               "WantAsynchronous": 0, "UseUnicode": 0, "FolderId": id_value(folder),
                               "NewFolderName": folder_name(e.folder)}),
                        release(1),
                        release(2),
                    ],
                    vec![logon, NEW, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the parent").map_err(Reply::Failed)?;
                check(&out, 1, "RopOpenFolder of the destination").map_err(Reply::Failed)?;
                check(&out, 2, "RopMoveFolder").map_err(Reply::Failed)?;
                if out[2]["PartialCompletion"].as_u64().unwrap_or(0) != 0 {
                    return Err(Reply::Failed("RopMoveFolder answered PartialCompletion TRUE".into()));
                }
                self.parents.insert(folder.0, to_server.0);
            }
            ("ObjectCopied", m) => {
                let to = e.to_folder.ok_or_else(|| Reply::Failed("event ObjectCopied names no ToFolder".into()))?;
                let (folder, to_server) = (self.server_id(e.folder), self.server_id(to));
                // The copy's ID is the server's; neither RopMoveCopyMessages
                // nor RopCopyFolder answers it (MS-OXCROPS 2.2.4.7, 2.2.4.8).
                // B subscribes to ObjectCopied in the same Execute and reads
                // the copy's ID from its own RopNotify (OldFolderId or
                // OldMessageId naming the source, MS-OXCNOTIF 2.2.1.4.1.2).
                let register = json!({"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                                      "NotificationTypes": 0x0040, "WantWholeStore": 1});
                let (copy, source, what) = match m {
                    Some(m) => {
                        let message = self.server_id(m);
                        if self.messages.get(&message.0) != Some(&folder.0) {
                            return Err(Reply::Unimplemented(format!(
                                "event ObjectCopied of message {m} from folder {}: not a message this harness created \
                                 there",
                                e.folder
                            )));
                        }
                        (
                            json!({"RopId": 0x33, "LogonId": 0, "SourceHandleIndex": 2, "DestHandleIndex": 3,
                                   "MessageIdCount": 1, "MessageIds": [id_value(message)], "WantAsynchronous": 0,
                                   "WantCopy": 1}),
                            message,
                            "RopMoveCopyMessages",
                        )
                    }
                    None => {
                        let held = self.held_in(folder);
                        if held > 0 {
                            return Err(Reply::Unimplemented(format!(
                                "event ObjectCopied of folder {}, which holds {}: RopCopyFolder would copy those too \
                                 and raise ObjectCopied for each",
                                e.folder,
                                crate::plural::plural(held, "object")
                            )));
                        }
                        (
                            json!({"RopId": 0x36, "LogonId": 0, "SourceHandleIndex": 2, "DestHandleIndex": 3,
                                   "WantAsynchronous": 0, "WantRecursive": 0, "UseUnicode": 0,
                                   "FolderId": id_value(folder), "NewFolderName": folder_name(e.folder)}),
                            folder,
                            "RopCopyFolder",
                        )
                    }
                };
                let source_parent = match m {
                    Some(_) => folder,
                    None => self.parents.get(&folder.0).copied().map(Id8).ok_or_else(|| {
                        Reply::Unimplemented(format!(
                            "event ObjectCopied of folder {}: not a folder this harness created and still holds",
                            e.folder
                        ))
                    })?,
                };
                let b = self.session_b()?;
                let (mut out, table) = self.rops(
                    b,
                    vec![
                        register,
                        open_folder(0, 2, source_parent),
                        open_folder(0, 3, to_server),
                        copy,
                        release(2),
                        release(3),
                    ],
                    vec![logon, NEW, NEW, NEW],
                )?;
                check(&out, 0, "RopRegisterNotification").map_err(Reply::Failed)?;
                check(&out, 1, "RopOpenFolder of the source").map_err(Reply::Failed)?;
                check(&out, 2, "RopOpenFolder of the destination").map_err(Reply::Failed)?;
                check(&out, 3, what).map_err(Reply::Failed)?;
                if out[3]["PartialCompletion"].as_u64().unwrap_or(0) != 0 {
                    return Err(Reply::Failed(format!("{what} answered PartialCompletion TRUE")));
                }
                let sub = table.get(1).copied().unwrap_or(NEW);
                let b = self.session_b()?;
                let (more, _) = self.rops(b, vec![release(1)], vec![logon, sub])?;
                out.extend(more);
                let (old, new) = if m.is_some() { ("OldMessageId", "MessageId") } else { ("OldFolderId", "FolderId") };
                let copied = out
                    .iter()
                    .filter(|r| r["RopId"].as_u64() == Some(0x2A))
                    .map(|r| &r["NotificationData"])
                    .find(|d| d[old].as_str() == Some(source.to_string().as_str()))
                    .and_then(|d| id_of(&d[new], "the copy's ID").ok());
                match (copied, e.new_id) {
                    (Some(c), Some(n)) => self.ids.bind(n, c),
                    (None, Some(n)) => {
                        return Err(Reply::Failed(format!(
                            "event ObjectCopied: {what} succeeded, but session B's subscription heard of no copy, so \
                             NewId {n} cannot be bound to the server's ID"
                        )))
                    }
                    _ => {}
                }
                if let Some(c) = copied {
                    if m.is_some() {
                        self.messages.insert(c.0, to_server.0);
                    } else {
                        self.parents.insert(c.0, to_server.0);
                    }
                }
            }
            ("SearchCompleted", _) => {
                let folder = self.server_id(e.folder);
                if !self.search.contains(&folder.0) {
                    return Err(Reply::Unimplemented(format!(
                        "event SearchCompleted on {}: not a search folder this harness created",
                        e.folder
                    )));
                }
                let scope = self.scratch.as_ref().map(|s| s.id).ok_or_else(|| broken("no scratch folder"))?;
                let b = self.session_b()?;
                // RestartSearch (0x02, MS-OXCFOLD 2.2.1.4.1) over the scratch
                // folder, with an exists restriction on PidTagMessageClass.
                let (out, _) = self.rops(
                    b,
                    vec![
                        open_folder(0, 1, folder),
                        json!({"RopId": 0x30, "LogonId": 0, "InputHandleIndex": 1, "RestrictionDataSize": 5,
                               "RestrictionData": "081f001a00", "FolderIdCount": 1, "FolderIds": [id_value(scope)],
                               "SearchFlags": 2}),
                        release(1),
                    ],
                    vec![logon, NEW],
                )?;
                check(&out, 0, "RopOpenFolder of the search folder").map_err(Reply::Failed)?;
                check(&out, 1, "RopSetSearchCriteria").map_err(Reply::Failed)?;
            }
            _ => return Err(Reply::Unimplemented(format!("event {t} cannot be caused over the wire yet"))),
        }
        Ok(protocol::ok_value(&EventOk { side_effects: side_effects.iter().map(Id8::to_string).collect() }))
    }

    /// The folders, as the case names them, whose contents the ROPs that
    /// cause `e` change besides the object `e` names: the folder a message
    /// is created in, deleted from, saved in, moved out of or into, copied
    /// into; the parent a folder is created under, deleted from, moved out
    /// of, and the folder it is moved or copied into. A live server may
    /// report ObjectModified of each, with its new TotalMessageCount and
    /// UnreadMessageCount (MS-OXCNOTIF 2.2.1.4.1.2); the sequence runner
    /// tolerates one such notification per folder and subscription.
    fn side_effects_of(&self, e: &crate::model::Event, t: &str) -> Vec<Id8> {
        let view = |server: Id8| self.ids.case(server).unwrap_or(server);
        let parent_of = |f: Id8| self.parents.get(&self.server_id(f).0).map(|p| view(Id8(*p)));
        let scratch = self.scratch.as_ref().map(|s| view(s.id));
        let mut out: Vec<Id8> = Vec::new();
        match (t, e.message) {
            ("ObjectCreated" | "ObjectDeleted" | "ObjectModified", Some(_)) => out.push(e.folder),
            ("ObjectMoved", Some(_)) => out.extend([Some(e.folder), e.to_folder].into_iter().flatten()),
            ("ObjectCopied", _) => out.extend(e.to_folder),
            ("ObjectCreated", None) => out.extend(e.parent_folder.or(scratch)),
            ("ObjectDeleted", None) => out.extend(e.parent_folder.or_else(|| parent_of(e.folder))),
            ("ObjectMoved", None) => {
                out.extend([e.parent_folder.or_else(|| parent_of(e.folder)), e.to_folder].into_iter().flatten())
            }
            _ => {}
        }
        out.dedup();
        out
    }

    fn execute(&mut self, hex: &str, max_output: u64) -> Result<Value, Fail> {
        let input = crate::hex::parse(hex).map_err(|e| Reply::Failed(format!("hex: {}", e.message)))?;
        let a = self.a.as_ref().ok_or_else(|| Reply::Failed("execute before reset".into()))?;
        self.sent.extend_from_slice(&input);
        let input = self.ids.to_server_bytes(&input);
        Ok(protocol::ok_value(&match self.execute_raw(a, &input, max_output)? {
            Ok(out) => {
                ExecuteOk::Hex { hex: crate::hex::encode(&pending_session_as_case(&self.ids.to_case_bytes(&out))) }
            }
            Err(code) => ExecuteOk::Failed {
                failed: CallFailed { code, message: Some(format!("the server's Execute ErrorCode 0x{code:08X}")) },
            },
        }))
    }

    /// Keeps an HTTP exchange of session `name` for the reply of the
    /// current request ([`WireServer::answer`] adds them as `http`).
    fn record(&self, name: &str, x: &Exchange, request_type: &str) {
        let mut v = x.to_value(request_type);
        v["session"] = json!(name);
        // The transport rules every response is held to, for the sequence
        // runner to grade at their levels (`rules`).
        let rules: Vec<Value> = self.response_rules.map(|f| f(x, request_type)).unwrap_or_default();
        if !rules.is_empty() {
            v["rules"] = Value::Array(rules);
        }
        if let Ok(mut h) = self.http.lock() {
            h.push(v);
        }
    }

    fn answer(&mut self, r: &Request) -> Reply {
        if let Ok(mut h) = self.http.lock() {
            h.clear();
        }
        let result = match r {
            Request::Hello { .. } => Ok(protocol::ok_value(&protocol::HelloOk {
                name: self.hello.name.clone(),
                version: String::new(),
                protocol: Some(super::PROTOCOL),
                operations: self.hello.operations.clone(),
                structures: Vec::new(),
            })),
            Request::Reset { profile, layout, setup } => self.reset(profile, layout, setup),
            Request::Execute { hex, max_output } => self.execute(hex, *max_output),
            Request::Event { event } => self.event(event),
            other => Err(Reply::Unimplemented(format!("{} is not a server operation", other.op()))),
        };
        // The HTTP exchanges behind the reply (headers and dissected
        // bodies), for the case's evidence in results.json and index.html.
        let http: Vec<Value> = self.http.lock().map(|mut h| std::mem::take(&mut *h)).unwrap_or_default();
        match result {
            Ok(mut v) => {
                if !http.is_empty() && v.is_object() {
                    v["http"] = Value::Array(http);
                }
                Reply::Ok(v)
            }
            Err(r) => r,
        }
    }
}

/// Whether ROP response `i` succeeded; why not, if not.
/// A private-mailbox RopLogon (MS-OXCROPS 2.2.3.1) of `essdn`.
pub(super) fn logon_rop(essdn: &str, logon_id: u8, output: u8) -> Value {
    json!({"RopId": 0xFE, "LogonId": logon_id, "OutputHandleIndex": output, "LogonFlags": 1,
           "OpenFlags": 0x0100_0000u32, "StoreState": 0, "EssdnSize": essdn.len() + 1, "Essdn": essdn})
}

fn check(out: &[Value], i: usize, what: &str) -> Result<(), String> {
    match out.get(i) {
        None => Err(format!("{what}: no response")),
        Some(r) if r["ReturnValue"].as_u64() == Some(0) => Ok(()),
        Some(r) => Err(format!("{what}: {}", rop_failure(r))),
    }
}

fn rop_failure(r: &Value) -> String {
    match r["ReturnValue"].as_u64() {
        Some(c) => format!("ReturnValue 0x{c:08X}"),
        None => "no response".into(),
    }
}

fn response_code_text(x: &Exchange) -> String {
    match x.response_code {
        Some(c) => format!("X-ResponseCode {}", crate::wire::transport::response_code::describe(c)),
        None => format!("HTTP {} without X-ResponseCode", x.status),
    }
}

fn reply_text(r: &Reply) -> String {
    match r {
        Reply::Ok(v) => v.to_string(),
        Reply::Unimplemented(m) | Reply::Failed(m) | Reply::Broken { problem: m, .. } => m.clone(),
    }
}

impl Drop for WireServer {
    fn drop(&mut self) {
        let _ = self.cleanup();
    }
}

impl Implementation for WireServer {
    fn hello(&self) -> &Hello {
        &self.hello
    }
    fn call_many(&mut self, requests: &[Request]) -> Vec<Reply> {
        requests.iter().map(|r| self.answer(r)).collect()
    }
}

/// The case-ID to server-ID map of the current case, for a report.
impl WireServer {
    /// Each bound case ID and the server's, as hex, sorted.
    pub fn id_map(&self) -> BTreeMap<String, String> {
        self.ids.to_server.iter().map(|(c, s)| (Id8(*c).to_string(), Id8(*s).to_string())).collect()
    }
}

/// The output with every RopPending's SessionIndex set to 0, the case's
/// (setup `session_index` is refused over the wire). Over MAPI over HTTP
/// the server chooses the index, and Connect tells the client nothing to
/// compare it with (MS-OXCMAPIHTTP 2.2.4.1.2 has no session index), so the
/// index is not checked over the wire; RopPending's presence and place
/// still are. An output that does not decode is passed on as it is, for
/// the runner to report.
fn pending_session_as_case(out: &[u8]) -> Vec<u8> {
    use crate::wire::rop_buffer::{RopOutputBuffer, RopResponse};
    let Ok(mut d) = crate::wire::decode::<RopOutputBuffer>(out, crate::wire::Layout::Spec) else { return out.to_vec() };
    let mut changed = false;
    for r in &mut d.value.rops_list {
        if let RopResponse::Pending(p) = r {
            changed |= p.session_index != 0;
            p.session_index = 0;
        }
    }
    if !changed {
        return out.to_vec();
    }
    crate::wire::encode(&d.value, crate::wire::Layout::Spec).unwrap_or_else(|_| out.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id8 {
        let b = crate::hex::parse(s).unwrap();
        Id8(b.try_into().unwrap())
    }

    #[test]
    fn ids_are_rewritten_both_ways_at_the_byte_level() {
        let mut m = IdMap::default();
        m.bind(id("0100000000000a01"), id("0100000000000123"));
        m.bind(id("0100000000000b01"), id("0100000000000456"));
        m.bind(id("0000000000000000"), id("0100000000000999"));
        let input =
            crate::hex::parse(&["29000001fe00", "0100000000000a01", "0100000000000b01", "ff"].concat()).unwrap();
        let out = m.to_server_bytes(&input);
        assert_eq!(crate::hex::encode(&out), ["29000001fe00", "0100000000000123", "0100000000000456", "ff"].concat());
        assert_eq!(m.to_case_bytes(&out), input);
        // Unbound bytes, a run shorter than 8 bytes and the zero ID stay.
        let short = crate::hex::parse("0100000000000a").unwrap();
        assert_eq!(m.to_server_bytes(&short), short);
        let zero = [0u8; 8];
        assert_eq!(m.to_server_bytes(&zero), zero.to_vec());
        assert!(m.server(id("0000000000000000")).is_none());
    }
}
