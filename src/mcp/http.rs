//! The HTTP face's MCP endpoint, `POST /mcp`: MCP's Streamable HTTP transport
//! (revisions 2025-03-26, 2025-06-18 and 2025-11-25, and the stateless
//! revision 2026-07-28 of [`super::stateless`]), stateless in every revision,
//! so that any replica can answer any request and no session needs affinity.
//!
//! - One JSON-RPC message per POST. A request is answered as
//!   `application/json`, or as `text/event-stream` when the client takes it
//!   and asked for the progress of a wait (a `progressToken`): then each
//!   status change is a `notifications/progress` before the result. A
//!   notification or a response gets 202 and no body; a batch (an array),
//!   which these revisions do not have, gets 400.
//! - No sessions (no `Mcp-Session-Id`), no server-initiated stream (`GET`
//!   gets 405), and no event ids: a stream cannot be resumed. A client whose
//!   stream drops during a wait calls the wait again: it is a read.
//! - The tools are [`super::tools`]'s, as `heygen-host mcp` offers them; the
//!   operator picks them with `HEYGEN_FACE_TOOLSETS` and
//!   `HEYGEN_FACE_READ_ONLY`.
//! - Who may spend the credits follows the REST face
//!   ([`http_face::authorize`]): `initialize`, `ping`, `server/discover` and
//!   `tools/list` are open; `tools/call` needs the caller's own `X-Api-Key`
//!   or a `HEYGEN_FACE_TOKEN` bearer token, else 401 with
//!   `WWW-Authenticate: Bearer` and nothing is sent.
//! - `Origin` is checked against `HEYGEN_FACE_ORIGINS` (DNS rebinding): a
//!   request from any other origin gets 403; one without `Origin` (every
//!   non-browser client) passes.

use crate::prelude::*;
use serde_json::{Value, json};

use super::stateless::{self, Refused};
use super::tools::{self, Selection};
use crate::actions::{Entry, Reply};
use crate::config::{Config, FACE_ORIGINS_VAR, FACE_READ_ONLY_VAR, FACE_TOOLSETS_VAR, Generation};
use crate::error::Failure;
use crate::http_face::{self, Answer, Credentials};
use crate::limits::MAX_FILE_REQUEST_BYTES;

/// The handshake revisions this endpoint speaks (with `initialize`), newest
/// first; [`stateless::VERSIONS`] are the others.
pub const PROTOCOL_VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// The largest message `POST /mcp` reads: room for a 4 MiB file as base64
/// in an `upload_asset` call, the largest valid one.
pub const MAX_MESSAGE_BYTES: usize = MAX_FILE_REQUEST_BYTES;

/// JSON-RPC's codes, and the one this endpoint adds for 401.
mod code {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    /// Server-defined: the call needs a token or a key.
    pub const UNAUTHORIZED: i64 = -32001;
}

/// Reads a request header (by lower-case name) or an environment variable.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// How a client takes answers, from its `Accept` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accepts {
    /// `application/json`.
    pub json: bool,
    /// `text/event-stream`.
    pub events: bool,
}

impl Accepts {
    /// The media types `accept` lists (wildcards included).
    pub fn parse(accept: Option<&str>) -> Accepts {
        let mut accepts = Accepts::default();
        for range in accept.unwrap_or_default().split(',') {
            let media = range.split(';').next().unwrap_or("").trim();
            let media = media.to_ascii_lowercase();
            match media.as_str() {
                "*/*" => {
                    accepts.json = true;
                    accepts.events = true;
                }
                "application/json" | "application/*" => accepts.json = true,
                "text/event-stream" | "text/*" => accepts.events = true,
                _ => {}
            }
        }
        accepts
    }
}

/// What to do with a message.
pub enum Step {
    /// Answer it now.
    Answer(Answer),
    /// Run a tool, then answer with [`ToolCall::result`].
    Call(ToolCall),
}

/// A `tools/call` that passed every check: its arguments were read and
/// found good, and the caller may spend the credits.
pub struct ToolCall {
    /// The action.
    pub entry: &'static Entry,
    /// Its arguments, `null`s left out.
    pub args: Value,
    /// The request's id.
    pub id: Value,
    /// The client's `progressToken`, if it sent one.
    pub progress: Option<Value>,
    /// How the client takes answers.
    pub accepts: Accepts,
    /// Whether the request is of the stateless revision.
    pub stateless: bool,
}

impl ToolCall {
    /// Whether to answer as an event stream: the client takes one, and it
    /// asked for the progress of a wait (or takes nothing else).
    pub fn streams(&self) -> bool {
        (self.accepts.events && self.progress.is_some() && self.entry.waits) || !self.accepts.json
    }

    /// The `notifications/progress` message with `params`
    /// ([`super::progress::Reported::next`]), as an event.
    pub fn progress_event(params: Value) -> String {
        event(
            &json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})
                .to_string(),
        )
    }

    /// The JSON-RPC response carrying the card `reply`, as text: the card as
    /// `structuredContent` and as text, an error when it says
    /// `success: false`, as `heygen-host mcp` answers. The card's text is
    /// spliced in as it is (a card of 2,000 voices is not parsed again).
    pub fn result(&self, reply: &Reply) -> String {
        tool_result(&self.id, reply, self.stateless)
    }
}

/// The JSON-RPC response to request `id` carrying the card `reply` (see
/// [`ToolCall::result`]), in the stateless revision's form if `stateless`.
fn tool_result(id: &Value, reply: &Reply, stateless: bool) -> String {
    let text = serde_json::to_string(&reply.body).unwrap_or_default();
    let fields = if stateless {
        stateless::result_fields()
    } else {
        String::new()
    };
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"result":{{{fields}"content":[{{"type":"text","text":{text}}}],"isError":{},"structuredContent":{}}}}}"#,
        !reply.succeeded(),
        reply.body
    )
}

/// One server-sent event carrying `message` (compact JSON text: one line).
pub fn event(message: &str) -> String {
    format!("event: message\ndata: {message}\n\n")
}

/// The checks made before the body is read: the method, `Origin`, the body's
/// media type and what the client accepts. (The protocol version is judged
/// with the message, whose id its refusal carries.) `headers`
/// reads the request's, `env` the face's environment.
pub fn admit(method: &str, headers: Lookup<'_>, env: Lookup<'_>) -> Result<Accepts, Answer> {
    if method != "POST" {
        let mut answer = refusal(
            405,
            code::INVALID_REQUEST,
            "method_not_allowed: this MCP endpoint is stateless: it takes one JSON-RPC message per POST and has no server-initiated stream (GET) and no session to end (DELETE)".into(),
        );
        answer.headers.push(("allow", "POST".into()));
        return Err(answer);
    }
    if let Some(origin) = headers("origin") {
        let allowed = env(FACE_ORIGINS_VAR).unwrap_or_default();
        let same = |a: &str| {
            a.trim()
                .trim_end_matches('/')
                .eq_ignore_ascii_case(origin.trim().trim_end_matches('/'))
        };
        if !allowed.split(',').any(|a| !a.trim().is_empty() && same(a)) {
            return Err(refusal(
                403,
                code::INVALID_REQUEST,
                format!(
                    "forbidden: requests from the origin `{}` are not served; the operator lists the browser origins it serves in {FACE_ORIGINS_VAR} (clients outside a browser send no Origin)",
                    origin.chars().take(100).collect::<String>()
                ),
            ));
        }
    }
    let content_type = headers("content-type").unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(refusal(
            415,
            code::INVALID_REQUEST,
            "unsupported_media_type: send the JSON-RPC message with `Content-Type: application/json`".into(),
        ));
    }
    let accepts = Accepts::parse(headers("accept").as_deref());
    if !accepts.json && !accepts.events {
        return Err(refusal(
            406,
            code::INVALID_REQUEST,
            "not_acceptable: send `Accept: application/json, text/event-stream`, as MCP's Streamable HTTP transport asks of clients".into(),
        ));
    }
    Ok(accepts)
}

/// The answer to a body over [`MAX_MESSAGE_BYTES`].
pub fn too_large() -> Answer {
    refusal(
        413,
        code::INVALID_REQUEST,
        format!(
            "payload_too_large: a message may have at most {} MiB; nothing was run (a larger file goes by https URL)",
            MAX_MESSAGE_BYTES >> 20
        ),
    )
}

/// Reads one message (`body`) and decides what to do with it. `headers`
/// reads the request's headers, `env` the face's environment.
pub fn step(body: &[u8], accepts: Accepts, headers: Lookup<'_>, env: Lookup<'_>) -> Step {
    let message = match crate::json::read(body) {
        Ok(message) => message,
        Err(e) => {
            return Step::Answer(refusal(
                400,
                code::PARSE_ERROR,
                format!("parse error: the body is not JSON ({e})"),
            ));
        }
    };
    let Value::Object(message) = message else {
        let why = if message.is_array() {
            "a JSON-RPC batch: the MCP revisions this server speaks have none; send one message per POST"
        } else {
            "not a JSON-RPC message (an object)"
        };
        return Step::Answer(refusal(
            400,
            code::INVALID_REQUEST,
            format!("invalid request: {why}"),
        ));
    };
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Step::Answer(refusal(
            400,
            code::INVALID_REQUEST,
            "invalid request: `jsonrpc` must be \"2.0\"".into(),
        ));
    }
    let method = message.get("method").and_then(Value::as_str);
    let id = message.get("id").filter(|id| !id.is_null());
    if let Some(version) = headers("mcp-protocol-version")
        && !PROTOCOL_VERSIONS.contains(&version.trim())
        && !stateless::VERSIONS.contains(&version.trim())
    {
        let id = id.filter(|id| id.is_string() || id.is_number());
        return Step::Answer(refused(
            id.unwrap_or(&Value::Null),
            stateless::unsupported(version.trim(), &PROTOCOL_VERSIONS),
        ));
    }
    let (method, id) = match (method, id) {
        (Some(method), Some(id)) if id.is_string() || id.is_number() => (method, id.clone()),
        (Some(_), Some(_)) => {
            return Step::Answer(refusal(
                400,
                code::INVALID_REQUEST,
                "invalid request: `id` must be a string or a number".into(),
            ));
        }
        // A notification, or a response to a request of ours (we send none).
        (None, Some(_)) | (Some(_), None)
            if message.contains_key("method")
                || message.contains_key("result")
                || message.contains_key("error") =>
        {
            return Step::Answer(accepted());
        }
        _ => {
            return Step::Answer(refusal(
                400,
                code::INVALID_REQUEST,
                "invalid request: a JSON-RPC message has a `method` (a request or notification) or a `result` or `error` (a response)".into(),
            ));
        }
    };
    let params = message.get("params").cloned().unwrap_or(Value::Null);
    let stateless =
        stateless::is_stateless(method, &params, headers("mcp-protocol-version").as_deref());
    if stateless && let Err(why) = stateless::check(method, &params, headers) {
        return Step::Answer(refused(&id, why));
    }
    let generation = Config::from_env(env).map_or(Generation::default(), |c| c.generation);
    let answer = |result: Value, cacheable: bool| {
        let result = if stateless {
            stateless::finish(result, cacheable)
        } else {
            result
        };
        Step::Answer(deliver(ok(success(&id, result)), accepts))
    };
    match method {
        "initialize" => answer(initialized(&params, generation), false),
        "ping" if !stateless => answer(json!({}), false),
        "server/discover" if stateless => Step::Answer(deliver(
            ok(success(
                &id,
                stateless::discover(&tools::instructions(generation)),
            )),
            accepts,
        )),
        "tools/list" => match selection(env) {
            Ok(selection) => answer(json!({"tools": tools::list(generation, &selection)}), true),
            Err(why) => Step::Answer(deliver(ok(error(&id, code::INTERNAL_ERROR, why)), accepts)),
        },
        "tools/call" => call(&id, &params, accepts, headers, env, stateless),
        other => {
            let message = format!(
                "method not found: `{}`; this server has tools only ({})",
                other.chars().take(64).collect::<String>(),
                if stateless {
                    "server/discover, tools/list, tools/call"
                } else {
                    "initialize, ping, tools/list, tools/call"
                }
            );
            let mut answer = ok(error(&id, code::METHOD_NOT_FOUND, message));
            // The stateless revision answers an unknown method with 404.
            if stateless {
                answer.status = 404;
            }
            Step::Answer(deliver(answer, accepts))
        }
    }
}

/// The checks of a `tools/call`: the tool is offered, the caller may spend
/// the credits, the arguments are good.
fn call(
    id: &Value,
    params: &Value,
    accepts: Accepts,
    headers: Lookup<'_>,
    env: Lookup<'_>,
    stateless: bool,
) -> Step {
    let reply = |message: Value| Step::Answer(deliver(ok(message), accepts));
    let selection = match selection(env) {
        Ok(selection) => selection,
        Err(why) => return reply(error(id, code::INTERNAL_ERROR, why)),
    };
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return reply(error(
            id,
            code::INVALID_PARAMS,
            "invalid params: `name` (the tool's) is required".into(),
        ));
    };
    let entry = match selection.find(name) {
        Ok(entry) => entry,
        Err(why) => return reply(error(id, code::INVALID_PARAMS, why)),
    };
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(_) => {
            return reply(error(
                id,
                code::INVALID_PARAMS,
                "invalid params: `arguments` must be an object".into(),
            ));
        }
    };
    let key = headers("x-api-key");
    let authorization = headers("authorization");
    let credentials = Credentials {
        api_key: key.as_deref(),
        authorization: authorization.as_deref(),
    };
    if let Err(refused) = http_face::authorize(env, credentials) {
        let message = format!(
            "{}. The token is a static pre-shared token, not OAuth: configure it in the MCP client as a header (`Authorization: Bearer <token>`).",
            refused.message
        );
        let mut answer = Answer {
            status: 401,
            headers: vec![("www-authenticate", "Bearer realm=\"heygen\"".into())],
            body: error(id, code::UNAUTHORIZED, message).to_string(),
        };
        answer
            .headers
            .push(("content-type", "application/json".into()));
        return Step::Answer(answer);
    }
    let args = tools::arguments(arguments);
    if let Err(refused) = entry.check(&args) {
        let card = entry.failure(&Failure::from(refused));
        let answer = Answer {
            status: 200,
            headers: Vec::new(),
            body: tool_result(id, &card, stateless),
        };
        return Step::Answer(deliver(answer, accepts));
    }
    let progress = params
        .get("_meta")
        .and_then(|meta| meta.get("progressToken"))
        .filter(|token| token.is_string() || token.is_number())
        .cloned();
    Step::Call(ToolCall {
        entry,
        args,
        id: id.clone(),
        progress,
        accepts,
        stateless,
    })
}

/// The face's choice of tools (`HEYGEN_FACE_TOOLSETS`,
/// `HEYGEN_FACE_READ_ONLY`), or why it cannot be read.
fn selection(env: Lookup<'_>) -> Result<Selection, String> {
    let list = env(FACE_TOOLSETS_VAR).filter(|v| !v.trim().is_empty());
    let read_only = env(FACE_READ_ONLY_VAR).is_some_and(|v| v.trim() == "1");
    Selection::parse(list.as_deref(), read_only).map_err(|why| {
        format!("the face's {FACE_TOOLSETS_VAR} cannot be read: {why}; the operator must fix it")
    })
}

/// The `initialize` result: the client's protocol version if this server
/// speaks it, else the newest it does.
fn initialized(params: &Value, generation: Generation) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = PROTOCOL_VERSIONS
        .into_iter()
        .find(|v| Some(*v) == asked)
        .unwrap_or(PROTOCOL_VERSIONS[0]);
    json!({
        "protocolVersion": version,
        "capabilities": {"tools": {"listChanged": false}},
        "serverInfo": stateless::server_info(),
        "instructions": tools::instructions(generation),
    })
}

fn success(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

fn error(id: &Value, code: i64, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// A 200 answer carrying `message`.
fn ok(message: Value) -> Answer {
    Answer {
        status: 200,
        headers: Vec::new(),
        body: message.to_string(),
    }
}

/// 202, no body: a notification or a response was taken.
fn accepted() -> Answer {
    Answer {
        status: 202,
        headers: Vec::new(),
        body: String::new(),
    }
}

/// The answer to a request refused before it ran, with its error `data`.
fn refused(id: &Value, why: Refused) -> Answer {
    let mut body = error(id, why.code, why.message);
    if let Some(data) = why.data {
        body["error"]["data"] = data;
    }
    Answer {
        status: why.status,
        headers: vec![("content-type", "application/json".into())],
        body: body.to_string(),
    }
}

/// An HTTP error whose body is a JSON-RPC error without an id.
fn refusal(status: u16, code: i64, message: String) -> Answer {
    Answer {
        status,
        headers: Vec::new(),
        body: error(&Value::Null, code, message).to_string(),
    }
}

/// `answer` as the client takes it: as one event for a client that takes
/// only event streams.
pub fn deliver(mut answer: Answer, accepts: Accepts) -> Answer {
    if !accepts.json && answer.status == 200 {
        answer.body = event(&answer.body);
        answer
            .headers
            .push(("content-type", "text/event-stream".into()));
    }
    answer
}

#[cfg(test)]
pub(crate) mod tests;
