//! A scripted form-filling session through the public API, checked against a snapshot transcript:
//! login, an authenticated e-ME request answered field by field on the phone and read from its
//! callback, the synchronous `/profiles`, and anonymous form filling from initiateRequest through
//! getQR with the ticket to getResult. The transcript records each step's D-code and every
//! decrypted result in full, so a change to a field name, a shape or a code shows up as a diff.
//!
//! It must stay deterministic: a seeded `MemoryHost`, fixed keys, fixed clocks.

use mock_iamsmart::api::{GET_KEY_PATH, GET_TOKEN_PATH};
use mock_iamsmart::client::{self, RsaPrivateKey, SignedHeaders};
use mock_iamsmart::form_filling::{
    ANONYMOUS_EME_REQUEST_PATH, ANONYMOUS_EME_RESULT_PATH, EME_REQUEST_PATH, PROFILES_PATH,
};
use mock_iamsmart::persona::{IAMSMART_PLUS_USER, IAMSMART_USER};
use mock_iamsmart::{
    ApiRequest, Call, GetQrParams, Host, MemoryHost, Outcome, SandboxConfig, handle,
};
use serde_json::{Value, json};

use crate::catalogue::{check_snapshot, crate_dir};

const CLIENT_ID: &str = "00112233445566778899aabbccddeeff";
const CLIENT_SECRET: &str = "flow-secret";
const REDIRECT_URI: &str = "https://demo-rp.example/callback";
const RP_PRIVATE_KEY_PEM: &str = include_str!("../../src/testdata/rp_private_key.pem");
const RP_PUBLIC_KEY_PEM: &str = include_str!("../../src/testdata/rp_public_key.pem");

fn config() -> SandboxConfig {
    serde_json::from_value(json!({
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "rp_public_key": RP_PUBLIC_KEY_PEM,
        "redirect_uris": [REDIRECT_URI],
        "granted_scopes": ["eidapi_auth", "eidapi_profiles", "eidapi_formFilling"],
        "pseudonym_key": "flow-pseudonyms",
        "callback_url": "https://demo-rp.example/iamsmart/callback",
        "service_name": "Demo Bank",
    }))
    .expect("the host's configuration parses")
}

/// The relying party and the transcript of what it saw.
struct Session {
    host: MemoryHost,
    config: SandboxConfig,
    key: RsaPrivateKey,
    cek: [u8; 32],
    counter: u32,
    transcript: Vec<String>,
}

impl Session {
    fn new() -> Self {
        let mut host = MemoryHost::new(6);
        host.set_real_now_ms(1_767_225_600_000);
        Self {
            host,
            config: config(),
            key: client::parse_rsa_private_key(RP_PRIVATE_KEY_PEM).expect("fixture key"),
            cek: [0; 32],
            counter: 0,
            transcript: Vec::new(),
        }
    }

    fn note(&mut self, line: impl Into<String>) {
        self.transcript.push(line.into());
    }

    fn call(&mut self, call: Call) -> Outcome {
        handle(&mut self.host, &self.config, call)
    }

    fn post(&mut self, path: &str, body: Vec<u8>) -> mock_iamsmart::ApiResponse {
        self.counter += 1;
        let nonce = format!("{:032x}", self.counter);
        let timestamp = self.host.real_now_ms().to_string();
        let headers = SignedHeaders::sign(CLIENT_ID, CLIENT_SECRET, &timestamp, &nonce, &body);
        let request = ApiRequest {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: headers.into_headers(),
            body,
        };
        match self.call(Call::Api(request)) {
            Outcome::Api(response) => response,
            other => panic!("an API call answered {other:?}"),
        }
    }

    /// An encrypted call; notes its code and returns the decrypted content.
    fn encrypted(&mut self, path: &str, plaintext: &Value) -> Value {
        self.counter += 1;
        let iv = [u8::try_from(self.counter % 251).unwrap_or(1); 12];
        let body = client::encrypted_body(&self.cek, &iv, plaintext.to_string().as_bytes())
            .expect("encrypts");
        let response = self.post(path, body);
        let envelope = client::parse_envelope(&response.body).expect("envelope");
        self.note(format!(
            "POST {path} -> {} {}",
            envelope.code, envelope.message
        ));
        let content: Value =
            client::read_encrypted_response(&self.cek, &response.body).unwrap_or(Value::Null);
        content
    }

    fn get_key(&mut self) {
        let response = self.post(GET_KEY_PATH, b"{}".to_vec());
        let key = client::read_get_key_response(&response.body).expect("getKey");
        self.cek = client::unwrap_cek(&self.key, &key.secret_key).expect("unwraps");
        self.note(format!("POST {GET_KEY_PATH} -> D00000"));
    }

    fn get_qr(&mut self, scope: &str, state: &str, ticket_id: Option<&str>) -> String {
        let mut query = format!(
            "clientID={CLIENT_ID}&responseType=code&source=PC_Browser&redirectURI={}&scope={scope}&state={state}&lang=en-US",
            mock_iamsmart::crypto::url_encode(REDIRECT_URI)
        );
        if let Some(ticket_id) = ticket_id {
            query.push_str(&format!("&ticketID={ticket_id}"));
        }
        match self.call(Call::BeginLogin(GetQrParams::from_query(&query))) {
            Outcome::LoginStarted(started) => {
                self.note(format!(
                    "GET getQR scope={scope} -> app link {}",
                    started.app_link
                ));
                started.ticket_id
            }
            other => panic!("getQR answered {other:?}"),
        }
    }

    /// Answers on the phone; notes the state, the redirect and each callback opened with the key.
    fn answer(&mut self, call: Call) -> Option<String> {
        let kind = call.kind();
        let Outcome::Ticket(status) = self.call(call) else {
            panic!("the phone's answer failed");
        };
        let redirect = status.redirect_url.clone();
        self.note(format!(
            "phone {kind} -> {} redirect {}",
            status.state.as_str(),
            redirect.as_deref().unwrap_or("-")
        ));
        for callback in &status.callbacks {
            let content_type = callback
                .header("Content-Type")
                .unwrap_or_default()
                .to_owned();
            let opened = client::open_callback(&self.key, &callback.body, &content_type)
                .expect("the callback opens with the RP key from secretKey alone");
            self.note(format!(
                "callback POST {} ({}) txID {} -> {} {}",
                callback.url, content_type, opened.tx_id, opened.code, opened.message
            ));
            self.note(format!("  content {}", pretty(&opened.content)));
        }
        redirect
    }

    fn token(&mut self, code: &str) -> Value {
        let token = self.encrypted(
            GET_TOKEN_PATH,
            &json!({"code": code, "grantType": "authorization_code"}),
        );
        json!({"accessToken": token["accessToken"], "openID": token["openID"]})
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_default()
        .replace('\n', "\n  ")
}

fn query_value(url: &str, name: &str) -> String {
    url.split_once('?')
        .map(|(_, query)| query)
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

#[test]
fn a_scripted_form_filling_session_matches_its_transcript() {
    let mut session = Session::new();
    session.get_key();

    // Log in with the data scopes.
    let ticket_id = session.get_qr(
        "eidapi_auth+eidapi_profiles+eidapi_formFilling",
        "login-1",
        None,
    );
    let redirect = session
        .answer(Call::ApproveTicket {
            ticket_id,
            persona_id: IAMSMART_USER.into(),
        })
        .expect("redirect");
    let credentials = session.token(&query_value(&redirect, "code"));

    // Authenticated form filling, with an optional field unticked.
    let started = session.encrypted(
        EME_REQUEST_PATH,
        &with(
            credentials.clone(),
            json!({
                "businessID": "flow-eme-1", "source": "PC_Browser", "redirectURI": REDIRECT_URI,
                "state": "form-1", "formName": "Open an account", "formNum": "DB-001",
                "formDesc": "Demo Bank account opening",
                "eMEFields": ["prefix", "emailAddress", "mobileNumber", "residentialAddress", "educationLevel"],
                "profileFields": ["enName", "chName", "idNo"],
            }),
        ),
    );
    session.note(format!("  content {}", pretty(&started)));
    let ticket_id = started["ticketID"].as_str().expect("ticket").to_owned();
    let Outcome::TicketDetails(details) = session.call(Call::TicketDetails {
        ticket_id: ticket_id.clone(),
        persona_id: None,
    }) else {
        panic!("details");
    };
    for field in &details.fields {
        session.note(format!(
            "  consent {} {:?} {} {}",
            field.name,
            field.group,
            if field.optional {
                "optional"
            } else {
                "mandatory"
            },
            if field.value.is_some() {
                "has a value"
            } else {
                "no value"
            }
        ));
    }
    session.answer(Call::ApproveTicketWithFields {
        ticket_id,
        persona_id: IAMSMART_USER.into(),
        fields: [
            "enName",
            "chName",
            "idNo",
            "emailAddress",
            "mobileNumber",
            "residentialAddress",
            "prefix",
        ]
        .map(String::from)
        .to_vec(),
    });

    // A reused businessID, and the synchronous profiles API.
    session.encrypted(
        EME_REQUEST_PATH,
        &with(
            credentials.clone(),
            json!({"businessID": "flow-eme-1", "source": "PC_Browser", "redirectURI": REDIRECT_URI,
                   "formName": "Again", "eMEFields": ["emailAddress"]}),
        ),
    );
    let profiles = session.encrypted(
        PROFILES_PATH,
        &with(
            credentials,
            json!({"profileFields": ["birthDate", "gender"], "eMEFields": []}),
        ),
    );
    session.note(format!("  content {}", pretty(&profiles)));

    // Anonymous form filling as remote onboarding.
    let started = session.encrypted(
        ANONYMOUS_EME_REQUEST_PATH,
        &json!({
            "businessID": "flow-anon-1", "source": "PC_Browser", "redirectURI": REDIRECT_URI,
            "state": "onboard-1", "formName": "Remote onboarding",
            "eMEFields": ["emailAddress", "postalAddress"], "profileFields": ["enName"],
        }),
    );
    let ticket_id = started["ticketID"].as_str().expect("ticket").to_owned();
    session.get_qr("eidapi_formFilling", "onboard-1", Some(&ticket_id));
    let redirect = session
        .answer(Call::ApproveTicket {
            ticket_id,
            persona_id: IAMSMART_PLUS_USER.into(),
        })
        .expect("redirect");
    let credentials = session.token(&query_value(&redirect, "code"));
    let result = session.encrypted(
        ANONYMOUS_EME_RESULT_PATH,
        &with(
            credentials,
            json!({"businessID": query_value(&redirect, "businessID")}),
        ),
    );
    session.note(format!("  content {}", pretty(&result)));

    let transcript = session.transcript.join("\n") + "\n";
    let path = crate_dir().join("tests/snapshots/form_filling_flow.txt");
    if let Err(problem) = check_snapshot(&path, &transcript) {
        panic!("{problem}");
    }
}
