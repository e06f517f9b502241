//! What the two parser targets share: turning fuzz bytes into an answer, and
//! the checks every error must pass.

use heygen_plugin::Error;
use heygen_plugin::http::HttpResponse;

/// The statuses a parser or `error_from_status` may see.
pub const STATUSES: [u16; 6] = [200, 201, 400, 404, 429, 500];

/// The id the caller asked for, as `parse_video` receives it.
pub const REQUESTED_ID: &str = " v9 ";

/// Byte 0 picks the status, byte 1 the headers (bits 0-1: content type,
/// bit 2: a request id, bit 3: a content type that is not UTF-8) and whether a
/// `Retry-After` is passed (bit 4); the rest is the body.
pub fn response(data: &[u8]) -> (HttpResponse, Option<u64>) {
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
    let retry_after = (flags & 16 != 0).then_some(u64::from(flags));
    let resp = HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    };
    (resp, retry_after)
}

/// Every error renders as one line that starts with its stable prefix.
pub fn check_error(err: &Error) {
    let text = err.to_string();
    assert!(text.starts_with(&format!("{}: ", err.prefix())), "{text}");
    assert!(!text.contains(['\n', '\r']), "multi-line error: {text:?}");
}

/// `error_from_status` keeps the status and the retry hint, and renders well.
/// (`describe_body` is crate-private; it runs inside this and the parsers.)
pub fn check_status_error(resp: &HttpResponse, retry_after: Option<u64>) {
    let err = heygen_plugin::api::error_from_status(resp, retry_after);
    match &err {
        Error::Http {
            status,
            retry_after: hint,
            location,
            ..
        } => {
            assert_eq!(*status, resp.status);
            assert_eq!(*hint, retry_after);
            assert_eq!(*location, None, "no 3xx is generated");
        }
        other => panic!("error_from_status gave {other:?}"),
    }
    check_error(&err);
}
