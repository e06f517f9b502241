//! What can go wrong, by how far the call got. Only at the boundary (WIT record
//! or JSON) is an [`Error`] flattened into the card's `success: false` and an
//! `error` line, which starts with a stable prefix programs can branch on.

use crate::prelude::*;
use core::fmt;

/// Longest piece of HeyGen's own text (error codes and messages) quoted in an error.
const MAX_QUOTED_CHARS: usize = 300;

/// Why an action failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The arguments are wrong. Nothing was sent; fix them and call again.
    InvalidInput(String),
    /// An option the selected API generation cannot honour. Nothing was sent;
    /// drop the option, or select the other generation.
    Unsupported(String),
    /// No API key is configured. Nothing was sent; the host's operator must set it.
    MissingCredentials,
    /// The configured API key cannot be a HeyGen key. Nothing was sent.
    InvalidCredentials(String),
    /// `HEYGEN_BASE_URL`, `HEYGEN_API_VERSION` or `HEYGEN_TIMEOUT_MS` is wrong.
    /// Nothing was sent; the host's operator must fix it.
    InvalidConfig(String),
    /// The host refused to send the request (its outbound allow-list). The
    /// operator must grant the plugin access to the named host.
    Denied {
        /// The `host[:port]` that was refused.
        authority: String,
    },
    /// The request could not be delivered or its answer was cut off
    /// (DNS, connection refused or reset, protocol error, oversized answer).
    Transport {
        /// What the transport reported.
        detail: String,
    },
    /// No complete answer arrived within the call's time budget.
    Timeout {
        /// Which wait ran out.
        detail: String,
    },
    /// HeyGen answered with a status other than 2xx.
    Http {
        /// The HTTP status.
        status: u16,
        /// HeyGen's error code, when its body had one.
        code: Option<String>,
        /// HeyGen's error message, when its body had one.
        message: Option<String>,
        /// HeyGen's `X-Request-Id`, worth quoting to HeyGen's support.
        request_id: Option<String>,
        /// Seconds to wait before retrying, from `Retry-After`.
        retry_after: Option<u64>,
        /// Where a 3xx pointed (redirects are never followed).
        location: Option<String>,
    },
    /// HeyGen answered 2xx but its envelope carried an error (legacy API).
    Api {
        /// HeyGen's error code.
        code: Option<String>,
        /// HeyGen's error message.
        message: Option<String>,
        /// HeyGen's `X-Request-Id`.
        request_id: Option<String>,
    },
    /// HeyGen's answer could not be understood (not JSON, wrong shape, not UTF-8).
    BadResponse {
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong with it.
        detail: String,
        /// HeyGen's `X-Request-Id`.
        request_id: Option<String>,
    },
    /// A creating call failed in a way that leaves open whether HeyGen created
    /// (and will bill) what it asked for: the caller must not simply create
    /// it again. With the `Idempotency-Key` the call sent, a repeat is safe.
    MaybeCreated {
        /// What failed.
        error: Box<Error>,
        /// What may exist: `video`, `translation`, …
        what: &'static str,
        /// The `Idempotency-Key` the call sent (v3), which makes a repeat safe.
        key: Option<String>,
    },
    /// Like [`Error::MaybeCreated`], for a webhook endpoint: HeyGen may have
    /// registered it, and a second one would get every event twice.
    MaybeRegistered {
        /// What failed.
        error: Box<Error>,
        /// The `Idempotency-Key` the call sent.
        key: Option<String>,
    },
}

impl Error {
    /// The stable prefix of this error's message, e.g. `invalid_input` or `http_429`.
    pub fn prefix(&self) -> String {
        match self {
            Error::InvalidInput(_) => "invalid_input".into(),
            Error::Unsupported(_) => "unsupported".into(),
            Error::MissingCredentials => "missing_credentials".into(),
            Error::InvalidCredentials(_) => "invalid_credentials".into(),
            Error::InvalidConfig(_) => "invalid_config".into(),
            Error::Denied { .. } => "request_denied".into(),
            Error::Transport { .. } => "transport_error".into(),
            Error::Timeout { .. } => "timeout".into(),
            Error::Http { status, .. } => format!("http_{status}"),
            Error::Api { .. } => "api_error".into(),
            Error::BadResponse { .. } => "bad_response".into(),
            Error::MaybeCreated { error, .. } | Error::MaybeRegistered { error, .. } => {
                error.prefix()
            }
        }
    }

    /// The HTTP status the HTTP face answers with for this error: 400 for bad
    /// input, 401 for a missing or rejected key, 504 for a timeout, 500 for a
    /// misconfigured plugin, and 502 for anything HeyGen or the network did.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::InvalidInput(_) | Error::Unsupported(_) => 400,
            Error::MissingCredentials | Error::InvalidCredentials(_) => 401,
            Error::Http { status: 401, .. } => 401,
            Error::InvalidConfig(_) => 500,
            Error::Timeout { .. } => 504,
            Error::MaybeCreated { error, .. } | Error::MaybeRegistered { error, .. } => {
                error.http_status()
            }
            _ => 502,
        }
    }

    /// `Retry-After` seconds HeyGen asked for, if any.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::Http { retry_after, .. } => *retry_after,
            Error::MaybeCreated { error, .. } | Error::MaybeRegistered { error, .. } => {
                error.retry_after()
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.prefix())?;
        match self {
            // These can quote the caller's own text (e.g. an unknown field name).
            Error::InvalidInput(msg) | Error::Unsupported(msg) => f.write_str(&quote_long(msg)),
            Error::InvalidCredentials(msg) | Error::InvalidConfig(msg) => f.write_str(msg),
            Error::MissingCredentials => f.write_str(
                "no HeyGen API key is configured. The host's operator must set HEYGEN_API_KEY in the plugin's environment (or send an X-Api-Key header to its HTTP face) to the key from app.heygen.com/settings (Settings > API)",
            ),
            Error::Denied { authority } => write!(
                f,
                "the host refused the request to {authority}. The host's operator must allow this plugin outgoing HTTPS requests to {authority}"
            ),
            Error::Transport { detail } => write!(
                f,
                "{detail}. Check the network and HEYGEN_BASE_URL, then try again"
            ),
            Error::Timeout { detail } => write!(
                f,
                "{detail}. HeyGen is slow or unreachable; try again in a minute"
            ),
            Error::Http {
                status,
                code,
                message,
                request_id,
                retry_after,
                location,
            } => {
                write!(f, "HeyGen answered HTTP {status}")?;
                write_code_message(f, code, message)?;
                write_request_id(f, request_id)?;
                write!(f, ". {}", advice(*status, code.as_deref(), *retry_after))?;
                if let Some(location) = location {
                    write!(f, " (it pointed to {})", quote(location))?;
                }
                Ok(())
            }
            Error::Api {
                code,
                message,
                request_id,
            } => {
                f.write_str("HeyGen reported an error")?;
                write_code_message(f, code, message)?;
                write_request_id(f, request_id)?;
                f.write_str(". Check the arguments and try again; if it persists, quote the request id to HeyGen support")
            }
            Error::BadResponse {
                status,
                detail,
                request_id,
            } => {
                write!(f, "HeyGen's answer (HTTP {status}) could not be read: {detail}")?;
                write_request_id(f, request_id)?;
                f.write_str(". Check HEYGEN_BASE_URL and HEYGEN_API_VERSION; if they are right, try again later")
            }
            Error::MaybeCreated { error, what, key } => {
                let text = error.to_string();
                let rest = text.split_once(": ").map_or(text.as_str(), |(_, rest)| rest);
                write!(f, "{rest}. HeyGen may have created the {what} anyway: ")?;
                match key {
                    Some(key) => write!(
                        f,
                        "to retry safely, call again with the same arguments and `idempotency_key` `{key}` (HeyGen then answers with what this call created, if it did, and creates nothing new)"
                    ),
                    None if *what == "asset" => f.write_str(
                        "an upload was not repeated, so as not to store the file twice; uploading it again is safe but may leave a second copy",
                    ),
                    None if *what == "new secret" => f.write_str(
                        "the endpoint's secret may have changed, and HeyGen shows a new one only once: call rotate_webhook_secret again to get a secret you can see",
                    ),
                    None if *what == "speech" => f.write_str(
                        "it was not repeated, so as not to be billed twice; call again if you still need it",
                    ),
                    None if *what == "video" => f.write_str(
                        "before creating it again, look for it among your videos at app.heygen.com (or GET /v3/videos), so it is not rendered and billed twice",
                    ),
                    None => write!(
                        f,
                        "before creating it again, look for the {what} at app.heygen.com, so it is not made and billed twice"
                    ),
                }
            }
            Error::MaybeRegistered { error, key } => {
                let text = error.to_string();
                let rest = text.split_once(": ").map_or(text.as_str(), |(_, rest)| rest);
                write!(f, "{rest}. HeyGen may have created the endpoint anyway: ")?;
                match key {
                    Some(key) => write!(
                        f,
                        "to retry safely, call again with the same arguments and `idempotency_key` `{key}` (HeyGen then answers with the endpoint this call created, secret included, and registers nothing new)"
                    ),
                    None => f.write_str(
                        "before creating it again, look for it with list_webhook_endpoints (GET /v3/webhooks/endpoints), so events are not sent twice. Its secret is shown only on creation: if it is there, delete it and create it again",
                    ),
                }
            }
        }
    }
}

impl core::error::Error for Error {}

/// A failed call, flattened for the boundary: the `error` line (with the key
/// scrubbed out, should HeyGen ever echo it) and the HTTP face's status.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The card's `error` text.
    pub message: String,
    /// Status for the HTTP face (see [`Error::http_status`]).
    pub http_status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
}

impl From<Error> for Failure {
    /// Flattens `error` (a key it may quote is removed by
    /// [`ApiKey::redact`](crate::key::ApiKey::redact)).
    fn from(error: Error) -> Failure {
        Failure {
            message: error.to_string(),
            http_status: error.http_status(),
            retry_after: error.retry_after(),
        }
    }
}

fn write_code_message(
    f: &mut fmt::Formatter<'_>,
    code: &Option<String>,
    message: &Option<String>,
) -> fmt::Result {
    match (code, message) {
        (Some(code), Some(message)) => write!(f, " {}: {}", quote(code), quote(message)),
        (Some(one), None) | (None, Some(one)) => write!(f, " {}", quote(one)),
        (None, None) => Ok(()),
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: &Option<String>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request id {})", quote(id)),
        None => Ok(()),
    }
}

/// What to do about an HTTP status, in one sentence.
fn advice(status: u16, code: Option<&str>, retry_after: Option<u64>) -> String {
    match (status, code) {
        (300..=399, _) => "Redirects are not followed: check HEYGEN_BASE_URL".into(),
        (400, _) => "Check the arguments against the action's description and try again".into(),
        (401, _) => "The API key was rejected: the host's operator must set HEYGEN_API_KEY to a valid key from app.heygen.com/settings".into(),
        (402, _) => "The HeyGen account lacks credits or its plan does not allow this: top up or upgrade at app.heygen.com, then try again".into(),
        (403, _) => "The API key may not use this resource or voice: check its scopes and the ids".into(),
        (404, _) => "Check the id; if every call answers 404, check HEYGEN_BASE_URL and HEYGEN_API_VERSION (legacy endpoints were retired on 2026-11-01)".into(),
        (409, Some("request_in_progress")) => "The same request is still being processed: wait a minute, then look for the video before creating it again".into(),
        (409, _) => "The resource is not ready yet: wait and try again".into(),
        (410, _) => "This endpoint is retired: set HEYGEN_API_VERSION=v3".into(),
        (429, _) => match retry_after {
            Some(secs) => format!("Too many requests or renders at once: wait {secs} s, then try again"),
            None => "Too many requests or renders at once: wait a minute, then try again".into(),
        },
        (500..=599, _) => "HeyGen had a problem: try again in a minute".into(),
        _ => "Check the arguments and configuration, then try again".into(),
    }
}

/// Longest argument-error message, in characters.
const MAX_INPUT_MESSAGE_CHARS: usize = 1_000;

/// A message quoting the caller's text, kept on one line and bounded.
fn quote_long(text: &str) -> String {
    bounded(text, MAX_INPUT_MESSAGE_CHARS)
}

/// HeyGen's text, cut to a sane length and kept on one line.
fn quote(text: &str) -> String {
    bounded(text, MAX_QUOTED_CHARS)
}

fn bounded(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16) -> Error {
        Error::Http {
            status,
            code: Some("video_not_found".into()),
            message: Some("Video not found".into()),
            request_id: Some("req_1".into()),
            retry_after: None,
            location: None,
        }
    }

    #[test]
    fn messages_start_with_stable_prefixes() {
        assert!(
            Error::InvalidInput("x".into())
                .to_string()
                .starts_with("invalid_input: x")
        );
        assert!(
            Error::MissingCredentials
                .to_string()
                .starts_with("missing_credentials: ")
        );
        assert_eq!(
            http(404).to_string(),
            "http_404: HeyGen answered HTTP 404 video_not_found: Video not found (request id req_1). Check the id; if every call answers 404, check HEYGEN_BASE_URL and HEYGEN_API_VERSION (legacy endpoints were retired on 2026-11-01)"
        );
    }

    #[test]
    fn maybe_created_keeps_the_inner_prefix_and_says_how_to_retry_safely() {
        let timeout = || {
            Box::new(Error::Timeout {
                detail: "no answer within 30 s".into(),
            })
        };
        let err = Error::MaybeCreated {
            error: timeout(),
            what: "video",
            key: None,
        };
        let text = err.to_string();
        assert!(
            text.starts_with("timeout: no answer within 30 s. "),
            "{text}"
        );
        assert!(
            text.contains(
                "may have created the video anyway: before creating it again, look for it"
            )
        );
        assert_eq!(err.http_status(), 504);
        let err = Error::MaybeCreated {
            error: timeout(),
            what: "translation",
            key: Some("job-42".into()),
        };
        assert_eq!(
            err.to_string(),
            "timeout: no answer within 30 s. HeyGen is slow or unreachable; try again in a minute. HeyGen may have created the translation anyway: to retry safely, call again with the same arguments and `idempotency_key` `job-42` (HeyGen then answers with what this call created, if it did, and creates nothing new)"
        );
    }

    #[test]
    fn statuses_for_the_http_face() {
        assert_eq!(Error::InvalidInput("x".into()).http_status(), 400);
        assert_eq!(Error::MissingCredentials.http_status(), 401);
        assert_eq!(http(401).http_status(), 401);
        assert_eq!(http(500).http_status(), 502);
        assert_eq!(Error::Timeout { detail: "x".into() }.http_status(), 504);
    }

    #[test]
    fn input_errors_are_one_bounded_line() {
        let err = Error::InvalidInput(format!("unknown field `a\nb{}`", "x".repeat(5000)));
        let text = err.to_string();
        assert!(
            !text.contains('\n') && text.chars().count() < 1_100,
            "{}",
            text.len()
        );
    }

    #[test]
    fn quoted_text_is_one_bounded_line() {
        let long = format!("a\r\nb{}", "x".repeat(1000));
        let err = Error::Api {
            code: None,
            message: Some(long),
            request_id: None,
        };
        let text = err.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'));
        assert!(text.len() < 600);
    }
}
