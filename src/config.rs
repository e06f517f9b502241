//! Configuration, read from the component's environment: the base URL, the
//! API generation and the time budget of one call (the API key is
//! [`crate::key`]).
//!
//! Everything here is pure: the environment comes in as a lookup function, so
//! the rules are unit-tested natively.

use crate::error::Error;
use crate::prelude::*;

/// Variable holding the HeyGen API key.
pub const API_KEY_VAR: &str = "HEYGEN_API_KEY";
/// Variable holding the base URL.
pub const BASE_URL_VAR: &str = "HEYGEN_BASE_URL";
/// Variable selecting the API generation.
pub const API_VERSION_VAR: &str = "HEYGEN_API_VERSION";
/// Variable holding the time budget of one call, in milliseconds.
pub const TIMEOUT_VAR: &str = "HEYGEN_TIMEOUT_MS";

/// Tokens (comma-separated) a caller of the HTTP face may present as
/// `Authorization: Bearer …` to use the operator's `HEYGEN_API_KEY`.
pub const FACE_TOKEN_VAR: &str = "HEYGEN_FACE_TOKEN";
/// `1` lets any caller of the HTTP face use the operator's key without a
/// token (local development only).
pub const FACE_OPEN_VAR: &str = "HEYGEN_FACE_OPEN";
/// Browser origins (comma-separated, e.g. `https://app.example.com`) whose
/// requests the HTTP face's `POST /mcp` serves; a request with any other
/// `Origin` header gets 403. Empty by default: only clients that send no
/// `Origin` (every non-browser MCP client) are served.
pub const FACE_ORIGINS_VAR: &str = "HEYGEN_FACE_ORIGINS";
/// The toolsets the HTTP face's `POST /mcp` offers (comma-separated names,
/// or `all`; unset: the default ones), as `heygen-host mcp --toolsets`.
pub const FACE_TOOLSETS_VAR: &str = "HEYGEN_FACE_TOOLSETS";
/// `1` makes the HTTP face's `POST /mcp` offer only the tools that change
/// nothing, as `heygen-host mcp --read-only`.
pub const FACE_READ_ONLY_VAR: &str = "HEYGEN_FACE_READ_ONLY";

/// HeyGen's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.heygen.com";
/// Time budget of one action call (all attempts and pages) unless configured.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
const MIN_TIMEOUT_MS: u64 = 100;
const MAX_TIMEOUT_MS: u64 = 300_000;

/// Which of HeyGen's API generations the plugin speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Generation {
    /// The current API (`/v3/...`), the default.
    #[default]
    V3,
    /// The v1/v2 endpoints the integration card was written against.
    Legacy,
}

impl Generation {
    /// The value of `HEYGEN_API_VERSION` that selects this generation.
    pub fn name(self) -> &'static str {
        match self {
            Generation::V3 => "v3",
            Generation::Legacy => "legacy",
        }
    }
}

/// URL scheme of the base URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP, allowed only towards loopback addresses.
    Http,
    /// HTTPS.
    Https,
}

/// A checked base URL: scheme, `host[:port]` and an optional path prefix
/// (for gateways that mount HeyGen under a path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// `host` or `host:port`, as sent in the request's authority.
    pub authority: String,
    /// Empty, or a prefix such as `/heygen` (no trailing slash).
    pub path_prefix: String,
}

impl BaseUrl {
    /// Parses and checks a base URL: `http` or `https`, a host, no userinfo,
    /// query or fragment, and plain `http` only for loopback hosts.
    pub fn parse(raw: &str) -> Result<BaseUrl, Error> {
        let bad = |why: &str| {
            Error::InvalidConfig(format!(
                "{BASE_URL_VAR} {why}; use an address such as {DEFAULT_BASE_URL} (or leave it unset)"
            ))
        };
        let text = raw.trim();
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(bad("has no scheme (expected https://...)"));
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "https" => Scheme::Https,
            "http" => Scheme::Http,
            _ => return Err(bad("must use https (or http for a loopback address)")),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad("must not carry a user name or password"));
        }
        let host = host_of(authority).ok_or_else(|| bad("has no valid host"))?;
        if scheme == Scheme::Http && !is_loopback(host) {
            return Err(bad(
                "uses plain http for a host that is not loopback; use https",
            ));
        }
        let path_prefix = path.trim_end_matches('/');
        if !path_prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b))
        {
            return Err(bad(
                "has a path with characters other than letters, digits and -._~/",
            ));
        }
        Ok(BaseUrl {
            scheme,
            authority: authority.to_ascii_lowercase(),
            path_prefix: path_prefix.to_owned(),
        })
    }
}

/// The host part of `host[:port]` (`[v6]:port` too), when both parts are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        // An IPv6 literal: hex digits, colons and (for a mapped v4 tail) dots.
        Some(v6) => {
            v6.contains(':')
                && v6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    (host_ok && port_ok).then_some(host)
}

/// `localhost`, `[::1]` or an IPv4 address in 127.0.0.0/8.
fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let octets: Vec<&str> = host.split('.').collect();
    host == "localhost"
        || host == "[::1]"
        || (octets.len() == 4
            && octets[0] == "127"
            && octets
                .iter()
                .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok()))
}

/// Everything the plugin reads from its environment except the key, which the
/// HTTP face may take per request instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where requests go.
    pub base_url: BaseUrl,
    /// Which API generation to speak.
    pub generation: Generation,
    /// Time budget of one action call, in milliseconds.
    pub timeout_ms: u64,
}

impl Config {
    /// Reads `HEYGEN_BASE_URL`, `HEYGEN_API_VERSION` and `HEYGEN_TIMEOUT_MS`
    /// through `lookup`; unset or empty variables take their defaults.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let base_url = BaseUrl::parse(&get(BASE_URL_VAR).unwrap_or(DEFAULT_BASE_URL.into()))?;
        let generation = match get(API_VERSION_VAR) {
            None => Generation::V3,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "v3" => Generation::V3,
                "legacy" => Generation::Legacy,
                _ => {
                    return Err(Error::InvalidConfig(format!(
                        "{API_VERSION_VAR} must be `v3` (the default) or `legacy`"
                    )));
                }
            },
        };
        let timeout_ms = match get(TIMEOUT_VAR) {
            None => DEFAULT_TIMEOUT_MS,
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|ms| (MIN_TIMEOUT_MS..=MAX_TIMEOUT_MS).contains(ms))
                .ok_or_else(|| {
                    Error::InvalidConfig(format!(
                        "{TIMEOUT_VAR} must be a whole number of milliseconds from {MIN_TIMEOUT_MS} to {MAX_TIMEOUT_MS}"
                    ))
                })?,
        };
        Ok(Config {
            base_url,
            generation,
            timeout_ms,
        })
    }
}

/// Test helpers shared across modules.
#[cfg(test)]
pub(crate) mod testing {
    /// An environment lookup over fixed pairs.
    pub fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::env;
    use super::*;

    #[test]
    fn defaults_to_production_v3() {
        let config = Config::from_env(env(&[])).unwrap();
        assert_eq!(config.base_url.scheme, Scheme::Https);
        assert_eq!(config.base_url.authority, "api.heygen.com");
        assert_eq!(config.base_url.path_prefix, "");
        assert_eq!(config.generation, Generation::V3);
        assert_eq!(config.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn reads_every_variable() {
        let config = Config::from_env(env(&[
            (BASE_URL_VAR, "http://127.0.0.1:8080/gw/"),
            (API_VERSION_VAR, " Legacy "),
            (TIMEOUT_VAR, "2500"),
        ]))
        .unwrap();
        assert_eq!(config.base_url.scheme, Scheme::Http);
        assert_eq!(config.base_url.authority, "127.0.0.1:8080");
        assert_eq!(config.base_url.path_prefix, "/gw");
        assert_eq!(config.generation, Generation::Legacy);
        assert_eq!(config.timeout_ms, 2500);
    }

    #[test]
    fn refuses_bad_base_urls() {
        for url in [
            "api.heygen.com",
            "ftp://api.heygen.com",
            "http://api.heygen.com",
            "https://user:pw@api.heygen.com",
            "https://api.heygen.com/?x=1",
            "https://api.heygen.com/#frag",
            "https://",
            "https://:443",
            "https://api.heygen.com:0",
            "https://api.heygen.com:99999",
            "https://api heygen.com",
            "https://api.heygen.com/a b",
            "http://[::1",
            "https://[]",
            "http://127.0.0.1.evil.com",
            "http://127.0.0.256",
        ] {
            let err = BaseUrl::parse(url).expect_err(url);
            assert!(
                err.to_string()
                    .starts_with("invalid_config: HEYGEN_BASE_URL"),
                "{url}: {err}"
            );
        }
    }

    #[test]
    fn allows_plain_http_only_on_loopback() {
        for url in [
            "http://localhost:1",
            "http://127.0.0.9",
            "http://[::1]:8080",
            "HTTP://LOCALHOST",
        ] {
            assert!(BaseUrl::parse(url).is_ok(), "{url}");
        }
        assert!(BaseUrl::parse("https://[2001:db8::1]:443").is_ok());
    }

    #[test]
    fn refuses_bad_versions_and_timeouts() {
        assert!(Config::from_env(env(&[(API_VERSION_VAR, "v2")])).is_err());
        for t in ["0", "99", "300001", "1.5", "soon", "-1"] {
            assert!(Config::from_env(env(&[(TIMEOUT_VAR, t)])).is_err(), "{t}");
        }
    }
}
