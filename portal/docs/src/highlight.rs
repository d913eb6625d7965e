//! Syntax highlighting on the server with syntect's bundled grammars, written as CSS classes
//! (`hl-keyword`, `hl-string`, …) so the colours live in the stylesheet and the HTML carries no
//! inline styles.
//!
//! Highlighting never fails a page: a language it does not know, or a grammar error, gives the
//! code escaped and unhighlighted.

use syntect::{
    html::{ClassStyle, ClassedHTMLGenerator},
    parsing::SyntaxSet,
    util::LinesWithEndings,
};

use crate::escape_html;

/// The grammars, loaded once for all pages.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Highlighter")
    }
}

impl Default for Highlighter {
    fn default() -> Highlighter {
        Highlighter::new()
    }
}

impl Highlighter {
    pub fn new() -> Highlighter {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    /// `<pre class="code" data-lang="…"><code>…</code></pre>` for `code` in `lang` (a fence's info
    /// word such as `rust`, `sh`, `json`).
    pub fn to_html(&self, code: &str, lang: &str) -> String {
        let lang_attribute = escape_html(lang);
        let body = self
            .highlighted(code, lang)
            .unwrap_or_else(|| escape_html(code));
        format!("<pre class=\"code\" data-lang=\"{lang_attribute}\"><code>{body}</code></pre>\n")
    }

    fn highlighted(&self, code: &str, lang: &str) -> Option<String> {
        let token = match lang {
            "shell" | "console" => "sh",
            "" | "text" | "http" => return None,
            other => other,
        };
        let syntax = self.syntaxes.find_syntax_by_token(token)?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            &self.syntaxes,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_are_highlighted_with_classes_and_unknown_ones_are_escaped() {
        let highlighter = Highlighter::new();
        let rust = highlighter.to_html("fn main() { let x = \"<b>\"; }\n", "rust");
        assert!(rust.contains("class=\"hl-"), "{rust}");
        assert!(rust.contains("&lt;b&gt;"), "{rust}");
        assert!(!rust.contains("style="), "{rust}");
        for lang in ["sh", "json"] {
            let html = highlighter.to_html("echo \"hi\" # note\n", lang);
            assert!(html.contains("class=\"hl-"), "{lang}: {html}");
        }
        let plain = highlighter.to_html("GET /x <y>\n", "http");
        assert_eq!(
            plain,
            "<pre class=\"code\" data-lang=\"http\"><code>GET /x &lt;y&gt;\n</code></pre>\n"
        );
    }
}
