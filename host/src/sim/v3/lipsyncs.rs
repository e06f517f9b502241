//! Lipsyncs on v3: `POST /v3/lipsyncs` and `GET /v3/lipsyncs/{id}`.

use serde_json::{Map, Value, json};

use super::envelope::error;
use super::translations::fetch;
use crate::sim::answer::SimAnswer;
use crate::sim::jobs::Job;
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The lipsync routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/lipsyncs", create),
    Route::new("GET", "/v3/lipsyncs/{lipsync_id}", get),
];

/// `POST /v3/lipsyncs`: a pending lipsync.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let body: Map<String, Value> = json_body(req)
        .ok()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default();
    let fails = match (
        fetch(&body["video"], "video"),
        fetch(&body["audio"], "audio"),
    ) {
        (Ok(video), Ok(audio)) => video || audio,
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    let id = state.new_job_id("ls_");
    let job = Job::new(id.clone(), &body, fails, state.quick_renders);
    state.lipsyncs.insert(id.clone(), job);
    SimAnswer::json(200, &json!({"data": {"lipsync_id": id}}))
}

/// `GET /v3/lipsyncs/{id}`: the lipsync, one step further along.
fn get(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("lipsync_id");
    match state.lipsyncs.get_mut(id) {
        Some(job) => SimAnswer::json(200, &json!({"data": job.read().lipsync_json()})),
        None => error(
            404,
            "not_found",
            &format!("Lipsync {id} not found"),
            Some("lipsync_id"),
        ),
    }
}
