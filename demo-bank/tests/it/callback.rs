//! `GET /callback`: the state is checked before anything else, error codes become friendly pages, and
//! a code becomes a signed-in session.

use axum::http::StatusCode;
use iamsmart_client::testing::IAMSMART_USER;
use iamsmart_client::{CallbackParams, GET_TOKEN_PATH};

use crate::{bank, bank_with};

/// The `data-error-code` of a failure page, if any.
fn error_code(body: &str) -> Option<&str> {
    let start = body.find(r#"data-error-code=""#)? + r#"data-error-code=""#.len();
    body[start..].split('"').next()
}

fn replace_state(url: &str, state: &str) -> String {
    let params = CallbackParams::from_url(url);
    let code = params.code.expect("a code");
    format!("/demo-bank/callback?code={code}&state={state}")
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_without_exchanging_the_code() -> anyhow::Result<()>
{
    let (sandbox, mut browser) = bank().await?;
    let url = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&url, IAMSMART_USER);
    let page = browser
        .get(&replace_state(&redirect, "forged-state"))
        .await?;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains(r#"id="login-error""#));
    assert!(page.body.contains(r#"data-reason="state-mismatch""#));
    assert!(
        !sandbox
            .api_paths()
            .iter()
            .any(|path| path == GET_TOKEN_PATH)
    );
    Ok(())
}

#[tokio::test]
async fn a_callback_without_a_login_in_this_browser_is_refused() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let page = browser
        .get("/demo-bank/callback?code=abc&state=xyz")
        .await?;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains(r#"data-reason="state-mismatch""#));
    assert!(sandbox.api_paths().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_rejected_login_shows_the_rejection_with_its_code() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let url = browser.click_login("en-US").await?;
    let started = sandbox.begin_login(&url);
    let page = browser.follow(&sandbox.reject(&started.ticket_id)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="login-error""#));
    assert_eq!(error_code(&page.body), Some("D40001"));
    assert!(page.body.contains("rejected in the iAM Smart app"));
    assert!(
        page.body
            .contains(r#"id="try-again" href="/demo-bank?lang=en-US""#)
    );
    assert!(
        sandbox
            .api_paths()
            .iter()
            .all(|path| path != GET_TOKEN_PATH)
    );
    Ok(())
}

#[tokio::test]
async fn a_cancelled_login_is_explained_in_the_chosen_language() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let url = browser.click_login("zh-HK").await?;
    let started = sandbox.begin_login(&url);
    let page = browser.follow(&sandbox.cancel(&started.ticket_id)).await?;
    assert_eq!(error_code(&page.body), Some("D40000"));
    assert!(page.body.contains("你已取消登入。"));
    assert!(page.body.contains("再試一次"));
    Ok(())
}

#[tokio::test]
async fn an_unknown_error_code_gets_the_generic_page_with_the_code() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let url = browser.click_login("en-US").await?;
    let state = CallbackParams::from_url(&url).state.expect("a state");
    let page = browser
        .get(&format!(
            "/demo-bank/callback?error_code=D10001&state={state}"
        ))
        .await?;
    assert_eq!(error_code(&page.body), Some("D10001"));
    assert!(page.body.contains("could not complete the login (D10001)"));
    Ok(())
}

#[tokio::test]
async fn a_reloaded_callback_does_not_exchange_the_code_twice() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let url = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&url, IAMSMART_USER);
    let first = browser.follow(&redirect).await?;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = browser.follow(&redirect).await?;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let exchanges = sandbox
        .api_paths()
        .iter()
        .filter(|path| *path == GET_TOKEN_PATH)
        .count();
    assert_eq!(exchanges, 1);
    Ok(())
}

#[tokio::test]
async fn an_unreachable_iamsmart_is_a_bad_gateway_page() -> anyhow::Result<()> {
    // A port that was just free: bind it, read it, let it go.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let closed_port_url = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let (sandbox, mut browser) = bank_with(|client| client.api_base_url = closed_port_url).await?;
    let url = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&url, IAMSMART_USER);
    let page = browser.follow(&redirect).await?;
    assert_eq!(page.status, StatusCode::BAD_GATEWAY);
    assert!(page.body.contains(r#"data-reason="unreachable""#));
    assert!(!page.body.contains("127.0.0.1"));
    Ok(())
}
