//! Maker/checker for sandboxes marked "pre-production", as in the real programme's self-service portal: a change
//! that widens what the sandbox accepts — adding a redirect URI, changing the granted scopes, a new RP encipherment
//! key, leaving pre-production — is proposed by a Creator and takes effect only when an Approver who is not the
//! proposer approves it (or is dropped when one rejects it). Also here: an organisation's members, and adding an
//! existing account to an organisation with a role.
//!
//! Every operation checks the caller first: outsiders get "not found", members without the role "forbidden". A
//! proposal records the value the proposer saw; it is approved only while the sandbox still has that value, so an
//! Approver never applies a change on top of one they have not seen. Proposals are kept after the decision as the
//! sandbox's record of who changed what. This module never stores or logs a private key or a client secret (an RP
//! key proposal holds the public key only).

use mock_iamsmart::SandboxConfig;
use sandbox_runtime::SandboxId;
use sqlx::Row;

use crate::accounts::Account;
use crate::orgs::{OrgError, Orgs, Role, SettingsError, unavailable};
use crate::unix_time_ms;

/// What happened to a requested change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// It took effect.
    Now,
    /// It waits for an Approver; the proposal's ID.
    Proposed(String),
}

/// A change that needs maker/checker on a pre-production sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    RedirectUris(Vec<String>),
    GrantedScopes(Vec<String>),
    /// The new RP encipherment public key, as SubjectPublicKeyInfo PEM.
    RpKey(String),
    LeavePreProduction,
}

impl Change {
    fn kind(&self) -> &'static str {
        match self {
            Change::RedirectUris(_) => "redirect_uris",
            Change::GrantedScopes(_) => "granted_scopes",
            Change::RpKey(_) => "rp_key",
            Change::LeavePreProduction => "leave_pre_production",
        }
    }

    fn proposed_json(&self) -> String {
        match self {
            Change::RedirectUris(list) | Change::GrantedScopes(list) => json_text(list),
            Change::RpKey(pem) => json_text(pem),
            Change::LeavePreProduction => "false".to_owned(),
        }
    }

    fn from_stored(kind: &str, proposed_json: &str) -> Option<Change> {
        match kind {
            "redirect_uris" => serde_json::from_str(proposed_json)
                .ok()
                .map(Change::RedirectUris),
            "granted_scopes" => serde_json::from_str(proposed_json)
                .ok()
                .map(Change::GrantedScopes),
            "rp_key" => serde_json::from_str(proposed_json).ok().map(Change::RpKey),
            "leave_pre_production" => Some(Change::LeavePreProduction),
            _ => None,
        }
    }
}

fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The current value a proposal of `kind` changes, in the form `base_json` stores it.
fn current_value(kind: &str, config: &SandboxConfig, pre_production: bool) -> String {
    match kind {
        "redirect_uris" => json_text(&config.redirect_uris),
        "granted_scopes" => json_text(&config.granted_scopes),
        "rp_key" => json_text(&config.rp_public_key),
        _ => pre_production.to_string(),
    }
}

/// A proposal as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub proposal_id: String,
    /// `redirect_uris`, `granted_scopes`, `rp_key` or `leave_pre_production`.
    pub kind: String,
    pub proposed_by: String,
    pub proposed_by_caller: bool,
    pub proposed_at_ms: i64,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<i64>,
    /// What the change does, one line each: `+ added`, `- removed`.
    pub diff: Vec<String>,
}

/// The lines that describe a change from `base_json` to `proposed_json`.
pub fn diff(kind: &str, base_json: &str, proposed_json: &str) -> Vec<String> {
    match kind {
        "redirect_uris" | "granted_scopes" => {
            let before: Vec<String> = serde_json::from_str(base_json).unwrap_or_default();
            let after: Vec<String> = serde_json::from_str(proposed_json).unwrap_or_default();
            let removed = before
                .iter()
                .filter(|item| !after.contains(item))
                .map(|item| format!("- {item}"));
            let added = after
                .iter()
                .filter(|item| !before.contains(item))
                .map(|item| format!("+ {item}"));
            removed.chain(added).collect()
        }
        "rp_key" => {
            let shown = |json: &str| {
                serde_json::from_str::<String>(json)
                    .ok()
                    .and_then(|pem| crate::rp_key::fingerprint(&pem))
                    .unwrap_or_else(|| "unreadable key".to_owned())
            };
            vec![
                format!("- RP key SHA-256 {}", shown(base_json)),
                format!("+ RP key SHA-256 {}", shown(proposed_json)),
            ]
        }
        _ => vec![
            "- pre-production (changes need an Approver)".to_owned(),
            "+ not pre-production (changes apply at once)".to_owned(),
        ],
    }
}

/// Why a decision was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecisionError {
    #[error("you proposed this change; another Approver must decide it")]
    OwnProposal,
    #[error("this change was already decided")]
    AlreadyDecided,
    #[error(
        "the sandbox changed since this was proposed, so approving it could undo a change the proposer never saw; reject it and propose again"
    )]
    Stale,
}

/// Why a member could not be added.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MemberError {
    #[error("no portal account uses this e-mail address; ask them to sign up first, then add them")]
    NoAccount,
}

/// A member of an organisation and their roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
}

fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Orgs {
    /// Whether the sandbox is marked pre-production.
    pub(crate) async fn is_pre_production(&self, sandbox_id: &str) -> Result<bool, OrgError> {
        let flag: Option<i64> =
            sqlx::query_scalar("SELECT pre_production FROM org_sandboxes WHERE sandbox_id = $1")
                .bind(sandbox_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(flag.unwrap_or_default() != 0)
    }

    /// Records `change` as a proposal against the sandbox's current `config`. The caller has checked the role.
    pub(crate) async fn propose(
        &self,
        account: &Account,
        sandbox_id: &str,
        config: &SandboxConfig,
        change: Change,
    ) -> Result<Applied, OrgError> {
        let pre_production = self.is_pre_production(sandbox_id).await?;
        let proposal_id = new_id();
        sqlx::query(
            "INSERT INTO change_proposals (proposal_id, sandbox_id, kind, base_json, proposed_json, proposed_by, \
             proposed_at_ms, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
        )
        .bind(&proposal_id)
        .bind(sandbox_id)
        .bind(change.kind())
        .bind(current_value(change.kind(), config, pre_production))
        .bind(change.proposed_json())
        .bind(&account.account_id)
        .bind(unix_time_ms())
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(Applied::Proposed(proposal_id))
    }

    /// Applies `change` now, or proposes it when the sandbox is pre-production.
    async fn apply_or_propose(
        &self,
        account: &Account,
        sandbox_id: &str,
        change: Change,
    ) -> Result<Applied, OrgError> {
        let id = SandboxId::new(sandbox_id);
        let config = self
            .runtime
            .sandbox_config(&id)
            .await
            .map_err(unavailable)?;
        if self.is_pre_production(sandbox_id).await? {
            return self.propose(account, sandbox_id, &config, change).await;
        }
        self.apply(sandbox_id, config, change).await?;
        Ok(Applied::Now)
    }

    async fn apply(
        &self,
        sandbox_id: &str,
        mut config: SandboxConfig,
        change: Change,
    ) -> Result<(), OrgError> {
        match change {
            Change::RedirectUris(list) => config.redirect_uris = list,
            Change::GrantedScopes(list) => config.granted_scopes = list,
            Change::RpKey(pem) => config.rp_public_key = pem,
            Change::LeavePreProduction => {
                return self.store_pre_production(sandbox_id, false).await;
            }
        }
        self.runtime
            .update_config(&SandboxId::new(sandbox_id), &config)
            .await
            .map_err(unavailable)
    }

    async fn store_pre_production(&self, sandbox_id: &str, on: bool) -> Result<(), OrgError> {
        sqlx::query("UPDATE org_sandboxes SET pre_production = $1 WHERE sandbox_id = $2")
            .bind(i64::from(on))
            .bind(sandbox_id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Marks the sandbox pre-production (at once) or asks to leave it (a proposal). Creators only.
    pub async fn set_pre_production(
        &self,
        account: &Account,
        sandbox_id: &str,
        on: bool,
    ) -> Result<Applied, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        let current = self.is_pre_production(sandbox_id).await?;
        match (current, on) {
            (false, true) => {
                self.store_pre_production(sandbox_id, true).await?;
                Ok(Applied::Now)
            }
            (true, false) => {
                self.apply_or_propose(account, sandbox_id, Change::LeavePreProduction)
                    .await
            }
            _ => Ok(Applied::Now),
        }
    }

    /// Replaces the granted scopes (each one the mock knows, at least one). Creators only; proposed on a
    /// pre-production sandbox.
    pub async fn update_scopes(
        &self,
        account: &Account,
        sandbox_id: &str,
        scopes: &[String],
    ) -> Result<Result<Applied, SettingsError>, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        let mut chosen: Vec<String> = Vec::new();
        for scope in scopes {
            if !crate::orgs::ALL_SCOPES.contains(&scope.as_str()) {
                return Ok(Err(SettingsError::UnknownScope(
                    scope.chars().take(40).collect(),
                )));
            }
            if !chosen.contains(scope) {
                chosen.push(scope.clone());
            }
        }
        if chosen.is_empty() {
            return Ok(Err(SettingsError::NoScopes));
        }
        self.apply_or_propose(account, sandbox_id, Change::GrantedScopes(chosen))
            .await
            .map(Ok)
    }

    /// Replaces the RP encipherment key with an uploaded public key or certificate (RSA-2048). Creators only;
    /// proposed on a pre-production sandbox.
    pub async fn upload_rp_key(
        &self,
        account: &Account,
        sandbox_id: &str,
        upload: &str,
    ) -> Result<Result<Applied, SettingsError>, OrgError> {
        self.creator_of(account, sandbox_id).await?;
        let key = match crate::rp_key::parse_upload(upload) {
            Ok(key) => key,
            Err(error) => return Ok(Err(error.into())),
        };
        self.apply_or_propose(account, sandbox_id, Change::RpKey(key.public_key_pem))
            .await
            .map(Ok)
    }

    /// The sandbox's proposals, newest first, for any member of its organisation.
    pub async fn proposals(
        &self,
        account: &Account,
        sandbox_id: &str,
    ) -> Result<Vec<Proposal>, OrgError> {
        self.sandbox(account, sandbox_id).await?;
        let rows = sqlx::query(
            "SELECT p.proposal_id, p.kind, p.base_json, p.proposed_json, p.proposed_by, p.proposed_at_ms, p.status, \
             p.decided_at_ms, a.display_name AS proposer, d.display_name AS decider \
             FROM change_proposals p JOIN accounts a ON a.account_id = p.proposed_by \
             LEFT JOIN accounts d ON d.account_id = p.decided_by \
             WHERE p.sandbox_id = $1 ORDER BY p.proposed_at_ms DESC, p.proposal_id LIMIT 50",
        )
        .bind(sandbox_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let base: String = row.try_get("base_json")?;
                let proposed: String = row.try_get("proposed_json")?;
                let proposed_by: String = row.try_get("proposed_by")?;
                Ok(Proposal {
                    proposal_id: row.try_get("proposal_id")?,
                    diff: diff(&kind, &base, &proposed),
                    kind,
                    proposed_by: row.try_get("proposer")?,
                    proposed_by_caller: proposed_by == account.account_id,
                    proposed_at_ms: row.try_get("proposed_at_ms")?,
                    status: row.try_get("status")?,
                    decided_by: row.try_get("decider")?,
                    decided_at_ms: row.try_get("decided_at_ms")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(unavailable)
    }

    /// Approves (applies) or rejects a pending proposal. Approvers only, and never the proposer.
    pub async fn decide(
        &self,
        account: &Account,
        sandbox_id: &str,
        proposal_id: &str,
        approve: bool,
    ) -> Result<Result<(), DecisionError>, OrgError> {
        let sandbox = self.sandbox(account, sandbox_id).await?;
        self.require(account, &sandbox.org_id, Role::Approver)
            .await?;
        let row = sqlx::query(
            "SELECT kind, base_json, proposed_json, proposed_by, status FROM change_proposals \
             WHERE proposal_id = $1 AND sandbox_id = $2",
        )
        .bind(proposal_id)
        .bind(sandbox_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .ok_or(OrgError::NotFound)?;
        let text = |column: &str| row.try_get::<String, _>(column).map_err(unavailable);
        let (kind, base, proposed) = (text("kind")?, text("base_json")?, text("proposed_json")?);
        if text("proposed_by")? == account.account_id {
            return Ok(Err(DecisionError::OwnProposal));
        }
        if text("status")? != "pending" {
            return Ok(Err(DecisionError::AlreadyDecided));
        }
        let id = SandboxId::new(sandbox_id);
        let config = self
            .runtime
            .sandbox_config(&id)
            .await
            .map_err(unavailable)?;
        let change = Change::from_stored(&kind, &proposed).ok_or(OrgError::Unavailable)?;
        if approve {
            let pre_production = self.is_pre_production(sandbox_id).await?;
            if current_value(&kind, &config, pre_production) != base {
                return Ok(Err(DecisionError::Stale));
            }
        }
        // The conditional update decides between two Approvers deciding at once.
        let decided = sqlx::query(
            "UPDATE change_proposals SET status = $1, decided_by = $2, decided_at_ms = $3 \
             WHERE proposal_id = $4 AND status = 'pending'",
        )
        .bind(if approve { "approved" } else { "rejected" })
        .bind(&account.account_id)
        .bind(unix_time_ms())
        .bind(proposal_id)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        if decided.rows_affected() != 1 {
            return Ok(Err(DecisionError::AlreadyDecided));
        }
        if approve && let Err(error) = self.apply(sandbox_id, config, change).await {
            // Not applied, so not approved: put it back for another try.
            let _ = sqlx::query(
                "UPDATE change_proposals SET status = 'pending', decided_by = NULL, decided_at_ms = NULL \
                 WHERE proposal_id = $1",
            )
            .bind(proposal_id)
            .execute(&self.pool)
            .await;
            return Err(error);
        }
        Ok(Ok(()))
    }

    /// The organisation's members, for any member.
    pub async fn members(&self, account: &Account, org_id: &str) -> Result<Vec<Member>, OrgError> {
        self.roles_in(account, org_id).await?;
        let rows = sqlx::query(
            "SELECT a.account_id, a.display_name, a.email, m.role FROM memberships m \
             JOIN accounts a ON a.account_id = m.account_id WHERE m.org_id = $1 \
             ORDER BY a.display_name, a.email, a.account_id, m.role",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        let mut members: Vec<(String, Member)> = Vec::new();
        for row in rows {
            let account_id: String = row.try_get("account_id").map_err(unavailable)?;
            let role = row
                .try_get::<String, _>("role")
                .ok()
                .and_then(|name| Role::from_name(&name));
            match members.last_mut() {
                Some((last, member)) if *last == account_id => member.roles.extend(role),
                _ => members.push((
                    account_id,
                    Member {
                        display_name: row.try_get("display_name").map_err(unavailable)?,
                        email: row.try_get("email").map_err(unavailable)?,
                        roles: role.into_iter().collect(),
                    },
                )),
            }
        }
        Ok(members
            .into_iter()
            .map(|(_, mut member)| {
                member.roles.sort();
                member
            })
            .collect())
    }

    /// Gives an existing account a role in the organisation. Approvers only: who may approve or propose changes
    /// is itself a checker's decision.
    pub async fn add_member(
        &self,
        account: &Account,
        org_id: &str,
        email: &str,
        role: Role,
    ) -> Result<Result<(), MemberError>, OrgError> {
        self.require(account, org_id, Role::Approver).await?;
        let member: Option<String> =
            sqlx::query_scalar("SELECT account_id FROM accounts WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
        let Some(member) = member else {
            return Ok(Err(MemberError::NoAccount));
        };
        sqlx::query(
            "INSERT INTO memberships (org_id, account_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (org_id, account_id, role) DO NOTHING",
        )
        .bind(org_id)
        .bind(&member)
        .bind(role.as_str())
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_diff_shows_removals_then_additions() {
        let lines = diff(
            "redirect_uris",
            r#"["https://a.example/cb","https://b.example/cb"]"#,
            r#"["https://b.example/cb","https://c.example/cb"]"#,
        );
        assert_eq!(lines, ["- https://a.example/cb", "+ https://c.example/cb"]);
        assert_eq!(diff("leave_pre_production", "true", "false").len(), 2);
    }

    #[test]
    fn stored_changes_read_back_as_they_were_proposed() {
        for change in [
            Change::RedirectUris(vec!["https://a.example/cb".into()]),
            Change::GrantedScopes(vec!["eidapi_auth".into()]),
            Change::RpKey("-----BEGIN PUBLIC KEY-----".into()),
            Change::LeavePreProduction,
        ] {
            assert_eq!(
                Change::from_stored(change.kind(), &change.proposed_json()),
                Some(change)
            );
        }
        assert_eq!(Change::from_stored("something", "{}"), None);
    }
}
