//! The JSON Schemas under `spec-cases/schema/` against the case files and
//! the codec:
//!
//! - every case file (wire, sequence and trace) validates against
//!   `case-file.schema.json`, and the loader reads the same files;
//! - every value the decoder produces for a wire case, every `expect.value`
//!   written in a wire case file, and every `send` value of a sequence step
//!   (with its `$names` replaced by a handle) validates against
//!   `value.schema.json#/$defs/<Name>` for its structure;
//! - every presence combination of NotificationData and the
//!   RopRegisterNotification request that the encoder accepts validates
//!   (so the schema's presence rules are never stricter than the codec's);
//! - the schemas reject what they should (they can fail), and for sequence
//!   and trace files the loader rejects the same mutations.

use jsonschema::{Validator, ValidatorMap};
use oxcnotif::wire::notification_data::{presence, tags_present, Field, MessageClass, NotificationData};
use oxcnotif::wire::register_notification::RopRegisterNotificationRequest;
use oxcnotif::wire::{Id8, Layout, Structure, WireStructure};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn spec_cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases")
}

fn read_json(name: &str) -> Value {
    let p = spec_cases_dir().join("schema").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn case_file_validator() -> Validator {
    jsonschema::validator_for(&read_json("case-file.schema.json")).expect("case-file.schema.json compiles")
}

fn value_validators() -> ValidatorMap {
    jsonschema::validator_map_for(&read_json("value.schema.json")).expect("value.schema.json compiles")
}

/// The `$defs` name of a structure's value form.
fn def_name(s: Structure) -> &'static str {
    match s {
        Structure::RopInputBuffer => "RopInputBuffer",
        Structure::RopOutputBuffer => "RopOutputBuffer",
        Structure::RegisterNotificationRequest => "RopRegisterNotificationRequest",
        Structure::RegisterNotificationResponse => "RopRegisterNotificationResponse",
        Structure::ReleaseRequest => "RopReleaseRequest",
        Structure::NotifyResponse => "RopNotifyResponse",
        Structure::NotificationData => "NotificationData",
        Structure::PendingResponse => "RopPendingResponse",
        Structure::BufferTooSmallResponse => "RopBufferTooSmallResponse",
        Structure::GetHierarchyTableRequest => "RopGetHierarchyTableRequest",
        Structure::GetHierarchyTableResponse => "RopGetHierarchyTableResponse",
        Structure::GetContentsTableRequest => "RopGetContentsTableRequest",
        Structure::GetContentsTableResponse => "RopGetContentsTableResponse",
        Structure::GetAttachmentTableRequest => "RopGetAttachmentTableRequest",
        Structure::GetAttachmentTableResponse => "RopGetAttachmentTableResponse",
        Structure::GetPermissionsTableRequest => "RopGetPermissionsTableRequest",
        Structure::GetPermissionsTableResponse => "RopGetPermissionsTableResponse",
        Structure::GetRulesTableRequest => "RopGetRulesTableRequest",
        Structure::GetRulesTableResponse => "RopGetRulesTableResponse",
        Structure::SetColumnsRequest => "RopSetColumnsRequest",
        Structure::SetColumnsResponse => "RopSetColumnsResponse",
        Structure::ResetTableRequest => "RopResetTableRequest",
        Structure::ResetTableResponse => "RopResetTableResponse",
        Structure::RestrictRequest => "RopRestrictRequest",
        Structure::RestrictResponse => "RopRestrictResponse",
        Structure::QueryPositionRequest => "RopQueryPositionRequest",
        Structure::QueryPositionResponse => "RopQueryPositionResponse",
        Structure::SeekRowRequest => "RopSeekRowRequest",
        Structure::SeekRowResponse => "RopSeekRowResponse",
        Structure::SeekRowBookmarkRequest => "RopSeekRowBookmarkRequest",
        Structure::SeekRowBookmarkResponse => "RopSeekRowBookmarkResponse",
        Structure::SeekRowFractionalRequest => "RopSeekRowFractionalRequest",
        Structure::SeekRowFractionalResponse => "RopSeekRowFractionalResponse",
        Structure::CreateBookmarkRequest => "RopCreateBookmarkRequest",
        Structure::CreateBookmarkResponse => "RopCreateBookmarkResponse",
        Structure::QueryColumnsAllRequest => "RopQueryColumnsAllRequest",
        Structure::QueryColumnsAllResponse => "RopQueryColumnsAllResponse",
        Structure::CollapseRowRequest => "RopCollapseRowRequest",
        Structure::CollapseRowResponse => "RopCollapseRowResponse",
        Structure::TaggedPropertyValue => "TaggedPropertyValue",
        Structure::QueryRowsRequest => "RopQueryRowsRequest",
        Structure::QueryRowsResponse => "RopQueryRowsResponse",
        Structure::FindRowRequest => "RopFindRowRequest",
        Structure::FindRowResponse => "RopFindRowResponse",
        Structure::ExpandRowRequest => "RopExpandRowRequest",
        Structure::ExpandRowResponse => "RopExpandRowResponse",
        Structure::CreateMessageRequest => "RopCreateMessageRequest",
        Structure::CreateMessageResponse => "RopCreateMessageResponse",
        Structure::SaveChangesMessageRequest => "RopSaveChangesMessageRequest",
        Structure::SaveChangesMessageResponse => "RopSaveChangesMessageResponse",
        Structure::DeleteFolderRequest => "RopDeleteFolderRequest",
        Structure::DeleteFolderResponse => "RopDeleteFolderResponse",
        Structure::DeleteMessagesRequest => "RopDeleteMessagesRequest",
        Structure::DeleteMessagesResponse => "RopDeleteMessagesResponse",
        Structure::SetSearchCriteriaRequest => "RopSetSearchCriteriaRequest",
        Structure::SetSearchCriteriaResponse => "RopSetSearchCriteriaResponse",
        Structure::TransportNewMailRequest => "RopTransportNewMailRequest",
        Structure::TransportNewMailResponse => "RopTransportNewMailResponse",
        Structure::HardDeleteMessagesRequest => "RopHardDeleteMessagesRequest",
        Structure::HardDeleteMessagesResponse => "RopHardDeleteMessagesResponse",
        Structure::HardDeleteMessagesAndSubfoldersRequest => "RopHardDeleteMessagesAndSubfoldersRequest",
        Structure::HardDeleteMessagesAndSubfoldersResponse => "RopHardDeleteMessagesAndSubfoldersResponse",
        Structure::SetPropertiesRequest => "RopSetPropertiesRequest",
        Structure::SetPropertiesResponse => "RopSetPropertiesResponse",
        Structure::MoveCopyMessagesRequest => "RopMoveCopyMessagesRequest",
        Structure::MoveCopyMessagesResponse => "RopMoveCopyMessagesResponse",
        Structure::MoveFolderRequest => "RopMoveFolderRequest",
        Structure::MoveFolderResponse => "RopMoveFolderResponse",
        Structure::CopyFolderRequest => "RopCopyFolderRequest",
        Structure::CopyFolderResponse => "RopCopyFolderResponse",
        Structure::LogonRequest => "RopLogonRequest",
        Structure::LogonResponse => "RopLogonResponse",
        Structure::OpenFolderRequest => "RopOpenFolderRequest",
        Structure::OpenFolderResponse => "RopOpenFolderResponse",
        Structure::OpenMessageRequest => "RopOpenMessageRequest",
        Structure::OpenMessageResponse => "RopOpenMessageResponse",
        Structure::CreateFolderRequest => "RopCreateFolderRequest",
        Structure::CreateFolderResponse => "RopCreateFolderResponse",
        Structure::RpcHeaderExt => "RpcHeaderExt",
        Structure::ExtendedBufferIn => "ExtendedBuffer",
        Structure::ExtendedBufferOut => "ExtendedBuffer",
        Structure::ExecuteRequestBody => "ExecuteRequest",
        Structure::ExecuteResponseBody => "ExecuteResponse",
        Structure::FailureResponseBody => "FailureResponse",
        Structure::NotificationWaitRequestBody => "NotificationWaitRequest",
        Structure::NotificationWaitResponseBody => "NotificationWaitResponse",
        Structure::DisconnectRequestBody => "DisconnectRequest",
        Structure::DisconnectResponseBody => "DisconnectResponse",
        Structure::ConnectRequestBody => "ConnectRequest",
        Structure::ConnectResponseBody => "ConnectResponse",
        Structure::AuxBuffer => "AuxBuffer",
        Structure::InnerStream => "InnerStream",
    }
}

fn value_validator(map: &ValidatorMap, s: Structure) -> &Validator {
    let ptr = format!("#/$defs/{}", def_name(s));
    map.get(&ptr).unwrap_or_else(|| panic!("value.schema.json has no {ptr}"))
}

/// Every error, one per line: instance path and message.
fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("  at {:?}: {e}", e.instance_path().to_string())).collect()
}

/// Every `*.yaml` / `*.yml` under `spec-cases/`, except `schema/`, sorted.
fn yaml_files() -> Vec<PathBuf> {
    let root = spec_cases_dir();
    let skip = root.join("schema");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
            let p = e.path();
            if p.is_dir() {
                if p != skip {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A case file as JSON, or why it cannot be read.
fn read_yaml(p: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: not YAML: {e}", p.display()))
}

/// The kind of a case file as JSON: `wire` when it has no `kind`.
fn kind_of(file: &Value) -> &str {
    file.get("kind").and_then(Value::as_str).unwrap_or("wire")
}

#[test]
fn every_case_file_validates() {
    let v = case_file_validator();
    let files = yaml_files();
    assert!(!files.is_empty(), "no case files under spec-cases/");
    let mut failures = Vec::new();
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for f in &files {
        let file = match read_yaml(f) {
            Ok(x) => x,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        *kinds.entry(kind_of(&file).to_string()).or_default() += 1;
        let errs = errors(&v, &file);
        if !errs.is_empty() {
            failures.push(format!("{}:\n{}", f.display(), errs.join("\n")));
        }
    }
    assert!(failures.is_empty(), "case files that break case-file.schema.json:\n{}", failures.join("\n"));
    for kind in ["wire", "sequence", "trace"] {
        assert!(kinds.get(kind).copied().unwrap_or(0) > 0, "no {kind} file under spec-cases/ was validated: {kinds:?}");
    }
    // What the schema takes, the loader takes too.
    let suite =
        oxcnotif::cases::load_suite(&spec_cases_dir()).unwrap_or_else(|e| panic!("cannot load the spec cases: {e}"));
    assert!(!suite.wire.is_empty() && !suite.sequences.is_empty() && !suite.traces.is_empty());
    eprintln!("{kinds:?} case files validate");
}

#[test]
fn decoded_values_validate() {
    let map = value_validators();
    let cases = oxcnotif::cases::load_suite(&spec_cases_dir())
        .unwrap_or_else(|e| panic!("cannot load the spec cases: {e}"))
        .wire;
    assert!(!cases.is_empty(), "no wire cases under spec-cases/");
    let mut failures = Vec::new();
    let mut checked = 0;
    for c in &cases {
        let Some(bytes) = &c.bytes else { continue };
        let Ok((value, _)) = c.structure.decode(bytes, c.layout) else { continue };
        checked += 1;
        let errs = errors(value_validator(&map, c.structure), &value);
        if !errs.is_empty() {
            failures.push(format!(
                "{} ({}:{}) decodes to {value}:\n{}",
                c.id,
                c.file.display(),
                c.line,
                errs.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "decoded values that break value.schema.json:\n{}", failures.join("\n"));
    eprintln!("{checked} decoded values validate");
}

#[test]
fn expected_values_validate() {
    let map = value_validators();
    let mut failures = Vec::new();
    for f in yaml_files() {
        let file = match read_yaml(&f) {
            Ok(x) => x,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        if kind_of(&file) != "wire" {
            continue;
        }
        let file_structure = file.get("structure").and_then(Value::as_str);
        let Some(cases) = file.get("cases").and_then(Value::as_array) else { continue };
        for (i, c) in cases.iter().enumerate() {
            let Some(expected) = c.pointer("/expect/value") else { continue };
            let id = c.get("id").and_then(Value::as_str).unwrap_or("?");
            let name = c.get("structure").and_then(Value::as_str).or(file_structure);
            let Some(s) = name.and_then(Structure::from_name) else {
                failures.push(format!("{}: cases[{i}] ({id}): no structure {name:?}", f.display()));
                continue;
            };
            let errs = errors(value_validator(&map, s), expected);
            if !errs.is_empty() {
                failures.push(format!("{}: cases[{i}] ({id}).expect.value:\n{}", f.display(), errs.join("\n")));
            }
        }
    }
    assert!(failures.is_empty(), "expect.value entries that break value.schema.json:\n{}", failures.join("\n"));
}

/// Replaces every `$name` string with a handle, as a runner binds it; a
/// `$name` in a byte-blob field (a Bookmark a step got back) with bytes.
fn bind_all(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => json!(0x0000_0070u32),
        Value::Array(items) => Value::Array(items.iter().map(bind_all).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| match x {
                    Value::String(s) if s.starts_with('$') && k == "Bookmark" => (k.clone(), json!("00000000")),
                    _ => (k.clone(), bind_all(x)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A sequence step's `send` is a rop-input-buffer value: once its
/// variables are bound it validates against value.schema.json.
#[test]
fn sequence_send_values_validate() {
    let map = value_validators();
    let v = value_validator(&map, Structure::RopInputBuffer);
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in yaml_files() {
        let Ok(file) = read_yaml(&f) else { continue };
        if kind_of(&file) != "sequence" {
            continue;
        }
        let Some(cases) = file.get("cases").and_then(Value::as_array) else { continue };
        for (i, c) in cases.iter().enumerate() {
            let id = c.get("id").and_then(Value::as_str).unwrap_or("?");
            let Some(steps) = c.get("steps").and_then(Value::as_array) else { continue };
            for (k, step) in steps.iter().enumerate() {
                let Some(send) = step.get("send") else { continue };
                checked += 1;
                let errs = errors(v, &bind_all(send));
                if !errs.is_empty() {
                    failures.push(format!("{}: cases[{i}] ({id}).steps[{k}].send:\n{}", f.display(), errs.join("\n")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "send values that break value.schema.json:\n{}", failures.join("\n"));
    eprintln!("{checked} send values validate");
}

fn id8(n: u8) -> Id8 {
    Id8([1, 0, 0, 0, 0, 0, 0, n])
}

/// Every NotificationData the presence table allows (over every type, every
/// T/U/S/M combination, every TableEventType up to 8, TagCount 0, 2 and
/// 0xFFFF, and each MessageClass form) is accepted by the encoder and by the
/// schema: the schema's field rules are never stricter than the codec's.
#[test]
fn every_encodable_notification_data_validates() {
    let map = value_validators();
    let v = value_validator(&map, Structure::NotificationData);
    let types = [
        0x0000u16, 0x0001, 0x0002, 0x0003, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x0100, 0x0200, 0x0400,
        0x0800, 0x0FFF,
    ];
    let classes = [
        (0u8, MessageClass { bytes: b"IPM.Note".to_vec(), terminated: true }),
        (1, MessageClass::from_text("IPM.Note", true).unwrap()),
        (0, MessageClass { bytes: vec![0x49, 0xFF], terminated: true }),
        (0, MessageClass { bytes: b"IPM".to_vec(), terminated: false }),
        // A lone surrogate: terminated, but not text, so the {Bytes, Terminated} form.
        (7, MessageClass { bytes: vec![0x00, 0xD8], terminated: true }),
    ];
    let mut checked = 0;
    for t in types {
        for high in 0..16u16 {
            let flags = t | high << 12;
            for tet in 0..=8u16 {
                for tag_count in [0u16, 2, 0xFFFF] {
                    for (unicode, mc) in &classes {
                        let p = presence(flags, tet);
                        let on = |f: Field| p.has(f);
                        let d = NotificationData {
                            notification_flags: flags,
                            table_event_type: on(Field::TableEventType).then_some(tet),
                            table_row_folder_id: on(Field::TableRowFolderID).then(|| id8(1)),
                            table_row_message_id: on(Field::TableRowMessageID).then(|| id8(2)),
                            table_row_instance: on(Field::TableRowInstance).then_some(3),
                            insert_after_table_row_folder_id: on(Field::InsertAfterTableRowFolderID).then(|| id8(4)),
                            insert_after_table_row_id: on(Field::InsertAfterTableRowID).then(|| id8(5)),
                            insert_after_table_row_instance: on(Field::InsertAfterTableRowInstance).then_some(6),
                            table_row_data: on(Field::TableRowData).then(|| vec![0, 1, 2]),
                            folder_id: on(Field::FolderId).then(|| id8(7)),
                            message_id: on(Field::MessageId).then(|| id8(8)),
                            parent_folder_id: on(Field::ParentFolderId).then(|| id8(9)),
                            old_folder_id: on(Field::OldFolderId).then(|| id8(10)),
                            old_message_id: on(Field::OldMessageId).then(|| id8(11)),
                            old_parent_folder_id: on(Field::OldParentFolderId).then(|| id8(12)),
                            tag_count: on(Field::TagCount).then_some(tag_count),
                            tags: (on(Field::TagCount) && tags_present(tag_count))
                                .then(|| vec![0x0037_001F, 0x0E07_0003]),
                            total_message_count: on(Field::TotalMessageCount).then_some(13),
                            unread_message_count: on(Field::UnreadMessageCount).then_some(14),
                            message_flags: on(Field::NewMail).then_some(15),
                            unicode_flag: on(Field::NewMail).then_some(*unicode),
                            message_class: on(Field::NewMail).then(|| mc.clone()),
                        };
                        let bytes = oxcnotif::wire::encode(&d, Layout::Spec).unwrap_or_else(|e| {
                            panic!("flags 0x{flags:04X} tet {tet}: the encoder refuses its own presence table: {e}")
                        });
                        let value = d.to_value(Layout::Spec);
                        let errs = errors(v, &value);
                        assert!(errs.is_empty(), "{value} (bytes {bytes:02x?}):\n{}", errs.join("\n"));
                        // The value form encodes back, as the schema promises.
                        Structure::NotificationData
                            .encode(&value, Layout::Spec)
                            .unwrap_or_else(|e| panic!("{value}: the encoder refuses a decoded value form: {e}"));
                        checked += 1;
                    }
                }
            }
        }
    }
    eprintln!("{checked} NotificationData values validate");
}

/// The same for the RopRegisterNotification request: both layouts, with and
/// without Extended, WantWholeStore 0, 1 and 2.
#[test]
fn every_encodable_register_notification_request_validates() {
    let map = value_validators();
    let v = value_validator(&map, Structure::RegisterNotificationRequest);
    for layout in [Layout::Spec, Layout::Legacy] {
        for types in [0x0000u16, 0x0002, 0x00FE, 0x0402, 0x0102] {
            for want_whole_store in [0u8, 1, 2] {
                let reserved = match layout {
                    Layout::Spec => (types & 0x0400 != 0).then_some(0),
                    Layout::Legacy => Some(0),
                };
                let scoped = want_whole_store == 0;
                let r = RopRegisterNotificationRequest {
                    logon_id: 0,
                    input_handle_index: 0,
                    output_handle_index: 1,
                    notification_types: types,
                    reserved,
                    want_whole_store,
                    folder_id: scoped.then(|| id8(1)),
                    message_id: scoped.then(|| id8(2)),
                };
                if oxcnotif::wire::encode(&r, layout).is_err() {
                    continue; // a type bit above 0xFF in the legacy reading
                }
                let value = r.to_value(layout);
                let errs = errors(v, &value);
                assert!(errs.is_empty(), "{value}:\n{}", errs.join("\n"));
            }
        }
    }
}

/// The input forms the README allows: integers as "0x…" or decimal strings,
/// MessageClass as {Bytes, Terminated}, derived lengths left out.
#[test]
fn input_forms_validate() {
    let map = value_validators();
    let ok = |s: Structure, value: Value| {
        let errs = errors(value_validator(&map, s), &value);
        assert!(errs.is_empty(), "{value} should validate as {}:\n{}", def_name(s), errs.join("\n"));
        // The reference encoder takes it too.
        Structure::encode(s, &value, Layout::Spec).unwrap_or_else(|e| panic!("{value}: {e}"));
    };
    ok(Structure::PendingResponse, json!({"RopId": "0x6E", "SessionIndex": "0x0102"}));
    ok(Structure::PendingResponse, json!({"RopId": "110", "SessionIndex": 7}));
    ok(Structure::ReleaseRequest, json!({"RopId": "0x01", "LogonId": 0, "InputHandleIndex": "3"}));
    ok(Structure::BufferTooSmallResponse, json!({"RopId": 255, "SizeNeeded": 16, "RequestBuffers": "29000102"}));
    ok(
        Structure::NotificationData,
        json!({"NotificationFlags": "0x0002", "FolderId": "0100000000000A01", "MessageFlags": 0, "UnicodeFlag": 0,
               "MessageClass": {"Bytes": "49504d", "Terminated": false}}),
    );
    ok(
        Structure::NotificationData,
        json!({"NotificationFlags": 0x0100, "TableEventType": 3, "TableRowFolderID": "0100000000000a01",
               "InsertAfterTableRowFolderID": "0100000000000a02", "TableRowData": "00"}),
    );
    ok(
        Structure::RopOutputBuffer,
        json!({"RopsList": [
            {"RopId": 0x29, "OutputHandleIndex": 0, "ReturnValue": 0},
            {"RopId": 0x2A, "NotificationHandle": 5, "LogonId": 0,
             "NotificationData": {"NotificationFlags": 8, "FolderId": "0100000000000a01", "ParentFolderId": "0100000000000a00"}},
            {"RopId": 0x6E, "SessionIndex": 0},
            {"RopId": 0xFF, "SizeNeeded": 4, "RequestBuffers": ""}],
          "ServerObjectHandleTable": [7]}),
    );
    ok(
        Structure::RopInputBuffer,
        json!({"RopSize": 28, "RopsList": [
            {"RopId": "0x29", "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1, "NotificationTypes": "0x0002",
             "WantWholeStore": "0x00", "FolderId": "0100000000000a01", "MessageId": "0100000000000a02"},
            {"RopId": 1, "LogonId": 0, "InputHandleIndex": 1}],
          "ServerObjectHandleTable": [7, 4294967295u32]}),
    );
}

const GOOD_FILE: &str = r#"
structure: pending-response
cases:
  - id: pending-response.x
    description: d
    sections: [MS-OXCROPS 2.2.14.3.1]
    requirements: [MS-OXCROPS_R4436]
    bytes: |
      6e    # RopId
      0100  # SessionIndex
    expect:
      value: {RopId: 0x6E, SessionIndex: 1}
  - id: pending-response.y
    description: d
    sections: [MS-OXCROPS 2.2.14.3.1]
    requirements: [MS-OXCROPS_R4437]
    value: {RopId: 0x6E, SessionIndex: 65536}
    expect:
      encode_error: {field: SessionIndex}
"#;

#[test]
fn case_file_schema_rejects() {
    let v = case_file_validator();
    let file = |text: &str| -> Value { serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}")) };
    assert!(errors(&v, &file(GOOD_FILE)).is_empty(), "{:?}", errors(&v, &file(GOOD_FILE)));
    // The good file still parses the way the loader reads it.
    oxcnotif::cases::parse_file(Path::new("good.yaml"), GOOD_FILE).expect("the loader takes GOOD_FILE");

    let bad = [
        ("a misspelled case key", GOOD_FILE.replacen("description: d", "descripton: d", 1)),
        ("a misspelled file key", GOOD_FILE.replacen("structure:", "structur:", 1)),
        ("a bad requirement ID", GOOD_FILE.replacen("MS-OXCROPS_R4436", "MS-OXCROPS_4436", 1)),
        ("a bad section", GOOD_FILE.replacen("[MS-OXCROPS 2.2.14.3.1]", "[2.2.14.3.1]", 1)),
        ("no requirements", GOOD_FILE.replacen("[MS-OXCROPS_R4436]", "[]", 1)),
        ("a bad id", GOOD_FILE.replacen("pending-response.x", "Pending.X", 1)),
        ("an unknown structure", GOOD_FILE.replacen("pending-response\n", "pending\n", 1)),
        (
            "an unknown layout",
            GOOD_FILE.replacen("structure: pending-response\n", "structure: pending-response\nlayout: old\n", 1),
        ),
        (
            "expect with value and error",
            GOOD_FILE.replacen(
                "value: {RopId: 0x6E, SessionIndex: 1}",
                "value: {RopId: 0x6E, SessionIndex: 1}\n      error: {kind: Truncated, field: X}",
                1,
            ),
        ),
        (
            "findings and error",
            GOOD_FILE.replacen(
                "value: {RopId: 0x6E, SessionIndex: 1}",
                "findings: []\n      error: {kind: Truncated, field: X}",
                1,
            ),
        ),
        ("an empty expect", GOOD_FILE.replacen("value: {RopId: 0x6E, SessionIndex: 1}", "{}", 1)),
        (
            "an unknown error kind",
            GOOD_FILE.replacen("value: {RopId: 0x6E, SessionIndex: 1}", "error: {kind: Short, field: X}", 1),
        ),
        (
            "a negative offset",
            GOOD_FILE.replacen(
                "value: {RopId: 0x6E, SessionIndex: 1}",
                "error: {kind: Truncated, field: X, offset: -1}",
                1,
            ),
        ),
        (
            "an error without field",
            GOOD_FILE.replacen("value: {RopId: 0x6E, SessionIndex: 1}", "error: {kind: Truncated}", 1),
        ),
        ("a bad finding ID", GOOD_FILE.replacen("value: {RopId: 0x6E, SessionIndex: 1}", "findings: [R50]", 1)),
        (
            "bytes as a number",
            GOOD_FILE.replacen("bytes: |\n      6e    # RopId\n      0100  # SessionIndex", "bytes: 6", 1),
        ),
        (
            "a decode case without bytes",
            GOOD_FILE.replacen("    bytes: |\n      6e    # RopId\n      0100  # SessionIndex\n", "", 1),
        ),
        (
            "an encode_error case with bytes",
            GOOD_FILE.replacen("value: {RopId: 0x6E, SessionIndex: 65536}", "bytes: \"6e\"", 1),
        ),
        ("no structure anywhere", GOOD_FILE.replacen("structure: pending-response\n", "", 1)),
        ("no cases", "structure: pending-response\n".to_string()),
    ];
    for (what, text) in bad {
        assert!(text != GOOD_FILE, "{what}: the mutation did not apply");
        let errs = errors(&v, &file(&text));
        assert!(!errs.is_empty(), "case-file.schema.json accepts {what}:\n{text}");
    }
}

#[test]
fn value_schema_rejects() {
    let map = value_validators();
    let bad = |s: Structure, what: &str, value: Value| {
        assert!(!value_validator(&map, s).is_valid(&value), "{} accepts {what}: {value}", def_name(s));
    };
    bad(Structure::PendingResponse, "an unknown key", json!({"RopId": 0x6E, "SessionIndex": 1, "Session": 1}));
    bad(Structure::PendingResponse, "a missing SessionIndex", json!({"RopId": 0x6E}));
    bad(Structure::PendingResponse, "a wrong RopId", json!({"RopId": 0x2A, "SessionIndex": 1}));
    bad(Structure::PendingResponse, "a wrong RopId string", json!({"RopId": "0x2A", "SessionIndex": 1}));
    bad(Structure::PendingResponse, "a SessionIndex too wide", json!({"RopId": 0x6E, "SessionIndex": 65536}));
    bad(Structure::PendingResponse, "a negative SessionIndex", json!({"RopId": 0x6E, "SessionIndex": -1}));
    bad(Structure::PendingResponse, "a non-numeric string", json!({"RopId": 0x6E, "SessionIndex": "one"}));
    bad(Structure::ReleaseRequest, "a RopNotify RopId", json!({"RopId": 42, "LogonId": 0, "InputHandleIndex": 0}));
    bad(
        Structure::NotificationData,
        "an Id8 of 15 digits",
        json!({"NotificationFlags": 8, "FolderId": "0100000000000a0"}),
    );
    bad(
        Structure::NotificationData,
        "an Id8 with a non-hex digit",
        json!({"NotificationFlags": 8, "FolderId": "0100000000000a0g"}),
    );
    bad(Structure::NotificationData, "an unknown key", json!({"NotificationFlags": 8, "FolderID": "0100000000000a01"}));
    bad(Structure::NotificationData, "no NotificationFlags", json!({"FolderId": "0100000000000a01"}));
    bad(
        Structure::NotificationData,
        "an empty Tags",
        json!({"NotificationFlags": 4, "FolderId": "0100000000000a01", "TagCount": 0, "Tags": []}),
    );
    bad(
        Structure::NotificationData,
        "Tags without TagCount",
        json!({"NotificationFlags": 4, "FolderId": "0100000000000a01", "Tags": [1]}),
    );
    bad(
        Structure::NotificationData,
        "MessageClass alone",
        json!({"NotificationFlags": 2, "FolderId": "0100000000000a01", "MessageClass": "IPM"}),
    );
    bad(
        Structure::NotificationData,
        "MessageClass with an unknown key",
        json!({"NotificationFlags": 2, "FolderId": "0100000000000a01", "MessageFlags": 0, "UnicodeFlag": 0,
               "MessageClass": {"Bytes": "49", "Terminated": true, "Unicode": false}}),
    );
    bad(
        Structure::NotificationData,
        "MessageClass with odd hex",
        json!({"NotificationFlags": 2, "FolderId": "0100000000000a01", "MessageFlags": 0, "UnicodeFlag": 0,
               "MessageClass": {"Bytes": "495", "Terminated": false}}),
    );
    bad(
        Structure::NotificationData,
        "TableEventType with FolderId",
        json!({"NotificationFlags": 0x100, "TableEventType": 1, "FolderId": "0100000000000a01"}),
    );
    bad(
        Structure::NotificationData,
        "OldFolderId with both OldMessageId and OldParentFolderId",
        json!({"NotificationFlags": 0x8020, "FolderId": "0100000000000a01", "MessageId": "0100000000000a02",
               "OldFolderId": "0100000000000a03", "OldMessageId": "0100000000000a04", "OldParentFolderId": "0100000000000a05"}),
    );
    bad(
        Structure::RegisterNotificationRequest,
        "WantWholeStore 0 without FolderId",
        json!({"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1, "NotificationTypes": 2, "WantWholeStore": 0}),
    );
    bad(
        Structure::RegisterNotificationRequest,
        "WantWholeStore 1 with FolderId",
        json!({"RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1, "NotificationTypes": 2, "WantWholeStore": 1,
               "FolderId": "0100000000000a01", "MessageId": "0100000000000a02"}),
    );
    bad(Structure::BufferTooSmallResponse, "odd hex", json!({"RopId": 255, "SizeNeeded": 16, "RequestBuffers": "290"}));
    bad(Structure::RopInputBuffer, "no RopsList", json!({"RopSize": 2, "ServerObjectHandleTable": []}));
    bad(
        Structure::RopInputBuffer,
        "a response in an input buffer",
        json!({"RopsList": [{"RopId": 0x6E, "SessionIndex": 0}]}),
    );
    bad(
        Structure::RopOutputBuffer,
        "a request in an output buffer",
        json!({"RopsList": [{"RopId": 1, "LogonId": 0, "InputHandleIndex": 0}]}),
    );
    bad(
        Structure::RopOutputBuffer,
        "a handle too wide",
        json!({"RopsList": [], "ServerObjectHandleTable": [4294967296u64]}),
    );
    bad(Structure::RopOutputBuffer, "a null RopSize", json!({"RopSize": null, "RopsList": []}));
}

const GOOD_SEQUENCE: &str = r#"
kind: sequence
profile: spec
cases:
  - id: sequence.x
    description: d
    sections: [MS-OXCNOTIF 3.1.5.1]
    requirements: [MS-OXCNOTIF_R287]
    profile: exchange-2010
    layout: spec
    setup:
      logons: [0]
      session_index: 0
      folders:
        - {Id: "0100000000000001"}
        - {Id: "0100000000000a01", Parent: "0100000000000001", Search: false}
      messages:
        - {Id: "0100000000000b01", Folder: "0100000000000a01"}
    steps:
      - send:
          RopsList:
            - {RopId: 0x29, LogonId: 0, InputHandleIndex: 0, OutputHandleIndex: 1, NotificationTypes: 0x0002, WantWholeStore: 1}
          ServerObjectHandleTable: [$logon0, 0xFFFFFFFF]
        max_output: 0x8000
        expect:
          ServerObjectHandleTable: [$logon0, $sub]
      - event: {Type: NewMail, Folder: "0100000000000a01", Message: "0100000000000b01"}
      - poll: {max_output: 400}
        expect: {RopsList: [{RopId: 0x2A, NotificationHandle: $sub}]}
      - send_hex: "0200"
        expect: {RopsList: []}
      - poll:
      - send_hex: "0300"
        expect_error: 0x000004B6
"#;

const GOOD_TRACE: &str = r#"
kind: trace
description: d
cases:
  - id: trace.x
    description: d
    sections: [MS-OXCNOTIF 3.2.5.1]
    requirements: [MS-OXCNOTIF_R409]
    layout: legacy
    trace:
      - input: |
          0500      # RopSize
          01        # RopsList[0].RopId: RopRelease
          00        # RopsList[0].LogonId
          00        # RopsList[0].InputHandleIndex
          6f000000  # ServerObjectHandleTable[0]
      - output: "0200"
    expect:
      findings: []
"#;

/// Applies each mutation to `good` and checks that the schema, and the
/// loader (`load`), both refuse the result; `good` itself must pass both.
/// `schema_only` lists what the schema refuses and the loader leaves to the
/// runner.
fn both_reject(
    good: &str,
    load: fn(&str) -> Result<(), String>,
    bad: &[(&str, String)],
    schema_only: &[(&str, String)],
) {
    let v = case_file_validator();
    let file = |text: &str| -> Value { serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}")) };
    assert!(errors(&v, &file(good)).is_empty(), "{:?}", errors(&v, &file(good)));
    load(good).unwrap_or_else(|e| panic!("the loader refuses the good file: {e}"));
    for (what, text) in bad {
        assert!(text != good, "{what}: the mutation did not apply");
        assert!(!errors(&v, &file(text)).is_empty(), "case-file.schema.json accepts {what}:\n{text}");
        assert!(load(text).is_err(), "the loader accepts {what}:\n{text}");
    }
    for (what, text) in schema_only {
        assert!(text != good, "{what}: the mutation did not apply");
        assert!(!errors(&v, &file(text)).is_empty(), "case-file.schema.json accepts {what}:\n{text}");
    }
}

fn load_sequence(text: &str) -> Result<(), String> {
    oxcnotif::cases::sequence::parse_file(Path::new("s.yaml"), text).map(|_| ()).map_err(|e| e.to_string())
}

fn load_trace(text: &str) -> Result<(), String> {
    oxcnotif::cases::trace::parse_file(Path::new("t.yaml"), text).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn sequence_schema_rejects() {
    let g = GOOD_SEQUENCE;
    let poll = "      - poll: {max_output: 400}\n";
    let event = "      - event: {Type: NewMail, Folder: \"0100000000000a01\", Message: \"0100000000000b01\"}\n";
    let bad = [
        (
            "a step with two actions",
            g.replacen(poll, "      - poll: {max_output: 400}\n        send_hex: \"0200\"\n", 1),
        ),
        ("a step with no action", g.replacen("      - poll:\n", "      - max_output: 10\n", 1)),
        ("a misspelled step key", g.replacen("        expect_error:", "        expected_error:", 1)),
        ("an event with expect", g.replacen(event, &format!("{event}        expect: {{RopsList: []}}\n"), 1)),
        ("an event with expect_error", g.replacen(event, &format!("{event}        expect_error: 0x4B6\n"), 1)),
        ("an event with max_output", g.replacen(event, &format!("{event}        max_output: 100\n"), 1)),
        ("a poll with an unknown key", g.replacen("poll: {max_output: 400}", "poll: {max: 400}", 1)),
        ("an unknown event type", g.replacen("Type: NewMail", "Type: MailArrived", 1)),
        ("an event without Folder", g.replacen("Folder: \"0100000000000a01\", Message", "Message", 1)),
        ("an event with an unknown key", g.replacen("Type: NewMail,", "Type: NewMail, Subject: x,", 1)),
        ("send_hex as a number", g.replacen("send_hex: \"0200\"", "send_hex: 200", 1)),
        ("expect_error as text", g.replacen("expect_error: 0x000004B6", "expect_error: ecRpcFormat", 1)),
        ("an unknown profile", g.replacen("profile: exchange-2010", "profile: exchange-2003", 1)),
        ("a misspelled case key", g.replacen("    setup:", "    set_up:", 1)),
        ("a misspelled setup key", g.replacen("      session_index:", "      session:", 1)),
        ("no steps", g.replacen("    steps:\n", "    steps: []\n    old_steps:\n", 1)),
        ("a wire key on a sequence file", g.replacen("profile: spec\n", "structure: rop-input-buffer\n", 1)),
        ("an unknown kind", g.replacen("kind: sequence", "kind: sequences", 1)),
    ];
    // A send value is checked by the encoder when the step runs.
    let schema_only =
        [("send as a list", g.replacen("      - send:\n          RopsList:", "      - send:\n        - RopsList:", 1))];
    both_reject(g, load_sequence, &bad, &schema_only);
}

#[test]
fn trace_schema_rejects() {
    let g = GOOD_TRACE;
    let bad = [
        (
            "a step with input and output",
            g.replacen("      - output: \"0200\"", "      - output: \"0200\"\n        input: \"0200\"", 1),
        ),
        ("an empty step", g.replacen("      - output: \"0200\"", "      - {}", 1)),
        ("a misspelled step key", g.replacen("      - output: \"0200\"", "      - outputs: \"0200\"", 1)),
        ("a step of a send", g.replacen("      - output: \"0200\"", "      - send_hex: \"0200\"", 1)),
        ("a step as a bare string", g.replacen("      - output: \"0200\"", "      - \"0200\"", 1)),
        ("an expect without findings", g.replacen("      findings: []", "      value: {}", 1)),
        ("an expect with another key", g.replacen("      findings: []", "      findings: []\n      error: x", 1)),
        ("no trace", g.replacen("    trace:\n", "    buffers:\n", 1)),
        ("an unknown layout", g.replacen("layout: legacy", "layout: old", 1)),
        ("a file-level layout", g.replacen("description: d\ncases:", "description: d\nlayout: spec\ncases:", 1)),
        ("a misspelled case key", g.replacen("    requirements:", "    requirement:", 1)),
    ];
    // Expected finding IDs are compared, not checked, by the runner.
    let schema_only = [("a bad finding ID", g.replacen("      findings: []", "      findings: [R409]", 1))];
    both_reject(g, load_trace, &bad, &schema_only);
}

/// A wire file may say `kind: wire`; other kinds take none of the wire keys.
#[test]
fn case_file_kinds() {
    let v = case_file_validator();
    let file = |text: &str| -> Value { serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}")) };
    let wire = format!("kind: wire\n{}", GOOD_FILE.trim_start());
    assert!(errors(&v, &file(&wire)).is_empty(), "{:?}", errors(&v, &file(&wire)));
    oxcnotif::cases::parse_file(Path::new("w.yaml"), &wire).expect("the loader takes kind: wire");
    for kind in ["sequence", "trace", "regression", "wires"] {
        let text = format!("kind: {kind}\n{}", GOOD_FILE.trim_start());
        assert!(!errors(&v, &file(&text)).is_empty(), "a wire file that says kind: {kind} validates");
    }
    let regression = "kind: regression\ncases:\n  - id: regression.model.x\n    description: d\n    target: model\n    bytes: \"0200\"\n";
    assert!(errors(&v, &file(regression)).is_empty(), "{:?}", errors(&v, &file(regression)));
    oxcnotif::cases::regression::parse_file(Path::new("r.yaml"), regression).expect("the loader takes it");
    let bad = regression.replacen("    bytes:", "    expect: {}\n    bytes:", 1);
    assert!(!errors(&v, &file(&bad)).is_empty(), "a regression case with expect validates");
}
