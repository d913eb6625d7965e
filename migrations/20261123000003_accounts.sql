-- Portal accounts, their sessions, organisations and who may do what in them, and which organisation owns each
-- sandbox. BIGINT and TEXT only, so the same file runs on SQLite and PostgreSQL (see the first migration).

-- One row per person. `email` is stored trimmed and lower-cased; `password_hash` is an argon2id PHC string and
-- the password itself is never stored or logged.
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_reviewer BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL
);

-- Signed-in browsers. Only the SHA-256 of the session cookie is stored, so a copy of this table signs nobody in.
-- Each sign-in creates a new row (a session ID never survives a sign-in: no fixation).
CREATE TABLE portal_sessions (
    token_sha256 TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at_ms);

-- Failed sign-ins, for rate limiting across every node that shares the database. `subject` is the SHA-256 of the
-- lower-cased e-mail address, so the table holds no addresses.
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    failed_at_ms BIGINT NOT NULL
);

CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at_ms);

CREATE TABLE organisations (
    org_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- Roles: `creator` and `approver` (maker/checker, as in the real programme's self-service portal). A member may
-- hold both. Reviewers are government staff, marked on the account, not members of an organisation.
CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES organisations (org_id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (org_id, account_id, role)
);

-- Which organisation owns a sandbox, and its name in the console.
CREATE TABLE org_sandboxes (
    sandbox_id TEXT PRIMARY KEY REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (org_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX org_sandboxes_org ON org_sandboxes (org_id);
