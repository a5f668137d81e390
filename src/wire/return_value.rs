//! ReturnValue codes: the one table of every code the codec names and the
//! model returns, with its spec name and where the spec defines it.
//!
//! The codes themselves are listed in [MS-OXCDATA] 2.4 (2.4.1 for the
//! HRESULT-style codes, 2.4.2 for the additional Exchange codes); the
//! `ec`-prefixed names are the ones [MS-OXCROPS] uses where it says when a
//! server returns them. The names here are the ones the harness prints
//! (dissections, reports), so they never change.
//!
//! ```
//! use oxcnotif::wire::return_value::{self, EC_NULL_OBJECT};
//!
//! assert_eq!(return_value::name(EC_NULL_OBJECT), Some("ecNullObject"));
//! assert_eq!(return_value::lookup(0x0000_04B9).unwrap().section, "MS-OXCROPS 3.2.5.4");
//! assert_eq!(return_value::name(0x1234_5678), None);
//! ```
//!
//! [MS-OXCDATA]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcdata/
//! [MS-OXCROPS]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcrops/

/// Success (MS-OXCDATA 2.4.1).
pub const SUCCESS: u32 = 0x0000_0000;

/// GeneralFailure: the operation failed for an unspecified reason
/// (MS-OXCDATA 2.4.1).
pub const GENERAL_FAILURE: u32 = 0x8000_4005;

/// InvalidParameter (MS-OXCDATA 2.4.1).
pub const INVALID_PARAMETER: u32 = 0x8007_0057;

/// NotSupported (MS-OXCDATA 2.4.1).
pub const NOT_SUPPORTED: u32 = 0x8004_0102;

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

/// One ReturnValue code: its value, the name the harness prints, and the
/// spec sections that define it and say when it is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnValue {
    /// The 32-bit code, as sent little-endian in a ROP response.
    pub code: u32,
    /// The spec name, as printed.
    pub name: &'static str,
    /// The MS-OXCDATA section that lists the code.
    pub defined_in: &'static str,
    /// The MS-OXCROPS section that says when a server returns it, or the
    /// MS-OXCDATA section again for codes the harness only names.
    pub section: &'static str,
}

/// Every ReturnValue the harness knows: the general codes, then the handle
/// errors, then the call-level errors.
pub const TABLE: [ReturnValue; 9] = [
    ReturnValue { code: SUCCESS, name: "Success", defined_in: "MS-OXCDATA 2.4.1", section: "MS-OXCDATA 2.4.1" },
    ReturnValue {
        code: GENERAL_FAILURE,
        name: "GeneralFailure",
        defined_in: "MS-OXCDATA 2.4.1",
        section: "MS-OXCDATA 2.4.1",
    },
    ReturnValue {
        code: INVALID_PARAMETER,
        name: "InvalidParameter",
        defined_in: "MS-OXCDATA 2.4.1",
        section: "MS-OXCDATA 2.4.1",
    },
    ReturnValue {
        code: NOT_SUPPORTED,
        name: "NotSupported",
        defined_in: "MS-OXCDATA 2.4.1",
        section: "MS-OXCDATA 2.4.1",
    },
    ReturnValue {
        code: EC_NULL_OBJECT,
        name: "ecNullObject",
        defined_in: "MS-OXCDATA 2.4.2",
        section: "MS-OXCROPS 3.2.5.4",
    },
    ReturnValue {
        code: EC_INVALID_OBJECT,
        name: "ecInvalidObject",
        defined_in: "MS-OXCDATA 2.4.1",
        section: "MS-OXCROPS 3.2.5.4",
    },
    ReturnValue {
        code: EC_ACCESS_DENIED,
        name: "ecAccessDenied",
        defined_in: "MS-OXCDATA 2.4.1",
        section: "MS-OXCROPS 3.2.5.4",
    },
    ReturnValue {
        code: EC_RPC_FORMAT,
        name: "ecRpcFormat",
        defined_in: "MS-OXCDATA 2.4.2",
        section: "MS-OXCROPS 3.2.5.1",
    },
    ReturnValue {
        code: EC_BUFFER_TOO_SMALL,
        name: "ecBufferTooSmall",
        defined_in: "MS-OXCDATA 2.4.2",
        section: "MS-OXCROPS 3.2.4.3",
    },
];

/// The table entry for `code`, if the harness knows it.
pub fn lookup(code: u32) -> Option<&'static ReturnValue> {
    TABLE.iter().find(|v| v.code == code)
}

/// The name of `code`, if the harness knows it.
pub fn name(code: u32) -> Option<&'static str> {
    lookup(code).map(|v| v.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_each_names_its_sections() {
        for (i, v) in TABLE.iter().enumerate() {
            assert!(TABLE[..i].iter().all(|w| w.code != v.code && w.name != v.name), "{}", v.name);
            assert!(v.defined_in.starts_with("MS-OXCDATA 2.4."), "{}", v.name);
            assert!(v.section.starts_with("MS-OXC"), "{}", v.name);
            assert_eq!(lookup(v.code), Some(v));
        }
    }
}
