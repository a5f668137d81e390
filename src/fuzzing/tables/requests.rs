//! What the table operations send: the table-creating ROPs, RopSetColumns
//! with column sets of a palette, the view-creating ROPs and
//! RopCreateBookmark (MS-OXCROPS 2.2.4.13-14, 2.2.5, 2.2.6.17, 2.2.10.2,
//! 2.2.11.2), and the store changes aimed at a table's rows.

use super::{Mirror, ATTACHMENTS, CONTENTS, HIERARCHY, PERMISSIONS};
use crate::fuzzing::{fid, mid};
use crate::model::{Event, EventType};
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
use crate::wire::Id8;

/// The columns RopSetColumns picks from: PidTagFolderId, PidTagMid,
/// PidTagParentFolderId, PidTagInstID, PidTagInstanceNum, PidTagDepth,
/// PidTagSubject (PtypString) and PidTagDisplayName as PtypUnspecified
/// (whose values carry their type, MS-OXCDATA 2.11.3).
const PALETTE: [u32; 8] =
    [0x6748_0014, 0x674A_0014, 0x6749_0014, 0x674D_0014, 0x674E_0003, 0x3005_0003, 0x0037_001F, 0x3001_0000];

/// The columns of `mask`, rotated by `order` (reversed with bit 0x80).
pub fn column_set(mask: u8, order: u8) -> Vec<PropertyTag> {
    let mut v: Vec<u32> = PALETTE.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, t)| *t).collect();
    if !v.is_empty() {
        let by = order as usize % v.len();
        v.rotate_left(by);
    }
    if order & 0x80 != 0 {
        v.reverse();
    }
    v.into_iter().map(PropertyTag::from_u32).collect()
}

pub(super) fn table_flags(req: &RopRequest) -> u8 {
    match req {
        RopRequest::GetHierarchyTable(r) => r.table_flags,
        RopRequest::GetContentsTable(r) => r.table_flags,
        RopRequest::GetAttachmentTable(r) => r.table_flags,
        RopRequest::GetPermissionsTable(r) => r.table_flags,
        RopRequest::GetRulesTable(r) => r.table_flags,
        _ => 0,
    }
}

/// A table-creating request (input slot 0, output slot 1).
pub(super) fn create(kind: u8, table_flags: u8) -> RopRequest {
    let (logon_id, input_handle_index, output_handle_index) = (0, 0, 1);
    match kind {
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

pub(super) fn set_columns(slot: u8, mask: u8, order: u8) -> RopRequest {
    RopRequest::SetColumns(RopSetColumnsRequest {
        logon_id: 0,
        input_handle_index: slot,
        set_columns_flags: (order >> 6) & 1,
        property_tags: column_set(mask, order),
    })
}

/// View ROP `which` (see [`TableOp::View`]) on `slot`, parameters from `arg`.
pub(super) fn view(slot: u8, which: u8, arg: u8, bookmark: Option<Vec<u8>>) -> RopRequest {
    let (logon_id, input_handle_index) = (0, slot);
    let category_id = fid(arg % 5);
    match which {
        0 => RopRequest::QueryRows(RopQueryRowsRequest {
            logon_id,
            input_handle_index,
            query_rows_flags: arg & 0x03,
            forward_read: u8::from(arg & 0x04 == 0),
            row_count: (arg >> 3) as u16,
        }),
        1 => RopRequest::QueryPosition(RopQueryPositionRequest { logon_id, input_handle_index }),
        2 => RopRequest::SeekRow(RopSeekRowRequest {
            logon_id,
            input_handle_index,
            origin: arg % 3,
            row_count: (arg as i8 >> 2) as i32,
            want_row_moved_count: (arg >> 7) & 1,
        }),
        3 => RopRequest::SeekRowBookmark(RopSeekRowBookmarkRequest {
            logon_id,
            input_handle_index,
            // The table's last bookmark, or one the server never gave.
            bookmark: bookmark.filter(|_| arg & 0x80 == 0).unwrap_or_else(|| vec![arg, 0, 0, 0]),
            row_count: (arg & 0x07) as i32 - 3,
            want_row_moved_count: (arg >> 3) & 1,
        }),
        4 => RopRequest::SeekRowFractional(RopSeekRowFractionalRequest {
            logon_id,
            input_handle_index,
            numerator: (arg & 0x0F) as u32,
            denominator: (arg >> 4) as u32,
        }),
        5 => RopRequest::QueryColumnsAll(RopQueryColumnsAllRequest { logon_id, input_handle_index }),
        6 => RopRequest::FindRow(RopFindRowRequest {
            logon_id,
            input_handle_index,
            find_row_flags: arg & 0x01,
            restriction_data: Vec::new(),
            origin: arg % 3,
            bookmark: Vec::new(),
        }),
        7 => RopRequest::ExpandRow(RopExpandRowRequest {
            logon_id,
            input_handle_index,
            max_row_count: (arg >> 2) as u16,
            category_id,
        }),
        8 => RopRequest::CollapseRow(RopCollapseRowRequest { logon_id, input_handle_index, category_id }),
        _ => RopRequest::CreateBookmark(RopCreateBookmarkRequest { logon_id, input_handle_index }),
    }
}

/// The store change `how` aimed at the n-th table's rows.
pub(super) fn touch(t: &Mirror, how: u8, pick: u8, new_folders: &mut Vec<Id8>, new_messages: &mut Vec<Id8>) -> Event {
    let mut folders: Vec<Id8> = (0..=4).map(fid).collect();
    folders.extend(new_folders.iter());
    let mut messages: Vec<Id8> = (1..=4).map(mid).collect();
    messages.extend(new_messages.iter());
    let folder = folders[pick as usize % folders.len()];
    let message = messages[pick as usize % messages.len()];
    let fresh = 0x20 + (new_folders.len() + new_messages.len()) as u8;
    let (f, m) = (t.object, Some(message));
    let e = |k, folder, message| Event::new(k, folder, message);
    match t.kind {
        CONTENTS => match how % 7 {
            0 | 6 => {
                new_messages.push(mid(fresh));
                let k = if how % 7 == 0 { EventType::ObjectCreated } else { EventType::NewMail };
                e(k, f, Some(mid(fresh)))
            }
            1 => e(EventType::ObjectDeleted, f, m),
            2 => Event { tags: vec![0x0037_001F], ..e(EventType::ObjectModified, f, m) },
            3 => Event { to_folder: Some(folder), ..e(EventType::ObjectMoved, f, m) },
            4 => Event { to_folder: Some(f), ..e(EventType::ObjectMoved, folder, m) },
            _ => {
                new_messages.push(mid(fresh));
                Event { to_folder: Some(f), new_id: Some(mid(fresh)), ..e(EventType::ObjectCopied, folder, m) }
            }
        },
        HIERARCHY => match how % 6 {
            0 | 1 => {
                new_folders.push(fid(fresh));
                let parent = if how % 6 == 0 { f } else { folder };
                Event { parent_folder: Some(parent), ..e(EventType::ObjectCreated, fid(fresh), None) }
            }
            2 => e(EventType::ObjectDeleted, folder, None),
            3 => e(EventType::ObjectModified, folder, None),
            4 => Event { to_folder: Some(f), ..e(EventType::ObjectMoved, folder, None) },
            _ => {
                new_folders.push(fid(fresh));
                Event { to_folder: Some(f), new_id: Some(fid(fresh)), ..e(EventType::ObjectCopied, folder, None) }
            }
        },
        // A change of what the table lists (R260, R264): its own kind on
        // its own object, another kind on it, or its kind on another.
        kind => {
            let own = match kind {
                ATTACHMENTS => "Attachments",
                PERMISSIONS => "Permissions",
                _ => "Rules",
            };
            let (name, folder, message) = match (kind, how % 3) {
                (ATTACHMENTS, 0) => (own, t.folder, Some(t.object)),
                (ATTACHMENTS, 1) => (own, t.folder, m.filter(|x| *x != t.object)),
                (ATTACHMENTS, _) => ("", t.folder, Some(t.object)),
                (_, 0) => (own, f, None),
                (_, 1) => (if own == "Rules" { "Permissions" } else { "Rules" }, f, None),
                (_, _) => (own, folder, None),
            };
            let mut ev = e(EventType::ObjectModified, folder, message);
            if !name.is_empty() && (name == "Attachments") == message.is_some() {
                ev.changed = Some(name.to_string());
            }
            ev
        }
    }
}
