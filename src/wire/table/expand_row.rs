//! RopExpandRow (RopId 0x59): [MS-OXCROPS] 2.2.5.16, [MS-OXCTABL]
//! 2.2.2.17. Expands a category row and returns rows under it; it creates a
//! table view (MS-OXCNOTIF_R248). RowData is PropertyRows, kept as bytes
//! without the table's column set (see [`super::row_data`]).

use super::row_data::RowData;
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::property_tag::PropertyTag;
use crate::wire::rop::{self, HandleUse, Rop, RopResponseBody};
use crate::wire::rop_fields::{rop_request, Id, InputIndex, U16, U8};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopExpandRow (MS-OXCROPS_R1536).
pub const ROP_ID: u8 = rop::EXPAND_ROW.id;

rop_request! {
    /// The RopExpandRow request buffer ([MS-OXCROPS] 2.2.5.16.1).
    pub struct RopExpandRowRequest = rop::EXPAND_ROW {
        /// LogonId (MS-OXCROPS_R1537).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1540).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// MaxRowCount: the most rows to return (MS-OXCROPS_R1541).
        max_row_count: U16 = "MaxRowCount",
        /// CategoryId: the category row, 8 bytes in wire order (MS-OXCROPS_R1543).
        category_id: Id = "CategoryId",
    }
}

/// The RopExpandRow response buffer: success ([MS-OXCROPS] 2.2.5.16.2) or
/// failure (2.2.5.16.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopExpandRowResponse {
    /// InputHandleIndex (MS-OXCROPS_R1549).
    pub input_handle_index: u8,
    /// ReturnValue.
    pub return_value: u32,
    /// ExpandedRowCount: rows now visible under the category (MS-OXCROPS_R1553); success only.
    pub expanded_row_count: Option<u32>,
    /// RowCount: rows in RowData (MS-OXCROPS_R1555); success only.
    pub row_count: Option<u16>,
    /// RowData (MS-OXCROPS_R1557); success only.
    pub row_data: Option<RowData>,
}

const FIELDS: &[&str] = &["RopId", "InputHandleIndex", "ReturnValue", "ExpandedRowCount", "RowCount", "RowData"];

impl RopExpandRowResponse {
    fn read_fields(r: &mut Reader, columns: Option<&[PropertyTag]>) -> Result<Self, Error> {
        let input_handle_index = r.u8("InputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let mut x = RopExpandRowResponse {
            input_handle_index,
            return_value,
            expanded_row_count: None,
            row_count: None,
            row_data: None,
        };
        if return_value == 0 {
            x.expanded_row_count = Some(r.u32("ExpandedRowCount")?);
            let n = r.u16("RowCount")?;
            x.row_count = Some(n);
            x.row_data = Some(RowData::read(r, n as usize, columns)?);
        }
        Ok(x)
    }

    /// Reads the fields after RopId with RowData split into rows against
    /// `columns`.
    pub fn read_with_columns(r: &mut Reader, columns: &[PropertyTag]) -> Result<Self, Error> {
        Self::read_fields(r, Some(columns))
    }

    fn check(&self) -> Result<(), EncodeError> {
        let success = self.return_value == 0;
        for (name, present) in [
            ("ExpandedRowCount", self.expanded_row_count.is_some()),
            ("RowCount", self.row_count.is_some()),
            ("RowData", self.row_data.is_some()),
        ] {
            if present != success {
                return Err(EncodeError::new(
                    name,
                    if success {
                        "missing: a success response has ExpandedRowCount, RowCount and RowData".to_string()
                    } else {
                        format!(
                            "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue (MS-OXCROPS_R1568)",
                            self.return_value
                        )
                    },
                ));
            }
        }
        Ok(())
    }
}

impl RopResponseBody for RopExpandRowResponse {
    const ROP: Rop = rop::EXPAND_ROW;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        Self::read_fields(r, None)
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "InputHandleIndex", offset: 1, index: self.input_handle_index, output: false })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl WireStructure for RopExpandRowResponse {
    const NAME: &'static str = rop::EXPAND_ROW.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.input_handle_index]);
        put_u32(out, self.return_value);
        if let (Some(e), Some(n), Some(d)) = (self.expanded_row_count, self.row_count, &self.row_data) {
            put_u32(out, e);
            out.extend_from_slice(&n.to_le_bytes());
            d.write(out, Some(n as usize), "RowCount")?;
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("InputHandleIndex", self.input_handle_index)
            .int("ReturnValue", self.return_value)
            .opt_int("ExpandedRowCount", self.expanded_row_count)
            .opt_int("RowCount", self.row_count);
        match &self.row_data {
            Some(d) => b.value("RowData", d.to_value()),
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let x = RopExpandRowResponse {
            input_handle_index: o.u8("InputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            expanded_row_count: o.opt_u32("ExpandedRowCount")?,
            row_count: o.opt_u16("RowCount")?,
            row_data: o.get("RowData").map(RowData::from_value).transpose()?,
        };
        x.check()?;
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
