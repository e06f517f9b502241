//! Every action on HeyGen's legacy v1/v2 API, through the real component:
//! the exact request the simulator received and the exact output.

use heygen_host::sim::{Fault, FaultKind, data};
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers, sim_video_id};

#[tokio::test]
async fn create_talking_photo_sends_every_card_option() {
    let case = Case::new("legacy");
    let voice = data::voice_id(5);
    let output = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_ben_studio", "input_text": "Hi!", "voice_id": voice, "test": true,
                   "caption": false, "scale": 1.25, "talking_photo_style": "circle", "talking_style": "expressive",
                   "expression": "happy", "super_resolution": true, "matting": false}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": sim_video_id(1), "status": null})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v2/video/generate")
    );
    assert_standard_headers(&req);
    assert_eq!(req.header("idempotency-key"), None);
    assert_eq!(
        req.json(),
        json!({"test": true, "caption": false, "video_inputs": [{
            "character": {"type": "talking_photo", "talking_photo_id": "tp_ben_studio", "scale": 1.25,
                          "talking_photo_style": "circle", "talking_style": "expressive", "expression": "happy",
                          "super_resolution": true, "matting": false},
            "voice": {"type": "text", "input_text": "Hi!", "voice_id": voice}}]})
    );
    assert_eq!(case.sim.test_videos(), 1);
}

#[tokio::test]
async fn unset_options_are_left_out() {
    let case = Case::new("legacy");
    let voice = data::voice_id(5);
    case.call(
        "create_talking_photo",
        json!({"talking_photo_id": "tp_ben_studio", "input_text": "Hi", "voice_id": voice}),
    )
    .await;
    assert_eq!(
        case.only_request().json(),
        json!({"video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": "tp_ben_studio"},
                                 "voice": {"type": "text", "input_text": "Hi", "voice_id": voice}}]})
    );
}

#[tokio::test]
async fn create_video_from_template_sends_variables_as_given() {
    let case = Case::new("legacy");
    let variables = json!({
        "title": {"name": "title", "type": "text", "properties": {"content": "Launch day"}},
        "clip": {"name": "clip", "type": "video", "properties": {"url": "https://example.com/c.mp4", "play_style": "loop", "volume": 0.4}},
        "narrator": {"type": "voice", "properties": {"voice_id": data::voice_id(2), "locale": "en-US"}},
    });
    let output = case
        .call("create_video_from_template", json!({"template_id": "tpl_product", "test": true, "caption": true, "variables": variables}))
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": sim_video_id(1), "status": null})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v2/template/tpl_product/generate")
    );
    assert_standard_headers(&req);
    let mut expected = variables;
    expected["narrator"]["name"] = json!("narrator");
    assert_eq!(
        req.json(),
        json!({"test": true, "caption": true, "variables": expected})
    );
}

#[tokio::test]
async fn an_error_inside_a_2xx_is_a_failure() {
    let case = Case::new("legacy");
    case.sim.push_fault(Fault::once(FaultKind::json(
        200,
        r#"{"error":{"code":"invalid_parameter","message":"input_text is invalid: ensure this value has at most 2000 characters"},"data":null}"#,
    )));
    let output = case
        .call("create_talking_photo", json!({"talking_photo_id": "tp_anna_office", "input_text": "Hi", "voice_id": data::voice_id(1)}))
        .await;
    assert_failed(
        &output,
        "api_error: HeyGen reported an error invalid_parameter: input_text is invalid",
    );
    assert_eq!(output["video_id"], Value::Null);
}

#[tokio::test]
async fn a_legacy_400_is_reported_with_its_message() {
    let case = Case::new("legacy");
    let output = case
        .call(
            "create_video_from_template",
            json!({"template_id": "tpl_product", "variables": {"title": {"name": "title", "type": "text", "properties": {"content": "x", "font": "y"}}}}),
        )
        .await;
    assert_failed(
        &output,
        "http_400: HeyGen answered HTTP 400 invalid_parameter: variables.title.properties.font is invalid: Extra inputs are not permitted",
    );
}
