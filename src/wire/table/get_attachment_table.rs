//! RopGetAttachmentTable (RopId 0x21): [MS-OXCROPS] 2.2.6.17. Opens the
//! attachment table of a message. The response has no RowCount.

use crate::wire::codec::Level;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, ByteNames, InputIndex, Named, OutputIndex, U8};

/// RopId of RopGetAttachmentTable (MS-OXCROPS_R2296).
pub const ROP_ID: u8 = rop::GET_ATTACHMENT_TABLE.id;

/// TableFlags value Unicode: string columns in Unicode (MS-OXCROPS_R2307).
pub const UNICODE: u8 = 0x40;

/// The TableFlags of RopGetAttachmentTable: Standard 0x00 or Unicode 0x40
/// (MS-OXCROPS_R2307, MS-OXCMSG 2.2.3.17.1). The requirement tables state
/// no rule for other bits, so none is reported.
pub struct AttachmentTableFlags;

impl ByteNames for AttachmentTableFlags {
    const NAMES: &'static [(u8, &'static str)] = &[(0x00, "Standard"), (UNICODE, "Unicode")];
    const FLAGS: bool = true;
    const RULE: Option<(&'static str, Level)> = None;
}

rop_request! {
    /// The RopGetAttachmentTable request buffer ([MS-OXCROPS] 2.2.6.17.1).
    pub struct RopGetAttachmentTableRequest = rop::GET_ATTACHMENT_TABLE {
        /// LogonId (MS-OXCROPS_R2298).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Message object (MS-OXCROPS_R2300).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot for the new Table object (MS-OXCROPS_R2303).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// TableFlags, every bit kept (MS-OXCROPS_R2305, R2307).
        table_flags: Named<AttachmentTableFlags> = "TableFlags",
    }
}

rop_response! {
    /// The RopGetAttachmentTable response buffer ([MS-OXCROPS] 2.2.6.17.2):
    /// one shape for success and failure.
    pub struct RopGetAttachmentTableResponse = rop::GET_ATTACHMENT_TABLE, failure "MS-OXCROPS_R2315" {
        /// OutputHandleIndex: MUST echo the request's (MS-OXCROPS_R2312).
        output_handle_index: OutputIndex = "OutputHandleIndex",
    } success {}
}
