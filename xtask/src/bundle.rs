//! Building the browser bundle: the hydrate crate for wasm32, wasm-bindgen's JavaScript glue (linked in as the
//! `wasm-bindgen-cli-support` library at exactly the version of the `wasm-bindgen` crate, so the two can never
//! drift apart), npm binaryen's `wasm-opt`, the try-it console's own module and page script, and the static
//! assets, all into `<target>/site/pkg`.
//!
//! The output names must match what the server's `HydrationScripts` asks for: `portal.js` and `portal_bg.wasm`.

use std::{ffi::OsStr, fs, path::Path};

use anyhow::{Context, bail};

use crate::{Workspace, cmd, display_path, prereqs};

/// The cargo profile for the wasm bundle: size-optimised, fat LTO, abort on panic.
pub const WASM_PROFILE: &str = "wasm-release";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Builds the bundle and copies the assets; returns nothing but leaves `<target>/site/pkg` complete.
pub fn build(workspace: &Workspace) -> anyhow::Result<()> {
    cmd::step("Building the browser bundle (portal-hydrate for wasm32)");
    let wasm = build_wasm_library(workspace, "portal-hydrate")?;

    let pkg = workspace.site_root().join("pkg");
    fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    cmd::step("Generating the JavaScript glue (wasm-bindgen)");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(portal_bundle_name())
        .web(true)
        .context("selecting wasm-bindgen's web target")?
        .typescript(false)
        .generate(&pkg)
        .context("running wasm-bindgen on the hydrate bundle")?;

    let bundle = pkg.join(format!("{}_bg.wasm", portal_bundle_name()));
    optimise(workspace, &bundle)?;

    build_try_it(workspace, &pkg)?;
    copy_assets(&workspace.root.join("portal/app/style"), &pkg)?;
    precompress(workspace, &pkg)?;
    Ok(())
}

/// Builds `package`'s library for the browser (wasm32, the size-optimised profile); returns the `.wasm` cargo wrote.
fn build_wasm_library(workspace: &Workspace, package: &str) -> anyhow::Result<std::path::PathBuf> {
    cmd::cargo(
        &workspace.root,
        &[
            "build",
            "--package",
            package,
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            WASM_PROFILE,
        ],
    )
    .run()?;
    let wasm = workspace
        .target_dir
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join(format!("{}.wasm", package.replace('-', "_")));
    if !wasm.is_file() {
        bail!("cargo did not produce {}", wasm.display());
    }
    Ok(wasm)
}

/// Runs npm binaryen's `wasm-opt -Oz` over `module` in place (when it is available) and prints the sizes.
fn optimise(workspace: &Workspace, module: &Path) -> anyhow::Result<()> {
    let raw_size = file_size(module)?;
    if let Some(wasm_opt) = prereqs::ensure_wasm_opt() {
        cmd::step(&format!(
            "Optimising {} for size (wasm-opt -Oz)",
            display_path(workspace, module)
        ));
        let optimised = module.with_extension("opt.wasm");
        let input = module.to_string_lossy().into_owned();
        let output = optimised.to_string_lossy().into_owned();
        // The feature flags match what rustc emits for wasm32-unknown-unknown today; wasm-opt must be told
        // or it rejects (or mis-optimises) the module.
        cmd::program(
            wasm_opt.as_os_str(),
            &[
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
                &input,
                "-o",
                &output,
            ],
        )
        .run()?;
        fs::rename(&optimised, module).context("replacing the module with the optimised one")?;
    }
    println!(
        "    {}: {} KB raw{}",
        display_path(workspace, module),
        raw_size / 1024,
        match file_size(module) {
            Ok(size) if size != raw_size => format!(", {} KB after wasm-opt", size / 1024),
            _ => String::new(),
        }
    );
    Ok(())
}

/// The try-it console's module (`portal-tryit`: mock-iamsmart's client envelope for the browser) and its page
/// script, as `tryit.js`, `tryit_bg.wasm` and `try-it.js`. Only `/reference/try` loads them, so they cost the
/// hydrate bundle nothing.
fn build_try_it(workspace: &Workspace, pkg: &Path) -> anyhow::Result<()> {
    cmd::step("Building the try-it console's module (portal-tryit for wasm32)");
    let wasm = build_wasm_library(workspace, "portal-tryit")?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(TRY_IT_NAME)
        .web(true)
        .context("selecting wasm-bindgen's web target")?
        .typescript(false)
        .generate(pkg)
        .context("running wasm-bindgen on the try-it module")?;
    optimise(workspace, &pkg.join(format!("{TRY_IT_NAME}_bg.wasm")))?;
    let script = workspace.root.join("portal/tryit/js/try-it.js");
    fs::copy(&script, pkg.join("try-it.js"))
        .with_context(|| format!("copying {}", script.display()))?;
    Ok(())
}

/// The try-it module's file names, which `portal/tryit/js/try-it.js` imports.
const TRY_IT_NAME: &str = "tryit";

/// Writes `.br` (quality 11) and `.gz` (level 9) beside every file in `pkg`, which the server sends as they are
/// to browsers that accept them; stale ones from an earlier build are replaced.
fn precompress(workspace: &Workspace, pkg: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    cmd::step("Pre-compressing the bundle and assets (brotli 11, gzip 9)");
    for entry in fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let extension = path.extension().and_then(OsStr::to_str).unwrap_or_default();
        if !path.is_file() || extension == "br" || extension == "gz" {
            continue;
        }
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut brotli_bytes = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli_bytes, 1 << 16, 11, 22);
            writer.write_all(&bytes)?;
        }
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        let gzip_bytes = gzip.finish()?;
        for (suffix, compressed) in [("br", &brotli_bytes), ("gz", &gzip_bytes)] {
            let mut name = path.as_os_str().to_owned();
            name.push(".");
            name.push(suffix);
            fs::write(&name, compressed)
                .with_context(|| format!("writing {}", Path::new(&name).display()))?;
        }
        if extension == "wasm" {
            println!(
                "    {}: {} KB brotli, {} KB gzip as served",
                display_path(workspace, &path),
                brotli_bytes.len() / 1024,
                gzip_bytes.len() / 1024
            );
        }
    }
    Ok(())
}

fn portal_bundle_name() -> &'static str {
    // Kept in one place with the server's expectation (`portal_app::BUNDLE_NAME`); xtask does not link the app
    // crate, so a tidy rule would catch a drift before a browser does.
    "portal"
}

fn copy_assets(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() && entry.path().extension() != Some(OsStr::new("md")) {
            fs::copy(entry.path(), to.join(entry.file_name()))
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn file_size(path: &Path) -> anyhow::Result<u64> {
    Ok(fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len())
}
