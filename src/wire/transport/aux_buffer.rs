//! The auxiliary blocks: [MS-OXCRPC] 2.2.2.2. An AuxiliaryBuffer field
//! (rgbAuxIn / rgbAuxOut, MS-OXCRPC 3.1.4.1.1.1) is an extended buffer
//! (RPC_HEADER_EXT + payload, maybe compressed or obfuscated: see
//! [`super::extended_buffer`]) whose plain payload is a list of blocks,
//! each an AUX_HEADER (Size, Version, Type) and the block's data.
//!
//! The structure `aux-buffer` ([`AuxBuffer`]) is that block list, the
//! payload once the RPC_HEADER_EXT is removed and the payload expanded.
//! [`client_mode`] and [`perf_client_info`] work on the whole field.
//!
//! Each block's data is kept as bytes, except AUX_PERF_CLIENTINFO (Version
//! AUX_VERSION_1, Type AUX_TYPE_PERF_CLIENTINFO, MS-OXCRPC_R57; 2.2.2.2.4),
//! whose fixed fields are decoded by name, ClientMode among them
//! (MS-OXCNOTIF_R220 depends on it). Its variable part (MachineName,
//! UserName, ClientIP, ... found by offsets from the AUX_HEADER) is kept as
//! bytes, `Data`, so any placement of those fields re-encodes exactly.
//!
//! ```
//! use oxcnotif::wire::transport::aux_buffer::{client_mode, perf_client_info, CLIENTMODE_CACHED};
//!
//! let aux = perf_client_info(CLIENTMODE_CACHED); // a Connect or Execute AuxiliaryBuffer
//! assert_eq!(client_mode(&aux), Some(CLIENTMODE_CACHED));
//! assert_eq!(client_mode(&[]), None);
//! ```

use super::extended_buffer::{ExtendedBuffer, Role, Transform};
use crate::wire::codec::{put_u16, put_u32, EncodeError, Error, ErrorKind, Level, Reader};
use crate::wire::value::{kind_of, MapBuilder, Obj};
use crate::wire::{decode, Layout, WireStructure};
use serde_json::Value;

/// AUX_HEADER Version AUX_VERSION_1 (MS-OXCRPC_R50).
pub const AUX_VERSION_1: u8 = 0x01;
/// AUX_HEADER Version AUX_VERSION_2 (MS-OXCRPC_R51).
pub const AUX_VERSION_2: u8 = 0x02;
/// AUX_HEADER Type AUX_TYPE_PERF_CLIENTINFO (with AUX_VERSION_1, MS-OXCRPC_R57).
pub const AUX_TYPE_PERF_CLIENTINFO: u8 = 0x02;
/// ClientMode CLIENTMODE_UNKNOWN: no mode designated (MS-OXCRPC_R127).
pub const CLIENTMODE_UNKNOWN: u8 = 0x00;
/// ClientMode CLIENTMODE_CLASSIC: classic online mode (MS-OXCRPC_R128).
pub const CLIENTMODE_CLASSIC: u8 = 0x01;
/// ClientMode CLIENTMODE_CACHED: cached mode (MS-OXCRPC_R129).
pub const CLIENTMODE_CACHED: u8 = 0x02;

/// The AUX_HEADER's size (Size, Version, Type).
pub const HEADER_SIZE: usize = 4;
/// The AUX_HEADER plus the fixed fields of AUX_PERF_CLIENTINFO: variable
/// fields start at this offset from the AUX_HEADER.
pub const PERF_CLIENTINFO_FIXED: usize = HEADER_SIZE + 28;

/// The fixed fields of AUX_PERF_CLIENTINFO ([MS-OXCRPC] 2.2.2.2.4), then
/// its variable part as bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuxPerfClientInfo {
    /// AdapterSpeed: kilobits per second (MS-OXCRPC_R109).
    pub adapter_speed: u32,
    /// ClientID (MS-OXCRPC_R110).
    pub client_id: u16,
    /// MachineNameOffset: from the AUX_HEADER, 0 for none (MS-OXCRPC_R111, R1351).
    pub machine_name_offset: u16,
    /// UserNameOffset (MS-OXCRPC_R112, R1352).
    pub user_name_offset: u16,
    /// ClientIPSize (MS-OXCRPC_R113).
    pub client_ip_size: u16,
    /// ClientIPOffset (MS-OXCRPC_R115, R1353).
    pub client_ip_offset: u16,
    /// ClientIPMaskSize (MS-OXCRPC_R116).
    pub client_ip_mask_size: u16,
    /// ClientIPMaskOffset (MS-OXCRPC_R118, R1354).
    pub client_ip_mask_offset: u16,
    /// AdapterNameOffset (MS-OXCRPC_R120, R1355).
    pub adapter_name_offset: u16,
    /// MacAddressSize (MS-OXCRPC_R121).
    pub mac_address_size: u16,
    /// MacAddressOffset (MS-OXCRPC_R123, R1356).
    pub mac_address_offset: u16,
    /// ClientMode: CLIENTMODE_UNKNOWN, _CLASSIC or _CACHED (MS-OXCRPC_R125, R126).
    pub client_mode: u16,
    /// Reserved: padding (MS-OXCRPC_R130).
    pub reserved: u16,
    /// The variable fields, as bytes (everything after the fixed fields).
    pub data: Vec<u8>,
}

/// A block's data after its AUX_HEADER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuxPayload {
    /// AUX_PERF_CLIENTINFO (Version 0x01, Type 0x02).
    PerfClientInfo(AuxPerfClientInfo),
    /// Any other block, as bytes.
    Bytes(Vec<u8>),
}

/// One auxiliary block: AUX_HEADER ([MS-OXCRPC] 2.2.2.2) and its data.
/// Size is not stored: it is 4 plus the data's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxBlock {
    /// Version: AUX_VERSION_1 or AUX_VERSION_2 (MS-OXCRPC_R48, R50, R51).
    pub version: u8,
    /// Type: with Version, which block follows (MS-OXCRPC_R52, R53).
    pub block_type: u8,
    /// The block's data.
    pub payload: AuxPayload,
}

/// The block list of an auxiliary buffer's payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuxBuffer {
    /// The blocks, in order.
    pub blocks: Vec<AuxBlock>,
}

const BLOCK_FIELDS: &[&str] = &["Size", "Version", "Type", "Payload"];
const CLIENTINFO_FIELDS: &[&str] = &[
    "Size",
    "Version",
    "Type",
    "AdapterSpeed",
    "ClientID",
    "MachineNameOffset",
    "UserNameOffset",
    "ClientIPSize",
    "ClientIPOffset",
    "ClientIPMaskSize",
    "ClientIPMaskOffset",
    "AdapterNameOffset",
    "MacAddressSize",
    "MacAddressOffset",
    "ClientMode",
    "Reserved",
    "Data",
];
const ANY_BLOCK_FIELDS: &[&str] = &[
    "Size",
    "Version",
    "Type",
    "Payload",
    "AdapterSpeed",
    "ClientID",
    "MachineNameOffset",
    "UserNameOffset",
    "ClientIPSize",
    "ClientIPOffset",
    "ClientIPMaskSize",
    "ClientIPMaskOffset",
    "AdapterNameOffset",
    "MacAddressSize",
    "MacAddressOffset",
    "ClientMode",
    "Reserved",
    "Data",
];

impl AuxPerfClientInfo {
    fn encoded_len(&self) -> usize {
        PERF_CLIENTINFO_FIXED - HEADER_SIZE + self.data.len()
    }

    fn read(r: &mut Reader, start: usize, size: usize) -> Result<Self, Error> {
        let adapter_speed = r.u32("AdapterSpeed")?;
        let client_id = r.u16("ClientID")?;
        let mut offsets = Vec::new();
        let mut field = |r: &mut Reader, name: &'static str| -> Result<u16, Error> {
            let at = r.pos();
            let v = r.u16(name)?;
            offsets.push((name, at, v));
            Ok(v)
        };
        let machine_name_offset = field(r, "MachineNameOffset")?;
        let user_name_offset = field(r, "UserNameOffset")?;
        let client_ip_size = r.u16("ClientIPSize")?;
        let client_ip_offset = field(r, "ClientIPOffset")?;
        let client_ip_mask_size = r.u16("ClientIPMaskSize")?;
        let client_ip_mask_offset = field(r, "ClientIPMaskOffset")?;
        let adapter_name_offset = field(r, "AdapterNameOffset")?;
        let mac_address_size = r.u16("MacAddressSize")?;
        let mac_address_offset = field(r, "MacAddressOffset")?;
        let at = r.pos();
        let client_mode = r.u16("ClientMode")?;
        match client_mode {
            0 => r.annotate(|| "CLIENTMODE_UNKNOWN".into()),
            1 => r.annotate(|| "CLIENTMODE_CLASSIC".into()),
            2 => r.annotate(|| "CLIENTMODE_CACHED".into()),
            // MS-OXCRPC_R126: the valid values are 0x00, 0x01 and 0x02.
            v => r.finding(
                "MS-OXCRPC_R126",
                Level::Must,
                "ClientMode",
                at,
                format!("0x{v:04X} is not CLIENTMODE_UNKNOWN, CLIENTMODE_CLASSIC or CLIENTMODE_CACHED"),
            ),
        }
        let reserved = r.u16("Reserved")?;
        let data = r.rest("Data").to_vec();
        // MS-OXCRPC_R134, R136, R138, R141, R144, R146: each variable field
        // is at its offset from the AUX_HEADER, so inside the variable part.
        let sized = [
            ("ClientIPOffset", client_ip_size),
            ("ClientIPMaskOffset", client_ip_mask_size),
            ("MacAddressOffset", mac_address_size),
        ];
        for (name, at, off) in offsets {
            if off == 0 {
                continue;
            }
            let len = sized.iter().find(|(n, _)| *n == name).map_or(1, |(_, s)| (*s as usize).max(1));
            let o = off as usize;
            if o < PERF_CLIENTINFO_FIXED || o + len > size {
                let requirement = match name {
                    "MachineNameOffset" => "MS-OXCRPC_R134",
                    "UserNameOffset" => "MS-OXCRPC_R136",
                    "ClientIPOffset" => "MS-OXCRPC_R138",
                    "ClientIPMaskOffset" => "MS-OXCRPC_R141",
                    "AdapterNameOffset" => "MS-OXCRPC_R144",
                    _ => "MS-OXCRPC_R146",
                };
                r.finding(
                    requirement,
                    Level::Must,
                    name,
                    at,
                    format!(
                        "{o} points outside the block's variable part (bytes {PERF_CLIENTINFO_FIXED}..{size} of the block at offset {start})"
                    ),
                );
            }
        }
        Ok(AuxPerfClientInfo {
            adapter_speed,
            client_id,
            machine_name_offset,
            user_name_offset,
            client_ip_size,
            client_ip_offset,
            client_ip_mask_size,
            client_ip_mask_offset,
            adapter_name_offset,
            mac_address_size,
            mac_address_offset,
            client_mode,
            reserved,
            data,
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.adapter_speed);
        for v in [
            self.client_id,
            self.machine_name_offset,
            self.user_name_offset,
            self.client_ip_size,
            self.client_ip_offset,
            self.client_ip_mask_size,
            self.client_ip_mask_offset,
            self.adapter_name_offset,
            self.mac_address_size,
            self.mac_address_offset,
            self.client_mode,
            self.reserved,
        ] {
            put_u16(out, v);
        }
        out.extend_from_slice(&self.data);
    }
}

impl AuxBlock {
    fn payload_len(&self) -> usize {
        match &self.payload {
            AuxPayload::PerfClientInfo(c) => c.encoded_len(),
            AuxPayload::Bytes(b) => b.len(),
        }
    }

    fn read(r: &mut Reader) -> Result<Self, Error> {
        let start = r.pos();
        let size = r.u16("Size")?;
        if (size as usize) < HEADER_SIZE {
            // MS-OXCRPC_R47: Size counts the AUX_HEADER and the data after it.
            return Err(r.error_at("Size", start, ErrorKind::AuxSizeTooSmall { size }));
        }
        let at = r.pos();
        let version = r.u8("Version")?;
        match version {
            AUX_VERSION_1 => r.annotate(|| "AUX_VERSION_1".into()),
            AUX_VERSION_2 => r.annotate(|| "AUX_VERSION_2".into()),
            // MS-OXCRPC_R48, R50, R51: the versions are AUX_VERSION_1 and AUX_VERSION_2.
            v => r.finding(
                "MS-OXCRPC_R48",
                Level::Must,
                "Version",
                at,
                format!("0x{v:02X} is neither AUX_VERSION_1 (0x01) nor AUX_VERSION_2 (0x02)"),
            ),
        }
        let block_type = r.u8("Type")?;
        let old = r.limit("Payload", size as usize - HEADER_SIZE)?;
        let payload = if version == AUX_VERSION_1 && block_type == AUX_TYPE_PERF_CLIENTINFO {
            r.annotate(|| "AUX_TYPE_PERF_CLIENTINFO".into());
            r.enter("AUX_PERF_CLIENTINFO");
            let c = AuxPerfClientInfo::read(r, start, size as usize)?;
            r.leave();
            AuxPayload::PerfClientInfo(c)
        } else {
            AuxPayload::Bytes(r.rest("Payload").to_vec())
        };
        r.restore_limit(old);
        Ok(AuxBlock { version, block_type, payload })
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let size = HEADER_SIZE + self.payload_len();
        let size = u16::try_from(size)
            .map_err(|_| EncodeError::new("Size", format!("{size} bytes do not fit the 2-byte Size")))?;
        put_u16(out, size);
        out.push(self.version);
        out.push(self.block_type);
        match &self.payload {
            AuxPayload::PerfClientInfo(c) => c.write(out),
            AuxPayload::Bytes(b) => out.extend_from_slice(b),
        }
        Ok(())
    }

    fn to_value(&self) -> Value {
        let m = MapBuilder::new()
            .int("Size", (HEADER_SIZE + self.payload_len()) as u64)
            .int("Version", self.version)
            .int("Type", self.block_type);
        match &self.payload {
            AuxPayload::Bytes(b) => m.bytes("Payload", b).build(),
            AuxPayload::PerfClientInfo(c) => m
                .int("AdapterSpeed", c.adapter_speed)
                .int("ClientID", c.client_id)
                .int("MachineNameOffset", c.machine_name_offset)
                .int("UserNameOffset", c.user_name_offset)
                .int("ClientIPSize", c.client_ip_size)
                .int("ClientIPOffset", c.client_ip_offset)
                .int("ClientIPMaskSize", c.client_ip_mask_size)
                .int("ClientIPMaskOffset", c.client_ip_mask_offset)
                .int("AdapterNameOffset", c.adapter_name_offset)
                .int("MacAddressSize", c.mac_address_size)
                .int("MacAddressOffset", c.mac_address_offset)
                .int("ClientMode", c.client_mode)
                .int("Reserved", c.reserved)
                .bytes("Data", &c.data)
                .build(),
        }
    }

    fn from_value(v: &Value) -> Result<Self, EncodeError> {
        let probe = Obj::new(v, ANY_BLOCK_FIELDS)?;
        let version = probe.u8("Version")?;
        let block_type = probe.u8("Type")?;
        let size = probe.opt_u16("Size")?;
        let block = if version == AUX_VERSION_1 && block_type == AUX_TYPE_PERF_CLIENTINFO {
            let o = Obj::new(v, CLIENTINFO_FIELDS)?;
            let c = AuxPerfClientInfo {
                adapter_speed: o.u32("AdapterSpeed")?,
                client_id: o.u16("ClientID")?,
                machine_name_offset: o.u16("MachineNameOffset")?,
                user_name_offset: o.u16("UserNameOffset")?,
                client_ip_size: o.u16("ClientIPSize")?,
                client_ip_offset: o.u16("ClientIPOffset")?,
                client_ip_mask_size: o.u16("ClientIPMaskSize")?,
                client_ip_mask_offset: o.u16("ClientIPMaskOffset")?,
                adapter_name_offset: o.u16("AdapterNameOffset")?,
                mac_address_size: o.u16("MacAddressSize")?,
                mac_address_offset: o.u16("MacAddressOffset")?,
                client_mode: o.u16("ClientMode")?,
                reserved: o.opt_u16("Reserved")?.unwrap_or(0),
                data: o.opt_bytes("Data")?.unwrap_or_default(),
            };
            AuxBlock { version, block_type, payload: AuxPayload::PerfClientInfo(c) }
        } else {
            let o = Obj::new(v, BLOCK_FIELDS)?;
            AuxBlock { version, block_type, payload: AuxPayload::Bytes(o.opt_bytes("Payload")?.unwrap_or_default()) }
        };
        if let Some(s) = size {
            let len = HEADER_SIZE + block.payload_len();
            if s as usize != len {
                return Err(EncodeError::new("Size", format!("{s} given, but the block holds {len} bytes")));
            }
        }
        Ok(block)
    }
}

impl WireStructure for AuxBuffer {
    const NAME: &'static str = "auxiliary buffer blocks";

    fn read(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let mut blocks = Vec::new();
        while r.remaining() > 0 {
            r.enter_index("Blocks", blocks.len());
            let b = AuxBlock::read(r)?;
            r.leave();
            blocks.push(b);
        }
        Ok(AuxBuffer { blocks })
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        for (i, b) in self.blocks.iter().enumerate() {
            b.write(out).map_err(|e| e.within(&format!("Blocks[{i}]")))?;
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new().value("Blocks", Value::Array(self.blocks.iter().map(AuxBlock::to_value).collect())).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, &["Blocks"])?;
        let list = o.get("Blocks").ok_or_else(|| EncodeError::new("Blocks", "missing"))?;
        let list = list
            .as_array()
            .ok_or_else(|| EncodeError::new("Blocks", format!("expected a list, found {}", kind_of(list))))?;
        let mut blocks = Vec::with_capacity(list.len());
        for (i, b) in list.iter().enumerate() {
            blocks.push(AuxBlock::from_value(b).map_err(|e| e.within(&format!("Blocks[{i}]")))?);
        }
        Ok(AuxBuffer { blocks })
    }
}

/// The ClientMode of the first AUX_PERF_CLIENTINFO block of a whole
/// AuxiliaryBuffer field (RPC_HEADER_EXT + blocks, as a Connect or Execute
/// request body carries it; MS-OXCRPC 3.1.4.1.1.1.1). `None` when the field
/// is empty or cannot be framed, when no block is AUX_PERF_CLIENTINFO, or
/// when its 2-byte ClientMode does not fit a byte (no defined mode is that
/// large: MS-OXCRPC_R126).
pub fn client_mode(auxiliary_buffer: &[u8]) -> Option<u8> {
    let ext = ExtendedBuffer::decode(auxiliary_buffer, Role::AuxIn).ok()?;
    let blocks = decode::<AuxBuffer>(&ext.value.data(), Layout::Spec).ok()?;
    blocks.value.blocks.iter().find_map(|b| match &b.payload {
        AuxPayload::PerfClientInfo(c) => u8::try_from(c.client_mode).ok(),
        AuxPayload::Bytes(_) => None,
    })
}

/// The machine name [`perf_client_info`] puts in its block.
pub const MACHINE_NAME: &str = "OXCNOTIF";

/// A whole AuxiliaryBuffer field for a client to send: one RPC_HEADER_EXT
/// (Version 0, Last, neither compressed nor obfuscated: MS-OXCRPC_R40)
/// and one AUX_PERF_CLIENTINFO block with `client_mode`, ClientID 1, an
/// AdapterSpeed of 1 000 000 kbit/s and the MachineName [`MACHINE_NAME`]
/// right after the fixed fields; no UserName, ClientIP, ClientIPMask,
/// AdapterName or MacAddress (offsets 0: MS-OXCRPC_R1351-R1356).
pub fn perf_client_info(client_mode: u8) -> Vec<u8> {
    let mut name = Vec::new();
    for u in MACHINE_NAME.encode_utf16().chain([0]) {
        name.extend_from_slice(&u.to_le_bytes());
    }
    let block = AuxBlock {
        version: AUX_VERSION_1,
        block_type: AUX_TYPE_PERF_CLIENTINFO,
        payload: AuxPayload::PerfClientInfo(AuxPerfClientInfo {
            adapter_speed: 1_000_000,
            client_id: 1,
            machine_name_offset: PERF_CLIENTINFO_FIXED as u16,
            client_mode: u16::from(client_mode),
            data: name,
            ..AuxPerfClientInfo::default()
        }),
    };
    let mut blocks = Vec::new();
    // A 50-byte block: well within Size and the 32 KB payload limit.
    if block.write(&mut blocks).is_err() {
        return Vec::new();
    }
    match ExtendedBuffer::from_payloads(&[(&blocks, Transform::default())]) {
        Ok(b) => b.to_bytes(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perf_client_info_round_trips_through_client_mode() {
        for m in [CLIENTMODE_UNKNOWN, CLIENTMODE_CLASSIC, CLIENTMODE_CACHED] {
            let aux = perf_client_info(m);
            assert_eq!(&aux[..4], &[0x00, 0x00, 0x04, 0x00]);
            assert_eq!(client_mode(&aux), Some(m));
            let ext = ExtendedBuffer::decode(&aux, Role::AuxIn).unwrap();
            assert!(ext.findings.is_empty());
            let d = decode::<AuxBuffer>(&ext.value.data(), Layout::Spec).unwrap();
            assert!(d.findings.is_empty(), "{:?}", d.findings);
        }
        assert_eq!(client_mode(&[]), None);
        assert_eq!(client_mode(&[1, 2, 3]), None);
    }

    #[test]
    fn short_size_is_an_error() {
        let e = decode::<AuxBuffer>(&[0x03, 0x00, 0x01, 0x01], Layout::Spec).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset, e.kind.name()), ("Blocks[0].Size", 0, "AuxSizeTooSmall"));
    }
}
