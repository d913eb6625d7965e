//! The server side of the developer console: `portal_app::console::backend::ConsoleBackend` implemented on the
//! account store and the organisations, so the Leptos app never sees the database.
//!
//! Each method resolves the session first; an expired or unknown session is "sign in first", and every
//! organisation or sandbox operation goes through `Orgs`, which checks the caller's role. Error messages are the
//! stores' visitor-facing texts. Nothing here logs secrets, passwords or tokens.

use std::sync::Arc;

use portal_app::console::{
    ConsoleOverview, FaultView, NewSandboxView, OrgView, RequestView, SandboxSettingsView,
    SandboxView,
    backend::{BoxFuture, ConsoleBackend, ConsoleError},
};

use crate::accounts::{Account, Accounts, SessionToken, SignInError, SignUpError, new_csrf_token};
use crate::orgs::{OrgError, Orgs, SettingsChange, SettingsError};

fn settings_refusal(error: SettingsError) -> ConsoleError {
    ConsoleError::new(400, error.to_string())
}

fn sign_in_first() -> ConsoleError {
    ConsoleError::new(401, "sign in first")
}

fn org_refusal(error: OrgError) -> ConsoleError {
    let status = match error {
        OrgError::InvalidName => 400,
        OrgError::NotFound => 404,
        OrgError::Forbidden => 403,
        OrgError::Unavailable => 503,
    };
    ConsoleError::new(status, error.to_string())
}

fn sign_up_refusal(error: SignUpError) -> ConsoleError {
    let status = match error {
        SignUpError::InvalidEmail | SignUpError::NameMissing | SignUpError::WeakPassword => 400,
        SignUpError::EmailTaken => 409,
        SignUpError::Unavailable => 503,
    };
    ConsoleError::new(status, error.to_string())
}

fn sign_in_refusal(error: SignInError) -> ConsoleError {
    let status = match error {
        SignInError::Invalid => 401,
        SignInError::RateLimited { .. } => 429,
        SignInError::Unavailable => 503,
    };
    ConsoleError::new(status, error.to_string())
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
            orgs.push(OrgView {
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
            Ok(Some(SandboxSettingsView {
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
    ) -> BoxFuture<'_, Result<(), ConsoleError>> {
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
                .map_err(settings_refusal)
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
    ) -> BoxFuture<'_, Result<Option<Vec<RequestView>>, ConsoleError>> {
        Box::pin(async move {
            let Some(account) = self.session_account(&session).await? else {
                return Ok(None);
            };
            self.orgs
                .sandbox(&account, &sandbox_id)
                .await
                .map_err(org_refusal)?;
            let rows = crate::inspector::recent(&self.pool, &sandbox_id, 50)
                .await
                .map_err(|error| {
                    tracing::error!(error = %error, "could not read the request log");
                    org_refusal(OrgError::Unavailable)
                })?;
            Ok(Some(
                rows.into_iter()
                    .map(|row| RequestView {
                        explanation: crate::inspector::explain(&row.code).to_owned(),
                        logged_at_ms: row.logged_at_ms,
                        method: row.method,
                        path: row.path,
                        http_status: row.http_status,
                        code: row.code,
                        message: row.message,
                        latency_us: row.latency_us,
                    })
                    .collect(),
            ))
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
                .map_err(|error| ConsoleError::new(400, error.to_string()))
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
