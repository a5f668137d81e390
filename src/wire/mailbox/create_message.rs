//! RopCreateMessage (RopId 0x06): [MS-OXCROPS] 2.2.6.2, [MS-OXCMSG]
//! 2.2.3.2. Creates a Message object in a folder; it exists in the store
//! only once RopSaveChangesMessage commits it, and that first save makes
//! the server report ObjectCreated (MS-OXCNOTIF 2.2.1.1).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, FlaggedId, Id, InputIndex, OutputIndex, U16, U8};

/// RopId of RopCreateMessage (MS-OXCROPS_R1749).
pub const ROP_ID: u8 = rop::CREATE_MESSAGE.id;

rop_request! {
    /// The RopCreateMessage request buffer ([MS-OXCROPS] 2.2.6.2.1).
    pub struct RopCreateMessageRequest = rop::CREATE_MESSAGE {
        /// LogonId (MS-OXCROPS_R1750).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex (MS-OXCROPS_R1752, R1753).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot of the new Message object (MS-OXCROPS_R1755, R1756).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// CodePageId (MS-OXCROPS_R1758, R1759).
        code_page_id: U16 = "CodePageId",
        /// FolderId: the parent folder (MS-OXCROPS_R1760, R1761).
        folder_id: Id = "FolderId",
        /// AssociatedFlag: an FAI message (MS-OXCROPS_R1762, R1763).
        associated_flag: Bool = "AssociatedFlag",
    }
}

rop_response! {
    /// The RopCreateMessage response buffer: success ([MS-OXCROPS]
    /// 2.2.6.2.2) with HasMessageId and, when it is nonzero, MessageId; or
    /// failure (2.2.6.2.3).
    pub struct RopCreateMessageResponse = rop::CREATE_MESSAGE, failure "MS-OXCROPS_R1789" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R1768, R1785).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {
        /// HasMessageId and MessageId (MS-OXCROPS_R1773-R1779).
        message_id: FlaggedId = ["HasMessageId"] "MessageId",
    }
}
