-- Maker/checker for sandboxes marked "pre-production": a change that widens what a sandbox accepts (a new redirect
-- URI, other granted scopes, a new RP encipherment key, leaving pre-production) is proposed by a Creator and takes
-- effect only when an Approver other than the proposer approves it. BIGINT and TEXT only (see the first migration).

-- 1 when the sandbox is marked pre-production.
ALTER TABLE org_sandboxes ADD COLUMN pre_production BIGINT NOT NULL DEFAULT 0;

-- One row per proposed change, kept after the decision as the sandbox's record of who changed what.
-- `kind` is `redirect_uris`, `granted_scopes`, `rp_key` or `leave_pre_production`; `base_json` is the value the
-- proposer saw and `proposed_json` the value they asked for (JSON text; an RP key is its public PEM, never a
-- private key). A proposal is approved only while the sandbox still has `base_json`, so an approver never applies
-- a change on top of one they have not seen. `status` is `pending`, `approved` or `rejected`.
CREATE TABLE change_proposals (
    proposal_id TEXT PRIMARY KEY,
    sandbox_id TEXT NOT NULL REFERENCES sandboxes (sandbox_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    base_json TEXT NOT NULL,
    proposed_json TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    proposed_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (account_id) ON DELETE SET NULL,
    decided_at_ms BIGINT
);

CREATE INDEX change_proposals_sandbox ON change_proposals (sandbox_id, proposed_at_ms);
