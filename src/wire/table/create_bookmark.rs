//! RopCreateBookmark (RopId 0x1B): [MS-OXCROPS] 2.2.5.11, [MS-OXCTABL]
//! 2.2.2.12. Bookmarks the cursor position, for RopSeekRowBookmark.

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, InputIndex, SizedBytes, U8};

/// RopId of RopCreateBookmark (MS-OXCROPS_R1387).
pub const ROP_ID: u8 = rop::CREATE_BOOKMARK.id;

rop_request! {
    /// The RopCreateBookmark request buffer ([MS-OXCROPS] 2.2.5.11.1).
    pub struct RopCreateBookmarkRequest = rop::CREATE_BOOKMARK {
        /// LogonId (MS-OXCROPS_R1388).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1391).
        input_handle_index: InputIndex = "InputHandleIndex",
    }
}

rop_response! {
    /// The RopCreateBookmark response buffer: success ([MS-OXCROPS]
    /// 2.2.5.11.2) with the bookmark, or failure (2.2.5.11.3).
    pub struct RopCreateBookmarkResponse = rop::CREATE_BOOKMARK, failure "MS-OXCROPS_R1412" {
        /// InputHandleIndex (MS-OXCROPS_R1396).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// BookmarkSize and Bookmark (MS-OXCROPS_R1400-R1404).
        bookmark: SizedBytes = ["BookmarkSize"] "Bookmark",
    }
}
