//! "Open an account" end to end without a browser: a signed-in customer's e-ME request answered on the
//! (simulated) phone with some optional fields unticked, the encrypted callback POSTed to the bank and
//! collected by the waiting page; the anonymous onboarding path through getQR, getToken and getResult;
//! a declined request; the callback endpoint refusing what it cannot open; and the form's own checks.

use axum::http::StatusCode;
use iamsmart_client::CallbackParams;
use iamsmart_client::testing::{IAMSMART_USER, TestSandbox};
use mock_iamsmart::{Call, Outcome, TicketKind};

use crate::{Browser, bank_asking_for};

const FORM_SCOPES: [&str; 3] = ["eidapi_auth", "eidapi_profiles", "eidapi_formFilling"];

/// A bank whose customer is signed in as `persona` with the form-filling scopes.
async fn signed_in_bank(persona: &str) -> anyhow::Result<(TestSandbox, Browser)> {
    let (sandbox, mut browser) = bank_asking_for(&FORM_SCOPES, |_| {}).await?;
    let get_qr = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&get_qr, persona);
    let signed_in = browser.follow(&redirect).await?;
    anyhow::ensure!(
        signed_in.status == StatusCode::SEE_OTHER,
        "callback: {}",
        signed_in.status
    );
    Ok((sandbox, browser))
}

/// The one pending ticket of `kind`.
fn pending_ticket(sandbox: &TestSandbox, kind: TicketKind) -> anyhow::Result<String> {
    let Outcome::Tickets(tickets) = sandbox.call(Call::PendingTickets) else {
        anyhow::bail!("no ticket list");
    };
    let ticket = tickets
        .into_iter()
        .find(|ticket| ticket.kind == kind)
        .ok_or_else(|| anyhow::anyhow!("no pending {kind:?} ticket"))?;
    Ok(ticket.ticket_id)
}

/// POSTs every callback the sandbox produced to the bank, as the portal does; returns the statuses.
async fn deliver_callbacks(
    sandbox: &TestSandbox,
    browser: &mut Browser,
) -> anyhow::Result<Vec<StatusCode>> {
    let mut statuses = Vec::new();
    for callback in sandbox.take_callbacks() {
        let content_type = callback
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map_or("application/json".to_owned(), |(_, value)| value.clone());
        let page = browser
            .post_bytes("/demo-bank/iamsmart/callback", &content_type, callback.body)
            .await?;
        statuses.push(page.status);
    }
    Ok(statuses)
}

fn input_value<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let start = page.find(&format!(r#"name="{name}""#))?;
    let tag_end = start + page[start..].find('>')?;
    let tag = &page[start..tag_end];
    if let Some(value_at) = tag.find(r#"value=""#) {
        let rest = &tag[value_at + 7..];
        return rest.find('"').map(|end| &rest[..end]);
    }
    // A textarea: the value is its text.
    let rest = &page[tag_end + 1..];
    rest.find("</textarea>").map(|end| &rest[..end])
}

#[tokio::test]
async fn a_signed_in_customer_gets_the_form_filled_with_the_fields_they_ticked()
-> anyhow::Result<()> {
    let (sandbox, mut browser) = signed_in_bank(IAMSMART_USER).await?;
    let form = browser.get("/demo-bank/open-account").await?;
    assert!(
        form.body.contains(r#"id="fill-with-iamsmart""#),
        "{}",
        form.body
    );

    let started = browser.post_form("/demo-bank/open-account/eme", "").await?;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    assert_eq!(started.location(), "/demo-bank/open-account");
    let waiting = browser.get("/demo-bank/open-account").await?;
    assert!(waiting.body.contains(r#"id="waiting-for-phone""#));
    assert!(waiting.body.contains(r#"http-equiv="refresh""#));

    // The request the phone shows names the bank's form in the customer's language.
    let ticket_id = pending_ticket(&sandbox, TicketKind::FormFilling)?;
    let Outcome::TicketDetails(details) = sandbox.call(Call::TicketDetails {
        ticket_id: ticket_id.clone(),
        persona_id: Some(IAMSMART_USER.to_owned()),
    }) else {
        anyhow::bail!("no ticket details");
    };
    let form_info = details.form.expect("the form's name");
    assert_eq!(form_info.form_name, "Demo Bank account application");
    assert_eq!(form_info.form_num.as_deref(), Some("DB-AO-01"));
    assert!(waiting.body.contains(&format!("/tickets/{ticket_id}")));

    // The user unticks the optional marital status, education level and postal address.
    let ticked: Vec<String> = details
        .fields
        .iter()
        .filter(|field| !field.optional || field.name == "prefix")
        .map(|field| field.name.clone())
        .collect();
    let outcome = sandbox.call(Call::ApproveTicketWithFields {
        ticket_id,
        persona_id: IAMSMART_USER.to_owned(),
        fields: ticked,
    });
    assert!(matches!(outcome, Outcome::Ticket(_)), "{outcome:?}");
    assert_eq!(
        deliver_callbacks(&sandbox, &mut browser).await?,
        [StatusCode::OK]
    );

    let filled = browser.get("/demo-bank/open-account").await?;
    assert!(
        filled.body.contains(r#"data-outcome="filled""#),
        "{}",
        filled.body
    );
    let id_no = input_value(&filled.body, "id_no").unwrap_or_default();
    assert!(
        id_no.len() >= 10 && id_no.ends_with(')'),
        "HKID as written: {id_no}"
    );
    assert!(input_value(&filled.body, "email").is_some_and(|email| email.contains('@')));
    assert!(input_value(&filled.body, "mobile").is_some_and(|mobile| mobile.starts_with('+')));
    assert!(input_value(&filled.body, "residential_address").is_some_and(|text| !text.is_empty()));
    assert_eq!(input_value(&filled.body, "marital_status"), Some(""));
    assert_eq!(input_value(&filled.body, "education_level"), Some(""));
    assert_eq!(input_value(&filled.body, "postal_address"), Some(""));

    // Submitting what was filled in is accepted.
    let form: Vec<(String, String)> = [
        "prefix",
        "en_name",
        "ch_name",
        "id_no",
        "birth_date",
        "gender",
        "email",
        "mobile",
        "residential_address",
    ]
    .iter()
    .map(|name| {
        (
            (*name).to_owned(),
            input_value(&filled.body, name)
                .unwrap_or_default()
                .to_owned(),
        )
    })
    .collect();
    let encoded = serde_urlencoded_pairs(&form);
    let received = browser
        .post_form("/demo-bank/open-account", &encoded)
        .await?;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert!(received.body.contains(r#"id="application-reference""#));
    assert!(received.body.contains(id_no));
    Ok(())
}

/// `application/x-www-form-urlencoded` for name–value pairs.
fn serde_urlencoded_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                iamsmart_client::url_encode(name),
                iamsmart_client::url_encode(value)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_visitor_onboards_anonymously_through_get_qr_and_get_result() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank_asking_for(&FORM_SCOPES, |_| {}).await?;
    let form = browser.get("/demo-bank/open-account").await?;
    assert!(form.body.contains(r#"id="onboard-with-iamsmart""#));

    let started = browser
        .post_form("/demo-bank/open-account/anonymous", "")
        .await?;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let get_qr = started.location().to_owned();
    assert!(get_qr.contains("ticketID="), "{get_qr}");
    assert!(sandbox.take_callbacks().is_empty());

    // The browser shows the ticket; the user approves on the phone and comes back with a code.
    let redirect = sandbox.approve_login(&get_qr, IAMSMART_USER);
    let params = CallbackParams::from_url(&redirect);
    assert!(
        params.code.is_some() && params.business_id.is_some(),
        "{redirect}"
    );
    let back = browser.follow(&redirect).await?;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(back.location(), "/demo-bank/open-account");
    let paths = sandbox.api_paths();
    assert!(
        paths
            .iter()
            .any(|path| path.ends_with("/anonymous/eme/getResult")),
        "{paths:?}"
    );

    let filled = browser.get("/demo-bank/open-account").await?;
    assert!(filled.body.contains(r#"data-outcome="filled""#));
    assert!(input_value(&filled.body, "en_name").is_some_and(|name| name.contains(',')));
    assert!(input_value(&filled.body, "email").is_some_and(|email| email.contains('@')));
    // The anonymous visitor is not signed in to the bank by onboarding.
    let account = browser.get("/demo-bank/account").await?;
    assert_eq!(account.status, StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test]
async fn a_declined_request_leaves_the_form_empty_and_says_why() -> anyhow::Result<()> {
    let (sandbox, mut browser) = signed_in_bank(IAMSMART_USER).await?;
    browser.post_form("/demo-bank/open-account/eme", "").await?;
    let ticket_id = pending_ticket(&sandbox, TicketKind::FormFilling)?;
    sandbox.call(Call::RejectTicket { ticket_id });
    assert_eq!(
        deliver_callbacks(&sandbox, &mut browser).await?,
        [StatusCode::OK]
    );
    let page = browser.get("/demo-bank/open-account").await?;
    assert!(
        page.body.contains(r#"data-error-code="D60001""#),
        "{}",
        page.body
    );
    assert_eq!(input_value(&page.body, "email"), Some(""));
    // The customer may ask again.
    assert!(page.body.contains(r#"id="fill-with-iamsmart""#));
    Ok(())
}

#[tokio::test]
async fn the_callback_endpoint_refuses_what_it_cannot_open() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank_asking_for(&FORM_SCOPES, |_| {}).await?;
    let page = browser
        .post_bytes(
            "/demo-bank/iamsmart/callback",
            "application/json",
            br#"{"code":"D00000","content":"not encrypted"}"#.to_vec(),
        )
        .await?;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = browser
        .post_bytes(
            "/demo-bank/iamsmart/callback",
            "text/plain",
            b"\xff\xfe".to_vec(),
        )
        .await?;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn an_incomplete_application_comes_back_with_the_gaps_marked() -> anyhow::Result<()> {
    let (_sandbox, mut browser) = bank_asking_for(&FORM_SCOPES, |_| {}).await?;
    let page = browser
        .post_form("/demo-bank/open-account", "en_name=CHAN%2C+Tai+Man&email=")
        .await?;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(r#"id="application-problems""#));
    assert!(page.body.contains(r#"data-problem="true""#));
    assert_eq!(input_value(&page.body, "en_name"), Some("CHAN, Tai Man"));
    Ok(())
}

#[tokio::test]
async fn form_filling_needs_the_scopes_at_login() -> anyhow::Result<()> {
    let (sandbox, mut browser) = bank_asking_for(&["eidapi_auth"], |_| {}).await?;
    let get_qr = browser.click_login("en-US").await?;
    let redirect = sandbox.approve_login(&get_qr, IAMSMART_USER);
    browser.follow(&redirect).await?;
    let page = browser.post_form("/demo-bank/open-account/eme", "").await?;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("D20015"));
    Ok(())
}
