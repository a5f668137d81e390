//! RopResetTable (RopId 0x81): [MS-OXCROPS] 2.2.5.15, [MS-OXCTABL]
//! 2.2.2.16. Drops the table's columns, restriction, sort order and
//! bookmarks; table notifications stop until a view-creating ROP
//! (MS-OXCNOTIF 3.1.4.3).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, U8};

/// RopId of RopResetTable (MS-OXCROPS_R1520).
pub const ROP_ID: u8 = rop::RESET_TABLE.id;

rop_request! {
    /// The RopResetTable request buffer ([MS-OXCROPS] 2.2.5.15.1).
    pub struct RopResetTableRequest = rop::RESET_TABLE {
        /// LogonId (MS-OXCROPS_R1521).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1524).
        input_handle_index: InputIndex = "InputHandleIndex",
    }
}

rop_response! {
    /// The RopResetTable response buffer ([MS-OXCROPS] 2.2.5.15.2): one
    /// shape for success and failure.
    pub struct RopResetTableResponse = rop::RESET_TABLE, failure "MS-OXCROPS_R1531" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R1529).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {}
}
