//! RopDeleteMessages (RopId 0x1E): [MS-OXCROPS] 2.2.4.11, [MS-OXCFOLD]
//! 2.2.1.11. Soft-deletes messages of the input folder; the server then
//! reports ObjectDeleted (MS-OXCNOTIF 2.2.1.1).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, IdList, InputIndex, U8};

/// RopId of RopDeleteMessages (MS-OXCROPS_R930).
pub const ROP_ID: u8 = rop::DELETE_MESSAGES.id;

rop_request! {
    /// The RopDeleteMessages request buffer ([MS-OXCROPS] 2.2.4.11.1).
    pub struct RopDeleteMessagesRequest = rop::DELETE_MESSAGES {
        /// LogonId (MS-OXCROPS_R931).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the folder (MS-OXCROPS_R934).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// WantAsynchronous (MS-OXCROPS_R935, R936).
        want_asynchronous: Bool = "WantAsynchronous",
        /// NotifyNonRead (MS-OXCROPS_R937, R938).
        notify_non_read: Bool = "NotifyNonRead",
        /// MessageIdCount and MessageIds: the messages (MS-OXCROPS_R939-R943).
        message_ids: IdList = ["MessageIdCount"] "MessageIds",
    }
}

rop_response! {
    /// The RopDeleteMessages response buffer ([MS-OXCROPS] 2.2.4.11.2).
    pub struct RopDeleteMessagesResponse = rop::DELETE_MESSAGES, failure "MS-OXCROPS_R950" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R948).
        input_handle_index: InputIndex = "InputHandleIndex",
    } always {
        /// PartialCompletion (MS-OXCROPS_R951, R952).
        partial_completion: Bool = "PartialCompletion",
    } success {
    }
}
