//! One planted bug per test adapter (`tests/adapters/bug_*.py`, each
//! wrapping the reference adapter): `oxcnotif run --target` reports a case
//! that does not pass, at the verdict the broken requirement's level gives,
//! citing that requirement; and the reference passes every case these
//! tests look at, in process and through the adapter protocol.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oxcnotif")
}

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// What one run gave: its exit status and its results.json.
struct Run {
    code: Option<i32>,
    stdout: String,
    results: Value,
}

impl Run {
    fn case(&self, id: &str) -> &Value {
        self.results["cases"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["id"] == id))
            .unwrap_or_else(|| panic!("no case {id} in the results:\n{}", self.stdout))
    }

    fn verdict(&self, id: &str) -> &str {
        self.case(id)["verdict"].as_str().unwrap_or("?")
    }

    /// The case's problems, one per line.
    fn problems(&self, id: &str) -> String {
        self.case(id)["problems"]
            .as_array()
            .map(|ps| ps.iter().map(|p| p["message"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    /// Asserts `id` came out `verdict` with a problem citing `requirement`.
    fn reports(&self, id: &str, verdict: &str, requirement: &str) {
        assert_eq!(self.verdict(id), verdict, "{id}:\n{}\n{}", self.problems(id), self.stdout);
        let text = self.problems(id);
        assert!(text.contains(requirement), "{id} does not cite {requirement}:\n{text}");
    }
}

fn run(target: Option<&str>, cases: &[&str]) -> Run {
    let name = format!(
        "oxcnotif-bugs-{}-{}",
        std::process::id(),
        target.unwrap_or("reference").replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let out: PathBuf = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&out);
    let mut cmd = Command::new(bin());
    cmd.current_dir(root()).env("OXCNOTIF_BIN", bin()).arg("run").arg("--out").arg(&out);
    if let Some(t) = target {
        cmd.args(["--target", t, "--timeout", "30"]);
    }
    for c in cases {
        cmd.args(["--cases", c]);
    }
    let o = cmd.output().expect("oxcnotif runs");
    let stdout = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("results.json"))
        .unwrap_or_else(|e| panic!("no results.json ({e}); oxcnotif run said:\n{stdout}"));
    let _ = std::fs::remove_dir_all(&out);
    Run { code: o.status.code(), stdout, results: serde_json::from_str(&text).expect("results.json is JSON") }
}

fn bug(name: &str, cases: &[&str]) -> Run {
    let ok = Command::new("python3").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    assert!(ok, "python3 is needed to run the bug adapters (CI installs it)");
    run(Some(&format!("python3 {}/tests/adapters/bug_{name}.py", root())), cases)
}

#[test]
fn a_monitor_that_lets_a_client_act_on_any_notification_handle_fails() {
    let r = bug("client_any_handle", &["trace.notify-handles.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    for id in [
        "trace.notify-handles.acts-on-unknown-handle",
        "trace.notify-handles.registers-on-unknown-handle",
        "trace.notify-handles.released-handle-as-live",
    ] {
        r.reports(id, "FAIL", "MS-OXCNOTIF_R450");
    }
    assert_eq!(r.verdict("trace.notify-handles.ignores-unknown-handle"), "PASS");
}

#[test]
fn unicode_to_a_cached_mode_client_fails() {
    let r = bug("unicode_cached", &["sequence.client-mode.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.client-mode.cached-new-mail-ascii", "FAIL", "MS-OXCNOTIF_R220");
    r.reports("sequence.client-mode.cached-non-ascii-class", "FAIL", "MS-OXCNOTIF_R220");
    assert_eq!(r.verdict("sequence.client-mode.online-new-mail-unicode"), "PASS");
}

#[test]
fn dropping_notifications_past_65536_fails_the_delivery_rule() {
    // Every event that occurs causes its notification to be sent
    // (MS-OXCNOTIF_R351, 3.1.7, a normative statement: MUST); the storm
    // grades how many arrive by it, so a server that drops past a cap FAILs.
    let r = bug("drop_past_65536", &["sequence.storm.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.storm.more-than-65536-in-order", "FAIL", "MS-OXCNOTIF_R351");
    let p = r.problems("sequence.storm.more-than-65536-in-order");
    assert!(p.contains("65536 of 65600"), "{p}");
    assert!(p.contains("MS-OXCNOTIF_R351"), "{p}");
}

#[test]
fn the_same_live_handle_twice_fails() {
    let r = bug("same_handle", &["sequence.register.*", "sequence.multiple-subscriptions.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.register.several-in-one-buffer", "FAIL", "MS-OXCROPS_R4556");
    r.reports("sequence.multiple-subscriptions.two-match-one-event", "FAIL", "MS-OXCROPS_R4556");
}

#[test]
fn success_for_a_registration_that_created_nothing_fails() {
    let r = bug("success_nothing_created", &["sequence.register.*", "sequence.handles.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.register.failed-creates-nothing", "FAIL", "MS-OXCNOTIF_R35");
    r.reports("sequence.handles.never-assigned", "FAIL", "MS-OXCNOTIF_R35");
}

#[test]
fn a_response_to_roprelease_fails_as_its_own_problem() {
    let r = bug("release_response", &["sequence.release.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.release.stops-delivery", "FAIL", "MS-OXCROPS_R4572");
    assert!(r.problems("sequence.release.stops-delivery").contains("RopRelease has no response"));
}

#[test]
fn the_real_tag_count_is_non_strict_and_exits_0() {
    let r = bug("real_tag_count", &["sequence.*"]);
    assert_eq!(r.code, Some(0), "a SHOULD departed from is no failure:\n{}", r.stdout);
    for id in [
        "sequence.profiles.spec.object-modified-tag-count",
        "sequence.events-message.object-modified",
        "sequence.events-store.object-modified-folder",
        "sequence.events-store.object-modified-message",
    ] {
        r.reports(id, "NON-STRICT", "MS-OXCNOTIF_R197");
    }
    let counts = &r.results["counts"];
    assert!(counts["FAIL"] == 0 && counts["ERROR"] == 0, "{counts}");
}

#[test]
fn packing_fewer_notifications_than_fit_is_non_strict_and_exits_0() {
    let r = bug("packs_fewer", &["sequence.*"]);
    assert_eq!(r.code, Some(0), "R347 (as many as the buffer allows) is a SHOULD:\n{}", r.stdout);
    let id = "sequence.pending.one-left-behind";
    assert_eq!(r.verdict(id), "NON-STRICT", "{id}:\n{}", r.problems(id));
    let counts = &r.results["counts"];
    assert!(counts["FAIL"] == 0 && counts["ERROR"] == 0, "{counts}");
}

#[test]
fn rop_pending_before_the_last_ropnotify_is_graded_as_r334_is_worded() {
    let r = bug("reorder_pending", &["sequence.pending.*"]);
    assert_eq!(r.code, Some(0), "R334 is a SHOULD:\n{}", r.stdout);
    r.reports("sequence.pending.one-left-behind", "NON-STRICT", "MS-OXCNOTIF_R334");
}

#[test]
fn the_reference_passes_the_new_cases_in_process_and_through_the_adapter() {
    let cases = [
        "sequence.tables.*",
        "sequence.storm.*",
        "sequence.client-mode.*",
        "sequence.register.*",
        "sequence.handles.*",
        "sequence.release.*",
        "sequence.pending.*",
        "trace.notify-handles.*",
    ];
    let in_process = run(None, &cases);
    let target = format!("{} adapter", bin());
    let through = run(Some(&target), &cases);
    let plain = bug("common", &cases);
    for r in [&in_process, &through, &plain] {
        assert_eq!(r.code, Some(0), "{}", r.stdout);
        let cs = r.results["cases"].as_array().expect("cases");
        assert!(cs.len() > 40, "{} cases", cs.len());
        for c in cs {
            assert_eq!(c["verdict"], "PASS", "{}: {}", c["id"], c["problems"]);
        }
    }
}

#[test]
fn tables_a_server_that_never_notifies_attachment_permission_or_rules_tables_is_non_strict() {
    // MS-OXCNOTIF_R256: the server SHOULD subscribe every table it creates.
    let r = bug("tables_other_kinds_quiet", &["sequence.tables.*"]);
    assert_eq!(r.code, Some(0), "a SHOULD:\n{}", r.stdout);
    for id in ["attachments", "permissions", "rules"] {
        r.reports(&format!("sequence.tables.{id}.table-changed"), "NON-STRICT", "MS-OXCNOTIF_R256");
    }
    assert_eq!(r.verdict("sequence.tables.contents.row-added"), "PASS");
}

#[test]
fn tables_a_server_that_ignores_no_notifications_fails() {
    let r = bug("tables_ignore_no_notifications", &["sequence.tables.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    r.reports("sequence.tables.contents.no-notifications-flag", "FAIL", "MS-OXCNOTIF_R258");
}

#[test]
fn tables_a_server_that_keeps_notifying_after_reset_is_non_strict() {
    let r = bug("tables_notify_after_reset", &["sequence.tables.*"]);
    assert_eq!(r.code, Some(0), "R272-R285 are SHOULDs:\n{}", r.stdout);
    r.reports("sequence.tables.contents.reset-stops-until-a-new-view", "NON-STRICT", "MS-OXCNOTIF_R282");
}

#[test]
fn tables_row_data_for_the_wrong_column_set_fails() {
    let r = bug("tables_wrong_columns", &["sequence.tables.*"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    for id in ["contents.row-added", "contents.row-modified", "hierarchy.row-added"] {
        r.reports(&format!("sequence.tables.{id}"), "FAIL", "MS-OXCNOTIF_R166001");
    }
}
