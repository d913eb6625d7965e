//! Certificates, hash signatures and the CRL, checked with the `openssl` command line.

use mock_iamsmart::signer::{SignatureAlgorithm, sign_hash};
use sandbox_ca::Revocation;
use sha2::{Digest, Sha256};

use crate::tools::*;

struct Files {
    dir: Scratch,
    root: std::path::PathBuf,
    issuing: std::path::PathBuf,
}

fn ca_files(test: &str) -> Files {
    let dir = scratch(test);
    let root = pem_certificate(&dir, "root", ca().root_certificate_der());
    let issuing = pem_certificate(&dir, "issuing", ca().issuing_certificate_der());
    Files { dir, root, issuing }
}

fn verify(files: &Files, leaf: &std::path::Path, extra: &[&str]) -> anyhow::Result<String> {
    let mut args = vec![
        "verify",
        "-CAfile",
        path_str(&files.root),
        "-untrusted",
        path_str(&files.issuing),
    ];
    args.extend_from_slice(extra);
    args.push(path_str(leaf));
    run("openssl", &args)
}

fn public_key(files: &Files, certificate: &std::path::Path) -> std::path::PathBuf {
    let text = run(
        "openssl",
        &["x509", "-in", path_str(certificate), "-pubkey", "-noout"],
    )
    .expect("openssl prints the public key");
    write(&files.dir, "public.pem", text.as_bytes())
}

#[test]
fn a_persona_certificate_chains_to_the_sandbox_root_and_says_it_is_a_test() {
    let files = ca_files("chain");
    let leaf = pem_certificate(&files.dir, "persona", &valid_persona().certificate_der);
    let verified = verify(&files, &leaf, &[]).expect("openssl verify accepts the chain");
    assert!(verified.contains(": OK"), "{verified}");

    let text = run(
        "openssl",
        &[
            "x509",
            "-in",
            path_str(&leaf),
            "-noout",
            "-text",
            "-nameopt",
            "utf8",
        ],
    )
    .expect("openssl prints the certificate");
    assert!(text.contains("CN=CHAN, Tai Man"), "{text}");
    assert!(
        text.contains("iAM Smart Sandbox TEST \u{2014} not trusted"),
        "{text}"
    );
    assert!(
        text.contains("Digital Signature, Non Repudiation"),
        "{text}"
    );
    assert!(text.contains(&format!("URI:{CRL_URL}")), "{text}");
    assert!(
        text.contains(&format!("CA Issuers - URI:{ISSUER_URL}")),
        "{text}"
    );
    let serial = run(
        "openssl",
        &["x509", "-in", path_str(&leaf), "-noout", "-serial"],
    )
    .expect("openssl prints the serial");
    assert_eq!(
        serial.trim(),
        format!("serial={}", valid_persona().serial_hex.to_uppercase())
    );

    let root_text = run(
        "openssl",
        &[
            "x509",
            "-in",
            path_str(&files.root),
            "-noout",
            "-subject",
            "-nameopt",
            "utf8",
        ],
    )
    .expect("subject");
    assert!(
        root_text.contains("iAM Smart Sandbox TEST Root CA \u{2014} not trusted"),
        "{root_text}"
    );
}

#[test]
fn a_sha256_with_rsa_hash_signature_verifies_with_openssl_dgst_against_the_document() {
    let files = ca_files("sha256");
    let document = b"Account agreement, version 3. The customer agrees to the terms.";
    let document_path = write(&files.dir, "document.txt", document);
    let signature = sign_hash(
        &mut rng(10),
        &credential(valid_persona()),
        SignatureAlgorithm::Sha256WithRsa,
        &Sha256::digest(document),
    )
    .expect("signs");
    let signature_path = write(&files.dir, "signature.bin", &signature);
    let leaf = pem_certificate(&files.dir, "persona", &valid_persona().certificate_der);
    let public = public_key(&files, &leaf);
    let verified = run(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            path_str(&public),
            "-signature",
            path_str(&signature_path),
            path_str(&document_path),
        ],
    )
    .expect("openssl dgst verifies the signature");
    assert!(verified.contains("Verified OK"), "{verified}");

    let tampered = write(&files.dir, "tampered.txt", b"Account agreement, version 4.");
    assert!(
        run(
            "openssl",
            &[
                "dgst",
                "-sha256",
                "-verify",
                path_str(&public),
                "-signature",
                path_str(&signature_path),
                path_str(&tampered),
            ],
        )
        .is_err(),
        "a changed document must not verify"
    );
}

#[test]
fn a_none_with_rsa_signature_verifies_with_openssl_pkeyutl() {
    let files = ca_files("none");
    let data = Sha256::digest(b"bytes the relying party prepared");
    let data_path = write(&files.dir, "data.bin", &data);
    let signature = sign_hash(
        &mut rng(11),
        &credential(valid_persona()),
        SignatureAlgorithm::NoneWithRsa,
        &data,
    )
    .expect("signs");
    let signature_path = write(&files.dir, "signature.bin", &signature);
    let leaf = pem_certificate(&files.dir, "persona", &valid_persona().certificate_der);
    let public = public_key(&files, &leaf);
    let verified = run(
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            path_str(&public),
            "-in",
            path_str(&data_path),
            "-sigfile",
            path_str(&signature_path),
        ],
    )
    .expect("openssl pkeyutl verifies the signature");
    assert!(
        verified.contains("Signature Verified Successfully"),
        "{verified}"
    );
}

#[test]
fn a_revoked_persona_certificate_is_on_the_crl_and_openssl_rejects_it() {
    let files = ca_files("revoked");
    let now = now_ms();
    let revoked = persona_certificate(
        "revoked-certificate-user",
        now - DAY_MS,
        now + 730 * DAY_MS,
        3,
    );
    let crl = ca()
        .crl(
            &mut rng(12),
            &[Revocation {
                serial_hex: revoked.serial_hex.clone(),
                revoked_at_ms: now - 1000,
            }],
            now - 1000,
            now + DAY_MS,
            7,
        )
        .expect("the CRL builds");
    let crl_der = write(&files.dir, "issuing.crl", &crl);
    let crl_text = run(
        "openssl",
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            path_str(&crl_der),
            "-noout",
            "-text",
        ],
    )
    .expect("openssl reads the CRL");
    assert!(
        crl_text.contains(&format!(
            "Serial Number: {}",
            revoked.serial_hex.to_uppercase()
        )),
        "{crl_text}"
    );
    assert!(crl_text.contains("X509v3 CRL Number"), "{crl_text}");
    assert!(crl_text.contains("Signing CA"), "{crl_text}");
    let crl_pem = files.dir.join("issuing.crl.pem");
    run(
        "openssl",
        &[
            "crl",
            "-inform",
            "DER",
            "-in",
            path_str(&crl_der),
            "-out",
            path_str(&crl_pem),
        ],
    )
    .expect("PEM CRL");
    // The CRL's signature checks out against the issuing CA.
    let checked = run(
        "openssl",
        &[
            "crl",
            "-in",
            path_str(&crl_pem),
            "-CAfile",
            path_str(&files.issuing),
            "-noout",
        ],
    )
    .expect("openssl verifies the CRL's signature");
    assert!(checked.contains("verify OK"), "{checked}");

    let revoked_leaf = pem_certificate(&files.dir, "revoked", &revoked.certificate_der);
    let refused = verify(
        &files,
        &revoked_leaf,
        &["-crl_check", "-CRLfile", path_str(&crl_pem)],
    )
    .expect_err("a revoked certificate must not verify");
    assert!(
        refused.to_string().contains("certificate revoked"),
        "{refused}"
    );
    let valid_leaf = pem_certificate(&files.dir, "valid", &valid_persona().certificate_der);
    let accepted = verify(
        &files,
        &valid_leaf,
        &["-crl_check", "-CRLfile", path_str(&crl_pem)],
    )
    .expect("a certificate not on the CRL verifies with the CRL checked");
    assert!(accepted.contains(": OK"), "{accepted}");
}

#[test]
fn an_expired_persona_certificate_fails_verification_as_expired() {
    let files = ca_files("expired");
    let now = now_ms();
    let expired = persona_certificate(
        "expired-certificate-user",
        now - 730 * DAY_MS,
        now - DAY_MS,
        4,
    );
    let leaf = pem_certificate(&files.dir, "expired", &expired.certificate_der);
    let refused = verify(&files, &leaf, &[]).expect_err("an expired certificate must not verify");
    assert!(
        refused.to_string().contains("certificate has expired"),
        "{refused}"
    );
}

#[test]
fn stored_material_gives_back_the_same_ca() {
    let material = ca().material().clone();
    let again = sandbox_ca::SandboxCa::from_material(material).expect("parses");
    assert_eq!(again.root_certificate_der(), ca().root_certificate_der());
    let mut broken = ca().material().clone();
    broken.issuing_key.0.truncate(10);
    assert!(sandbox_ca::SandboxCa::from_material(broken).is_err());
}
