//! `/reference/try`: the try-it console. The page lists every signed `POST /api/v1` operation of the committed
//! OpenAPI document with an example content, and loads `/pkg/try-it.js`, which signs and encrypts the request in
//! the browser with the `portal-tryit` wasm module (mock-iamsmart's own client code) and sends it to this
//! portal's API, so it reaches the developer's sandbox exactly as their own code would.
//!
//! The server renders the form and nothing else: it never sees the client secret or the private key (they are
//! typed into the page and stay there), and this module never calls a sandbox. The page's policy allows
//! scripts and wasm from this origin only and `fetch` to this origin only.

use std::sync::LazyLock;

use axum::{
    extract::Query,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use maud::{Markup, html};
use portal_app::i18n::Lang as UiLang;
use serde::Deserialize;
use serde_json::Value;

use crate::guides::{self, FramePage};

/// Scripts and the wasm module from this origin (`'wasm-unsafe-eval'` lets the page compile it), requests to this
/// origin only, no inline script or style.
const TRY_IT_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
     style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Where the page script is served (built by `cargo xtask` from `portal/tryit/js/try-it.js`).
pub const SCRIPT_PATH: &str = "/pkg/try-it.js";

/// The operation the page opens with: the first call every integration makes.
const DEFAULT_OPERATION: &str = "/api/v1/security/getKey";

/// One operation the console can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub path: String,
    pub summary: String,
    /// Whether the body is `{"content": …}` encrypted with the CEK.
    pub encrypted: bool,
    /// The example content, as pretty JSON, that fills the content box.
    pub example: String,
}

static OPERATIONS: LazyLock<Vec<Operation>> = LazyLock::new(|| {
    serde_json::from_str(crate::reference::DOCUMENT)
        .map(|document: Value| operations(&document))
        .unwrap_or_default()
});

#[derive(Deserialize)]
pub struct TryQuery {
    lang: Option<String>,
    #[serde(rename = "clientID")]
    client_id: Option<String>,
    operation: Option<String>,
}

/// `GET /reference/try`.
pub async fn page(Query(query): Query<TryQuery>, headers: HeaderMap) -> Response {
    let Ok(library) = guides::load() else {
        return guides::unavailable();
    };
    let (lang, remember) = guides::visitor_lang(query.lang.as_deref(), &headers);
    let words = TryWords::of(lang);
    // Only a client ID's own characters are echoed into the form; anything else starts it empty.
    let client_id = query
        .client_id
        .filter(|id| id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_default();
    let chosen = query
        .operation
        .filter(|path| OPERATIONS.iter().any(|operation| &operation.path == path))
        .unwrap_or_else(|| DEFAULT_OPERATION.to_owned());
    let body = body(words, &OPERATIONS, &client_id, &chosen);
    let frame = FramePage {
        title: words.title,
        reference: true,
        ..FramePage::default()
    };
    let mut response = guides::html_page(
        StatusCode::OK,
        lang,
        remember,
        guides::frame(library, lang, &frame, body),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(TRY_IT_CSP),
    );
    response
}

fn body(words: &TryWords, operations: &[Operation], client_id: &str, chosen: &str) -> Markup {
    html! {
        article.guide.try-it {
            h1 #guide-title { (words.title) }
            p.lead { (words.lead) }
            p.notice role="note" { (words.privacy) }
            noscript { p.notice { (words.noscript) } }
            form #try-form
                data-key-none=(words.key_none)
                data-key-held=(words.key_held)
                data-key-expires=(words.key_expires)
                data-sending=(words.sending)
                data-network-error=(words.network_error)
            {
                fieldset {
                    legend { (words.credentials) }
                    label for="try-client-id" { (words.client_id) }
                    input #try-client-id name="clientID" type="text" autocomplete="off" spellcheck="false"
                        required value=(client_id);
                    label for="try-client-secret" { (words.client_secret) }
                    input #try-client-secret name="clientSecret" type="password" autocomplete="off" required;
                    label for="try-private-key" { (words.private_key) }
                    textarea #try-private-key name="privateKey" rows="4" spellcheck="false" autocomplete="off"
                        placeholder="-----BEGIN PRIVATE KEY-----" {}
                    p.hint { (words.private_key_hint) }
                }
                fieldset {
                    legend { (words.request) }
                    label for="try-operation" { (words.operation) }
                    select #try-operation name="operation" {
                        @for operation in operations {
                            option value=(operation.path)
                                selected[operation.path == chosen]
                                data-encrypted=(if operation.encrypted { "true" } else { "false" })
                                data-example=(operation.example)
                            {
                                (operation.path.trim_start_matches("/api/v1/")) " — " (operation.summary)
                                @if operation.encrypted { " " (words.encrypted_badge) }
                            }
                        }
                    }
                    label for="try-content" { (words.content) }
                    textarea #try-content name="content" rows="8" spellcheck="false" {}
                    p #try-key-state role="status" data-state="none" { (words.key_none) }
                    button #try-send type="submit" disabled { (words.send) }
                }
            }
            p #try-error.error role="alert" {}
            h2 { (words.wire) }
            pre #try-wire {}
            h2 { (words.response) }
            p #try-status role="status" {}
            pre #try-response {}
            h2 { (words.decrypted) }
            pre #try-decrypted {}
            p #try-note {}
            p { a #try-inspector hidden { (words.inspector) } }
            p { a href="/reference" { (words.back_to_reference) } }
            script type="module" src=(SCRIPT_PATH) {}
        }
    }
}

/// Every signed `POST /api/v1` operation of the document, in its order, with an example content.
pub fn operations(document: &Value) -> Vec<Operation> {
    let empty = serde_json::Map::new();
    let paths = document["paths"].as_object().unwrap_or(&empty);
    paths
        .iter()
        .filter_map(|(path, item)| {
            let operation = item.get("post")?;
            let body = &operation["requestBody"]["content"]["application/json"];
            let encrypted = schema_name(&body["schema"]) == Some("EncryptedBody");
            let example = if encrypted {
                decrypted_type(
                    operation["requestBody"]["description"]
                        .as_str()
                        .unwrap_or_default(),
                )
                .and_then(|name| document["components"]["schemas"].get(name))
                .map(|schema| example_of(document, schema, 0))
                .unwrap_or_else(|| Value::Object(serde_json::Map::new()))
            } else if !body["example"].is_null() {
                body["example"].clone()
            } else {
                example_of(document, &body["schema"], 0)
            };
            Some(Operation {
                path: path.clone(),
                summary: operation["summary"].as_str().unwrap_or_default().to_owned(),
                encrypted,
                example: serde_json::to_string_pretty(&example).unwrap_or_else(|_| "{}".to_owned()),
            })
        })
        .collect()
}

fn schema_name(schema: &Value) -> Option<&str> {
    schema["$ref"]
        .as_str()
        .and_then(|reference| reference.rsplit('/').next())
}

/// The type an encrypted body decrypts to, as the document's descriptions name it: "`content` decrypts to `X`".
fn decrypted_type(description: &str) -> Option<&str> {
    let (_, rest) = description.split_once("decrypts to `")?;
    rest.split_once('`').map(|(name, _)| name)
}

/// An example value for `schema`: its own example, else an object of its properties' examples (required
/// properties get a placeholder of their type), following `$ref`s a few levels deep.
fn example_of(document: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 4 {
        return Value::Null;
    }
    if let Some(name) = schema_name(schema) {
        return document["components"]["schemas"]
            .get(name)
            .map_or(Value::Null, |resolved| {
                example_of(document, resolved, depth + 1)
            });
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema["examples"]
        .as_array()
        .and_then(|examples| examples.first())
    {
        return first.clone();
    }
    if let Some(properties) = schema["properties"].as_object() {
        let object = properties
            .iter()
            .filter_map(|(name, property)| {
                let value = example_of(document, property, depth + 1);
                (!value.is_null() || crate::reference::required(schema, name))
                    .then(|| (name.clone(), value))
            })
            .collect();
        return Value::Object(object);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.as_str(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or(""),
        _ => "",
    };
    match kind {
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        "array" => Value::Array(Vec::new()),
        "object" => Value::Object(serde_json::Map::new()),
        _ => Value::Null,
    }
}

/// The page's words; the operations' summaries are the document's, in English like the API.
struct TryWords {
    title: &'static str,
    lead: &'static str,
    privacy: &'static str,
    noscript: &'static str,
    credentials: &'static str,
    client_id: &'static str,
    client_secret: &'static str,
    private_key: &'static str,
    private_key_hint: &'static str,
    request: &'static str,
    operation: &'static str,
    encrypted_badge: &'static str,
    content: &'static str,
    send: &'static str,
    key_none: &'static str,
    key_held: &'static str,
    key_expires: &'static str,
    sending: &'static str,
    network_error: &'static str,
    wire: &'static str,
    response: &'static str,
    decrypted: &'static str,
    inspector: &'static str,
    back_to_reference: &'static str,
}

impl TryWords {
    fn of(lang: UiLang) -> &'static TryWords {
        match lang {
            UiLang::En => &EN,
            UiLang::ZhHk => &ZH_HK,
            UiLang::ZhCn => &ZH_CN,
        }
    }
}

static EN: TryWords = TryWords {
    title: "Try it",
    lead: "Send real signed and encrypted requests to your own sandbox from this page. The envelope — the HMAC \
           signature, the content key and AES-256-GCM — is computed in your browser by WebAssembly built from the \
           same Rust code the mock uses.",
    privacy: "Your client secret and private key stay in this page: they are not stored and not sent. Only the \
              signed request goes to the sandbox, without cookies.",
    noscript: "The console needs JavaScript and WebAssembly to sign requests in your browser.",
    credentials: "Your sandbox",
    client_id: "Client ID",
    client_secret: "Client secret",
    private_key: "RP private key (PEM, optional)",
    private_key_hint: "Needed to unwrap the content key that security/getKey returns; every encrypted API needs \
                       that key. Use the private key of the public key you uploaded.",
    request: "Request",
    operation: "Operation",
    encrypted_badge: "(encrypted)",
    content: "Content (JSON; encrypted before sending where the API wants it)",
    send: "Send",
    key_none: "No content key yet: send security/getKey with your private key filled in.",
    key_held: "Content key held, fingerprint",
    key_expires: "expires",
    sending: "Sending…",
    network_error: "The request did not reach the portal:",
    wire: "Wire request",
    response: "Response",
    decrypted: "Content as your code reads it",
    inspector: "Open this request in the inspector",
    back_to_reference: "Back to the API reference",
};

static ZH_HK: TryWords = TryWords {
    title: "即時試用",
    lead: "在此頁向你自己的沙盒發出真正經簽署及加密的請求。信封的 HMAC 簽署、內容密鑰及 AES-256-GCM 加密，\
           由瀏覽器中的 WebAssembly 計算，而它與模擬服務使用同一套 Rust 程式碼建成。",
    privacy: "你的客戶端密鑰及私鑰只留在此頁：不會被儲存，也不會被傳送。只有已簽署的請求會發往沙盒，且不附帶 Cookie。",
    noscript: "此控制台需要 JavaScript 及 WebAssembly，才能在瀏覽器中簽署請求。",
    credentials: "你的沙盒",
    client_id: "客戶端 ID（Client ID）",
    client_secret: "客戶端密鑰（Client secret）",
    private_key: "RP 私鑰（PEM，可選填）",
    private_key_hint: "用來解開 security/getKey 傳回的內容密鑰；所有加密 API 都需要這把密鑰。請使用與你上載的公鑰相配的私鑰。",
    request: "請求",
    operation: "操作",
    encrypted_badge: "（加密）",
    content: "內容（JSON；如 API 要求，會在傳送前加密）",
    send: "傳送",
    key_none: "尚未有內容密鑰：請填上私鑰後傳送 security/getKey。",
    key_held: "已持有內容密鑰，指紋",
    key_expires: "到期",
    sending: "傳送中…",
    network_error: "請求未能到達入門網站：",
    wire: "實際傳送的請求",
    response: "回應",
    decrypted: "你的程式讀到的內容",
    inspector: "在請求檢查器中打開此請求",
    back_to_reference: "返回 API 參考",
};

static ZH_CN: TryWords = TryWords {
    title: "在线试用",
    lead: "在此页向你自己的沙盒发送真正经签名和加密的请求。信封的 HMAC 签名、内容密钥和 AES-256-GCM 加密，\
           由浏览器中的 WebAssembly 计算，它与模拟服务使用同一套 Rust 代码构建。",
    privacy: "你的客户端密钥和私钥只留在此页：不会被保存，也不会被发送。只有已签名的请求会发往沙盒，且不带 Cookie。",
    noscript: "此控制台需要 JavaScript 和 WebAssembly，才能在浏览器中签名请求。",
    credentials: "你的沙盒",
    client_id: "客户端 ID（Client ID）",
    client_secret: "客户端密钥（Client secret）",
    private_key: "RP 私钥（PEM，可选）",
    private_key_hint: "用于解开 security/getKey 返回的内容密钥；所有加密 API 都需要这把密钥。请使用与你上传的公钥匹配的私钥。",
    request: "请求",
    operation: "操作",
    encrypted_badge: "（加密）",
    content: "内容（JSON；如 API 要求，会在发送前加密）",
    send: "发送",
    key_none: "尚无内容密钥：请填写私钥后发送 security/getKey。",
    key_held: "已持有内容密钥，指纹",
    key_expires: "到期",
    sending: "发送中…",
    network_error: "请求未能到达门户：",
    wire: "实际发送的请求",
    response: "响应",
    decrypted: "你的代码读到的内容",
    inspector: "在请求检查器中打开此请求",
    back_to_reference: "返回 API 参考",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn committed() -> Value {
        serde_json::from_str(crate::reference::DOCUMENT).expect("the committed document is JSON")
    }

    #[test]
    fn every_signed_post_operation_of_the_document_is_offered() {
        let document = committed();
        let offered: Vec<String> = operations(&document)
            .into_iter()
            .map(|op| op.path)
            .collect();
        let posts: Vec<String> = document["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .filter(|(_, item)| item.get("post").is_some())
            .map(|(path, _)| path.clone())
            .collect();
        assert_eq!(offered, posts);
        assert!(offered.iter().any(|path| path == DEFAULT_OPERATION));
    }

    #[test]
    fn get_key_is_plain_and_get_token_is_encrypted_with_an_example_to_edit() {
        let operations = operations(&committed());
        let find = |path: &str| {
            operations
                .iter()
                .find(|operation| operation.path == path)
                .unwrap_or_else(|| panic!("{path} is offered"))
        };
        assert!(!find("/api/v1/security/getKey").encrypted);
        let get_token = find("/api/v1/auth/getToken");
        assert!(get_token.encrypted);
        let example: Value = serde_json::from_str(&get_token.example).expect("JSON example");
        assert!(example.get("code").is_some(), "{example}");
        assert!(example.get("grantType").is_some(), "{example}");
        for operation in &operations {
            let example: Value = serde_json::from_str(&operation.example).expect("JSON example");
            assert!(example.is_object(), "{}: {example}", operation.path);
        }
    }

    #[test]
    fn the_decrypted_type_is_read_from_the_description() {
        assert_eq!(
            decrypted_type("`content` decrypts to `GetTokenRequest`."),
            Some("GetTokenRequest")
        );
        assert_eq!(decrypted_type("plain"), None);
    }

    #[test]
    fn the_form_echoes_only_a_plausible_client_id_and_every_language_has_its_words() {
        for lang in [UiLang::En, UiLang::ZhHk, UiLang::ZhCn] {
            let markup =
                body(TryWords::of(lang), &OPERATIONS, "abc123", DEFAULT_OPERATION).into_string();
            assert!(markup.contains(r#"value="abc123""#));
            assert!(markup.contains(SCRIPT_PATH));
            assert!(
                markup
                    .contains(r#"value="/api/v1/security/getKey" selected data-encrypted="false""#)
            );
        }
        assert_ne!(EN.title, ZH_HK.title);
        assert_ne!(ZH_HK.lead, ZH_CN.lead);
    }
}
