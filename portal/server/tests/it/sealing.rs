//! Sandbox configurations sealed at rest, on SQLite and PostgreSQL: the stored row never holds the client secret
//! or the pseudonym key, a sandbox still authenticates after a restart and after its secret is rotated, a start
//! with the wrong configuration key is refused with a clear message, and a row stored in clear before sealing
//! existed is sealed when the portal starts, once.

use std::str::FromStr;

use anyhow::Context;
use portal_server::StartError;
use reqwest::StatusCode;
use sandbox_runtime::{ConfigKey, SandboxId};
use sqlx::{AnyConnection, ConnectOptions, Row, any::AnyConnectOptions};

use crate::console::{get_key_code, owner_with_sandbox};
use crate::support::{TestEngine, TestPortal, spawn_portal, start_portal_on};

async fn raw_connection(portal: &TestPortal) -> anyhow::Result<AnyConnection> {
    sqlx::any::install_default_drivers();
    Ok(AnyConnectOptions::from_str(&portal.database_url)?
        .connect()
        .await?)
}

/// The sandbox's row as stored: `(config_json, config_key_id)`.
async fn stored_row(
    portal: &TestPortal,
    sandbox_id: &str,
) -> anyhow::Result<(String, Option<String>)> {
    let mut connection = raw_connection(portal).await?;
    let row = sqlx::query("SELECT config_json, config_key_id FROM sandboxes WHERE sandbox_id = $1")
        .bind(sandbox_id)
        .fetch_one(&mut connection)
        .await?;
    Ok((row.try_get("config_json")?, row.try_get("config_key_id")?))
}

/// Asserts that the stored row is sealed under `portal`'s key and holds none of `secrets`.
async fn assert_sealed(
    portal: &TestPortal,
    sandbox_id: &str,
    secrets: &[&str],
) -> anyhow::Result<()> {
    let (stored, key_id) = stored_row(portal, sandbox_id).await?;
    assert_eq!(key_id.as_deref(), Some(portal.config_key.id()));
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !stored.contains(secret),
            "the stored row holds a secret in clear"
        );
    }
    for field in ["client_secret", "pseudonym_key", "client_id"] {
        assert!(
            !stored.contains(field),
            "the stored row shows the field {field}"
        );
    }
    Ok(())
}

async fn pseudonym_key(portal: &TestPortal, sandbox_id: &str) -> anyhow::Result<String> {
    let config = portal
        .runtime
        .sandbox_config(&SandboxId::new(sandbox_id))
        .await?;
    Ok(config.pseudonym_key.expose().to_owned())
}

async fn a_sealed_sandbox_authenticates_after_a_rotation_and_a_restart(
    engine: TestEngine,
) -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(engine).await? else {
        return Ok(());
    };
    let (mut owner, sandbox) = owner_with_sandbox(&portal, "sealing@example.com").await?;
    let pseudonym = pseudonym_key(&portal, &sandbox.sandbox_id).await?;
    assert_sealed(
        &portal,
        &sandbox.sandbox_id,
        &[&sandbox.client_secret, &pseudonym],
    )
    .await?;
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );

    let csrf = owner.csrf.clone();
    let (status, body) = owner
        .call(
            "rotate_secret",
            &csrf,
            &[("sandbox_id", &sandbox.sandbox_id)],
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rotated: String = serde_json::from_str(&body)?;
    assert_sealed(&portal, &sandbox.sandbox_id, &[&rotated, &pseudonym]).await?;
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &rotated).await?,
        "D00000"
    );
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?,
        "D20006"
    );

    let portal = portal.restart().await?;
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &rotated).await?,
        "D00000",
        "the rotated secret still authenticates after a restart"
    );
    assert_eq!(
        pseudonym_key(&portal, &sandbox.sandbox_id).await?,
        pseudonym
    );
    Ok(())
}

#[tokio::test]
async fn sqlite_a_sealed_sandbox_authenticates_after_a_rotation_and_a_restart() -> anyhow::Result<()>
{
    a_sealed_sandbox_authenticates_after_a_rotation_and_a_restart(TestEngine::Sqlite).await
}

#[tokio::test]
async fn postgres_a_sealed_sandbox_authenticates_after_a_rotation_and_a_restart()
-> anyhow::Result<()> {
    a_sealed_sandbox_authenticates_after_a_rotation_and_a_restart(TestEngine::Postgres).await
}

async fn a_start_with_the_wrong_key_is_refused_with_a_clear_message(
    engine: TestEngine,
) -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(engine).await? else {
        return Ok(());
    };
    let (_, sandbox) = owner_with_sandbox(&portal, "wrong-key@example.com").await?;
    let before = stored_row(&portal, &sandbox.sandbox_id).await?;

    let error = match start_portal_on(&portal.database_url, ConfigKey::generate()).await {
        Ok(_) => anyhow::bail!("a portal started with a key that did not seal its sandboxes"),
        Err(error) => error,
    };
    assert!(
        matches!(
            error.downcast_ref::<StartError>(),
            Some(StartError::ConfigKeyMismatch)
        ),
        "{error:#}"
    );
    assert!(
        format!("{error:#}")
            .contains("the configuration key does not match the one that sealed these sandboxes"),
        "{error:#}"
    );
    assert_eq!(
        stored_row(&portal, &sandbox.sandbox_id).await?,
        before,
        "a refused start changes nothing"
    );

    // The right key still starts, and the first portal keeps serving.
    let again = start_portal_on(&portal.database_url, portal.config_key.clone()).await?;
    assert_eq!(
        get_key_code(&again, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );
    Ok(())
}

#[tokio::test]
async fn sqlite_a_start_with_the_wrong_key_is_refused_with_a_clear_message() -> anyhow::Result<()> {
    a_start_with_the_wrong_key_is_refused_with_a_clear_message(TestEngine::Sqlite).await
}

#[tokio::test]
async fn postgres_a_start_with_the_wrong_key_is_refused_with_a_clear_message() -> anyhow::Result<()>
{
    a_start_with_the_wrong_key_is_refused_with_a_clear_message(TestEngine::Postgres).await
}

async fn a_configuration_stored_in_clear_is_sealed_once_at_start(
    engine: TestEngine,
) -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(engine).await? else {
        return Ok(());
    };
    let (_, sandbox) = owner_with_sandbox(&portal, "legacy@example.com").await?;
    let plaintext = portal
        .runtime
        .sandbox_config(&SandboxId::new(&sandbox.sandbox_id))
        .await?
        .to_guest_json();
    assert!(plaintext.contains(&sandbox.client_secret));
    // Written the way rows were before sealing existed: plain JSON and no key ID.
    let mut connection = raw_connection(&portal).await?;
    sqlx::query(
        "UPDATE sandboxes SET config_json = $1, config_key_id = NULL WHERE sandbox_id = $2",
    )
    .bind(plaintext.as_str())
    .bind(sandbox.sandbox_id.as_str())
    .execute(&mut connection)
    .await?;
    drop(connection);

    let portal = portal.restart().await?;
    let pseudonym = pseudonym_key(&portal, &sandbox.sandbox_id).await?;
    assert_sealed(
        &portal,
        &sandbox.sandbox_id,
        &[&sandbox.client_secret, &pseudonym],
    )
    .await?;
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );

    // Sealing is idempotent: another start leaves the sealed row exactly as it was.
    let sealed = stored_row(&portal, &sandbox.sandbox_id).await?;
    let portal = portal.restart().await?;
    assert_eq!(stored_row(&portal, &sandbox.sandbox_id).await?, sealed);
    let opened = portal
        .runtime
        .sandbox_config(&SandboxId::new(&sandbox.sandbox_id))
        .await
        .context("the sealed row opens")?;
    assert_eq!(opened.to_guest_json(), plaintext);
    Ok(())
}

#[tokio::test]
async fn sqlite_a_configuration_stored_in_clear_is_sealed_once_at_start() -> anyhow::Result<()> {
    a_configuration_stored_in_clear_is_sealed_once_at_start(TestEngine::Sqlite).await
}

#[tokio::test]
async fn postgres_a_configuration_stored_in_clear_is_sealed_once_at_start() -> anyhow::Result<()> {
    a_configuration_stored_in_clear_is_sealed_once_at_start(TestEngine::Postgres).await
}
