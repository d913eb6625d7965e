//! Organisations, their members' roles, and the sandboxes they own — with the role check in front of every
//! operation, so no caller can forget it.
//!
//! Roles follow the real programme's self-service portal: a Creator makes changes (creates sandboxes), an
//! Approver approves them; whoever creates an organisation holds both. A person outside an organisation gets
//! "not found" for its sandboxes, never "forbidden", so sandbox IDs of other organisations cannot be probed.
//! This module never logs client secrets, private keys or names.

use mock_iamsmart::{SandboxConfig, Secret};
use rand::RngCore;
use rsa::{
    RsaPrivateKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};
use sandbox_runtime::{Runtime, SandboxId};
use sqlx::{AnyPool, Row};

use crate::accounts::Account;
use crate::unix_time_ms;

/// A member's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Creator,
    Approver,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Creator => "creator",
            Role::Approver => "approver",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Role> {
        match name {
            "creator" => Some(Role::Creator),
            "approver" => Some(Role::Approver),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OrgError {
    #[error("enter a name of 1 to 100 characters")]
    InvalidName,
    /// Not a member, or no such thing: the same answer, so nothing can be probed.
    #[error("not found")]
    NotFound,
    #[error("your role in this organisation does not allow this")]
    Forbidden,
    #[error("the portal's database or the sandbox runtime is unavailable; try again shortly")]
    Unavailable,
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> OrgError {
    tracing::error!(error = %error, "organisation operation failed");
    OrgError::Unavailable
}

/// An organisation and the caller's roles in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub org_id: String,
    pub name: String,
    pub roles: Vec<Role>,
}

/// A sandbox as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxSummary {
    pub sandbox_id: String,
    pub org_id: String,
    pub name: String,
    pub client_id: String,
    pub created_at_ms: i64,
}

/// What creating a sandbox hands back once: the credentials the console shows a single time.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSandbox {
    pub summary: SandboxSummary,
    pub client_secret: String,
    pub rp_private_key_pem: String,
}

impl std::fmt::Debug for NewSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSandbox")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// A sandbox's editable settings, as the console shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxSettings {
    pub summary: SandboxSummary,
    pub redirect_uris: Vec<String>,
    pub granted_scopes: Vec<String>,
    pub lenient: bool,
    pub code_lifetime_ms: i64,
    pub auto_responder: Option<String>,
    pub time_offset_ms: i64,
    pub faults: Vec<crate::faults::Fault>,
    /// Changes that widen what the sandbox accepts need an Approver's decision (`crate::maker_checker`).
    pub pre_production: bool,
    /// The fingerprint of the RP encipherment public key the sandbox wraps content keys with.
    pub rp_key_fingerprint: String,
}

/// What a Creator may change. Every field is checked before anything is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsChange {
    pub redirect_uris: Vec<String>,
    pub lenient: bool,
    pub code_lifetime_ms: i64,
    pub auto_responder: Option<String>,
}

pub const MAX_REDIRECT_URIS: usize = 20;
const MAX_REDIRECT_URI_LENGTH: usize = 2048;
/// The protocol's range for authorisation codes is 30–60 s; the sandbox allows 5 s to 10 min so tests can
/// exercise expiry quickly or debug slowly.
pub const CODE_LIFETIME_RANGE_MS: std::ops::RangeInclusive<i64> = 5_000..=600_000;
/// Time travel goes forward at most a year.
pub const MAX_TIME_OFFSET_MS: i64 = 366 * 24 * 60 * 60 * 1000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("redirect URI {0} is not an absolute http(s) URL without a fragment")]
    BadRedirectUri(usize),
    #[error("at most {MAX_REDIRECT_URIS} redirect URIs")]
    TooManyRedirectUris,
    #[error("the code lifetime must be between 5 and 600 seconds")]
    BadCodeLifetime,
    #[error("the auto-responder must be one of the sandbox's personas")]
    UnknownPersona,
    #[error("time travel goes from 0 to 366 days forward")]
    BadTimeOffset,
    #[error("grant at least one scope")]
    NoScopes,
    #[error("{0} is not a scope this sandbox knows; choose from {scopes}", scopes = ALL_SCOPES.join(", "))]
    UnknownScope(String),
    #[error(transparent)]
    RpKey(#[from] crate::rp_key::RpKeyError),
}

fn valid_redirect_uri(uri: &str) -> bool {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    !host.is_empty()
        && uri.len() <= MAX_REDIRECT_URI_LENGTH
        && !uri.contains('#')
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl SettingsChange {
    /// Checks the change against the rules above and the sandbox's own personas.
    pub fn check(&self, config: &SandboxConfig) -> Result<(), SettingsError> {
        if self.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(SettingsError::TooManyRedirectUris);
        }
        if let Some(bad) = self
            .redirect_uris
            .iter()
            .position(|uri| !valid_redirect_uri(uri))
        {
            return Err(SettingsError::BadRedirectUri(bad + 1));
        }
        if !CODE_LIFETIME_RANGE_MS.contains(&self.code_lifetime_ms) {
            return Err(SettingsError::BadCodeLifetime);
        }
        if let Some(persona) = &self.auto_responder
            && mock_iamsmart::persona::find_persona(config, persona).is_none()
        {
            return Err(SettingsError::UnknownPersona);
        }
        Ok(())
    }
}

/// Every scope the mock knows; a new self-service sandbox gets them all.
pub const ALL_SCOPES: [&str; 6] = portal_app::console::GRANTABLE_SCOPES;

fn checked_name(name: &str) -> Result<String, OrgError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(OrgError::InvalidName);
    }
    Ok(name.to_owned())
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Organisations and their sandboxes.
#[derive(Clone)]
pub struct Orgs {
    pub(crate) pool: AnyPool,
    pub(crate) runtime: Runtime,
    /// Where the console tells developers their sandbox lives, for the default redirect URI.
    public_base_url: Option<String>,
}

impl Orgs {
    pub fn new(pool: AnyPool, runtime: Runtime, public_base_url: Option<String>) -> Orgs {
        Orgs {
            pool,
            runtime,
            public_base_url,
        }
    }

    /// Creates an organisation; its creator holds both roles.
    pub async fn create_org(&self, account: &Account, name: &str) -> Result<Membership, OrgError> {
        let name = checked_name(name)?;
        let org_id = random_hex(12);
        let mut transaction = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("INSERT INTO organisations (org_id, name, created_at_ms) VALUES ($1, $2, $3)")
            .bind(&org_id)
            .bind(&name)
            .bind(unix_time_ms())
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        for role in [Role::Creator, Role::Approver] {
            sqlx::query("INSERT INTO memberships (org_id, account_id, role) VALUES ($1, $2, $3)")
                .bind(&org_id)
                .bind(&account.account_id)
                .bind(role.as_str())
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?;
        }
        transaction.commit().await.map_err(unavailable)?;
        Ok(Membership {
            org_id,
            name,
            roles: vec![Role::Creator, Role::Approver],
        })
    }

    /// Puts an existing sandbox (made outside the console, like the demo sandbox) into an organisation.
    pub async fn adopt_sandbox(
        &self,
        account: &Account,
        org_id: &str,
        sandbox_id: &str,
        name: &str,
    ) -> Result<(), OrgError> {
        self.require(account, org_id, Role::Creator).await?;
        sqlx::query(
            "INSERT INTO org_sandboxes (sandbox_id, org_id, name, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sandbox_id)
        .bind(org_id)
        .bind(checked_name(name)?)
        .bind(&account.account_id)
        .bind(unix_time_ms())
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    /// The organisations `account` belongs to, by name.
    pub async fn memberships(&self, account: &Account) -> Result<Vec<Membership>, OrgError> {
        let rows = sqlx::query(
            "SELECT o.org_id, o.name, m.role FROM memberships m JOIN organisations o ON o.org_id = m.org_id \
             WHERE m.account_id = $1 ORDER BY o.name, o.org_id, m.role",
        )
        .bind(&account.account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        let mut memberships: Vec<Membership> = Vec::new();
        for row in rows {
            let org_id: String = row.try_get("org_id").map_err(unavailable)?;
            let role = row
                .try_get::<String, _>("role")
                .ok()
                .and_then(|name| Role::from_name(&name));
            match memberships.last_mut() {
                Some(last) if last.org_id == org_id => last.roles.extend(role),
                _ => memberships.push(Membership {
                    org_id,
                    name: row.try_get("name").map_err(unavailable)?,
                    roles: role.into_iter().collect(),
                }),
            }
        }
        for membership in &mut memberships {
            membership.roles.sort();
        }
        Ok(memberships)
    }

    /// The caller's roles in `org_id`; `NotFound` when they have none.
    pub(crate) async fn roles_in(
        &self,
        account: &Account,
        org_id: &str,
    ) -> Result<Vec<Role>, OrgError> {
        let rows =
            sqlx::query("SELECT role FROM memberships WHERE org_id = $1 AND account_id = $2")
                .bind(org_id)
                .bind(&account.account_id)
                .fetch_all(&self.pool)
                .await
                .map_err(unavailable)?;
        let roles: Vec<Role> = rows
            .iter()
            .filter_map(|row| row.try_get::<String, _>("role").ok())
            .filter_map(|name| Role::from_name(&name))
            .collect();
        if roles.is_empty() {
            Err(OrgError::NotFound)
        } else {
            Ok(roles)
        }
    }

    pub(crate) async fn require(
        &self,
        account: &Account,
        org_id: &str,
        role: Role,
    ) -> Result<(), OrgError> {
        if self.roles_in(account, org_id).await?.contains(&role) {
            Ok(())
        } else {
            Err(OrgError::Forbidden)
        }
    }

    /// The sandboxes of an organisation the caller belongs to.
    pub async fn sandboxes(
        &self,
        account: &Account,
        org_id: &str,
    ) -> Result<Vec<SandboxSummary>, OrgError> {
        self.roles_in(account, org_id).await?;
        let rows = sqlx::query(
            "SELECT o.sandbox_id, o.org_id, o.name, o.created_at_ms, s.client_id FROM org_sandboxes o \
             JOIN sandboxes s ON s.sandbox_id = o.sandbox_id WHERE o.org_id = $1 ORDER BY o.created_at_ms, o.sandbox_id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One sandbox, if the caller belongs to the organisation that owns it.
    pub async fn sandbox(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<SandboxSummary, OrgError> {
        let row = sqlx::query(
            "SELECT o.sandbox_id, o.org_id, o.name, o.created_at_ms, s.client_id FROM org_sandboxes o \
             JOIN sandboxes s ON s.sandbox_id = o.sandbox_id \
             JOIN memberships m ON m.org_id = o.org_id AND m.account_id = $2 \
             WHERE o.sandbox_id = $1",
        )
        .bind(sandbox_id)
        .bind(&account.account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        match row {
            Some(row) => summary_from_row(&row),
            None => Err(OrgError::NotFound),
        }
    }

    /// Creates a working sandbox in one step: client ID and secret, a generated RP encipherment key pair, every
    /// scope, strict mode, and the local callback on the allow-list. Creators only.
    pub async fn create_sandbox(
        &self,
        account: &Account,
        org_id: &str,
        name: &str,
    ) -> Result<NewSandbox, OrgError> {
        let name = checked_name(name)?;
        self.require(account, org_id, Role::Creator).await?;
        let private_key =
            tokio::task::spawn_blocking(|| RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048))
                .await
                .map_err(unavailable)?
                .map_err(unavailable)?;
        let rp_private_key_pem = private_key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(unavailable)?
            .to_string();
        let rp_public_key_pem = private_key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(unavailable)?;
        let client_id = random_hex(16);
        let client_secret = random_hex(32);
        let mut config = SandboxConfig::new(
            client_id.clone(),
            Secret::new(client_secret.clone()),
            rp_public_key_pem,
            Secret::new(random_hex(32)),
        );
        config.service_name = name.clone();
        config.granted_scopes = ALL_SCOPES.iter().map(|scope| (*scope).to_owned()).collect();
        config.redirect_uris = vec!["http://localhost:3000/callback".to_owned()];
        if let Some(base) = &self.public_base_url {
            config
                .redirect_uris
                .push(format!("{}/demo-bank/callback", base.trim_end_matches('/')));
        }
        let sandbox_id: SandboxId = self
            .runtime
            .create_sandbox(&config)
            .await
            .map_err(unavailable)?;
        let created_at_ms = unix_time_ms();
        let recorded = sqlx::query(
            "INSERT INTO org_sandboxes (sandbox_id, org_id, name, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sandbox_id.as_str())
        .bind(org_id)
        .bind(&name)
        .bind(&account.account_id)
        .bind(created_at_ms)
        .execute(&self.pool)
        .await;
        if let Err(error) = recorded {
            // Without an owner the sandbox would be unreachable from the console: take it back.
            let _ = self.runtime.delete_sandbox(&sandbox_id).await;
            return Err(unavailable(error));
        }
        Ok(NewSandbox {
            summary: SandboxSummary {
                sandbox_id: sandbox_id.as_str().to_owned(),
                org_id: org_id.to_owned(),
                name,
                client_id,
                created_at_ms,
            },
            client_secret,
            rp_private_key_pem,
        })
    }

    /// Checks that the caller is a Creator in the organisation owning `sandbox_id` (`NotFound` for
    /// non-members, `Forbidden` for members without the role).
    pub(crate) async fn creator_of(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<(), OrgError> {
        let sandbox = self.sandbox(account, sandbox_id).await?;
        self.require(account, &sandbox.org_id, Role::Creator).await
    }

    /// Whether the caller may change things in `org_id`.
    pub async fn is_creator(&self, account: &Account, org_id: &str) -> bool {
        self.require(account, org_id, Role::Creator).await.is_ok()
    }

    /// A sandbox's settings, for any member of its organisation.
    pub async fn settings(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<SandboxSettings, OrgError> {
        let summary = self.sandbox(account, sandbox_id).await?;
        let id = SandboxId::new(sandbox_id);
        let config = self
            .runtime
            .sandbox_config(&id)
            .await
            .map_err(unavailable)?;
        let info = self.runtime.sandbox_info(&id).await.map_err(unavailable)?;
        let pre_production = self.is_pre_production(sandbox_id).await?;
        Ok(SandboxSettings {
            pre_production,
            rp_key_fingerprint: crate::rp_key::fingerprint(&config.rp_public_key)
                .unwrap_or_default(),
            summary,
            redirect_uris: config.redirect_uris,
            granted_scopes: config.granted_scopes,
            lenient: config.protocol_mode == mock_iamsmart::ProtocolMode::Lenient,
            code_lifetime_ms: config.code_lifetime_ms,
            auto_responder: config.auto_responder,
            time_offset_ms: info.time_offset_ms,
            faults: crate::faults::active(&self.pool, sandbox_id)
                .await
                .map_err(unavailable)?,
        })
    }

    /// Applies a checked settings change. Creators only. On a pre-production sandbox a redirect-URI list that
    /// adds a URI is proposed instead (the other fields apply at once), and the answer names the proposal.
    pub async fn update_settings(
        &self,
        account: &Account,
        sandbox_id: &str,
        change: &SettingsChange,
    ) -> Result<Result<crate::maker_checker::Applied, SettingsError>, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        let id = SandboxId::new(sandbox_id);
        let mut config = self
            .runtime
            .sandbox_config(&id)
            .await
            .map_err(unavailable)?;
        if let Err(error) = change.check(&config) {
            return Ok(Err(error));
        }
        let adds_a_uri = change
            .redirect_uris
            .iter()
            .any(|uri| !config.redirect_uris.contains(uri));
        let mut applied = crate::maker_checker::Applied::Now;
        if adds_a_uri && self.is_pre_production(sandbox_id).await? {
            let proposal = crate::maker_checker::Change::RedirectUris(change.redirect_uris.clone());
            applied = self.propose(account, sandbox_id, &config, proposal).await?;
        } else {
            config.redirect_uris = change.redirect_uris.clone();
        }
        config.protocol_mode = if change.lenient {
            mock_iamsmart::ProtocolMode::Lenient
        } else {
            mock_iamsmart::ProtocolMode::Strict
        };
        config.code_lifetime_ms = change.code_lifetime_ms;
        config.auto_responder = change.auto_responder.clone();
        self.runtime
            .update_config(&id, &config)
            .await
            .map_err(unavailable)?;
        Ok(Ok(applied))
    }

    /// Moves the sandbox clock `offset_ms` ahead of real time (0: back to real time). Creators only.
    pub async fn travel_in_time(
        &self,
        account: &Account,
        sandbox_id: &str,
        offset_ms: i64,
    ) -> Result<Result<(), SettingsError>, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        if !(0..=MAX_TIME_OFFSET_MS).contains(&offset_ms) {
            return Ok(Err(SettingsError::BadTimeOffset));
        }
        self.runtime
            .set_time_offset(&SandboxId::new(sandbox_id), offset_ms)
            .await
            .map_err(unavailable)?;
        Ok(Ok(()))
    }

    /// Makes the sandbox's next `count` requests to `path` fail with `code` and/or arrive `delay_ms` late.
    /// Creators only.
    pub async fn inject_fault(
        &self,
        account: &Account,
        sandbox_id: &str,
        fault: (&str, &str, i64, i64),
    ) -> Result<Result<(), crate::faults::FaultError>, OrgError> {
        let (path, code, count, delay_ms) = fault;
        self.creator_of(account, sandbox_id).await?;
        if let Err(error) = crate::faults::check(path, code, count, delay_ms) {
            return Ok(Err(error));
        }
        crate::faults::inject(&self.pool, sandbox_id, path, code, count, delay_ms)
            .await
            .map_err(unavailable)?;
        Ok(Ok(()))
    }

    /// Removes every injected fault of the sandbox. Creators only.
    pub async fn clear_faults(&self, account: &Account, sandbox_id: &str) -> Result<(), OrgError> {
        self.creator_of(account, sandbox_id).await?;
        crate::faults::clear(&self.pool, sandbox_id)
            .await
            .map_err(unavailable)
    }

    /// Replaces the client secret and returns the new one (shown once). Creators only.
    pub async fn rotate_secret(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<String, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        let id = SandboxId::new(sandbox_id);
        let mut config = self
            .runtime
            .sandbox_config(&id)
            .await
            .map_err(unavailable)?;
        let secret = random_hex(32);
        config.client_secret = Secret::new(secret.clone());
        self.runtime
            .update_config(&id, &config)
            .await
            .map_err(unavailable)?;
        Ok(secret)
    }

    /// Forgets everything the sandbox stored, keeping its settings. Creators only.
    pub async fn reset_sandbox(&self, account: &Account, sandbox_id: &str) -> Result<(), OrgError> {
        self.creator_of(account, sandbox_id).await?;
        self.runtime
            .reset_sandbox(&SandboxId::new(sandbox_id))
            .await
            .map_err(unavailable)
    }

    /// Deletes the sandbox and all it stored. Creators only.
    pub async fn delete_sandbox(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<(), OrgError> {
        self.creator_of(account, sandbox_id).await?;
        self.runtime
            .delete_sandbox(&SandboxId::new(sandbox_id))
            .await
            .map_err(unavailable)
    }
}

fn summary_from_row(row: &sqlx::any::AnyRow) -> Result<SandboxSummary, OrgError> {
    Ok(SandboxSummary {
        sandbox_id: row.try_get("sandbox_id").map_err(unavailable)?,
        org_id: row.try_get("org_id").map_err(unavailable)?,
        name: row.try_get("name").map_err(unavailable)?,
        client_id: row.try_get("client_id").map_err(unavailable)?,
        created_at_ms: row.try_get("created_at_ms").map_err(unavailable)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_must_be_absolute_http_urls_without_fragments() {
        for good in [
            "https://rp.example/callback",
            "http://localhost:3000/cb?x=1",
        ] {
            assert!(valid_redirect_uri(good), "{good}");
        }
        for bad in [
            "ftp://rp.example",
            "https://",
            "/callback",
            "https://rp.example/#x",
            "https://a b",
        ] {
            assert!(!valid_redirect_uri(bad), "{bad}");
        }
    }
}
