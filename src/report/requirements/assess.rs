//! What is each row's status in a run? Joining the requirement tables and
//! our annotations with the verdicts of the cases that cite each row.

use super::{Annotation, Row, Status, Table, MAIN_TABLE};
use crate::cases::run::{RunResult, Verdict};
use std::collections::{BTreeMap, BTreeSet};

/// One row with its status in a run.
#[derive(Debug, Clone)]
pub struct Assessed<'a> {
    /// The row.
    pub row: &'a Row,
    /// Its status.
    pub status: Status,
    /// The cases citing it, with their verdicts, in run order.
    pub cases: Vec<(&'a str, Verdict)>,
    /// Our annotation, when no case cites the row.
    pub annotation: Option<&'a Annotation>,
}

/// Every row's status in a run.
#[derive(Debug, Clone, Default)]
pub struct Assessment<'a> {
    /// One per row of every table, in table order.
    pub rows: Vec<Assessed<'a>>,
    /// IDs cases cite that are in no table, with the citing cases.
    pub unknown: BTreeMap<&'a str, Vec<&'a str>>,
    /// Rows status.yaml annotates by ID that cases cite after all (the
    /// annotation is stale), with the annotation's line.
    pub stale: Vec<(&'a str, usize)>,
}

impl Assessment<'_> {
    /// The rows of `table`.
    pub fn of_table<'s>(&'s self, table: &'s str) -> impl Iterator<Item = &'s Assessed<'s>> + 's {
        self.rows.iter().filter(move |a| a.row.table == table)
    }
}

/// The status of a row from its citing cases' verdicts (`None` when no case cites it).
pub fn status_of(verdicts: &[Verdict]) -> Option<Status> {
    if verdicts.is_empty() {
        return None;
    }
    let ran: Vec<Verdict> =
        verdicts.iter().copied().filter(|v| !matches!(v, Verdict::Excluded | Verdict::Unimplemented)).collect();
    Some(if ran.is_empty() {
        Status::NotRun
    } else if ran.iter().any(|v| matches!(v, Verdict::Fail | Verdict::XFail | Verdict::Error)) {
        Status::Failing
    } else if ran.iter().any(|v| matches!(v, Verdict::NonStrict | Verdict::Info)) {
        Status::Departs
    } else {
        Status::Passing
    })
}

/// Works out every row's status in `result`.
pub fn assess<'a>(result: &'a RunResult, table: &'a Table) -> Assessment<'a> {
    let mut cites: BTreeMap<&str, Vec<(&str, Verdict)>> = BTreeMap::new();
    for r in &result.rows {
        let mut seen = BTreeSet::new();
        for req in &r.requirements {
            if seen.insert(req.as_str()) {
                cites.entry(req).or_default().push((&r.id, r.outcome.verdict));
            }
        }
    }
    let mut out = Assessment::default();
    let ids: BTreeSet<&str> = table.entries.iter().map(|r| r.id.as_str()).collect();
    for (id, cases) in &cites {
        if !ids.contains(id) {
            out.unknown.insert(id, cases.iter().map(|(c, _)| *c).collect());
        }
    }
    for row in &table.entries {
        let cases = cites.get(row.id.as_str()).cloned().unwrap_or_default();
        let verdicts: Vec<Verdict> = cases.iter().map(|(_, v)| *v).collect();
        let annotation = if row.table == MAIN_TABLE { table.annotations.get(&row.id) } else { None };
        let status = match (status_of(&verdicts), annotation) {
            (Some(s), a) => {
                if let Some(a) = a.filter(|a| a.by_id) {
                    out.stale.push((&row.id, a.line));
                }
                s
            }
            (None, Some(a)) => a.status,
            (None, None) => Status::NotCovered,
        };
        let annotation = if cases.is_empty() { annotation } else { None };
        out.rows.push(Assessed { row, status, cases, annotation });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{result, table};
    use super::*;

    fn status(a: &Assessment, id: &str) -> Status {
        a.rows.iter().find(|x| x.row.id == id).unwrap().status
    }

    #[test]
    fn statuses_from_verdicts() {
        let t = table();
        let res = result();
        let a = assess(&res, &t);
        assert_eq!(status(&a, "MS-OXCNOTIF_R120"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R197"), Status::Departs);
        assert_eq!(status(&a, "MS-OXCNOTIF_R409"), Status::Failing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R240"), Status::NotRun);
        assert_eq!(status(&a, "MS-OXCNOTIF_R408"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCNOTIF_R1"), Status::NotCovered);
        assert_eq!(status(&a, "MS-OXCNOTIF_R2"), Status::OutOfScope);
        assert_eq!(status(&a, "MS-OXCNOTIF_R4"), Status::NotTestable);
        assert_eq!(status(&a, "MS-OXCNOTIF_R310"), Status::OutOfScope);
        assert_eq!(status(&a, "MS-OXCROPS_R4436"), Status::Passing);
        assert_eq!(status(&a, "MS-OXCROPS_R4437"), Status::NotCovered);
        // A duplicated citation counts once.
        assert_eq!(a.rows.iter().find(|x| x.row.id == "MS-OXCNOTIF_R120").unwrap().cases.len(), 1);
        assert_eq!(a.unknown.keys().copied().collect::<Vec<_>>(), ["MS-OXCNOTIF_R999"]);
        assert_eq!(a.stale, [("MS-OXCNOTIF_R408", 14)]);
        assert_eq!(status_of(&[]), None);
        assert_eq!(status_of(&[Verdict::Pass, Verdict::Error]), Some(Status::Failing));
        assert_eq!(status_of(&[Verdict::Info, Verdict::Excluded]), Some(Status::Departs));
    }
}
