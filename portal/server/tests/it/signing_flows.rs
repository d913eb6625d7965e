//! The rest of signing over real HTTP, on SQLite and PostgreSQL: the documented error of each way a
//! signing request fails (an HKID mismatch, a rejection, a timeout), anonymous hash and PDF signing
//! with `getResult`, step-up required and then satisfied through the automation API, and bulk
//! signing — 25 documents by 10 arrive as three callbacks in order whose every signature `openssl`
//! verifies with the persona's certificate, and 1001 documents are refused.

use anyhow::Context;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use iamsmart_client::{CallbackParams, Client, ClientConfig, LoginRequest, Secret, Token};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::relying_party::{REDIRECT_URI, RelyingParty, rp_key, rp_private_key_pem};
use crate::signing::{download, listener, next, pem, run};
use crate::support::{TempDir, TestPortal, on_both_engines};

const PLUS_USER: &str = "iamsmart-plus-user";

/// A relying party granted `scopes` with its callbacks to `callback_url`: the raw protocol side
/// for the requests `iamsmart-client` does not make, and the client for logins.
async fn relying_party(
    portal: &TestPortal,
    callback_url: &str,
    scopes: &[&str],
) -> anyhow::Result<(RelyingParty, Client)> {
    let rp = RelyingParty::register_with(portal, |config| {
        config.granted_scopes = scopes.iter().map(|scope| scope.to_string()).collect();
        config.callback_url = Some(callback_url.to_owned());
    })
    .await?;
    let client = Client::new(ClientConfig {
        api_base_url: portal.base_url.clone(),
        browser_base_url: portal.base_url.clone(),
        client_id: rp.client_id.clone(),
        client_secret: Secret::new(rp.client_secret.clone()),
        private_key_pem: Secret::new(rp_private_key_pem()?),
    })?;
    Ok((rp, client))
}

/// Logs `persona_id` in with `scopes` (or, with `ticket_id`, answers an anonymous request's
/// ticket) through the automation API and exchanges the code.
async fn token(
    client: &Client,
    persona_id: &str,
    scopes: &[&str],
    ticket_id: Option<&str>,
) -> anyhow::Result<Token> {
    let mut login = LoginRequest::new(REDIRECT_URI, "signing-flow");
    login.scopes = scopes.iter().map(|scope| scope.to_string()).collect();
    login.ticket_id = ticket_id.map(str::to_owned);
    let started = client.start_login(&login).await?;
    let redirect = client
        .approve_ticket(&started.ticket_id, persona_id)
        .await?;
    let code = CallbackParams::from_url(&redirect)
        .code
        .context("an approved ticket redirects with a code")?;
    // The raw side of the test may have replaced the CEK the client holds: start from a fresh one.
    client.get_key().await?;
    Ok(client.get_token(&code).await?)
}

fn signing_body(token: &Token, business_id: &str, document: &[u8]) -> Value {
    json!({
        "businessID": business_id,
        "accessToken": token.access_token.expose(),
        "openID": token.open_id,
        "source": "PC_Browser",
        "redirectURI": REDIRECT_URI,
        "state": "sign",
        "hashCode": STANDARD.encode(Sha256::digest(document)),
        "sigAlgo": "SHA256withRSA",
        "documentName": "Agreement",
    })
}

fn ticket_of(content: Option<Value>) -> anyhow::Result<String> {
    content
        .and_then(|content| content["ticketID"].as_str().map(str::to_owned))
        .context("the answer names a ticket")
}

fn hkic_hash(identification: &str) -> String {
    STANDARD.encode(Sha256::digest(identification.as_bytes()))
}

/// Opens a callback with the RP's private key alone.
fn open(received: &(String, Vec<u8>)) -> anyhow::Result<mock_iamsmart::client::OpenedCallback> {
    Ok(mock_iamsmart::client::open_callback(
        rp_key(),
        &received.1,
        &received.0,
    )?)
}

async fn an_hkid_mismatch_a_rejection_and_a_timeout_give_their_codes(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let scopes = ["eidapi_auth", "eidapi_sign"];
    let (rp, client) = relying_party(portal, &url, &scopes).await?;
    let token = token(&client, PLUS_USER, &scopes, None).await?;
    let cek = rp.get_key().await?;
    let path = "/api/v1/account/signing/initiateRequest";

    let mut mismatched = signing_body(&token, "err-1", b"x");
    mismatched["HKICHash"] = hkic_hash("Z999999").into();
    let (code, _, _) = rp.post_encrypted(&cek, path, &mismatched).await?;
    assert_eq!(code, "D70005");

    let (code, _, content) = rp
        .post_encrypted(&cek, path, &signing_body(&token, "err-2", b"x"))
        .await?;
    assert_eq!(code, "D00000");
    client.reject_ticket(&ticket_of(content)?).await?;
    let rejected = open(&next(&mut received).await?)?;
    assert_eq!(rejected.code, "D70001");
    assert_eq!(rejected.content["businessID"], "err-2");

    let (code, _, content) = rp
        .post_encrypted(&cek, path, &signing_body(&token, "err-3", b"x"))
        .await?;
    assert_eq!(code, "D00000");
    let expire = portal.url(&format!(
        "/phone/{}/tickets/{}/expire",
        rp.client_id,
        ticket_of(content)?
    ));
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(expire)
        .header("cookie", format!("iams_phone_persona={PLUS_USER}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await?;
    assert!(
        answer.status().is_success() || answer.status().is_redirection(),
        "{}",
        answer.status()
    );
    let timed_out = open(&next(&mut received).await?)?;
    assert_eq!(timed_out.code, "D70003");
    Ok(())
}

on_both_engines!(
    an_hkid_mismatch_a_rejection_and_a_timeout_give_their_codes,
    signing_errors_give_their_codes_on_sqlite,
    signing_errors_give_their_codes_on_postgres
);

async fn anonymous_hash_and_pdf_signatures_come_back_from_get_result(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, _received) = listener().await?;
    let scopes = ["eidapi_auth", "eidapi_sign"];
    let (rp, client) = relying_party(portal, &url, &scopes).await?;
    // The plus user's HKID, as the RP learnt it when the user opened the account.
    let identification = mock_iamsmart::persona::profile_on(
        &portal
            .runtime
            .sandbox_config(&rp.sandbox_id)
            .await
            .context("the sandbox's configuration")?,
        PLUS_USER,
        mock_iamsmart::identity::date::CivilDate::from_epoch_ms_hong_kong(
            crate::relying_party::now_ms(),
        ),
    )
    .and_then(|profile| profile.id_no)
    .context("the persona has an HKID")?
    .identification;
    let dir = TempDir::new("anonymous-signing")?;
    let root = pem(&dir, "root", &download(portal, "/ca/root-ca.crt").await?)?;
    let issuing = pem(
        &dir,
        "issuing",
        &download(portal, "/ca/issuing-ca.crt").await?,
    )?;
    let document = b"Anonymous account opening form (TEST)";
    let document_path = dir.path().join("document.txt");
    std::fs::write(&document_path, document)?;
    let digest = STANDARD.encode(Sha256::digest(document));

    for (business_id, pdf) in [("anon-hash", false), ("anon-pdf", true)] {
        // ANCHOR: anonymous_signing
        let kind = if pdf { "pdfsigning" } else { "signing" };
        let mut body = json!({"businessID": business_id, "source": "PC_Browser",
            "redirectURI": REDIRECT_URI, "HKICHash": hkic_hash(&identification)});
        if pdf {
            body["docDigest"] = digest.clone().into();
        } else {
            body["hashCode"] = digest.clone().into();
            body["sigAlgo"] = "SHA256withRSA".into();
        }
        let cek = rp.get_key().await?;
        let (code, message, content) = rp
            .post_encrypted(
                &cek,
                &format!("/api/v1/anonymous/{kind}/initiateRequest"),
                &body,
            )
            .await?;
        assert_eq!(code, "D00000", "{message}");
        let ticket_id = ticket_of(content)?;
        let token = token(&client, PLUS_USER, &scopes, Some(&ticket_id)).await?;
        let cek = rp.get_key().await?;
        let (code, message, content) = rp
            .post_encrypted(
                &cek,
                &format!("/api/v1/anonymous/{kind}/getResult"),
                &json!({"businessID": business_id, "accessToken": token.access_token.expose(),
                    "openID": token.open_id}),
            )
            .await?;
        assert_eq!(code, "D00000", "{message}");
        let content = content.context("a result")?;
        // ANCHOR_END: anonymous_signing
        let signer = pem(
            &dir,
            &format!("{business_id}-signer"),
            &STANDARD.decode(content["cert"].as_str().context("cert")?)?,
        )?;
        let chain = run(
            "openssl",
            &["verify", "-CAfile", &root, "-untrusted", &issuing, &signer],
        )?;
        assert!(chain.contains(": OK"), "{chain}");
        let signature_path = dir.path().join(format!("{business_id}.sig"));
        if pdf {
            std::fs::write(
                &signature_path,
                STANDARD.decode(content["pdfSignature"].as_str().context("pdfSignature")?)?,
            )?;
            let verified = run(
                "openssl",
                &[
                    "cms",
                    "-verify",
                    "-inform",
                    "DER",
                    "-in",
                    signature_path.to_str().unwrap_or_default(),
                    "-binary",
                    "-content",
                    document_path.to_str().unwrap_or_default(),
                    "-CAfile",
                    &root,
                    "-purpose",
                    "any",
                    "-out",
                    "/dev/null",
                ],
            )?;
            assert!(verified.contains("Verification successful"), "{verified}");
        } else {
            std::fs::write(
                &signature_path,
                STANDARD.decode(content["signature"].as_str().context("signature")?)?,
            )?;
            verify_hash_signature(&dir, &signer, &signature_path, &document_path)?;
        }
    }
    Ok(())
}

on_both_engines!(
    anonymous_hash_and_pdf_signatures_come_back_from_get_result,
    anonymous_signing_with_get_result_on_sqlite,
    anonymous_signing_with_get_result_on_postgres
);

/// `openssl dgst -sha256 -verify` of a hash signature with the signer certificate's public key.
fn verify_hash_signature(
    dir: &TempDir,
    signer_pem: &str,
    signature_path: &std::path::Path,
    document_path: &std::path::Path,
) -> anyhow::Result<()> {
    let public = run("openssl", &["x509", "-in", signer_pem, "-pubkey", "-noout"])?;
    let public_path = dir.path().join("public.pem");
    std::fs::write(&public_path, public)?;
    let verified = run(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            public_path.to_str().unwrap_or_default(),
            "-signature",
            signature_path.to_str().unwrap_or_default(),
            document_path.to_str().unwrap_or_default(),
        ],
    )?;
    anyhow::ensure!(verified.contains("Verified OK"), "{verified}");
    Ok(())
}

async fn step_up_is_required_before_signing_and_then_satisfied(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let scopes = ["eidapi_auth", "eidapi_sign", "eidapi_fr"];
    let (rp, client) = relying_party(portal, &url, &scopes).await?;
    let token = token(&client, PLUS_USER, &scopes, None).await?;
    let cek = rp.get_key().await?;
    // ANCHOR: step_up_signing
    let mut body = signing_body(&token, "step-1", b"a loan contract");
    body["stepupAuthMethod"] = json!({"unary": ["FR"]});
    body["stepupAuthPeriod"] = json!(300);
    let (code, _, content) = rp
        .post_encrypted(&cek, "/api/v1/account/signing/initiateRequest", &body)
        .await?;
    assert_eq!(code, "D00000");
    let ticket_id = ticket_of(content)?;
    let approve = json!({"ticketID": ticket_id, "personaID": PLUS_USER});
    let refused = rp
        .post_plain("/api/v1/sandbox/approveTicket", &approve)
        .await?;
    assert_eq!(refused.code, "D80002", "{}", refused.message);
    assert!(refused.message.contains("FR"), "{}", refused.message);
    let stepped = rp
        .post_plain(
            "/api/v1/sandbox/completeStepup",
            &json!({"ticketID": ticket_id, "personaID": PLUS_USER, "method": "FR"}),
        )
        .await?;
    assert_eq!(stepped.code, "D00000", "{}", stepped.message);
    let step_up = stepped.content.context("content")?["stepUp"].clone();
    assert_eq!(step_up["satisfied"], true);
    assert_eq!(step_up["periodSeconds"], 300);
    let approved = rp
        .post_plain("/api/v1/sandbox/approveTicket", &approve)
        .await?;
    assert_eq!(approved.code, "D00000", "{}", approved.message);
    // ANCHOR_END: step_up_signing
    let signed = open(&next(&mut received).await?)?;
    assert_eq!(signed.code, "D00000");
    assert!(signed.content["signature"].is_string());

    // Both factors in one automation call, and the step-up request of its own.
    // ANCHOR: step_up_in_one_call
    let mut body = signing_body(&token, "step-2", b"another contract");
    body["stepupAuthMethod"] = json!({"and": ["FR", "NFC"]});
    let (_, _, content) = rp
        .post_encrypted(&cek, "/api/v1/account/signing/initiateRequest", &body)
        .await?;
    let both = rp
        .post_plain(
            "/api/v1/sandbox/approveTicket",
            &json!({"ticketID": ticket_of(content)?, "personaID": PLUS_USER,
                "stepUp": ["FR", "NFC"]}),
        )
        .await?;
    assert_eq!(both.code, "D00000", "{}", both.message);
    // ANCHOR_END: step_up_in_one_call
    assert_eq!(open(&next(&mut received).await?)?.code, "D00000");
    // ANCHOR: step_up_request
    let (code, message, content) = rp
        .post_encrypted(
            &cek,
            "/api/v1/account/stepup/initiateRequest",
            &json!({"businessID": "re-auth-1", "accessToken": token.access_token.expose(),
                "openID": token.open_id, "source": "PC_Browser", "state": "again"}),
        )
        .await?;
    assert_eq!(code, "D00000", "{message}");
    let reauth = rp
        .post_plain(
            "/api/v1/sandbox/approveTicket",
            &json!({"ticketID": ticket_of(content)?, "personaID": PLUS_USER, "stepUp": ["FR"]}),
        )
        .await?;
    assert_eq!(reauth.code, "D00000", "{}", reauth.message);
    let callback = open(&next(&mut received).await?)?;
    assert_eq!(callback.code, "D00000");
    assert_eq!(callback.content["businessID"], "re-auth-1");
    assert_eq!(
        callback.content["stepupAuthMethod"],
        json!({"unary": ["FR"]})
    );
    // ANCHOR_END: step_up_request
    Ok(())
}

on_both_engines!(
    step_up_is_required_before_signing_and_then_satisfied,
    step_up_then_signing_on_sqlite,
    step_up_then_signing_on_postgres
);

// ANCHOR: bulk_request
fn bulk_body(token: &Token, business_id: &str, count: usize, max_callback_sigs: usize) -> Value {
    let documents: Vec<Value> = (0..count)
        .map(|index| {
            json!({"id": format!("statement-{index}"), "documentName": format!("Statement {index}"),
                "hashCode": STANDARD.encode(Sha256::digest(bulk_document(index))),
                "sigAlgo": "SHA256withRSA"})
        })
        .collect();
    json!({"businessID": business_id, "accessToken": token.access_token.expose(),
        "openID": token.open_id, "source": "PC_Browser", "redirectURI": REDIRECT_URI,
        "requestName": "Monthly statements", "maxCallbackSigs": max_callback_sigs,
        "documents": documents})
}
// ANCHOR_END: bulk_request

fn bulk_document(index: usize) -> Vec<u8> {
    format!("Demo Bank statement {index} (TEST)").into_bytes()
}

async fn bulk_signing_arrives_in_ordered_callbacks_that_openssl_verifies(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let scopes = ["eidapi_auth", "eidapi_bulksign"];
    let (rp, client) = relying_party(portal, &url, &scopes).await?;
    let token = token(&client, PLUS_USER, &scopes, None).await?;
    let cek = rp.get_key().await?;

    let (code, message, _) = rp
        .post_encrypted(
            &cek,
            "/api/v1/bdss/initiateRequest",
            &bulk_body(&token, "bulk-big", 1001, 10),
        )
        .await?;
    assert_eq!(code, "D71004", "{message}");

    let (code, message, content) = rp
        .post_encrypted(
            &cek,
            "/api/v1/bdss/initiateRequest",
            &bulk_body(&token, "bulk-25", 25, 10),
        )
        .await?;
    assert_eq!(code, "D00000", "{message}");
    let ticket_id = ticket_of(content)?;
    let approved = rp
        .post_plain(
            "/api/v1/sandbox/approveTicket",
            &json!({"ticketID": ticket_id, "personaID": PLUS_USER}),
        )
        .await?;
    assert_eq!(approved.code, "D00000", "{}", approved.message);

    let dir = TempDir::new("bulk-signing")?;
    let root = pem(&dir, "root", &download(portal, "/ca/root-ca.crt").await?)?;
    let issuing = pem(
        &dir,
        "issuing",
        &download(portal, "/ca/issuing-ca.crt").await?,
    )?;
    // ANCHOR: bulk_callbacks
    for sequence in 1..=3usize {
        let received = next(&mut received).await?;
        assert!(
            received.0.starts_with("multipart/form-data"),
            "{}",
            received.0
        );
        let callback = open(&received)?;
        assert_eq!(callback.code, "D00000");
        assert_eq!(callback.content["businessID"], "bulk-25");
        let metadata = &callback.content["sigMetada"];
        assert_eq!(metadata["callbackSeq"], sequence);
        assert_eq!(metadata["totalCallbacks"], 3);
        assert_eq!(metadata["totalSignNum"], 25);
        let signer = pem(
            &dir,
            &format!("signer-{sequence}"),
            &STANDARD.decode(metadata["cert"].as_str().context("cert")?)?,
        )?;
        let chain = run(
            "openssl",
            &["verify", "-CAfile", &root, "-untrusted", &issuing, &signer],
        )?;
        assert!(chain.contains(": OK"), "{chain}");
        let entries = callback.content["sigFile"]
            .as_array()
            .context("sigFile")?
            .clone();
        assert_eq!(entries.len(), if sequence < 3 { 10 } else { 5 });
        for (offset, entry) in entries.iter().enumerate() {
            let index = (sequence - 1) * 10 + offset;
            assert_eq!(entry["id"], format!("statement-{index}"));
            let document_path = dir.path().join(format!("statement-{index}.txt"));
            std::fs::write(&document_path, bulk_document(index))?;
            let signature_path = dir.path().join(format!("statement-{index}.sig"));
            std::fs::write(
                &signature_path,
                STANDARD.decode(entry["signature"].as_str().context("signature")?)?,
            )?;
            verify_hash_signature(&dir, &signer, &signature_path, &document_path)?;
        }
    }
    // ANCHOR_END: bulk_callbacks
    // ANCHOR: bulk_status
    let cek = rp.get_key().await?;
    let (code, _, content) = rp
        .post_encrypted(
            &cek,
            "/api/v1/bdss/enquireStatus",
            &json!({"businessID": "bulk-25"}),
        )
        .await?;
    assert_eq!(code, "D00000");
    let content = content.context("a status")?;
    assert_eq!(content["status"], "SS003");
    assert_eq!(content["signedNum"], 25);
    let (code, _, _) = rp
        .post_encrypted(
            &cek,
            "/api/v1/bdss/ackResult",
            &json!({"businessID": "bulk-25", "signingResult": "SR001"}),
        )
        .await?;
    assert_eq!(code, "D00000");
    let (code, _, _) = rp
        .post_encrypted(
            &cek,
            "/api/v1/bdss/cancelRequest",
            &json!({"businessID": "bulk-25"}),
        )
        .await?;
    assert_eq!(code, "D71007");
    // ANCHOR_END: bulk_status
    Ok(())
}

on_both_engines!(
    bulk_signing_arrives_in_ordered_callbacks_that_openssl_verifies,
    bulk_signing_callbacks_verify_on_sqlite,
    bulk_signing_callbacks_verify_on_postgres
);

/// Step-up on the virtual phone's own pages: the signing screen asks for both factors with a button each,
/// approving first is refused with `D80002`, each simulated factor ticks off, and then the PIN signs.
async fn the_phone_performs_step_up_before_signing(portal: &TestPortal) -> anyhow::Result<()> {
    let (url, mut received) = listener().await?;
    let scopes = ["eidapi_auth", "eidapi_sign", "eidapi_fr"];
    let (rp, client) = relying_party(portal, &url, &scopes).await?;
    let token = token(&client, PLUS_USER, &scopes, None).await?;
    let cek = rp.get_key().await?;
    let mut body = signing_body(&token, "phone-step-1", b"a mortgage deed");
    body["stepupAuthMethod"] = json!({"and": ["FR", "NFC"]});
    let (code, _, content) = rp
        .post_encrypted(&cek, "/api/v1/account/signing/initiateRequest", &body)
        .await?;
    assert_eq!(code, "D00000");
    let ticket_id = ticket_of(content)?;
    let ticket_url = portal.url(&format!("/phone/{}/tickets/{ticket_id}", rp.client_id));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = format!("iams_phone_persona={PLUS_USER}");
    let page = |http: &reqwest::Client| {
        http.get(ticket_url.clone())
            .header("cookie", cookie.clone())
            .send()
    };
    let post = |http: &reqwest::Client, path: &str, form: &str| {
        http.post(format!("{ticket_url}{path}"))
            .header("cookie", cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
    };

    let screen = page(&http).await?.text().await?;
    assert!(screen.contains(r#"id="step-up""#), "{screen}");
    assert!(screen.contains(r#"id="step-up-FR""#) && screen.contains(r#"id="step-up-NFC""#));
    assert!(screen.contains(r#"id="identification-code""#));

    let early = post(&http, "/approve", "pin=123456").await?;
    assert_eq!(early.status(), 409);
    assert!(early.text().await?.contains(r#"data-error-code="D80002""#));

    let stepped = post(&http, "/step-up", "method=FR").await?;
    assert_eq!(stepped.status(), 303);
    let screen = page(&http).await?.text().await?;
    assert!(
        !screen.contains(r#"id="step-up-FR""#),
        "face recognition done"
    );
    assert!(screen.contains(r#"id="step-up-NFC""#) && screen.contains(r#"id="step-up-missing""#));
    // A factor the request does not ask for is refused on the request screen.
    let odd = post(&http, "/step-up", "method=PIN").await?;
    assert_eq!(odd.status(), 409);
    assert!(odd.text().await?.contains(r#"data-error-code="D20003""#));

    assert_eq!(post(&http, "/step-up", "method=NFC").await?.status(), 303);
    let screen = page(&http).await?.text().await?;
    assert!(screen.contains(r#"id="step-up-satisfied""#), "{screen}");
    let signed = post(&http, "/approve", "pin=123456").await?;
    assert_eq!(signed.status(), 200);
    assert!(signed.text().await?.contains(r#"data-state="approved""#));
    let callback = open(&next(&mut received).await?)?;
    assert_eq!(callback.code, "D00000");
    assert!(callback.content["signature"].is_string());
    Ok(())
}
on_both_engines!(
    the_phone_performs_step_up_before_signing,
    the_phone_performs_step_up_on_sqlite,
    the_phone_performs_step_up_on_postgres
);
