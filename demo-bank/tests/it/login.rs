//! `POST /login`: a fresh state in an HttpOnly, SameSite=Lax session, and a 303 to getQR carrying it.

use axum::http::{StatusCode, header};
use iamsmart_client::CallbackParams;
use iamsmart_client::testing::{CLIENT_ID, IAMSMART_USER};
use mock_iamsmart::GetQrParams;

use crate::{CALLBACK_URI, bank};

fn get_qr_params(url: &str) -> GetQrParams {
    GetQrParams::from_query(url.split_once('?').map_or("", |(_, query)| query))
}

#[tokio::test]
async fn logging_in_redirects_to_get_qr_with_a_fresh_state_in_the_session() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let page = browser.post_form("/demo-bank/login", "lang=zh-HK").await?;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let set_cookie = page.header(header::SET_COOKIE);
    assert!(set_cookie.starts_with("demo_bank_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    assert!(set_cookie.contains("Path=/demo-bank"));

    let location = page.location();
    assert!(location.starts_with(&format!("{}/api/v1/auth/getQR?", sandbox.base_url())));
    let params = get_qr_params(location);
    assert_eq!(params.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(params.response_type.as_deref(), Some("code"));
    assert_eq!(params.source.as_deref(), Some("PC_Browser"));
    assert_eq!(params.redirect_uri.as_deref(), Some(CALLBACK_URI));
    assert_eq!(params.scope.as_deref(), Some("eidapi_auth eidapi_sign"));
    assert_eq!(params.lang.as_deref(), Some("zh-HK"));
    let state = params.state.expect("a state");
    assert!(state.len() <= 36);
    assert!(
        state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    );

    // The state is the session's: the sandbox echoes it and the bank accepts it.
    let redirect = sandbox.approve_login(location, IAMSMART_USER);
    assert_eq!(
        CallbackParams::from_url(&redirect).state.as_deref(),
        Some(state.as_str())
    );
    Ok(())
}

#[tokio::test]
async fn every_login_gets_a_new_state() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let first = get_qr_params(&browser.click_login("en-US").await?).state;
    let second = get_qr_params(&browser.click_login("en-US").await?).state;
    assert_ne!(first, second);
    Ok(())
}

#[tokio::test]
async fn an_unknown_language_falls_back_to_english() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let url = browser.click_login("fr-FR").await?;
    assert_eq!(get_qr_params(&url).lang.as_deref(), Some("en-US"));
    Ok(())
}
