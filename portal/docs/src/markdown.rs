//! One guide from Markdown to HTML: `{{#include path:anchor}}` lines replaced by the quoted source,
//! headings given anchors and collected into a table of contents, fenced code highlighted, links to
//! other guides and to diagrams checked and rewritten to their portal addresses, and the plain text
//! kept for the search index.
//!
//! Raw HTML in the Markdown is shown as text, never passed through: guides must not carry scripts or
//! inline styles (the page's Content-Security-Policy forbids both) and are never trusted to.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::{Page, escape_html, highlight::Highlighter};

/// What a page may refer to.
pub struct Context<'a> {
    /// Quotable files by path relative to the workspace root.
    pub included: &'a BTreeMap<&'a str, &'a str>,
    /// Diagram SVGs by file name.
    pub diagrams: &'a BTreeMap<String, String>,
    /// Every guide as `(file name, slug)`, e.g. `("03-login.md", "login")`.
    pub guides: &'a [(String, String)],
}

/// One entry of a page's table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`.
    pub level: u8,
    /// The heading's `id`, the target of `#anchor` links.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// Renders one page, or says what in it is wrong.
pub fn render(source: &str, context: &Context, highlighter: &Highlighter) -> Result<Page, String> {
    let source = expand_includes(source, context.included)?;
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Vec::new();
    let mut toc = Vec::new();
    let mut used_ids = BTreeSet::new();
    let mut title = None;
    let mut summary = None;
    let mut paragraph: Option<String> = None;
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>, String)> = None;
    let mut code: Option<(String, String)> = None;

    for event in Parser::new_ext(&source, options) {
        if let Some((_, _, inner, text)) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(level)) => {
                    let Some((_, explicit_id, inner, text)) = heading.take() else {
                        continue;
                    };
                    let text = text.trim().to_owned();
                    if level == HeadingLevel::H1 {
                        if title.is_some() {
                            return Err("a page has exactly one `# ` title".to_owned());
                        }
                        title = Some(text);
                        continue;
                    }
                    let id =
                        unique_id(explicit_id.unwrap_or_else(|| slugify(&text)), &mut used_ids);
                    let depth = heading_depth(level);
                    if depth <= 3 {
                        toc.push(TocEntry {
                            level: depth,
                            id: id.clone(),
                            title: text.clone(),
                        });
                    }
                    events.push(Event::Html(
                        format!("<h{depth} id=\"{}\">", escape_html(&id)).into(),
                    ));
                    events.extend(inner);
                    events.push(Event::Html(
                        format!(
                            "<a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\">#</a></h{depth}>\n",
                            escape_html(&id)
                        )
                        .into(),
                    ));
                }
                Event::Text(ref value) | Event::Code(ref value) => {
                    text.push_str(value);
                    inner.push(event);
                }
                other => inner.push(safe(other)),
            }
            continue;
        }
        if let Some((_, body)) = code.as_mut() {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    let Some((lang, body)) = code.take() else {
                        continue;
                    };
                    events.push(Event::Html(highlighter.to_html(&body, &lang).into()));
                }
                Event::Text(value) => body.push_str(&value),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    level,
                    id.map(|id| id.to_string()),
                    Vec::new(),
                    String::new(),
                ));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Paragraph) => {
                if summary.is_none() {
                    paragraph = Some(String::new());
                }
                events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = paragraph.take() {
                    summary = Some(text.trim().to_owned());
                }
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = link_target(&dest_url, context)?;
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest_url.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let name = dest_url.strip_prefix("diagrams/").unwrap_or_default();
                if !context.diagrams.contains_key(name) {
                    return Err(format!(
                        "the image `{dest_url}` is not a diagram under content/diagrams/"
                    ));
                }
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: format!("/guides/diagrams/{name}").into(),
                    title,
                    id,
                }));
            }
            Event::Text(ref value) | Event::Code(ref value) => {
                if let Some(text) = paragraph.as_mut() {
                    text.push_str(value);
                }
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(text) = paragraph.as_mut() {
                    text.push(' ');
                }
                events.push(event);
            }
            other => events.push(safe(other)),
        }
    }
    let title = title.ok_or("a page starts with a `# ` title")?;
    let summary = summary.ok_or("a page has at least one paragraph, its summary")?;
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(Page {
        title,
        summary,
        html,
        toc,
    })
}

/// Raw HTML becomes visible text.
fn safe(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    }
}

fn heading_depth(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A link to another guide (`03-login.md#state`) becomes `/guides/login#state`; a link to a missing
/// guide is an error; other links are kept.
fn link_target(dest: &CowStr<'_>, context: &Context) -> Result<String, String> {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest.as_ref(), None),
    };
    if !path.ends_with(".md") {
        return Ok(dest.to_string());
    }
    let slug = context
        .guides
        .iter()
        .find(|(file, _)| file == path)
        .map(|(_, slug)| slug)
        .ok_or_else(|| format!("the link `{dest}` names no guide in content/en/"))?;
    Ok(match fragment {
        Some(fragment) => format!("/guides/{slug}#{fragment}"),
        None => format!("/guides/{slug}"),
    })
}

/// Heading text to an anchor: letters (any script) and digits kept, lower-cased, everything else a
/// single `-`. Chinese headings keep their characters, so the anchor still reads as the heading;
/// translations give `{#id}` where an anchor must match across languages.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars().flat_map(char::to_lowercase) {
        if character.is_alphanumeric() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "section".to_owned()
    } else {
        slug
    }
}

fn unique_id(id: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = id.clone();
    let mut counter = 2;
    while used.contains(&candidate) {
        candidate = format!("{id}-{counter}");
        counter += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Replaces each `{{#include path}}` or `{{#include path:anchor}}` line with the file's text (or the
/// part between `ANCHOR: anchor` and `ANCHOR_END: anchor`), de-indented, with anchor lines removed.
fn expand_includes(source: &str, included: &BTreeMap<&str, &str>) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let Some(inner) = line
            .trim()
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let inner = inner.trim();
        let (path, anchor) = match inner.split_once(':') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (inner, None),
        };
        let text = included
            .get(path)
            .ok_or_else(|| format!("`{path}` is not a file in the workspace"))?;
        let quoted = match anchor {
            Some(anchor) => anchored(text, anchor).ok_or_else(|| {
                format!("`{path}` has no `ANCHOR: {anchor}` … `ANCHOR_END: {anchor}`")
            })?,
            None => text
                .lines()
                .filter(|line| !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:"))
                .collect(),
        };
        out.push_str(&dedent(&quoted));
    }
    Ok(out)
}

fn anchored<'a>(text: &'a str, anchor: &str) -> Option<Vec<&'a str>> {
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|line| marker_name(line, "ANCHOR:") == Some(anchor))?;
    let mut quoted = Vec::new();
    for line in lines {
        if marker_name(line, "ANCHOR_END:") == Some(anchor) {
            return Some(quoted);
        }
        if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            quoted.push(line);
        }
    }
    None
}

/// The name after `marker` on a line such as `// ANCHOR: name` or `<!-- ANCHOR: name -->`.
fn marker_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &line[line.find(marker)? + marker.len()..];
    let name = rest.trim_start();
    let end = name
        .find(|character: char| {
            !(character.is_ascii_alphanumeric() || character == '_' || character == '-')
        })
        .unwrap_or(name.len());
    Some(&name[..end])
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        out.push_str(line.get(indent..).unwrap_or_else(|| line.trim_start()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> Result<Page, String> {
        let included = BTreeMap::from([(
            "demo/src/lib.rs",
            "//! Demo.\n\nimpl X {\n    // ANCHOR: greet\n    pub fn greet() -> &'static str {\n        \"hi\"\n    }\n    // ANCHOR_END: greet\n}\n",
        )]);
        let diagrams = BTreeMap::from([("flow.svg".to_owned(), "<svg/>".to_owned())]);
        let guides = vec![("02-login.md".to_owned(), "login".to_owned())];
        render(
            source,
            &Context {
                included: &included,
                diagrams: &diagrams,
                guides: &guides,
            },
            &Highlighter::new(),
        )
    }

    #[test]
    fn headings_get_anchors_and_a_table_of_contents() -> Result<(), String> {
        let page = check(
            "# Title\n\nLead.\n\n## First step\n\n### Détails\n\n## First step\n\n## 錯誤代碼 {#error-codes}\n",
        )?;
        assert_eq!(page.title, "Title");
        assert_eq!(page.summary, "Lead.");
        let ids: Vec<&str> = page.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(
            ids,
            ["first-step", "détails", "first-step-2", "error-codes"]
        );
        assert_eq!(page.toc[1].level, 3);
        assert!(page.html.contains(
            "<h2 id=\"first-step\">First step<a class=\"heading-anchor\" href=\"#first-step\""
        ));
        assert!(
            !page.html.contains("<h1"),
            "the title is the page's, not the body's"
        );
        Ok(())
    }

    #[test]
    fn included_code_is_quoted_from_the_anchor_and_highlighted() -> Result<(), String> {
        let page = check("# T\n\nx\n\n```rust\n{{#include demo/src/lib.rs:greet}}\n```\n")?;
        assert!(
            page.html
                .contains("<pre class=\"code\" data-lang=\"rust\">"),
            "{}",
            page.html
        );
        assert!(page.html.contains("greet"));
        assert!(
            page.html.contains("hl-keyword") || page.html.contains("hl-storage"),
            "{}",
            page.html
        );
        assert!(!page.html.contains("ANCHOR"));
        assert!(
            !page.html.contains("impl X"),
            "only the anchored part is quoted"
        );
        Ok(())
    }

    #[test]
    fn links_to_guides_and_diagrams_point_at_the_portal() -> Result<(), String> {
        let page = check(
            "# T\n\nSee [login](02-login.md#state) and [x](https://example.org).\n\n![Flow](diagrams/flow.svg)\n",
        )?;
        assert!(
            page.html.contains("href=\"/guides/login#state\""),
            "{}",
            page.html
        );
        assert!(page.html.contains("href=\"https://example.org\""));
        assert!(
            page.html
                .contains("src=\"/guides/diagrams/flow.svg\" alt=\"Flow\""),
            "{}",
            page.html
        );
        Ok(())
    }

    #[test]
    fn raw_html_in_a_guide_is_shown_as_text() -> Result<(), String> {
        let page = check(
            "# T\n\nHello <script>alert(1)</script> there.\n\n<div style=\"x\">block</div>\n",
        )?;
        assert!(!page.html.contains("<script>"), "{}", page.html);
        assert!(!page.html.contains("<div style"), "{}", page.html);
        assert!(page.html.contains("&lt;script&gt;"));
        Ok(())
    }

    #[test]
    fn a_page_without_a_title_or_with_two_is_refused() {
        assert!(check("Just text.\n").is_err());
        assert!(check("# One\n\nx\n\n# Two\n").is_err());
    }
}
