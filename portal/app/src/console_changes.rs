//! The console's maker/checker server functions: granted scopes, RP key upload, the pre-production mark, the
//! decision on a proposal, and adding a member — each checks the CSRF token and the session and hands over to the
//! server's backend, which checks the role. They serve API-style clients and tests; the pages that show these
//! changes are server-rendered by `portal-server` (`changes.rs`), which calls the same backend, so the views cost
//! the hydrate bundle nothing. This module never shows a private key or a client secret.

use leptos::prelude::*;

#[server(prefix = "/_console", endpoint = "update_scopes")]
pub async fn update_scopes(
    csrf: String,
    sandbox_id: String,
    scopes: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .update_scopes(signed_in_session()?, sandbox_id, scopes)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "upload_rp_key")]
pub async fn upload_rp_key(
    csrf: String,
    sandbox_id: String,
    public_key: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .upload_rp_key(signed_in_session()?, sandbox_id, public_key)
        .await
        .map_err(request::refuse)
}

/// `pre_production` is `on` or `off`.
#[server(prefix = "/_console", endpoint = "set_pre_production")]
pub async fn set_pre_production(
    csrf: String,
    sandbox_id: String,
    pre_production: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .set_pre_production(signed_in_session()?, sandbox_id, pre_production == "on")
        .await
        .map_err(request::refuse)
}

/// `decision` is `approve` or `reject`.
#[server(prefix = "/_console", endpoint = "decide_proposal")]
pub async fn decide_proposal(
    csrf: String,
    sandbox_id: String,
    proposal_id: String,
    decision: String,
) -> Result<(), ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(request::refuse(backend::ConsoleError::new(
                400,
                backend::Localised::approve_or_reject(),
            )));
        }
    };
    backend
        .decide_proposal(signed_in_session()?, sandbox_id, proposal_id, approve)
        .await
        .map_err(request::refuse)
}

/// `role` is `creator` or `approver`.
#[server(prefix = "/_console", endpoint = "add_member")]
pub async fn add_member(
    csrf: String,
    org_id: String,
    email: String,
    role: String,
) -> Result<(), ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .add_member(signed_in_session()?, org_id, email, role)
        .await
        .map_err(request::refuse)
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM` in UTC (the console does not know the viewer's zone).
pub fn utc_minute(epoch_ms: i64) -> String {
    let minutes = epoch_ms.div_euclid(60_000);
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}
