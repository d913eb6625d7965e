//! Detached PKCS#7 signatures, checked with `openssl cms`.

use mock_iamsmart::signer::detached_pkcs7;
use sha2::{Digest, Sha256};

use crate::tools::*;

#[test]
fn a_detached_pkcs7_verifies_with_openssl_cms_against_the_sandbox_root() {
    let dir = scratch("cms");
    let root = pem_certificate(&dir, "root", ca().root_certificate_der());
    let content = b"the byte ranges of a PDF, outside its /Contents";
    let content_path = write(&dir, "content.bin", content);
    let pkcs7 = detached_pkcs7(
        &mut rng(20),
        &credential(valid_persona()),
        &Sha256::digest(content),
        now_ms(),
    )
    .expect("builds");
    let pkcs7_path = write(&dir, "signature.p7s", &pkcs7);
    let verified = run(
        "openssl",
        &[
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            path_str(&pkcs7_path),
            "-binary",
            "-content",
            path_str(&content_path),
            "-CAfile",
            path_str(&root),
            "-out",
            path_str(&dir.join("out.bin")),
        ],
    )
    .expect("openssl cms verifies the PKCS#7 and its chain");
    assert!(verified.contains("Verification successful"), "{verified}");
    let printed = run(
        "openssl",
        &[
            "pkcs7",
            "-inform",
            "DER",
            "-in",
            path_str(&pkcs7_path),
            "-print_certs",
            "-noout",
        ],
    )
    .expect("openssl lists the certificates");
    assert_eq!(printed.matches("subject=").count(), 3, "{printed}");
}

/// Prepares a PDF as a relying party does, signs its digest as the persona, embeds the PKCS#7 and
/// returns the signed file's path.
fn signed_pdf(dir: &std::path::Path, seed: u64) -> std::path::PathBuf {
    let prepared = iamsmart_client::pdf::PreparedPdf::new(&iamsmart_client::pdf::DocumentText {
        title: "Demo Bank account agreement (TEST)",
        paragraphs: &[
            "This agreement is between Demo Bank (a test relying party) and the customer.",
            "It exists only in the iAM Smart Sandbox and binds nobody.",
        ],
        reason: "Account agreement",
        signing_date: "D:20261201093000Z",
    })
    .expect("the PDF prepares");
    let pkcs7 = detached_pkcs7(
        &mut rng(seed),
        &credential(valid_persona()),
        &prepared.digest(),
        now_ms(),
    )
    .expect("the PKCS#7 builds");
    let signed = prepared.embed(&pkcs7).expect("the PKCS#7 fits");
    write(dir, "signed.pdf", &signed)
}

#[test]
fn pdfsig_finds_the_signature_valid_the_document_unmodified_and_the_persona_as_signer() {
    let dir = scratch("pdfsig");
    let pdf = signed_pdf(&dir, 21);
    let report = run("pdfsig", &[path_str(&pdf)]).expect("pdfsig reads the signed PDF");
    assert!(report.contains("Signature #1"), "{report}");
    assert!(report.contains("Signature is Valid."), "{report}");
    assert!(
        report.contains(&format!("Signer Certificate Common Name: {PERSONA_NAME}")),
        "{report}"
    );
    assert!(report.contains("Total document signed"), "{report}");
    assert!(report.contains("adbe.pkcs7.detached"), "{report}");
}

#[test]
fn pdfsig_reports_a_changed_document() {
    let dir = scratch("pdfsig-tampered");
    let pdf = signed_pdf(&dir, 22);
    let mut bytes = std::fs::read(&pdf).expect("read");
    // Change one character of the agreement's text, outside /Contents.
    let at = bytes
        .windows(6)
        .position(|window| window == b"binds ")
        .expect("the text is in the PDF");
    bytes[at] = b'B';
    let tampered = write(&dir, "tampered.pdf", &bytes);
    let report = run("pdfsig", &[path_str(&tampered)]).unwrap_or_else(|error| error.to_string());
    assert!(!report.contains("Signature is Valid."), "{report}");
    assert!(
        report.contains("Digest Mismatch") || report.contains("Invalid"),
        "{report}"
    );
}
