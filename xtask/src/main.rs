//! `cargo xtask`: every piece of project automation, in Rust, so a fresh machine needs nothing but cargo.
//!
//! `run` installs what is missing, builds the browser bundle and the server, and serves the portal; `test` runs
//! formatting, lints, every test, the real-browser tests and schemathesis against a local portal; `tidy` checks
//! the repository's own rules. This binary must never be needed at run time by the product itself.

mod bundle;
mod cmd;
mod diagrams;
mod guest;
mod prereqs;
mod schemathesis;
mod startup;
mod tidy;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  run [--release] [--addr ADDR] [--database-url URL]
        install missing prerequisites, build the bundle and the server, serve the portal
        (default http://127.0.0.1:8080 on sqlite://.data/portal.db; PORTAL_ADDR and DATABASE_URL work too)
  test  fmt check, clippy -D warnings, every test in the workspace, the real-browser tests and
        schemathesis against a local portal (the step `schemathesis` runs alone)
        (PostgreSQL tests use TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test;
         REQUIRE_POSTGRES=1 makes an unreachable server a failure)
  test --package P [--package Q ...] [-- TEST-ARGS]
        only those packages' tests, with the bundle, guest and browser prepared as for the full run
        and no fmt, tidy or clippy (a quick loop while working; the full run is what CI does)
  build [--release]
        build the hydrate bundle and the server without running it
  bench measure the sandbox side by side with the natively linked core (instantiation p50/p99,
        getKey throughput and their ratio) and the portal's start-up time
  schemathesis
        build the server and run schemathesis against it on a free port: no server errors, and every
        answer's status, content type and body as the OpenAPI document declares
  tidy  check the repository's own rules (module docs, architecture code map, untranslated guides)
  diagrams
        draw the guides' sequence diagrams: content/diagrams/*.seq to *.svg
";

/// Where `cargo xtask run` keeps the demo sandbox's credentials for scripts and guides.
const DEMO_FILE: &str = ".data/demo-sandbox.json";

fn main() {
    if let Err(error) = run_command(std::env::args().skip(1).collect()) {
        eprintln!("xtask: error: {error:#}");
        std::process::exit(1);
    }
}

fn run_command(args: Vec<String>) -> anyhow::Result<()> {
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Ok(());
    };
    let workspace = Workspace::locate()?;
    match command.as_str() {
        "run" => run(&workspace, rest),
        "build" => {
            let profile = Profile::from_args(rest)?;
            prereqs::ensure_rust_targets()?;
            build_all(&workspace, profile)?;
            Ok(())
        }
        "test" => test(&workspace, rest),
        "schemathesis" => schemathesis_alone(&workspace),
        "bench" => bench(&workspace),
        "tidy" => {
            let problems = tidy::check(&workspace.root)?;
            if problems.is_empty() {
                println!("tidy: all rules hold");
                Ok(())
            } else {
                for problem in &problems {
                    eprintln!("tidy: {problem}");
                }
                bail!("{} tidy problem(s)", problems.len())
            }
        }
        "diagrams" => diagrams::write_all(&workspace.root),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Where the repository and its build output live.
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
}

impl Workspace {
    fn locate() -> anyhow::Result<Workspace> {
        // `cargo run` sets CARGO_MANIFEST_DIR for the running binary, so the checkout being tested is the one
        // `cargo xtask` was started in. The compile-time value is only a fallback: cargo does not rebuild xtask
        // when the same target directory serves a clone at another path (as CI's shared directory does), so a
        // baked-in path would silently test an older checkout.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest_dir
            .parent()
            .context("xtask must live one level below the workspace root")?
            .to_path_buf();
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                if dir.is_absolute() {
                    dir
                } else {
                    root.join(dir)
                }
            }
            _ => root.join("target"),
        };
        Ok(Workspace { root, target_dir })
    }

    /// The directory the server serves `/pkg` from: the bundle, the stylesheet and icons.
    pub fn site_root(&self) -> PathBuf {
        self.target_dir.join("site")
    }

    pub fn server_binary(&self, profile: Profile) -> PathBuf {
        self.target_dir
            .join(profile.server_dir())
            .join("portal-server")
    }
}

/// Which cargo profile the server is built with. The browser bundle is always size-optimised.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The shared development and test profile (dependencies optimised, our code not).
    Dev,
    Release,
}

impl Profile {
    fn from_args(args: &[String]) -> anyhow::Result<Profile> {
        let mut profile = Profile::Dev;
        for arg in args {
            match arg.as_str() {
                "--release" => profile = Profile::Release,
                other => bail!("unknown option `{other}`\n\n{USAGE}"),
            }
        }
        Ok(profile)
    }

    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Dev => &[],
            Profile::Release => &["--release"],
        }
    }

    fn server_dir(self) -> &'static str {
        match self {
            Profile::Dev => "debug",
            Profile::Release => "release",
        }
    }
}

/// What `build_all` produced.
struct Built {
    server: PathBuf,
    guest: PathBuf,
}

fn build_all(workspace: &Workspace, profile: Profile) -> anyhow::Result<Built> {
    let guest = build_site_and_guest(workspace)?;
    cmd::step("Building the portal server");
    let mut args = vec!["build", "--package", "portal-server"];
    args.extend_from_slice(profile.cargo_args());
    cmd::cargo(&workspace.root, &args).run()?;
    Ok(Built {
        server: workspace.server_binary(profile),
        guest,
    })
}

/// Builds the browser bundle and the sandbox guest; returns the guest's path.
fn build_site_and_guest(workspace: &Workspace) -> anyhow::Result<PathBuf> {
    bundle::build(workspace)?;
    guest::build(workspace)
}

fn run(workspace: &Workspace, args: &[String]) -> anyhow::Result<()> {
    let mut profile = Profile::Dev;
    let mut addr = std::env::var("PORTAL_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let mut database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://.data/portal.db".to_owned());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--release" => profile = Profile::Release,
            "--addr" => addr = rest.next().context("--addr needs a value")?.clone(),
            "--database-url" => {
                database_url = rest.next().context("--database-url needs a value")?.clone();
            }
            other => bail!("unknown option `{other}`\n\n{USAGE}"),
        }
    }
    prereqs::ensure_rust_targets()?;
    let built = build_all(workspace, profile)?;
    cmd::step("Starting the portal");
    println!(
        "\n  Open http://{addr}/ in your browser.\n  Health check: http://{addr}/healthz\n  Stop with Ctrl-C.\n"
    );
    let status = std::process::Command::new(&built.server)
        .current_dir(&workspace.root)
        .env("PORTAL_ADDR", &addr)
        .env("DATABASE_URL", &database_url)
        .env("PORTAL_SITE_ROOT", workspace.site_root())
        .env("PORTAL_GUEST", &built.guest)
        .env("PORTAL_CACHE_DIR", workspace.root.join(".data/cache"))
        .env("PORTAL_DEMO_FILE", workspace.root.join(DEMO_FILE))
        // The configuration key file (`config.key`) lives beside the database, unless PORTAL_CONFIG_KEY is set.
        .env("PORTAL_DATA_DIR", workspace.root.join(".data"))
        .status()
        .with_context(|| format!("starting {}", built.server.display()))?;
    if !status.success() {
        bail!("the portal server exited with {status}");
    }
    Ok(())
}

/// `cargo test` over the workspace as `cargo xtask test` runs it; every build of the server for tests uses these
/// arguments, so features unify the same way and nothing is compiled twice.
const WORKSPACE_TEST_ARGS: [&str; 7] = [
    "test",
    "--workspace",
    "--exclude",
    "portal-hydrate",
    "--exclude",
    "xtask",
    "--no-fail-fast",
];

/// `cargo xtask schemathesis`: the last step of a full test run on its own, with the server built as the test
/// run builds it.
fn schemathesis_alone(workspace: &Workspace) -> anyhow::Result<()> {
    prereqs::ensure_rust_targets()?;
    prereqs::ensure_schemathesis()?;
    let guest = build_site_and_guest(workspace)?;
    cmd::step("Building the server binary as the tests build it (cargo test --no-run)");
    let mut build_args = WORKSPACE_TEST_ARGS.to_vec();
    build_args.push("--no-run");
    cmd::cargo(&workspace.root, &build_args).run()?;
    cmd::step("Fuzzing the API against its OpenAPI document (schemathesis)");
    schemathesis::run(
        workspace,
        &workspace.server_binary(Profile::Dev),
        &guest,
        &workspace.site_root(),
    )
}

/// What `cargo xtask test` was asked to run: everything, or only some packages' tests.
struct TestSelection {
    packages: Vec<String>,
    test_args: Vec<String>,
}

impl TestSelection {
    fn from_args(args: &[String]) -> anyhow::Result<TestSelection> {
        let mut selection = TestSelection {
            packages: Vec::new(),
            test_args: Vec::new(),
        };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--package" | "-p" => selection
                    .packages
                    .push(rest.next().context("--package needs a value")?.clone()),
                "--" => {
                    selection.test_args = rest.cloned().collect();
                    break;
                }
                other => bail!("unknown option `{other}`\n\n{USAGE}"),
            }
        }
        Ok(selection)
    }

    fn is_full(&self) -> bool {
        self.packages.is_empty()
    }
}

fn test(workspace: &Workspace, args: &[String]) -> anyhow::Result<()> {
    let selection = TestSelection::from_args(args)?;
    prereqs::ensure_rust_targets()?;
    let chromium = prereqs::ensure_chromium()?;
    prereqs::ensure_pdfsig()?;
    prereqs::ensure_sample_tools()?;
    prereqs::ensure_openapi_validator()?;
    if selection.is_full() {
        prereqs::ensure_schemathesis()?;
        lint(workspace)?;
    }

    let guest = build_site_and_guest(workspace)?;

    // Cargo unifies features across the packages of one invocation, so the server binary the browser tests
    // start is the one `cargo test` builds (it builds binaries for integration tests); a separate
    // `cargo build -p portal-server` would compile most dependencies a second time. xtask's own tests run
    // on their own for the same reason: together with the workspace they would rebuild wasm-bindgen.
    let postgres_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let server = workspace.server_binary(Profile::Dev);
    // A focused run builds exactly what the full run builds: with fewer packages selected, cargo would unify
    // features differently and compile Wasmtime, axum and the rest a second time. It then runs only the
    // selected packages' test binaries.
    let test_args = WORKSPACE_TEST_ARGS;
    let with_env = |cmd: cmd::Cmd| {
        cmd.env("PORTAL_SERVER_BIN", server.as_os_str())
            .env(guest::GUEST_ENV, guest.as_os_str())
            .env("PORTAL_SITE_ROOT", workspace.site_root().as_os_str())
            .env("TEST_POSTGRES_URL", postgres_url.as_ref())
            .env("CHROMIUM_BIN", chromium.browser.as_os_str())
            .env("CHROMEDRIVER_BIN", chromium.driver.as_os_str())
    };
    cmd::step("Building every test and the server binary (cargo test --no-run)");
    let mut build_args = test_args.to_vec();
    build_args.push("--no-run");

    if selection.is_full() {
        with_env(cmd::cargo(&workspace.root, &build_args)).run()?;
        cmd::step("Running every test (cargo test --workspace)");
        with_env(cmd::cargo(&workspace.root, &test_args)).run()?;
        cmd::step("Running xtask's own tests, tidy included (cargo test -p xtask)");
        cmd::cargo(&workspace.root, &["test", "--package", "xtask"]).run()?;
        cmd::step("Fuzzing the API against its OpenAPI document (schemathesis)");
        schemathesis::run(workspace, &server, &guest, &workspace.site_root())?;
        cmd::step("All checks and tests passed");
        return Ok(());
    }

    build_args.push("--message-format=json-render-diagnostics");
    let messages = with_env(cmd::cargo(&workspace.root, &build_args)).run_capturing_stdout()?;
    let binaries = test_binaries(&messages, &selection.packages)?;
    for package in &selection.packages {
        if !binaries.iter().any(|binary| &binary.package == package) {
            bail!("no test binaries found for package `{package}` (is it a workspace member?)");
        }
    }
    cmd::step("Running the selected packages' tests");
    let extra: Vec<&str> = selection.test_args.iter().map(String::as_str).collect();
    let mut failed = Vec::new();
    for binary in &binaries {
        let mut run = with_env(cmd::program(binary.executable.as_os_str(), &extra));
        run.current_dir(&binary.package_dir);
        if let Err(error) = run.run() {
            eprintln!("xtask: {error:#}");
            failed.push(format!("{} ({})", binary.package, binary.target));
        }
    }
    if !failed.is_empty() {
        bail!("tests failed in: {}", failed.join(", "));
    }
    cmd::step(
        "The selected tests passed (the full `cargo xtask test` also lints and runs doctests)",
    );
    Ok(())
}

/// One test executable cargo built, and the package it belongs to.
struct TestBinary {
    package: String,
    package_dir: PathBuf,
    target: String,
    executable: PathBuf,
}

/// The test executables of `packages` among cargo's JSON build messages.
fn test_binaries(messages: &str, packages: &[String]) -> anyhow::Result<Vec<TestBinary>> {
    let mut binaries = Vec::new();
    for line in messages.lines().filter(|line| line.starts_with('{')) {
        let message: serde_json::Value =
            serde_json::from_str(line).context("reading cargo's JSON messages")?;
        if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
            continue;
        }
        let (Some(executable), Some(manifest), Some(package_id)) = (
            message["executable"].as_str(),
            message["manifest_path"].as_str(),
            message["package_id"].as_str(),
        ) else {
            continue;
        };
        let package_dir = Path::new(manifest)
            .parent()
            .context("a manifest path without a directory")?
            .to_path_buf();
        let package = package_name(package_id, &package_dir);
        if packages.contains(&package) {
            binaries.push(TestBinary {
                package,
                package_dir,
                target: message["target"]["name"].as_str().unwrap_or("?").to_owned(),
                executable: PathBuf::from(executable),
            });
        }
    }
    Ok(binaries)
}

/// The package name in a cargo package ID: `path+file:///w/portal/server#portal-server@0.1.0`, or
/// `path+file:///w/xtask#0.1.0` when the name is the directory's.
fn package_name(package_id: &str, package_dir: &Path) -> String {
    let fragment = package_id
        .rsplit_once('#')
        .map_or("", |(_, fragment)| fragment);
    match fragment.split_once('@') {
        Some((name, _)) => name.to_owned(),
        None => package_dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Formatting, the repository's rules and clippy on both targets: the checks of a full test run.
fn lint(workspace: &Workspace) -> anyhow::Result<()> {
    cmd::step("Checking formatting (cargo fmt --check)");
    cmd::cargo(&workspace.root, &["fmt", "--all", "--", "--check"]).run()?;

    cmd::step("Checking repository rules (tidy)");
    let problems = tidy::check(&workspace.root)?;
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("tidy: {problem}");
        }
        bail!("{} tidy problem(s)", problems.len());
    }

    cmd::step("Linting the native crates (clippy -D warnings)");
    cmd::cargo(
        &workspace.root,
        &[
            "clippy",
            "--workspace",
            "--exclude",
            "portal-hydrate",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    cmd::step("Linting the browser crate (clippy -D warnings, wasm32)");
    cmd::cargo(
        &workspace.root,
        &[
            "clippy",
            "--package",
            "portal-hydrate",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            bundle::WASM_PROFILE,
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    Ok(())
}

fn bench(workspace: &Workspace) -> anyhow::Result<()> {
    prereqs::ensure_rust_targets()?;
    let built = build_all(workspace, Profile::Dev)?;
    cmd::step("Measuring the portal's start-up (the server binary `cargo xtask run` starts)");
    startup::bench(&built.server, &workspace.site_root(), &built.guest)?;
    let guest = built.guest;
    cmd::step("Benchmarking the sandbox against the native core (cargo bench -p sandbox-runtime)");
    let postgres_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    cmd::cargo(
        &workspace.root,
        &[
            "bench",
            "--package",
            "sandbox-runtime",
            "--bench",
            "sandbox",
        ],
    )
    .env(guest::GUEST_ENV, guest.as_os_str())
    .env("TEST_POSTGRES_URL", postgres_url.as_ref())
    .run()
}

/// Makes a path relative to the workspace for messages, when it is inside it.
pub fn display_path<'a>(workspace: &Workspace, path: &'a Path) -> std::borrow::Cow<'a, str> {
    match path.strip_prefix(&workspace.root) {
        Ok(relative) => relative.to_string_lossy().into_owned().into(),
        Err(_) => path.to_string_lossy(),
    }
}
