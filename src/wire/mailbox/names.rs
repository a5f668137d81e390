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
