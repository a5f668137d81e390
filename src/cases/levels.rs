//! The level of each requirement (`spec/requirements/levels.yaml`, written
//! by `spec/requirements/levels.py` from each row's own sentence): MUST,
//! SHOULD, MAY, or left open. A check takes the level of the requirement
//! it verifies, and a problem's [`Grade`] follows from it: MUST → FAIL,
//! SHOULD → NON-STRICT, MAY or open → INFO.

use super::verdict::Grade;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// How strongly the spec words a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReqLevel {
    /// Informative, or about a product: binds no implementation.
    Open,
    /// MAY.
    May,
    /// SHOULD.
    Should,
    /// MUST, or a normative statement of the protocol.
    Must,
}

impl ReqLevel {
    /// Reads `MUST`, `SHOULD`, `MAY`, `open`.
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "MUST" => ReqLevel::Must,
            "SHOULD" => ReqLevel::Should,
            "MAY" => ReqLevel::May,
            "open" => ReqLevel::Open,
            _ => return None,
        })
    }

    /// `MUST`, `SHOULD`, `MAY`, `open`.
    pub fn name(self) -> &'static str {
        match self {
            ReqLevel::Must => "MUST",
            ReqLevel::Should => "SHOULD",
            ReqLevel::May => "MAY",
            ReqLevel::Open => "open",
        }
    }

    /// The grade of a problem with a check at this level.
    pub fn grade(self) -> Grade {
        match self {
            ReqLevel::Must => Grade::Must,
            ReqLevel::Should => Grade::Should,
            ReqLevel::May | ReqLevel::Open => Grade::Info,
        }
    }
}

const DATA: &str = include_str!("../../spec/requirements/levels.yaml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    level: String,
    #[cfg_attr(not(test), allow(dead_code))]
    basis: String,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    reviewed: bool,
}

fn table() -> &'static BTreeMap<String, ReqLevel> {
    static T: OnceLock<BTreeMap<String, ReqLevel>> = OnceLock::new();
    T.get_or_init(|| {
        // The file is compiled in and checked by the tests below; a row that
        // does not read is left out (and so has no level).
        let raw: BTreeMap<String, Entry> = serde_yaml::from_str(DATA).unwrap_or_default();
        raw.into_iter().filter_map(|(id, e)| ReqLevel::from_name(&e.level).map(|l| (id, l))).collect()
    })
}

/// The level of requirement `id`, if the tables have it.
pub fn level(id: &str) -> Option<ReqLevel> {
    table().get(id).copied()
}

/// The grade of a check that verifies `ids`: the strongest of their levels
/// (a check that verifies a MUST and a SHOULD at once fails the MUST when
/// it fails). IDs without a level count as MUST, which the tests forbid
/// for cited IDs.
pub fn grade_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Grade {
    ids.into_iter().map(|id| level(id).unwrap_or(ReqLevel::Must).grade()).max().unwrap_or(Grade::Must)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_and_every_row_has_a_level() {
        let raw: BTreeMap<String, Entry> = serde_yaml::from_str(DATA).expect("levels.yaml reads");
        for (id, e) in &raw {
            assert!(ReqLevel::from_name(&e.level).is_some(), "{id}: level {:?}", e.level);
        }
        assert_eq!(raw.len(), table().len());
        assert!(raw.len() > 800, "{} rows", raw.len());
    }

    #[test]
    fn levels_follow_the_sentences() {
        assert_eq!(level("MS-OXCNOTIF_R197"), Some(ReqLevel::Should)); // TagCount SHOULD be 0x0000
        assert_eq!(level("MS-OXCNOTIF_R448"), Some(ReqLevel::Must)); // the client MUST verify
        assert_eq!(level("MS-OXCNOTIF_R198"), Some(ReqLevel::Open)); // Appendix A, product behaviour
        assert_eq!(level("MS-OXCNOTIF_R349"), Some(ReqLevel::Should));
        assert_eq!(grade_of(["MS-OXCNOTIF_R197"]), Grade::Should);
        assert_eq!(grade_of(["MS-OXCNOTIF_R197", "MS-OXCNOTIF_R102"]), Grade::Must);
        assert_eq!(grade_of(["MS-OXCNOTIF_R198"]), Grade::Info);
        // Set by hand (reviewed: true): "can" grants a permission; an
        // undefined behaviour binds nobody; a keyword-free format rule is a MUST.
        assert_eq!(level("MS-OXCNOTIF_R410"), Some(ReqLevel::May));
        assert_eq!(level("MS-OXCNOTIF_R51"), Some(ReqLevel::Open));
        assert_eq!(level("MS-OXCNOTIF_R351"), Some(ReqLevel::Must));
    }

    #[test]
    fn every_cited_requirement_has_a_level() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases");
        let suite = crate::cases::load_suite(&dir).expect("the suite loads");
        let cited = suite
            .wire
            .iter()
            .flat_map(|c| &c.requirements)
            .chain(suite.sequences.iter().flat_map(|c| &c.requirements))
            .chain(suite.traces.iter().flat_map(|c| &c.requirements))
            .chain(suite.mapi_http.iter().flat_map(|c| &c.requirements));
        let missing: std::collections::BTreeSet<&String> = cited.filter(|id| level(id).is_none()).collect();
        assert!(missing.is_empty(), "cited without a level in levels.yaml: {missing:?}");
    }

    /// Every requirement ID written in a spec case or in the source, here
    /// `MS-XXXX_R123`.
    fn ids_written_in(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("a directory of the repository").flatten() {
            let path = entry.path();
            if path.is_dir() {
                ids_written_in(&path, out);
                continue;
            }
            if !path.extension().is_some_and(|x| x == "yaml" || x == "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (at, _) in text.match_indices("MS-") {
                let rest = &text[at..];
                let Some(u) = rest.find("_R") else { continue };
                let (doc, num) = (&rest[3..u], &rest[u + 2..]);
                let digits: String = num.chars().take_while(char::is_ascii_digit).collect();
                if !doc.is_empty() && doc.chars().all(|c| c.is_ascii_uppercase()) && !digits.is_empty() {
                    out.insert(format!("MS-{doc}_R{digits}"));
                }
            }
        }
    }

    #[test]
    fn every_keyword_free_row_a_case_or_check_cites_was_read() {
        // levels.py makes a keyword-free normative row a MUST; one that
        // grants a permission or is informative would then fail a
        // conforming implementation, so each one cited is read and kept
        // with reviewed: true (spec/requirements/levels.yaml).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut cited = std::collections::BTreeSet::new();
        ids_written_in(&root.join("spec-cases"), &mut cited);
        ids_written_in(&root.join("src"), &mut cited);
        let raw: BTreeMap<String, Entry> = serde_yaml::from_str(DATA).expect("levels.yaml reads");
        let unread: Vec<&String> = cited
            .iter()
            .filter(|id| raw.get(*id).is_some_and(|e| e.basis == "normative statement" && !e.reviewed))
            .collect();
        assert!(cited.len() > 1000, "{} IDs found", cited.len());
        assert!(unread.is_empty(), "{} cited keyword-free rows not reviewed: {unread:?}", unread.len());
    }
}
