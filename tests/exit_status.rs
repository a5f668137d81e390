//! README.md's "Exit status" table is what the commands do: every command
//! `oxcnotif --help` lists has a row, and an example of each cell of the
//! table exits with that cell's status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `oxcnotif ARGS` in `dir` (`{bin}` in an argument is the binary,
/// `{root}` the checkout), with `stdin`; returns the exit status and what it
/// printed.
fn status(dir: &Path, args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let bin = env!("CARGO_BIN_EXE_oxcnotif");
    let args: Vec<String> =
        args.iter().map(|a| a.replace("{bin}", bin).replace("{root}", &root().display().to_string())).collect();
    let mut child = Command::new(bin)
        .args(&args)
        .current_dir(dir)
        .env("OXCNOTIF_BIN", bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oxcnotif starts");
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let o = child.wait_with_output().unwrap();
    (o.status.code(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// The commands named in the first column of the README's table.
fn table_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("\n## Exit status\n").nth(1).expect("README has an Exit status section");
    let section = section.split("\n## ").next().unwrap();
    let mut out = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap();
        out.extend(first.split(',').map(|c| c.trim().trim_matches('`').to_string()));
    }
    out
}

#[test]
fn every_command_has_a_row() {
    let (_, help) = status(root(), &["--help"], "");
    let listed: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(listed.len() >= 9, "{help}");
    let table = table_commands();
    for c in &listed {
        assert!(table.contains(c), "README's exit-status table has no row for `{c}` (it has {table:?})");
    }
}

#[test]
fn every_cell_of_the_table_is_true() {
    let d = Scratch(std::env::temp_dir().join(format!("oxcnotif-exit-status-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&d.0);
    std::fs::create_dir_all(d.0.join("empty")).unwrap();
    let dir = d.0.as_path();
    let file = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    let case = |v: u16| {
        format!(
            "structure: pending-response\ncases:\n  - id: t.one\n    description: d\n    sections: [MS-OXCROPS 2.2.14.3.1]\n    requirements: [MS-OXCROPS_R4437]\n    bytes: \"6e0100\"\n    expect:\n      value: {{RopId: 0x6E, SessionIndex: {v}}}\n"
        )
    };
    std::fs::create_dir_all(dir.join("good")).unwrap();
    std::fs::create_dir_all(dir.join("bad")).unwrap();
    std::fs::write(dir.join("good/a.yaml"), case(1)).unwrap();
    std::fs::write(dir.join("bad/a.yaml"), case(2)).unwrap();
    file("trace-should.yaml", "trace:\n  - input: \"0900 29 00 00 01 0400 01 6f000000 00000000\"\n  - output: \"0800 29 01 00000000 6f000000 70000000\"\n  - input: \"0500 01 00 00 70000000\"\n  - output: \"0200\"\n");
    file("trace-must.yaml", "trace:\n  - input: \"0500 01 00 00 71000000\"\n  - output: \"0200\"\n");
    file("trace-undecodable.yaml", "trace:\n  - input: \"0900 29\"\n");
    file("not-a-trace.yaml", "steps: []\n");
    file("value.json", "{\"RopId\": 110, \"SessionIndex\": 1}");
    file("artifact", "\u{4}\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}");
    let pass = "run --suite good --no-report";
    let rows: &[(&str, &str, &str, i32)] = &[
        // run
        ("run", pass, "", 0),
        ("run", "run --list", "", 0),
        ("run", "run --suite bad --no-report", "", 1),
        ("run", "run --suite empty", "", 2),
        ("run", "run --suite good --no-report --profile nope", "", 2),
        ("run", "run --suite good --no-report --target no-such-adapter-here", "", 2),
        // fuzz
        ("fuzz", "fuzz --target {bin}\u{1f}adapter --duration 300ms --out fz0", "", 0),
        (
            "fuzz",
            "fuzz --target python3\u{1f}{root}/tests/adapters/planted.py --duration 1s --max-disagreements 1 --out fz1",
            "",
            1,
        ),
        ("fuzz", "fuzz --target {bin}\u{1f}adapter --duration 1x", "", 2),
        // decode, dissect
        ("decode", "decode pending-response 6e0100", "", 0),
        ("decode", "decode notification-data 04400100000000000a010000", "", 0),
        ("decode", "decode notification-data 04400100000000000a010000 --strict-findings", "", 1),
        ("decode", "decode pending-response 6e01", "", 1),
        ("decode", "decode pending-response 6g0100", "", 2),
        ("dissect", "dissect notification-data 04400100000000000a010000", "", 0),
        ("dissect", "dissect notification-data 04400100000000000a010000 --strict-findings", "", 1),
        ("dissect", "dissect pending-response -", "6e01", 1),
        ("dissect", "dissect pending-response", "", 2),
        // encode
        ("encode", "encode pending-response value.json", "", 0),
        ("encode", "encode pending-response -", "{\"RopId\": 110,}", 1),
        ("encode", "encode pending-response -", "RopId: 110\n", 1),
        ("encode", "encode pending-response no-such-file.json", "", 2),
        // check-trace
        ("check-trace", "check-trace trace-should.yaml", "", 0),
        ("check-trace", "check-trace trace-should.yaml --strict", "", 1),
        ("check-trace", "check-trace trace-must.yaml", "", 1),
        ("check-trace", "check-trace trace-undecodable.yaml", "", 1),
        ("check-trace", "check-trace not-a-trace.yaml", "", 2),
        ("check-trace", "check-trace no-such-trace.yaml", "", 2),
        // compare (the results.json files are written by the run rows below)
        ("compare", "compare good-report bad-report", "", 1),
        ("compare", "compare bad-report good-report", "", 0),
        ("compare", "compare no-such-report good-report", "", 2),
        // export-corpus
        ("export-corpus", "export-corpus --cases good --out seeds", "", 0),
        ("export-corpus", "export-corpus --cases good --out /proc/oxcnotif-no", "", 1),
        ("export-corpus", "export-corpus --cases no-such-suite --out seeds", "", 2),
        // regress
        ("regress", "regress notification_data artifact --dir regressions --keep-passing", "", 0),
        ("regress", "regress notification_data artifact --dir regressions", "", 1),
        ("regress", "regress no_such_target artifact", "", 2),
        // adapter
        ("adapter", "adapter", "", 0),
        ("adapter", "adapter --no-such-option", "", 2),
    ];
    // The two reports compare reads.
    for (suite, out, want) in [("good", "good-report", 0), ("bad", "bad-report", 1)] {
        let (code, said) = status(dir, &["run", "--suite", suite, "--out", out], "");
        assert_eq!(code, Some(want), "{said}");
    }
    let table = table_commands();
    let mut failures = Vec::new();
    for (command, args, stdin, want) in rows {
        assert!(table.contains(&command.to_string()), "{command} is not in the table");
        // \u{1f} joins the words of one argument (an adapter command).
        let words: Vec<String> = args.split(' ').map(|w| w.replace('\u{1f}', " ")).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let (code, said) = status(dir, &words, stdin);
        if code != Some(*want) {
            failures.push(format!("`oxcnotif {args}` exited {code:?}, the table says {want}:\n{said}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let (code, _) = status(dir, &["--version"], "");
    assert_eq!(code, Some(0));
    let (code, _) = status(dir, &["no-such-command"], "");
    assert_eq!(code, Some(2));
}
