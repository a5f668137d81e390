//! The column set of each table a sequence holds, followed step by step
//! from the buffers the harness sent and the server answered: RopSetColumns
//! sets a table's columns, RopResetTable drops them (MS-OXCTABL 2.2.2.2,
//! MS-OXCROPS 2.2.5.15). The report uses them to dissect the TableRowData
//! of a RopNotify by column (MS-OXCNOTIF_R166001).

use crate::wire::property_tag::PropertyTag;
use crate::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest};
use crate::wire::{decode, Layout};
use std::collections::BTreeMap;

/// Column sets by table handle.
#[derive(Default)]
pub(super) struct ColumnSets {
    by_handle: BTreeMap<u32, Vec<PropertyTag>>,
    /// The last input's column changes, by slot: `Some(columns)` for
    /// RopSetColumns, `None` for RopResetTable. Their handles are read from
    /// the output's table, which also holds handles the same buffer created.
    pending: Vec<(u8, Option<Vec<PropertyTag>>)>,
    input_table: Vec<u32>,
}

impl ColumnSets {
    /// Notes the column changes an input buffer asks for.
    pub(super) fn input(&mut self, bytes: &[u8], layout: Layout) {
        self.pending.clear();
        self.input_table.clear();
        let Ok(d) = decode::<RopInputBuffer>(bytes, layout) else { return };
        for rop in &d.value.rops_list {
            match rop {
                RopRequest::SetColumns(r) => self.pending.push((r.input_handle_index, Some(r.property_tags.clone()))),
                RopRequest::ResetTable(r) => self.pending.push((r.input_handle_index, None)),
                _ => {}
            }
        }
        self.input_table = d.value.server_object_handle_table;
    }

    /// Applies the last input's changes, with the handles of `bytes` (the
    /// output buffer answering it) or, when it does not decode, the input's.
    pub(super) fn output(&mut self, bytes: Option<&[u8]>) {
        let table = bytes
            .and_then(|b| decode::<RopOutputBuffer>(b, Layout::Spec).ok())
            .map(|d| d.value.server_object_handle_table)
            .unwrap_or_else(|| self.input_table.clone());
        for (slot, change) in self.pending.drain(..) {
            let Some(&h) = table.get(slot as usize) else { continue };
            match change {
                Some(columns) => {
                    self.by_handle.insert(h, columns);
                }
                None => {
                    self.by_handle.remove(&h);
                }
            }
        }
    }

    /// The columns set on the table with handle `h`, if any.
    pub(super) fn of(&self, h: u32) -> Option<Vec<PropertyTag>> {
        self.by_handle.get(&h).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_columns_on_a_table_made_in_the_same_buffer_is_found_by_the_output_handle() {
        let mut c = ColumnSets::default();
        // RopGetContentsTable into slot 1, RopSetColumns on slot 1 (PidTagMid).
        c.input(
            &crate::hex::parse("1100 05 00 00 01 00 12 00 01 00 0100 14004a67 80000000 ffffffff").unwrap(),
            Layout::Spec,
        );
        c.output(Some(&crate::hex::parse("1300 05 01 00000000 02000000 12 01 00000000 00 80000000 71000000").unwrap()));
        assert_eq!(c.of(0x71), Some(vec![PropertyTag::from_u32(0x674A_0014)]));
        // RopResetTable drops them.
        c.input(&crate::hex::parse("0500 81 00 00 71000000").unwrap(), Layout::Spec);
        c.output(Some(&crate::hex::parse("0800 81 00 00000000 71000000").unwrap()));
        assert_eq!(c.of(0x71), None);
    }
}
