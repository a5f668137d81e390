//! RopHardDeleteMessages (RopId 0x91): [MS-OXCROPS] 2.2.4.12, [MS-OXCFOLD]
//! 2.2.1.12. Hard-deletes messages of the input folder; the server then
//! reports ObjectDeleted (MS-OXCNOTIF 2.2.1.1).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, IdList, InputIndex, U8};

/// RopId of RopHardDeleteMessages (MS-OXCROPS_R957).
pub const ROP_ID: u8 = rop::HARD_DELETE_MESSAGES.id;

rop_request! {
    /// The RopHardDeleteMessages request buffer ([MS-OXCROPS] 2.2.4.12.1).
    pub struct RopHardDeleteMessagesRequest = rop::HARD_DELETE_MESSAGES {
        /// LogonId (MS-OXCROPS_R958).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the folder (MS-OXCROPS_R961).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// WantAsynchronous (MS-OXCROPS_R962, R963).
        want_asynchronous: Bool = "WantAsynchronous",
        /// NotifyNonRead (MS-OXCROPS_R964, R965).
        notify_non_read: Bool = "NotifyNonRead",
        /// MessageIdCount and MessageIds: the messages (MS-OXCROPS_R966-R970).
        message_ids: IdList = ["MessageIdCount"] "MessageIds",
    }
}

rop_response! {
    /// The RopHardDeleteMessages response buffer ([MS-OXCROPS] 2.2.4.12.2).
    pub struct RopHardDeleteMessagesResponse = rop::HARD_DELETE_MESSAGES, failure "MS-OXCROPS_R977" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R975).
        input_handle_index: InputIndex = "InputHandleIndex",
    } always {
        /// PartialCompletion (MS-OXCROPS_R978, R979).
        partial_completion: Bool = "PartialCompletion",
    } success {
    }
}
