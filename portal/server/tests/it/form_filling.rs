//! Profile requests and e-ME form filling over real HTTP, with `iamsmart-client` as the relying party:
//! an authenticated request whose encrypted callback reaches a tiny HTTP listener standing in for the
//! RP's callback endpoint, the synchronous `/profiles`, and the anonymous flow end to end with no
//! browser — on SQLite and PostgreSQL.

use std::time::Duration;

use anyhow::Context;
use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};
use iamsmart_client::{
    CallbackParams, Client, ClientConfig, FormFillingRequest, LoginRequest, ProfileRequest, Secret,
    Token,
};
use tokio::sync::mpsc;

use crate::{
    relying_party::{REDIRECT_URI, RelyingParty, rp_private_key_pem},
    support::{TestPortal, on_both_engines},
};

/// What the RP's callback endpoint received: the `Content-Type` and the body, as sent.
type Received = (String, Vec<u8>);

/// A callback endpoint on 127.0.0.1 that hands every POST it receives to the test.
struct CallbackListener {
    url: String,
    received: mpsc::UnboundedReceiver<Received>,
    server: tokio::task::JoinHandle<()>,
}

impl CallbackListener {
    async fn start() -> anyhow::Result<Self> {
        let (sender, received) = mpsc::unbounded_channel::<Received>();
        let app = Router::new()
            .route(
                "/iamsmart/callback",
                post(
                    |State(sender): State<mpsc::UnboundedSender<Received>>,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        let content_type = headers
                            .get("content-type")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        let _ = sender.send((content_type, body.to_vec()));
                        "received"
                    },
                ),
            )
            .with_state(sender);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url: format!("http://{address}/iamsmart/callback"),
            received,
            server,
        })
    }

    /// The next callback, waiting at most five seconds.
    async fn next(&mut self) -> anyhow::Result<Received> {
        tokio::time::timeout(Duration::from_secs(5), self.received.recv())
            .await
            .context("no callback arrived within five seconds")?
            .context("the listener stopped")
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A sandbox granting profile and form-filling scopes, POSTing callbacks to `callback_url`.
async fn register(
    portal: &TestPortal,
    callback_url: Option<String>,
) -> anyhow::Result<(RelyingParty, Client)> {
    let rp = RelyingParty::register_with(portal, |config| {
        config.granted_scopes = ["eidapi_auth", "eidapi_profiles", "eidapi_formFilling"]
            .map(String::from)
            .to_vec();
        config.callback_url = callback_url;
    })
    .await?;
    let client = client_for(portal, &rp)?;
    Ok((rp, client))
}

fn client_for(portal: &TestPortal, rp: &RelyingParty) -> anyhow::Result<Client> {
    Ok(Client::new(ClientConfig {
        api_base_url: portal.base_url.clone(),
        browser_base_url: portal.base_url.clone(),
        client_id: rp.client_id.clone(),
        client_secret: Secret::new(rp.client_secret.clone()),
        private_key_pem: Secret::new(rp_private_key_pem()?),
    })?)
}

/// A headless login with the data scopes, as an RP's CI does it.
async fn log_in(client: &Client, persona_id: &str) -> anyhow::Result<Token> {
    let mut login = LoginRequest::new(REDIRECT_URI, "login-1");
    login.scopes = ["eidapi_auth", "eidapi_profiles", "eidapi_formFilling"]
        .map(String::from)
        .to_vec();
    let started = client.start_login(&login).await?;
    let redirect = client
        .approve_ticket(&started.ticket_id, persona_id)
        .await?;
    let code = CallbackParams::from_url(&redirect)
        .code
        .context("an approved login redirects with a code")?;
    Ok(client.get_token(&code).await?)
}

fn account_form() -> FormFillingRequest {
    let mut request = FormFillingRequest::new(
        REDIRECT_URI,
        "Open an account",
        &[
            "emailAddress",
            "mobileNumber",
            "residentialAddress",
            "educationLevel",
        ],
    );
    request.profile_fields = vec!["enName".into(), "idNo".into()];
    request.form_num = Some("DB-001".into());
    request.state = Some("form-1".into());
    request
}

async fn form_filling_callback_reaches_the_rp_and_decrypts_from_secret_key_alone(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut listener = CallbackListener::start().await?;
    let (rp, client) = register(portal, Some(listener.url.clone())).await?;
    let token = log_in(&client, "iamsmart-user").await?;
    let request = account_form();
    let initiated = client.initiate_form_filling(&token, &request).await?;
    assert!(initiated.auth_by_qr);
    // The user unticks educationLevel (optional) on the phone; CI does it with a field subset.
    // ANCHOR: approve_subset
    let redirect = client
        .approve_ticket_with_fields(
            &initiated.ticket_id,
            "iamsmart-user",
            &[
                "enName",
                "idNo",
                "emailAddress",
                "mobileNumber",
                "residentialAddress",
            ],
        )
        .await?;
    // ANCHOR_END: approve_subset
    assert_eq!(
        CallbackParams::from_url(&redirect).business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    let (content_type, body) = listener.next().await?;
    assert_eq!(content_type, "application/json");
    let raw: serde_json::Value = serde_json::from_slice(&body)?;
    assert_eq!(raw["txID"], format!("<T={}>", initiated.ticket_id));
    assert!(raw["secretKey"].is_string() && raw["content"].is_string());
    // A client that never called getKey opens it: the CEK travels in secretKey.
    let fresh = client_for(portal, &rp)?;
    let opened = fresh.open_callback(&body, &content_type)?;
    assert!(opened.is_success(), "{}", opened.code);
    assert_eq!(opened.result.business_id, Some(request.business_id.clone()));
    assert_eq!(opened.result.state.as_deref(), Some("form-1"));
    assert!(
        opened
            .result
            .field("idNo")
            .is_some_and(|id| id["Identification"].is_string())
    );
    assert!(opened.result.field("enName").is_some());
    assert!(opened.result.field("educationLevel").is_none());
    // The delivery is in the inspector, without its body.
    let pool = sqlx::AnyPool::connect(&portal.database_url).await?;
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT path, http_status, code, message FROM request_log WHERE sandbox_id = $1 AND method = 'CALLBACK'",
    )
    .bind(rp.sandbox_id.as_str())
    .fetch_all(&pool)
    .await?;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, listener.url);
    assert_eq!((rows[0].1, rows[0].2.as_str()), (200, "D00000"));
    // The same businessID again is refused.
    let again = client.initiate_form_filling(&token, &request).await;
    assert!(again.is_err_and(|error| error.is_protocol_code("D20011")));
    Ok(())
}
on_both_engines!(
    form_filling_callback_reaches_the_rp_and_decrypts_from_secret_key_alone,
    form_filling_callback_reaches_the_rp_on_sqlite,
    form_filling_callback_reaches_the_rp_on_postgres
);

async fn a_rejection_on_the_phone_calls_back_multipart_with_d60001(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut listener = CallbackListener::start().await?;
    let (_rp, client) = register(portal, Some(listener.url.clone())).await?;
    let token = log_in(&client, "iamsmart-user").await?;
    let mut request = account_form();
    request.multipart_callback = true;
    let initiated = client.initiate_form_filling(&token, &request).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let reject = portal.url(&format!(
        "/phone/{}/tickets/{}/reject",
        client.config().client_id,
        initiated.ticket_id
    ));
    let answer = http
        .post(reject)
        .header("cookie", "iams_phone_persona=iamsmart-user")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await?;
    assert!(answer.status().is_success(), "{}", answer.status());
    let (content_type, body) = listener.next().await?;
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let opened = client.open_callback(&body, &content_type)?;
    assert_eq!(opened.code, "D60001");
    assert_eq!(opened.result.business_id, Some(request.business_id));
    assert!(opened.result.profile_fields.is_empty() && opened.result.eme_fields.is_empty());
    Ok(())
}
on_both_engines!(
    a_rejection_on_the_phone_calls_back_multipart_with_d60001,
    a_phone_rejection_calls_back_on_sqlite,
    a_phone_rejection_calls_back_on_postgres
);

async fn a_profile_request_calls_back_to_the_redirect_uri_when_no_callback_url_is_registered(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut listener = CallbackListener::start().await?;
    // With no registered callback URL the callback goes to the request's redirectURI, which must be on
    // the allow-list: here the listener itself.
    let rp = RelyingParty::register_with(portal, |config| {
        config.granted_scopes = ["eidapi_auth", "eidapi_profiles"]
            .map(String::from)
            .to_vec();
        config.redirect_uris.push(listener.url.clone());
    })
    .await?;
    let client = client_for(portal, &rp)?;
    let mut login = LoginRequest::new(REDIRECT_URI, "login-2");
    login.scopes = vec!["eidapi_auth".into(), "eidapi_profiles".into()];
    let started = client.start_login(&login).await?;
    let redirect = client
        .approve_ticket(&started.ticket_id, "iamsmart-plus-user")
        .await?;
    let token = client
        .get_token(&CallbackParams::from_url(&redirect).code.context("code")?)
        .await?;
    let request = ProfileRequest::new(listener.url.clone(), &["idNo", "birthDate"]);
    let initiated = client.initiate_profile_request(&token, &request).await?;
    client
        .approve_ticket(&initiated.ticket_id, "iamsmart-plus-user")
        .await?;
    let (content_type, body) = listener.next().await?;
    let opened = client.open_callback(&body, &content_type)?;
    assert!(opened.is_success());
    assert!(opened.result.profile_fields.contains_key("birthDate"));
    Ok(())
}
on_both_engines!(
    a_profile_request_calls_back_to_the_redirect_uri_when_no_callback_url_is_registered,
    a_profile_callback_defaults_to_the_redirect_uri_on_sqlite,
    a_profile_callback_defaults_to_the_redirect_uri_on_postgres
);

async fn profiles_answers_synchronously(portal: &TestPortal) -> anyhow::Result<()> {
    let (_rp, client) = register(portal, None).await?;
    let token = log_in(&client, "iamsmart-user").await?;
    let result = client
        .profiles(&token, &["enName", "birthDate"], &[])
        .await?;
    assert!(result.profile_fields.contains_key("enName"));
    assert!(result.eme_fields.is_empty());
    let result = client.profiles(&token, &[], &["emailAddress"]).await?;
    assert!(result.field("emailAddress").is_some());
    let refused = client.profiles(&token, &[], &[]).await;
    assert!(refused.is_err_and(|error| error.is_protocol_code("D20002")));
    Ok(())
}
on_both_engines!(
    profiles_answers_synchronously,
    profiles_answers_synchronously_on_sqlite,
    profiles_answers_synchronously_on_postgres
);

async fn anonymous_form_filling_runs_headlessly_end_to_end(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (_rp, client) = register(portal, None).await?;
    let mut request = FormFillingRequest::new(
        REDIRECT_URI,
        "Remote onboarding",
        &["emailAddress", "mobileNumber"],
    );
    request.profile_fields = vec!["enName".into(), "idNo".into()];
    let ticket_id = client.initiate_anonymous_form_filling(&request).await?;
    // The browser would open this URL; CI asks getQR for JSON instead.
    let mut login = LoginRequest::new(REDIRECT_URI, "onboard-1");
    login.scopes = vec!["eidapi_formFilling".into()];
    login.ticket_id = Some(ticket_id.clone());
    let started = client.start_login(&login).await?;
    assert_eq!(started.ticket_id, ticket_id);
    assert!(started.app_link.contains("://eme?ticketID="));
    let redirect = client
        .approve_ticket_with_fields(
            &ticket_id,
            "iamsmart-plus-user",
            &["enName", "idNo", "emailAddress", "mobileNumber"],
        )
        .await?;
    let back = CallbackParams::from_url(&redirect);
    assert_eq!(
        back.business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    assert_eq!(back.state.as_deref(), Some("onboard-1"));
    let token = client
        .get_token(back.code.as_deref().context("a code")?)
        .await?;
    let result = client
        .anonymous_form_filling_result(&request.business_id, &token)
        .await?;
    assert_eq!(result.business_id, Some(request.business_id.clone()));
    assert!(result.field("idNo").is_some());
    assert!(
        result
            .field("mobileNumber")
            .is_some_and(|phone| phone["CountryCode"].is_string())
    );
    // A second read works; another user's token does not.
    assert!(
        client
            .anonymous_form_filling_result(&request.business_id, &token)
            .await
            .is_ok()
    );
    let other = log_in(&client, "iamsmart-user").await?;
    let refused = client
        .anonymous_form_filling_result(&request.business_id, &other)
        .await;
    assert!(refused.is_err_and(|error| error.is_protocol_code("D20003")));
    Ok(())
}
on_both_engines!(
    anonymous_form_filling_runs_headlessly_end_to_end,
    anonymous_form_filling_runs_headlessly_on_sqlite,
    anonymous_form_filling_runs_headlessly_on_postgres
);

/// The consent screen over real HTTP, as a phone without JavaScript uses it: the ticket page lists the
/// form and every field with the persona's value (mandatory ones locked), the tick boxes travel through
/// the PIN page, and the approval releases exactly the ticked set to the RP.
async fn the_phone_consents_field_by_field_through_its_pages(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut listener = CallbackListener::start().await?;
    let (_rp, client) = register(portal, Some(listener.url.clone())).await?;
    let token = log_in(&client, "iamsmart-user").await?;
    let mut request = account_form();
    request.eme_fields.push("maritalStatus".into());
    request.form_desc = Some("Savings account".into());
    let initiated = client.initiate_form_filling(&token, &request).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let ticket_url = portal.url(&format!(
        "/phone/{}/tickets/{}",
        client.config().client_id,
        initiated.ticket_id
    ));
    let get = |url: String, persona: &'static str| {
        http.get(url)
            .header("cookie", format!("iams_phone_persona={persona}"))
            .send()
    };

    let screen = get(ticket_url.clone(), "iamsmart-user").await?;
    assert_eq!(screen.status(), 200);
    let screen = screen.text().await?;
    assert!(
        screen.contains(r#"id="form-name">Open an account<"#),
        "{screen}"
    );
    assert!(screen.contains(r#"id="form-num">Form number DB-001<"#));
    assert!(screen.contains("Savings account"));
    for field in [
        "enName",
        "idNo",
        "emailAddress",
        "mobileNumber",
        "residentialAddress",
    ] {
        assert!(
            screen.contains(&format!(r#"type="hidden" name="field" value="{field}""#)),
            "{field} is mandatory and travels as a hidden input"
        );
    }
    for field in ["educationLevel", "maritalStatus"] {
        assert!(screen.contains(&format!(
            r#"type="checkbox" id="consent-{field}" name="field" value="{field}" checked"#
        )));
    }
    // The persona's HKID as written, not its JSON.
    assert!(!screen.contains("Identification"));

    // Another persona is told the request is not theirs and gets no approve button.
    let other = get(ticket_url.clone(), "iamsmart-plus-user")
        .await?
        .text()
        .await?;
    assert!(other.contains(r#"id="other-user""#));
    assert!(!other.contains(r#"id="approve-request""#));

    // The tick boxes (all but maritalStatus) go to the PIN page, which carries them on.
    let ticked = "consent=1&field=enName&field=idNo&field=emailAddress&field=mobileNumber\
                  &field=residentialAddress&field=educationLevel";
    let confirm = get(format!("{ticket_url}/confirm?{ticked}"), "iamsmart-user")
        .await?
        .text()
        .await?;
    assert!(confirm.contains(r#"id="pin""#), "{confirm}");
    assert!(confirm.contains(r#"name="field" value="educationLevel""#));
    assert!(!confirm.contains(r#"value="maritalStatus""#));
    let approved = http
        .post(format!("{ticket_url}/approve"))
        .header("cookie", "iams_phone_persona=iamsmart-user")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{ticked}&pin=123456"))
        .send()
        .await?;
    assert_eq!(approved.status(), 200);
    let approved = approved.text().await?;
    assert!(approved.contains(r#"data-state="approved""#), "{approved}");

    let (content_type, body) = listener.next().await?;
    let opened = client.open_callback(&body, &content_type)?;
    assert!(opened.is_success(), "{}", opened.code);
    assert!(opened.result.field("educationLevel").is_some());
    assert!(opened.result.field("maritalStatus").is_none(), "unticked");
    assert!(opened.result.field("emailAddress").is_some());
    Ok(())
}
on_both_engines!(
    the_phone_consents_field_by_field_through_its_pages,
    the_phone_consents_field_by_field_on_sqlite,
    the_phone_consents_field_by_field_on_postgres
);

/// Unticking a mandatory field by hand-editing the form is refused on the phone with `D20003`, and the
/// request stays pending.
async fn the_phone_refuses_a_consent_without_a_mandatory_field(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (_rp, client) = register(portal, None).await?;
    let token = log_in(&client, "iamsmart-user").await?;
    let initiated = client
        .initiate_form_filling(&token, &account_form())
        .await?;
    let ticket_url = portal.url(&format!(
        "/phone/{}/tickets/{}",
        client.config().client_id,
        initiated.ticket_id
    ));
    let answer = reqwest::Client::new()
        .post(format!("{ticket_url}/approve"))
        .header("cookie", "iams_phone_persona=iamsmart-user")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("consent=1&field=enName&method=biometric")
        .send()
        .await?;
    assert_eq!(answer.status(), 409);
    let page = answer.text().await?;
    assert!(page.contains(r#"data-error-code="D20003""#), "{page}");
    assert!(page.contains(r#"id="consent""#), "the consent screen again");
    Ok(())
}
on_both_engines!(
    the_phone_refuses_a_consent_without_a_mandatory_field,
    the_phone_refuses_a_partial_mandatory_consent_on_sqlite,
    the_phone_refuses_a_partial_mandatory_consent_on_postgres
);
