//! e-ME form filling in a real browser: a customer logs in to Demo Bank, asks for the account application to be
//! filled in with iAM Smart, consents on the virtual phone field by field (the form's name shown, mandatory
//! fields locked, two optional fields unticked), and Demo Bank's waiting page turns into the application filled
//! with exactly the ticked fields, delivered by the sandbox's encrypted callback.

use e2e::{Browser, Portal};
use fantoccini::Locator;

use crate::login_journey::{open_phone_from_qr, start_at_demo_bank};

/// The value of the application form's input (or textarea) `name`.
async fn input_value(browser: &Browser, name: &str) -> anyhow::Result<String> {
    let value = browser
        .client
        .execute(
            &format!("return document.querySelector('[name=\"{name}\"]')?.value ?? null;"),
            vec![],
        )
        .await?;
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no input named {name}"))
}

#[tokio::test]
async fn consenting_field_by_field_on_the_phone_fills_demo_banks_account_application()
-> anyhow::Result<()> {
    let portal = Portal::start()?;
    let browser = Browser::start().await?;
    let client = &browser.client;

    // Log in to Demo Bank on the phone.
    let bank_tab = start_at_demo_bank(&browser, &portal, "en-US").await?;
    let phone_tab = open_phone_from_qr(&browser, "iamsmart-plus-user").await?;
    client
        .find(Locator::Css("#approve-request"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Css("#use-biometrics"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the login's approval",
            "return document.querySelector('#outcome')?.dataset.state === 'approved';",
        )
        .await?;
    client.switch_to_window(bank_tab.clone()).await?;
    browser
        .wait_until(
            "Demo Bank's signed-in page",
            "return !!document.querySelector('#signed-in-openid');",
        )
        .await?;

    // Ask for the application to be filled in.
    client
        .find(Locator::Css("#open-account"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Css("#fill-with-iamsmart"))
        .await?
        .click()
        .await?;
    let phone_link = client
        .find(Locator::Css("#open-virtual-phone"))
        .await?
        .attr("href")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the waiting page links no phone"))?;

    // The phone shows the form and every field with the persona's value.
    client.switch_to_window(phone_tab).await?;
    client.goto(&phone_link).await?;
    let form_name = client
        .find(Locator::Css("#form-name"))
        .await?
        .text()
        .await?;
    assert_eq!(form_name, "Demo Bank account application");
    let email = client
        .find(Locator::Css("li[data-field='emailAddress'] .field-value"))
        .await?
        .text()
        .await?;
    assert!(email.contains('@'), "the persona's e-mail address: {email}");
    let mandatory = client.find(Locator::Css("#consent-emailAddress")).await?;
    assert_eq!(mandatory.attr("disabled").await?.as_deref(), Some("true"));
    assert!(
        mandatory.is_selected().await?,
        "a mandatory field stays ticked"
    );
    for optional in ["#consent-maritalStatus", "#consent-educationLevel"] {
        let tick = client.find(Locator::Css(optional)).await?;
        assert!(tick.is_selected().await?, "optional fields start ticked");
        tick.click().await?;
        assert!(!tick.is_selected().await?, "{optional} unticked");
    }
    client
        .find(Locator::Css("#approve-request"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .for_element(Locator::Css("#pin"))
        .await?
        .send_keys("246810")
        .await?;
    client
        .find(Locator::Css("#confirm-pin"))
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "the consent's approval",
            "return document.querySelector('#outcome')?.dataset.state === 'approved';",
        )
        .await?;
    let phone_errors = browser.console_errors().await?;
    assert!(phone_errors.is_empty(), "phone console: {phone_errors:?}");

    // Demo Bank's waiting page picks up the callback and shows the filled application.
    client.switch_to_window(bank_tab).await?;
    browser
        .wait_until(
            "the filled application",
            "return document.querySelector('#eme-outcome')?.dataset.outcome === 'filled';",
        )
        .await?;
    assert_eq!(input_value(&browser, "email").await?, email);
    let id_no = input_value(&browser, "id_no").await?;
    assert!(
        id_no.ends_with(')') && id_no.contains('('),
        "an HKID as written: {id_no}"
    );
    assert!(input_value(&browser, "mobile").await?.starts_with("+852 "));
    assert!(
        !input_value(&browser, "residential_address")
            .await?
            .is_empty()
    );
    assert_eq!(
        input_value(&browser, "marital_status").await?,
        "",
        "unticked"
    );
    assert_eq!(
        input_value(&browser, "education_level").await?,
        "",
        "unticked"
    );

    client
        .find(Locator::Css("#submit-application"))
        .await?
        .click()
        .await?;
    let reference = client
        .wait()
        .for_element(Locator::Css("#application-reference"))
        .await?
        .text()
        .await?;
    assert!(reference.starts_with("DB-"), "{reference}");
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "bank console: {errors:?}");
    browser.close().await
}
