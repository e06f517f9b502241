//! The core's [`Port`] over `wasi:http`, `wasi:clocks` and `wasi:random`.
//!
//! Every wait (for the connection, the answer's head and each piece of its
//! body) polls the operation together with a timer for the call's deadline,
//! so a call ends on time even on hosts that ignore `request-options`.
//! Bodies are read in pieces and refused past [`MAX_BODY_BYTES`](crate::limits::MAX_BODY_BYTES).

use crate::prelude::*;
use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, FutureIncomingResponse, IncomingBody, IncomingResponse, Method,
    OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};

use wasip2::io::streams::{InputStream, OutputStream, StreamError};

use super::wait;
use crate::config::{self, BaseUrl};
use crate::key::ApiKey;
use crate::limits::{BETWEEN_BYTES_TIMEOUT_NS, CONNECT_TIMEOUT_NS, MAX_BODY_BYTES};
use crate::outbound::{self, HttpRequest, HttpResponse};
use crate::port::{Port, TransportError};
/// How long a failed body write waits for the request's own error.
const WRITE_FAILURE_GRACE_NS: u64 = 1_000_000_000;
/// Bytes asked for per read.
const READ_CHUNK: u64 = 64 * 1024;

/// `wasi:http` as the core's [`Port`].
pub struct WasiPort;

impl Port for WasiPort {
    fn send(
        &mut self,
        base: &BaseUrl,
        key: &ApiKey,
        request: &HttpRequest,
        deadline_ns: u64,
    ) -> Result<HttpResponse, TransportError> {
        let now = monotonic_clock::now();
        if now >= deadline_ns {
            return Err(TransportError::TimedOut(
                "no time left to ask for an answer".into(),
            ));
        }
        let outgoing = outgoing_request(base, key, request)?;
        let body = outgoing
            .body()
            .map_err(|()| TransportError::NotSent("the host gave no request body".into()))?;
        let options = RequestOptions::new();
        let remaining = deadline_ns - now;
        // Hosts may not support these; the deadline is enforced here regardless.
        let _ = options.set_connect_timeout(Some(remaining.min(CONNECT_TIMEOUT_NS)));
        let _ = options.set_first_byte_timeout(Some(remaining));
        let _ = options.set_between_bytes_timeout(Some(remaining.min(BETWEEN_BYTES_TIMEOUT_NS)));
        let future = outgoing_handler::handle(outgoing, Some(options)).map_err(from_error_code)?;
        if let Some(bytes) = &request.body {
            let stream = body
                .write()
                .map_err(|()| TransportError::NotSent("the host gave no body stream".into()))?;
            if let Err(write_error) = write_all(&stream, bytes, deadline_ns) {
                // A refused or failed request closes the body stream: report
                // the request's own outcome when it has one.
                drop(stream);
                let grace = monotonic_clock::now()
                    .saturating_add(WRITE_FAILURE_GRACE_NS)
                    .min(deadline_ns);
                return match wait_for_response(&future, grace) {
                    // The server answered before taking the whole body.
                    Ok(response) => read_response(response, deadline_ns),
                    Err(TransportError::TimedOut(_)) => Err(write_error),
                    Err(request_error) => Err(request_error),
                };
            }
        }
        OutgoingBody::finish(body, None).map_err(from_error_code)?;
        let response = wait_for_response(&future, deadline_ns)?;
        read_response(response, deadline_ns)
    }

    fn now_ns(&mut self) -> u64 {
        monotonic_clock::now()
    }

    fn unix_secs(&mut self) -> u64 {
        wall_clock::now().seconds
    }

    fn sleep_ns(&mut self, ns: u64) {
        monotonic_clock::subscribe_duration(ns).block();
    }

    fn random_u64(&mut self) -> u64 {
        wasip2::random::random::get_random_u64()
    }
}

/// The request's head: method, URL and headers (the key among them).
fn outgoing_request(
    base: &BaseUrl,
    key: &ApiKey,
    request: &HttpRequest,
) -> Result<OutgoingRequest, TransportError> {
    let headers = Fields::new();
    for (name, value) in request.header_list(key) {
        // The error names the header, never its value.
        headers.append(&name, &value).map_err(|_| {
            TransportError::NotSent(format!("the host refused the `{name}` header"))
        })?;
    }
    let outgoing = OutgoingRequest::new(headers);
    let method = match request.method {
        outbound::Method::Get => Method::Get,
        outbound::Method::Post => Method::Post,
        outbound::Method::Delete => Method::Delete,
        outbound::Method::Patch => Method::Patch,
    };
    let scheme = match base.scheme {
        config::Scheme::Http => Scheme::Http,
        config::Scheme::Https => Scheme::Https,
    };
    let refused =
        |what: &str| TransportError::NotSent(format!("the host refused the request's {what}"));
    outgoing
        .set_method(&method)
        .map_err(|()| refused("method"))?;
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| refused("scheme"))?;
    outgoing
        .set_authority(Some(&base.authority))
        .map_err(|()| refused("host"))?;
    outgoing
        .set_path_with_query(Some(&request.path_and_query(base)))
        .map_err(|()| refused("path"))?;
    Ok(outgoing)
}

/// Writes `bytes` to `stream` as fast as it accepts them, then flushes.
fn write_all(
    stream: &OutputStream,
    mut bytes: &[u8],
    deadline_ns: u64,
) -> Result<(), TransportError> {
    let broken = |e: StreamError| {
        TransportError::Broken(format!("sending the body failed: {}", stream_error(e)))
    };
    while !bytes.is_empty() {
        let permitted = stream.check_write().map_err(broken)?;
        if permitted == 0 {
            if !wait(&stream.subscribe(), deadline_ns) {
                return Err(TransportError::TimedOut(
                    "the request body could not be sent in time".into(),
                ));
            }
            continue;
        }
        let n = bytes
            .len()
            .min(usize::try_from(permitted).unwrap_or(usize::MAX));
        stream.write(&bytes[..n]).map_err(broken)?;
        bytes = &bytes[n..];
    }
    // Once a body with a Content-Length is complete, hosts may close the
    // stream: a close after the last byte is success.
    match stream.flush() {
        Ok(()) => {}
        Err(StreamError::Closed) => return Ok(()),
        Err(e) => return Err(broken(e)),
    }
    loop {
        match stream.check_write() {
            Ok(0) => {
                if !wait(&stream.subscribe(), deadline_ns) {
                    return Err(TransportError::TimedOut(
                        "the request body could not be sent in time".into(),
                    ));
                }
            }
            Ok(_) | Err(StreamError::Closed) => return Ok(()),
            Err(e) => return Err(broken(e)),
        }
    }
}

fn wait_for_response(
    future: &FutureIncomingResponse,
    deadline_ns: u64,
) -> Result<IncomingResponse, TransportError> {
    loop {
        match future.get() {
            Some(Ok(Ok(response))) => return Ok(response),
            Some(Ok(Err(code))) => return Err(from_error_code(code)),
            Some(Err(())) => {
                return Err(TransportError::Broken(
                    "the answer was already taken".into(),
                ));
            }
            None => {
                if !wait(&future.subscribe(), deadline_ns) {
                    return Err(TransportError::TimedOut("no answer".into()));
                }
            }
        }
    }
}

/// Status, headers and the whole body (at most [`MAX_BODY_BYTES`]).
fn read_response(
    response: IncomingResponse,
    deadline_ns: u64,
) -> Result<HttpResponse, TransportError> {
    let status = response.status();
    let headers = response
        .headers()
        .entries()
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect();
    let body = response
        .consume()
        .map_err(|()| TransportError::Broken("the answer had no readable body".into()))?;
    let stream = body
        .stream()
        .map_err(|()| TransportError::Broken("the answer had no readable body".into()))?;
    let bytes = read_all(&stream, status, deadline_ns);
    drop(stream);
    drop(IncomingBody::finish(body));
    Ok(HttpResponse {
        status,
        headers,
        body: bytes?,
    })
}

fn read_all(
    stream: &InputStream,
    status: u16,
    deadline_ns: u64,
) -> Result<Vec<u8>, TransportError> {
    let mut bytes = Vec::new();
    loop {
        match stream.read(READ_CHUNK) {
            Ok(chunk) if chunk.is_empty() => {
                if !wait(&stream.subscribe(), deadline_ns) {
                    return Err(TransportError::TimedOut(
                        "no complete answer (the body stalled)".into(),
                    ));
                }
            }
            Ok(chunk) => {
                let needed = bytes.len() + chunk.len();
                if needed > MAX_BODY_BYTES {
                    return Err(TransportError::TooLarge { status });
                }
                // Grow by doubling, but never past the cap: refusing an
                // oversized answer then needs at most the cap, not twice it.
                if needed > bytes.capacity() {
                    let target = needed.max(bytes.capacity() * 2).min(MAX_BODY_BYTES);
                    bytes.reserve_exact(target - bytes.len());
                }
                bytes.extend_from_slice(&chunk);
            }
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(match wasip2::http::types::http_error_code(&e) {
                    Some(code) => from_error_code(code),
                    None => {
                        // Some hosts give no error code here; their text still says what it was.
                        let text = e.to_debug_string();
                        let lower = text.to_ascii_lowercase();
                        if lower.contains("timeout") || lower.contains("timed out") {
                            TransportError::TimedOut(
                                "no complete answer (the connection went silent)".into(),
                            )
                        } else {
                            TransportError::Broken(format!("reading the answer failed: {text}"))
                        }
                    }
                });
            }
        }
    }
}

/// Describes a stream error, through its `wasi:http` error code when it has one.
fn stream_error(error: StreamError) -> String {
    match error {
        StreamError::Closed => "the connection closed".into(),
        StreamError::LastOperationFailed(e) => match wasip2::http::types::http_error_code(&e) {
            Some(code) => describe(&code),
            None => e.to_debug_string(),
        },
    }
}

/// Sorts a `wasi:http` error code by how far the request got.
fn from_error_code(code: ErrorCode) -> TransportError {
    let text = describe(&code);
    match code {
        ErrorCode::HttpRequestDenied => TransportError::Denied,
        ErrorCode::DnsTimeout
        | ErrorCode::DnsError(_)
        | ErrorCode::DestinationNotFound
        | ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpProhibited
        | ErrorCode::DestinationIpUnroutable
        | ErrorCode::ConnectionRefused
        | ErrorCode::ConnectionTimeout
        | ErrorCode::TlsProtocolError
        | ErrorCode::TlsCertificateError
        | ErrorCode::TlsAlertReceived(_)
        | ErrorCode::HttpRequestMethodInvalid
        | ErrorCode::HttpRequestUriInvalid
        | ErrorCode::HttpRequestUriTooLong
        | ErrorCode::HttpRequestHeaderSectionSize(_)
        | ErrorCode::HttpRequestHeaderSize(_)
        | ErrorCode::LoopDetected => TransportError::NotSent(text),
        ErrorCode::ConnectionReadTimeout | ErrorCode::HttpResponseTimeout => {
            TransportError::TimedOut(text)
        }
        _ => TransportError::Broken(text),
    }
}

/// A few words for a `wasi:http` error code.
fn describe(code: &ErrorCode) -> String {
    let text = match code {
        ErrorCode::DnsError(e) => {
            return format!(
                "the DNS lookup failed{}",
                e.rcode
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
        ErrorCode::InternalError(Some(message)) => return format!("the host failed: {message}"),
        ErrorCode::DnsTimeout => "the DNS lookup timed out",
        ErrorCode::DestinationNotFound => "the host was not found",
        ErrorCode::DestinationUnavailable => "the host is unavailable",
        ErrorCode::DestinationIpProhibited | ErrorCode::DestinationIpUnroutable => {
            "the host's address cannot be reached"
        }
        ErrorCode::ConnectionRefused => "the connection was refused",
        ErrorCode::ConnectionTimeout => "the connection timed out",
        ErrorCode::ConnectionTerminated => {
            "the connection was closed before the answer was complete"
        }
        ErrorCode::ConnectionReadTimeout => "no complete answer (the connection went silent)",
        ErrorCode::ConnectionWriteTimeout => "the request could not be sent in time",
        ErrorCode::ConnectionLimitReached => "the host has too many connections open",
        ErrorCode::HttpResponseTimeout => "no answer",
        ErrorCode::TlsCertificateError => "the TLS certificate was not accepted",
        ErrorCode::TlsProtocolError | ErrorCode::TlsAlertReceived(_) => "the TLS handshake failed",
        ErrorCode::HttpRequestDenied => "the host refused the request",
        ErrorCode::HttpRequestMethodInvalid
        | ErrorCode::HttpRequestUriInvalid
        | ErrorCode::HttpRequestUriTooLong => "the host refused the request's URL",
        ErrorCode::HttpRequestHeaderSectionSize(_) | ErrorCode::HttpRequestHeaderSize(_) => {
            "the request's headers were too large"
        }
        ErrorCode::HttpRequestLengthRequired | ErrorCode::HttpRequestBodySize(_) => {
            "the request body's length was refused"
        }
        ErrorCode::HttpProtocolError => "the answer was not valid HTTP",
        ErrorCode::HttpResponseIncomplete => "the answer was cut off",
        ErrorCode::HttpResponseHeaderSectionSize(_) | ErrorCode::HttpResponseHeaderSize(_) => {
            "the answer's headers were too large"
        }
        ErrorCode::HttpResponseBodySize(_) => "the answer's body was too large",
        ErrorCode::HttpResponseTransferCoding(_) | ErrorCode::HttpResponseContentCoding(_) => {
            "the answer's encoding is not supported"
        }
        ErrorCode::LoopDetected => "the request loops",
        ErrorCode::ConfigurationError => "the host's HTTP configuration is broken",
        _ => "the host reported an HTTP failure",
    };
    text.to_owned()
}
