//! HeyGen v3 (the default): `{"data": …}` envelopes, success decided by the
//! HTTP status, lists paged with `has_more` / `next_token`.

use crate::prelude::*;
use serde_json::Value;

use super::CreatedVideo;
use super::{
    Page, VideoState, answer_json, bad_response, created, failure_text, text, video_state,
    video_status,
};
use crate::call::Call;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

const TEST_MODE: &str = "test mode does not exist on HeyGen v3, where every render is billed. Leave `test` unset or false to render for real (the host's operator can select HeyGen's retired legacy API, which had a test mode, with HEYGEN_API_VERSION=legacy)";

/// `test: true` on v3.
pub(crate) fn no_test_mode() -> Error {
    Error::Unsupported(TEST_MODE.into())
}

/// A card option that only the legacy API had.
pub(crate) fn legacy_only(option: &str, value: &str) -> Error {
    Error::Unsupported(format!(
        "{option} = {value} is a legacy-only option that HeyGen v3 cannot honour: leave it unset (the host's operator can select HeyGen's retired legacy API with HEYGEN_API_VERSION=legacy)"
    ))
}

/// `req` at `token`'s page.
pub(crate) fn with_token(req: HttpRequest, token: Option<&str>) -> HttpRequest {
    match token {
        Some(token) => req.with_query("token", token),
        None => req,
    }
}

/// The `data` object of a v3 answer.
pub(crate) fn data(resp: &HttpResponse) -> Result<Value, Error> {
    match answer_json(resp)? {
        Value::Object(mut body) => match body.remove("data") {
            Some(data @ Value::Object(_)) => Ok(data),
            _ => Err(bad_response(resp, "JSON without a `data` object")),
        },
        _ => Err(bad_response(resp, "JSON that is not an object")),
    }
}

/// Sends a create under an `Idempotency-Key` (so retries are safe) and
/// reads the new video.
pub(crate) fn create(call: &mut Call<'_>, request: HttpRequest) -> Result<CreatedVideo, Error> {
    let resp = call.exchange(request, Effect::IdempotentCreate)?;
    call.after_create(parse_created(&resp))
}

/// Deletes what `path` names (retried like a read: deleting twice is
/// harmless) and reads `{"data": {<id_key>, "deleted": bool}}` into the id
/// (`requested` when the answer has none) and whether it is gone. A 404 to the
/// first attempt is `http_404:` (no such thing); a 404 to a retry, after an
/// earlier attempt of the same call may have reached HeyGen (its answer was
/// lost, cut off, timed out, or was a 5xx), reads as deleted: that attempt is
/// what deleted it.
pub(crate) fn delete(
    call: &mut Call<'_>,
    path: String,
    id_key: &str,
    requested: String,
) -> Result<(String, bool), Error> {
    match call.exchange(HttpRequest::delete(path), Effect::Delete) {
        Ok(resp) => {
            let data = data(&resp)?;
            let deleted = data
                .get("deleted")
                .and_then(Value::as_bool)
                .ok_or_else(|| bad_response(&resp, "no `deleted` true or false in `data`"))?;
            Ok((text(&data, id_key).unwrap_or(requested), deleted))
        }
        Err(Error::MaybeCreated { error, .. }) => match *error {
            Error::Http { status: 404, .. } => Ok((requested, true)),
            other => Err(other),
        },
        Err(e) => Err(e),
    }
}

/// A created video: `data.video_id` (`data.id` on template answers) and status.
pub fn parse_created(resp: &HttpResponse) -> Result<CreatedVideo, Error> {
    created(resp, data(resp))
}

/// A v3 list page: `data` items and, when `has_more`, the next page's token.
pub(crate) fn page(resp: &HttpResponse) -> Result<Page<Value>, Error> {
    let Value::Object(mut body) = answer_json(resp)? else {
        return Err(bad_response(resp, "JSON that is not an object"));
    };
    let Some(Value::Array(items)) = body.remove("data") else {
        return Err(bad_response(resp, "a list without a `data` array"));
    };
    let next_token = match (body.get("has_more"), body.get("next_token")) {
        (None | Some(Value::Null) | Some(Value::Bool(false)), _) => None,
        (Some(Value::Bool(true)), Some(Value::String(token))) if !token.is_empty() => {
            Some(token.clone())
        }
        (Some(Value::Bool(true)), _) => {
            return Err(bad_response(resp, "`has_more` without a `next_token`"));
        }
        _ => return Err(bad_response(resp, "a `has_more` that is not true or false")),
    };
    Ok(Page { items, next_token })
}

/// A video's state; captions from `subtitle_url`, else `captioned_video_url`.
pub fn parse_video(resp: &HttpResponse, requested_id: &str) -> Result<VideoState, Error> {
    let data = data(resp)?;
    let status = video_status(resp, &data)?;
    let failure = (status == "failed")
        .then(|| failure_text(text(&data, "failure_code"), text(&data, "failure_message")));
    Ok(video_state(
        &data,
        requested_id,
        status,
        failure,
        ["subtitle_url", "captioned_video_url"],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;

    #[test]
    fn parses_created_videos() {
        let created = parse_created(&response(
            200,
            r#"{"data":{"video_id":"v1","status":"waiting","output_format":"mp4"}}"#,
        ))
        .unwrap();
        assert_eq!(
            created,
            CreatedVideo {
                video_id: Some("v1".into()),
                status: Some("waiting".into())
            }
        );
        let created =
            parse_created(&response(200, r#"{"data":{"id":"v2","status":"pending"}}"#)).unwrap();
        assert_eq!(created.video_id.as_deref(), Some("v2"));
        for bad in [
            r#"{"data":{}}"#,
            r#"{"data":null}"#,
            "[]",
            "",
            "{\"data\":{\"id\":\"",
        ] {
            let err = parse_created(&response(200, bad)).unwrap_err();
            // The create marks it as possibly created (`api::after_create`).
            assert!(matches!(err, Error::BadResponse { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn parses_video_states() {
        let done = parse_video(
            &response(
                200,
                r#"{"data":{"id":"v1","status":"completed","duration":12.5,"video_url":"https://x/v.mp4",
                    "thumbnail_url":"https://x/t.jpg","gif_url":null,"captioned_video_url":"https://x/c.mp4",
                    "subtitle_url":"https://x/s.srt","failure_code":null,"failure_message":null}}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(done.video_url.as_deref(), Some("https://x/v.mp4"));
        assert_eq!(done.caption_url.as_deref(), Some("https://x/s.srt"));
        assert_eq!(done.duration, Some(12.5));
        assert_eq!(done.failure, None);
        let captioned = parse_video(
            &response(200, r#"{"data":{"id":"v1","status":"completed","subtitle_url":"","captioned_video_url":"https://x/c.mp4"}}"#),
            "v1",
        )
        .unwrap();
        assert_eq!(captioned.caption_url.as_deref(), Some("https://x/c.mp4"));
        let failed = parse_video(
            &response(200, r#"{"data":{"id":"v1","status":"failed","failure_code":"avatar_error","failure_message":"No face found"}}"#),
            "v1",
        )
        .unwrap();
        assert_eq!(failed.status.as_deref(), Some("failed"));
        assert!(failed.failure.unwrap().starts_with(
            "video_failed: HeyGen could not render the video: (avatar_error) No face found."
        ));
        let waiting = parse_video(
            &response(200, r#"{"data":{"status":"waiting","duration":null}}"#),
            " v9 ",
        )
        .unwrap();
        assert_eq!(waiting.video_id.as_deref(), Some("v9"));
        assert_eq!(waiting.duration, None);
    }
}
