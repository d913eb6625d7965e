//! The sandbox CA as the portal serves it: persona certificates issued on first use and stored, the
//! CA certificates and the CRL over HTTP, checked with the `openssl` command line.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::relying_party::RelyingParty;
use crate::support::{TempDir, TestPortal, on_both_engines};

async fn download(portal: &TestPortal, path: &str, content_type: &str) -> anyhow::Result<Vec<u8>> {
    let response = reqwest::get(portal.url(path)).await?;
    anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
    let header = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(header == content_type, "{path} is {header}");
    Ok(response.bytes().await?.to_vec())
}

fn openssl(args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .context("could not run openssl: install it (apt-get install openssl)")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        bail!("openssl {} failed: {text}", args.join(" "));
    }
    Ok(text)
}

fn to_pem(dir: &Path, name: &str, der: &[u8], kind: &str) -> anyhow::Result<String> {
    let der_path = dir.join(format!("{name}.der"));
    let pem_path = dir.join(format!("{name}.pem"));
    std::fs::write(&der_path, der)?;
    openssl(&[
        kind,
        "-inform",
        "DER",
        "-in",
        der_path.to_str().unwrap_or_default(),
        "-out",
        pem_path.to_str().unwrap_or_default(),
    ])?;
    Ok(pem_path.to_string_lossy().into_owned())
}

async fn persona_certificates_are_issued_once_and_revocations_reach_the_crl(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let rp = RelyingParty::register(portal).await?;
    let authority = &portal.signing_authority;
    // The catalogue's iAM Smart+ personas: iamsmart-plus-user, auto-approve, suspended-plus-user,
    // revoked-certificate-user and expired-certificate-user.
    assert_eq!(
        authority
            .ensure_sandbox_certificates(&rp.sandbox_id)
            .await?,
        5
    );
    let serial = authority
        .persona_serial(&rp.sandbox_id, "iamsmart-plus-user")
        .await?
        .context("the certificate is stored")?;
    assert_eq!(
        authority
            .ensure_sandbox_certificates(&rp.sandbox_id)
            .await?,
        5
    );
    assert_eq!(
        authority
            .persona_serial(&rp.sandbox_id, "iamsmart-plus-user")
            .await?
            .as_deref(),
        Some(serial.as_str()),
        "the second use keeps the first certificate"
    );
    // iAM Smart (non-plus) users get no certificate.
    assert_eq!(
        authority
            .persona_serial(&rp.sandbox_id, "iamsmart-user")
            .await?,
        None
    );
    let revoked_serial = authority
        .persona_serial(&rp.sandbox_id, "revoked-certificate-user")
        .await?
        .context("the revoked certificate is stored")?;

    let dir = TempDir::new("certificates")?;
    let root = to_pem(
        dir.path(),
        "root",
        &download(portal, "/ca/root-ca.crt", "application/pkix-cert").await?,
        "x509",
    )?;
    let issuing = to_pem(
        dir.path(),
        "issuing",
        &download(portal, "/ca/issuing-ca.crt", "application/pkix-cert").await?,
        "x509",
    )?;
    let crl = to_pem(
        dir.path(),
        "crl",
        &download(portal, "/ca/issuing-ca.crl", "application/pkix-crl").await?,
        "crl",
    )?;
    let listed = openssl(&["crl", "-in", &crl, "-noout", "-text"])?;
    assert!(
        listed.contains(&format!("Serial Number: {}", revoked_serial.to_uppercase())),
        "{listed}"
    );
    assert!(!listed.contains(&serial.to_uppercase()), "{listed}");
    let checked = openssl(&["crl", "-in", &crl, "-CAfile", &issuing, "-noout"])?;
    assert!(checked.contains("verify OK"), "{checked}");
    let root_subject = openssl(&[
        "x509", "-in", &root, "-noout", "-subject", "-nameopt", "utf8",
    ])?;
    assert!(
        root_subject.contains("iAM Smart Sandbox TEST Root CA \u{2014} not trusted"),
        "{root_subject}"
    );
    Ok(())
}

on_both_engines!(
    persona_certificates_are_issued_once_and_revocations_reach_the_crl,
    persona_certificates_are_issued_once_and_revocations_reach_the_crl_on_sqlite,
    persona_certificates_are_issued_once_and_revocations_reach_the_crl_on_postgres
);
