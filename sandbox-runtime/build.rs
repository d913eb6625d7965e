//! Tells cargo to rebuild the crate when a migration is added or changed: `sqlx::migrate!` embeds the
//! files of `/migrations` at compile time, and cargo cannot otherwise see a new file in that directory.
//! It must never do more than print `rerun-if-changed` lines.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
