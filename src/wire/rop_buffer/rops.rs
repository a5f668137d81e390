//! The ROPs a buffer carries: [`RopRequest`] and [`RopResponse`], one
//! variant per ROP, and the dispatch by RopId. Adding a ROP is one line in
//! one of the two lists below (plus its entry in the [`rop`](crate::wire::rop)
//! table); reading, writing, the value form and the handle-table checks
//! follow from the ROP's [`RopRequestBody`] or [`RopResponseBody`].

use crate::wire::buffer_too_small::RopBufferTooSmallResponse;
use crate::wire::codec::{EncodeError, Error, Reader};
use crate::wire::mailbox::copy_folder::{RopCopyFolderRequest, RopCopyFolderResponse};
use crate::wire::mailbox::create_folder::{RopCreateFolderRequest, RopCreateFolderResponse};
use crate::wire::mailbox::create_message::{RopCreateMessageRequest, RopCreateMessageResponse};
use crate::wire::mailbox::delete_folder::{RopDeleteFolderRequest, RopDeleteFolderResponse};
use crate::wire::mailbox::delete_messages::{RopDeleteMessagesRequest, RopDeleteMessagesResponse};
use crate::wire::mailbox::hard_delete_messages::{RopHardDeleteMessagesRequest, RopHardDeleteMessagesResponse};
use crate::wire::mailbox::hard_delete_messages_and_subfolders::{
    RopHardDeleteMessagesAndSubfoldersRequest, RopHardDeleteMessagesAndSubfoldersResponse,
};
use crate::wire::mailbox::logon::{RopLogonRequest, RopLogonResponse};
use crate::wire::mailbox::move_copy_messages::{RopMoveCopyMessagesRequest, RopMoveCopyMessagesResponse};
use crate::wire::mailbox::move_folder::{RopMoveFolderRequest, RopMoveFolderResponse};
use crate::wire::mailbox::open_folder::{RopOpenFolderRequest, RopOpenFolderResponse};
use crate::wire::mailbox::open_message::{RopOpenMessageRequest, RopOpenMessageResponse};
use crate::wire::mailbox::save_changes_message::{RopSaveChangesMessageRequest, RopSaveChangesMessageResponse};
use crate::wire::mailbox::set_properties::{RopSetPropertiesRequest, RopSetPropertiesResponse};
use crate::wire::mailbox::set_search_criteria::{RopSetSearchCriteriaRequest, RopSetSearchCriteriaResponse};
use crate::wire::mailbox::transport_new_mail::{RopTransportNewMailRequest, RopTransportNewMailResponse};
use crate::wire::notify::RopNotifyResponse;
use crate::wire::pending::RopPendingResponse;
use crate::wire::register_notification::{RopRegisterNotificationRequest, RopRegisterNotificationResponse};
use crate::wire::release::RopReleaseRequest;
use crate::wire::rop::{HandleUse, Rop, RopRequestBody, RopResponseBody};
use crate::wire::table::collapse_row::{RopCollapseRowRequest, RopCollapseRowResponse};
use crate::wire::table::create_bookmark::{RopCreateBookmarkRequest, RopCreateBookmarkResponse};
use crate::wire::table::expand_row::{RopExpandRowRequest, RopExpandRowResponse};
use crate::wire::table::find_row::{RopFindRowRequest, RopFindRowResponse};
use crate::wire::table::get_attachment_table::{RopGetAttachmentTableRequest, RopGetAttachmentTableResponse};
use crate::wire::table::get_contents_table::{RopGetContentsTableRequest, RopGetContentsTableResponse};
use crate::wire::table::get_hierarchy_table::{RopGetHierarchyTableRequest, RopGetHierarchyTableResponse};
use crate::wire::table::get_permissions_table::{RopGetPermissionsTableRequest, RopGetPermissionsTableResponse};
use crate::wire::table::get_rules_table::{RopGetRulesTableRequest, RopGetRulesTableResponse};
use crate::wire::table::query_columns_all::{RopQueryColumnsAllRequest, RopQueryColumnsAllResponse};
use crate::wire::table::query_position::{RopQueryPositionRequest, RopQueryPositionResponse};
use crate::wire::table::query_rows::{RopQueryRowsRequest, RopQueryRowsResponse};
use crate::wire::table::reset_table::{RopResetTableRequest, RopResetTableResponse};
use crate::wire::table::restrict::{RopRestrictRequest, RopRestrictResponse};
use crate::wire::table::seek_row::{RopSeekRowRequest, RopSeekRowResponse};
use crate::wire::table::seek_row_bookmark::{RopSeekRowBookmarkRequest, RopSeekRowBookmarkResponse};
use crate::wire::table::seek_row_fractional::{RopSeekRowFractionalRequest, RopSeekRowFractionalResponse};
use crate::wire::table::set_columns::{RopSetColumnsRequest, RopSetColumnsResponse};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The enum, its RopId dispatch and the methods every ROP has.
macro_rules! rop_list {
    (
        $(#[$edoc:meta])*
        pub enum $enum:ident : $trait:ident with $extra:ident {
            $( $(#[$vdoc:meta])* $variant:ident($ty:ty), )*
        }
    ) => {
        $(#[$edoc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $enum {
            $( $(#[$vdoc])* $variant($ty), )*
        }

        impl $enum {
            /// Every ROP the list carries, in list order.
            pub const ROPS: &'static [Rop] = &[ $( <$ty as $trait>::ROP, )* ];

            /// The ROP's table entry.
            pub fn rop(&self) -> Rop {
                match self {
                    $( $enum::$variant(_) => <$ty as $trait>::ROP, )*
                }
            }

            /// Reads the ROP whose RopId (already read) is `id`; `None`
            /// when the list has no such ROP.
            pub(crate) fn read_by_id(r: &mut Reader, id: u8, layout: Layout) -> Option<Result<Self, Error>> {
                $(
                    if id == <$ty as $trait>::ROP.id {
                        return Some(<$ty as $trait>::read_body(r, layout).map($enum::$variant));
                    }
                )*
                None
            }

            /// Reads a ROP's value form by its RopId; `None` when the list
            /// has no such ROP.
            pub(crate) fn from_value_by_id(id: u8, v: &Value, layout: Layout) -> Option<Result<Self, EncodeError>> {
                $(
                    if id == <$ty as $trait>::ROP.id {
                        return Some(<$ty as WireStructure>::from_value(v, layout).map($enum::$variant));
                    }
                )*
                None
            }

            /// Appends the ROP (RopId included).
            #[inline]
            pub fn write(&self, out: &mut Vec<u8>, layout: Layout) -> Result<(), EncodeError> {
                match self {
                    $( $enum::$variant(x) => x.write(out, layout), )*
                }
            }

            /// The ROP's external value form.
            pub fn to_value(&self, layout: Layout) -> Value {
                match self {
                    $( $enum::$variant(x) => x.to_value(layout), )*
                }
            }

            /// The names and RopIds the list carries, for refusals.
            pub(crate) fn known() -> String {
                Self::ROPS.iter().map(|r| format!("{} 0x{:02X}", r.name, r.id)).collect::<Vec<_>>().join(", ")
            }
        }

        $extra!($enum, $trait, [$($variant),*]);
    };
}

/// What every request has: LogonId and its handle-table indexes.
macro_rules! request_methods {
    ($enum:ident, $trait:ident, [$($variant:ident),*]) => {
        impl $enum {
            /// LogonId.
            pub fn logon_id(&self) -> u8 {
                match self {
                    $( $enum::$variant(x) => $trait::logon_id(x), )*
                }
            }

            /// The handle-table indexes the request names, in wire order.
            pub fn handle_uses(&self) -> [Option<HandleUse>; 2] {
                match self {
                    $( $enum::$variant(x) => $trait::handle_uses(x), )*
                }
            }
        }
    };
}

/// What every response has: the index it echoes and its ReturnValue.
macro_rules! response_methods {
    ($enum:ident, $trait:ident, [$($variant:ident),*]) => {
        impl $enum {
            /// The handle-table index the response echoes, if any.
            pub fn handle_use(&self) -> Option<HandleUse> {
                match self {
                    $( $enum::$variant(x) => $trait::handle_use(x), )*
                }
            }

            /// ReturnValue, for the responses that answer a request.
            pub fn return_value(&self) -> Option<u32> {
                match self {
                    $( $enum::$variant(x) => $trait::return_value(x), )*
                }
            }
        }
    };
}

rop_list! {
    /// A ROP request the input buffer can carry.
    pub enum RopRequest: RopRequestBody with request_methods {
        /// RopRegisterNotification (0x29).
        RegisterNotification(RopRegisterNotificationRequest),
        /// RopRelease (0x01).
        Release(RopReleaseRequest),
        /// RopGetHierarchyTable (0x04).
        GetHierarchyTable(RopGetHierarchyTableRequest),
        /// RopGetContentsTable (0x05).
        GetContentsTable(RopGetContentsTableRequest),
        /// RopGetAttachmentTable (0x21).
        GetAttachmentTable(RopGetAttachmentTableRequest),
        /// RopGetPermissionsTable (0x3E).
        GetPermissionsTable(RopGetPermissionsTableRequest),
        /// RopGetRulesTable (0x3F).
        GetRulesTable(RopGetRulesTableRequest),
        /// RopExpandRow (0x59).
        ExpandRow(RopExpandRowRequest),
        /// RopFindRow (0x4F).
        FindRow(RopFindRowRequest),
        /// RopQueryRows (0x15).
        QueryRows(RopQueryRowsRequest),
        /// RopCollapseRow (0x5A).
        CollapseRow(RopCollapseRowRequest),
        /// RopQueryColumnsAll (0x37).
        QueryColumnsAll(RopQueryColumnsAllRequest),
        /// RopCreateBookmark (0x1B).
        CreateBookmark(RopCreateBookmarkRequest),
        /// RopSeekRowFractional (0x1A).
        SeekRowFractional(RopSeekRowFractionalRequest),
        /// RopSeekRowBookmark (0x19).
        SeekRowBookmark(RopSeekRowBookmarkRequest),
        /// RopSeekRow (0x18).
        SeekRow(RopSeekRowRequest),
        /// RopQueryPosition (0x17).
        QueryPosition(RopQueryPositionRequest),
        /// RopRestrict (0x14).
        Restrict(RopRestrictRequest),
        /// RopResetTable (0x81).
        ResetTable(RopResetTableRequest),
        /// RopSetColumns (0x12).
        SetColumns(RopSetColumnsRequest),
        /// RopCreateMessage (0x06).
        CreateMessage(RopCreateMessageRequest),
        /// RopSaveChangesMessage (0x0C).
        SaveChangesMessage(RopSaveChangesMessageRequest),
        /// RopDeleteFolder (0x1D).
        DeleteFolder(RopDeleteFolderRequest),
        /// RopDeleteMessages (0x1E).
        DeleteMessages(RopDeleteMessagesRequest),
        /// RopSetSearchCriteria (0x30).
        SetSearchCriteria(RopSetSearchCriteriaRequest),
        /// RopTransportNewMail (0x51).
        TransportNewMail(RopTransportNewMailRequest),
        /// RopHardDeleteMessages (0x91).
        HardDeleteMessages(RopHardDeleteMessagesRequest),
        /// RopHardDeleteMessagesAndSubfolders (0x92).
        HardDeleteMessagesAndSubfolders(RopHardDeleteMessagesAndSubfoldersRequest),
        /// RopSetProperties (0x0A).
        SetProperties(RopSetPropertiesRequest),
        /// RopMoveCopyMessages (0x33).
        MoveCopyMessages(RopMoveCopyMessagesRequest),
        /// RopMoveFolder (0x35).
        MoveFolder(RopMoveFolderRequest),
        /// RopCopyFolder (0x36).
        CopyFolder(RopCopyFolderRequest),
        /// RopLogon (0xFE).
        Logon(RopLogonRequest),
        /// RopOpenFolder (0x02).
        OpenFolder(RopOpenFolderRequest),
        /// RopOpenMessage (0x03).
        OpenMessage(RopOpenMessageRequest),
        /// RopCreateFolder (0x1C).
        CreateFolder(RopCreateFolderRequest),
    }
}

rop_list! {
    /// A ROP response the output buffer can carry.
    pub enum RopResponse: RopResponseBody with response_methods {
        /// RopRegisterNotification (0x29).
        RegisterNotification(RopRegisterNotificationResponse),
        /// RopNotify (0x2A).
        Notify(RopNotifyResponse),
        /// RopPending (0x6E).
        Pending(RopPendingResponse),
        /// RopBufferTooSmall (0xFF), always last.
        BufferTooSmall(RopBufferTooSmallResponse),
        /// RopGetHierarchyTable (0x04).
        GetHierarchyTable(RopGetHierarchyTableResponse),
        /// RopGetContentsTable (0x05).
        GetContentsTable(RopGetContentsTableResponse),
        /// RopGetAttachmentTable (0x21).
        GetAttachmentTable(RopGetAttachmentTableResponse),
        /// RopGetPermissionsTable (0x3E).
        GetPermissionsTable(RopGetPermissionsTableResponse),
        /// RopGetRulesTable (0x3F).
        GetRulesTable(RopGetRulesTableResponse),
        /// RopExpandRow (0x59).
        ExpandRow(RopExpandRowResponse),
        /// RopFindRow (0x4F).
        FindRow(RopFindRowResponse),
        /// RopQueryRows (0x15).
        QueryRows(RopQueryRowsResponse),
        /// RopCollapseRow (0x5A).
        CollapseRow(RopCollapseRowResponse),
        /// RopQueryColumnsAll (0x37).
        QueryColumnsAll(RopQueryColumnsAllResponse),
        /// RopCreateBookmark (0x1B).
        CreateBookmark(RopCreateBookmarkResponse),
        /// RopSeekRowFractional (0x1A).
        SeekRowFractional(RopSeekRowFractionalResponse),
        /// RopSeekRowBookmark (0x19).
        SeekRowBookmark(RopSeekRowBookmarkResponse),
        /// RopSeekRow (0x18).
        SeekRow(RopSeekRowResponse),
        /// RopQueryPosition (0x17).
        QueryPosition(RopQueryPositionResponse),
        /// RopRestrict (0x14).
        Restrict(RopRestrictResponse),
        /// RopResetTable (0x81).
        ResetTable(RopResetTableResponse),
        /// RopSetColumns (0x12).
        SetColumns(RopSetColumnsResponse),
        /// RopCreateMessage (0x06).
        CreateMessage(RopCreateMessageResponse),
        /// RopSaveChangesMessage (0x0C).
        SaveChangesMessage(RopSaveChangesMessageResponse),
        /// RopDeleteFolder (0x1D).
        DeleteFolder(RopDeleteFolderResponse),
        /// RopDeleteMessages (0x1E).
        DeleteMessages(RopDeleteMessagesResponse),
        /// RopSetSearchCriteria (0x30).
        SetSearchCriteria(RopSetSearchCriteriaResponse),
        /// RopTransportNewMail (0x51).
        TransportNewMail(RopTransportNewMailResponse),
        /// RopHardDeleteMessages (0x91).
        HardDeleteMessages(RopHardDeleteMessagesResponse),
        /// RopHardDeleteMessagesAndSubfolders (0x92).
        HardDeleteMessagesAndSubfolders(RopHardDeleteMessagesAndSubfoldersResponse),
        /// RopSetProperties (0x0A).
        SetProperties(RopSetPropertiesResponse),
        /// RopMoveCopyMessages (0x33).
        MoveCopyMessages(RopMoveCopyMessagesResponse),
        /// RopMoveFolder (0x35).
        MoveFolder(RopMoveFolderResponse),
        /// RopCopyFolder (0x36).
        CopyFolder(RopCopyFolderResponse),
        /// RopLogon (0xFE).
        Logon(RopLogonResponse),
        /// RopOpenFolder (0x02).
        OpenFolder(RopOpenFolderResponse),
        /// RopOpenMessage (0x03).
        OpenMessage(RopOpenMessageResponse),
        /// RopCreateFolder (0x1C).
        CreateFolder(RopCreateFolderResponse),
    }
}

impl RopResponse {
    /// Whether the response answers a request (RopNotify, RopPending and
    /// RopBufferTooSmall do not).
    pub fn answers_request(&self) -> bool {
        !matches!(self, RopResponse::Notify(_) | RopResponse::Pending(_) | RopResponse::BufferTooSmall(_))
    }
}
