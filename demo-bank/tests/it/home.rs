//! The home page: the branded button in the chosen language, its own CSP, and no request to iAM Smart
//! before the click.

use axum::http::{StatusCode, header};

use crate::{MOUNT_PATH, bank};

#[tokio::test]
async fn the_home_page_shows_the_login_button_in_english_by_default() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let page = browser.get(MOUNT_PATH).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="login-with-iamsmart""#));
    assert!(page.body.contains("Login with iAM Smart"));
    assert!(
        page.body
            .contains(r#"href="https://www.iamsmart.gov.hk/en/""#)
    );
    assert!(page.body.contains(r#"action="/demo-bank/login""#));
    assert!(
        page.body
            .contains(r#"href="/demo-bank/assets/demo-bank.css""#)
    );
    // The branding guideline: nothing starts before the click.
    assert!(sandbox.api_paths().is_empty());
    assert!(page.headers.get(header::SET_COOKIE).is_none());
    Ok(())
}

#[tokio::test]
async fn the_home_page_speaks_the_chosen_language() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let page = browser.get("/demo-bank?lang=zh-HK").await?;
    assert!(page.body.contains("智方便登入"));
    assert!(page.body.contains("了解更多"));
    assert!(page.body.contains("https://www.iamsmart.gov.hk/tc/"));
    assert!(page.body.contains(r#"name="lang" value="zh-HK""#));
    let page = browser.get("/demo-bank?lang=zh-CN").await?;
    assert!(page.body.contains("智方便登录"));
    assert!(page.body.contains("https://www.iamsmart.gov.hk/sc/"));
    let page = browser.get("/demo-bank?lang=%3Cscript%3E").await?;
    assert!(page.body.contains("Login with iAM Smart"));
    assert!(!page.body.contains("<script>"));
    Ok(())
}

#[tokio::test]
async fn every_response_carries_its_own_content_security_policy() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank().await?;
    let sandbox_origin = sandbox.base_url();
    for path in [
        "/demo-bank",
        "/demo-bank/account",
        "/demo-bank/callback?state=x&code=y",
    ] {
        let page = browser.get(path).await?;
        let policy = page.header(header::CONTENT_SECURITY_POLICY);
        assert!(
            policy.starts_with("default-src 'none'; style-src 'self';"),
            "{path}: {policy}"
        );
        assert!(
            policy.contains(&format!("form-action 'self' {sandbox_origin};")),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(page.header(header::REFERRER_POLICY), "no-referrer");
    }
    Ok(())
}

#[tokio::test]
async fn the_stylesheet_is_served_with_the_brand_colour() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank().await?;
    let page = browser.get("/demo-bank/assets/demo-bank.css").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert!(page.body.contains("#2b7367"));
    assert!(page.body.contains("border-radius: 10px"));
    Ok(())
}
