//! The annotated listing printed by `oxcnotif dissect`: one line per field
//! with its offset, bytes, spec field name and value, and each finding
//! printed under the field it is about.

use super::codec::{Finding, Reader, Span};
use super::property_row::PropertyRow;
use super::property_tag::PropertyTag;
use super::structure::Dissection;
use crate::hex;
use crate::plural::plural;
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

/// Splits the TableRowData of each RopNotify in a dissected ROP output
/// buffer into the columns of its table, when `columns_of` knows the
/// column set of the RopNotify's NotificationHandle (the table's last
/// RopSetColumns, MS-OXCNOTIF_R166001): the one TableRowData span becomes
/// the PropertyRow's Flag and one span per column value, each named by its
/// property tag. Row data that does not read against that column set stays
/// one span of bytes, and its value says why; so does any TableRowData of a
/// handle with no known column set (nothing changes).
///
/// ```
/// use oxcnotif::wire::dissect::split_table_row_data;
/// use oxcnotif::wire::property_tag::PropertyTag;
/// use oxcnotif::wire::{Layout, Structure};
///
/// // A RopNotify to table 0x71: TableRowAdded, TableRowData of one
/// // PtypInteger32 column (PidTagContentCount), value 7.
/// let bytes = oxcnotif::hex::parse(
///     "2300 2a 71000000 00 0001 0300 0100000000000a01 0100000000000a00 0500 00 07000000 71000000",
/// )
/// .unwrap();
/// let mut d = Structure::RopOutputBuffer.dissect(&bytes, Layout::Spec);
/// split_table_row_data(&mut d, &bytes, &|h| (h == 0x71).then(|| vec![PropertyTag::from_u32(0x3602_0003)]));
/// let fields: Vec<&str> = d.spans.iter().map(|s| s.field.as_str()).collect();
/// assert!(fields.contains(&"RopsList[0].NotificationData.TableRowData.ValueArray[0].PropertyValue"));
/// ```
pub fn split_table_row_data(d: &mut Dissection, bytes: &[u8], columns_of: &dyn Fn(u32) -> Option<Vec<PropertyTag>>) {
    let Ok(value) = &d.result else { return };
    let Some(rops) = value["RopsList"].as_array() else { return };
    for (i, rop) in rops.iter().enumerate() {
        let Some(handle) = rop["NotificationHandle"].as_u64() else { continue };
        if rop["NotificationData"].get("TableRowData").is_none() {
            continue;
        }
        let Some(columns) = columns_of(handle as u32) else { continue };
        let field = format!("RopsList[{i}].NotificationData.TableRowData");
        let Some(k) = d.spans.iter().position(|s| s.field == field) else { continue };
        let (offset, len) = (d.spans[k].offset, d.spans[k].len);
        let Some(upto) = bytes.get(..offset + len) else { continue };
        // Read from the buffer's start, so spans and errors keep the
        // buffer's offsets; the first span is the bytes before the row.
        let mut r = Reader::with_trace(upto);
        if r.bytes("", offset).is_err() {
            continue;
        }
        let read = PropertyRow::read(&mut r, &columns);
        let left = r.remaining();
        let (_, spans) = r.finish();
        let spans = spans.map(|s| s.into_iter().skip(1).collect::<Vec<_>>());
        let names = columns.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
        match read {
            Ok(_) if left == 0 => {
                let inner = spans.unwrap_or_default().into_iter().map(|s| Span {
                    offset: s.offset,
                    len: s.len,
                    field: format!("{field}.{}", s.field),
                    value: s.value,
                });
                d.spans.splice(k..k + 1, inner);
            }
            Ok(_) => {
                d.spans[k].value = format!(
                    "PropertyRow, kept as bytes: the columns set on 0x{handle:08X} ({names}) read {} and leave {}",
                    plural(len - left, "byte"),
                    plural(left, "byte")
                );
            }
            Err(e) => {
                d.spans[k].value = format!(
                    "PropertyRow, kept as bytes: it does not read against the columns set on 0x{handle:08X} ({names}): {e}"
                );
            }
        }
    }
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
