//! Adversarial guests: an endless loop, a memory bomb, deep recursion, garbage answers, answers that
//! point outside memory or are not UTF-8, and greedy imports. Each is stopped with its own typed
//! error, and in every case another tenant served by the same runtime (same engine, same instance
//! pool, same database) keeps answering, during and after.

use std::time::{Duration, Instant};

use mock_iamsmart::{Call, Outcome};
use sandbox_runtime::{Limits, Runtime, SandboxError, SandboxId};

use crate::support::{Backend, Rp, TestDb, runtime_with, test_limits};
use crate::wat_guests::Behaviour;

/// A runtime whose guest misbehaves as `behaviour`, with an evil and a well-behaved tenant.
struct Neighbours {
    runtime: Runtime,
    evil: SandboxId,
    good: SandboxId,
    _db: TestDb,
}

impl Neighbours {
    async fn new(behaviour: Behaviour, limits: Limits) -> Neighbours {
        let db = TestDb::new(Backend::Sqlite)
            .await
            .expect("SQLite is always available");
        let runtime = runtime_with(&db.pool, behaviour.component(false), limits);
        let evil = runtime
            .create_sandbox(&Rp::new().config())
            .await
            .expect("evil tenant");
        let good = runtime
            .create_sandbox(&Rp::new().config())
            .await
            .expect("good tenant");
        Neighbours {
            runtime,
            evil,
            good,
            _db: db,
        }
    }

    async fn good_tenant_answers(&self) {
        let answer = self.runtime.call(&self.good, &Call::ListPersonas).await;
        assert!(
            matches!(answer, Ok(Outcome::Personas(_))),
            "the well-behaved tenant got {answer:?}"
        );
    }

    /// Runs the evil call; the good tenant is served while it runs (when it runs long enough to
    /// overlap) and after it failed. Returns the evil call's error and how long it took.
    async fn evil_call_fails(&self, overlap: bool) -> (SandboxError, Duration) {
        let runtime = self.runtime.clone();
        let evil = self.evil.clone();
        let started = Instant::now();
        let task = tokio::spawn(async move {
            let result = runtime
                .call(
                    &evil,
                    &Call::TicketStatus {
                        ticket_id: "x".into(),
                    },
                )
                .await;
            (result, started.elapsed())
        });
        if overlap {
            // Let the evil guest get going, then check the neighbour is served while it still runs.
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.good_tenant_answers().await;
            assert!(
                !task.is_finished(),
                "the neighbour was answered while the runaway guest was still running"
            );
        }
        let (result, elapsed) = task.await.expect("the evil request task finished");
        self.good_tenant_answers().await;
        match result {
            Err(error) => {
                assert!(error.is_guest_fault(), "{error}");
                (error, elapsed)
            }
            Ok(outcome) => panic!("the misbehaving guest was trusted: {outcome:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_loop_is_stopped_at_its_deadline_while_another_tenant_keeps_answering() {
    let limits = Limits {
        deadline: Duration::from_secs(2),
        ..test_limits()
    };
    let neighbours = Neighbours::new(Behaviour::EndlessLoop, limits).await;
    neighbours.good_tenant_answers().await;
    let (error, elapsed) = neighbours.evil_call_fails(true).await;
    assert!(
        matches!(error, SandboxError::OutOfTime { deadline } if deadline == Duration::from_secs(2)),
        "{error}"
    );
    assert!(
        elapsed >= Duration::from_secs(2),
        "stopped after {elapsed:?}"
    );
    eprintln!("the endless loop was stopped after {elapsed:?} (deadline 2 s)");
}

#[tokio::test]
async fn a_memory_bomb_hits_its_limit_while_another_tenant_keeps_answering() {
    let limits = Limits {
        max_memory_bytes: 16 << 20,
        ..test_limits()
    };
    let neighbours = Neighbours::new(Behaviour::MemoryBomb, limits).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(error, SandboxError::MemoryLimit { limit_bytes } if limit_bytes == 16 << 20),
        "{error}"
    );
}

#[tokio::test]
async fn a_guest_returning_garbage_is_a_contract_violation_while_another_tenant_keeps_answering() {
    let neighbours = Neighbours::new(Behaviour::Garbage, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(&error, SandboxError::GuestContract { reason } if reason.contains("not a valid Outcome")),
        "{error}"
    );
}

#[tokio::test]
async fn a_deeply_recursing_guest_overflows_its_stack_cleanly_while_another_tenant_keeps_answering()
{
    let neighbours = Neighbours::new(Behaviour::DeepRecursion, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(&error, SandboxError::Trap { reason } if reason.contains("stack")),
        "{error}"
    );
}

#[tokio::test]
async fn an_answer_pointing_outside_guest_memory_is_a_contract_violation() {
    let neighbours = Neighbours::new(Behaviour::OutOfBoundsAnswer, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(error, SandboxError::GuestContract { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_utf8_is_a_contract_violation() {
    let neighbours = Neighbours::new(Behaviour::InvalidUtf8Answer, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(error, SandboxError::GuestContract { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn a_guest_storing_under_an_oversized_key_is_stopped_as_a_contract_violation() {
    let neighbours = Neighbours::new(Behaviour::OversizedKey, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(&error, SandboxError::GuestContract { reason } if reason.contains("key")),
        "{error}"
    );
}

#[tokio::test]
async fn a_guest_asking_for_too_much_randomness_is_stopped_as_a_contract_violation() {
    let neighbours = Neighbours::new(Behaviour::GreedyRandomness, test_limits()).await;
    let (error, _) = neighbours.evil_call_fails(false).await;
    assert!(
        matches!(&error, SandboxError::GuestContract { reason } if reason.contains("random")),
        "{error}"
    );
}

#[tokio::test]
async fn a_runaway_tenant_does_not_exhaust_the_instance_pool_for_others() {
    // One instance slot more than the runaway tenant's concurrent requests can hold, so the good
    // tenant always finds one.
    let limits = Limits {
        deadline: Duration::from_millis(300),
        max_concurrent_instances: 2,
        ..test_limits()
    };
    let neighbours = Neighbours::new(Behaviour::EndlessLoop, limits).await;
    let mut runaway = Vec::new();
    for _ in 0..3 {
        let runtime = neighbours.runtime.clone();
        let evil = neighbours.evil.clone();
        runaway.push(tokio::spawn(async move {
            runtime
                .call(
                    &evil,
                    &Call::TicketStatus {
                        ticket_id: "x".into(),
                    },
                )
                .await
        }));
    }
    // The evil tenant's requests take turns (one tenant, one turn at a time), so they occupy at most
    // one slot; the good tenant is served from the other.
    neighbours.good_tenant_answers().await;
    for task in runaway {
        let result = task.await.expect("joined");
        assert!(
            matches!(result, Err(SandboxError::OutOfTime { .. })),
            "{result:?}"
        );
    }
    neighbours.good_tenant_answers().await;
}
