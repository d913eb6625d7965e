-- Fault injection: the next `remaining` requests to `path` (an API path, or '*' for any) of a sandbox are delayed
-- by `delay_ms` and, when `code` is not empty, answered with that D-code instead of reaching the sandbox.
-- Taking a fault decrements `remaining` in one statement, so several nodes never inject the same fault twice.
CREATE TABLE fault_injections (
    fault_id TEXT PRIMARY KEY,
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    code TEXT NOT NULL,
    delay_ms BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX fault_injections_sandbox ON fault_injections (sandbox_id, created_at_ms);
