//! The model fuzz target's table operations (src/fuzzing/tables.rs): the
//! committed seeds reach every table path with no invariant broken, and the
//! operations written for seeds read back as written.

use oxcnotif::cases::corpus::model_seeds;
use oxcnotif::fuzzing::{model_ops, model_table_stats, ModelOp, TableStats};
use std::collections::BTreeMap;

fn all_table_seeds() -> Vec<(String, TableStats)> {
    model_seeds()
        .into_iter()
        .filter(|(n, _)| n.starts_with("model.tables."))
        .map(|(n, ops)| {
            let bytes = oxcnotif::cases::corpus::model_bytes(&ops);
            let stats = model_table_stats(&bytes).unwrap_or_else(|e| panic!("{n}: {e}"));
            (n, stats)
        })
        .collect()
}

fn add(into: &mut BTreeMap<u8, u32>, from: &BTreeMap<u8, u32>) {
    for (k, v) in from {
        *into.entry(*k).or_insert(0) += v;
    }
}

#[test]
fn the_table_seeds_reach_every_kind_every_view_rop_resets_releases_and_row_data() {
    let seeds = all_table_seeds();
    assert!(seeds.len() >= 20, "{} table seeds", seeds.len());
    let mut total = TableStats::default();
    for (_, s) in &seeds {
        add(&mut total.created, &s.created);
        add(&mut total.notified, &s.notified);
        add(&mut total.rops, &s.rops);
        total.refused += s.refused;
        total.rows_checked += s.rows_checked;
        total.resets += s.resets;
        total.releases += s.releases;
    }
    for kind in [0x04u8, 0x05, 0x21, 0x3E, 0x3F] {
        assert!(total.created.get(&kind).is_some_and(|n| *n > 0), "no table of RopId 0x{kind:02X}: {total:?}");
        assert!(total.notified.get(&kind).is_some_and(|n| *n > 0), "no RopNotify to a 0x{kind:02X} table: {total:?}");
    }
    // RopSetColumns, RopCreateBookmark and the nine view-creating ROPs.
    for rop in [0x12u8, 0x1B, 0x15, 0x17, 0x18, 0x19, 0x1A, 0x37, 0x4F, 0x59, 0x5A] {
        assert!(total.rops.get(&rop).is_some_and(|n| *n > 0), "RopId 0x{rop:02X} never reached a table: {total:?}");
    }
    assert!(total.refused > 0 && total.resets > 0 && total.releases > 0 && total.rows_checked > 0, "{total:?}");
}

#[test]
fn a_table_opened_with_no_notifications_hears_nothing_and_its_twin_does() {
    let seeds: BTreeMap<String, TableStats> = all_table_seeds().into_iter().collect();
    let quiet = &seeds["model.tables.contents.no-notifications"];
    let loud = &seeds["model.tables.contents.rows"];
    assert_eq!(quiet.created.get(&0x05), Some(&1));
    assert!(quiet.notified.is_empty(), "{quiet:?}");
    assert!(loud.notified.get(&0x05).is_some_and(|n| *n >= 3) && loud.rows_checked > 0, "{loud:?}");
    let no_view = &seeds["model.tables.contents.no-view"];
    assert!(no_view.notified.is_empty(), "{no_view:?}");
}

#[test]
fn table_operations_read_back_as_written() {
    for (name, ops) in model_seeds() {
        let bytes = oxcnotif::cases::corpus::model_bytes(&ops);
        assert_eq!(model_ops(&bytes), ops, "{name}");
    }
    // Every opcode byte reads some operation, and a cut-off one none;
    // opcodes 4-9 (modulo 10) are the table operations.
    for op in 0..=255u8 {
        let parsed = model_ops(&[op, 1, 2, 3, 4, 5]);
        assert!(!parsed.is_empty(), "opcode {op}");
        assert!(model_ops(&[op]).is_empty(), "opcode {op} without its parameters");
        assert_eq!(matches!(parsed[0], ModelOp::Table(_)), op % 10 >= 4, "opcode {op}: {parsed:?}");
    }
}
