//! Headless logins through the sandbox-only automation API, as an RP's CI runs them: start a login
//! without a browser, answer it as a persona, follow the redirect URL.

use iamsmart_client::testing::{IAMSMART_USER, REDIRECT_URI, SUSPENDED_USER, TestSandbox};
use iamsmart_client::{CallbackParams, Client, LoginRequest, UserType, random_state};

use crate::sandbox_and_client;

#[tokio::test]
async fn a_headless_login_is_approved_and_its_code_exchanged() -> anyhow::Result<()> {
    let (_sandbox, client) = sandbox_and_client().await?;
    // ANCHOR: headless_login
    let state = random_state();
    let started = client
        .start_login(&LoginRequest::new(REDIRECT_URI, state.clone()))
        .await?;
    assert_eq!(started.redirect_url, None);
    assert!(started.app_link.ends_with(&started.ticket_id));
    assert!(started.expires_in_ms > 0);
    let redirect = client
        .approve_ticket(&started.ticket_id, IAMSMART_USER)
        .await?;
    assert!(redirect.starts_with(REDIRECT_URI));
    let callback = CallbackParams::from_url(&redirect);
    assert_eq!(callback.state.as_deref(), Some(state.as_str()));
    let code = callback.code.expect("an approved login carries a code");
    let token = client.get_token(&code).await?;
    assert_eq!(token.user_type, UserType::IamSmart);
    // ANCHOR_END: headless_login
    Ok(())
}

#[tokio::test]
async fn a_headless_login_can_be_rejected() -> anyhow::Result<()> {
    let (_sandbox, client) = sandbox_and_client().await?;
    let started = client
        .start_login(&LoginRequest::new(REDIRECT_URI, "st"))
        .await?;
    let redirect = client.reject_ticket(&started.ticket_id).await?;
    let callback = CallbackParams::from_url(&redirect);
    assert_eq!(callback.error_code.as_deref(), Some("D40001"));
    assert_eq!(callback.state.as_deref(), Some("st"));
    assert_eq!(callback.code, None);
    Ok(())
}

#[tokio::test]
async fn answering_twice_or_as_a_suspended_persona_is_a_protocol_error() -> anyhow::Result<()> {
    let (_sandbox, client) = sandbox_and_client().await?;
    let started = client
        .start_login(&LoginRequest::new(REDIRECT_URI, "st"))
        .await?;
    let error = client
        .approve_ticket(&started.ticket_id, SUSPENDED_USER)
        .await
        .expect_err("the account is suspended");
    assert_eq!(error.protocol_code(), Some("D10001"));
    client.reject_ticket(&started.ticket_id).await?;
    let error = client
        .approve_ticket(&started.ticket_id, IAMSMART_USER)
        .await
        .expect_err("the ticket is settled");
    assert_eq!(error.protocol_code(), Some("D20004"));
    Ok(())
}

#[tokio::test]
async fn a_login_to_a_redirect_uri_off_the_allow_list_is_refused_with_d20008() -> anyhow::Result<()>
{
    let (_sandbox, client) = sandbox_and_client().await?;
    let error = client
        .start_login(&LoginRequest::new("https://evil.example/cb", "st"))
        .await
        .expect_err("not on the allow-list");
    assert_eq!(error.protocol_code(), Some("D20008"));
    Ok(())
}

#[tokio::test]
async fn the_auto_responder_has_answered_by_the_time_the_login_starts() -> anyhow::Result<()> {
    let sandbox = TestSandbox::start_with(|config| {
        config.auto_responder = Some(IAMSMART_USER.into());
    })
    .await?;
    let client = Client::new(sandbox.client_config())?;
    let started = client
        .start_login(&LoginRequest::new(REDIRECT_URI, "st"))
        .await?;
    let redirect = started
        .redirect_url
        .expect("the auto-responder answered at once");
    let code = CallbackParams::from_url(&redirect)
        .code
        .expect("it approved");
    client.get_token(&code).await?;
    Ok(())
}
