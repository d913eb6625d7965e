//! Tests that tie guides to the code they describe: the error-code guide lists every D-code the sandbox
//! knows with the message it sends, and the personas guide names every persona in the catalogue, in every
//! language. They read the embedded Markdown sources, never a rendered page.

use crate::{Lang, embedded};

/// The source of `slug`'s page in `lang`, from the embedded `content/`.
fn source(slug: &str, lang: Lang) -> Option<&'static str> {
    let suffix = format!("-{slug}.md");
    embedded::CONTENT
        .iter()
        .find(|(path, _)| {
            path.strip_prefix(lang.tag())
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|file| file.ends_with(&suffix))
        })
        .map(|(_, text)| *text)
}

#[test]
fn the_error_code_guide_lists_every_d_code_with_its_message_in_every_language() {
    use mock_iamsmart::DCode;
    for lang in Lang::ALL {
        let page = source("error-codes", lang)
            .unwrap_or_else(|| panic!("content/{}/NN-error-codes.md is missing", lang.tag()));
        for code in DCode::all() {
            let row = if matches!(code, DCode::BulkSigning(_)) {
                format!("| `D71000`–`D71009` | {} |", code.message())
            } else {
                format!("| `{}` | {} |", code.code(), code.message())
            };
            assert!(
                page.contains(&row),
                "the {} error-code guide has no row starting `{row}` (mock-iamsmart/src/codes.rs changed?)",
                lang.tag()
            );
        }
        let listed = page.matches("\n| `D").count();
        assert_eq!(
            listed,
            DCode::all().len() - 9,
            "the {} error-code guide lists a code the sandbox does not know",
            lang.tag()
        );
    }
}

#[test]
fn the_personas_guide_names_every_persona_in_every_language() {
    for lang in Lang::ALL {
        let page = source("personas", lang)
            .unwrap_or_else(|| panic!("content/{}/NN-personas.md is missing", lang.tag()));
        // The English page quotes the generated catalogue; the translations list it themselves.
        let text = if page.contains("{{#include mock-iamsmart/PERSONAS.md:catalogue}}") {
            include_str!("../../../mock-iamsmart/PERSONAS.md")
        } else {
            page
        };
        for scenario in &mock_iamsmart::persona::CATALOGUE {
            assert!(
                text.contains(&format!("| `{}` |", scenario.id)),
                "the {} personas guide does not list `{}`",
                lang.tag(),
                scenario.id
            );
        }
    }
}
