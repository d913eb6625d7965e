//! An independent check: PyPI's `openapi-spec-validator` (not utoipa) must accept the committed document.
//! `cargo xtask test` installs the validator into `~/.cache/iamsmart-sandbox/python` when Python lacks it.

use std::{path::Path, process::Command};

#[test]
fn an_independent_validator_accepts_the_document() -> Result<(), Box<dyn std::error::Error>> {
    let document = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let cache = std::env::var_os("HOME")
        .map(|home| Path::new(&home).join(".cache/iamsmart-sandbox/python"))
        .unwrap_or_default();
    let output = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&document)
        .env("PYTHONPATH", &cache)
        .output()
        .map_err(|error| format!("running python3 (needed for openapi-spec-validator): {error}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named openapi_spec_validator"),
        "openapi-spec-validator is not installed: `cargo xtask test` installs it, or run \
         `python3 -m pip install --target ~/.cache/iamsmart-sandbox/python openapi-spec-validator==0.9.0`"
    );
    assert!(
        output.status.success() && stdout.contains("OK"),
        "openapi-spec-validator refused api-specs/openapi.json:\n{stdout}\n{stderr}"
    );
    Ok(())
}
