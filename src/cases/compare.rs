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
                    None => out.push((at(k), format!("expected {ev}, but the field is absent"))),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push((at(k), format!("not expected, but present with {av}")));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push((path.to_string(), format!("expected {} entries, got {}", e.len(), a.len())));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff_into(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ => {
            if !scalar_eq(expected, actual) {
                out.push((path.to_string(), format!("expected {expected}, got {actual}")));
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
    fn text_is_not_compared_as_hex_case_insensitively_unless_hex() {
        assert!(!scalar_eq(&json!("IPM.Note"), &json!("ipm.note")));
        assert!(scalar_eq(&json!("00AB"), &json!("00ab")));
    }
}
