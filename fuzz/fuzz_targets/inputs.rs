//! Fuzzes the input side: argument JSON (`from_json` for every args type, then
//! both generations' request builders), the id, text and scale checks,
//! template variables, `encode_component`, `BaseUrl::parse`, `ApiKey::parse`
//! and `retry_after_secs`. Nothing may panic, and an accepted id can never
//! change a request's path or query once encoded.

#![no_main]

use heygen_plugin::Error;
use heygen_plugin::api::{legacy, v3, variables};
use heygen_plugin::config::{API_KEY_VAR, ApiKey, BaseUrl};
use heygen_plugin::http::{HttpRequest, Method, encode_component};
use heygen_plugin::input::{
    Expression, NoArgs, TalkingPhotoArgs, TalkingPhotoStyle, TalkingStyle, TemplateArgs,
    VideoLinkArgs, check_id, check_scale, check_text, from_json, variables_object,
};
use heygen_plugin::retry::retry_after_secs;
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let bases = base_urls(&text);

    // The arguments as JSON, as the HTTP face receives them.
    if let Ok(args) = from_json::<TalkingPhotoArgs>(data) {
        talking_photo(&args, &bases);
    }
    if let Ok(args) = from_json::<TemplateArgs>(data) {
        template(&args, &bases);
    }
    if let Ok(args) = from_json::<VideoLinkArgs>(data) {
        video(&args, &bases);
    }
    let _ = from_json::<NoArgs>(data);

    // The same builders on arguments cut from the text: fields split at NUL,
    // options chosen by a hash of the bytes.
    let bits = data
        .iter()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(*b)));
    let bit = |n: u32| bits >> n & 1 == 1;
    let opt = |n: u32| bit(n).then(|| bit(n + 1));
    let mut fields = text.split('\0');
    let mut field = || fields.next().unwrap_or("").to_owned();
    let (id, script, voice, extra) = (field(), field(), field(), field());
    talking_photo(
        &TalkingPhotoArgs {
            talking_photo_id: id.clone(),
            input_text: script.clone(),
            voice_id: voice,
            test: opt(0),
            caption: opt(2),
            scale: extra.trim().parse::<f64>().ok(),
            talking_photo_style: opt(4).map(|c| {
                if c {
                    TalkingPhotoStyle::Circle
                } else {
                    TalkingPhotoStyle::Square
                }
            }),
            talking_style: opt(6).map(|e| {
                if e {
                    TalkingStyle::Expressive
                } else {
                    TalkingStyle::Stable
                }
            }),
            expression: opt(8).map(|h| {
                if h {
                    Expression::Happy
                } else {
                    Expression::Default
                }
            }),
            super_resolution: opt(10),
            matting: opt(12),
        },
        &bases,
    );
    template(
        &TemplateArgs {
            template_id: id.clone(),
            test: opt(14),
            caption: opt(16),
            variables: bit(18).then(|| Value::String(script.clone())),
        },
        &bases,
    );
    video(&VideoLinkArgs { video_id: id }, &bases);

    // The checks on the whole text.
    if let Ok(id) = check_id("video_id", &text) {
        check_encoding(&id);
    }
    match check_text("input_text", &text, 2_000) {
        Ok(script) => assert_eq!(script, text),
        Err(err) => check_error(&err),
    }
    if let Some(bytes) = data.get(..8) {
        let scale = f64::from_le_bytes(bytes.try_into().unwrap_or_default());
        if let Ok(ok) = check_scale(scale) {
            assert!((0.0..=2.0).contains(&ok));
        }
    }
    check_encoding(&text);

    // Template variables: arbitrary JSON, and the text as JSON text.
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        template_variables(&value);
    }
    template_variables(&Value::String(text.to_string()));

    // Configuration and Retry-After.
    match ApiKey::parse(&text, API_KEY_VAR) {
        Ok(key) => {
            let req = HttpRequest::get("/v3/voices");
            let headers = req.header_list(&key);
            assert!(
                headers
                    .iter()
                    .all(|(_, v)| v.iter().all(|b| (0x20..0x7f).contains(b)))
            );
            assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        }
        Err(err) => check_error(&err),
    }
    let now = data
        .get(..8)
        .map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let _ = retry_after_secs(&text, now);
});

/// The default base URL, and the text's when it is accepted.
fn base_urls(text: &str) -> Vec<BaseUrl> {
    let mut bases = vec![BaseUrl::parse("https://api.heygen.com").unwrap()];
    match BaseUrl::parse(text) {
        Ok(base) => {
            let prefix = &base.path_prefix;
            assert!(prefix.is_empty() || (prefix.starts_with('/') && !prefix.ends_with('/')));
            assert!(!prefix.contains(['?', '#', '%']) && !base.authority.contains(['@', '/']));
            bases.push(base);
        }
        Err(err) => check_error(&err),
    }
    bases
}

/// Percent-decodes a component that must be valid UTF-8.
fn decode(component: &str) -> String {
    percent_decode_str(component)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// `encode_component(s)` holds only unreserved characters and `%XX` escapes
/// (so no `/ ? # & =` and no bare `%`), and decodes back to `s`.
fn check_encoding(s: &str) {
    let enc = encode_component(s);
    let b = enc.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            assert!(i + 2 < b.len(), "cut escape in {enc}");
            assert!(
                b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit(),
                "bad escape in {enc}"
            );
            i += 3;
        } else {
            assert!(
                b[i].is_ascii_alphanumeric() || b"-_.~".contains(&b[i]),
                "{enc}"
            );
            i += 1;
        }
    }
    assert_eq!(decode(&enc), s);
}

/// Asserts `req`'s path is `base`'s prefix then `segments` (`None` standing for
/// the encoded `id`), with no query.
fn check_path(req: &HttpRequest, base: &BaseUrl, segments: &[Option<&str>], id: &str) {
    let pq = req.path_and_query(base);
    let rest = pq.strip_prefix(base.path_prefix.as_str()).unwrap();
    assert!(!rest.contains(['?', '#']), "{pq}");
    let got: Vec<&str> = rest.split('/').collect();
    assert_eq!(got.len(), segments.len() + 1, "{pq}");
    assert_eq!(got[0], "");
    for (seg, want) in got[1..].iter().zip(segments) {
        match want {
            Some(fixed) => assert_eq!(seg, fixed, "{pq}"),
            None => assert_eq!(decode(seg), id, "{pq}"),
        }
    }
}

/// A POST with a JSON object body.
fn check_post(req: &HttpRequest) {
    assert_eq!(req.method, Method::Post);
    let body: Value = serde_json::from_slice(req.body.as_deref().unwrap()).unwrap();
    assert!(body.is_object());
}

/// Every error renders with its stable prefix.
fn check_error(err: &Error) {
    let text = err.to_string();
    assert!(text.starts_with(&format!("{}: ", err.prefix())), "{text}");
}

fn talking_photo(args: &TalkingPhotoArgs, bases: &[BaseUrl]) {
    for (result, path) in [
        (v3::talking_photo(args), "v3/videos"),
        (legacy::talking_photo(args), "v2/video/generate"),
    ] {
        match result {
            Ok(req) => {
                check_post(&req);
                assert!(check_id("talking_photo_id", &args.talking_photo_id).is_ok());
                assert!(check_id("voice_id", &args.voice_id).is_ok());
                for base in bases {
                    let segments: Vec<_> = path.split('/').map(Some).collect();
                    check_path(&req, base, &segments, "");
                }
            }
            Err(err) => check_error(&err),
        }
    }
}

fn template(args: &TemplateArgs, bases: &[BaseUrl]) {
    let results = [
        (
            v3::template(args),
            &[Some("v3"), Some("templates"), None][..],
        ),
        (
            legacy::template(args),
            &[Some("v2"), Some("template"), None, Some("generate")][..],
        ),
    ];
    for (result, segments) in results {
        match result {
            Ok(req) => {
                check_post(&req);
                let id = check_id("template_id", &args.template_id).unwrap();
                for base in bases {
                    check_path(&req, base, segments, &id);
                }
            }
            Err(err) => check_error(&err),
        }
    }
}

fn video(args: &VideoLinkArgs, bases: &[BaseUrl]) {
    let accepted = check_id("video_id", &args.video_id).ok();
    match v3::video(args) {
        Ok(req) => {
            let id = accepted.as_deref().unwrap();
            assert_eq!(req.method, Method::Get);
            for base in bases {
                check_path(&req, base, &[Some("v3"), Some("videos"), None], id);
            }
        }
        Err(err) => {
            assert!(accepted.is_none());
            check_error(&err);
        }
    }
    match legacy::video(args) {
        Ok(req) => {
            let id = accepted.as_deref().unwrap();
            for base in bases {
                let pq = req.path_and_query(base);
                let rest = pq.strip_prefix(base.path_prefix.as_str()).unwrap();
                let (path, query) = rest.split_once('?').unwrap();
                assert_eq!(path, "/v1/video_status.get");
                assert!(!query.contains(['?', '#', '&', '/']), "{pq}");
                let (name, value) = query.split_once('=').unwrap();
                assert_eq!(name, "video_id");
                assert!(!value.contains('='), "{pq}");
                assert_eq!(decode(value), id);
            }
        }
        Err(err) => {
            assert!(accepted.is_none());
            check_error(&err);
        }
    }
}

fn template_variables(raw: &Value) {
    match variables_object(raw) {
        Ok(map) => {
            assert!(map.values().all(Value::is_object));
            match variables::to_v3(map.clone()) {
                Ok(out) => assert_eq!(out.len(), map.len()),
                Err(err) => check_error(&err),
            }
            match variables::to_legacy(map.clone()) {
                Ok(out) => {
                    assert_eq!(out.len(), map.len());
                    assert!(
                        out.values()
                            .all(|v| v.get("name").is_some() && v["properties"].is_object())
                    );
                }
                Err(err) => check_error(&err),
            }
        }
        Err(err) => check_error(&err),
    }
}
