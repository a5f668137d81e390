//! `requirements.md`: every row of Microsoft's MS-OXCNOTIF requirement table
//! with our status, the MS-OXCROPS rows our cases cite, and a comparison
//! with what Microsoft's own test suite verifies.
//!
//! The tables are Microsoft's (`spec/requirements/*.xml`, from the
//! Interop-TestSuites). Rows that no case cites get our own classification
//! from `spec/requirements/status.yaml`: `out of scope` (testable, but not
//! on the ROP buffers this harness sees: RPC, UDP, MAPI/HTTP, timing) or
//! `not testable` (informative text, cross-references, behaviour left to
//! the implementation). Every other uncited row is `not covered`: a
//! ROP-buffer case could verify it and none does yet.
//!
//! The status of a row comes from the run:
//!
//! * verified, passing: a case that ran cites it, and every citing case
//!   that ran is PASS (or XPASS: listed as a known failure, but it passed);
//! * verified, departs: no citing case failed, but one is NON-STRICT (a
//!   SHOULD departed from) or INFO (differs where the spec leaves it open);
//! * verified, failing: a citing case that ran is FAIL, XFAIL (a known
//!   failure is still a failure) or ERROR (the check could not be made);
//! * cited, not run: every citing case is EXCLUDED or UNIMPLEMENTED.
//!
//! The work is split by step: `annotations` reads status.yaml into an
//! annotation per row, `assess` joins the tables with a run's verdicts
//! into a status per row, and `markdown` writes `requirements.md` from
//! that assessment.

mod annotations;
mod assess;
mod markdown;

use crate::cases::requirements::Requirement;
pub use crate::cases::requirements::{load_rows, parse_xml, Row};
pub use annotations::{parse_status, Annotation};
pub use assess::{assess, status_of, Assessed, Assessment};
pub use markdown::render;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The table every row of which `requirements.md` lists.
pub const MAIN_TABLE: &str = "MS-OXCNOTIF";

/// Our annotation file, beside the XML tables.
pub const STATUS_FILE: &str = "status.yaml";

/// A row's status in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Cases ran and every one passed.
    Passing,
    /// Cases ran; none failed, some departed from a SHOULD or differ where the spec is open.
    Departs,
    /// A citing case failed (FAIL, XFAIL, ERROR).
    Failing,
    /// Cases cite the row, but none ran (EXCLUDED, UNIMPLEMENTED).
    NotRun,
    /// No case cites the row; a ROP-buffer case could.
    NotCovered,
    /// status.yaml: nothing an implementation does could show it.
    NotTestable,
    /// status.yaml: testable, but not on ROP buffers.
    OutOfScope,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 7] = [
        Status::Passing,
        Status::Departs,
        Status::Failing,
        Status::NotRun,
        Status::NotCovered,
        Status::NotTestable,
        Status::OutOfScope,
    ];

    /// `verified, passing`, …
    pub fn name(self) -> &'static str {
        match self {
            Status::Passing => "verified, passing",
            Status::Departs => "verified, departs",
            Status::Failing => "verified, failing",
            Status::NotRun => "cited, not run",
            Status::NotCovered => "not covered",
            Status::NotTestable => "not testable",
            Status::OutOfScope => "out of scope",
        }
    }

    /// Whether a case that ran verifies the row (passing, departing or failing).
    pub fn is_verified(self) -> bool {
        matches!(self, Status::Passing | Status::Departs | Status::Failing)
    }
}

/// The requirement tables and our annotations.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Every row in the shared [`Requirement`] form, in the order of
    /// `entries`.
    pub rows: Vec<Requirement>,
    /// Rows of every table with their text, in file order (MS-OXCNOTIF,
    /// then MS-OXCROPS), each table in its own order.
    pub entries: Vec<Row>,
    /// Our annotation of MS-OXCNOTIF rows, by row ID, as resolved from
    /// status.yaml (an entry by ID wins over one for informative rows,
    /// which wins over the longest matching section prefix).
    pub annotations: BTreeMap<String, Annotation>,
}

impl Table {
    /// A table of `entries` with `annotations` (from [`parse_status`]).
    pub fn new(entries: Vec<Row>, annotations: BTreeMap<String, Annotation>) -> Self {
        let rows = entries.iter().map(Requirement::from).collect();
        Table { rows, entries, annotations }
    }
}

/// Loads the tables under `dir` (`spec/requirements`): every `*.xml`
/// table, then `status.yaml` if it is there.
pub fn load(dir: &Path) -> io::Result<Table> {
    let rows = load_rows(dir)?;
    let status = dir.join(STATUS_FILE);
    let annotations = match std::fs::read_to_string(&status) {
        Ok(text) => parse_status(&status.display().to_string(), &text, &rows)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    Ok(Table::new(rows, annotations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::requirements::{decode_entities, table_name};
    use crate::cases::run::{Outcome, Row as CaseRow, RunResult, Verdict};

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ns1:ReqTable xmlns:ns1="x">
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R1</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] ROP buffers &lt;1&gt; &amp; more.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R2</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] RPC.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R4</ns1:REQ_ID>
		<ns1:Doc_Sect>2.1</ns1:Doc_Sect>
		<ns1:Description>[In Transport] For more information, see X.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Both</ns1:Scope>
		<ns1:IsNormative>Informative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R120</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.1.4.1.2</ns1:Doc_Sect>
		<ns1:Description>S set means M set.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Test Case</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R197</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.1.4.1.2</ns1:Doc_Sect>
		<ns1:Description>TagCount SHOULD be 0.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R240</ns1:REQ_ID>
		<ns1:Doc_Sect>3.1.4.2</ns1:Doc_Sect>
		<ns1:Description>RopNotify carries details.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Adapter</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R310</ns1:REQ_ID>
		<ns1:Doc_Sect>3.1.5.3</ns1:Doc_Sect>
		<ns1:Description>pulFlagsOut.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Test Case</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R408</ns1:REQ_ID>
		<ns1:Doc_Sect>3.2.5.1</ns1:Doc_Sect>
		<ns1:Description>Keep the handle.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Client</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Non-testable</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCNOTIF_R409</ns1:REQ_ID>
		<ns1:Doc_Sect>3.2.5.1</ns1:Doc_Sect>
		<ns1:Description>Release it.</ns1:Description>
		<ns1:Behavior>Protocol</ns1:Behavior>
		<ns1:Scope>Client</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
</ns1:ReqTable>
"#;

    const ROPS_XML: &str = r#"<ns1:ReqTable>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCROPS_R4436</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.14.3.1</ns1:Doc_Sect>
		<ns1:Description>SessionIndex.</ns1:Description>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
	<ns1:Requirement>
		<ns1:REQ_ID>MS-OXCROPS_R4437</ns1:REQ_ID>
		<ns1:Doc_Sect>2.2.14.3.1</ns1:Doc_Sect>
		<ns1:Description>Not cited.</ns1:Description>
		<ns1:Scope>Server</ns1:Scope>
		<ns1:IsNormative>Normative</ns1:IsNormative>
		<ns1:Verification>Unverified</ns1:Verification>
	</ns1:Requirement>
</ns1:ReqTable>
"#;

    const STATUS: &str = "\
# test annotations
annotations:
  - informative: true
    status: not testable
    reason: informative text
  - sections: [\"3.1.5\"]
    status: out of scope
    reason: RPC calls
  - ids:
      - MS-OXCNOTIF_R2
    status: out of scope
    reason: |
      RPC | transport
  - ids: [MS-OXCNOTIF_R408]
    status: not testable
    reason: stale on purpose
";

    pub(super) fn rows() -> Vec<Row> {
        let mut r = parse_xml("t.xml", "MS-OXCNOTIF", XML).unwrap();
        r.extend(parse_xml("r.xml", "MS-OXCROPS", ROPS_XML).unwrap());
        r
    }

    pub(super) fn table() -> Table {
        let rows = rows();
        let annotations = parse_status("status.yaml", STATUS, &rows).unwrap();
        Table::new(rows, annotations)
    }

    fn case(id: &str, reqs: &[&str], v: Verdict) -> CaseRow {
        CaseRow {
            id: id.into(),
            kind: "wire",
            group: "g".into(),
            description: String::new(),
            sections: Vec::new(),
            requirements: reqs.iter().map(|s| s.to_string()).collect(),
            file: "f.yaml".into(),
            line: 1,
            hex: None,
            structure: None,
            outcome: Outcome::without_checks(v, "n"),
        }
    }

    pub(super) fn result() -> RunResult {
        RunResult {
            rows: vec![
                case("a.pass", &["MS-OXCNOTIF_R120", "MS-OXCNOTIF_R120", "MS-OXCROPS_R4436"], Verdict::Pass),
                case("b.should", &["MS-OXCNOTIF_R197"], Verdict::NonStrict),
                case("c.pass", &["MS-OXCNOTIF_R197", "MS-OXCNOTIF_R409"], Verdict::Pass),
                case("d.xfail", &["MS-OXCNOTIF_R409"], Verdict::XFail),
                case("e.excluded", &["MS-OXCNOTIF_R240", "MS-OXCNOTIF_R999"], Verdict::Excluded),
                case("f.unimpl", &["MS-OXCNOTIF_R240"], Verdict::Unimplemented),
                case("g.xpass", &["MS-OXCNOTIF_R408"], Verdict::XPass),
            ],
            incomplete: false,
            restarts: 0,
        }
    }

    #[test]
    fn xml_rows_keep_order_and_text() {
        let r = rows();
        let ids: Vec<&str> = r.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids[..4], ["MS-OXCNOTIF_R1", "MS-OXCNOTIF_R2", "MS-OXCNOTIF_R4", "MS-OXCNOTIF_R120"]);
        assert_eq!(r[0].description, "[In Transport] ROP buffers <1> & more.");
        assert_eq!(r[0].table, "MS-OXCNOTIF");
        assert_eq!(r[9].table, "MS-OXCROPS");
        assert_eq!(decode_entities("&#65;&#x42;&bogus; & &amp;"), "AB&bogus; & &");
        assert!(parse_xml("t.xml", "T", "<ns1:Requirement><ns1:REQ_ID></ns1:REQ_ID></ns1:Requirement>").is_err());
        assert_eq!(table_name("MS-OXCROPS_RequirementSpecification.notification-subset.xml"), "MS-OXCROPS");
    }

    #[test]
    fn load_reads_a_directory() {
        let dir = std::env::temp_dir().join(format!("oxcnotif-req-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("MS-OXCNOTIF_RequirementSpecification.xml"), XML).unwrap();
        std::fs::write(dir.join("MS-OXCROPS_RequirementSpecification.notification-subset.xml"), ROPS_XML).unwrap();
        let t = load(&dir).unwrap();
        assert_eq!(t.rows.len(), 11);
        assert_eq!(t.entries.len(), 11);
        assert!(t.annotations.is_empty(), "no status.yaml: no annotations");
        std::fs::write(dir.join(STATUS_FILE), STATUS).unwrap();
        assert_eq!(load(&dir).unwrap().annotations.len(), 4);
        std::fs::write(dir.join(STATUS_FILE), "annotations: [1\n").unwrap();
        let e = load(&dir).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("status.yaml:"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn committed_tables_and_status_load() {
        let t = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/requirements")).unwrap();
        let main: Vec<&Row> = t.entries.iter().filter(|r| r.table == MAIN_TABLE).collect();
        assert_eq!(main.len(), 566);
        assert_eq!(main.iter().filter(|r| r.microsoft_verifies()).count(), 232);
        assert_eq!(main.iter().filter(|r| r.verification == "Test Case").count(), 186);
        assert!(t.entries.iter().any(|r| r.table == "MS-OXCROPS"));
        assert_eq!(t.rows.len(), t.entries.len());
        assert_eq!(t.rows[0].id, t.entries[0].id);
        // Every informative row is classified not testable.
        for r in main.iter().filter(|r| r.normative == "Informative") {
            assert_eq!(t.annotations.get(&r.id).map(|a| a.status), Some(Status::NotTestable), "{}", r.id);
        }
    }
}
