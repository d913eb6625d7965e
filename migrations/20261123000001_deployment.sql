-- The deployment this database belongs to: one row, created on first start. Later parts (the sandbox CA, the
-- persona seeds) name themselves after it. Types are limited to BIGINT and TEXT so that the same file runs on
-- SQLite and PostgreSQL and reads cleanly through sqlx's Any driver (STACK.md).
CREATE TABLE deployment (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    deployment_id TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
