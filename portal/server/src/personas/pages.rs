//! The persona pages' markup (maud): the list with the persona set, import, export and reset forms, and the
//! persona form, where each problem is shown beside the input it belongs to. One table of form fields drives the
//! form. maud escapes every value; there are no scripts and no inline styles (the login pages' policy applies).

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, html};

use super::{FieldProblemView, Opened, Refusal, Visitor, rows};

/// How a form input is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A text input, with its format as the placeholder.
    Text(&'static str),
    /// The allowed codes; an empty code leaves the field out.
    Choice(&'static [&'static str]),
    /// A JSON value in its PROTOCOL §3.1 shape.
    Json,
}

/// The persona form's inputs, in order: the account facts, then the profile and e-ME fields by wire name. The
/// input names are the keys `mock_iamsmart::persona::custom::form_to_json` reads.
pub const FORM_FIELDS: [(&str, FieldKind); 22] = [
    ("id", FieldKind::Text("my-tester")),
    ("userType", FieldKind::Choice(&["default", "sign"])),
    ("status", FieldKind::Choice(&["active", "suspended"])),
    (
        "answers",
        FieldKind::Choice(&["manual", "always_approve", "always_reject", "never_answer"]),
    ),
    ("scenario", FieldKind::Text("")),
    ("idNo", FieldKind::Text("A123456(3)")),
    ("enName", FieldKind::Text("CHAN, Tai Man")),
    ("chName", FieldKind::Text("陳大文")),
    ("chNameVerified", FieldKind::Choice(&["", "Y", "N"])),
    ("birthDate", FieldKind::Text("YYYYMMDD")),
    ("gender", FieldKind::Choice(&["", "M", "F"])),
    (
        "prefix",
        FieldKind::Choice(&["", "Mr", "Mrs", "Ms", "Miss", "Dr"]),
    ),
    (
        "maritalStatus",
        FieldKind::Choice(&["", "S", "M", "P", "D", "W"]),
    ),
    ("homeTelNumber", FieldKind::Text("+852 21234567")),
    ("officeTelNumber", FieldKind::Text("+852 31234567")),
    ("mobileNumber", FieldKind::Text("+852 91234567")),
    ("emailAddress", FieldKind::Text("name@example.com")),
    ("residentialAddress", FieldKind::Json),
    ("postalAddress", FieldKind::Json),
    (
        "educationLevel",
        FieldKind::Choice(&["", "P", "S", "N", "D", "G"]),
    ),
    ("addressDocInfo", FieldKind::Json),
    ("addressDocFile", FieldKind::Json),
];

/// The form input a problem belongs to: `profile.idNo.CheckDigit` → `idNo`, `id` → `id`, the whole form → ``.
pub fn input_of(field: &str) -> &str {
    let rest = field.strip_prefix("profile.").unwrap_or(field);
    let rest = if rest == "profile" { "" } else { rest };
    rest.split('.').next().unwrap_or_default()
}

fn document(visitor: &Visitor, title: &str, main: Markup) -> Markup {
    let words = visitor.words();
    html! {
        (DOCTYPE)
        html lang=(words.html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · iAM Smart Sandbox" }
                link rel="stylesheet" href="/pkg/portal.css";
                link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml";
            }
            body {
                header.site-header {
                    a.brand href="/" {
                        span.brand-mark aria-hidden="true" { "iAM" }
                        span.brand-name { "iAM Smart Sandbox" }
                    }
                    nav.site-nav { a href="/console" { (words.nav_console) } }
                }
                main #main { section.console.personas { (main) } }
            }
        }
    }
}

fn csrf_field(visitor: &Visitor) -> Markup {
    html! { input type="hidden" name="csrf" value=(visitor.csrf); }
}

fn problem_list(visitor: &Visitor, problems: &[FieldProblemView]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.form-error #persona-problems role="alert" {
                p { (visitor.words().problems) }
                ul {
                    @for problem in problems {
                        li data-field=(problem.field) {
                            @if !problem.field.is_empty() { code { (problem.field) } " " }
                            (problem.message)
                        }
                    }
                }
            }
        }
    }
}

/// A page that says why it cannot be shown.
pub(super) fn refusal(visitor: &Visitor, refusal: Refusal) -> Markup {
    let words = visitor.words();
    document(
        visitor,
        words.title,
        html! {
            p.form-error #personas-error role="alert" data-refusal=(format!("{refusal:?}")) {
                (refusal.message(words))
            }
            @if refusal == Refusal::SignInFirst {
                a.button.primary href="/sign-in" { (words.sign_in) }
            }
        },
    )
}

/// The persona list of an opened sandbox.
pub(super) fn list(
    visitor: &Visitor,
    opened: &Opened,
    done: Option<&str>,
    problems: &[FieldProblemView],
) -> Markup {
    let words = visitor.words();
    let id = &opened.summary.sandbox_id;
    let base = format!(
        "/console/sandboxes/{}",
        mock_iamsmart::crypto::url_encode(id)
    );
    let current = opened.config.persona_set.as_str();
    let sets = [
        ("catalogue", words.set_catalogue),
        ("catalogue_and_custom", words.set_both),
        ("custom_only", words.set_custom),
    ];
    let main = html! {
        h1 { (opened.summary.name) " · " (words.title) }
        p { (words.lead) }
        p { a href=(base) { (words.back_to_sandbox) } }
        @if let Some(done) = done.filter(|done| !done.is_empty()) {
            p.notice #persona-done role="status" data-done=(done) { (words.saved_notice) }
        }
        (problem_list(visitor, problems))
        @if opened.can_edit {
            form #persona-set-form method="post" action={ (base) "/personas/set" } {
                (csrf_field(visitor))
                label {
                    (words.persona_set) " "
                    select name="persona_set" {
                        @for (value, label) in sets {
                            option value=(value) selected[current == value] { (label) }
                        }
                    }
                }
                " "
                button.button.secondary type="submit" { (words.save_set) }
            }
            p {
                a.button.primary #new-persona href={ (base) "/personas/edit" } { (words.new_persona) }
                " "
                a.button.secondary #export-personas href={ (base) "/personas.json" } download="personas.json" {
                    (words.export)
                }
            }
        } @else {
            p.notice { (words.read_only) }
        }
        table.persona-list #persona-list data-persona-set=(current) {
            thead {
                tr {
                    th { (words.column_persona) }
                    th { (words.column_account) }
                    th { (words.column_scenario) }
                    th {}
                }
            }
            tbody {
                @for row in rows(&opened.config) {
                    @let origin = match row.origin.as_str() {
                        "custom" => words.origin_custom,
                        "customised" => words.origin_customised,
                        _ => words.origin_catalogue,
                    };
                    tr data-persona-id=(row.id) data-origin=(row.origin) {
                        td { code { (row.id) } br; (row.display_name) }
                        td { (row.user_type) " · " (row.status) " · " (row.answers) br; small { (origin) } }
                        td { (row.scenario) }
                        td {
                            @if opened.can_edit {
                                a href={ (base) "/personas/edit?persona=" (mock_iamsmart::crypto::url_encode(&row.id)) } {
                                    @if row.origin == "catalogue" { (words.customise) } @else { (words.edit) }
                                }
                                @if row.origin != "catalogue" {
                                    form.inline-form method="post" action={ (base) "/personas/delete" } {
                                        (csrf_field(visitor))
                                        input type="hidden" name="persona_id" value=(row.id);
                                        button.button.secondary type="submit" { (words.delete) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if opened.can_edit {
            h2 { (words.import_title) }
            form #import-form method="post" action={ (base) "/personas/import" } {
                (csrf_field(visitor))
                label {
                    (words.import_hint)
                    textarea name="json" rows="6" spellcheck="false" {}
                }
                button.button.primary type="submit" { (words.import_button) }
            }
            form #reset-personas-form method="post" action={ (base) "/personas/reset" } {
                (csrf_field(visitor))
                button.button.secondary type="submit" { (words.reset) }
                " "
                small { (words.reset_hint) }
            }
        }
    };
    document(visitor, words.title, main)
}

/// The persona form with `fields` filled in and each problem beside its input.
pub(super) fn form(
    visitor: &Visitor,
    opened: &Opened,
    original_id: &str,
    fields: &BTreeMap<String, String>,
    problems: &[FieldProblemView],
) -> Markup {
    let words = visitor.words();
    let base = format!(
        "/console/sandboxes/{}",
        mock_iamsmart::crypto::url_encode(&opened.summary.sandbox_id)
    );
    let title = if original_id.is_empty() {
        words.form_title_new
    } else {
        words.form_title_edit
    };
    let main = html! {
        h1 { (opened.summary.name) " · " (title) }
        p.notice role="note" { (words.form_hint) }
        (problem_list(visitor, problems))
        form #persona-form method="post" action={ (base) "/personas/save" } {
            (csrf_field(visitor))
            input type="hidden" name="original_id" value=(original_id);
            @for ((key, kind), label) in FORM_FIELDS.iter().zip(words.fields) {
                @let value = fields.get(*key).map(String::as_str).unwrap_or_default();
                label {
                    (label)
                    @match kind {
                        FieldKind::Text(hint) => {
                            input name=(key) value=(value) placeholder=(hint) data-field=(key);
                        }
                        FieldKind::Choice(codes) => {
                            select name=(key) data-field=(key) {
                                @for code in *codes {
                                    option value=(code) selected[value == *code] { (code) }
                                }
                            }
                        }
                        FieldKind::Json => {
                            textarea name=(key) rows="4" spellcheck="false" data-field=(key) { (value) }
                        }
                    }
                    @for problem in problems.iter().filter(|problem| input_of(&problem.field) == *key) {
                        small.field-error data-error-for=(key) { (problem.message) }
                    }
                }
            }
            @if opened.can_edit {
                button.button.primary type="submit" { (words.save) }
            }
        }
        p { a #back-to-personas href={ (base) "/personas" } { (words.back_to_personas) } }
    };
    document(visitor, title, main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::personas::PersonaText;
    use mock_iamsmart::Lang;

    #[test]
    fn problems_land_on_the_input_they_belong_to() {
        assert_eq!(input_of("profile.idNo.CheckDigit"), "idNo");
        assert_eq!(
            input_of("profile.residentialAddress.EngPremisesAddress.Region"),
            "residentialAddress"
        );
        assert_eq!(input_of("id"), "id");
        assert_eq!(input_of("profile"), "");
        assert_eq!(input_of(""), "");
    }

    #[test]
    fn every_form_field_has_a_label_in_every_language() {
        for lang in [Lang::EnUs, Lang::ZhHk, Lang::ZhCn] {
            let text = PersonaText::of(lang);
            assert_eq!(text.fields.len(), FORM_FIELDS.len());
            assert!(text.fields.iter().all(|label| !label.is_empty()));
        }
    }
}
