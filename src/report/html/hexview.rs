//! Where in the bytes is the problem? Annotated byte listings: a
//! structure's bytes dissected field by field with the spec field names,
//! the fields a problem or finding is about marked, and two byte strings
//! compared byte for byte.

use super::columns::ColumnSets;
use super::{escape, grade_name};
use crate::cases::run::Problem;
use crate::wire::{Layout, Structure};
use std::fmt::Write as _;

/// Bytes per line in a hex cell.
const BYTES_PER_LINE: usize = 16;

/// A note to put beside the dissected fields it is about.
pub(super) struct Mark {
    /// The spec field path.
    pub(super) field: String,
    /// The byte offset, when the note is about one place (a finding).
    pub(super) offset: Option<usize>,
    /// `MUST`, `SHOULD`, `INFO` or `finding`.
    pub(super) tag: &'static str,
    /// The text.
    pub(super) text: String,
    /// Whether the row is marked as where a problem is.
    pub(super) problem: bool,
}

pub(super) fn problem_marks(problems: &[Problem], step: Option<usize>) -> Vec<Mark> {
    problems
        .iter()
        .filter(|p| p.step == step)
        .filter_map(|p| {
            p.field.as_ref().filter(|f| !f.is_empty()).map(|f| Mark {
                field: f.clone(),
                offset: None,
                tag: grade_name(p.grade),
                text: p.message.clone(),
                problem: true,
            })
        })
        .collect()
}

/// Whether `child` is a field inside `parent` (`A.B` and `A[0]` are inside `A`).
fn is_inside(child: &str, parent: &str) -> bool {
    child.len() > parent.len() && child.starts_with(parent) && matches!(child.as_bytes()[parent.len()], b'.' | b'[')
}

/// Whether a dissected field and a problem's field are the same field, or
/// one contains the other.
fn related(span: &str, field: &str) -> bool {
    span == field || is_inside(span, field) || is_inside(field, span)
}

fn mark_applies(m: &Mark, field: &str, offset: usize) -> bool {
    match m.offset {
        Some(o) => m.field == field && o == offset,
        None => related(field, &m.field),
    }
}

/// Hex of `bytes` (which start at `start` in their buffer), a line per
/// [`BYTES_PER_LINE`] bytes, each byte that differs from `other` at the
/// same offset in bold.
pub(super) fn hex_cell(bytes: &[u8], start: usize, other: Option<&[u8]>) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(if i % BYTES_PER_LINE == 0 { '\n' } else { ' ' });
        }
        if other.is_some_and(|o| o.get(start + i) != Some(b)) {
            let _ = write!(s, "<b>{b:02x}</b>");
        } else {
            let _ = write!(s, "{b:02x}");
        }
    }
    s
}

/// An annotated listing: one row per field with its offset, bytes, spec
/// field name, value and notes; rows a problem is about marked `hit`, rows
/// whose bytes differ from `other` (an encoder's output) marked `diff`.
pub(super) fn dissection(
    h: &mut String,
    bytes: &[u8],
    s: Structure,
    layout: Layout,
    marks: &[Mark],
    other: Option<(&str, &[u8])>,
) {
    dissection_with_columns(h, bytes, s, layout, marks, other, None)
}

/// [`dissection`], with each RopNotify's TableRowData split by the columns
/// set on its table, where `columns` knows them.
pub(super) fn dissection_with_columns(
    h: &mut String,
    bytes: &[u8],
    s: Structure,
    layout: Layout,
    marks: &[Mark],
    other: Option<(&str, &[u8])>,
    columns: Option<&ColumnSets>,
) {
    let mut d = s.dissect(bytes, layout);
    if let (Structure::RopOutputBuffer, Some(c)) = (s, columns) {
        crate::wire::dissect::split_table_row_data(&mut d, bytes, &|h| c.of(h));
    }
    let mut used = vec![false; marks.len()];
    let mut used_findings = vec![false; d.findings.len()];
    let _ = writeln!(
        h,
        "<table class=\"dis\" data-structure=\"{}\">\n<tr><th>offset</th><th>bytes</th><th>field</th><th>value</th>\
         <th>notes</th></tr>",
        s.name()
    );
    for span in &d.spans {
        let end = (span.offset + span.len).min(bytes.len());
        let mine = bytes.get(span.offset.min(end)..end).unwrap_or(&[]);
        let mut notes = String::new();
        let mut hit = false;
        for (i, m) in marks.iter().enumerate() {
            if mark_applies(m, &span.field, span.offset) {
                hit |= m.problem;
                if !used[i] {
                    used[i] = true;
                    note(&mut notes, m.tag, &m.text);
                }
            }
        }
        for (i, f) in d.findings.iter().enumerate() {
            if !used_findings[i] && f.field == span.field && f.offset == span.offset {
                used_findings[i] = true;
                note(
                    &mut notes,
                    "finding",
                    &format!("{} {} (reference decoder): {}", f.level.name(), f.requirement, f.message),
                );
            }
        }
        let mut differs = false;
        if let Some((label, ob)) = other {
            differs = (span.offset..span.offset + span.len).any(|k| bytes.get(k) != ob.get(k));
            if differs {
                let theirs = ob.get(span.offset.min(ob.len())..(span.offset + span.len).min(ob.len())).unwrap_or(&[]);
                let text = if theirs.is_empty() {
                    format!("{label}: no bytes here (its output is {})", crate::plural::plural(ob.len(), "byte"))
                } else {
                    format!("{label}: {}", crate::hex::spaced(theirs))
                };
                note(&mut notes, "differs", &text);
            }
        }
        let class = match (hit, differs) {
            (true, _) => " class=\"hit\"",
            (false, true) => " class=\"diff\"",
            _ => "",
        };
        let _ = writeln!(
            h,
            "<tr{class}><td>{:04x}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
            span.offset,
            hex_cell(mine, span.offset, other.map(|(_, b)| b)),
            escape(&span.field),
            escape(&span.value),
            notes_cell(&notes)
        );
    }
    for (i, f) in d.findings.iter().enumerate() {
        if !used_findings[i] {
            let mut notes = String::new();
            note(&mut notes, "finding", &format!("{} {}: {}", f.level.name(), f.requirement, f.message));
            let _ = writeln!(
                h,
                "<tr><td>{:04x}</td><td></td><td>{}</td><td></td><td class=\"notes\">{notes}</td></tr>",
                f.offset,
                escape(&f.field)
            );
        }
    }
    if let Err(e) = &d.result {
        let mut notes = String::new();
        let mut hit = false;
        for (i, m) in marks.iter().enumerate() {
            if mark_applies(m, &e.field, e.offset) {
                hit |= m.problem;
                if !used[i] {
                    used[i] = true;
                    note(&mut notes, m.tag, &m.text);
                }
            }
        }
        let rest = bytes.get(e.offset.min(bytes.len())..).unwrap_or(&[]);
        let _ = writeln!(
            h,
            "<tr class=\"err{}\"><td>{:04x}</td><td>{}</td><td>{}</td><td>framing error {}: {}</td>\
             <td class=\"notes\">{notes}</td></tr>",
            if hit { " hit" } else { "" },
            e.offset,
            hex_cell(rest, e.offset, None),
            escape(&e.field),
            escape(e.kind.name()),
            escape(&e.to_string())
        );
    }
    h.push_str("</table>\n");
    let unplaced: Vec<&Mark> = marks.iter().zip(&used).filter(|(m, u)| !**u && m.problem).map(|(m, _)| m).collect();
    if !unplaced.is_empty() {
        h.push_str("<p class=\"muted\">Not located in these bytes: ");
        let parts: Vec<String> = unplaced.iter().map(|m| format!("<code>{}</code>", escape(&m.field))).collect();
        let _ = writeln!(h, "{}.</p>", parts.join(", "));
    }
}

/// The notes cell, left out when empty (the row is shorter; tables allow it).
fn notes_cell(notes: &str) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!("<td class=\"notes\">{notes}</td>")
    }
}

fn note(notes: &mut String, tag: &str, text: &str) {
    if !notes.is_empty() {
        notes.push('\n');
    }
    let _ = write!(notes, "<span class=\"g g-{0}\">{0}</span>{1}", escape(tag), escape(text));
}

/// Two byte strings one over the other, the bytes that differ in bold.
pub(super) fn hex_diff(h: &mut String, a_label: &str, a: &[u8], b_label: &str, b: &[u8]) {
    let first = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i));
    h.push_str("<table class=\"hexdiff\">\n");
    let _ = writeln!(
        h,
        "<tr><th>{} ({})</th><td><span class=\"hex\">{}</span></td></tr>",
        escape(a_label),
        crate::plural::plural(a.len(), "byte"),
        hex_cell(a, 0, Some(b))
    );
    let _ = writeln!(
        h,
        "<tr><th>{} ({})</th><td><span class=\"hex\">{}</span></td></tr>",
        escape(b_label),
        crate::plural::plural(b.len(), "byte"),
        hex_cell(b, 0, Some(a))
    );
    if let Some(i) = first {
        let _ = writeln!(h, "<tr><th>first difference</th><td>offset 0x{i:04x}</td></tr>");
    }
    h.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::{page, row, tr_of};
    use super::*;
    use crate::cases::run::{Grade, Verdict};

    #[test]
    fn a_failing_field_is_marked_with_its_spec_name() {
        let mut r = row("f", Verdict::Fail);
        r.outcome.problems.push(Problem::at(
            Grade::Must,
            "NotificationData.FolderId",
            "expected \"0100000000001001\", got \"0100000000001002\"",
        ));
        let html = page(vec![r]);
        assert!(tr_of(&html, "NotificationData.FolderId").contains("class=\"hit\""));
        assert!(!tr_of(&html, "NotificationData.ParentFolderId").contains("hit"));
        assert!(!tr_of(&html, "RopId").contains("hit"));
        assert!(
            html.contains("<span class=\"g g-MUST\">MUST</span><code class=\"field\">NotificationData.FolderId</code>")
        );
    }

    #[test]
    fn a_parent_field_marks_every_field_inside_it() {
        let mut r = row("f", Verdict::NonStrict);
        r.outcome.problems.push(Problem::at(Grade::Should, "NotificationData", "odd"));
        let html = page(vec![r]);
        assert!(tr_of(&html, "NotificationData.FolderId").contains("hit"));
        assert!(tr_of(&html, "NotificationData.TagCount").contains("hit"));
        assert!(!tr_of(&html, "LogonId").contains("hit"));
        assert!(html.contains("g-SHOULD"));
    }

    #[test]
    fn field_relations() {
        assert!(related("A.B", "A"));
        assert!(related("A[0].B", "A[0]"));
        assert!(related("A", "A[2]"));
        assert!(!related("AB", "A"));
        assert!(!related("A.B", "A.C"));
    }
}
