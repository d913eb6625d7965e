//! The OpenAPI document's tests: the committed JSON matches what the wire types produce (regenerate with
//! `UPDATE_SNAPSHOTS=1 cargo test -p api-specs` or `cargo run -p api-specs`), the documented request shapes
//! are accepted by the real mock and its answers have the documented fields (login in `mock_agrees`, form
//! filling, signing and their callbacks in `flows_agree`), and an independent validator
//! accepts the document.

mod flows_agree;
mod mock_agrees;
mod staleness;
mod validator;
