//! The form-filling and signing shapes against the real mock: requests built from the documented types
//! are accepted on every documented path (aliases included), and the decrypted answers, results and
//! callbacks carry only documented fields.

use std::collections::BTreeSet;

use api_specs::{
    ApproveTicketRequest, GetTokenRequest,
    form_filling::{
        AnonymousFormFillingInitiateRequest, AnonymousResultRequest, FormFillingInitiateRequest,
        ProfileInitiateRequest, ProfilesRequest,
    },
    signing::{
        AnonymousHashSigningInitiateRequest, AnonymousPdfSigningInitiateRequest,
        HashSigningInitiateRequest, PdfSigningInitiateRequest, SigningAck,
    },
};
use mock_iamsmart::{
    ApiResponse, Call, CallbackContentType, Outcome,
    client::{self, RsaPrivateKey},
    crypto::base64_encode,
    form_filling as mock_form_filling, persona, persona_certificate,
    signer::{PrivateKeyDer, SignatureAlgorithm, SigningCredential},
    signing as mock_signing,
};
use rand_chacha::{ChaCha20Rng, rand_core::SeedableRng};
use sandbox_ca::{PersonaCertificateRequest, SandboxCa};
use serde::Serialize;
use serde_json::Value;

use crate::mock_agrees::{REDIRECT_URI, Sandbox, documented_properties, keys};

type Failure = Box<dyn std::error::Error>;

/// A sandbox with every data and signing scope granted, a current CEK and the RP's private key.
struct Rp {
    sandbox: Sandbox,
    cek: [u8; 32],
    private_key: RsaPrivateKey,
    iv: u8,
}

impl Rp {
    fn new() -> Result<Rp, Failure> {
        let mut sandbox = Sandbox::new();
        sandbox.config.granted_scopes = [
            "eidapi_auth",
            "eidapi_profiles",
            "eidapi_formFilling",
            "eidapi_sign",
        ]
        .map(str::to_owned)
        .to_vec();
        let private_key = client::parse_rsa_private_key(include_str!(
            "../../../mock-iamsmart/src/testdata/rp_private_key.pem"
        ))?;
        let answer = sandbox.post(mock_iamsmart::api::GET_KEY_PATH, b"{}".to_vec());
        let secret_key = answer["content"]["secretKey"]
            .as_str()
            .ok_or("getKey answers a secretKey")?;
        let cek = client::unwrap_cek(&private_key, secret_key)?;
        Ok(Rp {
            sandbox,
            cek,
            private_key,
            iv: 0,
        })
    }

    /// An encrypted, signed POST of a documented request type.
    fn send(&mut self, path: &str, request: &impl Serialize) -> Result<ApiResponse, Failure> {
        self.iv = self.iv.wrapping_add(1);
        let body =
            client::encrypted_body(&self.cek, &[self.iv; 12], &serde_json::to_vec(request)?)?;
        Ok(self.sandbox.send(path, body))
    }

    /// The decrypted `content` of a successful answer.
    fn content(&self, response: &ApiResponse) -> Result<Value, Failure> {
        let envelope: Value = serde_json::from_slice(&response.body)?;
        assert_eq!(envelope["code"], "D00000", "{envelope}");
        let content = envelope["content"]
            .as_str()
            .ok_or("encrypted content is text")?;
        Ok(serde_json::from_slice(&client::decrypt_content(
            &self.cek, content,
        )?)?)
    }

    fn call(&mut self, path: &str, request: &impl Serialize) -> Result<Value, Failure> {
        let response = self.send(path, request)?;
        self.content(&response)
    }

    /// Approves a ticket as a persona with the documented automation call; the answer in full.
    fn approve(&mut self, ticket_id: &str, persona_id: &str) -> Result<ApiResponse, Failure> {
        let request = ApproveTicketRequest {
            ticket_id: ticket_id.to_owned(),
            persona_id: persona_id.to_owned(),
            step_up: None,
        };
        Ok(self.sandbox.send(
            mock_iamsmart::automation::APPROVE_TICKET_PATH,
            serde_json::to_vec(&request)?,
        ))
    }

    /// Exchanges the code on an approval's redirect for a token: (accessToken, openID).
    fn token_from(&mut self, approval: &ApiResponse) -> Result<(String, String), Failure> {
        let answer: Value = serde_json::from_slice(&approval.body)?;
        assert_eq!(answer["code"], "D00000", "{answer}");
        let redirect = answer["content"]["redirectURL"]
            .as_str()
            .ok_or("a redirect URL")?;
        let code = redirect
            .split(['?', '&'])
            .find_map(|pair| pair.strip_prefix("code="))
            .ok_or("the redirect carries a code")?
            .to_owned();
        let request = GetTokenRequest {
            code,
            grant_type: "authorization_code".into(),
        };
        let token = self.call(mock_iamsmart::api::GET_TOKEN_PATH, &request)?;
        let text = |name: &str| {
            token[name]
                .as_str()
                .map(str::to_owned)
                .ok_or("a token field")
        };
        Ok((text("accessToken")?, text("openID")?))
    }

    /// Logs a persona in with these scopes: (accessToken, openID).
    fn login(&mut self, persona_id: &str, scope: &str) -> Result<(String, String), Failure> {
        let ticket_id = self.sandbox.login_with(&format!("scope={scope}"));
        let approval = self.approve(&ticket_id, persona_id)?;
        self.token_from(&approval)
    }

    /// Issues the persona a signing certificate from a fresh sandbox CA (for the RP's test key, so no
    /// key is generated for it) and installs it, as the portal does before a signing request is approved.
    fn install_signing_certificate(&mut self, persona_id: &str) -> Result<(), Failure> {
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        let now_ms = 1_764_579_600_000_i64;
        let mut rng = ChaCha20Rng::seed_from_u64(8);
        let ca = SandboxCa::generate(&mut rng, "docs", now_ms)?;
        let request = PersonaCertificateRequest {
            common_name: "CHAN, Siu Ming",
            persona_id,
            sandbox_id: "docs",
            not_before_ms: now_ms - DAY_MS,
            not_after_ms: now_ms + 365 * DAY_MS,
            crl_url: "http://127.0.0.1:8080/ca/issuing-ca.crl",
            issuer_certificate_url: "http://127.0.0.1:8080/ca/issuing-ca.crt",
        };
        let issued = ca.issue_persona_certificate_for_key(&mut rng, &request, &self.private_key)?;
        let certificate = persona_certificate::PersonaCertificate {
            credential: SigningCredential {
                private_key: PrivateKeyDer::new(issued.private_key.0.clone()),
                certificate_chain: vec![
                    base64_encode(&issued.certificate_der),
                    base64_encode(ca.issuing_certificate_der()),
                    base64_encode(ca.root_certificate_der()),
                ],
            },
            serial_hex: issued.serial_hex.clone(),
            not_before_ms: issued.not_before_ms,
            not_after_ms: issued.not_after_ms,
            revoked_at_ms: None,
        };
        let install = Call::InstallSigningCertificates {
            certificates: [(persona_id.to_owned(), certificate)].into(),
        };
        match mock_iamsmart::handle(&mut self.sandbox.host, &self.sandbox.config, install) {
            Outcome::SigningCertificatesInstalled { .. } => Ok(()),
            other => Err(format!("installing a certificate answered {other:?}").into()),
        }
    }

    /// The one callback an answer carries, opened: (envelope field names, decrypted content).
    fn callback(&self, response: &ApiResponse) -> Result<(BTreeSet<String>, Value), Failure> {
        let [callback] = response.callbacks.as_slice() else {
            return Err(format!(
                "expected one callback, got {}: {}",
                response.callbacks.len(),
                String::from_utf8_lossy(&response.body)
            )
            .into());
        };
        let content_type = callback.header("Content-Type").ok_or("a content type")?;
        let opened = client::open_callback(&self.private_key, &callback.body, content_type)?;
        assert_eq!(opened.code, "D00000");
        let envelope: BTreeSet<String> = if content_type == "application/json" {
            let body: Value = serde_json::from_slice(&callback.body)?;
            within(&body, "CallbackEnvelope");
            keys(&body)
        } else {
            // Multipart: one part per envelope field.
            ["txID", "code", "message", "content", "secretKey"]
                .into_iter()
                .filter(|name| {
                    String::from_utf8_lossy(&callback.body).contains(&format!("name=\"{name}\""))
                })
                .map(str::to_owned)
                .collect()
        };
        Ok((envelope, opened.content))
    }
}

/// Whether `value` is one of the JSON types `schema` allows.
fn has_type(schema: &Value, value: &Value) -> bool {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allows = |allowed: &str| allowed == kind || (allowed == "number" && kind == "integer");
    match &schema["type"] {
        Value::String(allowed) => allows(allowed),
        Value::Array(allowed) => allowed.iter().filter_map(Value::as_str).any(allows),
        _ => true,
    }
}

/// Checks `value` against a schema of the generated document, all the way down: `$ref`, `oneOf`
/// (exactly one), types, enumerations, required and unknown properties, array items.
fn conforms(document: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return conforms(
            document,
            &document["components"]["schemas"][name],
            value,
            at,
        );
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        let matching = alternatives
            .iter()
            .filter(|alternative| conforms(document, alternative, value, at).is_ok())
            .count();
        return match matching {
            1 => Ok(()),
            n => Err(format!(
                "{at}: {value} matches {n} alternatives of {schema}"
            )),
        };
    }
    if !has_type(schema, value) {
        return Err(format!("{at}: {value} is not of type {}", schema["type"]));
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {values:?}"));
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return Err(format!("{at}: `{name}` is required"));
            }
        }
        let properties = schema["properties"].as_object();
        for (name, field) in object {
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => conforms(document, property, field, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"] == false || properties.is_some() => {
                    return Err(format!("{at}: `{name}` is not documented"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(elements)) = (schema.get("items"), value.as_array()) {
        for (index, element) in elements.iter().enumerate() {
            conforms(document, items, element, &format!("{at}[{index}]"))?;
        }
    }
    Ok(())
}

/// The mock's `value` is exactly what the component schema `schema` documents.
fn within(value: &Value, schema: &str) {
    let document: Value = match api_specs::document_json().map(|json| serde_json::from_str(&json)) {
        Ok(Ok(document)) => document,
        _ => panic!("the document serialises"),
    };
    let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{schema}") });
    if let Err(problem) = conforms(&document, &reference, value, schema) {
        panic!("the mock's answer breaks the documented schema: {problem}");
    }
}

fn released_fields_within(content: &Value) {
    within(&content["profileFields"], "ProfileFieldValues");
    if !content["eMEFields"].is_null() {
        within(&content["eMEFields"], "EmeFieldValues");
    }
}

fn ticket_of(content: &Value) -> Result<String, Failure> {
    Ok(content["ticketID"].as_str().ok_or("a ticketID")?.to_owned())
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

const DIGEST: &str = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

#[test]
fn documented_form_filling_requests_run_through_the_mock_with_the_documented_answers()
-> Result<(), Failure> {
    let mut rp = Rp::new()?;
    let (access_token, open_id) = rp.login(
        persona::IAMSMART_USER,
        "eidapi_auth+eidapi_profiles+eidapi_formFilling",
    )?;

    // e-ME form filling, on the path and its alias; the JSON callback is documented.
    for (index, path) in [
        mock_form_filling::EME_REQUEST_PATH,
        mock_form_filling::EME_REQUEST_ALIAS_PATH,
    ]
    .into_iter()
    .enumerate()
    {
        let request = FormFillingInitiateRequest {
            business_id: format!("docs-eme-{index}"),
            access_token: access_token.clone(),
            open_id: open_id.clone(),
            source: "PC_Browser".into(),
            redirect_uri: REDIRECT_URI.into(),
            state: Some("form-1".into()),
            form_name: "Open an account".into(),
            form_num: Some("DB-001".into()),
            form_desc: Some("Demo Bank account opening".into()),
            eme_fields: Some(strings(&[
                "emailAddress",
                "mobileNumber",
                "residentialAddress",
            ])),
            profile_fields: Some(strings(&["enName", "idNo"])),
            callback_content_type: Some(CallbackContentType::Json),
            lang: Some("en-US".into()),
        };
        let answer = rp.call(path, &request)?;
        assert_eq!(keys(&answer), documented_properties("InitiateAnswer"));
        within(&answer, "InitiateAnswer");
        let approval = rp.approve(&ticket_of(&answer)?, persona::IAMSMART_USER)?;
        let (envelope, content) = rp.callback(&approval)?;
        assert_eq!(envelope, documented_properties("CallbackEnvelope"));
        within(&content, "FormFillingResult");
        released_fields_within(&content);
    }

    // Profile requests, on the path and its alias; a multipart callback has the same fields.
    for (index, path) in [
        mock_form_filling::PROFILE_REQUEST_PATH,
        mock_form_filling::PROFILE_REQUEST_ALIAS_PATH,
    ]
    .into_iter()
    .enumerate()
    {
        let request = ProfileInitiateRequest {
            business_id: format!("docs-profile-{index}"),
            access_token: access_token.clone(),
            open_id: open_id.clone(),
            source: "iOS_Safari".into(),
            redirect_uri: REDIRECT_URI.into(),
            state: None,
            profile_fields: strings(&["idNo", "birthDate", "gender"]),
            callback_content_type: Some(CallbackContentType::Multipart),
            lang: None,
        };
        let answer = rp.call(path, &request)?;
        assert_eq!(keys(&answer), documented_properties("InitiateAnswer"));
        within(&answer, "InitiateAnswer");
        let approval = rp.approve(&ticket_of(&answer)?, persona::IAMSMART_USER)?;
        let (envelope, content) = rp.callback(&approval)?;
        assert_eq!(envelope, documented_properties("CallbackEnvelope"));
        within(&content, "ProfileResult");
        released_fields_within(&content);
    }

    // The synchronous profiles API.
    let request = ProfilesRequest {
        access_token: access_token.clone(),
        open_id: open_id.clone(),
        profile_fields: Some(strings(&["enName", "chName", "chNameVerified"])),
        eme_fields: Some(strings(&[
            "prefix",
            "maritalStatus",
            "homeTelNumber",
            "officeTelNumber",
            "mobileNumber",
            "emailAddress",
            "residentialAddress",
            "postalAddress",
            "educationLevel",
            "addressDocInfo",
            "addressDocFile",
        ])),
    };
    let answer = rp.call(mock_form_filling::PROFILES_PATH, &request)?;
    assert_eq!(keys(&answer), documented_properties("ReleasedFields"));
    within(&answer, "ReleasedFields");
    released_fields_within(&answer);

    // Anonymous form filling: initiate, show the ticket through getQR, approve, token, getResult.
    let request = AnonymousFormFillingInitiateRequest {
        business_id: "docs-anon-eme".into(),
        source: "PC_Browser".into(),
        redirect_uri: Some(REDIRECT_URI.into()),
        state: Some("anon-state".into()),
        form_name: "Remote onboarding".into(),
        form_num: None,
        form_desc: None,
        eme_fields: Some(strings(&["emailAddress", "residentialAddress"])),
        profile_fields: Some(strings(&["enName"])),
        callback_content_type: None,
        lang: None,
    };
    let answer = rp.call(mock_form_filling::ANONYMOUS_EME_REQUEST_PATH, &request)?;
    assert_eq!(
        keys(&answer),
        documented_properties("AnonymousInitiateAnswer")
    );
    let ticket_id = ticket_of(&answer)?;
    rp.sandbox
        .login_with(&format!("scope=eidapi_formFilling&ticketID={ticket_id}"));
    let approval = rp.approve(&ticket_id, persona::IAMSMART_PLUS_USER)?;
    assert!(
        approval.callbacks.is_empty(),
        "anonymous requests call no one back"
    );
    let (access_token, open_id) = rp.token_from(&approval)?;
    let request = AnonymousResultRequest {
        business_id: "docs-anon-eme".into(),
        access_token,
        open_id,
    };
    let result = rp.call(mock_form_filling::ANONYMOUS_EME_RESULT_PATH, &request)?;
    within(&result, "FormFillingResult");
    assert_eq!(
        keys(&result["eMEFields"]),
        strings(&["emailAddress", "residentialAddress"])
            .into_iter()
            .collect()
    );
    released_fields_within(&result);
    Ok(())
}

#[test]
fn documented_signing_requests_run_through_the_mock_with_the_documented_answers()
-> Result<(), Failure> {
    let mut rp = Rp::new()?;
    rp.install_signing_certificate(persona::IAMSMART_PLUS_USER)?;
    let (access_token, open_id) =
        rp.login(persona::IAMSMART_PLUS_USER, "eidapi_auth+eidapi_sign")?;
    let identification = persona::profile(&rp.sandbox.config, persona::IAMSMART_PLUS_USER)
        .and_then(|profile| profile.id_no)
        .ok_or("the iAM Smart+ persona has an HKID")?
        .identification;
    let hkic_hash = mock_signing::hkic_hash(&identification);

    // Hash signing, its callback and the acknowledgement.
    let request = HashSigningInitiateRequest {
        business_id: "docs-sign".into(),
        access_token: access_token.clone(),
        open_id: open_id.clone(),
        source: "PC_Browser".into(),
        redirect_uri: Some(REDIRECT_URI.into()),
        state: Some("sign-1".into()),
        hash_code: DIGEST.into(),
        sig_algo: Some(SignatureAlgorithm::Sha256WithRsa),
        hkic_hash: Some(hkic_hash.clone()),
        department: Some("Demo Bank".into()),
        service_name: Some("Account opening".into()),
        document_name: Some("Account agreement".into()),
        stepup_auth_method: None,
        stepup_auth_period: None,
        lang: None,
    };
    let answer = rp.call(mock_signing::HASH_SIGNING_PATH, &request)?;
    assert_eq!(keys(&answer), documented_properties("InitiateAnswer"));
    within(&answer, "InitiateAnswer");
    let approval = rp.approve(&ticket_of(&answer)?, persona::IAMSMART_PLUS_USER)?;
    let (envelope, content) = rp.callback(&approval)?;
    assert_eq!(envelope, documented_properties("CallbackEnvelope"));
    assert_eq!(keys(&content), documented_properties("HashSigningResult"));
    within(&content, "HashSigningResult");
    let ack = SigningAck {
        business_id: "docs-sign".into(),
        signing_result: "SR001".into(),
    };
    let answer = rp.call(mock_signing::ACK_RESULT_PATH, &ack)?;
    assert_eq!(keys(&answer), documented_properties("SigningAckAnswer"));

    // PDF signing and its callback.
    let request = PdfSigningInitiateRequest {
        business_id: "docs-pdf".into(),
        access_token,
        open_id,
        source: "PC_Browser".into(),
        redirect_uri: Some(REDIRECT_URI.into()),
        state: Some("pdf-1".into()),
        doc_digest: DIGEST.into(),
        hkic_hash: None,
        department: None,
        service_name: None,
        document_name: Some("Account agreement.pdf".into()),
        stepup_auth_method: None,
        stepup_auth_period: None,
        lang: None,
    };
    let answer = rp.call(mock_signing::PDF_SIGNING_PATH, &request)?;
    assert_eq!(keys(&answer), documented_properties("InitiateAnswer"));
    within(&answer, "InitiateAnswer");
    let approval = rp.approve(&ticket_of(&answer)?, persona::IAMSMART_PLUS_USER)?;
    let (_, content) = rp.callback(&approval)?;
    assert_eq!(keys(&content), documented_properties("PdfSigningResult"));
    within(&content, "PdfSigningResult");

    // Anonymous hash and PDF signing, each through getQR, approval, token and getResult.
    let hash = AnonymousHashSigningInitiateRequest {
        business_id: "docs-anon-sign".into(),
        source: "PC_Browser".into(),
        redirect_uri: None,
        state: Some("anon-sign".into()),
        hash_code: DIGEST.into(),
        sig_algo: None,
        hkic_hash: hkic_hash.clone(),
        department: None,
        service_name: None,
        document_name: Some("Consent form".into()),
        stepup_auth_method: None,
        stepup_auth_period: None,
        lang: None,
    };
    let pdf = AnonymousPdfSigningInitiateRequest {
        business_id: "docs-anon-pdf".into(),
        source: "PC_Browser".into(),
        redirect_uri: None,
        state: None,
        doc_digest: DIGEST.into(),
        hkic_hash,
        department: None,
        service_name: None,
        document_name: None,
        stepup_auth_method: None,
        stepup_auth_period: None,
        lang: None,
    };
    let hash_answer = rp.call(mock_signing::ANONYMOUS_HASH_SIGNING_PATH, &hash)?;
    let pdf_answer = rp.call(mock_signing::ANONYMOUS_PDF_SIGNING_PATH, &pdf)?;
    for (answer, business_id, result_path, schema) in [
        (
            hash_answer,
            "docs-anon-sign",
            mock_signing::ANONYMOUS_HASH_SIGNING_RESULT_PATH,
            "HashSigningResult",
        ),
        (
            pdf_answer,
            "docs-anon-pdf",
            mock_signing::ANONYMOUS_PDF_SIGNING_RESULT_PATH,
            "PdfSigningResult",
        ),
    ] {
        assert_eq!(
            keys(&answer),
            documented_properties("AnonymousInitiateAnswer")
        );
        let ticket_id = ticket_of(&answer)?;
        rp.sandbox
            .login_with(&format!("scope=eidapi_sign&ticketID={ticket_id}"));
        let approval = rp.approve(&ticket_id, persona::IAMSMART_PLUS_USER)?;
        let (access_token, open_id) = rp.token_from(&approval)?;
        let request = AnonymousResultRequest {
            business_id: business_id.into(),
            access_token,
            open_id,
        };
        let result = rp.call(result_path, &request)?;
        within(&result, schema);
        let required: BTreeSet<String> = documented_properties(schema)
            .into_iter()
            .filter(|name| name != "state")
            .collect();
        assert!(required.is_subset(&keys(&result)), "{result}");
    }
    Ok(())
}

#[test]
fn the_document_covers_the_form_filling_and_signing_routes_and_the_callbacks() -> Result<(), Failure>
{
    let document: Value = serde_json::from_str(&api_specs::document_json()?)?;
    let paths = document["paths"].as_object().ok_or("paths")?;
    for path in [
        mock_form_filling::EME_REQUEST_PATH,
        mock_form_filling::EME_REQUEST_ALIAS_PATH,
        mock_form_filling::PROFILE_REQUEST_PATH,
        mock_form_filling::PROFILE_REQUEST_ALIAS_PATH,
        mock_form_filling::PROFILES_PATH,
        mock_form_filling::ANONYMOUS_EME_REQUEST_PATH,
        mock_form_filling::ANONYMOUS_EME_RESULT_PATH,
        mock_signing::HASH_SIGNING_PATH,
        mock_signing::PDF_SIGNING_PATH,
        mock_signing::ANONYMOUS_HASH_SIGNING_PATH,
        mock_signing::ANONYMOUS_PDF_SIGNING_PATH,
        mock_signing::ANONYMOUS_HASH_SIGNING_RESULT_PATH,
        mock_signing::ANONYMOUS_PDF_SIGNING_RESULT_PATH,
        mock_signing::ACK_RESULT_PATH,
        mock_iamsmart::step_up::STEP_UP_REQUEST_PATH,
        mock_iamsmart::bulk_signing::BULK_REQUEST_PATH,
        mock_iamsmart::bulk_signing::BULK_ENQUIRE_STATUS_PATH,
        mock_iamsmart::bulk_signing::BULK_CANCEL_PATH,
        mock_iamsmart::bulk_signing::BULK_ACK_RESULT_PATH,
        mock_iamsmart::automation::COMPLETE_STEP_UP_PATH,
    ] {
        let operation = &paths
            .get(path)
            .ok_or_else(|| format!("{path} is not documented"))?["post"];
        let headers = operation["parameters"]
            .as_array()
            .map(|parameters| parameters.iter().filter(|p| p["in"] == "header").count());
        assert_eq!(headers, Some(5), "{path} lists the five signed headers");
    }
    let webhooks = document["webhooks"].as_object().ok_or("webhooks")?;
    for name in [
        "formFillingResult",
        "profileResult",
        "hashSigningResult",
        "pdfSigningResult",
        "stepUpResult",
        "bulkSigningResult",
    ] {
        assert!(
            webhooks[name]["post"]["requestBody"].is_object(),
            "the {name} callback is documented"
        );
    }
    // Every schema example names only the schema's own properties.
    let schemas = document["components"]["schemas"]
        .as_object()
        .ok_or("schemas")?;
    for (name, schema) in schemas {
        if let (Some(example), Some(properties)) = (
            schema["example"].as_object(),
            schema["properties"].as_object(),
        ) {
            for key in example.keys() {
                assert!(
                    properties.contains_key(key),
                    "{name}'s example has `{key}`, which the schema does not"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn every_personas_profile_fits_the_documented_field_shapes() -> Result<(), Failure> {
    let sandbox = Sandbox::new();
    let profile_names: BTreeSet<&str> = mock_iamsmart::identity::ProfileField::ALL
        .into_iter()
        .map(|field| field.as_str())
        .collect();
    let mut checked = 0;
    for persona in persona::personas(&sandbox.config) {
        let Some(profile) = persona::profile(&sandbox.config, &persona.id) else {
            continue;
        };
        let Value::Object(fields) = serde_json::to_value(&profile)? else {
            return Err("a profile is an object".into());
        };
        let (profile_fields, eme_fields): (serde_json::Map<_, _>, serde_json::Map<_, _>) = fields
            .into_iter()
            .partition(|(name, _)| profile_names.contains(name.as_str()));
        within(&Value::Object(profile_fields), "ProfileFieldValues");
        within(&Value::Object(eme_fields), "EmeFieldValues");
        checked += 1;
    }
    assert!(
        checked > 40,
        "the catalogue's personas were checked ({checked})"
    );
    Ok(())
}

#[test]
fn the_schema_check_catches_an_undocumented_key_or_value() {
    let document: Value = serde_json::from_str(&api_specs::document_json().unwrap_or_default())
        .unwrap_or(Value::Null);
    let schema = serde_json::json!({"$ref": "#/components/schemas/ReleasedFields"});
    let good = serde_json::json!({"profileFields": {"idNo": {"Identification": "A123456", "CheckDigit": "3"},
        "gender": "M"}, "eMEFields": {"residentialAddress": {"FreeFormatAddress": {"AddressLine1": "1 EXAMPLE ROAD"}}}});
    assert_eq!(conforms(&document, &schema, &good, "good"), Ok(()));
    for bad in [
        serde_json::json!({"profileFields": {"idNo": {"Identification": "A123456", "CheckDigit": "3", "Extra": 1}}, "eMEFields": {}}),
        serde_json::json!({"profileFields": {"gender": "X"}, "eMEFields": {}}),
        serde_json::json!({"profileFields": {"gender": null}, "eMEFields": {}}),
        serde_json::json!({"profileFields": {}, "eMEFields": {"residentialAddress": {"Somewhere": {}}}}),
        serde_json::json!({"profileFields": {}}),
    ] {
        assert!(
            conforms(&document, &schema, &bad, "bad").is_err(),
            "{bad} is refused"
        );
    }
}
