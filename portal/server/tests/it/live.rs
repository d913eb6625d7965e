//! Live updates: a console's Server-Sent Events stream receives each request the moment it is recorded — within
//! one process (SQLite's in-process broadcast, PostgreSQL's LISTEN/NOTIFY), and across two OS processes of the
//! real server binary sharing one PostgreSQL database. Streams are for members only.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context, bail};
use reqwest::{StatusCode, header};

use crate::console::{
    PASSWORD, Visitor, get_key_code, get_key_code_at, owner_with_sandbox, owner_with_sandbox_at,
};
use crate::support::{TempDir, TestDatabase, TestEngine, TestPortal, guest_path, on_both_engines};

/// An open console stream, read event by event.
struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    async fn open(
        base_url: &str,
        visitor: &Visitor,
        sandbox_id: &str,
    ) -> anyhow::Result<EventStream> {
        let response = reqwest::Client::new()
            .get(format!("{base_url}/console/sandboxes/{sandbox_id}/live"))
            .header(header::COOKIE, visitor.cookies())
            .send()
            .await?;
        anyhow::ensure!(
            response.status() == StatusCode::OK,
            "the stream answered {}",
            response.status()
        );
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        anyhow::ensure!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let mut stream = EventStream {
            response,
            buffer: String::new(),
        };
        let (kind, _) = stream.next_event().await?;
        anyhow::ensure!(kind == "ready", "the first event is `ready`, not {kind}");
        Ok(stream)
    }

    /// The next event's name and data, skipping keep-alive comments; fails after 10 s.
    async fn next_event(&mut self) -> anyhow::Result<(String, String)> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut kind = String::from("message");
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(value) = line.strip_prefix("event:") {
                            kind = value.trim().to_owned();
                        } else if let Some(value) = line.strip_prefix("data:") {
                            data.push_str(value.trim());
                        }
                    }
                    if !data.is_empty() || kind != "message" {
                        return Ok((kind, data));
                    }
                    continue;
                }
                match self.response.chunk().await? {
                    Some(chunk) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                    None => bail!("the stream ended"),
                }
            }
        })
        .await
        .context("no event within 10 s")?
    }

    /// Waits for a `request` event whose code is `code`.
    async fn request_with_code(&mut self, code: &str) -> anyhow::Result<serde_json::Value> {
        loop {
            let (kind, data) = self.next_event().await?;
            if kind == "request" {
                let event: serde_json::Value = serde_json::from_str(&data)?;
                if event["code"] == code {
                    return Ok(event);
                }
            }
        }
    }
}

async fn a_console_stream_receives_each_request_as_it_is_recorded(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (owner, sandbox) = owner_with_sandbox(portal, "live@example.com").await?;
    let mut stream = EventStream::open(&portal.base_url, &owner, &sandbox.sandbox_id).await?;
    assert_eq!(
        get_key_code(portal, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );
    let event = stream.request_with_code("D00000").await?;
    assert_eq!(event["path"], "/api/v1/security/getKey");
    assert_eq!(event["sandbox_id"], sandbox.sandbox_id.as_str());
    assert!(
        event["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    // Another sandbox's requests never reach this stream.
    let (_, other) = owner_with_sandbox(portal, "other-live@example.com").await?;
    get_key_code(portal, &other.client_id, &other.client_secret).await?;
    assert_eq!(
        get_key_code(portal, &sandbox.client_id, "wrong").await?,
        "D20006"
    );
    let (kind, data) = stream.next_event().await?;
    assert_eq!(kind, "request");
    assert!(
        data.contains("D20006") && !data.contains(&other.sandbox_id),
        "{data}"
    );

    // Without a session the stream is refused; an outsider gets "not found".
    let url = portal.url(&format!("/console/sandboxes/{}/live", sandbox.sandbox_id));
    assert_eq!(reqwest::get(&url).await?.status(), StatusCode::UNAUTHORIZED);
    let mut stranger = Visitor::arrive(portal).await?;
    stranger
        .sign_up("stranger-live@example.com", PASSWORD)
        .await?;
    let answer = reqwest::Client::new()
        .get(&url)
        .header(header::COOKIE, stranger.cookies())
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    Ok(())
}

on_both_engines!(
    a_console_stream_receives_each_request_as_it_is_recorded,
    sqlite_a_console_stream_receives_each_request_as_it_is_recorded,
    postgres_a_console_stream_receives_each_request_as_it_is_recorded
);

/// The real `portal-server` binary, running until dropped.
struct ServerProcess {
    base_url: String,
    child: Child,
    _data: TempDir,
}

impl ServerProcess {
    fn start(database_url: &str) -> anyhow::Result<ServerProcess> {
        let data = TempDir::new("process")?;
        std::fs::create_dir_all(data.path().join("site/pkg"))?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_portal-server"))
            .env("PORTAL_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("PORTAL_SITE_ROOT", data.path().join("site"))
            .env("PORTAL_GUEST", guest_path()?)
            .env(
                "PORTAL_CACHE_DIR",
                std::env::temp_dir().join("portal-test-guest-cache"),
            )
            // Both processes share the database, so they share the key that seals its sandboxes.
            .env("PORTAL_CONFIG_KEY", "5a".repeat(32))
            .env("PORTAL_DATA_DIR", data.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the portal-server binary")?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
                bail!("the portal-server process exited before saying it was ready");
            };
            if let Some(rest) = line?.split("ready at ").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .context("an address")?
                    .to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(ServerProcess {
            base_url,
            child,
            _data: data,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_request_served_by_one_server_process_appears_live_in_a_console_connected_to_another()
-> anyhow::Result<()> {
    let Some(database) = TestDatabase::create(TestEngine::Postgres).await? else {
        return Ok(());
    };
    // Two OS processes of the real binary on one PostgreSQL database, as two nodes behind a load balancer.
    let first = ServerProcess::start(&database.url)?;
    let second = ServerProcess::start(&database.url)?;
    assert_ne!(first.pid(), second.pid());
    assert_ne!(first.base_url, second.base_url);

    let (owner, sandbox) =
        owner_with_sandbox_at(&second.base_url, "nodes-live@example.com").await?;
    let mut stream = EventStream::open(&second.base_url, &owner, &sandbox.sandbox_id).await?;
    // Served by the first process...
    assert_eq!(
        get_key_code_at(&first.base_url, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );
    // ...pushed to the console connected to the second.
    let event = stream.request_with_code("D00000").await?;
    assert_eq!(event["path"], "/api/v1/security/getKey");
    drop((first, second));
    Ok(())
}
