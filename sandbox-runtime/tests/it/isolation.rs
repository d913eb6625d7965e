//! Tenants are isolated: one tenant's credentials never reach another's data, their key-value
//! namespaces are separate, and sandbox administration (lookup, reset, delete) touches one tenant
//! only. Tests here use the real guest on SQLite.

use mock_iamsmart::Call;
use sandbox_runtime::{SandboxError, SandboxId};

use crate::support::{Backend, Rp, TestDb, api_code, api_response, real_runtime};

#[tokio::test]
async fn tenant_a_credentials_never_reach_tenant_b_data() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let runtime = real_runtime(&db.pool);
    let (a, sandbox_a, b, sandbox_b) = two_tenants(&runtime).await;
    assert_eq!(
        runtime
            .sandbox_for_client(&a.client_id)
            .await
            .expect("lookup"),
        Some(sandbox_a.clone())
    );
    assert_eq!(
        runtime
            .sandbox_for_client(&b.client_id)
            .await
            .expect("lookup"),
        Some(sandbox_b.clone())
    );
    api_response(runtime.call(&sandbox_a, &a.get_key_call()).await);
    let a_keys = db.keys(&sandbox_a).await;
    assert!(!a_keys.is_empty());

    // A's perfectly signed request, delivered to B's sandbox, is refused and changes nothing there.
    let code = api_code(runtime.call(&sandbox_b, &a.get_key_call()).await);
    assert_ne!(code, "D00000");
    assert_eq!(db.entry_count(&sandbox_b).await, 0);
    // B's sandbox does not see A's login tickets either.
    let started = match runtime.call(&sandbox_a, &a.begin_login_call()).await {
        Ok(mock_iamsmart::Outcome::LoginStarted(started)) => started,
        other => panic!("getQR answered {other:?}"),
    };
    let poll = Call::TicketStatus {
        ticket_id: started.ticket_id,
    };
    assert!(matches!(
        runtime.call(&sandbox_b, &poll).await,
        Ok(mock_iamsmart::Outcome::Error { .. })
    ));
    assert!(matches!(
        runtime.call(&sandbox_a, &poll).await,
        Ok(mock_iamsmart::Outcome::Ticket(_))
    ));
    assert_eq!(db.entry_count(&sandbox_b).await, 0);
}

#[tokio::test]
async fn the_same_nonce_is_independent_in_two_tenants() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let runtime = real_runtime(&db.pool);
    let (a, sandbox_a, b, sandbox_b) = two_tenants(&runtime).await;
    let nonce = Rp::fresh_nonce();
    let now = Rp::now_ms();
    let path = mock_iamsmart::api::GET_KEY_PATH;
    let to_a = a.signed_with(path, Vec::new(), &nonce, now);
    let to_b = b.signed_with(path, Vec::new(), &nonce, now);
    assert_eq!(api_code(runtime.call(&sandbox_a, &to_a).await), "D00000");
    assert_eq!(api_code(runtime.call(&sandbox_b, &to_b).await), "D00000");
    assert_eq!(api_code(runtime.call(&sandbox_a, &to_a).await), "D20004");
}

#[tokio::test]
async fn sandbox_administration_checks_its_input_and_touches_one_tenant() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let runtime = real_runtime(&db.pool);
    let (a, sandbox_a, b, sandbox_b) = two_tenants(&runtime).await;

    assert!(matches!(
        runtime.create_sandbox(&a.config()).await,
        Err(SandboxError::DuplicateClientId)
    ));
    let mut broken = Rp::new().config();
    broken.code_lifetime_ms = 0;
    assert!(matches!(
        runtime.create_sandbox(&broken).await,
        Err(SandboxError::InvalidConfig { .. })
    ));
    let nobody = SandboxId::new("sbx_nobody");
    assert!(matches!(
        runtime.call(&nobody, &Call::ListPersonas).await,
        Err(SandboxError::UnknownSandbox)
    ));
    assert!(matches!(
        runtime.set_time_offset(&nobody, 1).await,
        Err(SandboxError::UnknownSandbox)
    ));

    api_response(runtime.call(&sandbox_a, &a.get_key_call()).await);
    api_response(runtime.call(&sandbox_b, &b.get_key_call()).await);
    runtime.reset_sandbox(&sandbox_a).await.expect("reset");
    assert_eq!(db.entry_count(&sandbox_a).await, 0);
    assert!(db.entry_count(&sandbox_b).await > 0);

    // Rotating B's credentials: the old client id stops resolving, the new one works.
    let rotated = Rp::new();
    runtime
        .update_config(&sandbox_b, &rotated.config())
        .await
        .expect("rotated");
    assert_eq!(
        runtime
            .sandbox_for_client(&b.client_id)
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        api_code(runtime.call(&sandbox_b, &rotated.get_key_call()).await),
        "D00000"
    );

    runtime.delete_sandbox(&sandbox_a).await.expect("deleted");
    assert!(matches!(
        runtime.sandbox_info(&sandbox_a).await,
        Err(SandboxError::UnknownSandbox)
    ));
    assert!(runtime.sandbox_info(&sandbox_b).await.is_ok());
}

/// Two relying parties, each with a sandbox of its own on `runtime`.
async fn two_tenants(runtime: &sandbox_runtime::Runtime) -> (Rp, SandboxId, Rp, SandboxId) {
    let a = Rp::new();
    let b = Rp::new();
    let sandbox_a = runtime.create_sandbox(&a.config()).await.expect("a");
    let sandbox_b = runtime.create_sandbox(&b.config()).await.expect("b");
    (a, sandbox_a, b, sandbox_b)
}
