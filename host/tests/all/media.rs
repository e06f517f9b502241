//! Uploads, photo avatars, speech and bulk statuses (v3), through the real
//! component against the simulator: the exact request and the exact output.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use heygen_host::sim::data;
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A PNG signature followed by `len - 8` bytes of filler.
fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 0x42);
    bytes
}

#[tokio::test]
async fn upload_asset_sends_one_multipart_file_and_reads_the_asset() {
    let case = Case::new("v3");
    let file = png(100);
    let output = case
        .call(
            "upload_asset",
            json!({"file_name": "me.png", "content_base64": B64.encode(&file)}),
        )
        .await;
    let id = output["asset_id"].as_str().unwrap().to_owned();
    assert_eq!(
        output,
        json!({"success": true, "error": null, "asset_id": id,
               "url": format!("https://files.sim.heygen.test/assets/{id}/me.png"),
               "media_type": "image/png", "size_bytes": 100})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/assets")
    );
    assert_standard_headers(&req);
    assert!(req.header("idempotency-key").is_none());
    let content_type = req.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&file);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(req.body, expected);

    // An image asset uploaded here is one `create_photo_avatar` takes.
    case.sim.clear_requests();
    let avatar = case
        .call(
            "create_photo_avatar",
            json!({"name": "Me", "image_asset_id": id}),
        )
        .await;
    assert_eq!(avatar["success"], true, "{avatar}");

    // Wrong bytes, bad base64 and a missing extension send nothing.
    case.sim.clear_requests();
    for args in [
        json!({"file_name": "me.jpg", "content_base64": B64.encode(&file)}),
        json!({"file_name": "me.png", "content_base64": "not base64!"}),
        json!({"file_name": "me", "content_base64": B64.encode(&file)}),
        json!({"file_name": "me.wav", "content_base64": B64.encode(b"RIFF\0\0\0\0AVI LIST")}),
    ] {
        let output = case.call("upload_asset", args).await;
        assert_failed(&output, "invalid_input: ");
    }
    assert!(case.requests().is_empty());
}

/// 4 MiB of file passes every face (the plugin, the HTTP face, `heygen-host
/// call -` and MCP over stdio); one byte more is refused before sending.
#[tokio::test]
async fn four_mib_upload_through_every_face_and_one_byte_more_is_refused() {
    use heygen_host::runtime::{HttpFace, Runtime};
    let mut case = Case::new("v3");
    case.set("HEYGEN_FACE_OPEN", Some("1"));
    let limit = heygen_plugin::limits::MAX_FILE_BYTES;
    assert_eq!(limit, 4 * 1024 * 1024);
    let args = json!({"file_name": "big.png", "content_base64": B64.encode(png(limit))});
    let over = json!({"file_name": "big.png", "content_base64": B64.encode(png(limit + 1))});

    let output = case.call("upload_asset", args.clone()).await;
    assert_eq!(
        (&output["success"], &output["size_bytes"]),
        (&json!(true), &json!(limit)),
        "{}",
        output["error"]
    );
    let output = case.call("upload_asset", over.clone()).await;
    assert_failed(
        &output,
        "invalid_input: content_base64 holds more than 4 MiB",
    );

    let face = HttpFace::embedded(&Runtime::new().unwrap()).unwrap();
    for (body, status) in [(&args, 200), (&over, 400)] {
        let request = http::Request::post("http://localhost/actions/upload_asset")
            .body(bytes::Bytes::from(body.to_string()))
            .unwrap();
        let answer = face
            .request(&case.settings(), request)
            .await
            .expect("an answer");
        let output: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(answer.status, status, "{}", output["error"]);
    }
    // Other actions keep the 512 KiB limit.
    let request = http::Request::post("http://localhost/actions/get_voice")
        .body(bytes::Bytes::from(
            json!({"voice_id": "x".repeat(600 * 1024)}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        face.request(&case.settings(), request)
            .await
            .unwrap()
            .status,
        413
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_heygen-host"))
        .args(["call", "upload_asset", "-"])
        .env("HEYGEN_BASE_URL", case.sim.url())
        .env("HEYGEN_API_KEY", heygen_host::sim::DEFAULT_KEY)
        .env_remove("HEYGEN_API_VERSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(args.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let output: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (out.status.code(), &output["size_bytes"]),
        (Some(0), &json!(limit)),
        "{output}"
    );

    let uploads = case
        .requests()
        .iter()
        .filter(|r| r.path == "/v3/assets")
        .count();
    assert_eq!(
        uploads, 3,
        "the plugin, the HTTP face and call each sent one; nothing over the limit"
    );
}

#[tokio::test]
async fn a_photo_avatar_is_made_waited_for_and_speaks() {
    let case = Case::new("v3");
    let photo = B64.encode(png(64));
    let created = case
        .call(
            "create_photo_avatar",
            json!({"name": "Ada", "image_base64": photo, "image_media_type": "png", "idempotency_key": "ada-1"}),
        )
        .await;
    let id = created["avatar_id"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({"success": true, "error": null, "avatar_id": id, "avatar_group_id": format!("group_{id}"), "status": "processing"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/avatars")
    );
    assert_eq!(req.header("idempotency-key"), Some("ada-1"));
    assert_eq!(
        req.json(),
        json!({"type": "photo", "name": "Ada", "file": {"type": "base64", "media_type": "image/png", "data": photo}})
    );

    // Not ready yet: a video with it is refused by HeyGen.
    let look = case.call("get_avatar_look", json!({"avatar_id": id})).await;
    assert_eq!(
        (&look["status"], &look["avatar_type"]),
        (&json!("processing"), &json!("photo_avatar"))
    );

    case.sim.clear_requests();
    let ready = case
        .call(
            "wait_for_avatar",
            json!({"avatar_id": id, "timeout_seconds": 30}),
        )
        .await;
    assert_eq!(
        ready,
        json!({"success": true, "error": null, "avatar_id": id, "name": "Ada", "avatar_type": "photo_avatar",
               "status": "completed", "avatar_group_id": format!("group_{id}"), "gender": null,
               "preview_image_url": format!("https://files.sim.heygen.test/looks/{id}.jpg"),
               "default_voice_id": null, "supported_engines": ["avatar_iv", "avatar_v"], "timed_out": false})
    );
    assert!(
        case.requests()
            .iter()
            .all(|r| r.target() == format!("/v3/avatars/looks/{id}"))
    );

    let video = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": id, "input_text": "Hello, I am Ada.", "voice_id": data::voice_id(0)}),
        )
        .await;
    assert_eq!(video["success"], true, "{video}");

    // A photo HeyGen finds no face in fails, and the wait says why.
    let failed = case
        .call(
            "create_photo_avatar",
            json!({"name": "Nobody", "image_url": "https://img.example/no-face.jpg"}),
        )
        .await;
    let failed_id = failed["avatar_id"].as_str().unwrap();
    let waited = case
        .call(
            "wait_for_avatar",
            json!({"avatar_id": failed_id, "timeout_seconds": 30}),
        )
        .await;
    assert_eq!(
        (&waited["success"], &waited["status"], &waited["error"]),
        (
            &json!(true),
            &json!("failed"),
            &json!("avatar_failed: No face was detected in the photo.")
        )
    );
    let unknown = case
        .call("get_avatar_look", json!({"avatar_id": "look_nope"}))
        .await;
    assert_failed(&unknown, "http_404: ");
}

#[tokio::test]
async fn generate_speech_posts_the_text_and_gives_the_audio() {
    let case = Case::new("v3");
    let voice = data::voice_id(1);
    let output = case
        .call("generate_speech", json!({"text": "Hello there, friend", "voice_id": voice, "speed": 1.5, "language": "English"}))
        .await;
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/voices/speech")
    );
    assert_eq!(
        req.json(),
        json!({"text": "Hello there, friend", "voice_id": voice, "speed": 1.5, "language": "English"})
    );
    assert!(req.header("idempotency-key").is_none());
    let audio = output["audio_url"].as_str().unwrap();
    assert!(
        audio.starts_with("https://files.sim.heygen.test/speech/"),
        "{output}"
    );
    assert_eq!(output["duration"], json!(0.8));
    let unknown = case
        .call(
            "generate_speech",
            json!({"text": "Hi", "voice_id": "no-such-voice"}),
        )
        .await;
    assert_failed(&unknown, "http_404: ");
}

#[tokio::test]
async fn get_video_statuses_asks_once_and_answers_in_the_order_asked() {
    let case = Case::new("v3");
    let mut ids = Vec::new();
    for photo in [data::TALKING_PHOTOS[0], data::FAILING_TALKING_PHOTO] {
        let created = case
            .call("create_talking_photo", json!({"talking_photo_id": photo, "input_text": "Hi", "voice_id": data::voice_id(0)}))
            .await;
        ids.push(created["video_id"].as_str().unwrap().to_owned());
    }
    ids.insert(0, "zz_unknown_video".to_owned());
    case.sim.clear_requests();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let output = case
            .call("get_video_statuses", json!({"video_ids": ids}))
            .await;
        let videos = output["videos"].as_array().unwrap().clone();
        let order: Vec<&str> = videos
            .iter()
            .map(|v| v["video_id"].as_str().unwrap())
            .collect();
        assert_eq!(order, ids.iter().map(String::as_str).collect::<Vec<_>>());
        seen.push(videos);
    }
    assert_eq!(
        seen[0][0],
        json!({"video_id": "zz_unknown_video", "status": "not_found", "error": null})
    );
    assert_eq!(seen[0][1]["status"], "queued");
    assert_eq!(seen[2][1]["status"], "completed");
    assert_eq!(
        seen[2][2],
        json!({"video_id": ids[2], "status": "failed", "error": "face_not_detected: No face was detected in the talking photo."})
    );
    let requests = case.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].target(),
        format!(
            "/v3/videos/statuses?video_ids={}%2C{}%2C{}",
            ids[0], ids[1], ids[2]
        )
    );
}

/// A photo as base64 with audio in place of a script, and the render
/// options of both video types, exactly as `POST /v3/videos` takes them.
#[tokio::test]
async fn photos_as_base64_audio_and_render_options_reach_heygen_as_given() {
    let case = Case::new("v3");
    let photo = B64.encode(png(48));
    let output = case
        .call(
            "create_talking_photo_from_image",
            json!({"image_base64": photo, "image_media_type": "png", "audio_asset_id": "asset_audio_0001",
                   "aspect_ratio": "9:16", "output_format": "webm", "background_color": "#112233"}),
        )
        .await;
    assert_eq!(output["success"], true, "{output}");
    assert_eq!(
        case.only_request().json(),
        json!({"type": "image", "image": {"type": "base64", "media_type": "image/png", "data": photo},
               "audio_asset_id": "asset_audio_0001", "aspect_ratio": "9:16", "output_format": "webm",
               "background": {"type": "color", "value": "#112233"}})
    );
    case.sim.clear_requests();
    let output = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": data::TALKING_PHOTOS[0], "input_text": "Hi", "voice_id": data::voice_id(0),
                   "engine": "avatar_v", "resolution": "4k", "background_image_url": "https://img.example/bg.jpg",
                   "voice_speed": 1.2, "voice_pitch": -5.0, "voice_locale": "en-GB"}),
        )
        .await;
    assert_eq!(output["success"], true, "{output}");
    assert_eq!(
        case.only_request().json(),
        json!({"type": "avatar", "avatar_id": data::TALKING_PHOTOS[0], "script": "Hi", "voice_id": data::voice_id(0),
               "engine": {"type": "avatar_v"}, "resolution": "4k",
               "background": {"type": "image", "url": "https://img.example/bg.jpg"},
               "voice_settings": {"speed": 1.2, "pitch": -5.0, "locale": "en-GB"}})
    );
    // A JPEG named PNG is refused before sending.
    case.sim.clear_requests();
    let output = case
        .call(
            "create_talking_photo_from_image",
            json!({"image_base64": B64.encode(b"\xff\xd8\xff\xe0jpeg"), "image_media_type": "png", "input_text": "Hi", "voice_id": "v1"}),
        )
        .await;
    assert_failed(
        &output,
        "invalid_input: image_base64 does not start like a png file",
    );
    assert!(case.requests().is_empty());
}
