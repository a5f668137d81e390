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
use super::protocol::{self, CallFailed, CreatedMessage, EventOk, ExecuteOk, Request, ResetOk};
use super::{Hello, Implementation, Reply};
use crate::model::setup::{ClientMode, SPECIAL_FOLDER_IDS};
use crate::model::Setup;
use crate::wire::mailbox::open_message::READ_WRITE;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use crate::wire::transport::extended_buffer::Transform;
use crate::wire::{Id8, Layout, WireStructure};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

mod events;
mod ids;
mod other;
mod setup;

use ids::{pending_session_as_case, Raw};
pub use ids::{rewrite, IdMap};

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
    /// What [`super::scratch::sweep`] did at connect, one sentence each.
    swept: Vec<String>,
    /// The HTTP exchanges of the request being answered.
    http: std::sync::Mutex<Vec<Value>>,
    /// The mailbox B works in, when not the user's own (other.rs).
    mailbox: Option<String>,
    /// `--other-mailbox`: the mailbox behind LogonId 1.
    other_mailbox: Option<String>,
    /// `--mailbox-dn`: the user's mailbox's distinguished name.
    mailbox_dn: Option<String>,
    /// What the harness holds in the other mailbox while it works in this one.
    other: other::Side,
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
            swept: Vec::new(),
            http: Default::default(),
            mailbox: None,
            other_mailbox: None,
            mailbox_dn: None,
            other: Default::default(),
        };
        // The caller names the URL (`--server URL: …`).
        let s = w.open_session("reachability check", 0).map_err(|r| reply_text(&r))?;
        w.disconnect(&s, "the reachability check's session");
        if let Some(l) = w.leftovers.pop() {
            return Err(l);
        }
        // What runs killed with SIGKILL left (src/target/scratch.rs).
        w.swept = super::scratch::sweep(&w.endpoint, timeout);
        Ok(w)
    }

    /// The scratch folders of killed runs deleted at connect (or why not),
    /// one sentence each ([`super::scratch::sweep`]).
    pub fn swept(&self) -> &[String] {
        &self.swept
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
        let other = if self.other.in_use() { self.in_other(|w| w.clean_side()) } else { Ok(()) };
        let own = self.clean_side();
        if let Some(a) = self.a.take() {
            self.disconnect(&a, "session A");
        }
        self.sent.clear();
        own.and(other)
    }

    /// [`WireServer::clean`] of the mailbox B works in: its scratch folder,
    /// session B and the IDs bound there.
    fn clean_side(&mut self) -> Result<(), String> {
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
        if let Some(b) = self.b.take() {
            self.disconnect(&b, "session B");
        }
        self.ids.clear();
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

    /// The UserDn of Connect (MS-OXCMAPIHTTP 2.2.4.1.1): `--mailbox-dn`,
    /// or oxcnotif serve's form.
    fn user_dn(&self) -> String {
        match &self.mailbox_dn {
            Some(dn) => dn.clone(),
            None => format!("/o=oxcnotif/ou=Exchange Administrative Group/cn=Recipients/cn={}", self.user),
        }
    }

    /// The Essdn of the mailbox B works in for RopLogon.
    fn essdn(&self) -> String {
        match (&self.mailbox, &self.mailbox_dn) {
            (Some(m), _) => other::essdn_of(m),
            (None, Some(dn)) => dn.clone(),
            (None, None) => other::essdn_of(&self.user),
        }
    }

    /// The distinguished name of the user's mailbox (`--mailbox-dn`: on
    /// Exchange the user's legacyExchangeDN), for Connect's UserDn and
    /// RopLogon's Essdn (MS-OXCROPS 2.2.3.1.1); none: oxcnotif serve's form,
    /// `/o=oxcnotif/cn=Recipients/cn=USER`.
    pub fn with_mailbox_dn(mut self, dn: Option<String>) -> WireServer {
        self.mailbox_dn = dn;
        self
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

    fn session_b(&self) -> Result<&Session, Fail> {
        self.b.as_ref().ok_or_else(|| Reply::Failed("no case is set up (reset first)".into()))
    }

    fn server_id(&self, case: Id8) -> Id8 {
        self.ids.server(case).unwrap_or(case)
    }

    fn execute(&mut self, hex: &str, max_output: u64) -> Result<Value, Fail> {
        let input = crate::hex::parse(hex).map_err(|e| Reply::Failed(format!("hex: {}", e.message)))?;
        let a = self.a.as_ref().ok_or_else(|| Reply::Failed("execute before reset".into()))?;
        if let Some(why) = self.names_other_ids(&input) {
            return Err(Reply::Unimplemented(why));
        }
        self.sent.extend_from_slice(&input);
        let input = self.ids.to_server_bytes(&input);
        Ok(protocol::ok_value(&match self.execute_raw(a, &input, max_output)? {
            Ok(out) => ExecuteOk::Hex { hex: crate::hex::encode(&pending_session_as_case(&self.to_case_both(&out))) },
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
