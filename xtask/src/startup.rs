//! `cargo xtask bench`'s start-up figures: the built server binary is started again and again on a free port, and
//! the time from spawning it to its "ready at" line is measured — on a fresh data directory (migrations, the demo
//! sandbox, its RSA key and certificates all created) and on a restart over the same data — together with the
//! time until the first guide page answers (the guides render on their own thread after the server is ready).
//!
//! The figures are printed beside the target of DESIGN.md (ready within 0.3 s) as ratios; nothing here asserts a
//! time, since a loaded machine would make such a check flaky.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

/// DESIGN.md: "Ready to serve ≤ 0.3 s after the binary starts".
const READY_TARGET: Duration = Duration::from_millis(300);
const FRESH_RUNS: usize = 3;
const RESTART_RUNS: usize = 5;

/// One start of the server.
struct Start {
    ready: Duration,
    first_guide: Duration,
}

/// Measures and prints the start-up figures of `server`, serving `site_root` with `guest`.
pub fn bench(server: &Path, site_root: &Path, guest: &Path) -> anyhow::Result<()> {
    let scratch = std::env::temp_dir().join(format!("xtask-startup-{}", std::process::id()));
    let cache = scratch.join("guest-cache");
    // One start to compile the guest into the cache, as any second start of a real deployment finds it.
    let _ = std::fs::remove_dir_all(&scratch);
    start_once(server, site_root, guest, &scratch.join("warm-up"), &cache)?;

    let mut fresh = Vec::new();
    for run in 0..FRESH_RUNS {
        fresh.push(start_once(
            server,
            site_root,
            guest,
            &scratch.join(format!("fresh-{run}")),
            &cache,
        )?);
    }
    let restart_dir = scratch.join("restart");
    start_once(server, site_root, guest, &restart_dir, &cache)?;
    let mut restarts = Vec::new();
    for _ in 0..RESTART_RUNS {
        restarts.push(start_once(server, site_root, guest, &restart_dir, &cache)?);
    }
    let _ = std::fs::remove_dir_all(&scratch);

    println!();
    println!(
        "{:<44} {:>12} {:>12} {:>8}",
        "portal start-up (median of runs)", "measured", "target", "ratio"
    );
    for (label, starts) in [
        ("ready, fresh data directory (ms)", &fresh),
        ("ready, restart over the same data (ms)", &restarts),
    ] {
        let ready = median(starts.iter().map(|start| start.ready));
        println!(
            "{:<44} {:>12.0} {:>12.0} {:>7.2}x",
            label,
            ms(ready),
            ms(READY_TARGET),
            ready.as_secs_f64() / READY_TARGET.as_secs_f64()
        );
    }
    let guide = median(restarts.iter().map(|start| start.first_guide));
    println!(
        "{:<44} {:>12.0} {:>12} {:>8}",
        "first guide page answered, restart (ms)",
        ms(guide),
        "-",
        "-"
    );
    Ok(())
}

fn start_once(
    server: &Path,
    site_root: &Path,
    guest: &Path,
    data_dir: &Path,
    cache: &Path,
) -> anyhow::Result<Start> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .context("finding a free port")?
        .port();
    let started = Instant::now();
    let child = Command::new(server)
        .env("PORTAL_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", data_dir.join("portal.db").display()),
        )
        .env("PORTAL_SITE_ROOT", site_root)
        .env("PORTAL_GUEST", guest)
        .env("PORTAL_CACHE_DIR", cache)
        .env("PORTAL_DEMO_FILE", data_dir.join("demo-sandbox.json"))
        .env("PORTAL_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().context("the server's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let Some(line) = lines.next() else {
            bail!("the portal exited before saying it was ready");
        };
        if line?.contains("ready at ") {
            break;
        }
    }
    let ready = started.elapsed();
    let status = get_status(port, "/guides/getting-started")?;
    let first_guide = started.elapsed();
    if status != 200 {
        bail!("the first guide answered {status}");
    }
    Ok(Start { ready, first_guide })
}

/// The status code of one plain HTTP/1.1 GET to this machine.
fn get_status(port: u16, path: &str) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).context("connecting to the portal")?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0_u8; 12];
    stream
        .read_exact(&mut head)
        .context("reading the status line")?;
    let text = String::from_utf8_lossy(&head);
    text.get(9..12)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("an HTTP status line, not {text:?}"))
}

fn median(durations: impl Iterator<Item = Duration>) -> Duration {
    let mut sorted: Vec<Duration> = durations.collect();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The server, killed when a measurement ends or fails.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
