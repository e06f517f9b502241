//! The actions beyond the card (`wait_for_video`, `get_remaining_credits`,
//! `list_avatars`, `list_templates`, `get_template`, `list_videos`,
//! `delete_video`), through the real
//! component: the exact requests the simulator received and the exact outputs
//! (each checked against its schema by `Case::call`).

use heygen_host::sim::data::{self, Billing};
use heygen_host::sim::{Fault, FaultKind};
use serde_json::{Value, json};

use crate::common::{Case, assert_failed, assert_standard_headers, sim_video_id};

/// The targets of every request the simulator received.
fn targets(case: &Case) -> Vec<String> {
    case.requests().iter().map(|r| r.target()).collect()
}

#[tokio::test]
async fn get_remaining_credits_reads_each_billing_type() {
    let case = Case::new("v3");
    for (billing, expected) in [
        (
            Billing::Wallet,
            json!({"billing_type": "wallet", "remaining": 37.5, "unit": "usd", "resets_at": null}),
        ),
        (
            Billing::Subscription,
            json!({"billing_type": "subscription", "remaining": 120.0, "unit": "credits", "resets_at": "2026-12-01T00:00:00Z"}),
        ),
        (
            Billing::UsageBased,
            json!({"billing_type": "usage_based", "remaining": 312.5, "unit": "credits", "resets_at": null}),
        ),
    ] {
        case.sim.clear_requests();
        case.sim.set_billing(billing);
        let output = case.call("get_remaining_credits", json!({})).await;
        let mut want = json!({"success": true, "error": null});
        want.as_object_mut()
            .unwrap()
            .extend(expected.as_object().unwrap().clone());
        assert_eq!(output, want, "{billing:?}");
        let req = case.only_request();
        assert_eq!(
            (req.method.as_str(), req.target().as_str()),
            ("GET", "/v3/users/me")
        );
        assert_standard_headers(&req);
    }
}

/// A look as `list_avatars` gives it.
fn avatar(look: &Value) -> Value {
    json!({"avatar_id": look["id"], "name": look["name"], "avatar_type": look["avatar_type"],
           "gender": look["gender"], "preview_image_url": look["preview_image_url"],
           "default_voice_id": look["default_voice_id"]})
}

#[tokio::test]
async fn list_avatars_pages_to_the_end() {
    let case = Case::new("v3");
    let output = case.call("list_avatars", json!({})).await;
    let all: Vec<Value> = data::looks_v3().iter().map(avatar).collect();
    assert_eq!(all.len(), 62);
    assert_eq!(
        output,
        json!({"success": true, "error": null, "avatars": all})
    );
    assert_eq!(
        targets(&case),
        [
            "/v3/avatars/looks?limit=50",
            "/v3/avatars/looks?limit=50&token=looks-after-50"
        ]
    );
    case.requests().iter().for_each(assert_standard_headers);
}

#[tokio::test]
async fn list_avatars_passes_its_filters() {
    let case = Case::new("v3");
    let output = case
        .call(
            "list_avatars",
            json!({"avatar_type": "photo_avatar", "ownership": "private"}),
        )
        .await;
    let photos: Vec<Value> = data::looks_v3()
        .iter()
        .filter(|look| look["avatar_type"] == "photo_avatar")
        .map(avatar)
        .collect();
    assert_eq!(photos.len(), data::TALKING_PHOTOS.len());
    assert_eq!(output["avatars"], json!(photos));
    assert_eq!(
        targets(&case),
        ["/v3/avatars/looks?avatar_type=photo_avatar&ownership=private&limit=50"]
    );
    // A look id is what create_talking_photo takes.
    let look = photos[0]["avatar_id"].as_str().unwrap();
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": look, "input_text": "Hi", "voice_id": data::voice_id(0)}),
        )
        .await;
    assert_eq!(created["success"], json!(true), "{created:#}");
    assert_eq!(case.requests().len(), 2);
}

#[tokio::test]
async fn list_templates_reads_every_template() {
    let case = Case::new("v3");
    let output = case.call("list_templates", json!({})).await;
    let templates: Vec<Value> = (0..data::TEMPLATES.len())
        .filter_map(data::template_v3)
        .map(|t| {
            json!({"template_id": t["id"], "name": t["name"], "aspect_ratio": t["aspect_ratio"],
                   "thumbnail_url": t["thumbnail_url"]})
        })
        .collect();
    assert_eq!(
        output,
        json!({"success": true, "error": null, "templates": templates})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("GET", "/v3/templates?limit=100")
    );
    assert_standard_headers(&req);
}

#[tokio::test]
async fn get_template_gives_variables_that_create_video_from_template_takes() {
    let case = Case::new("v3");
    let output = case
        .call("get_template", json!({"template_id": "tpl_product"}))
        .await;
    let text = output["variables_json"].as_str().expect("variables_json");
    let defaults: Value = serde_json::from_str(text).expect("JSON text");
    let detail = data::template_detail_v3("tpl_product").unwrap();
    assert_eq!(defaults, detail["variables"]);
    assert_eq!(
        output,
        json!({"success": true, "error": null, "template_id": "tpl_product", "name": "Product launch",
               "variables": [{"name": "clip", "type": "video"}, {"name": "music", "type": "audio"},
                             {"name": "narrator", "type": "voice"}, {"name": "title", "type": "text"}],
               "variables_json": text})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("GET", "/v3/templates/tpl_product")
    );
    assert_standard_headers(&req);

    // Edited and passed back as it is, as an object and as JSON text.
    let mut edited = defaults.clone();
    edited["title"]["content"] = json!("Launch day");
    for variables in [edited.clone(), json!(edited.to_string())] {
        case.sim.clear_requests();
        let created = case
            .call(
                "create_video_from_template",
                json!({"template_id": "tpl_product", "variables": variables}),
            )
            .await;
        assert_eq!(created["success"], json!(true), "{created:#}");
        assert_eq!(case.only_request().json(), json!({"variables": edited}));
    }
    // Unchanged, too.
    let created = case
        .call(
            "create_video_from_template",
            json!({"template_id": "tpl_product", "variables": text}),
        )
        .await;
    assert_eq!(created["video_id"], json!(sim_video_id(3)));

    let missing = case
        .call("get_template", json!({"template_id": "tpl_nope"}))
        .await;
    assert_failed(&missing, "http_404: ");
    assert_eq!(
        (&missing["variables"], &missing["variables_json"]),
        (&json!([]), &Value::Null)
    );
}

#[tokio::test]
async fn wait_for_video_stops_at_its_timeout_then_finds_the_render_done() {
    let case = Case::new("v3");
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Fifteen chars!!", "voice_id": data::voice_id(0)}),
        )
        .await;
    let id = created["video_id"].as_str().expect("an id").to_owned();
    let started = std::time::Instant::now();
    let first = case
        .call(
            "wait_for_video",
            json!({"video_id": id, "timeout_seconds": 2}),
        )
        .await;
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_millis(2_500), "{took:?}");
    assert_eq!(
        first,
        json!({"success": true, "error": null, "video_id": id, "status": "processing", "video_url": null,
               "thumbnail_url": null, "duration": null, "caption_url": null, "timed_out": true})
    );
    let done = case.call("wait_for_video", json!({"video_id": id})).await;
    let url = done["video_url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with(&format!(
        "https://files.sim.heygen.test/{id}/video.mp4?Expires="
    )));
    assert_eq!(
        done,
        json!({"success": true, "error": null, "video_id": id, "status": "completed", "video_url": url,
               "thumbnail_url": url.replace("video.mp4", "thumbnail.jpg"), "duration": 1.0,
               "caption_url": null, "timed_out": false})
    );
    let polls: Vec<String> = targets(&case).into_iter().skip(1).collect();
    assert_eq!(polls, vec![format!("/v3/videos/{id}"); 3]);
    case.requests().iter().for_each(assert_standard_headers);
}

#[tokio::test]
async fn wait_for_video_ends_at_once_on_a_404() {
    let case = Case::new("v3");
    let output = case
        .call("wait_for_video", json!({"video_id": "v_unknown"}))
        .await;
    assert_failed(
        &output,
        "http_404: HeyGen answered HTTP 404 video_not_found",
    );
    assert_eq!(output["timed_out"], json!(false));
    assert_eq!(case.only_request().target(), "/v3/videos/v_unknown");
}

#[tokio::test]
async fn wait_for_video_polls_the_legacy_status_endpoint() {
    let case = Case::new("legacy");
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Hi", "voice_id": data::voice_id(0), "test": true}),
        )
        .await;
    let id = created["video_id"].as_str().expect("an id").to_owned();
    let output = case
        .call(
            "wait_for_video",
            json!({"video_id": id, "timeout_seconds": 2}),
        )
        .await;
    assert_eq!(
        (&output["success"], &output["status"], &output["timed_out"]),
        (&json!(true), &json!("processing"), &json!(true))
    );
    let polls: Vec<String> = targets(&case).into_iter().skip(1).collect();
    assert_eq!(
        polls,
        vec![format!("/v1/video_status.get?video_id={id}"); 2]
    );
}

#[tokio::test]
async fn v3_only_actions_are_refused_on_legacy_with_nothing_sent() {
    let case = Case::new("legacy");
    for (action, args) in [
        ("get_remaining_credits", json!({})),
        ("list_avatars", json!({"avatar_type": "photo_avatar"})),
        ("list_templates", json!({})),
        ("get_template", json!({"template_id": "tpl_welcome"})),
        ("list_videos", json!({"limit": 5})),
        ("delete_video", json!({"video_id": "v1"})),
    ] {
        let output = case.call(action, args).await;
        assert_failed(&output, "unsupported: ");
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .contains("HEYGEN_API_VERSION=v3"),
            "{output}"
        );
    }
    assert!(case.requests().is_empty());
}

/// Creates a talking-photo video on `case`'s simulator; its id.
async fn create(case: &Case) -> String {
    let created = case
        .call(
            "create_talking_photo",
            json!({"talking_photo_id": "tp_ben_studio", "input_text": "Hi", "voice_id": data::voice_id(2)}),
        )
        .await;
    created["video_id"].as_str().expect("an id").to_owned()
}

/// The account's earlier video (`data::EXISTING_VIDEO_ID`) as a list shows it,
/// its link from the simulator's state.
fn earlier_video(case: &Case) -> Value {
    let id = data::EXISTING_VIDEO_ID;
    json!({"video_id": id, "title": "Welcome", "status": "completed",
           "video_url": case.sim.video_file_url(id, "video.mp4")})
}

#[tokio::test]
async fn list_videos_lists_the_newest_first() {
    let case = Case::new("v3");
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(create(&case).await);
    }
    case.sim.clear_requests();
    let output = case.call("list_videos", json!({})).await;
    let listed = |ids: &[String]| -> Vec<Value> {
        ids.iter()
            .rev()
            .map(
                |id| json!({"video_id": id, "title": null, "status": "pending", "video_url": null}),
            )
            .collect()
    };
    // The account's earlier video comes last: it is the oldest.
    let mut all = listed(&ids);
    all.push(earlier_video(&case));
    assert_eq!(
        output,
        json!({"success": true, "error": null, "videos": all})
    );
    let output = case.call("list_videos", json!({"limit": 2})).await;
    assert_eq!(output["videos"], json!(listed(&ids[1..])));
    let output = case.call("list_videos", json!({"title": "Launch"})).await;
    assert_eq!(output["videos"], json!([]));
    assert_eq!(
        targets(&case),
        [
            "/v3/videos?limit=100",
            "/v3/videos?limit=2",
            "/v3/videos?limit=100&title=Launch"
        ]
    );
    case.requests().iter().for_each(assert_standard_headers);
}

#[tokio::test]
async fn delete_video_removes_it_for_good() {
    let case = Case::new("v3");
    let id = create(&case).await;
    case.sim.clear_requests();
    let output = case.call("delete_video", json!({"video_id": id})).await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": id, "deleted": true})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target()),
        ("DELETE", format!("/v3/videos/{id}"))
    );
    assert_standard_headers(&req);
    let gone = case
        .call("retrieve_video_link", json!({"video_id": id}))
        .await;
    assert_failed(&gone, "http_404: ");
    let listed = case.call("list_videos", json!({})).await;
    assert_eq!(listed["videos"], json!([earlier_video(&case)]));
    let again = case.call("delete_video", json!({"video_id": id})).await;
    assert_failed(&again, "http_404: HeyGen answered HTTP 404 video_not_found");
    assert_eq!(again["deleted"], json!(false));
}

#[tokio::test]
async fn delete_video_after_a_lost_answer_reads_the_retry_404_as_deleted() {
    let case = Case::new("v3");
    let id = create(&case).await;
    case.sim.clear_requests();
    case.sim.push_fault(Fault {
        path_prefix: Some("/v3/videos/".into()),
        times: 1,
        kind: FaultKind::ProcessThenClose,
    });
    let output = case.call("delete_video", json!({"video_id": id})).await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "video_id": id, "deleted": true})
    );
    let sent: Vec<(String, String)> = case
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.target()))
        .collect();
    let delete = ("DELETE".to_owned(), format!("/v3/videos/{id}"));
    assert_eq!(sent, [delete.clone(), delete]);
}

#[tokio::test]
async fn get_voice_reads_one_voice_and_says_when_there_is_none() {
    let case = Case::new("v3");
    let output = case
        .call(
            "get_voice",
            json!({"voice_id": "5eed0000a1b2c3d4e5f6000000000000"}),
        )
        .await;
    assert_eq!(
        output,
        json!({"success": true, "error": null, "voice_id": "5eed0000a1b2c3d4e5f6000000000000",
               "name": "Aria - 0", "language": "English", "gender": "female",
               "preview_audio_url": null, "status": null})
    );
    let req = case.only_request();
    assert_eq!(
        (req.method.as_str(), req.target().as_str()),
        ("GET", "/v3/voices/5eed0000a1b2c3d4e5f6000000000000")
    );
    assert_standard_headers(&req);

    case.sim.clear_requests();
    let output = case
        .call(
            "get_voice",
            json!({"voice_id": "c10ned00a1b2c3d4e5f6aa55aa55aa55"}),
        )
        .await;
    assert_eq!(output["name"], "My cloned voice 1");
    assert_eq!(output["status"], "complete");

    case.sim.clear_requests();
    let output = case
        .call("get_voice", json!({"voice_id": "no-such-voice"}))
        .await;
    assert_failed(&output, "http_404: ");
    assert!(
        output["error"]
            .as_str()
            .unwrap()
            .contains("voice_not_found"),
        "{output}"
    );
    assert_eq!(case.only_request().target(), "/v3/voices/no-such-voice");
}
