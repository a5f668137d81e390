//! RopSeekRow (RopId 0x18): [MS-OXCROPS] 2.2.5.8, [MS-OXCTABL] 2.2.2.9.
//! Moves the cursor; it creates a table view (MS-OXCNOTIF_R253).

use super::names::{SeekRowOrigin, SeekRowWantRowMovedCount};
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, InputIndex, Named, I32, U8};

/// RopId of RopSeekRow (MS-OXCROPS_R1291).
pub const ROP_ID: u8 = rop::SEEK_ROW.id;

rop_request! {
    /// The RopSeekRow request buffer ([MS-OXCROPS] 2.2.5.8.1).
    pub struct RopSeekRowRequest = rop::SEEK_ROW {
        /// LogonId (MS-OXCROPS_R1292).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the Table object (MS-OXCROPS_R1295).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// Origin: where the seek starts (MS-OXCROPS_R1297, MS-OXCTABL_R144).
        origin: Named<SeekRowOrigin> = "Origin",
        /// RowCount: rows to move, negative backwards (MS-OXCROPS_R1299).
        row_count: I32 = "RowCount",
        /// WantRowMovedCount (MS-OXCROPS_R1301, MS-OXCTABL_R149).
        want_row_moved_count: Named<SeekRowWantRowMovedCount> = "WantRowMovedCount",
    }
}

rop_response! {
    /// The RopSeekRow response buffer: success ([MS-OXCROPS] 2.2.5.8.2)
    /// with HasSoughtLess and RowsSought, or failure (2.2.5.8.3).
    pub struct RopSeekRowResponse = rop::SEEK_ROW, failure "MS-OXCROPS_R1322" {
        /// InputHandleIndex (MS-OXCROPS_R1307).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
        /// HasSoughtLess (MS-OXCROPS_R1311).
        has_sought_less: Bool = "HasSoughtLess",
        /// RowsSought: rows moved, negative backwards (MS-OXCROPS_R1313).
        rows_sought: I32 = "RowsSought",
    }
}
