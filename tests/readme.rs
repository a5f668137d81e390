//! README.md shows real command output. This test runs every `$ oxcnotif …`
//! example in its `text` blocks and checks that the output shown is what
//! the command prints today, so the README cannot drift from the tool.

use std::io::Write;
use std::process::{Command, Stdio};

/// Splits a shell-like command line: words, and single-quoted strings.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for ch in line.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let Some(first) = block.lines().next() else { continue };
        let Some(cmd) = first.strip_prefix("$ ") else { continue };
        let expected: String = block.lines().skip(1).map(|l| format!("{l}\n")).collect();
        let (stdin, cmd) = match cmd.split_once(" | ") {
            Some((echo, rest)) => (Some(words(echo.trim_start_matches("echo ")).join(" ")), rest),
            None => (None, cmd),
        };
        let argv = words(cmd);
        assert_eq!(argv[0], "oxcnotif", "{first}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_oxcnotif"))
            .args(&argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        } else {
            drop(child.stdin.take());
        }
        let o = child.wait_with_output().unwrap();
        let shown = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(shown, expected, "README example `{first}` prints something else");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} README examples found");
}
