//! The repository's own rules, checked by `cargo xtask tidy` and by a test so `cargo test` enforces them:
//! every `.rs` file opens with a `//!` module doc, and every workspace member has a heading in ARCHITECTURE.md's
//! code map. Rules only read files; they must never change them.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context;

/// Directories that hold no source of ours.
const SKIPPED_DIRS: [&str; 4] = ["target", "node_modules", ".git", ".data"];

/// Runs every rule over the repository at `root` and returns the problems found, one line each.
pub fn check(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for file in rust_files(root)? {
        let text =
            fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        if !has_module_doc(&text) {
            problems.push(format!(
                "{} does not start with a `//!` doc saying what it is for",
                relative(root, &file)
            ));
        }
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    let architecture = fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap_or_default();
    if architecture.is_empty() {
        problems.push("ARCHITECTURE.md is missing or empty".to_owned());
    }
    for member in workspace_members(&manifest) {
        if !code_map_mentions(&architecture, &member) {
            problems.push(format!(
                "workspace member `{member}` has no heading in ARCHITECTURE.md's code map (a line starting \
                 with `#` that names `{member}` in backticks)"
            ));
        }
    }
    Ok(problems)
}

/// True when the first non-blank line is an inner doc comment (`//!`).
fn has_module_doc(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with("//!"))
}

/// The `members = [...]` list of a workspace manifest.
fn workspace_members(manifest: &str) -> Vec<String> {
    let Some(start) = manifest.find("members") else {
        return Vec::new();
    };
    let rest = &manifest[start..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty() && !item.starts_with('#'))
        .collect()
}

fn code_map_mentions(architecture: &str, member: &str) -> bool {
    let needle = format!("`{member}`");
    architecture
        .lines()
        .any(|line| line.trim_start().starts_with('#') && line.contains(&needle))
}

fn rust_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type()?.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_ref()) && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_follows_its_tidy_rules() -> anyhow::Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives below the workspace root")?;
        let problems = check(root)?;
        assert!(
            problems.is_empty(),
            "tidy problems:\n{}",
            problems.join("\n")
        );
        Ok(())
    }

    #[test]
    fn a_file_without_a_module_doc_is_reported() {
        assert!(has_module_doc("\n//! What this is for.\nfn main() {}\n"));
        assert!(!has_module_doc("// An ordinary comment.\n//! Too late.\n"));
        assert!(!has_module_doc("use std::fs;\n"));
        assert!(!has_module_doc(""));
    }

    #[test]
    fn members_missing_from_the_code_map_are_reported() {
        let manifest = "[workspace]\nmembers = [\n    \"xtask\",\n    \"portal/app\",\n]\n";
        assert_eq!(workspace_members(manifest), vec!["xtask", "portal/app"]);
        let architecture = "# Architecture\n## Code map\n### `xtask`\nAutomation.\nMentions `portal/app` in prose.\n";
        assert!(code_map_mentions(architecture, "xtask"));
        assert!(!code_map_mentions(architecture, "portal/app"));
    }

    #[test]
    fn a_temporary_tree_with_an_undocumented_file_fails_the_check() -> anyhow::Result<()> {
        let root = std::env::temp_dir().join(format!("xtask-tidy-{}", std::process::id()));
        fs::create_dir_all(root.join("demo/src"))?;
        fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"demo\"]\n",
        )?;
        fs::write(root.join("ARCHITECTURE.md"), "### `demo`\n")?;
        fs::write(root.join("demo/src/lib.rs"), "pub fn undocumented() {}\n")?;
        let problems = check(&root)?;
        fs::remove_dir_all(&root)?;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("demo/src/lib.rs"));
        Ok(())
    }
}
