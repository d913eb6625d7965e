//! The harness for real-browser tests: starts the portal server binary (as built by `cargo xtask`) on a free
//! port with a database of its own, starts chromedriver with headless Chromium, and reads the browser's console.
//!
//! Tests get their prerequisites from the environment `cargo xtask test` sets (`PORTAL_SERVER_BIN`,
//! `PORTAL_SITE_ROOT`, `CHROMIUM_BIN`, `CHROMEDRIVER_BIN`); a missing one fails with a message saying how to
//! get it. This crate must never talk to anything but 127.0.0.1.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, wd::WebDriverCompatibleCommand};

/// How long a page may take to do what a test waits for.
pub const PATIENCE: Duration = Duration::from_secs(20);

fn required_path(variable: &str, what: &str) -> anyhow::Result<PathBuf> {
    match std::env::var_os(variable) {
        Some(value) if !value.is_empty() => Ok(PathBuf::from(value)),
        _ => bail!(
            "{variable} is not set: the browser tests need {what}. Run them with `cargo xtask test`, which builds \
             the portal and the browser bundle, installs Chromium when missing and sets {variable}."
        ),
    }
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// A child process killed when the test ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The portal server binary running on a free port with a fresh SQLite database.
pub struct Portal {
    pub base_url: String,
    /// How long the binary took from spawn to its "ready" line.
    pub ready_after: Duration,
    _process: KillOnDrop,
    data_dir: PathBuf,
}

impl Portal {
    pub fn start() -> anyhow::Result<Portal> {
        let binary = required_path("PORTAL_SERVER_BIN", "the portal server binary")?;
        let site_root = required_path("PORTAL_SITE_ROOT", "the built browser bundle (site root)")?;
        let guest = required_path("MOCK_IAMSMART_GUEST", "the sandbox guest component")?;
        let data_dir = std::env::temp_dir().join(format!(
            "e2e-portal-{}-{}",
            std::process::id(),
            free_port()?
        ));
        std::fs::create_dir_all(&data_dir)?;
        let port = free_port()?;
        let started = Instant::now();
        let mut child = Command::new(&binary)
            .env("PORTAL_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", data_dir.join("portal.db").display()),
            )
            .env("PORTAL_SITE_ROOT", &site_root)
            .env("PORTAL_GUEST", &guest)
            // Shared across the run so only the first server compiles the guest.
            .env(
                "PORTAL_CACHE_DIR",
                std::env::temp_dir().join("e2e-portal-guest-cache"),
            )
            // The demo sandbox and Demo Bank, as `cargo xtask run` serves them.
            .env("PORTAL_DEMO_FILE", data_dir.join("demo-sandbox.json"))
            // The configuration key file is created here, never in the working directory.
            .env("PORTAL_DATA_DIR", &data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let process = KillOnDrop(child);
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let Some(line) = lines.next() else {
                bail!("the portal exited before saying it was ready");
            };
            let line = line?;
            if let Some(rest) = line.split("ready at ").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .context("no address after 'ready at'")?
                    .to_owned();
            }
        };
        let ready_after = started.elapsed();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Portal {
            base_url,
            ready_after,
            _process: process,
            data_dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The demo sandbox's credentials, as the server wrote them (`clientId`, `clientSecret`, …).
    pub fn demo_sandbox(&self) -> anyhow::Result<serde_json::Value> {
        let file = self.data_dir.join("demo-sandbox.json");
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Headless Chromium driven through its own chromedriver.
pub struct Browser {
    pub client: Client,
    _driver: KillOnDrop,
    profile_dir: PathBuf,
}

impl Browser {
    pub async fn start() -> anyhow::Result<Browser> {
        let chromium = required_path("CHROMIUM_BIN", "Chromium (Debian package `chromium`)")?;
        let chromedriver = required_path(
            "CHROMEDRIVER_BIN",
            "ChromeDriver (Debian package `chromium-driver`)",
        )?;
        let port = free_port()?;
        let driver = KillOnDrop(
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .with_context(|| format!("starting {}", chromedriver.display()))?,
        );
        let driver_url = format!("http://127.0.0.1:{port}");
        wait_for_driver(&driver_url).await?;

        let profile_dir =
            std::env::temp_dir().join(format!("e2e-chromium-{}-{port}", std::process::id()));
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                // Without the networking flags Chromium floods the closed network with refused connections
                // (STACK.md); a fresh profile keeps tests independent.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile_dir.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            bail!("capabilities must be a JSON object");
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&driver_url)
            .await
            .context("opening a Chromium session through chromedriver")?;
        Ok(Browser {
            client,
            _driver: driver,
            profile_dir,
        })
    }

    /// Entries the page wrote to the console at level SEVERE (errors, uncaught exceptions, CSP violations,
    /// failed loads) since the last call.
    pub async fn console_errors(&self) -> anyhow::Result<Vec<String>> {
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .context("reading the browser console")?;
        Ok(entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|entry| entry["level"] == "SEVERE")
                    .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until the Leptos app has hydrated the page (the hydrate entry marks `<html data-hydrated>`).
    pub async fn wait_for_hydration(&self) -> anyhow::Result<()> {
        self.wait_until(
            "hydration",
            "return document.documentElement.dataset.hydrated === 'true';",
        )
        .await
    }

    /// Polls a JavaScript expression until it returns `true`.
    pub async fn wait_until(&self, what: &str, script: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self.client.execute(script, vec![]).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let errors = self.console_errors().await.unwrap_or_default();
                bail!("timed out waiting for {what}; console errors: {errors:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the session and removes the profile.
    pub async fn close(self) -> anyhow::Result<()> {
        let Browser {
            client,
            profile_dir,
            ..
        } = self;
        client.close().await?;
        let _ = std::fs::remove_dir_all(profile_dir);
        Ok(())
    }
}

async fn wait_for_driver(url: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    let client = reqwest::Client::new();
    loop {
        let answer = client.get(format!("{url}/status")).send().await;
        if answer.is_ok_and(|response| response.status().is_success()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("chromedriver did not start listening on {url}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// ChromeDriver's log endpoint (`POST /session/{id}/se/log`), which the W3C protocol lacks.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}
