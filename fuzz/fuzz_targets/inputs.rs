//! Fuzzes the input side: the bytes as a request body for every action on
//! both generations (the one argument reader, then each action's checks and
//! request builders), plus `encode_component`, `BaseUrl::parse` and
//! `ApiKey::parse`. Nothing may panic; refused arguments send nothing; an
//! accepted id never changes a request's path or query once encoded.

#![no_main]
#![allow(clippy::unwrap_used, clippy::panic)]

use heygen_plugin::actions::ALL;
use heygen_plugin::args::parse_arguments;
use heygen_plugin::config::{API_KEY_VAR, BaseUrl};
use heygen_plugin::key::ApiKey;
use heygen_plugin::outbound::{HttpRequest, HttpResponse, encode_component};
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // The bytes as an action's arguments, on both generations.
    if let Ok(args) = parse_arguments(data) {
        for entry in ALL {
            for generation in ["v3", "legacy"] {
                let not_found = HttpResponse {
                    status: 404,
                    headers: vec![],
                    body: b"{}".to_vec(),
                };
                let mut port = heygen_plugin::port::Canned::new(not_found);
                let card = common::card(&common::run(entry, generation, &args, &mut port));
                let error = card["error"].as_str().unwrap_or("");
                if entry.pure {
                    // Sends nothing; refuses only what it cannot read.
                    assert!(port.sent.is_empty(), "{}", entry.name);
                    assert!(
                        card["success"] == true || error.starts_with("invalid_input: "),
                        "{}: {error}",
                        entry.name
                    );
                } else if port.sent.is_empty() {
                    assert!(
                        error.starts_with("invalid_input: ") || error.starts_with("unsupported: "),
                        "{}: {error}",
                        entry.name
                    );
                } else {
                    assert!(entry.check(&args).is_ok());
                    for request in &port.sent {
                        check_request(request);
                    }
                }
            }
        }
    }

    check_encoding(&text);
    match BaseUrl::parse(&text) {
        Ok(base) => {
            let prefix = &base.path_prefix;
            assert!(prefix.is_empty() || (prefix.starts_with('/') && !prefix.ends_with('/')));
            assert!(!prefix.contains(['?', '#', '%']) && !base.authority.contains(['@', '/']));
        }
        Err(err) => assert!(err.to_string().starts_with("invalid_config: ")),
    }
    match ApiKey::parse(&text, API_KEY_VAR) {
        Ok(key) => {
            let headers = HttpRequest::get("/v3/voices").header_list(&key);
            assert!(
                headers
                    .iter()
                    .all(|(_, v)| v.iter().all(|b| (0x20..0x7f).contains(b)))
            );
            assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        }
        Err(err) => assert!(!err.to_string().contains(['\n', '\r'])),
    }
});

/// A sent request's path segments and query values are well-formed escapes.
fn check_request(request: &HttpRequest) {
    assert!(request.path.starts_with("/v"), "{}", request.path);
    for segment in request.path.split('/').skip(1) {
        assert!(!segment.is_empty() && segment != "." && segment != "..");
        check_escaped(segment);
    }
    for (name, value) in &request.query {
        check_escaped(&encode_component(name));
        check_escaped(&encode_component(value));
    }
}

/// `s` holds only unreserved characters and `%XX` escapes, and decodes.
fn check_escaped(s: &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            assert!(i + 2 < b.len(), "cut escape in {s}");
            assert!(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit());
            i += 3;
        } else {
            assert!(
                b[i].is_ascii_alphanumeric() || b"-_.~".contains(&b[i]),
                "{s}"
            );
            i += 1;
        }
    }
    assert!(percent_decode_str(s).decode_utf8().is_ok());
}

/// `encode_component(s)` is well-formed and decodes back to `s`.
fn check_encoding(s: &str) {
    let encoded = encode_component(s);
    check_escaped(&encoded);
    assert_eq!(percent_decode_str(&encoded).decode_utf8().unwrap(), s);
}
