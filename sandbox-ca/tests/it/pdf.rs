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
