//! insta snapshots of what the decoder and the dissector print for every
//! spec case with bytes: the decoded value with its findings (or the
//! framing error), and the annotated listing. A change in either shows up
//! as a snapshot diff to review (`cargo insta review`).

use oxcnotif::cases::load_dir;
use oxcnotif::wire::dissect;
use oxcnotif::wire::{error_json, finding_json};
use serde_json::json;
use std::path::Path;

#[test]
fn decoded_value_and_dissection_of_every_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases");
    let cases = load_dir(&dir).expect("spec cases load");
    let mut count = 0;
    let ids: std::collections::BTreeSet<String> =
        cases.iter().filter(|c| c.bytes.is_some()).map(|c| c.id.clone()).collect();
    let snap_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    if let Ok(entries) = std::fs::read_dir(&snap_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(stem) = name.strip_suffix(".snap") {
                assert!(ids.contains(stem), "tests/snapshots/{name} belongs to no case: delete it");
            }
        }
    }
    for case in cases {
        let Some(bytes) = case.bytes.as_deref() else { continue };
        let decoded = match case.structure.decode(bytes, case.layout) {
            Ok((v, f)) => json!({"value": v, "findings": f.iter().map(finding_json).collect::<Vec<_>>()}),
            Err(e) => json!({"error": error_json(&e)}),
        };
        let d = case.structure.dissect(bytes, case.layout);
        let text = format!(
            "{} {} ({})\n{}\n--- decode ---\n{}--- dissect ---\n{}",
            case.structure.name(),
            case.layout.name(),
            oxcnotif::hex::encode(bytes),
            case.description,
            serde_yaml::to_string(&decoded).expect("yaml"),
            dissect::render(bytes, &d)
        );
        insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(case.id.as_str(), text);
        });
        count += 1;
    }
    assert!(count > 0, "no case with bytes");
}
