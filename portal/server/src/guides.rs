//! The guides under `/guides`: the list, each guide, search, and the diagrams they show, rendered
//! on the server with maud around HTML that `portal-docs` rendered once at start-up.
//!
//! These pages are deliberately not Leptos pages: a guide is read, not interacted with, so it needs
//! none of the hydrate bundle, and serving prepared HTML keeps it fast (thousands of pages a second).
//! They wear the portal's header, navigation and stylesheet, and speak the language the rest of the
//! portal speaks: `?lang=` (remembered in the same `lang` cookie the portal's switcher sets), then the
//! cookie, then `Accept-Language`. A guide that has not been translated is shown in English with a
//! notice saying so. No page here runs a script; the policy below forbids scripts entirely.

use std::sync::LazyLock;

use axum::{
    Router,
    extract::{Path, Query},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use portal_app::i18n::Lang as UiLang;
use portal_docs::{Guide, Lang, Library, LoadError};
use serde::Deserialize;

use crate::page;

/// Styles from this origin, diagrams as images from this origin, forms to this origin; no scripts.
const GUIDE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

const STYLESHEET_PATH: &str = "/guides/assets/guides.css";
const STYLESHEET: &str = include_str!("../assets/guides.css");

/// The longest search query read; longer ones are cut (a query is a few words).
const MAX_QUERY_CHARS: usize = 200;

/// The guides, rendered once per process: the content is embedded in the binary, so every server in
/// a process (the tests start many) shares one copy.
static LIBRARY: LazyLock<Result<Library, LoadError>> = LazyLock::new(Library::load);

/// The rendered guides, rendering them first if no one has yet (a reader who arrives while the background
/// render runs waits for it rather than rendering twice).
pub fn load() -> Result<&'static Library, &'static LoadError> {
    LIBRARY.as_ref()
}

/// Starts rendering the guides on their own thread, so the server is ready without waiting for them (rendering
/// and indexing every guide in three languages takes about a third of a second, as long as everything else at
/// start-up together). A guide that does not render cannot reach a build that passed the tests (`portal-docs`
/// renders every guide in its own tests), so a failure here is logged once and `/guides` answers 503 rather
/// than stopping the server.
pub fn render_in_background() {
    let spawned = std::thread::Builder::new()
        .name("render-guides".to_owned())
        .spawn(|| {
            let started = std::time::Instant::now();
            match load() {
                Ok(library) => {
                    crate::reference::prepare();
                    tracing::info!(
                        guides = library.guides().len(),
                        render_ms = started.elapsed().as_secs_f64() * 1000.0,
                        "guides and the API reference rendered"
                    );
                }
                Err(error) => {
                    tracing::error!(error = %error, "the guides in content/ could not be rendered")
                }
            }
        });
    if let Err(error) = spawned {
        // Without the thread the first reader renders them instead.
        tracing::warn!(error = %error, "could not start rendering the guides in the background");
    }
}

/// The routes under `/guides`.
pub fn router() -> Router {
    Router::new()
        .route("/guides", get(index))
        .route(
            "/guides/",
            get(|| async { axum::response::Redirect::permanent("/guides") }),
        )
        .route("/guides/search", get(search))
        .route("/guides/assets/guides.css", get(stylesheet))
        .route("/guides/diagrams/{name}", get(diagram))
        .route("/guides/{slug}", get(guide))
}

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    pub(crate) lang: Option<String>,
}

#[derive(Deserialize)]
struct SearchQuery {
    lang: Option<String>,
    q: Option<String>,
}

/// The visitor's language, and whether `?lang=` chose it (then the choice is remembered).
pub(crate) fn visitor_lang(query_lang: Option<&str>, headers: &HeaderMap) -> (UiLang, bool) {
    if let Some(lang) = query_lang.and_then(UiLang::from_tag) {
        return (lang, true);
    }
    let from_cookie = page::cookie(headers, portal_app::LANG_COOKIE)
        .as_deref()
        .and_then(UiLang::from_tag);
    let lang = from_cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(UiLang::from_accept_language)
        })
        .unwrap_or(UiLang::En);
    (lang, false)
}

fn docs_lang(lang: UiLang) -> Lang {
    Lang::from_tag(lang.tag()).unwrap_or(Lang::En)
}

pub(crate) fn html_page(
    status: StatusCode,
    lang: UiLang,
    remember: bool,
    markup: Markup,
) -> Response {
    let mut response = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(GUIDE_CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::VARY,
                HeaderValue::from_static("Cookie, Accept-Language"),
            ),
        ],
        markup.into_string(),
    )
        .into_response();
    if remember && let Ok(cookie) = HeaderValue::from_str(&portal_app::cookie_value(lang)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub(crate) fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The guides could not be loaded.",
    )
        .into_response()
}

/// `GET /guides`: every guide with its summary.
async fn index(Query(query): Query<LangQuery>, headers: HeaderMap) -> Response {
    let Ok(library) = load() else {
        return unavailable();
    };
    let (lang, remember) = visitor_lang(query.lang.as_deref(), &headers);
    let words = GuideWords::of(lang);
    let body = html! {
        article.guide-index {
            h1 { (words.guides_title) }
            p.lead { (words.guides_lead) }
            ol.guide-cards {
                @for guide in library.guides() {
                    @let (page, shown_in) = guide.page_or_english(docs_lang(lang));
                    li.card {
                        h2 { a href={ "/guides/" (guide.slug) } data-guide=(guide.slug) { (page.title) } }
                        p { (page.summary) }
                        @if shown_in != docs_lang(lang) {
                            p.badge { (words.in_english_badge) }
                        }
                    }
                }
            }
        }
    };
    html_page(
        StatusCode::OK,
        lang,
        remember,
        frame(
            library,
            lang,
            &FramePage {
                title: words.guides_title,
                ..FramePage::default()
            },
            body,
        ),
    )
}

/// `GET /guides/{slug}`: one guide, in the visitor's language or in English with a notice.
async fn guide(
    Path(slug): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let Ok(library) = load() else {
        return unavailable();
    };
    let (lang, remember) = visitor_lang(query.lang.as_deref(), &headers);
    let (status, markup) = guide_page(library, &slug, lang);
    html_page(status, lang, remember, markup)
}

/// The page of the guide `slug` in `lang`, or the guides' not-found page.
fn guide_page(library: &Library, slug: &str, lang: UiLang) -> (StatusCode, Markup) {
    let words = GuideWords::of(lang);
    let Some(guide) = library.guide(slug) else {
        let body = html! {
            article.guide {
                h1 { (words.not_found_title) }
                p { (words.not_found_body) " " a href="/guides" { (words.all_guides) } }
            }
        };
        return (
            StatusCode::NOT_FOUND,
            frame(
                library,
                lang,
                &FramePage {
                    title: words.not_found_title,
                    ..FramePage::default()
                },
                body,
            ),
        );
    };
    let (page, shown_in) = guide.page_or_english(docs_lang(lang));
    let missing = shown_in != docs_lang(lang);
    let body = html! {
        article.guide data-guide=(guide.slug) data-shown-in=(shown_in.tag()) lang=(shown_in.tag()) {
            @if missing {
                p.translation-missing role="note" data-translation-missing=(lang.tag()) lang=(lang.tag()) {
                    (words.translation_missing)
                }
            }
            h1 #guide-title { (page.title) }
            @if !page.toc.is_empty() {
                nav.toc aria-labelledby="toc-title" {
                    h2 #toc-title lang=(lang.tag()) { (words.on_this_page) }
                    ol {
                        @for entry in &page.toc {
                            li class={ "toc-level-" (entry.level) } {
                                a href={ "#" (entry.id) } { (entry.title) }
                            }
                        }
                    }
                }
            }
            div.guide-body { (PreEscaped(&page.html)) }
            (neighbours(library, guide, lang, words))
        }
    };
    (
        StatusCode::OK,
        frame(
            library,
            lang,
            &FramePage {
                title: &page.title,
                current: Some(&guide.slug),
                ..FramePage::default()
            },
            body,
        ),
    )
}

/// Links to the previous and next guide in reading order.
fn neighbours(library: &Library, guide: &Guide, lang: UiLang, words: &GuideWords) -> Markup {
    let guides = library.guides();
    let position = guides
        .iter()
        .position(|candidate| candidate.slug == guide.slug);
    let previous = position
        .and_then(|index| index.checked_sub(1))
        .and_then(|index| guides.get(index));
    let next = position.and_then(|index| guides.get(index + 1));
    html! {
        nav.guide-neighbours aria-label=(words.more_guides) {
            @if let Some(previous) = previous {
                a.previous rel="prev" href={ "/guides/" (previous.slug) } {
                    "← " (previous.page_or_english(docs_lang(lang)).0.title)
                }
            }
            @if let Some(next) = next {
                a.next rel="next" href={ "/guides/" (next.slug) } {
                    (next.page_or_english(docs_lang(lang)).0.title) " →"
                }
            }
        }
    }
}

/// `GET /guides/search?q=…`: guides containing every word, best first.
async fn search(Query(query): Query<SearchQuery>, headers: HeaderMap) -> Response {
    let Ok(library) = load() else {
        return unavailable();
    };
    let (lang, remember) = visitor_lang(query.lang.as_deref(), &headers);
    let words = GuideWords::of(lang);
    let text: String = query
        .q
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let hits = library.search(&text, docs_lang(lang), 30);
    let body = html! {
        article.guide-search {
            h1 { (words.search_title) }
            @if text.trim().is_empty() {
                p { (words.search_empty) }
            } @else if hits.is_empty() {
                p #search-summary data-results="0" { (words.no_results) " “" (text.trim()) "”" }
            } @else {
                p #search-summary data-results=(hits.len()) { (words.results_for) " “" (text.trim()) "”" }
                ol.search-results {
                    @for hit in &hits {
                        li {
                            a href={ "/guides/" (hit.slug) } data-guide=(hit.slug) { (hit.title) }
                            @if hit.shown_in != docs_lang(lang) {
                                " " span.badge { (words.in_english_badge) }
                            }
                            p.snippet { (hit.snippet) }
                        }
                    }
                }
            }
        }
    };
    let switch_query = format!("&q={}", mock_iamsmart::crypto::url_encode(&text));
    html_page(
        StatusCode::OK,
        lang,
        remember,
        frame(
            library,
            lang,
            &FramePage {
                title: words.search_title,
                query: &text,
                switch_query: &switch_query,
                ..FramePage::default()
            },
            body,
        ),
    )
}

/// `GET /guides/diagrams/{name}`: a sequence diagram, as the SVG file it is.
async fn diagram(Path(name): Path<String>) -> Response {
    let Some(svg) = load().ok().and_then(|library| library.diagram(&name)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        svg.to_owned(),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// What the frame around a page needs to know about it.
#[derive(Clone, Copy, Default)]
pub(crate) struct FramePage<'a> {
    /// The document title (the product name follows it).
    pub title: &'a str,
    /// The guide being shown, highlighted in the list.
    pub current: Option<&'a str>,
    /// The search box's text.
    pub query: &'a str,
    /// Appended to the language links (to keep a search).
    pub switch_query: &'a str,
    /// Whether this is the API reference rather than a guide.
    pub reference: bool,
}

/// The portal's header, navigation and language switcher, the list of guides with the search box,
/// and the footer, around `body`.
pub(crate) fn frame(library: &Library, lang: UiLang, page: &FramePage<'_>, body: Markup) -> Markup {
    let FramePage {
        title,
        current,
        query,
        switch_query,
        reference,
    } = *page;
    let text = lang.text();
    let words = GuideWords::of(lang);
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (title) " — " (text.product_name) }
                link rel="stylesheet" href="/pkg/portal.css";
                link rel="stylesheet" href=(STYLESHEET_PATH);
                link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml";
            }
            body {
                header.site-header {
                    a.skip-link href="#main" { (words.skip_to_content) }
                    a.brand href="/" {
                        span.brand-mark aria-hidden="true" { "iAM" }
                        span.brand-name { (text.product_name) }
                    }
                    nav.site-nav aria-label="Main" {
                        a href="/" { (text.nav_home) }
                        a href="/guides" aria-current=[(!reference).then_some("page")] { (text.nav_guides) }
                        a href="/reference" aria-current=[reference.then_some("page")] { (words.api_reference) }
                        a href="/console" { (text.console.nav_console) }
                        a href="/sign-in" { (text.nav_sign_in) }
                        a.nav-cta href="/sign-up" { (text.nav_sign_up) }
                    }
                    div.lang-switcher role="group" aria-label=(text.language_label) {
                        @for choice in UiLang::ALL {
                            a href={ "?lang=" (choice.tag()) (switch_query) }
                                hreflang=(choice.tag())
                                lang=(choice.tag())
                                data-lang=(choice.tag())
                                aria-current=[(choice == lang).then_some("true")]
                            { (choice.native_name()) }
                        }
                    }
                }
                main #main .guides-layout {
                    aside.guide-sidebar {
                        form.guide-search-form role="search" action="/guides/search" method="get" {
                            label for="guide-search" { (words.search_label) }
                            input #guide-search type="search" name="q" value=(query) maxlength=(MAX_QUERY_CHARS)
                                placeholder=(words.search_placeholder);
                            button type="submit" { (words.search_button) }
                        }
                        nav.guide-list aria-label=(words.guides_title) {
                            ol {
                                @for guide in library.guides() {
                                    li {
                                        a href={ "/guides/" (guide.slug) }
                                            aria-current=[(current == Some(guide.slug.as_str())).then_some("page")]
                                        { (guide.page_or_english(docs_lang(lang)).0.title) }
                                    }
                                }
                            }
                        }
                    }
                    (body)
                }
                footer.site-footer { p { (text.footer) } }
            }
        }
    }
}

/// The guide pages' own words, in each language; the portal's shared words come from `portal-app`.
pub(crate) struct GuideWords {
    pub(crate) api_reference: &'static str,
    pub(crate) reference_lead: &'static str,
    pub(crate) try_it_link: &'static str,
    guides_title: &'static str,
    guides_lead: &'static str,
    skip_to_content: &'static str,
    on_this_page: &'static str,
    translation_missing: &'static str,
    in_english_badge: &'static str,
    more_guides: &'static str,
    all_guides: &'static str,
    not_found_title: &'static str,
    not_found_body: &'static str,
    search_label: &'static str,
    search_placeholder: &'static str,
    search_button: &'static str,
    search_title: &'static str,
    search_empty: &'static str,
    results_for: &'static str,
    no_results: &'static str,
}

impl GuideWords {
    pub(crate) fn of(lang: UiLang) -> &'static GuideWords {
        match lang {
            UiLang::En => &EN,
            UiLang::ZhHk => &ZH_HK,
            UiLang::ZhCn => &ZH_CN,
        }
    }
}

static EN: GuideWords = GuideWords {
    api_reference: "API reference",
    reference_lead: "Every /api/v1 endpoint of a sandbox, generated from the mock's own wire types. The reference is in \
                     English, as the API is.",
    try_it_link: "Try it: send signed and encrypted requests to your own sandbox from the browser",
    guides_title: "Guides",
    guides_lead: "Everything you need to integrate with iAM Smart against your own sandbox, from the first login to \
                  the approval of your service.",
    skip_to_content: "Skip to content",
    on_this_page: "On this page",
    translation_missing: "This guide has not been translated into English yet, so it is shown in English.",
    in_english_badge: "In English",
    more_guides: "More guides",
    all_guides: "See all guides.",
    not_found_title: "Guide not found",
    not_found_body: "There is no guide at this address.",
    search_label: "Search the guides",
    search_placeholder: "e.g. getKey, D30002, persona",
    search_button: "Search",
    search_title: "Search",
    search_empty: "Type a word to search every guide.",
    results_for: "Guides containing",
    no_results: "No guide contains",
};

static ZH_HK: GuideWords = GuideWords {
    api_reference: "介面參考",
    reference_lead: "沙盒每個 /api/v1 介面的說明，由模擬服務本身的線上類型產生。介面參考與介面一樣以英文撰寫。",
    try_it_link: "即時試用：在瀏覽器中向你自己的沙盒發出經簽署及加密的請求",
    guides_title: "指南",
    guides_lead: "以您自己的沙盒整合智方便所需的一切，由首次登入到服務獲批。",
    skip_to_content: "跳至內容",
    on_this_page: "本頁內容",
    translation_missing: "本指南尚未翻譯成繁體中文，現以英文顯示。",
    in_english_badge: "英文版",
    more_guides: "更多指南",
    all_guides: "查看所有指南。",
    not_found_title: "找不到指南",
    not_found_body: "此網址沒有指南。",
    search_label: "搜尋指南",
    search_placeholder: "例如 getKey、D30002、角色",
    search_button: "搜尋",
    search_title: "搜尋",
    search_empty: "輸入字詞以搜尋所有指南。",
    results_for: "包含以下字詞的指南：",
    no_results: "沒有指南包含",
};

static ZH_CN: GuideWords = GuideWords {
    api_reference: "接口参考",
    reference_lead: "沙盒每个 /api/v1 接口的说明，由模拟服务本身的线上类型生成。接口参考与接口一样以英文撰写。",
    try_it_link: "在线试用：在浏览器中向你自己的沙盒发送经签名和加密的请求",
    guides_title: "指南",
    guides_lead: "用您自己的沙盒集成智方便所需的一切，从首次登录到服务获批。",
    skip_to_content: "跳至内容",
    on_this_page: "本页内容",
    translation_missing: "本指南尚未翻译成简体中文，现以英文显示。",
    in_english_badge: "英文版",
    more_guides: "更多指南",
    all_guides: "查看所有指南。",
    not_found_title: "找不到指南",
    not_found_body: "此网址没有指南。",
    search_label: "搜索指南",
    search_placeholder: "例如 getKey、D30002、角色",
    search_button: "搜索",
    search_title: "搜索",
    search_empty: "输入字词以搜索所有指南。",
    results_for: "包含以下字词的指南：",
    no_results: "没有指南包含",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> Library {
        match Library::from_files(
            &[
                (
                    "en/01-start.md",
                    "# Start\n\nFirst steps.\n\n## Keys\n\nCall getKey.\n",
                ),
                (
                    "zh-HK/01-start.md",
                    "# 開始\n\n第一步。\n\n## 密鑰 {#keys}\n\n呼叫 getKey。\n",
                ),
            ],
            &[],
        ) {
            Ok(library) => library,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn a_guide_missing_its_translation_is_shown_in_english_with_a_notice() {
        let (status, page) = guide_page(&library(), "start", UiLang::ZhCn);
        let page = page.into_string();
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("data-translation-missing=\"zh-CN\""),
            "{page}"
        );
        assert!(page.contains("本指南尚未翻译成简体中文"));
        assert!(page.contains("data-shown-in=\"en\""));
        assert!(page.contains("<h1 id=\"guide-title\">Start</h1>"));
        assert!(
            page.contains("<html lang=\"zh-CN\">"),
            "the portal's own words stay in the chosen language"
        );
    }

    #[test]
    fn a_translated_guide_has_no_notice_and_its_table_of_contents_links_its_headings() {
        let (_, page) = guide_page(&library(), "start", UiLang::ZhHk);
        let page = page.into_string();
        assert!(!page.contains("data-translation-missing"));
        assert!(page.contains("<a href=\"#keys\">密鑰</a>"), "{page}");
        assert!(page.contains("<h2 id=\"keys\">"));
    }

    #[test]
    fn an_unknown_guide_is_a_404_page_with_a_way_back() {
        let (status, page) = guide_page(&library(), "no-such-guide", UiLang::En);
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.into_string().contains("href=\"/guides\""));
    }
}
