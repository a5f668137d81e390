//! RopFindRow (RopId 0x4F): [MS-OXCROPS] 2.2.5.13, [MS-OXCTABL] 2.2.2.14.
//! Finds the next row matching a restriction; it creates a table view
//! (MS-OXCNOTIF_R249). RestrictionData is a restriction packet
//! ([MS-OXCDATA] 2.12) framed by RestrictionDataSize and kept as bytes.
//! RowData, present when HasRowData is nonzero (MS-OXCTABL_R245, R246), is
//! one PropertyRow, kept as bytes without the table's column set (see
//! [`super::row_data`]).

use super::names::{FindRowFlags, FindRowOrigin};
use super::row_data::RowData;
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::property_tag::PropertyTag;
use crate::wire::rop::{self, HandleUse, Rop, RopResponseBody};
use crate::wire::rop_fields::{rop_request, Bool, FieldKind, InputIndex, Named, SizedBytes, U8};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopFindRow (MS-OXCROPS_R1449).
pub const ROP_ID: u8 = rop::FIND_ROW.id;

rop_request! {
    /// The RopFindRow request buffer ([MS-OXCROPS] 2.2.5.13.1).
    pub struct RopFindRowRequest = rop::FIND_ROW {
        /// LogonId (MS-OXCROPS_R1450).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1453).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// FindRowFlags (MS-OXCROPS_R1454, MS-OXCTABL_R227).
        find_row_flags: Named<FindRowFlags> = "FindRowFlags",
        /// RestrictionDataSize and RestrictionData (MS-OXCROPS_R1457-R1462).
        restriction_data: SizedBytes = ["RestrictionDataSize"] "RestrictionData",
        /// Origin: where the search starts (MS-OXCROPS_R1463, R1464).
        origin: Named<FindRowOrigin> = "Origin",
        /// BookmarkSize and Bookmark (MS-OXCROPS_R1466-R1470).
        bookmark: SizedBytes = ["BookmarkSize"] "Bookmark",
    }
}

/// The RopFindRow response buffer: success ([MS-OXCROPS] 2.2.5.13.2) or
/// failure (2.2.5.13.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopFindRowResponse {
    /// InputHandleIndex (MS-OXCROPS_R1475).
    pub input_handle_index: u8,
    /// ReturnValue.
    pub return_value: u32,
    /// RowNoLongerVisible, the raw byte (MS-OXCROPS_R1479); success only.
    pub row_no_longer_visible: Option<u8>,
    /// HasRowData, the raw byte (MS-OXCROPS_R1481); success only.
    pub has_row_data: Option<u8>,
    /// RowData: present exactly when HasRowData is nonzero (MS-OXCROPS_R1483,
    /// MS-OXCTABL_R245, R246); one row when read with columns.
    pub row_data: Option<RowData>,
}

const FIELDS: &[&str] = &["RopId", "InputHandleIndex", "ReturnValue", "RowNoLongerVisible", "HasRowData", "RowData"];

impl RopFindRowResponse {
    fn read_fields(r: &mut Reader, columns: Option<&[PropertyTag]>) -> Result<Self, Error> {
        let input_handle_index = r.u8("InputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let mut x = RopFindRowResponse {
            input_handle_index,
            return_value,
            row_no_longer_visible: None,
            has_row_data: None,
            row_data: None,
        };
        if return_value == 0 {
            x.row_no_longer_visible = Some(Bool::read(r, None, "RowNoLongerVisible")?);
            let has = Bool::read(r, None, "HasRowData")?;
            x.has_row_data = Some(has);
            if has != 0 {
                x.row_data = Some(RowData::read(r, 1, columns)?);
            }
        }
        Ok(x)
    }

    /// Reads the fields after RopId with RowData read as one row against
    /// `columns`.
    pub fn read_with_columns(r: &mut Reader, columns: &[PropertyTag]) -> Result<Self, Error> {
        Self::read_fields(r, Some(columns))
    }

    fn check(&self) -> Result<(), EncodeError> {
        let success = self.return_value == 0;
        for (name, present) in
            [("RowNoLongerVisible", self.row_no_longer_visible.is_some()), ("HasRowData", self.has_row_data.is_some())]
        {
            if present != success {
                return Err(EncodeError::new(
                    name,
                    if success {
                        "missing: a success response has RowNoLongerVisible and HasRowData".to_string()
                    } else {
                        format!(
                            "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue (MS-OXCROPS_R1494)",
                            self.return_value
                        )
                    },
                ));
            }
        }
        let want = self.has_row_data.is_some_and(|h| h != 0);
        if self.row_data.is_some() != want {
            return Err(EncodeError::new(
                "RowData",
                if want {
                    "missing: HasRowData is TRUE, so RowData MUST be present (MS-OXCTABL_R245)"
                } else {
                    "present, but HasRowData is FALSE or absent, so RowData MUST NOT be present (MS-OXCTABL_R246)"
                },
            ));
        }
        if let Some(RowData::Rows(rows)) = &self.row_data {
            if rows.len() != 1 {
                return Err(EncodeError::new("RowData", format!("one PropertyRow, found {}", rows.len())));
            }
        }
        Ok(())
    }
}

impl RopResponseBody for RopFindRowResponse {
    const ROP: Rop = rop::FIND_ROW;
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

impl WireStructure for RopFindRowResponse {
    const NAME: &'static str = rop::FIND_ROW.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.input_handle_index]);
        put_u32(out, self.return_value);
        if let (Some(v), Some(h)) = (self.row_no_longer_visible, self.has_row_data) {
            out.extend_from_slice(&[v, h]);
        }
        if let Some(d) = &self.row_data {
            d.write(out, Some(1), "HasRowData")?;
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("InputHandleIndex", self.input_handle_index)
            .int("ReturnValue", self.return_value)
            .opt_int("RowNoLongerVisible", self.row_no_longer_visible)
            .opt_int("HasRowData", self.has_row_data);
        match &self.row_data {
            Some(d) => b.value("RowData", d.to_value()),
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let x = RopFindRowResponse {
            input_handle_index: o.u8("InputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            row_no_longer_visible: o.opt_u8("RowNoLongerVisible")?,
            has_row_data: o.opt_u8("HasRowData")?,
            row_data: o.get("RowData").map(RowData::from_value).transpose()?,
        };
        x.check()?;
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
