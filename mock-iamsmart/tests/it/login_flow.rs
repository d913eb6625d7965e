//! The login flow end to end: getKey, getQR, the phone's answer, getToken, and what time travel does
//! to codes and keys. It must use only the crate's public API, as the host and the demo RP do.

use mock_iamsmart::api::{GET_KEY_PATH, GET_TOKEN_PATH};
use mock_iamsmart::client::{self, RsaPrivateKey, SignedHeaders};
use mock_iamsmart::persona::{self, IAMSMART_PLUS_USER};
use mock_iamsmart::{
    ApiRequest, ApiResponse, Call, GetQrParams, Host, MemoryHost, Outcome, SandboxConfig,
    TicketState, UserType, handle, handle_json,
};

const CLIENT_ID: &str = "00112233445566778899aabbccddeeff";
const CLIENT_SECRET: &str = "integration-secret";
const REDIRECT_URI: &str = "https://demo-rp.example/login/callback";
const RP_PRIVATE_KEY_PEM: &str = include_str!("../../src/testdata/rp_private_key.pem");
const RP_PUBLIC_KEY_PEM: &str = include_str!("../../src/testdata/rp_public_key.pem");

/// The configuration as the host would load it from its database.
fn config() -> SandboxConfig {
    let json = serde_json::json!({
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "rp_public_key": RP_PUBLIC_KEY_PEM,
        "redirect_uris": [REDIRECT_URI],
        "granted_scopes": ["eidapi_auth", "eidapi_sign"],
        "pseudonym_key": "integration-pseudonyms",
    });
    serde_json::from_value(json).expect("the host's configuration parses")
}

/// A relying party with its own key pair, nonce counter and IV counter.
struct DemoRp {
    private_key: RsaPrivateKey,
    nonce_counter: u32,
    iv_counter: u8,
}

impl DemoRp {
    fn new() -> Self {
        Self {
            private_key: client::parse_rsa_private_key(RP_PRIVATE_KEY_PEM).expect("fixture key"),
            nonce_counter: 0,
            iv_counter: 0,
        }
    }

    fn request(&mut self, host: &MemoryHost, path: &str, body: Vec<u8>) -> ApiRequest {
        self.nonce_counter += 1;
        let nonce = format!("{:032x}", self.nonce_counter);
        let timestamp = host.real_now_ms().to_string();
        let headers = SignedHeaders::sign(CLIENT_ID, CLIENT_SECRET, &timestamp, &nonce, &body);
        ApiRequest {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: headers.into_headers(),
            body,
        }
    }

    fn encrypted_request(
        &mut self,
        host: &MemoryHost,
        cek: &[u8; 32],
        path: &str,
        plaintext: &serde_json::Value,
    ) -> ApiRequest {
        self.iv_counter += 1;
        let body = client::encrypted_body(
            cek,
            &[self.iv_counter; 12],
            plaintext.to_string().as_bytes(),
        )
        .expect("encrypts");
        self.request(host, path, body)
    }
}

fn api(host: &mut MemoryHost, config: &SandboxConfig, request: ApiRequest) -> ApiResponse {
    match handle(host, config, Call::Api(request)) {
        Outcome::Api(response) => response,
        other => panic!("an API call answered {other:?}"),
    }
}

fn code_of(response: &ApiResponse) -> String {
    client::parse_envelope(&response.body)
        .expect("envelope")
        .code
}

/// The `code` and `state` query parameters of a redirect URL.
fn code_and_state(url: &str) -> (String, String) {
    let query = url
        .strip_prefix(&format!("{REDIRECT_URI}?"))
        .expect("redirects to the registered URI");
    let mut code = String::new();
    let mut state = String::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("code", value)) => code = value.to_owned(),
            Some(("state", value)) => state = value.to_owned(),
            _ => {}
        }
    }
    (code, state)
}

fn start_login(host: &mut MemoryHost, config: &SandboxConfig) -> String {
    let query = format!(
        "clientID={CLIENT_ID}&responseType=code&source=Android_Chrome&redirectURI={}\
         &scope=eidapi_auth+eidapi_sign&lang=en-US&state=demo-state_1&brokerPage=True&cScope=x",
        client_url_encode(REDIRECT_URI)
    );
    match handle(
        host,
        config,
        Call::BeginLogin(GetQrParams::from_query(&query)),
    ) {
        Outcome::LoginStarted(started) => {
            assert!(started.broker_page);
            started.ticket_id
        }
        other => panic!("getQR answered {other:?}"),
    }
}

fn client_url_encode(text: &str) -> String {
    mock_iamsmart::crypto::url_encode(text)
}

#[test]
fn an_rp_logs_a_user_in_end_to_end_through_the_public_api() {
    let mut host = MemoryHost::new(2024);
    let config = config();
    let mut rp = DemoRp::new();

    // getKey with no body, as some clients send it.
    let request = rp.request(&host, GET_KEY_PATH, Vec::new());
    let response = api(&mut host, &config, request);
    assert_eq!(response.status, 200);
    let key = client::read_get_key_response(&response.body).expect("getKey succeeds");
    let cek = client::unwrap_cek(&rp.private_key, &key.secret_key).expect("the CEK unwraps");

    // The browser goes to getQR; the phone approves as the iAM Smart+ persona.
    let ticket_id = start_login(&mut host, &config);
    let poll = handle(
        &mut host,
        &config,
        Call::TicketStatus {
            ticket_id: ticket_id.clone(),
        },
    );
    assert!(matches!(poll, Outcome::Ticket(ref status) if status.state == TicketState::Pending));
    let approve = Call::ApproveTicket {
        ticket_id: ticket_id.clone(),
        persona_id: IAMSMART_PLUS_USER.into(),
    };
    let Outcome::Ticket(status) = handle(&mut host, &config, approve) else {
        panic!("approval failed");
    };
    let (code, state) = code_and_state(&status.redirect_url.expect("redirect"));
    assert_eq!(state, "demo-state_1");

    // getToken, encrypted, with the extra field one client sends.
    host.advance_ms(2_000);
    let plaintext = serde_json::json!({
        "code": code, "grantType": "authorization_code", "isDirectLoginV2": "true"
    });
    let request = rp.encrypted_request(&host, &cek, GET_TOKEN_PATH, &plaintext);
    let response = api(&mut host, &config, request);
    let token = client::read_get_token_response(&cek, &response.body).expect("getToken succeeds");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.user_type, UserType::Sign);
    assert_eq!(token.scope, "eidapi_auth eidapi_sign");
    assert_eq!(token.issue_at, host.real_now_ms());
    assert!(token.last_modified_date > 0);
    assert!(persona::open_id_matches(
        &config,
        IAMSMART_PLUS_USER,
        &token.open_id
    ));

    // The code works once.
    let request = rp.encrypted_request(&host, &cek, GET_TOKEN_PATH, &plaintext);
    assert_eq!(code_of(&api(&mut host, &config, request)), "D40004");
}

#[test]
fn time_travel_expires_codes_and_keys_but_not_the_real_time_of_issue() {
    let mut host = MemoryHost::new(7);
    let config = config();
    let mut rp = DemoRp::new();
    let request = rp.request(&host, GET_KEY_PATH, b"{}".to_vec());
    let key =
        client::read_get_key_response(&api(&mut host, &config, request).body).expect("getKey");
    let cek = client::unwrap_cek(&rp.private_key, &key.secret_key).expect("unwraps");

    let ticket_id = start_login(&mut host, &config);
    let approve = Call::ApproveTicket {
        ticket_id,
        persona_id: IAMSMART_PLUS_USER.into(),
    };
    let Outcome::Ticket(status) = handle(&mut host, &config, approve) else {
        panic!("approval failed");
    };
    let (code, _) = code_and_state(&status.redirect_url.expect("redirect"));

    // A minute later on the sandbox clock the code is gone, though only real milliseconds passed.
    host.travel_ms(60_000);
    let plaintext = serde_json::json!({"code": code, "grantType": "authorization_code"});
    let request = rp.encrypted_request(&host, &cek, GET_TOKEN_PATH, &plaintext);
    assert_eq!(code_of(&api(&mut host, &config, request)), "D40004");

    // A day later the CEK is gone too; a new one is issued at real time.
    host.travel_ms(86_400_000);
    let request = rp.encrypted_request(&host, &cek, GET_TOKEN_PATH, &plaintext);
    assert_eq!(code_of(&api(&mut host, &config, request)), "D30002");
    let request = rp.request(&host, GET_KEY_PATH, Vec::new());
    let key =
        client::read_get_key_response(&api(&mut host, &config, request).body).expect("getKey");
    assert_eq!(key.issue_at, host.real_now_ms());
    assert_ne!(host.sandbox_now_ms(), host.real_now_ms());
}

#[test]
fn the_flow_works_across_the_json_boundary_the_guest_uses() {
    let mut host = MemoryHost::new(99);
    let config_json = config().to_guest_json();
    let mut rp = DemoRp::new();

    let call = Call::Api(rp.request(&host, GET_KEY_PATH, Vec::new()));
    let answer = handle_json(
        &mut host,
        &config_json,
        &serde_json::to_string(&call).expect("json"),
    );
    let Outcome::Api(response) = serde_json::from_str(&answer).expect("an outcome") else {
        panic!("expected an API outcome: {answer}");
    };
    assert!(client::read_get_key_response(&response.body).is_ok());

    let call = serde_json::json!({"call": "list_personas"}).to_string();
    let answer = handle_json(&mut host, &config_json, &call);
    let Outcome::Personas(cast) = serde_json::from_str(&answer).expect("an outcome") else {
        panic!("expected personas: {answer}");
    };
    assert_eq!(cast.len(), persona::CATALOGUE.len());
    assert_eq!(cast[0].id, persona::IAMSMART_USER);
}
