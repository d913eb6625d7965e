-- The request inspector: one row per API request a sandbox answered, newest last. It holds what a developer needs
-- to debug an integration and nothing secret: method, path, HTTP status, the D-code and the protocol's message,
-- and the latency. Headers, query strings and bodies are never stored (they carry signatures, codes and tokens).
CREATE TABLE request_log (
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    logged_at_ms BIGINT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    http_status BIGINT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    latency_us BIGINT NOT NULL
);

CREATE INDEX request_log_sandbox ON request_log (sandbox_id, logged_at_ms);
