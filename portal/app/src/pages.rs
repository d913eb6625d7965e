//! The portal's pages: the landing page and the not-found page. (The guides are server-rendered outside this
//! app, by `portal-server`, and are linked with `rel="external"` so the browser loads them in full.)
//!
//! Pages read their words from the current language only; they must never hard-code visible text.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::lang::UiLang;

/// Where each of the landing page's five guide titles (`Text::guides`) leads.
const GUIDE_LINKS: [&str; 5] = [
    "/guides/getting-started",
    "/guides/envelope",
    "/guides/login",
    "/guides/personas",
    "/guides/real-environment",
];

/// The product's front page: what it is, who it is for, the three flows, how it works, and the guides.
#[component]
pub fn Landing() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || ui_lang.get().text();
    view! {
        <section class="hero">
            <h1 id="hero-title">{move || text().hero_title}</h1>
            <p class="lead">{move || text().hero_lead}</p>
            <div class="hero-actions">
                <A href="/sign-up" attr:class="button primary">
                    {move || text().hero_primary}
                </A>
                <a href="/guides" rel="external" class="button secondary">
                    {move || text().hero_secondary}
                </a>
            </div>
            <p class="notice" role="note">
                {move || text().synthetic_notice}
            </p>
        </section>
        <section class="band" aria-labelledby="flows-title">
            <h2 id="flows-title">{move || text().flows_title}</h2>
            <div class="cards">
                {(0..3)
                    .map(|index| {
                        view! {
                            <article class="card flow">
                                <h3>{move || text().flows[index].title}</h3>
                                <p>{move || text().flows[index].body}</p>
                                <code>{move || text().flows[index].endpoint}</code>
                            </article>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
        <section class="band" aria-labelledby="audiences-title">
            <h2 id="audiences-title">{move || text().audiences_title}</h2>
            <div class="cards">
                {(0..3)
                    .map(|index| {
                        view! {
                            <article class="card">
                                <h3>{move || text().audiences[index].title}</h3>
                                <p>{move || text().audiences[index].body}</p>
                            </article>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
        <section class="band" aria-labelledby="steps-title">
            <h2 id="steps-title">{move || text().steps_title}</h2>
            <ol class="steps">
                {(0..4).map(|index| view! { <li>{move || text().steps[index]}</li> }).collect_view()}
            </ol>
        </section>
        <section class="band" aria-labelledby="guides-title">
            <h2 id="guides-title">{move || text().guides_title}</h2>
            <ul class="guide-list">
                {GUIDE_LINKS
                    .into_iter()
                    .enumerate()
                    .map(|(index, href)| {
                        view! {
                            <li>
                                <a href=href rel="external">
                                    {move || text().guides[index]}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The page for any address the portal does not know; answered with HTTP 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let ui_lang = expect_context::<UiLang>();
    let text = move || ui_lang.get().text();
    view! {
        <section class="coming-soon">
            <h1>{move || text().not_found_title}</h1>
            <p>{move || text().not_found_body}</p>
            <A href="/">{move || text().back_home}</A>
        </section>
    }
}
