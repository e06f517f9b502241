//! What the targets share: the fuzzed answer, running a registry action over
//! a port that gives it to every request, and the checks every card output
//! must pass.

#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use heygen_plugin::actions::{Entry, Env, Reply};
use heygen_plugin::outbound::HttpResponse;
use heygen_plugin::port::Canned;
use serde_json::{Map, Value};

/// The key every run uses; it must never show up in an output.
pub const KEY: &str = "fuzz-KEY-canary-1";

/// The statuses an answer may have.
pub const STATUSES: [u16; 7] = [200, 201, 302, 400, 404, 429, 500];

/// Byte 0 picks the status, byte 1 the headers (bits 0-1: content type,
/// bit 2: a request id, bit 3: a content type that is not UTF-8, bit 4: a
/// `Retry-After`); the rest is the body.
pub fn response(data: &[u8]) -> HttpResponse {
    let (head, body) = data.split_at(data.len().min(2));
    let status = STATUSES[usize::from(head.first().copied().unwrap_or(0)) % STATUSES.len()];
    let flags = head.get(1).copied().unwrap_or(0);
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    let content_type: Option<&[u8]> = match flags & 3 {
        1 => Some(b"application/json"),
        2 => Some(b"text/html; charset=utf-8"),
        3 => Some(b"text/plain"),
        _ => None,
    };
    if let Some(ct) = content_type {
        headers.push(("content-type".into(), ct.to_vec()));
    }
    if flags & 4 != 0 {
        headers.push(("x-request-id".into(), b"req_fuzz".to_vec()));
    }
    if flags & 8 != 0 {
        headers.push(("content-type".into(), vec![0xff, b'/', 0xfe]));
    }
    if flags & 16 != 0 {
        headers.push(("retry-after".into(), vec![b'0' + flags % 10]));
    }
    HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// Runs `entry` with `args` on `generation` over `port`.
pub fn run(entry: &Entry, generation: &str, args: &Value, port: &mut Canned) -> Reply {
    let lookup = |var: &str| match var {
        "HEYGEN_API_KEY" => Some(KEY.to_owned()),
        "HEYGEN_API_VERSION" => Some(generation.to_owned()),
        _ => None,
    };
    let env = Env {
        lookup: &lookup,
        key: None,
    };
    entry.run(port, &env, args)
}

/// The card output of `reply`, checked: a JSON object starting with
/// `success` and `error`, an `error` of one line with a stable prefix when the
/// call failed, the key never present.
pub fn card(reply: &Reply) -> Map<String, Value> {
    assert!(reply.body.starts_with(r#"{"success":"#), "{}", reply.body);
    assert!(!reply.body.contains(KEY));
    let Ok(Value::Object(card)) = serde_json::from_str::<Value>(&reply.body) else {
        panic!("not a JSON object: {}", reply.body)
    };
    match (&card["success"], &card["error"]) {
        (Value::Bool(false), Value::String(error)) => {
            let prefix = error.split(": ").next().unwrap_or("");
            assert!(
                !prefix.is_empty()
                    && prefix
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{error}"
            );
            assert!(!error.contains(['\n', '\r']), "multi-line error: {error:?}");
            assert_ne!(reply.status, 200);
        }
        (Value::Bool(true), Value::Null | Value::String(_)) => assert_eq!(reply.status, 200),
        other => panic!("bad success/error pair {other:?}"),
    }
    card
}
