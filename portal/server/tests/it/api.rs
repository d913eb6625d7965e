//! The mock API over real HTTP, exercised as a relying party would, on SQLite and PostgreSQL: getKey and CEK
//! unwrapping, getToken with bad and good codes, and every envelope failure a real integration meets.

use mock_iamsmart::{Call, GetQrParams, Outcome, client};

use crate::{
    relying_party::{REDIRECT_URI, RelyingParty, now_ms, random_hex},
    support::{TestEngine, TestPortal, on_both_engines, spawn_portal},
};

async fn portal(engine: TestEngine) -> anyhow::Result<Option<TestPortal>> {
    spawn_portal(engine).await
}

async fn get_token_with_a_bad_code_answers_d40004(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let cek = rp.get_key().await?;
    let body = rp.get_token_body(&cek, "no-such-code")?;
    let answer = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.code, "D40004", "{}", answer.message);
    Ok(())
}
on_both_engines!(
    get_token_with_a_bad_code_answers_d40004,
    sqlite_get_token_with_a_bad_code_answers_d40004,
    postgres_get_token_with_a_bad_code_answers_d40004
);

async fn a_tampered_signature_answers_d20006(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let body = b"{}".to_vec();
    let headers = rp.sign(&body);
    // Sign one body, send another: exactly what a proxy rewriting JSON does.
    let sent = b"{ }".to_vec();
    let answer = rp.post("/api/v1/security/getKey", headers, sent).await?;
    assert_eq!(answer.code, "D20006", "{}", answer.message);

    let mut forged = rp.sign(&body);
    forged.signature = client::signature(
        &rp.client_id,
        "wrong-secret",
        "HmacSHA256",
        &forged.timestamp,
        &forged.nonce,
        &body,
    );
    let answer = rp.post("/api/v1/security/getKey", forged, body).await?;
    assert_eq!(answer.code, "D20006", "{}", answer.message);
    Ok(())
}
on_both_engines!(
    a_tampered_signature_answers_d20006,
    sqlite_a_tampered_signature_answers_d20006,
    postgres_a_tampered_signature_answers_d20006
);

async fn a_replayed_nonce_answers_d20004(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let body = b"{}".to_vec();
    let headers = rp.sign(&body);
    let first = rp
        .post("/api/v1/security/getKey", headers.clone(), body.clone())
        .await?;
    assert_eq!(first.code, "D00000", "{}", first.message);
    // A government client retries with the same nonce and timestamp after a network error (PROTOCOL §11.3).
    let replay = rp.post("/api/v1/security/getKey", headers, body).await?;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.code, "D20004", "{}", replay.message);
    Ok(())
}
on_both_engines!(
    a_replayed_nonce_answers_d20004,
    sqlite_a_replayed_nonce_answers_d20004,
    postgres_a_replayed_nonce_answers_d20004
);

async fn a_stale_timestamp_is_rejected(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let body = b"{}".to_vec();
    let stale = (now_ms() - 60 * 60 * 1000).to_string();
    let headers = client::SignedHeaders::sign(
        &rp.client_id,
        &rp.client_secret,
        &stale,
        &random_hex(16),
        &body,
    );
    let answer = rp
        .post("/api/v1/security/getKey", headers, body.clone())
        .await?;
    assert_eq!(answer.code, "D20003", "{}", answer.message);
    assert!(answer.message.contains("timestamp"), "{}", answer.message);

    // A timestamp earlier than the previous accepted request's is a replay, even inside the window.
    let accepted = rp.sign(&body);
    let earlier = (accepted.timestamp.parse::<i64>()? - 1000).to_string();
    assert_eq!(
        rp.post("/api/v1/security/getKey", accepted, body.clone())
            .await?
            .code,
        "D00000"
    );
    let headers = client::SignedHeaders::sign(
        &rp.client_id,
        &rp.client_secret,
        &earlier,
        &random_hex(16),
        &body,
    );
    assert_eq!(
        rp.post("/api/v1/security/getKey", headers, body)
            .await?
            .code,
        "D20004"
    );
    Ok(())
}
on_both_engines!(
    a_stale_timestamp_is_rejected,
    sqlite_a_stale_timestamp_is_rejected,
    postgres_a_stale_timestamp_is_rejected
);

async fn an_expired_cek_answers_d30002(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let cek = rp.get_key().await?;
    // Travel two days ahead in the sandbox: the CEK (about a day) has expired; request timestamps still
    // follow real time, as real clients' clocks do.
    portal
        .runtime
        .set_time_offset(&rp.sandbox_id, 2 * 24 * 60 * 60 * 1000)
        .await?;
    let body = rp.get_token_body(&cek, "any-code")?;
    let answer = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(answer.code, "D30002", "{}", answer.message);
    // The RP's documented recovery works: getKey again, and the request is understood.
    let fresh = rp.get_key().await?;
    let body = rp.get_token_body(&fresh, "any-code")?;
    let answer = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(answer.code, "D40004", "{}", answer.message);
    Ok(())
}
on_both_engines!(
    an_expired_cek_answers_d30002,
    sqlite_an_expired_cek_answers_d30002,
    postgres_an_expired_cek_answers_d30002
);

async fn a_full_login_issues_a_token_once(portal: &TestPortal) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let params = GetQrParams {
        client_id: Some(rp.client_id.clone()),
        response_type: Some("code".to_owned()),
        source: Some("PC_Browser".to_owned()),
        redirect_uri: Some(REDIRECT_URI.to_owned()),
        scope: Some("eidapi_auth".to_owned()),
        state: Some("state-123".to_owned()),
        ..GetQrParams::default()
    };
    let Outcome::LoginStarted(started) = portal
        .runtime
        .call(&rp.sandbox_id, &Call::BeginLogin(params))
        .await?
    else {
        anyhow::bail!("getQR did not start a login");
    };
    let approval = Call::ApproveTicket {
        ticket_id: started.ticket_id.clone(),
        persona_id: "iamsmart-plus-user".to_owned(),
    };
    let Outcome::Ticket(ticket) = portal.runtime.call(&rp.sandbox_id, &approval).await? else {
        anyhow::bail!("approval did not answer with the ticket");
    };
    let redirect = ticket.redirect_url.unwrap_or_default();
    assert!(
        redirect.starts_with(&format!("{REDIRECT_URI}?code=")),
        "{redirect}"
    );
    assert!(redirect.ends_with("&state=state-123"), "{redirect}");
    let code = redirect
        .split("code=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .to_owned();

    let cek = rp.get_key().await?;
    let body = rp.get_token_body(&cek, &code)?;
    let answer = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(answer.code, "D00000", "{}", answer.message);
    assert_eq!(answer.message, "SUCCESS");
    let token = client::read_get_token_response(&cek, &answer.body)?;
    assert_eq!(token.access_token.len(), 32);
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(serde_json::to_value(token.user_type)?, "sign");
    assert!(token.last_modified_date > 0);
    assert!(!token.open_id.is_empty());

    // The code is single use.
    let body = rp.get_token_body(&cek, &code)?;
    let again = rp
        .post("/api/v1/auth/getToken", rp.sign(&body), body)
        .await?;
    assert_eq!(again.code, "D40004", "{}", again.message);
    Ok(())
}
on_both_engines!(
    a_full_login_issues_a_token_once,
    sqlite_a_full_login_issues_a_token_once,
    postgres_a_full_login_issues_a_token_once
);

#[tokio::test]
async fn an_unknown_client_gets_the_authorisation_error() -> anyhow::Result<()> {
    let Some(portal) = portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let stranger = RelyingParty::register(&portal).await?;
    let body = b"{}".to_vec();
    let headers = client::SignedHeaders::sign(
        &random_hex(16),
        "secret",
        &now_ms().to_string(),
        &random_hex(16),
        &body,
    );
    let answer = stranger
        .post("/api/v1/security/getKey", headers, body)
        .await?;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.code, "D99992", "{}", answer.message);
    let envelope: serde_json::Value = serde_json::from_slice(&answer.body)?;
    assert!(
        envelope.get("content").is_none(),
        "errors leave content out (PROTOCOL §11.6)"
    );
    assert!(envelope["txID"].as_str().is_some_and(|tx| !tx.is_empty()));
    Ok(())
}

#[tokio::test]
async fn one_tenants_credentials_never_reach_another_tenant() -> anyhow::Result<()> {
    let Some(portal) = portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let alice = RelyingParty::register(&portal).await?;
    let bob = RelyingParty::register(&portal).await?;
    // Bob signs with his own secret but names Alice's client: Alice's sandbox rejects the signature.
    let body = b"{}".to_vec();
    let headers = client::SignedHeaders::sign(
        &alice.client_id,
        &bob.client_secret,
        &now_ms().to_string(),
        &random_hex(16),
        &body,
    );
    let answer = bob.post("/api/v1/security/getKey", headers, body).await?;
    assert_eq!(answer.code, "D20006", "{}", answer.message);
    Ok(())
}

#[tokio::test]
async fn a_request_without_a_client_id_gets_a_clear_error() -> anyhow::Result<()> {
    let Some(portal) = portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/security/getKey", portal.base_url))
        .body("{}")
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let envelope: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
    assert_eq!(envelope["code"], "D20001");
    assert_eq!(envelope["message"], "parameter clientID missing");
    Ok(())
}
