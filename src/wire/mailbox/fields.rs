//! Field helpers the mailbox ROPs share beyond the kinds of
//! [`rop_fields`](crate::wire::rop_fields): GUIDs, a string counted by a
//! size that includes its terminator (Essdn, ServerName), strings whose
//! width another field chooses (DisplayName, Comment, NewFolderName:
//! 8-bit or UTF-16LE as UseUnicodeStrings / UseUnicode say), and the
//! replica list of a ghosted public folder (ServerCount, CheapServerCount,
//! Servers of RopOpenFolder and RopCreateFolder).

use crate::wire::codec::{put_u16, EncodeError, Error, ErrorKind, Reader};
use crate::wire::rop_fields::{check_count, FieldKind};
use crate::wire::value::{int_of, kind_of, MapBuilder, Obj};
use serde_json::Value;

/// A 16-byte GUID, kept in wire order; its value form is 32 hex digits.
pub struct Guid;

impl FieldKind for Guid {
    type Value = [u8; 16];
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<[u8; 16], Error> {
        let b = r.bytes(name, 16)?;
        let mut g = [0u8; 16];
        g.copy_from_slice(b);
        Ok(g)
    }
    fn write(v: &[u8; 16], out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.extend_from_slice(v);
        Ok(())
    }
    fn len(_: &[u8; 16]) -> usize {
        16
    }
    fn put(v: &[u8; 16], b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.bytes(name, v)
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<[u8; 16], EncodeError> {
        let b = o.bytes(name)?;
        b.as_slice().try_into().map_err(|_| EncodeError::new(name, format!("a GUID is 16 bytes, found {}", b.len())))
    }
}

/// An 8-byte unsigned integer (GwartTime).
pub struct U64;

impl FieldKind for U64 {
    type Value = u64;
    fn read(r: &mut Reader, _: Option<&'static str>, name: &'static str) -> Result<u64, Error> {
        let b = r.bytes(name, 8)?;
        let v = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        r.set_value(|| v.to_string());
        Ok(v)
    }
    fn write(v: &u64, out: &mut Vec<u8>, _: &'static str) -> Result<(), EncodeError> {
        out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn len(_: &u64) -> usize {
        8
    }
    fn put(v: &u64, b: MapBuilder, _: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(name, *v)
    }
    fn take(o: &Obj, _: Option<&'static str>, name: &'static str) -> Result<u64, EncodeError> {
        let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        int_of(v, u64::MAX).map_err(|m| EncodeError::new(name, m))
    }
}

/// A null-terminated ASCII string after a 2-byte size that counts its
/// characters with the terminator (Essdn of RopLogon, MS-OXCROPS_R38-R41).
/// Kept without the terminator; the value form is a string of one
/// character per byte. A size of 0, or a last counted byte that is not
/// 0x00, leaves no string to frame and is an error.
pub struct SizedAsciiZ;

/// Reads `size` bytes that end in the terminator.
pub(crate) fn read_sized_z(r: &mut Reader, size: usize, name: &'static str) -> Result<Vec<u8>, Error> {
    let at = r.pos();
    let b = r.bytes(name, size)?;
    match b.split_last() {
        // A 0x00 before the last counted byte ends the string early: the
        // size would count bytes after its terminator.
        Some((0, text)) if text.contains(&0) => {
            let i = text.iter().position(|&c| c == 0).unwrap_or(0);
            Err(r.error_at(name, at + i, ErrorKind::UndefinedValue { value: 0 }))
        }
        Some((0, text)) => {
            let text = text.to_vec();
            r.set_value(|| format!("{:?}", one_byte_chars(&text)));
            Ok(text)
        }
        Some((&last, _)) => Err(r.error_at(name, at + size - 1, ErrorKind::UndefinedValue { value: u32::from(last) })),
        None => Err(r.error_at(name, at, ErrorKind::Truncated { needed: 1, available: 0 })),
    }
}

fn one_byte_chars(v: &[u8]) -> String {
    v.iter().map(|&b| b as char).collect()
}

/// The bytes of a one-byte-per-character string of the value form.
pub(crate) fn one_byte_string(o: &Obj, name: &'static str) -> Result<Vec<u8>, EncodeError> {
    let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
    let text = v.as_str().ok_or_else(|| EncodeError::new(name, format!("expected a string, found {}", kind_of(v))))?;
    text.chars()
        .map(|c| {
            u8::try_from(u32::from(c))
                .map_err(|_| EncodeError::new(name, format!("{c:?} is not one byte (an ASCII string holds bytes)")))
        })
        .collect()
}

impl FieldKind for SizedAsciiZ {
    type Value = Vec<u8>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, Error> {
        let size = r.u16(count.unwrap_or("Size"))?;
        r.annotate(|| format!("({size})"));
        read_sized_z(r, size as usize, name)
    }
    fn write(v: &Vec<u8>, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        let n = u16::try_from(v.len() + 1)
            .map_err(|_| EncodeError::new(name, format!("{} bytes do not fit a 2-byte size", v.len() + 1)))?;
        put_u16(out, n);
        out.extend_from_slice(v);
        out.push(0);
        Ok(())
    }
    fn len(v: &Vec<u8>) -> usize {
        3 + v.len()
    }
    fn put(v: &Vec<u8>, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(count.unwrap_or("Size"), v.len() as u64 + 1).value(name, Value::String(one_byte_chars(v)))
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Vec<u8>, EncodeError> {
        let v = one_byte_string(o, name)?;
        check_count(o, count, v.len() + 1)?;
        Ok(v)
    }
}

/// A null-terminated string of 8-bit characters or, when `unicode`, of
/// UTF-16LE code units, kept as its bytes without the terminator.
/// Unterminated is an error (the rest of the buffer cannot be framed).
pub(crate) fn read_text(r: &mut Reader, unicode: bool, name: &'static str) -> Result<Vec<u8>, Error> {
    let at = r.pos();
    let unit = if unicode { 2 } else { 1 };
    let (bytes, terminated) = r.cstring(name, unit);
    if !terminated {
        let available = bytes.len();
        let needed = available - available % unit + unit;
        return Err(r.error_at(name, at, ErrorKind::Truncated { needed, available }));
    }
    let bytes = bytes.to_vec();
    let shown = text_value(&bytes, unicode);
    r.set_value(|| shown.to_string());
    Ok(bytes)
}

/// Appends `v` and its terminator; refuses a terminator inside it.
pub(crate) fn write_text(v: &[u8], unicode: bool, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
    let early = if unicode { v.len() % 2 != 0 || v.chunks(2).any(|c| c == [0, 0]) } else { v.contains(&0) };
    if early {
        return Err(EncodeError::new(
            name,
            "holds a terminator (or half a UTF-16 code unit), which would end it early",
        ));
    }
    out.extend_from_slice(v);
    out.extend_from_slice(if unicode { &[0, 0] } else { &[0] });
    Ok(())
}

/// The value form of a string read by [`read_text`]: its text, or, for
/// UTF-16 that does not decode (an unpaired surrogate), `{"Bytes": hex}`.
pub(crate) fn text_value(v: &[u8], unicode: bool) -> Value {
    if !unicode {
        return Value::String(one_byte_chars(v));
    }
    let units: Vec<u16> = v.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    match String::from_utf16(&units) {
        Ok(s) => Value::String(s),
        Err(_) => serde_json::json!({ "Bytes": crate::hex::encode(v) }),
    }
}

/// The bytes of a string field of the value form, 8-bit or UTF-16LE.
pub(crate) fn text_from(o: &Obj, name: &'static str, unicode: bool) -> Result<Vec<u8>, EncodeError> {
    let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
    if let Some(hex) = v.get("Bytes").and_then(Value::as_str) {
        return crate::hex::parse(hex).map_err(|e| EncodeError::new(name, e.message));
    }
    if !unicode {
        return one_byte_string(o, name);
    }
    let text = v.as_str().ok_or_else(|| EncodeError::new(name, format!("expected a string, found {}", kind_of(v))))?;
    Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect())
}

/// The replica list of a ghosted public folder: ServerCount,
/// CheapServerCount, then ServerCount null-terminated ASCII strings
/// (MS-OXCROPS 2.2.4.1.2, 2.2.4.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replicas {
    /// CheapServerCount: how many servers at the front share the lowest cost.
    pub cheap_server_count: u16,
    /// Servers, each without its terminator (ServerCount is their number).
    pub servers: Vec<Vec<u8>>,
}

/// The names of [`Replicas`]' fields in the value form.
pub(crate) const REPLICA_FIELDS: [&str; 3] = ["ServerCount", "CheapServerCount", "Servers"];

impl Replicas {
    /// Reads the three fields.
    pub(crate) fn read(r: &mut Reader) -> Result<Self, Error> {
        let n = r.u16("ServerCount")?;
        let cheap_server_count = r.u16("CheapServerCount")?;
        // Bounded by the input: each string takes at least its terminator.
        if n as usize > r.remaining() {
            return Err(r.error("Servers", ErrorKind::Truncated { needed: n as usize, available: r.remaining() }));
        }
        let mut servers = Vec::with_capacity(n as usize);
        for _ in 0..n {
            servers.push(read_text(r, false, "Servers")?);
        }
        Ok(Replicas { cheap_server_count, servers })
    }

    /// Appends the three fields.
    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let n = u16::try_from(self.servers.len())
            .map_err(|_| EncodeError::new("ServerCount", "more servers than a 2-byte count holds"))?;
        put_u16(out, n);
        put_u16(out, self.cheap_server_count);
        for s in &self.servers {
            write_text(s, false, out, "Servers")?;
        }
        Ok(())
    }

    /// Adds the three fields to a value map.
    pub(crate) fn put(&self, b: MapBuilder) -> MapBuilder {
        b.int("ServerCount", self.servers.len() as u64)
            .int("CheapServerCount", self.cheap_server_count)
            .value("Servers", Value::Array(self.servers.iter().map(|s| Value::String(one_byte_chars(s))).collect()))
    }

    /// Reads the fields from a value map; `None` when none is given.
    pub(crate) fn take(o: &Obj) -> Result<Option<Self>, EncodeError> {
        if REPLICA_FIELDS.iter().all(|f| o.get(f).is_none()) {
            return Ok(None);
        }
        let list = o.get("Servers").ok_or_else(|| EncodeError::new("Servers", "missing"))?;
        let items = list.as_array().ok_or_else(|| {
            EncodeError::new("Servers", format!("expected a list of strings, found {}", kind_of(list)))
        })?;
        let mut servers = Vec::with_capacity(items.len());
        for item in items {
            let text = item.as_str().ok_or_else(|| EncodeError::new("Servers", "expected strings"))?;
            let mut bytes = Vec::with_capacity(text.len());
            for c in text.chars() {
                bytes.push(u8::try_from(u32::from(c)).map_err(|_| {
                    EncodeError::new("Servers", format!("{c:?} is not one byte (an ASCII string holds bytes)"))
                })?);
            }
            servers.push(bytes);
        }
        check_count(o, Some("ServerCount"), servers.len())?;
        Ok(Some(Replicas { cheap_server_count: o.u16("CheapServerCount")?, servers }))
    }
}
