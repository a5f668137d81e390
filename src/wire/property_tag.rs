//! PropertyTag: [MS-OXCDATA] 2.9. A 2-byte PropertyType then a 2-byte
//! PropertyId; read as one little-endian 4-byte value it is
//! `PropertyId << 16 | PropertyType`, the form property tags are written
//! in everywhere (`0x3001001F` is PidTagDisplayName, PtypString).
//!
//! Two tables name what a tag holds: [`PROPERTY_TYPES`] (MS-OXCDATA 2.11.1)
//! and [`WELL_KNOWN_TAGS`], the columns table notifications and table
//! views most often carry (MS-OXPROPS), so a dissection can print each
//! column by name. The external value form of a tag is its 4-byte number;
//! on input a well-known tag's name (`"PidTagSubject"`) is accepted too.
//!
//! ```
//! use oxcnotif::wire::property_tag::{PropertyTag, type_name};
//!
//! let tag = PropertyTag::from_u32(0x0037_001F);
//! assert_eq!((tag.property_id, tag.property_type), (0x0037, 0x001F));
//! assert_eq!(tag.name(), Some("PidTagSubject"));
//! assert_eq!(type_name(tag.property_type), Some("PtypString"));
//! assert_eq!(tag.to_string(), "0x0037001F PidTagSubject (PtypString)");
//! ```

use super::codec::{put_u16, EncodeError, Error, Level, Reader};
use super::rop_fields::{check_count, FieldKind};
use super::value::{int_of, kind_of, MapBuilder, Obj};
use serde_json::Value;
use std::fmt;

/// A property tag ([MS-OXCDATA] 2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PropertyTag {
    /// PropertyType: the value's type ([MS-OXCDATA] 2.11.1).
    pub property_type: u16,
    /// PropertyId: which property.
    pub property_id: u16,
}

impl PropertyTag {
    /// The tag of the 4-byte form `PropertyId << 16 | PropertyType`.
    pub const fn from_u32(v: u32) -> Self {
        PropertyTag { property_type: v as u16, property_id: (v >> 16) as u16 }
    }

    /// The 4-byte form.
    pub const fn to_u32(self) -> u32 {
        (self.property_id as u32) << 16 | self.property_type as u32
    }

    /// The well-known name of the tag, if [`WELL_KNOWN_TAGS`] lists it.
    pub fn name(self) -> Option<&'static str> {
        WELL_KNOWN_TAGS.iter().find(|(t, _)| *t == self.to_u32()).map(|(_, n)| *n)
    }

    /// Reads one tag (4 bytes), naming it in the listing.
    pub fn read(r: &mut Reader, field: &'static str) -> Result<Self, Error> {
        let tag = PropertyTag::from_u32(r.u32(field)?);
        r.set_value(|| tag.to_string());
        Ok(tag)
    }

    /// Appends the tag: PropertyType, then PropertyId.
    pub fn write(self, out: &mut Vec<u8>) {
        put_u16(out, self.property_type);
        put_u16(out, self.property_id);
    }

    /// Reads a tag's value form: a number, a `"0x…"` string, or a
    /// well-known tag name.
    pub fn from_value(v: &Value) -> Result<Self, String> {
        if let Value::String(s) = v {
            if let Some((t, _)) = WELL_KNOWN_TAGS.iter().find(|(_, n)| n == s) {
                return Ok(PropertyTag::from_u32(*t));
            }
        }
        int_of(v, u32::MAX as u64).map(|n| PropertyTag::from_u32(n as u32))
    }
}

impl fmt::Display for PropertyTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.to_u32())?;
        if let Some(n) = self.name() {
            write!(f, " {n}")?;
        }
        match type_name(self.property_type) {
            Some(t) => write!(f, " ({t})"),
            None => write!(f, " (type 0x{:04X} undefined)", self.property_type),
        }
    }
}

/// PtypUnspecified: any type; a row then carries the type with each value.
pub const PTYP_UNSPECIFIED: u16 = 0x0000;
/// PtypNull: a placeholder with no value.
pub const PTYP_NULL: u16 = 0x0001;
/// PtypInteger16.
pub const PTYP_INTEGER16: u16 = 0x0002;
/// PtypInteger32.
pub const PTYP_INTEGER32: u16 = 0x0003;
/// PtypFloating32.
pub const PTYP_FLOATING32: u16 = 0x0004;
/// PtypFloating64.
pub const PTYP_FLOATING64: u16 = 0x0005;
/// PtypCurrency.
pub const PTYP_CURRENCY: u16 = 0x0006;
/// PtypFloatingTime.
pub const PTYP_FLOATING_TIME: u16 = 0x0007;
/// PtypErrorCode.
pub const PTYP_ERROR_CODE: u16 = 0x000A;
/// PtypBoolean.
pub const PTYP_BOOLEAN: u16 = 0x000B;
/// PtypObject (also PtypEmbeddedTable).
pub const PTYP_OBJECT: u16 = 0x000D;
/// PtypInteger64.
pub const PTYP_INTEGER64: u16 = 0x0014;
/// PtypString8: 8-bit, null-terminated.
pub const PTYP_STRING8: u16 = 0x001E;
/// PtypString: UTF-16LE, null-terminated.
pub const PTYP_STRING: u16 = 0x001F;
/// PtypTime: a FILETIME.
pub const PTYP_TIME: u16 = 0x0040;
/// PtypGuid.
pub const PTYP_GUID: u16 = 0x0048;
/// PtypServerId.
pub const PTYP_SERVER_ID: u16 = 0x00FB;
/// PtypRestriction.
pub const PTYP_RESTRICTION: u16 = 0x00FD;
/// PtypRuleAction.
pub const PTYP_RULE_ACTION: u16 = 0x00FE;
/// PtypBinary: a 2-byte count, then that many bytes (in ROP buffers).
pub const PTYP_BINARY: u16 = 0x0102;
/// The multi-valued bit: PtypMultipleX is PtypX | 0x1000.
pub const MULTIPLE: u16 = 0x1000;
/// The MultivalueInstance bit a column may carry (MS-OXCTABL_R52).
pub const MULTIVALUE_INSTANCE: u16 = 0x2000;

/// The property types of [MS-OXCDATA] 2.11.1 with their spec names.
pub const PROPERTY_TYPES: &[(u16, &str)] = &[
    (PTYP_UNSPECIFIED, "PtypUnspecified"),
    (PTYP_NULL, "PtypNull"),
    (PTYP_INTEGER16, "PtypInteger16"),
    (PTYP_INTEGER32, "PtypInteger32"),
    (PTYP_FLOATING32, "PtypFloating32"),
    (PTYP_FLOATING64, "PtypFloating64"),
    (PTYP_CURRENCY, "PtypCurrency"),
    (PTYP_FLOATING_TIME, "PtypFloatingTime"),
    (PTYP_ERROR_CODE, "PtypErrorCode"),
    (PTYP_BOOLEAN, "PtypBoolean"),
    (PTYP_OBJECT, "PtypObject"),
    (PTYP_INTEGER64, "PtypInteger64"),
    (PTYP_STRING8, "PtypString8"),
    (PTYP_STRING, "PtypString"),
    (PTYP_TIME, "PtypTime"),
    (PTYP_GUID, "PtypGuid"),
    (PTYP_SERVER_ID, "PtypServerId"),
    (PTYP_RESTRICTION, "PtypRestriction"),
    (PTYP_RULE_ACTION, "PtypRuleAction"),
    (PTYP_BINARY, "PtypBinary"),
    (MULTIPLE | PTYP_INTEGER16, "PtypMultipleInteger16"),
    (MULTIPLE | PTYP_INTEGER32, "PtypMultipleInteger32"),
    (MULTIPLE | PTYP_FLOATING32, "PtypMultipleFloating32"),
    (MULTIPLE | PTYP_FLOATING64, "PtypMultipleFloating64"),
    (MULTIPLE | PTYP_CURRENCY, "PtypMultipleCurrency"),
    (MULTIPLE | PTYP_FLOATING_TIME, "PtypMultipleFloatingTime"),
    (MULTIPLE | PTYP_INTEGER64, "PtypMultipleInteger64"),
    (MULTIPLE | PTYP_STRING8, "PtypMultipleString8"),
    (MULTIPLE | PTYP_STRING, "PtypMultipleString"),
    (MULTIPLE | PTYP_TIME, "PtypMultipleTime"),
    (MULTIPLE | PTYP_GUID, "PtypMultipleGuid"),
    (MULTIPLE | PTYP_BINARY, "PtypMultipleBinary"),
];

/// The spec name of a property type. A column's MultivalueInstance bit
/// (0x2000) is named as `PtypX|MultivalueInstance`… by [`type_name_of`];
/// this looks up the type as given.
pub fn type_name(t: u16) -> Option<&'static str> {
    PROPERTY_TYPES.iter().find(|(v, _)| *v == t).map(|(_, n)| *n)
}

/// The name of a type, its MultivalueInstance bit shown, for listings.
pub fn type_name_of(t: u16) -> String {
    match (type_name(t), type_name(t & !MULTIVALUE_INSTANCE)) {
        (Some(n), _) => n.to_string(),
        (None, Some(n)) if t & MULTIVALUE_INSTANCE != 0 => format!("{n}|MultivalueInstance"),
        _ => format!("type 0x{t:04X}"),
    }
}

/// Well-known property tags (MS-OXPROPS; the MS-OXCTABL and MS-OXCFOLD
/// columns of contents and hierarchy tables), as `PropertyId << 16 |
/// PropertyType` and canonical name.
pub const WELL_KNOWN_TAGS: &[(u32, &str)] = &[
    (0x001A_001F, "PidTagMessageClass"),
    (0x0037_001F, "PidTagSubject"),
    (0x0E07_0003, "PidTagMessageFlags"),
    (0x0E08_0003, "PidTagMessageSize"),
    (0x0E1B_000B, "PidTagHasAttachments"),
    (0x0FF5_0003, "PidTagRowType"),
    (0x0FFF_0102, "PidTagEntryId"),
    (0x3001_001F, "PidTagDisplayName"),
    (0x3005_0003, "PidTagDepth"),
    (0x3008_0040, "PidTagLastModificationTime"),
    (0x3602_0003, "PidTagContentCount"),
    (0x3603_0003, "PidTagContentUnreadCount"),
    (0x360A_000B, "PidTagSubfolders"),
    (0x6748_0014, "PidTagFolderId"),
    (0x6749_0014, "PidTagParentFolderId"),
    (0x674A_0014, "PidTagMid"),
    (0x674D_0014, "PidTagInstID"),
    (0x674E_0003, "PidTagInstanceNum"),
];

/// A 2-byte count, then that many PropertyTag structures (PropertyTagCount
/// and PropertyTags). The value form is a list of tags.
pub struct Tags;

/// The rule a list of tags breaks when it is empty, if any.
pub trait EmptyRule {
    /// The requirement and its level.
    const RULE: Option<(&'static str, Level)>;
}

/// No rule on an empty list.
pub struct AnyCount;

impl EmptyRule for AnyCount {
    const RULE: Option<(&'static str, Level)> = None;
}

/// Reads `count` and the tags, bounded by the input before allocating.
pub(crate) fn read_tags(
    r: &mut Reader,
    count: Option<&'static str>,
    name: &'static str,
    empty: Option<(&'static str, Level)>,
) -> Result<Vec<PropertyTag>, Error> {
    let at = r.pos();
    let count_name = count.unwrap_or("PropertyTagCount");
    let n = r.u16(count_name)?;
    r.annotate(|| format!("({n})"));
    if let (0, Some((req, level))) = (n, empty) {
        r.finding(req, level, count_name, at, format!("{count_name} is 0; it MUST be 1 or greater"));
    }
    // The whole array must be there before anything is reserved.
    let old = r.limit(name, n as usize * 4)?;
    let mut tags = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        r.enter_index(name, i);
        tags.push(PropertyTag::read(r, "")?);
        r.leave();
    }
    r.restore_limit(old);
    Ok(tags)
}

/// Writes a tag count and the tags, refusing more than 0xFFFF.
pub(crate) fn write_tags(v: &[PropertyTag], out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
    let n = u16::try_from(v.len())
        .map_err(|_| EncodeError::new(name, format!("{} tags do not fit a 2-byte count", v.len())))?;
    put_u16(out, n);
    for t in v {
        t.write(out);
    }
    Ok(())
}

/// The value form of a list of tags.
pub(crate) fn tags_value(v: &[PropertyTag]) -> Value {
    Value::Array(v.iter().map(|t| Value::from(t.to_u32())).collect())
}

/// Reads a list of tags from a value.
pub(crate) fn tags_from(v: &Value, name: &str) -> Result<Vec<PropertyTag>, EncodeError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| PropertyTag::from_value(t).map_err(|m| EncodeError::new(format!("{name}[{i}]"), m)))
            .collect(),
        x => Err(EncodeError::new(name, format!("expected a list of property tags, found {}", kind_of(x)))),
    }
}

/// [`Tags`] with a rule on an empty list (PropertyTagCount of RopSetColumns
/// MUST be 1 or greater, MS-OXCTABL_R49).
pub struct TagsWith<E>(std::marker::PhantomData<E>);

impl<E: EmptyRule> FieldKind for TagsWith<E> {
    type Value = Vec<PropertyTag>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, Error> {
        read_tags(r, count, name, E::RULE)
    }
    fn write(v: &Self::Value, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        write_tags(v, out, name)
    }
    fn len(v: &Self::Value) -> usize {
        2 + 4 * v.len()
    }
    fn put(v: &Self::Value, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        b.int(count.unwrap_or("PropertyTagCount"), v.len() as u64).value(name, tags_value(v))
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, EncodeError> {
        let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
        let tags = tags_from(v, name)?;
        check_count(o, count, tags.len())?;
        Ok(tags)
    }
}

impl FieldKind for Tags {
    type Value = Vec<PropertyTag>;
    fn read(r: &mut Reader, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, Error> {
        TagsWith::<AnyCount>::read(r, count, name)
    }
    fn write(v: &Self::Value, out: &mut Vec<u8>, name: &'static str) -> Result<(), EncodeError> {
        write_tags(v, out, name)
    }
    fn len(v: &Self::Value) -> usize {
        2 + 4 * v.len()
    }
    fn put(v: &Self::Value, b: MapBuilder, count: Option<&'static str>, name: &'static str) -> MapBuilder {
        TagsWith::<AnyCount>::put(v, b, count, name)
    }
    fn take(o: &Obj, count: Option<&'static str>, name: &'static str) -> Result<Self::Value, EncodeError> {
        TagsWith::<AnyCount>::take(o, count, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_type_and_id_and_name_themselves() {
        let t = PropertyTag::from_u32(0x6748_0014);
        assert_eq!((t.property_type, t.property_id), (0x0014, 0x6748));
        assert_eq!(t.to_string(), "0x67480014 PidTagFolderId (PtypInteger64)");
        let mut b = Vec::new();
        t.write(&mut b);
        assert_eq!(b, [0x14, 0x00, 0x48, 0x67]);
        assert_eq!(PropertyTag::from_u32(0x1234_0099).to_string(), "0x12340099 (type 0x0099 undefined)");
        assert_eq!(type_name_of(0x3003), "PtypMultipleInteger32|MultivalueInstance");
        assert_eq!(PropertyTag::from_value(&Value::from("PidTagMid")), Ok(PropertyTag::from_u32(0x674A_0014)));
        for w in WELL_KNOWN_TAGS.windows(2) {
            assert!(w[0].0 < w[1].0, "{}", w[1].1);
        }
    }
}
