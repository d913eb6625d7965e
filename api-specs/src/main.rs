//! `cargo run -p api-specs` writes the OpenAPI document to `api-specs/openapi.json` (or to the path given),
//! for committing after a wire type changes. It writes that one file and nothing else.

use std::path::PathBuf;

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json"));
    let json = match api_specs::document_json() {
        Ok(json) => json,
        Err(error) => {
            eprintln!("api-specs: could not serialise the document: {error}");
            std::process::exit(1);
        }
    };
    if let Err(error) = std::fs::write(&path, json) {
        eprintln!("api-specs: could not write {}: {error}", path.display());
        std::process::exit(1);
    }
    println!("api-specs: wrote {}", path.display());
}
