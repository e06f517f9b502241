//! Videos on v3: `POST /v3/videos` (from an avatar or a photo), `POST
//! /v3/templates/{id}`, and `GET`/`DELETE /v3/videos/{id}`, `GET /v3/videos`.

use serde_json::{Map, Value, json};

use super::envelope::{error, invalid, opt_https, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{
    self, Check, child, choice, object, only, opt_bool, opt_choice, opt_number, opt_string, string,
};
use crate::sim::data::unix_now;
use crate::sim::data::{self, Stage, Video};
use crate::sim::request::{json_body, query};
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The video routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/videos", create),
    Route::new("GET", "/v3/videos", list),
    Route::new("GET", "/v3/videos/{video_id}", get),
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
            "title",
            "caption",
            "expressiveness",
            "remove_background",
            "resolution",
            "aspect_ratio",
            "callback_url",
            "callback_id",
        ];
        let image_only = [
            "image",
            "motion_prompt",
            "fit",
            "output_format",
            "background",
        ];
        let avatar = match choice(map, "type", "", &["avatar", "image"])? {
            "avatar" => {
                only(map, &[&common[..], &["avatar_id"]].concat(), "")?;
                Some(string(map, "avatar_id", "")?.to_owned())
            }
            _ => {
                only(map, &[&common[..], &image_only[..]].concat(), "")?;
                check_image(child(map, "image", "")?)?;
                opt_string(map, "motion_prompt", "")?;
                opt_choice(map, "fit", "", &["cover", "contain"])?;
                opt_choice(map, "output_format", "", &["mp4", "webm"])?;
                None
            }
        };
        let script = string(map, "script", "")?.to_owned();
        if script.chars().count() > 5_000 {
            return Err(check::problem(
                "script",
                "String should have at most 5000 characters",
            ));
        }
        let voice = string(map, "voice_id", "")?.to_owned();
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
            &["16:9", "9:16", "1:1", "4:5", "5:4"],
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
        && !data::is_look(avatar)
    {
        return error(
            404,
            "avatar_not_found",
            &format!("Avatar {avatar} not found"),
            Some("avatar_id"),
        );
    }
    if !data::is_voice(&voice, state.voices) {
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
fn check_image(image: &Map<String, Value>) -> Check<()> {
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
            if id != data::IMAGE_ASSET_ID {
                return Err(check::problem(
                    "image.asset_id",
                    format!("Asset {id} not found"),
                ));
            }
        }
        _ => {
            only(image, &["type", "media_type", "data"], "image")?;
            choice(
                image,
                "media_type",
                "image",
                &["image/png", "image/jpeg", "image/webp"],
            )?;
            string(image, "data", "image")?;
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
