//! RopTransportNewMail (RopId 0x51): [MS-OXCROPS] 2.2.7.7, [MS-OXOMSG]
//! 2.2.3.4. Tells the server a new message arrived; the server then
//! reports NewMail (MS-OXCNOTIF 2.2.1.1). Its input object is the logon.

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, AsciiZ, Id, InputIndex, U32, U8};

/// RopId of RopTransportNewMail (MS-OXCROPS_R2496).
pub const ROP_ID: u8 = rop::TRANSPORT_NEW_MAIL.id;

rop_request! {
    /// The RopTransportNewMail request buffer ([MS-OXCROPS] 2.2.7.7.1).
    pub struct RopTransportNewMailRequest = rop::TRANSPORT_NEW_MAIL {
        /// LogonId (MS-OXCROPS_R2497).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex (MS-OXCROPS_R2499, R2500).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// MessageId: the new message (MS-OXCROPS_R2502, R2503).
        message_id: Id = "MessageId",
        /// FolderId: its folder (MS-OXCROPS_R2504, R2505).
        folder_id: Id = "FolderId",
        /// MessageClass: a null-terminated ASCII string (MS-OXCROPS_R2506, R2507).
        message_class: AsciiZ = "MessageClass",
        /// MessageFlags (MS-OXCROPS_R2508-R2510).
        message_flags: U32 = "MessageFlags",
    }
}

rop_response! {
    /// The RopTransportNewMail response buffer ([MS-OXCROPS] 2.2.7.7.2).
    pub struct RopTransportNewMailResponse = rop::TRANSPORT_NEW_MAIL, failure "MS-OXCROPS_R2518" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R2515).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
    }
}
