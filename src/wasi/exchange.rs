//! The bytes of one incoming exchange over `wasi:http`, for both routes of
//! the HTTP face (`server` for REST, `mcp` for MCP): reading a request body
//! within a limit and a deadline, and writing an answer's head and body.
//! A client that hangs up or stalls ends the exchange quietly.

use crate::prelude::*;
use wasip2::clocks::monotonic_clock;
use wasip2::http::types::{
    Fields, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasip2::io::streams::{OutputStream, StreamError};

use super::wait;
use crate::http_face::Answer;
use crate::limits::CLIENT_BODY_TIMEOUT_NS;

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
