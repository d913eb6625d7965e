//! Profile requests and e-ME form filling from the RP's side: an authenticated request answered on
//! the phone and read from its callback, the synchronous `/profiles`, and anonymous form filling from
//! initiateRequest to getResult.

use iamsmart_client::testing::{IAMSMART_PLUS_USER, IAMSMART_USER, REDIRECT_URI, TestSandbox};
use iamsmart_client::{
    CallbackParams, Client, FormFillingRequest, LoginRequest, ProfileRequest, Token,
};
use mock_iamsmart::{Call, Outcome};

use crate::sandbox_and_client;

/// Logs `persona_id` in with login, profile and form-filling scopes.
async fn logged_in(
    sandbox: &TestSandbox,
    client: &Client,
    persona_id: &str,
) -> anyhow::Result<Token> {
    let mut login = LoginRequest::new(REDIRECT_URI, "login-state");
    login.scopes = vec![
        "eidapi_auth".into(),
        "eidapi_profiles".into(),
        "eidapi_formFilling".into(),
    ];
    let redirect = sandbox.approve_login(&client.login_url(&login), persona_id);
    let code = CallbackParams::from_url(&redirect)
        .code
        .expect("an approved login carries a code");
    Ok(client.get_token(&code).await?)
}

fn form(fields: &[&str]) -> FormFillingRequest {
    let mut request = FormFillingRequest::new(REDIRECT_URI, "Open an account", fields);
    request.profile_fields = vec!["enName".into(), "idNo".into()];
    request.form_num = Some("DB-001".into());
    request.state = Some("form-state".into());
    request
}

#[tokio::test]
async fn a_form_filling_callback_decrypts_with_the_rp_key_from_secret_key_alone()
-> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let token = logged_in(&sandbox, &client, IAMSMART_USER).await?;
    let request = form(&["emailAddress", "mobileNumber", "prefix"]);
    let initiated = client.initiate_form_filling(&token, &request).await?;
    assert!(initiated.auth_by_qr);
    let Outcome::Ticket(status) = sandbox.call(Call::ApproveTicketWithFields {
        ticket_id: initiated.ticket_id.clone(),
        persona_id: IAMSMART_USER.into(),
        fields: ["enName", "idNo", "emailAddress", "mobileNumber"]
            .map(String::from)
            .to_vec(),
    }) else {
        panic!("the phone's approval did not settle the ticket");
    };
    assert_eq!(status.callbacks.len(), 1);
    let [callback] = sandbox.take_callbacks().try_into().expect("one callback");
    // A client that never fetched a CEK reads it: the key comes from the callback's secretKey.
    let fresh = Client::new(sandbox.client_config())?;
    let opened = fresh.open_callback(
        &callback.body,
        callback.header("Content-Type").unwrap_or_default(),
    )?;
    assert!(opened.is_success());
    assert_eq!(opened.tx_id, format!("<T={}>", initiated.ticket_id));
    assert_eq!(
        opened.result.business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    assert_eq!(opened.result.state.as_deref(), Some("form-state"));
    assert!(opened.result.field("enName").is_some());
    assert!(
        opened
            .result
            .field("idNo")
            .is_some_and(|id| id["CheckDigit"].is_string())
    );
    assert!(
        opened.result.field("prefix").is_none(),
        "prefix was unticked"
    );
    assert!(opened.result.eme_fields.keys().all(|name| name != "prefix"));
    Ok(())
}

#[tokio::test]
async fn a_rejected_multipart_form_filling_request_calls_back_with_d60001() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let token = logged_in(&sandbox, &client, IAMSMART_USER).await?;
    let mut request = form(&["emailAddress"]);
    request.multipart_callback = true;
    let initiated = client.initiate_form_filling(&token, &request).await?;
    sandbox.call(Call::RejectTicket {
        ticket_id: initiated.ticket_id,
    });
    let [callback] = sandbox.take_callbacks().try_into().expect("one callback");
    let content_type = callback
        .header("Content-Type")
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("multipart/form-data"));
    let opened = client.open_callback(&callback.body, &content_type)?;
    assert_eq!(opened.code, "D60001");
    assert_eq!(opened.result.business_id, Some(request.business_id));
    assert!(opened.result.eme_fields.is_empty());
    // The same businessID cannot be used twice.
    let again = client
        .initiate_form_filling(&token, &form(&["emailAddress"]))
        .await;
    assert!(again.is_ok());
    let mut duplicate = form(&["emailAddress"]);
    duplicate.business_id = opened.result.business_id.unwrap_or_default();
    let error = client
        .initiate_form_filling(&token, &duplicate)
        .await
        .expect_err("a reused businessID");
    assert!(error.is_protocol_code("D20011"), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_profile_request_is_approved_headlessly_and_its_callback_carries_profile_fields()
-> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let token = logged_in(&sandbox, &client, IAMSMART_PLUS_USER).await?;
    let request = ProfileRequest::new(REDIRECT_URI, &["idNo", "birthDate"]);
    let initiated = client.initiate_profile_request(&token, &request).await?;
    let redirect = client
        .approve_ticket_with_fields(
            &initiated.ticket_id,
            IAMSMART_PLUS_USER,
            &["idNo", "birthDate"],
        )
        .await?;
    assert_eq!(
        CallbackParams::from_url(&redirect).business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    let [callback] = sandbox.take_callbacks().try_into().expect("one callback");
    let opened = client.open_callback(&callback.body, "application/json")?;
    assert!(opened.is_success());
    assert!(opened.result.profile_fields.contains_key("birthDate"));
    assert!(opened.result.eme_fields.is_empty());
    Ok(())
}

#[tokio::test]
async fn profiles_answers_at_once_and_either_list_may_be_empty() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let token = logged_in(&sandbox, &client, IAMSMART_USER).await?;
    let result = client.profiles(&token, &["enName", "gender"], &[]).await?;
    assert!(result.profile_fields.contains_key("enName"));
    assert!(result.eme_fields.is_empty());
    let result = client.profiles(&token, &[], &["emailAddress"]).await?;
    assert!(
        result
            .field("emailAddress")
            .is_some_and(|email| email.is_string())
    );
    let error = client
        .profiles(&token, &[], &[])
        .await
        .expect_err("nothing asked");
    assert!(error.is_protocol_code("D20002"), "{error}");
    Ok(())
}

#[tokio::test]
async fn anonymous_form_filling_runs_from_initiate_request_to_get_result() -> anyhow::Result<()> {
    let (sandbox, client) = sandbox_and_client().await?;
    let mut request = FormFillingRequest::new(REDIRECT_URI, "Remote onboarding", &["emailAddress"]);
    request.profile_fields = vec!["enName".into()];
    let ticket_id = client.initiate_anonymous_form_filling(&request).await?;
    let login = LoginRequest::new(REDIRECT_URI, "anon-state");
    let url = client.anonymous_form_filling_url(&login, &ticket_id);
    assert!(url.contains(&format!("&ticketID={ticket_id}")));
    let started = sandbox.begin_login(&url);
    assert_eq!(started.ticket_id, ticket_id);
    assert!(started.app_link.contains("://eme?ticketID="));
    let redirect = sandbox.approve(&ticket_id, IAMSMART_PLUS_USER);
    let back = CallbackParams::from_url(&redirect);
    assert_eq!(
        back.business_id.as_deref(),
        Some(request.business_id.as_str())
    );
    assert_eq!(back.state.as_deref(), Some("anon-state"));
    let token = client
        .get_token(back.code.as_deref().expect("a code"))
        .await?;
    let result = client
        .anonymous_form_filling_result(&request.business_id, &token)
        .await?;
    assert!(result.field("enName").is_some());
    assert!(result.field("emailAddress").is_some());
    assert!(
        sandbox.take_callbacks().is_empty(),
        "anonymous flows return through the browser"
    );
    Ok(())
}
