//! The obfuscation of extended-buffer payloads: [MS-OXCRPC] 3.1.4.1.1.3.
//! Every byte is XORed with 0xA5 (MS-OXCRPC_R956); applying it twice gives
//! the bytes back. It is not a security feature (MS-OXCRPC_R953).

/// The value every payload byte is XORed with (MS-OXCRPC_R956).
pub const XOR_MAGIC: u8 = 0xA5;

/// Obfuscates, or reverts, `data` in place.
///
/// ```
/// use oxcnotif::wire::transport::xor_magic::xor_magic;
///
/// let mut bytes = [0x00, 0xA5, 0xFF];
/// xor_magic(&mut bytes);
/// assert_eq!(bytes, [0xA5, 0x00, 0x5A]);
/// xor_magic(&mut bytes);
/// assert_eq!(bytes, [0x00, 0xA5, 0xFF]);
/// ```
pub fn xor_magic(data: &mut [u8]) {
    for b in data {
        // MS-OXCRPC_R956
        *b ^= XOR_MAGIC;
    }
}
