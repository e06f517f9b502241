//! Property tests of the pure core: percent-encoding, request paths built
//! from accepted ids, argument JSON, and the answer parsers. None of these
//! may panic, whatever the input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use heygen_plugin::api::{self, legacy, v3};
use heygen_plugin::config::BaseUrl;
use heygen_plugin::http::{HttpResponse, encode_component};
use heygen_plugin::input::{
    Expression, NoArgs, TalkingPhotoArgs, TalkingPhotoStyle, TalkingStyle, TemplateArgs,
    VideoLinkArgs, check_id, from_json,
};
use percent_encoding::percent_decode_str;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Cases per property: enough to matter, few enough to run in seconds.
const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    }
}

fn decode(component: &str) -> String {
    percent_decode_str(component)
        .decode_utf8()
        .expect("decodes to UTF-8")
        .into_owned()
}

/// Strings rich in the characters that matter to a URL, plus arbitrary Unicode.
fn url_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9/?#&=%+;: ._~-]{0,40}",
        "(%[0-9a-fA-F]{0,2}|[/?#&=.]|\\PC){0,20}",
        any::<String>(),
    ]
}

/// Ids, mostly ones `check_id` accepts: no whitespace, control characters or
/// `/ \ ? # %`, possibly padded with whitespace, full of `& = + ;` and Unicode.
fn id_like() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ("\\s{0,2}", "[^/\\\\?#%\\s\\p{Cc}]{1,40}", "\\s{0,2}")
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        1 => "[a-z&=.]{1,3}",
        1 => url_text(),
    ]
}

/// Arbitrary JSON, whose object keys are often the argument and envelope names.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        url_text().prop_map(Value::from),
        prop_oneof![Just("failed"), Just("completed"), Just("text"), Just("100")]
            .prop_map(Value::from),
    ];
    let key = prop_oneof![
        Just("video_id".to_owned()),
        Just("talking_photo_id".to_owned()),
        Just("input_text".to_owned()),
        Just("voice_id".to_owned()),
        Just("template_id".to_owned()),
        Just("variables".to_owned()),
        Just("data".to_owned()),
        Just("error".to_owned()),
        Just("code".to_owned()),
        Just("id".to_owned()),
        Just("status".to_owned()),
        Just("type".to_owned()),
        Just("properties".to_owned()),
        Just("has_more".to_owned()),
        Just("next_token".to_owned()),
        "[a-z_]{0,10}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A `scale` that survives a trip through JSON text exactly.
fn scale() -> impl Strategy<Value = f64> {
    (-4096i32..=4096).prop_map(|n| f64::from(n) / 512.0)
}

fn talking_photo_args() -> impl Strategy<Value = TalkingPhotoArgs> {
    let strings = (any::<String>(), any::<String>(), any::<String>());
    let flags = (
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(scale()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
    );
    (strings, flags).prop_map(
        |((id, text, voice), (test, caption, scale, circle, lively, happy, sr, matting))| {
            TalkingPhotoArgs {
                talking_photo_id: id,
                input_text: text,
                voice_id: voice,
                test,
                caption,
                scale,
                talking_photo_style: circle.map(|c| {
                    if c {
                        TalkingPhotoStyle::Circle
                    } else {
                        TalkingPhotoStyle::Square
                    }
                }),
                talking_style: lively.map(|l| {
                    if l {
                        TalkingStyle::Expressive
                    } else {
                        TalkingStyle::Stable
                    }
                }),
                expression: happy.map(|h| {
                    if h {
                        Expression::Happy
                    } else {
                        Expression::Default
                    }
                }),
                super_resolution: sr,
                matting,
            }
        },
    )
}

/// `args` as the JSON object a caller would send; unset options are left out
/// or sent as `null`, as `nulls` says.
fn talking_photo_json(args: &TalkingPhotoArgs, nulls: bool) -> Value {
    let mut obj = json!({
        "talking_photo_id": args.talking_photo_id,
        "input_text": args.input_text,
        "voice_id": args.voice_id,
    });
    let options = [
        ("test", args.test.map(Value::from)),
        ("caption", args.caption.map(Value::from)),
        ("scale", args.scale.map(Value::from)),
        (
            "talking_photo_style",
            args.talking_photo_style.map(|s| {
                json!(if s == TalkingPhotoStyle::Circle {
                    "circle"
                } else {
                    "square"
                })
            }),
        ),
        (
            "talking_style",
            args.talking_style.map(|s| {
                json!(if s == TalkingStyle::Expressive {
                    "expressive"
                } else {
                    "stable"
                })
            }),
        ),
        (
            "expression",
            args.expression.map(|e| {
                json!(if e == Expression::Happy {
                    "happy"
                } else {
                    "default"
                })
            }),
        ),
        ("super_resolution", args.super_resolution.map(Value::from)),
        ("matting", args.matting.map(Value::from)),
    ];
    for (name, value) in options {
        match value {
            Some(v) => obj[name] = v,
            None if nulls => obj[name] = Value::Null,
            None => {}
        }
    }
    obj
}

/// Bodies: raw bytes, arbitrary JSON, and JSON in the envelopes' shapes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..200),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        (json_value(), json_value(), json_value(), any::<bool>(), json_value()).prop_map(
            |(data, error, code, has_more, token)| {
                json!({"data": data, "error": error, "code": code, "has_more": has_more, "next_token": token})
                    .to_string()
                    .into_bytes()
            }
        ),
        (json_value(), any::<bool>()).prop_map(|(data, v1)| {
            let body = if v1 { json!({"code": 100, "data": data}) } else { json!({"error": null, "data": data}) };
            body.to_string().into_bytes()
        }),
    ]
}

fn response() -> impl Strategy<Value = HttpResponse> {
    let status = prop_oneof![
        Just(200u16),
        Just(201),
        Just(302),
        Just(400),
        Just(404),
        Just(409),
        Just(429),
        Just(500),
        any::<u16>(),
    ];
    let content_type = option::of(prop_oneof![
        Just(b"application/json".to_vec()),
        Just(b"text/html".to_vec()),
        vec(any::<u8>(), 0..20),
    ]);
    let request_id = option::of(vec(any::<u8>(), 0..20));
    let location = option::of(vec(any::<u8>(), 0..20));
    (status, content_type, request_id, location, body()).prop_map(
        |(status, ct, id, location, body)| {
            let mut headers = Vec::new();
            if let Some(ct) = ct {
                headers.push(("content-type".to_owned(), ct));
            }
            if let Some(id) = id {
                headers.push(("x-request-id".to_owned(), id));
            }
            if let Some(location) = location {
                headers.push(("location".to_owned(), location));
            }
            HttpResponse {
                status,
                headers,
                body,
            }
        },
    )
}

proptest! {
    #![proptest_config(config())]

    /// (a) Only unreserved characters and `%XX` escapes, and it decodes back.
    #[test]
    fn encode_component_is_safe_and_reversible(s in url_text()) {
        let enc = encode_component(&s);
        let b = enc.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                prop_assert!(i + 2 < b.len(), "cut escape in {}", enc);
                prop_assert!(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit(), "{}", enc);
                i += 3;
            } else {
                prop_assert!(b[i].is_ascii_alphanumeric() || b"-_.~".contains(&b[i]), "{}", enc);
                i += 1;
            }
        }
        prop_assert_eq!(decode(&enc), s);
    }

    /// (b) An accepted id can alter neither the path nor the query.
    #[test]
    fn accepted_ids_stay_in_their_segment(raw in id_like(), prefixed in any::<bool>()) {
        let Ok(id) = check_id("video_id", &raw) else { return Ok(()) };
        prop_assert_eq!(id.as_str(), raw.trim());
        let base = BaseUrl::parse(if prefixed { "https://gw.example.com/heygen/" } else { "https://api.heygen.com" }).unwrap();
        let args = VideoLinkArgs { video_id: raw.clone() };

        let req = v3::video(&args).unwrap();
        let segment = req.path.strip_prefix("/v3/videos/").expect("v3 path");
        prop_assert!(!segment.is_empty() && !segment.contains(['/', '?', '#']), "{}", req.path);
        prop_assert_eq!(decode(segment), id.as_str());
        prop_assert!(req.query.is_empty());
        let pq = req.path_and_query(&base);
        prop_assert_eq!(pq.split('/').count(), base.path_prefix.split('/').count() + 3, "{}", pq);

        let pq = legacy::video(&args).unwrap().path_and_query(&base);
        let rest = pq.strip_prefix(base.path_prefix.as_str()).unwrap();
        let (path, query) = rest.split_once('?').expect("a query");
        prop_assert_eq!(path, "/v1/video_status.get");
        let params: Vec<&str> = query.split('&').collect();
        prop_assert_eq!(params.len(), 1, "{}", pq);
        let (name, value) = params[0].split_once('=').expect("name=value");
        prop_assert_eq!(name, "video_id");
        prop_assert!(!value.contains(['=', '#', '?']), "{}", pq);
        prop_assert_eq!(decode(value), id.as_str());
    }

    /// (c) `from_json` never panics on arbitrary bytes.
    #[test]
    fn from_json_survives_any_bytes(bytes in vec(any::<u8>(), 0..300)) {
        let _ = from_json::<TalkingPhotoArgs>(&bytes);
        let _ = from_json::<TemplateArgs>(&bytes);
        let _ = from_json::<VideoLinkArgs>(&bytes);
        let _ = from_json::<NoArgs>(&bytes);
    }

    /// (c) ... nor on arbitrary JSON, and what it accepts builds or is refused cleanly.
    #[test]
    fn from_json_survives_any_json(value in json_value()) {
        let bytes = value.to_string().into_bytes();
        if let Ok(args) = from_json::<TalkingPhotoArgs>(&bytes) {
            let _ = v3::talking_photo(&args);
            let _ = legacy::talking_photo(&args);
        }
        if let Ok(args) = from_json::<TemplateArgs>(&bytes) {
            let _ = v3::template(&args);
            let _ = legacy::template(&args);
        }
        if let Ok(args) = from_json::<VideoLinkArgs>(&bytes) {
            let _ = v3::video(&args);
            let _ = legacy::video(&args);
        }
        let _ = from_json::<NoArgs>(&bytes);
    }

    /// (c) Valid argument objects parse back to the same values.
    #[test]
    fn video_link_args_round_trip(video_id in any::<String>()) {
        let bytes = json!({ "video_id": video_id }).to_string().into_bytes();
        prop_assert_eq!(from_json::<VideoLinkArgs>(&bytes), Ok(VideoLinkArgs { video_id }));
    }

    /// (c) Same for `TalkingPhotoArgs`, unset options left out or sent as `null`.
    #[test]
    fn talking_photo_args_round_trip(args in talking_photo_args(), nulls in any::<bool>()) {
        let bytes = talking_photo_json(&args, nulls).to_string().into_bytes();
        prop_assert_eq!(from_json::<TalkingPhotoArgs>(&bytes), Ok(args));
    }

    /// (d) Every parser, and `error_from_status`, returns on any answer.
    #[test]
    fn parsers_survive_any_answer(resp in response(), retry_after in option::of(any::<u64>())) {
        let mut errors = Vec::new();
        errors.extend(v3::parse_created(&resp).err());
        errors.extend(v3::parse_events(&resp).err());
        errors.extend(v3::parse_voices(&resp).err());
        errors.extend(v3::parse_video(&resp, " v9 ").err());
        errors.extend(legacy::parse_created(&resp).err());
        errors.extend(legacy::parse_events(&resp).err());
        errors.extend(legacy::parse_voices(&resp).err());
        errors.extend(legacy::parse_video(&resp, " v9 ").err());
        errors.push(api::error_from_status(&resp, retry_after));
        for err in errors {
            let text = err.to_string();
            prop_assert!(text.starts_with(&format!("{}: ", err.prefix())), "{}", text);
        }
    }
}
