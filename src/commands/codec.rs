//! `decode`, `encode`, `dissect` and `check-trace`: the codec and the
//! client monitor on one input.

use super::{Console, Failure, Outcome};
use crate::wire::{dissect, error_json, finding_json, Layout, Structure};
use serde_json::{json, Value};

/// How `decode` and `check-trace` print their result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for a person (`check-trace` only; `decode` prints JSON).
    Text,
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
}

fn print_doc(c: &mut Console, doc: &Value, format: Format) {
    match format {
        Format::Json | Format::Text => c.say(serde_json::to_string_pretty(doc).unwrap_or_default()),
        Format::Yaml => c.say_raw(serde_yaml::to_string(doc).unwrap_or_default()),
    }
}

/// `1 finding (1 MUST)`, `3 findings (2 MUST, 1 SHOULD)`.
fn count_findings<'a>(levels: impl Iterator<Item = &'a crate::wire::Finding>) -> (String, usize) {
    let (mut must, mut should) = (0, 0);
    for f in levels {
        match f.level {
            crate::wire::Level::Must => must += 1,
            crate::wire::Level::Should => should += 1,
        }
    }
    let mut parts = Vec::new();
    if must > 0 {
        parts.push(format!("{must} MUST"));
    }
    if should > 0 {
        parts.push(format!("{should} SHOULD"));
    }
    (format!("{} ({})", super::plural(must + should, "finding"), parts.join(", ")), must)
}

/// What `decode` and `dissect` say on standard error about the findings
/// of bytes that frame, and their exit status: 0, or 1 with
/// `strict_findings` when one is a MUST.
fn report_findings(c: &mut Console, findings: &[crate::wire::Finding], each: bool, strict_findings: bool) -> u8 {
    if findings.is_empty() {
        return 0;
    }
    if each {
        for f in findings {
            c.warn(format!(
                "finding: {} {} at offset {}, {}: {}",
                f.level.name(),
                f.requirement,
                f.offset,
                f.field,
                f.message
            ));
        }
    }
    let (counted, must) = count_findings(findings.iter());
    let code = u8::from(strict_findings && must > 0);
    let why = match (code, must) {
        (1, _) => "a MUST is broken, so exit status 1 (--strict-findings)",
        (_, 0) => "the bytes frame, so exit status 0",
        _ => "the bytes frame, so exit status 0 (--strict-findings: 1)",
    };
    c.warn(format!("{counted}; {why}"));
    code
}

/// The bytes of a HEX argument: `-` reads the hex from standard input, the
/// name of an existing file reads it from that file (annotated hex with `#`
/// comments, as in the case files), anything else is the hex itself. A
/// mistake is reported with its line and column.
fn hex_arg(arg: &str) -> Result<Vec<u8>, Failure> {
    let path = std::path::Path::new(arg);
    let (text, from) = if arg == "-" || path.is_file() {
        (
            super::read_input(Some(path)).map_err(Failure::Usage)?,
            if arg == "-" { "standard input".to_string() } else { arg.to_string() },
        )
    } else {
        (arg.to_string(), "HEX".to_string())
    };
    crate::hex::parse(&text)
        .map_err(|e| Failure::Usage(format!("{from}: line {}, column {}: {}", e.line, e.column, e.message)))
}

/// `decode`: prints `{structure, layout, value, findings}`, or `{structure,
/// layout, error}` and exits 1. Findings are also listed on standard
/// error; they make the exit status 1 only with `strict_findings` and a
/// MUST among them.
pub fn decode(
    c: &mut Console,
    s: Structure,
    hex: &str,
    layout: Layout,
    format: Format,
    strict_findings: bool,
) -> Outcome {
    let bytes = hex_arg(hex)?;
    match s.decode(&bytes, layout) {
        Ok((v, findings)) => {
            let doc = json!({"structure": s.name(), "layout": layout.name(), "value": v, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()});
            print_doc(c, &doc, format);
            Ok(report_findings(c, &findings, true, strict_findings))
        }
        Err(e) => {
            print_doc(c, &json!({"structure": s.name(), "layout": layout.name(), "error": error_json(&e)}), format);
            Ok(1)
        }
    }
}

/// `encode`: reads a value from `input` (a file; `-` or `None`: standard
/// input) and prints hex. The value is JSON or YAML ([`crate::cases::doc`]
/// says which), a bare value or decode's whole output. Without a `layout`,
/// the one decode's output names is used (so `decode | encode` gives the
/// bytes back), else spec.
pub fn encode(c: &mut Console, s: Structure, input: Option<&std::path::Path>, layout: Option<Layout>) -> Outcome {
    let text = super::read_input(input).map_err(Failure::Usage)?;
    let file = input.filter(|p| p.as_os_str() != "-");
    let doc: Value = crate::cases::doc::parse_named(file, &text).map_err(|e| {
        let name = file.map(|p| p.display().to_string()).unwrap_or_else(|| "standard input".into());
        let syntax = crate::cases::doc::Syntax::of(file, &text);
        Failure::failed(format!("{name}: not {}: {e}{}", syntax.name(), flow_yaml_hint(file, syntax, &e)))
    })?;
    let value = unwrap_decode_output(&doc, s).map_err(Failure::failed)?;
    let named = doc.get("value").and(doc.get("layout")).and_then(Value::as_str);
    let layout = match (layout, named) {
        (Some(l), _) => l,
        (None, Some(n)) => Layout::from_name(n)
            .ok_or_else(|| Failure::failed(format!("the input's layout {n:?} is not spec or legacy")))?,
        (None, None) => Layout::Spec,
    };
    let b = s.encode(value, layout).map_err(|e| Failure::failed(format!("cannot encode {}: {e}", s.name())))?;
    c.say(crate::hex::encode(&b));
    Ok(0)
}

/// Input that starts with `{` or `[` is read as JSON unless its name
/// says YAML: what looks like a YAML flow mapping (an unquoted key or
/// value) is told how to be read as YAML.
fn flow_yaml_hint(
    file: Option<&std::path::Path>,
    syntax: crate::cases::doc::Syntax,
    e: &crate::cases::doc::DocError,
) -> &'static str {
    let named_json = file.and_then(|p| p.extension()).is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let yaml_like = e.message.starts_with("key must be a string") || e.message.starts_with("expected value");
    if syntax == crate::cases::doc::Syntax::Json && !named_json && yaml_like {
        " (input starting with { or [ is read as JSON; for YAML flow style, put it in a .yaml file)"
    } else {
        ""
    }
}

/// Accepts a bare value or decode's whole output `{structure, value, …}`.
fn unwrap_decode_output(doc: &Value, s: Structure) -> Result<&Value, String> {
    if let (Some(st), Some(v)) = (doc.get("structure"), doc.get("value")) {
        if st.as_str() != Some(s.name()) {
            return Err(format!("the input is decode output for {st}, not {:?}", s.name()));
        }
        return Ok(v);
    }
    if doc.get("error").is_some() && doc.get("structure").is_some() {
        return Err("the input is decode output holding an error, not a value".into());
    }
    Ok(doc)
}

/// `dissect`: one line per field, findings under their field (and counted
/// on standard error); exits 1 on a framing error, or with
/// `strict_findings` on a MUST finding.
pub fn dissect(c: &mut Console, s: Structure, hex: &str, layout: Layout, strict_findings: bool) -> Outcome {
    let bytes = hex_arg(hex)?;
    let d = s.dissect(&bytes, layout);
    c.say_raw(dissect::render(&bytes, &d));
    match &d.result {
        Ok(_) => Ok(report_findings(c, &d.findings, false, strict_findings)),
        Err(_) => Ok(1),
    }
}

/// `check-trace`: the client rules a recorded session breaks. `file` is a
/// trace file (JSON or YAML, [`crate::cases::doc`] says which); `-` reads
/// it from standard input. Exits 1 when a MUST is broken (with `strict`,
/// a SHOULD too) or a buffer does not decode, 0 otherwise; a file that
/// cannot be read or is not a trace is a configuration error (2).
pub fn check_trace(c: &mut Console, file: &std::path::Path, format: Format, strict: bool) -> Outcome {
    let stdin = file.as_os_str() == "-";
    let name = if stdin { "standard input".to_string() } else { file.display().to_string() };
    let text = super::read_input(Some(file)).map_err(Failure::Usage)?;
    let named = (!stdin).then_some(file);
    let raw: crate::cases::trace::TraceFile = crate::cases::doc::parse_named(named, &text).map_err(|e| {
        let syntax = crate::cases::doc::Syntax::of(named, &text);
        Failure::config(format!(
            "{name}: not a trace file ({}): {e}{}",
            syntax.name(),
            flow_yaml_hint(named, syntax, &e)
        ))
    })?;
    let layout = match raw.layout.as_deref() {
        None => Layout::Spec,
        Some(l) => {
            Layout::from_name(l).ok_or_else(|| Failure::Usage(format!("{name}: layout {l:?} is not spec or legacy")))?
        }
    };
    let steps =
        crate::cases::trace::steps(&raw.trace).map_err(|(f, m)| Failure::config(format!("{name}: {f}: {m}")))?;
    let side = |k: usize| match steps.get(k) {
        Some(crate::model::client::TraceStep::Input(_)) => "input",
        Some(crate::model::client::TraceStep::Output(_)) => "output",
        None => "?",
    };
    let shown = file.display().to_string();
    match crate::model::client::check(&steps, layout, &raw.preexisting_handles) {
        Err(e) => {
            if format == Format::Text {
                c.say(format!("ERROR {name}: step {} ({}): {}", e.step, side(e.step), e.message));
            } else {
                print_doc(c, &json!({"file": shown, "error": {"step": e.step, "message": e.message}}), format);
            }
            Ok(1)
        }
        Ok(mut found) => {
            let (counted, must) = count_findings(found.iter().map(|f| &f.finding));
            let should = found.len() - must;
            let code = u8::from(must > 0 || (strict && should > 0));
            if format == Format::Text {
                found.sort_by_key(|f| (f.step, f.finding.level != crate::wire::Level::Must));
                let req = found.iter().map(|f| f.finding.requirement.len()).max().unwrap_or(0);
                for f in &found {
                    let g = &f.finding;
                    c.say(format!(
                        "step {:<3} {:<6}  {:<6}  {:<req$}  {} (offset {}): {}",
                        f.step,
                        side(f.step),
                        g.level.name(),
                        g.requirement,
                        g.field,
                        g.offset,
                        g.message
                    ));
                }
                let verdict = match (must, should) {
                    (0, 0) => "PASS",
                    (0, _) => "NON-STRICT",
                    _ => "FAIL",
                };
                let steps = super::plural(steps.len(), "step");
                c.say(match found.len() {
                    0 => format!("{verdict} {name}: {steps}, no client rule broken"),
                    _ => format!("{verdict} {name}: {steps}, {counted}"),
                });
            } else {
                let findings: Vec<Value> = found
                    .iter()
                    .map(|f| {
                        let mut v = finding_json(&f.finding);
                        v["step"] = json!(f.step);
                        v
                    })
                    .collect();
                print_doc(c, &json!({"file": shown, "steps": steps.len(), "findings": findings}), format);
            }
            Ok(code)
        }
    }
}
