//! The extended buffer: [MS-OXCRPC] 3.1.4.1.1 and 3.1.4.2.1. One or more
//! RPC_HEADER_EXT + payload pairs, the last with Last set; each payload is
//! obfuscated and/or compressed on its own (MS-OXCRPC_R786, R787). The
//! Execute bodies carry ROP buffers in them (rgbIn, rgbOut), every body its
//! auxiliary buffer (rgbAuxIn, rgbAuxOut).
//!
//! The receiver reverts the XOR, then expands (MS-OXCRPC_R4860); the sender
//! compresses, then XORs (R4859). Decoding keeps both the payload as sent
//! and the plain bytes, so encoding a decoded value gives its bytes back
//! whoever compressed them.

use super::rpc_header_ext::{self, RpcHeaderExt, COMPRESSED, LAST, XOR_MAGIC};
use super::{lz77, xor_magic::xor_magic};
use crate::wire::codec::{EncodeError, Error, Level, Reader};
use crate::wire::value::{kind_of, MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// The largest payload (MS-OXCRPC_R726, R1628: 32 KB).
pub const MAX_PAYLOAD: usize = 32 * 1024;

/// Which buffer of the call it is: the rules for Last differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// rgbIn, the ROP request buffer of Execute (MS-OXCRPC 3.1.4.2.1.1.1).
    RopIn,
    /// rgbOut, the ROP response buffer of Execute (MS-OXCRPC 3.1.4.2.1.1.2).
    RopOut,
    /// rgbAuxIn, the auxiliary buffer of a request (MS-OXCRPC 3.1.4.1.1.1.1).
    AuxIn,
    /// rgbAuxOut, the auxiliary buffer of a response (MS-OXCRPC 3.1.4.1.1.1.2).
    AuxOut,
}

impl Role {
    /// The requirement a Last flag before the end breaks.
    fn early_last(self) -> &'static str {
        match self {
            Role::RopIn => "MS-OXCRPC_R1775002",
            Role::RopOut => "MS-OXCRPC_R778",
            Role::AuxIn | Role::AuxOut => "MS-OXCRPC_R40",
        }
    }
    /// The requirement a last buffer without Last breaks.
    fn missing_last(self) -> &'static str {
        match self {
            Role::RopIn => "MS-OXCRPC_R766",
            Role::RopOut => "MS-OXCRPC_R779",
            Role::AuxIn => "MS-OXCRPC_R738",
            Role::AuxOut => "MS-OXCRPC_R748",
        }
    }
    /// The requirement a payload over 32 KB breaks.
    fn too_large(self) -> &'static str {
        match self {
            Role::RopIn | Role::RopOut => "MS-OXCRPC_R1628",
            Role::AuxIn | Role::AuxOut => "MS-OXCRPC_R726",
        }
    }
}

/// How a sender transforms one payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Transform {
    /// Compress with LZ77 (Compressed).
    pub compress: bool,
    /// Obfuscate with XOR 0xA5 (XorMagic), after compressing.
    pub obfuscate: bool,
}

/// One RPC_HEADER_EXT and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendedPayload {
    /// The header.
    pub header: RpcHeaderExt,
    /// The payload as on the wire (Size bytes).
    pub payload: Vec<u8>,
    /// The plain bytes: the payload reverted and expanded.
    pub data: Vec<u8>,
}

/// One or more payloads ([MS-OXCRPC] 3.1.4.2.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExtendedBuffer {
    /// The payloads, in wire order.
    pub buffers: Vec<ExtendedPayload>,
}

/// Reverts and expands `payload` as `header` says; `at` is its offset.
fn plain(r: &mut Reader, header: &RpcHeaderExt, payload: &[u8], at: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = payload.to_vec();
    if header.xor_magic() {
        // MS-OXCRPC_R4860: revert first.
        xor_magic(&mut bytes);
    }
    if !header.compressed() {
        return Ok(bytes);
    }
    // MS-OXCRPC_R4860: then expand, to at most SizeActual (MS-OXCRPC_R44).
    let d = lz77::decompress(&bytes, header.size_actual as usize).map_err(|e| Error {
        field: r.path_of(&format!("Payload.{}", e.field)),
        offset: at + e.offset,
        kind: e.kind,
    })?;
    if !d.end_bit {
        // MS-OXCRPC_R1877
        r.finding(
            "MS-OXCRPC_R1877",
            Level::Must,
            "Payload",
            at,
            "the compressed stream ends without the end bit after its last element".into(),
        );
    }
    if d.data.len() != header.size_actual as usize {
        // MS-OXCRPC_R44
        r.finding(
            "MS-OXCRPC_R44",
            Level::Must,
            "SizeActual",
            at - 2,
            format!("the payload expands to {} bytes, not {}", d.data.len(), header.size_actual),
        );
    }
    Ok(d.data)
}

impl ExtendedBuffer {
    /// Reads payloads up to the reader's limit: at least one, each header
    /// with its payload, reporting the rules of `role` that they break.
    pub fn read(r: &mut Reader, role: Role) -> Result<Self, Error> {
        let mut buffers = Vec::new();
        loop {
            let i = buffers.len();
            r.enter_index("Buffers", i);
            let start = r.pos();
            let header = RpcHeaderExt::read(r)?;
            if header.size as usize > MAX_PAYLOAD || header.size_actual as usize > MAX_PAYLOAD {
                // MS-OXCRPC_R1628, R726
                r.finding(
                    role.too_large(),
                    Level::Must,
                    "Size",
                    start + 4,
                    format!("a payload of {} bytes ({} expanded) is over 32 KB", header.size, header.size_actual),
                );
            }
            let at = r.pos();
            let payload = r.bytes("Payload", header.size as usize)?;
            let data = plain(r, &header, payload, at)?;
            if header.flags & (COMPRESSED | XOR_MAGIC) != 0 {
                let n = data.len();
                r.annotate(|| format!("(plain: {})", crate::plural::plural(n, "byte")));
            }
            let more = r.remaining() > 0;
            if header.last() && more {
                // MS-OXCRPC_R1775002, R778, R40
                r.finding(
                    role.early_last(),
                    Level::Must,
                    "Flags",
                    start + 2,
                    "Last is set, but another RPC_HEADER_EXT follows".into(),
                );
            }
            if !header.last() && !more {
                // MS-OXCRPC_R766, R779, R738, R748
                r.finding(
                    role.missing_last(),
                    Level::Must,
                    "Flags",
                    start + 2,
                    "the last RPC_HEADER_EXT does not have Last set".into(),
                );
            }
            r.leave();
            buffers.push(ExtendedPayload { header, payload: payload.to_vec(), data });
            if !more {
                return Ok(ExtendedBuffer { buffers });
            }
        }
    }

    /// Builds the buffers that carry `payloads`, each transformed as asked,
    /// the last with Last. Refuses a payload over 32 KB (MS-OXCRPC_R1628)
    /// and a compression that would not make the payload smaller
    /// (MS-OXCRPC_R4794: Size must then be less than SizeActual).
    ///
    /// ```
    /// use oxcnotif::wire::transport::extended_buffer::{ExtendedBuffer, Transform};
    ///
    /// let rops = [0x02, 0x00].repeat(40);
    /// let both = Transform { compress: true, obfuscate: true };
    /// let b = ExtendedBuffer::from_payloads(&[(&rops, both)]).unwrap();
    /// let bytes = b.to_bytes();
    /// assert_eq!(&bytes[..4], [0x00, 0x00, 0x07, 0x00]); // Version 0, Compressed | XorMagic | Last
    /// let back = ExtendedBuffer::decode(&bytes, oxcnotif::wire::transport::extended_buffer::Role::RopIn).unwrap();
    /// assert_eq!(back.value.data(), rops);
    /// assert!(back.findings.is_empty());
    /// ```
    pub fn from_payloads(payloads: &[(&[u8], Transform)]) -> Result<Self, EncodeError> {
        if payloads.is_empty() {
            return Err(EncodeError::new("Buffers", "an extended buffer holds at least one payload"));
        }
        let mut buffers = Vec::new();
        for (i, (data, t)) in payloads.iter().enumerate() {
            let mut flags = if i + 1 == payloads.len() { LAST } else { 0 };
            if t.compress {
                flags |= COMPRESSED;
            }
            if t.obfuscate {
                flags |= XOR_MAGIC;
            }
            buffers.push(build(0, flags, data).map_err(|e| e.within(&format!("Buffers[{i}]")))?);
        }
        Ok(ExtendedBuffer { buffers })
    }

    /// Decodes `bytes`, all of them, as the buffer of `role`.
    pub fn decode(bytes: &[u8], role: Role) -> Result<crate::wire::Decoded<Self>, Error> {
        let mut r = Reader::new(bytes);
        let value = ExtendedBuffer::read(&mut r, role)?;
        let (findings, _) = r.finish();
        Ok(crate::wire::Decoded { value, findings, consumed: bytes.len() })
    }

    /// The plain bytes of every payload, in order.
    pub fn data(&self) -> Vec<u8> {
        self.buffers.iter().flat_map(|b| b.data.iter().copied()).collect()
    }

    /// Appends the headers and payloads.
    pub fn write(&self, out: &mut Vec<u8>) {
        for b in &self.buffers {
            b.header.write(out);
            out.extend_from_slice(&b.payload);
        }
    }

    /// The encoded bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    /// The value form: `{Buffers: [{Version, Flags, Size, SizeActual, Payload, Data}]}`;
    /// `extra` adds fields to each buffer's map.
    pub fn to_value_with(&self, extra: impl Fn(&ExtendedPayload, MapBuilder) -> MapBuilder) -> Value {
        let list = self
            .buffers
            .iter()
            .map(|b| {
                let m = b.header.build(MapBuilder::new()).bytes("Payload", &b.payload).bytes("Data", &b.data);
                extra(b, m).build()
            })
            .collect();
        MapBuilder::new().value("Buffers", Value::Array(list)).build()
    }

    /// Reads the value form; `known` lists each buffer's fields and
    /// `data_of` may give a buffer's Data from its other fields.
    pub fn from_value_with(
        v: &Value,
        known: &'static [&'static str],
        data_of: impl Fn(&Obj) -> Result<Option<Vec<u8>>, EncodeError>,
    ) -> Result<Self, EncodeError> {
        let o = Obj::new(v, &["Buffers"])?;
        let list = o.get("Buffers").ok_or_else(|| EncodeError::new("Buffers", "missing"))?;
        let list = list
            .as_array()
            .ok_or_else(|| EncodeError::new("Buffers", format!("expected a list, found {}", kind_of(list))))?;
        if list.is_empty() {
            return Err(EncodeError::new("Buffers", "an extended buffer holds at least one payload"));
        }
        let mut buffers = Vec::new();
        for (i, b) in list.iter().enumerate() {
            buffers.push(buffer_from_value(b, known, &data_of).map_err(|e| e.within(&format!("Buffers[{i}]")))?);
        }
        Ok(ExtendedBuffer { buffers })
    }
}

/// A buffer's header and payload for plain `data` (MS-OXCRPC_R4859: compress, then XOR).
fn build(version: u16, flags: u16, data: &[u8]) -> Result<ExtendedPayload, EncodeError> {
    if data.len() > MAX_PAYLOAD {
        // MS-OXCRPC_R1628
        return Err(EncodeError::new(
            "Data",
            format!("{} bytes is over the 32 KB a payload may hold (MS-OXCRPC_R1628)", data.len()),
        ));
    }
    let mut payload = if flags & COMPRESSED != 0 {
        let c = lz77::compress(data);
        if c.len() >= data.len() {
            // MS-OXCRPC_R4794
            return Err(EncodeError::new(
                "Flags",
                format!(
                    "compressing these {} bytes gives {}, not fewer: clear Compressed (MS-OXCRPC_R4794)",
                    data.len(),
                    c.len()
                ),
            ));
        }
        c
    } else {
        data.to_vec()
    };
    if flags & XOR_MAGIC != 0 {
        xor_magic(&mut payload);
    }
    let header = RpcHeaderExt { version, flags, size: payload.len() as u16, size_actual: data.len() as u16 };
    Ok(ExtendedPayload { header, payload, data: data.to_vec() })
}

fn buffer_from_value(
    v: &Value,
    known: &'static [&'static str],
    data_of: &impl Fn(&Obj) -> Result<Option<Vec<u8>>, EncodeError>,
) -> Result<ExtendedPayload, EncodeError> {
    let o = Obj::new(v, known)?;
    let version = o.u16("Version")?;
    let flags = o.u16("Flags")?;
    let size = o.opt_u16("Size")?;
    let size_actual = o.opt_u16("SizeActual")?;
    let data = match o.opt_bytes("Data")? {
        Some(d) => Some(d),
        None => data_of(&o)?,
    };
    let check = |name: &'static str, given: Option<u16>, derived: usize| match given {
        Some(g) if g as usize != derived => {
            Err(EncodeError::new(name, format!("{g} given, but the payload makes it {derived}")))
        }
        _ => Ok(()),
    };
    let Some(payload) = o.opt_bytes("Payload")? else {
        let data = data.ok_or_else(|| EncodeError::new("Data", "missing: a buffer needs its Payload or its Data"))?;
        let b = build(version, flags, &data)?;
        check("Size", size, b.header.size as usize)?;
        check("SizeActual", size_actual, b.header.size_actual as usize)?;
        return Ok(b);
    };
    if payload.len() > 0xFFFF {
        return Err(EncodeError::new("Payload", format!("{} bytes do not fit a 2-byte Size", payload.len())));
    }
    check("Size", size, payload.len())?;
    let mut plain = payload.clone();
    if flags & XOR_MAGIC != 0 {
        xor_magic(&mut plain);
    }
    let expanded = if flags & COMPRESSED != 0 {
        let limit = size_actual.map_or(0xFFFF, usize::from);
        match lz77::decompress(&plain, limit) {
            Ok(d) => Some(d.data),
            Err(e) => {
                if data.is_some() {
                    return Err(EncodeError::new("Payload", format!("does not expand: {e}")));
                }
                None
            }
        }
    } else {
        Some(plain)
    };
    let size_actual = match (size_actual, &expanded) {
        (Some(s), _) => s,
        (None, Some(d)) => d.len() as u16,
        (None, None) => return Err(EncodeError::new("SizeActual", "missing, and the Payload does not expand")),
    };
    if let Some(d) = &data {
        if expanded.as_ref() != Some(d) {
            return Err(EncodeError::new("Data", "differs from what the Payload reverts and expands to"));
        }
    }
    let header = RpcHeaderExt { version, flags, size: payload.len() as u16, size_actual };
    Ok(ExtendedPayload { header, payload, data: expanded.unwrap_or_default() })
}

pub(crate) const BUFFER_FIELDS: &[&str] = &["Version", "Flags", "Size", "SizeActual", "Payload", "Data"];

macro_rules! role_structure {
    ($(#[$doc:meta])* $name:ident, $role:expr, $title:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name(pub ExtendedBuffer);

        impl WireStructure for $name {
            const NAME: &'static str = $title;

            fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
                ExtendedBuffer::read(r, $role).map($name)
            }

            fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
                self.0.write(out);
                Ok(())
            }

            fn to_value(&self, _layout: Layout) -> Value {
                self.0.to_value_with(|_, m| m)
            }

            fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
                ExtendedBuffer::from_value_with(v, BUFFER_FIELDS, |_| Ok(None)).map($name)
            }
        }
    };
}

role_structure!(
    /// The extended buffer of Execute's request RopBuffer (rgbIn, MS-OXCRPC 3.1.4.2.1.1.1).
    ExtendedBufferIn,
    Role::RopIn,
    "extended buffer (rgbIn)"
);
role_structure!(
    /// The extended buffer of Execute's response RopBuffer (rgbOut, MS-OXCRPC 3.1.4.2.1.1.2).
    ExtendedBufferOut,
    Role::RopOut,
    "extended buffer (rgbOut)"
);

/// The defined flag bits, for callers that name them.
pub const FLAGS: u16 = rpc_header_ext::DEFINED_FLAGS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_and_receiver_orders_are_inverse() {
        // MS-OXCRPC_R4859, R4860: compress then XOR; revert then expand.
        let data = b"RopNotify RopNotify RopNotify RopNotify".to_vec();
        let b = build(0, COMPRESSED | XOR_MAGIC | LAST, &data).unwrap();
        let mut reverted = b.payload.clone();
        xor_magic(&mut reverted);
        assert_eq!(reverted, lz77::compress(&data));
        let d = ExtendedBuffer::decode(&ExtendedBuffer { buffers: vec![b] }.to_bytes(), Role::RopOut).unwrap();
        assert_eq!(d.value.data(), data);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
    }

    #[test]
    fn last_rules_depend_on_the_role() {
        let one = build(0, 0, &[2, 0]).unwrap();
        let bytes = ExtendedBuffer { buffers: vec![one] }.to_bytes();
        for (role, want) in [
            (Role::RopIn, "MS-OXCRPC_R766"),
            (Role::RopOut, "MS-OXCRPC_R779"),
            (Role::AuxIn, "MS-OXCRPC_R738"),
            (Role::AuxOut, "MS-OXCRPC_R748"),
        ] {
            let d = ExtendedBuffer::decode(&bytes, role).unwrap();
            assert_eq!(d.findings.iter().map(|f| f.requirement).collect::<Vec<_>>(), [want]);
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(ExtendedBuffer::from_payloads(&[]).unwrap_err().field, "Buffers");
        let big = vec![0u8; MAX_PAYLOAD + 1];
        assert_eq!(
            ExtendedBuffer::from_payloads(&[(&big, Transform::default())]).unwrap_err().field,
            "Buffers[0].Data"
        );
        let t = Transform { compress: true, obfuscate: false };
        assert_eq!(ExtendedBuffer::from_payloads(&[(&[1, 2, 3], t)]).unwrap_err().field, "Buffers[0].Flags");
    }
}
