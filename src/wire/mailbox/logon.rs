//! RopLogon (RopId 0xFE): [MS-OXCROPS] 2.2.3.1, [MS-OXCSTOR] 2.2.1.1.
//! Opens a logon to a mailbox (or the public folders); the logon object it
//! creates is the input of RopRegisterNotification for whole-store events
//! and of RopTransportNewMail, and its response names the 13 special
//! folders of a private mailbox.
//!
//! The response has four layouts, told apart by ReturnValue and by the
//! Private bit of the LogonFlags it echoes: success for a private mailbox
//! (2.2.3.1.2), success for public folders (2.2.3.1.3), the redirect
//! response with ReturnValue ecWrongServer 0x00000478 (2.2.3.1.4), and the
//! failure response, which ends after ReturnValue (2.2.3.1.5).

use super::fields::{read_sized_z, Guid, SizedAsciiZ, U64};
use super::names::{LogonFlags, ResponseFlags};
use crate::wire::codec::{put_u16, put_u32, EncodeError, Error, Id8, Reader};
use crate::wire::rop::{self, HandleUse, Rop, RopResponseBody};
use crate::wire::rop_fields::{byte_names, rop_request, FieldKind, Named, OutputIndex, U32, U8};
use crate::wire::value::{MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopLogon (MS-OXCROPS_R23).
pub const ROP_ID: u8 = rop::LOGON.id;

/// ecWrongServer: the ReturnValue of the redirect response (MS-OXCROPS_R119).
pub const EC_WRONG_SERVER: u32 = 0x0000_0478;

/// The Private bit of LogonFlags (MS-OXCSTOR 2.2.1.1.1).
pub const PRIVATE: u8 = 0x01;

/// The special folders whose FolderIds a private-mailbox RopLogon returns,
/// in wire order (MS-OXCSTOR 2.2.1.1.3, MS-OXCROPS_R53).
pub const SPECIAL_FOLDERS: [&str; 13] = [
    "Mailbox Root",
    "Deferred Action",
    "Spooler Queue",
    "IPM Subtree",
    "Inbox",
    "Outbox",
    "Sent Items",
    "Deleted Items",
    "Common Views",
    "Schedule",
    "Search",
    "Views",
    "Shortcuts",
];

rop_request! {
    /// The RopLogon request buffer ([MS-OXCROPS] 2.2.3.1.1).
    pub struct RopLogonRequest = rop::LOGON {
        /// LogonId: the ID the new logon gets (MS-OXCROPS_R24-R27).
        logon_id: U8 = "LogonId",
        /// OutputHandleIndex: the slot of the new Logon object (MS-OXCROPS_R30, R31).
        output_handle_index: OutputIndex = "OutputHandleIndex",
        /// LogonFlags (MS-OXCROPS_R32, R67).
        logon_flags: Named<LogonFlags> = "LogonFlags",
        /// OpenFlags (MS-OXCROPS_R34, R68).
        open_flags: U32 = "OpenFlags",
        /// StoreState: not used, MUST be 0x00000000 (MS-OXCROPS_R36, R4676, R4679).
        store_state: U32 = "StoreState",
        /// EssdnSize and Essdn: the mailbox, a null-terminated ASCII string
        /// whose size counts the terminator (MS-OXCROPS_R38-R42).
        essdn: SizedAsciiZ = ["EssdnSize"] "Essdn",
    }
}

/// LogonTime: when the logon happened ([MS-OXCROPS] 2.2.3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogonTime {
    /// Seconds.
    pub seconds: u8,
    /// Minutes.
    pub minutes: u8,
    /// Hour.
    pub hour: u8,
    /// DayOfWeek (0 is Sunday).
    pub day_of_week: u8,
    /// Day of the month.
    pub day: u8,
    /// Month (1 is January).
    pub month: u8,
    /// Year.
    pub year: u16,
}

const TIME_FIELDS: &[&str] = &["Seconds", "Minutes", "Hour", "DayOfWeek", "Day", "Month", "Year"];

impl LogonTime {
    fn read(r: &mut Reader) -> Result<Self, Error> {
        r.enter("LogonTime");
        let t = (|| {
            Ok(LogonTime {
                seconds: r.u8("Seconds")?,
                minutes: r.u8("Minutes")?,
                hour: r.u8("Hour")?,
                day_of_week: r.u8("DayOfWeek")?,
                day: r.u8("Day")?,
                month: r.u8("Month")?,
                year: r.u16("Year")?,
            })
        })();
        r.leave();
        t
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[self.seconds, self.minutes, self.hour, self.day_of_week, self.day, self.month]);
        put_u16(out, self.year);
    }
    fn to_value(self) -> Value {
        MapBuilder::new()
            .int("Seconds", self.seconds)
            .int("Minutes", self.minutes)
            .int("Hour", self.hour)
            .int("DayOfWeek", self.day_of_week)
            .int("Day", self.day)
            .int("Month", self.month)
            .int("Year", self.year)
            .build()
    }
    fn from_value(v: &Value) -> Result<Self, EncodeError> {
        let o = Obj::new(v, TIME_FIELDS).map_err(|e| e.within("LogonTime"))?;
        let at = |e: EncodeError| e.within("LogonTime");
        Ok(LogonTime {
            seconds: o.u8("Seconds").map_err(at)?,
            minutes: o.u8("Minutes").map_err(at)?,
            hour: o.u8("Hour").map_err(at)?,
            day_of_week: o.u8("DayOfWeek").map_err(at)?,
            day: o.u8("Day").map_err(at)?,
            month: o.u8("Month").map_err(at)?,
            year: o.u16("Year").map_err(at)?,
        })
    }
}

/// The fields after LogonFlags of a private-mailbox success response
/// ([MS-OXCROPS] 2.2.3.1.2, MS-OXCSTOR 2.2.1.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateLogon {
    /// FolderIds: the 13 special folders in [`SPECIAL_FOLDERS`] order (MS-OXCROPS_R53, R54).
    pub folder_ids: [Id8; 13],
    /// ResponseFlags (MS-OXCROPS_R55, R71).
    pub response_flags: u8,
    /// MailboxGuid (MS-OXCROPS_R57, R58).
    pub mailbox_guid: [u8; 16],
    /// ReplId (MS-OXCROPS_R59, R60).
    pub repl_id: u16,
    /// ReplGuid (MS-OXCROPS_R61, R62).
    pub repl_guid: [u8; 16],
    /// LogonTime (MS-OXCROPS_R63, R1044).
    pub logon_time: LogonTime,
    /// GwartTime (MS-OXCROPS_R65, R4680).
    pub gwart_time: u64,
    /// StoreState: the server MUST set it to 0x00000000 (MS-OXCROPS_R74, R4683).
    pub store_state: u32,
}

/// The fields after LogonFlags of a public-folders success response
/// ([MS-OXCROPS] 2.2.3.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicLogon {
    /// FolderIds: 13 folders of the public folders (MS-OXCROPS_R102).
    pub folder_ids: [Id8; 13],
    /// ReplId (MS-OXCROPS_R104).
    pub repl_id: u16,
    /// ReplGuid (MS-OXCROPS_R106).
    pub repl_guid: [u8; 16],
    /// PerUserGuid: not used (MS-OXCROPS_R20001).
    pub per_user_guid: [u8; 16],
}

/// What follows ReturnValue in a RopLogon response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogonBody {
    /// The failure response: nothing (MS-OXCROPS 2.2.3.1.5).
    Failure,
    /// Success for a private mailbox: LogonFlags with Private set, then the rest.
    Private(u8, Box<PrivateLogon>),
    /// Success for public folders: LogonFlags with Private clear, then the rest.
    Public(u8, Box<PublicLogon>),
    /// The redirect response (ReturnValue 0x00000478): LogonFlags, then
    /// ServerNameSize and ServerName, the server to connect to instead,
    /// a null-terminated ASCII string whose size counts the terminator
    /// (MS-OXCROPS_R120-R127).
    Redirect(u8, Vec<u8>),
}

/// The RopLogon response buffer, in any of its four layouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopLogonResponse {
    /// OutputHandleIndex (MS-OXCROPS_R46, R115, R131).
    pub output_handle_index: u8,
    /// ReturnValue: 0x00000000 success, 0x00000478 redirect (MS-OXCROPS_R50, R119, R135).
    pub return_value: u32,
    /// The layout's fields after ReturnValue.
    pub body: LogonBody,
}

const FIELDS: &[&str] = &[
    "RopId",
    "OutputHandleIndex",
    "ReturnValue",
    "LogonFlags",
    "FolderIds",
    "ResponseFlags",
    "MailboxGuid",
    "ReplId",
    "ReplGuid",
    "PerUserGuid",
    "LogonTime",
    "GwartTime",
    "StoreState",
    "ServerNameSize",
    "ServerName",
];

fn read_folder_ids(r: &mut Reader) -> Result<[Id8; 13], Error> {
    let mut ids = [Id8([0; 8]); 13];
    for (i, id) in ids.iter_mut().enumerate() {
        r.enter_index("FolderIds", i);
        let v = r.id8(SPECIAL_FOLDERS[i]);
        r.leave();
        *id = v?;
    }
    Ok(ids)
}

fn folder_ids_value(ids: &[Id8; 13]) -> Value {
    Value::Array(ids.iter().map(|id| Value::String(id.to_string())).collect())
}

fn folder_ids_from(o: &Obj) -> Result<[Id8; 13], EncodeError> {
    let v = o.get("FolderIds").ok_or_else(|| EncodeError::new("FolderIds", "missing"))?;
    let items = v.as_array().ok_or_else(|| EncodeError::new("FolderIds", "expected a list of 13 IDs"))?;
    if items.len() != 13 {
        return Err(EncodeError::new(
            "FolderIds",
            format!("13 IDs (104 bytes, MS-OXCROPS_R53), found {}", items.len()),
        ));
    }
    let mut ids = [Id8([0; 8]); 13];
    for (i, item) in items.iter().enumerate() {
        let at = format!("FolderIds[{i}]");
        let text = item.as_str().ok_or_else(|| EncodeError::new(&at, "expected 16 hex digits"))?;
        let bytes = crate::hex::parse(text).map_err(|e| EncodeError::new(&at, e.message))?;
        ids[i] = Id8(bytes.as_slice().try_into().map_err(|_| EncodeError::new(&at, "an ID is 8 bytes"))?);
    }
    Ok(ids)
}

impl RopLogonResponse {
    /// The names of the logon flags for a listing.
    fn flags_text(v: u8) -> String {
        byte_names::<LogonFlags>(v).0
    }
}

impl RopResponseBody for RopLogonResponse {
    const ROP: Rop = rop::LOGON;

    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let output_handle_index = r.u8("OutputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| match return_value {
            EC_WRONG_SERVER => "ecWrongServer (redirect)".to_string(),
            v => crate::wire::return_value_name(v).to_string(),
        });
        let body = match return_value {
            0 => {
                let flags = r.u8("LogonFlags")?;
                r.annotate(|| Self::flags_text(flags));
                let folder_ids = read_folder_ids(r)?;
                if flags & PRIVATE != 0 {
                    let response_flags = Named::<ResponseFlags>::read(r, None, "ResponseFlags")?;
                    let mailbox_guid = Guid::read(r, None, "MailboxGuid")?;
                    let repl_id = r.u16("ReplId")?;
                    let repl_guid = Guid::read(r, None, "ReplGuid")?;
                    let logon_time = LogonTime::read(r)?;
                    let gwart_time = U64::read(r, None, "GwartTime")?;
                    let store_state = r.u32("StoreState")?;
                    LogonBody::Private(
                        flags,
                        Box::new(PrivateLogon {
                            folder_ids,
                            response_flags,
                            mailbox_guid,
                            repl_id,
                            repl_guid,
                            logon_time,
                            gwart_time,
                            store_state,
                        }),
                    )
                } else {
                    let repl_id = r.u16("ReplId")?;
                    let repl_guid = Guid::read(r, None, "ReplGuid")?;
                    let per_user_guid = Guid::read(r, None, "PerUserGuid")?;
                    LogonBody::Public(flags, Box::new(PublicLogon { folder_ids, repl_id, repl_guid, per_user_guid }))
                }
            }
            EC_WRONG_SERVER => {
                let flags = r.u8("LogonFlags")?;
                r.annotate(|| Self::flags_text(flags));
                let size = r.u8("ServerNameSize")?;
                LogonBody::Redirect(flags, read_sized_z(r, size as usize, "ServerName")?)
            }
            _ => LogonBody::Failure,
        };
        Ok(RopLogonResponse { output_handle_index, return_value, body })
    }

    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "OutputHandleIndex", offset: 1, index: self.output_handle_index, output: true })
    }

    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl RopLogonResponse {
    fn check(&self) -> Result<(), EncodeError> {
        let layout_ok = match (&self.body, self.return_value) {
            (LogonBody::Private(f, _), 0) => f & PRIVATE != 0,
            (LogonBody::Public(f, _), 0) => f & PRIVATE == 0,
            (LogonBody::Redirect(..), EC_WRONG_SERVER) => true,
            (LogonBody::Failure, v) => v != 0 && v != EC_WRONG_SERVER,
            _ => false,
        };
        if layout_ok {
            return Ok(());
        }
        Err(EncodeError::new(
            "ReturnValue",
            format!(
                "0x{:08X} does not go with these fields: a success response (0x00000000) has the private-mailbox \
                 fields when LogonFlags has Private (0x01) and the public-folders fields otherwise \
                 (MS-OXCROPS 2.2.3.1.2, 2.2.3.1.3), the redirect response (0x00000478) LogonFlags, ServerNameSize \
                 and ServerName (2.2.3.1.4), any other value nothing after ReturnValue (2.2.3.1.5)",
                self.return_value
            ),
        ))
    }
}

impl WireStructure for RopLogonResponse {
    const NAME: &'static str = rop::LOGON.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.output_handle_index]);
        put_u32(out, self.return_value);
        match &self.body {
            LogonBody::Failure => {}
            LogonBody::Private(flags, p) => {
                out.push(*flags);
                p.folder_ids.iter().for_each(|id| out.extend_from_slice(&id.0));
                out.push(p.response_flags);
                out.extend_from_slice(&p.mailbox_guid);
                put_u16(out, p.repl_id);
                out.extend_from_slice(&p.repl_guid);
                p.logon_time.write(out);
                out.extend_from_slice(&p.gwart_time.to_le_bytes());
                put_u32(out, p.store_state);
            }
            LogonBody::Public(flags, p) => {
                out.push(*flags);
                p.folder_ids.iter().for_each(|id| out.extend_from_slice(&id.0));
                put_u16(out, p.repl_id);
                out.extend_from_slice(&p.repl_guid);
                out.extend_from_slice(&p.per_user_guid);
            }
            LogonBody::Redirect(flags, name) => {
                let size = u8::try_from(name.len() + 1)
                    .map_err(|_| EncodeError::new("ServerName", "longer than a 1-byte ServerNameSize counts"))?;
                if name.contains(&0) {
                    return Err(EncodeError::new("ServerName", "holds a 0x00 byte, which would end the string early"));
                }
                out.extend_from_slice(&[*flags, size]);
                out.extend_from_slice(name);
                out.push(0);
            }
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("OutputHandleIndex", self.output_handle_index)
            .int("ReturnValue", self.return_value);
        match &self.body {
            LogonBody::Failure => b,
            LogonBody::Private(flags, p) => b
                .int("LogonFlags", *flags)
                .value("FolderIds", folder_ids_value(&p.folder_ids))
                .int("ResponseFlags", p.response_flags)
                .bytes("MailboxGuid", &p.mailbox_guid)
                .int("ReplId", p.repl_id)
                .bytes("ReplGuid", &p.repl_guid)
                .value("LogonTime", p.logon_time.to_value())
                .int("GwartTime", p.gwart_time)
                .int("StoreState", p.store_state),
            LogonBody::Public(flags, p) => b
                .int("LogonFlags", *flags)
                .value("FolderIds", folder_ids_value(&p.folder_ids))
                .int("ReplId", p.repl_id)
                .bytes("ReplGuid", &p.repl_guid)
                .bytes("PerUserGuid", &p.per_user_guid),
            LogonBody::Redirect(flags, name) => b
                .int("LogonFlags", *flags)
                .int("ServerNameSize", name.len() as u64 + 1)
                .value("ServerName", Value::String(name.iter().map(|&c| c as char).collect())),
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let output_handle_index = o.u8("OutputHandleIndex")?;
        let return_value = o.u32("ReturnValue")?;
        let allowed: &[&str] = match return_value {
            0 => &[],
            EC_WRONG_SERVER => &["LogonFlags", "ServerNameSize", "ServerName"],
            _ => &[],
        };
        let body = match return_value {
            0 => {
                let flags = o.u8("LogonFlags")?;
                let folder_ids = folder_ids_from(&o)?;
                if flags & PRIVATE != 0 {
                    LogonBody::Private(
                        flags,
                        Box::new(PrivateLogon {
                            folder_ids,
                            response_flags: o.u8("ResponseFlags")?,
                            mailbox_guid: Guid::take(&o, None, "MailboxGuid")?,
                            repl_id: o.u16("ReplId")?,
                            repl_guid: Guid::take(&o, None, "ReplGuid")?,
                            logon_time: LogonTime::from_value(
                                o.get("LogonTime").ok_or_else(|| EncodeError::new("LogonTime", "missing"))?,
                            )?,
                            gwart_time: U64::take(&o, None, "GwartTime")?,
                            store_state: o.u32("StoreState")?,
                        }),
                    )
                } else {
                    LogonBody::Public(
                        flags,
                        Box::new(PublicLogon {
                            folder_ids,
                            repl_id: o.u16("ReplId")?,
                            repl_guid: Guid::take(&o, None, "ReplGuid")?,
                            per_user_guid: Guid::take(&o, None, "PerUserGuid")?,
                        }),
                    )
                }
            }
            EC_WRONG_SERVER => {
                let name = super::fields::one_byte_string(&o, "ServerName")?;
                crate::wire::rop_fields::check_count(&o, Some("ServerNameSize"), name.len() + 1)?;
                LogonBody::Redirect(o.u8("LogonFlags")?, name)
            }
            _ => LogonBody::Failure,
        };
        // Fields of another layout are refused, so a value cannot say more
        // than its bytes would.
        let used: &[&str] = match &body {
            LogonBody::Failure => &[],
            LogonBody::Private(..) => &[
                "LogonFlags",
                "FolderIds",
                "ResponseFlags",
                "MailboxGuid",
                "ReplId",
                "ReplGuid",
                "LogonTime",
                "GwartTime",
                "StoreState",
            ],
            LogonBody::Public(..) => &["LogonFlags", "FolderIds", "ReplId", "ReplGuid", "PerUserGuid"],
            LogonBody::Redirect(..) => allowed,
        };
        for f in &FIELDS[3..] {
            if o.get(f).is_some() && !used.contains(f) {
                return Err(EncodeError::new(
                    *f,
                    format!(
                        "present, but a RopLogon response with ReturnValue 0x{return_value:08X}{} has no {f}",
                        if return_value == 0 { " and these LogonFlags" } else { "" }
                    ),
                ));
            }
        }
        let x = RopLogonResponse { output_handle_index, return_value, body };
        x.write(&mut Vec::new(), Layout::Spec)?;
        Ok(x)
    }
}
