//! RopQueryColumnsAll (RopId 0x37): [MS-OXCROPS] 2.2.5.12, [MS-OXCTABL]
//! 2.2.2.13. Every column the table has; it creates a table view
//! (MS-OXCNOTIF_R250).

use crate::wire::property_tag::Tags;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, U8};

/// RopId of RopQueryColumnsAll (MS-OXCROPS_R1418).
pub const ROP_ID: u8 = rop::QUERY_COLUMNS_ALL.id;

rop_request! {
    /// The RopQueryColumnsAll request buffer ([MS-OXCROPS] 2.2.5.12.1).
    pub struct RopQueryColumnsAllRequest = rop::QUERY_COLUMNS_ALL {
        /// LogonId (MS-OXCROPS_R1419).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1422).
        input_handle_index: InputIndex = "InputHandleIndex",
    }
}

rop_response! {
    /// The RopQueryColumnsAll response buffer: success ([MS-OXCROPS]
    /// 2.2.5.12.2) with the columns, or failure (2.2.5.12.3).
    pub struct RopQueryColumnsAllResponse = rop::QUERY_COLUMNS_ALL, failure "MS-OXCROPS_R1444" {
        /// InputHandleIndex (MS-OXCROPS_R1427).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// PropertyTagCount and PropertyTags (MS-OXCROPS_R1431-R1435).
        property_tags: Tags = ["PropertyTagCount"] "PropertyTags",
    }
}
