//! What happened in the run at a glance? The page header (the target, the
//! command, the verdict counts as links to their lists, the nav, the
//! verdict filter) and the table of cases by spec section,
//! with the per-verdict tallies both overview tables are built from.

use super::{escape, rank};
use crate::cases::run::{Row, RunResult, Verdict};
use crate::report::{counts, RunInfo};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub(super) fn header(h: &mut String, info: &RunInfo, result: &RunResult) {
    let _ = writeln!(h, "<header>\n<h1>oxcnotif conformance report: {}</h1>", escape(&info.target));
    h.push_str("<table class=\"info\">\n");
    let _ = writeln!(h, "<tr><th>target</th><td id=\"target\">{}</td></tr>", escape(&info.target));
    match (&info.command, &info.server) {
        (Some(c), _) => {
            let _ = writeln!(h, "<tr><th>command</th><td><code id=\"command\">{}</code></td></tr>", escape(c));
        }
        (None, Some((url, user))) => {
            let _ = writeln!(
                h,
                "<tr><th>server</th><td id=\"server\"><code>{}</code>, as user <code>{}</code>, over MAPI over \
                 HTTP</td></tr>",
                escape(url),
                escape(user)
            );
        }
        (None, None) => {
            h.push_str("<tr><th>command</th><td id=\"command\">the built-in reference (no --target)</td></tr>\n")
        }
    }
    let _ = writeln!(
        h,
        "<tr><th>profile</th><td id=\"profile\">{}</td></tr>",
        match (info.profile.as_deref(), &info.server) {
            (Some(p), _) => escape(p),
            // A live server is one product: tested as the spec says unless
            // --profile names it (src/cases/run.rs, profile_of).
            (None, Some(_)) => "spec: the server is tested as the spec says; cases of a product profile are EXCLUDED \
                                (--profile names its product)"
                .into(),
            (None, None) => "none: each case's own profile".into(),
        }
    );
    let _ = writeln!(
        h,
        "<tr><th>layout</th><td id=\"layout\">{}</td></tr>",
        match (info.layout.as_deref(), &info.server) {
            (Some(l), _) => escape(l),
            // src/cases/run.rs, target_layout: a server reads one layout.
            (None, Some(_)) => "spec: the server is read as the spec frames RopRegisterNotification; a case whose \
                                requests read differently is EXCLUDED (--layout legacy names the other)"
                .into(),
            (None, None) => "none: each case's own layout".into(),
        }
    );
    let restarts = info.restarts.max(result.restarts);
    if restarts > 0 {
        let _ = writeln!(
            h,
            "<tr><th>restarts</th><td id=\"restarts\">the target was restarted {restarts} time{}</td></tr>",
            if restarts == 1 { "" } else { "s" }
        );
    }
    h.push_str("</table>\n");
    if result.incomplete {
        h.push_str(
            "<div class=\"incomplete\" id=\"incomplete\">INCOMPLETE: the run was interrupted; \
             the cases after the last one listed did not run, so these counts are partial.</div>\n",
        );
    }
    let c = counts(&result.rows);
    let mut order = Verdict::ALL;
    order.sort_by_key(|v| rank(*v));
    h.push_str("<table class=\"counts\" id=\"counts\">\n<tr>");
    for v in order {
        let _ = write!(h, "<th class=\"v-{0}\">{0}</th>", v.name());
    }
    h.push_str("<th>total</th></tr>\n<tr>");
    for v in order {
        let n = c.get(&v).copied().unwrap_or(0);
        if n > 0 {
            let _ = write!(h, "<td id=\"count-{0}\" class=\"v-{0} nz\"><a href=\"#v-{0}\">{1}</a></td>", v.name(), n);
        } else {
            let _ = write!(h, "<td id=\"count-{0}\" class=\"v-{0} z\">0</td>", v.name());
        }
    }
    let _ = writeln!(h, "<td id=\"count-total\">{}</td></tr>\n</table>", result.rows.len());
    h.push_str("<nav><a href=\"#not-passed\">what did not pass</a>");
    if c.get(&Verdict::Unimplemented).copied().unwrap_or(0) > 0 {
        h.push_str("<a href=\"#unimplemented\">not implemented</a>");
    }
    h.push_str(
        "<a href=\"#by-section\">by section</a><a href=\"#by-requirement\">by requirement</a>\
         <a href=\"#cases\">cases that passed</a></nav>\n",
    );
    // The verdict filter: shown by the script (it does nothing without it).
    h.push_str("<div id=\"filter\" hidden>show:");
    for v in order.iter().filter(|v| c.get(v).copied().unwrap_or(0) > 0) {
        let _ =
            write!(h, "<label class=\"v-{0}\"><input type=\"checkbox\" value=\"{0}\" checked> {0}</label>", v.name());
    }
    h.push_str("</div>\n</header>\n");
}

/// The verdicts that occur in the run, in report order (the overview
/// tables get a column for each).
pub(super) fn present_verdicts(rows: &[Row]) -> Vec<Verdict> {
    let c = counts(rows);
    Verdict::ALL.into_iter().filter(|v| c.get(v).copied().unwrap_or(0) > 0).collect()
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    Num(usize, String),
    Text(String),
}

/// Splits text into runs of digits (compared as numbers) and other text,
/// so that section 2.2.1.10 comes after 2.2.1.4 and R100 after R99.
fn natural_key(s: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    let flush = |cur: String, digits: bool, out: &mut Vec<Chunk>| {
        if digits {
            let t = cur.trim_start_matches('0').to_string();
            out.push(Chunk::Num(t.len(), t));
        } else {
            out.push(Chunk::Text(cur));
        }
    };
    for c in s.chars() {
        let d = c.is_ascii_digit();
        if !cur.is_empty() && d != digits {
            flush(std::mem::take(&mut cur), digits, &mut out);
        }
        digits = d;
        cur.push(c);
    }
    if !cur.is_empty() {
        flush(cur, digits, &mut out);
    }
    out
}

pub(super) fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

/// Per-verdict counts of a group of cases, and the cases.
#[derive(Default)]
pub(super) struct Tally<'a> {
    counts: BTreeMap<Verdict, usize>,
    pub(super) rows: Vec<&'a Row>,
}

impl<'a> Tally<'a> {
    pub(super) fn add(&mut self, r: &'a Row) {
        *self.counts.entry(r.outcome.verdict).or_insert(0) += 1;
        self.rows.push(r);
    }
    /// The verdict of the group's most urgent case.
    pub(super) fn worst(&self) -> Option<Verdict> {
        self.counts.keys().copied().min_by_key(|v| rank(*v))
    }
}

pub(super) fn tally_cells(h: &mut String, t: &Tally, present: &[Verdict]) {
    let _ = write!(h, "<td class=\"num\">{}</td>", t.rows.len());
    for v in present {
        match t.counts.get(v).copied().unwrap_or(0) {
            0 => h.push_str("<td class=\"num z\">0</td>"),
            n => {
                let _ = write!(h, "<td class=\"num w v-{}\">{n}</td>", v.name());
            }
        }
    }
}

pub(super) fn tally_head(h: &mut String, first: &str, extra: &[&str], present: &[Verdict], last: &str) {
    let _ = write!(h, "<tr><th>{first}</th>");
    for e in extra {
        let _ = write!(h, "<th>{e}</th>");
    }
    h.push_str("<th>cases</th>");
    for v in present {
        let _ = write!(h, "<th class=\"v-{0}\">{0}</th>", v.name());
    }
    let _ = writeln!(h, "<th>{last}</th></tr>");
}

fn case_href(id: &str) -> String {
    format!("#case-{}", escape(id))
}

pub(super) fn case_link(h: &mut String, r: &Row) {
    let v = r.outcome.verdict;
    if v == Verdict::Pass {
        let _ = write!(h, "<a href=\"{}\">{}</a> ", case_href(&r.id), escape(&r.id));
    } else {
        let _ = write!(
            h,
            "<a href=\"{}\" class=\"v-{1} bad\" title=\"{1}\">{2}</a> ",
            case_href(&r.id),
            v.name(),
            escape(&r.id)
        );
    }
}

/// The by-section table's last cell: a link to each case listed one by
/// one (most urgent first), then a count of the UNIMPLEMENTED and EXCLUDED
/// ones linking to their lists (so a target that lacks a capability does
/// not bury its failures under hundreds of names).
fn not_passed_cell(h: &mut String, t: &Tally) {
    h.push_str("<td class=\"lk\">");
    let mut listed: Vec<&&Row> = t.rows.iter().filter(|r| crate::report::LISTED.contains(&r.outcome.verdict)).collect();
    listed.sort_by_key(|r| rank(r.outcome.verdict));
    for r in listed {
        case_link(h, r);
    }
    for (v, list) in [(Verdict::Unimplemented, "unimplemented"), (Verdict::Excluded, "v-EXCLUDED")] {
        match t.counts.get(&v).copied().unwrap_or(0) {
            0 => {}
            n => {
                let _ = write!(h, "<a href=\"#{list}\" class=\"v-{0} more\">{n} {0}</a> ", v.name());
            }
        }
    }
    h.push_str("</td></tr>\n");
}

pub(super) fn by_section(h: &mut String, rows: &[Row], present: &[Verdict]) {
    let mut m: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in rows {
        for s in &r.sections {
            m.entry(s.as_str()).or_default().add(r);
        }
    }
    let mut keys: Vec<&str> = m.keys().copied().collect();
    keys.sort_by(|a, b| natural_cmp(a, b));
    let _ = writeln!(
        h,
        "<section id=\"by-section\">\n<h2>By spec section</h2>\n<p class=\"muted\">{} sections are cited by the \
         cases run; a case citing several sections counts under each.</p>",
        keys.len()
    );
    if keys.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    h.push_str("<table class=\"ov\">\n");
    tally_head(h, "section", &[], present, "cases that did not pass");
    for k in keys {
        let t = &m[k];
        let worst = t.worst().filter(|v| *v != Verdict::Pass);
        match worst {
            Some(v) => {
                let _ = write!(h, "<tr class=\"worst v-{}\">", v.name());
            }
            None => h.push_str("<tr>"),
        }
        let _ = write!(h, "<td>{}</td>", escape(k));
        tally_cells(h, t, present);
        not_passed_cell(h, t);
    }
    h.push_str("</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::{page, row};
    use super::*;
    use crate::report::html::render;
    use crate::report::requirements::Table;

    #[test]
    fn every_count_is_present_even_when_zero() {
        let html = page(vec![row("a", Verdict::Pass), row("b", Verdict::Pass), row("c", Verdict::Fail)]);
        assert!(html.contains(r##"<td id="count-PASS" class="v-PASS nz"><a href="#v-PASS">2</a></td>"##));
        assert!(html.contains(r##"<td id="count-FAIL" class="v-FAIL nz"><a href="#v-FAIL">1</a></td>"##));
        assert!(html.contains(r#"<td id="count-total">3</td>"#));
        for v in Verdict::ALL {
            assert!(html.contains(&format!("id=\"count-{}\"", v.name())), "{} missing", v.name());
        }
        assert!(html.contains(r#"<td id="count-ERROR" class="v-ERROR z">0</td>"#));
        assert!(!html.contains("INCOMPLETE"));
    }

    #[test]
    fn the_layout_row_says_how_requests_are_read() {
        let empty = RunResult { rows: vec![], incomplete: false, restarts: 0 };
        let built_in = render(&RunInfo::default(), &empty, &Table::default());
        assert!(built_in.contains(r#"<td id="layout">none: each case's own layout</td>"#));
        let server = RunInfo { server: Some(("http://h/".into(), "u".into())), ..RunInfo::default() };
        let html = render(&server, &empty, &Table::default());
        assert!(html.contains(r#"<td id="layout">spec: the server is read as the spec frames"#));
        let legacy = RunInfo { layout: Some("legacy".into()), ..server };
        assert!(render(&legacy, &empty, &Table::default()).contains(r#"<td id="layout">legacy</td>"#));
    }

    #[test]
    fn incomplete_runs_say_so() {
        let info = RunInfo { target: "demo".into(), ..RunInfo::default() };
        let html = render(&info, &RunResult { rows: vec![], incomplete: true, restarts: 0 }, &Table::default());
        assert!(html.contains("id=\"incomplete\""));
        assert!(html.contains(r#"<td id="count-total">0</td>"#));
    }

    #[test]
    fn the_overviews_count_by_section_and_requirement() {
        let mut a = row("a", Verdict::Pass);
        a.sections = vec!["MS-OXCNOTIF 2.2.1.10".into(), "MS-OXCNOTIF 2.2.1.4".into()];
        let b = row("b", Verdict::Fail);
        let html = page(vec![a, b]);
        let s10 = html.find("<td>MS-OXCNOTIF 2.2.1.10</td>").unwrap();
        let s4 = html.find("<td>MS-OXCNOTIF 2.2.1.4</td>").unwrap();
        assert!(s4 < s10, "sections sort by number");
        let req = html.find("<tr id=\"req-MS-OXCROPS_R4553\" class=\"worst v-FAIL\">").expect("requirement row");
        let end = html[req..].find("</tr>").unwrap();
        let cells = &html[req..req + end];
        assert!(cells.contains("<td class=\"num\">2</td>"));
        assert!(cells.contains("href=\"#case-a\"") && cells.contains("href=\"#case-b\""));
    }
}
