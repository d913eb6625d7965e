//! The whole login, from the button to the signed-in page, and signing out.

use axum::http::StatusCode;
use iamsmart_client::testing::{IAMSMART_PLUS_USER, IAMSMART_USER};
use iamsmart_client::{Client, GET_KEY_PATH, GET_TOKEN_PATH};

use crate::{Browser, bank};

/// Logs `browser` in as `persona_id`; returns the account page.
async fn log_in(
    sandbox: &iamsmart_client::testing::TestSandbox,
    browser: &mut Browser,
    persona_id: &str,
) -> anyhow::Result<crate::Page> {
    let url = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&url, persona_id);
    let callback = browser.follow(&redirect).await?;
    anyhow::ensure!(
        callback.status == StatusCode::SEE_OTHER,
        "callback answered {}: {}",
        callback.status,
        callback.body
    );
    assert_eq!(callback.location(), "/demo-bank/account");
    browser.follow(callback.location()).await
}

/// The text of the element with this id (the first text node after its opening tag).
fn element_text<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!(r#"id="{id}""#);
    let start = body.find(&marker)?;
    let after_tag = body[start..].find('>')? + start + 1;
    body[after_tag..].split('<').next()
}

#[tokio::test]
async fn a_full_login_lands_on_the_account_page_with_the_open_id() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let account = log_in(&sandbox, &mut browser, IAMSMART_USER).await?;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(sandbox.api_paths(), [GET_KEY_PATH, GET_TOKEN_PATH]);

    // The same person's openID, as an independent client of the same sandbox learns it.
    let client = Client::new(sandbox.client_config())?;
    let expected = client
        .get_token(&sandbox.login_code(IAMSMART_USER))
        .await?
        .open_id;
    assert_eq!(
        element_text(&account.body, "signed-in-openid"),
        Some(expected.as_str())
    );
    assert_eq!(
        element_text(&account.body, "signed-in-user-type"),
        Some("default")
    );
    assert!(account.body.contains(">iAM Smart<"));
    assert_eq!(
        element_text(&account.body, "signed-in-scope"),
        Some("eidapi_auth eidapi_sign")
    );
    assert!(element_text(&account.body, "signed-in-expiry").is_some_and(|t| t.ends_with("HKT")));
    Ok(())
}

#[tokio::test]
async fn an_iamsmart_plus_user_is_shown_as_such() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let account = log_in(&sandbox, &mut browser, IAMSMART_PLUS_USER).await?;
    assert_eq!(
        element_text(&account.body, "signed-in-user-type"),
        Some("sign")
    );
    assert!(account.body.contains(">iAM Smart+<"));
    Ok(())
}

#[tokio::test]
async fn the_account_page_sends_visitors_who_are_not_signed_in_home() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let page = browser.get("/demo-bank/account").await?;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/demo-bank?lang=en-US");
    Ok(())
}

#[tokio::test]
async fn logging_out_forgets_the_customer() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    log_in(&sandbox, &mut browser, IAMSMART_USER).await?;
    let page = browser.post_form("/demo-bank/logout", "").await?;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/demo-bank?lang=en-US");
    let page = browser.get("/demo-bank/account").await?;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    Ok(())
}
