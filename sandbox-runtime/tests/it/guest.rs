//! The real guest artifact and how the runtime loads it: the component reaches nothing but the
//! sandbox world (no WASI), the compiled artifact is cached on disk and reused across runtimes, a
//! corrupt cache entry is recompiled rather than trusted, and a fresh instance can be probed.

use std::collections::BTreeSet;
use std::path::Path;

use sandbox_runtime::{Runtime, RuntimeConfig, SandboxError};

use crate::support::{
    Backend, TestDb, random_hex, real_guest, scratch_dir, test_config_key, test_limits,
};

#[test]
fn the_guest_component_imports_only_the_sandbox_interfaces() {
    let bytes = std::fs::read(real_guest()).expect("reading the guest");
    let decoded = wit_component::decode(&bytes).expect("the guest is a component");
    let wit_component::DecodedWasm::Component(resolve, world) = decoded else {
        panic!("the guest decoded as a WIT package, not a component");
    };
    let world = &resolve.worlds[world];
    let imports: BTreeSet<String> = world
        .imports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    let exports: BTreeSet<String> = world
        .exports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    let expected_imports: BTreeSet<String> = ["clock", "kv", "log", "random"]
        .map(|name| format!("iamsmart:sandbox/{name}@0.1.0"))
        .into();
    assert_eq!(imports, expected_imports);
    assert_eq!(
        exports,
        BTreeSet::from(["iamsmart:sandbox/handler@0.1.0".to_owned()])
    );
}

fn cached_artifacts(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .expect("the cache directory exists")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn the_compiled_guest_is_cached_on_disk_and_reused_by_the_next_runtime() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let cache_dir = scratch_dir().join(format!("cache-{}", random_hex(4)));
    let config = RuntimeConfig {
        guest_path: real_guest(),
        cache_dir: cache_dir.clone(),
        limits: test_limits(),
        config_key: test_config_key(),
    };
    let first = Runtime::new(config.clone(), db.pool.clone()).expect("first start compiles");
    let artifacts = cached_artifacts(&cache_dir);
    assert_eq!(artifacts.len(), 1, "{artifacts:?}");
    let written = std::fs::metadata(&artifacts[0])
        .and_then(|meta| meta.modified())
        .expect("mtime");
    drop(first);

    let second = Runtime::new(config.clone(), db.pool.clone()).expect("second start loads");
    second.probe_instance().expect("a fresh instance");
    assert_eq!(cached_artifacts(&cache_dir), artifacts);
    let reread = std::fs::metadata(&artifacts[0])
        .and_then(|meta| meta.modified())
        .expect("mtime");
    assert_eq!(written, reread, "the cached artifact was not rewritten");
    drop(second);

    // A damaged artifact is detected and replaced, never executed.
    std::fs::write(&artifacts[0], b"not a precompiled component").expect("damaging the cache");
    let third = Runtime::new(config, db.pool.clone()).expect("a damaged cache recompiles");
    third.probe_instance().expect("a fresh instance");
    let size = std::fs::metadata(&artifacts[0]).expect("metadata").len();
    assert!(size > 1024, "the artifact was rewritten ({size} bytes)");
    let _ = std::fs::remove_dir_all(&cache_dir);
}

#[tokio::test]
async fn a_missing_guest_is_a_compile_error_that_names_the_file() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let config = RuntimeConfig {
        guest_path: scratch_dir().join("no-such-guest.wasm"),
        cache_dir: scratch_dir().join("unused-cache"),
        limits: test_limits(),
        config_key: test_config_key(),
    };
    match Runtime::new(config, db.pool.clone()) {
        Err(SandboxError::Compile { reason }) => assert!(reason.contains("no-such-guest.wasm")),
        Err(other) => panic!("expected a compile error, got {other}"),
        Ok(_) => panic!("a missing guest started"),
    }
}
