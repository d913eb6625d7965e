//! Integration tests of the iAM Smart client against the protocol core served over loopback HTTP by
//! `iamsmart_client::testing`. They must never reach beyond 127.0.0.1.

mod automation;
mod errors;
mod form_filling;
mod key_and_token;

use iamsmart_client::Client;
use iamsmart_client::testing::TestSandbox;

/// A fixture sandbox and a client configured for it.
async fn sandbox_and_client() -> anyhow::Result<(TestSandbox, Client)> {
    let sandbox = TestSandbox::start().await?;
    let client = Client::new(sandbox.client_config())?;
    Ok((sandbox, client))
}
