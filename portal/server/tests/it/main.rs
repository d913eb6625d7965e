//! Integration tests of the portal server: each test starts its own server on a random port with its own
//! database (a temporary SQLite file, or a fresh PostgreSQL database) and talks to it over real HTTP.

mod api;
mod certificates;
mod console;
mod console_pages;
mod database;
mod demo_bank_agreement;
mod form_filling;
mod guides;
mod inspector;
mod live;
mod login_journey;
mod maker_checker;
mod pages;
mod personas;
mod refusals;
mod relying_party;
mod sealing;
mod signing;
mod signing_flows;
mod support;
