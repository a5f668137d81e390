//! The requirement tables: Microsoft's MS-OXCNOTIF table and the
//! notification subset of the MS-OXCROPS table (MIT, from the
//! Interop-TestSuites), committed under `spec/requirements/`. Cases cite
//! their rows by `REQ_ID`.

use std::collections::BTreeMap;
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

/// Reads every `*.xml` requirement table in `dir`, keyed by ID (the XML is
/// parsed by [`crate::report::requirements::load_rows`]).
pub fn load(dir: &Path) -> std::io::Result<BTreeMap<String, Requirement>> {
    let rows = crate::report::requirements::load_rows(dir)?;
    Ok(rows.iter().map(|r| (r.id.clone(), Requirement::from(r))).collect())
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
