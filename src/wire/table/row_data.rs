//! RowData of the RopQueryRows, RopFindRow and RopExpandRow responses:
//! PropertyRows ([MS-OXCDATA] 2.8.1) with the columns of the table's last
//! RopSetColumns (MS-OXCTABL_R116).
//!
//! A row has no length and no tags, so RowData can only be split into rows
//! with the column set, which the response does not carry. Decoding a
//! response on its own, or inside a ROP output buffer, therefore keeps
//! RowData as bytes: it runs to the end of the input, or of RopsList when
//! the response is in a buffer, as RopBufferTooSmall's RequestBuffers does
//! (a response with RowData is expected last in its RopsList; a ROP after
//! it is taken into RowData). Each response also has a `read_with_columns`
//! that splits RowData into rows against a column set the caller knows
//! (from the RopSetColumns request that preceded it).

use crate::wire::codec::{EncodeError, Error, Reader};
use crate::wire::property_row::PropertyRow;
use crate::wire::property_tag::PropertyTag;
use crate::wire::value::kind_of;
use serde_json::Value;

/// RowData as decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowData {
    /// The bytes, when the column set was not known.
    Bytes(Vec<u8>),
    /// The rows, read against the column set.
    Rows(Vec<PropertyRow>),
}

impl RowData {
    /// Reads RowData: `count` rows against `columns`, or, without columns,
    /// every byte up to the reader's limit.
    pub fn read(r: &mut Reader, count: usize, columns: Option<&[PropertyTag]>) -> Result<Self, Error> {
        let Some(cols) = columns else {
            let b = r.rest("RowData").to_vec();
            r.set_value(|| format!("{} bytes, PropertyRows kept as bytes (no column set)", b.len()));
            return Ok(RowData::Bytes(b));
        };
        // Each row takes at least its Flag byte: the count is bounded by the input.
        let mut rows = Vec::with_capacity(count.min(r.remaining()));
        for i in 0..count {
            r.enter_index("RowData", i);
            let row = PropertyRow::read(r, cols);
            r.leave();
            rows.push(row?);
        }
        Ok(RowData::Rows(rows))
    }

    /// Appends RowData; rows must number `count` when they are rows.
    pub fn write(&self, out: &mut Vec<u8>, count: Option<usize>, count_field: &str) -> Result<(), EncodeError> {
        match self {
            RowData::Bytes(b) => out.extend_from_slice(b),
            RowData::Rows(rows) => {
                if let Some(n) = count {
                    if n != rows.len() {
                        return Err(EncodeError::new(
                            count_field,
                            format!("{n} does not match the {} rows of RowData (MS-OXCTABL_R113)", rows.len()),
                        ));
                    }
                }
                for (i, row) in rows.iter().enumerate() {
                    row.write(out).map_err(|e| e.within(&format!("RowData[{i}]")))?;
                }
            }
        }
        Ok(())
    }

    /// The value form: a hex string, or a list of rows.
    pub fn to_value(&self) -> Value {
        match self {
            RowData::Bytes(b) => Value::String(crate::hex::encode(b)),
            RowData::Rows(rows) => Value::Array(rows.iter().map(|r| r.to_value()).collect()),
        }
    }

    /// Reads the value form.
    pub fn from_value(v: &Value) -> Result<Self, EncodeError> {
        match v {
            Value::String(s) => {
                crate::hex::parse(s).map(RowData::Bytes).map_err(|e| EncodeError::new("RowData", e.message))
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, x)| PropertyRow::from_value(x, None).map_err(|e| e.within(&format!("RowData[{i}]"))))
                .collect::<Result<Vec<_>, _>>()
                .map(RowData::Rows),
            x => Err(EncodeError::new("RowData", format!("expected hex or a list of rows, found {}", kind_of(x)))),
        }
    }
}
