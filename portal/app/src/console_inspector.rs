//! The request inspector in the console: a sandbox's newest requests, filtered by path, D-code and HTTP status,
//! refreshed the moment the server pushes a new request (Server-Sent Events from
//! `/console/sandboxes/{id}/live`, which the browser reconnects by itself), each linking to its detail page
//! (the masked, decrypted request body and response content and the plain-words explanation of its code), which
//! `portal-server` renders (`request_detail.rs`) so it costs the hydrate bundle nothing. `load_request` serves
//! the same detail as JSON.
//!
//! The stream only says "something changed"; the list itself always comes from the `load_requests` server
//! function, so what a viewer sees is checked against their membership on every load. Nothing here unmasks or
//! stores anything.

use leptos::prelude::*;

use crate::console::{RequestDetailView, RequestView, error_text, load_requests};
use crate::console_words::words;
use crate::lang::UiLang;

#[server(prefix = "/_console", endpoint = "load_request")]
pub async fn load_request(
    sandbox_id: String,
    request_id: String,
) -> Result<Option<RequestDetailView>, ServerFnError> {
    use crate::console::{backend, request};
    let backend::Backend(backend) = request::backend()?;
    let Some(session) = request::session() else {
        return Ok(None);
    };
    backend
        .request_detail(session, sandbox_id, request_id)
        .await
        .map_err(request::refuse)
}

/// Open live streams, by number, so the cleanup (which must be `Send`) can close one by its number alone.
#[cfg(feature = "hydrate")]
mod streams {
    use std::cell::RefCell;

    use wasm_bindgen::{JsCast, closure::Closure};

    type Open = (u32, web_sys::EventSource, Closure<dyn FnMut()>);

    thread_local! {
        static OPEN: RefCell<(u32, Vec<Open>)> = const { RefCell::new((0, Vec::new())) };
    }

    /// Calls `on_event` for every event of the sandbox's live stream; returns the stream's number.
    pub fn open(sandbox_id: &str, on_event: impl FnMut() + 'static) -> Option<u32> {
        let source =
            web_sys::EventSource::new(&format!("/console/sandboxes/{sandbox_id}/live")).ok()?;
        let callback = Closure::<dyn FnMut()>::new(on_event);
        for kind in ["ready", "request", "resync"] {
            source
                .add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())
                .ok()?;
        }
        OPEN.with(|open| {
            let mut open = open.borrow_mut();
            open.0 += 1;
            let number = open.0;
            open.1.push((number, source, callback));
            Some(number)
        })
    }

    pub fn close(number: u32) {
        OPEN.with(|open| {
            open.borrow_mut().1.retain(|(candidate, source, _)| {
                if *candidate == number {
                    source.close();
                }
                *candidate != number
            })
        });
    }
}

/// The request list of a sandbox page, with its filters and the live stream.
#[component]
pub fn RequestLog(#[prop(into)] sandbox_id: Signal<String>) -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let words = move || words(ui_lang.get());
    let text = move || &ui_lang.get().text().console;
    let path = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let status = RwSignal::new(0i64);
    // Bumped by every event of the live stream: the list reloads (and, on `ready`, catches up on anything
    // recorded before the stream opened).
    let pushed = RwSignal::new(0u32);
    Effect::new(move |_| {
        let id = sandbox_id.get();
        #[cfg(feature = "hydrate")]
        {
            if let Some(number) = streams::open(&id, move || pushed.update(|count| *count += 1)) {
                on_cleanup(move || streams::close(number));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, pushed);
    });
    let requests = Resource::new(
        move || {
            (
                sandbox_id.get(),
                path.get(),
                code.get(),
                status.get(),
                pushed.get(),
            )
        },
        |(id, path, code, status, _)| load_requests(id, Some(path), Some(code), Some(status)),
    );
    let rows = move || {
        requests.get().map(|answer| match answer {
            Ok(Some(rows)) if !rows.is_empty() => {
                let id = sandbox_id.get_untracked();
                view! {
                    <table class="request-log" id="request-log">
                        <thead>
                            <tr>
                                <th>{move || words().column_method}</th>
                                <th>{move || words().column_path}</th>
                                <th>{move || words().column_code}</th>
                                <th>{move || words().column_status}</th>
                                <th>{move || words().column_ms}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows.into_iter().map(|row| request_row(&id, row)).collect_view()}</tbody>
                    </table>
                }
                    .into_any()
            }
            Ok(_) => view! { <p class="muted" id="no-requests">{move || text().no_requests}</p> }.into_any(),
            Err(error) => view! { <p class="form-error">{error_text(&error)}</p> }.into_any(),
        })
    };
    view! {
        <h2>{move || text().requests_title} " " <small class="live-badge">{move || words().live}</small></h2>
        <div class="request-filters" id="request-filters">
            <label>
                {move || words().filter_path}
                <input name="path" placeholder="/api/v1/…" on:change=move |event| path.set(event_target_value(&event).trim().to_owned()) />
            </label>
            <label>
                {move || words().filter_code}
                <input name="code" placeholder="D20006" maxlength="6" on:change=move |event| code.set(event_target_value(&event).trim().to_uppercase()) />
            </label>
            <label>
                {move || words().filter_status}
                <input name="status" type="number" min="0" max="599" placeholder="200" on:change=move |event| status.set(event_target_value(&event).trim().parse().unwrap_or_default()) />
            </label>
        </div>
        <Transition fallback=move || view! { <p>{move || text().loading}</p> }>{rows}</Transition>
    }
}

fn request_row(sandbox_id: &str, row: RequestView) -> impl IntoView + use<> {
    let ui_lang = expect_context::<UiLang>();
    let details = (!row.request_id.is_empty()).then(|| {
        let href = format!("/console/sandboxes/{sandbox_id}/requests/{}", row.request_id);
        // A server-rendered page, so the router must not take this link.
        view! { <a href=href class="request-details" rel="external">{move || words(ui_lang.get()).details}</a> }
    });
    let (code, request_id) = (row.code.clone(), row.request_id.clone());
    view! {
        <tr data-code=code data-request-id=request_id>
            <td>{row.method}</td>
            <td><code>{row.path}</code></td>
            <td><code>{row.code}</code></td>
            <td>{row.http_status}</td>
            <td>{format!("{:.1}", row.latency_us as f64 / 1000.0)}</td>
            <td>{row.message} <br /> <small>{row.explanation}</small> " " {details}</td>
        </tr>
    }
}
