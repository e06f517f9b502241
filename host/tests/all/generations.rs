//! What every action does on each API generation, table-driven: one
//! expectation set per generation ([`V3`], [`LEGACY`]), the same test body for
//! both. Expected values come from the simulator's data and state, never from
//! the output under test. What only one generation has (request bodies, v3's
//! idempotency keys, legacy's errors inside a 2xx) is in `v3.rs` and
//! `legacy.rs`.

use heygen_host::sim::data;
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers, plugin};

/// What one generation is expected to do.
struct Generation {
    name: &'static str,
    events_target: &'static str,
    voices_targets: &'static [&'static str],
    /// Every voice the account has, as the simulator lists them, in order.
    voices: fn() -> Vec<Value>,
    video_target: fn(&str) -> String,
    /// The statuses of three polls of a new video.
    poll_statuses: [&'static str; 3],
    caption_file: &'static str,
    /// How an id with reserved characters is sent, and the 404 it gets.
    encoded_id: (&'static str, &'static str, &'static str),
    /// The start of a failed render's `error`.
    failed_render: &'static str,
}

const V3: Generation = Generation {
    name: "v3",
    events_target: "/v3/webhooks/event-types",
    voices_targets: &[
        "/v3/voices?type=private&limit=100",
        "/v3/voices?type=public&limit=100",
        "/v3/voices?type=public&limit=100&token=voices-after-100",
        "/v3/voices?type=public&limit=100&token=voices-after-200",
    ],
    // The account's own (cloned) voices first, then the public ones.
    voices: || {
        let private = (0..data::PRIVATE_VOICE_COUNT).map(data::private_voice_v3);
        private
            .chain((0..data::VOICE_COUNT).map(data::voice_v3))
            .collect()
    },
    video_target: |id| format!("/v3/videos/{id}"),
    poll_statuses: ["pending", "processing", "completed"],
    caption_file: "captions.srt",
    encoded_id: (
        "ab:c@d+é",
        "/v3/videos/ab%3Ac%40d%2B%C3%A9",
        "http_404: HeyGen answered HTTP 404 video_not_found",
    ),
    failed_render: "video_failed: HeyGen could not render the video: (avatar_face_not_detected) No face was detected in the talking photo. Fix the cause (photo, script, voice or template), then create the video again",
};

const LEGACY: Generation = Generation {
    name: "legacy",
    events_target: "/v1/webhook/webhook.list",
    voices_targets: &["/v2/voices"],
    voices: || (0..data::VOICE_COUNT).map(data::voice_legacy).collect(),
    video_target: |id| format!("/v1/video_status.get?video_id={id}"),
    poll_statuses: ["pending", "processing", "completed"],
    caption_file: "captions.ass",
    encoded_id: (
        "a&b=c+d",
        "/v1/video_status.get?video_id=a%26b%3Dc%2Bd",
        "http_404: HeyGen answered HTTP 404 40104: Video not found",
    ),
    failed_render: "video_failed: HeyGen could not render the video: (40119) Photo error: No face was detected in the talking photo. Fix",
};

const BOTH: [Generation; 2] = [V3, LEGACY];

#[tokio::test]
async fn list_custom_events_options_reads_every_event_type() {
    for g in BOTH {
        let case = Case::new(g.name);
        let output = case.call("list_custom_events_options", json!({})).await;
        let events: Vec<&str> = data::EVENT_TYPES.iter().map(|(e, _)| *e).collect();
        assert_eq!(
            output,
            json!({"success": true, "error": null, "events": events}),
            "{}",
            g.name
        );
        let req = case.only_request();
        assert_eq!(
            (req.method.as_str(), req.target().as_str()),
            ("GET", g.events_target)
        );
        assert_standard_headers(&req);
    }
}

#[tokio::test]
async fn list_voice_id_options_reads_every_voice() {
    for g in BOTH {
        let case = Case::new(g.name);
        let output = case.call("list_voice_id_options", json!({})).await;
        let voices: Vec<Value> = (g.voices)()
            .iter()
            .map(|v| json!({"voice_id": v["voice_id"], "name": v["name"]}))
            .collect();
        assert_eq!(
            output,
            json!({"success": true, "error": null, "voices": voices}),
            "{}",
            g.name
        );
        let targets: Vec<String> = case.requests().iter().map(|r| r.target()).collect();
        assert_eq!(targets, g.voices_targets, "{}", g.name);
        case.requests().iter().for_each(assert_standard_headers);
    }
}

#[tokio::test]
async fn retrieve_video_link_follows_a_render_to_completion() {
    for g in BOTH {
        let case = Case::new(g.name);
        let script = "Fifteen chars!!";
        let created = case
            .call(
                "create_talking_photo",
                json!({"talking_photo_id": "tp_anna_office", "input_text": script, "voice_id": data::voice_id(0), "caption": true}),
            )
            .await;
        let id = created["video_id"].as_str().expect("an id").to_owned();
        // One instance polls: it stays usable across calls.
        let mut session = plugin().session(&case.settings()).await.expect("instance");
        let mut outputs = Vec::new();
        for _ in 0..3 {
            let output = session
                .call("retrieve_video_link", &json!({"video_id": id}))
                .await
                .expect("call");
            crate::common::assert_card_shape("retrieve_video_link", &output);
            outputs.push(output);
        }
        let statuses: Vec<&str> = outputs
            .iter()
            .map(|o| o["status"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(statuses, g.poll_statuses, "{}", g.name);
        for pending in &outputs[..2] {
            assert_eq!(
                (&pending["video_url"], &pending["duration"]),
                (&Value::Null, &Value::Null)
            );
        }
        let url = |file: &str| {
            case.sim
                .video_file_url(&id, file)
                .expect("the simulator's video")
        };
        let duration = ((script.len().max(10) as f64 / 15.0) * 100.0).round() / 100.0;
        assert_eq!(
            outputs[2],
            json!({"success": true, "error": null, "video_id": id, "status": "completed",
                   "video_url": url("video.mp4"), "thumbnail_url": url("thumbnail.jpg"),
                   "duration": duration, "caption_url": url(g.caption_file)}),
            "{}",
            g.name
        );
        let polls: Vec<String> = case.requests().iter().skip(1).map(|r| r.target()).collect();
        assert_eq!(polls, vec![(g.video_target)(&id); 3], "{}", g.name);
    }
}

#[tokio::test]
async fn a_failed_render_is_a_successful_call_with_the_reason() {
    for g in BOTH {
        let case = Case::new(g.name);
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
        assert_eq!(
            (&output["success"], &output["status"]),
            (&json!(true), &json!("failed")),
            "{}",
            g.name
        );
        assert_eq!(output["caption_url"], Value::Null, "{}", g.name);
        let error = output["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(g.failed_render), "{}: {error}", g.name);
    }
}

#[tokio::test]
async fn ids_are_percent_encoded() {
    for g in BOTH {
        let case = Case::new(g.name);
        let (id, target, error) = g.encoded_id;
        let output = case
            .call("retrieve_video_link", json!({"video_id": id}))
            .await;
        assert_failed(&output, error);
        assert_eq!(case.only_request().target(), target);
    }
}
