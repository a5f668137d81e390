//! RopSeekRowFractional (RopId 0x1A): [MS-OXCROPS] 2.2.5.10,
//! [MS-OXCTABL] 2.2.2.11. Moves the cursor to a fraction of the table; it
//! creates a table view (MS-OXCNOTIF_R254).

use super::names::DenominatorNotZero;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, NonZeroU32, U32, U8};

/// RopId of RopSeekRowFractional (MS-OXCROPS_R1367).
pub const ROP_ID: u8 = rop::SEEK_ROW_FRACTIONAL.id;

rop_request! {
    /// The RopSeekRowFractional request buffer ([MS-OXCROPS] 2.2.5.10.1).
    pub struct RopSeekRowFractionalRequest = rop::SEEK_ROW_FRACTIONAL {
        /// LogonId (MS-OXCROPS_R1368).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1371).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// Numerator (MS-OXCROPS_R1372).
        numerator: U32 = "Numerator",
        /// Denominator: MUST NOT be zero (MS-OXCROPS_R1374, MS-OXCTABL_R206).
        denominator: NonZeroU32<DenominatorNotZero> = "Denominator",
    }
}

rop_response! {
    /// The RopSeekRowFractional response buffer ([MS-OXCROPS] 2.2.5.10.2):
    /// one shape for success and failure.
    pub struct RopSeekRowFractionalResponse = rop::SEEK_ROW_FRACTIONAL, failure "MS-OXCROPS_R1382" {
        /// InputHandleIndex (MS-OXCROPS_R1380).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {}
}
