//! Which requirements did the run exercise, and how did their cases do?
//! The by-requirement table, joined with the requirement tables' section,
//! verification, normative and scope columns when they are loaded.

use super::escape;
use super::overview::{case_link, natural_cmp, tally_cells, tally_head, Tally};
use crate::cases::requirements::Requirement;
use crate::cases::run::{Row, Verdict};
use crate::report::requirements::Table;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A requirement's case list longer than this is folded.
const FOLD_LINKS: usize = 8;

pub(super) fn by_requirement(h: &mut String, rows: &[Row], present: &[Verdict], table: &Table) {
    let mut m: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in rows {
        for q in &r.requirements {
            m.entry(q.as_str()).or_default().add(r);
        }
    }
    let known: BTreeMap<&str, &Requirement> = table.rows.iter().map(|q| (q.id.as_str(), q)).collect();
    let mut keys: Vec<&str> = m.keys().copied().collect();
    keys.sort_by(|a, b| natural_cmp(a, b));
    h.push_str("<section id=\"by-requirement\">\n<h2>By requirement</h2>\n<p class=\"muted\">");
    let _ = write!(h, "{} requirement IDs are cited by the cases run", keys.len());
    if known.is_empty() {
        h.push_str("; the requirement tables were not loaded, so their sections and status are not shown.");
    } else {
        let _ = write!(
            h,
            "; the requirement tables (spec/requirements) hold {} rows: requirements.md lists every one.",
            known.len()
        );
    }
    h.push_str("</p>\n");
    if keys.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    let meta: &[&str] = if known.is_empty() { &[] } else { &["section", "verification", "normative", "scope"] };
    h.push_str("<table class=\"ov\">\n");
    tally_head(h, "requirement", meta, present, "the cases");
    for k in keys {
        let t = &m[k];
        match t.worst().filter(|v| *v != Verdict::Pass) {
            Some(v) => {
                let _ = write!(h, "<tr id=\"req-{0}\" class=\"worst v-{1}\">", escape(k), v.name());
            }
            None => {
                let _ = write!(h, "<tr id=\"req-{}\">", escape(k));
            }
        }
        let _ = write!(h, "<td><code>{}</code></td>", escape(k));
        if !known.is_empty() {
            match known.get(k) {
                Some(q) => {
                    for f in [&q.section, &q.verification, &q.normative, &q.scope] {
                        let _ = write!(h, "<td>{}</td>", escape(f));
                    }
                }
                None => h.push_str("<td colspan=\"4\" class=\"muted\">not in the requirement tables</td>"),
            }
        }
        tally_cells(h, t, present);
        h.push_str("<td class=\"lk\">");
        let fold = t.rows.len() > FOLD_LINKS;
        if fold {
            let _ = write!(h, "<details><summary>{} cases</summary>", t.rows.len());
        }
        for r in &t.rows {
            case_link(h, r);
        }
        if fold {
            h.push_str("</details>");
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::{page, row};
    use super::*;
    use crate::cases::run::RunResult;
    use crate::report::html::render;
    use crate::report::RunInfo;

    #[test]
    fn requirement_rows_show_the_tables_status() {
        let mut r = row("a", Verdict::Pass);
        r.requirements.push("MS-OXCNOTIF_R9999".into());
        let table = Table {
            rows: vec![Requirement {
                id: "MS-OXCROPS_R4553".into(),
                section: "2.2.14.2.1".into(),
                verification: "Test Case".into(),
                normative: "Normative".into(),
                scope: "Server".into(),
            }],
            ..Table::default()
        };
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        let html = render(&info, &RunResult { rows: vec![r], incomplete: false, restarts: 0 }, &table);
        assert!(html.contains("<td>2.2.14.2.1</td><td>Test Case</td><td>Normative</td><td>Server</td>"));
        let unknown = html.find("<tr id=\"req-MS-OXCNOTIF_R9999\">").unwrap();
        assert!(html[unknown..].starts_with("<tr id=\"req-MS-OXCNOTIF_R9999\"><td><code>MS-OXCNOTIF_R9999</code></td><td colspan=\"4\" class=\"muted\">not in the requirement tables"));
        // With no table loaded, the status columns are left out.
        assert!(!page(vec![row("b", Verdict::Pass)]).contains("<th>verification</th>"));
    }
}
