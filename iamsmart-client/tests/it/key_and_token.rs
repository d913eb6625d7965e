//! getKey and getToken as a conforming relying party performs them, including the refresh of a content
//! key iAM Smart no longer holds. Must not depend on the order the tests run in.

use iamsmart_client::testing::{IAMSMART_PLUS_USER, IAMSMART_USER};
use iamsmart_client::{Client, GET_KEY_PATH, GET_TOKEN_PATH, REVOKE_KEY_PATH, UserType};

use crate::sandbox_and_client;

const ONE_DAY_AND_AN_HOUR_MS: i64 = 25 * 60 * 60 * 1000;

#[tokio::test]
async fn a_login_code_becomes_a_token_for_the_persona() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    client.get_key().await?;
    let code = sandbox.login_code(IAMSMART_PLUS_USER);
    let token = client.get_token(&code).await?;
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.access_token.expose().len(), 32);
    assert!(!token.open_id.is_empty());
    assert_eq!(token.user_type, UserType::IamSmartPlus);
    assert_eq!(token.scopes, ["eidapi_auth"]);
    assert_eq!(token.expires_in_ms, 4 * 60 * 60 * 1000);
    assert!(token.last_modified_date_ms > 0);
    assert_eq!(sandbox.api_paths(), [GET_KEY_PATH, GET_TOKEN_PATH]);
    Ok(())
}

#[tokio::test]
async fn the_same_person_gets_the_same_open_id_on_every_login() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let first = client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    let second = client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    let other = client
        .get_token(&sandbox.login_code(IAMSMART_PLUS_USER))
        .await?;
    assert_eq!(first.open_id, second.open_id);
    assert_ne!(first.open_id, other.open_id);
    assert_eq!(first.user_type, UserType::IamSmart);
    Ok(())
}

#[tokio::test]
async fn a_token_exchange_fetches_a_key_only_when_it_has_none() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    assert_eq!(
        sandbox.api_paths(),
        [GET_KEY_PATH, GET_TOKEN_PATH, GET_TOKEN_PATH]
    );
    Ok(())
}

#[tokio::test]
async fn a_key_expired_on_the_sandbox_clock_is_replaced_and_the_exchange_retried_once()
-> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    client.get_key().await?;
    // Time travel expires the key on the sandbox clock while the client's own clock still trusts it,
    // so only iAM Smart's D30002 can tell the client to fetch a new one.
    sandbox.travel_ms(ONE_DAY_AND_AN_HOUR_MS);
    let token = client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    assert_eq!(token.user_type, UserType::IamSmart);
    assert_eq!(
        sandbox.api_paths(),
        [GET_KEY_PATH, GET_TOKEN_PATH, GET_KEY_PATH, GET_TOKEN_PATH]
    );
    Ok(())
}

#[tokio::test]
async fn a_key_revoked_by_another_server_of_the_same_rp_is_replaced() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let other_server = Client::new(sandbox.client_config())?;
    client.get_key().await?;
    other_server.revoke_key().await?;
    client.get_token(&sandbox.login_code(IAMSMART_USER)).await?;
    assert_eq!(
        sandbox.api_paths(),
        [
            GET_KEY_PATH,
            REVOKE_KEY_PATH,
            GET_TOKEN_PATH,
            GET_KEY_PATH,
            GET_TOKEN_PATH
        ]
    );
    Ok(())
}

#[tokio::test]
async fn concurrent_exchanges_of_one_client_share_one_key() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let mut exchanges = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let code = sandbox.login_code(IAMSMART_USER);
        let client = client.clone();
        exchanges.spawn(async move { client.get_token(&code).await });
    }
    while let Some(result) = exchanges.join_next().await {
        result??;
    }
    let key_fetches = sandbox
        .api_paths()
        .iter()
        .filter(|path| *path == GET_KEY_PATH)
        .count();
    assert_eq!(key_fetches, 1);
    Ok(())
}
