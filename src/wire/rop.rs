//! The ROPs the harness frames: one table of RopId, spec name and section.
//!
//! Each ROP's own file keeps its `ROP_ID` constant (an alias of the one
//! here), and everything that prints a ROP's name (dissections, error
//! messages, [`WireStructure::NAME`]) reads it
//! from this table.
//!
//! ```
//! use oxcnotif::wire::rop;
//!
//! assert_eq!(rop::name(0x2A), Some("RopNotify"));
//! assert_eq!(rop::lookup(0x29).unwrap().section, "MS-OXCROPS 2.2.14.1");
//! assert_eq!(rop::name(0x07), None);
//! ```

use super::codec::{Error, Reader};
use super::{Layout, WireStructure};

/// One ROP: its RopId, spec name and the MS-OXCROPS section that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rop {
    /// The RopId byte that starts the ROP's request and response buffers.
    pub id: u8,
    /// The spec name, e.g. `RopNotify`.
    pub name: &'static str,
    /// The MS-OXCROPS section that defines its buffers.
    pub section: &'static str,
}

/// RopRelease: frees a Server object handle; it has no response.
pub const RELEASE: Rop = Rop { id: 0x01, name: "RopRelease", section: "MS-OXCROPS 2.2.15.3" };

/// RopGetHierarchyTable: opens the hierarchy table of a folder.
pub const GET_HIERARCHY_TABLE: Rop = Rop { id: 0x04, name: "RopGetHierarchyTable", section: "MS-OXCROPS 2.2.4.13" };

/// RopGetContentsTable: opens the contents table of a folder.
pub const GET_CONTENTS_TABLE: Rop = Rop { id: 0x05, name: "RopGetContentsTable", section: "MS-OXCROPS 2.2.4.14" };

/// RopSetColumns: chooses the columns of a table.
pub const SET_COLUMNS: Rop = Rop { id: 0x12, name: "RopSetColumns", section: "MS-OXCROPS 2.2.5.1" };

/// RopRestrict: sets the restriction of a table.
pub const RESTRICT: Rop = Rop { id: 0x14, name: "RopRestrict", section: "MS-OXCROPS 2.2.5.3" };

/// RopQueryRows: reads rows of a table.
pub const QUERY_ROWS: Rop = Rop { id: 0x15, name: "RopQueryRows", section: "MS-OXCROPS 2.2.5.4" };

/// RopQueryPosition: the cursor position of a table.
pub const QUERY_POSITION: Rop = Rop { id: 0x17, name: "RopQueryPosition", section: "MS-OXCROPS 2.2.5.7" };

/// RopSeekRow: moves the cursor by a number of rows.
pub const SEEK_ROW: Rop = Rop { id: 0x18, name: "RopSeekRow", section: "MS-OXCROPS 2.2.5.8" };

/// RopSeekRowBookmark: moves the cursor relative to a bookmark.
pub const SEEK_ROW_BOOKMARK: Rop = Rop { id: 0x19, name: "RopSeekRowBookmark", section: "MS-OXCROPS 2.2.5.9" };

/// RopSeekRowFractional: moves the cursor to a fraction of the table.
pub const SEEK_ROW_FRACTIONAL: Rop = Rop { id: 0x1A, name: "RopSeekRowFractional", section: "MS-OXCROPS 2.2.5.10" };

/// RopCreateBookmark: bookmarks the cursor position.
pub const CREATE_BOOKMARK: Rop = Rop { id: 0x1B, name: "RopCreateBookmark", section: "MS-OXCROPS 2.2.5.11" };

/// RopGetAttachmentTable: opens the attachment table of a message.
pub const GET_ATTACHMENT_TABLE: Rop = Rop { id: 0x21, name: "RopGetAttachmentTable", section: "MS-OXCROPS 2.2.6.17" };

/// RopRegisterNotification: subscribes to notifications.
pub const REGISTER_NOTIFICATION: Rop =
    Rop { id: 0x29, name: "RopRegisterNotification", section: "MS-OXCROPS 2.2.14.1" };

/// RopNotify: one notification, sent by the server with no request.
pub const NOTIFY: Rop = Rop { id: 0x2A, name: "RopNotify", section: "MS-OXCROPS 2.2.14.2" };

/// RopQueryColumnsAll: every column a table has.
pub const QUERY_COLUMNS_ALL: Rop = Rop { id: 0x37, name: "RopQueryColumnsAll", section: "MS-OXCROPS 2.2.5.12" };

/// RopGetPermissionsTable: opens the permissions table of a folder.
pub const GET_PERMISSIONS_TABLE: Rop = Rop { id: 0x3E, name: "RopGetPermissionsTable", section: "MS-OXCROPS 2.2.10.2" };

/// RopGetRulesTable: opens the rules table of a folder.
pub const GET_RULES_TABLE: Rop = Rop { id: 0x3F, name: "RopGetRulesTable", section: "MS-OXCROPS 2.2.11.2" };

/// RopFindRow: finds the next row that matches a restriction.
pub const FIND_ROW: Rop = Rop { id: 0x4F, name: "RopFindRow", section: "MS-OXCROPS 2.2.5.13" };

/// RopExpandRow: expands a category row.
pub const EXPAND_ROW: Rop = Rop { id: 0x59, name: "RopExpandRow", section: "MS-OXCROPS 2.2.5.16" };

/// RopCollapseRow: collapses a category row.
pub const COLLAPSE_ROW: Rop = Rop { id: 0x5A, name: "RopCollapseRow", section: "MS-OXCROPS 2.2.5.17" };

/// RopPending: more notifications are queued than fit, with no request.
pub const PENDING: Rop = Rop { id: 0x6E, name: "RopPending", section: "MS-OXCROPS 2.2.14.3" };

/// RopResetTable: drops a table's columns, restriction, sort order and
/// cursor; table notifications stop until a new view is created.
pub const RESET_TABLE: Rop = Rop { id: 0x81, name: "RopResetTable", section: "MS-OXCROPS 2.2.5.15" };

/// RopBufferTooSmall: the response that replaces the rest of an output
/// buffer that ran out of room.
pub const BUFFER_TOO_SMALL: Rop = Rop { id: 0xFF, name: "RopBufferTooSmall", section: "MS-OXCROPS 2.2.15.1" };

/// RopOpenMessage: opens an existing message of a folder.
pub const OPEN_MESSAGE: Rop = Rop { id: 0x03, name: "RopOpenMessage", section: "MS-OXCROPS 2.2.6.1" };

/// RopCreateMessage: creates a Message object in a folder.
pub const CREATE_MESSAGE: Rop = Rop { id: 0x06, name: "RopCreateMessage", section: "MS-OXCROPS 2.2.6.2" };

/// RopSaveChangesMessage: commits a message.
pub const SAVE_CHANGES_MESSAGE: Rop = Rop { id: 0x0C, name: "RopSaveChangesMessage", section: "MS-OXCROPS 2.2.6.3" };

/// RopDeleteFolder: deletes a subfolder.
pub const DELETE_FOLDER: Rop = Rop { id: 0x1D, name: "RopDeleteFolder", section: "MS-OXCROPS 2.2.4.3" };

/// RopDeleteMessages: soft-deletes messages of a folder.
pub const DELETE_MESSAGES: Rop = Rop { id: 0x1E, name: "RopDeleteMessages", section: "MS-OXCROPS 2.2.4.11" };

/// RopSetSearchCriteria: sets a search folder's restriction and scope.
pub const SET_SEARCH_CRITERIA: Rop = Rop { id: 0x30, name: "RopSetSearchCriteria", section: "MS-OXCROPS 2.2.4.4" };

/// RopTransportNewMail: tells the server a new message arrived.
pub const TRANSPORT_NEW_MAIL: Rop = Rop { id: 0x51, name: "RopTransportNewMail", section: "MS-OXCROPS 2.2.7.7" };

/// RopHardDeleteMessages: hard-deletes messages of a folder.
pub const HARD_DELETE_MESSAGES: Rop = Rop { id: 0x91, name: "RopHardDeleteMessages", section: "MS-OXCROPS 2.2.4.12" };

/// RopHardDeleteMessagesAndSubfolders: hard-deletes a folder's contents.
pub const HARD_DELETE_MESSAGES_AND_SUBFOLDERS: Rop =
    Rop { id: 0x92, name: "RopHardDeleteMessagesAndSubfolders", section: "MS-OXCROPS 2.2.4.10" };

/// RopOpenFolder: opens an existing folder.
pub const OPEN_FOLDER: Rop = Rop { id: 0x02, name: "RopOpenFolder", section: "MS-OXCROPS 2.2.4.1" };

/// RopCreateFolder: creates (or opens) a subfolder.
pub const CREATE_FOLDER: Rop = Rop { id: 0x1C, name: "RopCreateFolder", section: "MS-OXCROPS 2.2.4.2" };

/// RopLogon: logs on to a mailbox or the public folders.
pub const LOGON: Rop = Rop { id: 0xFE, name: "RopLogon", section: "MS-OXCROPS 2.2.3.1" };

/// RopSetProperties: sets properties of an object.
pub const SET_PROPERTIES: Rop = Rop { id: 0x0A, name: "RopSetProperties", section: "MS-OXCROPS 2.2.8.6" };

/// RopMoveCopyMessages: moves or copies messages between folders.
pub const MOVE_COPY_MESSAGES: Rop = Rop { id: 0x33, name: "RopMoveCopyMessages", section: "MS-OXCROPS 2.2.4.6" };

/// RopMoveFolder: moves a folder.
pub const MOVE_FOLDER: Rop = Rop { id: 0x35, name: "RopMoveFolder", section: "MS-OXCROPS 2.2.4.7" };

/// RopCopyFolder: copies a folder.
pub const COPY_FOLDER: Rop = Rop { id: 0x36, name: "RopCopyFolder", section: "MS-OXCROPS 2.2.4.8" };

/// Every ROP the harness frames, in RopId order.
pub const TABLE: [Rop; 39] = [
    RELEASE,
    OPEN_FOLDER,
    OPEN_MESSAGE,
    GET_HIERARCHY_TABLE,
    GET_CONTENTS_TABLE,
    CREATE_MESSAGE,
    SET_PROPERTIES,
    SAVE_CHANGES_MESSAGE,
    SET_COLUMNS,
    RESTRICT,
    QUERY_ROWS,
    QUERY_POSITION,
    SEEK_ROW,
    SEEK_ROW_BOOKMARK,
    SEEK_ROW_FRACTIONAL,
    CREATE_BOOKMARK,
    CREATE_FOLDER,
    DELETE_FOLDER,
    DELETE_MESSAGES,
    GET_ATTACHMENT_TABLE,
    REGISTER_NOTIFICATION,
    NOTIFY,
    SET_SEARCH_CRITERIA,
    MOVE_COPY_MESSAGES,
    MOVE_FOLDER,
    COPY_FOLDER,
    QUERY_COLUMNS_ALL,
    GET_PERMISSIONS_TABLE,
    GET_RULES_TABLE,
    FIND_ROW,
    TRANSPORT_NEW_MAIL,
    EXPAND_ROW,
    COLLAPSE_ROW,
    PENDING,
    RESET_TABLE,
    HARD_DELETE_MESSAGES,
    HARD_DELETE_MESSAGES_AND_SUBFOLDERS,
    LOGON,
    BUFFER_TOO_SMALL,
];

/// The table entry for a RopId, if the harness frames that ROP.
pub fn lookup(id: u8) -> Option<&'static Rop> {
    TABLE.iter().find(|r| r.id == id)
}

/// The spec name of a RopId, if the harness frames that ROP.
pub fn name(id: u8) -> Option<&'static str> {
    lookup(id).map(|r| r.name)
}

/// One handle-table index a ROP buffer names: the field, its byte offset
/// from the ROP's RopId, the slot, and whether the ROP writes a new handle
/// there (an output index) or reads one (an input index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleUse {
    /// The spec field: `InputHandleIndex`, `OutputHandleIndex`, …
    pub field: &'static str,
    /// Offset of the index byte from the ROP's first byte.
    pub offset: usize,
    /// The slot in ServerObjectHandleTable.
    pub index: u8,
    /// Whether the slot receives a new handle.
    pub output: bool,
}

/// A ROP request a ROP input buffer can carry: the request structure, read
/// after its RopId, with the handle-table indexes it names.
pub trait RopRequestBody: WireStructure {
    /// The ROP's table entry.
    const ROP: Rop;
    /// Reads the fields after RopId (already read by the caller).
    fn read_body(r: &mut Reader, layout: Layout) -> Result<Self, Error>;
    /// LogonId.
    fn logon_id(&self) -> u8;
    /// The handle-table indexes, in wire order (at most two).
    fn handle_uses(&self) -> [Option<HandleUse>; 2];
}

/// A ROP response a ROP output buffer can carry, read after its RopId.
pub trait RopResponseBody: WireStructure {
    /// The ROP's table entry.
    const ROP: Rop;
    /// Reads the fields after RopId, up to the reader's limit.
    fn read_body(r: &mut Reader, layout: Layout) -> Result<Self, Error>;
    /// The handle-table index the response echoes (InputHandleIndex or
    /// OutputHandleIndex), if it has one.
    fn handle_use(&self) -> Option<HandleUse>;
    /// ReturnValue, if the response has one.
    fn return_value(&self) -> Option<u32>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ascend_and_names_are_rop_names() {
        for w in TABLE.windows(2) {
            assert!(w[0].id < w[1].id, "{} before {}", w[0].name, w[1].name);
        }
        for r in &TABLE {
            assert!(r.name.starts_with("Rop"), "{}", r.name);
            assert!(r.section.starts_with("MS-OXCROPS 2.2."), "{}", r.name);
            assert_eq!(lookup(r.id), Some(r));
        }
    }
}
