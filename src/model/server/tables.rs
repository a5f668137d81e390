//! The table ROPs on the reference server ([MS-OXCNOTIF] 3.1.4.3, the
//! MS-OXCROPS 2.2.4–2.2.11 buffers): the five table-creating ROPs make
//! Table objects ([`crate::model::table`]); RopSetColumns sets the columns
//! of their row data (MS-OXCNOTIF_R166001); the view-creating ROPs
//! (R246–R255) create the view notifications need (R243, R245); and
//! RopResetTable drops columns and view, which stops notifications until
//! the next view ROP (R272–R285).
//!
//! The rows are the model's identities of messages and folders, so the
//! view ROPs answer about a cursor over them: RopQueryPosition gives the
//! cursor and the row count, RopSeekRow and RopSeekRowFractional move it,
//! RopCreateBookmark and RopSeekRowBookmark save and restore it (a bookmark
//! is the 4-byte row index), RopQueryColumnsAll names the columns the
//! model has values for, RopQueryRows reads PropertyRows of the columns
//! set, RopFindRow finds nothing (the model evaluates no restriction:
//! ecNotFound), and RopCollapseRow and RopExpandRow change nothing (the
//! model's tables are not categorized). A view ROP that fails still counts
//! as received.

use super::super::table::{property_row, tags, Table, TableKind};
use super::{Object, Server};
use crate::wire::property_tag::PropertyTag;
use crate::wire::return_value::{NOT_SUPPORTED, SUCCESS};
use crate::wire::rop_buffer::{RopRequest, RopResponse, UNUSED_HANDLE};
use crate::wire::table::{
    collapse_row::RopCollapseRowResponse, create_bookmark::RopCreateBookmarkResponse,
    get_attachment_table::RopGetAttachmentTableResponse, get_contents_table::RopGetContentsTableResponse,
    get_hierarchy_table::RopGetHierarchyTableResponse, get_permissions_table::RopGetPermissionsTableResponse,
    get_rules_table::RopGetRulesTableResponse, query_columns_all::RopQueryColumnsAllResponse,
    query_position::RopQueryPositionResponse, reset_table::RopResetTableResponse, restrict::RopRestrictResponse,
    seek_row::RopSeekRowResponse, seek_row_bookmark::RopSeekRowBookmarkResponse,
    seek_row_fractional::RopSeekRowFractionalResponse, set_columns::RopSetColumnsResponse,
};
use crate::wire::table::{
    expand_row::RopExpandRowResponse, find_row::RopFindRowResponse, query_rows::RopQueryRowsResponse, row_data::RowData,
};

/// ecNotFound (MS-OXCDATA 2.4): RopFindRow found no row.
const EC_NOT_FOUND: u32 = 0x8004_010F;
use crate::wire::Id8;

/// What a table-creating request asks for.
struct Create {
    kind: TableKind,
    logon_id: u8,
    input: u8,
    output: u8,
    flags: u8,
}

impl Server {
    /// Executes a table ROP; `None` for a ROP this file does not handle.
    pub(super) fn table_rop(&mut self, rop: &RopRequest, table: &mut Vec<u32>) -> Option<RopResponse> {
        let create = |kind, logon_id, input, output, flags| Create { kind, logon_id, input, output, flags };
        let c = match rop {
            RopRequest::GetHierarchyTable(r) => {
                create(TableKind::Hierarchy, r.logon_id, r.input_handle_index, r.output_handle_index, r.table_flags)
            }
            RopRequest::GetContentsTable(r) => {
                create(TableKind::Contents, r.logon_id, r.input_handle_index, r.output_handle_index, r.table_flags)
            }
            RopRequest::GetAttachmentTable(r) => {
                create(TableKind::Attachments, r.logon_id, r.input_handle_index, r.output_handle_index, r.table_flags)
            }
            RopRequest::GetPermissionsTable(r) => {
                create(TableKind::Permissions, r.logon_id, r.input_handle_index, r.output_handle_index, r.table_flags)
            }
            RopRequest::GetRulesTable(r) => {
                create(TableKind::Rules, r.logon_id, r.input_handle_index, r.output_handle_index, r.table_flags)
            }
            other => return self.on_table(other, table),
        };
        let (code, rows) = self.create_table(&c, table);
        let ok = |v: u32| (code == SUCCESS).then_some(v);
        let o = c.output;
        Some(match c.kind {
            TableKind::Hierarchy => RopResponse::GetHierarchyTable(RopGetHierarchyTableResponse {
                output_handle_index: o,
                return_value: code,
                row_count: ok(rows),
            }),
            TableKind::Contents => RopResponse::GetContentsTable(RopGetContentsTableResponse {
                output_handle_index: o,
                return_value: code,
                row_count: ok(rows),
            }),
            TableKind::Attachments => RopResponse::GetAttachmentTable(RopGetAttachmentTableResponse {
                output_handle_index: o,
                return_value: code,
            }),
            TableKind::Permissions => RopResponse::GetPermissionsTable(RopGetPermissionsTableResponse {
                output_handle_index: o,
                return_value: code,
            }),
            TableKind::Rules => {
                RopResponse::GetRulesTable(RopGetRulesTableResponse { output_handle_index: o, return_value: code })
            }
        })
    }

    /// Creates the Table object (MS-OXCROPS_R4557, R4558): its input is a
    /// Folder object (a Message object for an attachment table), else
    /// ecNotSupported. Returns the ReturnValue and the row count.
    fn create_table(&mut self, c: &Create, table: &mut Vec<u32>) -> (u32, u32) {
        let slot = c.output as usize;
        if table.len() <= slot {
            table.resize(slot + 1, UNUSED_HANDLE);
        }
        let input = match self.resolve(c.logon_id, table, c.input) {
            Ok(h) => h,
            Err(code) => return (code, 0),
        };
        let object = self.logons.get(&c.logon_id).and_then(|(_, m)| m.get(&input)).cloned();
        let on: Option<Id8> = match (c.kind, object) {
            (TableKind::Attachments, Some(Object::Message(m))) => Some(m),
            (TableKind::Attachments, _) => None,
            (_, Some(Object::Folder(f))) => Some(f),
            _ => None,
        };
        let Some(on) = on else { return (NOT_SUPPORTED, 0) };
        let t = Table::new(c.kind, c.logon_id, on, c.flags, &self.store);
        let rows = t.rows.len() as u32;
        let h = self.assign();
        self.owner.insert(h, c.logon_id);
        if let Some((_, objects)) = self.logons.get_mut(&c.logon_id) {
            objects.insert(h, Object::Table);
        }
        self.tables.insert(h, t);
        table[slot] = h;
        (SUCCESS, rows)
    }

    /// The ROPs on a Table object.
    fn on_table(&mut self, rop: &RopRequest, table: &[u32]) -> Option<RopResponse> {
        let (logon_id, index) = match rop {
            RopRequest::SetColumns(r) => (r.logon_id, r.input_handle_index),
            RopRequest::ResetTable(r) => (r.logon_id, r.input_handle_index),
            RopRequest::Restrict(r) => (r.logon_id, r.input_handle_index),
            RopRequest::QueryPosition(r) => (r.logon_id, r.input_handle_index),
            RopRequest::SeekRow(r) => (r.logon_id, r.input_handle_index),
            RopRequest::SeekRowFractional(r) => (r.logon_id, r.input_handle_index),
            RopRequest::SeekRowBookmark(r) => (r.logon_id, r.input_handle_index),
            RopRequest::CreateBookmark(r) => (r.logon_id, r.input_handle_index),
            RopRequest::QueryColumnsAll(r) => (r.logon_id, r.input_handle_index),
            RopRequest::CollapseRow(r) => (r.logon_id, r.input_handle_index),
            RopRequest::QueryRows(r) => (r.logon_id, r.input_handle_index),
            RopRequest::FindRow(r) => (r.logon_id, r.input_handle_index),
            RopRequest::ExpandRow(r) => (r.logon_id, r.input_handle_index),
            _ => return None,
        };
        let found =
            self.resolve(logon_id, table, index).and_then(|h| self.tables.get(&h).map(|_| h).ok_or(NOT_SUPPORTED));
        let (code, h) = match found {
            Ok(h) => (SUCCESS, Some(h)),
            Err(code) => (code, None),
        };
        let t = h.and_then(|h| self.tables.get_mut(&h));
        let ok = code == SUCCESS;
        let i = index;
        Some(match (rop, t) {
            (RopRequest::SetColumns(r), Some(t)) => {
                t.columns = Some(r.property_tags.iter().map(|p| p.to_u32()).collect());
                RopResponse::SetColumns(RopSetColumnsResponse {
                    input_handle_index: i,
                    return_value: code,
                    table_status: Some(0x00), // TBLSTAT_COMPLETE
                })
            }
            (RopRequest::SetColumns(_), None) => RopResponse::SetColumns(RopSetColumnsResponse {
                input_handle_index: i,
                return_value: code,
                table_status: None,
            }),
            (RopRequest::ResetTable(_), t) => {
                if let Some(t) = t {
                    // MS-OXCTABL RopResetTable: columns, restriction, sort
                    // order and bookmarks go; so does the view (R272).
                    t.columns = None;
                    t.view = false;
                    t.reset = true;
                    t.cursor = 0;
                }
                RopResponse::ResetTable(RopResetTableResponse { input_handle_index: i, return_value: code })
            }
            (RopRequest::Restrict(_), _) => RopResponse::Restrict(RopRestrictResponse {
                input_handle_index: i,
                return_value: code,
                table_status: ok.then_some(0x00),
            }),
            (RopRequest::CreateBookmark(_), t) => {
                let mark = t.map(|t| (t.cursor as u32).to_le_bytes().to_vec());
                RopResponse::CreateBookmark(RopCreateBookmarkResponse {
                    input_handle_index: i,
                    return_value: code,
                    bookmark: mark,
                })
            }
            (rop, Some(t)) => {
                // A view-creating ROP (MS-OXCNOTIF_R246-R255).
                t.view = true;
                t.reset = false;
                view_rop(rop, t, i)
            }
            (rop, None) => failed_view_rop(rop, i, code),
        })
    }
}

/// The response of a view-creating ROP on table `t` (`i`: its InputHandleIndex).
fn view_rop(rop: &RopRequest, t: &mut Table, i: u8) -> RopResponse {
    let len = t.rows.len();
    let seek = |t: &mut Table, from: usize, by: i32| -> (u8, i32) {
        let target = from as i64 + by as i64;
        let clamped = target.clamp(0, len as i64);
        t.cursor = clamped as usize;
        (u8::from(clamped != target), (clamped - from as i64) as i32)
    };
    match rop {
        RopRequest::QueryPosition(_) => RopResponse::QueryPosition(RopQueryPositionResponse {
            input_handle_index: i,
            return_value: SUCCESS,
            numerator: Some(t.cursor as u32),
            denominator: Some(len as u32),
        }),
        RopRequest::SeekRow(r) => {
            let from = match r.origin {
                0x01 => t.cursor, // BOOKMARK_CURRENT
                0x02 => len,      // BOOKMARK_END
                _ => 0,           // BOOKMARK_BEGINNING
            };
            let (less, sought) = seek(t, from, r.row_count);
            RopResponse::SeekRow(RopSeekRowResponse {
                input_handle_index: i,
                return_value: SUCCESS,
                has_sought_less: Some(less),
                rows_sought: Some(sought),
            })
        }
        RopRequest::SeekRowFractional(r) => {
            let d = r.denominator.max(1) as u64;
            t.cursor = ((r.numerator as u64).min(d) * len as u64 / d) as usize;
            RopResponse::SeekRowFractional(RopSeekRowFractionalResponse {
                input_handle_index: i,
                return_value: SUCCESS,
            })
        }
        RopRequest::SeekRowBookmark(r) => {
            let mark = r.bookmark.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            let visible = mark.is_some_and(|m| m <= len);
            let (less, sought) = seek(t, mark.unwrap_or(0).min(len), r.row_count);
            RopResponse::SeekRowBookmark(RopSeekRowBookmarkResponse {
                input_handle_index: i,
                return_value: SUCCESS,
                row_no_longer_visible: Some(u8::from(!visible)),
                has_sought_less: Some(less),
                rows_sought: Some(sought),
            })
        }
        RopRequest::QueryColumnsAll(_) => {
            let mut all =
                vec![tags::FOLDER_ID, tags::PARENT_FOLDER_ID, tags::INST_ID, tags::INSTANCE_NUM, tags::ROW_TYPE];
            match t.kind {
                TableKind::Contents => all.insert(1, tags::MID),
                TableKind::Hierarchy => all.push(tags::DEPTH),
                _ => {}
            }
            RopResponse::QueryColumnsAll(RopQueryColumnsAllResponse {
                input_handle_index: i,
                return_value: SUCCESS,
                property_tags: Some(all.into_iter().map(PropertyTag::from_u32).collect()),
            })
        }
        RopRequest::CollapseRow(_) => RopResponse::CollapseRow(RopCollapseRowResponse {
            input_handle_index: i,
            return_value: SUCCESS,
            collapsed_row_count: Some(0),
        }),
        RopRequest::QueryRows(r) => {
            // The rows from the cursor on (or before it, ForwardRead 0), as
            // PropertyRows of the table's columns (MS-OXCTABL 2.2.2.5).
            let want = r.row_count as usize;
            let picked: Vec<usize> = if r.forward_read != 0 {
                (t.cursor..len).take(want).collect()
            } else {
                (t.cursor.saturating_sub(want)..t.cursor).rev().collect()
            };
            let columns = t.columns.clone().unwrap_or_default();
            let mut bytes = Vec::new();
            for &k in &picked {
                bytes.extend(property_row(&columns, &t.rows[k]));
            }
            if r.query_rows_flags & 0x02 == 0 {
                // Not NoAdvance: the cursor moves past the rows read.
                t.cursor = if r.forward_read != 0 { t.cursor + picked.len() } else { t.cursor - picked.len() };
            }
            let origin = if t.cursor == 0 {
                0x00
            } else if t.cursor == len {
                0x02
            } else {
                0x01
            };
            RopResponse::QueryRows(RopQueryRowsResponse {
                input_handle_index: i,
                return_value: SUCCESS,
                origin: Some(origin),
                row_count: Some(picked.len() as u16),
                row_data: Some(RowData::Bytes(bytes)),
            })
        }
        // The model does not evaluate restrictions: no row is found.
        RopRequest::FindRow(_) => failed_view_rop(rop, i, EC_NOT_FOUND),
        RopRequest::ExpandRow(_) => RopResponse::ExpandRow(RopExpandRowResponse {
            input_handle_index: i,
            return_value: SUCCESS,
            expanded_row_count: Some(0),
            row_count: Some(0),
            row_data: Some(RowData::Bytes(Vec::new())),
        }),
        _ => failed_view_rop(rop, i, NOT_SUPPORTED),
    }
}

/// A view ROP's failure response.
fn failed_view_rop(rop: &RopRequest, i: u8, code: u32) -> RopResponse {
    match rop {
        RopRequest::QueryPosition(_) => RopResponse::QueryPosition(RopQueryPositionResponse {
            input_handle_index: i,
            return_value: code,
            numerator: None,
            denominator: None,
        }),
        RopRequest::SeekRow(_) => RopResponse::SeekRow(RopSeekRowResponse {
            input_handle_index: i,
            return_value: code,
            has_sought_less: None,
            rows_sought: None,
        }),
        RopRequest::SeekRowFractional(_) => {
            RopResponse::SeekRowFractional(RopSeekRowFractionalResponse { input_handle_index: i, return_value: code })
        }
        RopRequest::SeekRowBookmark(_) => RopResponse::SeekRowBookmark(RopSeekRowBookmarkResponse {
            input_handle_index: i,
            return_value: code,
            row_no_longer_visible: None,
            has_sought_less: None,
            rows_sought: None,
        }),
        RopRequest::QueryColumnsAll(_) => RopResponse::QueryColumnsAll(RopQueryColumnsAllResponse {
            input_handle_index: i,
            return_value: code,
            property_tags: None,
        }),
        RopRequest::QueryRows(_) => RopResponse::QueryRows(RopQueryRowsResponse {
            input_handle_index: i,
            return_value: code,
            origin: None,
            row_count: None,
            row_data: None,
        }),
        RopRequest::FindRow(_) => RopResponse::FindRow(RopFindRowResponse {
            input_handle_index: i,
            return_value: code,
            row_no_longer_visible: None,
            has_row_data: None,
            row_data: None,
        }),
        RopRequest::ExpandRow(_) => RopResponse::ExpandRow(RopExpandRowResponse {
            input_handle_index: i,
            return_value: code,
            expanded_row_count: None,
            row_count: None,
            row_data: None,
        }),
        _ => RopResponse::CollapseRow(RopCollapseRowResponse {
            input_handle_index: i,
            return_value: code,
            collapsed_row_count: None,
        }),
    }
}
