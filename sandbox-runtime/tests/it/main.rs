//! Integration tests for `sandbox-runtime`, driven only through its public API: the real guest
//! (`MOCK_IAMSMART_GUEST`, built by `cargo xtask test`) running login flows on SQLite and PostgreSQL,
//! atomic commits, tenant isolation, concurrent replays, the compile cache, and adversarial guests
//! built from WAT that loop, bomb memory, trap or answer garbage while another tenant keeps answering.
//!
//! Each test owns its database (a temporary SQLite file, or a PostgreSQL database it creates and
//! drops); PostgreSQL tests skip loudly when the server is unreachable unless `REQUIRE_POSTGRES=1`.
//! No test reaches beyond loopback, and none asserts a duration except as a lower bound.

mod adversarial;
mod atomicity;
mod concurrency;
mod guest;
mod isolation;
mod login_flow;
mod support;
mod wat_guests;
