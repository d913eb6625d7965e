-- Sandbox configurations sealed at rest (`sandbox-runtime/src/sealing.rs`). From now on `sandboxes.config_json`
-- holds the configuration sealed with AES-256-GCM under the deployment's configuration key, and
-- `config_key_id` the ID of that key (a digest of it, never the key). A row whose `config_key_id` is NULL was
-- written before sealing and still holds plain JSON: the runtime seals such rows when the portal starts
-- (`Runtime::seal_stored_configs`), and a row whose key ID is not the running key's stops the start with a
-- clear error instead of being read as garbage.
ALTER TABLE sandboxes ADD COLUMN config_key_id TEXT;
