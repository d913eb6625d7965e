-- The sandbox CA (`portal/server/src/ca.rs`): the deployment's test root and issuing CA, and the signing
-- certificate of each iAM Smart+ persona of each sandbox, issued on first use. Keys are PKCS#8 DER and
-- certificates DER, both as Base64 text; they are test keys of a CA nothing trusts, but are still never
-- logged. Types are BIGINT and TEXT only, so the same file runs on SQLite and PostgreSQL (STACK.md).

-- One row, created by the first server that needs the CA; a second server racing it keeps the first row.
CREATE TABLE signing_ca (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    root_certificate_base64 TEXT NOT NULL,
    root_key_base64 TEXT NOT NULL,
    issuing_certificate_base64 TEXT NOT NULL,
    issuing_key_base64 TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- One certificate per persona per sandbox; deleting a sandbox deletes its personas' keys.
CREATE TABLE persona_certificates (
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    persona_id TEXT NOT NULL,
    serial_hex TEXT NOT NULL UNIQUE,
    certificate_base64 TEXT NOT NULL,
    private_key_base64 TEXT NOT NULL,
    not_before_ms BIGINT NOT NULL,
    not_after_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    issued_at_ms BIGINT NOT NULL,
    PRIMARY KEY (sandbox_id, persona_id)
);

-- What the CRL lists. Kept apart from `persona_certificates` on purpose: a revoked certificate stays on
-- the CRL until it expires, even after its sandbox (and its key) is deleted.
CREATE TABLE revoked_certificates (
    serial_hex TEXT PRIMARY KEY,
    revoked_at_ms BIGINT NOT NULL,
    not_after_ms BIGINT NOT NULL
);
