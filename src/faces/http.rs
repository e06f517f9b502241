//! The HTTP face's pure part: routing, running an action from a request body,
//! and the status and body of every answer. The `wasi:http/incoming-handler`
//! glue in `wasi::server` only moves bytes.
//!
//! Routes: `GET /actions` (the manifest) and `POST /actions/{action}` (card
//! arguments as a JSON object in, the card's output out). Every answer body is
//! JSON; action answers always have the card's output shape.

use serde_json::json;

use crate::actions::{self, Entry, Env, parse_body};
use crate::error::Failure;
use crate::faces::manifest::MANIFEST_JSON;
use crate::limits::MAX_REQUEST_BYTES;
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
    /// A known path with the wrong method; the value is the `Allow` header.
    WrongMethod(&'static str),
    /// Any other path.
    NotFound,
}

/// Routes a request by method and path (a query string is ignored).
pub fn route<'a>(method: &str, path_with_query: &'a str) -> Route<'a> {
    let path = path_with_query.split(['?', '#']).next().unwrap_or("");
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
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
    /// Extra headers (`Allow`, `Retry-After`); `Content-Type` is always JSON.
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

/// The manifest.
pub fn manifest() -> Answer {
    Answer {
        status: 200,
        headers: Vec::new(),
        body: MANIFEST_JSON.to_owned(),
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
            "not_found: the routes are GET /actions and POST /actions/{action}".into(),
        ),
    }
}

/// The 413 answer for a body over [`MAX_REQUEST_BYTES`], in the action's shape.
pub fn too_large(entry: &Entry) -> Answer {
    entry
        .failure(&Failure {
            message: format!(
                "invalid_input: the request body is larger than {} KiB; send only the action's arguments",
                MAX_REQUEST_BYTES / 1024
            ),
            http_status: 413,
            retry_after: None,
        })
        .into()
}

/// Runs `entry` with the JSON arguments in `body`.
pub fn run(port: &mut dyn Port, entry: &Entry, body: &[u8], env: &Env<'_>) -> Answer {
    match parse_body(body) {
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
        for path in ["/", "/actionsx", "/actions/a/b", "/other", ""] {
            assert_eq!(target(route("GET", path)), "not found", "{path}");
        }
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
