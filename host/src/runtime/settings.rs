//! What one session of the plugin gets from its host ([`Settings`]), and the
//! host's time limit for a call ([`call_budget`]).

use std::time::Duration;

use heygen_plugin::actions::Entry;
use heygen_plugin::limits::{DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS};
use serde_json::Value;

use super::outbound::Watch;

/// The host's time limit for one call of `entry` with card-named `args`: the
/// settings' `budget`, except for an action that waits for a job
/// ([`Entry::waits`]), whose budget is its own `timeout_seconds` (default
/// [`DEFAULT_WAIT_SECONDS`]) when that is longer. [`super::Session::call`]
/// applies it to every call.
pub fn call_budget(budget: Duration, entry: &Entry, args: &Value) -> Duration {
    if !entry.waits {
        return budget;
    }
    let seconds = match args.get("timeout_seconds") {
        None | Some(Value::Null) => f64::from(DEFAULT_WAIT_SECONDS),
        // A value the plugin will refuse gets the most it could accept.
        Some(seconds) => seconds.as_f64().unwrap_or(f64::from(MAX_WAIT_SECONDS)),
    };
    budget.max(Duration::from_secs_f64(
        seconds.clamp(0.0, f64::from(MAX_WAIT_SECONDS)),
    ))
}

/// [`call_budget`] for the action named `action` (the settings' `budget`
/// for a name the registry does not know).
pub fn action_budget(budget: Duration, action: &str, args: &Value) -> Duration {
    heygen_plugin::actions::find(action).map_or(budget, |entry| call_budget(budget, entry, args))
}

/// Which outgoing requests the host lets through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allow {
    /// Only to the `host[:port]` of `HEYGEN_BASE_URL` (its default when unset).
    BaseUrlHost,
    /// Only to this `host[:port]`.
    Only(String),
}

/// What one session of the plugin gets from its host. Its `Debug` hides
/// `HEYGEN_API_KEY`.
#[derive(Clone)]
pub struct Settings {
    /// Environment variables (`HEYGEN_*`).
    pub env: Vec<(String, String)>,
    /// The outbound allow-list.
    pub allow: Allow,
    /// Shown the answers to the plugin's GET requests, if set.
    pub watch: Option<Watch>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    if k == heygen_plugin::config::API_KEY_VAR {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("Settings")
            .field("env", &env)
            .field("allow", &self.allow)
            .field("watch", &self.watch.is_some())
            .finish()
    }
}

impl Settings {
    /// Settings with `env` and the base URL's host allowed.
    pub fn new(env: Vec<(String, String)>) -> Settings {
        Settings {
            env,
            allow: Allow::BaseUrlHost,
            watch: None,
        }
    }

    /// The plugin's time budget for one call: `HEYGEN_TIMEOUT_MS` when the
    /// plugin would accept it (100 to 300,000 ms), else its default.
    pub fn budget(&self) -> Duration {
        let ms = self
            .env
            .iter()
            .rev()
            .find(|(k, _)| k == heygen_plugin::config::TIMEOUT_VAR)
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
            .filter(|ms| (100..=300_000).contains(ms))
            .unwrap_or(heygen_plugin::config::DEFAULT_TIMEOUT_MS);
        Duration::from_millis(ms)
    }

    /// The one `host[:port]` requests may go to, if the base URL is valid.
    pub(super) fn allowed_authority(&self) -> Option<String> {
        match &self.allow {
            Allow::Only(authority) => Some(authority.clone()),
            Allow::BaseUrlHost => {
                let base = self
                    .env
                    .iter()
                    .rev()
                    .find(|(k, _)| k == heygen_plugin::config::BASE_URL_VAR)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or(heygen_plugin::config::DEFAULT_BASE_URL);
                heygen_plugin::config::BaseUrl::parse(base)
                    .ok()
                    .map(|b| b.authority)
            }
        }
    }
}
