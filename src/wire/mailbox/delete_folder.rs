//! RopDeleteFolder (RopId 0x1D): [MS-OXCROPS] 2.2.4.3, [MS-OXCFOLD]
//! 2.2.1.3. Deletes a subfolder of the input folder; the server then
//! reports ObjectDeleted (MS-OXCNOTIF 2.2.1.1).

use super::names::DeleteFolderFlags;
use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, Bool, Id, InputIndex, Named, U8};

/// RopId of RopDeleteFolder (MS-OXCROPS_R657).
pub const ROP_ID: u8 = rop::DELETE_FOLDER.id;

rop_request! {
    /// The RopDeleteFolder request buffer ([MS-OXCROPS] 2.2.4.3.1).
    pub struct RopDeleteFolderRequest = rop::DELETE_FOLDER {
        /// LogonId (MS-OXCROPS_R658).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the parent folder (MS-OXCROPS_R661).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// DeleteFolderFlags (MS-OXCROPS_R662-R664).
        delete_folder_flags: Named<DeleteFolderFlags> = "DeleteFolderFlags",
        /// FolderId: the folder to delete (MS-OXCROPS_R665, R666).
        folder_id: Id = "FolderId",
    }
}

rop_response! {
    /// The RopDeleteFolder response buffer ([MS-OXCROPS] 2.2.4.3.2): one
    /// form, PartialCompletion after ReturnValue whatever its value.
    pub struct RopDeleteFolderResponse = rop::DELETE_FOLDER, failure "MS-OXCROPS_R673" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R671).
        input_handle_index: InputIndex = "InputHandleIndex",
    } always {
        /// PartialCompletion (MS-OXCROPS_R674, R675).
        partial_completion: Bool = "PartialCompletion",
    } success {
    }
}
