//! The deployment's configuration key (which seals every sandbox configuration at rest, see
//! `sandbox-runtime/src/sealing.rs`): taken from `PORTAL_CONFIG_KEY` when the operator sets it, otherwise from a
//! key file in the server's data directory, which the first start creates with mode 0600.
//!
//! The binary reads the environment and hands the value here; this module reads and writes only the key file it
//! is given. It must never log or print a key, and never overwrite a key file that exists: losing the key loses
//! every sandbox's configuration, so a damaged file is an error the operator fixes, not something to replace.

use std::io::Write;
use std::path::{Path, PathBuf};

use sandbox_runtime::{ConfigKey, ConfigKeyError};

/// The key file's name inside the data directory.
pub const KEY_FILE_NAME: &str = "config.key";

/// Where the key came from, for the start-up log line (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    /// An existing key file.
    File(PathBuf),
    /// A key file this start created.
    CreatedFile(PathBuf),
}

/// Why the configuration key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ConfigKeyFileError {
    #[error("PORTAL_CONFIG_KEY is not a usable key: {0}")]
    Environment(#[source] ConfigKeyError),
    #[error("the configuration key file {} is not a usable key (restore it from a backup; a new key cannot open the sandboxes it sealed): {source}", .path.display())]
    Malformed {
        path: PathBuf,
        #[source]
        source: ConfigKeyError,
    },
    #[error("could not read or create the configuration key file {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The key from `environment_value` (the value of `PORTAL_CONFIG_KEY`) when set and not empty, otherwise from
/// `data_dir/config.key`, created on first start.
pub fn resolve(
    environment_value: Option<&str>,
    data_dir: &Path,
) -> Result<(ConfigKey, KeySource), ConfigKeyFileError> {
    match environment_value
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => ConfigKey::parse(value)
            .map(|key| (key, KeySource::Environment))
            .map_err(ConfigKeyFileError::Environment),
        None => load_or_create(&data_dir.join(KEY_FILE_NAME)),
    }
}

/// Reads the key file at `path`, or creates it with a fresh key (mode 0600, and its directory when missing).
/// Two servers starting together on one data directory end up with the same key: only one can create the file,
/// and the other reads it.
pub fn load_or_create(path: &Path) -> Result<(ConfigKey, KeySource), ConfigKeyFileError> {
    let io = |source| ConfigKeyFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => return parse_file(path, &text).map(|key| (key, KeySource::File(path.into()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io(error)),
    }
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let key = ConfigKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(format!("{}\n", key.expose_hex()).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(io)?;
            Ok((key, KeySource::CreatedFile(path.to_path_buf())))
        }
        // Another process created it between our read and our create: use its key.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).map_err(io)?;
            parse_file(path, &text).map(|key| (key, KeySource::File(path.into())))
        }
        Err(error) => Err(io(error)),
    }
}

fn parse_file(path: &Path, text: &str) -> Result<ConfigKey, ConfigKeyFileError> {
    ConfigKey::parse(text).map_err(|source| ConfigKeyFileError::Malformed {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "portal-config-key-{name}-{}-{}",
            std::process::id(),
            crate::unix_time_ms()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_first_start_creates_a_private_key_file_and_later_starts_read_it() {
        let dir = scratch("create");
        let (created, source) = resolve(None, &dir).expect("a key file is created");
        let path = dir.join(KEY_FILE_NAME);
        assert_eq!(source, KeySource::CreatedFile(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
        }
        let (again, source) = resolve(None, &dir).expect("the key file is read");
        assert_eq!(source, KeySource::File(path));
        assert_eq!(again.id(), created.id());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_environment_wins_over_the_key_file_and_a_bad_value_is_refused() {
        let dir = scratch("environment");
        let hex = "11".repeat(32);
        let (key, source) = resolve(Some(&hex), &dir).expect("the variable is used");
        assert_eq!(source, KeySource::Environment);
        assert_eq!(key.id(), ConfigKey::from_bytes([0x11; 32]).id());
        assert!(
            !dir.exists(),
            "no key file is made when the variable is set"
        );
        let error = resolve(Some("too short"), &dir).expect_err("a bad value is refused");
        assert!(error.to_string().contains("PORTAL_CONFIG_KEY"), "{error}");
        assert!(
            !error.to_string().contains("too short"),
            "the value is never repeated"
        );
        // An empty variable counts as unset.
        let (_, source) = resolve(Some(""), &dir).expect("the key file is used");
        assert!(matches!(source, KeySource::CreatedFile(_)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_key_file_is_an_error_and_is_never_replaced() {
        let dir = scratch("damaged");
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let path = dir.join(KEY_FILE_NAME);
        std::fs::write(&path, "not a key\n").expect("writing");
        let error = resolve(None, &dir).expect_err("a damaged file is refused");
        assert!(
            matches!(error, ConfigKeyFileError::Malformed { .. }),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("reading"),
            "not a key\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
