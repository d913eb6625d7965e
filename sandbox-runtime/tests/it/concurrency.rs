//! Requests for one tenant that arrive at the same time, through two runtimes with their own pools
//! (two server processes sharing a database): the same nonce is accepted exactly once, and requests
//! with different nonces all commit. Runs on SQLite and PostgreSQL.

use mock_iamsmart::api::GET_KEY_PATH;
use sandbox_runtime::Runtime;
use tokio::task::JoinSet;

use crate::support::{Backend, Rp, TestDb, api_code, real_runtime};

const CONCURRENT_REQUESTS: usize = 8;

/// Sends `calls` concurrently, alternating between two runtimes; returns the D-codes.
async fn send_concurrently(
    runtimes: [&Runtime; 2],
    sandbox: &sandbox_runtime::SandboxId,
    calls: Vec<mock_iamsmart::Call>,
) -> Vec<String> {
    let mut tasks = JoinSet::new();
    for (n, call) in calls.into_iter().enumerate() {
        let runtime = runtimes[n % 2].clone();
        let sandbox = sandbox.clone();
        tasks.spawn(async move { api_code(runtime.call(&sandbox, &call).await) });
    }
    let mut codes = Vec::new();
    while let Some(code) = tasks.join_next().await {
        codes.push(code.expect("a request task finished"));
    }
    codes
}

async fn the_same_nonce_is_accepted_once(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let other_process_pool = db.another_pool().await;
    let first = real_runtime(&db.pool);
    let second = real_runtime(&other_process_pool);
    let rp = Rp::new();
    let sandbox = first.create_sandbox(&rp.config()).await.expect("created");

    let replayed = rp.signed_with(GET_KEY_PATH, Vec::new(), &Rp::fresh_nonce(), Rp::now_ms());
    let calls = vec![replayed; CONCURRENT_REQUESTS];
    let codes = send_concurrently([&first, &second], &sandbox, calls).await;
    let accepted = codes.iter().filter(|code| *code == "D00000").count();
    assert_eq!(accepted, 1, "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|code| code == "D00000" || code == "D20004"),
        "{codes:?}"
    );
}

async fn different_nonces_all_commit(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let other_process_pool = db.another_pool().await;
    let first = real_runtime(&db.pool);
    let second = real_runtime(&other_process_pool);
    let rp = Rp::new();
    let sandbox = first.create_sandbox(&rp.config()).await.expect("created");

    // One timestamp for all: the protocol refuses a timestamp older than the last accepted one, and
    // these requests may be accepted in any order.
    let now = Rp::now_ms();
    let calls = (0..CONCURRENT_REQUESTS)
        .map(|_| rp.signed_with(GET_KEY_PATH, Vec::new(), &Rp::fresh_nonce(), now))
        .collect();
    let codes = send_concurrently([&first, &second], &sandbox, calls).await;
    assert!(codes.iter().all(|code| code == "D00000"), "{codes:?}");
    let nonces = db
        .keys(&sandbox)
        .await
        .into_iter()
        .filter(|key| key.starts_with("envelope/nonce/"))
        .count();
    assert_eq!(nonces, CONCURRENT_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_nonce_sent_concurrently_is_accepted_once_on_sqlite() {
    the_same_nonce_is_accepted_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_nonce_sent_concurrently_is_accepted_once_on_postgres() {
    the_same_nonce_is_accepted_once(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_different_nonces_all_commit_on_sqlite() {
    different_nonces_all_commit(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_different_nonces_all_commit_on_postgres() {
    different_nonces_all_commit(Backend::Postgres).await;
}
