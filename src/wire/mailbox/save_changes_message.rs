//! RopSaveChangesMessage (RopId 0x0C): [MS-OXCROPS] 2.2.6.3, [MS-OXCMSG]
//! 2.2.3.3. Commits a message; a new message's first save makes the server
//! report ObjectCreated, a later one ObjectModified (MS-OXCNOTIF 2.2.1.1).
//!
//! ResponseHandleIndex names the slot the response is about, not an
//! object the ROP reads or writes, so it is a plain index here (the handle
//! checks of MS-OXCROPS_R4493-R4497 apply to InputHandleIndex).

use super::names::SaveFlags;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Id, InputIndex, Named, U8};

/// RopId of RopSaveChangesMessage (MS-OXCROPS_R1794).
pub const ROP_ID: u8 = rop::SAVE_CHANGES_MESSAGE.id;

rop_request! {
    /// The RopSaveChangesMessage request buffer ([MS-OXCROPS] 2.2.6.3.1).
    pub struct RopSaveChangesMessageRequest = rop::SAVE_CHANGES_MESSAGE {
        /// LogonId (MS-OXCROPS_R1795).
        logon_id: U8 = "LogonId",
        /// ResponseHandleIndex (MS-OXCROPS_R1797, R1798).
        response_handle_index: U8 = "ResponseHandleIndex",
        /// InputHandleIndex: the slot of the message (MS-OXCROPS_R1800, R1801).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// SaveFlags (MS-OXCROPS_R1803-R1805).
        save_flags: Named<SaveFlags> = "SaveFlags",
    }
}

rop_response! {
    /// The RopSaveChangesMessage response buffer: success ([MS-OXCROPS]
    /// 2.2.6.3.2) with InputHandleIndex and MessageId, or failure (2.2.6.3.3).
    pub struct RopSaveChangesMessageResponse = rop::SAVE_CHANGES_MESSAGE, failure "MS-OXCROPS_R1828" {
        /// ResponseHandleIndex: MUST echo the request's (MS-OXCROPS_R1810, R1824).
        response_handle_index: U8 = "ResponseHandleIndex",
    } success {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R1815, R1816).
        input_handle_index: U8 = "InputHandleIndex",
        /// MessageId: the ID of the message saved (MS-OXCROPS_R1818, R1819).
        message_id: Id = "MessageId",
    }
}
