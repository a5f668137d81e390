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

/// Every structure the harness encodes and decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Structure {
    /// `rop-input-buffer`: MS-OXCROPS 2.2.1, sent by the client.
    RopInputBuffer,
    /// `rop-output-buffer`: MS-OXCROPS 2.2.1, sent by the server.
    RopOutputBuffer,
    /// `register-notification-request`: MS-OXCROPS 2.2.14.1.1.
    RegisterNotificationRequest,
    /// `register-notification-response`: MS-OXCROPS 2.2.14.1.2.
    RegisterNotificationResponse,
    /// `release-request`: MS-OXCROPS 2.2.15.3.1.
    ReleaseRequest,
    /// `notify-response`: MS-OXCROPS 2.2.14.2.1.
    NotifyResponse,
    /// `notification-data`: MS-OXCNOTIF 2.2.1.4.1.2.
    NotificationData,
    /// `pending-response`: MS-OXCROPS 2.2.14.3.1.
    PendingResponse,
    /// `buffer-too-small-response`: MS-OXCROPS 2.2.15.1.1.
    BufferTooSmallResponse,
    /// `get-hierarchy-table-request`: MS-OXCROPS 2.2.4.13.1.
    GetHierarchyTableRequest,
    /// `get-hierarchy-table-response`: MS-OXCROPS 2.2.4.13.2.
    GetHierarchyTableResponse,
    /// `get-contents-table-request`: MS-OXCROPS 2.2.4.14.1.
    GetContentsTableRequest,
    /// `get-contents-table-response`: MS-OXCROPS 2.2.4.14.2.
    GetContentsTableResponse,
    /// `get-attachment-table-request`: MS-OXCROPS 2.2.6.17.1.
    GetAttachmentTableRequest,
    /// `get-attachment-table-response`: MS-OXCROPS 2.2.6.17.2.
    GetAttachmentTableResponse,
    /// `get-permissions-table-request`: MS-OXCROPS 2.2.10.2.1.
    GetPermissionsTableRequest,
    /// `get-permissions-table-response`: MS-OXCROPS 2.2.10.2.2.
    GetPermissionsTableResponse,
    /// `get-rules-table-request`: MS-OXCROPS 2.2.11.2.1.
    GetRulesTableRequest,
    /// `get-rules-table-response`: MS-OXCROPS 2.2.11.2.2.
    GetRulesTableResponse,
    /// `set-columns-request`: MS-OXCROPS 2.2.5.1.1.
    SetColumnsRequest,
    /// `set-columns-response`: MS-OXCROPS 2.2.5.1.2.
    SetColumnsResponse,
    /// `reset-table-request`: MS-OXCROPS 2.2.5.15.1.
    ResetTableRequest,
    /// `reset-table-response`: MS-OXCROPS 2.2.5.15.2.
    ResetTableResponse,
    /// `restrict-request`: MS-OXCROPS 2.2.5.3.1.
    RestrictRequest,
    /// `restrict-response`: MS-OXCROPS 2.2.5.3.2.
    RestrictResponse,
    /// `query-position-request`: MS-OXCROPS 2.2.5.7.1.
    QueryPositionRequest,
    /// `query-position-response`: MS-OXCROPS 2.2.5.7.2.
    QueryPositionResponse,
    /// `seek-row-request`: MS-OXCROPS 2.2.5.8.1.
    SeekRowRequest,
    /// `seek-row-response`: MS-OXCROPS 2.2.5.8.2.
    SeekRowResponse,
    /// `seek-row-bookmark-request`: MS-OXCROPS 2.2.5.9.1.
    SeekRowBookmarkRequest,
    /// `seek-row-bookmark-response`: MS-OXCROPS 2.2.5.9.2.
    SeekRowBookmarkResponse,
    /// `seek-row-fractional-request`: MS-OXCROPS 2.2.5.10.1.
    SeekRowFractionalRequest,
    /// `seek-row-fractional-response`: MS-OXCROPS 2.2.5.10.2.
    SeekRowFractionalResponse,
    /// `create-bookmark-request`: MS-OXCROPS 2.2.5.11.1.
    CreateBookmarkRequest,
    /// `create-bookmark-response`: MS-OXCROPS 2.2.5.11.2.
    CreateBookmarkResponse,
    /// `query-columns-all-request`: MS-OXCROPS 2.2.5.12.1.
    QueryColumnsAllRequest,
    /// `query-columns-all-response`: MS-OXCROPS 2.2.5.12.2.
    QueryColumnsAllResponse,
    /// `collapse-row-request`: MS-OXCROPS 2.2.5.17.1.
    CollapseRowRequest,
    /// `collapse-row-response`: MS-OXCROPS 2.2.5.17.2.
    CollapseRowResponse,
    /// `tagged-property-value`: MS-OXCDATA 2.11.4.
    TaggedPropertyValue,
    /// `query-rows-request`: MS-OXCROPS 2.2.5.4.1.
    QueryRowsRequest,
    /// `query-rows-response`: MS-OXCROPS 2.2.5.4.2.
    QueryRowsResponse,
    /// `find-row-request`: MS-OXCROPS 2.2.5.13.1.
    FindRowRequest,
    /// `find-row-response`: MS-OXCROPS 2.2.5.13.2.
    FindRowResponse,
    /// `expand-row-request`: MS-OXCROPS 2.2.5.16.1.
    ExpandRowRequest,
    /// `expand-row-response`: MS-OXCROPS 2.2.5.16.2.
    ExpandRowResponse,
    /// `create-message-request`: MS-OXCROPS 2.2.6.2.1.
    CreateMessageRequest,
    /// `create-message-response`: MS-OXCROPS 2.2.6.2.2.
    CreateMessageResponse,
    /// `save-changes-message-request`: MS-OXCROPS 2.2.6.3.1.
    SaveChangesMessageRequest,
    /// `save-changes-message-response`: MS-OXCROPS 2.2.6.3.2.
    SaveChangesMessageResponse,
    /// `delete-folder-request`: MS-OXCROPS 2.2.4.3.1.
    DeleteFolderRequest,
    /// `delete-folder-response`: MS-OXCROPS 2.2.4.3.2.
    DeleteFolderResponse,
    /// `delete-messages-request`: MS-OXCROPS 2.2.4.11.1.
    DeleteMessagesRequest,
    /// `delete-messages-response`: MS-OXCROPS 2.2.4.11.2.
    DeleteMessagesResponse,
    /// `set-search-criteria-request`: MS-OXCROPS 2.2.4.4.1.
    SetSearchCriteriaRequest,
    /// `set-search-criteria-response`: MS-OXCROPS 2.2.4.4.2.
    SetSearchCriteriaResponse,
    /// `transport-new-mail-request`: MS-OXCROPS 2.2.7.7.1.
    TransportNewMailRequest,
    /// `transport-new-mail-response`: MS-OXCROPS 2.2.7.7.2.
    TransportNewMailResponse,
    /// `hard-delete-messages-request`: MS-OXCROPS 2.2.4.12.1.
    HardDeleteMessagesRequest,
    /// `hard-delete-messages-response`: MS-OXCROPS 2.2.4.12.2.
    HardDeleteMessagesResponse,
    /// `hard-delete-messages-and-subfolders-request`: MS-OXCROPS 2.2.4.10.1.
    HardDeleteMessagesAndSubfoldersRequest,
    /// `hard-delete-messages-and-subfolders-response`: MS-OXCROPS 2.2.4.10.2.
    HardDeleteMessagesAndSubfoldersResponse,
    /// `set-properties-request`: MS-OXCROPS 2.2.8.6.1.
    SetPropertiesRequest,
    /// `set-properties-response`: MS-OXCROPS 2.2.8.6.2.
    SetPropertiesResponse,
    /// `move-copy-messages-request`: MS-OXCROPS 2.2.4.6.1.
    MoveCopyMessagesRequest,
    /// `move-copy-messages-response`: MS-OXCROPS 2.2.4.6.2.
    MoveCopyMessagesResponse,
    /// `move-folder-request`: MS-OXCROPS 2.2.4.7.1.
    MoveFolderRequest,
    /// `move-folder-response`: MS-OXCROPS 2.2.4.7.2.
    MoveFolderResponse,
    /// `copy-folder-request`: MS-OXCROPS 2.2.4.8.1.
    CopyFolderRequest,
    /// `copy-folder-response`: MS-OXCROPS 2.2.4.8.2.
    CopyFolderResponse,
    /// `logon-request`: MS-OXCROPS 2.2.3.1.1.
    LogonRequest,
    /// `logon-response`: MS-OXCROPS 2.2.3.1.2.
    LogonResponse,
    /// `open-folder-request`: MS-OXCROPS 2.2.4.1.1.
    OpenFolderRequest,
    /// `open-folder-response`: MS-OXCROPS 2.2.4.1.2.
    OpenFolderResponse,
    /// `open-message-request`: MS-OXCROPS 2.2.6.1.1.
    OpenMessageRequest,
    /// `open-message-response`: MS-OXCROPS 2.2.6.1.2.
    OpenMessageResponse,
    /// `create-folder-request`: MS-OXCROPS 2.2.4.2.1.
    CreateFolderRequest,
    /// `create-folder-response`: MS-OXCROPS 2.2.4.2.2.
    CreateFolderResponse,
    /// `rpc-header-ext`: MS-OXCRPC 2.2.2.1.
    RpcHeaderExt,
    /// `extended-buffer-in`: MS-OXCRPC 3.1.4.2.1.1.1, Execute's request RopBuffer (rgbIn).
    ExtendedBufferIn,
    /// `extended-buffer-out`: MS-OXCRPC 3.1.4.2.1.1.2, Execute's response RopBuffer (rgbOut).
    ExtendedBufferOut,
    /// `execute-request-body`: MS-OXCMAPIHTTP 2.2.4.2.1, the Execute request body.
    ExecuteRequestBody,
    /// `execute-response-body`: MS-OXCMAPIHTTP 2.2.4.2.2, the Execute success response body.
    ExecuteResponseBody,
    /// `failure-response-body`: MS-OXCMAPIHTTP 2.2.4.2.3, the failure response body (Connect, Execute, Disconnect, NotificationWait).
    FailureResponseBody,
    /// `notification-wait-request-body`: MS-OXCMAPIHTTP 2.2.4.4.1, the NotificationWait request body.
    NotificationWaitRequestBody,
    /// `notification-wait-response-body`: MS-OXCMAPIHTTP 2.2.4.4.2, the NotificationWait success response body.
    NotificationWaitResponseBody,
    /// `disconnect-request-body`: MS-OXCMAPIHTTP 2.2.4.3.1, the Disconnect request body.
    DisconnectRequestBody,
    /// `disconnect-response-body`: MS-OXCMAPIHTTP 2.2.4.3.2, the Disconnect success response body.
    DisconnectResponseBody,
    /// `connect-request-body`: MS-OXCMAPIHTTP 2.2.4.1.1, the Connect request body.
    ConnectRequestBody,
    /// `connect-response-body`: MS-OXCMAPIHTTP 2.2.4.1.2, the Connect success response body.
    ConnectResponseBody,
    /// `aux-buffer`: MS-OXCRPC 2.2.2.2, the auxiliary blocks of an AuxiliaryBuffer's plain payload.
    AuxBuffer,
    /// `inner-stream`: MS-OXCMAPIHTTP 2.2.7, the response inner stream (meta-tags, headers, body).
    InnerStream,
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

macro_rules! dispatch {
    ($s:expr, $f:ident ( $($arg:expr),* )) => {
        match $s {
            Structure::RopInputBuffer => $f::<RopInputBuffer>($($arg),*),
            Structure::RopOutputBuffer => $f::<RopOutputBuffer>($($arg),*),
            Structure::RegisterNotificationRequest => $f::<RopRegisterNotificationRequest>($($arg),*),
            Structure::RegisterNotificationResponse => $f::<RopRegisterNotificationResponse>($($arg),*),
            Structure::ReleaseRequest => $f::<RopReleaseRequest>($($arg),*),
            Structure::NotifyResponse => $f::<RopNotifyResponse>($($arg),*),
            Structure::NotificationData => $f::<NotificationData>($($arg),*),
            Structure::PendingResponse => $f::<RopPendingResponse>($($arg),*),
            Structure::BufferTooSmallResponse => $f::<RopBufferTooSmallResponse>($($arg),*),
            Structure::GetHierarchyTableRequest => $f::<RopGetHierarchyTableRequest>($($arg),*),
            Structure::GetHierarchyTableResponse => $f::<RopGetHierarchyTableResponse>($($arg),*),
            Structure::GetContentsTableRequest => $f::<RopGetContentsTableRequest>($($arg),*),
            Structure::GetContentsTableResponse => $f::<RopGetContentsTableResponse>($($arg),*),
            Structure::GetAttachmentTableRequest => $f::<RopGetAttachmentTableRequest>($($arg),*),
            Structure::GetAttachmentTableResponse => $f::<RopGetAttachmentTableResponse>($($arg),*),
            Structure::GetPermissionsTableRequest => $f::<RopGetPermissionsTableRequest>($($arg),*),
            Structure::GetPermissionsTableResponse => $f::<RopGetPermissionsTableResponse>($($arg),*),
            Structure::GetRulesTableRequest => $f::<RopGetRulesTableRequest>($($arg),*),
            Structure::GetRulesTableResponse => $f::<RopGetRulesTableResponse>($($arg),*),
            Structure::SetColumnsRequest => $f::<RopSetColumnsRequest>($($arg),*),
            Structure::SetColumnsResponse => $f::<RopSetColumnsResponse>($($arg),*),
            Structure::ResetTableRequest => $f::<RopResetTableRequest>($($arg),*),
            Structure::ResetTableResponse => $f::<RopResetTableResponse>($($arg),*),
            Structure::RestrictRequest => $f::<RopRestrictRequest>($($arg),*),
            Structure::RestrictResponse => $f::<RopRestrictResponse>($($arg),*),
            Structure::QueryPositionRequest => $f::<RopQueryPositionRequest>($($arg),*),
            Structure::QueryPositionResponse => $f::<RopQueryPositionResponse>($($arg),*),
            Structure::SeekRowRequest => $f::<RopSeekRowRequest>($($arg),*),
            Structure::SeekRowResponse => $f::<RopSeekRowResponse>($($arg),*),
            Structure::SeekRowBookmarkRequest => $f::<RopSeekRowBookmarkRequest>($($arg),*),
            Structure::SeekRowBookmarkResponse => $f::<RopSeekRowBookmarkResponse>($($arg),*),
            Structure::SeekRowFractionalRequest => $f::<RopSeekRowFractionalRequest>($($arg),*),
            Structure::SeekRowFractionalResponse => $f::<RopSeekRowFractionalResponse>($($arg),*),
            Structure::CreateBookmarkRequest => $f::<RopCreateBookmarkRequest>($($arg),*),
            Structure::CreateBookmarkResponse => $f::<RopCreateBookmarkResponse>($($arg),*),
            Structure::QueryColumnsAllRequest => $f::<RopQueryColumnsAllRequest>($($arg),*),
            Structure::QueryColumnsAllResponse => $f::<RopQueryColumnsAllResponse>($($arg),*),
            Structure::CollapseRowRequest => $f::<RopCollapseRowRequest>($($arg),*),
            Structure::CollapseRowResponse => $f::<RopCollapseRowResponse>($($arg),*),
            Structure::TaggedPropertyValue => $f::<TaggedPropertyValue>($($arg),*),
            Structure::QueryRowsRequest => $f::<RopQueryRowsRequest>($($arg),*),
            Structure::QueryRowsResponse => $f::<RopQueryRowsResponse>($($arg),*),
            Structure::FindRowRequest => $f::<RopFindRowRequest>($($arg),*),
            Structure::FindRowResponse => $f::<RopFindRowResponse>($($arg),*),
            Structure::ExpandRowRequest => $f::<RopExpandRowRequest>($($arg),*),
            Structure::ExpandRowResponse => $f::<RopExpandRowResponse>($($arg),*),
            Structure::CreateMessageRequest => $f::<RopCreateMessageRequest>($($arg),*),
            Structure::CreateMessageResponse => $f::<RopCreateMessageResponse>($($arg),*),
            Structure::SaveChangesMessageRequest => $f::<RopSaveChangesMessageRequest>($($arg),*),
            Structure::SaveChangesMessageResponse => $f::<RopSaveChangesMessageResponse>($($arg),*),
            Structure::DeleteFolderRequest => $f::<RopDeleteFolderRequest>($($arg),*),
            Structure::DeleteFolderResponse => $f::<RopDeleteFolderResponse>($($arg),*),
            Structure::DeleteMessagesRequest => $f::<RopDeleteMessagesRequest>($($arg),*),
            Structure::DeleteMessagesResponse => $f::<RopDeleteMessagesResponse>($($arg),*),
            Structure::SetSearchCriteriaRequest => $f::<RopSetSearchCriteriaRequest>($($arg),*),
            Structure::SetSearchCriteriaResponse => $f::<RopSetSearchCriteriaResponse>($($arg),*),
            Structure::TransportNewMailRequest => $f::<RopTransportNewMailRequest>($($arg),*),
            Structure::TransportNewMailResponse => $f::<RopTransportNewMailResponse>($($arg),*),
            Structure::HardDeleteMessagesRequest => $f::<RopHardDeleteMessagesRequest>($($arg),*),
            Structure::HardDeleteMessagesResponse => $f::<RopHardDeleteMessagesResponse>($($arg),*),
            Structure::HardDeleteMessagesAndSubfoldersRequest => $f::<RopHardDeleteMessagesAndSubfoldersRequest>($($arg),*),
            Structure::HardDeleteMessagesAndSubfoldersResponse => $f::<RopHardDeleteMessagesAndSubfoldersResponse>($($arg),*),
            Structure::SetPropertiesRequest => $f::<RopSetPropertiesRequest>($($arg),*),
            Structure::SetPropertiesResponse => $f::<RopSetPropertiesResponse>($($arg),*),
            Structure::MoveCopyMessagesRequest => $f::<RopMoveCopyMessagesRequest>($($arg),*),
            Structure::MoveCopyMessagesResponse => $f::<RopMoveCopyMessagesResponse>($($arg),*),
            Structure::MoveFolderRequest => $f::<RopMoveFolderRequest>($($arg),*),
            Structure::MoveFolderResponse => $f::<RopMoveFolderResponse>($($arg),*),
            Structure::CopyFolderRequest => $f::<RopCopyFolderRequest>($($arg),*),
            Structure::CopyFolderResponse => $f::<RopCopyFolderResponse>($($arg),*),
            Structure::LogonRequest => $f::<RopLogonRequest>($($arg),*),
            Structure::LogonResponse => $f::<RopLogonResponse>($($arg),*),
            Structure::OpenFolderRequest => $f::<RopOpenFolderRequest>($($arg),*),
            Structure::OpenFolderResponse => $f::<RopOpenFolderResponse>($($arg),*),
            Structure::OpenMessageRequest => $f::<RopOpenMessageRequest>($($arg),*),
            Structure::OpenMessageResponse => $f::<RopOpenMessageResponse>($($arg),*),
            Structure::CreateFolderRequest => $f::<RopCreateFolderRequest>($($arg),*),
            Structure::CreateFolderResponse => $f::<RopCreateFolderResponse>($($arg),*),
            Structure::RpcHeaderExt => $f::<RpcHeaderExt>($($arg),*),
            Structure::ExtendedBufferIn => $f::<ExtendedBufferIn>($($arg),*),
            Structure::ExtendedBufferOut => $f::<ExtendedBufferOut>($($arg),*),
            Structure::ExecuteRequestBody => $f::<ExecuteRequest>($($arg),*),
            Structure::ExecuteResponseBody => $f::<ExecuteResponse>($($arg),*),
            Structure::FailureResponseBody => $f::<FailureResponse>($($arg),*),
            Structure::NotificationWaitRequestBody => $f::<NotificationWaitRequest>($($arg),*),
            Structure::NotificationWaitResponseBody => $f::<NotificationWaitResponse>($($arg),*),
            Structure::DisconnectRequestBody => $f::<DisconnectRequest>($($arg),*),
            Structure::DisconnectResponseBody => $f::<DisconnectResponse>($($arg),*),
            Structure::ConnectRequestBody => $f::<ConnectRequest>($($arg),*),
            Structure::ConnectResponseBody => $f::<ConnectResponse>($($arg),*),
            Structure::AuxBuffer => $f::<AuxBuffer>($($arg),*),
            Structure::InnerStream => $f::<InnerStream>($($arg),*),
        }
    };
}

impl Structure {
    /// All structures, in the order the CLI lists them.
    pub const ALL: [Structure; 92] = [
        Structure::RopInputBuffer,
        Structure::RopOutputBuffer,
        Structure::RegisterNotificationRequest,
        Structure::RegisterNotificationResponse,
        Structure::ReleaseRequest,
        Structure::NotifyResponse,
        Structure::NotificationData,
        Structure::PendingResponse,
        Structure::BufferTooSmallResponse,
        Structure::GetHierarchyTableRequest,
        Structure::GetHierarchyTableResponse,
        Structure::GetContentsTableRequest,
        Structure::GetContentsTableResponse,
        Structure::GetAttachmentTableRequest,
        Structure::GetAttachmentTableResponse,
        Structure::GetPermissionsTableRequest,
        Structure::GetPermissionsTableResponse,
        Structure::GetRulesTableRequest,
        Structure::GetRulesTableResponse,
        Structure::SetColumnsRequest,
        Structure::SetColumnsResponse,
        Structure::ResetTableRequest,
        Structure::ResetTableResponse,
        Structure::RestrictRequest,
        Structure::RestrictResponse,
        Structure::QueryPositionRequest,
        Structure::QueryPositionResponse,
        Structure::SeekRowRequest,
        Structure::SeekRowResponse,
        Structure::SeekRowBookmarkRequest,
        Structure::SeekRowBookmarkResponse,
        Structure::SeekRowFractionalRequest,
        Structure::SeekRowFractionalResponse,
        Structure::CreateBookmarkRequest,
        Structure::CreateBookmarkResponse,
        Structure::QueryColumnsAllRequest,
        Structure::QueryColumnsAllResponse,
        Structure::CollapseRowRequest,
        Structure::CollapseRowResponse,
        Structure::TaggedPropertyValue,
        Structure::QueryRowsRequest,
        Structure::QueryRowsResponse,
        Structure::FindRowRequest,
        Structure::FindRowResponse,
        Structure::ExpandRowRequest,
        Structure::ExpandRowResponse,
        Structure::CreateMessageRequest,
        Structure::CreateMessageResponse,
        Structure::SaveChangesMessageRequest,
        Structure::SaveChangesMessageResponse,
        Structure::DeleteFolderRequest,
        Structure::DeleteFolderResponse,
        Structure::DeleteMessagesRequest,
        Structure::DeleteMessagesResponse,
        Structure::SetSearchCriteriaRequest,
        Structure::SetSearchCriteriaResponse,
        Structure::TransportNewMailRequest,
        Structure::TransportNewMailResponse,
        Structure::HardDeleteMessagesRequest,
        Structure::HardDeleteMessagesResponse,
        Structure::HardDeleteMessagesAndSubfoldersRequest,
        Structure::HardDeleteMessagesAndSubfoldersResponse,
        Structure::RpcHeaderExt,
        Structure::ExtendedBufferIn,
        Structure::ExtendedBufferOut,
        Structure::ExecuteRequestBody,
        Structure::ExecuteResponseBody,
        Structure::FailureResponseBody,
        Structure::NotificationWaitRequestBody,
        Structure::NotificationWaitResponseBody,
        Structure::DisconnectRequestBody,
        Structure::DisconnectResponseBody,
        Structure::ConnectRequestBody,
        Structure::ConnectResponseBody,
        Structure::AuxBuffer,
        Structure::InnerStream,
        Structure::SetPropertiesRequest,
        Structure::SetPropertiesResponse,
        Structure::MoveCopyMessagesRequest,
        Structure::MoveCopyMessagesResponse,
        Structure::MoveFolderRequest,
        Structure::MoveFolderResponse,
        Structure::CopyFolderRequest,
        Structure::CopyFolderResponse,
        Structure::LogonRequest,
        Structure::LogonResponse,
        Structure::OpenFolderRequest,
        Structure::OpenFolderResponse,
        Structure::OpenMessageRequest,
        Structure::OpenMessageResponse,
        Structure::CreateFolderRequest,
        Structure::CreateFolderResponse,
    ];

    /// The name used on the command line and in case files.
    pub fn name(self) -> &'static str {
        match self {
            Structure::RopInputBuffer => "rop-input-buffer",
            Structure::RopOutputBuffer => "rop-output-buffer",
            Structure::RegisterNotificationRequest => "register-notification-request",
            Structure::RegisterNotificationResponse => "register-notification-response",
            Structure::ReleaseRequest => "release-request",
            Structure::NotifyResponse => "notify-response",
            Structure::NotificationData => "notification-data",
            Structure::PendingResponse => "pending-response",
            Structure::BufferTooSmallResponse => "buffer-too-small-response",
            Structure::GetHierarchyTableRequest => "get-hierarchy-table-request",
            Structure::GetHierarchyTableResponse => "get-hierarchy-table-response",
            Structure::GetContentsTableRequest => "get-contents-table-request",
            Structure::GetContentsTableResponse => "get-contents-table-response",
            Structure::GetAttachmentTableRequest => "get-attachment-table-request",
            Structure::GetAttachmentTableResponse => "get-attachment-table-response",
            Structure::GetPermissionsTableRequest => "get-permissions-table-request",
            Structure::GetPermissionsTableResponse => "get-permissions-table-response",
            Structure::GetRulesTableRequest => "get-rules-table-request",
            Structure::GetRulesTableResponse => "get-rules-table-response",
            Structure::SetColumnsRequest => "set-columns-request",
            Structure::SetColumnsResponse => "set-columns-response",
            Structure::ResetTableRequest => "reset-table-request",
            Structure::ResetTableResponse => "reset-table-response",
            Structure::RestrictRequest => "restrict-request",
            Structure::RestrictResponse => "restrict-response",
            Structure::QueryPositionRequest => "query-position-request",
            Structure::QueryPositionResponse => "query-position-response",
            Structure::SeekRowRequest => "seek-row-request",
            Structure::SeekRowResponse => "seek-row-response",
            Structure::SeekRowBookmarkRequest => "seek-row-bookmark-request",
            Structure::SeekRowBookmarkResponse => "seek-row-bookmark-response",
            Structure::SeekRowFractionalRequest => "seek-row-fractional-request",
            Structure::SeekRowFractionalResponse => "seek-row-fractional-response",
            Structure::CreateBookmarkRequest => "create-bookmark-request",
            Structure::CreateBookmarkResponse => "create-bookmark-response",
            Structure::QueryColumnsAllRequest => "query-columns-all-request",
            Structure::QueryColumnsAllResponse => "query-columns-all-response",
            Structure::CollapseRowRequest => "collapse-row-request",
            Structure::CollapseRowResponse => "collapse-row-response",
            Structure::TaggedPropertyValue => "tagged-property-value",
            Structure::QueryRowsRequest => "query-rows-request",
            Structure::QueryRowsResponse => "query-rows-response",
            Structure::FindRowRequest => "find-row-request",
            Structure::FindRowResponse => "find-row-response",
            Structure::ExpandRowRequest => "expand-row-request",
            Structure::ExpandRowResponse => "expand-row-response",
            Structure::CreateMessageRequest => "create-message-request",
            Structure::CreateMessageResponse => "create-message-response",
            Structure::SaveChangesMessageRequest => "save-changes-message-request",
            Structure::SaveChangesMessageResponse => "save-changes-message-response",
            Structure::DeleteFolderRequest => "delete-folder-request",
            Structure::DeleteFolderResponse => "delete-folder-response",
            Structure::DeleteMessagesRequest => "delete-messages-request",
            Structure::DeleteMessagesResponse => "delete-messages-response",
            Structure::SetSearchCriteriaRequest => "set-search-criteria-request",
            Structure::SetSearchCriteriaResponse => "set-search-criteria-response",
            Structure::TransportNewMailRequest => "transport-new-mail-request",
            Structure::TransportNewMailResponse => "transport-new-mail-response",
            Structure::HardDeleteMessagesRequest => "hard-delete-messages-request",
            Structure::HardDeleteMessagesResponse => "hard-delete-messages-response",
            Structure::HardDeleteMessagesAndSubfoldersRequest => "hard-delete-messages-and-subfolders-request",
            Structure::HardDeleteMessagesAndSubfoldersResponse => "hard-delete-messages-and-subfolders-response",
            Structure::SetPropertiesRequest => "set-properties-request",
            Structure::SetPropertiesResponse => "set-properties-response",
            Structure::MoveCopyMessagesRequest => "move-copy-messages-request",
            Structure::MoveCopyMessagesResponse => "move-copy-messages-response",
            Structure::MoveFolderRequest => "move-folder-request",
            Structure::MoveFolderResponse => "move-folder-response",
            Structure::CopyFolderRequest => "copy-folder-request",
            Structure::CopyFolderResponse => "copy-folder-response",
            Structure::LogonRequest => "logon-request",
            Structure::LogonResponse => "logon-response",
            Structure::OpenFolderRequest => "open-folder-request",
            Structure::OpenFolderResponse => "open-folder-response",
            Structure::OpenMessageRequest => "open-message-request",
            Structure::OpenMessageResponse => "open-message-response",
            Structure::CreateFolderRequest => "create-folder-request",
            Structure::CreateFolderResponse => "create-folder-response",
            Structure::RpcHeaderExt => "rpc-header-ext",
            Structure::ExtendedBufferIn => "extended-buffer-in",
            Structure::ExtendedBufferOut => "extended-buffer-out",
            Structure::ExecuteRequestBody => "execute-request-body",
            Structure::ExecuteResponseBody => "execute-response-body",
            Structure::FailureResponseBody => "failure-response-body",
            Structure::NotificationWaitRequestBody => "notification-wait-request-body",
            Structure::NotificationWaitResponseBody => "notification-wait-response-body",
            Structure::DisconnectRequestBody => "disconnect-request-body",
            Structure::DisconnectResponseBody => "disconnect-response-body",
            Structure::ConnectRequestBody => "connect-request-body",
            Structure::ConnectResponseBody => "connect-response-body",
            Structure::AuxBuffer => "aux-buffer",
            Structure::InnerStream => "inner-stream",
        }
    }

    /// Looks a structure up by its [`Structure::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.name() == s)
    }

    /// What it is, in the spec's words, and who sends it.
    pub fn title(self) -> &'static str {
        match self {
            Structure::RopInputBuffer => "ROP input buffer, sent by the client",
            Structure::RopOutputBuffer => "ROP output buffer, sent by the server",
            Structure::RegisterNotificationRequest => "RopRegisterNotification request",
            Structure::RegisterNotificationResponse => "RopRegisterNotification response",
            Structure::ReleaseRequest => "RopRelease request",
            Structure::NotifyResponse => "RopNotify response",
            Structure::NotificationData => "NotificationData",
            Structure::PendingResponse => "RopPending response",
            Structure::BufferTooSmallResponse => "RopBufferTooSmall response",
            Structure::GetHierarchyTableRequest => "RopGetHierarchyTable request",
            Structure::GetHierarchyTableResponse => "RopGetHierarchyTable response",
            Structure::GetContentsTableRequest => "RopGetContentsTable request",
            Structure::GetContentsTableResponse => "RopGetContentsTable response",
            Structure::GetAttachmentTableRequest => "RopGetAttachmentTable request",
            Structure::GetAttachmentTableResponse => "RopGetAttachmentTable response",
            Structure::GetPermissionsTableRequest => "RopGetPermissionsTable request",
            Structure::GetPermissionsTableResponse => "RopGetPermissionsTable response",
            Structure::GetRulesTableRequest => "RopGetRulesTable request",
            Structure::GetRulesTableResponse => "RopGetRulesTable response",
            Structure::SetColumnsRequest => "RopSetColumns request",
            Structure::SetColumnsResponse => "RopSetColumns response",
            Structure::ResetTableRequest => "RopResetTable request",
            Structure::ResetTableResponse => "RopResetTable response",
            Structure::RestrictRequest => "RopRestrict request",
            Structure::RestrictResponse => "RopRestrict response",
            Structure::QueryPositionRequest => "RopQueryPosition request",
            Structure::QueryPositionResponse => "RopQueryPosition response",
            Structure::SeekRowRequest => "RopSeekRow request",
            Structure::SeekRowResponse => "RopSeekRow response",
            Structure::SeekRowBookmarkRequest => "RopSeekRowBookmark request",
            Structure::SeekRowBookmarkResponse => "RopSeekRowBookmark response",
            Structure::SeekRowFractionalRequest => "RopSeekRowFractional request",
            Structure::SeekRowFractionalResponse => "RopSeekRowFractional response",
            Structure::CreateBookmarkRequest => "RopCreateBookmark request",
            Structure::CreateBookmarkResponse => "RopCreateBookmark response",
            Structure::QueryColumnsAllRequest => "RopQueryColumnsAll request",
            Structure::QueryColumnsAllResponse => "RopQueryColumnsAll response",
            Structure::CollapseRowRequest => "RopCollapseRow request",
            Structure::CollapseRowResponse => "RopCollapseRow response",
            Structure::TaggedPropertyValue => "TaggedPropertyValue",
            Structure::QueryRowsRequest => "RopQueryRows request",
            Structure::QueryRowsResponse => "RopQueryRows response",
            Structure::FindRowRequest => "RopFindRow request",
            Structure::FindRowResponse => "RopFindRow response",
            Structure::ExpandRowRequest => "RopExpandRow request",
            Structure::ExpandRowResponse => "RopExpandRow response",
            Structure::CreateMessageRequest => "RopCreateMessage request",
            Structure::CreateMessageResponse => "RopCreateMessage response",
            Structure::SaveChangesMessageRequest => "RopSaveChangesMessage request",
            Structure::SaveChangesMessageResponse => "RopSaveChangesMessage response",
            Structure::DeleteFolderRequest => "RopDeleteFolder request",
            Structure::DeleteFolderResponse => "RopDeleteFolder response",
            Structure::DeleteMessagesRequest => "RopDeleteMessages request",
            Structure::DeleteMessagesResponse => "RopDeleteMessages response",
            Structure::SetSearchCriteriaRequest => "RopSetSearchCriteria request",
            Structure::SetSearchCriteriaResponse => "RopSetSearchCriteria response",
            Structure::TransportNewMailRequest => "RopTransportNewMail request",
            Structure::TransportNewMailResponse => "RopTransportNewMail response",
            Structure::HardDeleteMessagesRequest => "RopHardDeleteMessages request",
            Structure::HardDeleteMessagesResponse => "RopHardDeleteMessages response",
            Structure::HardDeleteMessagesAndSubfoldersRequest => "RopHardDeleteMessagesAndSubfolders request",
            Structure::HardDeleteMessagesAndSubfoldersResponse => "RopHardDeleteMessagesAndSubfolders response",
            Structure::SetPropertiesRequest => "RopSetProperties request",
            Structure::SetPropertiesResponse => "RopSetProperties response",
            Structure::MoveCopyMessagesRequest => "RopMoveCopyMessages request",
            Structure::MoveCopyMessagesResponse => "RopMoveCopyMessages response",
            Structure::MoveFolderRequest => "RopMoveFolder request",
            Structure::MoveFolderResponse => "RopMoveFolder response",
            Structure::CopyFolderRequest => "RopCopyFolder request",
            Structure::CopyFolderResponse => "RopCopyFolder response",
            Structure::LogonRequest => "RopLogon request",
            Structure::LogonResponse => "RopLogon response",
            Structure::OpenFolderRequest => "RopOpenFolder request",
            Structure::OpenFolderResponse => "RopOpenFolder response",
            Structure::OpenMessageRequest => "RopOpenMessage request",
            Structure::OpenMessageResponse => "RopOpenMessage response",
            Structure::CreateFolderRequest => "RopCreateFolder request",
            Structure::CreateFolderResponse => "RopCreateFolder response",
            Structure::RpcHeaderExt => "RPC_HEADER_EXT",
            Structure::ExtendedBufferIn => "extended buffer of ROP requests (rgbIn), sent by the client",
            Structure::ExtendedBufferOut => "extended buffer of ROP responses (rgbOut), sent by the server",
            Structure::ExecuteRequestBody => "Execute request body (MAPI over HTTP), sent by the client",
            Structure::ExecuteResponseBody => "Execute success response body (MAPI over HTTP), sent by the server",
            Structure::FailureResponseBody => {
                "failure response body of the mailbox endpoint (MAPI over HTTP), sent by the server"
            }
            Structure::NotificationWaitRequestBody => {
                "NotificationWait request body (MAPI over HTTP), sent by the client"
            }
            Structure::NotificationWaitResponseBody => {
                "NotificationWait success response body (MAPI over HTTP), sent by the server"
            }
            Structure::DisconnectRequestBody => "Disconnect request body (MAPI over HTTP), sent by the client",
            Structure::DisconnectResponseBody => {
                "Disconnect success response body (MAPI over HTTP), sent by the server"
            }
            Structure::ConnectRequestBody => "Connect request body (MAPI over HTTP), sent by the client",
            Structure::ConnectResponseBody => "Connect success response body (MAPI over HTTP), sent by the server",
            Structure::AuxBuffer => "auxiliary blocks (AUX_HEADER and its data) of an AuxiliaryBuffer's payload",
            Structure::InnerStream => "response inner stream (meta-tags, additional headers, body), sent by the server",
        }
    }

    /// The ROP whose buffer it is (the [`rop`] table), or
    /// `None` for the ROP buffers and NotificationData.
    pub fn rop(self) -> Option<&'static Rop> {
        Some(match self {
            Structure::RopInputBuffer
            | Structure::RopOutputBuffer
            | Structure::NotificationData
            | Structure::TaggedPropertyValue
            | Structure::RpcHeaderExt
            | Structure::ExtendedBufferIn
            | Structure::ExtendedBufferOut
            | Structure::ExecuteRequestBody
            | Structure::ExecuteResponseBody
            | Structure::FailureResponseBody
            | Structure::NotificationWaitRequestBody
            | Structure::NotificationWaitResponseBody
            | Structure::DisconnectRequestBody
            | Structure::DisconnectResponseBody
            | Structure::ConnectRequestBody
            | Structure::ConnectResponseBody
            | Structure::AuxBuffer
            | Structure::InnerStream => return None,
            Structure::RegisterNotificationRequest | Structure::RegisterNotificationResponse => {
                &rop::REGISTER_NOTIFICATION
            }
            Structure::ReleaseRequest => &rop::RELEASE,
            Structure::NotifyResponse => &rop::NOTIFY,
            Structure::PendingResponse => &rop::PENDING,
            Structure::BufferTooSmallResponse => &rop::BUFFER_TOO_SMALL,
            Structure::GetHierarchyTableRequest => &rop::GET_HIERARCHY_TABLE,
            Structure::GetHierarchyTableResponse => &rop::GET_HIERARCHY_TABLE,
            Structure::GetContentsTableRequest => &rop::GET_CONTENTS_TABLE,
            Structure::GetContentsTableResponse => &rop::GET_CONTENTS_TABLE,
            Structure::GetAttachmentTableRequest => &rop::GET_ATTACHMENT_TABLE,
            Structure::GetAttachmentTableResponse => &rop::GET_ATTACHMENT_TABLE,
            Structure::GetPermissionsTableRequest => &rop::GET_PERMISSIONS_TABLE,
            Structure::GetPermissionsTableResponse => &rop::GET_PERMISSIONS_TABLE,
            Structure::GetRulesTableRequest => &rop::GET_RULES_TABLE,
            Structure::GetRulesTableResponse => &rop::GET_RULES_TABLE,
            Structure::SetColumnsRequest => &rop::SET_COLUMNS,
            Structure::SetColumnsResponse => &rop::SET_COLUMNS,
            Structure::ResetTableRequest => &rop::RESET_TABLE,
            Structure::ResetTableResponse => &rop::RESET_TABLE,
            Structure::RestrictRequest => &rop::RESTRICT,
            Structure::RestrictResponse => &rop::RESTRICT,
            Structure::QueryPositionRequest => &rop::QUERY_POSITION,
            Structure::QueryPositionResponse => &rop::QUERY_POSITION,
            Structure::SeekRowRequest => &rop::SEEK_ROW,
            Structure::SeekRowResponse => &rop::SEEK_ROW,
            Structure::SeekRowBookmarkRequest => &rop::SEEK_ROW_BOOKMARK,
            Structure::SeekRowBookmarkResponse => &rop::SEEK_ROW_BOOKMARK,
            Structure::SeekRowFractionalRequest => &rop::SEEK_ROW_FRACTIONAL,
            Structure::SeekRowFractionalResponse => &rop::SEEK_ROW_FRACTIONAL,
            Structure::CreateBookmarkRequest => &rop::CREATE_BOOKMARK,
            Structure::CreateBookmarkResponse => &rop::CREATE_BOOKMARK,
            Structure::QueryColumnsAllRequest => &rop::QUERY_COLUMNS_ALL,
            Structure::QueryColumnsAllResponse => &rop::QUERY_COLUMNS_ALL,
            Structure::CollapseRowRequest => &rop::COLLAPSE_ROW,
            Structure::CollapseRowResponse => &rop::COLLAPSE_ROW,
            Structure::QueryRowsRequest => &rop::QUERY_ROWS,
            Structure::QueryRowsResponse => &rop::QUERY_ROWS,
            Structure::FindRowRequest => &rop::FIND_ROW,
            Structure::FindRowResponse => &rop::FIND_ROW,
            Structure::ExpandRowRequest => &rop::EXPAND_ROW,
            Structure::ExpandRowResponse => &rop::EXPAND_ROW,
            Structure::CreateMessageRequest => &rop::CREATE_MESSAGE,
            Structure::CreateMessageResponse => &rop::CREATE_MESSAGE,
            Structure::SaveChangesMessageRequest => &rop::SAVE_CHANGES_MESSAGE,
            Structure::SaveChangesMessageResponse => &rop::SAVE_CHANGES_MESSAGE,
            Structure::DeleteFolderRequest => &rop::DELETE_FOLDER,
            Structure::DeleteFolderResponse => &rop::DELETE_FOLDER,
            Structure::DeleteMessagesRequest => &rop::DELETE_MESSAGES,
            Structure::DeleteMessagesResponse => &rop::DELETE_MESSAGES,
            Structure::SetSearchCriteriaRequest => &rop::SET_SEARCH_CRITERIA,
            Structure::SetSearchCriteriaResponse => &rop::SET_SEARCH_CRITERIA,
            Structure::TransportNewMailRequest => &rop::TRANSPORT_NEW_MAIL,
            Structure::TransportNewMailResponse => &rop::TRANSPORT_NEW_MAIL,
            Structure::HardDeleteMessagesRequest => &rop::HARD_DELETE_MESSAGES,
            Structure::HardDeleteMessagesResponse => &rop::HARD_DELETE_MESSAGES,
            Structure::HardDeleteMessagesAndSubfoldersRequest => &rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS,
            Structure::HardDeleteMessagesAndSubfoldersResponse => &rop::HARD_DELETE_MESSAGES_AND_SUBFOLDERS,
            Structure::SetPropertiesRequest => &rop::SET_PROPERTIES,
            Structure::SetPropertiesResponse => &rop::SET_PROPERTIES,
            Structure::MoveCopyMessagesRequest => &rop::MOVE_COPY_MESSAGES,
            Structure::MoveCopyMessagesResponse => &rop::MOVE_COPY_MESSAGES,
            Structure::MoveFolderRequest => &rop::MOVE_FOLDER,
            Structure::MoveFolderResponse => &rop::MOVE_FOLDER,
            Structure::CopyFolderRequest => &rop::COPY_FOLDER,
            Structure::CopyFolderResponse => &rop::COPY_FOLDER,
            Structure::LogonRequest => &rop::LOGON,
            Structure::LogonResponse => &rop::LOGON,
            Structure::OpenFolderRequest => &rop::OPEN_FOLDER,
            Structure::OpenFolderResponse => &rop::OPEN_FOLDER,
            Structure::OpenMessageRequest => &rop::OPEN_MESSAGE,
            Structure::OpenMessageResponse => &rop::OPEN_MESSAGE,
            Structure::CreateFolderRequest => &rop::CREATE_FOLDER,
            Structure::CreateFolderResponse => &rop::CREATE_FOLDER,
        })
    }

    /// The spec section that defines it.
    pub fn section(self) -> &'static str {
        match self {
            Structure::RopInputBuffer | Structure::RopOutputBuffer => "MS-OXCROPS 2.2.1",
            Structure::RegisterNotificationRequest => "MS-OXCROPS 2.2.14.1.1",
            Structure::RegisterNotificationResponse => "MS-OXCROPS 2.2.14.1.2",
            Structure::ReleaseRequest => "MS-OXCROPS 2.2.15.3.1",
            Structure::NotifyResponse => "MS-OXCROPS 2.2.14.2.1",
            Structure::NotificationData => "MS-OXCNOTIF 2.2.1.4.1.2",
            Structure::PendingResponse => "MS-OXCROPS 2.2.14.3.1",
            Structure::BufferTooSmallResponse => "MS-OXCROPS 2.2.15.1.1",
            Structure::GetHierarchyTableRequest => "MS-OXCROPS 2.2.4.13.1",
            Structure::GetHierarchyTableResponse => "MS-OXCROPS 2.2.4.13.2",
            Structure::GetContentsTableRequest => "MS-OXCROPS 2.2.4.14.1",
            Structure::GetContentsTableResponse => "MS-OXCROPS 2.2.4.14.2",
            Structure::GetAttachmentTableRequest => "MS-OXCROPS 2.2.6.17.1",
            Structure::GetAttachmentTableResponse => "MS-OXCROPS 2.2.6.17.2",
            Structure::GetPermissionsTableRequest => "MS-OXCROPS 2.2.10.2.1",
            Structure::GetPermissionsTableResponse => "MS-OXCROPS 2.2.10.2.2",
            Structure::GetRulesTableRequest => "MS-OXCROPS 2.2.11.2.1",
            Structure::GetRulesTableResponse => "MS-OXCROPS 2.2.11.2.2",
            Structure::SetColumnsRequest => "MS-OXCROPS 2.2.5.1.1",
            Structure::SetColumnsResponse => "MS-OXCROPS 2.2.5.1.2",
            Structure::ResetTableRequest => "MS-OXCROPS 2.2.5.15.1",
            Structure::ResetTableResponse => "MS-OXCROPS 2.2.5.15.2",
            Structure::RestrictRequest => "MS-OXCROPS 2.2.5.3.1",
            Structure::RestrictResponse => "MS-OXCROPS 2.2.5.3.2",
            Structure::QueryPositionRequest => "MS-OXCROPS 2.2.5.7.1",
            Structure::QueryPositionResponse => "MS-OXCROPS 2.2.5.7.2",
            Structure::SeekRowRequest => "MS-OXCROPS 2.2.5.8.1",
            Structure::SeekRowResponse => "MS-OXCROPS 2.2.5.8.2",
            Structure::SeekRowBookmarkRequest => "MS-OXCROPS 2.2.5.9.1",
            Structure::SeekRowBookmarkResponse => "MS-OXCROPS 2.2.5.9.2",
            Structure::SeekRowFractionalRequest => "MS-OXCROPS 2.2.5.10.1",
            Structure::SeekRowFractionalResponse => "MS-OXCROPS 2.2.5.10.2",
            Structure::CreateBookmarkRequest => "MS-OXCROPS 2.2.5.11.1",
            Structure::CreateBookmarkResponse => "MS-OXCROPS 2.2.5.11.2",
            Structure::QueryColumnsAllRequest => "MS-OXCROPS 2.2.5.12.1",
            Structure::QueryColumnsAllResponse => "MS-OXCROPS 2.2.5.12.2",
            Structure::CollapseRowRequest => "MS-OXCROPS 2.2.5.17.1",
            Structure::CollapseRowResponse => "MS-OXCROPS 2.2.5.17.2",
            Structure::TaggedPropertyValue => "MS-OXCDATA 2.11.4",
            Structure::QueryRowsRequest => "MS-OXCROPS 2.2.5.4.1",
            Structure::QueryRowsResponse => "MS-OXCROPS 2.2.5.4.2",
            Structure::FindRowRequest => "MS-OXCROPS 2.2.5.13.1",
            Structure::FindRowResponse => "MS-OXCROPS 2.2.5.13.2",
            Structure::ExpandRowRequest => "MS-OXCROPS 2.2.5.16.1",
            Structure::ExpandRowResponse => "MS-OXCROPS 2.2.5.16.2",
            Structure::CreateMessageRequest => "MS-OXCROPS 2.2.6.2.1",
            Structure::CreateMessageResponse => "MS-OXCROPS 2.2.6.2.2",
            Structure::SaveChangesMessageRequest => "MS-OXCROPS 2.2.6.3.1",
            Structure::SaveChangesMessageResponse => "MS-OXCROPS 2.2.6.3.2",
            Structure::DeleteFolderRequest => "MS-OXCROPS 2.2.4.3.1",
            Structure::DeleteFolderResponse => "MS-OXCROPS 2.2.4.3.2",
            Structure::DeleteMessagesRequest => "MS-OXCROPS 2.2.4.11.1",
            Structure::DeleteMessagesResponse => "MS-OXCROPS 2.2.4.11.2",
            Structure::SetSearchCriteriaRequest => "MS-OXCROPS 2.2.4.4.1",
            Structure::SetSearchCriteriaResponse => "MS-OXCROPS 2.2.4.4.2",
            Structure::TransportNewMailRequest => "MS-OXCROPS 2.2.7.7.1",
            Structure::TransportNewMailResponse => "MS-OXCROPS 2.2.7.7.2",
            Structure::HardDeleteMessagesRequest => "MS-OXCROPS 2.2.4.12.1",
            Structure::HardDeleteMessagesResponse => "MS-OXCROPS 2.2.4.12.2",
            Structure::HardDeleteMessagesAndSubfoldersRequest => "MS-OXCROPS 2.2.4.10.1",
            Structure::HardDeleteMessagesAndSubfoldersResponse => "MS-OXCROPS 2.2.4.10.2",
            Structure::SetPropertiesRequest => "MS-OXCROPS 2.2.8.6.1",
            Structure::SetPropertiesResponse => "MS-OXCROPS 2.2.8.6.2",
            Structure::MoveCopyMessagesRequest => "MS-OXCROPS 2.2.4.6.1",
            Structure::MoveCopyMessagesResponse => "MS-OXCROPS 2.2.4.6.2",
            Structure::MoveFolderRequest => "MS-OXCROPS 2.2.4.7.1",
            Structure::MoveFolderResponse => "MS-OXCROPS 2.2.4.7.2",
            Structure::CopyFolderRequest => "MS-OXCROPS 2.2.4.8.1",
            Structure::CopyFolderResponse => "MS-OXCROPS 2.2.4.8.2",
            Structure::LogonRequest => "MS-OXCROPS 2.2.3.1.1",
            Structure::LogonResponse => "MS-OXCROPS 2.2.3.1.2",
            Structure::OpenFolderRequest => "MS-OXCROPS 2.2.4.1.1",
            Structure::OpenFolderResponse => "MS-OXCROPS 2.2.4.1.2",
            Structure::OpenMessageRequest => "MS-OXCROPS 2.2.6.1.1",
            Structure::OpenMessageResponse => "MS-OXCROPS 2.2.6.1.2",
            Structure::CreateFolderRequest => "MS-OXCROPS 2.2.4.2.1",
            Structure::CreateFolderResponse => "MS-OXCROPS 2.2.4.2.2",
            Structure::RpcHeaderExt => "MS-OXCRPC 2.2.2.1",
            Structure::ExtendedBufferIn => "MS-OXCRPC 3.1.4.2.1.1.1",
            Structure::ExtendedBufferOut => "MS-OXCRPC 3.1.4.2.1.1.2",
            Structure::ExecuteRequestBody => "MS-OXCMAPIHTTP 2.2.4.2.1",
            Structure::ExecuteResponseBody => "MS-OXCMAPIHTTP 2.2.4.2.2",
            Structure::FailureResponseBody => "MS-OXCMAPIHTTP 2.2.4.2.3",
            Structure::NotificationWaitRequestBody => "MS-OXCMAPIHTTP 2.2.4.4.1",
            Structure::NotificationWaitResponseBody => "MS-OXCMAPIHTTP 2.2.4.4.2",
            Structure::DisconnectRequestBody => "MS-OXCMAPIHTTP 2.2.4.3.1",
            Structure::DisconnectResponseBody => "MS-OXCMAPIHTTP 2.2.4.3.2",
            Structure::ConnectRequestBody => "MS-OXCMAPIHTTP 2.2.4.1.1",
            Structure::ConnectResponseBody => "MS-OXCMAPIHTTP 2.2.4.1.2",
            Structure::AuxBuffer => "MS-OXCRPC 2.2.2.2",
            Structure::InnerStream => "MS-OXCMAPIHTTP 2.2.7",
        }
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
        let d = dispatch!(self, run(bytes, layout, false));
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
        dispatch!(self, run(bytes, layout, true))
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
        dispatch!(self, enc(value, layout))
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
