//! RopMoveCopyMessages (RopId 0x33): [MS-OXCROPS] 2.2.4.6, [MS-OXCFOLD]
//! 2.2.1.6. Moves (WantCopy zero) or copies the listed messages of the
//! source folder to the destination folder; the server reports
//! ObjectMoved or ObjectCopied (MS-OXCNOTIF 2.2.1.1). The response is
//! shared with the folder ROPs ([`super::move_copy`]).

use super::move_copy::{MoveCopyResponse, MoveCopyRop};
use crate::wire::rop::{self, Rop};
use crate::wire::rop_fields::{rop_request, Bool, IdList, InputIndex, U8};

/// RopId of RopMoveCopyMessages (MS-OXCROPS_R755).
pub const ROP_ID: u8 = rop::MOVE_COPY_MESSAGES.id;

rop_request! {
    /// The RopMoveCopyMessages request buffer ([MS-OXCROPS] 2.2.4.6.1).
    pub struct RopMoveCopyMessagesRequest = rop::MOVE_COPY_MESSAGES {
        /// LogonId (MS-OXCROPS_R756).
        logon_id: U8 = "LogonId",
        /// SourceHandleIndex: the folder the messages are in (MS-OXCROPS_R758, R759).
        source_handle_index: InputIndex = "SourceHandleIndex",
        /// DestHandleIndex: the folder they go to (MS-OXCROPS_R760, R761).
        dest_handle_index: InputIndex = "DestHandleIndex",
        /// MessageIdCount and MessageIds (MS-OXCROPS_R762-R766).
        message_ids: IdList = ["MessageIdCount"] "MessageIds",
        /// WantAsynchronous (MS-OXCROPS_R767, R768).
        want_asynchronous: Bool = "WantAsynchronous",
        /// WantCopy: a copy when nonzero, else a move (MS-OXCROPS_R769, R770).
        want_copy: Bool = "WantCopy",
    }
}

/// The marker of RopMoveCopyMessages for [`MoveCopyResponse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveCopyMessages;

impl MoveCopyRop for MoveCopyMessages {
    const ROP: Rop = rop::MOVE_COPY_MESSAGES;
    const NULL_DESTINATION: &'static str = "MS-OXCROPS_R789";
    const RECURSIVE: bool = false;
}

/// The RopMoveCopyMessages response buffer ([MS-OXCROPS] 2.2.4.6.2) or its
/// null destination failure response (2.2.4.6.3).
pub type RopMoveCopyMessagesResponse = MoveCopyResponse<MoveCopyMessages>;
