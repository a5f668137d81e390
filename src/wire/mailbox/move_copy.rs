//! What RopMoveCopyMessages, RopMoveFolder and RopCopyFolder share: the
//! response, which is SourceHandleIndex, ReturnValue and PartialCompletion,
//! with DestHandleIndex (4 bytes) before PartialCompletion exactly when
//! ReturnValue is ecDstNullObject 0x00000503, the null destination failure
//! response ([MS-OXCROPS] 2.2.4.6.2-3, 2.2.4.7.2-3, 2.2.4.8.2-3); and the
//! folder request, whose NewFolderName is UTF-16LE or 8-bit as UseUnicode
//! says ([MS-OXCROPS] 2.2.4.7.1, 2.2.4.8.1).

use super::fields::{read_text, text_from, text_value, write_text};
use crate::wire::codec::{put_u32, EncodeError, Error, Id8, Reader};
use crate::wire::rop::{HandleUse, Rop, RopRequestBody, RopResponseBody};
use crate::wire::rop_fields::{Bool, FieldKind};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;
use std::marker::PhantomData;

/// ecDstNullObject: the destination handle is not there (MS-OXCROPS_R789).
pub const EC_DST_NULL_OBJECT: u32 = 0x0000_0503;

/// One of the three ROPs.
pub trait MoveCopyRop: Clone + std::fmt::Debug + PartialEq + Eq {
    /// Its table entry.
    const ROP: Rop;
    /// The requirement that defines the null destination failure response.
    const NULL_DESTINATION: &'static str;
    /// RopCopyFolder's request has WantRecursive after WantAsynchronous.
    const RECURSIVE: bool;
}

/// The response of a move or copy ROP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveCopyResponse<R> {
    /// SourceHandleIndex: MUST echo the request's.
    pub source_handle_index: u8,
    /// ReturnValue.
    pub return_value: u32,
    /// DestHandleIndex, 4 bytes: present exactly when ReturnValue is
    /// 0x00000503, and then MUST echo the request's.
    pub dest_handle_index: Option<u32>,
    /// PartialCompletion, the raw byte: in every response.
    pub partial_completion: u8,
    #[doc(hidden)]
    pub rop: PhantomData<R>,
}

impl<R: MoveCopyRop> MoveCopyResponse<R> {
    /// A response that is not the null destination failure.
    pub fn new(source_handle_index: u8, return_value: u32, partial_completion: bool) -> Self {
        MoveCopyResponse {
            source_handle_index,
            return_value,
            dest_handle_index: None,
            partial_completion: partial_completion as u8,
            rop: PhantomData,
        }
    }

    fn check(&self) -> Result<(), EncodeError> {
        let null = self.return_value == EC_DST_NULL_OBJECT;
        if self.dest_handle_index.is_some() != null {
            return Err(EncodeError::new(
                "DestHandleIndex",
                if null {
                    format!("missing: ReturnValue 0x00000503 is the null destination failure response, which has DestHandleIndex ({})", R::NULL_DESTINATION)
                } else {
                    format!(
                        "present, but ReturnValue is 0x{:08X}: only the null destination failure response (0x00000503) has DestHandleIndex ({})",
                        self.return_value,
                        R::NULL_DESTINATION
                    )
                },
            ));
        }
        Ok(())
    }
}

const RESPONSE_FIELDS: &[&str] = &["RopId", "SourceHandleIndex", "ReturnValue", "DestHandleIndex", "PartialCompletion"];

impl<R: MoveCopyRop> RopResponseBody for MoveCopyResponse<R> {
    const ROP: Rop = R::ROP;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let source_handle_index = r.u8("SourceHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| match return_value {
            EC_DST_NULL_OBJECT => "ecDstNullObject".to_string(),
            v => crate::wire::return_value_name(v).to_string(),
        });
        let dest_handle_index = if return_value == EC_DST_NULL_OBJECT { Some(r.u32("DestHandleIndex")?) } else { None };
        let partial_completion = Bool::read(r, None, "PartialCompletion")?;
        Ok(MoveCopyResponse {
            source_handle_index,
            return_value,
            dest_handle_index,
            partial_completion,
            rop: PhantomData,
        })
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "SourceHandleIndex", offset: 1, index: self.source_handle_index, output: false })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl<R: MoveCopyRop> WireStructure for MoveCopyResponse<R> {
    const NAME: &'static str = R::ROP.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, R::ROP.id)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[R::ROP.id, self.source_handle_index]);
        put_u32(out, self.return_value);
        if let Some(d) = self.dest_handle_index {
            put_u32(out, d);
        }
        out.push(self.partial_completion);
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        MapBuilder::new()
            .int("RopId", R::ROP.id)
            .int("SourceHandleIndex", self.source_handle_index)
            .int("ReturnValue", self.return_value)
            .opt_int("DestHandleIndex", self.dest_handle_index)
            .int("PartialCompletion", self.partial_completion)
            .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        o.rop_id(R::ROP.id, Self::NAME)?;
        let x = MoveCopyResponse {
            source_handle_index: o.u8("SourceHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            dest_handle_index: o.opt_u32("DestHandleIndex")?,
            partial_completion: o.u8("PartialCompletion")?,
            rop: PhantomData,
        };
        x.check()?;
        Ok(x)
    }
}

/// The request of RopMoveFolder or RopCopyFolder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderTransferRequest<R> {
    /// LogonId.
    pub logon_id: u8,
    /// SourceHandleIndex: the folder the moved or copied folder is in.
    pub source_handle_index: u8,
    /// DestHandleIndex: the folder it goes to.
    pub dest_handle_index: u8,
    /// WantAsynchronous, the raw byte.
    pub want_asynchronous: u8,
    /// WantRecursive, the raw byte: RopCopyFolder only.
    pub want_recursive: Option<u8>,
    /// UseUnicode, the raw byte: NewFolderName is UTF-16LE when nonzero.
    pub use_unicode: u8,
    /// FolderId: the folder to move or copy.
    pub folder_id: Id8,
    /// NewFolderName, its bytes without the terminator.
    pub new_folder_name: Vec<u8>,
    #[doc(hidden)]
    pub rop: PhantomData<R>,
}

impl<R: MoveCopyRop> FolderTransferRequest<R> {
    /// NewFolderName as text.
    pub fn new_folder_name_text(&self) -> String {
        match text_value(&self.new_folder_name, self.use_unicode != 0) {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }

    fn fields() -> &'static [&'static str] {
        if R::RECURSIVE {
            &[
                "RopId",
                "LogonId",
                "SourceHandleIndex",
                "DestHandleIndex",
                "WantAsynchronous",
                "WantRecursive",
                "UseUnicode",
                "FolderId",
                "NewFolderName",
            ]
        } else {
            &[
                "RopId",
                "LogonId",
                "SourceHandleIndex",
                "DestHandleIndex",
                "WantAsynchronous",
                "UseUnicode",
                "FolderId",
                "NewFolderName",
            ]
        }
    }
}

impl<R: MoveCopyRop> RopRequestBody for FolderTransferRequest<R> {
    const ROP: Rop = R::ROP;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let logon_id = r.u8("LogonId")?;
        let source_handle_index = r.u8("SourceHandleIndex")?;
        let dest_handle_index = r.u8("DestHandleIndex")?;
        let want_asynchronous = Bool::read(r, None, "WantAsynchronous")?;
        let want_recursive = if R::RECURSIVE { Some(Bool::read(r, None, "WantRecursive")?) } else { None };
        let use_unicode = Bool::read(r, None, "UseUnicode")?;
        let folder_id = r.id8("FolderId")?;
        let new_folder_name = read_text(r, use_unicode != 0, "NewFolderName")?;
        Ok(FolderTransferRequest {
            logon_id,
            source_handle_index,
            dest_handle_index,
            want_asynchronous,
            want_recursive,
            use_unicode,
            folder_id,
            new_folder_name,
            rop: PhantomData,
        })
    }
    fn logon_id(&self) -> u8 {
        self.logon_id
    }
    fn handle_uses(&self) -> [Option<HandleUse>; 2] {
        [
            Some(HandleUse { field: "SourceHandleIndex", offset: 2, index: self.source_handle_index, output: false }),
            Some(HandleUse { field: "DestHandleIndex", offset: 3, index: self.dest_handle_index, output: false }),
        ]
    }
}

impl<R: MoveCopyRop> WireStructure for FolderTransferRequest<R> {
    const NAME: &'static str = R::ROP.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, R::ROP.id)?;
        <Self as RopRequestBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        if self.want_recursive.is_some() != R::RECURSIVE {
            return Err(EncodeError::new(
                "WantRecursive",
                if R::RECURSIVE {
                    "missing: RopCopyFolder has WantRecursive"
                } else {
                    "present, but only RopCopyFolder has it"
                },
            ));
        }
        out.extend_from_slice(&[
            R::ROP.id,
            self.logon_id,
            self.source_handle_index,
            self.dest_handle_index,
            self.want_asynchronous,
        ]);
        if let Some(w) = self.want_recursive {
            out.push(w);
        }
        out.push(self.use_unicode);
        out.extend_from_slice(&self.folder_id.0);
        write_text(&self.new_folder_name, self.use_unicode != 0, out, "NewFolderName")
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", R::ROP.id)
            .int("LogonId", self.logon_id)
            .int("SourceHandleIndex", self.source_handle_index)
            .int("DestHandleIndex", self.dest_handle_index)
            .int("WantAsynchronous", self.want_asynchronous)
            .opt_int("WantRecursive", self.want_recursive)
            .int("UseUnicode", self.use_unicode)
            .opt_id8("FolderId", Some(self.folder_id));
        b.value("NewFolderName", text_value(&self.new_folder_name, self.use_unicode != 0)).build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, Self::fields())?;
        o.rop_id(R::ROP.id, Self::NAME)?;
        let use_unicode = o.u8("UseUnicode")?;
        let x = FolderTransferRequest {
            logon_id: o.u8("LogonId")?,
            source_handle_index: o.u8("SourceHandleIndex")?,
            dest_handle_index: o.u8("DestHandleIndex")?,
            want_asynchronous: o.u8("WantAsynchronous")?,
            want_recursive: if R::RECURSIVE { Some(o.u8("WantRecursive")?) } else { None },
            use_unicode,
            folder_id: o.opt_id8("FolderId")?.ok_or_else(|| EncodeError::new("FolderId", "missing"))?,
            new_folder_name: text_from(&o, "NewFolderName", use_unicode != 0)?,
            rop: PhantomData,
        };
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
