//! Signing over real HTTP with `iamsmart-client` as the relying party: the persona's signature
//! arrives in the callback and is checked with `openssl` (certificate chain to the sandbox root,
//! the hash signature against the document), a signed PDF with poppler's `pdfsig`, and a revoked
//! persona's request fails with D70002 — on SQLite and PostgreSQL.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iamsmart_client::pdf::{DocumentText, PreparedPdf};
use iamsmart_client::{
    CallbackParams, Client, ClientConfig, LoginRequest, Secret, SigningRequest, Token,
};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::relying_party::{REDIRECT_URI, RelyingParty, rp_private_key_pem};
use crate::support::{TempDir, TestPortal, on_both_engines};

pub(crate) type Received = (String, Vec<u8>);

/// The RP's callback endpoint on 127.0.0.1.
pub(crate) async fn listener() -> anyhow::Result<(String, mpsc::UnboundedReceiver<Received>)> {
    let (sender, received) = mpsc::unbounded_channel::<Received>();
    let app = Router::new()
        .route(
            "/callback",
            post(
                |State(sender): State<mpsc::UnboundedSender<Received>>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let content_type = headers
                        .get("content-type")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    let _ = sender.send((content_type, body.to_vec()));
                    "received"
                },
            ),
        )
        .with_state(sender);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{address}/callback"), received))
}

pub(crate) async fn next(
    received: &mut mpsc::UnboundedReceiver<Received>,
) -> anyhow::Result<Received> {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .context("no callback arrived within ten seconds")?
        .context("the listener stopped")
}

pub(crate) async fn signing_rp(
    portal: &TestPortal,
    callback_url: String,
) -> anyhow::Result<Client> {
    let rp = RelyingParty::register_with(portal, |config| {
        config.granted_scopes = ["eidapi_auth", "eidapi_sign"].map(String::from).to_vec();
        config.callback_url = Some(callback_url);
    })
    .await?;
    Ok(Client::new(ClientConfig {
        api_base_url: portal.base_url.clone(),
        browser_base_url: portal.base_url.clone(),
        client_id: rp.client_id.clone(),
        client_secret: Secret::new(rp.client_secret.clone()),
        private_key_pem: Secret::new(rp_private_key_pem()?),
    })?)
}

pub(crate) async fn log_in(client: &Client, persona_id: &str) -> anyhow::Result<Token> {
    let mut login = LoginRequest::new(REDIRECT_URI, "login-1");
    login.scopes = ["eidapi_auth", "eidapi_sign"].map(String::from).to_vec();
    let started = client.start_login(&login).await?;
    let redirect = client
        .approve_ticket(&started.ticket_id, persona_id)
        .await?;
    let code = CallbackParams::from_url(&redirect)
        .code
        .context("an approved login redirects with a code")?;
    Ok(client.get_token(&code).await?)
}

pub(crate) fn run(program: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(program).args(args).output().with_context(|| {
        format!("could not run {program}: install openssl and poppler-utils (cargo xtask test installs poppler-utils)")
    })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        bail!("{program} {} failed: {text}", args.join(" "));
    }
    Ok(text)
}

pub(crate) fn pem(dir: &TempDir, name: &str, der: &[u8]) -> anyhow::Result<String> {
    let der_path = dir.path().join(format!("{name}.der"));
    let pem_path = dir.path().join(format!("{name}.pem"));
    std::fs::write(&der_path, der)?;
    run(
        "openssl",
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            der_path.to_str().unwrap_or_default(),
            "-out",
            pem_path.to_str().unwrap_or_default(),
        ],
    )?;
    Ok(pem_path.to_string_lossy().into_owned())
}

pub(crate) async fn download(portal: &TestPortal, path: &str) -> anyhow::Result<Vec<u8>> {
    Ok(reqwest::get(portal.url(path))
        .await?
        .bytes()
        .await?
        .to_vec())
}

async fn a_hash_signature_and_a_signed_pdf_verify_with_openssl_and_pdfsig(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let client = signing_rp(portal, url).await?;
    let token = log_in(&client, "iamsmart-plus-user").await?;
    let dir = TempDir::new("signing")?;
    let root = pem(&dir, "root", &download(portal, "/ca/root-ca.crt").await?)?;
    let issuing = pem(
        &dir,
        "issuing",
        &download(portal, "/ca/issuing-ca.crt").await?,
    )?;

    // Hash signing.
    let document = b"Demo Bank account agreement, version 3 (TEST)";
    let document_path = dir.path().join("document.txt");
    std::fs::write(&document_path, document)?;
    // ANCHOR: hash_signing
    let mut request = SigningRequest::new(
        REDIRECT_URI,
        STANDARD.encode(Sha256::digest(document)),
        false,
    );
    request.document_name = "Account agreement".into();
    request.department = "Demo Bank".into();
    let initiated = client.initiate_signing(&token, &request).await?;
    assert_eq!(request.identification_code(&token).len(), 4);
    client
        .approve_ticket(&initiated.ticket_id, "iamsmart-plus-user")
        .await?;
    let (content_type, body) = next(&mut received).await?;
    let result = client.open_signing_callback(&body, &content_type)?;
    assert_eq!(result.code, "D00000");
    assert_eq!(
        result.business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    // ANCHOR_END: hash_signing
    let cert = STANDARD.decode(result.cert.context("cert")?)?;
    let signer = pem(&dir, "signer", &cert)?;
    let chain = run(
        "openssl",
        &["verify", "-CAfile", &root, "-untrusted", &issuing, &signer],
    )?;
    assert!(chain.contains(": OK"), "{chain}");
    let public = run("openssl", &["x509", "-in", &signer, "-pubkey", "-noout"])?;
    let public_path = dir.path().join("public.pem");
    std::fs::write(&public_path, public)?;
    let signature_path = dir.path().join("signature.bin");
    std::fs::write(
        &signature_path,
        STANDARD.decode(result.signature.context("signature")?)?,
    )?;
    let verified = run(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            public_path.to_str().unwrap_or_default(),
            "-signature",
            signature_path.to_str().unwrap_or_default(),
            document_path.to_str().unwrap_or_default(),
        ],
    )?;
    assert!(verified.contains("Verified OK"), "{verified}");
    // ANCHOR: ack_result
    client
        .ack_signing_result(&request.business_id, "SR001")
        .await?;
    // ANCHOR_END: ack_result

    // PDF signing.
    let prepared = PreparedPdf::new(&DocumentText {
        title: "Demo Bank account agreement (TEST)",
        paragraphs: &["The customer agrees to Demo Bank's terms. This is a sandbox document."],
        reason: "Account agreement",
        signing_date: "D:20261201100000Z",
    })?;
    let request = SigningRequest::new(REDIRECT_URI, STANDARD.encode(prepared.digest()), true);
    let initiated = client.initiate_signing(&token, &request).await?;
    client
        .approve_ticket(&initiated.ticket_id, "iamsmart-plus-user")
        .await?;
    let (content_type, body) = next(&mut received).await?;
    let result = client.open_signing_callback(&body, &content_type)?;
    assert_eq!(result.code, "D00000");
    let signed = prepared.embed(&STANDARD.decode(result.signature.context("pdfSignature")?)?)?;
    let pdf_path = dir.path().join("signed.pdf");
    std::fs::write(&pdf_path, signed)?;
    let report = run("pdfsig", &[pdf_path.to_str().unwrap_or_default()])?;
    assert!(report.contains("Signature is Valid."), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    let subject = run(
        "openssl",
        &[
            "x509", "-in", &signer, "-noout", "-subject", "-nameopt", "utf8",
        ],
    )?;
    let common_name = subject
        .split("CN=")
        .nth(1)
        .context("the signer has a common name")?
        .trim()
        .to_owned();
    assert!(
        report.contains(&format!("Signer Certificate Common Name: {common_name}")),
        "{report}"
    );
    Ok(())
}

on_both_engines!(
    a_hash_signature_and_a_signed_pdf_verify_with_openssl_and_pdfsig,
    a_hash_signature_and_a_signed_pdf_verify_with_openssl_and_pdfsig_on_sqlite,
    a_hash_signature_and_a_signed_pdf_verify_with_openssl_and_pdfsig_on_postgres
);

async fn a_revoked_persona_cannot_sign_and_a_plain_user_is_refused(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let client = signing_rp(portal, url).await?;
    let token = log_in(&client, "revoked-certificate-user").await?;
    let request = SigningRequest::new(REDIRECT_URI, STANDARD.encode(Sha256::digest(b"x")), false);
    let initiated = client.initiate_signing(&token, &request).await?;
    client
        .approve_ticket(&initiated.ticket_id, "revoked-certificate-user")
        .await?;
    let (content_type, body) = next(&mut received).await?;
    let result = client.open_signing_callback(&body, &content_type)?;
    assert_eq!(result.code, "D70002");
    assert!(result.signature.is_none());
    let plain = log_in(&client, "iamsmart-user").await?;
    let refused = client.initiate_signing(&plain, &request).await;
    assert!(refused.is_err_and(|error| error.is_protocol_code("D70004")));
    Ok(())
}

on_both_engines!(
    a_revoked_persona_cannot_sign_and_a_plain_user_is_refused,
    a_revoked_persona_cannot_sign_and_a_plain_user_is_refused_on_sqlite,
    a_revoked_persona_cannot_sign_and_a_plain_user_is_refused_on_postgres
);
