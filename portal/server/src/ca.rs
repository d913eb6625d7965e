//! The deployment's sandbox CA, as the portal runs it: the root and issuing CA made on first need and
//! kept in the database, each iAM Smart+ persona's key and certificate issued on first use and
//! installed into its sandbox before a call that may sign, and the public CA endpoints:
//! `GET /ca/root-ca.crt`, `GET /ca/issuing-ca.crt` (DER certificates) and `GET /ca/issuing-ca.crl`
//! (the DER CRL named in every persona certificate's CRL distribution point).
//!
//! Why here: RSA-2048 key generation takes a few hundred milliseconds natively and far longer in the
//! guest, whose deadline is one second, so keys are made by the server (off the async threads) and
//! the pure core only signs with what it is given. This module must never log a key, a certificate's
//! subject or a persona's data.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mock_iamsmart::persona_certificate::PersonaCertificate;
use mock_iamsmart::signer::{PrivateKeyDer, SigningCredential};
use mock_iamsmart::{Call, CertificateLifecycle, Outcome, UserType};
use sandbox_ca::{CaMaterial, KeyDer, PersonaCertificateRequest, Revocation, SandboxCa};
use sandbox_runtime::{Runtime, SandboxError, SandboxId};
use sqlx::{AnyPool, Row};
use tokio::sync::OnceCell;

use crate::unix_time_ms;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// A persona's certificate lives two years, as a real iAM Smart+ signing certificate does about.
const PERSONA_LIFETIME_MS: i64 = 730 * DAY_MS;
/// The CRL is reissued on every request; it promises the next one within a day.
const CRL_NEXT_UPDATE_MS: i64 = DAY_MS;

pub const ROOT_CERTIFICATE_PATH: &str = "/ca/root-ca.crt";
pub const ISSUING_CERTIFICATE_PATH: &str = "/ca/issuing-ca.crt";
pub const CRL_PATH: &str = "/ca/issuing-ca.crl";

/// Why the CA could not do what was asked; safe to log (no keys, no names).
#[derive(Debug, thiserror::Error)]
pub enum CaFailure {
    #[error("a CA query failed")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Ca(#[from] sandbox_ca::CaError),
    #[error("stored CA material is not Base64")]
    Stored,
    #[error("the sandbox failed")]
    Sandbox(#[from] SandboxError),
    #[error("a key-generation task stopped")]
    Task(#[from] tokio::task::JoinError),
    #[error("the sandbox answered the certificate installation with another outcome")]
    UnexpectedOutcome,
}

/// The deployment's CA; cheap to clone.
#[derive(Clone)]
pub struct SigningAuthority {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    runtime: Runtime,
    deployment_id: String,
    /// The address certificates name for the CRL and the issuer certificate.
    base_url: String,
    ca: OnceCell<Arc<SandboxCa>>,
}

fn decode(text: &str) -> Result<Vec<u8>, CaFailure> {
    STANDARD.decode(text).map_err(|_| CaFailure::Stored)
}

/// A stored persona certificate row.
struct StoredCertificate {
    serial_hex: String,
    certificate_der: Vec<u8>,
    private_key_der: Vec<u8>,
    not_before_ms: i64,
    not_after_ms: i64,
    revoked_at_ms: Option<i64>,
}

impl SigningAuthority {
    pub fn new(pool: AnyPool, runtime: Runtime, deployment_id: String, base_url: String) -> Self {
        SigningAuthority {
            inner: Arc::new(Inner {
                pool,
                runtime,
                deployment_id,
                base_url: base_url.trim_end_matches('/').to_owned(),
                ca: OnceCell::new(),
            }),
        }
    }

    /// The CA, loaded from the database or made and stored on first need. Two servers racing here
    /// both generate, one row wins, and both use it.
    pub async fn ca(&self) -> Result<Arc<SandboxCa>, CaFailure> {
        self.inner
            .ca
            .get_or_try_init(|| async {
                if let Some(ca) = self.load_ca().await? {
                    return Ok(Arc::new(ca));
                }
                let deployment_id = self.inner.deployment_id.clone();
                let now = unix_time_ms();
                let generated = tokio::task::spawn_blocking(move || {
                    SandboxCa::generate(&mut rand::rngs::OsRng, &deployment_id, now)
                })
                .await??;
                let material = generated.material();
                sqlx::query(
                    "INSERT INTO signing_ca (singleton, root_certificate_base64, root_key_base64, \
                     issuing_certificate_base64, issuing_key_base64, created_at_ms) \
                     VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (singleton) DO NOTHING",
                )
                .bind(STANDARD.encode(&material.root_certificate_der))
                .bind(STANDARD.encode(&material.root_key.0))
                .bind(STANDARD.encode(&material.issuing_certificate_der))
                .bind(STANDARD.encode(&material.issuing_key.0))
                .bind(now)
                .execute(&self.inner.pool)
                .await?;
                tracing::info!("sandbox CA created");
                match self.load_ca().await? {
                    Some(ca) => Ok(Arc::new(ca)),
                    None => Ok(Arc::new(generated)),
                }
            })
            .await
            .cloned()
    }

    async fn load_ca(&self) -> Result<Option<SandboxCa>, CaFailure> {
        let Some(row) = sqlx::query(
            "SELECT root_certificate_base64, root_key_base64, issuing_certificate_base64, \
             issuing_key_base64 FROM signing_ca WHERE singleton = 1",
        )
        .fetch_optional(&self.inner.pool)
        .await?
        else {
            return Ok(None);
        };
        let material = CaMaterial {
            root_certificate_der: decode(&row.try_get::<String, _>("root_certificate_base64")?)?,
            root_key: KeyDer(decode(&row.try_get::<String, _>("root_key_base64")?)?),
            issuing_certificate_der: decode(
                &row.try_get::<String, _>("issuing_certificate_base64")?,
            )?,
            issuing_key: KeyDer(decode(&row.try_get::<String, _>("issuing_key_base64")?)?),
        };
        Ok(Some(SandboxCa::from_material(material)?))
    }

    async fn stored_certificate(
        &self,
        sandbox_id: &SandboxId,
        persona_id: &str,
    ) -> Result<Option<StoredCertificate>, CaFailure> {
        let Some(row) = sqlx::query(
            "SELECT serial_hex, certificate_base64, private_key_base64, not_before_ms, \
             not_after_ms, revoked_at_ms FROM persona_certificates \
             WHERE sandbox_id = $1 AND persona_id = $2",
        )
        .bind(sandbox_id.as_str())
        .bind(persona_id)
        .fetch_optional(&self.inner.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(StoredCertificate {
            serial_hex: row.try_get("serial_hex")?,
            certificate_der: decode(&row.try_get::<String, _>("certificate_base64")?)?,
            private_key_der: decode(&row.try_get::<String, _>("private_key_base64")?)?,
            not_before_ms: row.try_get("not_before_ms")?,
            not_after_ms: row.try_get("not_after_ms")?,
            revoked_at_ms: row.try_get("revoked_at_ms")?,
        }))
    }

    /// Issues the persona's certificate as its scenario asks (valid, revoked, or already expired)
    /// and stores it; a concurrent issuer's row wins if it was first.
    async fn issue(
        &self,
        sandbox_id: &SandboxId,
        persona_id: &str,
        common_name: String,
        lifecycle: CertificateLifecycle,
    ) -> Result<(), CaFailure> {
        let ca = self.ca().await?;
        let now = unix_time_ms();
        let (not_before_ms, not_after_ms) = match lifecycle {
            CertificateLifecycle::Expired => (now - PERSONA_LIFETIME_MS, now - DAY_MS),
            CertificateLifecycle::Valid | CertificateLifecycle::Revoked => {
                (now - DAY_MS, now + PERSONA_LIFETIME_MS)
            }
        };
        let revoked_at_ms = (lifecycle == CertificateLifecycle::Revoked).then_some(now);
        let crl_url = format!("{}{CRL_PATH}", self.inner.base_url);
        let issuer_url = format!("{}{ISSUING_CERTIFICATE_PATH}", self.inner.base_url);
        let sandbox = sandbox_id.as_str().to_owned();
        let persona = persona_id.to_owned();
        let issued = tokio::task::spawn_blocking(move || {
            ca.issue_persona_certificate(
                &mut rand::rngs::OsRng,
                &PersonaCertificateRequest {
                    common_name: &common_name,
                    persona_id: &persona,
                    sandbox_id: &sandbox,
                    not_before_ms,
                    not_after_ms,
                    crl_url: &crl_url,
                    issuer_certificate_url: &issuer_url,
                },
            )
        })
        .await??;
        let inserted = sqlx::query(
            "INSERT INTO persona_certificates (sandbox_id, persona_id, serial_hex, \
             certificate_base64, private_key_base64, not_before_ms, not_after_ms, revoked_at_ms, \
             issued_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (sandbox_id, persona_id) DO NOTHING",
        )
        .bind(sandbox_id.as_str())
        .bind(persona_id)
        .bind(&issued.serial_hex)
        .bind(STANDARD.encode(&issued.certificate_der))
        .bind(STANDARD.encode(&issued.private_key.0))
        .bind(issued.not_before_ms)
        .bind(issued.not_after_ms)
        .bind(revoked_at_ms)
        .bind(now)
        .execute(&self.inner.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            if let Some(revoked_at_ms) = revoked_at_ms {
                self.record_revocation(&issued.serial_hex, revoked_at_ms, issued.not_after_ms)
                    .await?;
            }
            tracing::info!("persona signing certificate issued");
        }
        Ok(())
    }

    async fn record_revocation(
        &self,
        serial_hex: &str,
        revoked_at_ms: i64,
        not_after_ms: i64,
    ) -> Result<(), CaFailure> {
        sqlx::query(
            "INSERT INTO revoked_certificates (serial_hex, revoked_at_ms, not_after_ms) \
             VALUES ($1, $2, $3) ON CONFLICT (serial_hex) DO NOTHING",
        )
        .bind(serial_hex)
        .bind(revoked_at_ms)
        .bind(not_after_ms)
        .execute(&self.inner.pool)
        .await?;
        Ok(())
    }

    /// Makes sure every iAM Smart+ persona of the sandbox can sign: issues the certificates that do
    /// not exist yet (the first time takes a key generation per persona) and installs all of them into
    /// the sandbox, which writes only what changed. Called before any call that may approve a signing
    /// request. Returns how many personas have a certificate.
    pub async fn ensure_sandbox_certificates(
        &self,
        sandbox_id: &SandboxId,
    ) -> Result<usize, CaFailure> {
        let config = self.inner.runtime.sandbox_config(sandbox_id).await?;
        let signers: Vec<_> = mock_iamsmart::persona::personas(&config)
            .into_iter()
            .filter(|persona| persona.user_type == UserType::Sign)
            .collect();
        let ca = self.ca().await?;
        let mut certificates = BTreeMap::new();
        for persona in signers {
            let stored = match self.stored_certificate(sandbox_id, &persona.id).await? {
                Some(stored) => stored,
                None => {
                    self.issue(
                        sandbox_id,
                        &persona.id,
                        persona.display_name.clone(),
                        persona.certificate,
                    )
                    .await?;
                    self.stored_certificate(sandbox_id, &persona.id)
                        .await?
                        .ok_or(CaFailure::Stored)?
                }
            };
            certificates.insert(
                persona.id,
                PersonaCertificate {
                    credential: SigningCredential {
                        private_key: PrivateKeyDer::new(stored.private_key_der),
                        certificate_chain: [
                            stored.certificate_der.as_slice(),
                            ca.issuing_certificate_der(),
                            ca.root_certificate_der(),
                        ]
                        .iter()
                        .map(|der| STANDARD.encode(der))
                        .collect(),
                    },
                    serial_hex: stored.serial_hex,
                    not_before_ms: stored.not_before_ms,
                    not_after_ms: stored.not_after_ms,
                    revoked_at_ms: stored.revoked_at_ms,
                },
            );
        }
        let count = certificates.len();
        match self
            .inner
            .runtime
            .call(
                sandbox_id,
                &Call::InstallSigningCertificates { certificates },
            )
            .await?
        {
            Outcome::SigningCertificatesInstalled { .. } => Ok(count),
            _ => Err(CaFailure::UnexpectedOutcome),
        }
    }

    /// The serial number of a persona's certificate, if one was issued (for tests and the console).
    pub async fn persona_serial(
        &self,
        sandbox_id: &SandboxId,
        persona_id: &str,
    ) -> Result<Option<String>, CaFailure> {
        Ok(self
            .stored_certificate(sandbox_id, persona_id)
            .await?
            .map(|stored| stored.serial_hex))
    }

    /// The issuing CA's CRL, DER, listing every revoked certificate that has not expired yet.
    pub async fn crl(&self) -> Result<Vec<u8>, CaFailure> {
        let ca = self.ca().await?;
        let now = unix_time_ms();
        let rows = sqlx::query(
            "SELECT serial_hex, revoked_at_ms FROM revoked_certificates WHERE not_after_ms >= $1 \
             ORDER BY serial_hex",
        )
        .bind(now)
        .fetch_all(&self.inner.pool)
        .await?;
        let revoked = rows
            .iter()
            .map(|row| {
                Ok(Revocation {
                    serial_hex: row.try_get("serial_hex")?,
                    revoked_at_ms: row.try_get("revoked_at_ms")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        // The CRL number must grow from one CRL to the next; seconds on the wall clock do, across
        // every server sharing the database, without a counter to keep.
        let crl_number = u64::try_from(now / 1000).unwrap_or_default();
        Ok(tokio::task::spawn_blocking(move || {
            ca.crl(
                &mut rand::rngs::OsRng,
                &revoked,
                now,
                now + CRL_NEXT_UPDATE_MS,
                crl_number,
            )
        })
        .await??)
    }

    /// The public CA endpoints.
    pub fn router(&self) -> Router {
        Router::new()
            .route(ROOT_CERTIFICATE_PATH, get(root_certificate))
            .route(ISSUING_CERTIFICATE_PATH, get(issuing_certificate))
            .route(CRL_PATH, get(crl))
            .with_state(self.clone())
    }
}

fn der_response(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

fn failure(error: &CaFailure) -> Response {
    tracing::error!(error = %error, "the sandbox CA could not answer");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The sandbox CA is unavailable at the moment; try again shortly.",
    )
        .into_response()
}

async fn root_certificate(State(authority): State<SigningAuthority>) -> Response {
    match authority.ca().await {
        Ok(ca) => der_response("application/pkix-cert", ca.root_certificate_der().to_vec()),
        Err(error) => failure(&error),
    }
}

async fn issuing_certificate(State(authority): State<SigningAuthority>) -> Response {
    match authority.ca().await {
        Ok(ca) => der_response(
            "application/pkix-cert",
            ca.issuing_certificate_der().to_vec(),
        ),
        Err(error) => failure(&error),
    }
}

async fn crl(State(authority): State<SigningAuthority>) -> Response {
    match authority.crl().await {
        Ok(der) => der_response("application/pkix-crl", der),
        Err(error) => failure(&error),
    }
}
