//! HeyGen v3 as the simulator plays it: `{"data": …}` answers, `{"error":
//! {code, message, param}}` errors, strict bodies, `Idempotency-Key` replays.

use serde_json::{Map, Value, json};

use super::check::{
    self, Check, Problem, child, choice, object, only, opt_bool, opt_choice, opt_number,
    opt_string, string,
};
use super::data::{self, Stage, Video};
use super::{Answer, Recorded, Replay, State, authorized, json_body, query, segment, webhooks};

pub(super) fn error(status: u16, code: &str, message: &str, param: Option<&str>) -> Answer {
    let mut error = json!({"code": code, "message": message});
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    Answer::json(status, &json!({ "error": error }))
}

pub(super) fn invalid(problem: Problem) -> Answer {
    error(
        400,
        "invalid_parameter",
        &problem.message,
        Some(&problem.param),
    )
}

pub(super) fn handle(state: &mut State, req: &Recorded) -> Answer {
    let path = req.path.as_str();
    let known = matches!(
        (req.method.as_str(), path),
        ("POST", "/v3/videos")
            | ("GET", "/v3/voices")
            | ("GET", "/v3/webhooks/event-types")
            | ("GET", "/v3/users/me")
            | ("GET", "/v3/avatars/looks")
            | ("GET", "/v3/templates")
            | ("GET", "/v3/videos")
            | ("POST", "/v3/webhooks/endpoints")
            | ("GET", "/v3/webhooks/endpoints")
    ) || (req.method == "DELETE"
        && segment(path, "/v3/webhooks/endpoints/", "").is_some())
        || (matches!(req.method.as_str(), "GET" | "DELETE")
            && segment(path, "/v3/videos/", "").is_some())
        || (matches!(req.method.as_str(), "GET" | "POST")
            && segment(path, "/v3/templates/", "").is_some());
    if !known {
        return Answer::html_404();
    }
    if !authorized(state, req) {
        return error(
            401,
            "unauthorized",
            "Invalid or missing API key. Pass your key in the X-Api-Key header.",
            None,
        );
    }
    match (req.method.as_str(), path) {
        ("POST", "/v3/videos") => idempotent(state, req, create_video),
        ("GET", "/v3/voices") => voices(req, state.voices),
        ("GET", "/v3/webhooks/event-types") => event_types(),
        ("GET", "/v3/users/me") => match no_query(req) {
            Some(refused) => refused,
            None => Answer::json(200, &json!({ "data": data::user_v3(state.billing) })),
        },
        ("GET", "/v3/avatars/looks") => looks(req),
        ("GET", "/v3/templates") => templates(req),
        ("GET", "/v3/videos") => list_videos(state, req),
        ("POST", "/v3/webhooks/endpoints") => idempotent(state, req, webhooks::create),
        ("GET", "/v3/webhooks/endpoints") => webhooks::list(state, req),
        ("DELETE", _) if path.starts_with("/v3/webhooks/endpoints/") => webhooks::delete(
            state,
            &segment(path, "/v3/webhooks/endpoints/", "").unwrap_or_default(),
        ),
        ("DELETE", _) => delete_video(state, segment(path, "/v3/videos/", "").unwrap_or_default()),
        ("GET", _) if path.starts_with("/v3/templates/") => template(
            req,
            &segment(path, "/v3/templates/", "").unwrap_or_default(),
        ),
        ("GET", _) => video(state, segment(path, "/v3/videos/", "").unwrap_or_default()),
        _ => idempotent(state, req, |state, req| {
            create_from_template(
                state,
                req,
                &segment(path, "/v3/templates/", "").unwrap_or_default(),
            )
        }),
    }
}

/// Runs a creating request under its `Idempotency-Key`: a repeat of a key
/// replays the first answer; the same key with another body is refused.
fn idempotent(
    state: &mut State,
    req: &Recorded,
    create: impl FnOnce(&mut State, &Recorded) -> Answer,
) -> Answer {
    let Some(key) = req.header("idempotency-key").map(str::to_owned) else {
        return create(state, req);
    };
    if key.is_empty()
        || key.len() > 255
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b))
    {
        return error(
            400,
            "invalid_parameter",
            "Idempotency-Key must be 1-255 characters of [A-Za-z0-9_:.-]",
            Some("Idempotency-Key"),
        );
    }
    let fingerprint = format!("{} {}", req.path, String::from_utf8_lossy(&req.body));
    if let Some(replay) = state.replays.get(&key) {
        if replay.fingerprint != fingerprint {
            return error(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request",
                Some("Idempotency-Key"),
            );
        }
        return Answer::json(replay.status, &replay.body)
            .with_header("idempotent-replayed", "true");
    }
    let answer = create(state, req);
    if answer.status < 500 {
        let body = answer
            .body
            .chunks
            .front()
            .and_then(|b| serde_json::from_slice(b).ok());
        if let Some(body) = body {
            state.replays.insert(
                key,
                Replay {
                    fingerprint,
                    status: answer.status,
                    body,
                },
            );
        }
    }
    answer
}

/// `POST /v3/videos`: an avatar video (`type: avatar`, `avatar_id`) or a
/// video straight from a photo (`type: image`, `image` as a URL, an asset id
/// or base64 data), with the options each form takes and nothing else.
fn create_video(state: &mut State, req: &Recorded) -> Answer {
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
    let id = state.create_video(Video {
        callback_id,
        ..Video::new(title, script.chars().count(), caption, fails, false)
    });
    Answer::json(
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

/// An optional https URL (HeyGen refuses any other scheme).
fn opt_https(map: &Map<String, Value>, key: &str) -> Check<()> {
    match opt_string(map, key, "")? {
        Some(url) if !url.starts_with("https://") => Err(check::problem(key, "URL must use https")),
        _ => Ok(()),
    }
}

/// `POST /v3/templates/{id}`.
fn create_from_template(state: &mut State, req: &Recorded, template: &str) -> Answer {
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
    let id = state.create_video(Video {
        callback_id,
        ..Video::new(title.clone(), text.max(40), caption, false, false)
    });
    Answer::json(
        200,
        &json!({"data": {"id": id, "title": title, "status": "waiting", "created_at": super::unix_now(), "video_url": null}}),
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

/// `GET /v3/voices?type&limit&token`: public voices (unless `type=private`,
/// then the account's own), in pages of at most `limit` (1-100, default 20).
fn voices(req: &Recorded, count: usize) -> Answer {
    let mut limit = 20;
    let mut token = None;
    let mut private = false;
    for (name, value) in query(req) {
        match name.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => limit = n,
                _ => {
                    return error(
                        400,
                        "invalid_parameter",
                        "Input should be between 1 and 100",
                        Some("limit"),
                    );
                }
            },
            "token" => token = Some(value),
            "type" => match value.as_str() {
                "public" => private = false,
                "private" => private = true,
                _ => {
                    return error(
                        400,
                        "invalid_parameter",
                        "Input should be 'public' or 'private'",
                        Some("type"),
                    );
                }
            },
            "language" | "gender" | "engine" => {}
            other => {
                return error(
                    400,
                    "invalid_parameter",
                    "Extra inputs are not permitted",
                    Some(other),
                );
            }
        }
    }
    let (prefix, count, voice): (&str, usize, fn(usize) -> Value) = if private {
        (
            "private-voices-after-",
            data::PRIVATE_VOICE_COUNT,
            data::private_voice_v3,
        )
    } else {
        ("voices-after-", count, data::voice_v3)
    };
    let start = match token {
        None => 0,
        Some(token) => match token
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n < count => n,
            _ => {
                return error(
                    400,
                    "invalid_parameter",
                    "Invalid pagination token",
                    Some("token"),
                );
            }
        },
    };
    let end = (start + limit).min(count);
    let has_more = end < count;
    Answer::json(
        200,
        &json!({
            "data": (start..end).map(voice).collect::<Vec<_>>(),
            "has_more": has_more,
            "next_token": if has_more { json!(format!("{prefix}{end}")) } else { Value::Null },
        }),
    )
}

/// `GET /v3/webhooks/event-types`.
fn event_types() -> Answer {
    let data: Vec<Value> = data::EVENT_TYPES
        .iter()
        .map(|(event_type, description)| json!({"event_type": event_type, "description": description}))
        .collect();
    Answer::json(
        200,
        &json!({"data": data, "has_more": false, "next_token": null}),
    )
}

/// `GET /v3/videos/{id}`.
fn video(state: &mut State, id: String) -> Answer {
    let Some(video) = state.poll_video(&id) else {
        return error(
            404,
            "video_not_found",
            &format!("Video {id} not found"),
            Some("video_id"),
        );
    };
    Answer::json(200, &json!({ "data": video_v3(&video) }))
}

/// `GET /v3/videos?limit&token&folder_id&title`: the videos not deleted,
/// newest first, in pages of at most `limit` (1-100, default 10); `title`
/// keeps those whose title contains it (ignoring case). Listing does not move
/// a render along.
fn list_videos(state: &State, req: &Recorded) -> Answer {
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
fn delete_video(state: &mut State, id: String) -> Answer {
    match state.videos.get_mut(&id).filter(|v| !v.deleted) {
        Some(video) => {
            video.deleted = true;
            Answer::json(200, &json!({"data": {"id": id, "deleted": true}}))
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
        "id": video.id, "title": video.title, "status": "waiting", "created_at": video.created_at,
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

/// Refuses any query parameter (for endpoints that take none).
fn no_query(req: &Recorded) -> Option<Answer> {
    query(req).into_iter().next().map(|(name, _)| {
        error(
            400,
            "invalid_parameter",
            "Extra inputs are not permitted",
            Some(&name),
        )
    })
}

/// One page of `items` for `limit` (1 to `max`, default `default`) and
/// `token` (`{prefix}{offset}`), with the query's other parameters handed to
/// `other` (which refuses what it does not know).
pub(super) fn paged(
    req: &Recorded,
    items: Vec<Value>,
    prefix: &str,
    (default, max): (usize, usize),
    mut other: impl FnMut(&str, &str) -> Result<(), Answer>,
) -> Answer {
    let mut limit = default;
    let mut token = None;
    for (name, value) in query(req) {
        match name.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => limit = n,
                _ => {
                    return error(
                        400,
                        "invalid_parameter",
                        &format!("Input should be between 1 and {max}"),
                        Some("limit"),
                    );
                }
            },
            "token" => token = Some(value),
            _ => {
                if let Err(refused) = other(&name, &value) {
                    return refused;
                }
            }
        }
    }
    let start = match token {
        None => 0,
        Some(token) => match token
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n < items.len() => n,
            _ => {
                return error(
                    400,
                    "invalid_parameter",
                    "Invalid pagination token",
                    Some("token"),
                );
            }
        },
    };
    let end = (start + limit).min(items.len());
    let has_more = end < items.len();
    Answer::json(
        200,
        &json!({
            "data": items[start..end].to_vec(),
            "has_more": has_more,
            "next_token": if has_more { json!(format!("{prefix}{end}")) } else { Value::Null },
        }),
    )
}

/// A refused query parameter.
pub(super) fn refuse(name: &str, message: &str) -> Result<(), Answer> {
    Err(error(400, "invalid_parameter", message, Some(name)))
}

/// `GET /v3/avatars/looks?avatar_type&ownership&group_id&limit&token`: pages
/// of at most `limit` (1-50, default 20) looks matching the filters.
fn looks(req: &Recorded) -> Answer {
    let (mut kind, mut ownership, mut group) = (None, None, None);
    for (name, value) in query(req) {
        match name.as_str() {
            "avatar_type"
                if ["studio_avatar", "digital_twin", "photo_avatar"].contains(&value.as_str()) =>
            {
                kind = Some(value)
            }
            "avatar_type" => {
                return error(
                    400,
                    "invalid_parameter",
                    "Input should be 'studio_avatar', 'digital_twin' or 'photo_avatar'",
                    Some("avatar_type"),
                );
            }
            "ownership" if ["public", "private"].contains(&value.as_str()) => {
                ownership = Some(value)
            }
            "ownership" => {
                return error(
                    400,
                    "invalid_parameter",
                    "Input should be 'public' or 'private'",
                    Some("ownership"),
                );
            }
            "group_id" => group = Some(value),
            _ => {}
        }
    }
    let items: Vec<Value> = data::looks_v3()
        .into_iter()
        .filter(|look| {
            let avatar_type = look["avatar_type"].as_str().unwrap_or_default();
            kind.as_deref().is_none_or(|k| k == avatar_type)
                && ownership
                    .as_deref()
                    .is_none_or(|o| o == data::look_ownership(avatar_type))
                && group.as_deref().is_none_or(|g| look["group_id"] == g)
        })
        .collect();
    paged(req, items, "looks-after-", (20, 50), |name, _| match name {
        "avatar_type" | "ownership" | "group_id" => Ok(()),
        other => refuse(other, "Extra inputs are not permitted"),
    })
}

/// `GET /v3/templates?limit&token`: pages of at most `limit` (1-100,
/// default 10) templates.
fn templates(req: &Recorded) -> Answer {
    let items = (0..data::TEMPLATES.len())
        .filter_map(data::template_v3)
        .collect();
    paged(req, items, "templates-after-", (10, 100), |name, _| {
        refuse(name, "Extra inputs are not permitted")
    })
}

/// `GET /v3/templates/{id}`.
fn template(req: &Recorded, id: &str) -> Answer {
    if let Some(refused) = no_query(req) {
        return refused;
    }
    match data::template_detail_v3(id) {
        Some(template) => Answer::json(200, &json!({ "data": template })),
        None => error(
            404,
            "not_found",
            &format!("Template {id} not found"),
            Some("template_id"),
        ),
    }
}
