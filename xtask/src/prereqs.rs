//! Installing what a fresh machine lacks: the Rust wasm targets (through rustup), Debian's Chromium and
//! ChromeDriver for the browser tests and poppler's `pdfsig` for the signed-PDF tests (through apt-get when
//! running as root), npm's binaryen for `wasm-opt`, and PyPI's openapi-spec-validator and schemathesis (through
//! pip, into the user's cache).
//!
//! Each check is cheap when the thing is already there, so every command can call these freely. This module
//! must never download anything except through the machine's own package clients.

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};

use crate::cmd;

/// The wasm targets: the browser bundle and (later) the sandbox guest.
const RUST_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "wasm32-wasip2"];

/// The binaryen release whose `wasm-opt` is known to keep the bundle working (Debian's 108 breaks it; STACK.md).
const BINARYEN_VERSION: &str = "132.0.0";

/// Adds the wasm targets with rustup when they are missing.
pub fn ensure_rust_targets() -> anyhow::Result<()> {
    let installed = cmd::program(OsStr::new("rustup"), &["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm targets; install Rust with rustup")?;
    let missing: Vec<&str> = RUST_TARGETS
        .into_iter()
        .filter(|target| !installed.lines().any(|line| line.trim() == *target))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    cmd::step(&format!("Installing Rust targets: {}", missing.join(", ")));
    let mut args = vec!["target", "add"];
    args.extend(missing);
    cmd::program(OsStr::new("rustup"), &args).run()
}

/// Where the browser tests find Chromium and its driver.
pub struct Chromium {
    pub browser: PathBuf,
    pub driver: PathBuf,
}

/// Finds Debian's Chromium and ChromeDriver, installing them with apt-get when missing and running as root.
pub fn ensure_chromium() -> anyhow::Result<Chromium> {
    if let Some(found) = find_chromium() {
        return Ok(found);
    }
    if !is_root() {
        bail!(
            "the browser tests need Chromium and ChromeDriver; install them with \
             `sudo apt-get install chromium chromium-driver` (or run `cargo xtask test` as root)"
        );
    }
    cmd::step("Installing Chromium and ChromeDriver (apt-get)");
    cmd::program(OsStr::new("apt-get"), &["update", "-qq"]).run()?;
    cmd::program(
        OsStr::new("apt-get"),
        &["install", "-y", "-qq", "chromium", "chromium-driver"],
    )
    .env("DEBIAN_FRONTEND", OsStr::new("noninteractive"))
    .run()?;
    find_chromium()
        .context("apt-get finished but chromium or chromedriver is still not on the PATH")
}

/// The programs the guides' shell samples use (`content/samples/*.sh`, run by a portal-server test): curl,
/// openssl and jq, installed with apt-get when missing and running as root.
pub fn ensure_sample_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = ["curl", "openssl", "jq"]
        .into_iter()
        .filter(|tool| find_on_path(tool).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the guides' shell samples need {}; install them with `sudo apt-get install {}` (or run \
             `cargo xtask test` as root)",
            missing.join(", "),
            missing.join(" ")
        );
    }
    cmd::step(&format!(
        "Installing {} for the guides' shell samples (apt-get)",
        missing.join(", ")
    ));
    cmd::program(OsStr::new("apt-get"), &["update", "-qq"]).run()?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(&missing);
    cmd::program(OsStr::new("apt-get"), &args)
        .env("DEBIAN_FRONTEND", OsStr::new("noninteractive"))
        .run()?;
    Ok(())
}

/// The independent OpenAPI validator the api-specs tests run: PyPI's `openapi-spec-validator`, installed into
/// `~/.cache/iamsmart-sandbox/python` with pip when Python cannot import it already.
pub fn ensure_openapi_validator() -> anyhow::Result<()> {
    let cache = python_cache()?;
    let importable = cmd::program(
        OsStr::new("python3"),
        &["-c", "import openapi_spec_validator"],
    )
    .env("PYTHONPATH", cache.as_os_str())
    .output()
    .is_ok();
    if importable {
        return Ok(());
    }
    cmd::step("Installing openapi-spec-validator for the api-specs tests (pip, into ~/.cache)");
    let target = cache.to_string_lossy().into_owned();
    cmd::program(
        OsStr::new("python3"),
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            &target,
            "openapi-spec-validator==0.9.0",
        ],
    )
    .run()
    .context("installing openapi-spec-validator with pip (python3 and pip are needed for the api-specs tests)")
}

/// The schemathesis release `cargo xtask test` runs against a local portal (see `schemathesis.rs`). Pinned: its
/// checks, its report's fields and the private hook API `xtask/schemathesis/signed_requests.py` leans on change
/// between releases.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// Where pip installs the Python tools the tests run, put on `PYTHONPATH` for them.
pub fn python_cache() -> anyhow::Result<PathBuf> {
    std::env::var_os("HOME")
        .map(|home| Path::new(&home).join(".cache/iamsmart-sandbox/python"))
        .context("HOME is not set")
}

/// PyPI's schemathesis at [`SCHEMATHESIS_VERSION`], installed into the same `~/.cache/iamsmart-sandbox/python`
/// as the OpenAPI validator, with pip, when Python cannot import that version already.
pub fn ensure_schemathesis() -> anyhow::Result<()> {
    let cache = python_cache()?;
    let probe = format!(
        "import importlib.metadata as m, sys; import schemathesis; \
         sys.exit(m.version('schemathesis') != '{SCHEMATHESIS_VERSION}')"
    );
    let installed = cmd::program(OsStr::new("python3"), &["-c", &probe])
        .env("PYTHONPATH", cache.as_os_str())
        .output()
        .is_ok();
    if installed {
        return Ok(());
    }
    cmd::step(&format!(
        "Installing schemathesis {SCHEMATHESIS_VERSION} for the API fuzzing step (pip, into ~/.cache)"
    ));
    let target = cache.to_string_lossy().into_owned();
    let requirement = format!("schemathesis=={SCHEMATHESIS_VERSION}");
    // `--upgrade` lets this release's dependencies replace older copies a previous install left in the
    // directory; without it pip keeps whatever is there, even a version schemathesis cannot use.
    cmd::program(
        OsStr::new("python3"),
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--upgrade",
            "--target",
            &target,
            &requirement,
        ],
    )
    .run()
    .context("installing schemathesis with pip (python3 and pip are needed for `cargo xtask test`)")
}

/// Finds poppler's `pdfsig` (Debian `poppler-utils`), which the signing tests use to check signed PDFs as
/// a PDF reader does, installing it with apt-get when missing and running as root.
pub fn ensure_pdfsig() -> anyhow::Result<PathBuf> {
    if let Some(found) = find_on_path("pdfsig") {
        return Ok(found);
    }
    if !is_root() {
        bail!(
            "the signing tests need poppler's pdfsig; install it with \
             `sudo apt-get install poppler-utils` (or run `cargo xtask test` as root)"
        );
    }
    cmd::step("Installing poppler-utils for pdfsig (apt-get)");
    cmd::program(OsStr::new("apt-get"), &["update", "-qq"]).run()?;
    cmd::program(
        OsStr::new("apt-get"),
        &["install", "-y", "-qq", "poppler-utils"],
    )
    .env("DEBIAN_FRONTEND", OsStr::new("noninteractive"))
    .run()?;
    find_on_path("pdfsig").context("apt-get finished but pdfsig is still not on the PATH")
}

fn find_chromium() -> Option<Chromium> {
    let browser = ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(find_on_path)?;
    let driver = find_on_path("chromedriver")?;
    Some(Chromium { browser, driver })
}

/// Looks a program up on `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn is_root() -> bool {
    cmd::program(OsStr::new("id"), &["-u"])
        .output()
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}

/// Returns npm's `wasm-opt` from binaryen, installing it into the user's cache when npm is available. `None`
/// means the bundle is served unoptimised (larger, still correct), with a warning saying why.
pub fn ensure_wasm_opt() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(home).join(".cache"));
    let prefix = cache
        .join("iamsmart-sandbox")
        .join(format!("binaryen-{BINARYEN_VERSION}"));
    let wasm_opt = prefix
        .join("node_modules")
        .join("binaryen")
        .join("bin")
        .join("wasm-opt");
    if wasm_opt.is_file() {
        return Some(wasm_opt);
    }
    let Some(npm) = find_on_path("npm") else {
        println!("    (npm not found: the browser bundle is not size-optimised with wasm-opt)");
        return None;
    };
    cmd::step(&format!(
        "Installing wasm-opt (npm binaryen@{BINARYEN_VERSION})"
    ));
    if let Err(error) = std::fs::create_dir_all(&prefix) {
        println!(
            "    (could not create {}: {error}; skipping wasm-opt)",
            prefix.display()
        );
        return None;
    }
    let prefix_arg = prefix.to_string_lossy().into_owned();
    let package = format!("binaryen@{BINARYEN_VERSION}");
    let installed = cmd::program(
        npm.as_os_str(),
        &[
            "install",
            "--prefix",
            &prefix_arg,
            "--no-audit",
            "--no-fund",
            "--silent",
            &package,
        ],
    )
    .run();
    match installed {
        Ok(()) if wasm_opt.is_file() => Some(wasm_opt),
        Ok(()) => {
            println!("    (binaryen installed without a wasm-opt entry point; skipping wasm-opt)");
            None
        }
        Err(error) => {
            println!("    ({error:#}; the bundle is not size-optimised)");
            None
        }
    }
}
