//! A whole iAM Smart login in a real browser: Demo Bank's "Login with iAM Smart" button, the broker page with its
//! QR code, the virtual phone opened from the QR link in a second tab, and the first tab landing where the
//! answer sends it — signed in after an approval, on Demo Bank's error page after a rejection or a timeout.
//!
//! With `E2E_SCREENSHOT_DIR` set, the approval test saves PNGs of the broker page and the virtual phone there.

use e2e::{Browser, Portal};
use fantoccini::{Locator, wd::WindowHandle};

/// Starts at Demo Bank in `lang` and clicks "Login with iAM Smart"; returns once the broker page shows its
/// ticket, with the first tab's handle.
pub(crate) async fn start_at_demo_bank(
    browser: &Browser,
    portal: &Portal,
    lang: &str,
) -> anyhow::Result<WindowHandle> {
    let client = &browser.client;
    client
        .goto(&portal.url(&format!("/demo-bank?lang={lang}")))
        .await?;
    client
        .find(Locator::Css("#login-with-iamsmart"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the broker page",
            "return !!document.querySelector('main[data-ticket-id]');",
        )
        .await?;
    Ok(client.window().await?)
}

/// Opens the QR code's link (the virtual phone at this ticket) in a new tab and signs the phone in as
/// `persona`; returns the phone tab's handle.
pub(crate) async fn open_phone_from_qr(
    browser: &Browser,
    persona: &str,
) -> anyhow::Result<WindowHandle> {
    let client = &browser.client;
    let qr_payload = client
        .find(Locator::Css("#qr-code"))
        .await?
        .attr("data-payload")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the QR code names no payload"))?;
    let link = client
        .find(Locator::Css("#virtual-phone-link"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    assert_eq!(link, qr_payload, "the link opens what the QR code encodes");
    let tab = client.new_window(true).await?;
    client.switch_to_window(tab.handle.clone()).await?;
    client.goto(&qr_payload).await?;
    client
        .find(Locator::Css(&format!(
            "button[data-persona-id='{persona}']"
        )))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the request screen",
            "return !!document.querySelector('#request');",
        )
        .await?;
    Ok(tab.handle)
}

async fn screenshot(browser: &Browser, name: &str) -> anyhow::Result<()> {
    if let Some(dir) = std::env::var_os("E2E_SCREENSHOT_DIR") {
        let png = browser.client.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(std::path::Path::new(&dir).join(name), png)?;
    }
    Ok(())
}

#[tokio::test]
async fn approving_on_the_virtual_phone_signs_the_first_tab_in_to_demo_bank() -> anyhow::Result<()>
{
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    let bank_tab = start_at_demo_bank(&browser, &portal, "en-US").await?;
    let title = client.find(Locator::Css("h1")).await?.text().await?;
    assert_eq!(title, "Login with iAM Smart");
    let qr = client.find(Locator::Css("#qr-code svg")).await?;
    assert!(qr.is_displayed().await?, "the QR code is shown");
    screenshot(&browser, "broker-page.png").await?;

    open_phone_from_qr(&browser, "iamsmart-plus-user").await?;
    let service = client
        .find(Locator::Css("#requesting-service"))
        .await?
        .text()
        .await?;
    assert_eq!(service, "Demo Bank");
    screenshot(&browser, "virtual-phone-request.png").await?;
    client
        .find(Locator::Css("#approve-request"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Css("#pin"))
        .await?
        .send_keys("135790")
        .await?;
    client
        .find(Locator::Css("#confirm-pin"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the approval on the phone",
            "return document.querySelector('#outcome')?.dataset.state === 'approved';",
        )
        .await?;
    screenshot(&browser, "virtual-phone-approved.png").await?;
    let phone_errors = browser.console_errors().await?;
    assert!(phone_errors.is_empty(), "phone console: {phone_errors:?}");

    client.switch_to_window(bank_tab).await?;
    browser
        .wait_until(
            "Demo Bank's signed-in page",
            "return !!document.querySelector('#signed-in-openid');",
        )
        .await?;
    let open_id = client
        .find(Locator::Css("#signed-in-openid"))
        .await?
        .text()
        .await?;
    assert!(open_id.len() >= 40, "an openID: {open_id}");
    let user_type = client
        .find(Locator::Css("#signed-in-user-type"))
        .await?
        .text()
        .await?;
    assert_eq!(user_type, "sign", "userType of an iAM Smart+ persona");
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "broker and bank console: {errors:?}");
    browser.close().await
}

/// Starts a login, answers it on the phone with the button `answer`, and returns the D-code Demo Bank's
/// error page shows in the first tab.
async fn error_code_after(answer: &str) -> anyhow::Result<String> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;
    let bank_tab = start_at_demo_bank(&browser, &portal, "en-US").await?;
    open_phone_from_qr(&browser, "iamsmart-user").await?;
    client.find(Locator::Css(answer)).await?.click().await?;
    browser
        .wait_until(
            "the phone's outcome screen",
            "return !!document.querySelector('#outcome');",
        )
        .await?;
    client.switch_to_window(bank_tab).await?;
    browser
        .wait_until(
            "Demo Bank's error page",
            "return !!document.querySelector('#login-error');",
        )
        .await?;
    let code = client
        .find(Locator::Css("#login-error"))
        .await?
        .attr("data-error-code")
        .await?
        .unwrap_or_default();
    browser.close().await?;
    Ok(code)
}

#[tokio::test]
async fn rejecting_on_the_phone_lands_on_demo_banks_error_page_with_d40001() -> anyhow::Result<()> {
    assert_eq!(error_code_after("#reject-request").await?, "D40001");
    Ok(())
}

#[tokio::test]
async fn letting_the_request_time_out_lands_with_d40003() -> anyhow::Result<()> {
    assert_eq!(error_code_after("#skip-timeout").await?, "D40003");
    Ok(())
}

#[tokio::test]
async fn the_broker_page_speaks_simplified_chinese_when_asked() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;
    start_at_demo_bank(&browser, &portal, "zh-CN").await?;
    let title = client.find(Locator::Css("h1")).await?.text().await?;
    assert_eq!(title, "智方便登录");
    let body = client.find(Locator::Css("main")).await?.text().await?;
    assert!(body.contains("扫描此二维码"), "{body}");
    assert!(body.contains("了解更多"), "{body}");
    let lang = client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    assert_eq!(lang, "zh-CN");
    browser.close().await
}
