//! Webhook endpoints (`create_webhook_endpoint`, `list_webhook_endpoints`,
//! `delete_webhook_endpoint`) and the new create inputs (`title`,
//! `callback_url`, `callback_id`, and `create_talking_photo_from_image`),
//! through the real component: the exact requests the simulator received and
//! the exact outputs (each checked against its schema by `Case::call`).

use heygen_host::sim::data;
use heygen_host::sim::sign;
use heygen_host::sim::{Fault, FaultKind};
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers, sim_video_id};

const HOOK: &str = "https://hooks.example.com/heygen";

/// Registers an endpoint for `events` on `case`'s simulator; its output.
async fn register(case: &Case, events: Value) -> Value {
    let mut args = json!({"url": HOOK});
    if !events.is_null() {
        args["events"] = events;
    }
    case.call("create_webhook_endpoint", args).await
}

#[tokio::test]
async fn create_webhook_endpoint_registers_under_an_idempotency_key() {
    let case = Case::new("v3");
    let output = register(&case, json!(["avatar_video.success"])).await;
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/webhooks/endpoints")
    );
    assert_standard_headers(&req);
    assert_eq!(
        req.json(),
        json!({"url": HOOK, "events": ["avatar_video.success"]})
    );
    assert!(
        req.header("idempotency-key")
            .is_some_and(|k| k.starts_with("heygen-plugin-"))
    );
    let secret = output["secret"].as_str().expect("the secret, once");
    assert!(
        secret.starts_with("whsec_") && secret.len() > 20,
        "{secret}"
    );
    assert_eq!(
        output,
        json!({"success": true, "error": null, "endpoint_id": "we_00005eed00000001", "url": HOOK,
               "events": ["avatar_video.success"], "status": "enabled", "secret": secret})
    );
    // Every event type when none is given: HeyGen answers `events: null`.
    let all = register(&case, Value::Null).await;
    assert_eq!(all["events"], json!([]));
    assert_eq!(
        case.sim.endpoint_count(),
        3,
        "two and the account's earlier one"
    );
}

#[tokio::test]
async fn create_webhook_endpoint_refuses_bad_input_and_passes_on_heygen_s() {
    let case = Case::new("v3");
    for (args, prefix) in [
        (
            json!({"url": "http://hooks.example.com/x"}),
            "invalid_input: url must be an https:// URL",
        ),
        (
            json!({"url": HOOK, "events": []}),
            "invalid_input: events must list 1 to 50",
        ),
        (
            json!({"url": HOOK, "events": ["avatar video"]}),
            "invalid_input: events must not contain spaces",
        ),
    ] {
        let output = case.call("create_webhook_endpoint", args).await;
        assert_failed(&output, prefix);
    }
    assert!(case.requests().is_empty(), "nothing sent for bad input");
    // An event type only HeyGen can judge: sent, and refused by HeyGen's
    // schema (its list of event types).
    let output = case
        .call_refused_by_heygen(
            "create_webhook_endpoint",
            json!({"url": HOOK, "events": ["video.exploded"]}),
        )
        .await;
    let violations = case.sim.contract_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("events.0"), "{violations:?}");
    assert_failed(
        &output,
        "http_400: HeyGen answered HTTP 400 invalid_parameter",
    );
    assert!(
        output["error"].as_str().unwrap().contains("events.0"),
        "{output}"
    );
    assert_eq!(case.sim.endpoint_count(), 1);
}

#[tokio::test]
async fn a_lost_registration_answer_is_replayed_not_registered_twice() {
    let case = Case::new("v3");
    case.sim
        .push_fault(Fault::once(FaultKind::ProcessThenClose));
    let output = register(&case, Value::Null).await;
    assert_eq!(output["success"], json!(true), "{output}");
    let sent = case.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].header("idempotency-key"),
        sent[1].header("idempotency-key")
    );
    assert_eq!((case.sim.endpoint_count(), case.sim.created()), (2, 1));
}

#[tokio::test]
async fn list_webhook_endpoints_never_shows_secrets_and_delete_removes_them() {
    let case = Case::new("v3");
    let first = register(&case, json!(["avatar_video.success", "avatar_video.fail"])).await;
    let second = register(&case, Value::Null).await;
    case.sim.clear_requests();
    let listed = case.call("list_webhook_endpoints", json!({})).await;
    let entry = |e: &Value| json!({"endpoint_id": e["endpoint_id"], "url": HOOK, "events": e["events"], "status": "enabled"});
    let earlier = json!({"endpoint_id": data::EXISTING_ENDPOINT_ID, "url": "https://hooks.example.com/previews",
                         "events": ["avatar_video_gif.success"], "status": "enabled"});
    assert_eq!(
        listed,
        json!({"success": true, "error": null, "endpoints": [earlier, entry(&first), entry(&second)]})
    );
    let req = case.only_request();
    assert_eq!(req.target(), "/v3/webhooks/endpoints?limit=100");
    assert_standard_headers(&req);
    let id = first["endpoint_id"].as_str().unwrap();
    case.sim.clear_requests();
    let deleted = case
        .call("delete_webhook_endpoint", json!({"endpoint_id": id}))
        .await;
    assert_eq!(
        deleted,
        json!({"success": true, "error": null, "endpoint_id": id, "deleted": true})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target()),
        ("DELETE", format!("/v3/webhooks/endpoints/{id}"))
    );
    let again = case
        .call("delete_webhook_endpoint", json!({"endpoint_id": id}))
        .await;
    assert_failed(&again, "http_404: HeyGen answered HTTP 404 not_found");
    let listed = case.call("list_webhook_endpoints", json!({})).await;
    assert_eq!(listed["endpoints"], json!([earlier, entry(&second)]));
}

#[tokio::test]
async fn a_finished_render_is_delivered_signed_with_its_callback_id() {
    let case = Case::new("v3");
    let endpoint = register(&case, json!(["avatar_video.success"])).await;
    let secret = endpoint["secret"].as_str().unwrap();
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_ben_studio", "input_text": "Hi", "voice_id": data::voice_id(2),
                   "title": "Launch", "callback_url": "https://hooks.example.com/once", "callback_id": "job-7"}),
        )
        .await;
    let id = created["video_id"].as_str().unwrap();
    let sent = case.requests().last().unwrap().json();
    assert_eq!(
        (&sent["title"], &sent["callback_url"], &sent["callback_id"]),
        (
            &json!("Launch"),
            &json!("https://hooks.example.com/once"),
            &json!("job-7")
        )
    );
    for _ in 0..3 {
        case.call("retrieve_video_link", json!({"video_id": id}))
            .await;
    }
    let deliveries = case.sim.deliveries();
    assert_eq!(deliveries.len(), 1, "one endpoint, one event");
    let delivery = &deliveries[0];
    let body: Value = serde_json::from_str(&delivery.body).unwrap();
    assert_eq!(body["event_type"], "avatar_video.success");
    assert_eq!(body["event_data"]["video_id"], id);
    assert_eq!(body["event_data"]["callback_id"], "job-7");
    assert_eq!(delivery.signature, sign(secret, delivery.body.as_bytes()));
    assert_eq!(delivery.signature.len(), 64);
}

#[tokio::test]
async fn creates_refuse_a_callback_url_that_is_not_https_and_legacy_any() {
    let case = Case::new("v3");
    let args = json!({"template_id": "tpl_welcome", "callback_url": "http://hooks.example.com/x"});
    let output = case.call("create_video_from_template", args).await;
    assert_failed(
        &output,
        "invalid_input: callback_url must be an https:// URL",
    );
    let legacy = Case::new("legacy");
    let args = json!({"template_id": "tpl_welcome", "test": true, "callback_url": HOOK});
    let output = legacy.call("create_video_from_template", args).await;
    assert_failed(
        &output,
        "unsupported: callback_url does not exist on HeyGen's legacy API",
    );
    assert!(case.requests().is_empty() && legacy.requests().is_empty());
    // Legacy takes `title` and `callback_id`, and echoes the id in its status.
    let args = json!({"template_id": "tpl_welcome", "test": true, "title": "Hello", "callback_id": "job-9"});
    let created = legacy.call("create_video_from_template", args).await;
    let sent = legacy.only_request().json();
    assert_eq!(
        (&sent["title"], &sent["callback_id"]),
        (&json!("Hello"), &json!("job-9"))
    );
    let id = created["video_id"].as_str().unwrap();
    assert_eq!(id, sim_video_id(1));
    let state = legacy
        .call("retrieve_video_link", json!({"video_id": id}))
        .await;
    assert_eq!(state["success"], json!(true), "{state}");
    let answered = legacy.sim.requests().last().unwrap().clone();
    assert!(answered.target().starts_with("/v1/video_status.get"));
}

#[tokio::test]
async fn create_talking_photo_from_image_sends_type_image() {
    let case = Case::new("v3");
    let voice = data::voice_id(1);
    let output = case
        .call(
            "create_talking_photo_from_image",
            json!({"image_url": "https://images.example.com/p.jpg", "input_text": "Hi", "voice_id": voice,
                   "talking_style": "stable", "motion_prompt": "nods", "callback_id": "c1"}),
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
    assert!(req.header("idempotency-key").is_some());
    assert_eq!(
        req.json(),
        json!({"type": "image", "image": {"type": "url", "url": "https://images.example.com/p.jpg"},
               "script": "Hi", "voice_id": voice, "expressiveness": "low", "motion_prompt": "nods",
               "callback_id": "c1"})
    );
    case.sim.clear_requests();
    let output = case
        .call(
            "create_talking_photo_from_image",
            json!({"image_asset_id": data::IMAGE_ASSET_ID, "input_text": "Hi", "voice_id": voice}),
        )
        .await;
    assert_eq!(output["success"], json!(true), "{output}");
    assert_eq!(
        case.only_request().json()["image"],
        json!({"type": "asset_id", "asset_id": data::IMAGE_ASSET_ID})
    );
    case.sim.clear_requests();
    let unknown = case
        .call(
            "create_talking_photo_from_image",
            json!({"image_asset_id": "asset_nope", "input_text": "Hi", "voice_id": voice}),
        )
        .await;
    assert_failed(&unknown, "http_400: ");
    for args in [
        json!({"input_text": "Hi", "voice_id": voice}),
        json!({"image_url": "https://i.example/p.jpg", "image_asset_id": "a", "input_text": "Hi", "voice_id": voice}),
        json!({"image_url": "http://i.example/p.jpg", "input_text": "Hi", "voice_id": voice}),
    ] {
        let output = case.call("create_talking_photo_from_image", args).await;
        assert_failed(&output, "invalid_input: ");
    }
    assert_eq!(case.requests().len(), 1, "only the unknown asset was sent");
}

/// The rest of an endpoint's life: its URL and events change (`PATCH`), its
/// secret rotates (a delivery signed with the new one verifies, one signed
/// with the old one does not), and its past events can be listed.
#[tokio::test]
async fn an_endpoint_is_updated_rotated_and_its_events_listed() {
    let case = Case::new("v3");
    let endpoint = register(&case, json!(["avatar_video.fail"])).await;
    let id = endpoint["endpoint_id"].as_str().unwrap().to_owned();
    let old_secret = endpoint["secret"].as_str().unwrap().to_owned();

    case.sim.clear_requests();
    let updated = case
        .call(
            "update_webhook_endpoint",
            json!({"endpoint_id": id, "events": ["avatar_video.success"]}),
        )
        .await;
    assert_eq!(
        updated,
        json!({"success": true, "error": null, "endpoint_id": id, "url": HOOK, "events": ["avatar_video.success"], "status": "enabled"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target()),
        ("PATCH", format!("/v3/webhooks/endpoints/{id}"))
    );
    assert_eq!(req.json(), json!({"events": ["avatar_video.success"]}));
    assert_standard_headers(&req);

    case.sim.clear_requests();
    let rotated = case
        .call("rotate_webhook_secret", json!({"endpoint_id": id}))
        .await;
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        rotated,
        json!({"success": true, "error": null, "endpoint_id": id, "secret": new_secret})
    );
    assert_ne!(new_secret, old_secret);
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target(), req.body.len()),
        (
            "POST",
            format!("/v3/webhooks/endpoints/{id}/rotate-secret"),
            0
        )
    );
    assert!(req.header("idempotency-key").is_none());

    let created = case
        .call("create_talking_photo", json!({"talking_photo_id": "tp_ben_studio", "input_text": "Hi", "voice_id": data::voice_id(2)}))
        .await;
    let video = created["video_id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        case.call("retrieve_video_link", json!({"video_id": video}))
            .await;
    }
    let delivery = case.sim.deliveries().pop().expect("a delivery");
    for (secret, valid) in [(&new_secret, true), (&old_secret, false)] {
        let verified = case
            .call(
                "verify_webhook",
                json!({"payload": delivery.body, "signature": delivery.signature, "secret": secret}),
            )
            .await;
        assert_eq!(verified["valid"], valid, "{verified}");
    }

    case.sim.clear_requests();
    let events = case
        .call(
            "list_webhook_events",
            json!({"event_type": "avatar_video.success", "entity_id": video, "limit": 5}),
        )
        .await;
    assert_eq!(
        events["events"],
        json!([{"event_id": delivery.event_id, "event_type": "avatar_video.success",
                "created_at": data::iso8601(delivery.timestamp),
                "event_data_json": serde_json::from_str::<Value>(&delivery.body).unwrap()["event_data"].to_string()}])
    );
    assert_eq!(
        case.only_request().target(),
        format!("/v3/webhooks/events?limit=5&event_type=avatar_video.success&entity_id={video}")
    );

    // Nothing to change, or an unknown endpoint.
    case.sim.clear_requests();
    let nothing = case
        .call("update_webhook_endpoint", json!({"endpoint_id": id}))
        .await;
    assert_failed(&nothing, "invalid_input: ");
    assert!(case.requests().is_empty());
    let unknown = case
        .call("rotate_webhook_secret", json!({"endpoint_id": "we_nope"}))
        .await;
    assert_failed(&unknown, "http_404: ");
}
