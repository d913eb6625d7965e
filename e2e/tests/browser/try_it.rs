//! The try-it console in a real browser: with the demo sandbox's credentials typed into `/reference/try`, the page's
//! wasm module signs `getKey`, the sandbox answers, the module unwraps the content key with the pasted private key,
//! an encrypted `getToken` encrypted in the browser is opened by the sandbox, and the inspector link leads the
//! sandbox's owner to what the sandbox saw.

use anyhow::Context;
use e2e::{Browser, Portal};
use fantoccini::Locator;
use serde_json::{Value, json};

async fn set_value(browser: &Browser, id: &str, value: &str) -> anyhow::Result<()> {
    // Set directly rather than typed: a PEM key is long and has line breaks.
    browser
        .client
        .execute(
            "const element = document.getElementById(arguments[0]); element.value = arguments[1]; \
             element.dispatchEvent(new Event('change')); return true;",
            vec![json!(id), json!(value)],
        )
        .await?;
    Ok(())
}

async fn text_of(browser: &Browser, css: &str) -> anyhow::Result<String> {
    Ok(browser.client.find(Locator::Css(css)).await?.text().await?)
}

/// Sends the form and waits until the answer has been read (the status line carries its code).
async fn send_and_wait(browser: &Browser, previous_tx: &str) -> anyhow::Result<String> {
    browser
        .client
        .find(Locator::Css("#try-send"))
        .await?
        .click()
        .await?;
    let script = format!(
        "const status = document.getElementById('try-status'); \
         return !!status.dataset.code && !status.textContent.includes('{previous_tx}') \
         && status.textContent.includes('txID');"
    );
    browser
        .wait_until("the answer in the try-it console", &script)
        .await?;
    let code = browser
        .client
        .execute(
            "return document.getElementById('try-status').dataset.code;",
            vec![],
        )
        .await?;
    Ok(code.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn the_try_it_console_completes_get_key_against_the_demo_sandbox() -> anyhow::Result<()> {
    let portal = Portal::start()?;
    let demo = portal.demo_sandbox()?;
    let text = |name: &str| -> anyhow::Result<String> {
        demo[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the demo file has {name}"))
    };
    let (client_id, sandbox_id) = (text("clientId")?, text("sandboxId")?);
    let browser = Browser::start().await?;
    let client = &browser.client;

    client.goto(&portal.url("/reference")).await?;
    client
        .find(Locator::Css("#try-it-link"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the try-it console's module",
            "return document.documentElement.dataset.tryIt === 'ready';",
        )
        .await?;
    assert!(
        client
            .current_url()
            .await?
            .path()
            .ends_with("/reference/try")
    );
    assert_eq!(
        client
            .execute(
                "return document.getElementById('try-operation').value;",
                vec![]
            )
            .await?,
        Value::from("/api/v1/security/getKey")
    );

    set_value(&browser, "try-client-id", &client_id).await?;
    set_value(&browser, "try-client-secret", &text("clientSecret")?).await?;
    set_value(&browser, "try-private-key", &text("rpPrivateKeyPem")?).await?;
    let code = send_and_wait(&browser, "no previous answer").await?;
    let status = text_of(&browser, "#try-status").await?;
    assert_eq!(
        code,
        "D00000",
        "status: {status}; note: {}",
        text_of(&browser, "#try-note").await?
    );

    // The wire request is what the sandbox checked: the five signed headers and the body that was signed.
    let wire = text_of(&browser, "#try-wire").await?;
    assert!(wire.starts_with("POST /api/v1/security/getKey"), "{wire}");
    for header in [
        "clientID: ",
        "signatureMethod: HmacSHA256",
        "timestamp: ",
        "nonce: ",
        "signature: ",
    ] {
        assert!(wire.contains(header), "{header} in {wire}");
    }
    assert!(wire.contains(&client_id));
    assert!(
        !wire.contains(&text("clientSecret")?),
        "the secret never goes on the wire"
    );
    let content: Value = serde_json::from_str(&text_of(&browser, "#try-decrypted").await?)?;
    assert!(
        content["secretKey"].is_string() && content["pubKey"].is_string(),
        "{content}"
    );
    assert_eq!(
        client
            .execute(
                "return document.getElementById('try-key-state').dataset.state;",
                vec![]
            )
            .await?,
        Value::from("held"),
        "the private key unwrapped the content key: {}",
        text_of(&browser, "#try-key-state").await?
    );

    let inspector = client
        .find(Locator::Css("#try-inspector"))
        .await?
        .attr("href")
        .await?
        .context("the answer names its inspector page")?;
    assert!(
        inspector.starts_with(&format!("/console/sandboxes/{sandbox_id}/requests/")),
        "{inspector}"
    );

    // An encrypted call, encrypted in the browser with the unwrapped key: the sandbox can only tell that the
    // code is unknown (D40004) after it has decrypted the content, so anything else (D30004) would mean the
    // page's encryption is wrong.
    let first_tx = status
        .split("txID ")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_owned();
    set_value(&browser, "try-operation", "/api/v1/auth/getToken").await?;
    let example = client
        .execute(
            "return document.getElementById('try-content').value;",
            vec![],
        )
        .await?;
    let example: Value = serde_json::from_str(example.as_str().unwrap_or_default())?;
    assert!(
        example.get("grantType").is_some(),
        "the example fills in: {example}"
    );
    set_value(
        &browser,
        "try-content",
        r#"{"code":"not-a-real-code","grantType":"authorization_code"}"#,
    )
    .await?;
    let code = send_and_wait(&browser, &first_tx).await?;
    assert_eq!(
        code,
        "D40004",
        "{}",
        text_of(&browser, "#try-status").await?
    );
    let wire = text_of(&browser, "#try-wire").await?;
    assert!(
        wire.contains(r#"{"content":""#),
        "the body is encrypted: {wire}"
    );
    assert!(
        !wire.contains("not-a-real-code"),
        "the code is not sent in the clear"
    );

    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // The sandbox's owner follows the link to the inspector's view of the getKey call.
    client.goto(&portal.url("/sign-in")).await?;
    browser.wait_for_hydration().await?;
    client
        .find(Locator::Css("#sign-in-form input[name='email']"))
        .await?
        .send_keys(&text("consoleEmail")?)
        .await?;
    client
        .find(Locator::Css("#sign-in-form input[name='password']"))
        .await?
        .send_keys(&text("consolePassword")?)
        .await?;
    client
        .find(Locator::Css("#sign-in-form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the console after sign-in",
            "return !!document.querySelector('#signed-in-as');",
        )
        .await?;
    client.goto(&portal.url(&inspector)).await?;
    let detail = text_of(&browser, "main").await?;
    assert!(detail.contains("/api/v1/security/getKey"), "{detail}");
    assert!(detail.contains("D00000"), "{detail}");
    browser.close().await
}
