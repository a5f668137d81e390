//! RopRestrict (RopId 0x14): [MS-OXCROPS] 2.2.5.3, [MS-OXCTABL] 2.2.2.4.
//! Sets the table's restriction. RestrictionData is a restriction packet
//! ([MS-OXCDATA] 2.12) framed by RestrictionDataSize, so the ROP frames
//! losslessly with the packet kept as bytes; a table restriction change
//! is what TableRestrictionChanged (0x0007) reports.

use super::names::{RestrictFlags, RestrictTableStatus};
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, Named, SizedBytes, U8};

/// RopId of RopRestrict (MS-OXCROPS_R1127).
pub const ROP_ID: u8 = rop::RESTRICT.id;

rop_request! {
    /// The RopRestrict request buffer ([MS-OXCROPS] 2.2.5.3.1).
    pub struct RopRestrictRequest = rop::RESTRICT {
        /// LogonId (MS-OXCROPS_R1128).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1131).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// RestrictFlags (MS-OXCROPS_R1132, MS-OXCTABL_R90).
        restrict_flags: Named<RestrictFlags> = "RestrictFlags",
        /// RestrictionDataSize and RestrictionData, a restriction packet
        /// kept as bytes (MS-OXCROPS_R1135-R1140).
        restriction_data: SizedBytes = ["RestrictionDataSize"] "RestrictionData",
    }
}

rop_response! {
    /// The RopRestrict response buffer: success ([MS-OXCROPS] 2.2.5.3.2)
    /// with TableStatus, or failure (2.2.5.3.3).
    pub struct RopRestrictResponse = rop::RESTRICT, failure "MS-OXCROPS_R1159" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R1145).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// TableStatus (MS-OXCROPS_R1149, MS-OXCTABL_R94).
        table_status: Named<RestrictTableStatus> = "TableStatus",
    }
}
