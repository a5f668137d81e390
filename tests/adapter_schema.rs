//! `docs/adapter.schema.json` against what is really said on the pipes:
//!
//! - a conversation with `oxcnotif adapter` that uses every op, plus the
//!   error cases (a line that is not JSON, an unknown op, a request without
//!   id, a decode that fails to frame, an encode that is refused, execute
//!   and event before reset): every request the harness could send and
//!   every reply line validate, and each reply says what it should;
//! - every request and reply of a whole-suite `oxcnotif run` whose target is
//!   `oxcnotif adapter` (the harness's own traffic, taken from
//!   results.json) validate, each against its op's definitions;
//! - decoded values validate against `spec-cases/schema/value.schema.json`;
//! - the schema rejects wrong requests and replies (a reply with no id, …),
//!   so this test can fail.

use jsonschema::{Retrieve, Uri, Validator, ValidatorMap};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Resolves the schema's `$id` base (`https://oxcnotif.invalid/…`) to the
/// files of this repository, so `../spec-cases/schema/…` refs work offline.
struct LocalFiles;

impl Retrieve for LocalFiles {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri
            .as_str()
            .strip_prefix("https://oxcnotif.invalid/")
            .ok_or_else(|| format!("{} is not a file of this repository", uri.as_str()))?;
        let text = std::fs::read_to_string(root().join(path))?;
        Ok(serde_json::from_str(&text)?)
    }
}

struct Schemas {
    adapter: ValidatorMap,
    values: ValidatorMap,
}

impl Schemas {
    fn load() -> Self {
        let adapter = jsonschema::options()
            .with_retriever(LocalFiles)
            .build_map(&read_json(&root().join("docs/adapter.schema.json")))
            .unwrap_or_else(|e| panic!("docs/adapter.schema.json does not compile: {e}"));
        let values = jsonschema::validator_map_for(&read_json(&root().join("spec-cases/schema/value.schema.json")))
            .expect("value.schema.json compiles");
        Schemas { adapter, values }
    }

    fn def(&self, name: &str) -> &Validator {
        let ptr = format!("#/$defs/{name}");
        self.adapter.get(&ptr).unwrap_or_else(|| panic!("adapter.schema.json has no {ptr}"))
    }

    /// The errors of `instance` against `#/$defs/<name>`, one line each.
    fn errors(&self, name: &str, instance: &Value) -> Vec<String> {
        errors(self.def(name), instance)
    }

    /// Checks a request the harness sends: against Request and its op's definition.
    fn check_request(&self, req: &Value, failures: &mut Vec<String>) {
        let op = req["op"].as_str().unwrap_or("?");
        for name in ["Request".to_string(), format!("{}Request", def_prefix(op))] {
            let errs = self.errors(&name, req);
            if !errs.is_empty() {
                failures.push(format!("request {req} breaks {name}:\n{}", errs.join("\n")));
            }
        }
    }

    /// Checks a reply to a request of `op` (`None`: the request was not one),
    /// and a decoded value against value.schema.json.
    fn check_reply(&self, op: Option<&str>, structure: Option<&str>, reply: &Value, failures: &mut Vec<String>) {
        let mut names = vec!["Reply".to_string()];
        if let Some(op) = op {
            names.push(format!("{}Reply", def_prefix(op)));
        }
        for name in names {
            let errs = self.errors(&name, reply);
            if !errs.is_empty() {
                failures.push(format!("reply {reply} breaks {name}:\n{}", errs.join("\n")));
            }
        }
        if let (Some("decode"), Some(s), Some(value)) = (op, structure, reply.pointer("/ok/value")) {
            let ptr = format!("#/$defs/{}", value_def(s));
            let v = self.values.get(&ptr).unwrap_or_else(|| panic!("value.schema.json has no {ptr}"));
            let errs = errors(v, value);
            if !errs.is_empty() {
                failures.push(format!("decoded {s} value {value} breaks value.schema.json:\n{}", errs.join("\n")));
            }
        }
    }
}

fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("  at {:?}: {e}", e.instance_path().to_string())).collect()
}

/// `check_trace` → `CheckTrace`, `decode` → `Decode`.
fn def_prefix(op: &str) -> String {
    op.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The `$defs` name of a structure's value form in value.schema.json.
fn value_def(structure: &str) -> &'static str {
    match structure {
        "rop-input-buffer" => "RopInputBuffer",
        "rop-output-buffer" => "RopOutputBuffer",
        "register-notification-request" => "RopRegisterNotificationRequest",
        "register-notification-response" => "RopRegisterNotificationResponse",
        "release-request" => "RopReleaseRequest",
        "notify-response" => "RopNotifyResponse",
        "notification-data" => "NotificationData",
        "pending-response" => "RopPendingResponse",
        "buffer-too-small-response" => "RopBufferTooSmallResponse",
        "get-hierarchy-table-request" => "RopGetHierarchyTableRequest",
        "get-hierarchy-table-response" => "RopGetHierarchyTableResponse",
        "get-contents-table-request" => "RopGetContentsTableRequest",
        "get-contents-table-response" => "RopGetContentsTableResponse",
        "get-attachment-table-request" => "RopGetAttachmentTableRequest",
        "get-attachment-table-response" => "RopGetAttachmentTableResponse",
        "get-permissions-table-request" => "RopGetPermissionsTableRequest",
        "get-permissions-table-response" => "RopGetPermissionsTableResponse",
        "get-rules-table-request" => "RopGetRulesTableRequest",
        "get-rules-table-response" => "RopGetRulesTableResponse",
        "set-columns-request" => "RopSetColumnsRequest",
        "set-columns-response" => "RopSetColumnsResponse",
        "reset-table-request" => "RopResetTableRequest",
        "reset-table-response" => "RopResetTableResponse",
        "restrict-request" => "RopRestrictRequest",
        "restrict-response" => "RopRestrictResponse",
        "query-position-request" => "RopQueryPositionRequest",
        "query-position-response" => "RopQueryPositionResponse",
        "seek-row-request" => "RopSeekRowRequest",
        "seek-row-response" => "RopSeekRowResponse",
        "seek-row-bookmark-request" => "RopSeekRowBookmarkRequest",
        "seek-row-bookmark-response" => "RopSeekRowBookmarkResponse",
        "seek-row-fractional-request" => "RopSeekRowFractionalRequest",
        "seek-row-fractional-response" => "RopSeekRowFractionalResponse",
        "create-bookmark-request" => "RopCreateBookmarkRequest",
        "create-bookmark-response" => "RopCreateBookmarkResponse",
        "query-columns-all-request" => "RopQueryColumnsAllRequest",
        "query-columns-all-response" => "RopQueryColumnsAllResponse",
        "collapse-row-request" => "RopCollapseRowRequest",
        "collapse-row-response" => "RopCollapseRowResponse",
        "tagged-property-value" => "TaggedPropertyValue",
        "query-rows-request" => "RopQueryRowsRequest",
        "query-rows-response" => "RopQueryRowsResponse",
        "find-row-request" => "RopFindRowRequest",
        "find-row-response" => "RopFindRowResponse",
        "expand-row-request" => "RopExpandRowRequest",
        "expand-row-response" => "RopExpandRowResponse",
        "create-message-request" => "RopCreateMessageRequest",
        "create-message-response" => "RopCreateMessageResponse",
        "save-changes-message-request" => "RopSaveChangesMessageRequest",
        "save-changes-message-response" => "RopSaveChangesMessageResponse",
        "delete-folder-request" => "RopDeleteFolderRequest",
        "delete-folder-response" => "RopDeleteFolderResponse",
        "delete-messages-request" => "RopDeleteMessagesRequest",
        "delete-messages-response" => "RopDeleteMessagesResponse",
        "set-search-criteria-request" => "RopSetSearchCriteriaRequest",
        "set-search-criteria-response" => "RopSetSearchCriteriaResponse",
        "transport-new-mail-request" => "RopTransportNewMailRequest",
        "transport-new-mail-response" => "RopTransportNewMailResponse",
        "hard-delete-messages-request" => "RopHardDeleteMessagesRequest",
        "hard-delete-messages-response" => "RopHardDeleteMessagesResponse",
        "hard-delete-messages-and-subfolders-request" => "RopHardDeleteMessagesAndSubfoldersRequest",
        "hard-delete-messages-and-subfolders-response" => "RopHardDeleteMessagesAndSubfoldersResponse",
        "set-properties-request" => "RopSetPropertiesRequest",
        "set-properties-response" => "RopSetPropertiesResponse",
        "move-copy-messages-request" => "RopMoveCopyMessagesRequest",
        "move-copy-messages-response" => "RopMoveCopyMessagesResponse",
        "move-folder-request" => "RopMoveFolderRequest",
        "move-folder-response" => "RopMoveFolderResponse",
        "copy-folder-request" => "RopCopyFolderRequest",
        "copy-folder-response" => "RopCopyFolderResponse",
        "logon-request" => "RopLogonRequest",
        "logon-response" => "RopLogonResponse",
        "open-folder-request" => "RopOpenFolderRequest",
        "open-folder-response" => "RopOpenFolderResponse",
        "open-message-request" => "RopOpenMessageRequest",
        "open-message-response" => "RopOpenMessageResponse",
        "create-folder-request" => "RopCreateFolderRequest",
        "create-folder-response" => "RopCreateFolderResponse",
        "rpc-header-ext" => "RpcHeaderExt",
        "extended-buffer-in" | "extended-buffer-out" => "ExtendedBuffer",
        "execute-request-body" => "ExecuteRequest",
        "execute-response-body" => "ExecuteResponse",
        "failure-response-body" => "FailureResponse",
        "notification-wait-request-body" => "NotificationWaitRequest",
        "notification-wait-response-body" => "NotificationWaitResponse",
        "disconnect-request-body" => "DisconnectRequest",
        "disconnect-response-body" => "DisconnectResponse",
        "connect-request-body" => "ConnectRequest",
        "connect-response-body" => "ConnectResponse",
        "aux-buffer" => "AuxBuffer",
        "inner-stream" => "InnerStream",
        other => panic!("no structure {other:?}"),
    }
}

/// `oxcnotif adapter`, talked to one line at a time.
struct Adapter {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Adapter {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
            .arg("adapter")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("oxcnotif adapter starts");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Adapter { child, stdin, stdout }
    }

    /// Writes one line and reads the one reply line.
    fn say(&mut self, line: &str) -> Value {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{line}\n").as_bytes()).expect("write");
        stdin.flush().expect("flush");
        let mut reply = String::new();
        self.stdout.read_line(&mut reply).expect("read");
        assert!(reply.ends_with('\n'), "no whole reply line to {line}: {reply:?}");
        serde_json::from_str(&reply).unwrap_or_else(|e| panic!("the reply to {line} is not JSON ({e}): {reply}"))
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        self.stdin = None; // end of input: the adapter exits
        let _ = self.child.wait();
    }
}

/// What a reply must be.
enum Want {
    /// `ok`, with these JSON pointers into the reply holding these values.
    Ok(Vec<(&'static str, Value)>),
    /// `unimplemented`.
    Unimplemented,
    /// `error`, with this id (`null` when the request had none).
    Error(Value),
}

/// One exchange of the conversation: the line sent, whether it is a
/// request the harness could send (then it must validate), and the reply
/// wanted.
struct Exchange {
    line: String,
    valid: bool,
    want: Want,
}

fn ex(request: Value, want: Want) -> Exchange {
    Exchange { line: request.to_string(), valid: true, want }
}

fn bad(line: &str, want: Want) -> Exchange {
    Exchange { line: line.to_string(), valid: false, want }
}

const ROOT: &str = "0100000000000001";
const INBOX: &str = "0100000000000a01";
const MAIL: &str = "0100000000000b01";

/// Runs `exchanges` through the adapter, checks every line, and returns
/// the replies.
fn converse(s: &Schemas, a: &mut Adapter, exchanges: Vec<Exchange>, failures: &mut Vec<String>) -> Vec<Value> {
    let mut replies = Vec::new();
    for e in exchanges {
        let reply = a.say(&e.line);
        let request: Option<Value> = serde_json::from_str(&e.line).ok();
        let op = request.as_ref().and_then(|r| r["op"].as_str().map(str::to_string));
        let structure = request.as_ref().and_then(|r| r["structure"].as_str().map(str::to_string));
        match (&request, e.valid) {
            (Some(r), true) => s.check_request(r, failures),
            (Some(r), false) => {
                if s.def("Request").is_valid(r) {
                    failures.push(format!("Request accepts the invalid request {r}"));
                }
            }
            (None, true) => failures.push(format!("{} is meant to be a request, but is not JSON", e.line)),
            (None, false) => {}
        }
        s.check_reply(if e.valid { op.as_deref() } else { None }, structure.as_deref(), &reply, failures);
        let id = request.as_ref().and_then(|r| r.get("id").cloned()).unwrap_or(Value::Null);
        match &e.want {
            Want::Ok(checks) => {
                if reply["id"] != id || reply.get("ok").is_none() {
                    failures.push(format!("{}: expected ok with id {id}, got {reply}", e.line));
                }
                for (ptr, v) in checks {
                    if reply.pointer(ptr) != Some(v) {
                        failures.push(format!("{}: expected {ptr} = {v}, got {reply}", e.line));
                    }
                }
            }
            Want::Unimplemented => {
                if reply["id"] != id || !reply["unimplemented"].is_string() {
                    failures.push(format!("{}: expected unimplemented with id {id}, got {reply}", e.line));
                }
            }
            Want::Error(want_id) => {
                if &reply["id"] != want_id || !reply["error"].is_string() {
                    failures.push(format!("{}: expected an error reply with id {want_id}, got {reply}", e.line));
                }
            }
        }
        replies.push(reply);
    }
    replies
}

#[test]
fn every_op_and_error_reply_validates() {
    let s = Schemas::load();
    let mut a = Adapter::start();
    let mut failures = Vec::new();
    let request_value = json!({"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                               "NotificationTypes": 2, "WantWholeStore": 1});
    let setup = json!({"logons": [0], "folders": [{"Id": ROOT}, {"Id": INBOX, "Parent": ROOT, "Search": false}],
                       "messages": [{"Id": MAIL, "Folder": INBOX}]});
    // The codec role, the server role's misuse, and lines that are not requests.
    let first = vec![
        ex(
            json!({"id": 1, "op": "hello", "harness": "adapter_schema test", "protocol": 1}),
            Want::Ok(vec![("/ok/protocol", json!(1))]),
        ),
        ex(
            json!({"id": 2, "op": "decode", "structure": "register-notification-request", "layout": "spec", "hex": "29 00 00 01 02 00 01"}),
            Want::Ok(vec![("/ok/value/NotificationTypes", json!(2)), ("/ok/findings", json!([]))]),
        ),
        ex(
            json!({"id": 3, "op": "decode", "structure": "register-notification-request", "layout": "legacy", "hex": "29000001100201"}),
            Want::Ok(vec![("/ok/value/Reserved", json!(2)), ("/ok/findings/0/requirement", json!("MS-OXCNOTIF_R50"))]),
        ),
        ex(
            json!({"id": 4, "op": "decode", "structure": "register-notification-request", "layout": "spec", "hex": "29000001"}),
            Want::Ok(vec![
                ("/ok/error/kind", json!("Truncated")),
                ("/ok/error/field", json!("NotificationTypes")),
                ("/ok/error/offset", json!(4)),
            ]),
        ),
        ex(
            json!({"id": 5, "op": "decode", "structure": "notification-data", "layout": "spec", "hex": "0440 0100000000000001 0000"}),
            Want::Ok(vec![("/ok/findings/0/requirement", json!("MS-OXCNOTIF_R120"))]),
        ),
        ex(
            json!({"id": 6, "op": "decode", "structure": "rop-input-buffer", "layout": "spec", "hex": "0800010000010001 6f0000"}),
            Want::Ok(vec![("/ok/error/kind", json!("PartialHandle"))]),
        ),
        ex(
            json!({"id": 7, "op": "encode", "structure": "register-notification-request", "layout": "spec", "value": request_value}),
            Want::Ok(vec![("/ok/hex", json!("29000001020001"))]),
        ),
        ex(
            json!({"id": 8, "op": "encode", "structure": "register-notification-request", "layout": "spec",
                   "value": {"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
                             "NotificationTypes": 2, "Reserved": 0, "WantWholeStore": 1}}),
            Want::Ok(vec![("/ok/refused/field", json!("Reserved"))]),
        ),
        ex(json!({"id": 9, "op": "execute", "hex": "0200", "max_output": 100}), Want::Error(json!(9))),
        ex(
            json!({"id": 10, "op": "event", "event": {"Type": "NewMail", "Folder": INBOX, "Message": MAIL}}),
            Want::Error(json!(10)),
        ),
        bad("{this is not JSON", Want::Error(Value::Null)),
        bad(r#"{"id": 11, "op": "frobnicate"}"#, Want::Unimplemented),
        bad(r#"{"op": "hello"}"#, Want::Error(Value::Null)),
        bad(
            r#"{"id": 12, "op": "decode", "structure": "rop-buffer", "layout": "spec", "hex": "00"}"#,
            Want::Error(json!(12)),
        ),
        bad(
            r#"{"id": 13, "op": "decode", "structure": "pending-response", "layout": "spec", "hex": "6e0"}"#,
            Want::Error(json!(13)),
        ),
        bad(
            r#"{"id": 14, "op": "decode", "structure": "pending-response", "layout": "old", "hex": "6e0100"}"#,
            Want::Error(json!(14)),
        ),
        ex(json!({"id": 15, "op": "reset", "profile": "spec", "layout": "spec", "setup": setup}), Want::Ok(vec![])),
    ];
    let replies = converse(&s, &mut a, first, &mut failures);
    let logon = replies.last().and_then(|r| r.pointer("/ok/logons/0")).cloned().expect("reset gives logon 0's handle");
    // The server role: register for NewMail on the whole store, let mail
    // arrive, poll, and send a buffer that does not parse.
    let input = json!({"RopsList": [request_value], "ServerObjectHandleTable": [logon, 0xFFFF_FFFFu32]});
    let replies = converse(
        &s,
        &mut a,
        vec![ex(
            json!({"id": 16, "op": "encode", "structure": "rop-input-buffer", "layout": "spec", "value": input}),
            Want::Ok(vec![]),
        )],
        &mut failures,
    );
    let input_hex =
        replies[0].pointer("/ok/hex").and_then(Value::as_str).expect("the input buffer encodes").to_string();
    let replies = converse(
        &s,
        &mut a,
        vec![
            ex(json!({"id": 17, "op": "execute", "hex": input_hex, "max_output": 0x8000}), Want::Ok(vec![])),
            ex(
                json!({"id": 18, "op": "event", "event": {"Type": "NewMail", "Folder": INBOX, "Message": MAIL}}),
                Want::Ok(vec![]),
            ),
            ex(json!({"id": 19, "op": "execute", "hex": "0200", "max_output": 0x8000}), Want::Ok(vec![])),
            ex(
                json!({"id": 20, "op": "execute", "hex": "0300", "max_output": 0x8000}),
                Want::Ok(vec![("/ok/failed/code", json!(0x0000_04B6))]),
            ),
            ex(
                json!({"id": 21, "op": "check_trace", "layout": "legacy", "preexisting_handles": [0x6F],
                       "steps": [{"input": "0500010000 6f000000"}, {"output": "0200"}]}),
                Want::Ok(vec![("/ok/findings", json!([]))]),
            ),
            ex(
                json!({"id": 22, "op": "check_trace", "layout": "spec", "preexisting_handles": [],
                       "steps": [{"input": "0500010000ffffffff"}, {"output": "0200"}]}),
                Want::Ok(vec![]),
            ),
            ex(
                json!({"id": 23, "op": "check_trace", "layout": "spec", "preexisting_handles": [], "steps": [{"input": "05"}]}),
                Want::Ok(vec![("/ok/error/step", json!(0))]),
            ),
        ],
        &mut failures,
    );
    // The poll's output carries RopNotify: decode it through the adapter too.
    let output = replies[2].pointer("/ok/hex").and_then(Value::as_str).expect("the poll answers").to_string();
    let replies = converse(
        &s,
        &mut a,
        vec![ex(
            json!({"id": 24, "op": "decode", "structure": "rop-output-buffer", "layout": "spec", "hex": output}),
            Want::Ok(vec![("/ok/value/RopsList/0/RopId", json!(0x2A))]),
        )],
        &mut failures,
    );
    assert!(replies[0]["ok"].is_object());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every request the harness sent in a whole-suite run against `oxcnotif
/// adapter`, and every reply, validate against their op's definitions.
#[test]
fn harness_traffic_validates() {
    let s = Schemas::load();
    let out = std::env::temp_dir().join(format!("oxcnotif-adapter-schema-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    let run = Command::new(bin)
        .current_dir(root())
        .args(["run", "--target", &format!("'{bin}' adapter"), "--suite", "spec-cases", "--out"])
        .arg(&out)
        .output()
        .expect("oxcnotif run starts");
    let results_path: PathBuf = out.join("results.json");
    assert!(
        results_path.exists(),
        "no results.json; oxcnotif run said:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let results = read_json(&results_path);
    let _ = std::fs::remove_dir_all(&out);
    let mut failures = Vec::new();
    // hello is not in the results: check the harness's own.
    let mut hello = oxcnotif::target::request::hello().to_value();
    hello["id"] = json!(1);
    s.check_request(&hello, &mut failures);
    let mut ops: std::collections::BTreeMap<String, usize> = Default::default();
    let mut id = 1u64;
    for case in results["cases"].as_array().expect("cases") {
        for e in case["exchanges"].as_array().into_iter().flatten() {
            id += 1;
            let mut request = e["request"].clone();
            request["id"] = json!(id);
            let op = request["op"].as_str().unwrap_or("?").to_string();
            s.check_request(&request, &mut failures);
            let mut reply = e["reply"].clone();
            if reply.get("broken").is_some() {
                failures.push(format!("{}: the adapter's reply to {request} was broken: {reply}", case["id"]));
                continue;
            }
            reply["id"] = json!(id);
            s.check_reply(Some(&op), request["structure"].as_str(), &reply, &mut failures);
            *ops.entry(op).or_default() += 1;
        }
        if case["verdict"] == "ERROR" {
            failures.push(format!("{} is ERROR against oxcnotif adapter: {}", case["id"], case["note"]));
        }
    }
    for op in ["decode", "encode", "reset", "execute", "event", "check_trace"] {
        assert!(ops.get(op).copied().unwrap_or(0) > 0, "the run sent no {op}: {ops:?}");
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    eprintln!("validated requests and replies by op: {ops:?}");
}

/// The schema can fail: wrong requests and replies are rejected.
#[test]
fn schema_rejects_wrong_lines() {
    let s = Schemas::load();
    let good_reply = json!({"id": 7, "ok": {"value": {"RopId": 110, "SessionIndex": 1}, "findings": []}});
    assert!(s.errors("DecodeReply", &good_reply).is_empty(), "{:?}", s.errors("DecodeReply", &good_reply));
    let bad_replies = [
        ("Reply", "a reply without id", json!({"ok": {}})),
        ("Reply", "a text id", json!({"id": "7", "ok": {}})),
        ("Reply", "a negative id", json!({"id": -1, "ok": {}})),
        ("Reply", "ok and error together", json!({"id": 7, "ok": {}, "error": "x"})),
        ("Reply", "none of ok, unimplemented, error", json!({"id": 7})),
        ("Reply", "ok that is not an object", json!({"id": 7, "ok": "done"})),
        ("Reply", "an error that is not text", json!({"id": 7, "error": {"message": "x"}})),
        ("Reply", "a null id on an ok reply", json!({"id": null, "ok": {}})),
        ("Reply", "an unknown top-level key", json!({"id": 7, "ok": {}, "warning": "x"})),
        ("HelloReply", "hello without name", json!({"id": 1, "ok": {"version": "1"}})),
        ("HelloReply", "hello with protocol 2", json!({"id": 1, "ok": {"name": "x", "protocol": 2}})),
        (
            "HelloReply",
            "hello listing an unknown op",
            json!({"id": 1, "ok": {"name": "x", "operations": ["decode", "fuzz"]}}),
        ),
        (
            "DecodeReply",
            "value and error together",
            json!({"id": 7, "ok": {"value": {}, "error": {"kind": "Truncated"}}}),
        ),
        ("DecodeReply", "an unknown error kind", json!({"id": 7, "ok": {"error": {"kind": "TooShort"}}})),
        (
            "DecodeReply",
            "a finding without requirement",
            json!({"id": 7, "ok": {"value": {}, "findings": [{"field": "Reserved"}]}}),
        ),
        ("DecodeReply", "findings misspelled", json!({"id": 7, "ok": {"value": {}, "finding": []}})),
        ("EncodeReply", "hex with an odd digit", json!({"id": 7, "ok": {"hex": "290"}})),
        (
            "EncodeReply",
            "hex and refused together",
            json!({"id": 7, "ok": {"hex": "29", "refused": {"field": "RopId"}}}),
        ),
        ("ExecuteReply", "failed without code", json!({"id": 7, "ok": {"failed": {"message": "x"}}})),
        ("EventReply", "an event reply with content", json!({"id": 7, "ok": {"done": true}})),
        ("ResetReply", "a logon handle as text", json!({"id": 7, "ok": {"logons": {"0": "0x100"}}})),
        (
            "CheckTraceReply",
            "a trace finding without step",
            json!({"id": 7, "ok": {"findings": [{"requirement": "MS-OXCNOTIF_R409"}]}}),
        ),
    ];
    let bad_requests = [
        ("a request without id", json!({"op": "hello"})),
        ("an unknown op", json!({"id": 1, "op": "frobnicate"})),
        ("decode without hex", json!({"id": 1, "op": "decode", "structure": "pending-response", "layout": "spec"})),
        (
            "decode of an unknown structure",
            json!({"id": 1, "op": "decode", "structure": "rop-buffer", "layout": "spec", "hex": ""}),
        ),
        (
            "an unknown layout",
            json!({"id": 1, "op": "decode", "structure": "pending-response", "layout": "old", "hex": ""}),
        ),
        ("execute with a negative max_output", json!({"id": 1, "op": "execute", "hex": "0200", "max_output": -1})),
        (
            "reset with an unknown profile",
            json!({"id": 1, "op": "reset", "profile": "exchange-2003", "layout": "spec", "setup": {}}),
        ),
        (
            "an event of an unknown type",
            json!({"id": 1, "op": "event", "event": {"Type": "MailArrived", "Folder": INBOX}}),
        ),
        (
            "a trace step with input and output",
            json!({"id": 1, "op": "check_trace", "layout": "spec", "preexisting_handles": [], "steps": [{"input": "0200", "output": "0200"}]}),
        ),
    ];
    let mut accepted = Vec::new();
    for (def, what, reply) in &bad_replies {
        if s.errors(def, reply).is_empty() {
            accepted.push(format!("{def} accepts {what}: {reply}"));
        }
    }
    for (what, request) in &bad_requests {
        if s.errors("Request", request).is_empty() {
            accepted.push(format!("Request accepts {what}: {request}"));
        }
    }
    assert!(accepted.is_empty(), "{}", accepted.join("\n"));
}

/// The property names of a schema object definition (or of each of its
/// `oneOf` branches), without `id`.
fn property_sets(schema: &Value) -> Vec<std::collections::BTreeSet<String>> {
    let one = |v: &Value| -> std::collections::BTreeSet<String> {
        v["properties"].as_object().map(|o| o.keys().filter(|k| *k != "id").cloned().collect()).unwrap_or_default()
    };
    match schema["oneOf"].as_array() {
        Some(branches) => branches.iter().map(one).collect(),
        None => vec![one(schema)],
    }
}

/// The Rust protocol types (`oxcnotif::target::protocol`) and the schema
/// say the same: the same operations, every request and `ok` the types can
/// produce validates, and each request and `ok` has exactly the schema's
/// fields (the types were built with every optional field set).
#[test]
fn protocol_types_and_schema_agree() {
    use oxcnotif::target::protocol::*;
    let s = Schemas::load();
    let doc = read_json(&root().join("docs/adapter.schema.json"));
    let defs = &doc["$defs"];
    let ops: Vec<&str> =
        defs["Op"]["enum"].as_array().expect("Op is an enum").iter().filter_map(Value::as_str).collect();
    assert_eq!(ops, OPERATIONS, "the schema's Op and OPERATIONS differ");
    let value = json!({"RopId": 110, "SessionIndex": 1});
    let requests = [
        Request::Hello { harness: Some("oxcnotif test".into()), protocol: Some(PROTOCOL) },
        Request::Decode { structure: "pending-response".into(), layout: "spec".into(), hex: "6e0001".into() },
        Request::Encode { structure: "pending-response".into(), layout: "legacy".into(), value: value.clone() },
        Request::Reset { profile: "exchange-2010".into(), layout: "spec".into(), setup: json!({"logons": [0]}) },
        Request::Execute { hex: "0200".into(), max_output: 0x8000 },
        Request::Event {
            event: json!({"Type": "NewMail", "Folder": "0100000000000a01", "Message": "0100000000000b01"}),
        },
        Request::CheckTrace {
            layout: "spec".into(),
            preexisting_handles: vec![1],
            steps: vec![TraceStep { input: Some("0200".into()), output: None }],
        },
    ];
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let mut v = r.to_value();
        seen.push(r.op());
        let keys: std::collections::BTreeSet<String> = v.as_object().unwrap().keys().cloned().collect();
        let name = format!("{}Request", def_prefix(r.op()));
        let want = &property_sets(&defs[&name])[0];
        assert_eq!(&keys, want, "{name}: the Rust type's fields and the schema's properties differ");
        v["id"] = json!(i + 1);
        s.check_request(&v, &mut failures);
        assert_eq!(Request::from_value(&v).unwrap().as_ref(), Some(r), "{name} does not read back");
    }
    assert_eq!(seen, OPERATIONS, "one request of every operation, in order");
    let finding = Finding {
        requirement: "MS-OXCNOTIF_R50".into(),
        level: Some("MUST".into()),
        field: Some("Reserved".into()),
        offset: Some(5),
        message: Some("Reserved is 0x01".into()),
    };
    let oks: Vec<(&str, Value)> = vec![
        (
            "Hello",
            ok_value(&HelloOk {
                name: "x".into(),
                version: "1".into(),
                protocol: Some(PROTOCOL),
                operations: vec!["decode".into()],
                structures: vec!["pending-response".into()],
            }),
        ),
        ("Decode", ok_value(&DecodeOk::Value { value: value.clone(), findings: Some(vec![finding.clone()]) })),
        (
            "Decode",
            ok_value(&DecodeOk::Error {
                error: DecodeError {
                    kind: Some("Truncated".into()),
                    field: Some("SessionIndex".into()),
                    offset: Some(1),
                    message: Some("short".into()),
                },
            }),
        ),
        ("Encode", ok_value(&EncodeOk::Hex { hex: "6e0001".into() })),
        (
            "Encode",
            ok_value(&EncodeOk::Refused {
                refused: Refused { field: Some("RopId".into()), message: Some("not 0x6E".into()) },
            }),
        ),
        (
            "Reset",
            ok_value(&ResetOk {
                logons: [("0".to_string(), 1u32)].into(),
                handles: [("$inbox".to_string(), 2u32)].into(),
            }),
        ),
        ("Execute", ok_value(&ExecuteOk::Hex { hex: "0200".into() })),
        (
            "Execute",
            ok_value(&ExecuteOk::Failed { failed: CallFailed { code: 0x4B6, message: Some("ecRpcFormat".into()) } }),
        ),
        (
            "Event",
            ok_value(&EventOk {
                side_effects: vec!["0100000000000a01".into()],
                created: vec![CreatedMessage { folder: "0100000000000a01".into(), message: "0100000000000b05".into() }],
            }),
        ),
        (
            "CheckTrace",
            ok_value(&CheckTraceOk::Findings {
                findings: vec![TraceFinding {
                    requirement: finding.requirement.clone(),
                    level: finding.level.clone(),
                    field: finding.field.clone(),
                    offset: finding.offset,
                    message: finding.message.clone(),
                    step: 0,
                }],
            }),
        ),
        ("CheckTrace", ok_value(&CheckTraceOk::Error { error: TraceError { step: 1, message: "x".into() } })),
    ];
    for (prefix, ok) in &oks {
        let name = format!("{prefix}Ok");
        let keys: std::collections::BTreeSet<String> = ok.as_object().unwrap().keys().cloned().collect();
        let sets = property_sets(&defs[&name]);
        assert!(sets.contains(&keys), "{name}: {keys:?} is none of the schema's property sets {sets:?}");
        let errs = s.errors(&name, ok);
        if !errs.is_empty() {
            failures.push(format!("{name} {ok} breaks the schema:\n{}", errs.join("\n")));
        }
    }
    for name in ["Finding", "DecodeError"] {
        let v = if name == "Finding" { ok_value(&finding) } else { oks[2].1["error"].clone() };
        let keys: std::collections::BTreeSet<String> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, property_sets(&defs[name])[0], "{name}: fields and schema properties differ");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
