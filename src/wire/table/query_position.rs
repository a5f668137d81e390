//! RopQueryPosition (RopId 0x17): [MS-OXCROPS] 2.2.5.7, [MS-OXCTABL]
//! 2.2.2.8. The cursor position as a fraction; it creates a table view
//! (MS-OXCNOTIF_R251).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, U32, U8};

/// RopId of RopQueryPosition (MS-OXCROPS_R1262).
pub const ROP_ID: u8 = rop::QUERY_POSITION.id;

rop_request! {
    /// The RopQueryPosition request buffer ([MS-OXCROPS] 2.2.5.7.1).
    pub struct RopQueryPositionRequest = rop::QUERY_POSITION {
        /// LogonId (MS-OXCROPS_R1263).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1266).
        input_handle_index: InputIndex = "InputHandleIndex",
    }
}

rop_response! {
    /// The RopQueryPosition response buffer: success ([MS-OXCROPS]
    /// 2.2.5.7.2) with Numerator and Denominator, or failure (2.2.5.7.3).
    pub struct RopQueryPositionResponse = rop::QUERY_POSITION, failure "MS-OXCROPS_R1286" {
        /// InputHandleIndex (MS-OXCROPS_R1271).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// Numerator: the cursor's row (MS-OXCROPS_R1275).
        numerator: U32 = "Numerator",
        /// Denominator: the rows in the table (MS-OXCROPS_R1277).
        denominator: U32 = "Denominator",
    }
}
