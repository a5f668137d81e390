//! `index.html`: one self-contained page. (Being filled in.)

use super::requirements::Table;
use super::RunInfo;
use crate::cases::run::RunResult;

/// Renders the page.
pub fn render(info: &RunInfo, result: &RunResult, table: &Table) -> String {
    let _ = (result, table);
    format!("<!doctype html><title>{}</title>\n", super::junit::escape(&info.target))
}
