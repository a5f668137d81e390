//! Helpers for the external value form (see `spec-cases/README.md`).
//!
//! Every structure converts to and from a `serde_json::Value` map keyed by
//! the spec's field names verbatim, in wire order. Integers are JSON numbers
//! (on input, a string such as `"0x0400"` is accepted too); 8-byte IDs and
//! byte blobs are hex strings in wire order. [`Obj`] reads such a map and
//! names the field (as a path) in every complaint: missing, wrong type, out
//! of range, or a key the structure does not have.

use super::codec::{EncodeError, Error, Finding, Id8};
use serde_json::{json, Map, Value};

/// A map being read as one structure's value.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    known: &'static [&'static str],
}

impl<'a> Obj<'a> {
    /// Reads `v` as a map whose keys must all be in `known`.
    pub fn new(v: &'a Value, known: &'static [&'static str]) -> Result<Self, EncodeError> {
        let map = v
            .as_object()
            .ok_or_else(|| EncodeError::new("", format!("expected a map of fields, found {}", kind_of(v))))?;
        for k in map.keys() {
            if !known.contains(&k.as_str()) {
                return Err(EncodeError::new(
                    k.clone(),
                    format!("not a field of this structure (its fields are {})", known.join(", ")),
                ));
            }
        }
        Ok(Obj { map, known })
    }

    /// The raw value of a field, if present.
    pub fn get(&self, name: &'static str) -> Option<&'a Value> {
        debug_assert!(self.known.contains(&name));
        self.map.get(name)
    }

    fn int(&self, name: &'static str, max: u64) -> Result<Option<u64>, EncodeError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => int_of(v, max).map(Some).map_err(|m| EncodeError::new(name, m)),
        }
    }

    fn required<T>(&self, name: &'static str, v: Option<T>) -> Result<T, EncodeError> {
        v.ok_or_else(|| EncodeError::new(name, "missing"))
    }

    /// An optional 1-byte integer.
    pub fn opt_u8(&self, name: &'static str) -> Result<Option<u8>, EncodeError> {
        Ok(self.int(name, 0xFF)?.map(|n| n as u8))
    }
    /// A required 1-byte integer.
    pub fn u8(&self, name: &'static str) -> Result<u8, EncodeError> {
        let v = self.opt_u8(name)?;
        self.required(name, v)
    }
    /// An optional 2-byte integer.
    pub fn opt_u16(&self, name: &'static str) -> Result<Option<u16>, EncodeError> {
        Ok(self.int(name, 0xFFFF)?.map(|n| n as u16))
    }
    /// A required 2-byte integer.
    pub fn u16(&self, name: &'static str) -> Result<u16, EncodeError> {
        let v = self.opt_u16(name)?;
        self.required(name, v)
    }
    /// An optional 4-byte integer.
    pub fn opt_u32(&self, name: &'static str) -> Result<Option<u32>, EncodeError> {
        Ok(self.int(name, 0xFFFF_FFFF)?.map(|n| n as u32))
    }
    /// A required 4-byte integer.
    pub fn u32(&self, name: &'static str) -> Result<u32, EncodeError> {
        let v = self.opt_u32(name)?;
        self.required(name, v)
    }

    /// An optional 8-byte ID as 16 hex digits.
    pub fn opt_id8(&self, name: &'static str) -> Result<Option<Id8>, EncodeError> {
        let Some(b) = self.opt_bytes(name)? else { return Ok(None) };
        let arr: [u8; 8] = b.as_slice().try_into().map_err(|_| {
            EncodeError::new(
                name,
                format!("an ID is 8 bytes (16 hex digits), found {}", crate::plural::plural(b.len(), "byte")),
            )
        })?;
        Ok(Some(Id8(arr)))
    }

    /// An optional byte blob as hex.
    pub fn opt_bytes(&self, name: &'static str) -> Result<Option<Vec<u8>>, EncodeError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        let s =
            v.as_str().ok_or_else(|| EncodeError::new(name, format!("expected a hex string, found {}", show(v))))?;
        crate::hex::parse(s).map(Some).map_err(|e| EncodeError::new(name, e.message))
    }

    /// A required byte blob as hex.
    pub fn bytes(&self, name: &'static str) -> Result<Vec<u8>, EncodeError> {
        let v = self.opt_bytes(name)?;
        self.required(name, v)
    }

    /// A required RopId that must equal `expected`.
    pub fn rop_id(&self, expected: u8, rop: &str) -> Result<(), EncodeError> {
        let id = self.u8("RopId")?;
        if id != expected {
            return Err(EncodeError::new("RopId", format!("{rop} has RopId 0x{expected:02X}, found 0x{id:02X}")));
        }
        Ok(())
    }
}

/// Reads an integer of at most `max` from a number or a `"0x…"` / decimal
/// string; the error says what was found.
pub fn int_of(v: &Value, max: u64) -> Result<u64, String> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_int(s),
        _ => None,
    }
    .ok_or_else(|| format!("expected a non-negative integer, found {}", show(v)))?;
    if n > max {
        return Err(format!("{n} does not fit in {} byte(s)", byte_width(max)));
    }
    Ok(n)
}

fn byte_width(max: u64) -> u32 {
    (64 - max.leading_zeros()) / 8
}

/// Parses `"0x1F"` or `"31"`.
pub fn parse_int(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// "a string", "a list", … for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        format!("{}…", &s[..s.char_indices().nth(40).map_or(s.len(), |(i, _)| i)])
    } else {
        s
    }
}

/// Builds a value map in wire order.
#[derive(Default)]
pub struct MapBuilder(Map<String, Value>);

impl MapBuilder {
    /// An empty map.
    pub fn new() -> Self {
        MapBuilder(Map::new())
    }
    /// Adds an integer field.
    pub fn int(mut self, name: &str, v: impl Into<u64>) -> Self {
        self.0.insert(name.into(), Value::from(v.into()));
        self
    }
    /// Adds an integer field when present.
    pub fn opt_int<T: Into<u64>>(self, name: &str, v: Option<T>) -> Self {
        match v {
            Some(v) => self.int(name, v),
            None => self,
        }
    }
    /// Adds an ID field when present.
    pub fn opt_id8(mut self, name: &str, v: Option<Id8>) -> Self {
        if let Some(v) = v {
            self.0.insert(name.into(), Value::String(v.to_string()));
        }
        self
    }
    /// Adds a hex blob field.
    pub fn bytes(mut self, name: &str, v: &[u8]) -> Self {
        self.0.insert(name.into(), Value::String(crate::hex::encode(v)));
        self
    }
    /// Adds any value.
    pub fn value(mut self, name: &str, v: Value) -> Self {
        self.0.insert(name.into(), v);
        self
    }
    /// The finished map.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// The external form of a finding: `{requirement, level, field, offset,
/// message}`, as `decode` prints it and adapters answer it.
pub fn finding_json(f: &Finding) -> Value {
    json!({"requirement": f.requirement, "level": f.level.name(), "field": f.field, "offset": f.offset, "message": f.message})
}

/// The external form of a framing error: `{kind, field, offset, message}`.
pub fn error_json(e: &Error) -> Value {
    json!({"kind": e.kind.name(), "field": e.field, "offset": e.offset, "message": e.to_string()})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_come_as_numbers_or_hex_or_decimal_strings() {
        assert_eq!(int_of(&json!(7), 0xFF), Ok(7));
        assert_eq!(int_of(&json!("0x1F"), 0xFF), Ok(0x1F));
        assert_eq!(int_of(&json!(" 31 "), 0xFF), Ok(31));
        assert_eq!(int_of(&json!("0Xff"), 0xFF), Ok(0xFF));
    }

    #[test]
    fn too_large_integers_name_the_field_width() {
        assert_eq!(int_of(&json!(256), 0xFF), Err("256 does not fit in 1 byte(s)".to_string()));
        assert_eq!(int_of(&json!("0x10000"), 0xFFFF), Err("65536 does not fit in 2 byte(s)".to_string()));
        assert_eq!(
            int_of(&json!(1u64 << 32), u32::MAX as u64),
            Err("4294967296 does not fit in 4 byte(s)".to_string())
        );
    }

    #[test]
    fn refusals_say_what_was_found() {
        let cases = [
            (json!(null), "null"),
            (json!(true), "a boolean"),
            (json!(1), "a number"),
            (json!("x"), "a string"),
            (json!([1]), "a list"),
            (json!({"a": 1}), "a map"),
        ];
        for (v, kind) in cases {
            assert_eq!(kind_of(&v), kind);
        }
        let e = Obj::new(&json!([1, 2]), &[]).err().unwrap();
        assert_eq!(e.message, "expected a map of fields, found a list");
        assert_eq!(int_of(&json!([1, 2]), 0xFF), Err("expected a non-negative integer, found [1,2]".to_string()));
        assert_eq!(int_of(&json!(-1), 0xFF), Err("expected a non-negative integer, found -1".to_string()));
    }

    #[test]
    fn long_values_are_cut_at_forty_characters() {
        // JSON text of 40 characters is shown whole; 41 is cut to 40 and "…".
        let forty = json!("a".repeat(38));
        assert_eq!(show(&forty), format!("\"{}\"", "a".repeat(38)));
        let forty_one = json!("a".repeat(39));
        assert_eq!(show(&forty_one), format!("\"{}…", "a".repeat(39)));
        let long = json!("é".repeat(60));
        assert_eq!(show(&long), format!("\"{}…", "é".repeat(39)));
        assert_eq!(show(&json!(12)), "12");
    }
}
