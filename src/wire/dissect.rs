//! The annotated listing printed by `oxcnotif dissect`: one line per field
//! with its offset, bytes, spec field name and value, and each finding
//! printed under the field it is about.

use super::codec::{Finding, Span};
use super::structure::Dissection;
use crate::hex;
use std::fmt::Write;

/// Bytes shown per line; longer fields wrap.
const BYTES_PER_LINE: usize = 12;

/// Renders a dissection of `input` as text.
pub fn render(input: &[u8], d: &Dissection) -> String {
    let mut out = String::new();
    let width = d.spans.iter().map(|s| s.field.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(
        out,
        "{:<6}  {:<w$}  {:<fw$}  value",
        "offset",
        "bytes",
        "field",
        w = BYTES_PER_LINE * 3 - 1,
        fw = width
    );
    let mut used = vec![false; d.findings.len()];
    for span in &d.spans {
        line(&mut out, input, span, width);
        for (i, f) in d.findings.iter().enumerate() {
            if !used[i] && f.field == span.field && f.offset == span.offset {
                used[i] = true;
                finding_line(&mut out, f);
            }
        }
    }
    for (i, f) in d.findings.iter().enumerate() {
        if !used[i] {
            finding_line(&mut out, f);
        }
    }
    if let Err(e) = &d.result {
        let _ = writeln!(out, "{:04x}    error {}: {}", e.offset, e.kind.name(), e);
    }
    out
}

fn line(out: &mut String, input: &[u8], s: &Span, width: usize) {
    let bytes = input.get(s.offset..s.offset + s.len).unwrap_or(&[]);
    let mut chunks = bytes.chunks(BYTES_PER_LINE);
    let first = chunks.next().unwrap_or(&[]);
    let _ = writeln!(
        out,
        "{:04x}    {:<bw$}  {:<fw$}  {}",
        s.offset,
        hex::spaced(first),
        s.field,
        s.value,
        bw = BYTES_PER_LINE * 3 - 1,
        fw = width
    );
    let mut at = s.offset + first.len();
    for c in chunks {
        let _ = writeln!(out, "{:04x}    {}", at, hex::spaced(c));
        at += c.len();
    }
}

fn finding_line(out: &mut String, f: &Finding) {
    let _ =
        writeln!(out, "        ! {} {} at {:04x} {}: {}", f.level.name(), f.requirement, f.offset, f.field, f.message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codec::Level;

    fn span(offset: usize, field: &str) -> Span {
        Span { offset, len: 1, field: field.into(), value: String::new() }
    }

    fn finding(offset: usize, field: &str) -> Finding {
        Finding {
            requirement: "MS-OXCNOTIF_R1",
            level: Level::Must,
            field: field.into(),
            offset,
            message: field.into(),
        }
    }

    #[test]
    fn a_finding_goes_under_the_span_with_its_field_and_offset_or_at_the_end() {
        let d = Dissection {
            result: Ok(serde_json::Value::Null),
            // The finding on B at 0 shares A's offset and B's field, but
            // neither span has both: it is listed after every span.
            findings: vec![finding(1, "B"), finding(0, "B"), finding(1, "A")],
            spans: vec![span(0, "A"), span(1, "B")],
        };
        let text = render(&[0x10, 0x20], &d);
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(lines[1].starts_with("0000    10") && lines[1].ends_with('A'), "{text}");
        assert!(lines[2].starts_with("0001    20") && lines[2].ends_with('B'), "{text}");
        assert_eq!(lines[3], "        ! MUST MS-OXCNOTIF_R1 at 0001 B: B");
        assert_eq!(lines[4], "        ! MUST MS-OXCNOTIF_R1 at 0000 B: B");
        assert_eq!(lines[5], "        ! MUST MS-OXCNOTIF_R1 at 0001 A: A");
    }
}
