//! OpenAPI schemas for the wire types that serialise by hand: `DCode` is written as its code string, so
//! its schema is the enumeration of every code in [`DCode::all`], with each code's message. Only the
//! `api-specs` crate turns the `openapi` feature on; the wasm guest never compiles this module.
//!
//! This module describes types; it must never change how any of them serialise.

use std::borrow::Cow;

use utoipa::openapi::{
    RefOr, Type,
    schema::{Object, Schema},
};

use crate::codes::DCode;

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
