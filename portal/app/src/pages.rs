//! The portal's pages: the landing page, clearly marked "coming soon" pages and the not-found page.
//!
//! Pages read their words from the current language only; they must never hard-code visible text.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::lang::UiLang;

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
                <A href="/guides" attr:class="button secondary">
                    {move || text().hero_secondary}
                </A>
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
                {(0..5)
                    .map(|index| {
                        view! {
                            <li>
                                <A href="/guides">{move || text().guides[index]}</A>
                                " "
                                <span class="badge">{move || text().coming_badge}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The pages that exist in the navigation but are not built yet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ComingSoonPage {
    Guides,
}

/// A page that says plainly it is not available yet, so nobody mistakes a placeholder for a broken feature.
#[component]
pub fn ComingSoon(page: ComingSoonPage) -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || ui_lang.get().text();
    let title = move || match page {
        ComingSoonPage::Guides => text().guides_title,
    };
    view! {
        <section class="coming-soon" data-coming-soon="true">
            <span class="badge">{move || text().coming_badge}</span>
            <h1>{title}</h1>
            <h2>{move || text().coming_title}</h2>
            <p>{move || text().coming_body}</p>
            <A href="/">{move || text().back_home}</A>
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
