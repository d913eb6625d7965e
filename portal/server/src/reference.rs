//! `/reference`: the API reference, rendered once from the committed OpenAPI document
//! (`api-specs/openapi.json`), and `/reference/openapi.json`, the document itself.
//!
//! Each operation shows its parameters (the signed headers among them), request body, responses and
//! examples, and so does each callback the sandbox POSTs to the relying party (the document's
//! `webhooks`); each schema its fields, linked by anchor. The page wears the guides' frame and runs no
//! script. It only reads the embedded document; it never calls a sandbox.

use std::sync::LazyLock;

use axum::{
    extract::Query,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::{Markup, PreEscaped, html};
use portal_docs::highlight::Highlighter;
use serde_json::Value;

use crate::guides::{self, FramePage, GuideWords, LangQuery};

/// The committed document, as `cargo run -p api-specs` wrote it.
pub(crate) const DOCUMENT: &str = include_str!("../../../api-specs/openapi.json");

/// The body of the reference page, rendered on first use.
static BODY: LazyLock<String> = LazyLock::new(render_body);

/// Renders the reference now (the guides' background thread calls this), so its first reader does not wait.
pub(crate) fn prepare() {
    LazyLock::force(&BODY);
}

/// `GET /reference/openapi.json`.
pub async fn document() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        DOCUMENT,
    )
        .into_response()
}

/// `GET /reference`.
pub async fn page(Query(query): Query<LangQuery>, headers: HeaderMap) -> Response {
    let Ok(library) = guides::load() else {
        return guides::unavailable();
    };
    let (lang, remember) = guides::visitor_lang(query.lang.as_deref(), &headers);
    let words = GuideWords::of(lang);
    let body = html! {
        article.guide.api-reference lang="en" {
            h1 #guide-title { (words.api_reference) }
            p.lead lang=(lang.tag()) { (words.reference_lead) " " a href="/reference/openapi.json" { "openapi.json" } }
            p lang=(lang.tag()) { a #try-it-link href="/reference/try" { (words.try_it_link) } }
            (PreEscaped(BODY.as_str()))
        }
    };
    let frame = FramePage {
        title: words.api_reference,
        reference: true,
        ..FramePage::default()
    };
    guides::html_page(
        StatusCode::OK,
        lang,
        remember,
        guides::frame(library, lang, &frame, body),
    )
}

fn render_body() -> String {
    let document: Value = serde_json::from_str(DOCUMENT).unwrap_or(Value::Null);
    let highlighter = Highlighter::new();
    let example = |value: &Value| -> PreEscaped<String> {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        PreEscaped(highlighter.to_html(&text, "json"))
    };
    let empty = serde_json::Map::new();
    let paths = document["paths"].as_object().unwrap_or(&empty);
    let schemas = document["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty);
    html! {
        p { (document["info"]["description"].as_str().unwrap_or_default()) }
        nav.toc aria-label="Operations" {
            ol {
                @for (path, operations) in paths {
                    @for method in operations.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                        li { a href={ "#" (anchor(&method, path)) } { code { (method.to_uppercase()) " " (path) } } }
                    }
                }
                @for name in document["webhooks"].as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                    li { a href={ "#callback-" (name) } { "Callback " code { (name) } } }
                }
            }
        }
        @for (path, operations) in paths {
            @for (method, operation) in operations.as_object().into_iter().flatten() {
                (operation_section(&anchor(method, path), &format!("{} {path}", method.to_uppercase()), operation, &example))
            }
        }
        @if let Some(webhooks) = document["webhooks"].as_object() {
            h2 #callbacks { "Callbacks" }
            p { "What the sandbox POSTs to the relying party: to the registered callback URL, or to the request's redirect URI without one." }
            @for (name, operations) in webhooks {
                @for (method, operation) in operations.as_object().into_iter().flatten() {
                    (operation_section(&format!("callback-{name}"), &format!("{} {name}", method.to_uppercase()), operation, &example))
                }
            }
        }
        h2 #schemas { "Schemas" }
        @for (name, schema) in schemas {
            section.schema #{ "schema-" (name) } {
                h3 { code { (name) } }
                @if let Some(description) = schema["description"].as_str() { p { (description) } }
                @if let Some(values) = schema["enum"].as_array() {
                    p { "One of: " @for (index, value) in values.iter().enumerate() { @if index > 0 { ", " } code { (value.as_str().unwrap_or_default()) } } }
                }
                @if let Some(properties) = schema["properties"].as_object() {
                    table {
                        thead { tr { th { "field" } th { "type" } th { "required" } th { "description" } } }
                        tbody {
                            @for (field, property) in properties {
                                tr {
                                    td { code { (field) } }
                                    td { (schema_link(property)) }
                                    td { (if required(schema, field) { "yes" } else { "no" }) }
                                    td { (property["description"].as_str().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}

/// One operation (an API or a callback): its parameters, request body, responses and examples.
fn operation_section(
    id: &str,
    heading: &str,
    operation: &Value,
    example: &dyn Fn(&Value) -> PreEscaped<String>,
) -> Markup {
    html! {
        section.operation #(id) {
            h2 { code { (heading) } }
            @if let Some(summary) = operation["summary"].as_str() { p { (summary) } }
            @if let Some(description) = operation["description"].as_str() { p { (description) } }
            @if let Some(parameters) = operation["parameters"].as_array() {
                h3 { "Parameters" }
                table {
                    thead { tr { th { "name" } th { "in" } th { "required" } th { "description" } } }
                    tbody {
                        @for parameter in parameters {
                            tr {
                                td { code { (parameter["name"].as_str().unwrap_or_default()) } }
                                td { (parameter["in"].as_str().unwrap_or_default()) }
                                td { (if parameter["required"] == true { "yes" } else { "no" }) }
                                td { (parameter["description"].as_str().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            @if let Some(body) = operation["requestBody"].as_object() {
                h3 { "Request body" }
                @if let Some(description) = body.get("description").and_then(Value::as_str) { p { (description) } }
                @for (content_type, content) in body.get("content").and_then(Value::as_object).into_iter().flatten() {
                    p { code { (content_type) } " " (schema_link(&content["schema"])) }
                    @if !content["example"].is_null() { (example(&content["example"])) }
                }
            }
            h3 { "Responses" }
            @for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                h4 { (status) }
                p { (response["description"].as_str().unwrap_or_default()) }
                @for (content_type, content) in response["content"].as_object().into_iter().flatten() {
                    p { code { (content_type) } " " (schema_link(&content["schema"])) }
                    @if !content["example"].is_null() { (example(&content["example"])) }
                    @for (name, named) in content["examples"].as_object().into_iter().flatten() {
                        p.example-name { strong { (name) } " — " (named["summary"].as_str().unwrap_or_default()) }
                        (example(&named["value"]))
                    }
                }
            }
        }
    }
}

fn anchor(method: &str, path: &str) -> String {
    format!(
        "{method}-{}",
        path.trim_start_matches('/').replace('/', "-")
    )
}

pub(crate) fn required(schema: &Value, field: &str) -> bool {
    schema["required"]
        .as_array()
        .is_some_and(|names| names.iter().any(|name| name == field))
}

/// A schema as a short type: a link for a `$ref`, else its type (and item type or one-of alternatives).
fn schema_link(schema: &Value) -> Markup {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return html! { a href={ "#schema-" (name) } { code { (name) } } };
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        return html! { @for (index, alternative) in alternatives.iter().enumerate() { @if index > 0 { " or " } (schema_link(alternative)) } };
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    };
    if kind.starts_with("array") {
        return html! { "array of " (schema_link(&schema["items"])) };
    }
    html! { (kind) }
}
