//! Every action on HeyGen v3, through the real component: the exact request
//! the simulator received and the exact output.

use host_test::sim::data;
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers, sim_video_id};

#[tokio::test]
async fn create_talking_photo_sends_an_avatar_video() {
    let case = Case::new("v3");
    let voice = data::voice_id(3);
    let output = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Hello there", "voice_id": voice,
                   "caption": true, "talking_style": "stable", "matting": true, "scale": 1.0, "expression": "default"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": sim_video_id(1), "status": "waiting"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/videos")
    );
    assert_standard_headers(&req);
    let key = req.header("idempotency-key").expect("an Idempotency-Key");
    assert!(
        key.len() <= 255
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b))
    );
    assert_eq!(
        req.json(),
        json!({"type": "avatar", "avatar_id": "tp_anna_office", "script": "Hello there", "voice_id": voice,
               "caption": {"style": "default"}, "expressiveness": "low", "remove_background": true})
    );
}

#[tokio::test]
async fn create_video_from_template_converts_legacy_variables() {
    let case = Case::new("v3");
    let variables = json!({
        "headline": {"name": "headline", "type": "text", "properties": {"content": "Hi"}},
        "presenter": {"name": "presenter", "type": "character", "properties": {"type": "talking_photo", "character_id": "tp_ben_studio"}},
        "backdrop": {"type": "image", "asset": {"type": "url", "url": "https://example.com/b.png"}, "fit": "cover"},
    });
    let output = case
        .call(
            "create_video_from_template",
            json!({"template_id": "tpl_welcome", "caption": false, "variables": variables}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": sim_video_id(1), "status": "waiting"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/templates/tpl_welcome")
    );
    assert_standard_headers(&req);
    assert!(req.header("idempotency-key").is_some());
    assert_eq!(
        req.json(),
        json!({"caption": false, "variables": {
            "headline": {"type": "text", "content": "Hi"},
            "presenter": {"type": "character", "character_id": "tp_ben_studio", "character_type": "talking_photo"},
            "backdrop": {"type": "image", "asset": {"type": "url", "url": "https://example.com/b.png"}, "fit": "cover"},
        }})
    );
}

#[tokio::test]
async fn template_variables_may_come_as_json_text() {
    let case = Case::new("v3");
    let text =
        r#"{"title": {"name": "title", "type": "text", "properties": {"content": "Launch"}}}"#;
    let output = case
        .call(
            "create_video_from_template",
            json!({"template_id": "tpl_product", "variables": text}),
        )
        .await;
    assert_eq!(output["success"], json!(true), "{output:#}");
    assert_eq!(
        case.only_request().json(),
        json!({"variables": {"title": {"type": "text", "content": "Launch"}}})
    );
}

#[tokio::test]
async fn list_custom_events_options_reads_event_types() {
    let case = Case::new("v3");
    let output = case.call("list_custom_events_options", json!({})).await;
    let events: Vec<&str> = data::EVENT_TYPES.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        output,
        json!({"success": true, "error": null, "events": events})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("GET", "/v3/webhooks/event-types")
    );
    assert_standard_headers(&req);
}

#[tokio::test]
async fn list_voice_id_options_pages_to_the_end() {
    let case = Case::new("v3");
    let output = case.call("list_voice_id_options", json!({})).await;
    let private = (0..data::PRIVATE_VOICE_COUNT).map(data::private_voice_v3);
    let public = (0..data::VOICE_COUNT).map(data::voice_v3);
    let voices: Vec<Value> = private
        .chain(public)
        .map(|v| json!({"voice_id": v["voice_id"], "name": v["name"]}))
        .collect();
    assert_eq!(
        output,
        json!({"success": true, "error": null, "voices": voices})
    );
    let targets: Vec<String> = case.requests().iter().map(|r| r.target()).collect();
    assert_eq!(
        targets,
        [
            "/v3/voices?type=private&limit=100",
            "/v3/voices?type=public&limit=100",
            "/v3/voices?type=public&limit=100&token=voices-after-100",
            "/v3/voices?type=public&limit=100&token=voices-after-200"
        ]
    );
    case.requests().iter().for_each(assert_standard_headers);
}

#[tokio::test]
async fn retrieve_video_link_follows_a_render_to_completion() {
    let case = Case::new("v3");
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Fifteen chars!!", "voice_id": data::voice_id(0), "caption": true}),
        )
        .await;
    let id = created["video_id"].as_str().expect("an id").to_owned();
    // One instance polls: it stays usable across calls.
    let mut session = crate::common::plugin()
        .session(&case.settings())
        .await
        .expect("instance");
    let mut statuses = Vec::new();
    let done = loop {
        let output = session
            .call("retrieve_video_link", &json!({"video_id": id}))
            .await
            .expect("call");
        crate::common::assert_card_shape("retrieve_video_link", &output);
        let status = output["status"].as_str().unwrap_or_default().to_owned();
        statuses.push(status.clone());
        if status == "completed" || statuses.len() > 5 {
            break output;
        }
        assert_eq!(output["video_url"], Value::Null);
        assert_eq!(output["duration"], Value::Null);
    };
    assert_eq!(statuses, ["waiting", "processing", "completed"]);
    let url = |file: &str| {
        let created_at = done["video_url"]
            .as_str()
            .unwrap_or_default()
            .split("Expires=")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        format!("https://files.sim.heygen.test/{id}/{file}?Expires={created_at}")
    };
    assert_eq!(
        done,
        json!({"success": true, "error": null, "video_id": id, "status": "completed",
               "video_url": url("video.mp4"), "thumbnail_url": url("thumbnail.jpg"), "duration": 1.0,
               "caption_url": url("captions.srt")})
    );
    let polls: Vec<String> = case.requests().iter().skip(1).map(|r| r.target()).collect();
    assert_eq!(polls, vec![format!("/v3/videos/{id}"); 3]);
}

#[tokio::test]
async fn a_failed_render_is_a_successful_call_with_the_reason() {
    let case = Case::new("v3");
    let created = case
        .call("create_talking_photo", json!({"talking_photo_id": "tp_fails_no_face", "input_text": "Hi", "voice_id": data::voice_id(1)}))
        .await;
    let id = created["video_id"].as_str().expect("id");
    let mut output = Value::Null;
    for _ in 0..3 {
        output = case
            .call("retrieve_video_link", json!({"video_id": id}))
            .await;
    }
    assert_eq!(output["success"], json!(true));
    assert_eq!(output["status"], json!("failed"));
    assert_eq!(
        output["error"],
        json!(
            "video_failed: HeyGen could not render the video: (avatar_face_not_detected) No face was detected in the talking photo. Fix the cause (photo, script, voice or template), then create the video again"
        )
    );
}

#[tokio::test]
async fn ids_are_percent_encoded_in_paths() {
    let case = Case::new("v3");
    let output = case
        .call("retrieve_video_link", json!({"video_id": "ab:c@d+é"}))
        .await;
    assert_failed(
        &output,
        "http_404: HeyGen answered HTTP 404 video_not_found",
    );
    assert_eq!(
        case.only_request().target(),
        "/v3/videos/ab%3Ac%40d%2B%C3%A9"
    );
}

#[tokio::test]
async fn heygen_errors_are_reported_with_code_message_and_request_id() {
    let case = Case::new("v3");
    let output = case
        .call("create_talking_photo", json!({"talking_photo_id": "tp_nobody", "input_text": "Hi", "voice_id": data::voice_id(1)}))
        .await;
    assert_eq!(
        output["error"],
        json!(
            "http_404: HeyGen answered HTTP 404 avatar_not_found: Avatar tp_nobody not found (parameter `avatar_id`) (request id sim-req-000001). Check the id; if every call answers 404, check HEYGEN_BASE_URL and HEYGEN_API_VERSION (legacy endpoints were retired on 2026-11-01)"
        )
    );
    assert_eq!(output["video_id"], Value::Null);
}
