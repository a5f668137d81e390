//! `oxcnotif run --server URL` as a user runs it, against `oxcnotif serve`
//! on loopback: through TLS with `--insecure`, and as a product profile.
//! Each run's results.json is read for the verdicts.

use oxcnotif::target::mapi_http::{Client, Endpoint};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

mod common;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `oxcnotif run --server url --user tester` with `extra`, the password
/// from OXCNOTIF_PASSWORD: exit status, stderr, and the cases of
/// results.json by id (empty when none was written).
fn run(name: &str, url: &str, extra: &[&str]) -> (i32, String, BTreeMap<String, Value>) {
    let out = common::temp_dir(&format!("live-run-{name}"));
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", url, "--user", "tester", "--wait-limit", "450ms", "--out"])
        .arg(&out.0)
        .args(extra)
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .output()
        .unwrap();
    let cases = std::fs::read_to_string(out.0.join("results.json"))
        .ok()
        .map(|t| serde_json::from_str::<Value>(&t).unwrap())
        .map(|v| {
            v["cases"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c.clone())).collect()
        })
        .unwrap_or_default();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).into_owned(), cases)
}

fn verdicts(cases: &BTreeMap<String, Value>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for c in cases.values() {
        *m.entry(c["verdict"].as_str().unwrap().to_string()).or_default() += 1;
    }
    m
}

fn mailbox(url: &str) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(url, "tester", "pw-1", true).unwrap(), "{0}:1".into());
    let x = rt.block_on(c.send_to("GET", "/oxcnotif/mailbox", "", Vec::new(), &[])).unwrap();
    serde_json::from_slice(&x.raw).unwrap()
}

#[test]
fn the_sequence_cases_pass_through_tls_with_insecure_and_every_exclusion_has_its_reason() {
    let s = common::serve(
        "live-run-tls",
        &["--tls-cert", &fixture("cert.pem"), "--tls-key", &fixture("key.pem"), "--wait-limit", "450ms"],
    );
    assert!(s.url.starts_with("https://"), "{}", s.url);
    let before = mailbox(&s.url);
    let (code, stderr, cases) = run("tls", &s.url, &["--insecure", "--cases", "sequence.*"]);
    assert_eq!(code, 0, "{stderr}");
    let v = verdicts(&cases);
    let bad: Vec<String> = cases
        .iter()
        .filter(|(_, c)| !matches!(c["verdict"].as_str(), Some("PASS" | "EXCLUDED")))
        .map(|(id, c)| format!("{id}: {} {}", c["verdict"], c["problems"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(v.get("PASS").copied().unwrap_or(0) >= 110, "{v:?}");
    for (id, c) in cases.iter().filter(|(_, c)| c["verdict"] == "EXCLUDED") {
        let note = c["note"].as_str().unwrap_or("");
        assert!(note.len() > 20, "{id} is EXCLUDED without its reason: {c}");
    }
    // Written for other products: excluded with the option that runs them.
    assert!(cases["sequence.profiles.exchange-2010.new-mail-message-flags"]["note"]
        .as_str()
        .unwrap()
        .contains("--profile exchange-2010"));
    assert_eq!(before, mailbox(&s.url), "the run left the mailbox changed");
}

#[test]
fn a_server_that_also_reports_each_changed_folders_count_passes_with_those_notifications_noted() {
    // serve --folder-counts adds ObjectModified of the folder a message was
    // created in, deleted from, moved or copied between, as Exchange does:
    // notifications no case names, which a conforming server may send.
    let s = common::serve("live-run-counts", &["--folder-counts", "--wait-limit", "450ms"]);
    let (code, stderr, cases) = run("counts", &s.url, &["--cases", "sequence.*"]);
    assert_eq!(code, 0, "{stderr}");
    // Every case passes or is excluded: the added notifications are
    // tolerated, and where they take room in a small output the expected
    // ones may come a poll later (docs/live.md).
    let bad: Vec<String> = cases
        .iter()
        .filter(|(_, c)| !matches!(c["verdict"].as_str(), Some("PASS" | "EXCLUDED")))
        .map(|(id, c)| format!("{id}: {} {}", c["verdict"], c["problems"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let noted: Vec<(&String, &Value)> = cases
        .iter()
        .flat_map(|(id, c)| {
            c["actual"].as_array().into_iter().flatten().filter_map(|s| s.get("tolerated")).map(move |t| (id, t))
        })
        .collect();
    assert!(noted.len() >= 8, "{} steps with tolerated notifications: {noted:?}", noted.len());
    assert!(noted.iter().any(|(id, _)| id.as_str() == "sequence.events-folder.object-created-message"), "{noted:?}");
    // Each note is one of the three things a live server's additions may
    // do: a folder's ObjectModified, a new mail's saved message's
    // ObjectCreated, or expected notifications moved to a later poll.
    for (_, t) in &noted {
        for n in t.as_array().unwrap() {
            let n = n.as_str().unwrap();
            assert!(
                n.contains(": ObjectModified of folder ")
                    || n.contains(": ObjectCreated of message ")
                    || n.contains("expected in the next poll")
                    || n.starts_with("owed by the previous poll"),
                "{n}"
            );
        }
    }
    // The RopPending case whose polls the added notifications split
    // differently passes, its owed notification fetched by a further poll.
    let pending = &cases["sequence.pending.mixed-sizes-nothing-lost"];
    assert_eq!(pending["verdict"], "PASS", "{pending}");
    assert!(pending["actual"].as_array().unwrap().iter().any(|s| s.get("extra_poll").is_some()), "{pending}");
}

/// What `user`'s mailbox holds, asked as tester.
fn mailbox_of(url: &str, user: &str) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let c = Client::new(Endpoint::new(url, "tester", "pw-1", true).unwrap(), "{0}:1".into());
    let x = rt.block_on(c.send_to("GET", &format!("/oxcnotif/mailbox?user={user}"), "", Vec::new(), &[])).unwrap();
    serde_json::from_slice(&x.raw).unwrap()
}

#[test]
fn a_second_mailbox_behind_logon_id_1_runs_the_two_logon_cases_and_is_left_as_it_was() {
    let s = common::serve("live-run-other", &["--user", "tester2", "--password", "pw-2", "--wait-limit", "450ms"]);
    let (mine, theirs) = (mailbox_of(&s.url, "tester"), mailbox_of(&s.url, "tester2"));
    let two = ["--cases", "sequence.*logon*", "--cases", "sequence.multiple-subscriptions.two-logons"];
    let (code, stderr, cases) = run("other", &s.url, &[&["--other-mailbox", "tester2"][..], &two[..]].concat());
    assert_eq!(code, 0, "{stderr}");
    // Events of LogonId 1 happen in tester2's mailbox: each logon's
    // subscription hears its own (MS-OXCNOTIF_R97001, MS-OXCROPS_R4538).
    for id in [
        "sequence.handles.other-logon",
        "sequence.multiple-subscriptions.two-logons",
        "sequence.multiple-subscriptions.other-logon-event",
        "sequence.release.other-logons-handle",
    ] {
        assert_eq!(cases[id]["verdict"], "PASS", "{id}: {}", cases[id]);
    }
    assert!(cases.values().all(|c| c["verdict"] != "FAIL" && c["verdict"] != "ERROR"));
    assert_eq!(mine, mailbox_of(&s.url, "tester"), "the run left tester's mailbox changed");
    assert_eq!(theirs, mailbox_of(&s.url, "tester2"), "the run left tester2's mailbox changed");
    // Without --other-mailbox those events cannot be caused, and say how.
    let (code, _, cases) = run("other-none", &s.url, &two);
    assert_eq!(code, 0);
    let x = &cases["sequence.multiple-subscriptions.two-logons"];
    assert_eq!(x["verdict"], "EXCLUDED");
    assert!(x["note"].as_str().unwrap().contains("--other-mailbox"), "{x}");
}

#[test]
fn mailbox_dn_names_the_mailbox_connect_and_roplogon_use() {
    // As tester, with tester2's mailbox named by its DN (a delegate logon on
    // serve): the kept scratch folders are in tester2's mailbox, not tester's.
    let s = common::serve("live-run-dn", &["--user", "tester2", "--password", "pw-2", "--wait-limit", "450ms"]);
    let (mine, theirs) = (mailbox_of(&s.url, "tester"), mailbox_of(&s.url, "tester2"));
    let dn = "/o=oxcnotif/cn=Recipients/cn=tester2";
    let (code, stderr, cases) = run(
        "dn",
        &s.url,
        &[
            "--mailbox-dn",
            dn,
            "--keep",
            "--cases",
            "sequence.basics.register-notify-release",
            "--cases",
            "mapi-http.notification-wait.event-pending",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(cases["sequence.basics.register-notify-release"]["verdict"], "PASS");
    // A mapi-http case written for serve's tester is not run as another mailbox.
    let m = &cases["mapi-http.notification-wait.event-pending"];
    assert_eq!(m["verdict"], "EXCLUDED", "{m}");
    assert!(m["note"].as_str().unwrap().contains("--mailbox-dn"), "{m}");
    assert_eq!(mine, mailbox_of(&s.url, "tester"), "nothing in tester's own mailbox");
    let n = |v: &Value| v["folders"].as_array().unwrap().len();
    assert!(n(&mailbox_of(&s.url, "tester2")) > n(&theirs), "the kept scratch folder is in tester2's mailbox");
}

#[test]
fn a_wrong_password_is_a_configuration_error_that_says_so() {
    let s = common::serve("live-run-password", &[]);
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["run", "--server", &s.url, "--user", "tester", "--no-report", "--cases", "sequence.*"])
        .env("OXCNOTIF_PASSWORD", "not-pw-1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("HTTP 401 Unauthorized: the server refused user \"tester\""), "{stderr}");
    assert!(!stderr.contains("not-pw-1"), "the password is echoed: {stderr}");
    assert_eq!(stderr.matches(s.url.as_str()).count(), 1, "the URL once: {stderr}");
}

#[test]
fn a_self_signed_server_is_refused_without_insecure() {
    let s =
        common::serve("live-run-tls-strict", &["--tls-cert", &fixture("cert.pem"), "--tls-key", &fixture("key.pem")]);
    let (code, stderr, cases) = run("tls-strict", &s.url, &["--cases", "sequence.*"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(cases.is_empty());
    assert!(stderr.to_lowercase().contains("certificate"), "{stderr}");
}

#[test]
fn a_server_run_as_a_product_runs_that_products_cases_and_excludes_the_others() {
    let s = common::serve("live-run-profile", &["--profile", "exchange-2010", "--wait-limit", "450ms"]);
    let (code, stderr, cases) =
        run("profile", &s.url, &["--profile", "exchange-2010", "--cases", "sequence.profiles.*"]);
    assert_eq!(code, 0, "{stderr}");
    let mut ran = 0;
    for (id, c) in &cases {
        let v = c["verdict"].as_str().unwrap();
        if id.starts_with("sequence.profiles.exchange-2010.") {
            // Run as the product; excluded only for what a live mailbox
            // cannot express, never for the profile.
            let note = c["note"].as_str().unwrap_or("");
            assert!(
                v == "PASS" || v == "INFO" || (v == "EXCLUDED" && note.starts_with("cannot be expressed")),
                "{id}: {c}"
            );
            ran += (v != "EXCLUDED") as usize;
        } else if id.starts_with("sequence.profiles.exchange-2007.") {
            assert_eq!(v, "EXCLUDED", "{id}");
            assert!(c["note"].as_str().unwrap().contains("--profile exchange-2007"), "{c}");
        }
    }
    assert!(ran >= 3, "{ran} exchange-2010 cases ran");
}

#[test]
fn a_server_of_the_legacy_layout_runs_the_cases_that_read_the_same_and_its_own() {
    // serve --layout legacy reads NotificationTypes as 1 byte, then
    // Reserved. Run as such, the legacy cases run and the spec ones whose
    // requests frame differently are EXCLUDED, naming --layout; run as spec
    // (the default), the reverse.
    let s = common::serve("live-run-layout", &["--layout", "legacy", "--wait-limit", "450ms"]);
    let (code, stderr, cases) = run(
        "layout",
        &s.url,
        &["--layout", "legacy", "--cases", "sequence.legacy.*", "--cases", "sequence.register.*"],
    );
    assert_eq!(code, 0, "{stderr}");
    let v = |id: &str| cases[id]["verdict"].as_str().unwrap().to_string();
    for id in [
        "sequence.legacy.register-one-byte-types",
        "sequence.legacy.folder-scope",
        "sequence.legacy.spec-extended-request-unparseable",
    ] {
        assert_eq!(v(id), "PASS", "{id}: {}", cases[id]);
    }
    for id in ["sequence.legacy.spec-reads-extended-request", "sequence.register.extended-flag"] {
        assert_eq!(v(id), "EXCLUDED", "{id}");
        assert!(cases[id]["note"].as_str().unwrap().contains("give --layout spec"), "{}", cases[id]);
    }
    assert!(verdicts(&cases).keys().all(|k| k == "PASS" || k == "EXCLUDED"), "{:?}", verdicts(&cases));

    let spec = common::serve("live-run-layout-spec", &["--wait-limit", "450ms"]);
    let (code, stderr, cases) = run("layout-spec", &spec.url, &["--cases", "sequence.legacy.*"]);
    assert_eq!(code, 0, "{stderr}");
    let v = |id: &str| cases[id]["verdict"].as_str().unwrap().to_string();
    // The same bytes in both layouts: a spec server runs them too.
    assert_eq!(v("sequence.legacy.register-one-byte-types"), "PASS");
    assert_eq!(v("sequence.legacy.folder-scope"), "PASS");
    let x = &cases["sequence.legacy.spec-extended-request-unparseable"];
    assert_eq!(x["verdict"], "EXCLUDED");
    assert!(x["note"].as_str().unwrap().contains("give --layout legacy"), "{x}");
}

#[test]
fn keep_leaves_the_scratch_folders_and_names_them() {
    let s = common::serve("live-run-keep", &["--wait-limit", "450ms"]);
    let before = mailbox(&s.url);
    let (code, stderr, _) = run("keep", &s.url, &["--keep", "--cases", "sequence.events-folder.*"]);
    assert_eq!(code, 0, "{stderr}");
    let kept =
        stderr.lines().filter(|l| l.starts_with("kept (--keep): the scratch folder \"oxcnotif scratch ")).count();
    assert!(kept >= 5, "{stderr}");
    let after = mailbox(&s.url);
    let n = |v: &Value| v["folders"].as_array().unwrap().len();
    assert!(n(&after) >= n(&before) + kept, "{} folders before, {} after, {kept} kept", n(&before), n(&after));
}

#[test]
fn fuzz_server_sends_sequences_over_the_wire_and_leaves_the_mailbox_as_it_was() {
    let s = common::serve("live-run-fuzz", &["--wait-limit", "450ms"]);
    let before = mailbox(&s.url);
    let out = common::temp_dir("live-run-fuzz-out");
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .args(["fuzz", "--server", &s.url, "--user", "tester", "--duration", "2s", "--out"])
        .arg(&out.0)
        .env("OXCNOTIF_PASSWORD", "pw-1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("sending server (with events)"), "{stderr}");
    let inputs: usize = stdout.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(inputs > 5 && stdout.contains("sequence") && stdout.contains("0 disagreements"), "{stdout}");
    assert_eq!(before, mailbox(&s.url), "the fuzzer left the mailbox changed");
}
