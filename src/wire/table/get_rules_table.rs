//! RopGetRulesTable (RopId 0x3F): [MS-OXCROPS] 2.2.11.2. Opens the rules
//! table of a folder. The response has no RowCount.

use crate::wire::codec::Level;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, ByteNames, InputIndex, Named, OutputIndex, U8};

/// RopId of RopGetRulesTable (MS-OXCROPS_R3600).
pub const ROP_ID: u8 = rop::GET_RULES_TABLE.id;

/// TableFlags bit U: string columns in Unicode (MS-OXORULE 2.2.2.1).
pub const U: u8 = 0x40;

/// The TableFlags of RopGetRulesTable: 0x40 is the possible value
/// (MS-OXCROPS_R3611). MS-OXORULE has the server answer other bits with
/// NotSupported; that is behaviour, not framing, so the codec reports no
/// finding.
pub struct RulesTableFlags;

impl ByteNames for RulesTableFlags {
    const NAMES: &'static [(u8, &'static str)] = &[(U, "U")];
    const FLAGS: bool = true;
    const RULE: Option<(&'static str, Level)> = None;
}

rop_request! {
    /// The RopGetRulesTable request buffer ([MS-OXCROPS] 2.2.11.2.1).
    pub struct RopGetRulesTableRequest = rop::GET_RULES_TABLE {
        /// LogonId (MS-OXCROPS_R3602).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Folder object (MS-OXCROPS_R3604).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot for the new Table object (MS-OXCROPS_R3607).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// TableFlags, every bit kept (MS-OXCROPS_R3609, R3611).
        table_flags: Named<RulesTableFlags> = "TableFlags",
    }
}

rop_response! {
    /// The RopGetRulesTable response buffer ([MS-OXCROPS] 2.2.11.2.2): one
    /// shape for success and failure.
    pub struct RopGetRulesTableResponse = rop::GET_RULES_TABLE, failure "MS-OXCROPS_R3619" {
        /// OutputHandleIndex (MS-OXCROPS_R3616).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {}
}
