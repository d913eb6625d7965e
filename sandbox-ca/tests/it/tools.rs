//! Shared helpers: a fixed-seed CA and persona, a scratch directory, and running the outside tools.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{Context, bail};
use mock_iamsmart::signer::{PrivateKeyDer, SigningCredential};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sandbox_ca::{PersonaCertificate, PersonaCertificateRequest, SandboxCa};

/// The real clock: the outside tools check validity against it, so certificates are issued around it.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
pub const CRL_URL: &str = "http://127.0.0.1:8080/ca/issuing-ca.crl";
pub const ISSUER_URL: &str = "http://127.0.0.1:8080/ca/issuing-ca.crt";
pub const PERSONA_NAME: &str = "CHAN, Tai Man";

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// One CA for the whole test binary: RSA key generation is the slow part.
pub fn ca() -> &'static SandboxCa {
    static CA: OnceLock<SandboxCa> = OnceLock::new();
    CA.get_or_init(|| {
        SandboxCa::generate(&mut rng(1), "test-deployment", now_ms()).expect("the CA generates")
    })
}

pub fn persona_certificate(
    persona_id: &str,
    not_before_ms: i64,
    not_after_ms: i64,
    seed: u64,
) -> PersonaCertificate {
    ca().issue_persona_certificate(
        &mut rng(seed),
        &PersonaCertificateRequest {
            common_name: PERSONA_NAME,
            persona_id,
            sandbox_id: "sandbox-1",
            not_before_ms,
            not_after_ms,
            crl_url: CRL_URL,
            issuer_certificate_url: ISSUER_URL,
        },
    )
    .expect("a persona certificate issues")
}

/// A valid certificate, shared by the tests that only sign.
pub fn valid_persona() -> &'static PersonaCertificate {
    static PERSONA: OnceLock<PersonaCertificate> = OnceLock::new();
    PERSONA.get_or_init(|| {
        persona_certificate(
            "iamsmart-plus-user",
            now_ms() - DAY_MS,
            now_ms() + 730 * DAY_MS,
            2,
        )
    })
}

pub fn credential(persona: &PersonaCertificate) -> SigningCredential {
    use mock_iamsmart::crypto::base64_encode;
    SigningCredential {
        private_key: PrivateKeyDer::new(persona.private_key.0.clone()),
        certificate_chain: vec![
            base64_encode(&persona.certificate_der),
            base64_encode(ca().issuing_certificate_der()),
            base64_encode(ca().root_certificate_der()),
        ],
    }
}

/// A fresh directory under the system's temporary directory, named after the test and removed when
/// the test ends.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("sandbox-ca-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    Scratch(dir)
}

pub fn write(dir: &Path, file: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

/// DER → PEM with openssl itself, so the PEM is openssl's own reading of the DER.
pub fn pem_certificate(dir: &Path, file: &str, der: &[u8]) -> PathBuf {
    let der_path = write(dir, &format!("{file}.der"), der);
    let pem_path = dir.join(format!("{file}.pem"));
    run(
        "openssl",
        &[
            "x509",
            "-inform",
            "DER",
            "-in",
            path_str(&der_path),
            "-out",
            path_str(&pem_path),
        ],
    )
    .expect("openssl reads the certificate");
    pem_path
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// Runs a tool; `Ok(stdout + stderr)` when it exits 0, `Err` with both otherwise.
pub fn run(program: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(program).args(args).output().with_context(|| {
        format!(
            "could not run `{program}`: install it (`apt-get install openssl poppler-utils`, or run \
             `cargo xtask test`, which installs poppler-utils)"
        )
    })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        bail!("`{program} {}` failed: {text}", args.join(" "));
    }
    Ok(text)
}
