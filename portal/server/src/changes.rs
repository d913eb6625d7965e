//! The console's maker/checker pages, server-rendered: `/console/sandboxes/{id}/changes` (a sandbox's
//! pre-production mark, granted scopes and RP encipherment key, and the proposed changes with who proposed them,
//! when, what they change and who decided — with Approve and Reject for an Approver who did not propose them) and
//! `/console/orgs/{id}/members` (an organisation's members, and adding one).
//!
//! Every post carries the CSRF token (checked first) and goes to the same console backend the server functions
//! use, which resolves the session and checks the role; the buttons shown are a convenience, never the check. A
//! refusal is shown in the visitor's language with its status. This module never shows a private key or a client
//! secret, and never logs form fields.

use std::collections::BTreeMap;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use maud::{Markup, html};
use portal_app::{
    console::{
        GRANTABLE_SCOPES, MemberView, OrgView, ProposalView, SandboxSettingsView,
        backend::{ConsoleError, Localised},
    },
    console_changes::utc_minute,
    console_words::{ConsoleWords, words},
};
use serde::Deserialize;

use crate::console_pages::{ConsolePages, Visitor, checked_form, frame, see_other, segment};

/// `?lang=` and the notice a post lands with (`done=proposed` or `done=saved`).
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
    done: Option<String>,
}

fn not_found() -> ConsoleError {
    ConsoleError::new(404, Localised::new("not found", "找不到", "未找到"))
}

fn kind_label(words: &ConsoleWords, kind: &str) -> &'static str {
    match kind {
        "redirect_uris" => words.kind_redirect_uris,
        "granted_scopes" => words.kind_granted_scopes,
        "rp_key" => words.kind_rp_key,
        _ => words.kind_leave_pre_production,
    }
}

fn changes_path(sandbox_id: &str) -> String {
    format!("/console/sandboxes/{}/changes", segment(sandbox_id))
}

fn members_path(org_id: &str) -> String {
    format!("/console/orgs/{}/members", segment(org_id))
}

/// The notice a successful post lands with.
fn done_notice(words: &ConsoleWords, done: Option<&str>) -> Markup {
    html! {
        @match done {
            Some("proposed") => {
                p.notice #proposed-notice role="status" { (words.proposed_notice) }
            }
            Some("saved") => {
                p.notice #saved-notice role="status" { (words.saved_notice) }
            }
            _ => {}
        }
    }
}

fn error_notice(visitor: &Visitor, error: Option<&ConsoleError>) -> Markup {
    html! {
        @if let Some(error) = error {
            p.form-error #change-error role="alert" data-status=(error.status) {
                (error.message.in_lang(visitor.lang))
            }
        }
    }
}

/// The changes page of a sandbox the visitor may see, with a notice or the refusal of their last post.
fn changes_page(
    visitor: &Visitor,
    view: &SandboxSettingsView,
    done: Option<&str>,
    error: Option<&ConsoleError>,
) -> Markup {
    let words = words(visitor.lang);
    let text = &visitor.lang.text().console;
    let id = &view.sandbox.sandbox_id;
    let base = changes_path(id);
    let pre_production = view.pre_production;
    let body = html! {
        section.console.sandbox-changes {
            h1 #changes-title { (view.sandbox.name) " — " (words.changes_title) }
            (done_notice(words, done))
            (error_notice(visitor, error))
            dl {
                dt { (text.client_id) }
                dd { code #sandbox-client-id { (view.sandbox.client_id) } }
                dt { (words.pre_production) }
                dd #pre-production data-pre-production=(pre_production.to_string()) {
                    @if pre_production { (words.yes) } @else { (words.no) }
                }
                dt { (text.scopes) }
                dd #granted-scopes { (view.granted_scopes.join(" ")) }
                dt { (words.rp_key) }
                dd { code #rp-key-fingerprint { (view.rp_key_fingerprint) } }
            }
            @if view.can_edit {
                p.muted { (words.pre_production_hint) }
                form #pre-production-form .inline-form method="post" action={ (base) "/pre-production" } {
                    (visitor.csrf_field())
                    input type="hidden" name="pre_production" value=(if pre_production { "off" } else { "on" });
                    button.button.secondary type="submit" {
                        @if pre_production { (words.leave_pre_production) } @else { (words.mark_pre_production) }
                    }
                }
                form #scopes-form method="post" action={ (base) "/scopes" } {
                    (visitor.csrf_field())
                    label {
                        (text.scopes)
                        input name="scopes" value=(view.granted_scopes.join(" ")) maxlength="400";
                        small { (words.scopes_hint) " " (GRANTABLE_SCOPES.join(" ")) }
                    }
                    button.button.primary type="submit" { (words.save_scopes) }
                }
                form #rp-key-form method="post" action={ (base) "/rp-key" } {
                    (visitor.csrf_field())
                    label {
                        (words.rp_key)
                        textarea name="public_key" rows="6" spellcheck="false" {}
                        small { (words.rp_key_hint) }
                    }
                    button.button.primary type="submit" { (words.upload_key) }
                }
            }
            (proposals_table(visitor, view))
            p { a #back-to-sandbox href={ "/console/sandboxes/" (segment(id)) } { (words.back_to_sandbox) } }
        }
    };
    frame(visitor, words.changes_title, "", body)
}

/// The sandbox's proposed changes, newest first, with Approve and Reject where the viewer may decide.
fn proposals_table(visitor: &Visitor, view: &SandboxSettingsView) -> Markup {
    let words = words(visitor.lang);
    let action = format!("{}/decide", changes_path(&view.sandbox.sandbox_id));
    let row = |proposal: &ProposalView| {
        let may_decide =
            proposal.status == "pending" && view.can_approve && !proposal.proposed_by_you;
        let status = match proposal.status.as_str() {
            "approved" => words.status_approved,
            "rejected" => words.status_rejected,
            _ => words.status_pending,
        };
        html! {
            tr data-proposal-id=(proposal.proposal_id) data-status=(proposal.status) {
                td { (utc_minute(proposal.proposed_at_ms)) }
                td {
                    (proposal.proposed_by)
                    @if proposal.proposed_by_you { " (" (words.you) ")" }
                }
                td { (kind_label(words, &proposal.kind)) pre.diff { (proposal.diff.join("\n")) } }
                td {
                    (status) " " (proposal.decided_by)
                    @if proposal.decided_at_ms > 0 { " " (utc_minute(proposal.decided_at_ms)) }
                    @if may_decide {
                        @for (decision, label, class) in [
                            ("approve", words.approve, "approve-form"),
                            ("reject", words.reject, "reject-form"),
                        ] {
                            form class={ "inline-form " (class) } method="post" action=(action) {
                                (visitor.csrf_field())
                                input type="hidden" name="proposal_id" value=(proposal.proposal_id);
                                input type="hidden" name="decision" value=(decision);
                                button type="submit"
                                    class={ "button " (if decision == "approve" { "primary" } else { "secondary" }) }
                                { (label) }
                            }
                        }
                    }
                }
            }
        }
    };
    html! {
        h2 { (words.changes_title) }
        @if view.proposals.is_empty() {
            p.muted #no-proposals { (words.no_changes) }
        } @else {
            table.proposals #proposals {
                thead {
                    tr {
                        th { (words.proposed_at) }
                        th { (words.proposed_by) }
                        th { (words.change) }
                        th { (words.decision) }
                    }
                }
                tbody { @for proposal in &view.proposals { (row(proposal)) } }
            }
        }
    }
}

/// The sandbox's settings as the visitor may see them, or why not.
async fn settings(
    pages: &ConsolePages,
    visitor: &Visitor,
    sandbox_id: &str,
) -> Result<SandboxSettingsView, ConsoleError> {
    let session = visitor.session()?;
    pages
        .backend
        .0
        .sandbox_settings(session, sandbox_id.to_owned())
        .await?
        .ok_or_else(|| ConsoleError::new(401, Localised::sign_in_first()))
}

/// `GET /console/sandboxes/{id}/changes`.
pub async fn page(
    State(pages): State<ConsolePages>,
    Path(sandbox_id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&pages, &headers, query.lang.as_deref());
    match settings(&pages, &visitor, &sandbox_id).await {
        Ok(view) => visitor.respond(
            StatusCode::OK,
            changes_page(&visitor, &view, query.done.as_deref(), None),
        ),
        Err(error) => visitor.refuse(words(visitor.lang).changes_title, &error),
    }
}

/// What a post to the changes page asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeForm {
    PreProduction,
    Scopes,
    RpKey,
    Decide,
}

fn field(fields: &BTreeMap<String, String>, name: &str) -> String {
    fields.get(name).cloned().unwrap_or_default()
}

/// Hands one form to the backend; `Some(proposal)` when the change waits for an Approver.
async fn apply(
    pages: &ConsolePages,
    session: String,
    sandbox_id: &str,
    form: ChangeForm,
    fields: &BTreeMap<String, String>,
) -> Result<Option<String>, ConsoleError> {
    let backend = &pages.backend.0;
    let sandbox_id = sandbox_id.to_owned();
    match form {
        ChangeForm::PreProduction => {
            let on = match field(fields, "pre_production").as_str() {
                "on" => true,
                "off" => false,
                _ => return Err(ConsoleError::new(400, pre_production_choice())),
            };
            backend.set_pre_production(session, sandbox_id, on).await
        }
        ChangeForm::Scopes => {
            backend
                .update_scopes(session, sandbox_id, field(fields, "scopes"))
                .await
        }
        ChangeForm::RpKey => {
            backend
                .upload_rp_key(session, sandbox_id, field(fields, "public_key"))
                .await
        }
        ChangeForm::Decide => {
            let approve = match field(fields, "decision").as_str() {
                "approve" => true,
                "reject" => false,
                _ => return Err(ConsoleError::new(400, Localised::approve_or_reject())),
            };
            backend
                .decide_proposal(session, sandbox_id, field(fields, "proposal_id"), approve)
                .await
                .map(|()| None)
        }
    }
}

fn pre_production_choice() -> Localised {
    Localised::new(
        "mark the sandbox on or off",
        "請選擇標記或取消預備上線",
        "请选择标记或取消预备上线",
    )
}

/// `POST /console/sandboxes/{id}/changes/{form}`: lands back on the page with a notice, or shows the page with
/// the refusal and its status.
pub async fn post(
    pages: ConsolePages,
    sandbox_id: String,
    headers: HeaderMap,
    form: Vec<(String, String)>,
    change: ChangeForm,
) -> Response {
    let visitor = Visitor::new(&pages, &headers, None);
    let title = words(visitor.lang).changes_title;
    let outcome = match (checked_form(&headers, form), visitor.session()) {
        (Err(error), _) | (_, Err(error)) => return visitor.refuse(title, &error),
        (Ok(fields), Ok(session)) => apply(&pages, session, &sandbox_id, change, &fields).await,
    };
    match outcome {
        Ok(proposal) => {
            let done = if proposal.is_some() {
                "proposed"
            } else {
                "saved"
            };
            see_other(&format!("{}?done={done}", changes_path(&sandbox_id)))
        }
        Err(error) => match settings(&pages, &visitor, &sandbox_id).await {
            // The visitor may see the sandbox: show the refusal on its page, beside the forms.
            Ok(view) => visitor.respond(
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
                changes_page(&visitor, &view, None, Some(&error)),
            ),
            Err(_) => visitor.refuse(title, &error),
        },
    }
}

/// `POST /console/sandboxes/{id}/changes/pre-production` (`pre_production` = `on` or `off`).
pub async fn post_pre_production(
    State(pages): State<ConsolePages>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    post(pages, sandbox_id, headers, form, ChangeForm::PreProduction).await
}

/// `POST /console/sandboxes/{id}/changes/scopes` (`scopes`, space-separated).
pub async fn post_scopes(
    State(pages): State<ConsolePages>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    post(pages, sandbox_id, headers, form, ChangeForm::Scopes).await
}

/// `POST /console/sandboxes/{id}/changes/rp-key` (`public_key`, PEM).
pub async fn post_rp_key(
    State(pages): State<ConsolePages>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    post(pages, sandbox_id, headers, form, ChangeForm::RpKey).await
}

/// `POST /console/sandboxes/{id}/changes/decide` (`proposal_id`, `decision` = `approve` or `reject`).
pub async fn post_decide(
    State(pages): State<ConsolePages>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    post(pages, sandbox_id, headers, form, ChangeForm::Decide).await
}

/// The organisation as the visitor sees it, or why not.
async fn organisation(
    pages: &ConsolePages,
    visitor: &Visitor,
    org_id: &str,
) -> Result<OrgView, ConsoleError> {
    let overview = pages
        .backend
        .0
        .overview(visitor.session()?)
        .await?
        .ok_or_else(|| ConsoleError::new(401, Localised::sign_in_first()))?;
    overview
        .orgs
        .into_iter()
        .find(|org| org.org_id == org_id)
        .ok_or_else(not_found)
}

fn members_page(
    visitor: &Visitor,
    org: &OrgView,
    done: Option<&str>,
    error: Option<&ConsoleError>,
) -> Markup {
    let words = words(visitor.lang);
    let text = &visitor.lang.text().console;
    let role_names = |member: &MemberView| {
        member
            .roles
            .iter()
            .map(|role| {
                if role == "approver" {
                    text.role_approver
                } else {
                    text.role_creator
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let is_approver = org.roles.iter().any(|role| role == "approver");
    let body = html! {
        section.console.org-members {
            h1 #members-title { (org.name) " — " (words.members) }
            (done_notice(words, done))
            (error_notice(visitor, error))
            ul.members #members {
                @for member in &org.members {
                    li.member {
                        (member.display_name) " <" (member.email) "> "
                        span.muted { (role_names(member)) }
                    }
                }
            }
            @if is_approver {
                form.add-member-form method="post" action=(members_path(&org.org_id)) {
                    (visitor.csrf_field())
                    label { (words.member_email) input name="email" type="email" required; }
                    label {
                        (words.member_role)
                        select name="role" {
                            option value="creator" { (text.role_creator) }
                            option value="approver" { (text.role_approver) }
                        }
                    }
                    button.button.secondary type="submit" { (words.add_member) }
                    small.muted { (words.add_member_hint) }
                }
            }
            p { a href="/console" { (text.console_title) } }
        }
    };
    frame(visitor, words.members, "", body)
}

/// `GET /console/orgs/{id}/members`.
pub async fn members(
    State(pages): State<ConsolePages>,
    Path(org_id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&pages, &headers, query.lang.as_deref());
    match organisation(&pages, &visitor, &org_id).await {
        Ok(org) => visitor.respond(
            StatusCode::OK,
            members_page(&visitor, &org, query.done.as_deref(), None),
        ),
        Err(error) => visitor.refuse(words(visitor.lang).members, &error),
    }
}

/// `POST /console/orgs/{id}/members` (`email`, `role` = `creator` or `approver`): Approvers only, which the
/// backend checks.
pub async fn add_member(
    State(pages): State<ConsolePages>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let visitor = Visitor::new(&pages, &headers, None);
    let title = words(visitor.lang).members;
    let outcome = match (checked_form(&headers, form), visitor.session()) {
        (Err(error), _) | (_, Err(error)) => return visitor.refuse(title, &error),
        (Ok(fields), Ok(session)) => {
            pages
                .backend
                .0
                .add_member(
                    session,
                    org_id.clone(),
                    field(&fields, "email"),
                    field(&fields, "role"),
                )
                .await
        }
    };
    match outcome {
        Ok(()) => see_other(&format!("{}?done=saved", members_path(&org_id))),
        Err(error) => match organisation(&pages, &visitor, &org_id).await {
            Ok(org) => visitor.respond(
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
                members_page(&visitor, &org, None, Some(&error)),
            ),
            Err(_) => visitor.refuse(title, &error),
        },
    }
}
