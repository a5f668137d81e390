//! RopSetSearchCriteria (RopId 0x30): [MS-OXCROPS] 2.2.4.4, [MS-OXCFOLD]
//! 2.2.1.4. Sets the restriction and the folders of a search folder; when
//! the search completes the server reports SearchCompleted (MS-OXCNOTIF
//! 2.2.1.1). RestrictionData is framed by its size and kept as bytes.

use crate::wire::rop;
use crate::wire::rop_fields::{rop_request, rop_response, IdList, InputIndex, SizedBytes, U32, U8};

/// RopId of RopSetSearchCriteria (MS-OXCROPS_R680).
pub const ROP_ID: u8 = rop::SET_SEARCH_CRITERIA.id;

rop_request! {
    /// The RopSetSearchCriteria request buffer ([MS-OXCROPS] 2.2.4.4.1).
    pub struct RopSetSearchCriteriaRequest = rop::SET_SEARCH_CRITERIA {
        /// LogonId (MS-OXCROPS_R681).
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: the slot of the search folder (MS-OXCROPS_R684).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// RestrictionDataSize and RestrictionData (MS-OXCROPS_R685-R690).
        restriction_data: SizedBytes = ["RestrictionDataSize"] "RestrictionData",
        /// FolderIdCount and FolderIds: the folders searched (MS-OXCROPS_R691-R695).
        folder_ids: IdList = ["FolderIdCount"] "FolderIds",
        /// SearchFlags (MS-OXCROPS_R696, R697).
        search_flags: U32 = "SearchFlags",
    }
}

rop_response! {
    /// The RopSetSearchCriteria response buffer ([MS-OXCROPS] 2.2.4.4.2).
    pub struct RopSetSearchCriteriaResponse = rop::SET_SEARCH_CRITERIA, failure "MS-OXCROPS_R704" {
        /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R702).
        input_handle_index: InputIndex = "InputHandleIndex",
    } success {
    }
}
