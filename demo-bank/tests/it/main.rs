//! Integration tests of Demo Bank: the router mounted at `/demo-bank` as the portal mounts it, driven
//! with `tower::ServiceExt::oneshot` by a tiny cookie-keeping browser, against the protocol core
//! served over loopback HTTP by `iamsmart_client::testing`. Never reaches beyond 127.0.0.1.

mod account;
mod callback;
mod home;
mod login;
mod open_account;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use demo_bank::{DemoBankConfig, SESSION_COOKIE_NAME};
use iamsmart_client::ClientConfig;
use iamsmart_client::testing::TestSandbox;
use tower::ServiceExt;

const MOUNT_PATH: &str = "/demo-bank";
/// The bank's public origin in these tests; only its path ever reaches the router.
const BANK_ORIGIN: &str = "http://bank.test";
const CALLBACK_URI: &str = "http://bank.test/demo-bank/callback";
/// Response bodies larger than this are a bug in a page this small.
const MAX_BODY_BYTES: usize = 1 << 20;

/// A sandbox whose allow-list holds the bank's callback, and a browser pointed at the bank.
async fn bank() -> anyhow::Result<(TestSandbox, Browser)> {
    bank_with(|_| {}).await
}

/// [`bank`] with the bank's client configuration adjusted by `adjust`.
async fn bank_with(
    adjust: impl FnOnce(&mut ClientConfig),
) -> anyhow::Result<(TestSandbox, Browser)> {
    bank_asking_for(&["eidapi_auth", "eidapi_sign"], adjust).await
}

/// A bank whose logins ask for `login_scopes` (the fixture sandbox grants login, profiles and form
/// filling), with its client configuration adjusted by `adjust`.
async fn bank_asking_for(
    login_scopes: &[&str],
    adjust: impl FnOnce(&mut ClientConfig),
) -> anyhow::Result<(TestSandbox, Browser)> {
    let sandbox = TestSandbox::start_with(|config| {
        config.redirect_uris.push(CALLBACK_URI.to_owned());
        // Demo Bank asks for signing at login, so its customers can sign the account agreement.
        config.granted_scopes.push("eidapi_sign".to_owned());
    })
    .await?;
    let mut client = sandbox.client_config();
    adjust(&mut client);
    let router = demo_bank::router(DemoBankConfig {
        client,
        mount_path: MOUNT_PATH.to_owned(),
        redirect_uri: CALLBACK_URI.to_owned(),
        login_scopes: login_scopes
            .iter()
            .map(|scope| (*scope).to_owned())
            .collect(),
    })?;
    let browser = Browser {
        app: Router::new().nest(MOUNT_PATH, router),
        session_cookie: None,
    };
    Ok((sandbox, browser))
}

/// Keeps Demo Bank's session cookie between requests, as a browser would.
struct Browser {
    app: Router,
    session_cookie: Option<String>,
}

/// What came back.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

impl Browser {
    async fn get(&mut self, path_and_query: &str) -> anyhow::Result<Page> {
        self.send(Request::get(path_and_query), Body::empty()).await
    }

    async fn post_form(&mut self, path: &str, form: &str) -> anyhow::Result<Page> {
        let request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Body::from(form.to_owned())).await
    }

    /// POSTs raw bytes, as iAM Smart POSTs a callback.
    async fn post_bytes(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> anyhow::Result<Page> {
        let request = Request::post(path).header(header::CONTENT_TYPE, content_type);
        self.send(request, Body::from(body)).await
    }

    /// Follows a redirect that leads back into the bank (`http://bank.test/...` or a bare path).
    async fn follow(&mut self, location: &str) -> anyhow::Result<Page> {
        let path = location.strip_prefix(BANK_ORIGIN).unwrap_or(location);
        anyhow::ensure!(path.starts_with('/'), "not a bank URL: {location}");
        self.get(path).await
    }

    async fn send(
        &mut self,
        mut request: axum::http::request::Builder,
        body: Body,
    ) -> anyhow::Result<Page> {
        if let Some(cookie) = &self.session_cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self.app.clone().oneshot(request.body(body)?).await?;
        let status = response.status();
        let headers = response.headers().clone();
        for set_cookie in headers.get_all(header::SET_COOKIE) {
            let set_cookie = set_cookie.to_str()?;
            let pair = set_cookie.split(';').next().unwrap_or_default();
            if pair.starts_with(&format!("{SESSION_COOKIE_NAME}=")) {
                let removed = set_cookie.contains("Max-Age=0");
                self.session_cookie = (!removed).then(|| pair.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY_BYTES).await?;
        Ok(Page {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec())?,
        })
    }

    /// Clicks "Login with iAM Smart" in `lang`; returns the getQR URL the bank redirected to.
    async fn click_login(&mut self, lang: &str) -> anyhow::Result<String> {
        let page = self
            .post_form(&format!("{MOUNT_PATH}/login"), &format!("lang={lang}"))
            .await?;
        anyhow::ensure!(
            page.status == StatusCode::SEE_OTHER,
            "login answered {}",
            page.status
        );
        Ok(page.location().to_owned())
    }
}
