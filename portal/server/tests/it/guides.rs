//! The guides over real HTTP: every guide in every language, the remembered language choice, search,
//! diagrams, the pages' strict policy, and the shell samples the guides quote, run against a live portal.

use std::process::Command;

use anyhow::Context;
use reqwest::{StatusCode, header};

use crate::support::{TempDir, TestEngine, spawn_portal, spawn_portal_with_demo};

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

/// Every `/guides/{slug}` the index links to.
fn guide_links(index: &str) -> Vec<String> {
    let mut links: Vec<String> = index
        .split("href=\"/guides/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|slug| !slug.is_empty() && !slug.contains('/') && !slug.starts_with("search"))
        .map(str::to_owned)
        .collect();
    links.sort();
    links.dedup();
    links
}

#[tokio::test]
async fn every_guide_is_served_in_every_language_with_a_table_of_contents() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let index = get(&portal.url("/guides"), &[]).await?;
    assert_eq!(index.status(), StatusCode::OK);
    let index = index.text().await?;
    assert!(
        !index.contains("data-coming-soon"),
        "the guides are no longer a placeholder"
    );
    let slugs = guide_links(&index);
    assert!(slugs.len() >= 9, "the guides: {slugs:?}");
    for slug in &slugs {
        for lang in ["en", "zh-HK", "zh-CN"] {
            let response = get(&portal.url(&format!("/guides/{slug}?lang={lang}")), &[]).await?;
            assert_eq!(response.status(), StatusCode::OK, "{slug} in {lang}");
            let body = response.text().await?;
            assert!(
                body.contains(&format!("<html lang=\"{lang}\">")),
                "{slug} in {lang}"
            );
            assert!(
                body.contains(&format!("data-shown-in=\"{lang}\"")),
                "{slug} is translated into {lang}"
            );
            assert!(
                body.contains("<nav class=\"toc\""),
                "{slug} in {lang} has a table of contents"
            );
            assert!(
                body.contains("class=\"heading-anchor\""),
                "{slug} in {lang} has heading anchors"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_landing_pages_guide_links_lead_to_guides() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let landing = get(&portal.url("/"), &[]).await?.text().await?;
    let links = guide_links(&landing);
    assert_eq!(links.len(), 5, "{links:?}");
    for slug in links {
        let response = get(&portal.url(&format!("/guides/{slug}")), &[]).await?;
        assert_eq!(response.status(), StatusCode::OK, "{slug}");
    }
    Ok(())
}

#[tokio::test]
async fn a_language_chosen_on_a_guide_is_remembered_in_the_portals_cookie() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let response = get(&portal.url("/guides/getting-started?lang=zh-CN"), &[]).await?;
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("lang=zh-CN;"), "{cookie}");
    let body = response.text().await?;
    assert!(body.contains("简体中文"));

    // The same cookie the portal's own switcher writes chooses the guides' language, and the other way round.
    let body = get(
        &portal.url("/guides/getting-started"),
        &[("cookie", "lang=zh-HK")],
    )
    .await?
    .text()
    .await?;
    assert!(body.contains("<html lang=\"zh-HK\">"));
    let landing = get(&portal.url("/"), &[("cookie", "lang=zh-CN")])
        .await?
        .text()
        .await?;
    assert!(landing.contains("<html lang=\"zh-CN\""));
    let body = get(
        &portal.url("/guides"),
        &[("accept-language", "zh-CN,zh;q=0.9")],
    )
    .await?
    .text()
    .await?;
    assert!(body.contains("<html lang=\"zh-CN\">"));
    Ok(())
}

#[tokio::test]
async fn search_finds_guides_by_a_word_in_their_body_in_each_language() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let body = get(&portal.url("/guides/search?q=D30002&lang=en"), &[])
        .await?
        .text()
        .await?;
    assert!(body.contains("data-guide=\"envelope\""), "{body}");
    let body = get(
        &portal.url("/guides/search?q=%E8%87%AA%E5%8B%95%E5%9B%9E%E6%87%89&lang=zh-HK"),
        &[],
    )
    .await?
    .text()
    .await?;
    assert!(
        body.contains("data-guide=\"headless-ci\""),
        "自動回應 finds the CI guide: {body}"
    );
    let body = get(&portal.url("/guides/search?q=zzzz-nothing&lang=en"), &[])
        .await?
        .text()
        .await?;
    assert!(body.contains("data-results=\"0\""));
    let long = "x".repeat(10_000);
    let response = get(&portal.url(&format!("/guides/search?q={long}")), &[]).await?;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a long query is cut, not refused"
    );
    Ok(())
}

#[tokio::test]
async fn guide_pages_run_no_script_and_diagrams_are_svg_files() -> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let response = get(&portal.url("/guides/login"), &[]).await?;
    let policy = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");
    let body = response.text().await?;
    assert!(
        !body.contains("<script"),
        "no hydrate bundle and no script on a guide"
    );
    let diagram = body
        .split("src=\"/guides/diagrams/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the login guide shows a diagram")?
        .to_owned();
    let response = get(&portal.url(&format!("/guides/diagrams/{diagram}")), &[]).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok()),
        Some("image/svg+xml")
    );
    assert!(
        response
            .text()
            .await?
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    let missing = get(&portal.url("/guides/diagrams/nothing.svg"), &[]).await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let stylesheet = get(&portal.url("/guides/assets/guides.css"), &[]).await?;
    assert_eq!(stylesheet.status(), StatusCode::OK);
    Ok(())
}

/// Runs `content/samples/{script}` with bash against `portal`'s demo sandbox; returns its output.
fn run_sample(script: &str, env: &[(&str, &str)]) -> anyhow::Result<String> {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/samples");
    let output = Command::new("bash")
        .arg(samples.join(script))
        .envs(env.iter().copied())
        .output()
        .with_context(|| format!("running {script} (the samples need bash, curl, openssl and jq: `cargo xtask test` installs them)"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    Ok(stdout)
}

// Multi-threaded: the scripts run as blocking child processes while the portal serves them on this runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_curl_samples_get_a_key_and_finish_a_headless_login() -> anyhow::Result<()> {
    let files = TempDir::new("samples")?;
    let (portal, _database) = spawn_portal_with_demo(None, &files.path().join("demo.json")).await?;
    let demo = portal
        .demo
        .clone()
        .context("the portal seeded a demo sandbox")?;
    let key_file = files.path().join("rp-key.pem");
    std::fs::write(&key_file, &demo.rp_private_key_pem)?;
    let key_path = key_file.to_string_lossy().into_owned();
    let env = [
        ("BASE_URL", portal.base_url.as_str()),
        ("CLIENT_ID", demo.client_id.as_str()),
        ("CLIENT_SECRET", demo.client_secret.as_str()),
        ("RP_PRIVATE_KEY", key_path.as_str()),
        ("REDIRECT_URI", "http://localhost:3000/callback"),
        ("PERSONA", "iamsmart-user"),
    ];

    let output = run_sample("get-key.sh", &env)?;
    assert!(output.contains("\"code\":\"D00000\""), "{output}");
    let cek = output
        .lines()
        .find_map(|line| line.strip_prefix("CEK (AES-256, hex): "))
        .context("get-key.sh prints the unwrapped CEK")?;
    assert_eq!(cek.len(), 64, "a 32-byte key: {output}");

    let output = run_sample("headless-login.sh", &env)?;
    assert!(
        output.contains("callback: http://localhost:3000/callback?code=…"),
        "{output}"
    );
    assert!(output.contains("state echoed back: yes"), "{output}");
    Ok(())
}

// Multi-threaded, as above: the script runs as a blocking child process against this runtime's portal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_verification_sample_checks_a_persona_signature_and_a_signed_pdf()
-> anyhow::Result<()> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use iamsmart_client::SigningRequest;
    use iamsmart_client::pdf::{DocumentText, PreparedPdf};
    use sha2::{Digest, Sha256};

    use crate::relying_party::REDIRECT_URI;
    use crate::signing::{listener, log_in, next, signing_rp};

    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let (url, mut received) = listener().await?;
    let client = signing_rp(&portal, url).await?;
    let token = log_in(&client, "iamsmart-plus-user").await?;
    let files = TempDir::new("verify-sample")?;
    let path = |name: &str| files.path().join(name).to_string_lossy().into_owned();

    let document = b"Demo Bank statement (TEST)";
    std::fs::write(path("document.txt"), document)?;
    let request = SigningRequest::new(
        REDIRECT_URI,
        STANDARD.encode(Sha256::digest(document)),
        false,
    );
    let initiated = client.initiate_signing(&token, &request).await?;
    client
        .approve_ticket(&initiated.ticket_id, "iamsmart-plus-user")
        .await?;
    let (content_type, body) = next(&mut received).await?;
    let result = client.open_signing_callback(&body, &content_type)?;
    std::fs::write(path("cert.b64"), result.cert.context("cert")?)?;
    std::fs::write(
        path("signature.b64"),
        result.signature.context("signature")?,
    )?;

    let prepared = PreparedPdf::new(&DocumentText {
        title: "Demo Bank account agreement (TEST)",
        paragraphs: &["A sandbox document for the verification sample."],
        reason: "Account agreement",
        signing_date: "D:20261201100000Z",
    })?;
    let request = SigningRequest::new(REDIRECT_URI, prepared.digest_base64(), true);
    let initiated = client.initiate_signing(&token, &request).await?;
    client
        .approve_ticket(&initiated.ticket_id, "iamsmart-plus-user")
        .await?;
    let (content_type, body) = next(&mut received).await?;
    let result = client.open_signing_callback(&body, &content_type)?;
    let signed = prepared.embed_base64(&result.signature.context("pdfSignature")?)?;
    std::fs::write(path("signed.pdf"), signed)?;

    let output = run_sample(
        "verify-signature.sh",
        &[
            ("BASE_URL", portal.base_url.as_str()),
            ("SIGNER_CERT", &path("cert.b64")),
            ("SIGNATURE", &path("signature.b64")),
            ("DOCUMENT", &path("document.txt")),
            ("SIGNED_PDF", &path("signed.pdf")),
        ],
    )?;
    assert!(
        output.contains("iAM Smart Sandbox TEST Root CA"),
        "{output}"
    );
    assert!(output.contains("signer.pem: OK"), "{output}");
    assert!(output.contains("Verified OK"), "{output}");
    assert!(output.contains("Signature is Valid."), "{output}");
    Ok(())
}

#[tokio::test]
async fn the_api_reference_page_shows_every_operation_and_serves_the_document() -> anyhow::Result<()>
{
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let response = get(&portal.url("/reference"), &[]).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await?;
    for operation in [
        "POST /api/v1/security/getKey",
        "POST /api/v1/auth/getToken",
        "GET /api/v1/auth/getQR",
        "POST /api/v1/sandbox/approveTicket",
        "POST /api/v1/account/eme/initiateRequest",
        "POST /api/v1/anonymous/pdfsigning/getResult",
        "POST formFillingResult",
    ] {
        assert!(
            body.contains(operation),
            "{operation} is on the reference page"
        );
    }
    assert!(
        body.contains("<code>signatureMethod</code>"),
        "the signed headers are listed"
    );
    assert!(
        body.contains("id=\"schema-TokenContent\""),
        "the decrypted shapes are listed"
    );
    assert!(
        body.contains("id=\"callback-hashSigningResult\"")
            && body.contains("id=\"schema-EmeFieldValues\""),
        "the callbacks and the released field shapes are listed"
    );
    assert!(!body.contains("<script"));
    let document = get(&portal.url("/reference/openapi.json"), &[]).await?;
    let document: serde_json::Value = serde_json::from_slice(&document.bytes().await?)?;
    assert_eq!(document["openapi"], "3.1.0");
    Ok(())
}

#[tokio::test]
async fn the_try_it_console_offers_every_signed_operation_under_a_policy_that_allows_only_this_origin()
-> anyhow::Result<()> {
    let portal = spawn_portal(TestEngine::Sqlite)
        .await?
        .context("SQLite is always available")?;
    let reference = get(&portal.url("/reference"), &[]).await?.text().await?;
    assert!(
        reference.contains(r#"href="/reference/try""#),
        "the reference links the console"
    );

    let response = get(
        &portal.url("/reference/try?clientID=%22%3E%3Cscript%3E&lang=zh-CN"),
        &[],
    )
    .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let policy = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .context("a policy")?
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let body = response.text().await?;
    assert!(
        body.contains("在线试用"),
        "the page speaks the chosen language"
    );
    assert!(body.contains(r#"<script type="module" src="/pkg/try-it.js">"#));
    assert!(
        !body.contains("<script>"),
        "a query never reaches the page as markup"
    );
    assert!(body.contains(r#"id="try-client-id" name="clientID" type="text" autocomplete="off" spellcheck="false" required value="""#));
    let document: serde_json::Value = serde_json::from_slice(
        &get(&portal.url("/reference/openapi.json"), &[])
            .await?
            .bytes()
            .await?,
    )?;
    for (path, item) in document["paths"].as_object().context("paths")? {
        if item.get("post").is_some() {
            assert!(
                body.contains(&format!(r#"<option value="{path}""#)),
                "{path} is offered"
            );
        }
    }

    let with_id = get(&portal.url("/reference/try?clientID=0123abcd"), &[])
        .await?
        .text()
        .await?;
    assert!(
        with_id.contains(r#"value="0123abcd""#),
        "a plausible client ID fills the form"
    );
    Ok(())
}
