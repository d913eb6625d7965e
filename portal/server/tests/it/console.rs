//! The developer console over real HTTP, as a browser without JavaScript uses it: sign-up and sign-in forms posting
//! to server functions, CSRF tokens, session fixation, the sign-in rate limit, passwords at rest, organisations and
//! one-click sandboxes — and one organisation's member never reaching another's sandbox.

use anyhow::Context;
use reqwest::{StatusCode, header, redirect::Policy};
use serde_json::Value;
use sqlx::{ConnectOptions, Row, any::AnyConnectOptions};
use std::str::FromStr;

use crate::support::{
    TestEngine, TestPortal, spawn_portal, spawn_portal_with_demo, spawn_second_portal,
};

/// A browser without JavaScript: it keeps its own cookies and does not follow redirects.
pub(crate) struct Visitor {
    http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) csrf: String,
    pub(crate) session: Option<String>,
}

fn set_cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", mock_iamsmart::crypto::url_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Visitor {
    /// Opens the sign-up page, which hands out the CSRF cookie and puts the same token in its forms.
    pub(crate) async fn arrive(portal: &TestPortal) -> anyhow::Result<Visitor> {
        Visitor::arrive_at(&portal.base_url).await
    }

    /// Like [`Visitor::arrive`], at any server's base URL (a server process started by a test).
    pub(crate) async fn arrive_at(base_url: &str) -> anyhow::Result<Visitor> {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()?;
        let response = http.get(format!("{base_url}/sign-up")).send().await?;
        assert_eq!(response.status(), StatusCode::OK);
        let csrf = set_cookie_value(&response, "portal_csrf").context("a CSRF cookie")?;
        let html = response.text().await?;
        assert!(
            html.contains(&format!("name=\"csrf\" value=\"{csrf}\"")),
            "the form carries the cookie's token"
        );
        Ok(Visitor {
            http,
            base_url: base_url.to_owned(),
            csrf,
            session: None,
        })
    }

    pub(crate) fn cookies(&self) -> String {
        let mut cookie = format!("portal_csrf={}", self.csrf);
        if let Some(session) = &self.session {
            cookie.push_str(&format!("; portal_session={session}"));
        }
        cookie
    }

    /// Posts a form to a console server function with this visitor's cookies; `csrf` is sent as given.
    pub(crate) async fn call(
        &mut self,
        function: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let mut pairs = vec![("csrf", csrf)];
        pairs.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}/_console/{function}", self.base_url))
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&pairs))
            .send()
            .await?;
        if let Some(session) = set_cookie_value(&response, "portal_session") {
            self.session = Some(session).filter(|value| !value.is_empty());
        }
        let status = response.status();
        Ok((status, response.text().await?))
    }

    pub(crate) async fn sign_up(
        &mut self,
        email: &str,
        password: &str,
    ) -> anyhow::Result<(StatusCode, String)> {
        let csrf = self.csrf.clone();
        self.call(
            "sign_up",
            &csrf,
            &[
                ("email", email),
                ("display_name", "Chan Tai Man"),
                ("password", password),
            ],
        )
        .await
    }

    async fn sign_in(
        &mut self,
        email: &str,
        password: &str,
    ) -> anyhow::Result<(StatusCode, String)> {
        let csrf = self.csrf.clone();
        self.call(
            "sign_in",
            &csrf,
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub(crate) async fn overview(&mut self) -> anyhow::Result<Value> {
        let (status, body) = self.call("load_console", "", &[]).await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        Ok(serde_json::from_str(&body)?)
    }
}

pub(crate) const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn signing_up_needs_the_csrf_token_and_opens_a_session() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let mut visitor = Visitor::arrive(&portal).await?;

    let (status, _) = visitor
        .call(
            "sign_up",
            "forged-token",
            &[
                ("email", "dev@example.com"),
                ("display_name", "Dev"),
                ("password", PASSWORD),
            ],
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(visitor.session.is_none(), "no session without the token");

    let (status, body) = visitor.sign_up("Dev@Example.com", PASSWORD).await?;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    assert!(visitor.session.is_some(), "signed in after sign-up");
    let overview = visitor.overview().await?;
    assert_eq!(overview["display_name"], "Chan Tai Man");

    let mut other = Visitor::arrive(&portal).await?;
    let (status, body) = other.sign_up("dev@example.com", PASSWORD).await?;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = other.sign_up("new@example.com", "short").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    Ok(())
}

#[tokio::test]
async fn signing_in_replaces_any_earlier_session_and_signing_out_ends_it() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let mut visitor = Visitor::arrive(&portal).await?;
    visitor.sign_up("fixation@example.com", PASSWORD).await?;
    let first = visitor.session.clone().context("session")?;

    // A session ID planted before sign-in (here: a live one) is never kept.
    let (status, body) = visitor.sign_in("fixation@example.com", PASSWORD).await?;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    let second = visitor.session.clone().context("session")?;
    assert_ne!(first, second, "a new session ID on sign-in");
    let mut stale = Visitor::arrive(&portal).await?;
    stale.session = Some(first);
    assert_eq!(
        stale.overview().await?,
        Value::Null,
        "the old session is gone"
    );

    let csrf = visitor.csrf.clone();
    visitor.call("sign_out", &csrf, &[]).await?;
    assert!(visitor.session.is_none());
    let mut after = Visitor::arrive(&portal).await?;
    after.session = Some(second);
    assert_eq!(
        after.overview().await?,
        Value::Null,
        "signed out everywhere"
    );
    Ok(())
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_rate_limited_with_a_generic_message() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let mut visitor = Visitor::arrive(&portal).await?;
    visitor.sign_up("limited@example.com", PASSWORD).await?;
    visitor.session = None;

    let (status, unknown) = visitor.sign_in("nobody@example.com", PASSWORD).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for _ in 0..5 {
        let (status, wrong) = visitor
            .sign_in("limited@example.com", "wrong password!")
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            wrong, unknown,
            "the same answer for a wrong password and an unknown address"
        );
    }
    let (status, body) = visitor.sign_in("limited@example.com", PASSWORD).await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(visitor.session.is_none());
    Ok(())
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let mut visitor = Visitor::arrive(&portal).await?;
    visitor.sign_up("hash@example.com", PASSWORD).await?;
    sqlx::any::install_default_drivers();
    let mut connection = AnyConnectOptions::from_str(&portal.database_url)?
        .connect()
        .await?;
    let row = sqlx::query("SELECT password_hash FROM accounts WHERE email = 'hash@example.com'")
        .fetch_one(&mut connection)
        .await?;
    let hash: String = row.try_get("password_hash")?;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    let sessions = sqlx::query("SELECT token_sha256 FROM portal_sessions")
        .fetch_all(&mut connection)
        .await?;
    let stored: String = sessions[0].try_get("token_sha256")?;
    assert_ne!(
        Some(stored.as_str()),
        visitor.session.as_deref(),
        "only a hash of the token"
    );
    Ok(())
}

async fn a_member_of_one_organisation_cannot_reach_anothers_sandbox(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut owner = Visitor::arrive(portal).await?;
    owner.sign_up("owner@example.com", PASSWORD).await?;
    let csrf = owner.csrf.clone();
    let (status, body) = owner
        .call("create_org", &csrf, &[("name", "Harbour Fintech")])
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let overview = owner.overview().await?;
    let org_id = overview["orgs"][0]["org_id"]
        .as_str()
        .context("org")?
        .to_owned();
    assert_eq!(
        overview["orgs"][0]["roles"],
        serde_json::json!(["creator", "approver"])
    );
    let (status, body) = owner
        .call(
            "create_sandbox",
            &csrf,
            &[("org_id", &org_id), ("name", "Mobile app")],
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body)?;
    let sandbox_id = created["sandbox"]["sandbox_id"]
        .as_str()
        .context("id")?
        .to_owned();
    assert_eq!(
        created["sandbox"]["client_id"].as_str().map(str::len),
        Some(32)
    );
    assert_eq!(created["client_secret"].as_str().map(str::len), Some(64));
    assert!(
        created["rp_private_key_pem"]
            .as_str()
            .is_some_and(|pem| pem.contains("PRIVATE KEY"))
    );
    let listed = owner.overview().await?;
    assert_eq!(
        listed["orgs"][0]["sandboxes"][0]["sandbox_id"],
        sandbox_id.as_str()
    );
    assert!(
        listed.to_string().find("client_secret").is_none(),
        "the secret is shown once only"
    );

    let mut stranger = Visitor::arrive(portal).await?;
    stranger.sign_up("stranger@example.com", PASSWORD).await?;
    let stranger_csrf = stranger.csrf.clone();
    stranger
        .call("create_org", &stranger_csrf, &[("name", "Other Co")])
        .await?;
    assert!(!stranger.overview().await?.to_string().contains(&sandbox_id));
    for function in ["reset_sandbox", "delete_sandbox"] {
        let (status, _) = stranger
            .call(function, &stranger_csrf, &[("sandbox_id", &sandbox_id)])
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{function}");
    }
    let (status, _) = stranger
        .call(
            "create_sandbox",
            &stranger_csrf,
            &[("org_id", &org_id), ("name", "Sneaky")],
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a member");
    assert!(
        portal
            .runtime
            .sandbox_for_client(created["sandbox"]["client_id"].as_str().unwrap_or_default())
            .await?
            .is_some(),
        "the owner's sandbox is untouched"
    );

    let (status, _) = owner
        .call("delete_sandbox", &csrf, &[("sandbox_id", &sandbox_id)])
        .await?;
    assert!(status.is_success());
    let after = owner.overview().await?;
    assert_eq!(after["orgs"][0]["sandboxes"], serde_json::json!([]));
    Ok(())
}

#[tokio::test]
async fn sqlite_a_member_of_one_organisation_cannot_reach_anothers_sandbox() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    a_member_of_one_organisation_cannot_reach_anothers_sandbox(&portal).await
}

#[tokio::test]
async fn postgres_a_member_of_one_organisation_cannot_reach_anothers_sandbox() -> anyhow::Result<()>
{
    match spawn_portal(TestEngine::Postgres).await? {
        Some(portal) => a_member_of_one_organisation_cannot_reach_anothers_sandbox(&portal).await,
        None => Ok(()),
    }
}

/// A sandbox created through the console, with the credentials it showed once.
pub(crate) struct CreatedSandbox {
    pub(crate) sandbox_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
}

/// Signs a new owner up on `portal`, creates an organisation and a sandbox in it.
pub(crate) async fn owner_with_sandbox(
    portal: &TestPortal,
    email: &str,
) -> anyhow::Result<(Visitor, CreatedSandbox)> {
    owner_with_sandbox_at(&portal.base_url, email).await
}

/// [`owner_with_sandbox`] on the server at `base_url`.
pub(crate) async fn owner_with_sandbox_at(
    base_url: &str,
    email: &str,
) -> anyhow::Result<(Visitor, CreatedSandbox)> {
    let mut owner = Visitor::arrive_at(base_url).await?;
    owner.sign_up(email, PASSWORD).await?;
    let csrf = owner.csrf.clone();
    let (status, body) = owner
        .call("create_org", &csrf, &[("name", "Harbour Fintech")])
        .await?;
    anyhow::ensure!(status.is_success(), "create_org: {status} {body}");
    let org_id = owner.overview().await?["orgs"][0]["org_id"]
        .as_str()
        .context("org")?
        .to_owned();
    let (status, body) = owner
        .call(
            "create_sandbox",
            &csrf,
            &[("org_id", &org_id), ("name", "Checkout")],
        )
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "create_sandbox: {status} {body}");
    let created: Value = serde_json::from_str(&body)?;
    let text = |value: &Value| value.as_str().map(str::to_owned).context("a string");
    Ok((
        owner,
        CreatedSandbox {
            sandbox_id: text(&created["sandbox"]["sandbox_id"])?,
            client_id: text(&created["sandbox"]["client_id"])?,
            client_secret: text(&created["client_secret"])?,
        },
    ))
}

/// Signs a getKey with these credentials and returns the envelope's code.
pub(crate) async fn get_key_code(
    portal: &TestPortal,
    client_id: &str,
    secret: &str,
) -> anyhow::Result<String> {
    get_key_code_at(&portal.base_url, client_id, secret).await
}

/// [`get_key_code`] against the server at `base_url`.
pub(crate) async fn get_key_code_at(
    base_url: &str,
    client_id: &str,
    secret: &str,
) -> anyhow::Result<String> {
    let headers = mock_iamsmart::client::SignedHeaders::sign(
        client_id,
        secret,
        &crate::relying_party::now_ms().to_string(),
        &crate::relying_party::random_hex(16),
        b"{}",
    );
    let mut request = reqwest::Client::new()
        .post(format!("{base_url}/api/v1/security/getKey"))
        .body("{}");
    for (name, value) in headers.into_headers() {
        request = request.header(name, value);
    }
    let body = request.send().await?.bytes().await?;
    Ok(mock_iamsmart::client::parse_envelope(&body)?.code)
}

#[tokio::test]
async fn settings_changes_take_effect_and_only_creators_of_the_organisation_make_them()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let (mut owner, created) = owner_with_sandbox(&portal, "settings@example.com").await?;
    let csrf = owner.csrf.clone();
    let CreatedSandbox {
        sandbox_id,
        client_id,
        client_secret: first_secret,
    } = created;

    let (status, body) = owner
        .call(
            "update_sandbox",
            &csrf,
            &[
                ("sandbox_id", &sandbox_id),
                (
                    "redirect_uris",
                    "https://app.example/cb\nhttp://localhost:3000/callback",
                ),
                ("protocol_mode", "strict"),
                ("code_lifetime_s", "30"),
                ("auto_responder", "auto-approve"),
            ],
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let (_, body) = owner
        .call("load_sandbox", "", &[("sandbox_id", &sandbox_id)])
        .await?;
    let settings: Value = serde_json::from_str(&body)?;
    assert_eq!(settings["redirect_uris"][0], "https://app.example/cb");
    assert_eq!(settings["code_lifetime_s"], 30);
    assert_eq!(settings["auto_responder"], "auto-approve");
    assert_eq!(settings["can_edit"], true);

    // The new allow-list and auto-responder are live: getQR answers at once with a code.
    let get_qr = portal.url(&format!(
        "/api/v1/auth/getQR?clientID={client_id}&responseType=code&source=PC_Browser\
         &redirectURI=https%3A%2F%2Fapp.example%2Fcb&scope=eidapi_auth&state=s1"
    ));
    let answer = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()?
        .get(get_qr)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::FOUND);
    let location = answer
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        location.starts_with("https://app.example/cb?code="),
        "{location}"
    );

    let (status, _) = owner
        .call(
            "update_sandbox",
            &csrf,
            &[
                ("sandbox_id", &sandbox_id),
                ("redirect_uris", "javascript:alert(1)"),
                ("protocol_mode", "strict"),
                ("code_lifetime_s", "30"),
                ("auto_responder", ""),
            ],
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _) = owner
        .call(
            "travel_in_time",
            &csrf,
            &[("sandbox_id", &sandbox_id), ("minutes", "90")],
        )
        .await?;
    assert!(status.is_success());
    let (_, body) = owner
        .call("load_sandbox", "", &[("sandbox_id", &sandbox_id)])
        .await?;
    assert_eq!(
        serde_json::from_str::<Value>(&body)?["time_offset_minutes"],
        90
    );
    let (status, _) = owner
        .call(
            "travel_in_time",
            &csrf,
            &[("sandbox_id", &sandbox_id), ("minutes", "-5")],
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(
        get_key_code(&portal, &client_id, &first_secret).await?,
        "D00000"
    );
    let (status, body) = owner
        .call("rotate_secret", &csrf, &[("sandbox_id", &sandbox_id)])
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_secret: String = serde_json::from_str(&body)?;
    assert_ne!(new_secret, first_secret);
    assert_eq!(
        get_key_code(&portal, &client_id, &first_secret).await?,
        "D20006"
    );
    assert_eq!(
        get_key_code(&portal, &client_id, &new_secret).await?,
        "D00000"
    );

    // The inspector saw those getKey calls, explained the failure, and keeps no secrets.
    let mut logged = Value::Null;
    for _ in 0..50 {
        let (_, body) = owner
            .call("load_requests", "", &[("sandbox_id", &sandbox_id)])
            .await?;
        logged = serde_json::from_str(&body)?;
        if logged.as_array().is_some_and(|rows| rows.len() >= 3) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let rows = logged.as_array().context("request rows")?;
    let codes: Vec<&str> = rows.iter().filter_map(|row| row["code"].as_str()).collect();
    assert!(
        codes.contains(&"D20006") && codes.contains(&"D00000"),
        "{codes:?}"
    );
    let mismatch = rows
        .iter()
        .find(|row| row["code"] == "D20006")
        .context("D20006 row")?;
    assert!(
        mismatch["explanation"]
            .as_str()
            .is_some_and(|text| text.contains("URL-encode"))
    );
    assert_eq!(mismatch["path"], "/api/v1/security/getKey");
    assert!(
        !logged.to_string().contains(&new_secret),
        "no secrets in the inspector"
    );

    let mut stranger = Visitor::arrive(&portal).await?;
    stranger.sign_up("outsider@example.com", PASSWORD).await?;
    let stranger_csrf = stranger.csrf.clone();
    for (function, fields) in [
        ("rotate_secret", vec![("sandbox_id", sandbox_id.as_str())]),
        (
            "travel_in_time",
            vec![("sandbox_id", sandbox_id.as_str()), ("minutes", "1")],
        ),
        ("load_sandbox", vec![("sandbox_id", sandbox_id.as_str())]),
        ("load_requests", vec![("sandbox_id", sandbox_id.as_str())]),
    ] {
        let (status, _) = stranger.call(function, &stranger_csrf, &fields).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{function}");
    }
    Ok(())
}

/// Two server processes on one database: a request served by one shows up in the console of the other.
async fn a_request_served_by_one_node_shows_up_in_the_other_nodes_inspector(
    first: &TestPortal,
) -> anyhow::Result<()> {
    let second = spawn_second_portal(first).await?;
    let (mut owner, created) = owner_with_sandbox(&second, "nodes@example.com").await?;
    let sandbox_id = created.sandbox_id;
    let (client_id, secret) = (created.client_id.as_str(), created.client_secret.as_str());

    // Served by the first node...
    assert_eq!(get_key_code(first, client_id, secret).await?, "D00000");
    // ...seen by the console of the second.
    for _ in 0..50 {
        let (_, body) = owner
            .call("load_requests", "", &[("sandbox_id", &sandbox_id)])
            .await?;
        let rows: Value = serde_json::from_str(&body)?;
        if rows
            .as_array()
            .is_some_and(|rows| rows.iter().any(|row| row["code"] == "D00000"))
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the second node's inspector never saw the request")
}

#[tokio::test]
async fn postgres_a_request_served_by_one_node_shows_up_in_the_other_nodes_inspector()
-> anyhow::Result<()> {
    match spawn_portal(TestEngine::Postgres).await? {
        Some(portal) => {
            a_request_served_by_one_node_shows_up_in_the_other_nodes_inspector(&portal).await
        }
        None => Ok(()),
    }
}

#[tokio::test]
async fn sqlite_a_request_served_by_one_node_shows_up_in_the_other_nodes_inspector()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    a_request_served_by_one_node_shows_up_in_the_other_nodes_inspector(&portal).await
}

#[tokio::test]
async fn injected_faults_answer_the_next_requests_once_each_then_stop() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let (mut owner, sandbox) = owner_with_sandbox(&portal, "faults@example.com").await?;
    let csrf = owner.csrf.clone();
    let inject =
        |path: &'static str, code: &'static str, count: &'static str, delay: &'static str| {
            [
                ("path", path),
                ("code", code),
                ("count", count),
                ("delay_ms", delay),
            ]
        };
    let mut fields = vec![("sandbox_id", sandbox.sandbox_id.as_str())];
    fields.extend(inject("/api/v1/security/getKey", "D30002", "2", "0"));
    let (status, body) = owner.call("inject_fault", &csrf, &fields).await?;
    assert!(status.is_success(), "{status} {body}");
    let (_, body) = owner
        .call("load_sandbox", "", &[("sandbox_id", &sandbox.sandbox_id)])
        .await?;
    let settings: Value = serde_json::from_str(&body)?;
    assert_eq!(settings["faults"][0]["remaining"], 2);

    for expected in ["D30002", "D30002", "D00000"] {
        let code = get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?;
        assert_eq!(code, expected);
    }
    let (_, body) = owner
        .call("load_sandbox", "", &[("sandbox_id", &sandbox.sandbox_id)])
        .await?;
    assert_eq!(
        serde_json::from_str::<Value>(&body)?["faults"],
        serde_json::json!([])
    );

    // A delay alone lets the request through, late.
    let mut fields = vec![("sandbox_id", sandbox.sandbox_id.as_str())];
    fields.extend(inject("*", "", "1", "300"));
    owner.call("inject_fault", &csrf, &fields).await?;
    let started = std::time::Instant::now();
    let code = get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?;
    assert_eq!(code, "D00000");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "delayed"
    );

    let mut fields = vec![("sandbox_id", sandbox.sandbox_id.as_str())];
    fields.extend(inject("*", "D12345", "1", "0"));
    let (status, _) = owner.call("inject_fault", &csrf, &fields).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown code");

    let mut stranger = Visitor::arrive(&portal).await?;
    stranger
        .sign_up("fault-outsider@example.com", PASSWORD)
        .await?;
    let stranger_csrf = stranger.csrf.clone();
    let mut fields = vec![("sandbox_id", sandbox.sandbox_id.as_str())];
    fields.extend(inject("*", "D20000", "1", "0"));
    let (status, _) = stranger
        .call("inject_fault", &stranger_csrf, &fields)
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = stranger
        .call(
            "clear_faults",
            &stranger_csrf,
            &[("sandbox_id", &sandbox.sandbox_id)],
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn the_demo_seeds_a_developer_who_owns_the_demo_sandbox_and_a_reviewer_once()
-> anyhow::Result<()> {
    let dir =
        std::env::temp_dir().join(format!("demo-seed-{}", crate::relying_party::random_hex(6)));
    std::fs::create_dir_all(&dir)?;
    let demo_file = dir.join("demo-sandbox.json");
    let (portal, database) = spawn_portal_with_demo(None, &demo_file).await?;
    let demo = portal.demo.clone().context("a demo")?;
    assert_eq!(demo.console_email, "developer@demo.example");
    assert!(demo.console_password.len() >= 24 && demo.reviewer_password.len() >= 24);

    let mut developer = Visitor::arrive(&portal).await?;
    let (status, body) = developer
        .sign_in(&demo.console_email, &demo.console_password)
        .await?;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    let overview = developer.overview().await?;
    assert_eq!(overview["orgs"][0]["name"], "Demo Organisation");
    assert_eq!(
        overview["orgs"][0]["sandboxes"][0]["client_id"],
        demo.client_id.as_str()
    );

    let mut reviewer = Visitor::arrive(&portal).await?;
    let (status, _) = reviewer
        .sign_in(&demo.reviewer_email, &demo.reviewer_password)
        .await?;
    assert!(status.is_success() || status.is_redirection());

    // A restart on the same database and file seeds nothing twice and keeps the credentials.
    let database_url = portal.database_url.clone();
    let portal_base_url = portal.base_url.clone();
    drop(portal);
    let (again, _) = spawn_portal_with_demo(Some(database_url), &demo_file).await?;
    let seeded_again = again.demo.clone().context("a demo")?;
    assert_eq!(seeded_again.console_password, demo.console_password);
    // The restart listens on another (free) port: Demo Bank's redirect URI and the callback URL follow it.
    assert_eq!(seeded_again.base_url, again.base_url);
    let config = again
        .runtime
        .sandbox_config(&sandbox_runtime::SandboxId::new(
            seeded_again.sandbox_id.clone(),
        ))
        .await?;
    let bank_callback = format!("{}/demo-bank/callback", again.base_url);
    assert!(
        config.redirect_uris.contains(&bank_callback),
        "{:?}",
        config.redirect_uris
    );
    if again.base_url != portal_base_url {
        let old_callback = format!("{portal_base_url}/demo-bank/callback");
        assert!(!config.redirect_uris.contains(&old_callback));
    }
    assert_eq!(
        config.callback_url,
        Some(format!("{}/demo-bank/iamsmart/callback", again.base_url))
    );
    let mut developer = Visitor::arrive(&again).await?;
    developer
        .sign_in(&demo.console_email, &demo.console_password)
        .await?;
    let overview = developer.overview().await?;
    assert_eq!(overview["orgs"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        overview["orgs"][0]["sandboxes"].as_array().map(Vec::len),
        Some(1)
    );
    drop(database);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
