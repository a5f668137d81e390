//! MessageClass: a null-terminated string, 8-bit or UTF-16LE by UnicodeFlag
//! ([MS-OXCNOTIF] 2.2.1.4.1.2, MS-OXCNOTIF_R223–R225).

/// MessageClass as sent: the bytes before the terminator, and whether the
/// terminator (one 0x00 byte, or two for UTF-16LE) was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageClass {
    /// The string's bytes, without the terminator.
    pub bytes: Vec<u8>,
    /// Whether it ended with its terminator (MS-OXCNOTIF_R223).
    pub terminated: bool,
}

impl MessageClass {
    /// A terminated message class from text, in UTF-16LE when `unicode`,
    /// else ASCII. Refuses NUL, and non-ASCII text in the 8-bit form.
    pub fn from_text(text: &str, unicode: bool) -> Result<Self, String> {
        if text.contains('\0') {
            return Err("contains NUL, which would end the string early".into());
        }
        let bytes = if unicode {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            if !text.is_ascii() {
                return Err("non-ASCII text cannot be sent with UnicodeFlag 0x00; use the {Bytes, Terminated} form to give the bytes".into());
            }
            text.as_bytes().to_vec()
        };
        Ok(MessageClass { bytes, terminated: true })
    }

    /// The text, when the string is terminated and decodes cleanly (ASCII,
    /// or UTF-16LE when `unicode`).
    pub fn text(&self, unicode: bool) -> Option<String> {
        if !self.terminated {
            return None;
        }
        if unicode {
            if self.bytes.len() % 2 != 0 {
                return None;
            }
            let units = self.bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
            char::decode_utf16(units).collect::<Result<String, _>>().ok()
        } else if self.bytes.is_ascii() {
            String::from_utf8(self.bytes.clone()).ok()
        } else {
            None
        }
    }

    /// Checks that decoding the encoded form gives this value back: a
    /// terminated string may not contain its terminator.
    pub(crate) fn check(&self, unicode: bool) -> Result<(), String> {
        if !self.terminated {
            return Ok(());
        }
        let early = if unicode {
            self.bytes.len() % 2 != 0 || self.bytes.chunks_exact(2).any(|c| c == [0, 0])
        } else {
            self.bytes.contains(&0)
        };
        if early {
            Err(if unicode {
                "a terminated UTF-16LE string has an even number of bytes and no 00 00 unit before its end"
            } else {
                "a terminated 8-bit string has no 00 byte before its end"
            }
            .into())
        } else {
            Ok(())
        }
    }
}
