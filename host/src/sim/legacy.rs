//! HeyGen's legacy v1/v2 API as the simulator plays it: one table of routes
//! ([`ROUTES`]), v2 `{error, data}` and v1 `{code, message, data}` envelopes,
//! each with its own 401.

use serde_json::{Map, Value, json};

use super::answer::SimAnswer;
use super::check::{
    self, Check, Problem, child, choice, object, only, opt_bool, opt_choice, opt_number,
    opt_string, string,
};
use super::data::{self, Stage, Video};
use super::request::{Recorded, json_body, query};
use super::routes::{self, Request, Route};
use super::state::State;

/// Every legacy endpoint the simulator answers.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v2/video/generate", generate),
    Route::create(
        "POST",
        "/v2/template/{template_id}/generate",
        template_generate,
    ),
    Route::new("GET", "/v2/voices", voices),
    Route::new("GET", "/v1/webhook/webhook.list", event_types),
    Route::new("GET", "/v1/video_status.get", status),
];

/// Answers a legacy request: an unknown route gets HeyGen's HTML 404, a
/// request without an accepted key the 401 of its version's envelope. Every
/// answer carries the deprecation headers HeyGen sent before retiring these
/// endpoints.
pub(crate) fn handle(state: &mut State, recorded: &Recorded) -> SimAnswer {
    let Some((route, req)) = routes::find(ROUTES, recorded) else {
        return SimAnswer::html_404();
    };
    let answer = if !state.authorizes(&req) {
        if req.path.starts_with("/v1/") {
            v1_error(401, 400112, "Unauthorized")
        } else {
            v2_error(401, "internal_error", "Unauthorized")
        }
    } else {
        (route.handler)(state, &req)
    };
    answer
        .with_header("deprecation", "true")
        .with_header("sunset", "Sat, 31 Oct 2026 00:00:00 GMT")
}

/// `GET /v2/voices`: every voice in one answer.
fn voices(state: &mut State, _: &Request<'_>) -> SimAnswer {
    SimAnswer::json(
        200,
        &json!({"error": null, "data": {"voices": (0..state.voices).map(data::voice_legacy).collect::<Vec<_>>()}}),
    )
}

/// `GET /v1/webhook/webhook.list`: the webhook event types.
fn event_types(_: &mut State, _: &Request<'_>) -> SimAnswer {
    SimAnswer::json(
        200,
        &json!({"code": 100, "data": data::EVENT_TYPES.iter().map(|(e, _)| *e).collect::<Vec<_>>(), "msg": null, "message": null}),
    )
}

fn v2_error(status: u16, code: &str, message: &str) -> SimAnswer {
    SimAnswer::json(
        status,
        &json!({"data": null, "error": {"code": code, "message": message}}),
    )
}

fn v2_invalid(problem: Problem) -> SimAnswer {
    v2_error(
        400,
        "invalid_parameter",
        &format!("{} is invalid: {}", problem.param, problem.message),
    )
}

fn v1_error(status: u16, code: u64, message: &str) -> SimAnswer {
    SimAnswer::json(
        status,
        &json!({"code": code, "message": message, "data": null}),
    )
}

/// `POST /v2/video/generate` with talking-photo scenes.
fn generate(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let voices = state.voices;
    let checked = (|| {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(
            map,
            &[
                "video_inputs",
                "test",
                "caption",
                "title",
                "dimension",
                "callback_id",
                "folder_id",
            ],
            "",
        )?;
        let test = opt_bool(map, "test", "")?.unwrap_or(false);
        let caption = opt_bool(map, "caption", "")?.unwrap_or(false);
        let title = opt_string(map, "title", "")?.map(str::to_owned);
        let callback_id = opt_string(map, "callback_id", "")?.map(str::to_owned);
        let inputs = match map.get("video_inputs") {
            Some(Value::Array(inputs)) if !inputs.is_empty() && inputs.len() <= 50 => inputs,
            Some(Value::Array(_)) => {
                return Err(check::problem("video_inputs", "must hold 1 to 50 scenes"));
            }
            Some(_) => return Err(check::problem("video_inputs", "value is not a valid list")),
            None => return Err(check::problem("video_inputs", "field required")),
        };
        let mut photos = Vec::new();
        let mut chars = 0;
        for (i, input) in inputs.iter().enumerate() {
            let path = format!("video_inputs.{i}");
            let input = object(input, &path)?;
            only(input, &["character", "voice", "background"], &path)?;
            let character = child(input, "character", &path)?;
            let at = check::join(&path, "character");
            choice(character, "type", &at, &["talking_photo"])?;
            only(
                character,
                &[
                    "type",
                    "talking_photo_id",
                    "scale",
                    "talking_photo_style",
                    "talking_style",
                    "expression",
                    "super_resolution",
                    "matting",
                ],
                &at,
            )?;
            photos.push(string(character, "talking_photo_id", &at)?.to_owned());
            opt_number(character, "scale", &at, (0.0, 2.0))?;
            opt_choice(character, "talking_photo_style", &at, &["square", "circle"])?;
            opt_choice(character, "talking_style", &at, &["stable", "expressive"])?;
            opt_choice(character, "expression", &at, &["default", "happy"])?;
            opt_bool(character, "super_resolution", &at)?;
            opt_bool(character, "matting", &at)?;
            let voice = child(input, "voice", &path)?;
            let at = check::join(&path, "voice");
            choice(voice, "type", &at, &["text"])?;
            only(
                voice,
                &["type", "input_text", "voice_id", "speed", "pitch"],
                &at,
            )?;
            let text = string(voice, "input_text", &at)?;
            if text.chars().count() > 2000 {
                return Err(check::problem(
                    &check::join(&at, "input_text"),
                    "ensure this value has at most 2000 characters",
                ));
            }
            chars += text.chars().count();
            let voice_id = string(voice, "voice_id", &at)?;
            if !data::is_voice(voice_id, voices) {
                return Err(check::problem(
                    &check::join(&at, "voice_id"),
                    format!("voice {voice_id} not found"),
                ));
            }
        }
        Ok((test, caption, title, photos, chars, callback_id))
    })();
    let (test, caption, title, photos, chars, callback_id) = match checked {
        Ok(v) => v,
        Err(problem) => return v2_invalid(problem),
    };
    if let Some(unknown) = photos
        .iter()
        .find(|p| !data::TALKING_PHOTOS.contains(&p.as_str()))
    {
        return v2_error(
            404,
            "talking_photo_not_found",
            &format!("Talking photo {unknown} not found"),
        );
    }
    let fails = photos.iter().any(|p| p == data::FAILING_TALKING_PHOTO);
    state.created += 1;
    let id = state.insert_video(Video {
        callback_id,
        ..Video::new(title, chars, caption, fails, test)
    });
    SimAnswer::json(200, &json!({"error": null, "data": {"video_id": id}}))
}

/// `POST /v2/template/{id}/generate` with legacy-shaped variables.
fn template_generate(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let template = req.param("template_id");
    let Some(declared) = data::template_variables(template) else {
        return v2_error(
            404,
            "template_not_found",
            &format!("Template {template} not found"),
        );
    };
    let checked = (|| {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(
            map,
            &[
                "test",
                "caption",
                "title",
                "variables",
                "dimension",
                "callback_id",
                "folder_id",
            ],
            "",
        )?;
        let test = opt_bool(map, "test", "")?.unwrap_or(false);
        let caption = opt_bool(map, "caption", "")?.unwrap_or(false);
        let title = opt_string(map, "title", "")?.map(str::to_owned);
        let callback_id = opt_string(map, "callback_id", "")?.map(str::to_owned);
        let mut chars = 0;
        if map.contains_key("variables") {
            for (name, variable) in child(map, "variables", "")? {
                let path = check::join("variables", name);
                let Some((_, kind)) = declared.iter().find(|(n, _)| n == name) else {
                    return Err(check::problem(
                        &path,
                        format!("template {template} has no variable {name}"),
                    ));
                };
                let variable = object(variable, &path)?;
                only(variable, &["name", "type", "properties"], &path)?;
                if string(variable, "name", &path)? != name {
                    return Err(check::problem(
                        &check::join(&path, "name"),
                        "must equal the variable's key",
                    ));
                }
                if choice(variable, "type", &path, &[kind])? != *kind {
                    return Err(check::problem(
                        &check::join(&path, "type"),
                        format!("must be {kind}"),
                    ));
                }
                let properties = child(variable, "properties", &path)?;
                chars += check_properties(properties, kind, &check::join(&path, "properties"))?;
            }
        }
        Ok((test, caption, title, chars, callback_id))
    })();
    let (test, caption, title, chars, callback_id) = match checked {
        Ok(v) => v,
        Err(problem) => return v2_invalid(problem),
    };
    state.created += 1;
    let id = state.insert_video(Video {
        callback_id,
        ..Video::new(title, chars.max(40), caption, false, test)
    });
    SimAnswer::json(200, &json!({"error": null, "data": {"video_id": id}}))
}

/// A legacy variable's `properties`; returns the characters of text it carries.
fn check_properties(props: &Map<String, Value>, kind: &str, path: &str) -> Check<usize> {
    let media = |extra: &[&str]| -> Check<()> {
        let mut allowed = vec!["url", "asset_id"];
        allowed.extend_from_slice(extra);
        only(props, &allowed, path)?;
        match (props.get("url"), props.get("asset_id")) {
            (Some(_), None) => string(props, "url", path).map(|_| ()),
            (None, Some(_)) => string(props, "asset_id", path).map(|_| ()),
            _ => Err(check::problem(
                path,
                "needs exactly one of url and asset_id",
            )),
        }
    };
    match kind {
        "text" => {
            only(props, &["content"], path)?;
            return Ok(string(props, "content", path)?.chars().count());
        }
        "image" => {
            media(&["fit"])?;
            opt_choice(props, "fit", path, &["cover", "contain", "crop", "none"])?;
        }
        "video" => {
            media(&["fit", "play_style", "volume"])?;
            opt_choice(
                props,
                "play_style",
                path,
                &["fit_to_scene", "freeze", "loop", "full_video"],
            )?;
            opt_number(props, "volume", path, (0.0, 1.0))?;
        }
        "audio" => media(&[])?,
        "character" => {
            only(props, &["type", "character_id"], path)?;
            choice(props, "type", path, &["avatar", "talking_photo"])?;
            string(props, "character_id", path)?;
        }
        _ => {
            only(props, &["voice_id", "locale"], path)?;
            string(props, "voice_id", path)?;
            opt_string(props, "locale", path)?;
        }
    }
    Ok(0)
}

/// `GET /v1/video_status.get?video_id=…`.
fn status(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let params = query(req);
    let Some((_, id)) = params
        .iter()
        .find(|(k, _)| k == "video_id")
        .filter(|(_, v)| !v.is_empty())
    else {
        return v1_error(400, 400, "Invlid parameters");
    };
    let Some(video) = state.poll_video(id) else {
        return v1_error(404, 40104, "Video not found");
    };
    let mut data = json!({
        "id": video.id, "status": "pending", "duration": null, "video_url": null, "video_url_caption": null,
        "thumbnail_url": null, "gif_url": null, "caption_url": "", "callback_id": video.callback_id,
        "created_at": video.created_at, "error": null,
    });
    match video.stage() {
        Stage::Queued => {}
        Stage::Processing => data["status"] = json!("processing"),
        Stage::Failed => {
            data["status"] = json!("failed");
            data["error"] = json!({"code": 40119, "message": "Photo error", "detail": "No face was detected in the talking photo."});
        }
        Stage::Completed => {
            data["status"] = json!("completed");
            data["duration"] = json!(video.duration());
            data["video_url"] = json!(video.url("video.mp4"));
            data["thumbnail_url"] = json!(video.url("thumbnail.jpg"));
            data["gif_url"] = json!(video.url("preview.gif"));
            if video.caption {
                data["video_url_caption"] = json!(video.url("captioned.mp4"));
                data["caption_url"] = json!(video.url("captions.ass"));
            }
        }
    }
    SimAnswer::json(
        200,
        &json!({"code": 100, "data": data, "message": "Success"}),
    )
}
