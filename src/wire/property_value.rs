//! Property values: [MS-OXCDATA] 2.11. A PropertyValue's layout is set by
//! its property type, which the bytes do not carry (a PropertyRow takes it
//! from the column set, a TaggedPropertyValue from its PropertyTag).
//!
//! The widths are those of ROP buffers (MS-OXCDATA 2.11.1): a PtypBinary
//! (and PtypServerId) byte count is 2 bytes, a PtypMultiple value count is
//! 4 bytes. Strings are null-terminated (UTF-16LE for PtypString, 8-bit for
//! PtypString8); a string that runs to the end of its data without a
//! terminator is kept as it is, so decoding stays lossless.
//!
//! Lossless value form: integers are numbers (PtypBoolean keeps its raw
//! byte); a float is a number when it is finite, else the hex of its bytes;
//! a string is its text when terminated and clean, else `{Bytes,
//! Terminated}`; PtypBinary, PtypServerId and PtypGuid are hex; a
//! multi-valued value is a list; PtypNull is `null`. The types this codec
//! cannot frame (PtypObject, PtypRestriction, PtypRuleAction, PtypUnspecified
//! where a type is needed, and undefined types) are refused with
//! [`ErrorKind::UnsupportedPropertyType`].

use super::codec::{put_u16, put_u32, EncodeError, Error, ErrorKind, Reader};
use super::notification_data::MessageClass;
use super::property_tag::{self as pt, PropertyTag};
use super::value::{kind_of, MapBuilder, Obj};
use super::{Layout, WireStructure};
use serde_json::Value;

/// A null-terminated string as sent: its bytes before the terminator and
/// whether the terminator was there (the same shape as MessageClass).
pub type PropertyString = MessageClass;

/// One property value, of the type its tag or column gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyValue {
    /// PtypNull: no bytes.
    Null,
    /// PtypInteger16.
    Integer16(u16),
    /// PtypInteger32.
    Integer32(u32),
    /// PtypFloating32, its bits.
    Floating32(u32),
    /// PtypFloating64, its bits.
    Floating64(u64),
    /// PtypCurrency: a signed, scaled 8-byte integer.
    Currency(i64),
    /// PtypFloatingTime, its bits.
    FloatingTime(u64),
    /// PtypErrorCode.
    ErrorCode(u32),
    /// PtypBoolean, the raw byte.
    Boolean(u8),
    /// PtypInteger64.
    Integer64(u64),
    /// PtypString8: 8-bit, null-terminated.
    String8(PropertyString),
    /// PtypString: UTF-16LE, null-terminated.
    String(PropertyString),
    /// PtypTime: a FILETIME.
    Time(u64),
    /// PtypGuid: 16 bytes in wire order.
    Guid([u8; 16]),
    /// PtypBinary: a 2-byte count, then the bytes.
    Binary(Vec<u8>),
    /// PtypServerId: a 2-byte count, then the bytes.
    ServerId(Vec<u8>),
    /// A PtypMultipleX value: a 4-byte count, then the values.
    Multiple(Vec<PropertyValue>),
}

/// The fewest bytes one value of `t` takes, for bounding a count before
/// anything is reserved; `None` for a type this codec cannot frame.
fn min_len(t: u16) -> Option<usize> {
    Some(match t {
        pt::PTYP_NULL => 0,
        pt::PTYP_BOOLEAN => 1,
        pt::PTYP_INTEGER16 | pt::PTYP_BINARY | pt::PTYP_SERVER_ID | pt::PTYP_STRING => 2,
        pt::PTYP_STRING8 => 1,
        pt::PTYP_INTEGER32 | pt::PTYP_FLOATING32 | pt::PTYP_ERROR_CODE => 4,
        pt::PTYP_FLOATING64 | pt::PTYP_CURRENCY | pt::PTYP_FLOATING_TIME | pt::PTYP_INTEGER64 | pt::PTYP_TIME => 8,
        pt::PTYP_GUID => 16,
        _ => return None,
    })
}

/// Whether `t` is a type [`PropertyValue::read`] frames.
pub fn supported(t: u16) -> bool {
    match t & !pt::MULTIVALUE_INSTANCE {
        m if m & pt::MULTIPLE != 0 => {
            let base = m & !pt::MULTIPLE;
            base != pt::PTYP_NULL && base != pt::PTYP_BOOLEAN && base != pt::PTYP_ERROR_CODE && min_len(base).is_some()
        }
        b => min_len(b).is_some(),
    }
}

fn unsupported(r: &Reader, field: &'static str, t: u16) -> Error {
    r.error(field, ErrorKind::UnsupportedPropertyType { property_type: t })
}

fn hex_bytes(v: &[u8]) -> Value {
    Value::String(crate::hex::encode(v))
}

impl PropertyValue {
    /// Reads a value of type `t` (the MultivalueInstance bit is ignored:
    /// it marks the column, not the value).
    pub fn read(r: &mut Reader, t: u16, field: &'static str) -> Result<Self, Error> {
        let t = t & !pt::MULTIVALUE_INSTANCE;
        if t & pt::MULTIPLE != 0 {
            let base = t & !pt::MULTIPLE;
            if !supported(t) {
                return Err(unsupported(r, field, t));
            }
            let n = r.u32(field)?;
            r.annotate(|| format!("({n} values)"));
            // Bounded by the input: every value takes at least min_len bytes.
            let least = min_len(base).unwrap_or(1).max(1);
            if n as usize > r.remaining() / least {
                return Err(r.error(
                    field,
                    ErrorKind::Truncated { needed: (n as usize).saturating_mul(least), available: r.remaining() },
                ));
            }
            let mut values = Vec::with_capacity(n as usize);
            for _ in 0..n {
                values.push(Self::read_one(r, base, field)?);
            }
            return Ok(PropertyValue::Multiple(values));
        }
        Self::read_one(r, t, field)
    }

    fn read_one(r: &mut Reader, t: u16, field: &'static str) -> Result<Self, Error> {
        let u64_of = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        Ok(match t {
            pt::PTYP_NULL => PropertyValue::Null,
            pt::PTYP_INTEGER16 => PropertyValue::Integer16(r.u16(field)?),
            pt::PTYP_INTEGER32 => PropertyValue::Integer32(r.u32(field)?),
            pt::PTYP_FLOATING32 => {
                let v = r.u32(field)?;
                r.set_value(|| f32::from_bits(v).to_string());
                PropertyValue::Floating32(v)
            }
            pt::PTYP_ERROR_CODE => {
                let v = r.u32(field)?;
                r.annotate(|| super::return_value_name(v).to_string());
                PropertyValue::ErrorCode(v)
            }
            pt::PTYP_BOOLEAN => {
                let v = r.u8(field)?;
                r.annotate(|| super::register_notification::bool_name(v));
                PropertyValue::Boolean(v)
            }
            pt::PTYP_FLOATING64 | pt::PTYP_FLOATING_TIME | pt::PTYP_CURRENCY | pt::PTYP_INTEGER64 | pt::PTYP_TIME => {
                let v = u64_of(r.bytes(field, 8)?);
                r.set_value(|| match t {
                    pt::PTYP_FLOATING64 | pt::PTYP_FLOATING_TIME => f64::from_bits(v).to_string(),
                    pt::PTYP_CURRENCY => (v as i64).to_string(),
                    _ => format!("0x{v:016X}"),
                });
                match t {
                    pt::PTYP_FLOATING64 => PropertyValue::Floating64(v),
                    pt::PTYP_FLOATING_TIME => PropertyValue::FloatingTime(v),
                    pt::PTYP_CURRENCY => PropertyValue::Currency(v as i64),
                    pt::PTYP_INTEGER64 => PropertyValue::Integer64(v),
                    _ => PropertyValue::Time(v),
                }
            }
            pt::PTYP_STRING | pt::PTYP_STRING8 => {
                let unicode = t == pt::PTYP_STRING;
                let (bytes, terminated) = r.cstring(field, if unicode { 2 } else { 1 });
                let s = PropertyString { bytes: bytes.to_vec(), terminated };
                r.set_value(|| match s.text(unicode) {
                    Some(text) => format!("{text:?}"),
                    None => format!("{} bytes{}", s.bytes.len(), if terminated { "" } else { ", no terminator" }),
                });
                if unicode {
                    PropertyValue::String(s)
                } else {
                    PropertyValue::String8(s)
                }
            }
            pt::PTYP_GUID => {
                let b = r.bytes(field, 16)?;
                let mut g = [0u8; 16];
                g.copy_from_slice(b);
                r.set_value(|| crate::hex::encode(&g));
                PropertyValue::Guid(g)
            }
            pt::PTYP_BINARY | pt::PTYP_SERVER_ID => {
                let n = r.u16(field)?;
                r.annotate(|| format!("({n} bytes follow)"));
                let b = r.bytes(field, n as usize)?.to_vec();
                if t == pt::PTYP_BINARY {
                    PropertyValue::Binary(b)
                } else {
                    PropertyValue::ServerId(b)
                }
            }
            _ => return Err(unsupported(r, field, t)),
        })
    }

    /// The property type the value has (without MultivalueInstance).
    pub fn property_type(&self) -> u16 {
        match self {
            PropertyValue::Null => pt::PTYP_NULL,
            PropertyValue::Integer16(_) => pt::PTYP_INTEGER16,
            PropertyValue::Integer32(_) => pt::PTYP_INTEGER32,
            PropertyValue::Floating32(_) => pt::PTYP_FLOATING32,
            PropertyValue::Floating64(_) => pt::PTYP_FLOATING64,
            PropertyValue::Currency(_) => pt::PTYP_CURRENCY,
            PropertyValue::FloatingTime(_) => pt::PTYP_FLOATING_TIME,
            PropertyValue::ErrorCode(_) => pt::PTYP_ERROR_CODE,
            PropertyValue::Boolean(_) => pt::PTYP_BOOLEAN,
            PropertyValue::Integer64(_) => pt::PTYP_INTEGER64,
            PropertyValue::String8(_) => pt::PTYP_STRING8,
            PropertyValue::String(_) => pt::PTYP_STRING,
            PropertyValue::Time(_) => pt::PTYP_TIME,
            PropertyValue::Guid(_) => pt::PTYP_GUID,
            PropertyValue::Binary(_) => pt::PTYP_BINARY,
            PropertyValue::ServerId(_) => pt::PTYP_SERVER_ID,
            // The element type is not known from an empty list; the
            // encoder checks elements against the column's type instead.
            PropertyValue::Multiple(v) => pt::MULTIPLE | v.first().map_or(0, |x| x.property_type()),
        }
    }

    /// Appends the value, which must be of type `t`; `field` names it in a refusal.
    pub fn write(&self, out: &mut Vec<u8>, t: u16, field: &str) -> Result<(), EncodeError> {
        let t = t & !pt::MULTIVALUE_INSTANCE;
        if let PropertyValue::Multiple(values) = self {
            if t & pt::MULTIPLE == 0 || !supported(t) {
                return Err(mismatch(field, t, self));
            }
            let n = u32::try_from(values.len())
                .map_err(|_| EncodeError::new(field, "more values than a 4-byte count holds"))?;
            put_u32(out, n);
            for (i, v) in values.iter().enumerate() {
                if matches!(v, PropertyValue::Multiple(_)) {
                    return Err(EncodeError::new(format!("{field}[{i}]"), "a multi-valued value cannot nest"));
                }
                v.write(out, t & !pt::MULTIPLE, &format!("{field}[{i}]"))?;
            }
            return Ok(());
        }
        if self.property_type() != t {
            return Err(mismatch(field, t, self));
        }
        match self {
            PropertyValue::Null => {}
            PropertyValue::Integer16(v) => put_u16(out, *v),
            PropertyValue::Integer32(v) | PropertyValue::Floating32(v) | PropertyValue::ErrorCode(v) => {
                put_u32(out, *v)
            }
            PropertyValue::Boolean(v) => out.push(*v),
            PropertyValue::Floating64(v)
            | PropertyValue::FloatingTime(v)
            | PropertyValue::Integer64(v)
            | PropertyValue::Time(v) => out.extend_from_slice(&v.to_le_bytes()),
            PropertyValue::Currency(v) => out.extend_from_slice(&v.to_le_bytes()),
            PropertyValue::String8(s) | PropertyValue::String(s) => {
                let unicode = matches!(self, PropertyValue::String(_));
                s.check(unicode).map_err(|m| EncodeError::new(field, m))?;
                out.extend_from_slice(&s.bytes);
                if s.terminated {
                    out.extend_from_slice(&[0, 0][..if unicode { 2 } else { 1 }]);
                }
            }
            PropertyValue::Guid(g) => out.extend_from_slice(g),
            PropertyValue::Binary(b) | PropertyValue::ServerId(b) => {
                let n = u16::try_from(b.len())
                    .map_err(|_| EncodeError::new(field, format!("{} bytes do not fit a 2-byte count", b.len())))?;
                put_u16(out, n);
                out.extend_from_slice(b);
            }
            PropertyValue::Multiple(_) => {}
        }
        Ok(())
    }

    /// The external value form (see the module doc).
    pub fn to_value(&self) -> Value {
        let float = |bits: u64, f: f64, width: usize| {
            if f.is_finite() {
                Value::from(f)
            } else {
                hex_bytes(&bits.to_le_bytes()[..width])
            }
        };
        match self {
            PropertyValue::Null => Value::Null,
            PropertyValue::Integer16(v) => Value::from(*v),
            PropertyValue::Integer32(v) | PropertyValue::ErrorCode(v) => Value::from(*v),
            PropertyValue::Boolean(v) => Value::from(*v),
            PropertyValue::Floating32(v) => float(*v as u64, f32::from_bits(*v) as f64, 4),
            PropertyValue::Floating64(v) | PropertyValue::FloatingTime(v) => float(*v, f64::from_bits(*v), 8),
            PropertyValue::Currency(v) => Value::from(*v),
            PropertyValue::Integer64(v) | PropertyValue::Time(v) => Value::from(*v),
            PropertyValue::String8(s) | PropertyValue::String(s) => {
                match s.text(matches!(self, PropertyValue::String(_))) {
                    Some(t) => Value::String(t),
                    None => MapBuilder::new()
                        .bytes("Bytes", &s.bytes)
                        .value("Terminated", Value::Bool(s.terminated))
                        .build(),
                }
            }
            PropertyValue::Guid(g) => hex_bytes(g),
            PropertyValue::Binary(b) | PropertyValue::ServerId(b) => hex_bytes(b),
            PropertyValue::Multiple(v) => Value::Array(v.iter().map(|x| x.to_value()).collect()),
        }
    }

    /// Reads the value form of a value of type `t`.
    pub fn from_value(v: &Value, t: u16, field: &str) -> Result<Self, EncodeError> {
        let t = t & !pt::MULTIVALUE_INSTANCE;
        let err = |m: String| EncodeError::new(field, m);
        if t & pt::MULTIPLE != 0 {
            if !supported(t) {
                return Err(err(format!("{} values cannot be encoded", pt::type_name_of(t))));
            }
            let Value::Array(items) = v else {
                return Err(err(format!("a multi-valued value is a list, found {}", kind_of(v))));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                out.push(Self::from_value(x, t & !pt::MULTIPLE, &format!("{field}[{i}]"))?);
            }
            return Ok(PropertyValue::Multiple(out));
        }
        let int = |max: u64| super::value::int_of(v, max).map_err(err);
        let signed = || match v {
            Value::Number(n) => n.as_i64().ok_or_else(|| err(format!("expected an 8-byte signed integer, found {v}"))),
            Value::String(s) => s.trim().parse::<i64>().map_err(|_| err(format!("expected an integer, found {s:?}"))),
            _ => Err(err(format!("expected an integer, found {}", kind_of(v)))),
        };
        let bytes = || match v {
            Value::String(s) => crate::hex::parse(s).map_err(|e| err(e.message)),
            _ => Err(err(format!("expected a hex string, found {}", kind_of(v)))),
        };
        let float = |width: usize| -> Result<u64, EncodeError> {
            match v {
                Value::Number(n) => {
                    let f = n.as_f64().ok_or_else(|| err(format!("{n} is not a number")))?;
                    Ok(if width == 4 { (f as f32).to_bits() as u64 } else { f.to_bits() })
                }
                Value::String(_) => {
                    let b = bytes()?;
                    if b.len() != width {
                        return Err(err(format!("the bytes of a {width}-byte float, found {} bytes", b.len())));
                    }
                    let mut a = [0u8; 8];
                    a[..width].copy_from_slice(&b);
                    Ok(u64::from_le_bytes(a))
                }
                _ => Err(err(format!("expected a number or the hex of its bytes, found {}", kind_of(v)))),
            }
        };
        let string = |unicode: bool| -> Result<PropertyString, EncodeError> {
            match v {
                Value::String(s) => PropertyString::from_text(s, unicode).map_err(err),
                Value::Object(_) => {
                    const FIELDS: &[&str] = &["Bytes", "Terminated"];
                    let o = Obj::new(v, FIELDS).map_err(|e| e.within(field))?;
                    let b = o.bytes("Bytes").map_err(|e| e.within(field))?;
                    let terminated = match o.get("Terminated") {
                        None => true,
                        Some(Value::Bool(b)) => *b,
                        Some(x) => return Err(err(format!("Terminated is true or false, found {x}"))),
                    };
                    Ok(PropertyString { bytes: b, terminated })
                }
                _ => Err(err(format!("expected text or a {{Bytes, Terminated}} map, found {}", kind_of(v)))),
            }
        };
        Ok(match t {
            pt::PTYP_NULL => match v {
                Value::Null => PropertyValue::Null,
                _ => return Err(err(format!("a PtypNull value is null, found {}", kind_of(v)))),
            },
            pt::PTYP_INTEGER16 => PropertyValue::Integer16(int(0xFFFF)? as u16),
            pt::PTYP_INTEGER32 => PropertyValue::Integer32(int(u32::MAX as u64)? as u32),
            pt::PTYP_ERROR_CODE => PropertyValue::ErrorCode(int(u32::MAX as u64)? as u32),
            pt::PTYP_BOOLEAN => PropertyValue::Boolean(int(0xFF)? as u8),
            pt::PTYP_FLOATING32 => PropertyValue::Floating32(float(4)? as u32),
            pt::PTYP_FLOATING64 => PropertyValue::Floating64(float(8)?),
            pt::PTYP_FLOATING_TIME => PropertyValue::FloatingTime(float(8)?),
            pt::PTYP_CURRENCY => PropertyValue::Currency(signed()?),
            pt::PTYP_INTEGER64 => PropertyValue::Integer64(int(u64::MAX)?),
            pt::PTYP_TIME => PropertyValue::Time(int(u64::MAX)?),
            pt::PTYP_STRING => PropertyValue::String(string(true)?),
            pt::PTYP_STRING8 => PropertyValue::String8(string(false)?),
            pt::PTYP_GUID => {
                let b = bytes()?;
                PropertyValue::Guid(
                    b.as_slice().try_into().map_err(|_| err(format!("a GUID is 16 bytes, found {}", b.len())))?,
                )
            }
            pt::PTYP_BINARY => PropertyValue::Binary(bytes()?),
            pt::PTYP_SERVER_ID => PropertyValue::ServerId(bytes()?),
            _ => return Err(err(format!("{} values cannot be encoded", pt::type_name_of(t)))),
        })
    }
}

fn mismatch(field: &str, t: u16, v: &PropertyValue) -> EncodeError {
    EncodeError::new(
        field,
        format!(
            "the column's type is {}, but the value is {}",
            pt::type_name_of(t),
            pt::type_name_of(v.property_type())
        ),
    )
}

/// TaggedPropertyValue ([MS-OXCDATA] 2.11.4): a PropertyTag, then a
/// PropertyValue of the tag's type. It carries its own type, so it decodes
/// without a column set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedPropertyValue {
    /// PropertyTag.
    pub property_tag: PropertyTag,
    /// PropertyValue, of the tag's type.
    pub property_value: PropertyValue,
}

const TAGGED_FIELDS: &[&str] = &["PropertyTag", "PropertyValue"];

impl WireStructure for TaggedPropertyValue {
    const NAME: &'static str = "TaggedPropertyValue";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let property_tag = PropertyTag::read(r, "PropertyTag")?;
        let property_value = PropertyValue::read(r, property_tag.property_type, "PropertyValue")?;
        Ok(TaggedPropertyValue { property_tag, property_value })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.property_tag.write(out);
        self.property_value.write(out, self.property_tag.property_type, "PropertyValue")
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("PropertyTag", self.property_tag.to_u32())
            .value("PropertyValue", self.property_value.to_value())
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, TAGGED_FIELDS)?;
        let tag = o.get("PropertyTag").ok_or_else(|| EncodeError::new("PropertyTag", "missing"))?;
        let property_tag = PropertyTag::from_value(tag).map_err(|m| EncodeError::new("PropertyTag", m))?;
        let value = o.get("PropertyValue").ok_or_else(|| EncodeError::new("PropertyValue", "missing"))?;
        let property_value = PropertyValue::from_value(value, property_tag.property_type, "PropertyValue")?;
        let x = TaggedPropertyValue { property_tag, property_value };
        // A value that cannot be written (a multi-valued type's element
        // nesting, an over-long binary) is refused here, not at write time.
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
