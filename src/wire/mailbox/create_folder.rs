//! RopCreateFolder (RopId 0x1C): [MS-OXCROPS] 2.2.4.2, [MS-OXCFOLD]
//! 2.2.1.2. Creates a subfolder of the input folder (a search folder when
//! FolderType is 2), or opens one of the same name when OpenExisting is
//! TRUE; a new folder makes the server report ObjectCreated (MS-OXCNOTIF
//! 2.2.1.1).
//!
//! DisplayName and Comment are UTF-16LE when UseUnicodeStrings is nonzero,
//! else 8-bit (MS-OXCFOLD_R48, R49), so the request is framed by hand. The
//! success response has FolderId and IsExistingFolder, then HasRules and
//! IsGhosted only when IsExistingFolder is nonzero (MS-OXCFOLD_R926,
//! R931), then the replica list only when IsGhosted is nonzero (R933, R938,
//! R941).

use super::fields::{read_text, text_from, text_value, write_text, REPLICA_FIELDS};
use super::names::FolderType;
use super::open_folder::{read_opened, OpenedFolder};
use crate::wire::codec::{put_u32, EncodeError, Error, Id8, Level, Reader};
use crate::wire::rop::{self, HandleUse, Rop, RopRequestBody, RopResponseBody};
use crate::wire::rop_fields::{Bool, FieldKind, Named};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopCreateFolder.
pub const ROP_ID: u8 = rop::CREATE_FOLDER.id;

/// The RopCreateFolder request buffer ([MS-OXCROPS] 2.2.4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopCreateFolderRequest {
    /// LogonId.
    pub logon_id: u8,
    /// InputHandleIndex: the parent folder (MS-OXCFOLD_R40, R41).
    pub input_handle_index: u8,
    /// OutputHandleIndex: the slot of the new Folder object (MS-OXCFOLD_R42, R43).
    pub output_handle_index: u8,
    /// FolderType: 1 generic, 2 search (MS-OXCFOLD_R44-R47).
    pub folder_type: u8,
    /// UseUnicodeStrings, the raw byte: the strings are UTF-16LE when nonzero (MS-OXCFOLD_R48, R49).
    pub use_unicode_strings: u8,
    /// OpenExisting, the raw byte (MS-OXCFOLD_R50, R51).
    pub open_existing: u8,
    /// Reserved: the client MUST set it to zero (MS-OXCFOLD_R2051, R52).
    pub reserved: u8,
    /// DisplayName, its bytes without the terminator (MS-OXCFOLD_R53, R54).
    pub display_name: Vec<u8>,
    /// Comment, its bytes without the terminator (MS-OXCFOLD_R55, R56).
    pub comment: Vec<u8>,
}

const REQUEST_FIELDS: &[&str] = &[
    "RopId",
    "LogonId",
    "InputHandleIndex",
    "OutputHandleIndex",
    "FolderType",
    "UseUnicodeStrings",
    "OpenExisting",
    "Reserved",
    "DisplayName",
    "Comment",
];

impl RopCreateFolderRequest {
    /// The display name as text (UTF-16 decoded, or one character per byte).
    pub fn display_name_text(&self) -> String {
        match text_value(&self.display_name, self.use_unicode_strings != 0) {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }
}

impl RopRequestBody for RopCreateFolderRequest {
    const ROP: Rop = rop::CREATE_FOLDER;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let logon_id = r.u8("LogonId")?;
        let input_handle_index = r.u8("InputHandleIndex")?;
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let folder_type = Named::<FolderType>::read(r, None, "FolderType")?;
        let use_unicode_strings = Bool::read(r, None, "UseUnicodeStrings")?;
        let open_existing = Bool::read(r, None, "OpenExisting")?;
        let at = r.pos();
        let reserved = r.u8("Reserved")?;
        if reserved != 0 {
            r.finding(
                "MS-OXCFOLD_R52",
                Level::Must,
                "Reserved",
                at,
                format!("Reserved is 0x{reserved:02X}; the client MUST set it to zero"),
            );
        }
        let unicode = use_unicode_strings != 0;
        let display_name = read_text(r, unicode, "DisplayName")?;
        let comment = read_text(r, unicode, "Comment")?;
        Ok(RopCreateFolderRequest {
            logon_id,
            input_handle_index,
            output_handle_index,
            folder_type,
            use_unicode_strings,
            open_existing,
            reserved,
            display_name,
            comment,
        })
    }
    fn logon_id(&self) -> u8 {
        self.logon_id
    }
    fn handle_uses(&self) -> [Option<HandleUse>; 2] {
        [
            Some(HandleUse { field: "InputHandleIndex", offset: 2, index: self.input_handle_index, output: false }),
            Some(HandleUse { field: "OutputHandleIndex", offset: 3, index: self.output_handle_index, output: true }),
        ]
    }
}

impl WireStructure for RopCreateFolderRequest {
    const NAME: &'static str = rop::CREATE_FOLDER.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopRequestBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        out.extend_from_slice(&[
            ROP_ID,
            self.logon_id,
            self.input_handle_index,
            self.output_handle_index,
            self.folder_type,
            self.use_unicode_strings,
            self.open_existing,
            self.reserved,
        ]);
        let unicode = self.use_unicode_strings != 0;
        write_text(&self.display_name, unicode, out, "DisplayName")?;
        write_text(&self.comment, unicode, out, "Comment")
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let unicode = self.use_unicode_strings != 0;
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("LogonId", self.logon_id)
            .int("InputHandleIndex", self.input_handle_index)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("FolderType", self.folder_type)
            .int("UseUnicodeStrings", self.use_unicode_strings)
            .int("OpenExisting", self.open_existing)
            .int("Reserved", self.reserved)
            .value("DisplayName", text_value(&self.display_name, unicode))
            .value("Comment", text_value(&self.comment, unicode))
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let use_unicode_strings = o.u8("UseUnicodeStrings")?;
        let unicode = use_unicode_strings != 0;
        let x = RopCreateFolderRequest {
            logon_id: o.u8("LogonId")?,
            input_handle_index: o.u8("InputHandleIndex")?,
            output_handle_index: o.u8("OutputHandleIndex")?,
            folder_type: o.u8("FolderType")?,
            use_unicode_strings,
            open_existing: o.u8("OpenExisting")?,
            reserved: o.opt_u8("Reserved")?.unwrap_or(0),
            display_name: text_from(&o, "DisplayName", unicode)?,
            comment: text_from(&o, "Comment", unicode)?,
        };
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}

/// The fields of a successful RopCreateFolder after ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedFolder {
    /// FolderId: the folder created or opened (MS-OXCFOLD_R59).
    pub folder_id: Id8,
    /// IsExistingFolder, the raw byte: always zero in a private mailbox (MS-OXCFOLD_R60, R61, R1197).
    pub is_existing_folder: u8,
    /// HasRules, IsGhosted and the replicas: present exactly when
    /// IsExistingFolder is nonzero (MS-OXCFOLD_R926, R931).
    pub existing: Option<OpenedFolder>,
}

/// The RopCreateFolder response buffer: success ([MS-OXCROPS] 2.2.4.2.2)
/// or failure (2.2.4.2.3), which ends after ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopCreateFolderResponse {
    /// OutputHandleIndex: echoes the request's.
    pub output_handle_index: u8,
    /// ReturnValue (MS-OXCFOLD_R57, R58).
    pub return_value: u32,
    /// The success fields.
    pub folder: Option<CreatedFolder>,
}

const RESPONSE_FIELDS: &[&str] = &[
    "RopId",
    "OutputHandleIndex",
    "ReturnValue",
    "FolderId",
    "IsExistingFolder",
    "HasRules",
    "IsGhosted",
    REPLICA_FIELDS[0],
    REPLICA_FIELDS[1],
    REPLICA_FIELDS[2],
];

impl RopCreateFolderResponse {
    fn check(&self) -> Result<(), EncodeError> {
        match (&self.folder, self.return_value == 0) {
            (None, false) => Ok(()),
            (None, true) => Err(EncodeError::new("FolderId", "missing: a success response has FolderId and IsExistingFolder")),
            (Some(_), false) => Err(EncodeError::new(
                "FolderId",
                format!(
                    "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue",
                    self.return_value
                ),
            )),
            (Some(f), true) => match (&f.existing, f.is_existing_folder != 0) {
                (Some(e), true) => e.check("MS-OXCFOLD_R933, R938, R941"),
                (None, false) => Ok(()),
                (None, true) => Err(EncodeError::new(
                    "HasRules",
                    "missing: IsExistingFolder is TRUE, so HasRules and IsGhosted follow (MS-OXCFOLD_R926, R931)",
                )),
                (Some(_), false) => Err(EncodeError::new(
                    "HasRules",
                    "present, but IsExistingFolder is FALSE: HasRules and IsGhosted are there only when it is TRUE (MS-OXCFOLD_R926, R931)",
                )),
            },
        }
    }
}

impl RopResponseBody for RopCreateFolderResponse {
    const ROP: Rop = rop::CREATE_FOLDER;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let folder = if return_value == 0 {
            let folder_id = r.id8("FolderId")?;
            let is_existing_folder = Bool::read(r, None, "IsExistingFolder")?;
            let existing = if is_existing_folder != 0 { Some(read_opened(r)?) } else { None };
            Some(CreatedFolder { folder_id, is_existing_folder, existing })
        } else {
            None
        };
        Ok(RopCreateFolderResponse { output_handle_index, return_value, folder })
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "OutputHandleIndex", offset: 1, index: self.output_handle_index, output: true })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl WireStructure for RopCreateFolderResponse {
    const NAME: &'static str = rop::CREATE_FOLDER.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.output_handle_index]);
        put_u32(out, self.return_value);
        if let Some(f) = &self.folder {
            out.extend_from_slice(&f.folder_id.0);
            out.push(f.is_existing_folder);
            if let Some(e) = &f.existing {
                e.write(out)?;
            }
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("ReturnValue", self.return_value);
        match &self.folder {
            Some(f) => {
                let b = b.opt_id8("FolderId", Some(f.folder_id)).int("IsExistingFolder", f.is_existing_folder);
                match &f.existing {
                    Some(e) => e.put(b),
                    None => b,
                }
            }
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let folder = if RESPONSE_FIELDS[3..].iter().any(|f| o.get(f).is_some()) {
            let existing = if RESPONSE_FIELDS[5..].iter().any(|f| o.get(f).is_some()) {
                Some(OpenedFolder::take(&o)?)
            } else {
                None
            };
            Some(CreatedFolder {
                folder_id: o.opt_id8("FolderId")?.ok_or_else(|| EncodeError::new("FolderId", "missing"))?,
                is_existing_folder: o.u8("IsExistingFolder")?,
                existing,
            })
        } else {
            None
        };
        let x = RopCreateFolderResponse {
            output_handle_index: o.u8("OutputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            folder,
        };
        x.check()?;
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
