//! The last step of `cargo xtask test` (and `cargo xtask schemathesis` on its own): PyPI's schemathesis
//! generates requests from the OpenAPI document the portal serves at `/reference/openapi.json` and sends
//! them to a real portal server, started here from the built binary on a free loopback port with a SQLite
//! database of its own and the demo sandbox seeded.
//!
//! The run checks that no answer is a server error and that each answer's status code, content type and body
//! are the ones the document declares, plus `no_sandbox_fault` from the hook file
//! `xtask/schemathesis/signed_requests.py`, which also signs the generated requests for the demo sandbox (see
//! there). The seed and the number of examples per operation are fixed, so a run is repeatable and takes about
//! a minute; any failure or error fails `cargo xtask test`, with schemathesis's own report and the server's log
//! kept for reading. The summary is one line.
//!
//! This module must never point the tool at anything but the 127.0.0.1 server it started.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context, bail};

use crate::{Workspace, display_path, prereqs};

/// The checks run on every answer: the four the document can be held to, and the hook file's own.
/// `negative_data_rejection` and `positive_data_acceptance` are left out on purpose: iAM Smart answers a
/// malformed request with a D-code in an HTTP 200 envelope (PROTOCOL §11.6), never a 4xx, and accepts or
/// refuses a well-formed one by state the document cannot express (a CEK, a live ticket, a fresh nonce).
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_schema_conformance,no_sandbox_fault";

/// Generated test cases per operation and phase: about a minute on a two-core machine.
const MAX_EXAMPLES: &str = "150";

/// The seed every run uses, so a failure reproduces with the same command.
const SEED: &str = "8";

/// How long the server may take to say it is ready (it compiles the guest on a cold cache).
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A child process killed when dropped.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `server` and runs schemathesis against it; fails when schemathesis reports any failure or error.
pub fn run(
    workspace: &Workspace,
    server: &Path,
    guest: &Path,
    site_root: &Path,
) -> anyhow::Result<()> {
    let work_dir = workspace
        .target_dir
        .join("tmp")
        .join(format!("schemathesis-{}", std::process::id()));
    if work_dir.exists() {
        std::fs::remove_dir_all(&work_dir)
            .with_context(|| format!("clearing {}", work_dir.display()))?;
    }
    std::fs::create_dir_all(&work_dir)
        .with_context(|| format!("creating {}", work_dir.display()))?;
    let demo_file = work_dir.join("demo-sandbox.json");
    let (base_url, server_process) = start_server(workspace, server, guest, site_root, &work_dir)?;

    let report = work_dir.join("report.json");
    let output = work_dir.join("schemathesis.log");
    let hooks = workspace.root.join("xtask/schemathesis/signed_requests.py");
    let document_url = format!("{base_url}/reference/openapi.json");
    let report_arg = report.to_string_lossy().into_owned();
    let args = [
        "-m",
        "schemathesis.cli",
        "run",
        &document_url,
        "--url",
        &base_url,
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        // One worker: the sandbox refuses a timestamp older than the last accepted one, and the hook's
        // timestamps only rise within one process.
        "--workers",
        "1",
        // The first signing or bulk-signing call of a sandbox issues every persona's certificate (RSA key
        // generation, see portal-server's `ca.rs`), which took 12 s on a loaded two-core machine; schemathesis's
        // default of 10 s would call that a network error.
        "--request-timeout",
        "120",
        // No example database: a run must not depend on what an earlier one found.
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        &report_arg,
    ];
    println!(
        "    $ python3 {} (against {base_url}; output in {})",
        args.join(" "),
        display_path(workspace, &output)
    );
    let log =
        std::fs::File::create(&output).with_context(|| format!("creating {}", output.display()))?;
    // Run in the scratch directory: schemathesis writes a `.schemathesis/` cache into its working directory.
    let status = Command::new("python3")
        .current_dir(&work_dir)
        .args(args)
        .env("PYTHONPATH", prereqs::python_cache()?)
        .env("SCHEMATHESIS_HOOKS", &hooks)
        .env("IAMSMART_DEMO_FILE", &demo_file)
        .env("IAMSMART_BASE_URL", &base_url)
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()
        .context("could not start python3 for schemathesis")?;
    drop(server_process);

    let summary = Summary::read(&report);
    match (&summary, status.success()) {
        (Ok(summary), true) if summary.passed() => {
            println!("{}", summary.line());
            std::fs::remove_dir_all(&work_dir).ok();
            Ok(())
        }
        _ => {
            let text = std::fs::read_to_string(&output).unwrap_or_default();
            eprintln!("{text}");
            if let Ok(summary) = &summary {
                eprintln!("{}", summary.line());
            }
            bail!(
                "schemathesis found problems ({status}); its report and the server's log are in {}",
                display_path(workspace, &work_dir)
            )
        }
    }
}

/// Starts the server binary on a free port; returns its base URL once it says it is ready.
fn start_server(
    workspace: &Workspace,
    server: &Path,
    guest: &Path,
    site_root: &Path,
    work_dir: &Path,
) -> anyhow::Result<(String, KillOnDrop)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .context("finding a free port")?
        .port();
    let server_log = std::fs::File::create(work_dir.join("server.log"))?;
    let mut child = Command::new(server)
        .current_dir(&workspace.root)
        .env("PORTAL_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", work_dir.join("portal.db").display()),
        )
        .env("PORTAL_SITE_ROOT", site_root)
        .env("PORTAL_GUEST", guest)
        .env(
            "PORTAL_CACHE_DIR",
            workspace.target_dir.join("tmp/schemathesis-guest-cache"),
        )
        .env("PORTAL_DEMO_FILE", work_dir.join("demo-sandbox.json"))
        .env("PORTAL_DATA_DIR", work_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(server_log)
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    let stdout = child.stdout.take().context("the server's stdout")?;
    let process = KillOnDrop(child);
    // The ready line is read on a thread so a server that hangs before printing it cannot hang xtask.
    let (ready, ready_line) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.split("ready at ").nth(1) {
                let _ = ready.send(rest.split_whitespace().next().map(str::to_owned));
                break;
            }
        }
        // Keep draining (the demo credentials are printed next) so the server never blocks on a full pipe.
        for _ in lines {}
    });
    let base_url = ready_line
        .recv_timeout(READY_TIMEOUT)
        .ok()
        .flatten()
        .with_context(|| {
            format!(
                "the portal did not say it was ready; see {}",
                display_path(workspace, &work_dir.join("server.log"))
            )
        })?;
    Ok((base_url, process))
}

/// What the JSON report says about a run.
struct Summary {
    operations: u64,
    test_cases: u64,
    failures: u64,
    errors: u64,
    seconds: f64,
}

impl Summary {
    fn read(report: &Path) -> anyhow::Result<Summary> {
        let text = std::fs::read_to_string(report)
            .with_context(|| format!("reading {}", report.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).context("schemathesis's JSON report")?;
        let number = |value: &serde_json::Value| value.as_u64().unwrap_or_default();
        Ok(Summary {
            operations: number(&json["operations"]["tested"]),
            test_cases: number(&json["test_cases"]["generated"]),
            failures: number(&json["test_cases"]["unique_failures"]),
            errors: json["errors"]
                .as_array()
                .map_or(0, |errors| errors.len() as u64)
                + number(&json["operations"]["errored"]),
            seconds: json["running_time"].as_f64().unwrap_or_default(),
        })
    }

    fn passed(&self) -> bool {
        self.failures == 0 && self.errors == 0 && self.operations > 0
    }

    fn line(&self) -> String {
        format!(
            "schemathesis {}: {} operations, {} test cases, {} failures, {} errors in {:.0} s (seed {SEED}, \
             {MAX_EXAMPLES} examples per operation)",
            prereqs::SCHEMATHESIS_VERSION,
            self.operations,
            self.test_cases,
            self.failures,
            self.errors,
            self.seconds
        )
    }
}
