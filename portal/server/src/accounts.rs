//! Portal accounts: sign-up with argon2id password hashes, sign-in with a rate limit that holds across every node
//! sharing the database, and server-side sessions.
//!
//! Sessions are a table of our own rather than a session crate's store: they must live in the one `Any`-driver
//! database that SQLite and PostgreSQL nodes share (the session crates' stores are engine-specific), and only the
//! SHA-256 of a session cookie is stored, so a copy of the table signs nobody in. Every sign-in creates a new
//! token, so a session ID planted before sign-in is never promoted (no fixation).
//!
//! Errors shown to visitors are deliberately generic ("e-mail or password not right") and take the same time
//! whether or not the address exists. This module must never log or return passwords, hashes, tokens or e-mail
//! addresses.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};

use crate::unix_time_ms;

/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// Failed sign-ins allowed per account address within [`RATE_LIMIT_WINDOW_MS`].
pub const MAX_FAILED_SIGN_INS: i64 = 5;
pub const RATE_LIMIT_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_BYTES: usize = 1024;

/// A signed-in person, as the console sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    pub is_reviewer: bool,
}

/// The secret in a session cookie. It never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(value: impl Into<String>) -> SessionToken {
        SessionToken(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignUpError {
    #[error("enter a valid e-mail address")]
    InvalidEmail,
    #[error("enter your name")]
    NameMissing,
    #[error("use a password of at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("an account with this e-mail address already exists; sign in instead")]
    EmailTaken,
    #[error("the portal's database is unavailable; try again shortly")]
    Unavailable,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignInError {
    #[error("the e-mail address or password is not right")]
    Invalid,
    #[error("too many failed sign-ins; try again in {retry_after_minutes} minutes")]
    RateLimited { retry_after_minutes: i64 },
    #[error("the portal's database is unavailable; try again shortly")]
    Unavailable,
}

/// The account store.
#[derive(Clone, Debug)]
pub struct Accounts {
    pool: AnyPool,
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

fn new_id() -> String {
    let mut buffer = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// The rate-limit key for an address: its hash, so the table holds no addresses.
fn subject(email: &str) -> String {
    hex::encode(Sha256::digest(format!("sign-in\0{email}").as_bytes()))
}

async fn hash_password(password: String) -> Result<String, SignUpError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|_| SignUpError::Unavailable)?
    .map_err(|_| SignUpError::Unavailable)
}

/// Checks `password` against a stored hash; with no stored hash, checks against a fixed dummy so an unknown address
/// costs the same time as a known one.
async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let dummy;
        let hash_text = match &stored {
            Some(hash) => hash.as_str(),
            None => {
                dummy = dummy_hash();
                dummy.as_str()
            }
        };
        let Ok(parsed) = PasswordHash::new(hash_text) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            Argon2::default()
                .hash_password(b"no account has this password", &salt)
                .map(|hash| hash.to_string())
                .unwrap_or_default()
        })
        .clone()
}

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        is_reviewer: row.try_get::<i64, _>("is_reviewer")? != 0,
    })
}

impl Accounts {
    pub fn new(pool: AnyPool) -> Accounts {
        Accounts { pool }
    }

    /// Creates an account and signs it in.
    pub async fn sign_up(
        &self,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<(Account, SessionToken), SignUpError> {
        let email = normalise_email(email);
        if !plausible_email(&email) {
            return Err(SignUpError::InvalidEmail);
        }
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(SignUpError::NameMissing);
        }
        if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
            return Err(SignUpError::WeakPassword);
        }
        let password_hash = hash_password(password.to_owned()).await?;
        let account = Account {
            account_id: new_id(),
            email,
            display_name: display_name.to_owned(),
            is_reviewer: false,
        };
        let inserted = sqlx::query(
            "INSERT INTO accounts (account_id, email, display_name, password_hash, is_reviewer, created_at_ms) \
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(&account.account_id)
        .bind(&account.email)
        .bind(&account.display_name)
        .bind(&password_hash)
        .bind(unix_time_ms())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(SignUpError::EmailTaken);
            }
            Err(error) => {
                tracing::error!(error = %error, "could not create an account");
                return Err(SignUpError::Unavailable);
            }
        }
        let token = self
            .open_session(&account.account_id)
            .await
            .map_err(|_| SignUpError::Unavailable)?;
        Ok((account, token))
    }

    /// Creates an account without signing it in (for seeding); `Ok(false)` when the address is taken already.
    pub async fn create_account(
        &self,
        email: &str,
        display_name: &str,
        password: &str,
        is_reviewer: bool,
    ) -> Result<bool, SignUpError> {
        let password_hash = hash_password(password.to_owned()).await?;
        let inserted = sqlx::query(
            "INSERT INTO accounts (account_id, email, display_name, password_hash, is_reviewer, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(normalise_email(email))
        .bind(display_name)
        .bind(&password_hash)
        .bind(i64::from(is_reviewer))
        .bind(unix_time_ms())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(false),
            Err(error) => {
                tracing::error!(error = %error, "could not create an account");
                Err(SignUpError::Unavailable)
            }
        }
    }

    /// The account with this address, if any.
    pub async fn find(&self, email: &str) -> Result<Option<Account>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT account_id, email, display_name, is_reviewer FROM accounts WHERE email = $1",
        )
        .bind(normalise_email(email))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Checks the credentials and opens a new session; refuses while the address is rate-limited.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<(Account, SessionToken), SignInError> {
        let email = normalise_email(email);
        let subject = subject(&email);
        let now = unix_time_ms();
        let unavailable = |error: sqlx::Error| {
            tracing::error!(error = %error, "sign-in query failed");
            SignInError::Unavailable
        };
        let recent: i64 = sqlx::query(
            "SELECT COUNT(*) AS failures, MIN(failed_at_ms) AS oldest FROM sign_in_failures \
             WHERE subject = $1 AND failed_at_ms > $2",
        )
        .bind(&subject)
        .bind(now - RATE_LIMIT_WINDOW_MS)
        .fetch_one(&self.pool)
        .await
        .and_then(|row| row.try_get("failures"))
        .map_err(unavailable)?;
        if recent >= MAX_FAILED_SIGN_INS {
            return Err(SignInError::RateLimited {
                retry_after_minutes: RATE_LIMIT_WINDOW_MS / 60_000,
            });
        }
        let row = sqlx::query(
            "SELECT account_id, email, display_name, is_reviewer, password_hash FROM accounts WHERE email = $1",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        let stored_hash = row
            .as_ref()
            .and_then(|row| row.try_get::<String, _>("password_hash").ok());
        let verified = verify_password(password.to_owned(), stored_hash).await;
        let account = match (verified, row) {
            (true, Some(row)) => account_from_row(&row).map_err(unavailable)?,
            _ => {
                sqlx::query("INSERT INTO sign_in_failures (subject, failed_at_ms) VALUES ($1, $2)")
                    .bind(&subject)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(unavailable)?;
                sqlx::query("DELETE FROM sign_in_failures WHERE failed_at_ms < $1")
                    .bind(now - RATE_LIMIT_WINDOW_MS)
                    .execute(&self.pool)
                    .await
                    .map_err(unavailable)?;
                return Err(SignInError::Invalid);
            }
        };
        let token = self
            .open_session(&account.account_id)
            .await
            .map_err(unavailable)?;
        Ok((account, token))
    }

    async fn open_session(&self, account_id: &str) -> Result<SessionToken, sqlx::Error> {
        let token = SessionToken(random_token(32));
        let now = unix_time_ms();
        sqlx::query(
            "INSERT INTO portal_sessions (token_sha256, account_id, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token.sha256())
        .bind(account_id)
        .bind(now)
        .bind(now + SESSION_LIFETIME_MS)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The account a session cookie belongs to, if the session is live.
    pub async fn account_for(&self, token: &SessionToken) -> Result<Option<Account>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT a.account_id, a.email, a.display_name, a.is_reviewer FROM portal_sessions s \
             JOIN accounts a ON a.account_id = s.account_id \
             WHERE s.token_sha256 = $1 AND s.expires_at_ms > $2",
        )
        .bind(token.sha256())
        .bind(unix_time_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Ends a session (and, while here, forgets sessions that have expired).
    pub async fn sign_out(&self, token: &SessionToken) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM portal_sessions WHERE token_sha256 = $1 OR expires_at_ms < $2")
            .bind(token.sha256())
            .bind(unix_time_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A fresh random token for a CSRF cookie.
pub fn new_csrf_token() -> String {
    random_token(24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_and_checked_for_shape() {
        assert_eq!(normalise_email("  Dev@Example.COM "), "dev@example.com");
        assert!(plausible_email("dev@example.com"));
        for bad in [
            "dev",
            "@example.com",
            "dev@example",
            "dev@.com",
            "d ev@example.com",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_never_print_and_hash_to_hex() {
        let token = SessionToken::new("abc");
        assert_eq!(format!("{token:?}"), "SessionToken(<redacted>)");
        assert_eq!(
            token.sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(random_token(32), random_token(32));
    }

    #[tokio::test]
    async fn passwords_verify_against_their_hash_and_unknown_accounts_never_verify() {
        let hash = hash_password("correct horse battery".to_owned())
            .await
            .expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("correct horse"));
        assert!(verify_password("correct horse battery".to_owned(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".to_owned(), Some(hash)).await);
        assert!(!verify_password("no account has this password".to_owned(), None).await);
    }
}
