//! The Connect bodies: [MS-OXCMAPIHTTP] 2.2.4.1.1 (request: UserDn,
//! Flags, DefaultCodePage, LcidSort, LcidString, AuxiliaryBufferSize,
//! AuxiliaryBuffer; the \[in\] parameters of EcDoConnectEx, MS-OXCMAPIHTTP_R183)
//! and 2.2.4.1.2 (success response: StatusCode, ErrorCode, PollsMax,
//! RetryCount, RetryDelay, DnPrefix, DisplayName, AuxiliaryBufferSize,
//! AuxiliaryBuffer; its \[out\] parameters, R199). The auxiliary buffers are
//! kept as bytes ([`super::aux_buffer`] reads their blocks).
//!
//! The ASCII strings (UserDn, DnPrefix) are kept one char per byte
//! (0x00-0xFF, as ISO-8859-1), so a byte above 0x7F survives the round trip
//! and is reported as a finding. DisplayName is UTF-16LE; code units that
//! are not UTF-16 (an unpaired surrogate) cannot be held in a string, so
//! they are a framing error (UndefinedValue) rather than a lossy decode.
//!
//! Field order: LcidSort comes before LcidString in the body (2.2.4.1.1),
//! the other way round from EcDoConnectEx's parameters.

use super::body;
use crate::wire::codec::{put_u32, EncodeError, Error, ErrorKind, Level, Reader};
use crate::wire::value::{kind_of, MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The Connect request type request body ([MS-OXCMAPIHTTP] 2.2.4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectRequest {
    /// UserDn: the DN of the user, an ASCII string sent null-terminated
    /// (MS-OXCMAPIHTTP_R185); one char per byte, without the terminator.
    pub user_dn: String,
    /// Flags: the type of connection (MS-OXCMAPIHTTP_R187; ulFlags of EcDoConnectEx).
    pub flags: u32,
    /// DefaultCodePage: the code page for string property values (MS-OXCMAPIHTTP_R1347).
    pub default_code_page: u32,
    /// LcidSort: the LCID used for sorting (MS-OXCMAPIHTTP_R197).
    pub lcid_sort: u32,
    /// LcidString: the LCID used for everything else (MS-OXCMAPIHTTP_R196).
    pub lcid_string: u32,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R194, R1454).
    pub auxiliary_buffer: Vec<u8>,
}

/// The Connect request type success response body ([MS-OXCMAPIHTTP] 2.2.4.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectResponse {
    /// StatusCode: 0x00000000 (MS-OXCMAPIHTTP_R1349).
    pub status_code: u32,
    /// ErrorCode: EcDoConnectEx's return value (MS-OXCMAPIHTTP_R210, R1350).
    pub error_code: u32,
    /// PollsMax: the longest polling interval, in milliseconds (MS-OXCMAPIHTTP_R211).
    pub polls_max: u32,
    /// RetryCount: how many times to retry request types (MS-OXCMAPIHTTP_R212).
    pub retry_count: u32,
    /// RetryDelay: milliseconds to wait before a retry (MS-OXCMAPIHTTP_R214).
    pub retry_delay: u32,
    /// DnPrefix: the DN prefix for recipients, ASCII, null-terminated on the
    /// wire (MS-OXCMAPIHTTP_R215); one char per byte, without the terminator.
    pub dn_prefix: String,
    /// DisplayName: the user's display name, UTF-16LE, null-terminated on
    /// the wire (MS-OXCMAPIHTTP_R216); without the terminator.
    pub display_name: String,
    /// AuxiliaryBuffer, as bytes (MS-OXCMAPIHTTP_R218, R1352).
    pub auxiliary_buffer: Vec<u8>,
}

const REQUEST_FIELDS: &[&str] =
    &["UserDn", "Flags", "DefaultCodePage", "LcidSort", "LcidString", "AuxiliaryBufferSize", "AuxiliaryBuffer"];
const RESPONSE_FIELDS: &[&str] = &[
    "StatusCode",
    "ErrorCode",
    "PollsMax",
    "RetryCount",
    "RetryDelay",
    "DnPrefix",
    "DisplayName",
    "AuxiliaryBufferSize",
    "AuxiliaryBuffer",
];

/// Reads a null-terminated 8-bit string; a byte above 0x7F is a finding
/// against `requirement` (the field is ASCII).
fn read_ascii_z(r: &mut Reader, field: &'static str, requirement: &'static str) -> Result<String, Error> {
    let at = r.pos();
    let (bytes, terminated) = r.cstring(field, 1);
    if !terminated {
        let available = bytes.len();
        return Err(r.error_at(field, at, ErrorKind::Truncated { needed: available + 1, available }));
    }
    let text: String = bytes.iter().map(|&b| b as char).collect();
    r.set_value(|| format!("{text:?}"));
    if let Some(i) = bytes.iter().position(|b| !b.is_ascii()) {
        r.finding(
            requirement,
            Level::Must,
            field,
            at + i,
            format!("byte 0x{:02X} is not ASCII: the field is a null-terminated ASCII string", bytes[i]),
        );
    }
    Ok(text)
}

/// Reads a null-terminated UTF-16LE string; code units that are not UTF-16
/// are a framing error (see the module doc).
fn read_utf16_z(r: &mut Reader, field: &'static str) -> Result<String, Error> {
    let at = r.pos();
    let (bytes, terminated) = r.cstring(field, 2);
    if !terminated {
        let available = bytes.len();
        let needed = (available & !1) + 2;
        return Err(r.error_at(field, at, ErrorKind::Truncated { needed, available }));
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let mut text = String::with_capacity(units.len());
    let mut k = 0;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                k += c.len_utf16();
                text.push(c);
            }
            Err(e) => {
                return Err(r.error_at(
                    field,
                    at + 2 * k,
                    ErrorKind::UndefinedValue { value: u32::from(e.unpaired_surrogate()) },
                ))
            }
        }
    }
    r.set_value(|| format!("{text:?}"));
    Ok(text)
}

fn put_ascii_z(out: &mut Vec<u8>, field: &str, s: &str) -> Result<(), EncodeError> {
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(0) => return Err(EncodeError::new(field, "holds a NUL, which would end the string early")),
            Ok(b) => out.push(b),
            Err(_) => {
                return Err(EncodeError::new(field, format!("{c:?} is not one byte (an ASCII string holds bytes)")))
            }
        }
    }
    out.push(0);
    Ok(())
}

fn put_utf16_z(out: &mut Vec<u8>, field: &str, s: &str) -> Result<(), EncodeError> {
    if s.contains('\0') {
        return Err(EncodeError::new(field, "holds a NUL, which would end the string early"));
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    Ok(())
}

fn string_of(o: &Obj, name: &'static str) -> Result<String, EncodeError> {
    let v = o.get(name).ok_or_else(|| EncodeError::new(name, "missing"))?;
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| EncodeError::new(name, format!("expected a string, found {}", kind_of(v))))
}

impl WireStructure for ConnectRequest {
    const NAME: &'static str = "Connect request body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        // MS-OXCMAPIHTTP_R185: UserDn is a null-terminated ASCII string.
        let user_dn = read_ascii_z(r, "UserDn", "MS-OXCMAPIHTTP_R185")?;
        let flags = r.u32("Flags")?;
        let default_code_page = r.u32("DefaultCodePage")?;
        let lcid_sort = r.u32("LcidSort")?;
        let lcid_string = r.u32("LcidString")?;
        // MS-OXCMAPIHTTP_R1348, R1454: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(ConnectRequest { user_dn, flags, default_code_page, lcid_sort, lcid_string, auxiliary_buffer })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_ascii_z(out, "UserDn", &self.user_dn)?;
        put_u32(out, self.flags);
        put_u32(out, self.default_code_page);
        put_u32(out, self.lcid_sort);
        put_u32(out, self.lcid_string);
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new()
            .value("UserDn", Value::String(self.user_dn.clone()))
            .int("Flags", self.flags)
            .int("DefaultCodePage", self.default_code_page)
            .int("LcidSort", self.lcid_sort)
            .int("LcidString", self.lcid_string);
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        Ok(ConnectRequest {
            user_dn: string_of(&o, "UserDn")?,
            flags: o.u32("Flags")?,
            default_code_page: o.u32("DefaultCodePage")?,
            lcid_sort: o.u32("LcidSort")?,
            lcid_string: o.u32("LcidString")?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}

impl WireStructure for ConnectResponse {
    const NAME: &'static str = "Connect success response body";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let at = r.pos();
        let status_code = r.u32("StatusCode")?;
        // MS-OXCMAPIHTTP_R1349
        body::check_success_status(r, "MS-OXCMAPIHTTP_R1349", at, status_code);
        let error_code = r.u32("ErrorCode")?;
        let polls_max = r.u32("PollsMax")?;
        let retry_count = r.u32("RetryCount")?;
        let retry_delay = r.u32("RetryDelay")?;
        // MS-OXCMAPIHTTP_R215: DnPrefix is a null-terminated ASCII string.
        let dn_prefix = read_ascii_z(r, "DnPrefix", "MS-OXCMAPIHTTP_R215")?;
        // MS-OXCMAPIHTTP_R216: DisplayName is a null-terminated Unicode string.
        let display_name = read_utf16_z(r, "DisplayName")?;
        // MS-OXCMAPIHTTP_R1351, R1352: AuxiliaryBufferSize gives AuxiliaryBuffer's size.
        let auxiliary_buffer = body::read_sized(r, "AuxiliaryBufferSize", "AuxiliaryBuffer")?.to_vec();
        Ok(ConnectResponse {
            status_code,
            error_code,
            polls_max,
            retry_count,
            retry_delay,
            dn_prefix,
            display_name,
            auxiliary_buffer,
        })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        put_u32(out, self.status_code);
        put_u32(out, self.error_code);
        put_u32(out, self.polls_max);
        put_u32(out, self.retry_count);
        put_u32(out, self.retry_delay);
        put_ascii_z(out, "DnPrefix", &self.dn_prefix)?;
        put_utf16_z(out, "DisplayName", &self.display_name)?;
        body::write_aux(out, &self.auxiliary_buffer)
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let m = MapBuilder::new()
            .int("StatusCode", self.status_code)
            .int("ErrorCode", self.error_code)
            .int("PollsMax", self.polls_max)
            .int("RetryCount", self.retry_count)
            .int("RetryDelay", self.retry_delay)
            .value("DnPrefix", Value::String(self.dn_prefix.clone()))
            .value("DisplayName", Value::String(self.display_name.clone()));
        body::aux_value(m, &self.auxiliary_buffer).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        Ok(ConnectResponse {
            status_code: o.u32("StatusCode")?,
            error_code: o.u32("ErrorCode")?,
            polls_max: o.u32("PollsMax")?,
            retry_count: o.u32("RetryCount")?,
            retry_delay: o.u32("RetryDelay")?,
            dn_prefix: string_of(&o, "DnPrefix")?,
            display_name: string_of(&o, "DisplayName")?,
            auxiliary_buffer: body::aux_from_value(&o)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode, encode};

    #[test]
    fn request_round_trips_with_latin1_bytes() {
        let mut b = b"/o=A\xE9\0".to_vec();
        for v in [0u32, 0x4E4, 0x409, 0x409, 0] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let d = decode::<ConnectRequest>(&b, Layout::Spec).unwrap();
        assert_eq!(d.value.user_dn, "/o=A\u{e9}");
        assert_eq!(d.findings.len(), 1);
        assert_eq!(d.findings[0].requirement, "MS-OXCMAPIHTTP_R185");
        assert_eq!(encode(&d.value, Layout::Spec).unwrap(), b);
    }

    #[test]
    fn unpaired_surrogate_is_refused() {
        let mut b = vec![0u8; 20];
        b.extend_from_slice(b"\0");
        b.extend_from_slice(&[0x41, 0, 0x00, 0xD8, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0]);
        let e = decode::<ConnectResponse>(&b, Layout::Spec).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset, e.kind.name()), ("DisplayName", 23, "UndefinedValue"));
    }
}
