//! The requirement tables: Microsoft's MS-OXCNOTIF table and the sections
//! of the MS-OXCROPS, MS-OXCFOLD, MS-OXCTABL, MS-OXCRPC and MS-OXCMAPIHTTP
//! tables this harness cites (MIT, from the Interop-TestSuites), committed
//! under `spec/requirements/`. Cases cite their rows by `REQ_ID`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// One row of a requirement table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// `MS-OXCNOTIF_R179`.
    pub id: String,
    /// Spec section (`2.2.1.4.1.2`).
    pub section: String,
    /// Microsoft's verification status: Test Case, Adapter, Non-testable, Unverified.
    pub verification: String,
    /// `Normative` or `Informative`.
    pub normative: String,
    /// Server, Client or Both.
    pub scope: String,
}

/// Whether `s` has the shape of a requirement ID.
pub fn looks_like_id(s: &str) -> bool {
    let Some((doc, num)) = s.split_once("_R") else { return false };
    doc.starts_with("MS-")
        && doc[3..].chars().all(|c| c.is_ascii_uppercase())
        && !num.is_empty()
        && num.chars().all(|c| c.is_ascii_digit())
}

/// Reads every `*.xml` requirement table in `dir`, keyed by ID.
pub fn load(dir: &Path) -> std::io::Result<BTreeMap<String, Requirement>> {
    Ok(load_rows(dir)?.iter().map(|r| (r.id.clone(), Requirement::from(r))).collect())
}

/// One row of a requirement table, with the text Microsoft gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// `MS-OXCNOTIF_R179` (a few rows of the MS-OXCNOTIF table are borrowed
    /// from other documents: `MS-OXCRPC_R663`).
    pub id: String,
    /// The table the row is in: `MS-OXCNOTIF` or `MS-OXCROPS`.
    pub table: String,
    /// Spec section (`2.2.1.4.1.2`; `6` is Appendix A).
    pub section: String,
    /// The requirement text (entities decoded).
    pub description: String,
    /// `Protocol` or `Product`.
    pub behavior: String,
    /// Server, Client or Both.
    pub scope: String,
    /// `Normative` or `Informative`.
    pub normative: String,
    /// Microsoft's verification: Test Case, Adapter, Non-testable, Unverified.
    pub verification: String,
    /// Microsoft's comment on the verification (`Verified by derived requirement: …`).
    pub verification_comment: String,
    /// The `Derived` column (empty for most rows).
    pub derived: String,
}

impl Row {
    /// Whether Microsoft's test suite verifies the row (Test Case or Adapter).
    pub fn microsoft_verifies(&self) -> bool {
        matches!(self.verification.as_str(), "Test Case" | "Adapter")
    }
}

pub(crate) fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

impl From<&Row> for Requirement {
    fn from(r: &Row) -> Self {
        Requirement {
            id: r.id.clone(),
            section: r.section.clone(),
            verification: r.verification.clone(),
            normative: r.normative.clone(),
            scope: r.scope.clone(),
        }
    }
}

/// Reads every `*.xml` requirement table under `dir`, in file-name order,
/// each table in its own order.
pub fn load_rows(dir: &Path) -> io::Result<Vec<Row>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        rows.extend(parse_xml(&f.display().to_string(), table_name(name), &text)?);
    }
    Ok(rows)
}

/// `MS-OXCNOTIF` from `MS-OXCNOTIF_RequirementSpecification.xml`.
pub(crate) fn table_name(file_name: &str) -> &str {
    file_name.split(['_', '.']).next().unwrap_or(file_name)
}

/// Decodes the XML entities of a text node.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses one requirement table (`file` is for messages), keeping its order.
pub fn parse_xml(file: &str, table: &str, text: &str) -> io::Result<Vec<Row>> {
    const OPEN: &str = "<ns1:Requirement>";
    let mut rows = Vec::new();
    let mut offset = 0;
    while let Some(i) = text[offset..].find(OPEN) {
        let start = offset + i + OPEN.len();
        let line = text[..start].lines().count();
        let end = text[start..]
            .find("</ns1:Requirement>")
            .map(|e| start + e)
            .ok_or_else(|| invalid(format!("{file}:{line}: Requirement: no closing tag")))?;
        let body = &text[start..end];
        let get = |tag: &str| -> String {
            let open = format!("<ns1:{tag}>");
            let close = format!("</ns1:{tag}>");
            body.split_once(&open)
                .and_then(|(_, r)| r.split_once(&close))
                .map(|(v, _)| decode_entities(v.trim()))
                .unwrap_or_default()
        };
        let id = get("REQ_ID");
        if id.is_empty() {
            return Err(invalid(format!("{file}:{line}: REQ_ID: missing or empty")));
        }
        rows.push(Row {
            id,
            table: table.to_string(),
            section: get("Doc_Sect"),
            description: get("Description"),
            behavior: get("Behavior"),
            scope: get("Scope"),
            normative: get("IsNormative"),
            verification: get("Verification"),
            verification_comment: get("VerificationComment"),
            derived: get("Derived"),
        });
        offset = end;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shape() {
        assert!(looks_like_id("MS-OXCNOTIF_R179"));
        assert!(looks_like_id("MS-OXCROPS_R4341"));
        assert!(!looks_like_id("MS-OXCNOTIF_179"));
        assert!(!looks_like_id("R179"));
        assert!(!looks_like_id("MS-oxcnotif_R1"));
    }

    #[test]
    fn committed_tables_load() {
        let t = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/requirements")).unwrap();
        assert_eq!(t.keys().filter(|k| k.starts_with("MS-OXCNOTIF_")).count(), 563);
        assert_eq!(t["MS-OXCNOTIF_R179"].section, "2.2.1.4.1.2");
    }
}
