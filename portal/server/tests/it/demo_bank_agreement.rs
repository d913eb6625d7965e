//! Demo Bank's "Sign the account agreement" over real HTTP on a portal seeded like `cargo xtask run`: a customer
//! logs in to Demo Bank, starts signing, the virtual phone shows the same identification code, the persona
//! approves with a PIN (or rejects), the sandbox's encrypted callback reaches Demo Bank, and the signed PDF it
//! offers passes poppler's `pdfsig` with the persona as signer. A customer without iAM Smart+ is refused with an
//! explanation, and Demo Bank never asks the sandbox.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::{StatusCode, header, redirect::Policy};
use serde_json::Value;

use crate::support::{TempDir, TestPortal, spawn_portal_with_demo};

/// A browser without JavaScript: keeps cookies by name (the bank's and the phone's have different names) and
/// never follows redirects, so each hop can be checked.
struct Visitor {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: header::HeaderMap,
    body: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

impl Visitor {
    fn new() -> anyhow::Result<Visitor> {
        Ok(Visitor {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()?,
            cookies: BTreeMap::new(),
        })
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> anyhow::Result<Page> {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let request = if cookie.is_empty() {
            request
        } else {
            request.header(header::COOKIE, cookie.join("; "))
        };
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        for set_cookie in headers.get_all(header::SET_COOKIE) {
            let set_cookie = set_cookie.to_str()?;
            let Some((name, value)) = set_cookie.split(';').next().and_then(|p| p.split_once('='))
            else {
                continue;
            };
            if set_cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.bytes().await?.to_vec();
        Ok(Page {
            status,
            headers,
            body,
        })
    }

    async fn get(&mut self, url: &str) -> anyhow::Result<Page> {
        let request = self.http.get(url);
        self.send(request).await
    }

    async fn post_form(&mut self, url: &str, form: &str) -> anyhow::Result<Page> {
        let request = self
            .http
            .post(url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.to_owned());
        self.send(request).await
    }
}

/// The text between `marker` and the next `<`.
fn text_after<'a>(body: &'a str, marker: &str) -> Option<&'a str> {
    let start = body.find(marker)? + marker.len();
    body[start..].split('<').next()
}

/// The value of `attribute="…"` at its first appearance.
fn attribute<'a>(body: &'a str, attribute: &str) -> Option<&'a str> {
    let marker = format!("{attribute}=\"");
    let start = body.find(&marker)? + marker.len();
    body[start..].split('"').next()
}

fn client_id(portal: &TestPortal) -> anyhow::Result<String> {
    Ok(portal
        .demo
        .as_ref()
        .context("the portal seeded a demo sandbox")?
        .client_id
        .clone())
}

/// Logs `visitor` in to Demo Bank as `persona`: the button, getQR (in its JSON form), the phone's PIN approval and
/// the bank's callback.
async fn log_in(portal: &TestPortal, visitor: &mut Visitor, persona: &str) -> anyhow::Result<()> {
    let client_id = client_id(portal)?;
    let button = visitor
        .post_form(&portal.url("/demo-bank/login"), "lang=en-US")
        .await?;
    anyhow::ensure!(
        button.status == StatusCode::SEE_OTHER,
        "login: {}",
        button.status
    );
    let get_qr = button.location();
    // The demo sandbox grants every scope, so Demo Bank asks for signing (and form filling) at login.
    assert!(
        get_qr.contains("scope=eidapi_auth%20") && get_qr.contains("%20eidapi_sign"),
        "{get_qr}"
    );
    let started: Value = serde_json::from_slice(
        &visitor
            .send(
                visitor
                    .http
                    .get(&get_qr)
                    .header(header::ACCEPT, "application/json"),
            )
            .await?
            .body,
    )?;
    let ticket = started["ticketID"].as_str().context("a ticket")?.to_owned();
    let phone = portal.url(&format!("/phone/{client_id}"));
    visitor
        .post_form(
            &format!("{phone}/persona"),
            &format!("persona_id={persona}"),
        )
        .await?;
    let approved = visitor
        .post_form(&format!("{phone}/tickets/{ticket}/approve"), "pin=135790")
        .await?;
    assert!(approved.text().contains(r#"data-state="approved""#));
    let status: Value = serde_json::from_slice(
        &visitor
            .get(&portal.url(&format!("/broker/{client_id}/tickets/{ticket}")))
            .await?
            .body,
    )?;
    let redirect = status["redirectURL"]
        .as_str()
        .context("a redirect")?
        .to_owned();
    let landed = visitor.get(&redirect).await?;
    anyhow::ensure!(
        landed.location() == "/demo-bank/account",
        "the callback sent the browser to {:?}: {}",
        landed.location(),
        landed.text()
    );
    Ok(())
}

/// Clicks "Signing with iAM Smart" on the agreement page; returns the code the bank shows and the ticket the
/// phone lists.
async fn start_signing(
    portal: &TestPortal,
    visitor: &mut Visitor,
) -> anyhow::Result<(String, String)> {
    let ready = visitor.get(&portal.url("/demo-bank/agreement")).await?;
    assert!(
        ready.text().contains(r#"data-state="ready""#),
        "{}",
        ready.text()
    );
    let started = visitor
        .post_form(&portal.url("/demo-bank/agreement/sign"), "")
        .await?;
    anyhow::ensure!(
        started.status == StatusCode::SEE_OTHER,
        "sign: {} {}",
        started.status,
        started.text()
    );
    assert_eq!(started.location(), "/demo-bank/agreement");
    let pending = visitor.get(&portal.url("/demo-bank/agreement")).await?;
    let body = pending.text();
    assert!(body.contains(r#"data-state="pending""#), "{body}");
    assert_eq!(
        pending
            .headers
            .get(header::REFRESH)
            .and_then(|value| value.to_str().ok()),
        Some("2"),
        "the waiting page reloads itself"
    );
    let code = text_after(&body, r#"id="identification-code">"#)
        .context("the bank shows an identification code")?
        .to_owned();
    let home = visitor
        .get(&portal.url(&format!("/phone/{}", client_id(portal)?)))
        .await?
        .text();
    let ticket = attribute(&home, "data-ticket-id")
        .context("the phone lists the signing request")?
        .to_owned();
    Ok((code, ticket))
}

/// Reloads the agreement page until it leaves the waiting state.
async fn settled_agreement(portal: &TestPortal, visitor: &mut Visitor) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let body = visitor
            .get(&portal.url("/demo-bank/agreement"))
            .await?
            .text();
        if !body.contains(r#"data-state="pending""#) {
            return Ok(body);
        }
        if Instant::now() > deadline {
            bail!("the agreement is still waiting after ten seconds: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn pdfsig(path: &std::path::Path) -> anyhow::Result<String> {
    let output = Command::new("pdfsig")
        .arg(path)
        .output()
        .context("could not run pdfsig: install poppler-utils (cargo xtask test installs it)")?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iamsmart_plus_customer_signs_the_agreement_on_the_phone_and_downloads_a_valid_pdf()
-> anyhow::Result<()> {
    let files = TempDir::new("agreement")?;
    let (portal, _database) = spawn_portal_with_demo(None, &files.path().join("demo.json")).await?;
    let client_id = client_id(&portal)?;
    let mut visitor = Visitor::new()?;
    log_in(&portal, &mut visitor, "iamsmart-plus-user").await?;
    let account = visitor.get(&portal.url("/demo-bank/account")).await?.text();
    assert!(account.contains(r#"id="sign-agreement" href="/demo-bank/agreement""#));

    let (bank_code, ticket) = start_signing(&portal, &mut visitor).await?;
    assert_eq!(bank_code.len(), 4, "{bank_code}");
    assert!(bank_code.bytes().all(|b| b.is_ascii_digit()));

    let phone = portal.url(&format!("/phone/{client_id}/tickets/{ticket}"));
    let screen = visitor.get(&phone).await?.text();
    assert_eq!(
        text_after(&screen, r#"id="identification-code">"#),
        Some(bank_code.as_str()),
        "the phone shows the bank's code"
    );
    assert!(screen.contains("Demo Bank account agreement"), "{screen}");
    assert!(screen.contains("A PDF document"));
    let signer = text_after(&screen, "<strong>")
        .context("the phone names its persona")?
        .to_owned();
    let confirm = visitor.get(&format!("{phone}/confirm")).await?.text();
    assert!(confirm.contains(r#"id="confirm-identification-code""#));
    let refused = visitor
        .post_form(&format!("{phone}/approve"), "pin=12")
        .await?;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let approved = visitor
        .post_form(&format!("{phone}/approve"), "pin=135790")
        .await?
        .text();
    assert!(approved.contains(r#"data-state="approved""#), "{approved}");
    assert!(approved.contains("Signed. The online service has received your signature."));

    let signed = settled_agreement(&portal, &mut visitor).await?;
    assert!(signed.contains(r#"data-state="signed""#), "{signed}");
    let download = visitor
        .get(&portal.url("/demo-bank/agreement/signed.pdf"))
        .await?;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(download.body.starts_with(b"%PDF-"));
    let pdf_path = files.path().join("signed.pdf");
    std::fs::write(&pdf_path, &download.body)?;
    let report = pdfsig(&pdf_path)?;
    assert!(report.contains("Signature is Valid."), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    assert!(
        report.contains(&format!("Signer Certificate Common Name: {signer}")),
        "signed by {signer}: {report}"
    );

    // A visitor without the customer's session gets nothing.
    let stranger = Visitor::new()?
        .get(&portal.url("/demo-bank/agreement/signed.pdf"))
        .await?;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_on_the_phone_tells_demo_bank_d70001_and_a_plain_customer_cannot_start()
-> anyhow::Result<()> {
    let files = TempDir::new("agreement")?;
    let (portal, _database) = spawn_portal_with_demo(None, &files.path().join("demo.json")).await?;
    let client_id = client_id(&portal)?;

    let mut visitor = Visitor::new()?;
    log_in(&portal, &mut visitor, "iamsmart-plus-user").await?;
    let (_, ticket) = start_signing(&portal, &mut visitor).await?;
    let rejected = visitor
        .post_form(
            &portal.url(&format!("/phone/{client_id}/tickets/{ticket}/reject")),
            "",
        )
        .await?
        .text();
    assert!(rejected.contains(r#"data-state="rejected""#), "{rejected}");
    let failed = settled_agreement(&portal, &mut visitor).await?;
    assert!(failed.contains(r#"data-state="failed""#), "{failed}");
    assert!(failed.contains(r#"data-error-code="D70001""#), "{failed}");
    assert!(
        failed.contains("You rejected the signing request"),
        "{failed}"
    );
    assert!(failed.contains(r#"id="sign-agreement-again""#));
    let nothing = visitor
        .get(&portal.url("/demo-bank/agreement/signed.pdf"))
        .await?;
    assert_eq!(nothing.location(), "/demo-bank/agreement");

    let mut plain = Visitor::new()?;
    log_in(&portal, &mut plain, "iamsmart-user").await?;
    let explained = plain.get(&portal.url("/demo-bank/agreement")).await?.text();
    assert!(
        explained.contains(r#"data-state="not-plus""#),
        "{explained}"
    );
    assert!(explained.contains("Signing needs iAM Smart+"));
    let refused = plain
        .post_form(&portal.url("/demo-bank/agreement/sign"), "")
        .await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains(r#"id="not-plus-explanation""#));
    let phone = plain
        .get(&portal.url(&format!("/phone/{client_id}")))
        .await?
        .text();
    assert!(
        phone.contains(r#"id="no-pending""#),
        "no request reached the phone: {phone}"
    );

    // A callback Demo Bank cannot open is refused without a 500.
    let forged = reqwest::Client::new()
        .post(portal.url("/demo-bank/iamsmart/callback"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"code":"D00000","content":"AAAA","secretKey":"AAAA"}"#)
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    Ok(())
}
