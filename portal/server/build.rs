//! Rebuilds the server when a migration is added or edited, because `sqlx::migrate!` embeds the files at compile
//! time and cargo would not otherwise notice a new file in `migrations/`.
//!
//! It must never do more than print `rerun-if-changed` lines.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
