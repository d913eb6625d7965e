//! The developer console in a real browser: sign up, create an organisation, create a sandbox in one click, copy its
//! credentials off the page, and use them at once against the mock API as a relying party would.

use anyhow::Context;
use e2e::{Browser, Portal};
use fantoccini::Locator;
use mock_iamsmart::client::{self, RsaPrivateKey, SignedHeaders};
use rsa::pkcs8::DecodePrivateKey;

async fn fill(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    browser
        .client
        .find(Locator::Css(css))
        .await?
        .send_keys(text)
        .await?;
    Ok(())
}

async fn text_of(browser: &Browser, css: &str) -> anyhow::Result<String> {
    Ok(browser.client.find(Locator::Css(css)).await?.text().await?)
}

/// Fills in and sends the sign-up form, then waits for the console it leads to.
async fn sign_up(
    browser: &Browser,
    portal: &Portal,
    (name, email, password): (&str, &str, &str),
) -> anyhow::Result<()> {
    browser.client.goto(&portal.url("/sign-up")).await?;
    browser.wait_for_hydration().await?;
    fill(browser, "#sign-up-form input[name='display_name']", name).await?;
    fill(browser, "#sign-up-form input[name='email']", email).await?;
    fill(browser, "#sign-up-form input[name='password']", password).await?;
    browser
        .client
        .find(Locator::Css("#sign-up-form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the console after sign-up",
            "return !!document.querySelector('#signed-in-as');",
        )
        .await
}

#[tokio::test]
async fn a_developer_signs_up_and_gets_a_working_sandbox_in_one_click() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    sign_up(
        &browser,
        &portal,
        ("Wong Ka Yan", "kayan@example.com", "harbour view 2026"),
    )
    .await?;
    assert!(client.current_url().await?.as_str().ends_with("/console"));
    assert!(
        text_of(&browser, "#signed-in-as")
            .await?
            .contains("Wong Ka Yan")
    );

    fill(
        &browser,
        "#create-org-form input[name='name']",
        "Harbour Fintech",
    )
    .await?;
    client
        .find(Locator::Css("#create-org-form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the new organisation",
            "return !!document.querySelector('.org form.create-sandbox');",
        )
        .await?;
    fill(
        &browser,
        ".org form.create-sandbox input[name='name']",
        "Mobile banking",
    )
    .await?;
    client
        .find(Locator::Css(
            ".org form.create-sandbox button[type='submit']",
        ))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the new sandbox's credentials",
            "return !!document.querySelector('#new-client-secret');",
        )
        .await?;
    let sandbox_id = client
        .find(Locator::Css("#new-sandbox"))
        .await?
        .attr("data-sandbox-id")
        .await?
        .context("the new sandbox's ID")?;
    let client_id = text_of(&browser, "#new-client-id").await?;
    let client_secret = text_of(&browser, "#new-client-secret").await?;
    let private_key_pem = text_of(&browser, "#new-private-key").await?;
    browser
        .wait_until(
            "the sandbox in the organisation's list",
            &format!(
                "return [...document.querySelectorAll('.sandbox .client-id')].some(e => e.textContent === '{client_id}');"
            ),
        )
        .await?;
    // The sandbox's own page, with its live request inspector, still empty.
    client
        .find(Locator::Css(".sandbox a[href^='/console/sandboxes/']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the sandbox page's empty inspector",
            "return !!document.querySelector('#no-requests');",
        )
        .await?;

    // The credentials work straight away: getKey signed with the secret, the CEK unwrapped with the key.
    let private_key = RsaPrivateKey::from_pkcs8_pem(&private_key_pem)
        .map_err(|error| anyhow::anyhow!("the private key PEM: {error}"))?;
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .to_string();
    let headers = SignedHeaders::sign(
        &client_id,
        &client_secret,
        &timestamp,
        "e2e-console-nonce-0000000000001",
        b"{}",
    );
    let mut request = reqwest::Client::new()
        .post(portal.url("/api/v1/security/getKey"))
        .body("{}");
    for (name, value) in headers.into_headers() {
        request = request.header(name, value);
    }
    let body = request.send().await?.bytes().await?;
    let content = client::read_get_key_response(&body)
        .with_context(|| format!("getKey answered {}", String::from_utf8_lossy(&body)))?;
    let cek = client::unwrap_cek(&private_key, &content.secret_key)?;
    assert_eq!(cek.len(), 32);

    // ...and the request shows up in the open inspector without a reload.
    browser
        .wait_until(
            "the getKey request in the live inspector",
            "return !!document.querySelector(\"#request-log tr[data-code='D00000']\");",
        )
        .await?;
    let row = text_of(&browser, "#request-log tbody tr").await?;
    assert!(row.contains("/api/v1/security/getKey"), "{row}");
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // The request's detail view shows the response content the sandbox encrypted, with the wrapped CEK masked.
    client
        .find(Locator::Css(
            "#request-log tr[data-code='D00000'] a.request-details",
        ))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the request's detail view",
            "return !!document.querySelector('#response-json pre');",
        )
        .await?;
    let response = text_of(&browser, "#response-json pre").await?;
    assert!(response.contains("\"secretKey\": \"«masked"), "{response}");
    assert!(
        !response.contains(&content.secret_key),
        "the wrapped CEK is masked"
    );
    assert_eq!(text_of(&browser, "#request-code").await?, "D00000");
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // Someone in another organisation cannot open that sandbox's page.
    client.delete_all_cookies().await?;
    sign_up(
        &browser,
        &portal,
        ("Outsider", "outsider@example.com", "another long pass"),
    )
    .await?;
    client
        .goto(&portal.url(&format!("/console/sandboxes/{sandbox_id}")))
        .await?;
    browser
        .wait_until(
            "the refusal",
            "return !!document.querySelector('#sandbox-error');",
        )
        .await?;
    assert_eq!(text_of(&browser, "#sandbox-error").await?, "not found");
    assert!(
        client
            .find(Locator::Css("#sandbox-client-id"))
            .await
            .is_err()
    );
    browser.close().await
}
