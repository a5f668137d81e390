//! What a new user and a nightly job meet: reports written only where they
//! belong, rerun lines that reproduce, and runs that cannot pass by doing
//! nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory holding the suite and spec data as links, so that
/// `oxcnotif run` there uses the default suite and writes `reports/` there.
fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oxcnotif-first-hour-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    #[cfg(unix)]
    for name in ["spec-cases", "spec", "tests"] {
        std::os::unix::fs::symlink(root().join(name), d.join(name)).unwrap();
    }
    d
}

fn oxcnotif(dir: &Path, args: &[&str], name: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oxcnotif"));
    c.current_dir(dir).args(args).env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"));
    if let Some(n) = name {
        c.env("ADAPTER_NAME", n);
    }
    c.output().expect("oxcnotif starts")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn hostile_adapter_names_stay_inside_reports() {
    let long = "x".repeat(300);
    for name in ["..", ".", "", "reference", "../../escape", long.as_str()] {
        let d = scratch("names");
        let o = oxcnotif(&d, &["run", "--target", "python3 tests/adapters/named.py"], Some(name));
        let said = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{name:?}: {said}{}", String::from_utf8_lossy(&o.stderr));
        // Nothing but the links and reports/ in the scratch directory.
        assert_eq!(entries(&d), ["reports", "spec", "spec-cases", "tests"], "{name:?}");
        let reports = entries(&d.join("reports"));
        assert_eq!(reports.len(), 1, "{name:?}: {reports:?}");
        let dir = &reports[0];
        assert!(dir != "reference" && !dir.starts_with('.') && dir.len() <= 64, "{name:?} wrote reports/{dir}");
        assert!(d.join("reports").join(dir).join("index.html").exists(), "{name:?}");
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn another_suite_without_out_writes_no_report() {
    let d = scratch("suite");
    let suite = d.join("mine");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::copy(root().join("spec-cases/wire/pending-response/pending.yaml"), suite.join("pending.yaml")).unwrap();
    let o = oxcnotif(&d, &["run", "--suite", "mine"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.join("reports").exists(), "a run of another suite wrote {:?}", entries(&d.join("reports")));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no report written"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn printed_rerun_lines_reproduce_the_verdict() {
    let d = scratch("rerun");
    let suite = d.join("mine");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::copy(root().join("spec-cases/wire/register-notification-request/scope.yaml"), suite.join("scope.yaml"))
        .unwrap();
    let o = oxcnotif(
        &d,
        &["run", "--suite", "mine", "--timeout", "7", "--target", "python3 tests/adapters/planted.py"],
        None,
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let (verdict, id) = out
        .lines()
        .find_map(|l| l.strip_prefix("FAIL ").map(|r| ("FAIL", r.split(' ').next().unwrap().to_string())))
        .unwrap_or_else(|| panic!("no FAIL in:\n{out}"));
    let line = out.lines().find(|l| l.trim_start().starts_with("rerun:") && l.contains(&id)).expect("a rerun line");
    let cmd = line.trim_start().trim_start_matches("rerun: ").replacen("oxcnotif", env!("CARGO_BIN_EXE_oxcnotif"), 1);
    assert!(cmd.contains("--suite mine") && cmd.contains("--timeout 7"), "{cmd}");
    let again = Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .current_dir(&d)
        .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.contains(&format!("{verdict} {id}")), "{cmd}\n{again}");
    assert!(again.contains("1 case: 1 FAIL"), "{again}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn runs_that_check_nothing_do_not_pass() {
    let d = scratch("nothing");
    std::fs::create_dir_all(d.join("empty")).unwrap();
    let o = oxcnotif(&d, &["run", "--suite", "empty"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no cases"));
    std::fs::write(
        d.join("mute.py"),
        "import json,sys\nfor l in sys.stdin:\n    r=json.loads(l)\n    print(json.dumps({'id':r['id'],'ok':{'name':'mute','operations':['hello']}}),flush=True)\n",
    )
    .unwrap();
    let o = oxcnotif(&d, &["run", "--target", "python3 mute.py", "--no-report"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lists no operation"));
    // Only the codec, and only a structure no case of the selection uses.
    std::fs::write(
        d.join("narrow.py"),
        "import json,sys\nfor l in sys.stdin:\n    r=json.loads(l)\n    print(json.dumps({'id':r['id'],'ok':{'name':'narrow','operations':['hello','decode'],'structures':['pending-response']}}),flush=True)\n",
    )
    .unwrap();
    let o = oxcnotif(&d, &["run", "--target", "python3 narrow.py", "--no-report", "--cases", "sequence.*"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no case could run"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn decode_then_encode_gives_the_bytes_back_in_either_layout() {
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    let hex = "29000001000101";
    let d = Command::new(bin)
        .args(["decode", "register-notification-request", hex, "--layout", "legacy"])
        .output()
        .unwrap();
    let mut e = Command::new(bin)
        .args(["encode", "register-notification-request"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    e.stdin.take().unwrap().write_all(&d.stdout).unwrap();
    let o = e.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), hex);
}

#[test]
fn cases_that_could_not_run_still_show_what_they_expect() {
    let d = scratch("expected");
    std::fs::write(
        d.join("narrow.py"),
        "import json,sys\nfor l in sys.stdin:\n    r=json.loads(l)\n    print(json.dumps({'id':r['id'],'ok':{'name':'narrow','operations':['hello','decode'],'structures':['pending-response']}} if r['op']=='hello' else {'id':r['id'],'error':'no'}),flush=True)\n",
    )
    .unwrap();
    let o =
        oxcnotif(&d, &["run", "--target", "python3 narrow.py", "--cases", "notification-data.*", "--out", "out"], None);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/results.json")).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for c in cases {
        assert_eq!(c["verdict"], "UNIMPLEMENTED", "{}", c["id"]);
        assert!(!c["expected"].is_null(), "{} shows expected: null", c["id"]);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn strict_and_require_gate_the_run() {
    let d = scratch("gate");
    let t =
        ["--target", "python3 tests/adapters/drops_should_findings.py", "--no-report", "--cases", "rop-input-buffer.*"];
    let o = oxcnotif(&d, &[&["run"][..], &t[..]].concat(), None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("NON-STRICT") && !out.contains(" FAIL"), "{out}");
    assert_eq!(o.status.code(), Some(0), "{out}");
    let o = oxcnotif(&d, &[&["run", "--strict"][..], &t[..]].concat(), None);
    assert_eq!(o.status.code(), Some(1), "--strict: {}", String::from_utf8_lossy(&o.stdout));
    let example = ["run", "--target", "python3 tests/../examples/adapters/python/adapter.py", "--no-report"];
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .args(example)
        .args(["--require", "decode"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .args(example)
        .args(["--require", "decode,server"])
        // The failed run keeps the adapter's log: in the scratch directory.
        .env("TMPDIR", &d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not implement server"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn options_are_checked_before_the_run() {
    let d = scratch("options");
    for (args, want) in [
        (vec!["run", "--no-report", "--exclude", "nothing.like.this"], "--exclude: no case id matches"),
        (vec!["run", "--no-report", "--out", "x"], "opposite things"),
        (vec!["run", "--no-report", "--timeout", "0"], "is not a positive number"),
        (vec!["run", "--out", "/proc/oxcnotif-cannot-be-here"], "cannot write there"),
    ] {
        let o = oxcnotif(&d, &args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(want), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let o = oxcnotif(&d, &["run", "--no-report", "--timeout", "1500ms", "--cases", "pending-response.*"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn hex_comes_from_an_argument_standard_input_or_a_file() {
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    let mut p = Command::new(bin)
        .args(["decode", "pending-response", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    p.stdin.take().unwrap().write_all(b"6e 0100\n").unwrap();
    let o = p.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"SessionIndex\": 1"));
    let f = std::env::temp_dir().join(format!("oxcnotif-hex-{}.hex", std::process::id()));
    std::fs::write(&f, "6e    # RopId\n0g00  # SessionIndex\n").unwrap();
    let o = Command::new(bin).args(["dissect", "pending-response"]).arg(&f).output().unwrap();
    let _ = std::fs::remove_file(&f);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2, column 2: 'g' is not a hex digit"));
}

#[test]
fn compare_lists_what_regressed_since_an_earlier_run() {
    let d = scratch("compare");
    let o = oxcnotif(&d, &["run", "--out", "good", "--cases", "register-notification-request.scope.*"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let planted = [
        "run",
        "--out",
        "bad",
        "--cases",
        "register-notification-request.scope.*",
        "--target",
        "python3 tests/adapters/planted.py",
    ];
    let o = oxcnotif(&d, &planted, None);
    assert_eq!(o.status.code(), Some(1));
    let o = oxcnotif(&d, &["compare", "good", "bad/results.json"], None);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("REGRESSED") && text.contains("PASS -> FAIL"), "{text}");
    let o = oxcnotif(&d, &["compare", "bad", "good"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("FIXED"));
    // The same during a run.
    let o = oxcnotif(
        &d,
        &["run", "--no-report", "--cases", "register-notification-request.scope.*", "--compare", "bad"],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 regressed"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_installed_binary_runs_anywhere_with_its_built_in_suite() {
    let d = std::env::temp_dir().join(format!("oxcnotif-first-hour-anywhere-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let o = oxcnotif(&d, &["run", "--no-report"], None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&o.stderr));
    let suite = oxcnotif::cases::load_suite(&root().join("spec-cases")).unwrap();
    let n = suite.len();
    assert!(out.contains(&format!("{n} cases: {n} PASS")), "{out}");
    assert_eq!(entries(&d), Vec::<String>::new(), "the run wrote into the empty directory");
    let v = Command::new(env!("CARGO_BIN_EXE_oxcnotif")).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&v.stdout).contains("built-in suite"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn list_prints_what_would_run_and_runs_nothing() {
    let d = std::env::temp_dir().join(format!("oxcnotif-first-hour-list-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let lines = |o: &Output| String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect::<Vec<_>>();
    let o = oxcnotif(&d, &["run", "--list"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let suite = oxcnotif::cases::load_suite(&root().join("spec-cases")).unwrap();
    assert_eq!(lines(&o).len(), suite.len());
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("{} cases would run", suite.len())));
    assert_eq!(entries(&d), Vec::<String>::new(), "--list wrote something");
    // The selection options apply; each line is id, kind, requirement IDs.
    let o = oxcnotif(&d, &["run", "--list", "--cases", "pending-response.*", "--exclude", "*.truncated.*"], None);
    let got = lines(&o);
    assert_eq!(got.len(), 3, "{got:?}");
    for l in &got {
        let w: Vec<&str> = l.split_whitespace().collect();
        assert!(w[0].starts_with("pending-response.") && w[1] == "wire" && w[2].starts_with("MS-OX"), "{l}");
    }
    // A product profile leaves out the cases written for other products.
    let o = oxcnotif(&d, &["run", "--list", "--cases", "sequence.*", "--profile", "exchange-2010"], None);
    let all = oxcnotif(&d, &["run", "--list", "--cases", "sequence.*"], None);
    assert!(lines(&o).len() < lines(&all).len());
    let seq2007 = suite.sequences.iter().find(|c| c.profile.name == "exchange-2007").expect("a 2007 case");
    assert!(lines(&all).iter().any(|l| l.starts_with(&format!("{} ", seq2007.id))));
    assert!(!lines(&o).iter().any(|l| l.starts_with(&format!("{} ", seq2007.id))));
    // Nothing is started: a target that cannot run is not run.
    let o =
        oxcnotif(&d, &["run", "--list", "--target", "no-such-adapter-anywhere", "--cases", "pending-response.*"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(oxcnotif(&d, &["run", "--list", "--out", "x"], None).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn quiet_prints_failures_and_totals_and_verbose_every_case() {
    let d = scratch("quiet");
    let o = oxcnotif(&d, &["run", "--quiet", "--cases", "pending-response.*"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "5 cases: 5 PASS\n");
    // A report is written, and not announced.
    let o = oxcnotif(&d, &["run", "-q", "--cases", "pending-response.*", "--out", "quiet-report"], None);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "5 cases: 5 PASS\n");
    assert!(d.join("quiet-report/index.html").exists());
    let planted = ["--cases", "register-notification-request.scope.*", "--target", "python3 tests/adapters/planted.py"];
    let o = oxcnotif(&d, &[&["run", "-q", "--no-report"][..], &planted[..]].concat(), None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.starts_with("FAIL "), "{out}");
    assert!(out.contains("rerun: oxcnotif run --case"), "{out}");
    assert!(!out.contains("target:") && !out.contains("  wire ") && !out.contains("PASS register"), "{out}");
    let last = out.lines().rfind(|l| !l.starts_with("target stderr:")).unwrap_or("");
    assert!(last.contains(" FAIL") && last.contains(" case"), "{out}");
    let o = oxcnotif(&d, &[&["run", "--verbose", "--no-report"][..], &planted[..]].concat(), None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let ids: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("PASS ") || l.starts_with("FAIL "))
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    let n = oxcnotif(&d, &["run", "--list", "--cases", "register-notification-request.scope.*"], None);
    assert_eq!(ids.len(), String::from_utf8_lossy(&n.stdout).lines().count(), "{out}");
    assert!(ids.len() > 1 && out.contains("PASS register-notification-request.scope."), "{out}");
    assert_eq!(oxcnotif(&d, &["run", "-q", "-v"], None).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_harness_regression_cases_are_not_counted_as_the_targets() {
    let d = scratch("regressions");
    let suite = d.join("mine");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::copy(root().join("spec-cases/wire/pending-response/pending.yaml"), suite.join("pending.yaml")).unwrap();
    std::fs::write(
        suite.join("regression.yaml"),
        "kind: regression\ncases:\n  - id: regression.notification-data.0001\n    description: a kept input\n    target: notification_data\n    bytes: \"0400 0102030405060708\"\n",
    )
    .unwrap();
    // Against an adapter, the totals are the target's and the harness's
    // regression case is counted on a line of its own.
    let o = oxcnotif(&d, &["run", "--suite", "mine", "--target", "sh -c '\"$OXCNOTIF_BIN\" adapter'"], None);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("\n5 cases: 5 PASS\n"), "{out}");
    assert!(
        out.contains("and 1 regression case of the harness itself (run in process, not against the target): 1 PASS"),
        "{out}"
    );
    // Built in, the harness is the target: one total.
    let o = oxcnotif(&d, &["run", "--suite", "mine"], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\n6 cases: 6 PASS\n"));
    // A target that runs nothing but the harness's own cases ran nothing.
    let o = oxcnotif(
        &d,
        &["run", "--suite", "mine", "--cases", "regression.*", "--target", "sh -c '\"$OXCNOTIF_BIN\" adapter'"],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no case could run"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn an_adapter_that_dies_in_hello_shows_its_log_and_logs_do_not_pile_up() {
    let d = scratch("dies");
    let tmp = d.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(
        d.join("dies.py"),
        "import sys\nsys.stderr.write('starting\\n')\nraise RuntimeError('boom in hello')\n",
    )
    .unwrap();
    let with_tmp = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
            .current_dir(&d)
            .args(args)
            .env("TMPDIR", &tmp)
            .env("OXCNOTIF_BIN", env!("CARGO_BIN_EXE_oxcnotif"))
            .output()
            .unwrap()
    };
    for cmd in
        [&["run", "--target", "python3 dies.py"][..], &["fuzz", "--target", "python3 dies.py", "--duration", "1s"]]
    {
        let o = with_tmp(cmd);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
        let logs = entries(&tmp);
        assert_eq!(logs.len(), 1, "{cmd:?}: {logs:?}");
        let log = tmp.join(&logs[0]);
        assert!(err.contains(&format!("its standard error is kept in {}", log.display())), "{cmd:?}: {err}");
        assert!(err.contains("  | RuntimeError: boom in hello"), "{cmd:?}: {err}");
        std::fs::remove_file(log).unwrap();
    }
    // A run that passes leaves no log; one that fails keeps it and says so.
    let example = "python3 examples/adapters/python/adapter.py";
    let o = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
        .current_dir(root())
        .args(["run", "--target", example, "--cases", "register-notification-request.scope.*"])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(entries(&tmp), Vec::<String>::new());
    let o = with_tmp(&[
        "run",
        "--target",
        "sh -c 'echo noise >&2; exec python3 tests/adapters/planted.py'",
        "--cases",
        "register-notification-request.scope.*",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let logs = entries(&tmp);
    assert_eq!(logs.len(), 1, "{logs:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("target stderr: {} (kept: the run did not pass)", tmp.join(&logs[0]).display())),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_report_written_anywhere_is_the_one_a_checkout_writes() {
    // An installed binary in an empty directory: the suite and the
    // requirement tables it was built with give the report a checkout's
    // files give.
    let d = std::env::temp_dir().join(format!("oxcnotif-first-hour-report-anywhere-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let o = oxcnotif(&d, &["run"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    let checkout = scratch("report-checkout");
    let o = oxcnotif(&checkout, &["run"], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["requirements.md", "summary.md", "results.json", "index.html"] {
        let here = std::fs::read_to_string(d.join("reports/reference").join(f)).unwrap();
        let there = std::fs::read_to_string(checkout.join("reports/reference").join(f)).unwrap();
        assert!(here == there, "reports/reference/{f} written in an empty directory differs from a checkout's");
    }
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_dir_all(&checkout);
}
