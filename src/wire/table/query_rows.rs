//! RopQueryRows (RopId 0x15): [MS-OXCROPS] 2.2.5.4, [MS-OXCTABL] 2.2.2.5.
//! Reads rows from the cursor; it creates a table view (MS-OXCNOTIF_R252).
//!
//! The success response's RowData is RowCount PropertyRows, readable only
//! with the table's column set: [`RopQueryRowsResponse::read_with_columns`]
//! splits it into rows; without the columns (decoding the response alone or
//! in a ROP output buffer) RowData is kept as bytes up to the end of the
//! input or of RopsList. See [`super::row_data`].

use super::names::{ForwardRead, QueryRowsFlags, QueryRowsOrigin};
use super::row_data::RowData;
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::property_tag::PropertyTag;
use crate::wire::rop::{self, HandleUse, Rop, RopResponseBody};
use crate::wire::rop_fields::{rop_request, FieldKind, InputIndex, Named, U16, U8};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopQueryRows (MS-OXCROPS_R1164).
pub const ROP_ID: u8 = rop::QUERY_ROWS.id;

rop_request! {
    /// The RopQueryRows request buffer ([MS-OXCROPS] 2.2.5.4.1).
    pub struct RopQueryRowsRequest = rop::QUERY_ROWS {
        /// LogonId (MS-OXCROPS_R1165).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1168).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// QueryRowsFlags (MS-OXCROPS_R1169, MS-OXCTABL_R646).
        query_rows_flags: Named<QueryRowsFlags> = "QueryRowsFlags",
        /// ForwardRead (MS-OXCROPS_R1172, MS-OXCTABL_R107).
        forward_read: Named<ForwardRead> = "ForwardRead",
        /// RowCount: the most rows to return (MS-OXCROPS_R1174).
        row_count: U16 = "RowCount",
    }
}

/// The RopQueryRows response buffer: success ([MS-OXCROPS] 2.2.5.4.2) with
/// Origin, RowCount and RowData, or failure (2.2.5.4.3) ending after
/// ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopQueryRowsResponse {
    /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R1180).
    pub input_handle_index: u8,
    /// ReturnValue.
    pub return_value: u32,
    /// Origin: the cursor position (MS-OXCROPS_R1184, MS-OXCTABL_R110); success only.
    pub origin: Option<u8>,
    /// RowCount: rows in RowData (MS-OXCROPS_R1187, MS-OXCTABL_R113); success only.
    pub row_count: Option<u16>,
    /// RowData (MS-OXCROPS_R1189, MS-OXCTABL_R114); success only.
    pub row_data: Option<RowData>,
}

const FIELDS: &[&str] = &["RopId", "InputHandleIndex", "ReturnValue", "Origin", "RowCount", "RowData"];

impl RopQueryRowsResponse {
    fn read_fields(r: &mut Reader, columns: Option<&[PropertyTag]>) -> Result<Self, Error> {
        let input_handle_index = r.u8("InputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let mut x =
            RopQueryRowsResponse { input_handle_index, return_value, origin: None, row_count: None, row_data: None };
        if return_value == 0 {
            x.origin = Some(Named::<QueryRowsOrigin>::read(r, None, "Origin")?);
            let n = r.u16("RowCount")?;
            x.row_count = Some(n);
            x.row_data = Some(RowData::read(r, n as usize, columns)?);
        }
        Ok(x)
    }

    /// Reads the fields after RopId with RowData split into rows against
    /// `columns` (the column set of the table's last RopSetColumns).
    pub fn read_with_columns(r: &mut Reader, columns: &[PropertyTag]) -> Result<Self, Error> {
        Self::read_fields(r, Some(columns))
    }

    fn check(&self) -> Result<(), EncodeError> {
        let success = self.return_value == 0;
        for (name, present) in [
            ("Origin", self.origin.is_some()),
            ("RowCount", self.row_count.is_some()),
            ("RowData", self.row_data.is_some()),
        ] {
            if present != success {
                return Err(EncodeError::new(
                    name,
                    if success {
                        "missing: a success response has Origin, RowCount and RowData".to_string()
                    } else {
                        format!(
                            "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue (MS-OXCROPS_R1200)",
                            self.return_value
                        )
                    },
                ));
            }
        }
        Ok(())
    }
}

impl RopResponseBody for RopQueryRowsResponse {
    const ROP: Rop = rop::QUERY_ROWS;
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

impl WireStructure for RopQueryRowsResponse {
    const NAME: &'static str = rop::QUERY_ROWS.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.input_handle_index]);
        put_u32(out, self.return_value);
        if let (Some(o), Some(n), Some(d)) = (self.origin, self.row_count, &self.row_data) {
            out.push(o);
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
            .opt_int("Origin", self.origin)
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
        let x = RopQueryRowsResponse {
            input_handle_index: o.u8("InputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            origin: o.opt_u8("Origin")?,
            row_count: o.opt_u16("RowCount")?,
            row_data: o.get("RowData").map(RowData::from_value).transpose()?,
        };
        x.check()?;
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;

    #[test]
    fn with_the_column_set_row_data_splits_into_rows() {
        // Two rows of PidTagContentCount (PtypInteger32).
        let bytes = [0x15, 0x01, 0, 0, 0, 0, 0x02, 0x02, 0x00, 0, 5, 0, 0, 0, 0, 7, 0, 0, 0];
        let columns = [PropertyTag::from_u32(0x3602_0003)];
        let mut r = Reader::new(&bytes[1..]);
        let x = RopQueryRowsResponse::read_with_columns(&mut r, &columns).unwrap();
        assert_eq!(r.remaining(), 0);
        let Some(RowData::Rows(rows)) = &x.row_data else { panic!("{x:?}") };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].to_value()["ValueArray"][0]["PropertyValue"], 7);
        // The same bytes without columns keep RowData as bytes; both encode back.
        let plain = decode::<RopQueryRowsResponse>(&bytes, Layout::Spec).unwrap().value;
        assert_eq!(plain.row_data, Some(RowData::Bytes(bytes[9..].to_vec())));
        for v in [&x, &plain] {
            assert_eq!(crate::wire::encode(v, Layout::Spec).unwrap(), bytes);
            let back = RopQueryRowsResponse::from_value(&v.to_value(Layout::Spec), Layout::Spec).unwrap();
            assert_eq!(&back, v);
        }
        // Fewer rows than RowCount says: the missing row is a framing error.
        let mut r = Reader::new(&bytes[1..16]);
        let e = RopQueryRowsResponse::read_with_columns(&mut r, &columns).unwrap_err();
        assert_eq!(e.field, "RowData[1].ValueArray[0].PropertyValue");
    }
}
