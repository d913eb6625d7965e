//! Live updates for open consoles: each request a sandbox answers is pushed, as it is recorded, to every console
//! watching that sandbox — on whichever server process the console is connected to.
//!
//! On PostgreSQL several stateless nodes share one database, so a request recorded by one node must reach
//! consoles on all of them: the recording node sends `NOTIFY` on [`CHANNEL`] (through `pg_notify`, in the same
//! database the rows live in), and every node keeps one `LISTEN` connection (sqlx's `PgListener`) that feeds an
//! in-process broadcast channel. On SQLite there is only one process by design, so events go straight into the
//! broadcast channel. Either way a console stream (`/console/sandboxes/{id}/live`, Server-Sent Events) filters the
//! broadcast by sandbox after checking, once per connection, that the viewer belongs to the sandbox's
//! organisation; the stream ends after [`STREAM_LIFETIME`] so the browser reconnects and is checked again.
//!
//! Events carry the request's summary only (method, path, status, D-code, latency, ID), never bodies, so a
//! notification stays far below PostgreSQL's 8000-byte payload limit and nothing masked-but-personal travels
//! through the database's notification queue. A notification lost while a node reconnects only delays a console
//! until its next event or reload; the request itself is in the log. This module never logs event contents.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::accounts::{Accounts, SessionToken};
use crate::db::Engine;
use crate::orgs::Orgs;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "portal_request_log";
/// How many events a slow console may fall behind before it is told to reload the list.
const BROADCAST_CAPACITY: usize = 1024;
/// How long one console stream lasts before the browser must reconnect (and be authorised again).
pub const STREAM_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// The longest protocol message an event carries.
const MAX_EVENT_MESSAGE: usize = 300;

/// One recorded request, as pushed to consoles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub sandbox_id: String,
    pub request_id: String,
    pub logged_at_ms: i64,
    pub method: String,
    pub path: String,
    pub http_status: i64,
    pub code: String,
    pub message: String,
    pub latency_us: i64,
}

/// The fan-out of recorded requests to this process's console streams.
#[derive(Clone)]
pub struct LiveFeed {
    sender: broadcast::Sender<LiveEvent>,
    engine: Engine,
    /// Whether this process currently receives every node's events (always on SQLite; on PostgreSQL while its
    /// `LISTEN` connection is up). A stream says `ready` only once it is.
    listening: watch::Receiver<bool>,
}

impl LiveFeed {
    /// Starts the feed; on PostgreSQL this spawns the task that listens on [`CHANNEL`] for as long as the
    /// process runs, reconnecting after a lost connection.
    pub fn start(engine: Engine, database_url: &str) -> LiveFeed {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        let (set_listening, listening) = watch::channel(engine == Engine::Sqlite);
        if engine == Engine::Postgres {
            tokio::spawn(listen(
                database_url.to_owned(),
                sender.clone(),
                set_listening,
            ));
        }
        LiveFeed {
            sender,
            engine,
            listening,
        }
    }

    /// Waits (at most `patience`) until this process receives every node's events.
    pub async fn wait_until_listening(&self, patience: Duration) -> bool {
        let mut listening = self.listening.clone();
        tokio::time::timeout(patience, listening.wait_for(|up| *up))
            .await
            .is_ok_and(|answer| answer.is_ok())
    }

    /// Tells every console (on every node sharing the database) about a recorded request.
    pub async fn publish(
        &self,
        pool: &sqlx::AnyPool,
        mut event: LiveEvent,
    ) -> Result<(), sqlx::Error> {
        event.message = event.message.chars().take(MAX_EVENT_MESSAGE).collect();
        match self.engine {
            Engine::Sqlite => {
                // No console open is not an error.
                let _ = self.sender.send(event);
            }
            Engine::Postgres => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}

/// Feeds PostgreSQL notifications into the broadcast channel, for as long as the process runs.
async fn listen(
    database_url: String,
    sender: broadcast::Sender<LiveEvent>,
    listening: watch::Sender<bool>,
) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match sqlx::postgres::PgListener::connect(&database_url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    backoff = Duration::from_millis(250);
                    listening.send_replace(true);
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                match serde_json::from_str::<LiveEvent>(notification.payload()) {
                                    Ok(event) => {
                                        let _ = sender.send(event);
                                    }
                                    Err(_) => tracing::warn!(
                                        "ignored a malformed request-log notification"
                                    ),
                                }
                            }
                            Err(error) => {
                                listening.send_replace(false);
                                tracing::warn!(error = %error, "lost the request-log notification connection");
                                break;
                            }
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "could not listen for request-log notifications")
                }
            },
            Err(error) => {
                tracing::warn!(error = %error, "could not connect for request-log notifications")
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// What the console stream needs.
#[derive(Clone)]
pub struct LiveState {
    pub feed: LiveFeed,
    pub accounts: Accounts,
    pub orgs: Orgs,
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == portal_app::console::SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// `GET /console/sandboxes/{sandbox_id}/live`: the sandbox's requests as Server-Sent Events (`ready` once, then
/// one `request` event per recorded request, `resync` when this stream fell behind). 401 without a live
/// session, 404 for anyone outside the sandbox's organisation.
pub async fn stream(
    State(state): State<LiveState>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = session_cookie(&headers) else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    let account = match state.accounts.account_for(&SessionToken::new(token)).await {
        Ok(Some(account)) => account,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "session lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if state.orgs.sandbox(&account, &sandbox_id).await.is_err() {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    // Subscribe before answering, so nothing recorded after the `ready` event can be missed; on PostgreSQL wait
    // briefly for this node's LISTEN connection (a stream that opens while it is down still works, but says
    // `ready` without it and catches up on the next event).
    let receiver = state.feed.subscribe();
    if !state
        .feed
        .wait_until_listening(Duration::from_secs(5))
        .await
    {
        tracing::warn!("a console stream opened while request-log notifications are unavailable");
    }
    let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
    let events = futures_util::stream::unfold(
        (receiver, sandbox_id, true),
        move |(mut receiver, sandbox_id, first)| async move {
            if first {
                let ready = Event::default().event("ready").data("{}");
                return Some((Ok::<_, Infallible>(ready), (receiver, sandbox_id, false)));
            }
            loop {
                let next = tokio::time::timeout_at(deadline, receiver.recv()).await;
                let event = match next {
                    Err(_) | Ok(Err(broadcast::error::RecvError::Closed)) => return None,
                    Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                        Event::default().event("resync").data("{}")
                    }
                    Ok(Ok(event)) if event.sandbox_id == sandbox_id => Event::default()
                        .event("request")
                        .data(serde_json::to_string(&event).unwrap_or_default()),
                    Ok(Ok(_)) => continue,
                };
                return Some((Ok(event), (receiver, sandbox_id, false)));
            }
        },
    );
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
