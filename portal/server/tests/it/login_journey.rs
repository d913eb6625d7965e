//! The login journey over real HTTP: the broker page (`GET /api/v1/auth/getQR`) and its status polling, the
//! virtual phone's screens and answers, the headless automation API, and auto-responders — on SQLite and
//! PostgreSQL where storage matters.

use anyhow::Context;
use mock_iamsmart::client;
use reqwest::{StatusCode, header, redirect::Policy};
use serde_json::{Value, json};

use crate::{
    relying_party::{REDIRECT_URI, RelyingParty},
    support::{TestEngine, TestPortal, on_both_engines, spawn_portal},
};

/// A browser-like client that does not follow redirects, so each hop can be checked.
fn browser() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(Policy::none())
        .build()?)
}

/// The getQR query for `rp` with a fixed state; `extra` is appended as sent.
fn get_qr_url(portal: &TestPortal, rp: &RelyingParty, extra: &str) -> String {
    let redirect = mock_iamsmart::crypto::url_encode(REDIRECT_URI);
    portal.url(&format!(
        "/api/v1/auth/getQR?clientID={}&responseType=code&source=PC_Browser&redirectURI={redirect}\
         &scope=eidapi_auth&state=journey-1{extra}",
        rp.client_id
    ))
}

/// Starts a login the way CI does: getQR asking for JSON.
async fn start_login_json(portal: &TestPortal, rp: &RelyingParty) -> anyhow::Result<Value> {
    let response = browser()?
        .get(get_qr_url(portal, rp, ""))
        .header(header::ACCEPT, "application/json")
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::OK,
        "getQR JSON: {}",
        response.status()
    );
    json_of(response).await
}

/// The body as JSON (reqwest's `json` feature is left off to keep the build small).
async fn json_of(response: reqwest::Response) -> anyhow::Result<Value> {
    Ok(serde_json::from_slice(&response.bytes().await?)?)
}

async fn get_text(
    http: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
) -> anyhow::Result<(StatusCode, String)> {
    let mut request = http.get(url);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = request.send().await?;
    Ok((response.status(), response.text().await?))
}

async fn post_form(
    http: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
    form: &str,
) -> anyhow::Result<reqwest::Response> {
    let mut request = http
        .post(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    Ok(request.send().await?)
}

async fn ticket_json(
    portal: &TestPortal,
    rp: &RelyingParty,
    ticket: &str,
) -> anyhow::Result<Value> {
    let url = portal.url(&format!("/broker/{}/tickets/{ticket}", rp.client_id));
    json_of(browser()?.get(url).send().await?).await
}

/// A signed automation call with a plain JSON body; returns the envelope as JSON.
async fn automation(rp: &RelyingParty, path: &str, body: Value) -> anyhow::Result<Value> {
    let body = body.to_string().into_bytes();
    let answer = rp.post(path, rp.sign(&body), body).await?;
    Ok(serde_json::from_slice(&answer.body)?)
}

fn code_from(redirect: &str) -> anyhow::Result<String> {
    let rest = redirect
        .strip_prefix(&format!("{REDIRECT_URI}?code="))
        .with_context(|| format!("no code in {redirect}"))?;
    let code = rest
        .strip_suffix("&state=journey-1")
        .with_context(|| format!("state not echoed in {redirect}"))?;
    Ok(code.to_owned())
}

async fn the_broker_page_shows_a_qr_code_that_opens_the_virtual_phone(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let response = browser()?
        .get(get_qr_url(portal, &rp, "&lang=en-US"))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = response.text().await?;
    let ticket = html
        .split("data-ticket-id=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the page names its ticket")?
        .to_owned();
    assert_eq!(ticket.len(), 36, "a UUID: {ticket}");
    let phone_url = portal.url(&format!("/phone/{}/tickets/{ticket}", rp.client_id));
    assert!(
        html.contains(&format!("data-payload=\"{phone_url}\"")),
        "QR payload"
    );
    assert!(
        html.contains("<svg") && html.contains("<path"),
        "an inline SVG QR code"
    );
    assert!(html.contains("Login with iAM Smart"));
    assert!(
        html.contains("https://www.iamsmart.gov.hk/en/"),
        "More info link"
    );
    assert!(html.contains("id=\"countdown\""));

    let status = ticket_json(portal, &rp, &ticket).await?;
    assert_eq!(status["state"], "pending");
    assert_eq!(status["redirectURL"], Value::Null);
    assert!(status["expiresInMs"].as_i64().unwrap_or_default() > 17 * 60_000);

    let script = browser()?
        .get(portal.url("/assets/broker.js"))
        .send()
        .await?;
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.text().await?.contains("redirectURL"));
    Ok(())
}
on_both_engines!(
    the_broker_page_shows_a_qr_code_that_opens_the_virtual_phone,
    sqlite_the_broker_page_shows_a_qr_code_that_opens_the_virtual_phone,
    postgres_the_broker_page_shows_a_qr_code_that_opens_the_virtual_phone
);

#[tokio::test]
async fn a_mobile_broker_page_offers_the_open_iamsmart_button() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let rp = RelyingParty::register(&portal).await?;
    let url =
        get_qr_url(&portal, &rp, "&brokerPage=True&lang=zh-HK").replace("PC_Browser", "iOS_Safari");
    let (status, html) = get_text(&browser()?, &url, None).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("開啟智方便"),
        "Open iAM Smart in Traditional Chinese"
    );
    assert!(html.contains("href=\"hk.gov.iamsmart.testapp://auth?ticketID="));
    assert!(!html.contains("<svg"), "no QR code on the phone itself");
    Ok(())
}

#[tokio::test]
async fn bad_get_qr_requests_get_a_clear_page_in_the_requested_language_and_no_redirect()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let rp = RelyingParty::register(&portal).await?;
    let http = browser()?;

    let unregistered =
        get_qr_url(&portal, &rp, "&lang=zh-CN").replace("rp.example", "evil.example");
    let response = http.get(&unregistered).send().await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(header::LOCATION).is_none());
    let html = response.text().await?;
    assert!(html.contains("登录请求无效"), "zh-CN title");
    assert!(html.contains("data-error-code=\"D20008\""));
    assert!(!html.contains("evil.example"), "the bad URI is not echoed");

    let missing = portal.url(&format!(
        "/api/v1/auth/getQR?clientID={}&responseType=code&source=PC_Browser&scope=eidapi_auth&lang=en-US",
        rp.client_id
    ));
    let (status, html) = get_text(&http, &missing, None).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("D20001") && html.contains("parameter redirectURI missing"));
    assert!(html.contains("A required parameter is missing"));

    let unknown =
        get_qr_url(&portal, &rp, "").replace(&rp.client_id, "ffffffffffffffffffffffffffffffff");
    let (status, html) = get_text(&http, &unknown, None).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("D99992") && html.contains("未知的網上服務"),
        "zh-HK by default"
    );

    let (status, html) = get_text(&http, &portal.url("/api/v1/auth/getQR"), None).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("parameter clientID missing"));

    let bad_source = get_qr_url(&portal, &rp, "").replace("PC_Browser", "Windows_Phone");
    let response = http
        .get(&bad_source)
        .header(header::ACCEPT, "application/json")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json_of(response).await?;
    assert_eq!(body["code"], "D20007");

    // getQR is a GET; any other method is answered like any unknown API.
    let answer = json_of(http.post(get_qr_url(&portal, &rp, "")).send().await?).await?;
    assert_eq!(answer["code"], "D99990");
    Ok(())
}

async fn a_headless_login_needs_only_the_api(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let started = start_login_json(portal, &rp).await?;
    let ticket = started["ticketID"].as_str().context("ticketID")?.to_owned();
    assert_eq!(started["redirectURL"], Value::Null);
    assert!(
        started["phoneURL"]
            .as_str()
            .is_some_and(|url| url.ends_with(&ticket))
    );
    assert!(
        started["appLink"]
            .as_str()
            .is_some_and(|link| link.starts_with("hk.gov.iamsmart.testapp://"))
    );

    let pending = automation(&rp, "/api/v1/sandbox/pendingTickets", json!({})).await?;
    assert_eq!(
        pending["content"]["tickets"][0]["ticketID"],
        ticket.as_str()
    );

    let approved = automation(
        &rp,
        "/api/v1/sandbox/approveTicket",
        json!({"ticketID": ticket, "personaID": "iamsmart-plus-user"}),
    )
    .await?;
    assert_eq!(approved["code"], "D00000", "{approved}");
    let redirect = approved["content"]["redirectURL"]
        .as_str()
        .context("redirectURL")?;
    let code = code_from(redirect)?;

    // The broker page, had a browser been watching, would now be sent to the same place.
    let status = ticket_json(portal, &rp, &ticket).await?;
    assert_eq!(status["state"], "approved");
    assert_eq!(status["redirectURL"], redirect);

    let cek = rp.get_key().await?;
    let body = rp.get_token_body(&cek, &code)?;
    let answer = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(answer.code, "D00000", "{}", answer.message);
    let token = client::read_get_token_response(&cek, &answer.body)?;
    assert_eq!(serde_json::to_value(token.user_type)?, "sign");

    let again = automation(
        &rp,
        "/api/v1/sandbox/rejectTicket",
        json!({"ticketID": ticket}),
    )
    .await?;
    assert_eq!(again["code"], "D20004", "an answered ticket stays answered");
    Ok(())
}
on_both_engines!(
    a_headless_login_needs_only_the_api,
    sqlite_a_headless_login_needs_only_the_api,
    postgres_a_headless_login_needs_only_the_api
);

#[tokio::test]
async fn auto_responders_answer_get_qr_at_once() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let http = browser()?;
    let approver = RelyingParty::register_with(&portal, |config| {
        config.auto_responder = Some("auto-approve".to_owned());
    })
    .await?;
    let response = http.get(get_qr_url(&portal, &approver, "")).send().await?;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .context("Location")?
        .to_owned();
    let code = code_from(&location)?;
    let cek = approver.get_key().await?;
    let body = approver.get_token_body(&cek, &code)?;
    let answer = approver
        .post("/api/v1/auth/getToken", approver.sign(&body), body)
        .await?;
    assert_eq!(answer.code, "D00000", "{}", answer.message);

    let rejecter = RelyingParty::register_with(&portal, |config| {
        config.auto_responder = Some("auto-reject".to_owned());
    })
    .await?;
    let response = http.get(get_qr_url(&portal, &rejecter, "")).send().await?;
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(format!("{REDIRECT_URI}?error_code=D40001&state=journey-1").as_str())
    );

    let silent = RelyingParty::register_with(&portal, |config| {
        config.auto_responder = Some("no-answer".to_owned());
    })
    .await?;
    let started = start_login_json(&portal, &silent).await?;
    assert_eq!(started["redirectURL"], Value::Null, "never answers");
    Ok(())
}

async fn the_virtual_phone_approves_after_a_pin_and_the_broker_learns_it(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let rp = RelyingParty::register_with(portal, |config| {
        config.service_name = "Demo Bank".to_owned();
    })
    .await?;
    let http = browser()?;
    let started = start_login_json(portal, &rp).await?;
    let ticket = started["ticketID"].as_str().context("ticketID")?.to_owned();
    let phone_url = started["phoneURL"].as_str().context("phoneURL")?.to_owned();

    // Not signed in yet: the phone asks who is using it, and keeps the ticket for afterwards.
    let (status, html) = get_text(&http, &phone_url, None).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Who is using this phone?"));
    for persona in [
        "iamsmart-user",
        "iamsmart-plus-user",
        "suspended-user",
        "auto-approve",
    ] {
        assert!(
            html.contains(&format!("data-persona-id=\"{persona}\"")),
            "{persona}"
        );
    }
    let home = portal.url(&format!("/phone/{}", rp.client_id));
    let chosen = post_form(
        &http,
        &format!("{home}/persona"),
        None,
        &format!("persona_id=iamsmart-plus-user&ticket_id={ticket}"),
    )
    .await?;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    let cookie = chosen
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .context("a persona cookie")?
        .to_owned();
    assert_eq!(cookie, "iams_phone_persona=iamsmart-plus-user");

    let (_, list) = get_text(&http, &home, Some(&cookie)).await?;
    assert!(
        list.contains(&format!("data-ticket-id=\"{ticket}\"")),
        "listed as pending"
    );

    let (status, html) = get_text(&http, &phone_url, Some(&cookie)).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Demo Bank") && html.contains("Log you in"),
        "who asks, for what"
    );
    assert!(
        html.contains("data-persona-id=\"iamsmart-plus-user\""),
        "signed in"
    );

    let approve = format!("{phone_url}/approve");
    let refused = post_form(&http, &approve, Some(&cookie), "pin=12a").await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await?.contains("id=\"pin-error\""));
    assert_eq!(ticket_json(portal, &rp, &ticket).await?["state"], "pending");

    let done = post_form(&http, &approve, Some(&cookie), "pin=246810").await?;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await?.contains("data-state=\"approved\""));
    let status = ticket_json(portal, &rp, &ticket).await?;
    let code = code_from(status["redirectURL"].as_str().context("redirectURL")?)?;
    assert_eq!(code.len(), 32);
    Ok(())
}
on_both_engines!(
    the_virtual_phone_approves_after_a_pin_and_the_broker_learns_it,
    sqlite_the_virtual_phone_approves_after_a_pin_and_the_broker_learns_it,
    postgres_the_virtual_phone_approves_after_a_pin_and_the_broker_learns_it
);

#[tokio::test]
async fn the_phone_rejects_skips_to_the_timeout_and_refuses_a_suspended_account()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let rp = RelyingParty::register(&portal).await?;
    let http = browser()?;
    let cookie = "iams_phone_persona=iamsmart-user";
    let cases = [
        ("reject", "error_code=D40001"),
        ("cancel", "error_code=D40000"),
        ("expire", "error_code=D40003"),
    ];
    for (action, expected) in cases {
        let started = start_login_json(&portal, &rp).await?;
        let ticket = started["ticketID"].as_str().context("ticketID")?.to_owned();
        let phone_url = started["phoneURL"].as_str().context("phoneURL")?;
        let answer = post_form(&http, &format!("{phone_url}/{action}"), Some(cookie), "").await?;
        assert_eq!(answer.status(), StatusCode::OK, "{action}");
        let status = ticket_json(&portal, &rp, &ticket).await?;
        let redirect = status["redirectURL"].as_str().unwrap_or_default();
        assert!(redirect.contains(expected), "{action}: {redirect}");
    }

    let started = start_login_json(&portal, &rp).await?;
    let ticket = started["ticketID"].as_str().context("ticketID")?.to_owned();
    let phone_url = started["phoneURL"].as_str().context("phoneURL")?;
    let refused = post_form(
        &http,
        &format!("{phone_url}/approve"),
        Some("iams_phone_persona=suspended-user"),
        "method=biometric",
    )
    .await?;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.text().await?.contains("data-error-code=\"D10001\""));
    assert_eq!(
        ticket_json(&portal, &rp, &ticket).await?["state"],
        "pending"
    );

    let (status, html) = get_text(
        &http,
        &portal.url("/phone/ffffffffffffffffffffffffffffffff?lang=en-US"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("There is no sandbox with this client ID."));
    Ok(())
}
