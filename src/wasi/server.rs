//! The HTTP face's `wasi:http/incoming-handler`, for `wasmtime serve`, Spin,
//! wasmCloud and other `wasi:http` servers. Routing and answers come from
//! [`crate::http_face`]; this module only moves bytes, and never panics on
//! a client that hangs up.

use wasip2::clocks::monotonic_clock;
use wasip2::http::types::{
    Fields, IncomingBody, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasip2::io::streams::{OutputStream, StreamError};

use super::port::WasiPort;
use super::{wait, with_env};
use crate::http_face::{self as http, Answer, Route};
use crate::limits::CLIENT_BODY_TIMEOUT_NS;

/// Answers one request: what `wasi:http/incoming-handler.handle` does.
pub fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    let method = match request.method() {
        Method::Get => "GET".to_owned(),
        Method::Post => "POST".to_owned(),
        Method::Other(other) => other,
        // Any other method is refused by the router; its name does not matter.
        _ => "OTHER".to_owned(),
    };
    let path = request.path_with_query().unwrap_or_default();
    let reply = match http::route(&method, &path) {
        Route::Mcp => return super::mcp::handle(request, response_out, &method),
        Route::Manifest => http::manifest(&|name: &str| std::env::var(name).ok()),
        Route::Run(action) => {
            let headers = request.headers();
            let header = |name: &str| {
                headers
                    .get(name)
                    .first()
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            };
            let (key, authorization) = (header("x-api-key"), header("authorization"));
            let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
            drop(headers);
            let credentials = http::Credentials {
                api_key: key.as_deref(),
                authorization: authorization.as_deref(),
            };
            let lookup = |name: &str| std::env::var(name).ok();
            // Refused before the body is read, and nothing is sent.
            match http::authorize(&lookup, credentials) {
                Err(refused) => action.failure(&refused).into(),
                Ok(()) => match read_body(request, declared, http::body_limit(action)) {
                    Some(body) => with_env(key.as_deref(), |env| {
                        http::run(&mut WasiPort, action, &body, env)
                    }),
                    None => http::too_large(action),
                },
            }
        }
        other => http::refuse(&other),
    };
    send(response_out, reply);
}

/// The request body, or `None` when it is (or declares to be) larger than
/// `limit` bytes. A body that breaks off or stalls reads as what came.
pub(super) fn read_body(
    request: IncomingRequest,
    declared: Option<u64>,
    limit: usize,
) -> Option<Vec<u8>> {
    if declared.is_some_and(|n| n > limit as u64) {
        return None;
    }
    // Sized from `content-length` when it is given: growing by doubling
    // would hold the old and the new buffer at once (a 5.6 MB upload body
    // peaked at 8 MiB plus 4 MiB).
    let expected = declared.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
    let mut bytes = Vec::with_capacity(expected);
    let Ok(body) = request.consume() else {
        return Some(bytes);
    };
    let Ok(stream) = body.stream() else {
        return Some(bytes);
    };
    let deadline = monotonic_clock::now().saturating_add(CLIENT_BODY_TIMEOUT_NS);
    loop {
        match stream.read(64 * 1024) {
            Ok(chunk) if chunk.is_empty() => {
                if !wait(&stream.subscribe(), deadline) {
                    break;
                }
            }
            Ok(chunk) => {
                if bytes.len() + chunk.len() > limit {
                    return None;
                }
                bytes.extend_from_slice(&chunk);
            }
            Err(_) => break,
        }
    }
    drop(stream);
    drop(IncomingBody::finish(body));
    Some(bytes)
}

/// Sends `reply`. Failures (a client that went away) end the exchange quietly.
pub(super) fn send(response_out: ResponseOutparam, reply: Answer) {
    let length = reply.body.len().to_string();
    let Some((body, stream)) = start(response_out, reply.status, &reply.headers, Some(&length))
    else {
        return;
    };
    let _ = write_all(&stream, reply.body.as_bytes());
    drop(stream);
    let _ = OutgoingBody::finish(body, None);
}

/// Sends the head of an answer (`status`, `headers`, a JSON `Content-Type`
/// unless `headers` has one, and `length` if known) and opens its body; the
/// caller writes the body, drops the stream and finishes the body. `None`
/// when the client went away.
pub(super) fn start(
    response_out: ResponseOutparam,
    status: u16,
    headers: &[(&'static str, String)],
    length: Option<&str>,
) -> Option<(OutgoingBody, OutputStream)> {
    let fields = Fields::new();
    if !headers.iter().any(|(name, _)| *name == "content-type") {
        let _ = fields.append("content-type", b"application/json");
    }
    if let Some(length) = length {
        let _ = fields.append("content-length", length.as_bytes());
    }
    for (name, value) in headers {
        let _ = fields.append(name, value.as_bytes());
    }
    let response = OutgoingResponse::new(fields);
    let _ = response.set_status_code(status);
    let body = response.body().ok()?;
    ResponseOutparam::set(response_out, Ok(response));
    match body.write() {
        Ok(stream) => Some((body, stream)),
        Err(()) => {
            let _ = OutgoingBody::finish(body, None);
            None
        }
    }
}

/// Writes `bytes`, giving up (quietly) on a client that stops reading for
/// [`CLIENT_BODY_TIMEOUT_NS`].
pub(super) fn write_all(stream: &OutputStream, mut bytes: &[u8]) -> Result<(), StreamError> {
    let ready = || {
        let deadline = monotonic_clock::now().saturating_add(CLIENT_BODY_TIMEOUT_NS);
        wait(&stream.subscribe(), deadline)
    };
    while !bytes.is_empty() {
        let permitted = stream.check_write()?;
        if permitted == 0 {
            if !ready() {
                return Err(StreamError::Closed);
            }
            continue;
        }
        let n = bytes
            .len()
            .min(usize::try_from(permitted).unwrap_or(usize::MAX));
        stream.write(&bytes[..n])?;
        bytes = &bytes[n..];
    }
    stream.flush()?;
    ready();
    Ok(())
}
