//! The portal's guides: the Markdown under `content/{en,zh-HK,zh-CN}/`, embedded at build time and
//! rendered once when the server starts into HTML with a table of contents, heading anchors,
//! server-side syntax highlighting, sequence diagrams and code samples included from files that the
//! test suite compiles or runs; plus a full-text index over every page.
//!
//! This crate knows words and files only: it never serves HTTP, reads requests or cookies, or touches
//! the file system at run time (everything it reads was embedded by `build.rs`). A guide that quotes a
//! missing file, anchor, diagram or guide fails to load, so a broken reference never reaches a reader.

#[cfg(test)]
mod checked;
pub mod highlight;
mod markdown;
mod search;

use std::collections::BTreeMap;

pub use markdown::TocEntry;
pub use search::Hit;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A language the guides are written in; the names are the folders under `content/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// English, the source language: every guide exists in English first.
    En,
    /// Traditional Chinese as written in Hong Kong (繁體中文).
    ZhHk,
    /// Simplified Chinese (简体中文).
    ZhCn,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhHk, Lang::ZhCn];

    /// The folder under `content/` and the portal's language tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHk => "zh-HK",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language for a folder name or portal tag, exactly as [`Lang::tag`] writes it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.tag() == tag)
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::ZhHk => 1,
            Lang::ZhCn => 2,
        }
    }
}

/// One guide in one language, rendered.
#[derive(Debug)]
pub struct Page {
    /// The text of the page's `# ` heading.
    pub title: String,
    /// The first paragraph, as plain text, for lists and search results.
    pub summary: String,
    /// The body as HTML (without the title), safe to embed: raw HTML in the Markdown is escaped.
    pub html: String,
    /// The `##` and `###` headings with their anchors.
    pub toc: Vec<TocEntry>,
}

/// One guide, in every language it has been written in.
#[derive(Debug)]
pub struct Guide {
    /// The address of the guide under `/guides/`, from its file name without the order prefix.
    pub slug: String,
    /// The position in the list of guides, from the file name's numeric prefix.
    pub order: u32,
    pages: [Option<Page>; 3],
}

impl Guide {
    /// The page in exactly `lang`, if it has been translated.
    pub fn page(&self, lang: Lang) -> Option<&Page> {
        self.pages[lang.index()].as_ref()
    }

    /// The page in `lang`, else in English; says which language it is in, so the page can show
    /// that the translation is missing.
    pub fn page_or_english(&self, lang: Lang) -> (&Page, Lang) {
        match self.page(lang) {
            Some(page) => (page, lang),
            None => (self.english(), Lang::En),
        }
    }

    fn english(&self) -> &Page {
        // The loader refuses a guide without an English page, so this is always present.
        self.pages[0]
            .as_ref()
            .unwrap_or_else(|| unreachable!("every guide is loaded with its English page"))
    }
}

/// Why the guides could not be loaded. Each message names the file to fix.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "{file}: guides are named `NN-slug.md` under a language folder (`en`, `zh-HK`, `zh-CN`)"
    )]
    BadName { file: String },
    #[error("{file}: there is no English page with this name; every guide starts in `content/en/`")]
    NoEnglishPage { file: String },
    #[error("{file}: {problem}")]
    Page { file: String, problem: String },
}

/// One Markdown file: its path under `content/` and its text.
type SourceFile<'a> = (&'a str, &'a str);

/// Every guide, rendered, with the diagrams they show and the search index over them.
#[derive(Debug)]
pub struct Library {
    guides: Vec<Guide>,
    diagrams: BTreeMap<String, String>,
    index: search::Index,
}

impl Library {
    /// Renders the guides embedded in this build.
    pub fn load() -> Result<Library, LoadError> {
        Library::from_files(embedded::CONTENT, embedded::INCLUDED)
    }

    /// Renders guides from `content` (paths relative to `content/`) quoting `included` files (paths
    /// relative to the workspace root).
    pub fn from_files(
        content: &[(&str, &str)],
        included: &[(&str, &str)],
    ) -> Result<Library, LoadError> {
        let included: BTreeMap<&str, &str> = included.iter().copied().collect();
        let mut diagrams = BTreeMap::new();
        let mut sources: BTreeMap<(u32, String), [Option<SourceFile>; 3]> = BTreeMap::new();
        for &(path, text) in content {
            if let Some(name) = path.strip_prefix("diagrams/")
                && name.ends_with(".svg")
            {
                diagrams.insert(name.to_owned(), text.to_owned());
                continue;
            }
            let Some((folder, file)) = path.split_once('/') else {
                continue;
            };
            let Some(lang) = Lang::from_tag(folder) else {
                continue;
            };
            let Some(stem) = file.strip_suffix(".md") else {
                continue;
            };
            let (order, slug) = split_file_name(stem).ok_or_else(|| LoadError::BadName {
                file: path.to_owned(),
            })?;
            sources.entry((order, slug.to_owned())).or_default()[lang.index()] = Some((path, text));
        }

        let slugs: Vec<(String, String)> = sources
            .keys()
            .map(|(order, slug)| (format!("{order:02}-{slug}.md"), slug.clone()))
            .collect();
        let context = markdown::Context {
            included: &included,
            diagrams: &diagrams,
            guides: &slugs,
        };
        let highlighter = highlight::Highlighter::new();
        let mut guides = Vec::new();
        for ((order, slug), files) in sources {
            if files[0].is_none() {
                let file = files.iter().flatten().map(|(path, _)| *path).next();
                return Err(LoadError::NoEnglishPage {
                    file: file.unwrap_or_default().to_owned(),
                });
            }
            let mut pages: [Option<Page>; 3] = [None, None, None];
            for (index, source) in files.into_iter().enumerate() {
                if let Some((path, text)) = source {
                    let page =
                        markdown::render(text, &context, &highlighter).map_err(|problem| {
                            LoadError::Page {
                                file: path.to_owned(),
                                problem,
                            }
                        })?;
                    pages[index] = Some(page);
                }
            }
            guides.push(Guide { slug, order, pages });
        }
        let index = search::Index::build(&guides);
        Ok(Library {
            guides,
            diagrams,
            index,
        })
    }

    /// Every guide, in reading order.
    pub fn guides(&self) -> &[Guide] {
        &self.guides
    }

    /// The guide at `/guides/{slug}`.
    pub fn guide(&self, slug: &str) -> Option<&Guide> {
        self.guides.iter().find(|guide| guide.slug == slug)
    }

    /// The SVG document of the diagram `name` (e.g. `login-desktop.svg`).
    pub fn diagram(&self, name: &str) -> Option<&str> {
        self.diagrams.get(name).map(String::as_str)
    }

    /// Guides matching every word of `query` in `lang` (English where a guide is not translated),
    /// best first.
    pub fn search(&self, query: &str, lang: Lang, limit: usize) -> Vec<Hit<'_>> {
        self.index.search(&self.guides, query, lang, limit)
    }

    /// Every guide that has no page in some language, as `(slug, language)`.
    pub fn untranslated(&self) -> Vec<(&str, Lang)> {
        self.guides
            .iter()
            .flat_map(|guide| {
                Lang::ALL
                    .into_iter()
                    .filter(|lang| guide.page(*lang).is_none())
                    .map(|lang| (guide.slug.as_str(), lang))
            })
            .collect()
    }
}

/// `07-error-codes` → `(7, "error-codes")`.
fn split_file_name(stem: &str) -> Option<(u32, &str)> {
    let (order, slug) = stem.split_once('-')?;
    let order = order.parse().ok()?;
    let valid = !slug.is_empty()
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    valid.then_some((order, slug))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(content: &[(&str, &str)]) -> Result<Library, LoadError> {
        Library::from_files(
            content,
            &[(
                "demo/src/lib.rs",
                "//! Demo.\n\n// ANCHOR: greet\n    pub fn greet() {}\n// ANCHOR_END: greet\nfn other() {}\n",
            )],
        )
    }

    #[test]
    fn the_embedded_guides_load_and_every_guide_has_an_english_page() {
        let library = match Library::load() {
            Ok(library) => library,
            Err(error) => panic!("the guides in content/ do not load: {error}"),
        };
        assert!(!library.guides().is_empty());
        for guide in library.guides() {
            let (page, lang) = guide.page_or_english(Lang::En);
            assert_eq!(lang, Lang::En);
            assert!(!page.title.is_empty(), "{} has a title", guide.slug);
            assert!(!page.summary.is_empty(), "{} has a summary", guide.slug);
        }
    }

    #[test]
    fn the_signing_guides_quote_compiled_code_and_are_found_in_every_language() {
        let library = match Library::load() {
            Ok(library) => library,
            Err(error) => panic!("the guides in content/ do not load: {error}"),
        };
        for (slug, quoted) in [
            ("signing", "identification_code"),
            ("signing", "ack_signing_result"),
            ("signing", "issuing-ca.crl"),
            ("step-up", "completeStepup"),
            ("personas", "gba-commuter"),
        ] {
            let guide = library
                .guide(slug)
                .unwrap_or_else(|| panic!("no guide `{slug}`"));
            for lang in Lang::ALL {
                let (page, shown) = guide.page_or_english(lang);
                assert_eq!(shown, lang, "{slug} is translated into {}", lang.tag());
                assert!(
                    page.html.contains(quoted),
                    "{slug} in {} quotes `{quoted}`",
                    lang.tag()
                );
            }
        }
        for (query, lang, slug) in [
            ("pdfsig", Lang::En, "signing"),
            ("maxCallbackSigs", Lang::En, "signing"),
            ("識別碼", Lang::ZhHk, "signing"),
            ("批量签署", Lang::ZhCn, "signing"),
            ("stepupAuthPeriod", Lang::En, "step-up"),
            ("面部識別", Lang::ZhHk, "step-up"),
            ("加强认证", Lang::ZhCn, "step-up"),
            ("always_reject", Lang::En, "personas"),
        ] {
            let hits = library.search(query, lang, 20);
            assert!(
                hits.iter()
                    .any(|hit| hit.slug == slug && hit.shown_in == lang),
                "searching {query:?} in {} finds {slug}: {:?}",
                lang.tag(),
                hits.iter().map(|hit| hit.slug).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_missing_translation_falls_back_to_english_and_is_listed_as_untranslated()
    -> Result<(), LoadError> {
        let library = library(&[
            ("en/01-start.md", "# Start\n\nFirst steps.\n"),
            ("zh-HK/01-start.md", "# 開始\n\n第一步。\n"),
        ])?;
        let guide = library.guide("start").ok_or_else(|| LoadError::BadName {
            file: "start".into(),
        })?;
        assert_eq!(guide.page_or_english(Lang::ZhHk).1, Lang::ZhHk);
        let (page, shown) = guide.page_or_english(Lang::ZhCn);
        assert_eq!((page.title.as_str(), shown), ("Start", Lang::En));
        assert_eq!(library.untranslated(), vec![("start", Lang::ZhCn)]);
        Ok(())
    }

    #[test]
    fn a_translation_without_an_english_page_is_refused() {
        let error = library(&[("zh-CN/01-only.md", "# 仅\n\n中文。\n")]).err();
        assert!(
            matches!(&error, Some(LoadError::NoEnglishPage { file }) if file == "zh-CN/01-only.md"),
            "{error:?}"
        );
    }

    #[test]
    fn badly_named_guides_are_refused_with_the_file_name() {
        let error = library(&[("en/Getting Started.md", "# x\n")]).err();
        assert!(
            matches!(error, Some(LoadError::BadName { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn guides_are_listed_in_the_order_of_their_file_names() -> Result<(), LoadError> {
        let library = library(&[
            ("en/10-later.md", "# Later\n\nB.\n"),
            ("en/02-sooner.md", "# Sooner\n\nA.\n"),
        ])?;
        let slugs: Vec<&str> = library
            .guides()
            .iter()
            .map(|guide| guide.slug.as_str())
            .collect();
        assert_eq!(slugs, ["sooner", "later"]);
        Ok(())
    }

    #[test]
    fn a_guide_quoting_a_missing_anchor_or_file_does_not_load() {
        for source in [
            "# A\n\nx\n\n```rust\n{{#include demo/src/lib.rs:missing}}\n```\n",
            "# A\n\nx\n\n```rust\n{{#include demo/src/nowhere.rs}}\n```\n",
            "# A\n\nSee [b](99-nothing.md).\n",
            "# A\n\n![flow](diagrams/nothing.svg)\n",
        ] {
            let error = library(&[("en/01-a.md", source)]).err();
            assert!(
                matches!(&error, Some(LoadError::Page { file, .. }) if file == "en/01-a.md"),
                "{source}: {error:?}"
            );
        }
    }
}
