//! Text columns that read the same on both backends. Through sqlx's `Any` driver, MariaDB
//! reports `TEXT`/`MEDIUMTEXT` columns as BLOB, so decoding them as `String` fails there while
//! it works on SQLite; [`DbText`] accepts both kinds (UTF-8 checked).

use sqlx::any::{Any, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Decode, Type};

/// A `TEXT` column's value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DbText(pub String);

impl Type<Any> for DbText {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        matches!(ty.kind(), AnyTypeInfoKind::Text | AnyTypeInfoKind::Blob)
    }
}

impl<'r> Decode<'r, Any> for DbText {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        match <String as Decode<Any>>::decode(value.clone()) {
            Ok(text) => Ok(DbText(text)),
            Err(_) => Ok(DbText(String::from_utf8(<Vec<u8> as Decode<Any>>::decode(value)?)?)),
        }
    }
}

impl From<DbText> for String {
    fn from(t: DbText) -> Self {
        t.0
    }
}
