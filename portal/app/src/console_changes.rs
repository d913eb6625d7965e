//! The console's maker/checker views: an organisation's members (and adding one), a sandbox's pre-production
//! mark, granted scopes and RP encipherment key, and the list of proposed changes with who proposed them, when,
//! what they change and who decided — with Approve and Reject for an Approver who did not propose them.
//!
//! Like the rest of the console, the forms post to server functions that check the CSRF token and the session and
//! hand over to the server's backend, which checks the role; the buttons shown here are a convenience, never the
//! check. This module never shows a private key or a client secret.

use leptos::prelude::*;

use crate::console::{
    CsrfField, GRANTABLE_SCOPES, MemberView, ProposalView, SandboxSettingsView, action_error,
};
use crate::console_words::{ConsoleWords, words};
use crate::lang::UiLang;

#[server(prefix = "/_console", endpoint = "update_scopes")]
pub async fn update_scopes(
    csrf: String,
    sandbox_id: String,
    scopes: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .update_scopes(signed_in_session()?, sandbox_id, scopes)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "upload_rp_key")]
pub async fn upload_rp_key(
    csrf: String,
    sandbox_id: String,
    public_key: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .upload_rp_key(signed_in_session()?, sandbox_id, public_key)
        .await
        .map_err(request::refuse)
}

/// `pre_production` is `on` or `off`.
#[server(prefix = "/_console", endpoint = "set_pre_production")]
pub async fn set_pre_production(
    csrf: String,
    sandbox_id: String,
    pre_production: String,
) -> Result<Option<String>, ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .set_pre_production(signed_in_session()?, sandbox_id, pre_production == "on")
        .await
        .map_err(request::refuse)
}

/// `decision` is `approve` or `reject`.
#[server(prefix = "/_console", endpoint = "decide_proposal")]
pub async fn decide_proposal(
    csrf: String,
    sandbox_id: String,
    proposal_id: String,
    decision: String,
) -> Result<(), ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(request::refuse(backend::ConsoleError::new(
                400,
                backend::Localised::approve_or_reject(),
            )));
        }
    };
    backend
        .decide_proposal(signed_in_session()?, sandbox_id, proposal_id, approve)
        .await
        .map_err(request::refuse)
}

/// `role` is `creator` or `approver`.
#[server(prefix = "/_console", endpoint = "add_member")]
pub async fn add_member(
    csrf: String,
    org_id: String,
    email: String,
    role: String,
) -> Result<(), ServerFnError> {
    use crate::console::{backend, request, signed_in_session};
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .add_member(signed_in_session()?, org_id, email, role)
        .await
        .map_err(request::refuse)
}

/// The actions of a sandbox page's maker/checker forms; the page refetches its settings when any completes.
#[derive(Clone, Copy)]
pub struct ChangeActions {
    pub scopes: ServerAction<UpdateScopes>,
    pub key: ServerAction<UploadRpKey>,
    pub pre_production: ServerAction<SetPreProduction>,
    pub decide: ServerAction<DecideProposal>,
}

impl ChangeActions {
    pub fn new() -> ChangeActions {
        ChangeActions {
            scopes: ServerAction::new(),
            key: ServerAction::new(),
            pre_production: ServerAction::new(),
            decide: ServerAction::new(),
        }
    }

    /// Changes whenever one of the actions completes.
    pub fn version(&self) -> usize {
        self.scopes.version().get()
            + self.key.version().get()
            + self.pre_production.version().get()
            + self.decide.version().get()
    }

    /// The actions' refusals, and a notice when a change was proposed rather than applied.
    pub fn feedback(&self, settings_saved: Signal<Option<bool>>) -> impl IntoView + use<> {
        let ui_lang = expect_context::<UiLang>();
        let actions = *self;
        let proposed = move || {
            let proposed_by = |value: Option<Result<Option<String>, ServerFnError>>| {
                matches!(value, Some(Ok(Some(_))))
            };
            let any = proposed_by(actions.scopes.value().get())
                || proposed_by(actions.key.value().get())
                || proposed_by(actions.pre_production.value().get())
                || settings_saved.get() == Some(true);
            any.then(|| {
                view! {
                    <p class="notice" role="status" id="proposed-notice">
                        {move || words(ui_lang.get()).proposed_notice}
                    </p>
                }
            })
        };
        view! {
            {action_error(actions.scopes.value())}
            {action_error(actions.key.value())}
            {action_error(actions.pre_production.value())}
            {action_error(actions.decide.value())}
            {proposed}
        }
    }
}

impl Default for ChangeActions {
    fn default() -> Self {
        ChangeActions::new()
    }
}

fn kind_label(words: &ConsoleWords, kind: &str) -> &'static str {
    match kind {
        "redirect_uris" => words.kind_redirect_uris,
        "granted_scopes" => words.kind_granted_scopes,
        "rp_key" => words.kind_rp_key,
        _ => words.kind_leave_pre_production,
    }
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM` in UTC (the console does not know the viewer's zone).
pub fn utc_minute(epoch_ms: i64) -> String {
    let minutes = epoch_ms.div_euclid(60_000);
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// The pre-production mark, scopes and RP key rows of a sandbox's description list.
pub fn settings_rows(view: &SandboxSettingsView) -> impl IntoView + use<> {
    let ui_lang = expect_context::<UiLang>();
    let words = move || words(ui_lang.get());
    let pre_production = view.pre_production;
    view! {
        <dt>{move || words().pre_production}</dt>
        <dd id="pre-production" data-pre-production=pre_production.to_string()>
            {move || if pre_production { words().yes } else { words().no }}
        </dd>
        <dt>{move || words().rp_key}</dt>
        <dd><code id="rp-key-fingerprint">{view.rp_key_fingerprint.clone()}</code></dd>
    }
}

/// The forms a Creator uses for the changes that need maker/checker on a pre-production sandbox.
pub fn creator_forms(view: &SandboxSettingsView, actions: ChangeActions) -> impl IntoView + use<> {
    let ui_lang = expect_context::<UiLang>();
    let words = move || words(ui_lang.get());
    let id = view.sandbox.sandbox_id.clone();
    let (scopes_id, key_id, mark_id) = (id.clone(), id.clone(), id);
    let scopes = view.granted_scopes.join(" ");
    let pre_production = view.pre_production;
    let mark_value = if pre_production { "off" } else { "on" };
    view! {
        <p class="muted">{move || words().pre_production_hint}</p>
        <ActionForm action=actions.pre_production attr:id="pre-production-form" attr:class="inline-form">
            <CsrfField />
            <input type="hidden" name="sandbox_id" value=mark_id />
            <input type="hidden" name="pre_production" value=mark_value />
            <button type="submit" class="button secondary">
                {move || if pre_production { words().leave_pre_production } else { words().mark_pre_production }}
            </button>
        </ActionForm>
        <ActionForm action=actions.scopes attr:id="scopes-form">
            <CsrfField />
            <input type="hidden" name="sandbox_id" value=scopes_id />
            <label>
                {move || ui_lang.get().text().console.scopes}
                <input name="scopes" value=scopes maxlength="400" />
                <small>{move || words().scopes_hint} {GRANTABLE_SCOPES.join(" ")}</small>
            </label>
            <button type="submit" class="button primary">{move || words().save_scopes}</button>
        </ActionForm>
        <ActionForm action=actions.key attr:id="rp-key-form">
            <CsrfField />
            <input type="hidden" name="sandbox_id" value=key_id />
            <label>
                {move || words().rp_key}
                <textarea name="public_key" rows="6" spellcheck="false"></textarea>
                <small>{move || words().rp_key_hint}</small>
            </label>
            <button type="submit" class="button primary">{move || words().upload_key}</button>
        </ActionForm>
    }
}

/// The sandbox's proposed changes, newest first, with Approve and Reject where the viewer may decide.
pub fn proposals_table(
    view: &SandboxSettingsView,
    actions: ChangeActions,
) -> impl IntoView + use<> {
    let ui_lang = expect_context::<UiLang>();
    let words = move || words(ui_lang.get());
    let sandbox_id = view.sandbox.sandbox_id.clone();
    let can_approve = view.can_approve;
    let rows = view
        .proposals
        .iter()
        .map(|proposal: &ProposalView| {
            let pending = proposal.status == "pending";
            let may_decide = pending && can_approve && !proposal.proposed_by_you;
            let status = proposal.status.clone();
            let decided_by = proposal.decided_by.clone();
            let decided_at = (proposal.decided_at_ms > 0).then(|| utc_minute(proposal.decided_at_ms));
            let proposer = if proposal.proposed_by_you {
                format!("{} ({})", proposal.proposed_by, words().you)
            } else {
                proposal.proposed_by.clone()
            };
            let kind = proposal.kind.clone();
            let buttons = may_decide.then(|| {
                let (approve_id, reject_id) = (sandbox_id.clone(), sandbox_id.clone());
                let (approve_proposal, reject_proposal) =
                    (proposal.proposal_id.clone(), proposal.proposal_id.clone());
                view! {
                    <ActionForm action=actions.decide attr:class="inline-form approve-form">
                        <CsrfField />
                        <input type="hidden" name="sandbox_id" value=approve_id />
                        <input type="hidden" name="proposal_id" value=approve_proposal />
                        <input type="hidden" name="decision" value="approve" />
                        <button type="submit" class="button primary">{move || words().approve}</button>
                    </ActionForm>
                    <ActionForm action=actions.decide attr:class="inline-form reject-form">
                        <CsrfField />
                        <input type="hidden" name="sandbox_id" value=reject_id />
                        <input type="hidden" name="proposal_id" value=reject_proposal />
                        <input type="hidden" name="decision" value="reject" />
                        <button type="submit" class="button secondary">{move || words().reject}</button>
                    </ActionForm>
                }
            });
            view! {
                <tr data-proposal-id=proposal.proposal_id.clone() data-status=proposal.status.clone()>
                    <td>{utc_minute(proposal.proposed_at_ms)}</td>
                    <td>{proposer}</td>
                    <td>{move || kind_label(words(), &kind)}<pre class="diff">{proposal.diff.join("\n")}</pre></td>
                    <td>
                        {move || match status.as_str() {
                            "approved" => words().status_approved,
                            "rejected" => words().status_rejected,
                            _ => words().status_pending,
                        }}
                        " " {decided_by.clone()} " " {decided_at.clone()}
                        {buttons}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let empty = view.proposals.is_empty();
    view! {
        <h2>{move || words().changes_title}</h2>
        {if empty {
            view! { <p class="muted" id="no-proposals">{move || words().no_changes}</p> }.into_any()
        } else {
            view! {
                <table class="proposals" id="proposals">
                    <thead>
                        <tr>
                            <th>{move || words().proposed_at}</th>
                            <th>{move || words().proposed_by}</th>
                            <th>{move || words().change}</th>
                            <th>{move || words().decision}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
                .into_any()
        }}
    }
}

/// An organisation's members and, for an Approver, the form that adds one.
pub fn members_section(
    org_id: String,
    members: Vec<MemberView>,
    is_approver: bool,
    add: ServerAction<AddMember>,
) -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let words = move || words(ui_lang.get());
    let text = move || &ui_lang.get().text().console;
    let role_names = move |roles: &[String]| {
        roles
            .iter()
            .map(|role| {
                if role == "approver" {
                    text().role_approver
                } else {
                    text().role_creator
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let list = members
        .into_iter()
        .map(|member| {
            let roles = member.roles.clone();
            view! {
                <li class="member">
                    {member.display_name} " <" {member.email} "> " <span class="muted">{move || role_names(&roles)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h4>{move || words().members}</h4>
        <ul class="members">{list}</ul>
        {is_approver
            .then(|| {
                view! {
                    <ActionForm action=add attr:class="add-member-form">
                        <CsrfField />
                        <input type="hidden" name="org_id" value=org_id.clone() />
                        <label>{move || words().member_email}<input name="email" type="email" required /></label>
                        <label>
                            {move || words().member_role}
                            <select name="role">
                                <option value="creator">{move || text().role_creator}</option>
                                <option value="approver">{move || text().role_approver}</option>
                            </select>
                        </label>
                        <button type="submit" class="button secondary">{move || words().add_member}</button>
                        <small class="muted">{move || words().add_member_hint}</small>
                    </ActionForm>
                }
            })}
    }
}
