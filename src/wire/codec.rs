//! The primitives every structure is read and written with.
//!
//! [`Reader`] is a cursor over the input with one named read per spec field.
//! Naming every read gives three things from one mechanism: framing errors
//! that say which field and which byte offset ([`Error`]), spec findings that
//! say the same ([`Finding`]), and, when tracing is switched on, the
//! annotated listing of `oxcnotif dissect` ([`Span`]).
//!
//! Integers are little-endian ([MS-OXCDATA] 1.3). Writing is plain
//! `Vec<u8>` appends ([`put_u16`] and friends); what can go wrong when
//! encoding is a value that breaks a presence rule, reported as
//! [`EncodeError`].

use std::fmt;

/// An 8-byte Folder ID or Message ID ([MS-OXCDATA] 2.2.1.1, 2.2.1.2), kept
/// in wire byte order. The byte order inside its GlobalCounter is not
/// confirmed by the spec text, so the harness never interprets it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id8(pub [u8; 8]);

impl fmt::Debug for Id8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id8({})", crate::hex::encode(&self.0))
    }
}

impl fmt::Display for Id8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex::encode(&self.0))
    }
}

/// What kind of framing failure an [`Error`] is. The bytes could not be
/// split into the structure's fields; nothing was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The field needs more bytes than remain (in the input, or in the
    /// enclosing RopsList).
    Truncated {
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that remain.
        available: usize,
    },
    /// RopSize counts itself, so it is at least 2 ([MS-OXCROPS] 2.2.1,
    /// MS-OXCROPS_R7).
    RopSizeTooSmall {
        /// The RopSize read.
        rop_size: u16,
    },
    /// A RopId this position cannot hold: without the ROP's layout the rest
    /// of RopsList cannot be framed.
    UnexpectedRopId {
        /// The RopId read.
        rop_id: u8,
    },
    /// ServerObjectHandleTable is an array of 4-byte handles
    /// (MS-OXCROPS_R11); its length is not a multiple of 4.
    PartialHandle {
        /// Bytes left after the last whole handle.
        remainder: usize,
    },
    /// The structure ended before the input did.
    TrailingBytes {
        /// Bytes left over.
        count: usize,
    },
    /// A value that decides the layout of what follows is not one the spec
    /// defines (a PropertyRow's Flag, a FlaggedPropertyValue's Flag), so
    /// the rest cannot be framed.
    UndefinedValue {
        /// The value read.
        value: u32,
    },
    /// A property value of a type this codec cannot frame: PtypObject,
    /// PtypRestriction, PtypRuleAction, PtypUnspecified where a type is
    /// needed, or a type MS-OXCDATA 2.11.1 does not define.
    UnsupportedPropertyType {
        /// The property type.
        property_type: u16,
    },
    /// An LZ77 match reaches back before the first byte of the output
    /// ([MS-OXCRPC] 3.1.4.1.1.2.2.3).
    BadMatchOffset {
        /// How far back the match starts.
        distance: usize,
        /// Bytes written so far.
        available: usize,
    },
    /// A payload expands to more bytes than its header declares
    /// (SizeActual, MS-OXCRPC_R44), so expanding it stops there.
    SizeExceeded {
        /// The declared size.
        limit: usize,
    },
    /// An AUX_HEADER's Size counts the header itself, so it is at least 4
    /// ([MS-OXCRPC] 2.2.2.2, MS-OXCRPC_R47).
    AuxSizeTooSmall {
        /// The Size read.
        size: u16,
    },
    /// A line of a response inner stream does not end with CRLF (a bare
    /// LF, or the stream ends inside the line) ([MS-OXCMAPIHTTP] 2.2.7, 3.2.5.2).
    MissingCrlf,
    /// A line before DONE is none of the meta-tags PROCESSING, PENDING,
    /// DONE (MS-OXCMAPIHTTP_R1133).
    UnknownMetaTag,
    /// A `Name: value` line before the DONE meta-tag: the additional headers
    /// follow DONE (MS-OXCMAPIHTTP_R1136, R1244).
    HeaderBeforeDone,
    /// The inner stream ends before its DONE meta-tag (MS-OXCMAPIHTTP_R1136).
    MissingDone,
    /// An additional header line after DONE is not `Name: value`
    /// (MS-OXCMAPIHTTP_R1244).
    MalformedHeader,
    /// A meta-tag or header line is longer than the reader accepts.
    LineTooLong {
        /// The longest line accepted, CRLF included.
        limit: usize,
    },
}

impl ErrorKind {
    /// The kind's stable name, as the case files and the CLI spell it.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::Truncated { .. } => "Truncated",
            ErrorKind::RopSizeTooSmall { .. } => "RopSizeTooSmall",
            ErrorKind::UnexpectedRopId { .. } => "UnexpectedRopId",
            ErrorKind::PartialHandle { .. } => "PartialHandle",
            ErrorKind::TrailingBytes { .. } => "TrailingBytes",
            ErrorKind::UndefinedValue { .. } => "UndefinedValue",
            ErrorKind::UnsupportedPropertyType { .. } => "UnsupportedPropertyType",
            ErrorKind::BadMatchOffset { .. } => "BadMatchOffset",
            ErrorKind::SizeExceeded { .. } => "SizeExceeded",
            ErrorKind::AuxSizeTooSmall { .. } => "AuxSizeTooSmall",
            ErrorKind::MissingCrlf => "MissingCrlf",
            ErrorKind::UnknownMetaTag => "UnknownMetaTag",
            ErrorKind::HeaderBeforeDone => "HeaderBeforeDone",
            ErrorKind::MissingDone => "MissingDone",
            ErrorKind::MalformedHeader => "MalformedHeader",
            ErrorKind::LineTooLong { .. } => "LineTooLong",
        }
    }
}

/// A framing error: the bytes cannot be split into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The spec field being read, as a path (`RopsList[1].NotificationData.FolderId`).
    pub field: String,
    /// Byte offset of the field from the start of the input.
    pub offset: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Truncated { needed, available } => write!(
                f,
                "{}: needs {} byte{} at offset {}, only {} remain{}",
                self.field,
                needed,
                if *needed == 1 { "" } else { "s" },
                self.offset,
                available,
                if *available == 1 { "s" } else { "" }
            ),
            ErrorKind::RopSizeTooSmall { rop_size } => write!(
                f,
                "{}: {} at offset {} is less than 2, the size of RopSize itself",
                self.field, rop_size, self.offset
            ),
            ErrorKind::UnexpectedRopId { rop_id } => write!(
                f,
                "{}: 0x{:02X} at offset {} is not a ROP this buffer can carry, so the rest cannot be framed",
                self.field, rop_id, self.offset
            ),
            ErrorKind::PartialHandle { remainder } => write!(
                f,
                "{}: {} byte{} at offset {} do not make a whole 4-byte handle",
                self.field,
                remainder,
                if *remainder == 1 { "" } else { "s" },
                self.offset
            ),
            ErrorKind::TrailingBytes { count } => write!(
                f,
                "{}: ends at offset {} but {} more {}",
                self.field,
                self.offset,
                count,
                if *count == 1 { "byte follows" } else { "bytes follow" }
            ),
            ErrorKind::UndefinedValue { value } => write!(
                f,
                "{}: 0x{:02X} at offset {} is not a value the spec defines here, so what follows cannot be framed",
                self.field, value, self.offset
            ),
            ErrorKind::UnsupportedPropertyType { property_type } => write!(
                f,
                "{}: a value of {} at offset {} cannot be framed by this codec",
                self.field,
                super::property_tag::type_name_of(*property_type),
                self.offset
            ),
            ErrorKind::BadMatchOffset { distance, available } => write!(
                f,
                "{}: the match at offset {} reaches {} bytes back, but only {} have been written",
                self.field, self.offset, distance, available
            ),
            ErrorKind::SizeExceeded { limit } => write!(
                f,
                "{}: at offset {} the payload expands past its declared size of {}",
                self.field,
                self.offset,
                crate::plural::plural(*limit, "byte")
            ),
            ErrorKind::AuxSizeTooSmall { size } => write!(
                f,
                "{}: {} at offset {} is less than 4, the size of the AUX_HEADER itself",
                self.field, size, self.offset
            ),
            ErrorKind::MissingCrlf => {
                write!(f, "{}: the line at offset {} does not end with CRLF", self.field, self.offset)
            }
            ErrorKind::UnknownMetaTag => write!(
                f,
                "{}: the line at offset {} is not a meta-tag (PROCESSING, PENDING or DONE)",
                self.field, self.offset
            ),
            ErrorKind::HeaderBeforeDone => write!(
                f,
                "{}: the line at offset {} is a header, but headers come only after the DONE meta-tag",
                self.field, self.offset
            ),
            ErrorKind::MissingDone => {
                write!(f, "{}: the stream ends at offset {} without the DONE meta-tag", self.field, self.offset)
            }
            ErrorKind::MalformedHeader => {
                write!(f, "{}: the line at offset {} is not a `Name: value` header", self.field, self.offset)
            }
            ErrorKind::LineTooLong { limit } => write!(
                f,
                "{}: the line at offset {} is longer than {}",
                self.field,
                self.offset,
                crate::plural::plural(*limit, "byte")
            ),
        }
    }
}

impl std::error::Error for Error {}

/// How strong the broken rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// MUST, MUST NOT, or a value outside the spec's table of values.
    Must,
    /// SHOULD or SHOULD NOT.
    Should,
}

impl Level {
    /// `MUST` or `SHOULD`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
        }
    }
}

/// A spec violation that does not prevent framing: decoding goes on and
/// returns it beside the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The requirement broken (`MS-OXCNOTIF_R120`).
    pub requirement: &'static str,
    /// Its strength.
    pub level: Level,
    /// The field, as a path.
    pub field: String,
    /// Byte offset of the field from the start of the input.
    pub offset: usize,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) at offset {}, {}: {}",
            self.requirement,
            self.level.name(),
            self.offset,
            self.field,
            self.message
        )
    }
}

/// A value that cannot be encoded: it breaks a presence rule or a field's
/// range. Names the field (as a path) and says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// The field, as a path (`RopsList[0].FolderId`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl EncodeError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        EncodeError { field: field.into(), message: message.into() }
    }

    /// The same error, with `prefix` put in front of its field path.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() { prefix.to_string() } else { format!("{prefix}.{}", self.field) };
        self
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for EncodeError {}

/// One field of the annotated listing: where it is, its path and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// Field path.
    pub field: String,
    /// The value as text, with its spec meaning where it has one.
    pub value: String,
}

#[derive(Clone, Copy)]
enum Seg {
    Name(&'static str),
    Index(&'static str, usize),
}

/// The decoding cursor. See the module doc.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    path: Vec<Seg>,
    findings: Vec<Finding>,
    trace: Option<Vec<Span>>,
}

/// The outcome of a successful decode.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    /// The value.
    pub value: T,
    /// Spec violations found on the way, in input order.
    pub findings: Vec<Finding>,
    /// Bytes consumed.
    pub consumed: usize,
}

impl<'a> Reader<'a> {
    /// A reader over all of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0, end: buf.len(), path: Vec::new(), findings: Vec::new(), trace: None }
    }

    /// A reader that also records a [`Span`] per field.
    pub fn with_trace(buf: &'a [u8]) -> Self {
        let mut r = Reader::new(buf);
        r.trace = Some(Vec::new());
        r
    }

    /// Current offset from the start of the input.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left before the current limit.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// Takes the recorded findings and spans.
    pub fn finish(self) -> (Vec<Finding>, Option<Vec<Span>>) {
        (self.findings, self.trace)
    }

    /// Enters a named sub-structure (for paths).
    #[inline]
    pub fn enter(&mut self, name: &'static str) {
        self.path.push(Seg::Name(name));
    }

    /// Enters element `i` of a named list (for paths).
    #[inline]
    pub fn enter_index(&mut self, name: &'static str, i: usize) {
        self.path.push(Seg::Index(name, i));
    }

    /// Leaves the innermost sub-structure.
    #[inline]
    pub fn leave(&mut self) {
        self.path.pop();
    }

    /// The full path of `field` under the current position.
    pub fn path_of(&self, field: &str) -> String {
        use std::fmt::Write as _;
        let mut s = String::with_capacity(64);
        for seg in &self.path {
            match seg {
                Seg::Name(n) => s.push_str(n),
                Seg::Index(n, i) => {
                    let _ = write!(s, "{n}[{i}]");
                }
            }
            s.push('.');
        }
        if field.is_empty() {
            s.pop();
        } else {
            s.push_str(field);
        }
        s
    }

    /// Restricts reading to the next `len` bytes; returns the old limit for
    /// [`Reader::restore_limit`]. Fails if fewer than `len` remain.
    pub fn limit(&mut self, field: &'static str, len: usize) -> Result<usize, Error> {
        self.need(field, len)?;
        let old = self.end;
        self.end = self.pos + len;
        Ok(old)
    }

    /// Undoes [`Reader::limit`].
    pub fn restore_limit(&mut self, old: usize) {
        self.end = old;
    }

    /// A framing error at the current offset.
    pub fn error(&self, field: &'static str, kind: ErrorKind) -> Error {
        Error { kind, field: self.path_of(field), offset: self.pos }
    }

    /// A framing error at `offset`.
    pub fn error_at(&self, field: &'static str, offset: usize, kind: ErrorKind) -> Error {
        Error { kind, field: self.path_of(field), offset }
    }

    /// Records a finding about `field`, which starts at `offset`.
    pub fn finding(
        &mut self,
        requirement: &'static str,
        level: Level,
        field: &'static str,
        offset: usize,
        message: String,
    ) {
        let field = self.path_of(field);
        self.findings.push(Finding { requirement, level, field, offset, message });
    }

    #[inline(always)]
    fn need(&self, field: &'static str, n: usize) -> Result<(), Error> {
        if self.end - self.pos < n {
            Err(self.truncated(field, n))
        } else {
            Ok(())
        }
    }

    #[cold]
    #[inline(never)]
    fn truncated(&self, field: &'static str, n: usize) -> Error {
        self.error(field, ErrorKind::Truncated { needed: n, available: self.end - self.pos })
    }

    #[inline(always)]
    fn span(&mut self, field: &'static str, offset: usize, len: usize, value: impl FnOnce() -> String) {
        if self.trace.is_some() {
            let span = Span { offset, len, field: self.path_of(field), value: value() };
            if let Some(t) = self.trace.as_mut() {
                t.push(span);
            }
        }
    }

    /// Appends text to the value of the last recorded span (a no-op when
    /// not tracing): used to name a value's spec meaning.
    pub fn annotate(&mut self, text: impl FnOnce() -> String) {
        if let Some(last) = self.trace.as_mut().and_then(|t| t.last_mut()) {
            let t = text();
            if !t.is_empty() {
                last.value.push(' ');
                last.value.push_str(&t);
            }
        }
    }

    #[inline(always)]
    fn take<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Error> {
        self.need(field, N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(&self.buf[self.pos..self.pos + N]);
        self.pos += N;
        Ok(a)
    }

    /// Reads a 1-byte field.
    #[inline(always)]
    pub fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        let v = self.take::<1>(field)?[0];
        self.span(field, self.pos - 1, 1, || format!("0x{v:02X}"));
        Ok(v)
    }

    /// Reads a 2-byte little-endian field.
    #[inline(always)]
    pub fn u16(&mut self, field: &'static str) -> Result<u16, Error> {
        let v = u16::from_le_bytes(self.take::<2>(field)?);
        self.span(field, self.pos - 2, 2, || format!("0x{v:04X}"));
        Ok(v)
    }

    /// Reads a 4-byte little-endian field.
    #[inline(always)]
    pub fn u32(&mut self, field: &'static str) -> Result<u32, Error> {
        let v = u32::from_le_bytes(self.take::<4>(field)?);
        self.span(field, self.pos - 4, 4, || format!("0x{v:08X}"));
        Ok(v)
    }

    /// Reads an 8-byte Folder ID or Message ID.
    #[inline(always)]
    pub fn id8(&mut self, field: &'static str) -> Result<Id8, Error> {
        let v = Id8(self.take::<8>(field)?);
        self.span(field, self.pos - 8, 8, || v.to_string());
        Ok(v)
    }

    /// Reads `n` bytes.
    pub fn bytes(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], Error> {
        self.need(field, n)?;
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        self.span(field, self.pos - n, n, || crate::plural::plural(n, "byte"));
        Ok(s)
    }

    /// The `len` input bytes at `start`, already read (empty if out of range).
    pub(crate) fn slice(&self, start: usize, len: usize) -> &'a [u8] {
        self.buf.get(start..start.saturating_add(len)).unwrap_or(&[])
    }

    /// Reads everything up to the current limit.
    pub fn rest(&mut self, field: &'static str) -> &'a [u8] {
        let s = &self.buf[self.pos..self.end];
        self.pos = self.end;
        let n = s.len();
        self.span(field, self.pos - n, n, || crate::plural::plural(n, "byte"));
        s
    }

    /// Reads a null-terminated string of `unit`-byte code units (1 or 2) up
    /// to the current limit. Returns the bytes before the terminator and
    /// whether a terminator was found; without one, the string runs to the
    /// limit. The span covers the terminator too.
    pub fn cstring(&mut self, field: &'static str, unit: usize) -> (&'a [u8], bool) {
        let start = self.pos;
        let avail = &self.buf[self.pos..self.end];
        let found = if unit == 1 {
            avail.iter().position(|&b| b == 0)
        } else {
            avail.chunks_exact(2).position(|c| c == [0, 0]).map(|i| i * 2)
        };
        let (text, consumed, terminated) = match found {
            Some(i) => (&avail[..i], i + unit, true),
            None => (avail, avail.len(), false),
        };
        self.pos += consumed;
        self.span(field, start, consumed, String::new);
        (text, terminated)
    }

    /// Sets the value text of the last span (a no-op when not tracing).
    pub fn set_value(&mut self, text: impl FnOnce() -> String) {
        if let Some(last) = self.trace.as_mut().and_then(|t| t.last_mut()) {
            last.value = text();
        }
    }
}

/// Appends a 2-byte little-endian value.
#[inline]
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a 4-byte little-endian value.
#[inline]
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends an 8-byte ID.
#[inline]
pub fn put_id8(out: &mut Vec<u8>, v: &Id8) {
    out.extend_from_slice(&v.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_names_field_and_offset() {
        let mut r = Reader::new(&[1, 2, 3]);
        r.enter("NotificationData");
        assert_eq!(r.u16("NotificationFlags").unwrap(), 0x0201);
        let e = r.id8("FolderId").unwrap_err();
        assert_eq!(e.field, "NotificationData.FolderId");
        assert_eq!(e.offset, 2);
        assert_eq!(e.kind, ErrorKind::Truncated { needed: 8, available: 1 });
        assert_eq!(e.to_string(), "NotificationData.FolderId: needs 8 bytes at offset 2, only 1 remains");
    }

    #[test]
    fn ids_findings_and_refusals_print_what_they_hold() {
        let id = Id8([1, 0, 0, 0, 0, 0, 0x0a, 0x01]);
        assert_eq!(format!("{id:?}"), "Id8(0100000000000a01)");
        assert_eq!(id.to_string(), "0100000000000a01");
        let f = Finding {
            requirement: "MS-OXCNOTIF_R52",
            level: Level::Must,
            field: "WantWholeStore".into(),
            offset: 6,
            message: "not a Boolean".into(),
        };
        assert_eq!(f.to_string(), "MS-OXCNOTIF_R52 (MUST) at offset 6, WantWholeStore: not a Boolean");
        let e = EncodeError::new("FolderId", "missing").within("RopsList[0]");
        assert_eq!(e.to_string(), "RopsList[0].FolderId: missing");
        assert_eq!(EncodeError::new("", "x").within("Tags").field, "Tags");
    }

    #[test]
    fn limit_confines_reads() {
        let mut r = Reader::new(&[1, 2, 3, 4]);
        let old = r.limit("RopsList", 2).unwrap();
        assert_eq!(r.remaining(), 2);
        assert!(r.u32("X").is_err());
        assert_eq!(r.rest("Y"), &[1, 2]);
        r.restore_limit(old);
        assert_eq!(r.remaining(), 2);
        assert!(r.limit("RopsList", 3).is_err());
    }

    #[test]
    fn cstrings_with_and_without_terminator() {
        let mut r = Reader::new(b"ab\0c");
        assert_eq!(r.cstring("S", 1), (&b"ab"[..], true));
        assert_eq!(r.cstring("S", 1), (&b"c"[..], false));
        let mut r = Reader::new(&[0x41, 0x00, 0x00, 0x01, 0x00, 0x00]);
        // 0x00 0x00 at odd offset 1..3 is not a UTF-16 terminator
        assert_eq!(r.cstring("S", 2), (&[0x41, 0x00, 0x00, 0x01][..], true));
        let mut r = Reader::new(&[0x41, 0x00, 0x42]);
        assert_eq!(r.cstring("S", 2), (&[0x41, 0x00, 0x42][..], false));
    }

    #[test]
    fn trace_records_spans_with_paths() {
        let mut r = Reader::with_trace(&[0x2a, 1, 0, 0, 0]);
        r.enter_index("RopsList", 0);
        r.u8("RopId").unwrap();
        r.annotate(|| "RopNotify".into());
        r.u32("NotificationHandle").unwrap();
        let (_, spans) = r.finish();
        let spans = spans.unwrap();
        assert_eq!(spans[0].field, "RopsList[0].RopId");
        assert_eq!(spans[0].value, "0x2A RopNotify");
        assert_eq!((spans[1].offset, spans[1].len), (1, 4));
    }
}
