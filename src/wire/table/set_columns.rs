//! RopSetColumns (RopId 0x12): [MS-OXCROPS] 2.2.5.1, [MS-OXCTABL] 2.2.2.2.
//! Chooses the columns of a table: the rows of RopQueryRows, RopFindRow
//! and RopExpandRow, and the TableRowData of table notifications
//! (MS-OXCNOTIF_R166001), hold these columns in this order.

use super::names::{SetColumnsFlags, SetColumnsTableStatus};
use crate::wire::codec::Level;
use crate::wire::property_tag::{EmptyRule, TagsWith};
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, Named, U8};

/// RopId of RopSetColumns (MS-OXCROPS_R1049).
pub const ROP_ID: u8 = rop::SET_COLUMNS.id;

/// Every table MUST have at least one column (MS-OXCTABL_R49, R51).
pub struct AtLeastOneColumn;

impl EmptyRule for AtLeastOneColumn {
    const RULE: Option<(&'static str, Level)> = Some(("MS-OXCTABL_R49", Level::Must));
}

rop_request! {
    /// The RopSetColumns request buffer ([MS-OXCROPS] 2.2.5.1.1).
    pub struct RopSetColumnsRequest = rop::SET_COLUMNS {
        /// LogonId (MS-OXCROPS_R1050).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1053).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// SetColumnsFlags (MS-OXCROPS_R1054, MS-OXCTABL_R47).
        set_columns_flags: Named<SetColumnsFlags> = "SetColumnsFlags",
        /// PropertyTagCount and PropertyTags: the columns, in order
        /// (MS-OXCROPS_R1057-R1062, MS-OXCTABL_R49).
        property_tags: TagsWith<AtLeastOneColumn> = ["PropertyTagCount"] "PropertyTags",
    }
}

rop_response! {
    /// The RopSetColumns response buffer: success ([MS-OXCROPS] 2.2.5.1.2)
    /// with TableStatus, or failure (2.2.5.1.3).
    pub struct RopSetColumnsResponse = rop::SET_COLUMNS, failure "MS-OXCROPS_R1081" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R1067).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// TableStatus (MS-OXCROPS_R1071, MS-OXCTABL_R55).
        table_status: Named<SetColumnsTableStatus> = "TableStatus",
    }
}
