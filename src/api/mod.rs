//! HeyGen's wire format, one module per API generation, plus what both share:
//! the values parsed out of answers and the reading of error answers.
//!
//! Builders turn checked arguments into an [`HttpRequest`]; parsers turn a 2xx
//! [`HttpResponse`] into a value. Non-2xx answers never reach a parser: they go
//! through [`error_from_status`]. Nothing here does I/O.

use crate::prelude::*;

pub mod legacy;
pub(crate) mod render;
pub mod v3;
pub mod variables;

use serde::Serialize;
use serde_json::{Value, json};

use crate::checks::{check_https_url, check_id, check_text};
use crate::error::Error;
use crate::limits::{MAX_CALLBACK_ID_CHARS, MAX_TITLE_CHARS};
use crate::outbound::HttpResponse;

/// One page of a list, with the token of the next page if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Pass back to get the next page; `None` on the last page.
    pub next_token: Option<String>,
}

/// What HeyGen says about a video: the output of `retrieve_video_link`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VideoState {
    /// The video's id.
    pub video_id: Option<String>,
    /// HeyGen's status, passed through.
    pub status: Option<String>,
    /// Download link, once completed.
    pub video_url: Option<String>,
    /// Thumbnail link.
    pub thumbnail_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Captions link.
    pub caption_url: Option<String>,
    /// Why the render failed, when `status` is `failed` (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// The output of both creates: the new video's id and, on v3, its status.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CreatedVideo {
    /// The new video's id.
    pub video_id: Option<String>,
    /// HeyGen's status (v3 only; legacy answers carry none).
    pub status: Option<String>,
}

/// The optional fields every create takes besides its own: the new video's
/// title, an https URL HeyGen calls when the render ends, and an id HeyGen
/// echoes in that call and in webhook deliveries.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tracking<'a> {
    /// `title`.
    pub title: Option<&'a str>,
    /// `callback_url` (https only; v3 only).
    pub callback_url: Option<&'a str>,
    /// `callback_id`.
    pub callback_id: Option<&'a str>,
}

impl Tracking<'_> {
    /// Checks the fields given and adds them to a v3 create body.
    pub fn add_v3(&self, body: &mut Value) -> Result<(), Error> {
        self.add_common(body)?;
        if let Some(url) = self.callback_url {
            body["callback_url"] = Value::String(check_https_url("callback_url", url)?);
        }
        Ok(())
    }

    /// Checks the fields given and adds them to a legacy create body, which
    /// has `title` and `callback_id` but no `callback_url`.
    pub fn add_legacy(&self, body: &mut Value) -> Result<(), Error> {
        self.add_common(body)?;
        if let Some(url) = self.callback_url {
            check_https_url("callback_url", url)?;
            return Err(Error::Unsupported(
                "callback_url does not exist on HeyGen's legacy API: leave it unset and register a webhook endpoint instead (legacy deliveries carry this call's `callback_id`), or ask the host's operator to set HEYGEN_API_VERSION=v3".into(),
            ));
        }
        Ok(())
    }

    fn add_common(&self, body: &mut Value) -> Result<(), Error> {
        if let Some(title) = self.title {
            body["title"] = Value::String(check_text("title", title, MAX_TITLE_CHARS)?);
        }
        if let Some(id) = self.callback_id {
            body["callback_id"] =
                Value::String(check_text("callback_id", id, MAX_CALLBACK_ID_CHARS)?);
        }
        Ok(())
    }
}

/// A create's answer read by `parse`: the new video's id (`data.video_id`, or
/// `data.id` on template answers) and status. An unreadable 2xx means HeyGen
/// probably made the video: the caller reports it as possibly created
/// ([`after_create`]).
pub(crate) fn created(
    resp: &HttpResponse,
    data: Result<Value, Error>,
) -> Result<CreatedVideo, Error> {
    data.and_then(|data| {
        let video_id = text(&data, "video_id")
            .or_else(|| text(&data, "id"))
            .ok_or_else(|| bad_response(resp, "no video id in `data`"))?;
        Ok(CreatedVideo {
            video_id: Some(video_id),
            status: text(&data, "status"),
        })
    })
}

/// A media input given as exactly one of an https URL (`url_field`) and an
/// asset id (`id_field`), as v3 takes it: `{"type": "url", "url"}` or
/// `{"type": "asset_id", "asset_id"}`.
pub(crate) fn media(
    (url_field, url): (&str, Option<&str>),
    (id_field, asset_id): (&str, Option<&str>),
) -> Result<Value, Error> {
    match (url, asset_id) {
        (Some(url), None) => Ok(json!({"type": "url", "url": check_https_url(url_field, url)?})),
        (None, Some(id)) => Ok(json!({"type": "asset_id", "asset_id": check_id(id_field, id)?})),
        (Some(_), Some(_)) => Err(Error::InvalidInput(format!(
            "give either {url_field} or {id_field}, not both"
        ))),
        (None, None) => Err(Error::InvalidInput(format!(
            "give one of {url_field} (an https URL) and {id_field} (an uploaded asset's id)"
        ))),
    }
}

/// Reference files given as https URLs and as asset ids, together at most
/// [`MAX_AGENT_FILES`](crate::limits::MAX_AGENT_FILES) of each, as v3 takes
/// them (`[{"type": "url", "url"}, {"type": "asset_id", "asset_id"}]`);
/// `None` when neither is given.
pub(crate) fn files(
    urls: Option<&[String]>,
    asset_ids: Option<&[String]>,
) -> Result<Option<Value>, Error> {
    use crate::limits::MAX_AGENT_FILES;
    let mut files = Vec::new();
    for (field, list) in [("file_urls", urls), ("file_asset_ids", asset_ids)] {
        let Some(list) = list else { continue };
        if list.is_empty() || list.len() > MAX_AGENT_FILES {
            return Err(Error::InvalidInput(format!(
                "{field} must list 1 to {MAX_AGENT_FILES} files (or be left out)"
            )));
        }
        for item in list {
            files.push(match field {
                "file_urls" => json!({"type": "url", "url": check_https_url(field, item)?}),
                _ => json!({"type": "asset_id", "asset_id": check_id(field, item)?}),
            });
        }
    }
    Ok((!files.is_empty()).then_some(Value::Array(files)))
}

/// HeyGen's 2xx answer body as JSON, or why it cannot be read.
pub(crate) fn answer_json(resp: &HttpResponse) -> Result<Value, Error> {
    crate::json::read(&resp.body).map_err(|e| match e {
        crate::json::JsonError::TooDeep => bad_response(resp, e.to_string()),
        crate::json::JsonError::Syntax(_) => bad_response(resp, describe_body(resp)),
    })
}

/// A [`Error::BadResponse`] for `resp`.
pub(crate) fn bad_response(resp: &HttpResponse, detail: impl Into<String>) -> Error {
    Error::BadResponse {
        status: resp.status,
        detail: detail.into(),
        request_id: resp.request_id(),
    }
}

/// Says in a few words what a body that is not JSON looks like.
pub(crate) fn describe_body(resp: &HttpResponse) -> String {
    let content_type = resp
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let Ok(text) = core::str::from_utf8(&resp.body) else {
        return format!("{} bytes that are not UTF-8 text", resp.body.len());
    };
    let start = text
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    if text.trim().is_empty() {
        "an empty body instead of JSON".into()
    } else if content_type.contains("html")
        || start.starts_with("<!doctype")
        || start.starts_with("<html")
    {
        "an HTML page instead of JSON".into()
    } else {
        format!("{} bytes of text that is not JSON", resp.body.len())
    }
}

/// Turns a non-2xx answer into an [`Error::Http`], reading HeyGen's code and
/// message from whichever envelope the body has (v3 `{error:{code,message,param}}`,
/// v2 `{error:{code,message}}`, v1 `{code,message}`) and `Retry-After` as
/// given in seconds (dates are resolved by the caller, who knows the time).
pub fn error_from_status(resp: &HttpResponse, retry_after: Option<u64>) -> Error {
    let (code, message) = match crate::json::read(&resp.body) {
        Ok(body) => envelope_error(&body),
        Err(_) if resp.body.is_empty() => (None, None),
        Err(_) => (None, Some(format!("with {}", describe_body(resp)))),
    };
    Error::Http {
        status: resp.status,
        code,
        message,
        request_id: resp.request_id(),
        retry_after,
        location: (300..400)
            .contains(&resp.status)
            .then(|| resp.header("location").map(str::to_owned))
            .flatten(),
    }
}

/// HeyGen's error code and message from any envelope, if the body has one.
pub(crate) fn envelope_error(body: &Value) -> (Option<String>, Option<String>) {
    let error = &body["error"];
    let (code, message) = match error {
        Value::Object(_) => (scalar_text(&error["code"]), scalar_text(&error["message"])),
        Value::String(text) => (None, Some(text.clone())),
        _ => (
            scalar_text(&body["code"]),
            scalar_text(&body["message"]).or_else(|| scalar_text(&body["msg"])),
        ),
    };
    let message = match (message, scalar_text(&error["param"])) {
        // The parameter first: a long message is cut, and the parameter is
        // what the caller needs to mend the call.
        (Some(m), Some(param)) => Some(format!("parameter `{param}`: {m}")),
        (m, _) => m,
    };
    (code, message)
}

/// A string or number as text; `None` for null, empty and anything else.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-empty string field of `data`.
pub(crate) fn text(data: &Value, key: &str) -> Option<String> {
    data.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// A number field of `data`.
pub(crate) fn number(data: &Value, key: &str) -> Option<f64> {
    data.get(key)?.as_f64()
}

/// HeyGen's status of a video in `data` (every video answer has one).
pub(crate) fn video_status(resp: &HttpResponse, data: &Value) -> Result<String, Error> {
    text(data, "status").ok_or_else(|| bad_response(resp, "no video `status` in `data`"))
}

/// A [`VideoState`] from a video answer's `data`: the id from `id` (else
/// `video_id`, else the one asked for) and captions from the first of
/// `caption_fields` that is set.
pub(crate) fn video_state(
    data: &Value,
    requested_id: &str,
    status: String,
    failure: Option<String>,
    caption_fields: [&str; 2],
) -> VideoState {
    VideoState {
        video_id: Some(
            text(data, "id")
                .or_else(|| text(data, "video_id"))
                .unwrap_or_else(|| requested_id.trim().to_owned()),
        ),
        status: Some(status),
        video_url: text(data, "video_url"),
        thumbnail_url: text(data, "thumbnail_url"),
        duration: number(data, "duration"),
        caption_url: caption_fields.iter().find_map(|field| text(data, field)),
        failure,
    }
}

/// A failed job's `error` (a translation, a lipsync, an agent session):
/// `prefix:` and HeyGen's reason.
pub(crate) fn job_failure(
    prefix: &str,
    status: Option<&str>,
    reason: Option<String>,
) -> Option<String> {
    (status == Some("failed")).then(|| {
        format!(
            "{prefix}: {}",
            reason.unwrap_or_else(|| "HeyGen gave no reason".into())
        )
    })
}

/// The `video_failed:` line for a failed render.
pub(crate) fn failure_text(code: Option<String>, message: Option<String>) -> String {
    let reason = match (code, message) {
        (Some(code), Some(message)) => format!("({code}) {message}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "without giving a reason".into(),
    };
    let reason = reason.trim_end_matches('.');
    format!(
        "video_failed: HeyGen could not render the video: {reason}. Fix the cause (photo, script, voice or template), then create the video again"
    )
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the parsers' tests.
    use crate::outbound::HttpResponse;

    /// A response with `status`, a JSON content type and `body`.
    pub fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![
                ("content-type".into(), b"application/json".to_vec()),
                ("x-request-id".into(), b"req_42".to_vec()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::response;
    use super::*;

    fn http_parts(err: Error) -> (u16, Option<String>, Option<String>, Option<String>) {
        match err {
            Error::Http {
                status,
                code,
                message,
                request_id,
                ..
            } => (status, code, message, request_id),
            other => panic!("not an HTTP error: {other:?}"),
        }
    }

    #[test]
    fn reads_every_error_envelope() {
        let cases = [
            (
                r#"{"error":{"code":"invalid_parameter","message":"bad avatar","param":"avatar_id"}}"#,
                Some("invalid_parameter"),
                Some("parameter `avatar_id`: bad avatar"),
            ),
            (
                r#"{"data":null,"error":{"code":"internal_error","message":"Unauthorized"}}"#,
                Some("internal_error"),
                Some("Unauthorized"),
            ),
            (
                r#"{"code":400112,"message":"Unauthorized"}"#,
                Some("400112"),
                Some("Unauthorized"),
            ),
            (
                r#"{"code":400,"msg":"Invlid parameters"}"#,
                Some("400"),
                Some("Invlid parameters"),
            ),
            (r#"{"error":"boom"}"#, None, Some("boom")),
        ];
        for (body, code, message) in cases {
            let (status, c, m, id) = http_parts(error_from_status(&response(401, body), None));
            assert_eq!(status, 401);
            assert_eq!(c.as_deref(), code, "{body}");
            assert_eq!(m.as_deref(), message, "{body}");
            assert_eq!(id.as_deref(), Some("req_42"));
        }
    }

    #[test]
    fn describes_bodies_that_are_not_json() {
        let mut html = response(404, "<!DOCTYPE html><html>Not found</html>");
        html.headers[0].1 = b"text/html".to_vec();
        let (_, code, message, _) = http_parts(error_from_status(&html, None));
        assert_eq!(code, None);
        assert_eq!(
            message.as_deref(),
            Some("with an HTML page instead of JSON")
        );
        let (_, _, message, _) = http_parts(error_from_status(&response(503, ""), None));
        assert_eq!(message, None);
        let raw = HttpResponse {
            status: 200,
            headers: vec![],
            body: vec![0xff, 0xfe],
        };
        assert_eq!(describe_body(&raw), "2 bytes that are not UTF-8 text");
    }

    #[test]
    fn redirects_keep_their_location() {
        let mut resp = response(302, "");
        resp.headers
            .push(("location".into(), b"https://elsewhere.example/".to_vec()));
        let Error::Http { location, .. } = error_from_status(&resp, None) else {
            panic!()
        };
        assert_eq!(location.as_deref(), Some("https://elsewhere.example/"));
    }

    #[test]
    fn field_helpers_tolerate_nulls_and_strings() {
        let data = serde_json::json!({"a": "", "b": null, "c": "x", "d": 12.5, "e": 3});
        assert_eq!(text(&data, "a"), None);
        assert_eq!(text(&data, "b"), None);
        assert_eq!(text(&data, "c").as_deref(), Some("x"));
        assert_eq!(number(&data, "d"), Some(12.5));
        assert_eq!(number(&data, "e"), Some(3.0));
        assert_eq!(number(&data, "z"), None);
    }
}
