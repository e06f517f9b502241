//! HeyGen's legacy v1/v2 endpoints, which the integration card was written
//! against. A 2xx can still carry an error: success needs `error == null` (v2)
//! or `code == 100` (v1) as well.

use crate::prelude::*;
use serde_json::{Value, json};

use super::CreatedVideo;
use super::{
    VideoState, answer_json, bad_response, created, envelope_error, failure_text, text,
    video_state, video_status,
};
use crate::call::Call;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

/// Sets the legacy create flags `test` and `caption` where given.
pub(crate) fn set_flags(body: &mut Value, test: Option<bool>, caption: Option<bool>) {
    if let Some(test) = test {
        body["test"] = json!(test);
    }
    if let Some(caption) = caption {
        body["caption"] = json!(caption);
    }
}

/// The `data` of a legacy answer (v2 `{error, data}` or v1 `{code, message,
/// data}`), or the error its envelope carries.
pub(crate) fn open(resp: &HttpResponse) -> Result<Value, Error> {
    let Value::Object(mut body) = answer_json(resp)? else {
        return Err(bad_response(resp, "JSON that is not an object"));
    };
    let error = body.get("error").unwrap_or(&Value::Null);
    let v1_failed = match body.get("code").unwrap_or(&Value::Null) {
        Value::Null => false,
        Value::Number(n) => n.as_u64() != Some(100),
        Value::String(s) => s != "100",
        _ => true,
    };
    if !error.is_null() || v1_failed {
        let (code, message) = envelope_error(&Value::Object(body));
        return Err(Error::Api {
            code,
            message,
            request_id: resp.request_id(),
        });
    }
    match body.remove("data") {
        Some(Value::Null) | None => Err(bad_response(resp, "a legacy envelope without `data`")),
        Some(data) => Ok(data),
    }
}

/// Sends a create once (legacy has no idempotency keys, so only what provably
/// never left is retried) and reads the new video.
pub(crate) fn create(call: &mut Call<'_>, request: HttpRequest) -> Result<CreatedVideo, Error> {
    let resp = call.exchange(request, Effect::Create)?;
    call.after_create(parse_created(&resp))
}

/// A created video: `data.video_id`. Legacy answers carry no status.
pub fn parse_created(resp: &HttpResponse) -> Result<CreatedVideo, Error> {
    created(resp, open(resp)).map(|video| CreatedVideo {
        status: None,
        ..video
    })
}

/// A video's state: `data.id` (not `data.video_id`), captions from
/// `caption_url` (else `video_url_caption`), empty strings read as absent.
pub fn parse_video(resp: &HttpResponse, requested_id: &str) -> Result<VideoState, Error> {
    let data = open(resp)?;
    let status = video_status(resp, &data)?;
    let failure = (status == "failed").then(|| {
        let error = &data["error"];
        let message = match (text(error, "message"), text(error, "detail")) {
            (Some(m), Some(d)) if m != d => Some(format!("{m}: {d}")),
            (m, d) => m.or(d),
        };
        failure_text(super::scalar_text(&error["code"]), message)
    });
    Ok(video_state(
        &data,
        requested_id,
        status,
        failure,
        ["caption_url", "video_url_caption"],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;

    #[test]
    fn errors_inside_a_2xx() {
        for body in [
            r#"{"error":{"code":"invalid_parameter","message":"input_text is invalid"},"data":null}"#,
            r#"{"code":400112,"message":"Unauthorized","data":null}"#,
            r#"{"code":"40104","msg":"Video not found"}"#,
        ] {
            let err = parse_created(&response(200, body)).unwrap_err();
            assert!(matches!(err, Error::Api { .. }), "{body}: {err:?}");
            assert!(
                err.to_string()
                    .starts_with("api_error: HeyGen reported an error ")
            );
            assert!(err.to_string().contains("request id req_42"));
        }
    }

    #[test]
    fn parses_successes() {
        let created =
            parse_created(&response(200, r#"{"error":null,"data":{"video_id":"v1"}}"#)).unwrap();
        assert_eq!(
            created,
            CreatedVideo {
                video_id: Some("v1".into()),
                status: None
            }
        );
    }

    #[test]
    fn parses_video_status() {
        let done = parse_video(
            &response(
                200,
                r#"{"code":100,"data":{"id":"v1","status":"completed","duration":8.2,"video_url":"https://x/v.mp4",
                   "video_url_caption":null,"thumbnail_url":"https://x/t.jpg","gif_url":null,"caption_url":"",
                   "callback_id":null,"created_at":1700000000,"error":null},"message":"Success"}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(done.video_id.as_deref(), Some("v1"));
        assert_eq!(done.caption_url, None);
        assert_eq!(done.duration, Some(8.2));
        let failed = parse_video(
            &response(
                200,
                r#"{"code":100,"data":{"id":"v1","status":"failed","error":{"code":40119,"message":"Voice error","detail":"voice not found"}}}"#,
            ),
            "v1",
        )
        .unwrap();
        assert_eq!(
            failed.failure.unwrap(),
            "video_failed: HeyGen could not render the video: (40119) Voice error: voice not found. Fix the cause (photo, script, voice or template), then create the video again"
        );
    }
}
