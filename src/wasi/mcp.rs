//! The HTTP face's `POST /mcp` over `wasi:http`: reads the headers and the
//! message, runs what [`crate::mcp::http`] decides, and writes the answer,
//! as JSON or as an event stream with a wait's progress. It only moves
//! bytes.

use crate::prelude::*;
use serde_json::Value;
use wasip2::http::types::{IncomingRequest, OutgoingBody, ResponseOutparam};

use super::exchange::{read_body, send, start, write_all};
use super::port::WasiPort;
use super::with_env;
use crate::mcp::http::{self as mcp, Step, ToolCall};
use crate::mcp::progress::{Reported, Seen, Watching};

/// The request headers the endpoint reads.
const READ: [&str; 9] = [
    "accept",
    "authorization",
    "content-length",
    "content-type",
    "mcp-method",
    "mcp-name",
    "mcp-protocol-version",
    "origin",
    "x-api-key",
];

/// Answers one request to `/mcp`.
pub fn handle(request: IncomingRequest, response_out: ResponseOutparam, method: &str) {
    // Copied out first: the headers must be let go before the body is read.
    let fields = request.headers();
    let headers: Vec<(&str, String)> = READ
        .into_iter()
        .filter_map(|name| {
            let value = fields.get(name).into_iter().next()?;
            Some((name, String::from_utf8_lossy(&value).into_owned()))
        })
        .collect();
    drop(fields);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let environment = super::Environment::read();
    let env = |name: &str| environment.var(name);
    let accepts = match mcp::admit(method, &header, &env) {
        Ok(accepts) => accepts,
        Err(refused) => return send(response_out, refused),
    };
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let Some(body) = read_body(request, declared, mcp::MAX_MESSAGE_BYTES) else {
        return send(response_out, mcp::too_large());
    };
    match mcp::step(&body, accepts, &header, &env) {
        Step::Answer(answer) => send(response_out, answer),
        Step::Call(call) if call.streams() => {
            stream(response_out, &call, &environment, header("x-api-key"))
        }
        Step::Call(call) => {
            let reply = with_env(&environment, header("x-api-key").as_deref(), |env| {
                call.entry.run(&mut WasiPort, env, &call.args)
            });
            send(
                response_out,
                crate::http_face::Answer {
                    status: 200,
                    headers: Vec::new(),
                    body: call.result(&reply),
                },
            );
        }
    }
}

/// Runs `call` answering with an event stream: a `notifications/progress`
/// for each status change seen in the wait's polls (when the client sent a
/// `progressToken`), then the result.
fn stream(
    response_out: ResponseOutparam,
    call: &ToolCall,
    environment: &super::Environment,
    key: Option<String>,
) {
    let headers = [
        ("content-type", "text/event-stream".to_owned()),
        ("cache-control", "no-cache".to_owned()),
        // Proxies such as nginx would otherwise hold the progress back.
        ("x-accel-buffering", "no".to_owned()),
    ];
    let Some((body, out)) = start(response_out, 200, &headers, None) else {
        return;
    };
    let mut reported = Reported::default();
    let token = call.progress.clone().unwrap_or(Value::Null);
    // Whether the client closed the stream: nothing more is written to it.
    // (The call itself goes on to its end; a wait only reads.)
    let mut gone = false;
    let mut watch = |answer: &[u8]| {
        if call.progress.is_none() || gone {
            return;
        }
        let Some(seen) = Seen::in_answer(answer) else {
            return;
        };
        if let Some(params) = reported.next(&token, seen) {
            gone = write_all(&out, ToolCall::progress_event(params).as_bytes()).is_err();
        }
    };
    let reply = with_env(environment, key.as_deref(), |env| {
        let mut port = Watching {
            port: &mut WasiPort,
            watch: &mut watch,
        };
        call.entry.run(&mut port, env, &call.args)
    });
    if !gone {
        let _ = write_all(&out, mcp::event(&call.result(&reply)).as_bytes());
    }
    drop(out);
    let _ = OutgoingBody::finish(body, None);
}
