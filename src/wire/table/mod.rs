//! The table ROPs: [MS-OXCROPS] 2.2.4.13–14, 2.2.5, 2.2.6.17, 2.2.10.2 and
//! 2.2.11.2. One file per ROP, each with its request and response.
//!
//! | ROP | RopId | file | spec |
//! |---|---|---|---|
//! | RopGetHierarchyTable | 0x04 | [`get_hierarchy_table`] | MS-OXCROPS 2.2.4.13, MS-OXCFOLD 2.2.1.13 |
//! | RopGetContentsTable | 0x05 | [`get_contents_table`] | MS-OXCROPS 2.2.4.14, MS-OXCFOLD 2.2.1.14 |
//! | RopGetAttachmentTable | 0x21 | [`get_attachment_table`] | MS-OXCROPS 2.2.6.17 |
//! | RopGetPermissionsTable | 0x3E | [`get_permissions_table`] | MS-OXCROPS 2.2.10.2 |
//! | RopGetRulesTable | 0x3F | [`get_rules_table`] | MS-OXCROPS 2.2.11.2 |
//!
//! The table-creating ROPs name an OutputHandleIndex: on success the new
//! Table object's handle is in the output buffer's ServerObjectHandleTable
//! at that slot, and the table is subscribed to TableModified unless
//! NoNotifications was set (MS-OXCNOTIF 3.1.4.3).
pub mod collapse_row;
pub mod create_bookmark;
pub mod expand_row;
pub mod find_row;
pub mod get_attachment_table;
pub mod get_contents_table;
pub mod get_hierarchy_table;
pub mod get_permissions_table;
pub mod get_rules_table;
pub mod names;
pub mod query_columns_all;
pub mod query_position;
pub mod query_rows;
pub mod reset_table;
pub mod restrict;
pub mod row_data;
pub mod seek_row;
pub mod seek_row_bookmark;
pub mod seek_row_fractional;
pub mod set_columns;
