//! PropertyRow: [MS-OXCDATA] 2.8.1. The values of one table row, in the
//! order of the table's columns, without their tags: a row can only be
//! read against the column set of the table's last RopSetColumns (the rows
//! of RopQueryRows, RopFindRow and RopExpandRow, MS-OXCTABL_R116, and the
//! TableRowData of a table notification, MS-OXCNOTIF_R166001).
//!
//! * Flag 0x00, StandardPropertyRow (2.8.1.1): every value present, no
//!   errors; each is a PropertyValue, or a TypedPropertyValue (PropertyType
//!   first) where the column's type is PtypUnspecified.
//! * Flag 0x01, FlaggedPropertyRow (2.8.1.2): each value is a
//!   FlaggedPropertyValue (Flag, then the value: 0x00 present, 0x01 not
//!   present and no bytes, 0x0A a PtypErrorCode saying why), or a
//!   FlaggedPropertyValueWithType (PropertyType, Flag, value) where the
//!   column's type is PtypUnspecified.
//!
//! Any other Flag leaves the layout undefined: decoding stops with
//! [`ErrorKind::UndefinedValue`]. The external form is
//! `{Flag, ValueArray: [{PropertyTag, PropertyType?, Flag?, PropertyValue?}]}`,
//! each entry naming its column's tag.
//!
//! ```
//! use oxcnotif::wire::property_row::PropertyRow;
//! use oxcnotif::wire::property_tag::PropertyTag;
//! use oxcnotif::wire::property_value::PropertyValue;
//! use oxcnotif::wire::Reader;
//!
//! // PidTagContentCount (PtypInteger32), PidTagDisplayName (PtypString).
//! let columns = [PropertyTag::from_u32(0x3602_0003), PropertyTag::from_u32(0x3001_001F)];
//! let bytes = [0x00, 0x05, 0x00, 0x00, 0x00, b'I', 0, b'n', 0, 0, 0];
//! let mut r = Reader::new(&bytes);
//! let row = PropertyRow::read(&mut r, &columns).unwrap();
//! assert_eq!(row.value_array[0].property_value, Some(PropertyValue::Integer32(5)));
//! assert_eq!(row.to_value()["ValueArray"][1]["PropertyValue"], "In");
//! let mut out = Vec::new();
//! row.write(&mut out).unwrap();
//! assert_eq!(out, bytes);
//! ```

use super::codec::{put_u16, EncodeError, Error, ErrorKind, Reader};
use super::property_tag::{self as pt, PropertyTag};
use super::property_value::PropertyValue;
use super::value::{kind_of, MapBuilder, Obj};
use serde_json::Value;

/// Flag of a StandardPropertyRow.
pub const STANDARD: u8 = 0x00;
/// Flag of a FlaggedPropertyRow.
pub const FLAGGED: u8 = 0x01;
/// FlaggedPropertyValue Flag: the value is present.
pub const VALUE_PRESENT: u8 = 0x00;
/// FlaggedPropertyValue Flag: the value is not present; no bytes follow.
pub const VALUE_NOT_PRESENT: u8 = 0x01;
/// FlaggedPropertyValue Flag: a PtypErrorCode follows instead of the value.
pub const VALUE_ERROR: u8 = 0x0A;

/// One column's entry in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnValue {
    /// The column (from the column set; not on the wire).
    pub property_tag: PropertyTag,
    /// PropertyType: on the wire only where the column is PtypUnspecified.
    pub property_type: Option<u16>,
    /// Flag of a FlaggedPropertyValue: present exactly in flagged rows.
    pub flag: Option<u8>,
    /// PropertyValue: absent only when Flag is 0x01; a PtypErrorCode when
    /// Flag is 0x0A.
    pub property_value: Option<PropertyValue>,
}

/// A PropertyRow ([MS-OXCDATA] 2.8.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyRow {
    /// Flag: 0x00 StandardPropertyRow, 0x01 FlaggedPropertyRow.
    pub flag: u8,
    /// ValueArray, one entry per column.
    pub value_array: Vec<ColumnValue>,
}

fn row_kind(flag: u8) -> &'static str {
    match flag {
        STANDARD => "StandardPropertyRow",
        FLAGGED => "FlaggedPropertyRow",
        _ => "undefined",
    }
}

fn value_flag_name(flag: u8) -> &'static str {
    match flag {
        VALUE_PRESENT => "value present",
        VALUE_NOT_PRESENT => "value not present",
        VALUE_ERROR => "error code follows",
        _ => "undefined",
    }
}

impl ColumnValue {
    fn read(r: &mut Reader, tag: PropertyTag, flagged: bool) -> Result<Self, Error> {
        let typed = tag.property_type & !pt::MULTIVALUE_INSTANCE == pt::PTYP_UNSPECIFIED;
        let property_type = if typed {
            let t = r.u16("PropertyType")?;
            r.annotate(|| pt::type_name_of(t));
            Some(t)
        } else {
            None
        };
        let flag = if flagged {
            let at = r.pos();
            let f = r.u8("Flag")?;
            r.annotate(|| value_flag_name(f).to_string());
            if !matches!(f, VALUE_PRESENT | VALUE_NOT_PRESENT | VALUE_ERROR) {
                return Err(r.error_at("Flag", at, ErrorKind::UndefinedValue { value: f as u32 }));
            }
            Some(f)
        } else {
            None
        };
        let t = match flag {
            Some(VALUE_ERROR) => pt::PTYP_ERROR_CODE,
            _ => property_type.unwrap_or(tag.property_type),
        };
        let property_value = match flag {
            Some(VALUE_NOT_PRESENT) => None,
            _ => {
                let v = PropertyValue::read(r, t, "PropertyValue")?;
                r.annotate(|| format!("[{tag}]"));
                Some(v)
            }
        };
        Ok(ColumnValue { property_tag: tag, property_type, flag, property_value })
    }

    /// The type the value is written with.
    fn value_type(&self) -> u16 {
        match self.flag {
            Some(VALUE_ERROR) => pt::PTYP_ERROR_CODE,
            _ => self.property_type.unwrap_or(self.property_tag.property_type),
        }
    }

    fn check(&self, flagged: bool) -> Result<(), EncodeError> {
        let typed = self.property_tag.property_type & !pt::MULTIVALUE_INSTANCE == pt::PTYP_UNSPECIFIED;
        if self.property_type.is_some() != typed {
            return Err(EncodeError::new(
                "PropertyType",
                if typed {
                    "missing: the column is PtypUnspecified, so each value carries its PropertyType (MS-OXCDATA 2.11.3)"
                } else {
                    "present, but the column has a type; PropertyType is on the wire only for PtypUnspecified columns"
                },
            ));
        }
        match (flagged, self.flag) {
            (true, None) => return Err(EncodeError::new("Flag", "missing: a FlaggedPropertyRow flags every value")),
            (false, Some(_)) => {
                return Err(EncodeError::new("Flag", "present, but a StandardPropertyRow has no per-value Flag"))
            }
            (_, Some(f)) if !matches!(f, VALUE_PRESENT | VALUE_NOT_PRESENT | VALUE_ERROR) => {
                return Err(EncodeError::new("Flag", format!("0x{f:02X} is not 0x00, 0x01 or 0x0A")))
            }
            _ => {}
        }
        let want_value = self.flag != Some(VALUE_NOT_PRESENT);
        if self.property_value.is_some() != want_value {
            return Err(EncodeError::new(
                "PropertyValue",
                if want_value { "missing" } else { "present, but Flag 0x01 says the value is not present" },
            ));
        }
        Ok(())
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        if let Some(t) = self.property_type {
            put_u16(out, t);
        }
        if let Some(f) = self.flag {
            out.push(f);
        }
        if let Some(v) = &self.property_value {
            v.write(out, self.value_type(), "PropertyValue")?;
        }
        Ok(())
    }

    fn to_value(&self) -> Value {
        let b = MapBuilder::new()
            .int("PropertyTag", self.property_tag.to_u32())
            .opt_int("PropertyType", self.property_type)
            .opt_int("Flag", self.flag);
        match &self.property_value {
            Some(v) => b.value("PropertyValue", v.to_value()),
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value) -> Result<Self, EncodeError> {
        const FIELDS: &[&str] = &["PropertyTag", "PropertyType", "Flag", "PropertyValue"];
        let o = Obj::new(v, FIELDS)?;
        let tag = o.get("PropertyTag").ok_or_else(|| EncodeError::new("PropertyTag", "missing"))?;
        let property_tag = PropertyTag::from_value(tag).map_err(|m| EncodeError::new("PropertyTag", m))?;
        let property_type = o.opt_u16("PropertyType")?;
        let flag = o.opt_u8("Flag")?;
        let mut c = ColumnValue { property_tag, property_type, flag, property_value: None };
        if let Some(pv) = o.get("PropertyValue") {
            c.property_value = Some(PropertyValue::from_value(pv, c.value_type(), "PropertyValue")?);
        }
        Ok(c)
    }
}

impl PropertyRow {
    /// Reads a row against `columns`, the table's column set.
    pub fn read(r: &mut Reader, columns: &[PropertyTag]) -> Result<Self, Error> {
        let at = r.pos();
        let flag = r.u8("Flag")?;
        r.annotate(|| row_kind(flag).to_string());
        if flag > FLAGGED {
            return Err(r.error_at("Flag", at, ErrorKind::UndefinedValue { value: flag as u32 }));
        }
        // The column set is the caller's; each entry reads at least one
        // byte or fails, so the list never outgrows the input by much.
        let mut value_array = Vec::with_capacity(columns.len().min(r.remaining() + 1));
        for (i, tag) in columns.iter().enumerate() {
            r.enter_index("ValueArray", i);
            let v = ColumnValue::read(r, *tag, flag == FLAGGED);
            r.leave();
            value_array.push(v?);
        }
        Ok(PropertyRow { flag, value_array })
    }

    /// Refuses a row whose parts disagree (see [`ColumnValue`]).
    pub fn check(&self) -> Result<(), EncodeError> {
        if self.flag > FLAGGED {
            return Err(EncodeError::new("Flag", format!("0x{:02X} is neither 0x00 nor 0x01", self.flag)));
        }
        for (i, c) in self.value_array.iter().enumerate() {
            c.check(self.flag == FLAGGED).map_err(|e| e.within(&format!("ValueArray[{i}]")))?;
        }
        Ok(())
    }

    /// Appends the row.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.check()?;
        out.push(self.flag);
        for (i, c) in self.value_array.iter().enumerate() {
            c.write(out).map_err(|e| e.within(&format!("ValueArray[{i}]")))?;
        }
        Ok(())
    }

    /// The columns the row was read against.
    pub fn columns(&self) -> Vec<PropertyTag> {
        self.value_array.iter().map(|c| c.property_tag).collect()
    }

    /// The external value form.
    pub fn to_value(&self) -> Value {
        MapBuilder::new()
            .int("Flag", self.flag)
            .value("ValueArray", Value::Array(self.value_array.iter().map(|c| c.to_value()).collect()))
            .build()
    }

    /// Reads the value form; when `columns` is given, the entries' tags
    /// must be those columns, in order.
    pub fn from_value(v: &Value, columns: Option<&[PropertyTag]>) -> Result<Self, EncodeError> {
        const FIELDS: &[&str] = &["Flag", "ValueArray"];
        let o = Obj::new(v, FIELDS)?;
        let flag = o.u8("Flag")?;
        let items = match o.get("ValueArray") {
            Some(Value::Array(items)) => items,
            Some(x) => return Err(EncodeError::new("ValueArray", format!("expected a list, found {}", kind_of(x)))),
            None => return Err(EncodeError::new("ValueArray", "missing")),
        };
        let mut value_array = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            value_array.push(ColumnValue::from_value(item).map_err(|e| e.within(&format!("ValueArray[{i}]")))?);
        }
        let row = PropertyRow { flag, value_array };
        if let Some(cols) = columns {
            if row.columns() != cols {
                return Err(EncodeError::new(
                    "ValueArray",
                    format!("the entries' tags are not the {} columns of the column set, in order", cols.len()),
                ));
            }
        }
        row.check()?;
        Ok(row)
    }
}

/// Decodes `bytes` as one PropertyRow against `columns`, which must take
/// all of them.
pub fn decode_row(bytes: &[u8], columns: &[PropertyTag]) -> Result<super::Decoded<PropertyRow>, Error> {
    let mut r = Reader::new(bytes);
    let row = PropertyRow::read(&mut r, columns)?;
    if r.remaining() > 0 {
        return Err(r.error("PropertyRow", ErrorKind::TrailingBytes { count: r.remaining() }));
    }
    let (findings, _) = r.finish();
    Ok(super::Decoded { value: row, findings, consumed: bytes.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(v: &[u32]) -> Vec<PropertyTag> {
        v.iter().map(|t| PropertyTag::from_u32(*t)).collect()
    }

    fn round_trip(bytes: &[u8], cols: &[PropertyTag]) -> PropertyRow {
        let row = decode_row(bytes, cols).unwrap().value;
        let mut out = Vec::new();
        row.write(&mut out).unwrap();
        assert_eq!(out, bytes);
        assert_eq!(PropertyRow::from_value(&row.to_value(), Some(cols)).unwrap(), row);
        row
    }

    #[test]
    fn a_standard_row_holds_one_value_per_column_in_order() {
        // PidTagFolderId, PidTagMid (PtypInteger64), PidTagSubject (PtypString).
        let cols = tags(&[0x6748_0014, 0x674A_0014, 0x0037_001F]);
        let bytes = [
            0x00, // Flag: StandardPropertyRow
            1, 0, 0, 0, 0, 0, 0x0A, 0x01, // PidTagFolderId
            1, 0, 0, 0, 0, 0, 0x30, 0x02, // PidTagMid
            b'H', 0, b'i', 0, 0, 0, // PidTagSubject "Hi"
        ];
        let row = round_trip(&bytes, &cols);
        assert_eq!(row.value_array[2].property_value.as_ref().unwrap().to_value(), "Hi");
        assert_eq!(row.to_value()["ValueArray"][0]["PropertyTag"], 0x6748_0014u32);
    }

    #[test]
    fn a_flagged_row_marks_missing_values_and_errors() {
        // PtypInteger32, PtypBinary, PtypString8.
        let cols = tags(&[0x3602_0003, 0x0FFF_0102, 0x001A_001E]);
        let bytes = [
            0x01, // Flag: FlaggedPropertyRow
            0x00, 7, 0, 0, 0,    // present: 7
            0x01, // not present
            0x0A, 0x0F, 0x01, 0x04, 0x80, // error: 0x8004010F
        ];
        let row = round_trip(&bytes, &cols);
        assert_eq!(row.value_array[1].property_value, None);
        assert_eq!(row.value_array[2].property_value, Some(PropertyValue::ErrorCode(0x8004_010F)));
    }

    #[test]
    fn unspecified_columns_carry_their_type() {
        let cols = tags(&[0x0037_0000]);
        // TypedPropertyValue: PropertyType PtypInteger16, then 2 bytes.
        let row = round_trip(&[0x00, 0x02, 0x00, 0x34, 0x12], &cols);
        assert_eq!(row.value_array[0].property_type, Some(0x0002));
        // FlaggedPropertyValueWithType: PropertyType, Flag, value.
        round_trip(&[0x01, 0x0B, 0x00, 0x00, 0x01], &cols);
        // PtypUnspecified as the value's own type cannot be framed.
        let e = decode_row(&[0x00, 0x00, 0x00], &cols).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedPropertyType { property_type: 0 });
        assert_eq!(e.field, "ValueArray[0].PropertyValue");
    }

    #[test]
    fn multi_valued_binary_and_guid_and_floats() {
        let cols = tags(&[0x1111_1102, 0x2222_0048, 0x3333_0005, 0x4444_1003]);
        let mut bytes = vec![0x00, 2, 0, 0, 0, 1, 0, 0xAA, 0, 0];
        bytes.extend(0..16u8);
        bytes.extend(1.5f64.to_le_bytes());
        bytes.extend([1, 0, 0, 0, 9, 0, 0, 0]);
        let row = round_trip(&bytes, &cols);
        assert_eq!(row.value_array[2].property_value.as_ref().unwrap().to_value(), 1.5);
        assert_eq!(row.value_array[3].property_value, Some(PropertyValue::Multiple(vec![PropertyValue::Integer32(9)])));
    }

    #[test]
    fn framing_errors_name_the_column_and_never_over_allocate() {
        let e = decode_row(&[0x02], &tags(&[0x3602_0003])).unwrap_err();
        assert_eq!((e.kind, e.field.as_str()), (ErrorKind::UndefinedValue { value: 2 }, "Flag"));
        let e = decode_row(&[0x01, 0x05], &tags(&[0x3602_0003])).unwrap_err();
        assert_eq!((e.kind, e.field.as_str()), (ErrorKind::UndefinedValue { value: 5 }, "ValueArray[0].Flag"));
        // A multi-valued count of 4 billion with 3 bytes left fails at once.
        let e = decode_row(&[0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0], &tags(&[0x1234_1003])).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
        let e = decode_row(&[0x00, 0x01], &tags(&[0x3602_0003])).unwrap_err();
        assert_eq!(e.field, "ValueArray[0].PropertyValue");
        let e = decode_row(&[0x00], &tags(&[0x1234_000D])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedPropertyType { property_type: 0x000D });
    }

    #[test]
    fn the_encoder_refuses_rows_whose_parts_disagree() {
        let cols = tags(&[0x3602_0003]);
        let mut row = decode_row(&[0x01, 0x01], &cols).unwrap().value;
        row.value_array[0].property_value = Some(PropertyValue::Integer32(1));
        assert_eq!(row.write(&mut Vec::new()).unwrap_err().field, "ValueArray[0].PropertyValue");
        let mut row = decode_row(&[0x00, 1, 0, 0, 0], &cols).unwrap().value;
        row.value_array[0].property_value = Some(PropertyValue::Integer16(1));
        assert_eq!(row.write(&mut Vec::new()).unwrap_err().field, "ValueArray[0].PropertyValue");
        row.flag = 1;
        assert_eq!(row.write(&mut Vec::new()).unwrap_err().field, "ValueArray[0].Flag");
        let v = serde_json::json!({"Flag": 0, "ValueArray": [{"PropertyTag": 0x3602_0003u32, "PropertyValue": 1}]});
        let e = PropertyRow::from_value(&v, Some(&tags(&[0x3603_0003]))).unwrap_err();
        assert_eq!(e.field, "ValueArray");
    }
}
