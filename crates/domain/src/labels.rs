//! Enumerations stored by a stable code and shown by a Chinese label.

/// Declares an enum whose values have a code (stored, used in the API) and a zh-CN label.
/// `parse` accepts either, so spreadsheets and forms can use the words people use.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($var:ident = $code:literal, $label:literal $(| $alias:literal)*;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($var),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            pub const LABELS: &'static [&'static str] = &[$($label),*];
            pub const CHOICES: &'static [(&'static str, &'static str)] = &[$(($code, $label)),*];

            pub fn code(self) -> &'static str {
                match self { $($name::$var => $code),* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$var => $label),* }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::Invalid> {
                let t = raw.trim();
                match t {
                    $($code | $label $(| $alias)* => Ok($name::$var),)*
                    _ => Err($crate::Invalid::new(
                        $field,
                        raw,
                        $crate::msg!("应为以下之一：{options}", options = $crate::Labels(Self::LABELS.to_vec())),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        // In the API document, a string that is one of the codes.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(Self::CHOICES.iter().map(|(c, l)| format!("{c}：{l}")).collect::<Vec<_>>().join("；")))
                    .enum_values(Some(Self::ALL.iter().map(|v| v.code())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        // Stored as its code in a text column; a row holding anything else fails to decode
        // rather than travelling on as a string.
        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Ok($name::parse(code)?)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut DB::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, DB>>::encode(self.code().to_string(), buf)
            }
        }
    };
}
