//! RopCopyFolder (RopId 0x36): [MS-OXCROPS] 2.2.4.8, [MS-OXCFOLD] 2.2.1.8.
//! Copies a subfolder of the source folder under the destination folder,
//! named NewFolderName, with its subfolders when WantRecursive is nonzero;
//! the server reports ObjectCopied (MS-OXCNOTIF 2.2.1.1). Request and
//! response are shared with RopMoveFolder ([`super::move_copy`]).

use super::move_copy::{FolderTransferRequest, MoveCopyResponse, MoveCopyRop};
use crate::wire::rop::{self, Rop};

/// RopId of RopCopyFolder (MS-OXCROPS_R841).
pub const ROP_ID: u8 = rop::COPY_FOLDER.id;

/// The marker of RopCopyFolder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFolder;

impl MoveCopyRop for CopyFolder {
    const ROP: Rop = rop::COPY_FOLDER;
    const NULL_DESTINATION: &'static str = "MS-OXCROPS_R877";
    const RECURSIVE: bool = true;
}

/// The RopCopyFolder request buffer ([MS-OXCROPS] 2.2.4.8.1).
pub type RopCopyFolderRequest = FolderTransferRequest<CopyFolder>;
/// The RopCopyFolder response buffer ([MS-OXCROPS] 2.2.4.8.2) or its null
/// destination failure response (2.2.4.8.3).
pub type RopCopyFolderResponse = MoveCopyResponse<CopyFolder>;
