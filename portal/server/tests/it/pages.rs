//! The served portal over real HTTP: the landing page in each language, the sign-in and not-found pages,
//! `/healthz` on both engines, security headers and compressed static assets.

use reqwest::{StatusCode, header};

use crate::support::{TestEngine, spawn_portal};

async fn get(url: &str, headers: &[(&str, &str)]) -> anyhow::Result<reqwest::Response> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    Ok(request.send().await?)
}

async fn healthz_reports_the_database(engine: TestEngine, name: &str) -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(engine).await? else {
        return Ok(());
    };
    let response = get(&portal.url("/healthz"), &[]).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], name);
    Ok(())
}

#[tokio::test]
async fn healthz_is_ok_on_sqlite() -> anyhow::Result<()> {
    healthz_reports_the_database(TestEngine::Sqlite, "SQLite").await
}

#[tokio::test]
async fn healthz_is_ok_on_postgres() -> anyhow::Result<()> {
    healthz_reports_the_database(TestEngine::Postgres, "PostgreSQL").await
}

#[tokio::test]
async fn the_landing_page_speaks_the_language_asked_for() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let cases = [
        (
            "/",
            vec![],
            "en",
            "Build your iAM Smart integration in minutes",
        ),
        ("/?lang=zh-HK", vec![], "zh-HK", "數分鐘完成智方便整合"),
        ("/?lang=zh-CN", vec![], "zh-CN", "几分钟完成智方便集成"),
        (
            "/",
            vec![("accept-language", "zh-CN,zh;q=0.9")],
            "zh-CN",
            "几分钟完成智方便集成",
        ),
        (
            "/",
            vec![("cookie", "lang=zh-HK")],
            "zh-HK",
            "數分鐘完成智方便整合",
        ),
        // An explicit `?lang=` wins over a remembered cookie.
        (
            "/?lang=en",
            vec![("cookie", "lang=zh-CN")],
            "en",
            "Build your iAM Smart integration",
        ),
    ];
    for (path, headers, tag, expected) in cases {
        let response = get(&portal.url(path), &headers).await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await?;
        assert!(
            body.contains(&format!("<html lang=\"{tag}\"")),
            "{path} {headers:?}: wrong <html lang>"
        );
        assert!(
            body.contains(expected),
            "{path} {headers:?}: missing {expected:?}"
        );
        assert!(
            body.contains("/pkg/portal.js"),
            "the page must load the hydrate bundle"
        );
    }
    Ok(())
}

#[tokio::test]
async fn choosing_a_language_by_link_is_remembered_in_a_cookie() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let response = get(&portal.url("/?lang=zh-CN"), &[]).await?;
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("lang=zh-CN;"), "got {cookie:?}");
    assert!(cookie.contains("SameSite=Lax"));
    Ok(())
}

#[tokio::test]
async fn the_sign_in_and_sign_up_pages_are_real_forms() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    for (path, form) in [("/sign-in", "sign-in-form"), ("/sign-up", "sign-up-form")] {
        let response = get(&portal.url(path), &[]).await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await?;
        assert!(body.contains(&format!("id=\"{form}\"")), "{path}");
        assert!(!body.contains("data-coming-soon"), "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn unknown_addresses_get_a_404_page() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let response = get(&portal.url("/no/such/page"), &[]).await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await?.contains("Page not found"));
    Ok(())
}

#[tokio::test]
async fn pages_carry_strict_security_headers_with_a_fresh_nonce() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = get(&portal.url("/"), &[]).await?;
        let headers = response.headers().clone();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_default()
            .to_owned();
        assert!(nonce.len() >= 16, "the CSP must carry a nonce: {csp}");
        let body = response.text().await?;
        assert!(
            body.contains(&format!("nonce=\"{nonce}\"")),
            "the hydration script must carry the nonce"
        );
        assert_eq!(
            headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert_eq!(
            headers.get(header::X_FRAME_OPTIONS).map(|v| v.as_bytes()),
            Some(&b"DENY"[..])
        );
        assert!(headers.contains_key(header::REFERRER_POLICY));
        assert!(headers.contains_key("permissions-policy"));
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "every response needs its own nonce");

    let health = get(&portal.url("/healthz"), &[]).await?;
    let csp = health
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'"),
        "non-page responses get the strict default: {csp}"
    );
    Ok(())
}

#[tokio::test]
async fn static_assets_are_served_compressed() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    for encoding in ["br", "gzip"] {
        let response = get(
            &portal.url("/pkg/portal.css"),
            &[("accept-encoding", encoding)],
        )
        .await?;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.as_bytes()),
            Some(encoding.as_bytes()),
        );
        let compressed = response.bytes().await?;
        assert!(compressed.len() < "body { color: #2b7367; }\n".len() * 64 / 4);
    }
    let missing = get(&portal.url("/pkg/nothing-here.js"), &[]).await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn pre_compressed_assets_are_sent_as_built() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let pkg = portal.site_root.join("pkg");
    std::fs::write(pkg.join("bundle.js"), "console.log('plain');\n".repeat(40))?;
    std::fs::write(pkg.join("bundle.js.br"), b"built-by-xtask-brotli")?;
    let response = get(&portal.url("/pkg/bundle.js"), &[("accept-encoding", "br")]).await?;
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(b"br".as_slice())
    );
    assert_eq!(response.bytes().await?.as_ref(), b"built-by-xtask-brotli");
    let plain = get(
        &portal.url("/pkg/bundle.js"),
        &[("accept-encoding", "identity")],
    )
    .await?;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(plain.text().await?.starts_with("console.log('plain');"));
    Ok(())
}
