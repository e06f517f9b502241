//! Videos on v3: `POST /v3/videos` (from an avatar or a photo), `POST
//! /v3/templates/{id}`, and `GET`/`DELETE /v3/videos/{id}`, `GET /v3/videos`.

use base64::Engine;
use serde_json::{Map, Value, json};

use super::envelope::{error, invalid, opt_https, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{
    self, Check, child, choice, object, only, opt_bool, opt_choice, opt_number, opt_string, string,
};
use crate::sim::data::unix_now;
use crate::sim::data::{self, Stage, Video};
use crate::sim::jobs;
use crate::sim::request::{json_body, query};
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The video routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/videos", create),
    Route::new("GET", "/v3/videos", list),
    Route::new("GET", "/v3/videos/{video_id}", get),
    Route::new("GET", "/v3/videos/statuses", statuses),
    Route::new("DELETE", "/v3/videos/{video_id}", delete),
    Route::create("POST", "/v3/templates/{template_id}", create_from_template),
];

/// `POST /v3/videos`: an avatar video (`type: avatar`, `avatar_id`) or a
/// video straight from a photo (`type: image`, `image` as a URL, an asset id
/// or base64 data), with the options each form takes and nothing else.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let checked = (|| {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        let common = [
            "type",
            "script",
            "voice_id",
            "audio_url",
            "audio_asset_id",
            "title",
            "caption",
            "expressiveness",
            "remove_background",
            "resolution",
            "aspect_ratio",
            "output_format",
            "background",
            "voice_settings",
            "callback_url",
            "callback_id",
        ];
        let image_only = ["image", "motion_prompt", "fit"];
        let avatar = match choice(map, "type", "", &["avatar", "image"])? {
            "avatar" => {
                only(map, &[&common[..], &["avatar_id", "engine"]].concat(), "")?;
                if map.contains_key("engine") {
                    let engine = child(map, "engine", "")?;
                    only(engine, &["type"], "engine")?;
                    choice(
                        engine,
                        "type",
                        "engine",
                        &["avatar_iii", "avatar_iv", "avatar_v"],
                    )?;
                }
                Some(string(map, "avatar_id", "")?.to_owned())
            }
            _ => {
                only(map, &[&common[..], &image_only[..]].concat(), "")?;
                check_image(state, child(map, "image", "")?)?;
                opt_string(map, "motion_prompt", "")?;
                opt_choice(map, "fit", "", &["cover", "contain"])?;
                None
            }
        };
        opt_choice(map, "output_format", "", &["mp4", "webm"])?;
        if map.contains_key("background") {
            let background = child(map, "background", "")?;
            match choice(background, "type", "background", &["color", "image"])? {
                "color" => {
                    only(background, &["type", "value"], "background")?;
                    let value = string(background, "value", "background")?;
                    let hex = value
                        .strip_prefix('#')
                        .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
                    if hex.is_none() {
                        return Err(check::problem("background.value", "Color must be #RRGGBB"));
                    }
                }
                _ => {
                    only(background, &["type", "url", "asset_id"], "background")?;
                    if !string(background, "url", "background")?.starts_with("https://") {
                        return Err(check::problem("background.url", "URL must use https"));
                    }
                }
            }
        }
        if map.contains_key("voice_settings") {
            let voice = child(map, "voice_settings", "")?;
            only(
                voice,
                &["speed", "pitch", "locale", "volume"],
                "voice_settings",
            )?;
            opt_number(voice, "speed", "voice_settings", (0.5, 1.5))?;
            opt_number(voice, "pitch", "voice_settings", (-50.0, 50.0))?;
            opt_string(voice, "locale", "voice_settings")?;
        }
        // A script with its voice, or audio in their place.
        let audio = match (map.get("audio_url"), map.get("audio_asset_id")) {
            (None, None) => false,
            (Some(_), None) => {
                opt_https(map, "audio_url")?;
                true
            }
            (None, Some(_)) => {
                let id = string(map, "audio_asset_id", "")?;
                if !jobs::ASSETS.contains(&id)
                    && !state
                        .assets
                        .get(id)
                        .is_some_and(|a| a.mime_type.starts_with("audio/"))
                {
                    return Err(check::problem(
                        "audio_asset_id",
                        format!("Audio asset {id} not found"),
                    ));
                }
                true
            }
            (Some(_), Some(_)) => {
                return Err(check::problem(
                    "audio_url",
                    "Give audio_url or audio_asset_id, not both",
                ));
            }
        };
        if audio && (map.contains_key("script") || map.contains_key("voice_id")) {
            return Err(check::problem(
                "script",
                "Give a script and voice, or audio, not both",
            ));
        }
        let script = if audio {
            String::new()
        } else {
            string(map, "script", "")?.to_owned()
        };
        if script.chars().count() > 5_000 {
            return Err(check::problem(
                "script",
                "String should have at most 5000 characters",
            ));
        }
        let voice = if audio {
            String::new()
        } else {
            string(map, "voice_id", "")?.to_owned()
        };
        let title = opt_string(map, "title", "")?.map(str::to_owned);
        let caption = match map.get("caption") {
            None => false,
            Some(_) => {
                let caption = child(map, "caption", "")?;
                only(caption, &["style"], "caption")?;
                opt_choice(caption, "style", "caption", &["default", "bold", "minimal"])?;
                true
            }
        };
        opt_choice(map, "expressiveness", "", &["low", "medium", "high"])?;
        opt_bool(map, "remove_background", "")?;
        opt_choice(map, "resolution", "", &["720p", "1080p", "4k"])?;
        opt_choice(
            map,
            "aspect_ratio",
            "",
            &["16:9", "9:16", "1:1", "4:5", "5:4", "auto"],
        )?;
        opt_https(map, "callback_url")?;
        let callback_id = opt_string(map, "callback_id", "")?.map(str::to_owned);
        Ok((avatar, script, voice, title, caption, callback_id))
    })();
    let (avatar, script, voice, title, caption, callback_id) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    if let Some(avatar) = &avatar
        && state
            .looks
            .get(avatar.as_str())
            .is_some_and(|look| look.status() != "completed")
    {
        return error(
            400,
            "avatar_not_usable",
            &format!("Avatar {avatar} is not ready yet"),
            Some("avatar_id"),
        );
    }
    if let Some(avatar) = &avatar
        && !data::is_look(avatar)
        && !state.looks.contains_key(avatar.as_str())
    {
        return error(
            404,
            "avatar_not_found",
            &format!("Avatar {avatar} not found"),
            Some("avatar_id"),
        );
    }
    if !voice.is_empty() && !data::is_voice(&voice, state.voices) {
        return error(
            404,
            "voice_not_found",
            &format!("Voice {voice} not found"),
            Some("voice_id"),
        );
    }
    let fails = avatar.as_deref() == Some(data::FAILING_TALKING_PHOTO);
    let id = state.insert_video(Video {
        callback_id,
        ..Video::new(title, script.chars().count(), caption, fails, false)
    });
    SimAnswer::json(
        200,
        &json!({"data": {"video_id": id, "status": "waiting", "output_format": "mp4"}}),
    )
}

/// The `image` of a `type: image` video: `{type: url, url}` (https),
/// `{type: asset_id, asset_id}` (an uploaded asset) or `{type: base64,
/// media_type, data}`.
fn check_image(state: &State, image: &Map<String, Value>) -> Check<()> {
    match choice(image, "type", "image", &["url", "asset_id", "base64"])? {
        "url" => {
            only(image, &["type", "url"], "image")?;
            let url = string(image, "url", "image")?;
            if !url.starts_with("https://") {
                return Err(check::problem("image.url", "URL must use https"));
            }
        }
        "asset_id" => {
            only(image, &["type", "asset_id"], "image")?;
            let id = string(image, "asset_id", "image")?;
            if !state.is_image_asset(id) {
                return Err(check::problem(
                    "image.asset_id",
                    format!("Asset {id} not found"),
                ));
            }
        }
        _ => {
            only(image, &["type", "media_type", "data"], "image")?;
            let media = choice(
                image,
                "media_type",
                "image",
                &["image/png", "image/jpeg", "image/webp"],
            )?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(string(image, "data", "image")?)
                .map_err(|_| check::problem("image.data", "Invalid base64 data"))?;
            if !crate::sim::multipart::looks_like(media, &bytes) {
                return Err(check::problem(
                    "image.data",
                    format!("The data is not a valid {media} image"),
                ));
            }
        }
    }
    Ok(())
}

/// `POST /v3/templates/{id}`.
fn create_from_template(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let template = req.param("template_id");
    let Some(declared) = data::template_variables(template) else {
        return error(
            404,
            "not_found",
            &format!("Template {template} not found"),
            Some("template_id"),
        );
    };
    let checked = (|| {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(
            map,
            &[
                "variables",
                "title",
                "caption",
                "dimension",
                "callback_url",
                "callback_id",
                "folder_id",
            ],
            "",
        )?;
        let variables = child(map, "variables", "")?;
        for (name, variable) in variables {
            let path = check::join("variables", name);
            let Some((_, kind)) = declared.iter().find(|(n, _)| n == name) else {
                return Err(check::problem(
                    &path,
                    format!("Template {template} has no variable `{name}`"),
                ));
            };
            check_variable(object(variable, &path)?, kind, &path)?;
        }
        let caption = opt_bool(map, "caption", "")?.unwrap_or(false);
        let title = opt_string(map, "title", "")?.map(str::to_owned);
        opt_https(map, "callback_url")?;
        let callback_id = opt_string(map, "callback_id", "")?.map(str::to_owned);
        if map.contains_key("dimension") {
            let dimension = child(map, "dimension", "")?;
            only(dimension, &["width", "height"], "dimension")?;
            opt_number(dimension, "width", "dimension", (128.0, 4096.0))?;
            opt_number(dimension, "height", "dimension", (128.0, 4096.0))?;
        }
        let text: usize = variables
            .values()
            .filter_map(|v| v["content"].as_str())
            .map(|s| s.chars().count())
            .sum();
        Ok((caption, title, text, callback_id))
    })();
    let (caption, title, text, callback_id) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    let id = state.insert_video(Video {
        callback_id,
        ..Video::new(title.clone(), text.max(40), caption, false, false)
    });
    SimAnswer::json(
        200,
        &json!({"data": {"id": id, "title": title, "status": "pending", "created_at": unix_now(), "video_url": null}}),
    )
}

/// One template variable in v3's shape, of the declared `kind`.
fn check_variable(var: &Map<String, Value>, kind: &str, path: &str) -> Check<()> {
    let given = choice(
        var,
        "type",
        path,
        &["text", "image", "video", "audio", "character", "voice"],
    )?;
    if given != kind {
        return Err(check::problem(
            &check::join(path, "type"),
            format!("This variable is of type '{kind}'"),
        ));
    }
    let asset = |var: &Map<String, Value>| -> Check<()> {
        let asset = child(var, "asset", path)?;
        let at = check::join(path, "asset");
        match choice(asset, "type", &at, &["url", "asset_id"])? {
            "url" => {
                only(asset, &["type", "url"], &at)?;
                string(asset, "url", &at).map(|_| ())
            }
            _ => {
                only(asset, &["type", "asset_id"], &at)?;
                string(asset, "asset_id", &at).map(|_| ())
            }
        }
    };
    match kind {
        "text" => {
            only(var, &["type", "content"], path)?;
            string(var, "content", path)?;
        }
        "image" => {
            only(var, &["type", "asset", "fit"], path)?;
            asset(var)?;
            opt_choice(var, "fit", path, &["cover", "contain", "crop", "none"])?;
        }
        "video" => {
            only(var, &["type", "asset", "fit", "play_style", "volume"], path)?;
            asset(var)?;
            opt_choice(var, "fit", path, &["cover", "contain", "crop", "none"])?;
            opt_choice(
                var,
                "play_style",
                path,
                &["fit_to_scene", "freeze", "loop", "full_video"],
            )?;
            opt_number(var, "volume", path, (0.0, 1.0))?;
        }
        "audio" => {
            only(var, &["type", "asset"], path)?;
            asset(var)?;
        }
        "character" => {
            only(var, &["type", "character_id", "character_type"], path)?;
            string(var, "character_id", path)?;
            choice(var, "character_type", path, &["avatar", "talking_photo"])?;
        }
        _ => {
            only(var, &["type", "voice_id", "locale"], path)?;
            string(var, "voice_id", path)?;
            opt_string(var, "locale", path)?;
        }
    }
    Ok(())
}

/// `GET /v3/videos/{id}`.
fn get(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("video_id").to_owned();
    let Some(video) = state.poll_video(&id) else {
        return error(
            404,
            "video_not_found",
            &format!("Video {id} not found"),
            Some("video_id"),
        );
    };
    SimAnswer::json(200, &json!({ "data": video_v3(&video) }))
}

/// `GET /v3/videos?limit&token&folder_id&title`: the videos not deleted,
/// newest first, in pages of at most `limit` (1-100, default 10); `title`
/// keeps those whose title contains it (ignoring case). Listing does not move
/// a render along.
fn list(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let title = query(req)
        .into_iter()
        .find(|(name, _)| name == "title")
        .map(|(_, value)| value.to_lowercase());
    let mut videos: Vec<&Video> = state.videos.values().collect();
    // Newest first: by creation time, then by id (ids grow with creation).
    videos.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let items: Vec<Value> = videos
        .into_iter()
        .filter(|v| !v.deleted)
        .filter(|v| {
            title.as_deref().is_none_or(|t| {
                v.title
                    .as_deref()
                    .is_some_and(|title| title.to_lowercase().contains(t))
            })
        })
        .map(video_v3)
        .collect();
    paged(
        req,
        items,
        "videos-after-",
        (10, 100),
        |name, _| match name {
            "title" | "folder_id" => Ok(()),
            other => refuse(other, "Extra inputs are not permitted"),
        },
    )
}

/// `DELETE /v3/videos/{id}`: `{id, deleted: true}`; an unknown or already
/// deleted video is 404 `video_not_found`.
fn delete(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("video_id").to_owned();
    match state.videos.get_mut(&id).filter(|v| !v.deleted) {
        Some(video) => {
            video.deleted = true;
            SimAnswer::json(200, &json!({"data": {"id": id, "deleted": true}}))
        }
        None => error(
            404,
            "video_not_found",
            &format!("Video {id} not found"),
            Some("video_id"),
        ),
    }
}

/// A video object as v3 gives it, at its current stage.
fn video_v3(video: &Video) -> Value {
    let mut data = json!({
        "id": video.id, "title": video.title, "status": "pending", "created_at": video.created_at,
        "completed_at": null, "duration": null, "video_url": null, "thumbnail_url": null, "gif_url": null,
        "captioned_video_url": null, "subtitle_url": null, "failure_code": null, "failure_message": null,
        "video_page_url": format!("https://app.heygen.com/videos/{}", video.id), "output_format": "mp4",
    });
    match video.stage() {
        Stage::Queued => {}
        Stage::Processing => data["status"] = json!("processing"),
        Stage::Failed => {
            data["status"] = json!("failed");
            data["failure_code"] = json!("avatar_face_not_detected");
            data["failure_message"] = json!("No face was detected in the talking photo.");
        }
        Stage::Completed => {
            data["status"] = json!("completed");
            data["completed_at"] = json!(video.created_at + 42);
            data["duration"] = json!(video.duration());
            data["video_url"] = json!(video.url("video.mp4"));
            data["thumbnail_url"] = json!(video.url("thumbnail.jpg"));
            data["gif_url"] = json!(video.url("preview.gif"));
            if video.caption {
                data["captioned_video_url"] = json!(video.url("captioned.mp4"));
                data["subtitle_url"] = json!(video.url("captions.srt"));
            }
        }
    }
    data
}

/// `GET /v3/videos/statuses?video_ids=a,b` (1 to 100 ids; no paging): each
/// video's status, one step further along (`queued`, `processing`,
/// `completed`, `failed` with its error), `not_found` for an unknown id;
/// answered by id, not in the order asked, as nothing promises that order.
fn statuses(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let mut ids: Vec<String> = Vec::new();
    for (name, value) in query(req) {
        match name.as_str() {
            "video_ids" => ids = value.split(',').map(str::to_owned).collect(),
            _ => {
                return error(
                    400,
                    "invalid_parameter",
                    "Extra inputs are not permitted",
                    Some(&name),
                );
            }
        }
    }
    if ids.is_empty() || ids.len() > 100 || ids.iter().any(|id| id.trim().is_empty()) {
        return error(
            400,
            "invalid_parameter",
            "video_ids must list 1 to 100 video ids",
            Some("video_ids"),
        );
    }
    ids.sort();
    ids.dedup();
    ids.reverse();
    let items: Vec<Value> = ids
        .iter()
        .map(|id| {
            let (status, error) = match state.poll_video(id).map(|v| v.stage()) {
                None => ("not_found", Value::Null),
                Some(Stage::Queued) => ("queued", Value::Null),
                Some(Stage::Processing) => ("processing", Value::Null),
                Some(Stage::Completed) => ("completed", Value::Null),
                Some(Stage::Failed) => (
                    "failed",
                    json!({"code": "face_not_detected", "message": "No face was detected in the talking photo."}),
                ),
            };
            json!({"video_id": id, "status": status, "error": error, "batch_id": null, "item_index": null})
        })
        .collect();
    SimAnswer::json(
        200,
        &json!({"data": items, "has_more": false, "next_token": null}),
    )
}
