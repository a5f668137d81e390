//! The named 1-byte values of the mailbox ROPs.

use crate::wire::rop_fields::byte_table;

byte_table!(
    /// DeleteFolderFlags of RopDeleteFolder (MS-OXCROPS_R664, MS-OXCFOLD
    /// 2.2.1.3.1). Other bits are kept and named as undefined; the rule
    /// they break is MS-OXCFOLD's, outside the tables this harness cites.
    DeleteFolderFlags,
    flags,
    [(0x01, "DEL_MESSAGES"), (0x04, "DEL_FOLDERS"), (0x10, "DELETE_HARD_DELETE")],
    None
);

byte_table!(
    /// SaveFlags of RopSaveChangesMessage (MS-OXCMSG 2.2.3.3.1: "none or
    /// one of" KeepOpenReadOnly 0x01, KeepOpenReadWrite 0x02, ForceSave
    /// 0x04; other flags are ignored by the server). MS-OXCROPS_R1804 and
    /// the MS-OXCMSG example (4.8.1) write them with 0x08 set as well
    /// (0x09, 0x0A, 0x0C), so 0x08 is named too.
    SaveFlags,
    flags,
    [(0x01, "KeepOpenReadOnly"), (0x02, "KeepOpenReadWrite"), (0x04, "ForceSave"), (0x08, "0x08 (as in R1804's 0x09, 0x0A, 0x0C)")],
    None
);

byte_table!(
    /// LogonFlags of RopLogon (MS-OXCROPS_R67, R70, MS-OXCSTOR 2.2.1.1.1):
    /// Private 0x01 (a private mailbox, else public folders), Undercover
    /// 0x02, Ghosted 0x04.
    LogonFlags,
    flags,
    [(0x00, "Public"), (0x01, "Private"), (0x02, "Undercover"), (0x04, "Ghosted")],
    None
);

byte_table!(
    /// ResponseFlags of the RopLogon private-mailbox response (MS-OXCROPS_R71,
    /// MS-OXCSTOR 2.2.1.1.3): Reserved 0x01 (always set), OwnerRight 0x02,
    /// SendAsRight 0x04, OOF 0x10.
    ResponseFlags,
    flags,
    [(0x01, "Reserved"), (0x02, "OwnerRight"), (0x04, "SendAsRight"), (0x10, "OOF")],
    None
);

byte_table!(
    /// OpenModeFlags of RopOpenFolder (MS-OXCFOLD 2.2.1.1.1): only
    /// OpenSoftDeleted 0x04 is defined (MS-OXCFOLD_R19, R758); the client
    /// MUST NOT set other bits (R820), the server ignores them (R821, R465).
    OpenModeFlags,
    flags,
    [(0x00, "none"), (0x04, "OpenSoftDeleted")],
    Some(("MS-OXCFOLD_R820", crate::wire::Level::Must))
);

byte_table!(
    /// FolderType of RopCreateFolder (MS-OXCFOLD 2.2.1.2.1): 0x01 a generic
    /// folder, 0x02 a search folder; one of them MUST be used (MS-OXCFOLD_R45).
    FolderType,
    enum,
    [(0x01, "FOLDER_GENERIC"), (0x02, "FOLDER_SEARCH")],
    Some(("MS-OXCFOLD_R45", crate::wire::Level::Must))
);
