//! RopGetPermissionsTable (RopId 0x3E): [MS-OXCROPS] 2.2.10.2. Opens the
//! permissions table of a folder. The response has no RowCount.

use crate::wire::codec::Level;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, ByteNames, InputIndex, Named, OutputIndex, U8};

/// RopId of RopGetPermissionsTable (MS-OXCROPS_R3542).
pub const ROP_ID: u8 = rop::GET_PERMISSIONS_TABLE.id;

/// TableFlags bit IncludeFreeBusy (MS-OXCPERM 2.2.1.1).
pub const INCLUDE_FREE_BUSY: u8 = 0x02;

/// The TableFlags of RopGetPermissionsTable: the possible values are 0x01
/// and 0x02 (MS-OXCROPS_R3552); MS-OXCPERM 2.2.1.1 names 0x02
/// IncludeFreeBusy. The requirement tables state no rule for other bits,
/// so none is reported.
pub struct PermissionsTableFlags;

impl ByteNames for PermissionsTableFlags {
    const NAMES: &'static [(u8, &'static str)] = &[(0x01, "0x01"), (INCLUDE_FREE_BUSY, "IncludeFreeBusy")];
    const FLAGS: bool = true;
    const RULE: Option<(&'static str, Level)> = None;
}

rop_request! {
    /// The RopGetPermissionsTable request buffer ([MS-OXCROPS] 2.2.10.2.1).
    pub struct RopGetPermissionsTableRequest = rop::GET_PERMISSIONS_TABLE {
        /// LogonId (MS-OXCROPS_R3544).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Folder object (MS-OXCROPS_R3546).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot for the new Table object (MS-OXCROPS_R3549).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// TableFlags, every bit kept (MS-OXCROPS_R3551, R3552).
        table_flags: Named<PermissionsTableFlags> = "TableFlags",
    }
}

rop_response! {
    /// The RopGetPermissionsTable response buffer ([MS-OXCROPS] 2.2.10.2.2):
    /// one shape for success and failure.
    pub struct RopGetPermissionsTableResponse = rop::GET_PERMISSIONS_TABLE, failure "MS-OXCROPS_R3561" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R3558).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {}
}
