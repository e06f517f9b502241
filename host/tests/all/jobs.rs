//! HeyGen v3's other jobs through the real component: Video Agent sessions
//! (prompt to video), video translations and lipsyncs, each created, read and
//! waited for, with the exact request sent and the exact output; and the
//! caller's `idempotency_key` on every create.

use std::time::Duration;

use heygen_host::sim::{Fault, FaultKind};
use heygen_plugin::actions::find;
use serde_json::json;

use crate::common::{Case, assert_failed, assert_standard_headers};

/// A `Case` whose jobs are already under way at their first status read.
fn quick_case() -> Case {
    let case = Case::new("v3");
    case.sim.set_quick_renders(true);
    case
}

#[tokio::test]
async fn a_prompt_becomes_a_video_through_the_agent() {
    let case = quick_case();
    let output = case
        .call(
            "create_video_from_prompt",
            json!({"prompt": "A welcome video for new bakers", "orientation": "portrait",
                   "style_id": "style_clean", "file_urls": ["https://files.example.com/menu.pdf"],
                   "file_asset_ids": ["asset_portrait_0001"], "callback_id": "job-7",
                   "idempotency_key": "prompt-1"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "session_id": "va_00005eed00000001",
               "status": "generating", "video_id": null})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/video-agents")
    );
    assert_standard_headers(&req);
    assert_eq!(req.header("idempotency-key"), Some("prompt-1"));
    assert_eq!(
        req.json(),
        json!({"prompt": "A welcome video for new bakers", "orientation": "portrait",
               "style_id": "style_clean", "callback_id": "job-7",
               "files": [{"type": "url", "url": "https://files.example.com/menu.pdf"},
                         {"type": "asset_id", "asset_id": "asset_portrait_0001"}]})
    );

    case.sim.clear_requests();
    let waited = case
        .call(
            "wait_for_video_agent",
            json!({"session_id": "va_00005eed00000001", "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(waited["status"], "completed", "{waited}");
    assert_eq!(waited["timed_out"], false);
    assert_eq!(waited["progress"], 100);
    assert_eq!(waited["title"], "A welcome video for new bakers");
    assert_eq!(
        waited["messages"],
        json!([{"role": "user", "type": "text", "content": "A welcome video for new bakers"}])
    );
    let video_id = waited["video_id"].as_str().expect("a video id").to_owned();
    // One read at generating, one at completed.
    let targets: Vec<String> = case.requests().iter().map(|r| r.target()).collect();
    assert_eq!(targets, vec!["/v3/video-agents/va_00005eed00000001"; 2]);

    let video = case
        .call(
            "wait_for_video",
            json!({"video_id": video_id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(video["status"], "completed", "{video}");
    assert!(
        video["video_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
}

#[tokio::test]
async fn a_chat_session_asks_then_goes_on_after_a_message() {
    let case = quick_case();
    let created = case
        .call(
            "create_video_from_prompt",
            json!({"prompt": "A video about bread", "mode": "chat"}),
        )
        .await;
    let id = created["session_id"].as_str().unwrap().to_owned();
    assert_eq!(
        case.only_request().json(),
        json!({"prompt": "A video about bread", "mode": "chat"})
    );

    let waited = case
        .call(
            "wait_for_video_agent",
            json!({"session_id": id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(
        (waited["status"].as_str(), waited["timed_out"].as_bool()),
        (Some("waiting_for_input"), Some(false)),
        "{waited}"
    );
    assert_eq!(
        waited["messages"][1]["content"],
        "Who is the video for, and how long should it be?"
    );

    case.sim.clear_requests();
    let sent = case
        .call(
            "send_video_agent_message",
            json!({"session_id": id, "message": "New customers; 30 seconds.", "voice_id": "v1"}),
        )
        .await;
    assert_eq!(
        sent,
        json!({"success": true, "error": null, "session_id": id, "run_id": "run_0000000000000002"})
    );
    let req = case.only_request();
    assert_eq!(req.target(), format!("/v3/video-agents/{id}"));
    assert_eq!(
        req.json(),
        json!({"message": "New customers; 30 seconds.", "voice_id": "v1"})
    );
    assert!(req.header("idempotency-key").is_some());

    let done = case
        .call(
            "wait_for_video_agent",
            json!({"session_id": id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(done["status"], "completed", "{done}");

    // A `generate` session takes no message: HeyGen's 400 is passed on.
    let output = case
        .call(
            "send_video_agent_message",
            json!({"session_id": "va_0123456789abcdef", "message": "More bread"}),
        )
        .await;
    assert_failed(&output, "http_400: ");
}

#[tokio::test]
async fn a_failed_session_is_a_successful_call_that_says_why() {
    let case = quick_case();
    let created = case
        .call(
            "create_video_from_prompt",
            json!({"prompt": "Something that breaks the policy"}),
        )
        .await;
    let id = created["session_id"].as_str().unwrap().to_owned();
    let waited = case
        .call(
            "wait_for_video_agent",
            json!({"session_id": id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(waited["success"], true, "{waited}");
    assert_eq!(waited["status"], "failed");
    assert_eq!(
        waited["error"],
        "agent_failed: The prompt breaks HeyGen's content policy."
    );

    // Stopping: the session's id back, then it reads as stopped.
    case.sim.clear_requests();
    let stopped = case
        .call(
            "stop_video_agent",
            json!({"session_id": "va_chat_0123456789ab"}),
        )
        .await;
    assert_eq!(
        stopped,
        json!({"success": true, "error": null, "session_id": "va_chat_0123456789ab"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str(), req.json()),
        (
            "POST",
            "/v3/video-agents/va_chat_0123456789ab/stop",
            json!({})
        )
    );
    let unknown = case
        .call("stop_video_agent", json!({"session_id": "va_nope"}))
        .await;
    assert_failed(&unknown, "http_404: ");
}

#[tokio::test]
async fn a_session_reads_back_with_its_newest_messages() {
    let case = Case::new("v3");
    let output = case
        .call(
            "get_video_agent_session",
            json!({"session_id": "va_0123456789abcdef"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "session_id": "va_0123456789abcdef",
               "status": "completed", "progress": 100, "title": "Welcome to the team",
               "video_id": "0123456789abcdef0123456789abcdef",
               "messages": [
                   {"role": "user", "type": "text", "content": "A short welcome video for our team."},
                   {"role": "assistant", "type": "text", "content": "Here is your video."}]})
    );
    assert_eq!(
        case.only_request().target(),
        "/v3/video-agents/va_0123456789abcdef"
    );
}

#[tokio::test]
async fn styles_are_listed_by_tag_with_empty_tags_as_a_list() {
    let case = Case::new("v3");
    let output = case
        .call("list_video_agent_styles", json!({"tag": "business"}))
        .await;
    let ids: Vec<&str> = output["styles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["style_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["style_clean", "style_warm"]);
    assert_eq!(
        case.only_request().target(),
        "/v3/video-agents/styles?tag=business&limit=100"
    );

    let all = case.call("list_video_agent_styles", json!({})).await;
    assert_eq!(
        all["styles"][3],
        json!({"style_id": "style_plain", "name": "Plain", "aspect_ratio": "1:1", "tags": [],
               "thumbnail_url": "https://files.sim.heygen.test/styles/style_plain.jpg",
               "preview_video_url": null})
    );
}

#[tokio::test]
async fn a_video_is_translated_into_two_languages_and_waited_for() {
    let case = quick_case();
    let languages = case.call("list_translation_languages", json!({})).await;
    assert_eq!(
        languages["languages"],
        json!([
            "English",
            "Spanish",
            "German",
            "French",
            "Japanese",
            "Portuguese",
            "Hindi",
            "Korean"
        ])
    );
    assert_eq!(
        case.only_request().target(),
        "/v3/video-translations/languages"
    );

    case.sim.clear_requests();
    let output = case
        .call(
            "translate_video",
            json!({"video_asset_id": "asset_video_0001", "output_languages": ["Spanish", "German"],
                   "mode": "precision", "speaker_num": 2, "enable_caption": true,
                   "title": "Launch", "idempotency_key": "translate-1"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null,
               "video_translation_ids": ["vt_00005eed00000001", "vt_00005eed00000002"]})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/video-translations")
    );
    assert_standard_headers(&req);
    assert_eq!(req.header("idempotency-key"), Some("translate-1"));
    assert_eq!(
        req.json(),
        json!({"video": {"type": "asset_id", "asset_id": "asset_video_0001"},
               "output_languages": ["Spanish", "German"], "mode": "precision",
               "speaker_num": 2, "enable_caption": true, "title": "Launch"})
    );

    for (id, language) in [
        ("vt_00005eed00000001", "Spanish"),
        ("vt_00005eed00000002", "German"),
    ] {
        let waited = case
            .call(
                "wait_for_translation",
                json!({"video_translation_id": id, "timeout_seconds": 20}),
            )
            .await;
        let file = |name: &str| {
            let created = waited["video_url"].as_str().unwrap_or_default();
            let expires = created.split("Expires=").nth(1).unwrap_or_default();
            format!("https://files.sim.heygen.test/{id}/{name}?Expires={expires}")
        };
        assert_eq!(
            waited,
            json!({"success": true, "error": null, "video_translation_id": id,
                   "status": "completed", "output_language": language,
                   "video_url": file("translated.mp4"), "audio_url": file("translated.mp3"),
                   "srt_caption_url": file("captions.srt"), "vtt_caption_url": file("captions.vtt"),
                   "duration": 31.5, "timed_out": false})
        );
    }
}

#[tokio::test]
async fn a_translation_of_a_silent_video_fails_with_its_reason() {
    let case = quick_case();
    let output = case
        .call(
            "translate_video",
            json!({"video_url": "https://videos.example.com/silent.mp4", "output_languages": ["French"]}),
        )
        .await;
    let id = output["video_translation_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        case.only_request().json()["video"],
        json!({"type": "url", "url": "https://videos.example.com/silent.mp4"})
    );
    let read = case
        .call("get_video_translation", json!({"video_translation_id": id}))
        .await;
    assert_eq!(read["status"], "running");
    let waited = case
        .call(
            "wait_for_translation",
            json!({"video_translation_id": id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(
        (
            waited["success"].as_bool(),
            waited["status"].as_str(),
            waited["error"].as_str()
        ),
        (
            Some(true),
            Some("failed"),
            Some("translation_failed: No speech was found in the video.")
        )
    );
    // An unknown language is HeyGen's to refuse.
    let refused = case
        .call_refused_by_heygen(
            "translate_video",
            json!({"video_url": "https://videos.example.com/a.mp4", "output_languages": ["Klingon"]}),
        )
        .await;
    assert_failed(&refused, "http_400: ");
}

#[tokio::test]
async fn a_lipsync_is_made_and_waited_for() {
    let case = quick_case();
    let output = case
        .call(
            "create_lipsync",
            json!({"video_url": "https://videos.example.com/launch.mp4", "audio_asset_id": "asset_audio_0001",
                   "mode": "speed", "enable_caption": true, "title": "Dub",
                   "callback_url": "https://hooks.example.com/heygen", "idempotency_key": "lip-1"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "lipsync_id": "ls_00005eed00000001"})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("POST", "/v3/lipsyncs")
    );
    assert_eq!(req.header("idempotency-key"), Some("lip-1"));
    assert_eq!(
        req.json(),
        json!({"video": {"type": "url", "url": "https://videos.example.com/launch.mp4"},
               "audio": {"type": "asset_id", "asset_id": "asset_audio_0001"},
               "mode": "speed", "enable_caption": true, "title": "Dub",
               "callback_url": "https://hooks.example.com/heygen"})
    );
    let read = case
        .call("get_lipsync", json!({"lipsync_id": "ls_00005eed00000001"}))
        .await;
    assert_eq!(
        read,
        json!({"success": true, "error": null, "lipsync_id": "ls_00005eed00000001", "status": "running",
               "video_url": null, "caption_url": null, "duration": null, "title": "Dub"})
    );
    let waited = case
        .call(
            "wait_for_lipsync",
            json!({"lipsync_id": "ls_00005eed00000001", "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(
        (waited["status"].as_str(), waited["timed_out"].as_bool()),
        (Some("completed"), Some(false))
    );
    assert_eq!(waited["duration"], 28.25);
    assert!(
        waited["caption_url"]
            .as_str()
            .is_some_and(|u| u.contains("/ls_00005eed00000001/captions.srt"))
    );

    let silent = case
        .call(
            "create_lipsync",
            json!({"video_url": "https://videos.example.com/launch.mp4", "audio_url": "https://audio.example.com/silent.mp3"}),
        )
        .await;
    let id = silent["lipsync_id"].as_str().unwrap().to_owned();
    let waited = case
        .call(
            "wait_for_lipsync",
            json!({"lipsync_id": id, "timeout_seconds": 20}),
        )
        .await;
    assert_eq!(waited["status"], "failed", "{waited}");
    assert_eq!(
        waited["error"],
        "lipsync_failed: The audio has no speech to sync to."
    );
}

#[tokio::test]
async fn a_wait_outlasts_transient_failures() {
    let case = quick_case();
    // Five failing answers in a row (each poll's own retries take some):
    // the wait goes on while time is left.
    case.sim.push_fault(Fault::times(
        5,
        FaultKind::Respond {
            status: 503,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"error":{"code":"service_unavailable","message":"busy"}}"#.to_vec(),
        },
    ));
    let started = std::time::Instant::now();
    let waited = case
        .call(
            "wait_for_lipsync",
            json!({"lipsync_id": "ls_0123456789abcdef", "timeout_seconds": 30}),
        )
        .await;
    assert_eq!(
        (waited["success"].as_bool(), waited["status"].as_str()),
        (Some(true), Some("completed")),
        "{waited}"
    );
    assert!(case.requests().len() >= 6);
    assert!(started.elapsed() < Duration::from_secs(30));

    // A 404 cannot improve: it ends the wait at once.
    case.sim.clear_requests();
    let gone = case
        .call(
            "wait_for_translation",
            json!({"video_translation_id": "vt_nope"}),
        )
        .await;
    assert_failed(&gone, "http_404: ");
    assert_eq!(case.requests().len(), 1);
}

/// The same create, called twice with one `idempotency_key`: the second gives
/// the first answer and nothing new is made, on every create that takes one.
#[tokio::test]
async fn a_repeated_create_with_the_same_key_creates_once() {
    let creates = [
        "create_talking_photo",
        "create_talking_photo_from_image",
        "create_video_from_template",
        "create_video_from_prompt",
        "translate_video",
        "create_lipsync",
        "create_webhook_endpoint",
    ];
    for action in creates {
        let mut args = find(action).expect(action).example_args();
        let case = Case::new("v3");
        args["idempotency_key"] = json!(format!("same-{action}"));
        let first = case.call(action, args.clone()).await;
        let again = case.call(action, args.clone()).await;
        assert_eq!(first["success"], true, "{action}: {first}");
        assert_eq!(first, again, "{action}");
        assert_eq!(case.sim.created(), 1, "{action}");
        let keys: Vec<Option<String>> = case
            .requests()
            .iter()
            .map(|r| r.header("idempotency-key").map(str::to_owned))
            .collect();
        assert_eq!(keys, vec![Some(format!("same-{action}")); 2], "{action}");

        // Legacy has no Idempotency-Key: a given key is refused, nothing sent.
        let legacy = Case::new("legacy");
        let refused = legacy.call(action, args).await;
        assert_failed(&refused, "unsupported: ");
        assert!(legacy.requests().is_empty(), "{action}");
    }
}

#[tokio::test]
async fn a_bad_key_is_refused_before_sending() {
    let case = Case::new("v3");
    for key in ["", "has space", "slash/no", &"k".repeat(256)] {
        let output = case
            .call("create_lipsync", json!({"video_url": "https://v.example.com/a.mp4", "audio_url": "https://a.example.com/a.mp3", "idempotency_key": key}))
            .await;
        assert_failed(&output, "invalid_input: ");
        assert!(
            output["error"]
                .as_str()
                .unwrap()
                .contains("idempotency_key"),
            "{output}"
        );
    }
    assert!(case.requests().is_empty());
}

/// The HTTP face under `heygen-host` gives a wait its own `timeout_seconds`,
/// not `HEYGEN_TIMEOUT_MS` (1 s here, which the host would stop at 6.2 s with
/// its grace): a wait that outlasts six 503s runs to the end.
#[tokio::test]
async fn the_http_face_lets_a_wait_run_for_its_timeout_seconds() {
    use heygen_host::runtime::{GRACE, HttpFace, Runtime};
    let mut case = quick_case();
    case.set("HEYGEN_TIMEOUT_MS", Some("1000"));
    case.set("HEYGEN_FACE_OPEN", Some("1"));
    let created = case
        .call(
            "create_video_from_prompt",
            json!({"prompt": "A slow video"}),
        )
        .await;
    let id = created["session_id"].as_str().unwrap().to_owned();
    case.sim.push_fault(Fault::times(
        6,
        FaultKind::Respond {
            status: 503,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"error":{"code":"service_unavailable","message":"busy"}}"#.to_vec(),
        },
    ));
    let face = HttpFace::embedded(&Runtime::new().unwrap()).unwrap();
    let started = std::time::Instant::now();
    let request = http::Request::post("http://localhost/actions/wait_for_video_agent")
        .body(bytes::Bytes::from(
            json!({"session_id": id, "timeout_seconds": 40}).to_string(),
        ))
        .unwrap();
    let answer = face
        .request(&case.settings(), request)
        .await
        .expect("an answer");
    let output: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        (answer.status, output["status"].as_str()),
        (200, Some("completed")),
        "{output}"
    );
    // Long enough that the settings' budget and the grace would have ended it.
    assert!(
        started.elapsed() > Duration::from_secs(1) + GRACE,
        "{:?}",
        started.elapsed()
    );
}
