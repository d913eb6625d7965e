//! The repository's own rules, checked by `cargo xtask tidy` and by a test so `cargo test` enforces them:
//! every `.rs` file opens with a `//!` module doc, every workspace member has a heading in ARCHITECTURE.md's
//! code map, and every guide in `content/en/` is translated into `content/zh-HK/` and `content/zh-CN/`.
//! Rules only read files; they must never change them.

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
    problems.extend(untranslated_guides(&root.join("content"))?);
    Ok(problems)
}

/// The languages every guide must be written in besides English, the source language.
const TRANSLATIONS: [&str; 2] = ["zh-HK", "zh-CN"];

/// One line per guide in `content/en/` that has no file of the same name in a translation's folder, and per
/// translated page whose English original is gone. The portal shows English with a notice in the meantime.
fn untranslated_guides(content: &Path) -> anyhow::Result<Vec<String>> {
    let guides_in = |lang: &str| -> anyhow::Result<Vec<String>> {
        let dir = content.join(lang);
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    };
    let english = guides_in("en")?;
    let mut problems = Vec::new();
    for lang in TRANSLATIONS {
        let translated = guides_in(lang)?;
        for name in english.iter().filter(|name| !translated.contains(name)) {
            problems.push(format!(
                "content/en/{name} is not translated: content/{lang}/{name} is missing (the portal shows the \
                 English page with a notice until it exists)"
            ));
        }
        for name in translated.iter().filter(|name| !english.contains(name)) {
            problems.push(format!(
                "content/{lang}/{name} has no English original content/en/{name} (renamed or removed?)"
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
    fn guides_missing_a_translation_are_listed_by_file_and_language() -> anyhow::Result<()> {
        let content =
            std::env::temp_dir().join(format!("xtask-tidy-content-{}", std::process::id()));
        for lang in ["en", "zh-HK", "zh-CN"] {
            fs::create_dir_all(content.join(lang))?;
        }
        for file in [
            "en/01-start.md",
            "en/02-login.md",
            "zh-HK/01-start.md",
            "zh-HK/02-login.md",
        ] {
            fs::write(content.join(file), "# x\n")?;
        }
        fs::write(content.join("zh-CN/01-start.md"), "# x\n")?;
        fs::write(content.join("zh-CN/09-gone.md"), "# x\n")?;
        let problems = untranslated_guides(&content)?;
        fs::remove_dir_all(&content)?;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("content/en/02-login.md is not translated: content/zh-CN/02-login.md")
        );
        assert!(problems[1].starts_with("content/zh-CN/09-gone.md has no English original"));
        Ok(())
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
