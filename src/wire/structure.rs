//! The structures by name, for the CLI, the case runner and (later) the
//! adapter protocol: decode to and encode from the external value form
//! without knowing the Rust type.

use super::buffer_too_small::RopBufferTooSmallResponse;
use super::codec::{EncodeError, Error, Finding, Reader, Span};
use super::mailbox::copy_folder::RopCopyFolderRequest;
use super::mailbox::copy_folder::RopCopyFolderResponse;
use super::mailbox::create_folder::RopCreateFolderRequest;
use super::mailbox::create_folder::RopCreateFolderResponse;
use super::mailbox::create_message::RopCreateMessageRequest;
use super::mailbox::create_message::RopCreateMessageResponse;
use super::mailbox::delete_folder::RopDeleteFolderRequest;
use super::mailbox::delete_folder::RopDeleteFolderResponse;
use super::mailbox::delete_messages::RopDeleteMessagesRequest;
use super::mailbox::delete_messages::RopDeleteMessagesResponse;
use super::mailbox::hard_delete_messages::RopHardDeleteMessagesRequest;
use super::mailbox::hard_delete_messages::RopHardDeleteMessagesResponse;
use super::mailbox::hard_delete_messages_and_subfolders::RopHardDeleteMessagesAndSubfoldersRequest;
use super::mailbox::hard_delete_messages_and_subfolders::RopHardDeleteMessagesAndSubfoldersResponse;
use super::mailbox::logon::RopLogonRequest;
use super::mailbox::logon::RopLogonResponse;
use super::mailbox::move_copy_messages::RopMoveCopyMessagesRequest;
use super::mailbox::move_copy_messages::RopMoveCopyMessagesResponse;
use super::mailbox::move_folder::RopMoveFolderRequest;
use super::mailbox::move_folder::RopMoveFolderResponse;
use super::mailbox::open_folder::RopOpenFolderRequest;
use super::mailbox::open_folder::RopOpenFolderResponse;
use super::mailbox::open_message::RopOpenMessageRequest;
use super::mailbox::open_message::RopOpenMessageResponse;
use super::mailbox::save_changes_message::RopSaveChangesMessageRequest;
use super::mailbox::save_changes_message::RopSaveChangesMessageResponse;
use super::mailbox::set_properties::RopSetPropertiesRequest;
use super::mailbox::set_properties::RopSetPropertiesResponse;
use super::mailbox::set_search_criteria::RopSetSearchCriteriaRequest;
use super::mailbox::set_search_criteria::RopSetSearchCriteriaResponse;
use super::mailbox::transport_new_mail::RopTransportNewMailRequest;
use super::mailbox::transport_new_mail::RopTransportNewMailResponse;
use super::notification_data::NotificationData;
use super::notify::RopNotifyResponse;
use super::pending::RopPendingResponse;
use super::property_value::TaggedPropertyValue;
use super::register_notification::{RopRegisterNotificationRequest, RopRegisterNotificationResponse};
use super::release::RopReleaseRequest;
use super::rop::{self, Rop};
use super::rop_buffer::{RopInputBuffer, RopOutputBuffer};
use super::table::collapse_row::RopCollapseRowRequest;
use super::table::collapse_row::RopCollapseRowResponse;
use super::table::create_bookmark::RopCreateBookmarkRequest;
use super::table::create_bookmark::RopCreateBookmarkResponse;
use super::table::expand_row::RopExpandRowRequest;
use super::table::expand_row::RopExpandRowResponse;
use super::table::find_row::RopFindRowRequest;
use super::table::find_row::RopFindRowResponse;
use super::table::get_attachment_table::RopGetAttachmentTableRequest;
use super::table::get_attachment_table::RopGetAttachmentTableResponse;
use super::table::get_contents_table::RopGetContentsTableRequest;
use super::table::get_contents_table::RopGetContentsTableResponse;
use super::table::get_hierarchy_table::RopGetHierarchyTableRequest;
use super::table::get_hierarchy_table::RopGetHierarchyTableResponse;
use super::table::get_permissions_table::RopGetPermissionsTableRequest;
use super::table::get_permissions_table::RopGetPermissionsTableResponse;
use super::table::get_rules_table::RopGetRulesTableRequest;
use super::table::get_rules_table::RopGetRulesTableResponse;
use super::table::query_columns_all::RopQueryColumnsAllRequest;
use super::table::query_columns_all::RopQueryColumnsAllResponse;
use super::table::query_position::RopQueryPositionRequest;
use super::table::query_position::RopQueryPositionResponse;
use super::table::query_rows::RopQueryRowsRequest;
use super::table::query_rows::RopQueryRowsResponse;
use super::table::reset_table::RopResetTableRequest;
use super::table::reset_table::RopResetTableResponse;
use super::table::restrict::RopRestrictRequest;
use super::table::restrict::RopRestrictResponse;
use super::table::seek_row::RopSeekRowRequest;
use super::table::seek_row::RopSeekRowResponse;
use super::table::seek_row_bookmark::RopSeekRowBookmarkRequest;
use super::table::seek_row_bookmark::RopSeekRowBookmarkResponse;
use super::table::seek_row_fractional::RopSeekRowFractionalRequest;
use super::table::seek_row_fractional::RopSeekRowFractionalResponse;
use super::table::set_columns::RopSetColumnsRequest;
use super::table::set_columns::RopSetColumnsResponse;
use super::transport::aux_buffer::AuxBuffer;
use super::transport::connect::{ConnectRequest, ConnectResponse};
use super::transport::disconnect::DisconnectRequest;
use super::transport::disconnect::DisconnectResponse;
use super::transport::execute_request::ExecuteRequest;
use super::transport::execute_response::ExecuteResponse;
use super::transport::extended_buffer::{ExtendedBufferIn, ExtendedBufferOut};
use super::transport::failure_response::FailureResponse;
use super::transport::inner_stream::InnerStream;
use super::transport::notification_wait::NotificationWaitRequest;
use super::transport::notification_wait::NotificationWaitResponse;
use super::transport::rpc_header_ext::RpcHeaderExt;
use super::{read_all, Layout, WireStructure};
use serde_json::Value;

/// Declares [`Structure`] from one table: each row is a variant, its Rust
/// type, its name on the command line and in case files, its title (what it
/// is, in the spec's words, and who sends it), the spec section that
/// defines it, and the ROP whose buffer it is (`None` for the ROP buffers,
/// NotificationData, TaggedPropertyValue and the transport structures). A
/// new structure is one row of the table below, in the order the CLI lists
/// them.
macro_rules! structures {
    ($( $(#[$doc:meta])* $v:ident = $t:ty, $name:literal, $title:literal, $section:literal, $rop:expr; )*) => {
        /// Every structure the harness encodes and decodes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Structure {
            $( $(#[$doc])* $v, )*
        }

        /// How many structures there are.
        const COUNT: usize = [$($name),*].len();

        impl Structure {
            /// All structures, in the order the CLI lists them.
            pub const ALL: [Structure; COUNT] = [$(Structure::$v),*];

            /// The name used on the command line and in case files.
            pub fn name(self) -> &'static str {
                match self { $(Structure::$v => $name,)* }
            }

            /// What it is, in the spec's words, and who sends it.
            pub fn title(self) -> &'static str {
                match self { $(Structure::$v => $title,)* }
            }

            /// The spec section that defines it.
            pub fn section(self) -> &'static str {
                match self { $(Structure::$v => $section,)* }
            }

            /// The ROP whose buffer it is (the [`rop`] table), or `None`.
            pub fn rop(self) -> Option<&'static Rop> {
                match self { $(Structure::$v => $rop,)* }
            }

            /// Reads `bytes` as this structure (with a span per field when
            /// `trace`).
            fn read_as(self, bytes: &[u8], layout: Layout, trace: bool) -> Dissection {
                match self { $(Structure::$v => run::<$t>(bytes, layout, trace),)* }
            }

            /// Writes `value` as this structure.
            fn write_as(self, value: &Value, layout: Layout) -> Result<Vec<u8>, EncodeError> {
                match self { $(Structure::$v => enc::<$t>(value, layout),)* }
            }
        }
    };
}

structures! {
    /// `rop-input-buffer`: MS-OXCROPS 2.2.1, sent by the client.
    RopInputBuffer = RopInputBuffer, "rop-input-buffer",
        "ROP input buffer, sent by the client", "MS-OXCROPS 2.2.1", None;
    /// `rop-output-buffer`: MS-OXCROPS 2.2.1, sent by the server.
    RopOutputBuffer = RopOutputBuffer, "rop-output-buffer",
        "ROP output buffer, sent by the server", "MS-OXCROPS 2.2.1", None;
    /// `register-notification-request`: MS-OXCROPS 2.2.14.1.1.
    RegisterNotificationRequest = RopRegisterNotificationRequest, "register-notification-request",
        "RopRegisterNotification request", "MS-OXCROPS 2.2.14.1.1", Some(&rop::REGISTER_NOTIFICATION);
    /// `register-notification-response`: MS-OXCROPS 2.2.14.1.2.
    RegisterNotificationResponse = RopRegisterNotificationResponse, "register-notification-response",
        "RopRegisterNotification response", "MS-OXCROPS 2.2.14.1.2", Some(&rop::REGISTER_NOTIFICATION);
    /// `release-request`: MS-OXCROPS 2.2.15.3.1.
    ReleaseRequest = RopReleaseRequest, "release-request",
        "RopRelease request", "MS-OXCROPS 2.2.15.3.1", Some(&rop::RELEASE);
    /// `notify-response`: MS-OXCROPS 2.2.14.2.1.
    NotifyResponse = RopNotifyResponse, "notify-response",
        "RopNotify response", "MS-OXCROPS 2.2.14.2.1", Some(&rop::NOTIFY);
    /// `notification-data`: MS-OXCNOTIF 2.2.1.4.1.2.
    NotificationData = NotificationData, "notification-data", "NotificationData", "MS-OXCNOTIF 2.2.1.4.1.2", None;
    /// `pending-response`: MS-OXCROPS 2.2.14.3.1.
    PendingResponse = RopPendingResponse, "pending-response",
        "RopPending response", "MS-OXCROPS 2.2.14.3.1", Some(&rop::PENDING);
    /// `buffer-too-small-response`: MS-OXCROPS 2.2.15.1.1.
    BufferTooSmallResponse = RopBufferTooSmallResponse, "buffer-too-small-response",
        "RopBufferTooSmall response", "MS-OXCROPS 2.2.15.1.1", Some(&rop::BUFFER_TOO_SMALL);
    /// `get-hierarchy-table-request`: MS-OXCROPS 2.2.4.13.1.
    GetHierarchyTableRequest = RopGetHierarchyTableRequest, "get-hierarchy-table-request",
        "RopGetHierarchyTable request", "MS-OXCROPS 2.2.4.13.1", Some(&rop::GET_HIERARCHY_TABLE);
    /// `get-hierarchy-table-response`: MS-OXCROPS 2.2.4.13.2.
    GetHierarchyTableResponse = RopGetHierarchyTableResponse, "get-hierarchy-table-response",
        "RopGetHierarchyTable response", "MS-OXCROPS 2.2.4.13.2", Some(&rop::GET_HIERARCHY_TABLE);
    /// `get-contents-table-request`: MS-OXCROPS 2.2.4.14.1.
    GetContentsTableRequest = RopGetContentsTableRequest, "get-contents-table-request",
        "RopGetContentsTable request", "MS-OXCROPS 2.2.4.14.1", Some(&rop::GET_CONTENTS_TABLE);
    /// `get-contents-table-response`: MS-OXCROPS 2.2.4.14.2.
    GetContentsTableResponse = RopGetContentsTableResponse, "get-contents-table-response",
        "RopGetContentsTable response", "MS-OXCROPS 2.2.4.14.2", Some(&rop::GET_CONTENTS_TABLE);
    /// `get-attachment-table-request`: MS-OXCROPS 2.2.6.17.1.
    GetAttachmentTableRequest = RopGetAttachmentTableRequest, "get-attachment-table-request",
        "RopGetAttachmentTable request", "MS-OXCROPS 2.2.6.17.1", Some(&rop::GET_ATTACHMENT_TABLE);
    /// `get-attachment-table-response`: MS-OXCROPS 2.2.6.17.2.
    GetAttachmentTableResponse = RopGetAttachmentTableResponse, "get-attachment-table-response",
        "RopGetAttachmentTable response", "MS-OXCROPS 2.2.6.17.2", Some(&rop::GET_ATTACHMENT_TABLE);
    /// `get-permissions-table-request`: MS-OXCROPS 2.2.10.2.1.
    GetPermissionsTableRequest = RopGetPermissionsTableRequest, "get-permissions-table-request",
        "RopGetPermissionsTable request", "MS-OXCROPS 2.2.10.2.1", Some(&rop::GET_PERMISSIONS_TABLE);
    /// `get-permissions-table-response`: MS-OXCROPS 2.2.10.2.2.
    GetPermissionsTableResponse = RopGetPermissionsTableResponse, "get-permissions-table-response",
        "RopGetPermissionsTable response", "MS-OXCROPS 2.2.10.2.2", Some(&rop::GET_PERMISSIONS_TABLE);
    /// `get-rules-table-request`: MS-OXCROPS 2.2.11.2.1.
    GetRulesTableRequest = RopGetRulesTableRequest, "get-rules-table-request",
        "RopGetRulesTable request", "MS-OXCROPS 2.2.11.2.1", Some(&rop::GET_RULES_TABLE);
    /// `get-rules-table-response`: MS-OXCROPS 2.2.11.2.2.
    GetRulesTableResponse = RopGetRulesTableResponse, "get-rules-table-response",
        "RopGetRulesTable response", "MS-OXCROPS 2.2.11.2.2", Some(&rop::GET_RULES_TABLE);
    /// `set-columns-request`: MS-OXCROPS 2.2.5.1.1.
    SetColumnsRequest = RopSetColumnsRequest, "set-columns-request",
        "RopSetColumns request", "MS-OXCROPS 2.2.5.1.1", Some(&rop::SET_COLUMNS);
    /// `set-columns-response`: MS-OXCROPS 2.2.5.1.2.
    SetColumnsResponse = RopSetColumnsResponse, "set-columns-response",
        "RopSetColumns response", "MS-OXCROPS 2.2.5.1.2", Some(&rop::SET_COLUMNS);
    /// `reset-table-request`: MS-OXCROPS 2.2.5.15.1.
    ResetTableRequest = RopResetTableRequest, "reset-table-request",
        "RopResetTable request", "MS-OXCROPS 2.2.5.15.1", Some(&rop::RESET_TABLE);
    /// `reset-table-response`: MS-OXCROPS 2.2.5.15.2.
    ResetTableResponse = RopResetTableResponse, "reset-table-response",
        "RopResetTable response", "MS-OXCROPS 2.2.5.15.2", Some(&rop::RESET_TABLE);
    /// `restrict-request`: MS-OXCROPS 2.2.5.3.1.
    RestrictRequest = RopRestrictRequest, "restrict-request",
        "RopRestrict request", "MS-OXCROPS 2.2.5.3.1", Some(&rop::RESTRICT);
    /// `restrict-response`: MS-OXCROPS 2.2.5.3.2.
    RestrictResponse = RopRestrictResponse, "restrict-response",
        "RopRestrict response", "MS-OXCROPS 2.2.5.3.2", Some(&rop::RESTRICT);
    /// `query-position-request`: MS-OXCROPS 2.2.5.7.1.
    QueryPositionRequest = RopQueryPositionRequest, "query-position-request",
        "RopQueryPosition request", "MS-OXCROPS 2.2.5.7.1", Some(&rop::QUERY_POSITION);
    /// `query-position-response`: MS-OXCROPS 2.2.5.7.2.
    QueryPositionResponse = RopQueryPositionResponse, "query-position-response",
        "RopQueryPosition response", "MS-OXCROPS 2.2.5.7.2", Some(&rop::QUERY_POSITION);
    /// `seek-row-request`: MS-OXCROPS 2.2.5.8.1.
    SeekRowRequest = RopSeekRowRequest, "seek-row-request",
        "RopSeekRow request", "MS-OXCROPS 2.2.5.8.1", Some(&rop::SEEK_ROW);
    /// `seek-row-response`: MS-OXCROPS 2.2.5.8.2.
    SeekRowResponse = RopSeekRowResponse, "seek-row-response",
        "RopSeekRow response", "MS-OXCROPS 2.2.5.8.2", Some(&rop::SEEK_ROW);
    /// `seek-row-bookmark-request`: MS-OXCROPS 2.2.5.9.1.
    SeekRowBookmarkRequest = RopSeekRowBookmarkRequest, "seek-row-bookmark-request",
        "RopSeekRowBookmark request", "MS-OXCROPS 2.2.5.9.1", Some(&rop::SEEK_ROW_BOOKMARK);
    /// `seek-row-bookmark-response`: MS-OXCROPS 2.2.5.9.2.
    SeekRowBookmarkResponse = RopSeekRowBookmarkResponse, "seek-row-bookmark-response",
        "RopSeekRowBookmark response", "MS-OXCROPS 2.2.5.9.2", Some(&rop::SEEK_ROW_BOOKMARK);
    /// `seek-row-fractional-request`: MS-OXCROPS 2.2.5.10.1.
    SeekRowFractionalRequest = RopSeekRowFractionalRequest, "seek-row-fractional-request",
        "RopSeekRowFractional request", "MS-OXCROPS 2.2.5.10.1", Some(&rop::SEEK_ROW_FRACTIONAL);
    /// `seek-row-fractional-response`: MS-OXCROPS 2.2.5.10.2.
    SeekRowFractionalResponse = RopSeekRowFractionalResponse, "seek-row-fractional-response",
        "RopSeekRowFractional response", "MS-OXCROPS 2.2.5.10.2", Some(&rop::SEEK_ROW_FRACTIONAL);
    /// `create-bookmark-request`: MS-OXCROPS 2.2.5.11.1.
    CreateBookmarkRequest = RopCreateBookmarkRequest, "create-bookmark-request",
        "RopCreateBookmark request", "MS-OXCROPS 2.2.5.11.1", Some(&rop::CREATE_BOOKMARK);
    /// `create-bookmark-response`: MS-OXCROPS 2.2.5.11.2.
    CreateBookmarkResponse = RopCreateBookmarkResponse, "create-bookmark-response",
        "RopCreateBookmark response", "MS-OXCROPS 2.2.5.11.2", Some(&rop::CREATE_BOOKMARK);
    /// `query-columns-all-request`: MS-OXCROPS 2.2.5.12.1.
    QueryColumnsAllRequest = RopQueryColumnsAllRequest, "query-columns-all-request",
        "RopQueryColumnsAll request", "MS-OXCROPS 2.2.5.12.1", Some(&rop::QUERY_COLUMNS_ALL);
    /// `query-columns-all-response`: MS-OXCROPS 2.2.5.12.2.
    QueryColumnsAllResponse = RopQueryColumnsAllResponse, "query-columns-all-response",
        "RopQueryColumnsAll response", "MS-OXCROPS 2.2.5.12.2", Some(&rop::QUERY_COLUMNS_ALL);
    /// `collapse-row-request`: MS-OXCROPS 2.2.5.17.1.
    CollapseRowRequest = RopCollapseRowRequest, "collapse-row-request",
        "RopCollapseRow request", "MS-OXCROPS 2.2.5.17.1", Some(&rop::COLLAPSE_ROW);
    /// `collapse-row-response`: MS-OXCROPS 2.2.5.17.2.
    CollapseRowResponse = RopCollapseRowResponse, "collapse-row-response",
        "RopCollapseRow response", "MS-OXCROPS 2.2.5.17.2", Some(&rop::COLLAPSE_ROW);
    /// `tagged-property-value`: MS-OXCDATA 2.11.4.
    TaggedPropertyValue = TaggedPropertyValue, "tagged-property-value",
        "TaggedPropertyValue", "MS-OXCDATA 2.11.4", None;
    /// `query-rows-request`: MS-OXCROPS 2.2.5.4.1.
    QueryRowsRequest = RopQueryRowsRequest, "query-rows-request",
        "RopQueryRows request", "MS-OXCROPS 2.2.5.4.1", Some(&rop::QUERY_ROWS);
    /// `query-rows-response`: MS-OXCROPS 2.2.5.4.2.
    QueryRowsResponse = RopQueryRowsResponse, "query-rows-response",
        "RopQueryRows response", "MS-OXCROPS 2.2.5.4.2", Some(&rop::QUERY_ROWS);
    /// `find-row-request`: MS-OXCROPS 2.2.5.13.1.
    FindRowRequest = RopFindRowRequest, "find-row-request",
        "RopFindRow request", "MS-OXCROPS 2.2.5.13.1", Some(&rop::FIND_ROW);
    /// `find-row-response`: MS-OXCROPS 2.2.5.13.2.
    FindRowResponse = RopFindRowResponse, "find-row-response",
        "RopFindRow response", "MS-OXCROPS 2.2.5.13.2", Some(&rop::FIND_ROW);
    /// `expand-row-request`: MS-OXCROPS 2.2.5.16.1.
    ExpandRowRequest = RopExpandRowRequest, "expand-row-request",
        "RopExpandRow request", "MS-OXCROPS 2.2.5.16.1", Some(&rop::EXPAND_ROW);
    /// `expand-row-response`: MS-OXCROPS 2.2.5.16.2.
    ExpandRowResponse = RopExpandRowResponse, "expand-row-response",
        "RopExpandRow response", "MS-OXCROPS 2.2.5.16.2", Some(&rop::EXPAND_ROW);
    /// `create-message-request`: MS-OXCROPS 2.2.6.2.1.
    CreateMessageRequest = RopCreateMessageRequest, "create-message-request",
        "RopCreateMessage request", "MS-OXCROPS 2.2.6.2.1", Some(&rop::CREATE_MESSAGE);
    /// `create-message-response`: MS-OXCROPS 2.2.6.2.2.
    CreateMessageResponse = RopCreateMessageResponse, "create-message-response",
        "RopCreateMessage response", "MS-OXCROPS 2.2.6.2.2", Some(&rop::CREATE_MESSAGE);
    /// `save-changes-message-request`: MS-OXCROPS 2.2.6.3.1.
    SaveChangesMessageRequest = RopSaveChangesMessageRequest, "save-changes-message-request",
        "RopSaveChangesMessage request", "MS-OXCROPS 2.2.6.3.1", Some(&rop::SAVE_CHANGES_MESSAGE);
    /// `save-changes-message-response`: MS-OXCROPS 2.2.6.3.2.
    SaveChangesMessageResponse = RopSaveChangesMessageResponse, "save-changes-message-response",
        "RopSaveChangesMessage response", "MS-OXCROPS 2.2.6.3.2", Some(&rop::SAVE_CHANGES_MESSAGE);
    /// `delete-folder-request`: MS-OXCROPS 2.2.4.3.1.
    DeleteFolderRequest = RopDeleteFolderRequest, "delete-folder-request",
        "RopDeleteFolder request", "MS-OXCROPS 2.2.4.3.1", Some(&rop::DELETE_FOLDER);
    /// `delete-folder-response`: MS-OXCROPS 2.2.4.3.2.
    DeleteFolderResponse = RopDeleteFolderResponse, "delete-folder-response",
        "RopDeleteFolder response", "MS-OXCROPS 2.2.4.3.2", Some(&rop::DELETE_FOLDER);
    /// `delete-messages-request`: MS-OXCROPS 2.2.4.11.1.
    DeleteMessagesRequest = RopDeleteMessagesRequest, "delete-messages-request",
        "RopDeleteMessages request", "MS-OXCROPS 2.2.4.11.1", Some(&rop::DELETE_MESSAGES);
    /// `delete-messages-response`: MS-OXCROPS 2.2.4.11.2.
    DeleteMessagesResponse = RopDeleteMessagesResponse, "delete-messages-response",
        "RopDeleteMessages response", "MS-OXCROPS 2.2.4.11.2", Some(&rop::DELETE_MESSAGES);
    /// `set-search-criteria-request`: MS-OXCROPS 2.2.4.4.1.
    SetSearchCriteriaRequest = RopSetSearchCriteriaRequest, "set-search-criteria-request",
        "RopSetSearchCriteria request", "MS-OXCROPS 2.2.4.4.1", Some(&rop::SET_SEARCH_CRITERIA);
    /// `set-search-criteria-response`: MS-OXCROPS 2.2.4.4.2.
    SetSearchCriteriaResponse = RopSetSearchCriteriaResponse, "set-search-criteria-response",
        "RopSetSearchCriteria response", "MS-OXCROPS 2.2.4.4.2", Some(&rop::SET_SEARCH_CRITERIA);
    /// `transport-new-mail-request`: MS-OXCROPS 2.2.7.7.1.
    TransportNewMailRequest = RopTransportNewMailRequest, "transport-new-mail-request",
        "RopTransportNewMail request", "MS-OXCROPS 2.2.7.7.1", Some(&rop::TRANSPORT_NEW_MAIL);
    /// `transport-new-mail-response`: MS-OXCROPS 2.2.7.7.2.
    TransportNewMailResponse = RopTransportNewMailResponse, "transport-new-mail-response",
        "RopTransportNewMail response", "MS-OXCROPS 2.2.7.7.2", Some(&rop::TRANSPORT_NEW_MAIL);
    /// `hard-delete-messages-request`: MS-OXCROPS 2.2.4.12.1.
    HardDeleteMessagesRequest = RopHardDeleteMessagesRequest, "hard-delete-messages-request",
        "RopHardDeleteMessages request", "MS-OXCROPS 2.2.4.12.1", Some(&rop::HARD_DELETE_MESSAGES);
    /// `hard-delete-messages-response`: MS-OXCROPS 2.2.4.12.2.
    HardDeleteMessagesResponse = RopHardDeleteMessagesResponse, "hard-delete-messages-response",
        "RopHardDeleteMessages response", "MS-OXCROPS 2.2.4.12.2", Some(&rop::HARD_DELETE_MESSAGES);
    /// `hard-delete-messages-and-subfolders-request`: MS-OXCROPS 2.2.4.10.1.
    HardDeleteMessagesAndSubfoldersRequest = RopHardDeleteMessagesAndSubfoldersRequest, "hard-delete-messages-and-subfolders-request",
        "RopHardDeleteMessagesAndSubfolders request",
        "MS-OXCROPS 2.2.4.10.1", Some(&rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS);
    /// `hard-delete-messages-and-subfolders-response`: MS-OXCROPS 2.2.4.10.2.
    HardDeleteMessagesAndSubfoldersResponse = RopHardDeleteMessagesAndSubfoldersResponse, "hard-delete-messages-and-subfolders-response",
        "RopHardDeleteMessagesAndSubfolders response",
        "MS-OXCROPS 2.2.4.10.2", Some(&rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS);
    /// `rpc-header-ext`: MS-OXCRPC 2.2.2.1.
    RpcHeaderExt = RpcHeaderExt, "rpc-header-ext", "RPC_HEADER_EXT", "MS-OXCRPC 2.2.2.1", None;
    /// `extended-buffer-in`: MS-OXCRPC 3.1.4.2.1.1.1, Execute's request RopBuffer (rgbIn).
    ExtendedBufferIn = ExtendedBufferIn, "extended-buffer-in",
        "extended buffer of ROP requests (rgbIn), sent by the client", "MS-OXCRPC 3.1.4.2.1.1.1", None;
    /// `extended-buffer-out`: MS-OXCRPC 3.1.4.2.1.1.2, Execute's response RopBuffer (rgbOut).
    ExtendedBufferOut = ExtendedBufferOut, "extended-buffer-out",
        "extended buffer of ROP responses (rgbOut), sent by the server", "MS-OXCRPC 3.1.4.2.1.1.2", None;
    /// `execute-request-body`: MS-OXCMAPIHTTP 2.2.4.2.1, the Execute request body.
    ExecuteRequestBody = ExecuteRequest, "execute-request-body",
        "Execute request body (MAPI over HTTP), sent by the client", "MS-OXCMAPIHTTP 2.2.4.2.1", None;
    /// `execute-response-body`: MS-OXCMAPIHTTP 2.2.4.2.2, the Execute success response body.
    ExecuteResponseBody = ExecuteResponse, "execute-response-body",
        "Execute success response body (MAPI over HTTP), sent by the server", "MS-OXCMAPIHTTP 2.2.4.2.2", None;
    /// `failure-response-body`: MS-OXCMAPIHTTP 2.2.4.2.3, the failure response body (Connect, Execute, Disconnect, NotificationWait).
    FailureResponseBody = FailureResponse, "failure-response-body",
        "failure response body of the mailbox endpoint (MAPI over HTTP), sent by the server",
        "MS-OXCMAPIHTTP 2.2.4.2.3", None;
    /// `notification-wait-request-body`: MS-OXCMAPIHTTP 2.2.4.4.1, the NotificationWait request body.
    NotificationWaitRequestBody = NotificationWaitRequest, "notification-wait-request-body",
        "NotificationWait request body (MAPI over HTTP), sent by the client", "MS-OXCMAPIHTTP 2.2.4.4.1", None;
    /// `notification-wait-response-body`: MS-OXCMAPIHTTP 2.2.4.4.2, the NotificationWait success response body.
    NotificationWaitResponseBody = NotificationWaitResponse, "notification-wait-response-body",
        "NotificationWait success response body (MAPI over HTTP), sent by the server", "MS-OXCMAPIHTTP 2.2.4.4.2", None;
    /// `disconnect-request-body`: MS-OXCMAPIHTTP 2.2.4.3.1, the Disconnect request body.
    DisconnectRequestBody = DisconnectRequest, "disconnect-request-body",
        "Disconnect request body (MAPI over HTTP), sent by the client", "MS-OXCMAPIHTTP 2.2.4.3.1", None;
    /// `disconnect-response-body`: MS-OXCMAPIHTTP 2.2.4.3.2, the Disconnect success response body.
    DisconnectResponseBody = DisconnectResponse, "disconnect-response-body",
        "Disconnect success response body (MAPI over HTTP), sent by the server", "MS-OXCMAPIHTTP 2.2.4.3.2", None;
    /// `connect-request-body`: MS-OXCMAPIHTTP 2.2.4.1.1, the Connect request body.
    ConnectRequestBody = ConnectRequest, "connect-request-body",
        "Connect request body (MAPI over HTTP), sent by the client", "MS-OXCMAPIHTTP 2.2.4.1.1", None;
    /// `connect-response-body`: MS-OXCMAPIHTTP 2.2.4.1.2, the Connect success response body.
    ConnectResponseBody = ConnectResponse, "connect-response-body",
        "Connect success response body (MAPI over HTTP), sent by the server", "MS-OXCMAPIHTTP 2.2.4.1.2", None;
    /// `aux-buffer`: MS-OXCRPC 2.2.2.2, the auxiliary blocks of an AuxiliaryBuffer's plain payload.
    AuxBuffer = AuxBuffer, "aux-buffer",
        "auxiliary blocks (AUX_HEADER and its data) of an AuxiliaryBuffer's payload", "MS-OXCRPC 2.2.2.2", None;
    /// `inner-stream`: MS-OXCMAPIHTTP 2.2.7, the response inner stream (meta-tags, headers, body).
    InnerStream = InnerStream, "inner-stream",
        "response inner stream (meta-tags, additional headers, body), sent by the server", "MS-OXCMAPIHTTP 2.2.7", None;
    /// `set-properties-request`: MS-OXCROPS 2.2.8.6.1.
    SetPropertiesRequest = RopSetPropertiesRequest, "set-properties-request",
        "RopSetProperties request", "MS-OXCROPS 2.2.8.6.1", Some(&rop::SET_PROPERTIES);
    /// `set-properties-response`: MS-OXCROPS 2.2.8.6.2.
    SetPropertiesResponse = RopSetPropertiesResponse, "set-properties-response",
        "RopSetProperties response", "MS-OXCROPS 2.2.8.6.2", Some(&rop::SET_PROPERTIES);
    /// `move-copy-messages-request`: MS-OXCROPS 2.2.4.6.1.
    MoveCopyMessagesRequest = RopMoveCopyMessagesRequest, "move-copy-messages-request",
        "RopMoveCopyMessages request", "MS-OXCROPS 2.2.4.6.1", Some(&rop::MOVE_COPY_MESSAGES);
    /// `move-copy-messages-response`: MS-OXCROPS 2.2.4.6.2.
    MoveCopyMessagesResponse = RopMoveCopyMessagesResponse, "move-copy-messages-response",
        "RopMoveCopyMessages response", "MS-OXCROPS 2.2.4.6.2", Some(&rop::MOVE_COPY_MESSAGES);
    /// `move-folder-request`: MS-OXCROPS 2.2.4.7.1.
    MoveFolderRequest = RopMoveFolderRequest, "move-folder-request",
        "RopMoveFolder request", "MS-OXCROPS 2.2.4.7.1", Some(&rop::MOVE_FOLDER);
    /// `move-folder-response`: MS-OXCROPS 2.2.4.7.2.
    MoveFolderResponse = RopMoveFolderResponse, "move-folder-response",
        "RopMoveFolder response", "MS-OXCROPS 2.2.4.7.2", Some(&rop::MOVE_FOLDER);
    /// `copy-folder-request`: MS-OXCROPS 2.2.4.8.1.
    CopyFolderRequest = RopCopyFolderRequest, "copy-folder-request",
        "RopCopyFolder request", "MS-OXCROPS 2.2.4.8.1", Some(&rop::COPY_FOLDER);
    /// `copy-folder-response`: MS-OXCROPS 2.2.4.8.2.
    CopyFolderResponse = RopCopyFolderResponse, "copy-folder-response",
        "RopCopyFolder response", "MS-OXCROPS 2.2.4.8.2", Some(&rop::COPY_FOLDER);
    /// `logon-request`: MS-OXCROPS 2.2.3.1.1.
    LogonRequest = RopLogonRequest, "logon-request", "RopLogon request", "MS-OXCROPS 2.2.3.1.1", Some(&rop::LOGON);
    /// `logon-response`: MS-OXCROPS 2.2.3.1.2.
    LogonResponse = RopLogonResponse, "logon-response", "RopLogon response", "MS-OXCROPS 2.2.3.1.2", Some(&rop::LOGON);
    /// `open-folder-request`: MS-OXCROPS 2.2.4.1.1.
    OpenFolderRequest = RopOpenFolderRequest, "open-folder-request",
        "RopOpenFolder request", "MS-OXCROPS 2.2.4.1.1", Some(&rop::OPEN_FOLDER);
    /// `open-folder-response`: MS-OXCROPS 2.2.4.1.2.
    OpenFolderResponse = RopOpenFolderResponse, "open-folder-response",
        "RopOpenFolder response", "MS-OXCROPS 2.2.4.1.2", Some(&rop::OPEN_FOLDER);
    /// `open-message-request`: MS-OXCROPS 2.2.6.1.1.
    OpenMessageRequest = RopOpenMessageRequest, "open-message-request",
        "RopOpenMessage request", "MS-OXCROPS 2.2.6.1.1", Some(&rop::OPEN_MESSAGE);
    /// `open-message-response`: MS-OXCROPS 2.2.6.1.2.
    OpenMessageResponse = RopOpenMessageResponse, "open-message-response",
        "RopOpenMessage response", "MS-OXCROPS 2.2.6.1.2", Some(&rop::OPEN_MESSAGE);
    /// `create-folder-request`: MS-OXCROPS 2.2.4.2.1.
    CreateFolderRequest = RopCreateFolderRequest, "create-folder-request",
        "RopCreateFolder request", "MS-OXCROPS 2.2.4.2.1", Some(&rop::CREATE_FOLDER);
    /// `create-folder-response`: MS-OXCROPS 2.2.4.2.2.
    CreateFolderResponse = RopCreateFolderResponse, "create-folder-response",
        "RopCreateFolder response", "MS-OXCROPS 2.2.4.2.2", Some(&rop::CREATE_FOLDER);
}

/// What `dissect` gives: the listing as far as decoding got, the findings,
/// and the value or the framing error that stopped it.
#[derive(Debug, Clone)]
pub struct Dissection {
    /// The value, or the framing error.
    pub result: Result<Value, Error>,
    /// Findings recorded before decoding ended.
    pub findings: Vec<Finding>,
    /// One span per field read.
    pub spans: Vec<Span>,
}

fn run<T: WireStructure>(bytes: &[u8], layout: Layout, trace: bool) -> Dissection {
    let mut r = if trace { Reader::with_trace(bytes) } else { Reader::new(bytes) };
    let result = read_all::<T>(&mut r, layout).map(|v| v.to_value(layout));
    let (findings, spans) = r.finish();
    Dissection { result, findings, spans: spans.unwrap_or_default() }
}

fn enc<T: WireStructure>(v: &Value, layout: Layout) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    T::from_value(v, layout)?.write(&mut out, layout)?;
    Ok(out)
}

impl Structure {
    /// Looks a structure up by its [`Structure::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.name() == s)
    }

    /// Decodes `bytes` (all of them) to the external value form.
    ///
    /// A RopNotify for subscription 0x000000A5 reporting a new folder
    /// (spec case `notify-response.subscription.object-created`):
    ///
    /// ```
    /// use oxcnotif::hex;
    /// use oxcnotif::wire::{Layout, Structure};
    ///
    /// let bytes = hex::parse(
    ///     "2a                # RopId: RopNotify
    ///      a5000000          # NotificationHandle
    ///      00                # LogonId
    ///      0400              # NotificationFlags: ObjectCreated, a folder
    ///      0100000000001001  # FolderId
    ///      0100000000003001  # ParentFolderId
    ///      0000              # TagCount",
    /// )
    /// .unwrap();
    /// let (value, findings) = Structure::NotifyResponse.decode(&bytes, Layout::Spec).unwrap();
    /// assert!(findings.is_empty());
    /// assert_eq!(value["NotificationHandle"], 0xA5);
    /// assert_eq!(value["NotificationData"]["NotificationFlags"], 0x0004);
    /// assert_eq!(value["NotificationData"]["FolderId"], "0100000000001001");
    ///
    /// // One byte short: a framing error naming the field and its offset.
    /// let e = Structure::NotifyResponse.decode(&bytes[..bytes.len() - 1], Layout::Spec).unwrap_err();
    /// assert_eq!((e.field.as_str(), e.offset), ("NotificationData.TagCount", 24));
    /// ```
    pub fn decode(self, bytes: &[u8], layout: Layout) -> Result<(Value, Vec<Finding>), Error> {
        let d = self.read_as(bytes, layout, false);
        d.result.map(|v| (v, d.findings))
    }

    /// Decodes with a span per field, keeping what was read before an error.
    /// [`render`](super::dissect::render) prints the spans as the listing of
    /// `oxcnotif dissect`, each finding under the field it is about.
    ///
    /// A RopRegisterNotification request whose Reserved byte is not 0x00
    /// (MS-OXCNOTIF_R50; spec case `register-notification-request.types.reserved-nonzero`):
    ///
    /// ```
    /// use oxcnotif::wire::{dissect, Layout, Structure};
    ///
    /// // RopId, LogonId, InputHandleIndex, OutputHandleIndex,
    /// // NotificationTypes 0x0402 (NewMail | Extended), Reserved 0x01, WantWholeStore.
    /// let bytes = [0x29, 0x00, 0x00, 0x01, 0x02, 0x04, 0x01, 0x01];
    /// let d = Structure::RegisterNotificationRequest.dissect(&bytes, Layout::Spec);
    /// assert!(d.result.is_ok());
    /// let fields: Vec<&str> = d.spans.iter().map(|s| s.field.as_str()).collect();
    /// assert_eq!(fields[..2], ["RopId", "LogonId"]);
    ///
    /// let text = dissect::render(&bytes, &d);
    /// let rop_id = text.lines().nth(1).unwrap();
    /// assert!(rop_id.starts_with("0000    29") && rop_id.ends_with("0x29 RopRegisterNotification"));
    /// // The finding is printed right under the Reserved field.
    /// let lines: Vec<&str> = text.lines().collect();
    /// let at = lines.iter().position(|l| l.contains(" Reserved ")).unwrap();
    /// assert!(lines[at + 1].trim_start().starts_with("! MUST MS-OXCNOTIF_R50 at 0006 Reserved"));
    /// ```
    pub fn dissect(self, bytes: &[u8], layout: Layout) -> Dissection {
        self.read_as(bytes, layout, true)
    }

    /// Encodes a value in the external form. The value's fields are the
    /// spec's field names; RopSize and other derived lengths may be left out.
    ///
    /// ```
    /// use oxcnotif::wire::{Layout, Structure};
    /// use serde_json::json;
    ///
    /// // A whole-store ObjectCreated subscription into handle slot 1
    /// // (spec case `sequence.basics.register-notify-release`).
    /// let request = json!({
    ///     "RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
    ///     "NotificationTypes": 0x0004, "WantWholeStore": 1
    /// });
    /// let bytes = Structure::RegisterNotificationRequest.encode(&request, Layout::Spec).unwrap();
    /// assert_eq!(bytes, [0x29, 0x00, 0x00, 0x01, 0x04, 0x00, 0x01]);
    ///
    /// // A value that breaks a presence rule is refused, naming the field:
    /// // WantWholeStore FALSE needs FolderId and MessageId (MS-OXCROPS_R4341).
    /// let scoped = json!({
    ///     "RopId": 0x29, "LogonId": 0, "InputHandleIndex": 0, "OutputHandleIndex": 1,
    ///     "NotificationTypes": 0x0004, "WantWholeStore": 0
    /// });
    /// let e = Structure::RegisterNotificationRequest.encode(&scoped, Layout::Spec).unwrap_err();
    /// assert_eq!(e.field, "FolderId");
    /// ```
    pub fn encode(self, value: &Value, layout: Layout) -> Result<Vec<u8>, EncodeError> {
        self.write_as(value, layout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_structure_names_its_section() {
        let want = [
            (Structure::RopInputBuffer, "MS-OXCROPS 2.2.1"),
            (Structure::RopOutputBuffer, "MS-OXCROPS 2.2.1"),
            (Structure::RegisterNotificationRequest, "MS-OXCROPS 2.2.14.1.1"),
            (Structure::RegisterNotificationResponse, "MS-OXCROPS 2.2.14.1.2"),
            (Structure::ReleaseRequest, "MS-OXCROPS 2.2.15.3.1"),
            (Structure::NotifyResponse, "MS-OXCROPS 2.2.14.2.1"),
            (Structure::NotificationData, "MS-OXCNOTIF 2.2.1.4.1.2"),
            (Structure::PendingResponse, "MS-OXCROPS 2.2.14.3.1"),
            (Structure::BufferTooSmallResponse, "MS-OXCROPS 2.2.15.1.1"),
            (Structure::GetHierarchyTableRequest, "MS-OXCROPS 2.2.4.13.1"),
            (Structure::GetHierarchyTableResponse, "MS-OXCROPS 2.2.4.13.2"),
            (Structure::GetContentsTableRequest, "MS-OXCROPS 2.2.4.14.1"),
            (Structure::GetContentsTableResponse, "MS-OXCROPS 2.2.4.14.2"),
            (Structure::GetAttachmentTableRequest, "MS-OXCROPS 2.2.6.17.1"),
            (Structure::GetAttachmentTableResponse, "MS-OXCROPS 2.2.6.17.2"),
            (Structure::GetPermissionsTableRequest, "MS-OXCROPS 2.2.10.2.1"),
            (Structure::GetPermissionsTableResponse, "MS-OXCROPS 2.2.10.2.2"),
            (Structure::GetRulesTableRequest, "MS-OXCROPS 2.2.11.2.1"),
            (Structure::GetRulesTableResponse, "MS-OXCROPS 2.2.11.2.2"),
            (Structure::SetColumnsRequest, "MS-OXCROPS 2.2.5.1.1"),
            (Structure::SetColumnsResponse, "MS-OXCROPS 2.2.5.1.2"),
            (Structure::ResetTableRequest, "MS-OXCROPS 2.2.5.15.1"),
            (Structure::ResetTableResponse, "MS-OXCROPS 2.2.5.15.2"),
            (Structure::RestrictRequest, "MS-OXCROPS 2.2.5.3.1"),
            (Structure::RestrictResponse, "MS-OXCROPS 2.2.5.3.2"),
            (Structure::QueryPositionRequest, "MS-OXCROPS 2.2.5.7.1"),
            (Structure::QueryPositionResponse, "MS-OXCROPS 2.2.5.7.2"),
            (Structure::SeekRowRequest, "MS-OXCROPS 2.2.5.8.1"),
            (Structure::SeekRowResponse, "MS-OXCROPS 2.2.5.8.2"),
            (Structure::SeekRowBookmarkRequest, "MS-OXCROPS 2.2.5.9.1"),
            (Structure::SeekRowBookmarkResponse, "MS-OXCROPS 2.2.5.9.2"),
            (Structure::SeekRowFractionalRequest, "MS-OXCROPS 2.2.5.10.1"),
            (Structure::SeekRowFractionalResponse, "MS-OXCROPS 2.2.5.10.2"),
            (Structure::CreateBookmarkRequest, "MS-OXCROPS 2.2.5.11.1"),
            (Structure::CreateBookmarkResponse, "MS-OXCROPS 2.2.5.11.2"),
            (Structure::QueryColumnsAllRequest, "MS-OXCROPS 2.2.5.12.1"),
            (Structure::QueryColumnsAllResponse, "MS-OXCROPS 2.2.5.12.2"),
            (Structure::CollapseRowRequest, "MS-OXCROPS 2.2.5.17.1"),
            (Structure::CollapseRowResponse, "MS-OXCROPS 2.2.5.17.2"),
            (Structure::TaggedPropertyValue, "MS-OXCDATA 2.11.4"),
            (Structure::QueryRowsRequest, "MS-OXCROPS 2.2.5.4.1"),
            (Structure::QueryRowsResponse, "MS-OXCROPS 2.2.5.4.2"),
            (Structure::FindRowRequest, "MS-OXCROPS 2.2.5.13.1"),
            (Structure::FindRowResponse, "MS-OXCROPS 2.2.5.13.2"),
            (Structure::ExpandRowRequest, "MS-OXCROPS 2.2.5.16.1"),
            (Structure::ExpandRowResponse, "MS-OXCROPS 2.2.5.16.2"),
            (Structure::CreateMessageRequest, "MS-OXCROPS 2.2.6.2.1"),
            (Structure::CreateMessageResponse, "MS-OXCROPS 2.2.6.2.2"),
            (Structure::SaveChangesMessageRequest, "MS-OXCROPS 2.2.6.3.1"),
            (Structure::SaveChangesMessageResponse, "MS-OXCROPS 2.2.6.3.2"),
            (Structure::DeleteFolderRequest, "MS-OXCROPS 2.2.4.3.1"),
            (Structure::DeleteFolderResponse, "MS-OXCROPS 2.2.4.3.2"),
            (Structure::DeleteMessagesRequest, "MS-OXCROPS 2.2.4.11.1"),
            (Structure::DeleteMessagesResponse, "MS-OXCROPS 2.2.4.11.2"),
            (Structure::SetSearchCriteriaRequest, "MS-OXCROPS 2.2.4.4.1"),
            (Structure::SetSearchCriteriaResponse, "MS-OXCROPS 2.2.4.4.2"),
            (Structure::TransportNewMailRequest, "MS-OXCROPS 2.2.7.7.1"),
            (Structure::TransportNewMailResponse, "MS-OXCROPS 2.2.7.7.2"),
            (Structure::HardDeleteMessagesRequest, "MS-OXCROPS 2.2.4.12.1"),
            (Structure::HardDeleteMessagesResponse, "MS-OXCROPS 2.2.4.12.2"),
            (Structure::HardDeleteMessagesAndSubfoldersRequest, "MS-OXCROPS 2.2.4.10.1"),
            (Structure::HardDeleteMessagesAndSubfoldersResponse, "MS-OXCROPS 2.2.4.10.2"),
            (Structure::SetPropertiesRequest, "MS-OXCROPS 2.2.8.6.1"),
            (Structure::SetPropertiesResponse, "MS-OXCROPS 2.2.8.6.2"),
            (Structure::MoveCopyMessagesRequest, "MS-OXCROPS 2.2.4.6.1"),
            (Structure::MoveCopyMessagesResponse, "MS-OXCROPS 2.2.4.6.2"),
            (Structure::MoveFolderRequest, "MS-OXCROPS 2.2.4.7.1"),
            (Structure::MoveFolderResponse, "MS-OXCROPS 2.2.4.7.2"),
            (Structure::CopyFolderRequest, "MS-OXCROPS 2.2.4.8.1"),
            (Structure::CopyFolderResponse, "MS-OXCROPS 2.2.4.8.2"),
            (Structure::LogonRequest, "MS-OXCROPS 2.2.3.1.1"),
            (Structure::LogonResponse, "MS-OXCROPS 2.2.3.1.2"),
            (Structure::OpenFolderRequest, "MS-OXCROPS 2.2.4.1.1"),
            (Structure::OpenFolderResponse, "MS-OXCROPS 2.2.4.1.2"),
            (Structure::OpenMessageRequest, "MS-OXCROPS 2.2.6.1.1"),
            (Structure::OpenMessageResponse, "MS-OXCROPS 2.2.6.1.2"),
            (Structure::CreateFolderRequest, "MS-OXCROPS 2.2.4.2.1"),
            (Structure::CreateFolderResponse, "MS-OXCROPS 2.2.4.2.2"),
            (Structure::RpcHeaderExt, "MS-OXCRPC 2.2.2.1"),
            (Structure::ExtendedBufferIn, "MS-OXCRPC 3.1.4.2.1.1.1"),
            (Structure::ExtendedBufferOut, "MS-OXCRPC 3.1.4.2.1.1.2"),
            (Structure::ExecuteRequestBody, "MS-OXCMAPIHTTP 2.2.4.2.1"),
            (Structure::ExecuteResponseBody, "MS-OXCMAPIHTTP 2.2.4.2.2"),
            (Structure::FailureResponseBody, "MS-OXCMAPIHTTP 2.2.4.2.3"),
            (Structure::NotificationWaitRequestBody, "MS-OXCMAPIHTTP 2.2.4.4.1"),
            (Structure::NotificationWaitResponseBody, "MS-OXCMAPIHTTP 2.2.4.4.2"),
            (Structure::DisconnectRequestBody, "MS-OXCMAPIHTTP 2.2.4.3.1"),
            (Structure::DisconnectResponseBody, "MS-OXCMAPIHTTP 2.2.4.3.2"),
            (Structure::ConnectRequestBody, "MS-OXCMAPIHTTP 2.2.4.1.1"),
            (Structure::ConnectResponseBody, "MS-OXCMAPIHTTP 2.2.4.1.2"),
            (Structure::AuxBuffer, "MS-OXCRPC 2.2.2.2"),
            (Structure::InnerStream, "MS-OXCMAPIHTTP 2.2.7"),
        ];
        assert_eq!(want.len(), Structure::ALL.len());
        for (s, section) in want {
            assert_eq!(s.section(), section, "{}", s.name());
            assert_eq!(Structure::from_name(s.name()), Some(s));
            // A ROP's structures are titled and sectioned after the ROP table.
            if let Some(rop) = s.rop() {
                assert!(s.title().starts_with(rop.name), "{}", s.name());
                assert!(s.section().starts_with(rop.section), "{}", s.name());
            }
        }
    }
}
