//! The server side of the developer console: `portal_app::console::backend::ConsoleBackend` implemented on the
//! account store and the organisations, so the Leptos app never sees the database.
//!
//! Each method resolves the session first; an expired or unknown session is "sign in first", and every
//! organisation or sandbox operation goes through `Orgs`, which checks the caller's role. Error messages are the
//! stores' visitor-facing texts in three languages (`refusals.rs`). Nothing here logs secrets, passwords or
//! tokens.

use std::sync::Arc;

use portal_app::console::{
    ConsoleOverview, FaultView, MemberView, NewSandboxView, OrgView, ProposalView,
    RequestDetailView, RequestView, SandboxSettingsView, SandboxView,
    backend::{BoxFuture, ConsoleBackend, ConsoleError, Localised},
};

use crate::accounts::{Account, Accounts, SessionToken, SignInError, SignUpError, new_csrf_token};
use crate::inspector::{RequestFilter, RequestRecord};
use crate::maker_checker::{Applied, DecisionError, MemberError};
use crate::orgs::{OrgError, Orgs, Role, SettingsChange, SettingsError};
use crate::refusals::InThreeLanguages;

/// The proposal's ID when a change waits for an Approver.
fn proposal_of(applied: Applied) -> Option<String> {
    match applied {
        Applied::Now => None,
        Applied::Proposed(proposal_id) => Some(proposal_id),
    }
}

fn decision_refusal(error: DecisionError) -> ConsoleError {
    let status = match error {
        DecisionError::OwnProposal => 403,
        DecisionError::AlreadyDecided | DecisionError::Stale => 409,
    };
    ConsoleError::new(status, error.localised())
}

fn member_refusal(error: MemberError) -> ConsoleError {
    ConsoleError::new(400, error.localised())
}

fn request_view(row: RequestRecord) -> RequestView {
    RequestView {
        explanation: crate::inspector::explain(&row.code).to_owned(),
        request_id: row.request_id,
        logged_at_ms: row.logged_at_ms,
        method: row.method,
        path: row.path,
        http_status: row.http_status,
        code: row.code,
        message: row.message,
        latency_us: row.latency_us,
    }
}

/// Stored inspector JSON, indented for reading; empty when nothing was stored.
fn pretty(json: Option<&str>) -> String {
    json.and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_default()
}

fn inspector_unavailable(error: sqlx::Error) -> ConsoleError {
    tracing::error!(error = %error, "could not read the request log");
    org_refusal(OrgError::Unavailable)
}

fn settings_refusal(error: SettingsError) -> ConsoleError {
    ConsoleError::new(400, error.localised())
}

fn sign_in_first() -> ConsoleError {
    ConsoleError::new(401, Localised::sign_in_first())
}

fn org_refusal(error: OrgError) -> ConsoleError {
    let status = match error {
        OrgError::InvalidName => 400,
        OrgError::NotFound => 404,
        OrgError::Forbidden => 403,
        OrgError::Unavailable => 503,
    };
    ConsoleError::new(status, error.localised())
}

fn sign_up_refusal(error: SignUpError) -> ConsoleError {
    let status = match error {
        SignUpError::InvalidEmail | SignUpError::NameMissing | SignUpError::WeakPassword => 400,
        SignUpError::EmailTaken => 409,
        SignUpError::Unavailable => 503,
    };
    ConsoleError::new(status, error.localised())
}

fn sign_in_refusal(error: SignInError) -> ConsoleError {
    let status = match error {
        SignInError::Invalid => 401,
        SignInError::RateLimited { .. } => 429,
        SignInError::Unavailable => 503,
    };
    ConsoleError::new(status, error.localised())
}

/// The console's backend.
pub struct PortalConsole {
    pub pool: sqlx::AnyPool,
    pub accounts: Accounts,
    pub orgs: Orgs,
    pub secure_cookies: bool,
}

impl PortalConsole {
    /// The live session's account: `Ok(None)` when the session is unknown or expired.
    async fn session_account(&self, session: &str) -> Result<Option<Account>, ConsoleError> {
        self.accounts
            .account_for(&SessionToken::new(session))
            .await
            .map_err(|error| {
                tracing::error!(error = %error, "session lookup failed");
                org_refusal(OrgError::Unavailable)
            })
    }

    async fn account(&self, session: &str) -> Result<Account, ConsoleError> {
        self.session_account(session)
            .await?
            .ok_or_else(sign_in_first)
    }

    async fn overview_of(&self, account: &Account) -> Result<ConsoleOverview, OrgError> {
        let mut orgs = Vec::new();
        for membership in self.orgs.memberships(account).await? {
            let sandboxes = self
                .orgs
                .sandboxes(account, &membership.org_id)
                .await?
                .into_iter()
                .map(|sandbox| SandboxView {
                    sandbox_id: sandbox.sandbox_id,
                    name: sandbox.name,
                    client_id: sandbox.client_id,
                })
                .collect();
            let members = self
                .orgs
                .members(account, &membership.org_id)
                .await?
                .into_iter()
                .map(|member| MemberView {
                    display_name: member.display_name,
                    email: member.email,
                    roles: member
                        .roles
                        .iter()
                        .map(|role| role.as_str().to_owned())
                        .collect(),
                })
                .collect();
            orgs.push(OrgView {
                members,
                org_id: membership.org_id,
                name: membership.name,
                roles: membership
                    .roles
                    .iter()
                    .map(|role| role.as_str().to_owned())
                    .collect(),
                sandboxes,
            });
        }
        Ok(ConsoleOverview {
            display_name: account.display_name.clone(),
            orgs,
        })
    }
}

impl ConsoleBackend for PortalConsole {
    fn sign_up(
        &self,
        email: String,
        display_name: String,
        password: String,
    ) -> BoxFuture<'_, Result<String, ConsoleError>> {
        Box::pin(async move {
            self.accounts
                .sign_up(&email, &display_name, &password)
                .await
                .map(|(_, token)| token.expose().to_owned())
                .map_err(sign_up_refusal)
        })
    }

    fn sign_in(
        &self,
        email: String,
        password: String,
    ) -> BoxFuture<'_, Result<String, ConsoleError>> {
        Box::pin(async move {
            self.accounts
                .sign_in(&email, &password)
                .await
                .map(|(_, token)| token.expose().to_owned())
                .map_err(sign_in_refusal)
        })
    }

    fn sign_out(&self, session: String) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(error) = self.accounts.sign_out(&SessionToken::new(session)).await {
                tracing::warn!(error = %error, "could not end a session");
            }
        })
    }

    fn overview(
        &self,
        session: String,
    ) -> BoxFuture<'_, Result<Option<ConsoleOverview>, ConsoleError>> {
        Box::pin(async move {
            let Some(account) = self.session_account(&session).await? else {
                return Ok(None);
            };
            self.overview_of(&account)
                .await
                .map(Some)
                .map_err(org_refusal)
        })
    }

    fn create_org(&self, session: String, name: String) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .create_org(&account, &name)
                .await
                .map(|_| ())
                .map_err(org_refusal)
        })
    }

    fn create_sandbox(
        &self,
        session: String,
        org_id: String,
        name: String,
    ) -> BoxFuture<'_, Result<NewSandboxView, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            let created = self
                .orgs
                .create_sandbox(&account, &org_id, &name)
                .await
                .map_err(org_refusal)?;
            Ok(NewSandboxView {
                sandbox: SandboxView {
                    sandbox_id: created.summary.sandbox_id,
                    name: created.summary.name,
                    client_id: created.summary.client_id,
                },
                client_secret: created.client_secret,
                rp_private_key_pem: created.rp_private_key_pem,
            })
        })
    }

    fn reset_sandbox(
        &self,
        session: String,
        sandbox_id: String,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .reset_sandbox(&account, &sandbox_id)
                .await
                .map_err(org_refusal)
        })
    }

    fn delete_sandbox(
        &self,
        session: String,
        sandbox_id: String,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .delete_sandbox(&account, &sandbox_id)
                .await
                .map_err(org_refusal)
        })
    }

    fn sandbox_settings(
        &self,
        session: String,
        sandbox_id: String,
    ) -> BoxFuture<'_, Result<Option<SandboxSettingsView>, ConsoleError>> {
        Box::pin(async move {
            let Some(account) = self.session_account(&session).await? else {
                return Ok(None);
            };
            let settings = self
                .orgs
                .settings(&account, &sandbox_id)
                .await
                .map_err(org_refusal)?;
            let can_edit = self
                .orgs
                .is_creator(&account, &settings.summary.org_id)
                .await;
            let can_approve = self
                .orgs
                .require(&account, &settings.summary.org_id, Role::Approver)
                .await
                .is_ok();
            let proposals = self
                .orgs
                .proposals(&account, &sandbox_id)
                .await
                .map_err(org_refusal)?
                .into_iter()
                .map(|proposal| ProposalView {
                    proposal_id: proposal.proposal_id,
                    kind: proposal.kind,
                    proposed_by: proposal.proposed_by,
                    proposed_by_you: proposal.proposed_by_caller,
                    proposed_at_ms: proposal.proposed_at_ms,
                    status: proposal.status,
                    decided_by: proposal.decided_by.unwrap_or_default(),
                    decided_at_ms: proposal.decided_at_ms.unwrap_or_default(),
                    diff: proposal.diff,
                })
                .collect();
            Ok(Some(SandboxSettingsView {
                pre_production: settings.pre_production,
                can_approve,
                rp_key_fingerprint: settings.rp_key_fingerprint,
                proposals,
                sandbox: SandboxView {
                    sandbox_id: settings.summary.sandbox_id,
                    name: settings.summary.name,
                    client_id: settings.summary.client_id,
                },
                can_edit,
                redirect_uris: settings.redirect_uris,
                granted_scopes: settings.granted_scopes,
                lenient: settings.lenient,
                code_lifetime_s: settings.code_lifetime_ms / 1000,
                auto_responder: settings.auto_responder.unwrap_or_default(),
                time_offset_minutes: settings.time_offset_ms / 60_000,
                faults: settings
                    .faults
                    .into_iter()
                    .map(|fault| FaultView {
                        path: fault.path,
                        code: fault.code,
                        delay_ms: fault.delay_ms,
                        remaining: fault.remaining,
                    })
                    .collect(),
            }))
        })
    }

    fn update_sandbox(
        &self,
        session: String,
        sandbox_id: String,
        redirect_uris: String,
        lenient: bool,
        code_lifetime_s: i64,
        auto_responder: String,
    ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            let change = SettingsChange {
                redirect_uris: redirect_uris
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect(),
                lenient,
                code_lifetime_ms: code_lifetime_s.saturating_mul(1000),
                auto_responder: Some(auto_responder.trim().to_owned()).filter(|id| !id.is_empty()),
            };
            self.orgs
                .update_settings(&account, &sandbox_id, &change)
                .await
                .map_err(org_refusal)?
                .map(proposal_of)
                .map_err(settings_refusal)
        })
    }

    fn update_scopes(
        &self,
        session: String,
        sandbox_id: String,
        scopes: String,
    ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            let scopes: Vec<String> = scopes.split_whitespace().map(str::to_owned).collect();
            self.orgs
                .update_scopes(&account, &sandbox_id, &scopes)
                .await
                .map_err(org_refusal)?
                .map(proposal_of)
                .map_err(settings_refusal)
        })
    }

    fn upload_rp_key(
        &self,
        session: String,
        sandbox_id: String,
        pem: String,
    ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .upload_rp_key(&account, &sandbox_id, &pem)
                .await
                .map_err(org_refusal)?
                .map(proposal_of)
                .map_err(settings_refusal)
        })
    }

    fn set_pre_production(
        &self,
        session: String,
        sandbox_id: String,
        on: bool,
    ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .set_pre_production(&account, &sandbox_id, on)
                .await
                .map(proposal_of)
                .map_err(org_refusal)
        })
    }

    fn decide_proposal(
        &self,
        session: String,
        sandbox_id: String,
        proposal_id: String,
        approve: bool,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .decide(&account, &sandbox_id, &proposal_id, approve)
                .await
                .map_err(org_refusal)?
                .map_err(decision_refusal)
        })
    }

    fn add_member(
        &self,
        session: String,
        org_id: String,
        email: String,
        role: String,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            let Some(role) = Role::from_name(&role) else {
                return Err(ConsoleError::new(400, crate::refusals::unknown_role()));
            };
            self.orgs
                .add_member(&account, &org_id, &email, role)
                .await
                .map_err(org_refusal)?
                .map_err(member_refusal)
        })
    }

    fn request_detail(
        &self,
        session: String,
        sandbox_id: String,
        request_id: String,
    ) -> BoxFuture<'_, Result<Option<RequestDetailView>, ConsoleError>> {
        Box::pin(async move {
            let Some(account) = self.session_account(&session).await? else {
                return Ok(None);
            };
            self.orgs
                .sandbox(&account, &sandbox_id)
                .await
                .map_err(org_refusal)?;
            let row = crate::inspector::one(&self.pool, &sandbox_id, &request_id)
                .await
                .map_err(inspector_unavailable)?
                .ok_or_else(|| org_refusal(OrgError::NotFound))?;
            Ok(Some(RequestDetailView {
                request_json: pretty(row.request_json.as_deref()),
                response_json: pretty(row.response_json.as_deref()),
                request: request_view(row),
            }))
        })
    }

    fn travel_in_time(
        &self,
        session: String,
        sandbox_id: String,
        minutes: i64,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .travel_in_time(&account, &sandbox_id, minutes.saturating_mul(60_000))
                .await
                .map_err(org_refusal)?
                .map_err(settings_refusal)
        })
    }

    fn requests(
        &self,
        session: String,
        sandbox_id: String,
        filter: (String, String, i64),
    ) -> BoxFuture<'_, Result<Option<Vec<RequestView>>, ConsoleError>> {
        Box::pin(async move {
            let Some(account) = self.session_account(&session).await? else {
                return Ok(None);
            };
            self.orgs
                .sandbox(&account, &sandbox_id)
                .await
                .map_err(org_refusal)?;
            let (path, code, http_status) = filter;
            let filter = RequestFilter {
                path: path.chars().take(200).collect(),
                code: code.chars().take(10).collect(),
                http_status,
            };
            let rows = crate::inspector::recent(&self.pool, &sandbox_id, &filter, 50)
                .await
                .map_err(inspector_unavailable)?;
            Ok(Some(rows.into_iter().map(request_view).collect()))
        })
    }

    fn inject_fault(
        &self,
        session: String,
        sandbox_id: String,
        fault: (String, String, i64, i64),
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            let (path, code, count, delay_ms) = fault;
            self.orgs
                .inject_fault(&account, &sandbox_id, (&path, &code, count, delay_ms))
                .await
                .map_err(org_refusal)?
                .map_err(|error| ConsoleError::new(400, error.localised()))
        })
    }

    fn clear_faults(
        &self,
        session: String,
        sandbox_id: String,
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .clear_faults(&account, &sandbox_id)
                .await
                .map_err(org_refusal)
        })
    }

    fn rotate_secret(
        &self,
        session: String,
        sandbox_id: String,
    ) -> BoxFuture<'_, Result<String, ConsoleError>> {
        Box::pin(async move {
            let account = self.account(&session).await?;
            self.orgs
                .rotate_secret(&account, &sandbox_id)
                .await
                .map_err(org_refusal)
        })
    }

    fn new_csrf_token(&self) -> String {
        new_csrf_token()
    }

    fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }
}

/// The backend as the Leptos context value.
pub fn context(console: PortalConsole) -> portal_app::console::backend::Backend {
    portal_app::console::backend::Backend(Arc::new(console))
}
