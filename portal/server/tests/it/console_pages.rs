//! The console's server-rendered maker/checker, members and request detail pages over real HTTP, as a browser
//! without JavaScript uses them: plain form posts with the CSRF token that land back on the page with a notice, a
//! proposal decided by another Approver, refusals in the visitor's language with their status, and outsiders
//! getting "not found".

use anyhow::Context;
use reqwest::{StatusCode, header, redirect::Policy};

use crate::console::{PASSWORD, Visitor, get_key_code, owner_with_sandbox};
use crate::support::{TestEngine, TestPortal, on_both_engines, spawn_portal};

/// A GET or form POST as `visitor`, with an optional `lang` cookie, without following redirects.
async fn send(
    visitor: &Visitor,
    path: &str,
    form: Option<&[(&str, &str)]>,
    lang: Option<&str>,
) -> anyhow::Result<(StatusCode, String, String)> {
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()?;
    let mut cookies = visitor.cookies();
    if let Some(lang) = lang {
        cookies.push_str(&format!("; lang={lang}"));
    }
    let url = format!("{}{path}", visitor.base_url);
    let request = match form {
        Some(fields) => http
            .post(url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(
                fields
                    .iter()
                    .map(|(name, value)| {
                        format!("{name}={}", mock_iamsmart::crypto::url_encode(value))
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
        None => http.get(url),
    };
    let response = request.header(header::COOKIE, cookies).send().await?;
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, location, response.text().await?))
}

async fn get(
    visitor: &Visitor,
    path: &str,
    lang: Option<&str>,
) -> anyhow::Result<(StatusCode, String, String)> {
    send(visitor, path, None, lang).await
}

async fn post(
    visitor: &Visitor,
    path: &str,
    fields: &[(&str, &str)],
    lang: Option<&str>,
) -> anyhow::Result<(StatusCode, String, String)> {
    send(visitor, path, Some(fields), lang).await
}

async fn signed_up(portal: &TestPortal, email: &str) -> anyhow::Result<Visitor> {
    let mut visitor = Visitor::arrive(portal).await?;
    let (status, body) = visitor.sign_up(email, PASSWORD).await?;
    anyhow::ensure!(
        status.is_success() || status.is_redirection(),
        "sign_up: {status} {body}"
    );
    Ok(visitor)
}

/// The `data-proposal-id` of the first row of the proposals table.
fn first_proposal_id(html: &str) -> anyhow::Result<String> {
    let rest = html
        .split("data-proposal-id=\"")
        .nth(1)
        .context("a proposal row")?;
    Ok(rest.split('"').next().unwrap_or_default().to_owned())
}

async fn the_changes_page_proposes_and_another_approver_decides(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let (mut owner, sandbox) = owner_with_sandbox(portal, "pages@maker.example").await?;
    let org_id = owner.overview().await?["orgs"][0]["org_id"]
        .as_str()
        .context("org")?
        .to_owned();
    let changes = format!("/console/sandboxes/{}/changes", sandbox.sandbox_id);
    let csrf = owner.csrf.clone();

    let (status, _, html) = get(&owner, &changes, None).await?;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"pre-production-form\""), "{html}");
    assert!(html.contains("data-pre-production=\"false\""), "{html}");
    assert!(html.contains("id=\"no-proposals\""), "{html}");
    assert!(!html.contains("<script"), "the page runs no script");
    assert!(!html.contains(&sandbox.client_secret));

    // Marking applies at once; the post lands back on the page with a notice.
    let (status, location, _) = post(
        &owner,
        &format!("{changes}/pre-production"),
        &[("csrf", &csrf), ("pre_production", "on")],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{changes}?done=saved"));
    let (_, _, html) = get(&owner, &location, None).await?;
    assert!(html.contains("data-pre-production=\"true\""), "{html}");
    assert!(html.contains("id=\"saved-notice\""), "{html}");

    // On a pre-production sandbox a scope change is proposed; the proposer sees no Approve button.
    let (status, location, _) = post(
        &owner,
        &format!("{changes}/scopes"),
        &[("csrf", &csrf), ("scopes", "eidapi_auth eidapi_profiles")],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{changes}?done=proposed"));
    let (_, _, html) = get(&owner, &location, Some("zh-HK")).await?;
    assert!(html.contains("id=\"proposed-notice\""), "{html}");
    assert!(html.contains("data-status=\"pending\""), "{html}");
    assert!(html.contains("<html lang=\"zh-HK\""), "{html}");
    assert!(html.contains("待批准的更改"), "{html}");
    assert!(
        !html.contains("approve-form"),
        "the proposer cannot approve"
    );
    let proposal_id = first_proposal_id(&html)?;

    // The proposer's own decision is refused on the page, in their language, with its status.
    let (status, _, html) = post(
        &owner,
        &format!("{changes}/decide"),
        &[
            ("csrf", &csrf),
            ("proposal_id", &proposal_id),
            ("decision", "approve"),
        ],
        Some("zh-CN"),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("id=\"change-error\""), "{html}");
    assert!(html.contains("须由另一位审批者决定"), "{html}");

    // A form without the CSRF token changes nothing.
    let (status, _, html) = post(
        &owner,
        &format!("{changes}/scopes"),
        &[("csrf", "forged"), ("scopes", "eidapi_auth")],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("this form has expired"), "{html}");

    // The owner adds a second Approver on the members page, who approves.
    let approver = signed_up(portal, "checker@maker.example").await?;
    let members = format!("/console/orgs/{org_id}/members");
    let (status, _, html) = get(&owner, &members, None).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("add-member-form"), "{html}");
    let (status, location, _) = post(
        &owner,
        &members,
        &[
            ("csrf", &csrf),
            ("email", "checker@maker.example"),
            ("role", "approver"),
        ],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{members}?done=saved"));
    let (_, _, html) = get(&owner, &members, None).await?;
    assert!(html.contains("checker@maker.example"), "{html}");
    let (status, _, html) = post(
        &owner,
        &members,
        &[
            ("csrf", &csrf),
            ("email", "nobody@maker.example"),
            ("role", "creator"),
        ],
        Some("zh-HK"),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("請對方先註冊"), "{html}");

    let (_, _, html) = get(&approver, &changes, None).await?;
    assert!(html.contains("approve-form"), "{html}");
    let approver_csrf = approver.csrf.clone();
    let (status, _, _) = post(
        &approver,
        &format!("{changes}/decide"),
        &[
            ("csrf", &approver_csrf),
            ("proposal_id", &proposal_id),
            ("decision", "approve"),
        ],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&approver, &changes, None).await?;
    assert!(html.contains("data-status=\"approved\""), "{html}");
    assert!(html.contains("eidapi_auth eidapi_profiles"), "{html}");

    // Outsiders get "not found", in their language; a visitor without a session is asked to sign in.
    let outsider = signed_up(portal, "outsider@maker.example").await?;
    let (status, _, html) = get(&outsider, &changes, Some("zh-HK")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("找不到"), "{html}");
    let (status, _, _) = get(&outsider, &members, None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = post(
        &outsider,
        &format!("{changes}/decide"),
        &[
            ("csrf", &outsider.csrf),
            ("proposal_id", &proposal_id),
            ("decision", "reject"),
        ],
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let stranger = Visitor::arrive(portal).await?;
    let (status, _, html) = get(&stranger, &changes, None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("sign in first"), "{html}");
    Ok(())
}

on_both_engines!(
    the_changes_page_proposes_and_another_approver_decides,
    sqlite_the_changes_page_proposes_and_another_approver_decides,
    postgres_the_changes_page_proposes_and_another_approver_decides
);

#[tokio::test]
async fn the_request_detail_page_shows_the_masked_exchange_to_members_only() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let (mut owner, sandbox) = owner_with_sandbox(&portal, "detail@inspector.example").await?;
    assert_eq!(
        get_key_code(&portal, &sandbox.client_id, &sandbox.client_secret).await?,
        "D00000"
    );
    let mut request_id = String::new();
    for _ in 0..50 {
        let (_, body) = owner
            .call("load_requests", "", &[("sandbox_id", &sandbox.sandbox_id)])
            .await?;
        let rows: serde_json::Value = serde_json::from_str(&body)?;
        if let Some(id) = rows[0]["request_id"].as_str() {
            request_id = id.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    anyhow::ensure!(!request_id.is_empty(), "the getKey request was recorded");
    let path = format!(
        "/console/sandboxes/{}/requests/{request_id}",
        sandbox.sandbox_id
    );
    let (status, _, html) = get(&owner, &path, None).await?;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("<code id=\"request-code\">D00000</code>"),
        "{html}"
    );
    assert!(html.contains("id=\"response-json\""), "{html}");
    assert!(html.contains("«masked"), "{html}");
    assert!(!html.contains(&sandbox.client_secret));
    assert!(!html.contains("<script"), "the page runs no script");
    let (_, _, html) = get(&owner, &path, Some("zh-CN")).await?;
    assert!(
        html.contains("响应内容（加密前）") || html.contains("响应内容(加密前)"),
        "{html}"
    );

    let outsider = signed_up(&portal, "peek@inspector.example").await?;
    let (status, _, _) = get(&outsider, &path, None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unknown = format!(
        "/console/sandboxes/{}/requests/no-such-request",
        sandbox.sandbox_id
    );
    let (status, _, _) = get(&owner, &unknown, None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}
