//! What a relying party tells the client about itself: where iAM Smart is, its client ID and secret,
//! and its encipherment private key.
//!
//! The library never reads the environment or files; the RP's binary builds a [`ClientConfig`] from
//! wherever it keeps its settings. Secrets sit in [`Secret`], which never prints itself, and
//! validation errors name the field at fault but never echo its value.

use reqwest::Url;

pub use mock_iamsmart::Secret;

use crate::error::Error;

/// How a relying party reaches iAM Smart.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The base URL for server-to-server calls (`getKey`, `getToken`, …), for example
    /// `http://127.0.0.1:8080`.
    pub api_base_url: String,
    /// The base URL browsers are sent to for `getQR`. Often the same as `api_base_url`; it differs when
    /// the RP's servers reach the API through an internal address.
    pub browser_base_url: String,
    /// The client ID issued at onboarding (32 hex characters in the real programme).
    pub client_id: String,
    /// The client secret that keys the request signatures.
    pub client_secret: Secret,
    /// The RP's RSA-2048 encipherment private key as PEM (PKCS#8 `PRIVATE KEY`, or PKCS#1
    /// `RSA PRIVATE KEY`); content keys arrive wrapped for its public half.
    pub private_key_pem: Secret,
}

impl ClientConfig {
    /// Checks everything that does not need the network, so a misconfigured RP fails at start-up
    /// rather than on its first login.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        check_base_url(&self.api_base_url, "api_base_url")?;
        check_base_url(&self.browser_base_url, "browser_base_url")?;
        if self.client_id.trim().is_empty() {
            return Err(Error::BadConfig("client_id is empty".into()));
        }
        if self.client_secret.expose().is_empty() {
            return Err(Error::BadConfig("client_secret is empty".into()));
        }
        Ok(())
    }
}

/// An absolute `http` or `https` URL without a query or fragment.
fn check_base_url(text: &str, field: &str) -> Result<(), Error> {
    let bad = |why: &str| Err(Error::BadConfig(format!("{field} {why}")));
    let Ok(url) = Url::parse(text) else {
        return bad("is not an absolute URL");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("must be an http or https URL");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("must not carry a query or fragment");
    }
    Ok(())
}

/// `base` without trailing slashes, so `{base}/api/v1/...` never has a double slash.
pub(crate) fn trimmed_base(base: &str) -> &str {
    base.trim_end_matches('/')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> ClientConfig {
        ClientConfig {
            api_base_url: "http://127.0.0.1:8080".into(),
            browser_base_url: "https://sandbox.example/".into(),
            client_id: "0123456789abcdef0123456789abcdef".into(),
            client_secret: Secret::new("test-client-secret"),
            private_key_pem: Secret::new("-----BEGIN PRIVATE KEY-----"),
        }
    }

    #[test]
    fn a_complete_configuration_is_valid() {
        assert!(sample().validate().is_ok());
    }

    #[test]
    fn validation_names_the_field_but_never_the_secret() {
        let mut config = sample();
        config.api_base_url = "ftp://example".into();
        let message = config.validate().expect_err("ftp is refused").to_string();
        assert!(message.contains("api_base_url"), "{message}");

        let mut config = sample();
        config.browser_base_url = "/relative".into();
        assert!(config.validate().is_err());

        let mut config = sample();
        config.api_base_url = "http://example/?x=1".into();
        assert!(config.validate().is_err());

        let mut config = sample();
        config.client_secret = Secret::new("");
        let message = config.validate().expect_err("empty secret").to_string();
        assert!(message.contains("client_secret"));

        let debug = format!("{:?}", sample());
        assert!(!debug.contains("test-client-secret"));
    }

    #[test]
    fn trailing_slashes_are_trimmed_from_base_urls() {
        assert_eq!(trimmed_base("https://a.example//"), "https://a.example");
        assert_eq!(
            trimmed_base("https://a.example/sub"),
            "https://a.example/sub"
        );
    }
}
