//! All writes of one request commit together or not at all: a guest that writes and then traps, runs
//! out of time, answers garbage or breaks a storage bound leaves nothing behind, while the same guest
//! answering cleanly does commit its write (the control that shows the writes are real).

use mock_iamsmart::{Call, Outcome};
use sandbox_runtime::{Runtime, SandboxError, SandboxId};

use crate::support::{Backend, Rp, TestDb, runtime_with, test_limits};
use crate::wat_guests::{Behaviour, WRITTEN_KEY};

/// A runtime over `db` whose guest behaves as `behaviour`, and one sandbox on it.
async fn writer(db: &TestDb, behaviour: Behaviour) -> (Runtime, SandboxId) {
    let runtime = runtime_with(&db.pool, behaviour.component(true), test_limits());
    let sandbox = runtime
        .create_sandbox(&Rp::new().config())
        .await
        .expect("created");
    (runtime, sandbox)
}

fn misbehaving_call() -> Call {
    Call::TicketStatus {
        ticket_id: "anything".into(),
    }
}

/// The error of a misbehaving call, after checking it wrote nothing; `None` when the backend is
/// skipped.
async fn leaves_no_writes(backend: Backend, behaviour: Behaviour) -> Option<SandboxError> {
    let db = TestDb::new(backend).await?;
    let (runtime, sandbox) = writer(&db, behaviour).await;
    let error = runtime
        .call(&sandbox, &misbehaving_call())
        .await
        .expect_err("the call fails");
    assert_eq!(db.entry_count(&sandbox).await, 0, "{error}");

    // The control: the same guest's clean path commits the same write.
    let answer = runtime.call(&sandbox, &Call::ListPersonas).await;
    assert!(matches!(answer, Ok(Outcome::Personas(_))), "{answer:?}");
    assert_eq!(db.keys(&sandbox).await, [WRITTEN_KEY]);
    Some(error)
}

#[tokio::test]
async fn a_call_that_traps_after_writing_leaves_no_partial_writes() {
    let error = leaves_no_writes(Backend::Sqlite, Behaviour::WriteThenTrap).await;
    assert!(
        matches!(error, Some(SandboxError::Trap { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_call_that_traps_after_writing_leaves_no_partial_writes_on_postgres() {
    if let Some(error) = leaves_no_writes(Backend::Postgres, Behaviour::WriteThenTrap).await {
        assert!(matches!(error, SandboxError::Trap { .. }), "{error}");
    }
}

#[tokio::test]
async fn a_call_stopped_at_its_deadline_after_writing_commits_nothing() {
    let error = leaves_no_writes(Backend::Sqlite, Behaviour::WriteThenLoop).await;
    assert!(
        matches!(error, Some(SandboxError::OutOfTime { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_call_whose_answer_is_rejected_after_writing_commits_nothing() {
    let error = leaves_no_writes(Backend::Sqlite, Behaviour::WriteThenGarbage).await;
    assert!(
        matches!(error, Some(SandboxError::GuestContract { .. })),
        "{error:?}"
    );
}
