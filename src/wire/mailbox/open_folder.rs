//! RopOpenFolder (RopId 0x02): [MS-OXCROPS] 2.2.4.1, [MS-OXCFOLD]
//! 2.2.1.1. Opens an existing folder, the input of the table ROPs, of
//! RopCreateFolder, RopDeleteMessages and the move and copy ROPs, and the
//! scope of a folder's RopRegisterNotification.
//!
//! The success response has HasRules and IsGhosted, then, when IsGhosted
//! is nonzero (a public folder this server holds no active replica of),
//! ServerCount, CheapServerCount and Servers (MS-OXCFOLD_R909, R912, R915).

use super::fields::{Replicas, REPLICA_FIELDS};
use super::names::OpenModeFlags;
use crate::wire::codec::{put_u32, EncodeError, Error, Reader};
use crate::wire::rop::{self, HandleUse, Rop, RopResponseBody};
use crate::wire::rop_fields::{rop_request, Bool, FieldKind, Id, InputIndex, Named, OutputIndex, U8};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopOpenFolder.
pub const ROP_ID: u8 = rop::OPEN_FOLDER.id;

rop_request! {
    /// The RopOpenFolder request buffer ([MS-OXCROPS] 2.2.4.1.1).
    pub struct RopOpenFolderRequest = rop::OPEN_FOLDER {
        /// LogonId.
        logon_id: U8 = "LogonId",
        /// InputHandleIndex: a Logon or Folder object (MS-OXCFOLD_R14, R2014).
        input_handle_index: InputIndex = "InputHandleIndex",
        /// OutputHandleIndex: the slot of the opened Folder object (MS-OXCFOLD_R15, R16).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// FolderId: the folder to open (MS-OXCFOLD_R17).
        folder_id: Id = "FolderId",
        /// OpenModeFlags: only OpenSoftDeleted 0x04 is defined (MS-OXCFOLD_R19, R758, R820).
        open_mode_flags: Named<OpenModeFlags> = "OpenModeFlags",
    }
}

/// The fields of a successful RopOpenFolder after ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedFolder {
    /// HasRules, the raw byte (MS-OXCFOLD_R905, R25, R26).
    pub has_rules: u8,
    /// IsGhosted, the raw byte (MS-OXCFOLD_R906, R907, R29).
    pub is_ghosted: u8,
    /// ServerCount, CheapServerCount and Servers: present exactly when
    /// IsGhosted is nonzero (MS-OXCFOLD_R909, R912, R915).
    pub replicas: Option<Replicas>,
}

/// Reads HasRules, IsGhosted and, when IsGhosted is nonzero, the replicas.
pub(crate) fn read_opened(r: &mut Reader) -> Result<OpenedFolder, Error> {
    let has_rules = Bool::read(r, None, "HasRules")?;
    let is_ghosted = Bool::read(r, None, "IsGhosted")?;
    let replicas = if is_ghosted != 0 { Some(Replicas::read(r)?) } else { None };
    Ok(OpenedFolder { has_rules, is_ghosted, replicas })
}

impl OpenedFolder {
    pub(crate) fn check(&self, rule: &str) -> Result<(), EncodeError> {
        if self.replicas.is_some() != (self.is_ghosted != 0) {
            return Err(EncodeError::new(
                "Servers",
                if self.is_ghosted != 0 {
                    format!("missing: IsGhosted is TRUE, so ServerCount, CheapServerCount and Servers follow ({rule})")
                } else {
                    format!(
                        "present, but IsGhosted is FALSE: the replica fields are there only when it is TRUE ({rule})"
                    )
                },
            ));
        }
        Ok(())
    }
    pub(crate) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&[self.has_rules, self.is_ghosted]);
        match &self.replicas {
            Some(rep) => rep.write(out),
            None => Ok(()),
        }
    }
    pub(crate) fn put(&self, b: MapBuilder) -> MapBuilder {
        let b = b.int("HasRules", self.has_rules).int("IsGhosted", self.is_ghosted);
        match &self.replicas {
            Some(rep) => rep.put(b),
            None => b,
        }
    }
    pub(crate) fn take(o: &Obj) -> Result<Self, EncodeError> {
        Ok(OpenedFolder { has_rules: o.u8("HasRules")?, is_ghosted: o.u8("IsGhosted")?, replicas: Replicas::take(o)? })
    }
}

/// The RopOpenFolder response buffer: success ([MS-OXCROPS] 2.2.4.1.2)
/// or failure (2.2.4.1.3), which ends after ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopOpenFolderResponse {
    /// OutputHandleIndex: echoes the request's.
    pub output_handle_index: u8,
    /// ReturnValue (MS-OXCFOLD_R23, R24).
    pub return_value: u32,
    /// HasRules, IsGhosted and the replicas; success only.
    pub folder: Option<OpenedFolder>,
}

const FIELDS: &[&str] = &[
    "RopId",
    "OutputHandleIndex",
    "ReturnValue",
    "HasRules",
    "IsGhosted",
    REPLICA_FIELDS[0],
    REPLICA_FIELDS[1],
    REPLICA_FIELDS[2],
];

impl RopOpenFolderResponse {
    fn check(&self) -> Result<(), EncodeError> {
        match (&self.folder, self.return_value == 0) {
            (Some(f), true) => f.check("MS-OXCFOLD_R909, R912, R915"),
            (None, false) => Ok(()),
            (None, true) => Err(EncodeError::new("HasRules", "missing: a success response has HasRules and IsGhosted")),
            (Some(_), false) => Err(EncodeError::new(
                "HasRules",
                format!(
                    "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue",
                    self.return_value
                ),
            )),
        }
    }
}

impl RopResponseBody for RopOpenFolderResponse {
    const ROP: Rop = rop::OPEN_FOLDER;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let folder = if return_value == 0 { Some(read_opened(r)?) } else { None };
        Ok(RopOpenFolderResponse { output_handle_index, return_value, folder })
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "OutputHandleIndex", offset: 1, index: self.output_handle_index, output: true })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl WireStructure for RopOpenFolderResponse {
    const NAME: &'static str = rop::OPEN_FOLDER.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.output_handle_index]);
        put_u32(out, self.return_value);
        match &self.folder {
            Some(f) => f.write(out),
            None => Ok(()),
        }
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("ReturnValue", self.return_value);
        match &self.folder {
            Some(f) => f.put(b),
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let present = FIELDS[3..].iter().any(|f| o.get(f).is_some());
        let x = RopOpenFolderResponse {
            output_handle_index: o.u8("OutputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            folder: if present { Some(OpenedFolder::take(&o)?) } else { None },
        };
        x.check()?;
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
