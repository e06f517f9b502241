//! Every action on HeyGen v3, through the real component: the exact request
//! the simulator received and the exact output.

use heygen_host::sim::data;
use serde_json::{Value, json};

use crate::common::{Case, assert_standard_headers, sim_video_id};

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
        json!({"success": true, "error": null, "video_id": sim_video_id(1), "status": "pending"})
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
async fn heygen_errors_are_reported_with_code_message_and_request_id() {
    let case = Case::new("v3");
    let output = case
        .call("create_talking_photo", json!({"talking_photo_id": "tp_nobody", "input_text": "Hi", "voice_id": data::voice_id(1)}))
        .await;
    assert_eq!(
        output["error"],
        json!(
            "http_404: HeyGen answered HTTP 404 avatar_not_found: parameter `avatar_id`: Avatar tp_nobody not found (request id sim-req-000001). Check the id; if every call answers 404, check HEYGEN_BASE_URL and HEYGEN_API_VERSION (legacy endpoints were retired on 2026-11-01)"
        )
    );
    assert_eq!(output["video_id"], Value::Null);
}
