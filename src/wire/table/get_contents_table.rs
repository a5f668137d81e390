//! RopGetContentsTable (RopId 0x05): [MS-OXCROPS] 2.2.4.14,
//! [MS-OXCFOLD] 2.2.1.14. Opens the contents table of a folder.

use crate::wire::codec::Level;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, ByteNames, InputIndex, Named, OutputIndex, U32, U8};

/// RopId of RopGetContentsTable (MS-OXCROPS_R1016).
pub const ROP_ID: u8 = rop::GET_CONTENTS_TABLE.id;

/// TableFlags bit Associated: only FAI messages (MS-OXCFOLD_R1008, R662).
pub const ASSOCIATED: u8 = 0x02;
/// TableFlags bit DeferredErrors (MS-OXCFOLD_R1009).
pub const DEFERRED_ERRORS: u8 = 0x08;
/// TableFlags bit NoNotifications: no table notifications for this table (MS-OXCFOLD_R1012, R1014).
pub const NO_NOTIFICATIONS: u8 = 0x10;
/// TableFlags bit SoftDeletes: only soft-deleted messages (MS-OXCFOLD_R1016).
pub const SOFT_DELETES: u8 = 0x20;
/// TableFlags bit UseUnicode: string columns in Unicode (MS-OXCFOLD_R1019).
pub const USE_UNICODE: u8 = 0x40;
/// TableFlags bit ConversationMembers: the messages of one conversation (MS-OXCFOLD_R1022).
pub const CONVERSATION_MEMBERS: u8 = 0x80;

/// The TableFlags of RopGetContentsTable (MS-OXCROPS_R1024, MS-OXCFOLD 2.2.1.14.1).
pub struct ContentsTableFlags;

impl ByteNames for ContentsTableFlags {
    const NAMES: &'static [(u8, &'static str)] = &[
        (ASSOCIATED, "Associated"),
        (DEFERRED_ERRORS, "DeferredErrors"),
        (NO_NOTIFICATIONS, "NoNotifications"),
        (SOFT_DELETES, "SoftDeletes"),
        (USE_UNICODE, "UseUnicode"),
        (CONVERSATION_MEMBERS, "ConversationMembers"),
    ];
    const FLAGS: bool = true;
    // MS-OXCFOLD_R329: the client MUST NOT set any other bits.
    const RULE: Option<(&'static str, Level)> = Some(("MS-OXCFOLD_R329", Level::Must));
}

rop_request! {
    /// The RopGetContentsTable request buffer ([MS-OXCROPS] 2.2.4.14.1).
    pub struct RopGetContentsTableRequest = rop::GET_CONTENTS_TABLE {
        /// LogonId (MS-OXCROPS_R1017).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Folder object (MS-OXCROPS_R1020, MS-OXCFOLD_R324).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot for the new Table object (MS-OXCROPS_R1022, MS-OXCFOLD_R326).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// TableFlags, every bit kept (MS-OXCROPS_R1023, MS-OXCFOLD_R329).
        table_flags: Named<ContentsTableFlags> = "TableFlags",
    }
}

rop_response! {
    /// The RopGetContentsTable response buffer: success ([MS-OXCROPS]
    /// 2.2.4.14.2) with RowCount, or failure (2.2.4.14.3) ending after
    /// ReturnValue.
    pub struct RopGetContentsTableResponse = rop::GET_CONTENTS_TABLE, failure "MS-OXCROPS_R1043" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R1030, R1040).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {
        /// RowCount: rows in the contents table (MS-OXCROPS_R1035).
        row_count: U32 = "RowCount",
    }
}
