//! Settings read from the environment and the files a service is built from.

use std::path::{Path, PathBuf};

use vm::decision::Mode;

use crate::jira::JiraConfig;
use crate::loader::{self, LoadError};
use crate::service::ServiceConfig;

/// Reads a boolean environment variable: `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`
/// (ASCII case-insensitive). Unset or empty gives `default`; any other value is an error.
pub fn env_flag(name: &str, default: bool) -> Result<bool, String> {
    let Ok(text) = std::env::var(name) else {
        return Ok(default);
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "" => Ok(default),
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(format!(
            "{name}={other:?} is not a boolean; use true or false"
        )),
    }
}

/// Reads a positive integer environment variable; unset or empty gives `default`.
pub fn env_usize(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|value| *value > 0)
            .ok_or_else(|| format!("{name}={text:?} is not a positive integer")),
        _ => Ok(default),
    }
}

/// Returns a non-empty environment variable.
pub fn env_text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|text| !text.is_empty())
}

/// Sources of a service: the bundle or policies, both maps and the mode.
#[derive(Clone, Debug)]
pub struct SourcePaths {
    /// A compiled bundle directory (or `bundle.rgb` file); when `None`, `policies` is compiled.
    pub bundle: Option<PathBuf>,
    pub policies: PathBuf,
    pub transition_map: PathBuf,
    pub role_map: PathBuf,
    pub strict: bool,
}

/// Loads (or compiles) the bundle and reads both maps; Jira comes from the environment.
pub fn service_config(paths: &SourcePaths) -> Result<ServiceConfig, LoadError> {
    let bundle = match &paths.bundle {
        Some(dir) => loader::load_bundle(dir)?,
        None => loader::compile_policies(&paths.policies)?,
    };
    Ok(ServiceConfig {
        bundle,
        transitions: loader::load_transition_map(&paths.transition_map)?,
        roles: loader::load_role_map(&paths.role_map)?,
        mode: if paths.strict {
            Mode::Strict
        } else {
            Mode::Permissive
        },
        jira: JiraConfig::from_env(),
    })
}

/// Returns the map path to use: the one given, else `DIR/NAME` next to the policies.
pub fn map_path(given: Option<&Path>, policies: &Path, name: &str) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| policies.join(name))
}
