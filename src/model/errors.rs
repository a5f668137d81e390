//! Every ReturnValue and RPC-level error code the model produces.
//!
//! The codes, their names and the rules each comes from live in one table,
//! [`crate::wire::return_value`]; this module re-exports the constants the
//! model uses so `model::errors::EC_NULL_OBJECT` and the like keep working.

pub use crate::wire::return_value::{
    EC_ACCESS_DENIED, EC_BUFFER_TOO_SMALL, EC_INVALID_OBJECT, EC_NULL_OBJECT, EC_RPC_FORMAT, SUCCESS,
};

/// The name of a code in the [`crate::wire::return_value`] table, or
/// `unknown`.
pub fn name(code: u32) -> &'static str {
    crate::wire::return_value::name(code).unwrap_or("unknown")
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
