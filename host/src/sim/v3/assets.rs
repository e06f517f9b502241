//! Uploads on v3: `POST /v3/assets`, a multipart body with one `file` part
//! (at most 32 MB), whose bytes must be of the type the part declares.

use serde_json::json;

use super::envelope::{error, invalid, no_query};
use crate::sim::answer::SimAnswer;
use crate::sim::data::Asset;
use crate::sim::multipart::{file_part, looks_like};
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// HeyGen's limit on one upload.
const MAX_UPLOAD_BYTES: usize = 32_000_000;

/// The asset routes.
pub(crate) const ROUTES: &[Route] = &[Route::create("POST", "/v3/assets", create)];

/// `POST /v3/assets`: the stored asset.
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    if let Some(refused) = no_query(req) {
        return refused;
    }
    let part = match file_part(req) {
        Ok(part) => part,
        Err(problem) => return invalid(problem),
    };
    if part.bytes.is_empty() || part.bytes.len() > MAX_UPLOAD_BYTES {
        return error(
            413,
            "payload_too_large",
            "The file must be 1 byte to 32 MB",
            Some("file"),
        );
    }
    if !looks_like(&part.content_type, part.bytes) {
        return error(
            400,
            "invalid_file",
            &format!("The file is not a valid {} file", part.content_type),
            Some("file"),
        );
    }
    let id = state.new_job_id("asset_up_");
    let url = format!(
        "https://files.sim.heygen.test/assets/{id}/{}",
        part.file_name
    );
    let answer = json!({"data": {"asset_id": id, "url": url, "mime_type": part.content_type, "size_bytes": part.bytes.len()}});
    state.assets.insert(
        id,
        Asset {
            mime_type: part.content_type.clone(),
            size_bytes: part.bytes.len(),
        },
    );
    SimAnswer::json(200, &answer)
}
