//! The result of a login: the access token and who logged in (PROTOCOL §2.2).
//!
//! The access token is a bearer credential and the openID identifies a person to this RP, so
//! [`Token`]'s `Debug` shows neither; nothing here may log them.

use std::fmt;

use mock_iamsmart::token::TokenContent;

use crate::config::Secret;

/// The kind of iAM Smart account (`userType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserType {
    /// `default`: an iAM Smart account.
    IamSmart,
    /// `sign`: an iAM Smart+ account, which can also sign documents.
    IamSmartPlus,
}

impl UserType {
    /// The value on the wire: `default` or `sign`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::IamSmart => "default",
            UserType::IamSmartPlus => "sign",
        }
    }

    /// The product name to show a user.
    pub fn product_name(self) -> &'static str {
        match self {
            UserType::IamSmart => "iAM Smart",
            UserType::IamSmartPlus => "iAM Smart+",
        }
    }
}

impl From<mock_iamsmart::UserType> for UserType {
    fn from(user_type: mock_iamsmart::UserType) -> Self {
        match user_type {
            mock_iamsmart::UserType::Default => UserType::IamSmart,
            mock_iamsmart::UserType::Sign => UserType::IamSmartPlus,
        }
    }
}

/// A decrypted getToken answer. There is no refresh token: the RP logs the user in again after
/// `expires_in_ms`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// 32 hex characters, for later flows (profiles, form filling, signing).
    pub access_token: Secret,
    /// Always `Bearer`.
    pub token_type: String,
    /// Epoch milliseconds of issue, on iAM Smart's clock.
    pub issue_at_ms: i64,
    /// Lifetime in milliseconds (four hours in the real programme).
    pub expires_in_ms: i64,
    /// The user's pseudonym for this RP, opaque and still URL-encoded as sent; send it back unchanged.
    pub open_id: String,
    /// Epoch milliseconds of the last change to the user's profile.
    pub last_modified_date_ms: i64,
    pub user_type: UserType,
    /// Granted scope names.
    pub scopes: Vec<String>,
}

impl Token {
    /// When the token stops working, in epoch milliseconds.
    pub fn expires_at_ms(&self) -> i64 {
        self.issue_at_ms.saturating_add(self.expires_in_ms)
    }
}

impl From<TokenContent> for Token {
    fn from(content: TokenContent) -> Self {
        Self {
            access_token: Secret::new(content.access_token),
            token_type: content.token_type,
            issue_at_ms: content.issue_at,
            expires_in_ms: content.expires_in,
            open_id: content.open_id,
            last_modified_date_ms: content.last_modified_date,
            user_type: content.user_type.into(),
            scopes: content
                .scope
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("issue_at_ms", &self.issue_at_ms)
            .field("expires_in_ms", &self.expires_in_ms)
            .field("open_id", &"<redacted>")
            .field("last_modified_date_ms", &self.last_modified_date_ms)
            .field("user_type", &self.user_type)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> TokenContent {
        TokenContent {
            access_token: "0123456789abcdef0123456789abcdef".into(),
            token_type: "Bearer".into(),
            issue_at: 1_000,
            expires_in: 14_400_000,
            open_id: "open-id-value".into(),
            last_modified_date: 5,
            user_type: mock_iamsmart::UserType::Sign,
            scope: "eidapi_auth eidapi_sign".into(),
        }
    }

    #[test]
    fn wire_content_becomes_a_token_with_split_scopes() {
        let token = Token::from(content());
        assert_eq!(token.scopes, ["eidapi_auth", "eidapi_sign"]);
        assert_eq!(token.user_type, UserType::IamSmartPlus);
        assert_eq!(token.user_type.product_name(), "iAM Smart+");
        assert_eq!(token.expires_at_ms(), 14_401_000);
        assert_eq!(
            token.access_token.expose(),
            "0123456789abcdef0123456789abcdef"
        );
    }

    #[test]
    fn debug_output_hides_the_access_token_and_the_open_id() {
        let debug = format!("{:?}", Token::from(content()));
        assert!(!debug.contains("0123456789abcdef"), "{debug}");
        assert!(!debug.contains("open-id-value"), "{debug}");
    }
}
