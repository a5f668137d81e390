//! RopSeekRowBookmark (RopId 0x19): [MS-OXCROPS] 2.2.5.9, [MS-OXCTABL]
//! 2.2.2.10. Moves the cursor relative to a bookmark from
//! RopCreateBookmark; it creates a table view (MS-OXCNOTIF_R255).

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, InputIndex, SizedBytes, I32, U8};

/// RopId of RopSeekRowBookmark (MS-OXCROPS_R1327).
pub const ROP_ID: u8 = rop::SEEK_ROW_BOOKMARK.id;

rop_request! {
    /// The RopSeekRowBookmark request buffer ([MS-OXCROPS] 2.2.5.9.1).
    pub struct RopSeekRowBookmarkRequest = rop::SEEK_ROW_BOOKMARK {
        /// LogonId (MS-OXCROPS_R1328).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1331).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// BookmarkSize and Bookmark (MS-OXCROPS_R1332-R1336).
        bookmark: SizedBytes = ["BookmarkSize"] "Bookmark",
        /// RowCount: rows to move from the bookmark (MS-OXCROPS_R1337).
        row_count: I32 = "RowCount",
        /// WantRowMovedCount (MS-OXCROPS_R1339).
        want_row_moved_count: Bool = "WantRowMovedCount",
    }
}

rop_response! {
    /// The RopSeekRowBookmark response buffer: success ([MS-OXCROPS]
    /// 2.2.5.9.2) or failure (2.2.5.9.3).
    pub struct RopSeekRowBookmarkResponse = rop::SEEK_ROW_BOOKMARK, failure "MS-OXCROPS_R1362" {
        /// InputHandleIndex (MS-OXCROPS_R1345).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// RowNoLongerVisible (MS-OXCROPS_R1349).
        row_no_longer_visible: Bool = "RowNoLongerVisible",
        /// HasSoughtLess (MS-OXCROPS_R1351).
        has_sought_less: Bool = "HasSoughtLess",
        /// RowsSought (MS-OXCROPS_R1353).
        rows_sought: I32 = "RowsSought",
    }
}
