//! The request inspector's detail page, server-rendered: `/console/sandboxes/{id}/requests/{request_id}` shows one
//! recorded API request — method, path, D-code with its plain-words explanation, status, latency, time — and the
//! sandbox's masked view of the request body (content decrypted) and of the response content (before encryption).
//!
//! The list with its live stream stays in the Leptos console; this page needs no client-side behaviour, so it is
//! maud and adds nothing to the hydrate bundle. The console backend checks that the visitor is a member of the
//! sandbox's organisation; anyone else gets "not found". Nothing here unmasks or stores anything.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use maud::{Markup, html};
use portal_app::{
    console::{
        RequestDetailView,
        backend::{ConsoleError, Localised},
    },
    console_changes::utc_minute,
    console_words::words,
};
use serde::Deserialize;

use crate::console_pages::{ConsolePages, Visitor, frame, segment};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

fn inspected(nothing_recorded: &str, json: &str) -> Markup {
    html! {
        @if json.is_empty() {
            p.muted { (nothing_recorded) }
        } @else {
            pre.inspected-json { (json) }
        }
    }
}

fn detail_page(visitor: &Visitor, sandbox_id: &str, view: &RequestDetailView) -> Markup {
    let words = words(visitor.lang);
    let row = &view.request;
    let body = html! {
        section.console.request-detail {
            h1 #request-title { (words.request_title) " " code { (row.method) " " (row.path) } }
            dl {
                dt { (words.column_code) }
                dd { code #request-code { (row.code) } " — " (row.message) }
                dt {}
                dd #request-explanation { (row.explanation) }
                dt { (words.column_status) }
                dd #request-status { (row.http_status) }
                dt { (words.column_ms) }
                dd { (format!("{:.1}", row.latency_us as f64 / 1000.0)) }
                dt { (words.proposed_at) }
                dd { (utc_minute(row.logged_at_ms)) }
            }
            p.notice role="note" { (words.masked_note) }
            h2 { (words.request_body) }
            div #request-json { (inspected(words.nothing_recorded, &view.request_json)) }
            h2 { (words.response_content) }
            div #response-json { (inspected(words.nothing_recorded, &view.response_json)) }
            p { a #back-to-sandbox href={ "/console/sandboxes/" (segment(sandbox_id)) } { (words.back_to_sandbox) } }
        }
    };
    frame(visitor, words.request_title, "", body)
}

/// `GET /console/sandboxes/{id}/requests/{request_id}`.
pub async fn page(
    State(pages): State<ConsolePages>,
    Path((sandbox_id, request_id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&pages, &headers, query.lang.as_deref());
    let title = words(visitor.lang).request_title;
    let detail = match visitor.session() {
        Ok(session) => {
            pages
                .backend
                .0
                .request_detail(session, sandbox_id.clone(), request_id)
                .await
        }
        Err(error) => Err(error),
    };
    match detail {
        Ok(Some(view)) => {
            visitor.respond(StatusCode::OK, detail_page(&visitor, &sandbox_id, &view))
        }
        Ok(None) => visitor.refuse(title, &ConsoleError::new(401, Localised::sign_in_first())),
        Err(error) => visitor.refuse(title, &error),
    }
}
