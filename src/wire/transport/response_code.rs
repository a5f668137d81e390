//! The X-ResponseCode header's values: [MS-OXCMAPIHTTP] 2.2.3.3.3 (the
//! table is MS-OXCMAPIHTTP_R135; one requirement row per value, R136-R154).
//!
//! 0 is success from the transport's point of view (R133); any other value
//! names a failure, and the response body then holds diagnostic text
//! (R56) with `Content-Type: text/html` (R2038). The numbers are the
//! spec's: an implementation whose own enumeration is numbered otherwise
//! sends wrong codes, so a reader names both the number and the spec name.

/// One row of the table: the value, the spec's name, and the requirement
/// that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseCode {
    /// The value of the header.
    pub value: u32,
    /// The spec's name for it.
    pub name: &'static str,
    /// The requirement row that defines it.
    pub requirement: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $value:literal, $name:literal, $req:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($value), "` ", $name, " (", $req, ").")]
            pub const $konst: u32 = $value;
        )*
        /// The whole table, in the spec's order.
        pub const RESPONSE_CODES: &[ResponseCode] = &[
            $(ResponseCode { value: $value, name: $name, requirement: $req },)*
        ];
    };
}

codes! {
    SUCCESS = 0, "Success", "MS-OXCMAPIHTTP_R136";
    UNKNOWN_FAILURE = 1, "Unknown Failure", "MS-OXCMAPIHTTP_R137";
    INVALID_VERB = 2, "Invalid Verb", "MS-OXCMAPIHTTP_R138";
    INVALID_PATH = 3, "Invalid Path", "MS-OXCMAPIHTTP_R139";
    INVALID_HEADER = 4, "Invalid Header", "MS-OXCMAPIHTTP_R140";
    INVALID_REQUEST_TYPE = 5, "Invalid Request Type", "MS-OXCMAPIHTTP_R141";
    INVALID_CONTEXT_COOKIE = 6, "Invalid Context Cookie", "MS-OXCMAPIHTTP_R142";
    MISSING_HEADER = 7, "Missing Header", "MS-OXCMAPIHTTP_R143";
    ANONYMOUS_NOT_ALLOWED = 8, "Anonymous Not Allowed", "MS-OXCMAPIHTTP_R144";
    TOO_LARGE = 9, "Too Large", "MS-OXCMAPIHTTP_R145";
    CONTEXT_NOT_FOUND = 10, "Context Not Found", "MS-OXCMAPIHTTP_R146";
    NO_PRIVILEGE = 11, "No Privilege", "MS-OXCMAPIHTTP_R147";
    INVALID_REQUEST_BODY = 12, "Invalid Request Body", "MS-OXCMAPIHTTP_R148";
    MISSING_COOKIE = 13, "Missing Cookie", "MS-OXCMAPIHTTP_R149";
    RESERVED = 14, "Reserved", "MS-OXCMAPIHTTP_R150";
    INVALID_SEQUENCE = 15, "Invalid Sequence", "MS-OXCMAPIHTTP_R151";
    ENDPOINT_DISABLED = 16, "Endpoint Disabled", "MS-OXCMAPIHTTP_R152";
    INVALID_RESPONSE = 17, "Invalid Response", "MS-OXCMAPIHTTP_R153";
    ENDPOINT_SHUTTING_DOWN = 18, "Endpoint Shutting Down", "MS-OXCMAPIHTTP_R154";
}

/// The row of `value`, if the spec's table has one.
pub fn lookup(value: u32) -> Option<&'static ResponseCode> {
    RESPONSE_CODES.iter().find(|c| c.value == value)
}

/// `10 (Context Not Found)`, or `99 (not in the spec's table)`.
pub fn describe(value: u32) -> String {
    match lookup(value) {
        Some(c) => format!("{} ({})", c.value, c.name),
        None => format!("{value} (not in the spec's table, MS-OXCMAPIHTTP_R135)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_numbers_its_rows_0_to_18_in_order() {
        let values: Vec<u32> = RESPONSE_CODES.iter().map(|c| c.value).collect();
        assert_eq!(values, (0..=18).collect::<Vec<u32>>());
        assert_eq!(describe(15), "15 (Invalid Sequence)");
        assert_eq!(lookup(10).map(|c| c.requirement), Some("MS-OXCMAPIHTTP_R146"));
        assert!(describe(19).contains("not in the spec's table"));
    }
}
