//! The landing page hydrates, switches language in place without a reload, remembers the choice, navigates
//! client-side, and leaves no errors in the console.

use e2e::{Browser, Portal};
use fantoccini::Locator;

async fn hero_text(browser: &Browser) -> anyhow::Result<String> {
    Ok(browser
        .client
        .find(Locator::Css("#hero-title"))
        .await?
        .text()
        .await?)
}

#[tokio::test]
async fn switching_language_changes_the_text_without_a_page_reload() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    client.goto(&portal.url("/")).await?;
    browser.wait_for_hydration().await?;
    assert!(
        hero_text(&browser)
            .await?
            .starts_with("Build your iAM Smart integration")
    );

    // A value on `window` survives only if the page is never reloaded.
    client
        .execute("window.__sameDocument = 'yes'; return true;", vec![])
        .await?;
    client
        .find(Locator::Css("a[data-lang='zh-CN']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the Simplified Chinese text",
            "return document.querySelector('#hero-title').textContent.startsWith('几分钟完成智方便集成');",
        )
        .await?;
    let same_document = client
        .execute("return window.__sameDocument;", vec![])
        .await?;
    assert_eq!(same_document, "yes", "the switch must not reload the page");
    assert_eq!(
        client.current_url().await?.as_str(),
        portal.url("/"),
        "the address must not change"
    );
    let html_lang = client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    assert_eq!(html_lang, "zh-CN");
    let nav = client.find(Locator::Css(".site-nav")).await?.text().await?;
    assert!(
        nav.contains("指南"),
        "navigation follows the language: {nav}"
    );

    // The choice is remembered: a full reload renders Simplified Chinese on the server.
    client.refresh().await?;
    browser.wait_for_hydration().await?;
    assert!(
        hero_text(&browser)
            .await?
            .starts_with("几分钟完成智方便集成")
    );

    // And back to Traditional Chinese, in place again.
    client
        .execute("window.__sameDocument = 'still'; return true;", vec![])
        .await?;
    client
        .find(Locator::Css("a[data-lang='zh-HK']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the Traditional Chinese text",
            "return document.querySelector('#hero-title').textContent.startsWith('數分鐘完成智方便整合');",
        )
        .await?;
    assert_eq!(
        client
            .execute("return window.__sameDocument;", vec![])
            .await?,
        "still"
    );

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.close().await
}

#[tokio::test]
async fn navigation_links_work_in_the_browser_without_reloading() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    client.goto(&portal.url("/")).await?;
    browser.wait_for_hydration().await?;
    client
        .execute("window.__sameDocument = 'yes'; return true;", vec![])
        .await?;
    client
        .find(Locator::Css(".site-nav a[href='/sign-in']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the sign-in page",
            "return document.querySelector('#sign-in-form') !== null;",
        )
        .await?;
    assert_eq!(client.current_url().await?.as_str(), portal.url("/sign-in"));
    assert_eq!(
        client
            .execute("return window.__sameDocument;", vec![])
            .await?,
        "yes"
    );

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.close().await
}

#[tokio::test]
async fn the_server_binary_is_ready_quickly() -> anyhow::Result<()> {
    // A sanity bound only (generous for a loaded CI machine); the real start-up figure is measured by
    // `cargo xtask bench` and reported there.
    let portal = Portal::start()?;
    assert!(
        portal.ready_after.as_secs() < 10,
        "the portal took {:?} to become ready",
        portal.ready_after
    );
    let health = reqwest::get(portal.url("/healthz")).await?;
    assert!(health.status().is_success());
    Ok(())
}
