//! The HTTP face's pure part: routing, running an action from JSON, and the
//! status and body of every answer. The `wasi:http/incoming-handler` glue in
//! `wasm::server` only moves bytes.
//!
//! Routes: `GET /actions` (the manifest) and `POST /actions/{action}` (card
//! arguments as a JSON object in, the card's output out). Every answer body is
//! JSON; action answers always have the card's output shape.

use serde::Serialize;

use crate::actions::{self, Env};
use crate::input::{NoArgs, TalkingPhotoArgs, TemplateArgs, VideoLinkArgs, from_json};
use crate::manifest::MANIFEST_JSON;
use crate::output::{CreateVideoOutput, EventsOutput, Failure, VideoLinkOutput, VoicesOutput};
use crate::transport::Transport;

/// Largest request body accepted, in bytes; a larger one gets 413 unread.
pub const MAX_REQUEST_BYTES: usize = 512 * 1024;

/// One of the card's actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `create_talking_photo`.
    CreateTalkingPhoto,
    /// `create_video_from_template`.
    CreateVideoFromTemplate,
    /// `list_custom_events_options`.
    ListCustomEventsOptions,
    /// `list_voice_id_options`.
    ListVoiceIdOptions,
    /// `retrieve_video_link`.
    RetrieveVideoLink,
}

impl Action {
    /// Every action, in the card's order.
    pub const ALL: [Action; 5] = [
        Action::CreateTalkingPhoto,
        Action::CreateVideoFromTemplate,
        Action::ListCustomEventsOptions,
        Action::ListVoiceIdOptions,
        Action::RetrieveVideoLink,
    ];

    /// The card's name of the action.
    pub fn name(self) -> &'static str {
        match self {
            Action::CreateTalkingPhoto => "create_talking_photo",
            Action::CreateVideoFromTemplate => "create_video_from_template",
            Action::ListCustomEventsOptions => "list_custom_events_options",
            Action::ListVoiceIdOptions => "list_voice_id_options",
            Action::RetrieveVideoLink => "retrieve_video_link",
        }
    }

    /// The action named `name` (the card's snake_case name).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `GET /actions`.
    Manifest,
    /// `POST /actions/{action}`.
    Run(Action),
    /// `POST /actions/{unknown}`.
    UnknownAction(String),
    /// A known path with the wrong method; the value is the `Allow` header.
    WrongMethod(&'static str),
    /// Any other path.
    NotFound,
}

/// Routes a request by method and path (a query string is ignored).
pub fn route(method: &str, path_with_query: &str) -> Route {
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
            Some(name) => match (method, Action::from_name(name)) {
                ("POST", Some(action)) => Route::Run(action),
                ("POST", None) => Route::UnknownAction(name.to_owned()),
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
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers (`Allow`, `Retry-After`); `Content-Type` is always JSON.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub body: String,
}

impl Reply {
    fn json(status: u16, body: &impl Serialize) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: serde_json::to_string(body).unwrap_or_else(|_| r#"{"success":false}"#.into()),
        }
    }

    /// `{"success": false, "error": …}`: valid against every card output schema.
    fn error(status: u16, error: String) -> Reply {
        Reply::json(
            status,
            &serde_json::json!({"success": false, "error": error}),
        )
    }
}

/// The manifest.
pub fn manifest() -> Reply {
    Reply {
        status: 200,
        headers: Vec::new(),
        body: MANIFEST_JSON.to_owned(),
    }
}

/// Answers a request that did not reach an action.
pub fn refuse(route: &Route) -> Reply {
    match route {
        Route::UnknownAction(name) => Reply::error(
            404,
            format!(
                "not_found: there is no action `{}`; GET /actions lists them: {}",
                name.chars().take(64).collect::<String>(),
                Action::ALL.map(Action::name).join(", ")
            ),
        ),
        Route::WrongMethod(allow) => {
            let mut reply = Reply::error(405, format!("method_not_allowed: use {allow} here"));
            reply.headers.push(("allow", (*allow).to_owned()));
            reply
        }
        _ => Reply::error(
            404,
            "not_found: the routes are GET /actions and POST /actions/{action}".into(),
        ),
    }
}

/// The 413 answer for a body over [`MAX_REQUEST_BYTES`], in the action's shape.
pub fn too_large(action: Action) -> Reply {
    let failure = Failure {
        message: format!(
            "invalid_input: the request body is larger than {} KiB; send only the action's arguments",
            MAX_REQUEST_BYTES / 1024
        ),
        http_status: 413,
        retry_after: None,
    };
    match action {
        Action::CreateTalkingPhoto | Action::CreateVideoFromTemplate => {
            reply(Err(failure), |r| CreateVideoOutput::from(r))
        }
        Action::ListCustomEventsOptions => reply(Err(failure), |r| EventsOutput::from(r)),
        Action::ListVoiceIdOptions => reply(Err(failure), |r| VoicesOutput::from(r)),
        Action::RetrieveVideoLink => reply(Err(failure), |r| VideoLinkOutput::from(r)),
    }
}

/// Runs `action` with the JSON arguments in `body`.
pub fn run<T: Transport>(transport: &mut T, action: Action, body: &[u8], env: &Env<'_>) -> Reply {
    match action {
        Action::CreateTalkingPhoto => reply(
            from_json::<TalkingPhotoArgs>(body)
                .map_err(Failure::from)
                .and_then(|args| actions::create_talking_photo(transport, env, &args)),
            |r| CreateVideoOutput::from(r),
        ),
        Action::CreateVideoFromTemplate => reply(
            from_json::<TemplateArgs>(body)
                .map_err(Failure::from)
                .and_then(|args| actions::create_video_from_template(transport, env, &args)),
            |r| CreateVideoOutput::from(r),
        ),
        Action::ListCustomEventsOptions => reply(
            from_json::<NoArgs>(body)
                .map_err(Failure::from)
                .and_then(|_| actions::list_custom_events_options(transport, env)),
            |r| EventsOutput::from(r),
        ),
        Action::ListVoiceIdOptions => reply(
            from_json::<NoArgs>(body)
                .map_err(Failure::from)
                .and_then(|_| actions::list_voice_id_options(transport, env)),
            |r| VoicesOutput::from(r),
        ),
        Action::RetrieveVideoLink => reply(
            from_json::<VideoLinkArgs>(body)
                .map_err(Failure::from)
                .and_then(|args| actions::retrieve_video_link(transport, env, &args)),
            |r| VideoLinkOutput::from(r),
        ),
    }
}

/// The card output for `result`, with the status its failure calls for and
/// any `Retry-After` passed on.
fn reply<S, O: Serialize>(
    result: Result<S, Failure>,
    output: impl Fn(&Result<S, Failure>) -> O,
) -> Reply {
    let mut reply = Reply::json(
        result.as_ref().err().map_or(200, |f| f.http_status),
        &output(&result),
    );
    if let Some(secs) = result.as_ref().err().and_then(|f| f.retry_after) {
        reply.headers.push(("retry-after", secs.to_string()));
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{Scripted, answer};

    #[test]
    fn routes() {
        assert_eq!(route("GET", "/actions"), Route::Manifest);
        assert_eq!(route("GET", "/actions/?x=1"), Route::Manifest);
        assert_eq!(
            route("POST", "/actions/retrieve_video_link"),
            Route::Run(Action::RetrieveVideoLink)
        );
        assert_eq!(
            route("POST", "/actions/nope"),
            Route::UnknownAction("nope".into())
        );
        assert_eq!(
            route("GET", "/actions/retrieve_video_link"),
            Route::WrongMethod("POST")
        );
        assert_eq!(route("POST", "/actions"), Route::WrongMethod("GET"));
        for path in ["/", "/actionsx", "/actions/a/b", "/other", ""] {
            assert_eq!(route("GET", path), Route::NotFound, "{path}");
        }
    }

    #[test]
    fn statuses_and_shapes() {
        let lookup = |name: &str| (name == "HEYGEN_API_KEY").then(|| "k".to_string());
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let mut t = Scripted::new([answer(
            429,
            r#"{"error":{"code":"rate_limit_exceeded","message":"slow"}}"#,
            &[("retry-after", "9999")],
        )]);
        let reply = run(&mut t, Action::ListVoiceIdOptions, b"", &env);
        assert_eq!(reply.status, 502);
        assert_eq!(reply.headers, vec![("retry-after", "9999".to_string())]);
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["voices"], serde_json::json!([]));
        let reply = run(&mut t, Action::RetrieveVideoLink, b"{nope", &env);
        assert_eq!(reply.status, 400);
        assert!(
            reply
                .body
                .contains("invalid_input: the arguments are not valid JSON")
        );
        assert_eq!(too_large(Action::CreateTalkingPhoto).status, 413);
        assert_eq!(refuse(&Route::UnknownAction("x".into())).status, 404);
        let reply = refuse(&Route::WrongMethod("GET"));
        assert_eq!((reply.status, reply.headers[0].1.as_str()), (405, "GET"));
    }
}
