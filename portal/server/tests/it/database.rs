//! The database layer on both engines: migrations apply from the same files, are idempotent, and the deployment
//! record is created exactly once even when several nodes start together.

use portal_server::Database;
use sqlx::Row;

use crate::support::{TestDatabase, TestEngine};

async fn migrations_apply_and_the_deployment_is_created_once(
    engine: TestEngine,
) -> anyhow::Result<()> {
    let Some(test_database) = TestDatabase::create(engine).await? else {
        return Ok(());
    };
    let database = Database::connect(&test_database.url).await?;
    database.migrate().await?;
    // A second run is a no-op, as on every restart.
    database.migrate().await?;

    let first = database
        .ensure_deployment("aaaaaaaaaaaaaaaa", 1_000)
        .await?;
    let second = database
        .ensure_deployment("bbbbbbbbbbbbbbbb", 2_000)
        .await?;
    assert_eq!(first.deployment_id, "aaaaaaaaaaaaaaaa");
    assert_eq!(first.created_at_ms, 1_000);
    assert_eq!(
        second, first,
        "a later start must read the existing deployment"
    );

    let rows = sqlx::query("SELECT COUNT(*) AS n FROM deployment")
        .fetch_one(database.pool())
        .await?;
    assert_eq!(rows.try_get::<i64, _>("n")?, 1);
    database.close().await;
    Ok(())
}

async fn nodes_starting_together_agree_on_one_deployment(engine: TestEngine) -> anyhow::Result<()> {
    let Some(test_database) = TestDatabase::create(engine).await? else {
        return Ok(());
    };
    let setup = Database::connect(&test_database.url).await?;
    setup.migrate().await?;
    let mut nodes = Vec::new();
    for index in 0..4 {
        let url = test_database.url.clone();
        nodes.push(tokio::spawn(async move {
            let database = Database::connect(&url).await?;
            let deployment = database
                .ensure_deployment(&format!("node{index:012}"), index)
                .await?;
            database.close().await;
            anyhow::Ok(deployment)
        }));
    }
    let mut seen = Vec::new();
    for node in nodes {
        seen.push(node.await??);
    }
    assert!(
        seen.windows(2).all(|pair| pair[0] == pair[1]),
        "nodes disagree: {seen:?}"
    );
    setup.close().await;
    Ok(())
}

#[tokio::test]
async fn sqlite_migrations_apply_and_the_deployment_is_created_once() -> anyhow::Result<()> {
    migrations_apply_and_the_deployment_is_created_once(TestEngine::Sqlite).await
}

#[tokio::test]
async fn postgres_migrations_apply_and_the_deployment_is_created_once() -> anyhow::Result<()> {
    migrations_apply_and_the_deployment_is_created_once(TestEngine::Postgres).await
}

#[tokio::test]
async fn sqlite_nodes_starting_together_agree_on_one_deployment() -> anyhow::Result<()> {
    nodes_starting_together_agree_on_one_deployment(TestEngine::Sqlite).await
}

#[tokio::test]
async fn postgres_nodes_starting_together_agree_on_one_deployment() -> anyhow::Result<()> {
    nodes_starting_together_agree_on_one_deployment(TestEngine::Postgres).await
}
