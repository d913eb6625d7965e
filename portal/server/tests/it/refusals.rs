//! The console's refusals come in the visitor's language: English, 繁體中文 or 简体中文, chosen like a page's
//! language (the `lang` cookie the switcher sets, then `Accept-Language`), for every status the server functions
//! answer with — here 400, 401, 403, 404, 409 and 429.

use reqwest::{StatusCode, header};

use crate::console::{PASSWORD, Visitor, owner_with_sandbox};
use crate::support::{TestEngine, spawn_portal};

/// Posts `fields` to a console server function as `visitor`, with the extra cookie and headers given.
async fn post_in(
    visitor: &Visitor,
    function: &str,
    fields: &[(&str, &str)],
    lang_cookie: Option<&str>,
    accept_language: Option<&str>,
) -> anyhow::Result<(StatusCode, String)> {
    let mut cookies = visitor.cookies();
    if let Some(lang) = lang_cookie {
        cookies.push_str(&format!("; lang={lang}"));
    }
    let body = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", mock_iamsmart::crypto::url_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = reqwest::Client::new()
        .post(format!("{}/_console/{function}", visitor.base_url))
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body);
    if let Some(accept_language) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, accept_language);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.text().await?))
}

#[tokio::test]
async fn refusals_come_in_the_language_the_visitor_chose() -> anyhow::Result<()> {
    let Some(portal) = spawn_portal(TestEngine::Sqlite).await? else {
        anyhow::bail!("SQLite is always available");
    };
    let visitor = Visitor::arrive(&portal).await?;
    let csrf = visitor.csrf.clone();
    // 401, by the cookie the language switcher sets, and by Accept-Language when there is no cookie. Each case
    // signs in as another address, so the sign-in rate limit (per address) stays out of the way.
    for (case, (cookie, accept, expected)) in [
        (None, None, "the e-mail address or password is not right"),
        (Some("zh-HK"), None, "電郵地址或密碼不正確"),
        (Some("zh-CN"), None, "电子邮件地址或密码不正确"),
        (None, Some("zh-TW,zh;q=0.9"), "電郵地址或密碼不正確"),
        (None, Some("zh-CN,zh;q=0.9"), "电子邮件地址或密码不正确"),
        (
            Some("en"),
            Some("zh-CN"),
            "the e-mail address or password is not right",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("nobody{case}@example.com");
        let wrong = [
            ("csrf", csrf.as_str()),
            ("email", email.as_str()),
            ("password", "not the password at all"),
        ];
        let (status, body) = post_in(&visitor, "sign_in", &wrong, cookie, accept).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(body.contains(expected), "{cookie:?} {accept:?}: {body}");
    }

    // 429: the sign-in rate limit, in 简体中文.
    let limited = [
        ("csrf", csrf.as_str()),
        ("email", "limited@example.com"),
        ("password", "not the password at all"),
    ];
    let mut last = (StatusCode::OK, String::new());
    for _ in 0..6 {
        last = post_in(&visitor, "sign_in", &limited, Some("zh-CN"), None).await?;
    }
    assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{}", last.1);
    assert!(last.1.contains("登录失败次数过多"), "{}", last.1);

    // 403: a form without the CSRF token.
    let (status, body) = post_in(
        &visitor,
        "create_org",
        &[("csrf", "forged"), ("name", "Harbour Fintech")],
        Some("zh-HK"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("此表格已過期"), "{body}");

    // 401 for a visitor without a session, and 400 for a name that is too long.
    let (status, body) = post_in(
        &visitor,
        "create_org",
        &[("csrf", &csrf), ("name", "Harbour Fintech")],
        Some("zh-CN"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("请先登录"), "{body}");

    let (owner, sandbox) = owner_with_sandbox(&portal, "refusals@example.com").await?;
    let owner_csrf = owner.csrf.clone();
    let long_name = "名".repeat(101);
    let (status, body) = post_in(
        &owner,
        "create_org",
        &[("csrf", &owner_csrf), ("name", &long_name)],
        Some("zh-HK"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("請輸入 1 至 100 個字元的名稱"), "{body}");

    // 404: someone else's sandbox.
    let mut stranger = Visitor::arrive(&portal).await?;
    stranger
        .sign_up("stranger-refusals@example.com", PASSWORD)
        .await?;
    let stranger_csrf = stranger.csrf.clone();
    let (status, body) = post_in(
        &stranger,
        "reset_sandbox",
        &[
            ("csrf", &stranger_csrf),
            ("sandbox_id", &sandbox.sandbox_id),
        ],
        Some("zh-CN"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("未找到"), "{body}");

    // 409: an e-mail address that already has an account.
    let fresh = Visitor::arrive(&portal).await?;
    let fresh_csrf = fresh.csrf.clone();
    let (status, body) = post_in(
        &fresh,
        "sign_up",
        &[
            ("csrf", &fresh_csrf),
            ("email", "refusals@example.com"),
            ("display_name", "Chan Tai Man"),
            ("password", PASSWORD),
        ],
        Some("zh-HK"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("此電郵地址已有帳戶"), "{body}");
    Ok(())
}
