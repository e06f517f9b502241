//! The HTTP face's pure part: routing, running an action from a request body,
//! and the status and body of every answer. The `wasi:http/incoming-handler`
//! glue in `wasi::server` only moves bytes.
//!
//! Routes: `GET /actions` (the manifest) and `POST /actions/{action}` (card
//! arguments as a JSON object in, the card's output out). Every answer body is
//! JSON; action answers always have the card's output shape.
//!
//! Who may spend the operator's credits: a caller that brings its own
//! `X-Api-Key` needs nothing more. A caller that would use the face's
//! `HEYGEN_API_KEY` must present one of the tokens in `HEYGEN_FACE_TOKEN`
//! (comma-separated, so they can be rotated) as `Authorization: Bearer …`,
//! unless the operator opted out with `HEYGEN_FACE_OPEN=1` for local
//! development. [`authorize`] decides; refusals are 401 and send nothing.

use crate::prelude::*;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::actions::{self, Entry, Env};
use crate::args::parse_arguments;
use crate::config::Config;
use crate::config::{FACE_OPEN_VAR, FACE_TOKEN_VAR};
use crate::error::Failure;
use crate::limits::{MAX_FILE_REQUEST_BYTES, MAX_REQUEST_BYTES};
use crate::manifest;
use crate::port::Port;

/// Where a request goes.
#[derive(Clone, Copy)]
pub enum Route<'a> {
    /// `GET /actions`.
    Manifest,
    /// `POST /actions/{action}`.
    Run(&'static Entry),
    /// `POST /actions/{unknown}`.
    UnknownAction(&'a str),
    /// `/mcp`, any method: MCP over Streamable HTTP ([`crate::mcp::http`]).
    Mcp,
    /// A known path with the wrong method; the value is the `Allow` header.
    WrongMethod(&'static str),
    /// Any other path.
    NotFound,
}

/// Routes a request by method and path (a query string is ignored). `/mcp`
/// goes to the MCP endpoint whatever the method: it answers the wrong ones.
pub fn route<'a>(method: &str, path_with_query: &'a str) -> Route<'a> {
    let path = path_with_query.split(['?', '#']).next().unwrap_or("");
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    if path == "/mcp" {
        return Route::Mcp;
    }
    match path.strip_prefix("/actions") {
        Some("") => match method {
            "GET" => Route::Manifest,
            _ => Route::WrongMethod("GET"),
        },
        Some(rest) => match rest.strip_prefix('/').filter(|n| !n.contains('/')) {
            Some(name) => match (method, actions::find(name)) {
                ("POST", Some(entry)) => Route::Run(entry),
                ("POST", None) => Route::UnknownAction(name),
                (_, Some(_)) => Route::WrongMethod("POST"),
                (_, None) => Route::NotFound,
            },
            None => Route::NotFound,
        },
        None => Route::NotFound,
    }
}

/// An answer to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Extra headers (`Allow`, `Retry-After`); `Content-Type` is JSON unless
    /// one of them sets it.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: String,
}

impl From<actions::Reply> for Answer {
    fn from(reply: actions::Reply) -> Answer {
        Answer {
            status: reply.status,
            headers: reply
                .retry_after
                .map(|secs| ("retry-after", secs.to_string()))
                .into_iter()
                .collect(),
            body: reply.body,
        }
    }
}

impl Answer {
    /// `{"success": false, "error": …}`: valid against every card output schema.
    fn error(status: u16, error: String) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: json!({"success": false, "error": error}).to_string(),
        }
    }
}

/// The manifest for the configured API generation (its limits differ); v3's
/// when the configuration cannot be read (calls then say why).
pub fn manifest(lookup: &dyn Fn(&str) -> Option<String>) -> Answer {
    let generation = Config::from_env(lookup).map_or(Default::default(), |c| c.generation);
    Answer {
        status: 200,
        headers: Vec::new(),
        body: manifest::for_generation(generation).to_owned(),
    }
}

/// Answers a request that did not reach an action.
pub fn refuse(route: &Route<'_>) -> Answer {
    match route {
        Route::UnknownAction(name) => Answer::error(
            404,
            format!(
                "not_found: there is no action `{}`; GET /actions lists them: {}",
                name.chars().take(64).collect::<String>(),
                actions::names()
            ),
        ),
        Route::WrongMethod(allow) => {
            let mut answer = Answer::error(405, format!("method_not_allowed: use {allow} here"));
            answer.headers.push(("allow", (*allow).to_owned()));
            answer
        }
        _ => Answer::error(
            404,
            "not_found: the routes are GET /actions, POST /actions/{action} and POST /mcp (MCP over Streamable HTTP)".into(),
        ),
    }
}

/// The largest request body `entry` takes: [`MAX_REQUEST_BYTES`], or
/// [`MAX_FILE_REQUEST_BYTES`] for an action that takes a file as base64.
pub fn body_limit(entry: &Entry) -> usize {
    if entry.takes_files {
        MAX_FILE_REQUEST_BYTES
    } else {
        MAX_REQUEST_BYTES
    }
}

/// The 413 answer for a body over [`body_limit`], in the action's shape.
pub fn too_large(entry: &Entry) -> Answer {
    entry
        .failure(&Failure {
            message: format!(
                "invalid_input: the request body is larger than {} KiB, this action's limit; send only the action's arguments (a larger file goes by https URL)",
                body_limit(entry) / 1024
            ),
            http_status: 413,
            retry_after: None,
        })
        .into()
}

/// The credentials a request to run an action came with.
#[derive(Clone, Copy, Default)]
pub struct Credentials<'a> {
    /// The `X-Api-Key` header: the caller's own HeyGen key.
    pub api_key: Option<&'a str>,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
}

/// Whether a request with `credentials` may run an action, given the face's
/// environment: its own key always; the operator's key only with a matching
/// bearer token or with `HEYGEN_FACE_OPEN=1`. Tokens are compared in constant
/// time and never quoted.
pub fn authorize(
    lookup: &dyn Fn(&str) -> Option<String>,
    credentials: Credentials<'_>,
) -> Result<(), Failure> {
    if credentials
        .api_key
        .is_some_and(|key| !key.trim().is_empty())
    {
        return Ok(());
    }
    if lookup(FACE_OPEN_VAR).is_some_and(|v| v.trim() == "1") {
        return Ok(());
    }
    let tokens = lookup(FACE_TOKEN_VAR).unwrap_or_default();
    let presented = credentials
        .authorization
        .and_then(|value| value.trim().strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty());
    let matches = |token: &str| {
        tokens
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            // Every configured token is compared, without stopping early.
            .fold(0u8, |hit, t| {
                hit | t.as_bytes().ct_eq(token.as_bytes()).unwrap_u8()
            })
            == 1
    };
    let why = match presented {
        Some(token) if matches(token) => return Ok(()),
        Some(_) => "the bearer token is not one this face accepts",
        None if tokens.trim().is_empty() => {
            "this face has no HEYGEN_FACE_TOKEN, so it lends its HeyGen key to no one"
        }
        None => "no `Authorization: Bearer …` token was sent",
    };
    Err(Failure {
        message: format!(
            "unauthorized: {why}. Send your own HeyGen key as X-Api-Key, or a token from the operator as `Authorization: Bearer <token>` (the operator sets HEYGEN_FACE_TOKEN; HEYGEN_FACE_OPEN=1 opens the face for local development only)"
        ),
        http_status: 401,
        retry_after: None,
    })
}

/// Runs `entry` with the JSON arguments in `body`.
pub fn run(port: &mut dyn Port, entry: &Entry, body: &[u8], env: &Env<'_>) -> Answer {
    match parse_arguments(body) {
        Ok(args) => entry.run(port, env, &args).into(),
        Err(error) => entry.failure(&Failure::from(error)).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::fake::{Scripted, answer};

    fn target(route: Route<'_>) -> String {
        match route {
            Route::Manifest => "manifest".into(),
            Route::Run(entry) => format!("run {}", entry.name),
            Route::UnknownAction(name) => format!("unknown {name}"),
            Route::WrongMethod(allow) => format!("allow {allow}"),
            Route::Mcp => "mcp".into(),
            Route::NotFound => "not found".into(),
        }
    }

    #[test]
    fn routes() {
        assert_eq!(target(route("GET", "/actions")), "manifest");
        assert_eq!(target(route("GET", "/actions/?x=1")), "manifest");
        for entry in actions::ALL {
            let path = format!("/actions/{}", entry.name);
            assert_eq!(target(route("POST", &path)), format!("run {}", entry.name));
            assert_eq!(target(route("GET", &path)), "allow POST");
        }
        assert_eq!(target(route("POST", "/actions/nope")), "unknown nope");
        assert_eq!(target(route("POST", "/actions")), "allow GET");
        for method in ["POST", "GET", "DELETE"] {
            assert_eq!(target(route(method, "/mcp")), "mcp");
            assert_eq!(target(route(method, "/mcp/?x")), "mcp");
        }
        assert_eq!(target(route("POST", "/mcp/x")), "not found");
        for path in ["/", "/actionsx", "/actions/a/b", "/other", ""] {
            assert_eq!(target(route("GET", path)), "not found", "{path}");
        }
    }

    #[test]
    fn the_operators_key_needs_a_token_or_an_explicit_opt_in() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let tokens = env(&[("HEYGEN_FACE_TOKEN", "old-token, new-token")]);
        let bearer = |t: &'static str| Credentials {
            api_key: None,
            authorization: Some(t),
        };
        assert!(authorize(&tokens, bearer("Bearer new-token")).is_ok());
        assert!(authorize(&tokens, bearer("Bearer old-token")).is_ok());
        for (credentials, needle) in [
            (bearer("Bearer wrong"), "not one this face accepts"),
            (bearer("Bearer "), "no `Authorization: Bearer"),
            (bearer("Basic new-token"), "no `Authorization: Bearer"),
            (
                bearer("Bearer new-token,old-token"),
                "not one this face accepts",
            ),
            (Credentials::default(), "no `Authorization: Bearer"),
        ] {
            let failure = authorize(&tokens, credentials).unwrap_err();
            assert_eq!(failure.http_status, 401);
            assert!(failure.message.starts_with("unauthorized: "));
            assert!(failure.message.contains(needle), "{}", failure.message);
            assert!(
                !failure.message.contains("new-token") && !failure.message.contains("old-token")
            );
        }
        let own_key = Credentials {
            api_key: Some("caller-key"),
            authorization: None,
        };
        assert!(authorize(&tokens, own_key).is_ok());
        let none = env(&[]);
        let failure = authorize(&none, Credentials::default()).unwrap_err();
        assert!(failure.message.contains("has no HEYGEN_FACE_TOKEN"));
        assert!(authorize(&none, bearer("Bearer anything")).is_err());
        assert!(authorize(&env(&[("HEYGEN_FACE_OPEN", "1")]), Credentials::default()).is_ok());
        assert!(authorize(&env(&[("HEYGEN_FACE_OPEN", "yes")]), Credentials::default()).is_err());
    }

    #[test]
    fn statuses_and_shapes() {
        let lookup = |name: &str| (name == "HEYGEN_API_KEY").then(|| "k".to_string());
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let voices = actions::find("list_voice_id_options").unwrap();
        let mut t = Scripted::new([answer(
            429,
            r#"{"error":{"code":"rate_limit_exceeded","message":"slow"}}"#,
            &[("retry-after", "9999")],
        )]);
        let reply = run(&mut t, voices, b"", &env);
        assert_eq!(reply.status, 502);
        assert_eq!(reply.headers, vec![("retry-after", "9999".to_string())]);
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["voices"], serde_json::json!([]));
        let link = actions::find("retrieve_video_link").unwrap();
        let reply = run(&mut t, link, b"{nope", &env);
        assert_eq!(reply.status, 400);
        assert!(
            reply
                .body
                .contains("invalid_input: the arguments are not valid JSON")
        );
        assert!(reply.body.contains(r#""video_url":null"#));
        let photo = actions::find("create_talking_photo").unwrap();
        assert_eq!(too_large(photo).status, 413);
        assert_eq!(refuse(&Route::UnknownAction("x")).status, 404);
        let reply = refuse(&Route::WrongMethod("GET"));
        assert_eq!((reply.status, reply.headers[0].1.as_str()), (405, "GET"));
    }
}
