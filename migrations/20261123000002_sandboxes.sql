-- Sandboxes (tenants) and their key-value state, owned by the sandbox runtime (`sandbox-runtime/src/storage.rs`).
-- Types are limited to BIGINT and TEXT so the same file runs on SQLite and PostgreSQL through sqlx's Any driver
-- (STACK.md): times are epoch milliseconds, stored bytes are Base64 text.

-- One row per sandbox. `config_json` is the mock's configuration as the guest receives it (it holds the client
-- secret and pseudonym key, so it is never logged). `generation` goes up by one with every committed request; a
-- request commits only if the generation it started from is still current, which serialises requests for one
-- tenant across processes without holding a lock while the guest runs.
CREATE TABLE sandboxes (
    sandbox_id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    config_json TEXT NOT NULL,
    time_offset_ms BIGINT NOT NULL DEFAULT 0,
    generation BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL
);

-- The guest's key-value store, one namespace per sandbox. An entry whose `expires_at_ms` (on the sandbox clock)
-- has passed is treated as absent and purged opportunistically.
CREATE TABLE sandbox_kv (
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    value_base64 TEXT NOT NULL,
    expires_at_ms BIGINT,
    PRIMARY KEY (sandbox_id, entry_key)
);

CREATE INDEX sandbox_kv_expiry ON sandbox_kv (sandbox_id, expires_at_ms);
