//! What Demo Bank keeps in a customer's session: the pending login's `state`, the chosen language, and
//! after login who signed in and their access token (for signing the account agreement). Sessions live in the server's memory; the browser holds only the
//! HttpOnly, SameSite=Lax cookie that names one.
//!
//! Nothing read from the session may be logged: it holds the state (which guards the login), the
//! customer's openID and their access token.

use std::fmt;

use iamsmart_client::{Lang, Secret, Token, UserType};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// The `state` sent with the pending login; removed when the callback arrives, so it is single use.
const STATE_KEY: &str = "login_state";
/// The language the customer chose, as its wire name.
const LANG_KEY: &str = "lang";
/// Who is signed in.
const SIGNED_IN_KEY: &str = "signed_in";
/// The signed-in customer as Demo Bank remembers them, with the access token its later requests
/// (form filling, signing) need, as plain text because the session store serialises what it holds and
/// [`Secret`] deliberately cannot be serialised. Sessions stay in the server's memory, so the token
/// never reaches the browser; `Debug` leaves it out.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SignedIn {
    pub open_id: String,
    /// `default` or `sign`.
    pub user_type: String,
    pub scopes: Vec<String>,
    /// Epoch milliseconds when the login stops being valid.
    pub expires_at_ms: i64,
    /// The login's access token.
    #[serde(default)]
    pub access_token: String,
    /// Epoch milliseconds of issue, on iAM Smart's clock.
    #[serde(default)]
    pub issued_at_ms: i64,
}

impl SignedIn {
    pub fn from_token(token: &Token) -> Self {
        Self {
            open_id: token.open_id.clone(),
            user_type: token.user_type.as_str().to_owned(),
            scopes: token.scopes.clone(),
            expires_at_ms: token.expires_at_ms(),
            access_token: token.access_token.expose().to_owned(),
            issued_at_ms: token.issue_at_ms,
        }
    }

    /// The login's token again, for calls made on the customer's behalf.
    pub fn token(&self) -> Token {
        Token {
            access_token: Secret::new(self.access_token.clone()),
            token_type: "Bearer".to_owned(),
            issue_at_ms: self.issued_at_ms,
            expires_in_ms: self.expires_at_ms.saturating_sub(self.issued_at_ms),
            open_id: self.open_id.clone(),
            last_modified_date_ms: 0,
            user_type: if self.user_type == UserType::IamSmartPlus.as_str() {
                UserType::IamSmartPlus
            } else {
                UserType::IamSmart
            },
            scopes: self.scopes.clone(),
        }
    }

    /// Whether the login granted `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }
}

impl fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedIn")
            .field("user_type", &self.user_type)
            .field("scopes", &self.scopes)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

pub(crate) type SessionResult<T> = Result<T, tower_sessions::session::Error>;

pub(crate) async fn remember_login(
    session: &Session,
    state: &str,
    lang: Lang,
) -> SessionResult<()> {
    session.insert(STATE_KEY, state).await?;
    session.insert(LANG_KEY, lang.as_str()).await
}

/// The pending login's state, removed so that it answers one callback only.
pub(crate) async fn take_state(session: &Session) -> SessionResult<Option<String>> {
    session.remove(STATE_KEY).await
}

/// The customer's language: the one chosen at login, else English.
pub(crate) async fn lang(session: &Session) -> Lang {
    // A session that cannot be read falls back to English; the page that needs the session reports
    // the failure itself.
    session
        .get::<String>(LANG_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or(Lang::EnUs)
}

/// Records a successful login under a fresh session id, so an id planted before login is worthless.
pub(crate) async fn sign_in(session: &Session, token: &Token) -> SessionResult<()> {
    session.cycle_id().await?;
    session
        .insert(SIGNED_IN_KEY, &SignedIn::from_token(token))
        .await
}

/// The signed-in customer's access token.
pub(crate) async fn access_token(session: &Session) -> SessionResult<Option<Secret>> {
    Ok(signed_in(session)
        .await?
        .map(|signed_in| Secret::new(signed_in.access_token)))
}

pub(crate) async fn signed_in(session: &Session) -> SessionResult<Option<SignedIn>> {
    session.get(SIGNED_IN_KEY).await
}

/// Forgets everything, the cookie included.
pub(crate) async fn sign_out(session: &Session) -> SessionResult<()> {
    session.flush().await
}
