//! The requests of the table steps (MS-OXCROPS 2.2.4.13-14, 2.2.5,
//! 2.2.6.17, 2.2.10.2, 2.2.11.2).

use super::{ATTACHMENTS, CONTENTS, HIERARCHY, PERMISSIONS};
use crate::differential::sequence::fid;
use crate::wire::property_tag::PropertyTag;
use crate::wire::rop_buffer::RopRequest;
use crate::wire::table::{
    collapse_row::RopCollapseRowRequest, create_bookmark::RopCreateBookmarkRequest, expand_row::RopExpandRowRequest,
    find_row::RopFindRowRequest, get_attachment_table::RopGetAttachmentTableRequest,
    get_contents_table::RopGetContentsTableRequest, get_hierarchy_table::RopGetHierarchyTableRequest,
    get_permissions_table::RopGetPermissionsTableRequest, get_rules_table::RopGetRulesTableRequest,
    query_columns_all::RopQueryColumnsAllRequest, query_position::RopQueryPositionRequest,
    query_rows::RopQueryRowsRequest, seek_row::RopSeekRowRequest, seek_row_bookmark::RopSeekRowBookmarkRequest,
    seek_row_fractional::RopSeekRowFractionalRequest, set_columns::RopSetColumnsRequest,
};

pub(super) fn create(rop: u8, table_flags: u8) -> RopRequest {
    let (logon_id, input_handle_index, output_handle_index) = (0, 0, 1);
    match rop {
        HIERARCHY => RopRequest::GetHierarchyTable(RopGetHierarchyTableRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            table_flags,
        }),
        CONTENTS => RopRequest::GetContentsTable(RopGetContentsTableRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            table_flags,
        }),
        ATTACHMENTS => RopRequest::GetAttachmentTable(RopGetAttachmentTableRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            table_flags,
        }),
        PERMISSIONS => RopRequest::GetPermissionsTable(RopGetPermissionsTableRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            table_flags,
        }),
        _ => RopRequest::GetRulesTable(RopGetRulesTableRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            table_flags,
        }),
    }
}

pub(super) fn set_columns(slot: u8, columns: &[u32]) -> RopRequest {
    RopRequest::SetColumns(RopSetColumnsRequest {
        logon_id: 0,
        input_handle_index: slot,
        set_columns_flags: 0,
        property_tags: columns.iter().map(|&c| PropertyTag::from_u32(c)).collect(),
    })
}

/// The view ROP or RopCreateBookmark `rop` on `slot`, parameters from `arg`;
/// RopSeekRowBookmark takes the side's last bookmark of the table.
pub(super) fn view_request(slot: u8, rop: u8, arg: u8, bookmark: Option<Vec<u8>>) -> RopRequest {
    let (logon_id, input_handle_index) = (0, slot);
    match rop {
        0x15 => RopRequest::QueryRows(RopQueryRowsRequest {
            logon_id,
            input_handle_index,
            query_rows_flags: 0,
            forward_read: 1,
            row_count: (arg % 8) as u16,
        }),
        0x17 => RopRequest::QueryPosition(RopQueryPositionRequest { logon_id, input_handle_index }),
        0x18 => RopRequest::SeekRow(RopSeekRowRequest {
            logon_id,
            input_handle_index,
            origin: arg % 3,
            row_count: (arg % 5) as i32 - 2,
            want_row_moved_count: 1,
        }),
        0x19 => RopRequest::SeekRowBookmark(RopSeekRowBookmarkRequest {
            logon_id,
            input_handle_index,
            bookmark: bookmark.unwrap_or_else(|| vec![0; 4]),
            row_count: (arg % 3) as i32,
            want_row_moved_count: 1,
        }),
        0x1A => RopRequest::SeekRowFractional(RopSeekRowFractionalRequest {
            logon_id,
            input_handle_index,
            numerator: (arg % 4) as u32,
            denominator: 4,
        }),
        0x37 => RopRequest::QueryColumnsAll(RopQueryColumnsAllRequest { logon_id, input_handle_index }),
        0x4F => RopRequest::FindRow(RopFindRowRequest {
            logon_id,
            input_handle_index,
            find_row_flags: 0,
            restriction_data: Vec::new(),
            origin: 0,
            bookmark: Vec::new(),
        }),
        0x59 => RopRequest::ExpandRow(RopExpandRowRequest {
            logon_id,
            input_handle_index,
            max_row_count: (arg % 4) as u16,
            category_id: fid(1),
        }),
        0x5A => RopRequest::CollapseRow(RopCollapseRowRequest { logon_id, input_handle_index, category_id: fid(1) }),
        _ => RopRequest::CreateBookmark(RopCreateBookmarkRequest { logon_id, input_handle_index }),
    }
}
