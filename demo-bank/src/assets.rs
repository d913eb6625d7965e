//! Demo Bank's stylesheet, compiled into the binary so the bank needs no files at run time.
//!
//! It is the only place styles may live: pages carry no inline styles, which the CSP would block.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

/// The stylesheet's path below the mount point.
pub(crate) const STYLESHEET_PATH: &str = "/assets/demo-bank.css";

const STYLESHEET: &str = include_str!("../assets/demo-bank.css");

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
