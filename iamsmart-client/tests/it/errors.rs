//! How failures reach the relying party: D-codes as `Error::Protocol`, transport failures as
//! `Error::Http`, and nothing secret in any message.

use iamsmart_client::testing::{CLIENT_SECRET, IAMSMART_USER};
use iamsmart_client::{Client, Error, Secret};

use crate::sandbox_and_client;

#[tokio::test]
async fn a_reused_authorisation_code_is_refused_with_d40004() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let code = sandbox.login_code(IAMSMART_USER);
    client.get_token(&code).await?;
    let error = client
        .get_token(&code)
        .await
        .expect_err("a code is single use");
    assert!(error.is_protocol_code("D40004"), "{error}");
    assert!(!error.to_string().contains(&code));
    Ok(())
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_with_d20006() -> anyhow::Result<()> {
    let (sandbox, _) = sandbox_and_client().await?;
    let mut config = sandbox.client_config();
    config.client_secret = Secret::new("not-the-secret");
    let client = Client::new(config)?;
    let error = client.get_key().await.expect_err("the signature is wrong");
    assert!(
        matches!(&error, Error::Protocol { code, .. } if code == "D20006"),
        "{error}"
    );
    assert!(!error.to_string().contains("not-the-secret"));
    assert!(!error.to_string().contains(CLIENT_SECRET));
    Ok(())
}

#[tokio::test]
async fn an_unknown_client_is_refused_with_d99992() -> anyhow::Result<()> {
    let (sandbox, _) = sandbox_and_client().await?;
    let mut config = sandbox.client_config();
    config.client_id = "ffffffffffffffffffffffffffffffff".into();
    let error = Client::new(config)?
        .get_key()
        .await
        .expect_err("the client is unknown");
    assert_eq!(error.protocol_code(), Some("D99992"));
    Ok(())
}

#[tokio::test]
async fn a_server_that_does_not_listen_is_an_http_error_without_the_url() -> anyhow::Result<()> {
    let (sandbox, _) = sandbox_and_client().await?;
    let mut config = sandbox.client_config();
    // A port that was just free: bind it, read it, let it go.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    config.api_base_url = format!("http://{}", listener.local_addr()?);
    drop(listener);
    let error = Client::new(config)?
        .get_key()
        .await
        .expect_err("nobody listens");
    assert!(matches!(error, Error::Http(_)), "{error:?}");
    assert!(!format!("{error:?}").contains("getKey"), "{error:?}");
    Ok(())
}

#[tokio::test]
async fn an_http_error_page_is_not_mistaken_for_an_envelope() -> anyhow::Result<()> {
    let (sandbox, _) = sandbox_and_client().await?;
    let mut config = sandbox.client_config();
    // The test sandbox serves nothing under this prefix, so axum answers a bare 404.
    config.api_base_url = format!("{}/elsewhere", sandbox.base_url());
    let error = Client::new(config)?
        .get_key()
        .await
        .expect_err("no API there");
    assert!(
        matches!(error, Error::HttpStatus { status: 404 }),
        "{error:?}"
    );
    Ok(())
}
