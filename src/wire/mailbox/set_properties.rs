//! RopSetProperties (RopId 0x0A): [MS-OXCROPS] 2.2.8.6, [MS-OXCPRPT]
//! 2.2.5. Sets properties on a folder, message or attachment; a folder's
//! change is ObjectModified at once, a message's when RopSaveChangesMessage
//! commits it (MS-OXCNOTIF 2.2.1.1).
//!
//! PropertyValueSize counts PropertyValueCount and PropertyValues
//! (MS-OXCROPS_R2797, R2802); each value is a TaggedPropertyValue
//! ([MS-OXCDATA] 2.11.4, [`TaggedPropertyValue`]). The success response
//! lists the properties that could not be set: PropertyProblemCount, then
//! PropertyProblem structures of Index, PropertyTag and ErrorCode
//! ([MS-OXCDATA] 2.7).

use crate::wire::codec::{put_u16, put_u32, EncodeError, Error, ErrorKind, Reader};
use crate::wire::property_tag::PropertyTag;
use crate::wire::property_value::TaggedPropertyValue;
use crate::wire::rop::{self, HandleUse, Rop, RopRequestBody, RopResponseBody};
use crate::wire::rop_fields::check_count;
use crate::wire::value::{kind_of, MapBuilder, Obj};
use crate::wire::{expect_rop_id, Layout, WireStructure};
use serde_json::Value;

/// RopId of RopSetProperties (MS-OXCROPS_R2790).
pub const ROP_ID: u8 = rop::SET_PROPERTIES.id;

/// The RopSetProperties request buffer ([MS-OXCROPS] 2.2.8.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopSetPropertiesRequest {
    /// LogonId (MS-OXCROPS_R2791).
    pub logon_id: u8,
    /// InputHandleIndex: the object (MS-OXCROPS_R2793).
    pub input_handle_index: u8,
    /// PropertyValues (MS-OXCROPS_R2800-R2804); PropertyValueSize and
    /// PropertyValueCount follow from them.
    pub property_values: Vec<TaggedPropertyValue>,
}

const REQUEST_FIELDS: &[&str] =
    &["RopId", "LogonId", "InputHandleIndex", "PropertyValueSize", "PropertyValueCount", "PropertyValues"];

impl RopSetPropertiesRequest {
    /// PropertyValueCount and PropertyValues, as PropertyValueSize counts them.
    fn body(&self) -> Result<Vec<u8>, EncodeError> {
        let n = u16::try_from(self.property_values.len())
            .map_err(|_| EncodeError::new("PropertyValueCount", "more values than a 2-byte count holds"))?;
        let mut b = Vec::new();
        put_u16(&mut b, n);
        for (i, v) in self.property_values.iter().enumerate() {
            v.write(&mut b, Layout::Spec).map_err(|e| e.within(&format!("PropertyValues[{i}]")))?;
        }
        Ok(b)
    }
}

impl RopRequestBody for RopSetPropertiesRequest {
    const ROP: Rop = rop::SET_PROPERTIES;
    fn read_body(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        let logon_id = r.u8("LogonId")?;
        let input_handle_index = r.u8("InputHandleIndex")?;
        let size = r.u16("PropertyValueSize")?;
        let old = r.limit("PropertyValues", size as usize)?;
        let values = (|| {
            let n = r.u16("PropertyValueCount")?;
            // Bounded by the input: a TaggedPropertyValue takes at least its 4-byte tag.
            if n as usize > r.remaining() / 4 {
                return Err(r.error(
                    "PropertyValues",
                    ErrorKind::Truncated { needed: n as usize * 4, available: r.remaining() },
                ));
            }
            let mut values = Vec::with_capacity(n as usize);
            for i in 0..n as usize {
                r.enter_index("PropertyValues", i);
                let v = TaggedPropertyValue::read(r, layout);
                r.leave();
                values.push(v?);
            }
            if r.remaining() > 0 {
                // PropertyValueSize counts more than the values take (MS-OXCROPS_R2802).
                return Err(r.error("PropertyValues", ErrorKind::TrailingBytes { count: r.remaining() }));
            }
            Ok(values)
        })();
        r.restore_limit(old);
        Ok(RopSetPropertiesRequest { logon_id, input_handle_index, property_values: values? })
    }
    fn logon_id(&self) -> u8 {
        self.logon_id
    }
    fn handle_uses(&self) -> [Option<HandleUse>; 2] {
        [Some(HandleUse { field: "InputHandleIndex", offset: 2, index: self.input_handle_index, output: false }), None]
    }
}

impl WireStructure for RopSetPropertiesRequest {
    const NAME: &'static str = rop::SET_PROPERTIES.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopRequestBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        let body = self.body()?;
        let size = u16::try_from(body.len())
            .map_err(|_| EncodeError::new("PropertyValueSize", "the values do not fit a 2-byte size"))?;
        out.extend_from_slice(&[ROP_ID, self.logon_id, self.input_handle_index]);
        put_u16(out, size);
        out.extend_from_slice(&body);
        Ok(())
    }

    fn to_value(&self, layout: Layout) -> Value {
        let size = self.body().map_or(0, |b| b.len());
        MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("LogonId", self.logon_id)
            .int("InputHandleIndex", self.input_handle_index)
            .int("PropertyValueSize", size as u64)
            .int("PropertyValueCount", self.property_values.len() as u64)
            .value("PropertyValues", Value::Array(self.property_values.iter().map(|v| v.to_value(layout)).collect()))
            .build()
    }

    fn from_value(v: &Value, layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, REQUEST_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let list = o.get("PropertyValues").ok_or_else(|| EncodeError::new("PropertyValues", "missing"))?;
        let items = list.as_array().ok_or_else(|| {
            EncodeError::new(
                "PropertyValues",
                format!("expected a list of TaggedPropertyValue, found {}", kind_of(list)),
            )
        })?;
        let mut property_values = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            property_values.push(
                TaggedPropertyValue::from_value(item, layout).map_err(|e| e.within(&format!("PropertyValues[{i}]")))?,
            );
        }
        check_count(&o, Some("PropertyValueCount"), property_values.len())?;
        let x = RopSetPropertiesRequest {
            logon_id: o.u8("LogonId")?,
            input_handle_index: o.u8("InputHandleIndex")?,
            property_values,
        };
        let size = x.body()?.len();
        check_count(&o, Some("PropertyValueSize"), size)?;
        Ok(x)
    }
}

/// A property that was not set ([MS-OXCDATA] 2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyProblem {
    /// Index: the value's position in PropertyValues.
    pub index: u16,
    /// PropertyTag of the value.
    pub property_tag: PropertyTag,
    /// ErrorCode: why it was not set.
    pub error_code: u32,
}

/// The RopSetProperties response buffer: success ([MS-OXCROPS] 2.2.8.6.2)
/// with the property problems, or failure (2.2.8.6.3), which ends after
/// ReturnValue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopSetPropertiesResponse {
    /// InputHandleIndex: MUST echo the request's (MS-OXCROPS_R2809).
    pub input_handle_index: u8,
    /// ReturnValue (MS-OXCROPS_R2811, R2813).
    pub return_value: u32,
    /// PropertyProblemCount and PropertyProblems: success only (MS-OXCROPS_R2814-R2818).
    pub property_problems: Option<Vec<PropertyProblem>>,
}

const RESPONSE_FIELDS: &[&str] =
    &["RopId", "InputHandleIndex", "ReturnValue", "PropertyProblemCount", "PropertyProblems"];
const PROBLEM_FIELDS: &[&str] = &["Index", "PropertyTag", "ErrorCode"];

impl RopSetPropertiesResponse {
    fn check(&self) -> Result<(), EncodeError> {
        if self.property_problems.is_some() != (self.return_value == 0) {
            return Err(EncodeError::new(
                "PropertyProblems",
                if self.return_value == 0 {
                    "missing: a success response has PropertyProblemCount and PropertyProblems".to_string()
                } else {
                    format!(
                        "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue",
                        self.return_value
                    )
                },
            ));
        }
        Ok(())
    }
}

impl RopResponseBody for RopSetPropertiesResponse {
    const ROP: Rop = rop::SET_PROPERTIES;
    fn read_body(r: &mut Reader, _layout: Layout) -> Result<Self, Error> {
        let input_handle_index = r.u8("InputHandleIndex")?;
        let return_value = r.u32("ReturnValue")?;
        r.annotate(|| crate::wire::return_value_name(return_value).to_string());
        let property_problems = if return_value == 0 {
            let n = r.u16("PropertyProblemCount")?;
            // Bounded by the input: a PropertyProblem is 10 bytes.
            if n as usize * 10 > r.remaining() {
                return Err(r.error(
                    "PropertyProblems",
                    ErrorKind::Truncated { needed: n as usize * 10, available: r.remaining() },
                ));
            }
            let mut problems = Vec::with_capacity(n as usize);
            for i in 0..n as usize {
                r.enter_index("PropertyProblems", i);
                let p = (|| {
                    Ok(PropertyProblem {
                        index: r.u16("Index")?,
                        property_tag: PropertyTag::read(r, "PropertyTag")?,
                        error_code: r.u32("ErrorCode")?,
                    })
                })();
                r.leave();
                problems.push(p?);
            }
            Some(problems)
        } else {
            None
        };
        Ok(RopSetPropertiesResponse { input_handle_index, return_value, property_problems })
    }
    fn handle_use(&self) -> Option<HandleUse> {
        Some(HandleUse { field: "InputHandleIndex", offset: 1, index: self.input_handle_index, output: false })
    }
    fn return_value(&self) -> Option<u32> {
        Some(self.return_value)
    }
}

impl WireStructure for RopSetPropertiesResponse {
    const NAME: &'static str = rop::SET_PROPERTIES.name;

    fn read(r: &mut Reader, layout: Layout) -> Result<Self, Error> {
        expect_rop_id(r, ROP_ID)?;
        <Self as RopResponseBody>::read_body(r, layout)
    }

    fn write(&self, out: &mut Vec<u8>, _layout: Layout) -> Result<(), EncodeError> {
        self.check()?;
        out.extend_from_slice(&[ROP_ID, self.input_handle_index]);
        put_u32(out, self.return_value);
        if let Some(problems) = &self.property_problems {
            let n = u16::try_from(problems.len())
                .map_err(|_| EncodeError::new("PropertyProblemCount", "more problems than a 2-byte count holds"))?;
            put_u16(out, n);
            for p in problems {
                put_u16(out, p.index);
                p.property_tag.write(out);
                put_u32(out, p.error_code);
            }
        }
        Ok(())
    }

    fn to_value(&self, _layout: Layout) -> Value {
        let b = MapBuilder::new()
            .int("RopId", ROP_ID)
            .int("InputHandleIndex", self.input_handle_index)
            .int("ReturnValue", self.return_value);
        match &self.property_problems {
            Some(problems) => b.int("PropertyProblemCount", problems.len() as u64).value(
                "PropertyProblems",
                Value::Array(
                    problems
                        .iter()
                        .map(|p| {
                            MapBuilder::new()
                                .int("Index", p.index)
                                .int("PropertyTag", p.property_tag.to_u32())
                                .int("ErrorCode", p.error_code)
                                .build()
                        })
                        .collect(),
                ),
            ),
            None => b,
        }
        .build()
    }

    fn from_value(v: &Value, _layout: Layout) -> Result<Self, EncodeError> {
        let o = Obj::new(v, RESPONSE_FIELDS)?;
        o.rop_id(ROP_ID, Self::NAME)?;
        let property_problems = match o.get("PropertyProblems") {
            None if o.get("PropertyProblemCount").is_some() => {
                return Err(EncodeError::new("PropertyProblems", "missing: PropertyProblemCount is given"))
            }
            None => None,
            Some(list) => {
                let items = list
                    .as_array()
                    .ok_or_else(|| EncodeError::new("PropertyProblems", "expected a list of PropertyProblem"))?;
                let mut problems = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = |e: EncodeError| e.within(&format!("PropertyProblems[{i}]"));
                    let p = Obj::new(item, PROBLEM_FIELDS).map_err(at)?;
                    let tag = p.u32("PropertyTag").map_err(at)?;
                    problems.push(PropertyProblem {
                        index: p.u16("Index").map_err(at)?,
                        property_tag: PropertyTag::from_u32(tag),
                        error_code: p.u32("ErrorCode").map_err(at)?,
                    });
                }
                check_count(&o, Some("PropertyProblemCount"), problems.len())?;
                Some(problems)
            }
        };
        let x = RopSetPropertiesResponse {
            input_handle_index: o.u8("InputHandleIndex")?,
            return_value: o.u32("ReturnValue")?,
            property_problems,
        };
        x.check()?;
        Ok(x)
    }
}
