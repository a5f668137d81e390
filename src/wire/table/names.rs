//! The named 1-byte values the table ROPs share: TableStatus, the bookmark
//! origins, and the asynchronous flag (MS-OXCTABL 2.2.2.1), each with the
//! rule a value outside the table breaks in the ROP that carries it.

use crate::wire::codec::Level;
use crate::wire::rop_fields::{byte_table, ZeroRule};

/// The TableStatus values (MS-OXCTABL 2.2.2.1.3, MS-OXCROPS_R1072).
macro_rules! table_status {
    ($(#[$doc:meta])* $name:ident, $rule:literal) => {
        byte_table!(
            $(#[$doc])*
            $name,
            enum,
            [
                (0x00, "TBLSTAT_COMPLETE"),
                (0x09, "TBLSTAT_SORTING"),
                (0x0A, "TBLSTAT_SORT_ERROR"),
                (0x0B, "TBLSTAT_SETTING_COLS"),
                (0x0D, "TBLSTAT_SETCOL_ERROR"),
                (0x0E, "TBLSTAT_RESTRICTING"),
                (0x0F, "TBLSTAT_RESTRICT_ERROR"),
            ],
            Some(($rule, Level::Must))
        );
    };
}

table_status!(
    /// TableStatus of the RopSetColumns response (MS-OXCTABL_R55).
    SetColumnsTableStatus,
    "MS-OXCTABL_R55"
);
table_status!(
    /// TableStatus of the RopRestrict response (MS-OXCTABL_R94).
    RestrictTableStatus,
    "MS-OXCTABL_R94"
);

/// The bookmark origins (MS-OXCTABL 2.2.2.1.1).
macro_rules! origin {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        byte_table!(
            $(#[$doc])*
            $name,
            enum,
            [(0x00, "BOOKMARK_BEGINNING"), (0x01, "BOOKMARK_CURRENT"), (0x02, "BOOKMARK_END")],
            $rule
        );
    };
}

origin!(
    /// Origin of the RopQueryRows response (MS-OXCTABL_R110).
    QueryRowsOrigin,
    Some(("MS-OXCTABL_R110", Level::Must))
);
origin!(
    /// Origin of the RopSeekRow request (MS-OXCTABL_R144).
    SeekRowOrigin,
    Some(("MS-OXCTABL_R144", Level::Must))
);
origin!(
    /// Origin of the RopFindRow request (MS-OXCROPS_R1464); the tables
    /// state no rule for other values.
    FindRowOrigin,
    None
);

byte_table!(
    /// SetColumnsFlags: TBL_ASYNC 0x01; no other bit (MS-OXCTABL_R46, R47).
    SetColumnsFlags,
    flags,
    [(0x00, "TBL_SYNC"), (0x01, "TBL_ASYNC")],
    Some(("MS-OXCTABL_R47", Level::Must))
);

byte_table!(
    /// RestrictFlags: TBL_ASYNC 0x01; no other bit (MS-OXCROPS_R1133, MS-OXCTABL_R90).
    RestrictFlags,
    flags,
    [(0x00, "TBL_SYNC"), (0x01, "TBL_ASYNC")],
    Some(("MS-OXCTABL_R90", Level::Must))
);

byte_table!(
    /// QueryRowsFlags: Advance 0x00, NoAdvance 0x01, EnablePackedBuffers
    /// 0x02; no other bit (MS-OXCTABL_R96-R99, R646).
    QueryRowsFlags,
    flags,
    [(0x00, "Advance"), (0x01, "NoAdvance"), (0x02, "EnablePackedBuffers")],
    Some(("MS-OXCTABL_R646", Level::Must))
);

byte_table!(
    /// ForwardRead of RopQueryRows: TRUE or FALSE, nothing else (MS-OXCTABL_R105-R107).
    ForwardRead,
    enum,
    [(0x00, "FALSE"), (0x01, "TRUE")],
    Some(("MS-OXCTABL_R107", Level::Must))
);

byte_table!(
    /// WantRowMovedCount of RopSeekRow: TRUE or FALSE (MS-OXCTABL_R149).
    SeekRowWantRowMovedCount,
    enum,
    [(0x00, "FALSE"), (0x01, "TRUE")],
    Some(("MS-OXCTABL_R149", Level::Must))
);

byte_table!(
    /// FindRowFlags: 0x00 forward, 0x01 backward; no other bit
    /// (MS-OXCROPS_R1455, MS-OXCTABL_R227).
    FindRowFlags,
    flags,
    [(0x00, "Forward"), (0x01, "Backward")],
    Some(("MS-OXCTABL_R227", Level::Must))
);

/// Denominator of RopSeekRowFractional MUST NOT be zero (MS-OXCTABL_R206).
pub struct DenominatorNotZero;

impl ZeroRule for DenominatorNotZero {
    const RULE: (&'static str, Level) = ("MS-OXCTABL_R206", Level::Must);
}
