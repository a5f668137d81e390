//! `decode`, `encode`, `dissect` and `check-trace`: the codec and the
//! client monitor on one input.

use super::{Console, Failure, Outcome};
use crate::wire::{dissect, error_json, finding_json, Layout, Structure};
use serde_json::{json, Value};

/// How `decode` and `check-trace` print their document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
}

fn print_doc(c: &mut Console, doc: &Value, format: Format) {
    match format {
        Format::Json => c.say(serde_json::to_string_pretty(doc).unwrap_or_default()),
        Format::Yaml => c.say_raw(serde_yaml::to_string(doc).unwrap_or_default()),
    }
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
/// layout, error}` and exits 1.
pub fn decode(c: &mut Console, s: Structure, hex: &str, layout: Layout, format: Format) -> Outcome {
    let bytes = hex_arg(hex)?;
    let (doc, code) = match s.decode(&bytes, layout) {
        Ok((v, findings)) => (
            json!({"structure": s.name(), "layout": layout.name(), "value": v, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()}),
            0,
        ),
        Err(e) => (json!({"structure": s.name(), "layout": layout.name(), "error": error_json(&e)}), 1),
    };
    print_doc(c, &doc, format);
    Ok(code)
}

/// `encode`: reads a value (JSON or YAML; a bare value or decode's whole
/// output) and prints hex. Without a `layout`, the one decode's output
/// names is used (so `decode | encode` gives the bytes back), else spec.
pub fn encode(c: &mut Console, s: Structure, text: &str, layout: Option<Layout>) -> Outcome {
    let doc: Value =
        serde_yaml::from_str(text).map_err(|e| Failure::failed(format!("the input is not JSON or YAML: {e}")))?;
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

/// `dissect`: one line per field, findings under their field; exits 1 on a
/// framing error.
pub fn dissect(c: &mut Console, s: Structure, hex: &str, layout: Layout) -> Outcome {
    let bytes = hex_arg(hex)?;
    let d = s.dissect(&bytes, layout);
    c.say_raw(dissect::render(&bytes, &d));
    Ok(if d.result.is_ok() { 0 } else { 1 })
}

/// `check-trace`: the client rules a recorded session breaks; exits 1 when
/// it breaks one.
pub fn check_trace(c: &mut Console, file: &std::path::Path, format: Format) -> Outcome {
    let text =
        std::fs::read_to_string(file).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let raw: crate::cases::trace::TraceFile =
        serde_yaml::from_str(&text).map_err(|e| Failure::config(format!("{}: {e}", file.display())))?;
    let layout = match raw.layout.as_deref() {
        None => Layout::Spec,
        Some(l) => Layout::from_name(l)
            .ok_or_else(|| Failure::Usage(format!("{}: layout {l:?} is not spec or legacy", file.display())))?,
    };
    let steps = crate::cases::trace::steps(&raw.trace)
        .map_err(|(f, m)| Failure::config(format!("{}: {f}: {m}", file.display())))?;
    match crate::model::client::check(&steps, layout, &raw.preexisting_handles) {
        Err(e) => {
            let doc = json!({"file": file.display().to_string(), "error": {"step": e.step, "message": e.message}});
            print_doc(c, &doc, format);
            Ok(1)
        }
        Ok(found) => {
            let findings: Vec<Value> = found
                .iter()
                .map(|f| {
                    let mut v = finding_json(&f.finding);
                    v["step"] = json!(f.step);
                    v
                })
                .collect();
            let doc = json!({"file": file.display().to_string(), "steps": steps.len(), "findings": findings});
            print_doc(c, &doc, format);
            Ok(if found.is_empty() { 0 } else { 1 })
        }
    }
}
