//! What Demo Bank keeps in a customer's session: the pending login's `state`, the chosen language, and
//! after login who signed in and their access token (for signing the account agreement). Sessions live in the server's memory; the browser holds only the
//! HttpOnly, SameSite=Lax cookie that names one.
//!
//! Nothing read from the session may be logged: it holds the state (which guards the login), the
//! customer's openID and their access token.

use iamsmart_client::{Lang, Secret, Token};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// The `state` sent with the pending login; removed when the callback arrives, so it is single use.
const STATE_KEY: &str = "login_state";
/// The language the customer chose, as its wire name.
const LANG_KEY: &str = "lang";
/// Who is signed in.
const SIGNED_IN_KEY: &str = "signed_in";
/// The signed-in customer's access token, which signing the account agreement sends to iAM Smart. It is
/// kept apart from [`SignedIn`] as plain text because the session store serialises what it holds and
/// [`Secret`] deliberately cannot be serialised; it stays in the server's memory and is read back into a
/// `Secret` at once.
const ACCESS_TOKEN_KEY: &str = "access_token";

/// The signed-in customer as Demo Bank remembers them (the access token is kept apart, see
/// [`access_token`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SignedIn {
    pub open_id: String,
    /// `default` or `sign`.
    pub user_type: String,
    pub scopes: Vec<String>,
    /// Epoch milliseconds when the login stops being valid.
    pub expires_at_ms: i64,
}

impl SignedIn {
    pub fn from_token(token: &Token) -> Self {
        Self {
            open_id: token.open_id.clone(),
            user_type: token.user_type.as_str().to_owned(),
            scopes: token.scopes.clone(),
            expires_at_ms: token.expires_at_ms(),
        }
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
        .insert(ACCESS_TOKEN_KEY, token.access_token.expose())
        .await?;
    session
        .insert(SIGNED_IN_KEY, &SignedIn::from_token(token))
        .await
}

/// The signed-in customer's access token.
pub(crate) async fn access_token(session: &Session) -> SessionResult<Option<Secret>> {
    Ok(session
        .get::<String>(ACCESS_TOKEN_KEY)
        .await?
        .map(Secret::new))
}

pub(crate) async fn signed_in(session: &Session) -> SessionResult<Option<SignedIn>> {
    session.get(SIGNED_IN_KEY).await
}

/// Forgets everything, the cookie included.
pub(crate) async fn sign_out(session: &Session) -> SessionResult<()> {
    session.flush().await
}
