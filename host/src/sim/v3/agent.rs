//! Video Agent on v3: `POST /v3/video-agents` (a session from a prompt),
//! `GET /v3/video-agents/{id}`, `POST /v3/video-agents/{id}` (a message, for
//! `chat` sessions only), `POST /v3/video-agents/{id}/stop`, and
//! `GET /v3/video-agents/styles`. Bodies have passed HeyGen's schema
//! (`v3::handle`); what is checked here is what only HeyGen's state can say.

use serde_json::{Map, Value, json};

use super::envelope::{error, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::data::Video;
use crate::sim::data::unix_now;
use crate::sim::jobs::{ASSETS, FAILING_PROMPT, STYLES, Session};
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The Video Agent routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/video-agents", create),
    Route::new("GET", "/v3/video-agents/styles", styles),
    Route::new("GET", "/v3/video-agents/{session_id}", get),
    Route::create("POST", "/v3/video-agents/{session_id}", message),
    Route::new("POST", "/v3/video-agents/{session_id}/stop", stop),
];

/// The body, which HeyGen's schema has already let through.
fn body(req: &Request<'_>) -> Map<String, Value> {
    json_body(req)
        .ok()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default()
}

/// Refuses a reference file that is not an https URL or a known asset.
fn check_files(body: &Map<String, Value>) -> Option<SimAnswer> {
    for (i, file) in body
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let bad = match file["type"].as_str() {
            Some("url") => !file["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")),
            Some("asset_id") => !ASSETS.contains(&file["asset_id"].as_str().unwrap_or_default()),
            _ => false,
        };
        if bad {
            return Some(error(
                400,
                "invalid_parameter",
                "File not found or not an https URL",
                Some(&format!("files.{i}")),
            ));
        }
    }
    None
}

/// `POST /v3/video-agents`: a new session, `thinking`.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let body = body(req);
    if let Some(refused) = check_files(&body) {
        return refused;
    }
    let prompt = body["prompt"].as_str().unwrap_or_default();
    if prompt.trim().is_empty() {
        return error(
            400,
            "invalid_parameter",
            "String should have at least 1 character",
            Some("prompt"),
        );
    }
    let id = state.new_job_id("va_");
    let session = Session {
        id: id.clone(),
        chat: body.get("mode").and_then(Value::as_str) == Some("chat"),
        polls: u32::from(state.quick_renders),
        answered: false,
        fails: prompt.contains(FAILING_PROMPT),
        stopped: false,
        messages: vec![json!({"role": "user", "type": "text", "content": prompt})],
        video_id: None,
        title: prompt.chars().take(40).collect(),
        created_at: unix_now(),
    };
    // A create answers only `thinking`, `generating`, `completed` or
    // `failed` (HeyGen's schema): a chat session that will ask is `thinking`.
    let status = match session.status().0 {
        "waiting_for_input" => "thinking",
        status => status,
    };
    state.sessions.insert(id.clone(), session);
    SimAnswer::json(
        200,
        &json!({"data": {"session_id": id, "status": status, "created_at": unix_now()}}),
    )
}

/// `GET /v3/video-agents/{id}`: the session, one step further along; a
/// session that completes makes its video.
fn get(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("session_id");
    let Some(session) = state.sessions.get_mut(id) else {
        return error(
            404,
            "not_found",
            &format!("Session {id} not found"),
            Some("session_id"),
        );
    };
    let mut snapshot = session.clone();
    session.polls += 1;
    let (status, _) = snapshot.status();
    if status == "failed"
        && !snapshot.stopped
        && snapshot.messages.iter().all(|m| m["type"] != "error")
    {
        let reason = json!({"role": "assistant", "type": "error", "content": "The prompt breaks HeyGen's content policy."});
        session.messages.push(reason.clone());
        snapshot.messages.push(reason);
    }
    if status == "waiting_for_input" && snapshot.messages.len() == 1 {
        let question = json!({"role": "assistant", "type": "text", "content": "Who is the video for, and how long should it be?"});
        session.messages.push(question.clone());
        snapshot.messages.push(question);
    }
    if status == "completed" && snapshot.video_id.is_none() {
        let mut video = Video::new(Some(snapshot.title.clone()), 400, false, false, false);
        video.polls = 2;
        let video_id = state.insert_video(video);
        if let Some(session) = state.sessions.get_mut(id) {
            session.video_id = Some(video_id.clone());
        }
        snapshot.video_id = Some(video_id);
    }
    SimAnswer::json(200, &json!({"data": snapshot.to_json()}))
}

/// `POST /v3/video-agents/{id}`: a message to a `chat` session, which then
/// goes on to generate.
fn message(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let body = body(req);
    if let Some(refused) = check_files(&body) {
        return refused;
    }
    let id = req.param("session_id").to_owned();
    let Some(session) = state.sessions.get_mut(&id) else {
        return error(
            404,
            "not_found",
            &format!("Session {id} not found"),
            Some("session_id"),
        );
    };
    if !session.chat || session.stopped {
        return error(
            400,
            "invalid_parameter",
            "This session does not take messages: only sessions created with mode chat do",
            Some("session_id"),
        );
    }
    session.answered = true;
    session.polls = 1;
    session
        .messages
        .push(json!({"role": "user", "type": "text", "content": body["message"]}));
    state.next_job += 1;
    let run_id = format!("run_{:016x}", state.next_job);
    SimAnswer::json(200, &json!({"data": {"session_id": id, "run_id": run_id}}))
}

/// `POST /v3/video-agents/{id}/stop`: stops the session (again: no change).
fn stop(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("session_id");
    match state.sessions.get_mut(id) {
        Some(session) => {
            session.stopped = true;
            SimAnswer::json(200, &json!({"data": {"session_id": id}}))
        }
        None => error(
            404,
            "not_found",
            &format!("Session {id} not found"),
            Some("session_id"),
        ),
    }
}

/// `GET /v3/video-agents/styles?tag&limit&token`: the styles with the tag.
fn styles(_: &mut State, req: &Request<'_>) -> SimAnswer {
    let tag = req.query_value("tag");
    let items = STYLES
        .iter()
        .filter(|(_, _, _, tags)| tag.as_deref().is_none_or(|t| tags.contains(&t)))
        .map(|(id, name, ratio, tags)| {
            json!({"style_id": id, "name": name, "aspect_ratio": ratio, "tags": tags,
                   "thumbnail_url": format!("https://files.sim.heygen.test/styles/{id}.jpg"), "preview_video_url": null})
        })
        .collect();
    paged(
        req,
        items,
        "styles-after-",
        (20, 100),
        |name, _| match name {
            "tag" => Ok(()),
            other => refuse(other, "Extra inputs are not permitted"),
        },
    )
}
