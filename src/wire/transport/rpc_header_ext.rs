//! RPC_HEADER_EXT: [MS-OXCRPC] 2.2.2.1. The 8-byte header in front of every
//! payload of an extended buffer (ROP buffers and auxiliary buffers): how
//! the payload was transformed and how long it is before and after.

use crate::wire::codec::{put_u16, EncodeError, Error, Level, Reader};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{Layout, WireStructure};
use serde_json::Value;

/// Flags: the payload is compressed (MS-OXCRPC_R36).
pub const COMPRESSED: u16 = 0x0001;
/// Flags: the payload is obfuscated (MS-OXCRPC_R39).
pub const XOR_MAGIC: u16 = 0x0002;
/// Flags: no other RPC_HEADER_EXT follows this payload (MS-OXCRPC_R40).
pub const LAST: u16 = 0x0004;
/// The flags the spec defines (MS-OXCRPC_R35).
pub const DEFINED_FLAGS: u16 = COMPRESSED | XOR_MAGIC | LAST;
/// The header's size on the wire.
pub const SIZE: usize = 8;

/// The RPC_HEADER_EXT structure ([MS-OXCRPC] 2.2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RpcHeaderExt {
    /// Version: 0x0000 (MS-OXCRPC_R33).
    pub version: u16,
    /// Flags: Compressed, XorMagic, Last; unknown bits are kept.
    pub flags: u16,
    /// Size: the payload's length on the wire, this header excluded (MS-OXCRPC_R42, R43).
    pub size: u16,
    /// SizeActual: the payload's length after it is expanded (MS-OXCRPC_R44).
    pub size_actual: u16,
}

const FIELDS: &[&str] = &["Version", "Flags", "Size", "SizeActual"];

/// The names of the set flag bits, for the listing.
pub fn flag_names(flags: u16) -> String {
    let mut names = Vec::new();
    for (bit, name) in [(COMPRESSED, "Compressed"), (XOR_MAGIC, "XorMagic"), (LAST, "Last")] {
        if flags & bit != 0 {
            names.push(name.to_string());
        }
    }
    if flags & !DEFINED_FLAGS != 0 {
        names.push(format!("undefined 0x{:04X}", flags & !DEFINED_FLAGS));
    }
    names.join(" | ")
}

impl RpcHeaderExt {
    /// Whether Compressed is set.
    pub fn compressed(&self) -> bool {
        self.flags & COMPRESSED != 0
    }
    /// Whether XorMagic is set.
    pub fn xor_magic(&self) -> bool {
        self.flags & XOR_MAGIC != 0
    }
    /// Whether Last is set.
    pub fn last(&self) -> bool {
        self.flags & LAST != 0
    }

    /// Reads the 8 bytes and reports the rules of 2.2.2.1 that they break.
    pub fn read(r: &mut Reader) -> Result<Self, Error> {
        let at = r.pos();
        let version = r.u16("Version")?;
        if version != 0 {
            // MS-OXCRPC_R33
            r.finding("MS-OXCRPC_R33", Level::Must, "Version", at, format!("0x{version:04X}, not 0x0000"));
        }
        let flags = r.u16("Flags")?;
        r.annotate(|| flag_names(flags));
        if flags & !DEFINED_FLAGS != 0 {
            // MS-OXCRPC_R35
            r.finding(
                "MS-OXCRPC_R35",
                Level::Must,
                "Flags",
                at + 2,
                format!("bits 0x{:04X} are not Compressed, XorMagic or Last", flags & !DEFINED_FLAGS),
            );
        }
        let size = r.u16("Size")?;
        let size_actual = r.u16("SizeActual")?;
        let h = RpcHeaderExt { version, flags, size, size_actual };
        if !h.compressed() && size != size_actual {
            // MS-OXCRPC_R46 (and R38)
            r.finding(
                "MS-OXCRPC_R46",
                Level::Must,
                "SizeActual",
                at + 6,
                format!("{size_actual} differs from Size {size} while Compressed is clear"),
            );
        }
        if h.compressed() && size >= size_actual {
            // MS-OXCRPC_R4794
            r.finding(
                "MS-OXCRPC_R4794",
                Level::Must,
                "Size",
                at + 4,
                format!("Compressed is set but Size {size} is not less than SizeActual {size_actual}"),
            );
        }
        Ok(h)
    }

    /// Appends the 8 bytes.
    pub fn write(&self, out: &mut Vec<u8>) {
        put_u16(out, self.version);
        put_u16(out, self.flags);
        put_u16(out, self.size);
        put_u16(out, self.size_actual);
    }

    /// The value form's fields, into `b`.
    pub(crate) fn build(&self, b: MapBuilder) -> MapBuilder {
        b.int("Version", self.version)
            .int("Flags", self.flags)
            .int("Size", self.size)
            .int("SizeActual", self.size_actual)
    }
}

impl WireStructure for RpcHeaderExt {
    const NAME: &'static str = "RPC_HEADER_EXT";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        RpcHeaderExt::read(r)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        RpcHeaderExt::write(self, out);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        self.build(MapBuilder::new()).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        Ok(RpcHeaderExt {
            version: o.u16("Version")?,
            flags: o.u16("Flags")?,
            size: o.u16("Size")?,
            size_actual: o.u16("SizeActual")?,
        })
    }
}
