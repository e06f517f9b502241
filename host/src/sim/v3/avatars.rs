//! Photo avatars on v3: `POST /v3/avatars` (`type: photo`) and
//! `GET /v3/avatars/looks/{look_id}` (the catalogue's looks and the ones made
//! here, which are `processing` for a few reads, then `completed`; a photo
//! whose URL names `no-face` fails).

use base64::Engine;
use serde_json::{Map, Value, json};

use super::envelope::{error, invalid};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{self, Check, choice, object, only, string};
use crate::sim::data;
use crate::sim::jobs::Job;
use crate::sim::multipart::looks_like;
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The avatar routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/avatars", create),
    Route::new("GET", "/v3/avatars/looks/{look_id}", get_look),
];

/// `POST /v3/avatars` with `{type: "photo", name, file, avatar_group_id?}`.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let checked = (|| -> Check<(String, bool)> {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        if choice(map, "type", "", &["photo", "prompt", "digital_twin"])? != "photo" {
            return Err(check::problem(
                "type",
                "The simulator makes photo avatars only",
            ));
        }
        only(map, &["type", "name", "file", "avatar_group_id"], "")?;
        let name = string(map, "name", "")?.to_owned();
        let file = object(map.get("file").unwrap_or(&Value::Null), "file")?;
        let fails = check_file(state, file)?;
        Ok((name, fails))
    })();
    let (name, fails) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    let id = state.new_job_id("look_photo_");
    let mut job = Job::new(id.clone(), &Map::new(), fails, state.quick_renders);
    job.title = Some(name.clone());
    let look = job.look_json();
    state.looks.insert(id.clone(), job);
    let group = json!({"id": look["group_id"], "name": name, "created_at": data::unix_now(), "looks_count": 1, "status": look["status"]});
    SimAnswer::json(
        200,
        &json!({"data": {"avatar_group": group, "avatar_item": look}}),
    )
}

/// The photo: an https URL, an uploaded image's id, or base64 PNG or JPEG
/// whose bytes are of that type. Whether it will fail (`no-face` in a URL).
fn check_file(state: &State, file: &Map<String, Value>) -> Check<bool> {
    match choice(file, "type", "file", &["url", "asset_id", "base64"])? {
        "url" => {
            only(file, &["type", "url"], "file")?;
            let url = string(file, "url", "file")?;
            if !url.starts_with("https://") {
                return Err(check::problem("file.url", "URL must use https"));
            }
            Ok(url.contains("no-face"))
        }
        "asset_id" => {
            only(file, &["type", "asset_id"], "file")?;
            let id = string(file, "asset_id", "file")?;
            if !state.is_image_asset(id) {
                return Err(check::problem(
                    "file.asset_id",
                    format!("Image asset {id} not found"),
                ));
            }
            Ok(false)
        }
        _ => {
            only(file, &["type", "media_type", "data"], "file")?;
            let media = choice(
                file,
                "media_type",
                "file",
                &["image/png", "image/jpeg", "image/webp"],
            )?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(string(file, "data", "file")?)
                .map_err(|_| check::problem("file.data", "Invalid base64 data"))?;
            if !looks_like(media, &bytes) {
                return Err(check::problem(
                    "file.data",
                    format!("The data is not a valid {media} image"),
                ));
            }
            Ok(false)
        }
    }
}

/// `GET /v3/avatars/looks/{look_id}`: a look of the catalogue, or one made
/// here one step further along.
fn get_look(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("look_id");
    if let Some(job) = state.looks.get_mut(id) {
        return SimAnswer::json(200, &json!({"data": job.read().look_json()}));
    }
    match data::looks_v3().into_iter().find(|look| look["id"] == id) {
        Some(look) => SimAnswer::json(200, &json!({ "data": look })),
        None => error(
            404,
            "avatar_not_found",
            &format!("Avatar look {id} not found"),
            Some("look_id"),
        ),
    }
}
