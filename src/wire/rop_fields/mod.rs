//! The field kinds of fixed-layout ROP buffers, and the two macros that
//! build a ROP request or response structure from its field list.
//!
//! Most ROP buffers of [MS-OXCROPS] 2.2 are a run of fixed-size fields,
//! perhaps with a 2-byte count before a variable part (a bookmark, a list
//! of property tags), and, in a response, more fields after ReturnValue
//! that only a success response has. Each ROP file states its fields once,
//! in wire order, with the kind of each ([`FieldKind`]); the macros derive
//! the struct, the reading, the writing and the external value form from
//! that list, so read and write cannot drift apart.
//!
//! A kind reads with the field's spec name (errors and listings name it),
//! annotates the value's meaning, and reports the findings that concern
//! the field alone (an undefined flag bit, say).

use super::codec::{put_u16, put_u32, EncodeError, Error, ErrorKind, Id8, Level, Reader};
use super::value::{kind_of, parse_int, MapBuilder, Obj};
use serde_json::Value;
use std::marker::PhantomData;

/// How one field is read, written and shown. `count` is the name of the
/// 2-byte count before a counted field (`BookmarkSize`), `None` for a plain
/// field.
pub trait FieldKind {
    /// What the field holds.
    type Value: Clone + PartialEq + Eq + std::fmt::Debug;
    /// Reads the field (and its count).
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, Error>;
    /// Appends the field (and its count).
    fn write(v: &Self::Value, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError>;
    /// Encoded length (for handle-index offsets).
    fn len(v: &Self::Value) -> usize;
    /// Adds the field (and its count) to a value map.
    fn put(v: &Self::Value, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder;
    /// Reads the field from a value map, checking a given count.
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, EncodeError>;
    /// The slot, and whether the ROP writes a new handle there, when the
    /// field is a handle-table index.
    fn handle(_v: &Self::Value) -> Option<(u8, bool)> {
        None
    }
}

/// A 1-byte unsigned integer.
pub struct U8;
/// A 2-byte unsigned integer.
pub struct U16;
/// A 4-byte unsigned integer.
pub struct U32;
/// A 4-byte signed integer (RowCount and RowsSought of the seek ROPs).
pub struct I32;
/// An 8-byte ID, kept in wire order (CategoryId).
pub struct Id;
/// A 1-byte Boolean, kept raw: 0x00 is FALSE, anything else TRUE.
pub struct Bool;
/// InputHandleIndex: a 1-byte slot the ROP reads a handle from.
pub struct InputIndex;
/// OutputHandleIndex: a 1-byte slot the ROP writes a new handle to.
pub struct OutputIndex;
/// A 2-byte count then that many bytes (Bookmark, RestrictionData).
pub struct SizedBytes;
/// A 2-byte count then that many 8-byte IDs (MessageIds, FolderIds).
pub struct IdList;
/// A 1-byte Boolean, then an 8-byte ID present exactly when it is nonzero
/// (HasMessageId and MessageId of the RopCreateMessage response). The
/// Boolean's name is the field's count name; its raw byte is kept.
pub struct FlaggedId;
/// A null-terminated ASCII string (MessageClass of RopTransportNewMail).
/// Kept as its bytes without the terminator; the value form is a string
/// with one character per byte (bytes 0x80-0xFF as U+0080-U+00FF), so
/// every byte survives a round trip. A byte that is not ASCII is a finding
/// only where the ROP's file says so.
pub struct AsciiZ;
/// A 4-byte unsigned integer that MUST NOT be zero (Denominator of
/// RopSeekRowFractional, MS-OXCTABL_R206).
pub struct NonZeroU32<R>(PhantomData<R>);

/// The requirement a zero value breaks.
pub trait ZeroRule {
    /// The requirement and its level.
    const RULE: (&'static str, Level);
}

impl<R: ZeroRule> FieldKind for NonZeroU32<R> {
    type Value = u32;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<u32, Error> {
        let at = r.pos();
        let v = r.u32(name)?;
        if v == 0 {
            let (req, level) = R::RULE;
            r.finding(req, level, name, at, format!("{name} is 0; it MUST NOT be zero"));
        }
        Ok(v)
    }
    fn write(v: &u32, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        put_u32(out, *v);
        Ok(())
    }
    fn len(_: &u32) -> usize {
        4
    }
    fn put(v: &u32, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(name, *v)
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<u32, EncodeError> {
        o.u32(name)
    }
}

macro_rules! int_kind {
    ($kind:ty, $t:ty, $read:ident, $put:expr, $take:ident, $index:expr) => {
        #[allow(clippy::redundant_closure_call)]
        impl FieldKind for $kind {
            type Value = $t;
            fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<$t, Error> {
                r.$read(name)
            }
            fn write(v: &$t, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
                #[allow(clippy::redundant_closure_call)]
                ($put)(out, *v);
                Ok(())
            }
            fn len(_: &$t) -> usize {
                std::mem::size_of::<$t>()
            }
            fn put(v: &$t, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
                b.int(name, *v)
            }
            fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<$t, EncodeError> {
                o.$take(name)
            }
            fn handle(v: &$t) -> Option<(u8, bool)> {
                #[allow(clippy::redundant_closure_call)]
                ($index)(*v)
            }
        }
    };
}

int_kind!(U8, u8, u8, |out: &mut Vec<u8>, v: u8| out.push(v), u8, |_| None);
int_kind!(U16, u16, u16, put_u16, u16, |_| None);
int_kind!(U32, u32, u32, put_u32, u32, |_| None);
int_kind!(InputIndex, u8, u8, |out: &mut Vec<u8>, v: u8| out.push(v), u8, |v| Some((v, false)));
int_kind!(OutputIndex, u8, u8, |out: &mut Vec<u8>, v: u8| out.push(v), u8, |v| Some((v, true)));

impl FieldKind for I32 {
    type Value = i32;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<i32, Error> {
        let v = r.u32(name)? as i32;
        r.set_value(|| v.to_string());
        Ok(v)
    }
    fn write(v: &i32, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn len(_: &i32) -> usize {
        4
    }
    fn put(v: &i32, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.value(name, Value::from(*v))
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<i32, EncodeError> {
        let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        signed_of(v).ok_or_else(|| EncodeError::new(name, format!("expected a 4-byte signed integer, found {v}")))
    }
}

/// A signed 32-bit integer from a number or a decimal / `0x` string.
fn signed_of(v: &Value) -> Option<i32> {
    match v {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => match s.trim().strip_prefix('-') {
            Some(rest) => parse_int(rest).and_then(|n| i32::try_from(-(n as i64)).ok()),
            None => parse_int(s).and_then(|n| i32::try_from(n).ok()),
        },
        _ => None,
    }
}

impl FieldKind for Id {
    type Value = Id8;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<Id8, Error> {
        r.id8(name)
    }
    fn write(v: &Id8, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.extend_from_slice(&v.0);
        Ok(())
    }
    fn len(_: &Id8) -> usize {
        8
    }
    fn put(v: &Id8, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.opt_id8(name, Some(*v))
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<Id8, EncodeError> {
        o.opt_id8(name)?.ok_or_else(|| EncodeError::new(name, "missing"))
    }
}

impl FieldKind for Bool {
    type Value = u8;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<u8, Error> {
        let v = r.u8(name)?;
        r.annotate(|| super::register_notification::bool_name(v));
        Ok(v)
    }
    fn write(v: &u8, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.push(*v);
        Ok(())
    }
    fn len(_: &u8) -> usize {
        1
    }
    fn put(v: &u8, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(name, *v)
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<u8, EncodeError> {
        o.u8(name)
    }
}

impl FieldKind for SizedBytes {
    type Value = Vec<u8>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, Error> {
        let size = r.u16(count.unwrap_or("Size"))?;
        r.annotate(|| format!("({size})"));
        // Bounded by the input: bytes() checks the length before copying.
        Ok(r.bytes(name, size as usize)?.to_vec())
    }
    fn write(v: &Vec<u8>, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        let n = u16::try_from(v.len())
            .map_err(|_| EncodeError::new(name, format!("{} bytes do not fit a 2-byte size", v.len())))?;
        put_u16(out, n);
        out.extend_from_slice(v);
        Ok(())
    }
    fn len(v: &Vec<u8>) -> usize {
        2 + v.len()
    }
    fn put(v: &Vec<u8>, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(count.unwrap_or("Size"), v.len() as u64).bytes(name, v)
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, EncodeError> {
        let v = o.bytes(name)?;
        check_count(o, count, v.len())?;
        Ok(v)
    }
}

impl FieldKind for IdList {
    type Value = Vec<Id8>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Vec<Id8>, Error> {
        let n = r.u16(count.unwrap_or("Count"))?;
        r.annotate(|| crate::plural::plural(n as usize, "ID"));
        // Bounded by the input: bytes() checks the length before anything
        // is allocated for the IDs.
        let raw = r.bytes(name, n as usize * 8)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| {
                let mut id = [0u8; 8];
                id.copy_from_slice(c);
                Id8(id)
            })
            .collect())
    }
    fn write(v: &Vec<Id8>, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        let n = u16::try_from(v.len())
            .map_err(|_| EncodeError::new(name, format!("{} IDs do not fit a 2-byte count", v.len())))?;
        put_u16(out, n);
        for id in v {
            out.extend_from_slice(&id.0);
        }
        Ok(())
    }
    fn len(v: &Vec<Id8>) -> usize {
        2 + 8 * v.len()
    }
    fn put(v: &Vec<Id8>, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(count.unwrap_or("Count"), v.len() as u64)
            .value(name, Value::Array(v.iter().map(|id| Value::String(id.to_string())).collect()))
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Vec<Id8>, EncodeError> {
        let list = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        let items = list
            .as_array()
            .ok_or_else(|| EncodeError::new(name, format!("expected a list of IDs, found {}", kind_of(list))))?;
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("{name}[{i}]");
            let text = item.as_str().ok_or_else(|| EncodeError::new(&at, "expected 16 hex digits"))?;
            let bytes = crate::hex::parse(text).map_err(|e| EncodeError::new(&at, e.message))?;
            let id: [u8; 8] = bytes.as_slice().try_into().map_err(|_| {
                EncodeError::new(
                    &at,
                    format!("an ID is 8 bytes (16 hex digits), found {}", crate::plural::plural(bytes.len(), "byte")),
                )
            })?;
            ids.push(Id8(id));
        }
        check_count(o, count, ids.len())?;
        Ok(ids)
    }
}

impl FieldKind for FlaggedId {
    type Value = (u8, Option<Id8>);
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<(u8, Option<Id8>), Error> {
        let flag = r.u8(count.unwrap_or("Has"))?;
        r.annotate(|| super::register_notification::bool_name(flag));
        let id = if flag != 0 { Some(r.id8(name)?) } else { None };
        Ok((flag, id))
    }
    fn write(v: &(u8, Option<Id8>), out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.push(v.0);
        if let Some(id) = v.1 {
            out.extend_from_slice(&id.0);
        }
        Ok(())
    }
    fn len(v: &(u8, Option<Id8>)) -> usize {
        1 + if v.1.is_some() { 8 } else { 0 }
    }
    fn put(v: &(u8, Option<Id8>), b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(count.unwrap_or("Has"), v.0).opt_id8(name, v.1)
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<(u8, Option<Id8>), EncodeError> {
        let flag_name = count.unwrap_or("Has");
        let id = o.opt_id8(name)?;
        let flag = match o.opt_u8(flag_name)? {
            Some(f) => f,
            None => u8::from(id.is_some()),
        };
        if (flag != 0) != id.is_some() {
            return Err(EncodeError::new(
                name,
                if id.is_some() {
                    format!("present, but {flag_name} is 0x00: the field is there exactly when {flag_name} is nonzero")
                } else {
                    format!("missing: {flag_name} is 0x{flag:02X}, so the field follows it")
                },
            ));
        }
        Ok((flag, id))
    }
}

impl FieldKind for AsciiZ {
    type Value = Vec<u8>;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, Error> {
        let at = r.pos();
        let (bytes, terminated) = r.cstring(name, 1);
        if !terminated {
            // The terminator is one more byte than the rest of the buffer holds.
            let available = bytes.len();
            return Err(r.error_at(name, at, ErrorKind::Truncated { needed: available + 1, available }));
        }
        let text: String = bytes.iter().map(|&b| b as char).collect();
        r.set_value(|| format!("{text:?}"));
        Ok(bytes.to_vec())
    }
    fn write(v: &Vec<u8>, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        if v.contains(&0) {
            return Err(EncodeError::new(name, "holds a 0x00 byte, which would end the string early"));
        }
        out.extend_from_slice(v);
        out.push(0);
        Ok(())
    }
    fn len(v: &Vec<u8>) -> usize {
        v.len() + 1
    }
    fn put(v: &Vec<u8>, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.value(name, Value::String(v.iter().map(|&b| b as char).collect()))
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, EncodeError> {
        let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        let text =
            v.as_str().ok_or_else(|| EncodeError::new(name, format!("expected a string, found {}", kind_of(v))))?;
        text.chars()
            .map(|c| {
                u8::try_from(u32::from(c))
                    .map_err(|_| EncodeError::new(name, format!("{c:?} is not one byte (an ASCII string holds bytes)")))
            })
            .collect()
    }
}

/// Checks a count field given in a value map against the items it counts.
pub(crate) fn check_count(o: &Obj, count: Option<&'static str>, actual: usize) -> Result<(), EncodeError> {
    if let Some(c) = count {
        if let Some(given) = o.opt_u16(c)? {
            if given as usize != actual {
                return Err(EncodeError::new(c, format!("{given} does not match the {actual} that follow")));
            }
        }
    }
    Ok(())
}

/// The defined values of a 1-byte flag word or enumeration, and the rule
/// broken by any other value (if the spec states one).
pub trait ByteNames {
    /// Each defined bit (flags) or value (enumerations) with its spec name.
    const NAMES: &'static [(u8, &'static str)];
    /// Whether the names are bits of a flag word (else values of an enumeration).
    const FLAGS: bool;
    /// The requirement an undefined bit or value breaks, with its level;
    /// `None` where the spec leaves other values open.
    const RULE: Option<(&'static str, Level)>;
}

/// A 1-byte flag word or enumeration with named values ([`ByteNames`]),
/// kept raw so undefined bits and values survive.
pub struct Named<N>(PhantomData<N>);

/// The names of the bits set in `v` (flags) or of the value `v`, with any
/// undefined part; `None` when everything is defined.
pub fn byte_names<N: ByteNames>(v: u8) -> (String, Option<u8>) {
    if N::FLAGS {
        let mut parts: Vec<String> =
            N::NAMES.iter().filter(|(b, _)| *b != 0 && v & b == *b).map(|(_, n)| n.to_string()).collect();
        let defined = N::NAMES.iter().fold(0u8, |a, (b, _)| a | b);
        let unknown = v & !defined;
        if unknown != 0 {
            parts.push(format!("undefined 0x{unknown:02X}"));
        }
        if parts.is_empty() {
            let zero = N::NAMES.iter().find(|(b, _)| *b == 0).map_or("none", |(_, n)| n);
            parts.push(zero.to_string());
        }
        (parts.join("|"), (unknown != 0).then_some(unknown))
    } else {
        match N::NAMES.iter().find(|(b, _)| *b == v) {
            Some((_, n)) => (n.to_string(), None),
            None => ("undefined".into(), Some(v)),
        }
    }
}

impl<N: ByteNames> FieldKind for Named<N> {
    type Value = u8;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<u8, Error> {
        let at = r.pos();
        let v = r.u8(name)?;
        let (text, undefined) = byte_names::<N>(v);
        r.annotate(|| text);
        if let (Some(u), Some((req, level))) = (undefined, N::RULE) {
            let what = match (N::FLAGS, u.count_ones()) {
                (true, 1) => format!("bit 0x{u:02X} is"),
                (true, _) => format!("bits 0x{u:02X} are"),
                (false, _) => format!("0x{u:02X} is"),
            };
            let defined: Vec<String> = N::NAMES.iter().map(|(b, n)| format!("{n} 0x{b:02X}")).collect();
            r.finding(req, level, name, at, format!("{what} not defined for {name} ({})", defined.join(", ")));
        }
        Ok(v)
    }
    fn write(v: &u8, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.push(*v);
        Ok(())
    }
    fn len(_: &u8) -> usize {
        1
    }
    fn put(v: &u8, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(name, *v)
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<u8, EncodeError> {
        o.u8(name)
    }
}

mod macros;

pub(crate) use macros::{byte_table, rop_request, rop_response};

/// The count name of a counted field, from the macro's optional literal.
#[doc(hidden)]
pub const fn count_of(c: &[&'static str]) -> Option<&'static str> {
    match c {
        [n] => Some(*n),
        _ => None,
    }
}
