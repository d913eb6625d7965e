//! Full-text search over every rendered guide, built once at start-up.
//!
//! The index keeps each page's title, headings and body as case-folded plain text and matches query
//! words as substrings. A word-based engine (tantivy, elasticlunr) was weighed and left out: it needs
//! a separate Chinese word segmenter to find 簽署 inside 數碼簽署, and compiles for minutes here,
//! while the whole corpus is well under a megabyte, so a substring scan answers in well under a
//! millisecond in any script. Matching never allocates per page beyond the snippet.

use crate::{Guide, Lang, Page};

/// One page as the index sees it.
#[derive(Debug)]
struct Entry {
    guide: usize,
    lang: Lang,
    /// The page's language when it is a translation, English when it stands in for a missing one.
    shown_in: Lang,
    title: String,
    headings: String,
    /// The body as plain text, and the same text case-folded character for character, so an offset
    /// found in one is the same character position in the other.
    body: Vec<char>,
    body_folded: String,
}

/// The index over every page in every language.
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Entry>,
}

/// One search result.
#[derive(Debug, PartialEq, Eq)]
pub struct Hit<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// About a line of the body around the first match, as plain text.
    pub snippet: String,
    /// The language of the page the result links to.
    pub shown_in: Lang,
}

impl Index {
    pub fn build(guides: &[Guide]) -> Index {
        let mut entries = Vec::new();
        for (guide_index, guide) in guides.iter().enumerate() {
            for lang in Lang::ALL {
                let (page, shown_in) = guide.page_or_english(lang);
                let body = plain_text(page);
                entries.push(Entry {
                    guide: guide_index,
                    lang,
                    shown_in,
                    title: fold(&page.title),
                    headings: fold(
                        &page
                            .toc
                            .iter()
                            .map(|entry| entry.title.as_str())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    body_folded: fold(&body),
                    body: body.chars().collect(),
                });
            }
        }
        Index { entries }
    }

    pub fn search<'a>(
        &self,
        guides: &'a [Guide],
        query: &str,
        lang: Lang,
        limit: usize,
    ) -> Vec<Hit<'a>> {
        let words: Vec<String> = query
            .split_whitespace()
            .map(fold)
            .filter(|word| !word.is_empty())
            .take(8)
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(u32, &Entry, Option<usize>)> = Vec::new();
        for entry in self.entries.iter().filter(|entry| entry.lang == lang) {
            let mut score = 0;
            let mut first_body_hit = None;
            let mut every_word = true;
            for word in &words {
                let in_title = entry.title.matches(word.as_str()).count() as u32;
                let in_headings = entry.headings.matches(word.as_str()).count() as u32;
                let body_hit = entry.body_folded.find(word.as_str());
                if in_title + in_headings == 0 && body_hit.is_none() {
                    every_word = false;
                    break;
                }
                let in_body = entry.body_folded.matches(word.as_str()).take(20).count() as u32;
                score += in_title * 20 + in_headings * 5 + in_body;
                if first_body_hit.is_none() {
                    first_body_hit = body_hit;
                }
            }
            if every_word {
                scored.push((score, entry, first_body_hit));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.guide.cmp(&b.1.guide)));
        scored
            .into_iter()
            .take(limit)
            .filter_map(|(_, entry, hit)| {
                let guide = guides.get(entry.guide)?;
                let (page, _) = guide.page_or_english(lang);
                Some(Hit {
                    slug: &guide.slug,
                    title: &page.title,
                    snippet: match hit {
                        Some(byte_offset) => snippet(entry, byte_offset),
                        None => page.summary.clone(),
                    },
                    shown_in: entry.shown_in,
                })
            })
            .collect()
    }
}

/// Case-folds character for character (a character whose lower case is several characters is kept
/// as it is), so folded and original text line up.
fn fold(text: &str) -> String {
    text.chars()
        .map(|character| {
            let mut lower = character.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(single), None) => single,
                _ => character,
            }
        })
        .collect()
}

/// The page's readable text: the HTML with tags removed and entities decoded.
fn plain_text(page: &Page) -> String {
    let mut text = String::with_capacity(page.html.len());
    let mut in_tag = false;
    for character in page.html.chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !text.ends_with(' ') {
                    text.push(' ');
                }
            }
            _ if in_tag => {}
            '\n' => {
                if !text.ends_with(' ') {
                    text.push(' ');
                }
            }
            other => text.push(other),
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn snippet(entry: &Entry, byte_offset: usize) -> String {
    let position = entry.body_folded[..byte_offset].chars().count();
    let start = position.saturating_sub(60);
    let end = (position + 100).min(entry.body.len());
    let mut text: String = entry.body[start..end].iter().collect();
    text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 {
        text.insert(0, '…');
    }
    if end < entry.body.len() {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::{Lang, Library};

    fn library() -> Library {
        match Library::from_files(
            &[
                (
                    "en/01-start.md",
                    "# Getting started\n\nCreate a sandbox.\n\n## Keys\n\nCall getKey with a signed request.\n",
                ),
                (
                    "zh-HK/01-start.md",
                    "# 開始使用\n\n建立沙盒。\n\n## 密鑰\n\n以簽署請求呼叫 getKey。\n",
                ),
                (
                    "en/02-signing.md",
                    "# Signing\n\nDigital signatures with the persona's certificate and a sandbox.\n",
                ),
            ],
            &[],
        ) {
            Ok(library) => library,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn a_word_in_the_body_finds_the_guide_with_a_snippet_around_it() {
        let library = library();
        let hits = library.search("GETKEY", Lang::En, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].slug, "start");
        assert!(hits[0].snippet.contains("getKey"), "{}", hits[0].snippet);
    }

    #[test]
    fn every_word_must_match_and_titles_rank_first() {
        let library = library();
        let hits: Vec<&str> = library
            .search("sandbox", Lang::En, 10)
            .iter()
            .map(|hit| hit.slug)
            .collect();
        assert_eq!(hits, ["start", "signing"]);
        let hits: Vec<&str> = library
            .search("signing sandbox", Lang::En, 10)
            .iter()
            .map(|hit| hit.slug)
            .collect();
        assert_eq!(hits, ["signing"]);
        assert!(library.search("nowhere", Lang::En, 10).is_empty());
        assert!(library.search("   ", Lang::En, 10).is_empty());
    }

    #[test]
    fn chinese_words_are_found_inside_longer_text_and_untranslated_pages_are_searched_in_english() {
        let library = library();
        let hits = library.search("簽署", Lang::ZhHk, 10);
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].slug, hits[0].shown_in), ("start", Lang::ZhHk));
        let hits = library.search("certificate", Lang::ZhHk, 10);
        assert_eq!((hits[0].slug, hits[0].shown_in), ("signing", Lang::En));
    }
}
