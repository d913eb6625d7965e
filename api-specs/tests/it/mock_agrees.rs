//! The documented shapes against the real mock: requests built from the documented types are accepted,
//! and the answers carry exactly the documented fields.

use std::collections::BTreeSet;

use api_specs::{ApproveTicketRequest, GetTokenRequest};
use mock_iamsmart::{
    ApiRequest, Call, GetQrParams, MemoryHost, Outcome, SandboxConfig, Secret,
    client::{self, SignedHeaders},
};
use serde_json::Value;

pub(crate) const CLIENT_ID: &str = "3f0c5f0e8d8b4a7c9c1e2d3b4a5f6e7d";
const CLIENT_SECRET: &str = "a-test-secret-of-the-docs";
pub(crate) const REDIRECT_URI: &str = "http://localhost:3000/callback";

pub(crate) struct Sandbox {
    pub(crate) host: MemoryHost,
    pub(crate) config: SandboxConfig,
    nonce: u32,
}

impl Sandbox {
    pub(crate) fn new() -> Sandbox {
        let mut config = SandboxConfig::new(
            CLIENT_ID,
            Secret::new(CLIENT_SECRET),
            include_str!("../../../mock-iamsmart/src/testdata/rp_public_key.pem"),
            Secret::new("pseudonyms-of-the-docs"),
        );
        config.redirect_uris = vec![REDIRECT_URI.to_owned()];
        let mut host = MemoryHost::new(7);
        host.set_real_now_ms(1_764_579_600_000);
        Sandbox {
            host,
            config,
            nonce: 0,
        }
    }

    pub(crate) fn post(&mut self, path: &str, body: Vec<u8>) -> Value {
        let response = self.send(path, body);
        serde_json::from_slice(&response.body).unwrap_or(Value::Null)
    }

    /// A signed POST through the mock, answered in full (callbacks included).
    pub(crate) fn send(&mut self, path: &str, body: Vec<u8>) -> mock_iamsmart::ApiResponse {
        self.nonce += 1;
        let headers = SignedHeaders::sign(
            CLIENT_ID,
            CLIENT_SECRET,
            &(1_764_579_600_000_i64 + i64::from(self.nonce)).to_string(),
            &format!("docs-nonce-{}", self.nonce),
            &body,
        );
        let request = ApiRequest {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: headers.into_headers(),
            body,
        };
        match mock_iamsmart::handle(&mut self.host, &self.config, Call::Api(request)) {
            Outcome::Api(response) => response,
            other => panic!("an API call answered {other:?}"),
        }
    }

    fn login(&mut self) -> String {
        self.login_with("scope=eidapi_auth")
    }

    /// Starts a login (or attaches an anonymous ticket) with these extra query parameters; the ticket's ID.
    pub(crate) fn login_with(&mut self, extra_query: &str) -> String {
        let params = GetQrParams::from_query(&format!(
            "clientID={CLIENT_ID}&responseType=code&source=PC_Browser&redirectURI={}&{extra_query}&state=docs",
            mock_iamsmart::crypto::url_encode(REDIRECT_URI)
        ));
        match mock_iamsmart::handle(&mut self.host, &self.config, Call::BeginLogin(params)) {
            Outcome::LoginStarted(started) => started.ticket_id,
            other => panic!("getQR answered {other:?}"),
        }
    }
}

pub(crate) fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// The property names of a component schema in the generated document.
pub(crate) fn documented_properties(schema: &str) -> BTreeSet<String> {
    let document: Value = match api_specs::document_json().map(|json| serde_json::from_str(&json)) {
        Ok(Ok(document)) => document,
        _ => panic!("the document serialises"),
    };
    keys(&document["components"]["schemas"][schema]["properties"])
}

#[test]
fn a_documented_login_runs_through_the_mock_with_the_documented_answers()
-> Result<(), Box<dyn std::error::Error>> {
    let mut sandbox = Sandbox::new();
    let private_key = client::parse_rsa_private_key(include_str!(
        "../../../mock-iamsmart/src/testdata/rp_private_key.pem"
    ))?;

    // getKey: the documented empty-object body; the answer has the envelope's and GetKeyContent's fields.
    let answer = sandbox.post(mock_iamsmart::api::GET_KEY_PATH, b"{}".to_vec());
    assert_eq!(answer["code"], "D00000", "{answer}");
    assert_eq!(keys(&answer), documented_properties("GetKeyEnvelope"));
    assert_eq!(keys(&answer), documented_properties("ResponseEnvelope"));
    assert_eq!(
        keys(&answer["content"]),
        documented_properties("GetKeyContent")
    );
    assert_eq!(keys(&answer), keys(&api_specs::examples::get_key_success()));
    assert_eq!(
        keys(&answer["content"]),
        keys(&api_specs::examples::get_key_success()["content"])
    );
    let secret_key = answer["content"]["secretKey"]
        .as_str()
        .ok_or("secretKey is text")?;
    let cek = client::unwrap_cek(&private_key, secret_key)?;

    // approveTicket with the documented request type.
    let ticket_id = sandbox.login();
    let request = ApproveTicketRequest {
        ticket_id,
        persona_id: "iamsmart-user".into(),
        step_up: None,
    };
    let answer = sandbox.post(
        mock_iamsmart::automation::APPROVE_TICKET_PATH,
        serde_json::to_vec(&request)?,
    );
    assert_eq!(answer["code"], "D00000", "{answer}");
    assert_eq!(
        keys(&answer["content"]),
        documented_properties("TicketAnswer")
    );
    assert_eq!(keys(&answer), keys(&api_specs::examples::ticket_approved()));
    let redirect = answer["content"]["redirectURL"]
        .as_str()
        .ok_or("a redirect URL")?;
    let code = redirect
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("code="))
        .ok_or("the redirect carries a code")?
        .to_owned();

    // getToken with the documented request type, encrypted as documented.
    let request = GetTokenRequest {
        code,
        grant_type: "authorization_code".into(),
    };
    let body = client::encrypted_body(&cek, &[7; 12], &serde_json::to_vec(&request)?)?;
    let answer = sandbox.post(mock_iamsmart::api::GET_TOKEN_PATH, body);
    assert_eq!(answer["code"], "D00000", "{answer}");
    assert_eq!(keys(&answer), documented_properties("EncryptedEnvelope"));
    let content = answer["content"]
        .as_str()
        .ok_or("encrypted content is text")?;
    let token: Value = serde_json::from_slice(&client::decrypt_content(&cek, content)?)?;
    assert_eq!(keys(&token), documented_properties("TokenContent"));
    assert_eq!(keys(&token), keys(&api_specs::examples::token_content()));

    // pendingTickets, and a documented error.
    let answer = sandbox.post(
        mock_iamsmart::automation::PENDING_TICKETS_PATH,
        b"{}".to_vec(),
    );
    assert_eq!(
        keys(&answer["content"]),
        documented_properties("PendingTickets")
    );
    let answer = sandbox.post(
        mock_iamsmart::automation::APPROVE_TICKET_PATH,
        serde_json::to_vec(&ApproveTicketRequest {
            ticket_id: "no-such-ticket".into(),
            persona_id: "iamsmart-user".into(),
            step_up: None,
        })?,
    );
    assert_eq!(
        keys(&answer),
        documented_properties("PlainEnvelope"),
        "errors carry no content"
    );
    Ok(())
}
