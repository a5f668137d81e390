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
//! could not delete.
//!
//! SIGKILL leaves no chance to clean up, so each registered folder is also
//! written down in a journal, a file per folder in the state directory
//! ([`journal_dir`]), and its file is removed when the folder is deleted or
//! handed to a person (`--keep`). The next run against the same URL as the
//! same user deletes the folders whose run is no longer alive ([`sweep`]),
//! by the FolderId it recorded: only what a run of this harness created.
//! The journal holds no password.

use super::mapi_http::{guid, Client, Endpoint};
use super::wire_server::{logon_rop, scratch_deleted, scratch_deletion};
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use crate::wire::transport::extended_buffer::Transform;
use crate::wire::{Id8, Layout, WireStructure};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
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

/// Records a scratch folder as made and not yet deleted, here and in the
/// journal. A journal that cannot be written is said once, on standard
/// error: the run goes on, but a SIGKILL would leave the folder unfound.
pub fn register(live: Live) {
    if let Some(dir) = journal_dir() {
        if let Err(e) = write_entry(&dir, &live) {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!(
                    "warning: the scratch folder journal {} cannot be written ({e}): a run killed with SIGKILL \
                     would leave its scratch folder for a person to delete",
                    dir.display()
                )
            });
        }
    }
    if let Ok(mut v) = LIVE.lock() {
        v.push(live);
    }
}

/// The folder is deleted (or reported as a leftover by its owner, or kept).
pub fn unregister(folder: Id8) {
    if let Some(dir) = journal_dir() {
        let _ = std::fs::remove_file(entry_path(&dir, std::process::id(), folder));
    }
    if let Ok(mut v) = LIVE.lock() {
        v.retain(|l| l.folder != folder);
    }
}

/// Where the journal is: `$OXCNOTIF_STATE_DIR`, else
/// `$XDG_STATE_HOME/oxcnotif`, else `$HOME/.local/state/oxcnotif`; its
/// `scratch` directory. `None` when none of them is set.
pub fn journal_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = var("OXCNOTIF_STATE_DIR")
        .or_else(|| var("XDG_STATE_HOME").map(|d| d.join("oxcnotif")))
        .or_else(|| var("HOME").map(|d| d.join(".local/state/oxcnotif")))?;
    Some(base.join("scratch"))
}

/// The URL as the journal keeps it: scheme, host, port, path and query,
/// without any user name or password written into the URL itself.
fn url_key(url: &hyper::Uri) -> String {
    let port = url.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("{}://{}{port}{path}", url.scheme_str().unwrap_or("http"), url.host().unwrap_or_default())
}

fn entry_path(dir: &Path, pid: u32, folder: Id8) -> PathBuf {
    dir.join(format!("{pid}-{folder}.json"))
}

/// One journal entry: what deleting the folder again takes, but the
/// password, and the process that made it.
fn write_entry(dir: &Path, l: &Live) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let pid = std::process::id();
    let v = json!({
        "url": url_key(&l.endpoint.url),
        "user": l.endpoint.user,
        "user_dn": l.user_dn,
        "essdn": l.essdn,
        "inbox": l.inbox.to_string(),
        "folder": l.folder.to_string(),
        "name": l.name,
        "pid": pid,
    });
    // Whole or not at all: a reader never sees half an entry.
    let path = entry_path(dir, pid, l.folder);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&v).unwrap_or_default())?;
    std::fs::rename(&tmp, &path)
}

/// Whether process `pid` is running (on Unix, signal 0). Elsewhere every
/// process counts as running, so nothing is swept.
fn alive(pid: u32) -> bool {
    #[cfg(all(unix, feature = "harness"))]
    {
        use nix::errno::Errno;
        let Ok(raw) = i32::try_from(pid) else { return true };
        !matches!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None), Err(Errno::ESRCH))
    }
    #[cfg(not(all(unix, feature = "harness")))]
    {
        let _ = pid;
        true
    }
}

/// Deletes the scratch folders that runs no longer alive recorded in the
/// journal for this URL and user, through `endpoint` (this run's
/// credentials), each within `timeout`; one sentence per folder. A folder
/// that is gone already only loses its entry; one that cannot be deleted
/// keeps it, for the next run.
pub fn sweep(endpoint: &Endpoint, timeout: Duration) -> Vec<String> {
    let Some(dir) = journal_dir() else { return Vec::new() };
    let Ok(files) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> =
        files.flatten().map(|f| f.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    let url = url_key(&endpoint.url);
    let mut said = Vec::new();
    let mut rt = None;
    for path in paths {
        let Some(v) = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else {
            continue;
        };
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let id = |k: &str| {
            crate::hex::parse(v[k].as_str().unwrap_or_default()).ok().and_then(|b| b.try_into().ok()).map(Id8)
        };
        let pid = v["pid"].as_u64().and_then(|p| u32::try_from(p).ok());
        let (Some(pid), Some(inbox), Some(folder)) = (pid, id("inbox"), id("folder")) else { continue };
        if text("url") != url || text("user") != endpoint.user || pid == std::process::id() || alive(pid) {
            continue;
        }
        let l = Live {
            endpoint: endpoint.clone(),
            user_dn: text("user_dn"),
            essdn: text("essdn"),
            inbox,
            folder,
            name: text("name"),
        };
        let rt = match &rt {
            Some(rt) => rt,
            None => match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => rt.insert(r),
                Err(e) => return vec![format!("no runtime to delete the scratch folders of killed runs with: {e}")],
            },
        };
        let what = format!("the scratch folder {:?} ({}) that a run killed before it could clean up (process {pid}) left under the Inbox", l.name, l.folder);
        match rt.block_on(async { tokio::time::timeout(timeout, delete(&l)).await }) {
            Ok(Ok(())) => {
                let _ = std::fs::remove_file(&path);
                said.push(format!("deleted {what}"));
            }
            Ok(Err(e)) if e.starts_with("RopOpenFolder of the scratch folder: ReturnValue 0x8004010F") => {
                // ecNotFound: deleted by hand since.
                let _ = std::fs::remove_file(&path);
                said.push(format!("{what} is gone already"));
            }
            Ok(Err(e)) => {
                said.push(format!("{what} was not deleted: {e}; {} keeps it for the next run", path.display()))
            }
            Err(_) => said.push(format!(
                "{what} was not deleted: no answer in {timeout:?}; {} keeps it for the next run",
                path.display()
            )),
        }
    }
    said
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
            Ok(Ok(())) => {
                if let Some(dir) = journal_dir() {
                    let _ = std::fs::remove_file(entry_path(&dir, std::process::id(), l.folder));
                }
                format!("deleted the scratch folder {:?}", l.name)
            }
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
