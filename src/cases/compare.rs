//! Comparing what an implementation produced with what a case expects:
//! field by field, with one `(field path, message)` per difference. IDs and
//! blobs compare without regard to hex case, integers whether written as
//! numbers or `"0x…"` strings.

use crate::wire::value::parse_int;
use serde_json::Value;

/// Compares an expected value with an actual one, field by field: one
/// `(field path, message)` per difference. Keys must match exactly;
/// scalars compare leniently as described in the module doc.
pub fn diff_paths(path: &str, expected: &Value, actual: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    diff_into(path, expected, actual, &mut out);
    out
}

fn diff_into(path: &str, expected: &Value, actual: &Value, out: &mut Vec<(String, String)>) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff_into(&at(k), ev, av, out),
                    None => out.push((at(k), format!("expected {}, but the field is absent", show(&at(k), ev)))),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push((at(k), format!("not expected, but present with {}", show(&at(k), av))));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push((
                    path.to_string(),
                    format!("expected {}, got {}", crate::plural::plural_of(e.len(), "entry", "entries"), a.len()),
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff_into(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ => {
            if !scalar_eq(expected, actual) {
                out.push((path.to_string(), format!("expected {}, got {}", show(path, expected), show(path, actual))));
            }
        }
    }
}

/// Compares values and adds a line `path: message` per difference (see [`diff_paths`]).
pub fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    for (p, m) in diff_paths(path, expected, actual) {
        out.push(format!("{p}: {m}"));
    }
}

/// Scalar comparison: integers by value (numbers or `"0x…"`), hex without regard to case.
pub fn scalar_eq(e: &Value, a: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => parse_int(s),
        _ => None,
    };
    match (e, a) {
        (Value::String(x), Value::String(y)) => {
            x == y || (is_hex(x) && is_hex(y) && x.replace(' ', "").eq_ignore_ascii_case(&y.replace(' ', "")))
        }
        _ => match (num(e), num(a)) {
            (Some(x), Some(y)) => x == y,
            _ => e == a,
        },
    }
}

fn is_hex(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_hexdigit() || c == ' ')
}

/// A value as the case files write it: an integer field in hex at its
/// field's width, with the spec's name where the spec names the value
/// (`0xFF RopBufferTooSmall`, `0x80040108 ecNullObject`, `0xC004
/// ObjectCreated|S|M`); counts and sizes in decimal; anything else as JSON.
pub fn show(path: &str, v: &Value) -> String {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => parse_int(s),
        _ => None,
    };
    let Some(n) = n else { return v.to_string() };
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    use crate::wire::notification_data::{flags_name, table_event_name};
    let named = |width: usize, name: Option<String>| match name {
        Some(name) if !name.is_empty() => format!("0x{n:0width$X} {name}"),
        _ => format!("0x{n:0width$X}"),
    };
    match field {
        "RopId" => named(2, crate::wire::rop_name(n as u8).map(str::to_string)),
        "ReturnValue" => named(8, Some(crate::wire::return_value_name(n as u32).to_string())),
        "NotificationFlags" => named(4, Some(flags_name(n as u16))),
        "NotificationTypes" => named(4, Some(crate::wire::register_notification::type_names(n as u16))),
        "TableEventType" => named(4, table_event_name(n as u16).map(str::to_string)),
        "LogonId" | "InputHandleIndex" | "OutputHandleIndex" | "Reserved" | "WantWholeStore" | "UnicodeFlag" => {
            named(2, None)
        }
        "NotificationHandle"
        | "ServerObjectHandleTable"
        | "MessageFlags"
        | "Tags"
        | "TableRowInstance"
        | "InsertAfterTableRowInstance" => named(8, None),
        _ => n.to_string(),
    }
}

/// The 1-byte Boolean fields of the structures: TRUE is 0x01 and FALSE
/// 0x00 (MS-OXCNOTIF_R52, R53, R218, R219), and the framing reads any
/// nonzero byte as TRUE (MS-OXCROPS_R4657, R4658; MessageClass is then
/// UTF-16LE). The value form keeps the raw byte.
pub const BOOLEAN_FIELDS: [&str; 2] = ["WantWholeStore", "UnicodeFlag"];

/// Where `actual` reads a Boolean byte that `expected` keeps raw (nonzero,
/// not 0x01) as TRUE (`1` or `true`): the same meaning, but not the same
/// value. Returns `expected` with those fields taken from `actual`, and
/// the paths with the raw byte each had; empty when there are none.
pub fn boolean_normalizations(expected: &Value, actual: &Value) -> (Value, Vec<(String, u64)>) {
    let mut e = expected.clone();
    let mut found = Vec::new();
    normalize_into("", &mut e, actual, &mut found);
    (e, found)
}

fn normalize_into(path: &str, e: &mut Value, a: &Value, found: &mut Vec<(String, u64)>) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (e, a) {
        (Value::Object(em), Value::Object(am)) => {
            for (k, ev) in em.iter_mut() {
                let Some(av) = am.get(k) else { continue };
                let raw = match ev {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => parse_int(s),
                    _ => None,
                };
                let reads_true = matches!(av, Value::Bool(true)) || av.as_u64() == Some(1);
                match raw {
                    Some(r) if BOOLEAN_FIELDS.contains(&k.as_str()) && r > 1 && r <= 0xFF && reads_true => {
                        found.push((at(k), r));
                        *ev = av.clone();
                    }
                    _ => normalize_into(&at(k), ev, av, found),
                }
            }
        }
        (Value::Array(ev), Value::Array(av)) => {
            for (i, (x, y)) in ev.iter_mut().zip(av).enumerate() {
                normalize_into(&format!("{path}[{i}]"), x, y, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_reports_each_difference() {
        let mut out = Vec::new();
        diff(
            "",
            &json!({"A": 1, "B": "AB01", "C": {"D": "0x10"}, "E": [1, 2]}),
            &json!({"A": 2, "B": "ab01", "C": {"D": 16}, "E": [1], "F": 0}),
            &mut out,
        );
        assert_eq!(
            out,
            vec!["A: expected 1, got 2", "E: expected 2 entries, got 1", "F: not expected, but present with 0"]
        );
    }

    #[test]
    fn values_are_shown_as_the_spec_names_them() {
        assert_eq!(show("RopsList[0].RopId", &json!(255)), "0xFF RopBufferTooSmall");
        assert_eq!(show("RopsList[1].ReturnValue", &json!(0x8004_0108u32)), "0x80040108 ecInvalidObject");
        assert_eq!(show("RopsList[1].ReturnValue", &json!(0x4B9)), "0x000004B9 ecNullObject");
        assert_eq!(show("NotificationData.NotificationFlags", &json!(0xC004)), "0xC004 ObjectCreated|S|M");
        assert_eq!(show("ServerObjectHandleTable[1]", &json!("0xFFFFFFFF")), "0xFFFFFFFF");
        assert_eq!(show("RopSize", &json!(28)), "28");
        assert_eq!(show("MessageClass", &json!("IPM.Note")), "\"IPM.Note\"");
    }

    #[test]
    fn text_is_not_compared_as_hex_case_insensitively_unless_hex() {
        assert!(!scalar_eq(&json!("IPM.Note"), &json!("ipm.note")));
        assert!(scalar_eq(&json!("00AB"), &json!("00ab")));
    }
}
