//! Discovery and the account on v3: voices, webhook event types, avatar
//! looks, templates, speech from a voice, and `GET /v3/users/me`.

use serde_json::{Value, json};

use super::envelope::{error, invalid, no_query, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{Check, object, only, opt_choice, opt_number, opt_string, string};
use crate::sim::data;
use crate::sim::request::{json_body, query};
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The discovery and account routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::new("GET", "/v3/templates", templates),
    Route::new("GET", "/v3/templates/{template_id}", template),
    Route::new("GET", "/v3/voices", voices),
    Route::new("GET", "/v3/voices/{voice_id}", voice),
    Route::create("POST", "/v3/voices/speech", speech),
    Route::new("GET", "/v3/avatars/looks", looks),
    Route::new("GET", "/v3/users/me", user),
    Route::new("GET", "/v3/webhooks/event-types", event_types),
];

/// `GET /v3/voices?type&limit&token`: public voices (unless `type=private`,
/// then the account's own), in pages of at most `limit` (1-100, default 20).
fn voices(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let count = state.voices;
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
    SimAnswer::json(
        200,
        &json!({
            "data": (start..end).map(voice).collect::<Vec<_>>(),
            "has_more": has_more,
            "next_token": if has_more { json!(format!("{prefix}{end}")) } else { Value::Null },
        }),
    )
}

/// `GET /v3/webhooks/event-types`.
fn event_types(_: &mut State, _: &Request<'_>) -> SimAnswer {
    let data: Vec<Value> = data::EVENT_TYPES
        .iter()
        .map(|(event_type, description)| json!({"event_type": event_type, "description": description}))
        .collect();
    SimAnswer::json(
        200,
        &json!({"data": data, "has_more": false, "next_token": null}),
    )
}

/// `GET /v3/avatars/looks?avatar_type&ownership&group_id&limit&token`: pages
/// of at most `limit` (1-50, default 20) looks matching the filters.
fn looks(_: &mut State, req: &Request<'_>) -> SimAnswer {
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
fn templates(_: &mut State, req: &Request<'_>) -> SimAnswer {
    let items = (0..data::TEMPLATES.len())
        .filter_map(data::template_v3)
        .collect();
    paged(req, items, "templates-after-", (10, 100), |name, _| {
        refuse(name, "Extra inputs are not permitted")
    })
}

/// `GET /v3/templates/{id}`.
fn template(_: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("template_id");
    if let Some(refused) = no_query(req) {
        return refused;
    }
    match data::template_detail_v3(id) {
        Some(template) => SimAnswer::json(200, &json!({ "data": template })),
        None => error(
            404,
            "not_found",
            &format!("Template {id} not found"),
            Some("template_id"),
        ),
    }
}

/// `GET /v3/users/me`: the account and how it pays.
fn user(state: &mut State, req: &Request<'_>) -> SimAnswer {
    match no_query(req) {
        Some(refused) => refused,
        None => SimAnswer::json(200, &json!({ "data": data::user_v3(state.billing) })),
    }
}

/// `GET /v3/voices/{voice_id}`: one of the account's voices (a public one or
/// one of its cloned voices, which are `complete`); any other id is 404
/// `voice_not_found`.
fn voice(state: &mut State, req: &Request<'_>) -> SimAnswer {
    if let Some(refused) = no_query(req) {
        return refused;
    }
    let id = req.param("voice_id");
    let public = (0..state.voices)
        .find(|i| data::voice_id(*i) == id)
        .map(data::voice_v3);
    let private = (0..data::PRIVATE_VOICE_COUNT)
        .find(|i| data::private_voice_id(*i) == id)
        .map(data::private_voice_v3);
    let Some(listed) = public.or(private) else {
        return error(
            404,
            "voice_not_found",
            &format!("Voice {id} not found"),
            Some("voice_id"),
        );
    };
    // The fields `GET /v3/voices/{id}` answers with.
    let status = if listed["type"] == "private" {
        json!("complete")
    } else {
        Value::Null
    };
    let voice = json!({
        "voice_id": listed["voice_id"], "name": listed["name"], "language": listed["language"],
        "gender": listed["gender"], "preview_audio_url": listed["preview_audio_url"],
        "support_pause": listed["support_pause"], "support_interactive_avatar": false,
        "status": status, "created_at": null, "failure_message": null,
    });
    SimAnswer::json(200, &json!({ "data": voice }))
}

/// `POST /v3/voices/speech` `{text, voice_id, speed?, language?, locale?,
/// input_type?}`: an audio link and its length (0.4 s a word); an unknown
/// voice is 404 `voice_not_found`.
fn speech(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let checked = (|| -> Check<(String, usize, f64)> {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(
            map,
            &[
                "text",
                "voice_id",
                "speed",
                "language",
                "locale",
                "input_type",
            ],
            "",
        )?;
        let text = string(map, "text", "")?;
        let voice = string(map, "voice_id", "")?.to_owned();
        let speed = opt_number(map, "speed", "", (0.5, 2.0))?.unwrap_or(1.0);
        opt_string(map, "language", "")?;
        opt_string(map, "locale", "")?;
        opt_choice(map, "input_type", "", &["text", "ssml"])?;
        Ok((voice, text.split_whitespace().count(), speed))
    })();
    let (voice, words, speed) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    let known = (0..state.voices).any(|i| data::voice_id(i) == voice)
        || (0..data::PRIVATE_VOICE_COUNT).any(|i| data::private_voice_id(i) == voice);
    if !known {
        return error(
            404,
            "voice_not_found",
            &format!("Voice {voice} not found"),
            Some("voice_id"),
        );
    }
    let id = state.new_job_id("speech_");
    let duration = ((words.max(1) as f64) * 0.4 / speed * 100.0).round() / 100.0;
    SimAnswer::json(
        200,
        &json!({"data": {"audio_url": format!("https://files.sim.heygen.test/speech/{id}.mp3"), "duration": duration, "request_id": id, "word_timestamps": null}}),
    )
}
