//! Video translation on v3: `POST /v3/video-translations` (one translation
//! per output language), `GET /v3/video-translations/{id}` and
//! `GET /v3/video-translations/languages`.

use serde_json::{Map, Value, json};

use super::envelope::{error, no_query};
use crate::sim::answer::SimAnswer;
use crate::sim::jobs::{ASSETS, Job, SILENT_MEDIA, TRANSLATION_LANGUAGES};
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The video translation routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/video-translations", create),
    Route::new("GET", "/v3/video-translations/languages", languages),
    Route::new("GET", "/v3/video-translations/{video_translation_id}", get),
];

/// A media input (`{type: url|asset_id, …}`, already shaped by HeyGen's
/// schema) that HeyGen could not fetch: `Some(refusal)`; else whether it is
/// one that will fail (no speech).
pub(crate) fn fetch(media: &Value, param: &str) -> Result<bool, SimAnswer> {
    let found = match media["type"].as_str() {
        Some("url") => media["url"].as_str().filter(|u| u.starts_with("https://")),
        _ => media["asset_id"].as_str().filter(|id| ASSETS.contains(id)),
    };
    match found {
        Some(source) => Ok(source.contains(SILENT_MEDIA)),
        None => Err(error(
            400,
            "invalid_parameter",
            "Media not found, or not an https URL",
            Some(param),
        )),
    }
}

/// `POST /v3/video-translations`: a pending translation per language.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let body: Map<String, Value> = json_body(req)
        .ok()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default();
    let fails = match fetch(&body["video"], "video") {
        Ok(fails) => fails,
        Err(refused) => return refused,
    };
    let languages: Vec<String> = body["output_languages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    if languages.is_empty() {
        return error(
            400,
            "invalid_parameter",
            "List should have at least 1 item",
            Some("output_languages"),
        );
    }
    if let Some(i) = languages
        .iter()
        .position(|l| !TRANSLATION_LANGUAGES.contains(&l.as_str()))
    {
        return error(
            400,
            "invalid_parameter",
            "Unsupported language: see GET /v3/video-translations/languages",
            Some(&format!("output_languages.{i}")),
        );
    }
    let mut ids = Vec::new();
    for language in languages {
        let id = state.new_job_id("vt_");
        let job = Job {
            language: Some(language),
            ..Job::new(id.clone(), &body, fails, state.quick_renders)
        };
        state.translations.insert(id.clone(), job);
        ids.push(id);
    }
    SimAnswer::json(200, &json!({"data": {"video_translation_ids": ids}}))
}

/// `GET /v3/video-translations/{id}`: the translation, one step further along.
fn get(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("video_translation_id");
    match state.translations.get_mut(id) {
        Some(job) => SimAnswer::json(200, &json!({"data": job.read().translation_json()})),
        None => error(
            404,
            "not_found",
            &format!("Video translation {id} not found"),
            Some("video_translation_id"),
        ),
    }
}

/// `GET /v3/video-translations/languages`.
fn languages(_: &mut State, req: &Request<'_>) -> SimAnswer {
    match no_query(req) {
        Some(refused) => refused,
        None => SimAnswer::json(200, &json!({"data": {"languages": TRANSLATION_LANGUAGES}})),
    }
}
