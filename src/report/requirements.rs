//! `requirements.md`: every row of Microsoft's MS-OXCNOTIF requirement
//! table with our status. (Being filled in.)

use super::RunInfo;
use crate::cases::run::RunResult;
use std::path::Path;

/// The requirement table and our annotations.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Rows, in the table's order.
    pub rows: Vec<crate::cases::requirements::Requirement>,
}

/// Loads the tables under `dir` (`spec/requirements`).
pub fn load(dir: &Path) -> std::io::Result<Table> {
    Ok(Table { rows: crate::cases::requirements::load(dir)?.into_values().collect() })
}

/// Renders `requirements.md`.
pub fn render(info: &RunInfo, result: &RunResult, table: &Table) -> String {
    let _ = (info, result);
    format!("# Requirements\n\n{} rows.\n", table.rows.len())
}
