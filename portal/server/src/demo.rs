//! The demo that `cargo xtask run` seeds on a fresh machine: a sandbox with a generated RP encipherment key pair,
//! all scopes granted and the demo relying party's redirect URIs allowed; a developer account that owns it through
//! "Demo Organisation"; and a reviewer account. All of it is described in a JSON file (`.data/demo-sandbox.json`)
//! that scripts and guides read.
//!
//! The file holds the client secret and the RP private key in clear, because it is the developer's own local
//! test credential and the point is to use it; it is written with owner-only permissions and never logged.

use std::path::Path;

use anyhow::Context;
use mock_iamsmart::{SandboxConfig, Secret};
use rsa::{
    RsaPrivateKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};
use sandbox_runtime::{Runtime, SandboxId};
use serde::{Deserialize, Serialize};

/// Every scope the sandbox knows, granted to the demo sandbox so every flow can be tried.
/// Where the demo sandbox POSTs callbacks: Demo Bank's callback endpoint, below the portal's base URL.
pub const DEMO_BANK_CALLBACK_PATH: &str = "/demo-bank/iamsmart/callback";

const DEMO_SCOPES: [&str; 6] = [
    "eidapi_auth",
    "eidapi_profiles",
    "eidapi_formFilling",
    "eidapi_sign",
    "eidapi_fr",
    "eidapi_bulksign",
];

/// The persona the demo credentials suggest: an iAM Smart+ user, who can log in, fill forms and sign.
const DEMO_PERSONA: &str = "iamsmart-plus-user";

/// What the demo file says, in the field names scripts use.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSandbox {
    pub base_url: String,
    pub sandbox_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub rp_private_key_pem: String,
    pub rp_public_key_pem: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub persona_id: String,
    /// The developer account that owns the demo sandbox in the console.
    #[serde(default)]
    pub console_email: String,
    #[serde(default)]
    pub console_password: String,
    /// The reviewer account (government staff role) for the approval work.
    #[serde(default)]
    pub reviewer_email: String,
    #[serde(default)]
    pub reviewer_password: String,
}

pub const DEMO_DEVELOPER_EMAIL: &str = "developer@demo.example";
pub const DEMO_REVIEWER_EMAIL: &str = "reviewer@demo.example";
const DEMO_ORGANISATION: &str = "Demo Organisation";

/// Seeds the developer and reviewer accounts and Demo Organisation, once: an account that already exists is left
/// alone, so a developer's own password change survives restarts.
pub async fn ensure_accounts(
    accounts: &crate::accounts::Accounts,
    orgs: &crate::orgs::Orgs,
    file: &Path,
    demo: &mut DemoSandbox,
) -> anyhow::Result<()> {
    let seeded_now = demo.console_password.is_empty() || demo.reviewer_password.is_empty();
    if demo.console_password.is_empty() {
        demo.console_email = DEMO_DEVELOPER_EMAIL.to_owned();
        demo.console_password = random_hex(12);
    }
    if demo.reviewer_password.is_empty() {
        demo.reviewer_email = DEMO_REVIEWER_EMAIL.to_owned();
        demo.reviewer_password = random_hex(12);
    }
    // Hashing a password takes tens of milliseconds, so accounts that exist are not hashed again: a restart
    // stays within the ready-time budget.
    let created_developer = accounts.find(&demo.console_email).await?.is_none()
        && accounts
            .create_account(
                &demo.console_email,
                "Demo Developer",
                &demo.console_password,
                false,
            )
            .await
            .map_err(|error| anyhow::anyhow!("seeding the demo developer account: {error}"))?;
    if accounts.find(&demo.reviewer_email).await?.is_none() {
        accounts
            .create_account(
                &demo.reviewer_email,
                "Demo Reviewer",
                &demo.reviewer_password,
                true,
            )
            .await
            .map_err(|error| anyhow::anyhow!("seeding the demo reviewer account: {error}"))?;
    }
    if created_developer {
        let developer = accounts
            .find(&demo.console_email)
            .await?
            .context("the demo developer account was just created")?;
        let org = orgs
            .create_org(&developer, DEMO_ORGANISATION)
            .await
            .map_err(|error| anyhow::anyhow!("seeding Demo Organisation: {error}"))?;
        orgs.adopt_sandbox(&developer, &org.org_id, &demo.sandbox_id, "Demo sandbox")
            .await
            .map_err(|error| {
                anyhow::anyhow!("adding the demo sandbox to Demo Organisation: {error}")
            })?;
    }
    if seeded_now {
        write(file, demo)?;
    }
    Ok(())
}

/// Returns the demo sandbox described by `file`, creating the sandbox and the file when either is missing.
pub async fn ensure(runtime: &Runtime, file: &Path, base_url: &str) -> anyhow::Result<DemoSandbox> {
    if let Ok(text) = std::fs::read_to_string(file)
        && let Ok(mut existing) = serde_json::from_str::<DemoSandbox>(&text)
        && runtime
            .sandbox_for_client(&existing.client_id)
            .await?
            .is_some()
    {
        if existing.base_url != base_url {
            follow_base_url(runtime, &mut existing, base_url).await?;
            write(file, &existing)?;
        }
        return Ok(existing);
    }
    let demo = create(runtime, base_url).await?;
    write(file, &demo)?;
    Ok(demo)
}

async fn create(runtime: &Runtime, base_url: &str) -> anyhow::Result<DemoSandbox> {
    // RSA key generation takes a moment; keep it off the async workers.
    let private_key =
        tokio::task::spawn_blocking(|| RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048))
            .await
            .context("generating the demo RP key pair")?
            .map_err(|error| anyhow::anyhow!("generating the demo RP key pair: {error}"))?;
    let rp_private_key_pem = private_key
        .to_pkcs8_pem(LineEnding::LF)
        .context("encoding the demo RP private key")?
        .to_string();
    let rp_public_key_pem = private_key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .context("encoding the demo RP public key")?;
    let client_id = random_hex(16);
    let client_secret = random_hex(32);
    let redirect_uris = vec![
        format!("{base_url}/demo-bank/callback"),
        "http://localhost:3000/callback".to_owned(),
    ];
    let mut config = SandboxConfig::new(
        client_id.clone(),
        Secret::new(client_secret.clone()),
        rp_public_key_pem.clone(),
        Secret::new(random_hex(32)),
    );
    config.redirect_uris = redirect_uris.clone();
    config.service_name = "Demo Bank".to_owned();
    // Demo Bank receives the results of its profile and form-filling requests here.
    config.callback_url = Some(format!("{base_url}{DEMO_BANK_CALLBACK_PATH}"));
    config.granted_scopes = DEMO_SCOPES
        .iter()
        .map(|scope| (*scope).to_owned())
        .collect();
    let sandbox_id: SandboxId = runtime
        .create_sandbox(&config)
        .await
        .context("creating the demo sandbox")?;
    Ok(DemoSandbox {
        base_url: base_url.to_owned(),
        sandbox_id: sandbox_id.as_str().to_owned(),
        client_id,
        client_secret,
        rp_private_key_pem,
        rp_public_key_pem,
        redirect_uris,
        scopes: config.granted_scopes,
        persona_id: DEMO_PERSONA.to_owned(),
        console_email: String::new(),
        console_password: String::new(),
        reviewer_email: String::new(),
        reviewer_password: String::new(),
    })
}

fn write(file: &Path, demo: &DemoSandbox) -> anyhow::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    if let Some(parent) = file
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("writing {}", file.display()))?;
    handle.write_all(serde_json::to_string_pretty(demo)?.as_bytes())?;
    handle.write_all(b"\n")?;
    Ok(())
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Moves the demo sandbox to a new public base URL (another port or host): Demo Bank's redirect URI on the
/// allow-list and the callback URL follow it, so a login and a callback keep working after a restart on
/// another address. Redirect URIs the developer added themselves are kept.
async fn follow_base_url(
    runtime: &Runtime,
    demo: &mut DemoSandbox,
    base_url: &str,
) -> anyhow::Result<()> {
    let sandbox_id = SandboxId::new(demo.sandbox_id.clone());
    let mut config = runtime
        .sandbox_config(&sandbox_id)
        .await
        .context("reading the demo sandbox's configuration")?;
    let old_redirect = format!("{}/demo-bank/callback", demo.base_url);
    let new_redirect = format!("{base_url}/demo-bank/callback");
    for uri in config
        .redirect_uris
        .iter_mut()
        .chain(demo.redirect_uris.iter_mut())
    {
        if *uri == old_redirect {
            uri.clone_from(&new_redirect);
        }
    }
    for uris in [&mut config.redirect_uris, &mut demo.redirect_uris] {
        if !uris.contains(&new_redirect) {
            uris.insert(0, new_redirect.clone());
        }
    }
    config.callback_url = Some(format!("{base_url}{DEMO_BANK_CALLBACK_PATH}"));
    runtime
        .update_config(&sandbox_id, &config)
        .await
        .context("moving the demo sandbox to the new base URL")?;
    demo.base_url = base_url.to_owned();
    Ok(())
}
