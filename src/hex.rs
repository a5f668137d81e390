//! Hex text to bytes and back.
//!
//! One parser serves the command line and the case files. It accepts upper
//! and lower case, any whitespace between digits, a single leading `0x`, and
//! `#` comments running to the end of a line (the annotated-hex style of the
//! case files, one field per line). A byte's two digits may not be split by
//! whitespace.

use std::fmt;

/// A hex text that is not a whole number of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// 1-based line of the offending character.
    pub line: usize,
    /// 1-based column (in characters) of the offending character.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hex line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for HexError {}

/// Parses hex text (see the module doc for the accepted notation).
///
/// ```
/// use oxcnotif::hex;
///
/// let bytes = hex::parse(
///     "0500      # RopSize: 5
///      01 00 00  # RopRelease, LogonId 0, InputHandleIndex 0
///      6F000000  # ServerObjectHandleTable[0]",
/// )
/// .unwrap();
/// assert_eq!(bytes, [0x05, 0x00, 0x01, 0x00, 0x00, 0x6F, 0x00, 0x00, 0x00]);
/// assert_eq!(hex::parse("0x2a00").unwrap(), [0x2A, 0x00]);
/// assert_eq!(hex::encode(&bytes[..2]), "0500");
/// assert_eq!(hex::spaced(&bytes[..2]), "05 00");
///
/// let e = hex::parse("05 0").unwrap_err();
/// assert_eq!((e.line, e.column), (1, 4));
/// ```
pub fn parse(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let trimmed = text.trim_start();
    let skipped = text.len() - trimmed.len();
    let (body, prefix_len) =
        if trimmed.starts_with("0x") || trimmed.starts_with("0X") { (&trimmed[2..], skipped + 2) } else { (text, 0) };
    let mut line = 1 + text[..prefix_len].matches('\n').count();
    let mut column = prefix_len - text[..prefix_len].rfind('\n').map_or(0, |i| i + 1) + 1;
    let mut high: Option<(u8, usize)> = None;
    let mut in_comment = false;
    for ch in body.chars() {
        if ch == '\n' {
            if let Some((_, col)) = high {
                return Err(HexError {
                    line,
                    column: col,
                    message: "odd number of hex digits: a byte needs two".into(),
                });
            }
            in_comment = false;
            line += 1;
            column = 1;
            continue;
        }
        if in_comment {
            column += 1;
            continue;
        }
        if ch == '#' {
            in_comment = true;
        } else if let Some(d) = ch.to_digit(16) {
            match high.take() {
                None => high = Some((d as u8, column)),
                Some((h, _)) => out.push((h << 4) | d as u8),
            }
        } else if ch.is_whitespace() {
            if let Some((_, col)) = high {
                return Err(HexError {
                    line,
                    column: col,
                    message: "a byte's two hex digits are split by whitespace".into(),
                });
            }
        } else {
            return Err(HexError { line, column, message: format!("{ch:?} is not a hex digit") });
        }
        column += 1;
    }
    if let Some((_, col)) = high {
        return Err(HexError { line, column: col, message: "odd number of hex digits: a byte needs two".into() });
    }
    Ok(out)
}

/// Lower-case hex, no separators.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Lower-case hex with a space between bytes.
pub fn spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&encode(&[*b]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_spaces_case_prefix_and_comments() {
        assert_eq!(parse("0x2A 01").unwrap(), vec![0x2a, 0x01]);
        assert_eq!(parse("  0XaBcD").unwrap(), vec![0xab, 0xcd]);
        assert_eq!(parse("29      # RopId\n00 # LogonId\n").unwrap(), vec![0x29, 0x00]);
        assert_eq!(parse("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects_odd_split_and_junk_with_position() {
        let e = parse("2a 0").unwrap_err();
        assert_eq!((e.line, e.column), (1, 4));
        let e = parse("2a\n0 1").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = parse("2g").unwrap_err();
        assert_eq!((e.line, e.column), (1, 2));
        assert!(e.message.contains("'g'"));
        let e = parse("00 0x01").unwrap_err();
        assert_eq!((e.line, e.column), (1, 5));
    }

    #[test]
    fn round_trips() {
        let b: Vec<u8> = (0..=255).collect();
        assert_eq!(parse(&encode(&b)).unwrap(), b);
        assert_eq!(spaced(&[1, 0xff]), "01 ff");
    }
}
