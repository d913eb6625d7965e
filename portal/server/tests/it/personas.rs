//! The console's persona pages over real HTTP, as a browser posts their forms: per-field validation errors,
//! import and export round trips, the persona set, reset to the catalogue, CSRF and role checks, isolation
//! between organisations — and custom personas reaching the sandbox's virtual phone.

use anyhow::Context;
use reqwest::{StatusCode, header, redirect::Policy};
use serde_json::Value;

use crate::support::{TestPortal, on_both_engines};

const PASSWORD: &str = "a long enough passphrase";

/// A browser without JavaScript with its own cookies.
struct Developer {
    http: reqwest::Client,
    base_url: String,
    csrf: String,
    session: Option<String>,
}

fn set_cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
}

impl Developer {
    /// Opens the sign-up page for a CSRF cookie and signs up.
    async fn sign_up(portal: &TestPortal, email: &str) -> anyhow::Result<Developer> {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()?;
        let response = http.get(portal.url("/sign-up")).send().await?;
        let csrf = set_cookie_value(&response, "portal_csrf").context("a CSRF cookie")?;
        let mut developer = Developer {
            http,
            base_url: portal.base_url.clone(),
            csrf,
            session: None,
        };
        let (status, body) = developer
            .call(
                "sign_up",
                &[
                    ("email", email),
                    ("display_name", "Persona Tester"),
                    ("password", PASSWORD),
                ],
            )
            .await?;
        anyhow::ensure!(developer.session.is_some(), "sign-up: {status} {body}");
        Ok(developer)
    }

    fn cookies(&self) -> String {
        let mut cookie = format!("portal_csrf={}", self.csrf);
        if let Some(session) = &self.session {
            cookie.push_str(&format!("; portal_session={session}"));
        }
        cookie
    }

    /// Posts a form to a console server function (the Leptos console), with this developer's CSRF token.
    async fn call(
        &mut self,
        function: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let csrf = self.csrf.clone();
        self.call_with_csrf(function, &csrf, fields).await
    }

    async fn call_with_csrf(
        &mut self,
        function: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let mut pairs = vec![("csrf", csrf)];
        pairs.extend_from_slice(fields);
        let body = pairs
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}={}",
                    mock_iamsmart::crypto::url_encode(name),
                    mock_iamsmart::crypto::url_encode(value)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(format!("{}/_console/{function}", self.base_url))
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        if let Some(session) = set_cookie_value(&response, "portal_session") {
            self.session = Some(session).filter(|value| !value.is_empty());
        }
        let status = response.status();
        Ok((status, response.text().await?))
    }

    async fn json(&mut self, function: &str, fields: &[(&str, &str)]) -> anyhow::Result<Value> {
        let (status, body) = self.call(function, fields).await?;
        anyhow::ensure!(status == StatusCode::OK, "{function}: {status} {body}");
        Ok(serde_json::from_str(&body)?)
    }

    /// Creates an organisation and a sandbox in it; returns (org ID, sandbox ID, client ID).
    async fn sandbox(&mut self) -> anyhow::Result<(String, String, String)> {
        let (status, body) = self.call("create_org", &[("name", "Persona Lab")]).await?;
        anyhow::ensure!(status.is_success(), "create_org: {status} {body}");
        let overview = self.json("load_console", &[]).await?;
        let org_id = overview["orgs"][0]["org_id"]
            .as_str()
            .context("org")?
            .to_owned();
        let created = self
            .json(
                "create_sandbox",
                &[("org_id", &org_id), ("name", "Onboarding")],
            )
            .await?;
        let text = |value: &Value| value.as_str().map(str::to_owned).context("a string");
        Ok((
            org_id,
            text(&created["sandbox"]["sandbox_id"])?,
            text(&created["sandbox"]["client_id"])?,
        ))
    }

    async fn export(&self, sandbox_id: &str) -> anyhow::Result<(StatusCode, String)> {
        let response = self
            .http
            .get(format!(
                "{}/console/sandboxes/{sandbox_id}/personas.json",
                self.base_url
            ))
            .header(header::COOKIE, self.cookies())
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }
}

impl Developer {
    /// Posts a persona page's form (`save`, `delete`, `import`, `set`, `reset`) with this developer's token.
    async fn post(
        &self,
        sandbox_id: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        self.post_with_csrf(sandbox_id, action, &self.csrf, fields)
            .await
    }

    async fn post_with_csrf(
        &self,
        sandbox_id: &str,
        action: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let mut pairs = vec![("csrf", csrf)];
        pairs.extend_from_slice(fields);
        let response = self
            .http
            .post(format!(
                "{}/console/sandboxes/{sandbox_id}/personas/{action}",
                self.base_url
            ))
            .header(header::COOKIE, self.cookies())
            .form(&pairs)
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    async fn page(&self, path: &str) -> anyhow::Result<(StatusCode, String)> {
        let response = self
            .http
            .get(format!("{}{path}", self.base_url))
            .header(header::COOKIE, self.cookies())
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    /// The persona list page's HTML.
    async fn listing(&self, sandbox_id: &str) -> anyhow::Result<String> {
        let (status, html) = self
            .page(&format!("/console/sandboxes/{sandbox_id}/personas"))
            .await?;
        anyhow::ensure!(status == StatusCode::OK, "listing: {status} {html}");
        Ok(html)
    }
}

/// The values of `attribute="…"` in `html`, in order.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let marker = format!("{attribute}=\"");
    html.split(&marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The fields (`profile.idNo.CheckDigit`, ...) a page's problem list names.
fn problem_fields(html: &str) -> Vec<String> {
    let Some(list) = html.split("id=\"persona-problems\"").nth(1) else {
        return Vec::new();
    };
    let list = list.split("</div>").next().unwrap_or_default();
    attribute_values(list, "data-field")
}

fn listed_ids(html: &str) -> Vec<String> {
    attribute_values(html, "data-persona-id")
}

/// The `data-origin` of a listed persona.
fn origin_of(html: &str, id: &str) -> Option<String> {
    let row = html.split(&format!("data-persona-id=\"{id}\"")).nth(1)?;
    attribute_values(row, "data-origin").into_iter().next()
}

/// The value of the form input named `name`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let input = html.split(&format!("name=\"{name}\"")).nth(1)?;
    attribute_values(input, "value").into_iter().next()
}

const GOOD_FORM: [(&str, &str); 11] = [
    ("original_id", ""),
    ("id", "onboarding-tester"),
    ("userType", "sign"),
    ("status", "active"),
    ("answers", "manual"),
    ("scenario", "Our onboarding tester"),
    ("idNo", "A123456(3)"),
    ("enName", "CHAN, Tai Man"),
    ("chName", "陳大文"),
    ("mobileNumber", "+852 91234567"),
    ("emailAddress", "taiman.chan@example.com"),
];

async fn the_persona_form_reports_each_broken_rule_on_its_field(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut developer = Developer::sign_up(portal, "form@example.com").await?;
    let (_, sandbox_id, client_id) = developer.sandbox().await?;
    let mut form: Vec<(&str, &str)> = GOOD_FORM
        .iter()
        .map(|(name, value)| {
            let value = match *name {
                "idNo" => "A123456(4)",
                "mobileNumber" => "+852 21234567",
                "emailAddress" => "someone@gmail.com",
                _ => value,
            };
            (*name, value)
        })
        .collect();
    form.push(("birthDate", "19990231"));
    form.push(("residentialAddress", "{\"EngPremisesAddress\": "));
    let (status, html) = developer.post(&sandbox_id, "save", &form).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(
        problem_fields(&html),
        ["profile.residentialAddress"],
        "JSON is read first"
    );
    assert!(
        html.contains("data-error-for=\"residentialAddress\""),
        "beside its input"
    );
    assert_eq!(
        input_value(&html, "emailAddress").as_deref(),
        Some("someone@gmail.com"),
        "the form keeps what was typed"
    );

    form.retain(|(name, _)| *name != "residentialAddress");
    let (status, html) = developer.post(&sandbox_id, "save", &form).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let mut fields = problem_fields(&html);
    fields.sort();
    assert_eq!(
        fields,
        [
            "profile.birthDate",
            "profile.emailAddress",
            "profile.idNo.CheckDigit",
            "profile.mobileNumber",
        ]
    );
    for input in ["birthDate", "emailAddress", "idNo", "mobileNumber"] {
        assert!(
            html.contains(&format!("data-error-for=\"{input}\"")),
            "{input}"
        );
    }
    assert!(
        !listed_ids(&developer.listing(&sandbox_id).await?)
            .contains(&"onboarding-tester".to_owned())
    );

    let (status, body) = developer.post(&sandbox_id, "save", &GOOD_FORM).await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let listing = developer.listing(&sandbox_id).await?;
    let ids = listed_ids(&listing);
    assert_eq!(ids.last().map(String::as_str), Some("onboarding-tester"));
    assert!(listing.contains("data-persona-set=\"catalogue_and_custom\""));
    assert_eq!(
        origin_of(&listing, "onboarding-tester").as_deref(),
        Some("custom")
    );
    assert!(listing.contains("CHAN, Tai Man"));

    // The same id again as a new persona is refused; a catalogue id only through Customise.
    let (status, html) = developer.post(&sandbox_id, "save", &GOOD_FORM).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(problem_fields(&html), ["id"]);
    let mut catalogue_id = GOOD_FORM.to_vec();
    catalogue_id[1] = ("id", "iamsmart-user");
    let (status, html) = developer.post(&sandbox_id, "save", &catalogue_id).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(problem_fields(&html), ["id"]);

    // Editing brings the saved values back into the form.
    let (status, html) = developer
        .page(&format!(
            "/console/sandboxes/{sandbox_id}/personas/edit?persona=onboarding-tester"
        ))
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(input_value(&html, "idNo").as_deref(), Some("A123456(3)"));
    assert_eq!(
        input_value(&html, "mobileNumber").as_deref(),
        Some("+852 91234567")
    );

    // The sandbox offers it at once: the virtual phone lists it.
    let phone = reqwest::get(portal.url(&format!("/phone/{client_id}")))
        .await?
        .text()
        .await?;
    assert!(
        phone.contains("data-persona-id=\"onboarding-tester\""),
        "the phone offers it"
    );
    assert!(phone.contains("CHAN, Tai Man"));
    Ok(())
}

on_both_engines!(
    the_persona_form_reports_each_broken_rule_on_its_field,
    sqlite_the_persona_form_reports_each_broken_rule_on_its_field,
    postgres_the_persona_form_reports_each_broken_rule_on_its_field
);

/// maud escapes `&`, `<`, `>` and `"` in attribute values; the form's values come back through them.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn personas_export_and_import_back_unchanged_and_the_set_decides_what_is_offered(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut developer = Developer::sign_up(portal, "export@example.com").await?;
    let (_, sandbox_id, client_id) = developer.sandbox().await?;

    // Customise a catalogue persona: the form starts from its generated profile.
    let (status, html) = developer
        .page(&format!(
            "/console/sandboxes/{sandbox_id}/personas/edit?persona=iamsmart-user"
        ))
        .await?;
    assert_eq!(status, StatusCode::OK, "{html}");
    let mut form: Vec<(String, String)> = vec![("original_id".into(), "iamsmart-user".into())];
    for name in [
        "id",
        "scenario",
        "idNo",
        "enName",
        "chName",
        "birthDate",
        "mobileNumber",
    ] {
        let value = input_value(&html, name).unwrap_or_default();
        form.push((name.to_owned(), unescape(&value)));
    }
    for name in ["userType", "status", "answers"] {
        // A choice: the option marked selected.
        let select = html
            .split(&format!("name=\"{name}\""))
            .nth(1)
            .and_then(|select| select.split(" selected").next())
            .unwrap_or_default();
        let value = attribute_values(select, "value").pop().unwrap_or_default();
        form.push((name.to_owned(), value));
    }
    form.push(("emailAddress".into(), "customised.user@example.org".into()));
    let pairs: Vec<(&str, &str)> = form
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let (status, body) = developer.post(&sandbox_id, "save", &pairs).await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

    // ANCHOR: import_example
    let import = r#"[
        {"id": "gba-commuter", "userType": "default", "status": "active", "answers": "manual",
         "scenario": "Lives in Shenzhen", "profile": {"enName": {"UnstructuredName": "LEE, Ka Ho"},
         "mobileNumber": {"CountryCode": "86", "SubscriberNumber": "13800138000"}}}
    ]"#;
    // ANCHOR_END: import_example
    let (status, body) = developer
        .post(&sandbox_id, "import", &[("json", import)])
        .await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

    let (status, exported) = developer.export(&sandbox_id).await?;
    assert_eq!(status, StatusCode::OK, "{exported}");
    let personas: Value = serde_json::from_str(&exported)?;
    let ids: Vec<&str> = personas
        .as_array()
        .context("an array")?
        .iter()
        .filter_map(|persona| persona["id"].as_str())
        .collect();
    assert_eq!(ids, ["iamsmart-user", "gba-commuter"]);
    assert_eq!(
        personas[0]["profile"]["emailAddress"],
        "customised.user@example.org"
    );
    let listing = developer.listing(&sandbox_id).await?;
    assert_eq!(listed_ids(&listing)[0], "iamsmart-user");
    assert_eq!(
        origin_of(&listing, "iamsmart-user").as_deref(),
        Some("customised")
    );

    // Reset, then import the export: the same personas come back, byte for byte.
    let (status, body) = developer.post(&sandbox_id, "reset", &[]).await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(developer.export(&sandbox_id).await?.1, "[]");
    let (status, body) = developer
        .post(&sandbox_id, "import", &[("json", &exported)])
        .await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(developer.export(&sandbox_id).await?.1, exported);

    // A broken import changes nothing and names the persona and field.
    let (status, html) = developer
        .post(
            &sandbox_id,
            "import",
            &[(
                "json",
                r#"[{"id": "ok", "profile": {}}, {"id": "x", "profile": {"gender": "Q"}}]"#,
            )],
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(problem_fields(&html), ["[1].profile.gender"]);
    assert_eq!(developer.export(&sandbox_id).await?.1, exported);

    // Custom only: the phone offers exactly the developer's personas.
    let (status, body) = developer
        .post(&sandbox_id, "set", &[("persona_set", "custom_only")])
        .await?;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let phone = reqwest::get(portal.url(&format!("/phone/{client_id}")))
        .await?
        .text()
        .await?;
    assert!(phone.contains("data-persona-id=\"gba-commuter\""));
    assert!(
        !phone.contains("data-persona-id=\"iamsmart-plus-user\""),
        "no catalogue persona"
    );
    let (status, _) = developer
        .post(&sandbox_id, "set", &[("persona_set", "everyone")])
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The auto-responder must survive every change.
    let (status, body) = developer
        .call(
            "update_sandbox",
            &[
                ("sandbox_id", &sandbox_id),
                ("redirect_uris", "http://localhost:3000/callback"),
                ("protocol_mode", "strict"),
                ("code_lifetime_s", "60"),
                ("auto_responder", "gba-commuter"),
            ],
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let (status, html) = developer
        .post(&sandbox_id, "delete", &[("persona_id", "gba-commuter")])
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("auto-responder"), "{html}");
    let (status, _) = developer
        .post(&sandbox_id, "delete", &[("persona_id", "iamsmart-user")])
        .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = developer
        .post(&sandbox_id, "delete", &[("persona_id", "nobody")])
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

on_both_engines!(
    personas_export_and_import_back_unchanged_and_the_set_decides_what_is_offered,
    sqlite_personas_export_and_import_back_unchanged_and_the_set_decides_what_is_offered,
    postgres_personas_export_and_import_back_unchanged_and_the_set_decides_what_is_offered
);

async fn another_organisation_cannot_read_or_change_a_sandboxs_personas(
    portal: &TestPortal,
) -> anyhow::Result<()> {
    let mut owner = Developer::sign_up(portal, "owner.personas@example.com").await?;
    let (_, sandbox_id, _) = owner.sandbox().await?;
    let (status, _) = owner.post(&sandbox_id, "save", &GOOD_FORM).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let mut stranger = Developer::sign_up(portal, "stranger.personas@example.com").await?;
    stranger.sandbox().await?;
    for path in [
        format!("/console/sandboxes/{sandbox_id}/personas"),
        format!("/console/sandboxes/{sandbox_id}/personas/edit?persona=onboarding-tester"),
        format!("/console/sandboxes/{sandbox_id}/personas.json"),
    ] {
        let (status, body) = stranger.page(&path).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains("CHAN"), "{path} leaks nothing");
    }
    for (action, fields) in [
        ("save", GOOD_FORM.to_vec()),
        ("delete", vec![("persona_id", "onboarding-tester")]),
        ("import", vec![("json", "[]")]),
        ("set", vec![("persona_set", "catalogue")]),
        ("reset", vec![]),
    ] {
        let (status, body) = stranger.post(&sandbox_id, action, &fields).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}: {body}");
    }

    // Without the CSRF token nothing changes, even for the owner; without a session nothing is shown.
    let (status, _) = owner
        .post_with_csrf(&sandbox_id, "reset", "forged", &[])
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, exported) = owner.export(&sandbox_id).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(exported.contains("onboarding-tester"));
    for path in [
        format!("/console/sandboxes/{sandbox_id}/personas"),
        format!("/console/sandboxes/{sandbox_id}/personas.json"),
    ] {
        let anonymous = reqwest::get(portal.url(&path)).await?;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    Ok(())
}

on_both_engines!(
    another_organisation_cannot_read_or_change_a_sandboxs_personas,
    sqlite_another_organisation_cannot_read_or_change_a_sandboxs_personas,
    postgres_another_organisation_cannot_read_or_change_a_sandboxs_personas
);
