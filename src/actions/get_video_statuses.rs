//! Reads the status of up to 100 videos at once. v3 only: one
//! `GET /v3/videos/statuses?video_ids=a,b,…` (the endpoint has no paging).

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::limits::MAX_STATUS_IDS;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_video_statuses`.
    pub struct Args {
        /// The videos to check.
        pub video_ids: Vec<String>,
    }
}

/// One video's status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VideoStatus {
    /// The video's id.
    pub video_id: String,
    /// HeyGen's status, passed through.
    pub status: String,
    /// HeyGen's error for it, as one line.
    pub error: Option<String>,
}

/// Output of `get_video_statuses`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// One entry per id asked, in the order asked.
    pub videos: Vec<VideoStatus>,
}

/// `get_video_statuses`.
pub struct GetVideoStatuses;

impl Action for GetVideoStatuses {
    const NAME: &'static str = "get_video_statuses";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"video_ids":["0123456789abcdef0123456789abcdef"]}"#;
    const ON_V3: &'static str = "one `GET /v3/videos/statuses?video_ids=a,b,…` (1–100 ids; no paging), answered in the order asked; `error` is HeyGen's error object as one line";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let ids = check_ids(&args.video_ids)?;
        let request = HttpRequest::get("/v3/videos/statuses").with_query("video_ids", ids.join(","));
        let resp = call.exchange(request, Effect::Read)?;
        Ok(Output {
            videos: parse(&resp, &ids)?,
        })
    }
}

/// 1 to 100 plain ids without commas or repeats, trimmed.
fn check_ids(list: &[String]) -> Result<Vec<String>, Error> {
    if list.is_empty() || list.len() > MAX_STATUS_IDS {
        return Err(Error::InvalidInput(format!(
            "video_ids must list 1 to {MAX_STATUS_IDS} video ids (call again for more)"
        )));
    }
    let mut ids: Vec<String> = Vec::with_capacity(list.len());
    for id in list {
        let id = check_id("video_ids", id)?;
        if id.contains(',') || ids.contains(&id) {
            return Err(Error::InvalidInput(format!(
                "video_ids: `{id}` holds a comma or is listed twice"
            )));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// The answer's entries, in the order of `ids`; an id it leaves out is a bad
/// answer.
fn parse(resp: &HttpResponse, ids: &[String]) -> Result<Vec<VideoStatus>, Error> {
    let page = v3::page(resp)?;
    ids.iter()
        .map(|id| {
            let item = page
                .items
                .iter()
                .find(|item| text(item, "video_id").as_deref() == Some(id.as_str()))
                .ok_or_else(|| bad_response(resp, format!("no status for video `{id}`")))?;
            let status = text(item, "status")
                .ok_or_else(|| bad_response(resp, format!("no `status` for video `{id}`")))?;
            Ok(VideoStatus {
                video_id: id.clone(),
                status,
                error: one_line(&item["error"]),
            })
        })
        .collect()
}

/// HeyGen's error object as one line: `code: message` when it has those,
/// else its JSON; none for `null` or `{}`.
fn one_line(error: &Value) -> Option<String> {
    match (text(error, "code"), text(error, "message")) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (None, Some(one)) | (Some(one), None) => Some(one),
        (None, None) => match error {
            Value::Null => None,
            Value::Object(map) if map.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        },
    }
    .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn one_request_answered_in_the_order_asked() {
        let body = r#"{"data":[{"video_id":"b","status":"failed","error":{"code":"no_face","message":"No face\nfound"}},
            {"video_id":"c","status":"not_found","error":null},{"video_id":"a","status":"queued","error":{}}],"has_more":false,"next_token":null}"#;
        let mut t = Scripted::new([answer(200, body, &[])]);
        let (status, out) = run_with(&mut t, GetVideoStatuses::NAME, &KEY, json!({"video_ids": ["a", " b ", "c"]}));
        assert_eq!(status, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "videos": [
                {"video_id": "a", "status": "queued", "error": null},
                {"video_id": "b", "status": "failed", "error": "no_face: No face found"},
                {"video_id": "c", "status": "not_found", "error": null}]})
        );
        assert_eq!(t.sent.len(), 1);
        assert_eq!(t.sent[0].query, vec![("video_ids".to_owned(), "a,b,c".to_owned())]);
        let mut t = Scripted::new([answer(200, r#"{"data":[{"video_id":"a","status":"queued"}]}"#, &[])]);
        let (_, out) = run_with(&mut t, GetVideoStatuses::NAME, &KEY, json!({"video_ids": ["a", "b"]}));
        assert!(out["error"].as_str().unwrap().contains("no status for video `b`"), "{out}");
    }

    #[test]
    fn ids_are_checked_before_sending() {
        let many: Vec<String> = (0..101).map(|i| format!("v{i}")).collect();
        for ids in [json!([]), json!(many), json!(["a", "a"]), json!(["a,b"]), json!(["a/b"])] {
            let mut t = Scripted::new([]);
            let (status, _) = run_with(&mut t, GetVideoStatuses::NAME, &KEY, json!({"video_ids": ids}));
            assert_eq!((status, t.sent.len()), (400, 0));
        }
    }
}
