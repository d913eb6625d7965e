//! Real-browser tests of the portal: headless Chromium loads server-rendered pages, the Leptos bundle hydrates
//! them, and the tests click through as a visitor would.

mod console;
mod form_filling;
mod guides;
mod landing;
mod login_journey;
mod signing;
mod try_it;
