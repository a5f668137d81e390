//! RopMoveFolder (RopId 0x35): [MS-OXCROPS] 2.2.4.7, [MS-OXCFOLD] 2.2.1.7.
//! Moves a subfolder of the source folder under the destination folder,
//! renamed to NewFolderName; the server reports ObjectMoved (MS-OXCNOTIF
//! 2.2.1.1). Request and response are shared with RopCopyFolder
//! ([`super::move_copy`]).

use super::move_copy::{FolderTransferRequest, MoveCopyResponse, MoveCopyRop};
use crate::wire::rop::{self, Rop};

/// RopId of RopMoveFolder (MS-OXCROPS_R798).
pub const ROP_ID: u8 = rop::MOVE_FOLDER.id;

/// The marker of RopMoveFolder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveFolder;

impl MoveCopyRop for MoveFolder {
    const ROP: Rop = rop::MOVE_FOLDER;
    const NULL_DESTINATION: &'static str = "MS-OXCROPS_R832";
    const RECURSIVE: bool = false;
}

/// The RopMoveFolder request buffer ([MS-OXCROPS] 2.2.4.7.1).
pub type RopMoveFolderRequest = FolderTransferRequest<MoveFolder>;
/// The RopMoveFolder response buffer ([MS-OXCROPS] 2.2.4.7.2) or its null
/// destination failure response (2.2.4.7.3).
pub type RopMoveFolderResponse = MoveCopyResponse<MoveFolder>;
