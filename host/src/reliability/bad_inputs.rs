//! The bad-input catalogue ([`catalogue`]): arguments and settings every
//! face must refuse before sending anything, and the runner of one of them
//! on one generation.

use std::sync::Arc;

use anyhow::Result;
use serde_json::{Value, json};
use wasmtime::component::Val;

use super::judge::{Figures, judge, leaks};
use super::{CANARY_FACE_TOKEN, CANARY_KEY, Plugins, env, valid_args};
use crate::runtime::Settings;
use crate::sim::Simulator;

/// A bad input: arguments for an action, refused with `prefix` before anything is sent.
pub struct BadInput {
    /// What is wrong, in a few words.
    pub name: String,
    /// The action it is given to.
    pub action: &'static str,
    args: Args,
    env: Vec<(&'static str, String)>,
    /// The API generations it runs on.
    pub generations: &'static [&'static str],
    /// The prefix its refusal must carry.
    pub prefix: &'static str,
}

enum Args {
    /// Card-named JSON through the WIT face.
    Json(Value),
    /// Valid JSON arguments with `scale` replaced by this raw `f64`.
    Scale(f64),
    /// A raw body through the HTTP face.
    HttpBody(Vec<u8>),
}

/// Both API generations.
const BOTH: &[&str] = &["v3", "legacy"];

/// Every bad input in the matrix, each with the generations it runs on.
pub fn catalogue() -> Vec<BadInput> {
    let mut cases = Vec::new();
    let mut add = |name: String,
                   action: &'static str,
                   args: Args,
                   generations: &'static [&'static str],
                   prefix: &'static str| {
        cases.push(BadInput {
            name,
            action,
            args,
            env: Vec::new(),
            generations,
            prefix,
        })
    };
    let bad_ids: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("blank", "   ".into()),
        ("slash", "abc/def".into()),
        ("dot-dot", "..".into()),
        ("question mark", "abc?x=1".into()),
        ("hash", "abc#top".into()),
        ("percent", "abc%2F..".into()),
        ("CR LF", "abc\r\nX-Injected: 1".into()),
        ("LF", "abc\ndef".into()),
        ("NUL", "abc\0def".into()),
        ("10 KB", "x".repeat(10_240)),
    ];
    for (label, id) in &bad_ids {
        let photo = valid_args("create_talking_photo");
        for field in ["talking_photo_id", "voice_id"] {
            let mut args = photo.clone();
            args[field] = json!(id);
            add(
                format!("{field} {label}"),
                "create_talking_photo",
                Args::Json(args),
                BOTH,
                "invalid_input",
            );
        }
        let mut template = valid_args("create_video_from_template");
        template["template_id"] = json!(id);
        add(
            format!("template_id {label}"),
            "create_video_from_template",
            Args::Json(template),
            BOTH,
            "invalid_input",
        );
        add(
            format!("video_id {label}"),
            "retrieve_video_link",
            Args::Json(json!({"video_id": id})),
            BOTH,
            "invalid_input",
        );
        add(
            format!("wait_for_video video_id {label}"),
            "wait_for_video",
            Args::Json(json!({"video_id": id})),
            BOTH,
            "invalid_input",
        );
        add(
            format!("delete_video video_id {label}"),
            "delete_video",
            Args::Json(json!({"video_id": id})),
            &["v3"],
            "invalid_input",
        );
        add(
            format!("get_template template_id {label}"),
            "get_template",
            Args::Json(json!({"template_id": id})),
            &["v3"],
            "invalid_input",
        );
    }
    // The jobs of HeyGen v3 (on legacy they are refused as unsupported).
    let job_ids = [
        ("session_id", "get_video_agent_session"),
        ("session_id", "wait_for_video_agent"),
        ("session_id", "stop_video_agent"),
        ("video_translation_id", "get_video_translation"),
        ("video_translation_id", "wait_for_translation"),
        ("lipsync_id", "get_lipsync"),
        ("lipsync_id", "wait_for_lipsync"),
    ];
    for (label, id) in &bad_ids {
        for (field, action) in job_ids {
            add(
                format!("{action} {field} {label}"),
                action,
                Args::Json(json!({ field: id })),
                &["v3"],
                "invalid_input",
            );
        }
        let mut message = valid_args("send_video_agent_message");
        message["session_id"] = json!(id);
        add(
            format!("send_video_agent_message session_id {label}"),
            "send_video_agent_message",
            Args::Json(message),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, media) in [
        (
            "both a URL and an asset id",
            json!({"video_url": "https://videos.example.com/a.mp4", "video_asset_id": "asset_1"}),
        ),
        ("neither a URL nor an asset id", json!({})),
        (
            "an http URL",
            json!({"video_url": "http://videos.example.com/a.mp4"}),
        ),
        (
            "a URL with spaces",
            json!({"video_url": "https://videos.example.com/a b.mp4"}),
        ),
    ] {
        let mut translate = json!({"output_languages": ["Spanish"]});
        let mut lipsync = json!({"audio_url": "https://audio.example.com/a.mp3"});
        for (k, v) in media.as_object().into_iter().flatten() {
            translate[k] = v.clone();
            lipsync[k] = v.clone();
        }
        add(
            format!("translate_video video: {label}"),
            "translate_video",
            Args::Json(translate),
            &["v3"],
            "invalid_input",
        );
        add(
            format!("create_lipsync video: {label}"),
            "create_lipsync",
            Args::Json(lipsync),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, audio) in [
        (
            "both a URL and an asset id",
            json!({"audio_url": "https://audio.example.com/a.mp3", "audio_asset_id": "asset_1"}),
        ),
        ("neither a URL nor an asset id", json!({})),
    ] {
        let mut args = json!({"video_url": "https://videos.example.com/a.mp4"});
        for (k, v) in audio.as_object().into_iter().flatten() {
            args[k] = v.clone();
        }
        add(
            format!("create_lipsync audio: {label}"),
            "create_lipsync",
            Args::Json(args),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, languages) in [
        ("none", json!([])),
        ("21 of them", json!(vec!["Spanish"; 21])),
        ("a blank one", json!(["Spanish", " "])),
        ("one of 65 characters", json!(["x".repeat(65)])),
    ] {
        let mut args = valid_args("translate_video");
        args["output_languages"] = languages;
        add(
            format!("translate_video output_languages: {label}"),
            "translate_video",
            Args::Json(args),
            &["v3"],
            "invalid_input",
        );
    }
    for speakers in [0, 11] {
        let mut args = valid_args("translate_video");
        args["speaker_num"] = json!(speakers);
        add(
            format!("translate_video speaker_num {speakers}"),
            "translate_video",
            Args::Json(args),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, prompt) in [
        ("empty", String::new()),
        ("blank", " \n ".into()),
        ("10,001 characters", "x".repeat(10_001)),
    ] {
        add(
            format!("create_video_from_prompt prompt {label}"),
            "create_video_from_prompt",
            Args::Json(json!({"prompt": prompt})),
            &["v3"],
            "invalid_input",
        );
    }
    let mut args = valid_args("create_video_from_prompt");
    args["file_urls"] = json!(vec!["https://files.example.com/a.pdf"; 21]);
    add(
        "create_video_from_prompt 21 file_urls".into(),
        "create_video_from_prompt",
        Args::Json(args),
        &["v3"],
        "invalid_input",
    );
    // Files, photo avatars, speech, statuses, webhooks and render options.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(heygen_plugin::limits::MAX_FILE_BYTES + 1, 0);
    let huge = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, huge);
    let mut oversized_photo = valid_args("create_photo_avatar");
    oversized_photo
        .as_object_mut()
        .map(|a| a.remove("image_url"));
    oversized_photo["image_base64"] = json!(huge);
    oversized_photo["image_media_type"] = json!("png");
    for (label, action, args) in [
        (
            "content not base64",
            "upload_asset",
            json!({"file_name": "a.png", "content_base64": "not base64!"}),
        ),
        (
            "a data: URL",
            "upload_asset",
            json!({"file_name": "a.png", "content_base64": format!("data:image/png;base64,{png}")}),
        ),
        (
            "PNG bytes named .jpg",
            "upload_asset",
            json!({"file_name": "a.jpg", "content_base64": png}),
        ),
        (
            "no extension",
            "upload_asset",
            json!({"file_name": "photo", "content_base64": png}),
        ),
        (
            "a path as file_name",
            "upload_asset",
            json!({"file_name": "../a.png", "content_base64": png}),
        ),
        (
            "a quote in file_name",
            "upload_asset",
            json!({"file_name": "a\".png", "content_base64": png}),
        ),
        (
            "4 MiB and one byte",
            "upload_asset",
            json!({"file_name": "a.png", "content_base64": huge}),
        ),
        ("no photo", "create_photo_avatar", json!({"name": "A"})),
        (
            "two photos",
            "create_photo_avatar",
            json!({"name": "A", "image_url": "https://i.example/a.png", "image_asset_id": "as_1"}),
        ),
        (
            "base64 without its type",
            "create_photo_avatar",
            json!({"name": "A", "image_base64": png}),
        ),
        (
            "a photo of 4 MiB and one byte",
            "create_photo_avatar",
            oversized_photo,
        ),
        (
            "speed 1.6",
            "generate_speech",
            json!({"text": "Hi", "voice_id": "v1", "speed": 1.6}),
        ),
        (
            "blank text",
            "generate_speech",
            json!({"text": " ", "voice_id": "v1"}),
        ),
        ("no ids", "get_video_statuses", json!({"video_ids": []})),
        (
            "101 ids",
            "get_video_statuses",
            json!({"video_ids": (0..101).map(|i| format!("v{i}")).collect::<Vec<_>>()}),
        ),
        (
            "an id twice",
            "get_video_statuses",
            json!({"video_ids": ["a", "a"]}),
        ),
        (
            "a comma in an id",
            "get_video_statuses",
            json!({"video_ids": ["a,b"]}),
        ),
        (
            "nothing to change",
            "update_webhook_endpoint",
            json!({"endpoint_id": "we_1"}),
        ),
        (
            "an http URL",
            "update_webhook_endpoint",
            json!({"endpoint_id": "we_1", "url": "http://h.example/x"}),
        ),
        ("limit 0", "list_webhook_events", json!({"limit": 0})),
        ("limit 1001", "list_webhook_events", json!({"limit": 1001})),
        (
            "resolution 8k",
            "create_talking_photo_from_image",
            json!({"image_url": "https://i.example/a.png", "input_text": "Hi", "voice_id": "v1", "resolution": "8k"}),
        ),
        (
            "a script and audio",
            "create_talking_photo_from_image",
            json!({"image_url": "https://i.example/a.png", "input_text": "Hi", "voice_id": "v1", "audio_url": "https://a.example/a.mp3"}),
        ),
    ] {
        add(
            format!("{action} {label}"),
            action,
            Args::Json(args),
            &["v3"],
            "invalid_input",
        );
    }
    let mut args = valid_args("create_talking_photo");
    args["engine"] = json!("avatar_x");
    add(
        "create_talking_photo engine avatar_x".into(),
        "create_talking_photo",
        Args::Json(args),
        &["v3"],
        "invalid_input",
    );
    let mut args = valid_args("create_talking_photo");
    args["background_color"] = json!("red");
    add(
        "create_talking_photo background_color red".into(),
        "create_talking_photo",
        Args::Json(args),
        &["v3"],
        "invalid_input",
    );
    for (label, key) in [
        ("empty", String::new()),
        ("a space", "my key".into()),
        ("a slash", "a/b".into()),
        ("non-ASCII", "clé-1".into()),
        ("256 characters", "k".repeat(256)),
    ] {
        for action in super::repeats::KEYED_CREATES {
            let mut args = valid_args(action);
            args["idempotency_key"] = json!(key);
            let generations: &'static [&'static str] =
                if action == "create_talking_photo" || action == "create_video_from_template" {
                    BOTH
                } else {
                    &["v3"]
                };
            add(
                format!("{action} idempotency_key {label}"),
                action,
                Args::Json(args),
                generations,
                "invalid_input",
            );
        }
    }
    for action in [
        "wait_for_video_agent",
        "wait_for_translation",
        "wait_for_lipsync",
        "wait_for_avatar",
    ] {
        for seconds in [json!(0), json!(601), json!(1.5)] {
            let mut args = valid_args(action);
            args["timeout_seconds"] = seconds.clone();
            add(
                format!("{action} timeout_seconds {seconds} (JSON)"),
                action,
                Args::HttpBody(args.to_string().into_bytes()),
                &["v3"],
                "invalid_input",
            );
        }
    }
    for seconds in [json!(0), json!(601), json!(-1), json!(1.5), json!("10")] {
        add(
            format!("timeout_seconds {seconds}"),
            "wait_for_video",
            Args::HttpBody(
                json!({"video_id": "abc", "timeout_seconds": seconds})
                    .to_string()
                    .into_bytes(),
            ),
            BOTH,
            "invalid_input",
        );
    }
    for args in [
        json!({"limit": 0}),
        json!({"limit": 1001}),
        json!({"limit": "10"}),
        json!({"title": " "}),
        json!({"title": "x".repeat(257)}),
    ] {
        add(
            format!("list_videos {args}"),
            "list_videos",
            Args::HttpBody(args.to_string().into_bytes()),
            &["v3"],
            "invalid_input",
        );
    }
    for (field, value) in [("avatar_type", "robot"), ("ownership", "shared")] {
        add(
            format!("list_avatars {field} = {value}"),
            "list_avatars",
            Args::HttpBody(json!({ field: value }).to_string().into_bytes()),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, text, generations) in [
        ("empty", String::new(), BOTH),
        ("blank", " \n\t ".into(), BOTH),
        ("NUL", "a\0b".into(), BOTH),
        ("2,001 characters", "x".repeat(2_001), &["legacy"][..]),
        ("5,001 characters", "x".repeat(5_001), BOTH),
    ] {
        let mut args = valid_args("create_talking_photo");
        args["input_text"] = json!(text);
        add(
            format!("input_text {label}"),
            "create_talking_photo",
            Args::Json(args),
            generations,
            "invalid_input",
        );
    }
    for scale in [-0.1, 2.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        add(
            format!("scale {scale}"),
            "create_talking_photo",
            Args::Scale(scale),
            BOTH,
            "invalid_input",
        );
    }
    for (field, value) in [
        ("talking_photo_style", "triangle"),
        ("talking_style", "wild"),
        ("expression", "sad"),
    ] {
        let mut args = valid_args("create_talking_photo");
        args[field] = json!(value);
        add(
            format!("{field} = {value} (JSON)"),
            "create_talking_photo",
            Args::HttpBody(args.to_string().into_bytes()),
            BOTH,
            "invalid_input",
        );
    }
    for (label, body) in [
        ("malformed JSON", "{\"video_id\":".to_owned()),
        (
            "JSON nested 100,000 deep",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("an array", "[\"abc\"]".into()),
        ("a number id", "{\"video_id\": 5}".into()),
        (
            "an unknown argument",
            "{\"video_id\": \"abc\", \"format\": \"mp4\"}".into(),
        ),
        (
            "non-UTF-8",
            String::from_utf8_lossy(&[0xff, 0xfe]).into_owned(),
        ),
    ] {
        add(
            format!("retrieve_video_link with {label} (JSON)"),
            "retrieve_video_link",
            Args::HttpBody(body.into_bytes()),
            BOTH,
            "invalid_input",
        );
    }
    for (label, variables) in [
        ("a JSON array", json!("[1, 2]")),
        ("not JSON", json!("{headline: Hi}")),
        ("a number", json!("42")),
        ("a string member", json!({"headline": "Hi"})),
        (
            "an unknown type",
            json!({"headline": {"name": "headline", "type": "sticker", "properties": {}}}),
        ),
        ("no type", json!({"headline": {"content": "Hi"}})),
        (
            "a blank name",
            json!({" ": {"name": " ", "type": "text", "properties": {"content": "Hi"}}}),
        ),
        (
            "properties that are not an object",
            json!({"headline": {"name": "headline", "type": "text", "properties": "Hi"}}),
        ),
    ] {
        let mut args = valid_args("create_video_from_template");
        args["variables"] = variables;
        add(
            format!("variables: {label}"),
            "create_video_from_template",
            Args::Json(args),
            BOTH,
            "invalid_input",
        );
    }
    let mut args = valid_args("create_video_from_template");
    args["variables"] = json!(42);
    add(
        "variables: a number (JSON)".into(),
        "create_video_from_template",
        Args::HttpBody(args.to_string().into_bytes()),
        BOTH,
        "invalid_input",
    );
    let mut args = valid_args("create_video_from_template");
    args["variables"] =
        json!({"headline": {"name": "headline", "type": "text", "properties": {"content": ""}}});
    add(
        "variables: empty text content".into(),
        "create_video_from_template",
        Args::Json(args),
        &["v3"],
        "invalid_input",
    );
    for (label, changes) in [
        ("a malformed signature", json!({"signature": "zz"})),
        (
            "a sha1 signature",
            json!({"signature": "sha1=0123456789abcdef0123456789abcdef01234567"}),
        ),
        (
            "a v1 signature without event_id",
            json!({"signature": "v1,AAAA", "timestamp": "1"}),
        ),
        (
            "a v1 signature without timestamp",
            json!({"signature": "v1,AAAA", "event_id": "e"}),
        ),
        ("a timestamp in words", json!({"timestamp": "now"})),
        ("tolerance_seconds 0", json!({"tolerance_seconds": 0})),
        (
            "tolerance_seconds 86401",
            json!({"tolerance_seconds": 86_401}),
        ),
        ("a blank secret", json!({"secret": " "})),
        (
            "a payload over 256 KiB",
            json!({"payload": "x".repeat(256 * 1024 + 1)}),
        ),
    ] {
        let mut args = valid_args("verify_webhook");
        for (field, value) in changes.as_object().into_iter().flatten() {
            args[field] = value.clone();
        }
        add(
            format!("verify_webhook with {label}"),
            "verify_webhook",
            Args::Json(args),
            BOTH,
            "invalid_input",
        );
    }
    for (label, key, prefix) in [
        ("CR LF", "abc\r\nX-Injected: 1", "invalid_credentials"),
        ("a space", "abc def", "invalid_credentials"),
        ("DEL", "abc\u{7f}", "invalid_credentials"),
        ("non-ASCII", "ключ", "invalid_credentials"),
        ("empty", "", "missing_credentials"),
    ] {
        cases.push(BadInput {
            name: format!("API key with {label}"),
            action: "list_voice_id_options",
            args: Args::Json(json!({})),
            env: vec![("HEYGEN_API_KEY", key.to_owned())],
            generations: BOTH,
            prefix,
        });
    }
    for (label, url) in [
        ("userinfo", "https://user:pw@api.heygen.com"),
        ("a query", "https://api.heygen.com/?region=eu"),
        ("a fragment", "https://api.heygen.com/#x"),
        ("http to a public host", "http://api.heygen.com"),
        ("no host", "https://"),
        ("no scheme", "api.heygen.com"),
        ("an ftp scheme", "ftp://api.heygen.com"),
    ] {
        cases.push(BadInput {
            name: format!("base URL with {label}"),
            action: "retrieve_video_link",
            args: Args::Json(valid_args("retrieve_video_link")),
            env: vec![("HEYGEN_BASE_URL", url.to_owned())],
            generations: BOTH,
            prefix: "invalid_config",
        });
    }
    cases
}

/// Runs one bad input on one generation.
pub(super) async fn bad_input_case(
    plugins: Plugins,
    input: Arc<BadInput>,
    generation: &'static str,
) -> Result<Figures> {
    let mut figures = Figures {
        bad_inputs: 1,
        ..Figures::default()
    };
    let case = format!("{generation} bad input: {}", input.name);
    let sim = Simulator::start(0, &[CANARY_KEY])?;
    let mut env = env(sim.url(), generation);
    for (name, value) in &input.env {
        env.retain(|(k, _)| k != name);
        env.push((name.to_string(), value.clone()));
    }
    env.push(("HEYGEN_FACE_TOKEN".into(), CANARY_FACE_TOKEN.into()));
    let settings = Settings::new(env);
    let mut session = plugins.normal.session(&settings).await?;
    let outcome = match &input.args {
        Args::Json(args) => session.call(input.action, args).await,
        Args::Scale(scale) => {
            let valid = valid_args(input.action);
            match session.params(input.action, &valid) {
                Ok(params) => session
                    .call_values(input.action, with_scale(params, *scale))
                    .await
                    .map(|output| crate::wit_values::to_json(&output)),
                Err(e) => Err(e),
            }
        }
        Args::HttpBody(body) => {
            let request = http::Request::post(format!("http://localhost/actions/{}", input.action))
                .header("authorization", format!("Bearer {CANARY_FACE_TOKEN}"))
                .body(bytes::Bytes::from(body.clone()))?;
            let answer = plugins.http_face.request(&settings, request).await?;
            figures.key_leaks += leaks(&answer.body);
            if answer.status != 400 {
                figures
                    .unexpected
                    .push(format!("{case}: HTTP face answered {}", answer.status));
            }
            Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
        }
    };
    judge(&mut figures, &case, &session, &outcome, Some(input.prefix));
    figures.bad_input_requests += sim.requests().len();
    if !sim.requests().is_empty() {
        figures.unexpected.push(format!(
            "{case}: {} request(s) reached HeyGen",
            sim.requests().len()
        ));
    }
    Ok(figures)
}

/// The `create-talking-photo` parameters with the record's `scale` set to a
/// raw `f64` (the rest as the valid JSON arguments gave them).
fn with_scale(mut params: Vec<Val>, scale: f64) -> Vec<Val> {
    if let Some(Val::Record(fields)) = params.first_mut() {
        for (name, value) in fields.iter_mut() {
            if name == "scale" {
                *value = Val::Option(Some(Box::new(Val::Float64(scale))));
            }
        }
    }
    params
}
