//! The request inspector's filters and detail view over real HTTP: requests filtered by path, D-code and HTTP
//! status, and one request shown with its decrypted content masked — never a secret the API handed out — to
//! members of the sandbox's organisation only.

use anyhow::Context;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{CreatedSandbox, PASSWORD, Visitor, get_key_code, owner_with_sandbox};
use crate::support::{TestPortal, on_both_engines};

/// A signed getKey; returns the wrapped CEK (`secretKey`) the sandbox answered with and the inspector page its
/// answer names (`x-sandbox-inspector`).
async fn get_key_secret(
    portal: &TestPortal,
    sandbox: &CreatedSandbox,
) -> anyhow::Result<(String, String)> {
    let headers = mock_iamsmart::client::SignedHeaders::sign(
        &sandbox.client_id,
        &sandbox.client_secret,
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
    let response = request.send().await?;
    let link = response
        .headers()
        .get("x-sandbox-inspector")
        .and_then(|value| value.to_str().ok())
        .context("the answer names its inspector page")?
        .to_owned();
    let body = response.bytes().await?;
    let secret = mock_iamsmart::client::read_get_key_response(&body)
        .with_context(|| format!("getKey answered {}", String::from_utf8_lossy(&body)))?
        .secret_key;
    Ok((secret, link))
}

async fn requests(owner: &mut Visitor, fields: &[(&str, &str)]) -> anyhow::Result<Vec<Value>> {
    let (status, body) = owner.call("load_requests", "", fields).await?;
    anyhow::ensure!(status == StatusCode::OK, "load_requests: {status} {body}");
    Ok(serde_json::from_str::<Value>(&body)
        .with_context(|| format!("load_requests {fields:?} answered {body:?}"))?
        .as_array()
        .cloned()
        .unwrap_or_default())
}

async fn the_inspector_filters_requests_and_shows_masked_decrypted_content(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (mut owner, sandbox) = owner_with_sandbox(portal, "inspect@example.com").await?;
    let id = sandbox.sandbox_id.clone();
    let (wrapped_cek, inspector_link) = get_key_secret(portal, &sandbox).await?;
    assert_eq!(
        get_key_code(portal, &sandbox.client_id, "a wrong secret").await?,
        "D20006"
    );

    // Recording happens off the response path: wait for both rows.
    let mut all = Vec::new();
    for _ in 0..50 {
        all = requests(&mut owner, &[("sandbox_id", &id)]).await?;
        if all.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(all.len(), 2, "{all:?}");
    let only_mismatches = requests(&mut owner, &[("sandbox_id", &id), ("code", "D20006")]).await?;
    assert_eq!(only_mismatches.len(), 1);
    assert_eq!(only_mismatches[0]["code"], "D20006");
    assert_eq!(
        requests(
            &mut owner,
            &[("sandbox_id", &id), ("path", "getKey"), ("status", "200")]
        )
        .await?
        .len(),
        2
    );
    assert!(
        requests(&mut owner, &[("sandbox_id", &id), ("path", "getToken")])
            .await?
            .is_empty()
    );
    assert!(
        requests(&mut owner, &[("sandbox_id", &id), ("status", "503")])
            .await?
            .is_empty()
    );

    let success = all
        .iter()
        .find(|row| row["code"] == "D00000")
        .context("the getKey row")?;
    let request_id = success["request_id"]
        .as_str()
        .context("a request ID")?
        .to_owned();
    assert!(!request_id.is_empty());
    assert_eq!(
        inspector_link,
        format!("/console/sandboxes/{id}/requests/{request_id}"),
        "the answer's header names this request's page"
    );
    let (status, body) = owner
        .call(
            "load_request",
            "",
            &[("sandbox_id", &id), ("request_id", &request_id)],
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail: Value =
        serde_json::from_str(&body).with_context(|| format!("load_request answered {body:?}"))?;
    assert_eq!(detail["request"]["path"], "/api/v1/security/getKey");
    assert_eq!(detail["request"]["explanation"], "Success.");
    let response = detail["response_json"].as_str().context("response JSON")?;
    let shown: Value = serde_json::from_str(response)
        .with_context(|| format!("the response JSON {response:?}"))?;
    assert!(
        shown["secretKey"]
            .as_str()
            .is_some_and(|text| text.starts_with("«masked")),
        "{response}"
    );
    assert!(shown["expiresIn"].is_number(), "{response}");
    assert!(
        !body.contains(&wrapped_cek),
        "the wrapped CEK never reaches the inspector"
    );
    assert!(!body.contains(&sandbox.client_secret));
    assert_eq!(detail["request_json"], "{}", "the getKey body as sent");

    // Someone else gets "not found" for the detail, and an unknown ID is "not found" too.
    let mut stranger = Visitor::arrive(portal).await?;
    stranger.sign_up("peek@example.com", PASSWORD).await?;
    let (status, _) = stranger
        .call(
            "load_request",
            "",
            &[("sandbox_id", &id), ("request_id", &request_id)],
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = owner
        .call(
            "load_request",
            "",
            &[("sandbox_id", &id), ("request_id", "no-such-request")],
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

on_both_engines!(
    the_inspector_filters_requests_and_shows_masked_decrypted_content,
    sqlite_the_inspector_filters_requests_and_shows_masked_decrypted_content,
    postgres_the_inspector_filters_requests_and_shows_masked_decrypted_content
);
