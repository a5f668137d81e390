//! RopCollapseRow (RopId 0x5A): [MS-OXCROPS] 2.2.5.17, [MS-OXCTABL]
//! 2.2.2.18. Collapses a category row; it creates a table view
//! (MS-OXCNOTIF_R246).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Id, InputIndex, U32, U8};

/// RopId of RopCollapseRow (MS-OXCROPS_R1573).
pub const ROP_ID: u8 = rop::COLLAPSE_ROW.id;

rop_request! {
    /// The RopCollapseRow request buffer ([MS-OXCROPS] 2.2.5.17.1).
    pub struct RopCollapseRowRequest = rop::COLLAPSE_ROW {
        /// LogonId (MS-OXCROPS_R1574).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1577).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// CategoryId: the category row, 8 bytes in wire order (MS-OXCROPS_R1578).
        category_id: Id = "CategoryId",
    }
}

rop_response! {
    /// The RopCollapseRow response buffer: success ([MS-OXCROPS]
    /// 2.2.5.17.2) or failure (2.2.5.17.3).
    pub struct RopCollapseRowResponse = rop::COLLAPSE_ROW, failure "MS-OXCROPS_R1597" {
        /// InputHandleIndex (MS-OXCROPS_R1584).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// CollapsedRowCount: rows hidden (MS-OXCROPS_R1588).
        collapsed_row_count: U32 = "CollapsedRowCount",
    }
}
