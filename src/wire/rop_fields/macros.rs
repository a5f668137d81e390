//! The macros that build a ROP request or response structure, and a
//! [`ByteNames`](super::ByteNames) type, from a field list (see the
//! module doc of [`super`]).

/// Builds a ROP request structure from its fields after RopId, in wire
/// order: the struct, [`WireStructure`](super::WireStructure) and
/// [`RopRequestBody`](super::rop::RopRequestBody). The fields must include
/// `logon_id`. A counted field names its count first: `[“BookmarkSize”]
/// “Bookmark”`.
macro_rules! rop_request {
    (
        $(#[$doc:meta])*
        pub struct $name:ident = $rop:path {
            $( $(#[$fdoc:meta])* $field:ident : $kind:ty = $([$count:literal])? $fname:literal ),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fdoc])* pub $field: <$kind as $crate::wire::rop_fields::FieldKind>::Value, )*
        }

        impl $name {
            const FIELDS: &'static [&'static str] = &["RopId", $( $($count,)? $fname ),*];
        }

        impl $crate::wire::rop::RopRequestBody for $name {
            const ROP: $crate::wire::rop::Rop = $rop;
            fn read_body(
                r: &mut $crate::wire::Reader,
                _layout: $crate::wire::Layout,
            ) -> Result<Self, $crate::wire::Error> {
                Ok($name {
                    $( $field: <$kind as $crate::wire::rop_fields::FieldKind>::read(
                        r, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname)?, )*
                })
            }
            fn logon_id(&self) -> u8 {
                self.logon_id
            }
            fn handle_uses(&self) -> [Option<$crate::wire::rop::HandleUse>; 2] {
                let mut uses = [None, None];
                let mut n = 0;
                let mut at = 1;
                $(
                    if let Some((index, output)) = <$kind as $crate::wire::rop_fields::FieldKind>::handle(&self.$field) {
                        if n < 2 {
                            uses[n] = Some($crate::wire::rop::HandleUse { field: $fname, offset: at, index, output });
                            n += 1;
                        }
                    }
                    at += <$kind as $crate::wire::rop_fields::FieldKind>::len(&self.$field);
                )*
                let _ = (n, at);
                uses
            }
        }

        impl $crate::wire::WireStructure for $name {
            const NAME: &'static str = $rop.name;

            fn read(r: &mut $crate::wire::Reader, layout: $crate::wire::Layout) -> Result<Self, $crate::wire::Error> {
                $crate::wire::expect_rop_id(r, $rop.id)?;
                <Self as $crate::wire::rop::RopRequestBody>::read_body(r, layout)
            }

            fn write(&self, out: &mut Vec<u8>, _layout: $crate::wire::Layout) -> Result<(), $crate::wire::EncodeError> {
                out.push($rop.id);
                $( <$kind as $crate::wire::rop_fields::FieldKind>::write(&self.$field, out, $fname)?; )*
                Ok(())
            }

            fn to_value(&self, _layout: $crate::wire::Layout) -> serde_json::Value {
                let b = $crate::wire::value::MapBuilder::new().int("RopId", $rop.id);
                $( let b = <$kind as $crate::wire::rop_fields::FieldKind>::put(
                    &self.$field, b, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname); )*
                b.build()
            }

            fn from_value(v: &serde_json::Value, _layout: $crate::wire::Layout) -> Result<Self, $crate::wire::EncodeError> {
                let o = $crate::wire::value::Obj::new(v, Self::FIELDS)?;
                o.rop_id($rop.id, $rop.name)?;
                Ok($name {
                    $( $field: <$kind as $crate::wire::rop_fields::FieldKind>::take(
                        &o, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname)?, )*
                })
            }
        }
    };
}

/// Builds a ROP response structure: the fields between RopId and
/// ReturnValue (`head`), then, when given, those every response has after
/// ReturnValue (`always`: PartialCompletion of the delete ROPs), then those
/// only a success response has (`success`, each an `Option`, present
/// exactly when ReturnValue is 0x00000000). `failure` names the requirement
/// that defines the failure response, which ends after ReturnValue (and
/// the `always` fields).
macro_rules! rop_response {
    (
        $(#[$doc:meta])*
        pub struct $name:ident = $rop:path, failure $failure:literal {
            $( $(#[$hdoc:meta])* $hfield:ident : $hkind:ty = $hname:literal ),* $(,)?
        } success {
            $( $(#[$fdoc:meta])* $field:ident : $kind:ty = $([$count:literal])? $fname:literal ),* $(,)?
        }
    ) => {
        $crate::wire::rop_fields::rop_response! {
            $(#[$doc])*
            pub struct $name = $rop, failure $failure {
                $( $(#[$hdoc])* $hfield : $hkind = $hname ),*
            } always {
            } success {
                $( $(#[$fdoc])* $field : $kind = $([$count])? $fname ),*
            }
        }
    };
    (
        $(#[$doc:meta])*
        pub struct $name:ident = $rop:path, failure $failure:literal {
            $( $(#[$hdoc:meta])* $hfield:ident : $hkind:ty = $hname:literal ),* $(,)?
        } always {
            $( $(#[$adoc:meta])* $afield:ident : $akind:ty = $aname:literal ),* $(,)?
        } success {
            $( $(#[$fdoc:meta])* $field:ident : $kind:ty = $([$count:literal])? $fname:literal ),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$hdoc])* pub $hfield: <$hkind as $crate::wire::rop_fields::FieldKind>::Value, )*
            /// ReturnValue: 0x00000000 is success.
            pub return_value: u32,
            $( $(#[$adoc])* pub $afield: <$akind as $crate::wire::rop_fields::FieldKind>::Value, )*
            $( $(#[$fdoc])* pub $field: Option<<$kind as $crate::wire::rop_fields::FieldKind>::Value>, )*
        }

        impl $name {
            const FIELDS: &'static [&'static str] =
                &["RopId", $( $hname, )* "ReturnValue", $( $aname, )* $( $($count,)? $fname ),*];

            /// Refuses success fields that disagree with ReturnValue.
            fn check(&self) -> Result<(), $crate::wire::EncodeError> {
                let success = self.return_value == 0;
                let _ = success;
                $(
                    if self.$field.is_some() != success {
                        return Err($crate::wire::EncodeError::new(
                            $fname,
                            if success {
                                format!("missing: ReturnValue is 0x00000000, and a success response has {}", $fname)
                            } else {
                                format!(
                                    "present, but ReturnValue is 0x{:08X}: a failure response ends after ReturnValue ({})",
                                    self.return_value, $failure
                                )
                            },
                        ));
                    }
                )*
                Ok(())
            }
        }

        impl $crate::wire::rop::RopResponseBody for $name {
            const ROP: $crate::wire::rop::Rop = $rop;
            #[allow(unused_variables)]
            fn read_body(r: &mut $crate::wire::Reader, _layout: $crate::wire::Layout) -> Result<Self, $crate::wire::Error> {
                $( let $hfield = <$hkind as $crate::wire::rop_fields::FieldKind>::read(r, None, $hname)?; )*
                let return_value = r.u32("ReturnValue")?;
                r.annotate(|| $crate::wire::return_value_name(return_value).to_string());
                $( let $afield = <$akind as $crate::wire::rop_fields::FieldKind>::read(r, None, $aname)?; )*
                let success = return_value == 0;
                let _ = success;
                $(
                    let $field = if success {
                        Some(<$kind as $crate::wire::rop_fields::FieldKind>::read(
                            r, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname)?)
                    } else {
                        None
                    };
                )*
                Ok($name { $( $hfield, )* return_value, $( $afield, )* $( $field, )* })
            }
            fn handle_use(&self) -> Option<$crate::wire::rop::HandleUse> {
                let mut at = 1;
                $(
                    if let Some((index, output)) = <$hkind as $crate::wire::rop_fields::FieldKind>::handle(&self.$hfield) {
                        return Some($crate::wire::rop::HandleUse { field: $hname, offset: at, index, output });
                    }
                    at += <$hkind as $crate::wire::rop_fields::FieldKind>::len(&self.$hfield);
                )*
                let _ = at;
                None
            }
            fn return_value(&self) -> Option<u32> {
                Some(self.return_value)
            }
        }

        impl $crate::wire::WireStructure for $name {
            const NAME: &'static str = $rop.name;

            fn read(r: &mut $crate::wire::Reader, _layout: $crate::wire::Layout) -> Result<Self, $crate::wire::Error> {
                $crate::wire::expect_rop_id(r, $rop.id)?;
                <Self as $crate::wire::rop::RopResponseBody>::read_body(r, _layout)
            }

            fn write(&self, out: &mut Vec<u8>, _layout: $crate::wire::Layout) -> Result<(), $crate::wire::EncodeError> {
                self.check()?;
                out.push($rop.id);
                $( <$hkind as $crate::wire::rop_fields::FieldKind>::write(&self.$hfield, out, $hname)?; )*
                $crate::wire::codec::put_u32(out, self.return_value);
                $( <$akind as $crate::wire::rop_fields::FieldKind>::write(&self.$afield, out, $aname)?; )*
                $(
                    if let Some(v) = &self.$field {
                        <$kind as $crate::wire::rop_fields::FieldKind>::write(v, out, $fname)?;
                    }
                )*
                Ok(())
            }

            fn to_value(&self, _layout: $crate::wire::Layout) -> serde_json::Value {
                let b = $crate::wire::value::MapBuilder::new().int("RopId", $rop.id);
                $( let b = <$hkind as $crate::wire::rop_fields::FieldKind>::put(&self.$hfield, b, None, $hname); )*
                let b = b.int("ReturnValue", self.return_value);
                $( let b = <$akind as $crate::wire::rop_fields::FieldKind>::put(&self.$afield, b, None, $aname); )*
                $(
                    let b = match &self.$field {
                        Some(v) => <$kind as $crate::wire::rop_fields::FieldKind>::put(
                            v, b, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname),
                        None => b,
                    };
                )*
                b.build()
            }

            fn from_value(v: &serde_json::Value, _layout: $crate::wire::Layout) -> Result<Self, $crate::wire::EncodeError> {
                let o = $crate::wire::value::Obj::new(v, Self::FIELDS)?;
                o.rop_id($rop.id, $rop.name)?;
                let x = $name {
                    $( $hfield: <$hkind as $crate::wire::rop_fields::FieldKind>::take(&o, None, $hname)?, )*
                    return_value: o.u32("ReturnValue")?,
                    $( $afield: <$akind as $crate::wire::rop_fields::FieldKind>::take(&o, None, $aname)?, )*
                    $(
                        // Present when the field or its count is given (a
                        // count alone is refused by the kind as incomplete).
                        $field: match o.get($fname).is_some()
                            || $crate::wire::rop_fields::count_of(&[$($count)?]).is_some_and(|c| o.get(c).is_some())
                        {
                            false => None,
                            true => Some(<$kind as $crate::wire::rop_fields::FieldKind>::take(
                                &o, $crate::wire::rop_fields::count_of(&[$($count)?]), $fname)?),
                        },
                    )*
                };
                x.check()?;
                Ok(x)
            }
        }
    };
}

/// Declares a [`ByteNames`] type: `byte_table!(Name, flags|enum,
/// [(0x01, "A"), …], Some(("MS-…_R1", Level::Must)))`.
macro_rules! byte_table {
    ($(#[$doc:meta])* $name:ident, $kind:ident, [$(($v:expr, $n:literal)),* $(,)?], $rule:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl $crate::wire::rop_fields::ByteNames for $name {
            const NAMES: &'static [(u8, &'static str)] = &[$(($v, $n)),*];
            const FLAGS: bool = $crate::wire::rop_fields::byte_table!(@flags $kind);
            const RULE: Option<(&'static str, $crate::wire::Level)> = $rule;
        }
    };
    (@flags flags) => { true };
    (@flags enum) => { false };
}

pub(crate) use byte_table;
pub(crate) use rop_request;
pub(crate) use rop_response;
