//! Signing Demo Bank's account agreement in a real browser: log in as an iAM Smart+ persona, start "Sign the
//! account agreement", read the identification code on Demo Bank's page, check that the virtual phone shows the
//! same code, approve with a PIN, and download the signed PDF, which poppler's `pdfsig` must find valid,
//! unmodified and signed by the persona.

use std::process::Command;

use anyhow::Context;
use e2e::{Browser, Portal};
use fantoccini::Locator;

async fn text_of(browser: &Browser, css: &str) -> anyhow::Result<String> {
    Ok(browser.client.find(Locator::Css(css)).await?.text().await?)
}

async fn click(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser
        .client
        .find(Locator::Css(css))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Approves the request on the phone's screen with a six-digit PIN and waits for the outcome.
async fn approve_with_pin(browser: &Browser) -> anyhow::Result<()> {
    click(browser, "#approve-request").await?;
    browser
        .client
        .find(Locator::Css("#pin"))
        .await?
        .send_keys("246810")
        .await?;
    click(browser, "#confirm-pin").await?;
    browser
        .wait_until(
            "the approval on the phone",
            "return document.querySelector('#outcome')?.dataset.state === 'approved';",
        )
        .await
}

#[tokio::test]
async fn signing_the_agreement_shows_one_code_on_both_screens_and_gives_a_valid_signed_pdf()
-> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;
    let client_id = portal.demo_sandbox()?["clientId"]
        .as_str()
        .context("the demo sandbox's client ID")?
        .to_owned();

    // Log in to Demo Bank as an iAM Smart+ persona, answering on the phone in a second tab.
    client.goto(&portal.url("/demo-bank?lang=en-US")).await?;
    click(&browser, "#login-with-iamsmart").await?;
    browser
        .wait_until(
            "the broker page",
            "return !!document.querySelector('main[data-ticket-id]');",
        )
        .await?;
    let bank_tab = client.window().await?;
    let qr_payload = client
        .find(Locator::Css("#qr-code"))
        .await?
        .attr("data-payload")
        .await?
        .context("the QR code names its payload")?;
    let phone_tab = client.new_window(true).await?.handle;
    client.switch_to_window(phone_tab.clone()).await?;
    client.goto(&qr_payload).await?;
    click(&browser, "button[data-persona-id='iamsmart-plus-user']").await?;
    browser
        .wait_until(
            "the login request",
            "return !!document.querySelector('#request');",
        )
        .await?;
    approve_with_pin(&browser).await?;
    let signer = text_of(&browser, "#signed-in-persona strong").await?;

    // Start signing the agreement at Demo Bank and read its identification code.
    client.switch_to_window(bank_tab.clone()).await?;
    browser
        .wait_until(
            "Demo Bank's signed-in page",
            "return !!document.querySelector('#sign-agreement');",
        )
        .await?;
    click(&browser, "#sign-agreement").await?;
    browser
        .wait_until(
            "the agreement page",
            "return !!document.querySelector('#sign-agreement-with-iamsmart');",
        )
        .await?;
    click(&browser, "#sign-agreement-with-iamsmart").await?;
    browser
        .wait_until(
            "the waiting page with its code",
            "return !!document.querySelector('#identification-code');",
        )
        .await?;
    let bank_code = client
        .execute(
            "return document.querySelector('#identification-code').textContent.trim();",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(bank_code.len(), 4, "a 4-digit code: {bank_code:?}");

    // The phone lists the request and shows the same code.
    client.switch_to_window(phone_tab).await?;
    client
        .goto(&portal.url(&format!("/phone/{client_id}")))
        .await?;
    browser
        .wait_until(
            "the signing request in the phone's list",
            "return !!document.querySelector('.pending-item');",
        )
        .await?;
    click(&browser, ".pending-item").await?;
    browser
        .wait_until(
            "the signing screen",
            "return document.querySelector('#request')?.dataset.kind === 'signing';",
        )
        .await?;
    let phone_code = text_of(&browser, "#identification-code").await?;
    assert_eq!(phone_code, bank_code, "both screens show one code");
    let document = text_of(&browser, "#signing-document").await?;
    assert_eq!(document, "Demo Bank account agreement");
    approve_with_pin(&browser).await?;
    let phone_errors = browser.console_errors().await?;
    assert!(phone_errors.is_empty(), "phone console: {phone_errors:?}");

    // Demo Bank's page notices the signature by itself and offers the signed PDF.
    client.switch_to_window(bank_tab).await?;
    browser
        .wait_until(
            "the signed agreement",
            "return !!document.querySelector('#download-signed-agreement');",
        )
        .await?;
    let link = client
        .find(Locator::Css("#download-signed-agreement"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    assert_eq!(link, "/demo-bank/agreement/signed.pdf");
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "bank console: {errors:?}");

    // Download it with the browser's session and check it as anyone would.
    let session = client
        .get_named_cookie("demo_bank_session")
        .await
        .context("the browser holds Demo Bank's session cookie")?;
    let pdf = reqwest::Client::new()
        .get(portal.url(&link))
        .header("Cookie", format!("demo_bank_session={}", session.value()))
        .send()
        .await?
        .bytes()
        .await?;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let path =
        std::env::temp_dir().join(format!("e2e-signed-agreement-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf)?;
    let output = Command::new("pdfsig")
        .arg(&path)
        .output()
        .context("could not run pdfsig: install poppler-utils (cargo xtask test installs it)")?;
    let _ = std::fs::remove_file(&path);
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(report.contains("Signature is Valid."), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    assert!(
        report.contains(&format!("Signer Certificate Common Name: {signer}")),
        "signed by {signer}: {report}"
    );
    browser.close().await
}
