//! Maker/checker on pre-production sandboxes over real HTTP: a Creator's change waits as a proposal, the proposer
//! can never approve it (not even when they also hold the Approver role), a Creator-only member cannot decide,
//! outsiders get "not found", and another Approver's decision applies or drops it. Also: adding members, granted
//! scopes and RP key uploads, with their validation.

use anyhow::Context;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{CreatedSandbox, PASSWORD, Visitor, owner_with_sandbox};
use crate::support::{TestEngine, TestPortal, on_both_engines, spawn_portal};

const RSA_CERTIFICATE: &str = include_str!("../fixtures/rp-rsa2048-cert.pem");
const RSA_CERTIFICATE_KEY: &str = include_str!("../fixtures/rp-rsa2048-cert.pub.pem");
const EC_CERTIFICATE: &str = include_str!("../fixtures/rp-ec-p256-cert.pem");

async fn settings(visitor: &mut Visitor, sandbox_id: &str) -> anyhow::Result<Value> {
    let (status, body) = visitor
        .call("load_sandbox", "", &[("sandbox_id", sandbox_id)])
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "load_sandbox: {status} {body}");
    Ok(serde_json::from_str(&body)?)
}

/// Calls a state-changing server function with the visitor's own CSRF token.
async fn act(
    visitor: &mut Visitor,
    function: &str,
    fields: &[(&str, &str)],
) -> anyhow::Result<(StatusCode, String)> {
    let csrf = visitor.csrf.clone();
    visitor.call(function, &csrf, fields).await
}

async fn signed_up(portal: &TestPortal, email: &str) -> anyhow::Result<Visitor> {
    let mut visitor = Visitor::arrive(portal).await?;
    let (status, body) = visitor.sign_up(email, PASSWORD).await?;
    anyhow::ensure!(
        status.is_success() || status.is_redirection(),
        "sign_up: {status} {body}"
    );
    Ok(visitor)
}

fn settings_update<'a>(sandbox_id: &'a str, uris: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("sandbox_id", sandbox_id),
        ("redirect_uris", uris),
        ("protocol_mode", "strict"),
        ("code_lifetime_s", "60"),
        ("auto_responder", ""),
    ]
}

fn newest_proposal(settings: &Value) -> anyhow::Result<(String, Value)> {
    let proposal = settings["proposals"][0].clone();
    let id = proposal["proposal_id"]
        .as_str()
        .context("a proposal")?
        .to_owned();
    Ok((id, proposal))
}

async fn decide(
    visitor: &mut Visitor,
    sandbox_id: &str,
    proposal_id: &str,
    decision: &str,
) -> anyhow::Result<(StatusCode, String)> {
    act(
        visitor,
        "decide_proposal",
        &[
            ("sandbox_id", sandbox_id),
            ("proposal_id", proposal_id),
            ("decision", decision),
        ],
    )
    .await
}

async fn a_pre_production_change_waits_for_an_approver_who_did_not_propose_it(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (mut owner, CreatedSandbox { sandbox_id, .. }) =
        owner_with_sandbox(portal, "owner@maker.example").await?;
    let org_id = owner.overview().await?["orgs"][0]["org_id"]
        .as_str()
        .context("org")?
        .to_owned();
    let (status, body) = act(
        &mut owner,
        "set_pre_production",
        &[("sandbox_id", &sandbox_id), ("pre_production", "on")],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, "null", "marking pre-production applies at once");
    let before = settings(&mut owner, &sandbox_id).await?;
    assert_eq!(before["pre_production"], true);
    let old_uris = before["redirect_uris"].clone();

    // The owner (Creator and Approver) adds a redirect URI: it is proposed, not applied.
    let uris = format!(
        "{}\nhttps://new.maker.example/cb",
        old_uris
            .as_array()
            .context("uris")?
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let (status, body) = act(
        &mut owner,
        "update_sandbox",
        &settings_update(&sandbox_id, &uris),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        serde_json::from_str::<Option<String>>(&body)?.is_some(),
        "a proposal ID: {body}"
    );
    let after = settings(&mut owner, &sandbox_id).await?;
    assert_eq!(after["redirect_uris"], old_uris, "not applied yet");
    let (proposal_id, proposal) = newest_proposal(&after)?;
    assert_eq!(proposal["status"], "pending");
    assert_eq!(proposal["kind"], "redirect_uris");
    assert_eq!(proposal["proposed_by_you"], true);
    assert_eq!(proposal["proposed_by"], "Chan Tai Man");
    assert!(proposal["proposed_at_ms"].as_i64().is_some_and(|ms| ms > 0));
    assert_eq!(
        proposal["diff"],
        serde_json::json!(["+ https://new.maker.example/cb"])
    );

    // The proposer cannot approve their own proposal, even holding the Approver role.
    let (status, body) = decide(&mut owner, &sandbox_id, &proposal_id, "approve").await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("another Approver"), "{body}");
    let (status, _) = decide(&mut owner, &sandbox_id, &proposal_id, "reject").await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor reject it");

    // Members are added by e-mail address with a role; an address without an account is refused clearly.
    let mut maker = signed_up(portal, "maker@maker.example").await?;
    let mut checker = signed_up(portal, "checker@maker.example").await?;
    let mut outsider = signed_up(portal, "outsider@elsewhere.example").await?;
    let (status, body) = act(
        &mut owner,
        "add_member",
        &[
            ("org_id", &org_id),
            ("email", "nobody@maker.example"),
            ("role", "approver"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("sign up first"), "{body}");
    for (email, role) in [
        ("Maker@Maker.example ", "creator"),
        ("checker@maker.example", "approver"),
    ] {
        let (status, body) = act(
            &mut owner,
            "add_member",
            &[("org_id", &org_id), ("email", email), ("role", role)],
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let members = owner.overview().await?["orgs"][0]["members"].clone();
    assert_eq!(members.as_array().map(Vec::len), Some(3), "{members}");
    // A Creator cannot add members, and outsiders cannot even see the organisation.
    let (status, _) = act(
        &mut maker,
        "add_member",
        &[
            ("org_id", &org_id),
            ("email", "outsider@elsewhere.example"),
            ("role", "approver"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = act(
        &mut outsider,
        "add_member",
        &[
            ("org_id", &org_id),
            ("email", "outsider@elsewhere.example"),
            ("role", "approver"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A Creator-only member cannot decide; an outsider gets "not found" for every maker/checker function.
    let (status, _) = decide(&mut maker, &sandbox_id, &proposal_id, "approve").await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (function, fields) in [
        (
            "decide_proposal",
            vec![
                ("sandbox_id", sandbox_id.as_str()),
                ("proposal_id", proposal_id.as_str()),
                ("decision", "approve"),
            ],
        ),
        ("load_sandbox", vec![("sandbox_id", sandbox_id.as_str())]),
        (
            "set_pre_production",
            vec![
                ("sandbox_id", sandbox_id.as_str()),
                ("pre_production", "off"),
            ],
        ),
        (
            "update_scopes",
            vec![
                ("sandbox_id", sandbox_id.as_str()),
                ("scopes", "eidapi_auth"),
            ],
        ),
        (
            "upload_rp_key",
            vec![
                ("sandbox_id", sandbox_id.as_str()),
                ("public_key", RSA_CERTIFICATE),
            ],
        ),
    ] {
        let (status, _) = act(&mut outsider, function, &fields).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{function}");
    }

    // Another Approver approves: the URI is on the allow-list, and the record says who decided.
    let (status, body) = decide(&mut checker, &sandbox_id, &proposal_id, "approve").await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let approved = settings(&mut checker, &sandbox_id).await?;
    assert!(
        approved["redirect_uris"]
            .as_array()
            .context("uris")?
            .iter()
            .any(|uri| uri == "https://new.maker.example/cb"),
        "{approved}"
    );
    let (_, proposal) = newest_proposal(&approved)?;
    assert_eq!(proposal["status"], "approved");
    assert_eq!(proposal["decided_by"], "Chan Tai Man");
    assert_eq!(proposal["proposed_by_you"], false);
    let (status, _) = decide(&mut checker, &sandbox_id, &proposal_id, "reject").await?;
    assert_eq!(status, StatusCode::CONFLICT, "a decision is final");

    // A scope change by the Creator-only member, rejected by the checker: nothing changes.
    let (status, body) = act(
        &mut maker,
        "update_scopes",
        &[
            ("sandbox_id", &sandbox_id),
            ("scopes", "eidapi_auth eidapi_profiles"),
        ],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (scopes_id, proposal) = newest_proposal(&settings(&mut maker, &sandbox_id).await?)?;
    assert_eq!(proposal["kind"], "granted_scopes");
    assert!(
        proposal["diff"]
            .as_array()
            .is_some_and(|lines| lines.iter().any(|line| line == "- eidapi_sign"))
    );
    let (status, _) = decide(&mut checker, &sandbox_id, &scopes_id, "reject").await?;
    assert_eq!(status, StatusCode::OK);
    let after = settings(&mut checker, &sandbox_id).await?;
    assert_eq!(after["granted_scopes"].as_array().map(Vec::len), Some(6));
    assert_eq!(newest_proposal(&after)?.1["status"], "rejected");

    // Two proposals from the same starting point: once one is approved, the other is stale.
    let first = format!("{uris}\nhttps://first.maker.example/cb");
    let second = format!("{uris}\nhttps://second.maker.example/cb");
    act(
        &mut maker,
        "update_sandbox",
        &settings_update(&sandbox_id, &first),
    )
    .await?;
    let (first_id, _) = newest_proposal(&settings(&mut maker, &sandbox_id).await?)?;
    act(
        &mut maker,
        "update_sandbox",
        &settings_update(&sandbox_id, &second),
    )
    .await?;
    let (second_id, _) = newest_proposal(&settings(&mut maker, &sandbox_id).await?)?;
    assert_ne!(first_id, second_id);
    assert_eq!(
        decide(&mut checker, &sandbox_id, &first_id, "approve")
            .await?
            .0,
        StatusCode::OK
    );
    let (status, body) = decide(&mut checker, &sandbox_id, &second_id, "approve").await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("propose again"), "{body}");

    // An uploaded certificate's key waits for approval too, then is the sandbox's key.
    let (status, body) = act(
        &mut maker,
        "upload_rp_key",
        &[("sandbox_id", &sandbox_id), ("public_key", RSA_CERTIFICATE)],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let waiting = settings(&mut maker, &sandbox_id).await?;
    let (key_id, proposal) = newest_proposal(&waiting)?;
    assert_eq!(proposal["kind"], "rp_key");
    assert_ne!(waiting["rp_key_fingerprint"], "");
    assert_eq!(
        decide(&mut checker, &sandbox_id, &key_id, "approve")
            .await?
            .0,
        StatusCode::OK
    );
    let keyed = settings(&mut maker, &sandbox_id).await?;
    assert_ne!(keyed["rp_key_fingerprint"], waiting["rp_key_fingerprint"]);

    // Leaving pre-production is itself a proposal; once approved, changes apply at once again.
    let (status, body) = act(
        &mut maker,
        "set_pre_production",
        &[("sandbox_id", &sandbox_id), ("pre_production", "off")],
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        settings(&mut maker, &sandbox_id).await?["pre_production"],
        true
    );
    let (leave_id, _) = newest_proposal(&settings(&mut maker, &sandbox_id).await?)?;
    assert_eq!(
        decide(&mut checker, &sandbox_id, &leave_id, "approve")
            .await?
            .0,
        StatusCode::OK
    );
    assert_eq!(
        settings(&mut maker, &sandbox_id).await?["pre_production"],
        false
    );
    let later = format!("{first}\nhttps://later.maker.example/cb");
    let (status, body) = act(
        &mut maker,
        "update_sandbox",
        &settings_update(&sandbox_id, &later),
    )
    .await?;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "null"),
        "applied at once"
    );
    Ok(())
}

on_both_engines!(
    a_pre_production_change_waits_for_an_approver_who_did_not_propose_it,
    sqlite_a_pre_production_change_waits_for_an_approver_who_did_not_propose_it,
    postgres_a_pre_production_change_waits_for_an_approver_who_did_not_propose_it
);

#[tokio::test]
async fn scopes_and_rp_keys_are_checked_and_an_uploaded_key_wraps_the_next_cek()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite).await?.context("sqlite")?;
    let (mut owner, created) = owner_with_sandbox(&portal, "keys@maker.example").await?;
    let sandbox_id = created.sandbox_id.clone();

    for (scopes, expected) in [
        ("eidapi_auth eidapi_bogus", "not a scope"),
        ("  ", "at least one"),
    ] {
        let (status, body) = act(
            &mut owner,
            "update_scopes",
            &[("sandbox_id", &sandbox_id), ("scopes", scopes)],
        )
        .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{scopes}");
        assert!(body.contains(expected), "{body}");
    }
    let (status, body) = act(
        &mut owner,
        "update_scopes",
        &[
            ("sandbox_id", &sandbox_id),
            ("scopes", "eidapi_auth eidapi_sign eidapi_auth"),
        ],
    )
    .await?;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "null"),
        "applied at once outside pre-production"
    );
    assert_eq!(
        settings(&mut owner, &sandbox_id).await?["granted_scopes"],
        serde_json::json!(["eidapi_auth", "eidapi_sign"])
    );

    let small_key = {
        use rsa::pkcs8::{EncodePublicKey, LineEnding};
        rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024)?
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|error| anyhow::anyhow!("{error}"))?
    };
    let private_key = {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|error| anyhow::anyhow!("{error}"))?
            .to_string()
    };
    for (upload, expected) in [
        (small_key.as_str(), "RSA-1024"),
        (EC_CERTIFICATE, "not an RSA"),
        (private_key.as_str(), "private key"),
        ("ssh-rsa AAAA", "PEM"),
    ] {
        let (status, body) = act(
            &mut owner,
            "upload_rp_key",
            &[("sandbox_id", &sandbox_id), ("public_key", upload)],
        )
        .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{expected}");
        assert!(body.contains(expected), "{body}");
        assert!(!body.contains("PRIVATE"), "a private key is never echoed");
    }

    let (status, body) = act(
        &mut owner,
        "upload_rp_key",
        &[("sandbox_id", &sandbox_id), ("public_key", RSA_CERTIFICATE)],
    )
    .await?;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));
    // getKey now wraps the CEK for the certificate's key: `pubKey` is that key's DER.
    let headers = mock_iamsmart::client::SignedHeaders::sign(
        &created.client_id,
        &created.client_secret,
        &crate::relying_party::now_ms().to_string(),
        &crate::relying_party::random_hex(16),
        b"{}",
    );
    let mut request = reqwest::Client::new()
        .post(portal.url("/api/v1/security/getKey"))
        .body("{}");
    for (name, value) in headers.into_headers() {
        request = request.header(name, value);
    }
    let body = request.send().await?.bytes().await?;
    let content = mock_iamsmart::client::read_get_key_response(&body)?;
    let expected_der: String = RSA_CERTIFICATE_KEY
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    assert_eq!(content.pub_key, expected_der);
    Ok(())
}
