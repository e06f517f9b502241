//! Property tests of the pure core through its public surface: percent-
//! encoding, and every action of the registry run over a scripted port with
//! arbitrary arguments and arbitrary answers. Each property asserts what came
//! back (the card's shape, the error's kind, what was sent), not only that
//! nothing panicked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use heygen_plugin::actions::{self, Env, Reply};
use heygen_plugin::config::BaseUrl;
use heygen_plugin::outbound::{HttpResponse, encode_component};
use heygen_plugin::port::Canned;
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

/// Runs `name` with `args` on `generation` against a port answering `answer`.
fn run(name: &str, generation: &str, args: &Value, answer: HttpResponse) -> (Reply, Canned) {
    let mut port = Canned::new(answer);
    let lookup = |var: &str| match var {
        "HEYGEN_API_KEY" => Some("canary-KEY-1".to_owned()),
        "HEYGEN_API_VERSION" => Some(generation.to_owned()),
        _ => None,
    };
    let env = Env {
        lookup: &lookup,
        key: None,
    };
    let reply = actions::find(name).unwrap().run(&mut port, &env, args);
    (reply, port)
}

/// A 404 with an empty JSON object: any answer will do where only the request
/// that was sent matters.
fn not_found_answer() -> HttpResponse {
    HttpResponse {
        status: 404,
        headers: vec![],
        body: b"{}".to_vec(),
    }
}

/// The card's output object of `reply`, checked: `success` and `error` first,
/// `error` set when `success` is false, the key never present.
fn card(reply: &Reply) -> Map<String, Value> {
    assert!(reply.body.starts_with(r#"{"success":"#), "{}", reply.body);
    assert!(!reply.body.contains("canary-KEY-1"), "{}", reply.body);
    let Value::Object(card) = serde_json::from_str(&reply.body).unwrap() else {
        panic!("not an object: {}", reply.body)
    };
    if card["success"] == false {
        assert!(card["error"].is_string(), "{}", reply.body);
        assert_ne!(reply.status, 200);
    } else {
        assert_eq!(reply.status, 200);
    }
    card
}

fn error(card: &Map<String, Value>) -> &str {
    card["error"].as_str().unwrap_or("")
}

/// The prefixes an answer from HeyGen (rather than the arguments) may cause.
const ANSWER_PREFIXES: [&str; 6] = [
    "http_",
    "api_error: ",
    "bad_response: ",
    "video_failed: ",
    "request_denied: ",
    "timeout: ",
];

proptest! {
    #![proptest_config(config())]

    /// The encoding leaves only unreserved characters and decodes back.
    #[test]
    fn encode_component_is_safe_and_reversible(s in url_text()) {
        let encoded = encode_component(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"%-_.~".contains(&b)));
        prop_assert_eq!(decode(&encoded), s);
    }

    /// An id is either refused as `invalid_input: video_id` with nothing
    /// sent, or sent as exactly one path segment (v3) or query value (legacy)
    /// that decodes to the trimmed id.
    #[test]
    fn accepted_ids_stay_in_their_segment(raw in id_like(), legacy in any::<bool>()) {
        let generation = if legacy { "legacy" } else { "v3" };
        let (reply, port) = run("retrieve_video_link", generation, &json!({"video_id": raw}), not_found_answer());
        let card = card(&reply);
        match port.sent.as_slice() {
            [] => prop_assert!(error(&card).starts_with("invalid_input: video_id"), "{}", error(&card)),
            [request] => {
                let base = BaseUrl::parse("https://api.heygen.com").unwrap();
                let target = request.path_and_query(&base);
                let encoded = if legacy {
                    target.strip_prefix("/v1/video_status.get?video_id=").unwrap().to_owned()
                } else {
                    prop_assert!(request.query.is_empty());
                    target.strip_prefix("/v3/videos/").unwrap().to_owned()
                };
                prop_assert!(!encoded.contains(['/', '?', '#', '&', '=']));
                prop_assert_eq!(decode(&encoded), raw.trim());
            }
            more => prop_assert!(false, "{} requests", more.len()),
        }
    }

    /// Any bytes as a request body: arguments that are not a JSON object are
    /// `invalid_input:` for every action, and nothing is sent.
    #[test]
    fn any_body_is_read_or_refused(bytes in vec(any::<u8>(), 0..300)) {
        let parsed = heygen_plugin::args::parse_arguments(&bytes);
        for entry in actions::ALL {
            let mut port = Canned::new(not_found_answer());
            let lookup = |_: &str| None;
            let env = Env { lookup: &lookup, key: None };
            let reply = match &parsed {
                Ok(args) => entry.run(&mut port, &env, args),
                Err(e) => entry.failure(&e.clone().into()),
            };
            let card = card(&reply);
            prop_assert!(port.sent.is_empty(), "no key, so nothing may be sent");
            prop_assert_eq!(&card["success"], &Value::Bool(false));
            let ok_shape = matches!(&parsed, Ok(Value::Object(_) | Value::Null));
            if !ok_shape {
                prop_assert!(error(&card).starts_with("invalid_input: "), "{}", error(&card));
            }
        }
    }

    /// Any JSON as arguments to every action on both generations: either
    /// refused before sending (`invalid_input:` or `unsupported:`), or sent
    /// and then judged by the answer.
    #[test]
    fn any_arguments_are_refused_before_sending_or_sent(args in json_value(), legacy in any::<bool>()) {
        let generation = if legacy { "legacy" } else { "v3" };
        for entry in actions::ALL {
            let (reply, port) = run(entry.name, generation, &args, not_found_answer());
            let card = card(&reply);
            if entry.pure {
                // Sends nothing; refuses only what it cannot read.
                prop_assert!(port.sent.is_empty());
                prop_assert!(card["success"] == true || error(&card).starts_with("invalid_input: "), "{}", error(&card));
            } else if port.sent.is_empty() {
                let e = error(&card);
                prop_assert!(e.starts_with("invalid_input: ") || e.starts_with("unsupported: "), "{}: {}", entry.name, e);
            } else {
                prop_assert!(error(&card).starts_with("http_404: "), "{}", error(&card));
                prop_assert_eq!(entry.check(&args), Ok(()));
            }
        }
    }

    /// Any answer to every action's example on both generations gives a card
    /// whose error, if any, is one an answer can cause.
    #[test]
    fn any_answer_gives_a_card(resp in response(), legacy in any::<bool>()) {
        let generation = if legacy { "legacy" } else { "v3" };
        for entry in actions::ALL {
            let args: Value = serde_json::from_str(entry.example).unwrap();
            let (reply, port) = run(entry.name, generation, &args, resp.clone());
            let card = card(&reply);
            if legacy && entry.v3_only {
                prop_assert!(port.sent.is_empty());
                prop_assert!(error(&card).starts_with("unsupported: "), "{}", error(&card));
                continue;
            }
            // A pure action sends nothing: no answer can touch it.
            if entry.pure {
                prop_assert!(port.sent.is_empty());
                prop_assert_eq!(&card["success"], &Value::Bool(true));
                continue;
            }
            prop_assert!(!port.sent.is_empty());
            if card["success"] == false || card["error"].is_string() {
                let e = error(&card);
                prop_assert!(ANSWER_PREFIXES.iter().any(|p| e.starts_with(p)), "{}: {}", entry.name, e);
            }
            if resp.status / 100 != 2 {
                prop_assert_eq!(&card["success"], &Value::Bool(false));
            }
        }
    }
}
