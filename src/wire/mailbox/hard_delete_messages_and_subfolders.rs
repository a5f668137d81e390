//! RopHardDeleteMessagesAndSubfolders (RopId 0x92): [MS-OXCROPS] 2.2.4.10,
//! [MS-OXCFOLD] 2.2.1.10. Hard-deletes everything in the input folder; the
//! server then reports ObjectDeleted for each object (MS-OXCNOTIF 2.2.1.1).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, InputIndex, U8};

/// RopId of RopHardDeleteMessagesAndSubfolders (MS-OXCROPS_R908).
pub const ROP_ID: u8 = rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS.id;

rop_request! {
    /// The RopHardDeleteMessagesAndSubfolders request buffer ([MS-OXCROPS] 2.2.4.10.1).
    pub struct RopHardDeleteMessagesAndSubfoldersRequest = rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS {
        /// LogonId (MS-OXCROPS_R909).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the folder (MS-OXCROPS_R912).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// WantAsynchronous (MS-OXCROPS_R913, R914).
        want_asynchronous: Bool = "WantAsynchronous",
        /// WantDeleteAssociated: also delete FAI messages (MS-OXCROPS_R915, R916).
        want_delete_associated: Bool = "WantDeleteAssociated",
    }
}

rop_response! {
    /// The RopHardDeleteMessagesAndSubfolders response buffer ([MS-OXCROPS] 2.2.4.10.2).
    pub struct RopHardDeleteMessagesAndSubfoldersResponse = rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS, failure "MS-OXCROPS_R923" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R921).
        input_handle_index: InputIndex = "InputHandleIndex",
    } always {
        /// PartialCompletion (MS-OXCROPS_R924, R925).
        partial_completion: Bool = "PartialCompletion",
    } success {
    }
}
