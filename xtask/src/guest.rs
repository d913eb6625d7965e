//! Building the sandbox guest: `mock-iamsmart-guest` for `wasm32-unknown-unknown` with the size-optimised
//! profile, then turned into a component with `wit-component`'s `ComponentEncoder`, into
//! `<target>/guest/mock_iamsmart.wasm`. The sandbox runtime loads that file; its tests and benchmarks find
//! it through the `MOCK_IAMSMART_GUEST` environment variable.
//!
//! The core module is built for `wasm32-unknown-unknown` rather than a WASI target so that the component
//! imports exactly the interfaces of `sandbox-runtime/wit/sandbox.wit` and nothing else. This step checks
//! that: a component that imports anything outside the `iamsmart:sandbox` package is an error, never a
//! warning. It must never write anywhere but the target directory.

use std::{fs, path::PathBuf};

use anyhow::{Context, bail};

use crate::{Workspace, bundle::WASM_PROFILE, cmd, display_path};

const GUEST_PACKAGE: &str = "mock-iamsmart-guest";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The guest is built with the size-optimised wasm profile (fat LTO, `panic = "abort"`) but optimised for
/// speed. It runs on the server, where its size only costs compile-cache space (393 KB at `z`, 523 KB at
/// `3`), while its speed is the sandbox's throughput: measured, `opt-level = 3` raised getKey through the
/// sandbox from 47 % to 59 % of the natively linked core (the rest is Cranelift running the RSA
/// arithmetic about 2x slower than LLVM). Cargo keys artifacts by profile settings, so this does not
/// disturb the browser bundle built with the same profile.
const GUEST_OPT_LEVEL: &str = "profile.wasm-release.opt-level=3";
/// The only package whose interfaces the guest may import (the sandbox WIT world).
const ALLOWED_IMPORT_PREFIX: &str = "iamsmart:sandbox/";

/// The environment variable through which tests and benchmarks find the built guest.
pub const GUEST_ENV: &str = "MOCK_IAMSMART_GUEST";

/// Builds the guest component and returns its path, `<target>/guest/mock_iamsmart.wasm`.
pub fn build(workspace: &Workspace) -> anyhow::Result<PathBuf> {
    cmd::step("Building the sandbox guest (mock-iamsmart-guest for wasm32)");
    cmd::cargo(
        &workspace.root,
        &[
            "build",
            "--package",
            GUEST_PACKAGE,
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            WASM_PROFILE,
            "--config",
            GUEST_OPT_LEVEL,
        ],
    )
    .run()?;
    let core_module = workspace
        .target_dir
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join("mock_iamsmart_guest.wasm");
    let module_bytes =
        fs::read(&core_module).with_context(|| format!("reading {}", core_module.display()))?;

    // The core module carries the world it was built against in a custom section (wit-bindgen puts it
    // there); the encoder reads it and wraps the module in a component with exactly those imports.
    let component = wit_component::ComponentEncoder::default()
        .module(&module_bytes)
        .context("reading the guest's component metadata")?
        .validate(true)
        .encode()
        .context("encoding the guest as a component")?;
    check_imports(&component)?;

    let out_dir = workspace.target_dir.join("guest");
    fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let out = out_dir.join("mock_iamsmart.wasm");
    // Written beside the final name and renamed, so a running server or test never reads half a file.
    let partial = out_dir.join("mock_iamsmart.wasm.partial");
    fs::write(&partial, &component).with_context(|| format!("writing {}", partial.display()))?;
    fs::rename(&partial, &out).with_context(|| format!("replacing {}", out.display()))?;
    println!(
        "    guest {}: {} KB core module, {} KB component (set {GUEST_ENV} to this path)",
        display_path(workspace, &out),
        module_bytes.len() / 1024,
        component.len() / 1024,
    );
    Ok(out)
}

/// Fails unless every import of the component belongs to the sandbox world's package.
fn check_imports(component: &[u8]) -> anyhow::Result<()> {
    let decoded = wit_component::decode(component).context("decoding the guest component")?;
    let wit_component::DecodedWasm::Component(resolve, world) = decoded else {
        bail!("the guest decoded as a WIT package, not a component");
    };
    let strays: Vec<String> = resolve.worlds[world]
        .imports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .filter(|name| !name.starts_with(ALLOWED_IMPORT_PREFIX))
        .collect();
    if !strays.is_empty() {
        bail!(
            "the guest imports {} outside the sandbox world; it must reach nothing but \
             sandbox-runtime/wit/sandbox.wit",
            strays.join(", ")
        );
    }
    Ok(())
}
