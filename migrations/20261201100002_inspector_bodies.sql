-- The request inspector's detail view: each row gets an ID, and the request body and response content as the
-- sandbox's guest showed them — decrypted, with every secret, token, code, identity number and name masked, at
-- most 4 KiB of JSON each (`mock_iamsmart::inspect`). Raw bodies, headers and query strings are still never
-- stored. Rows written before this migration have no ID and no bodies. (This supersedes the "bodies are never
-- stored" sentence of 20261123000004_request_log.sql, which cannot be edited: sqlx checksums applied migrations.)
ALTER TABLE request_log ADD COLUMN request_id TEXT;
ALTER TABLE request_log ADD COLUMN request_json TEXT;
ALTER TABLE request_log ADD COLUMN response_json TEXT;

CREATE INDEX request_log_request ON request_log (sandbox_id, request_id);
