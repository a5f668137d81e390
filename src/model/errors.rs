//! Every ReturnValue and RPC-level error code the model produces, in one
//! table, with the rule each comes from.

/// Success.
pub const SUCCESS: u32 = 0x0000_0000;

/// ecNullObject: an invalid handle index (MS-OXCROPS_R4712, SHOULD) or a
/// handle value never assigned (MS-OXCROPS_R457302). The model also uses it
/// for a LogonId missing from the Logon Map, where the spec asks only for a
/// nonzero ReturnValue (MS-OXCROPS_R4555, SHOULD).
pub const EC_NULL_OBJECT: u32 = 0x0000_04B9;

/// ecInvalidObject: a handle that was released and not reused (MS-OXCROPS_R457301).
pub const EC_INVALID_OBJECT: u32 = 0x8004_0108;

/// ecAccessDenied: a handle that belongs to another logon (MS-OXCROPS_R457303).
pub const EC_ACCESS_DENIED: u32 = 0x8007_0005;

/// ecRpcFormat: the ROP input buffer cannot be parsed; the whole call fails
/// (MS-OXCROPS_R4551).
pub const EC_RPC_FORMAT: u32 = 0x0000_04B6;

/// ecBufferTooSmall: a response cannot fit even in the largest buffer
/// (MS-OXCROPS_R454505, SHOULD fail the call).
pub const EC_BUFFER_TOO_SMALL: u32 = 0x0000_047D;

/// The name of a code in this table.
pub fn name(code: u32) -> &'static str {
    match code {
        SUCCESS => "Success",
        EC_NULL_OBJECT => "ecNullObject",
        EC_INVALID_OBJECT => "ecInvalidObject",
        EC_ACCESS_DENIED => "ecAccessDenied",
        EC_RPC_FORMAT => "ecRpcFormat",
        EC_BUFFER_TOO_SMALL => "ecBufferTooSmall",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_name() {
        let table = [
            (SUCCESS, "Success"),
            (EC_NULL_OBJECT, "ecNullObject"),
            (EC_INVALID_OBJECT, "ecInvalidObject"),
            (EC_ACCESS_DENIED, "ecAccessDenied"),
            (EC_RPC_FORMAT, "ecRpcFormat"),
            (EC_BUFFER_TOO_SMALL, "ecBufferTooSmall"),
            (0x1234_5678, "unknown"),
        ];
        for (code, want) in table {
            assert_eq!(name(code), want, "0x{code:08X}");
        }
    }
}
