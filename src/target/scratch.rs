//! The scratch folders that live-server runs have made and not yet
//! deleted, kept where an interrupt handler can reach them.
//!
//! [`super::wire_server::WireServer`] deletes each case's scratch folder at
//! the next case, at the end of the run and when it is dropped, so a first
//! Ctrl-C (the run stops after the current case) cleans up by itself. A
//! second Ctrl-C ends the process at once; before it does, the handler
//! calls [`delete_all`], which deletes every folder still registered
//! through a Session Context of its own (Connect, RopLogon, the deletion
//! ROPs, Disconnect; MS-OXCMAPIHTTP 2.2.4.1, 2.2.4.3) and says what it
//! could not delete. SIGKILL leaves no chance: what a killed run made
//! stays, named `oxcnotif scratch …` under the Inbox (docs/live.md).

use super::mapi_http::{guid, Client, Endpoint};
use super::wire_server::{logon_rop, scratch_deleted, scratch_deletion};
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use crate::wire::transport::extended_buffer::Transform;
use crate::wire::{Id8, Layout, WireStructure};
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::Duration;

/// A scratch folder a run made and has not deleted.
pub struct Live {
    /// Where, and as whom.
    pub endpoint: Endpoint,
    /// The UserDn of Connect.
    pub user_dn: String,
    /// The Essdn of RopLogon.
    pub essdn: String,
    /// The Inbox's FolderId, the scratch folder's parent.
    pub inbox: Id8,
    /// The scratch folder's FolderId.
    pub folder: Id8,
    /// Its display name.
    pub name: String,
}

static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());

/// Records a scratch folder as made and not yet deleted.
pub fn register(live: Live) {
    if let Ok(mut v) = LIVE.lock() {
        v.push(live);
    }
}

/// The folder is deleted (or reported as a leftover by its owner).
pub fn unregister(folder: Id8) {
    if let Ok(mut v) = LIVE.lock() {
        v.retain(|l| l.folder != folder);
    }
}

/// The names of the scratch folders registered now.
pub fn registered() -> Vec<String> {
    LIVE.lock().map(|v| v.iter().map(|l| l.name.clone()).collect()).unwrap_or_default()
}

/// Deletes every registered scratch folder, each within `timeout`, and
/// answers one sentence per folder: deleted, or why not.
pub fn delete_all(timeout: Duration) -> Vec<String> {
    // The handler may run while the owner holds the lock; take what is
    // there without waiting for it.
    let taken: Vec<Live> = match LIVE.try_lock() {
        Ok(mut v) => std::mem::take(&mut *v),
        Err(_) => return vec!["the scratch folder list was busy; nothing was deleted".into()],
    };
    if taken.is_empty() {
        return Vec::new();
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return vec![format!("no runtime to delete the scratch folders with: {e}")],
    };
    taken
        .iter()
        .map(|l| match rt.block_on(async { tokio::time::timeout(timeout, delete(l)).await }) {
            Ok(Ok(())) => format!("deleted the scratch folder {:?}", l.name),
            Ok(Err(e)) => {
                format!("the scratch folder {:?} ({}) under the Inbox was not deleted: {e}", l.name, l.folder)
            }
            Err(_) => format!(
                "the scratch folder {:?} ({}) under the Inbox was not deleted: no answer in {timeout:?}",
                l.name, l.folder
            ),
        })
        .collect()
}

async fn delete(l: &Live) -> Result<(), String> {
    let client = Client::new(l.endpoint.clone(), format!("{{{}}}:1", guid()));
    let (_, connected) = client.connect(&l.user_dn, Vec::new()).await.map_err(|e| format!("Connect: {e}"))?;
    connected.map_err(|e| format!("Connect: {e}"))?;
    let mut rops = vec![logon_rop(&l.essdn, 0, 0)];
    rops.extend(scratch_deletion(l.inbox, l.folder));
    let input = json!({"RopsList": rops, "ServerObjectHandleTable": [0xFFFF_FFFFu32, 0xFFFF_FFFFu32, 0xFFFF_FFFFu32]});
    let bytes = RopInputBuffer::from_value(&input, Layout::Spec)
        .and_then(|b| crate::wire::encode(&b, Layout::Spec))
        .map_err(|e| e.to_string())?;
    let result = async {
        let (_, out) = client.execute(&bytes, Transform::default(), 0x3, 0x8008).await.map_err(|e| e.0)?;
        let out = out.map_err(|e| format!("Execute: {e}"))?;
        let d = crate::wire::decode::<RopOutputBuffer>(&out, Layout::Spec).map_err(|e| e.to_string())?;
        let v = d.value.to_value(Layout::Spec);
        let list: Vec<Value> = v["RopsList"].as_array().cloned().unwrap_or_default();
        match list.first() {
            Some(r) if r["ReturnValue"].as_u64() == Some(0) => scratch_deleted(&list[1..]),
            _ => Err("RopLogon failed".into()),
        }
    }
    .await;
    let _ = client.disconnect().await;
    result
}
