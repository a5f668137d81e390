//! RopGetHierarchyTable (RopId 0x04): [MS-OXCROPS] 2.2.4.13,
//! [MS-OXCFOLD] 2.2.1.13. Opens the hierarchy table of a folder.

use crate::wire::codec::Level;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, ByteNames, InputIndex, Named, OutputIndex, U32, U8};

/// RopId of RopGetHierarchyTable (MS-OXCROPS_R984).
pub const ROP_ID: u8 = rop::GET_HIERARCHY_TABLE.id;

/// TableFlags bit Depth: folders from every level below, not only children (MS-OXCFOLD_R801).
pub const DEPTH: u8 = 0x04;
/// TableFlags bit DeferredErrors: the response may come before the work is done (MS-OXCFOLD_R803).
pub const DEFERRED_ERRORS: u8 = 0x08;
/// TableFlags bit NoNotifications: no table notifications for this table (MS-OXCFOLD_R805).
pub const NO_NOTIFICATIONS: u8 = 0x10;
/// TableFlags bit SoftDeletes: only soft-deleted folders (MS-OXCFOLD_R806).
pub const SOFT_DELETES: u8 = 0x20;
/// TableFlags bit UseUnicode: string columns in Unicode (MS-OXCFOLD_R807).
pub const USE_UNICODE: u8 = 0x40;
/// TableFlags bit SuppressesNotifications: no notifications for the
/// client's own actions on the table (MS-OXCFOLD_R809).
pub const SUPPRESSES_NOTIFICATIONS: u8 = 0x80;

/// The TableFlags of RopGetHierarchyTable (MS-OXCROPS_R992, MS-OXCFOLD 2.2.1.13.1).
pub struct HierarchyTableFlags;

impl ByteNames for HierarchyTableFlags {
    const NAMES: &'static [(u8, &'static str)] = &[
        (DEPTH, "Depth"),
        (DEFERRED_ERRORS, "DeferredErrors"),
        (NO_NOTIFICATIONS, "NoNotifications"),
        (SOFT_DELETES, "SoftDeletes"),
        (USE_UNICODE, "UseUnicode"),
        (SUPPRESSES_NOTIFICATIONS, "SuppressesNotifications"),
    ];
    const FLAGS: bool = true;
    // MS-OXCFOLD_R313: the client MUST NOT set any other bits.
    const RULE: Option<(&'static str, Level)> = Some(("MS-OXCFOLD_R313", Level::Must));
}

rop_request! {
    /// The RopGetHierarchyTable request buffer ([MS-OXCROPS] 2.2.4.13.1).
    pub struct RopGetHierarchyTableRequest = rop::GET_HIERARCHY_TABLE {
        /// LogonId (MS-OXCROPS_R985).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Folder object (MS-OXCROPS_R988, MS-OXCFOLD_R309).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot for the new Table object (MS-OXCROPS_R990, MS-OXCFOLD_R311).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// TableFlags, every bit kept (MS-OXCROPS_R991, MS-OXCFOLD_R313).
        table_flags: Named<HierarchyTableFlags> = "TableFlags",
    }
}

rop_response! {
    /// The RopGetHierarchyTable response buffer: success ([MS-OXCROPS]
    /// 2.2.4.13.2) with RowCount, or failure (2.2.4.13.3) ending after
    /// ReturnValue.
    pub struct RopGetHierarchyTableResponse = rop::GET_HIERARCHY_TABLE, failure "MS-OXCROPS_R1010" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R997, R1007).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {
        /// RowCount: rows in the hierarchy table (MS-OXCROPS_R1002).
        row_count: U32 = "RowCount",
    }
}
