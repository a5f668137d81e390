//! The response inner stream: [MS-OXCMAPIHTTP] 2.2.7, 3.2.5.2, example 4.2.
//! The body of every mailbox-endpoint response is
//!
//! ```text
//! <meta-tags> <additional headers> <CRLF> <response body>
//! ```
//!
//! meta-tag lines `PROCESSING\r\n` (the request is queued), `PENDING\r\n`
//! (still processing, a keep-alive) and `DONE\r\n` (done: the headers and
//! the body follow) (MS-OXCMAPIHTTP_R1130-R1136); after DONE, additional
//! headers as `Name: value\r\n` lines, X-ElapsedTime and X-StartTime among
//! them, X-ResponseCode when the request failed after the initial response
//! (R1244, R2228-R2230); an empty line; then the request type's binary
//! response body (R2231). The stream is what is left once HTTP chunking is
//! undone (R1184, R1187): chunking is the HTTP library's job.
//!
//! Decoding a whole stream ([`InnerStream`], structure `inner-stream`)
//! refuses what cannot be framed, naming the line and its byte offset: a
//! line without CRLF ([`ErrorKind::MissingCrlf`]), a line before DONE that
//! is no meta-tag ([`ErrorKind::UnknownMetaTag`]) or is a header
//! ([`ErrorKind::HeaderBeforeDone`]), no DONE ([`ErrorKind::MissingDone`]),
//! a header line that is not `Name: value` ([`ErrorKind::MalformedHeader`]),
//! and a meta-tag or header line over [`MAX_LINE`] bytes
//! ([`ErrorKind::LineTooLong`]). It reports as findings the rule breaks that
//! still parse: a first meta-tag other than PROCESSING (MS-OXCMAPIHTTP_R1238:
//! the initial response includes PROCESSING), a PROCESSING after the first
//! meta-tag (R1241: keep-alives are PENDING), and no X-ElapsedTime or
//! X-StartTime after DONE (R2228).
//!
//! Headers are held in the one form every example of 4.2 writes, `Name:`,
//! one space, the value: a header without that space is refused (as
//! MalformedHeader), so every accepted stream re-encodes to its bytes. Names
//! are visible ASCII; values are kept one char per byte (ISO-8859-1, as
//! HTTP/1.1 header text), with no CR.
//!
//! [`InnerStreamReader`] reads the same stream as it arrives, chunk by
//! chunk, and tells the caller each meta-tag as soon as its line is
//! complete (so a client can time PENDING keep-alives, R1176, R1179). Its
//! memory is one line of at most [`MAX_LINE`] bytes, plus the headers and
//! the body it returns. [`PROCESSING_LINE`], [`PENDING_LINE`] and
//! [`done_part`] write the stream for a server.
//!
//! ```
//! use oxcnotif::wire::transport::inner_stream::{
//!     done_part, InnerStreamEvent, InnerStreamReader, MetaTag, PENDING_LINE, PROCESSING_LINE,
//! };
//!
//! // A server: PROCESSING at once, a keep-alive, then DONE, headers and body.
//! let mut sent = PROCESSING_LINE.to_vec();
//! sent.extend_from_slice(PENDING_LINE);
//! sent.extend(done_part(&[("X-ResponseCode", "0"), ("X-ElapsedTime", "3"), ("X-StartTime", "now")], b"\x00\x00"));
//!
//! // A client, as the chunks arrive (here: 5 bytes at a time).
//! let mut reader = InnerStreamReader::new();
//! let mut events = Vec::new();
//! for chunk in sent.chunks(5) {
//!     events.extend(reader.push(chunk).unwrap());
//! }
//! assert_eq!(events[1], InnerStreamEvent::MetaTag(MetaTag::Pending));
//! assert_eq!(events.last(), Some(&InnerStreamEvent::Done));
//! let stream = reader.finish().unwrap();
//! assert_eq!(stream.header("X-ResponseCode"), Some("0"));
//! assert_eq!(stream.body, [0, 0]);
//! ```

use crate::wire::codec::{EncodeError, Error, ErrorKind, Finding, Level, Reader};
use crate::wire::value::{kind_of, MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The longest meta-tag or header line accepted, CRLF included (8 KiB).
pub const MAX_LINE: usize = 8 * 1024;

/// The PROCESSING meta-tag line a server sends first (MS-OXCMAPIHTTP_R1134, R1238).
pub const PROCESSING_LINE: &[u8] = b"PROCESSING\r\n";
/// The PENDING meta-tag line of a keep-alive (MS-OXCMAPIHTTP_R1135, R1241).
pub const PENDING_LINE: &[u8] = b"PENDING\r\n";
/// The DONE meta-tag line (MS-OXCMAPIHTTP_R1136, R1244).
pub const DONE_LINE: &[u8] = b"DONE\r\n";

/// A response meta-tag ([MS-OXCMAPIHTTP] 2.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetaTag {
    /// PROCESSING: the server has queued the request (MS-OXCMAPIHTTP_R1134).
    Processing,
    /// PENDING: the server is processing the request (MS-OXCMAPIHTTP_R1135).
    Pending,
    /// DONE: processing is complete; the headers and body follow (MS-OXCMAPIHTTP_R1136).
    Done,
}

impl MetaTag {
    /// The tag as the stream spells it (`PROCESSING`, `PENDING`, `DONE`).
    pub fn name(self) -> &'static str {
        match self {
            MetaTag::Processing => "PROCESSING",
            MetaTag::Pending => "PENDING",
            MetaTag::Done => "DONE",
        }
    }

    /// The tag's line, CRLF included.
    pub fn line(self) -> &'static [u8] {
        match self {
            MetaTag::Processing => PROCESSING_LINE,
            MetaTag::Pending => PENDING_LINE,
            MetaTag::Done => DONE_LINE,
        }
    }

    /// The tag spelled `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        [MetaTag::Processing, MetaTag::Pending, MetaTag::Done].into_iter().find(|t| t.name() == name)
    }
}

/// A whole response inner stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InnerStream {
    /// The meta-tags in order; the last is [`MetaTag::Done`], and only the last.
    pub meta_tags: Vec<MetaTag>,
    /// The additional headers after DONE, as (name, value), in order.
    pub headers: Vec<(String, String)>,
    /// The response body after the empty line (MS-OXCMAPIHTTP_R2231).
    pub body: Vec<u8>,
}

impl InnerStream {
    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What [`InnerStreamReader::push`] reports, in stream order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InnerStreamEvent {
    /// A meta-tag line is complete (DONE included).
    MetaTag(MetaTag),
    /// The additional headers and their empty line are complete: the rest
    /// of the stream is the response body.
    Done,
}

/// The line at the start of `rest`: `Ok(Some(len))` with the line's length
/// without CRLF, `Ok(None)` when `rest` holds no LF yet (and is shorter
/// than [`MAX_LINE`]), or the framing error.
fn next_line(rest: &[u8]) -> Result<Option<usize>, ErrorKind> {
    let window = &rest[..rest.len().min(MAX_LINE)];
    match window.iter().position(|&b| b == b'\n') {
        Some(i) if i == 0 || window[i - 1] != b'\r' => Err(ErrorKind::MissingCrlf),
        Some(i) => Ok(Some(i - 1)),
        None if rest.len() >= MAX_LINE => Err(ErrorKind::LineTooLong { limit: MAX_LINE }),
        None => Ok(None),
    }
}

/// A complete line before DONE, CRLF removed.
fn meta_tag_of(line: &[u8]) -> Result<MetaTag, ErrorKind> {
    match line {
        b"PROCESSING" => Ok(MetaTag::Processing),
        b"PENDING" => Ok(MetaTag::Pending),
        b"DONE" => Ok(MetaTag::Done),
        l if l.contains(&b':') => Err(ErrorKind::HeaderBeforeDone),
        _ => Err(ErrorKind::UnknownMetaTag),
    }
}

fn valid_name_byte(b: u8) -> bool {
    b.is_ascii_graphic() && b != b':'
}

/// A complete non-empty line after DONE, CRLF removed.
fn header_of(line: &[u8]) -> Result<(String, String), ErrorKind> {
    let i = line.iter().position(|&b| b == b':').ok_or(ErrorKind::MalformedHeader)?;
    let (name, rest) = (&line[..i], &line[i + 1..]);
    if name.is_empty() || !name.iter().all(|&b| valid_name_byte(b)) {
        return Err(ErrorKind::MalformedHeader);
    }
    let value = rest.strip_prefix(b" ").ok_or(ErrorKind::MalformedHeader)?;
    if value.contains(&b'\r') {
        return Err(ErrorKind::MalformedHeader);
    }
    Ok((name.iter().map(|&b| b as char).collect(), value.iter().map(|&b| b as char).collect()))
}

fn check_header(name: &str, value: &str) -> Result<(), EncodeError> {
    if name.is_empty() || !name.bytes().all(valid_name_byte) {
        return Err(EncodeError::new("Name", format!("{name:?} is not a header name (visible ASCII, no colon)")));
    }
    if let Some(c) = value.chars().find(|&c| c == '\r' || c == '\n' || u32::from(c) > 0xFF) {
        return Err(EncodeError::new(
            "Value",
            format!("{c:?} cannot be in a header value (one byte per char, no CR or LF)"),
        ));
    }
    Ok(())
}

fn put_header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend(value.chars().map(|c| c as u32 as u8));
    out.extend_from_slice(b"\r\n");
}

/// The DONE line, the additional `headers` (`Name: value` each), the empty
/// line and `body`: the last part of a stream a server sends
/// (MS-OXCMAPIHTTP_R1244, R2228, R2231). Headers are written as given; a
/// name or value that would break the framing (a CR or LF, a colon in the
/// name) is the caller's to avoid (the `inner-stream` encoder refuses it).
pub fn done_part(headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DONE_LINE.len() + 2 + body.len() + 32 * headers.len());
    out.extend_from_slice(DONE_LINE);
    for (n, v) in headers {
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// The findings of a decoded stream (see the module doc).
fn check(r: &mut Reader, tags: &[(MetaTag, usize)], headers: &[(String, String)], headers_end: usize) {
    if let Some(&(first, at)) = tags.first() {
        if first != MetaTag::Processing {
            r.enter_index("MetaTags", 0);
            // MS-OXCMAPIHTTP_R1238
            r.finding(
                "MS-OXCMAPIHTTP_R1238",
                Level::Must,
                "",
                at,
                format!("the stream starts with {}: the initial response includes PROCESSING", first.name()),
            );
            r.leave();
        }
    }
    for (k, &(t, at)) in tags.iter().enumerate().skip(1) {
        if t == MetaTag::Processing {
            r.enter_index("MetaTags", k);
            // MS-OXCMAPIHTTP_R1241
            r.finding(
                "MS-OXCMAPIHTTP_R1241",
                Level::Must,
                "",
                at,
                "PROCESSING after the initial response: a keep-alive includes PENDING".into(),
            );
            r.leave();
        }
    }
    for name in ["X-ElapsedTime", "X-StartTime"] {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            // MS-OXCMAPIHTTP_R2228
            r.finding(
                "MS-OXCMAPIHTTP_R2228",
                Level::Must,
                "AdditionalHeaders",
                headers_end,
                format!("no {name} header after DONE"),
            );
        }
    }
}

const FIELDS: &[&str] = &["MetaTags", "AdditionalHeaders", "ResponseBody"];
const HEADER_FIELDS: &[&str] = &["Name", "Value"];

impl WireStructure for InnerStream {
    const NAME: &'static str = "response inner stream";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let mut tags: Vec<(MetaTag, usize)> = Vec::new();
        loop {
            let at = r.pos();
            let k = tags.len();
            r.enter_index("MetaTags", k);
            let rest = r.slice(at, r.remaining());
            if rest.is_empty() {
                // MS-OXCMAPIHTTP_R1136: the stream ends with DONE, the headers and the body.
                return Err(r.error_at("", at, ErrorKind::MissingDone));
            }
            let n = match next_line(rest) {
                Ok(Some(n)) => n,
                Ok(None) => return Err(r.error_at("", at, ErrorKind::MissingCrlf)),
                Err(kind) => return Err(r.error_at("", at, kind)),
            };
            let tag = meta_tag_of(&rest[..n]).map_err(|kind| r.error_at("", at, kind))?;
            r.bytes("", n + 2)?;
            r.set_value(|| tag.name().to_string());
            r.leave();
            tags.push((tag, at));
            if tag == MetaTag::Done {
                break;
            }
        }
        let mut headers = Vec::new();
        let headers_end = loop {
            let at = r.pos();
            r.enter_index("AdditionalHeaders", headers.len());
            let rest = r.slice(at, r.remaining());
            let n = match next_line(rest) {
                Ok(Some(n)) => n,
                Ok(None) => return Err(r.error_at("", at, ErrorKind::MissingCrlf)),
                Err(kind) => return Err(r.error_at("", at, kind)),
            };
            if n == 0 {
                r.leave();
                r.bytes("AdditionalHeaders", 2)?;
                r.set_value(|| "CRLF: the end of the additional headers".into());
                break at;
            }
            let (name, value) = header_of(&rest[..n]).map_err(|kind| r.error_at("", at, kind))?;
            r.bytes("", n + 2)?;
            r.set_value(|| format!("{name}: {value}"));
            r.leave();
            headers.push((name, value));
        };
        let body = r.rest("ResponseBody").to_vec();
        check(r, &tags, &headers, headers_end);
        Ok(InnerStream { meta_tags: tags.into_iter().map(|(t, _)| t).collect(), headers, body })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        match self.meta_tags.iter().position(|&t| t == MetaTag::Done) {
            Some(i) if i + 1 == self.meta_tags.len() => {}
            Some(i) => {
                return Err(EncodeError::new(
                    format!("MetaTags[{i}]"),
                    "DONE before the last meta-tag: DONE ends the meta-tags",
                ))
            }
            None => return Err(EncodeError::new("MetaTags", "the last meta-tag is DONE (MS-OXCMAPIHTTP_R1244)")),
        }
        for t in &self.meta_tags {
            out.extend_from_slice(t.line());
        }
        for (i, (n, v)) in self.headers.iter().enumerate() {
            check_header(n, v).map_err(|e| e.within(&format!("AdditionalHeaders[{i}]")))?;
            put_header(out, n, v);
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let tags = self.meta_tags.iter().map(|t| Value::String(t.name().into())).collect();
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| {
                MapBuilder::new()
                    .value("Name", Value::String(n.clone()))
                    .value("Value", Value::String(v.clone()))
                    .build()
            })
            .collect();
        MapBuilder::new()
            .value("MetaTags", Value::Array(tags))
            .value("AdditionalHeaders", Value::Array(headers))
            .bytes("ResponseBody", &self.body)
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        let list = |name: &'static str| -> Result<Vec<Value>, EncodeError> {
            match o.get(name) {
                None => Ok(Vec::new()),
                Some(Value::Array(a)) => Ok(a.clone()),
                Some(x) => Err(EncodeError::new(name, format!("expected a list, found {}", kind_of(x)))),
            }
        };
        let mut meta_tags = Vec::new();
        for (i, t) in list("MetaTags")?.iter().enumerate() {
            let tag = t.as_str().and_then(MetaTag::from_name).ok_or_else(|| {
                EncodeError::new(format!("MetaTags[{i}]"), format!("{t} is not PROCESSING, PENDING or DONE"))
            })?;
            meta_tags.push(tag);
        }
        let mut headers = Vec::new();
        for (i, h) in list("AdditionalHeaders")?.iter().enumerate() {
            let at = format!("AdditionalHeaders[{i}]");
            let ho = Obj::new(h, HEADER_FIELDS).map_err(|e| e.within(&at))?;
            let text = |name: &'static str| -> Result<String, EncodeError> {
                match ho.get(name) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(x) => Err(EncodeError::new(name, format!("expected a string, found {}", kind_of(x)))),
                    None => Err(EncodeError::new(name, "missing")),
                }
            };
            let (n, val) = (text("Name").map_err(|e| e.within(&at))?, text("Value").map_err(|e| e.within(&at))?);
            check_header(&n, &val).map_err(|e| e.within(&at))?;
            headers.push((n, val));
        }
        let body = o.opt_bytes("ResponseBody")?.unwrap_or_default();
        Ok(InnerStream { meta_tags, headers, body })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    MetaTags,
    Headers,
    Body,
}

/// Reads an inner stream as it arrives (see the module doc): feed the
/// de-chunked bytes to [`push`](Self::push) as they come, then call
/// [`finish`](Self::finish) at the end of the response. The result and the
/// errors (kind, field, offset) are those of decoding the whole stream at
/// once, findings aside. After an error every call returns that error.
#[derive(Debug, Clone)]
pub struct InnerStreamReader {
    section: Section,
    line: Vec<u8>,
    line_start: usize,
    offset: usize,
    stream: InnerStream,
    failed: Option<Error>,
}

impl Default for InnerStreamReader {
    fn default() -> Self {
        Self::new()
    }
}

impl InnerStreamReader {
    /// A reader at the start of a stream.
    pub fn new() -> Self {
        InnerStreamReader {
            section: Section::MetaTags,
            line: Vec::new(),
            line_start: 0,
            offset: 0,
            stream: InnerStream::default(),
            failed: None,
        }
    }

    /// The meta-tags so far.
    pub fn meta_tags(&self) -> &[MetaTag] {
        &self.stream.meta_tags
    }

    /// The additional headers so far (all of them once [`InnerStreamEvent::Done`] is out).
    pub fn headers(&self) -> &[(String, String)] {
        &self.stream.headers
    }

    /// Whether the headers are complete and the body is being read.
    pub fn in_body(&self) -> bool {
        self.section == Section::Body
    }

    fn error(&self, kind: ErrorKind) -> Error {
        let (list, k) = match self.section {
            Section::MetaTags => ("MetaTags", self.stream.meta_tags.len()),
            _ => ("AdditionalHeaders", self.stream.headers.len()),
        };
        Error { kind, field: format!("{list}[{k}]"), offset: self.line_start }
    }

    /// Takes the next bytes of the stream; returns what they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<InnerStreamEvent>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut events = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if self.section == Section::Body {
                self.stream.body.extend_from_slice(&bytes[i..]);
                self.offset += bytes.len() - i;
                break;
            }
            let b = bytes[i];
            i += 1;
            self.offset += 1;
            if b != b'\n' {
                self.line.push(b);
                if self.line.len() >= MAX_LINE {
                    return Err(self.fail(ErrorKind::LineTooLong { limit: MAX_LINE }));
                }
                continue;
            }
            if self.line.last() != Some(&b'\r') {
                return Err(self.fail(ErrorKind::MissingCrlf));
            }
            self.line.pop();
            let result = match self.section {
                Section::MetaTags => meta_tag_of(&self.line).map(|t| {
                    self.stream.meta_tags.push(t);
                    events.push(InnerStreamEvent::MetaTag(t));
                    if t == MetaTag::Done {
                        self.section = Section::Headers;
                    }
                }),
                _ if self.line.is_empty() => {
                    self.section = Section::Body;
                    events.push(InnerStreamEvent::Done);
                    Ok(())
                }
                _ => header_of(&self.line).map(|h| self.stream.headers.push(h)),
            };
            if let Err(kind) = result {
                return Err(self.fail(kind));
            }
            self.line.clear();
            self.line_start = self.offset;
        }
        Ok(events)
    }

    /// [`finish`](Self::finish), with the findings decoding the whole
    /// stream at once gives (R1238, R1241, R2228; see the module doc). The
    /// stream re-encodes to the bytes pushed, so the findings are computed
    /// on those bytes and their offsets are offsets into the stream.
    pub fn finish_with_findings(self) -> Result<(InnerStream, Vec<Finding>), Error> {
        let stream = self.finish()?;
        let mut bytes = Vec::new();
        if stream.write(&mut bytes, Layout::Spec).is_err() {
            // Not reached: what the reader accepts re-encodes.
            return Ok((stream, Vec::new()));
        }
        let findings = crate::wire::decode::<InnerStream>(&bytes, Layout::Spec).map(|d| d.findings).unwrap_or_default();
        Ok((stream, findings))
    }

    fn fail(&mut self, kind: ErrorKind) -> Error {
        let e = self.error(kind);
        self.failed = Some(e.clone());
        e
    }

    /// The end of the stream: the whole stream, or why it is incomplete
    /// (MissingDone before DONE, MissingCrlf inside a line or before the
    /// empty line that ends the headers).
    pub fn finish(self) -> Result<InnerStream, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        match self.section {
            Section::Body => Ok(self.stream),
            Section::MetaTags if self.line.is_empty() => Err(self.error(ErrorKind::MissingDone)),
            _ => Err(self.error(ErrorKind::MissingCrlf)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode, encode};

    fn example() -> Vec<u8> {
        let mut s = Vec::new();
        s.extend_from_slice(PROCESSING_LINE);
        s.extend_from_slice(PENDING_LINE);
        s.extend(done_part(
            &[("X-ElapsedTime", "2"), ("X-StartTime", "Mon, 24 Mar 2014 22:49:26 GMT")],
            &[0, 0, 0, 0, 1, 2],
        ));
        s
    }

    #[test]
    fn whole_stream_round_trips() {
        let s = example();
        let d = decode::<InnerStream>(&s, Layout::Spec).unwrap();
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        assert_eq!(d.value.meta_tags, [MetaTag::Processing, MetaTag::Pending, MetaTag::Done]);
        assert_eq!(d.value.header("x-elapsedtime"), Some("2"));
        assert_eq!(d.value.body, [0, 0, 0, 0, 1, 2]);
        assert_eq!(encode(&d.value, Layout::Spec).unwrap(), s);
    }

    #[test]
    fn reader_agrees_byte_by_byte() {
        let s = example();
        let mut r = InnerStreamReader::new();
        let mut events = Vec::new();
        for b in &s {
            events.extend(r.push(std::slice::from_ref(b)).unwrap());
        }
        assert_eq!(
            events,
            [
                InnerStreamEvent::MetaTag(MetaTag::Processing),
                InnerStreamEvent::MetaTag(MetaTag::Pending),
                InnerStreamEvent::MetaTag(MetaTag::Done),
                InnerStreamEvent::Done
            ]
        );
        assert_eq!(r.finish().unwrap(), decode::<InnerStream>(&s, Layout::Spec).unwrap().value);
    }

    #[test]
    fn errors_name_line_and_offset() {
        let cases: &[(&[u8], &str, usize, &str)] = &[
            (b"PROCESSING\r\nPENDING\n", "MetaTags[1]", 12, "MissingCrlf"),
            (b"PROCESSING\r\nWAITING\r\n", "MetaTags[1]", 12, "UnknownMetaTag"),
            (b"PROCESSING\r\nX-StartTime: 1\r\n", "MetaTags[1]", 12, "HeaderBeforeDone"),
            (b"PROCESSING\r\n", "MetaTags[1]", 12, "MissingDone"),
            (b"DONE\r\nX-ElapsedTime\r\n\r\n", "AdditionalHeaders[0]", 6, "MalformedHeader"),
            (b"DONE\r\nX-ElapsedTime:2\r\n\r\n", "AdditionalHeaders[0]", 6, "MalformedHeader"),
            (b"DONE\r\nX-ElapsedTime: 2\r\n", "AdditionalHeaders[1]", 24, "MissingCrlf"),
        ];
        for (s, field, offset, kind) in cases {
            let e = decode::<InnerStream>(s, Layout::Spec).unwrap_err();
            assert_eq!((e.field.as_str(), e.offset, e.kind.name()), (*field, *offset, *kind), "{s:?}");
            let mut r = InnerStreamReader::new();
            let e2 = r.push(s).err().or_else(|| r.finish().err()).unwrap();
            assert_eq!(e2, e, "{s:?}");
        }
        let long = vec![b'A'; MAX_LINE + 1];
        let e = decode::<InnerStream>(&long, Layout::Spec).unwrap_err();
        assert_eq!(e.kind, ErrorKind::LineTooLong { limit: MAX_LINE });
        let mut r = InnerStreamReader::new();
        assert_eq!(r.push(&long).unwrap_err(), e);
    }

    #[test]
    fn findings_for_rules_that_still_parse() {
        let s = b"PENDING\r\nPROCESSING\r\nDONE\r\n\r\n";
        let d = decode::<InnerStream>(s, Layout::Spec).unwrap();
        let mut r = InnerStreamReader::new();
        r.push(s).unwrap();
        assert_eq!(r.finish_with_findings().unwrap().1, d.findings);
        let ids: Vec<_> = d.findings.iter().map(|f| f.requirement).collect();
        assert_eq!(
            ids,
            ["MS-OXCMAPIHTTP_R1238", "MS-OXCMAPIHTTP_R1241", "MS-OXCMAPIHTTP_R2228", "MS-OXCMAPIHTTP_R2228"]
        );
    }
}
