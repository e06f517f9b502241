//! What one session of the plugin gets from its host ([`Settings`]), and the
//! host's time limit for a call ([`call_budget`]).

use std::sync::{Arc, Mutex};
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

/// A base URL's text and the `host[:port]` read from it (`None`: not a
/// valid base URL).
type BaseAuthority = (String, Option<String>);

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
    /// The last base URL read for [`Allow::BaseUrlHost`] and its
    /// `host[:port]`, so that a fresh instance does not parse the same URL
    /// again (about 1 µs of its instantiation). Keyed by the URL's text, so
    /// a changed `env` is read afresh.
    base_authority: Arc<Mutex<Option<BaseAuthority>>>,
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
            base_authority: Arc::default(),
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
                let mut memo = self
                    .base_authority
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                match &*memo {
                    Some((url, authority)) if url == base => authority.clone(),
                    _ => {
                        let authority = heygen_plugin::config::BaseUrl::parse(base)
                            .ok()
                            .map(|b| b.authority);
                        *memo = Some((base.to_owned(), authority.clone()));
                        authority
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base(url: &str) -> Settings {
        Settings::new(vec![(
            heygen_plugin::config::BASE_URL_VAR.to_owned(),
            url.to_owned(),
        )])
    }

    #[test]
    fn the_allowed_authority_follows_the_base_url_after_it_was_read_once() {
        let mut settings = with_base("http://127.0.0.1:4010");
        assert_eq!(
            settings.allowed_authority().as_deref(),
            Some("127.0.0.1:4010")
        );
        assert_eq!(
            settings.allowed_authority().as_deref(),
            Some("127.0.0.1:4010")
        );
        // A clone shares the memo; a changed environment is read afresh.
        let mut clone = settings.clone();
        clone.env[0].1 = "https://api.example.com".to_owned();
        assert_eq!(
            clone.allowed_authority().as_deref(),
            Some("api.example.com")
        );
        assert_eq!(
            settings.allowed_authority().as_deref(),
            Some("127.0.0.1:4010")
        );
        settings.env[0].1 = "ftp://nowhere".to_owned();
        assert_eq!(settings.allowed_authority(), None);
        settings.env.clear();
        assert_eq!(
            settings.allowed_authority().as_deref(),
            Some("api.heygen.com")
        );
        settings.allow = Allow::Only("elsewhere:1".to_owned());
        assert_eq!(settings.allowed_authority().as_deref(), Some("elsewhere:1"));
    }
}
