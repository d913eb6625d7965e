//! A relying party logs a user in through the real wasm guest, end to end, with every step's state in
//! the database: getKey, getQR, the phone's approval, getToken, and the code refused a second time.
//! The same flow runs on SQLite and PostgreSQL, and through the native baseline. It must use only the
//! runtime's public API, as the portal does.

use mock_iamsmart::persona::IAMSMART_PLUS_USER;
use mock_iamsmart::{Call, Outcome, SandboxConfig, client};
use sandbox_runtime::{NativeRuntime, Runtime, SandboxError, SandboxId};

use crate::support::{
    Backend, Rp, TestDb, api_code, api_response, code_from_redirect, real_runtime, test_config_key,
    test_limits,
};

/// The two runtimes, seen the same way by the flow below.
pub(crate) trait Serves {
    async fn create(&self, config: &SandboxConfig) -> Result<SandboxId, SandboxError>;
    async fn serve(&self, sandbox_id: &SandboxId, call: &Call) -> Result<Outcome, SandboxError>;
}

impl Serves for Runtime {
    async fn create(&self, config: &SandboxConfig) -> Result<SandboxId, SandboxError> {
        self.create_sandbox(config).await
    }
    async fn serve(&self, sandbox_id: &SandboxId, call: &Call) -> Result<Outcome, SandboxError> {
        self.call(sandbox_id, call).await
    }
}

impl Serves for NativeRuntime {
    async fn create(&self, config: &SandboxConfig) -> Result<SandboxId, SandboxError> {
        self.create_sandbox(config).await
    }
    async fn serve(&self, sandbox_id: &SandboxId, call: &Call) -> Result<Outcome, SandboxError> {
        self.call(sandbox_id, call).await
    }
}

/// Starts a login and approves it as the iAM Smart+ persona; returns the authorisation code.
pub(crate) async fn approved_code(runtime: &impl Serves, sandbox: &SandboxId, rp: &Rp) -> String {
    let started = match runtime.serve(sandbox, &rp.begin_login_call()).await {
        Ok(Outcome::LoginStarted(started)) => started,
        other => panic!("getQR answered {other:?}"),
    };
    let approve = Call::ApproveTicket {
        ticket_id: started.ticket_id,
        persona_id: IAMSMART_PLUS_USER.into(),
    };
    let status = match runtime.serve(sandbox, &approve).await {
        Ok(Outcome::Ticket(status)) => status,
        other => panic!("the approval answered {other:?}"),
    };
    code_from_redirect(status.redirect_url.as_deref().expect("a redirect URL"))
}

/// getKey → getQR → approve → getToken → the same code again.
async fn a_full_login(runtime: &impl Serves, db: &TestDb) {
    let mut rp = Rp::new();
    let sandbox = runtime.create(&rp.config()).await.expect("sandbox created");

    let cek = rp.cek(&api_response(
        runtime.serve(&sandbox, &rp.get_key_call()).await,
    ));
    let code = approved_code(runtime, &sandbox, &rp).await;
    let response = api_response(
        runtime
            .serve(&sandbox, &rp.get_token_call(&cek, &code))
            .await,
    );
    let token = client::read_get_token_response(&cek, &response.body).expect("getToken succeeds");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.scope, "eidapi_auth");
    assert_eq!(token.access_token.len(), 32);

    // The code is single-use, across requests and instances: the state lives in the database.
    let again = runtime
        .serve(&sandbox, &rp.get_token_call(&cek, &code))
        .await;
    assert_eq!(api_code(again), "D40004");
    assert!(db.entry_count(&sandbox).await > 0);
}

#[tokio::test]
async fn a_login_runs_from_get_key_to_get_token_through_the_wasm_guest_on_sqlite() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    a_full_login(&real_runtime(&db.pool), &db).await;
}

#[tokio::test]
async fn a_login_runs_from_get_key_to_get_token_through_the_wasm_guest_on_postgres() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    a_full_login(&real_runtime(&db.pool), &db).await;
}

#[tokio::test]
async fn the_native_baseline_runs_the_same_login_against_the_same_storage() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    a_full_login(
        &NativeRuntime::new(db.pool.clone(), test_limits(), test_config_key()),
        &db,
    )
    .await;
}

#[tokio::test]
async fn time_travel_expires_an_unused_code_on_the_sandbox_clock() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let runtime = real_runtime(&db.pool);
    let mut rp = Rp::new();
    let sandbox = runtime.create_sandbox(&rp.config()).await.expect("created");
    let cek = rp.cek(&api_response(
        runtime.call(&sandbox, &rp.get_key_call()).await,
    ));
    let code = approved_code(&runtime, &sandbox, &rp).await;

    runtime
        .set_time_offset(&sandbox, 2 * 60_000)
        .await
        .expect("time travel");
    assert_eq!(
        runtime
            .sandbox_info(&sandbox)
            .await
            .expect("info")
            .time_offset_ms,
        120_000
    );
    let answer = runtime
        .call(&sandbox, &rp.get_token_call(&cek, &code))
        .await;
    assert_eq!(api_code(answer), "D40004");
}

#[tokio::test]
async fn expired_entries_are_purged_when_the_tenant_next_commits() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let runtime = real_runtime(&db.pool);
    let rp = Rp::new();
    let sandbox = runtime.create_sandbox(&rp.config()).await.expect("created");
    api_response(runtime.call(&sandbox, &rp.get_key_call()).await);
    let before = db.keys(&sandbox).await;
    assert!(
        before.iter().any(|key| key.starts_with("envelope/nonce/")),
        "{before:?}"
    );

    // Two days later on the sandbox clock every nonce and the old CEK have expired; the next
    // committing request removes them.
    runtime
        .set_time_offset(&sandbox, 2 * 86_400_000)
        .await
        .expect("time travel");
    api_response(runtime.call(&sandbox, &rp.get_key_call()).await);
    let after = db.keys(&sandbox).await;
    let nonces = after
        .iter()
        .filter(|key| key.starts_with("envelope/nonce/"))
        .count();
    assert_eq!(nonces, 1, "only the new request's nonce is left: {after:?}");
}
