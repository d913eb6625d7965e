//! The guides in a real browser: reached from the portal's navigation, switched to 简体中文 and back with the
//! language remembered across guides, and found by a word in a guide's body through the search box.

use e2e::{Browser, Portal};
use fantoccini::Locator;

async fn guide_title(browser: &Browser) -> anyhow::Result<String> {
    Ok(browser
        .client
        .find(Locator::Css("#guide-title"))
        .await?
        .text()
        .await?)
}

#[tokio::test]
async fn a_guide_switches_to_simplified_chinese_and_back_and_the_choice_follows_to_other_guides()
-> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    // From the hydrated landing page, the navigation's Guides link loads the server-rendered guides.
    client.goto(&portal.url("/")).await?;
    browser.wait_for_hydration().await?;
    client
        .find(Locator::Css(".site-nav a[href='/guides']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the list of guides",
            "return document.querySelector('.guide-index') !== null;",
        )
        .await?;
    client
        .find(Locator::Css(".guide-cards a[data-guide='envelope']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the envelope guide",
            "return document.querySelector('#guide-title')?.textContent === 'The envelope and its cryptography';",
        )
        .await?;

    client
        .find(Locator::Css(".lang-switcher a[data-lang='zh-CN']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the Simplified Chinese guide",
            "return document.documentElement.lang === 'zh-CN' && document.querySelector('#guide-title')?.textContent === '信封及其加密';",
        )
        .await?;
    let toc = client
        .find(Locator::Css("#toc-title"))
        .await?
        .text()
        .await?;
    assert_eq!(toc, "本页内容");
    let highlighted = client
        .execute(
            "return document.querySelectorAll('pre.code span[class^=\"hl-\"]').length;",
            vec![],
        )
        .await?;
    assert!(
        highlighted.as_u64().unwrap_or(0) > 10,
        "code samples are highlighted on the server: {highlighted}"
    );

    // The choice is remembered: another guide opens in Simplified Chinese, and so does the landing page.
    client
        .find(Locator::Css(".guide-list a[href='/guides/login']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the login guide in Simplified Chinese",
            "return document.querySelector('#guide-title')?.textContent === '登录';",
        )
        .await?;
    client.goto(&portal.url("/")).await?;
    browser.wait_for_hydration().await?;
    let html_lang = client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    assert_eq!(
        html_lang, "zh-CN",
        "the portal and the guides share the choice"
    );

    // And back to English.
    client.goto(&portal.url("/guides/login")).await?;
    client
        .find(Locator::Css(".lang-switcher a[data-lang='en']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the English guide",
            "return document.documentElement.lang === 'en' && document.querySelector('#guide-title')?.textContent === 'Login';",
        )
        .await?;
    assert_eq!(guide_title(&browser).await?, "Login");

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.close().await
}

#[tokio::test]
async fn the_search_box_finds_a_guide_by_a_word_in_its_body() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    client.goto(&portal.url("/guides?lang=en")).await?;
    // "pendingTickets" appears only in the body of the headless-testing guide, not in any title.
    client
        .find(Locator::Css("#guide-search"))
        .await?
        .send_keys("pendingTickets")
        .await?;
    client
        .find(Locator::Css(".guide-search-form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the search results",
            "return document.querySelector('#search-summary') !== null;",
        )
        .await?;
    let first = client.find(Locator::Css(".search-results li a")).await?;
    assert_eq!(
        first.attr("data-guide").await?.as_deref(),
        Some("headless-ci")
    );
    let snippet = client
        .find(Locator::Css(".search-results .snippet"))
        .await?
        .text()
        .await?;
    assert!(snippet.contains("pendingTickets"), "{snippet}");
    first.click().await?;
    browser
        .wait_until(
            "the guide found",
            "return document.querySelector('#guide-title')?.textContent === 'Headless testing in CI';",
        )
        .await?;

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.close().await
}
