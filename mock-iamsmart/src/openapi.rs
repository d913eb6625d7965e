//! OpenAPI schemas for the wire types that serialise by hand: `DCode` is written as its code string, so
//! its schema is the enumeration of every code in [`DCode::all`], with each code's message; `CivilDate`
//! is written `YYYYMMDD`, so its schema is an eight-digit string; the field names a request may ask for
//! (`ProfileField`, `EmeField`) are enumerations of their `ALL` tables. Only the
//! `api-specs` crate turns the `openapi` feature on; the wasm guest never compiles this module.
//!
//! This module describes types; it must never change how any of them serialise.

use std::borrow::Cow;

use utoipa::openapi::{
    RefOr, Type,
    schema::{Object, Schema},
};

use crate::codes::DCode;
use crate::identity::date::CivilDate;
use crate::identity::profile::{EmeField, ProfileField};

impl utoipa::PartialSchema for DCode {
    fn schema() -> RefOr<Schema> {
        let codes: Vec<&'static str> = DCode::all().into_iter().map(DCode::code).collect();
        let table: Vec<String> = DCode::all()
            .into_iter()
            .map(|code| format!("- `{}` {}", code.code(), code.message()))
            .collect();
        Object::builder()
            .schema_type(Type::String)
            .enum_values(Some(codes))
            .description(Some(format!(
                "A return code: `D00000` is success. Every code the sandbox knows, with the message it sends:\n\n{}",
                table.join("\n")
            )))
            .examples(["D00000", "D30002"])
            .into()
    }
}

impl utoipa::ToSchema for DCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DCode")
    }
}

impl utoipa::PartialSchema for CivilDate {
    fn schema() -> RefOr<Schema> {
        Object::builder()
            .schema_type(Type::String)
            .pattern(Some("^[0-9]{8}$"))
            .description(Some(
                "A calendar date written `YYYYMMDD` (Hong Kong time), always a real day.",
            ))
            .examples(["19800101"])
            .into()
    }
}

impl utoipa::ToSchema for CivilDate {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CivilDate")
    }
}

impl utoipa::PartialSchema for ProfileField {
    fn schema() -> RefOr<Schema> {
        let names: Vec<&'static str> = ProfileField::ALL
            .into_iter()
            .map(ProfileField::as_str)
            .collect();
        Object::builder()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .description(Some(
                "A field of `profileFields`: data from the user's HKID.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ProfileField {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ProfileFieldName")
    }
}

impl utoipa::PartialSchema for EmeField {
    fn schema() -> RefOr<Schema> {
        let names: Vec<&'static str> = EmeField::ALL.into_iter().map(EmeField::as_str).collect();
        Object::builder()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .description(Some("A field of `eMEFields`: data the user keeps in e-ME."))
            .into()
    }
}

impl utoipa::ToSchema for EmeField {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EmeFieldName")
    }
}
