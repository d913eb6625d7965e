//! Embeds the guides into the crate: every file under the workspace's `content/` (Markdown, diagrams,
//! sample scripts) and every source file a guide includes with `{{#include path:anchor}}`, so the
//! server binary carries its documentation and a guide can only quote code that exists.
//!
//! This script only reads files and writes `$OUT_DIR/embedded.rs`; it must never change the sources.

use std::{
    collections::BTreeSet,
    env, fs,
    path::{Path, PathBuf},
};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .and_then(Path::parent)
        .expect("portal/docs lives two levels below the workspace root")
        .to_path_buf();
    let content = workspace.join("content");
    println!("cargo:rerun-if-changed={}", content.display());

    let mut files = Vec::new();
    collect(&content, &mut files);
    files.sort();

    let mut included = BTreeSet::new();
    for file in &files {
        if file.extension().is_some_and(|extension| extension == "md") {
            let text = fs::read_to_string(file).unwrap_or_default();
            for line in text.lines() {
                if let Some(target) = include_target(line) {
                    included.insert(target.to_owned());
                }
            }
        }
    }

    let mut out =
        String::from("/// Every file under `content/`, by its path relative to `content/`.\n");
    out.push_str("pub(crate) static CONTENT: &[(&str, &str)] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&content)
            .expect("collected below content/")
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({relative:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    out.push_str(
        "];\n\n/// Every file a guide includes, by its path relative to the workspace root.\n",
    );
    out.push_str("pub(crate) static INCLUDED: &[(&str, &str)] = &[\n");
    for target in &included {
        let path = workspace.join(target);
        // A missing file is reported by the loader with the guide that names it, not here, so the
        // message says which page to fix.
        if path.is_file() && !target.contains("..") {
            println!("cargo:rerun-if-changed={}", path.display());
            out.push_str(&format!(
                "    ({target:?}, include_str!({:?})),\n",
                path.display().to_string()
            ));
        }
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("embedded.rs"), out).expect("writing embedded.rs");
}

/// The path of `{{#include path}}` or `{{#include path:anchor}}` on this line, if it is an include line.
fn include_target(line: &str) -> Option<&str> {
    let inner = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    Some(inner.split_once(':').map_or(inner, |(path, _)| path))
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| ["md", "svg", "sh", "seq"].contains(&extension))
        {
            files.push(path);
        }
    }
}
