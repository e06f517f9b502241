//! Lists the account's videos, newest first. v3 only: `GET /v3/videos`
//! (100 per page), following pages until `limit` videos are read or the list
//! ends.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::checks::{check_text, whole_number};
use crate::error::Error;
use crate::limits::{DEFAULT_VIDEO_LIST, MAX_TITLE_CHARS, MAX_VIDEO_LIST, VIDEOS_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

arguments! {
    /// Arguments of `list_videos`.
    pub struct Args {
        /// The most videos to return (1 to 1,000; default 100); read by
        /// [`whole_number`].
        pub limit: Option<serde_json::Value>,
        /// Only videos whose title matches (HeyGen's title filter).
        pub title: Option<String>,
    }
}

/// One video of the list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VideoInfo {
    /// The video's id.
    pub video_id: String,
    /// Its title.
    pub title: Option<String>,
    /// HeyGen's status, passed through.
    pub status: Option<String>,
    /// Download link, once completed.
    pub video_url: Option<String>,
}

/// Output of `list_videos`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The videos, newest first; empty on failure.
    pub videos: Vec<VideoInfo>,
}

/// `list_videos`.
pub struct ListVideos;

impl Action for ListVideos {
    const NAME: &'static str = "list_videos";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"limit":20}"#;
    const ON_V3: &'static str = r#"`GET /v3/videos?limit=…[&title=…]`, pages of up to 100 until `limit` (1–1000, default 100) videos or the end; newest first; `video_id` from `id`"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let limit = whole_number(
            "limit",
            args.limit.as_ref(),
            (1, MAX_VIDEO_LIST),
            DEFAULT_VIDEO_LIST,
        )?;
        let title = args
            .title
            .as_deref()
            .map(|t| check_text("title", t, MAX_TITLE_CHARS))
            .transpose()?;
        let build = |size: usize, token: Option<&str>| request(size, title.as_deref(), token);
        let videos = call.pages_up_to(limit as usize, VIDEOS_PAGE_SIZE as usize, &build, page)?;
        Ok(Output { videos })
    }
}

/// `GET /v3/videos?limit=…[&title=…][&token=…]`.
fn request(size: usize, title: Option<&str>, token: Option<&str>) -> HttpRequest {
    let mut req = HttpRequest::get("/v3/videos").with_query("limit", size.to_string());
    if let Some(title) = title {
        req = req.with_query("title", title);
    }
    v3::with_token(req, token)
}

/// A page of videos; a video without an `id` (or `video_id`) is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<VideoInfo>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item| {
            Some(VideoInfo {
                video_id: text(item, "id").or_else(|| text(item, "video_id"))?,
                title: text(item, "title"),
                status: text(item, "status"),
                video_url: text(item, "video_url"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "a video without an `id`"))?;
    Ok(Page {
        items,
        next_token: page.next_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    fn videos(from: usize, to: usize, next: Option<&str>) -> crate::retry::Outcome {
        let data: Vec<_> = (from..to)
            .map(|i| json!({"id": format!("v{i}"), "title": null, "status": "completed", "video_url": "https://x/v.mp4"}))
            .collect();
        answer(
            200,
            &json!({"data": data, "has_more": next.is_some(), "next_token": next}).to_string(),
            &[],
        )
    }

    #[test]
    fn pages_until_the_limit_and_no_further() {
        let mut t = Scripted::new([videos(0, 100, Some("p2")), videos(100, 150, Some("p3"))]);
        let (status, out) = run_with(&mut t, ListVideos::NAME, &KEY, json!({"limit": 150, "title": "Q&A day"}));
        assert_eq!(status, 200);
        assert_eq!(out["videos"].as_array().unwrap().len(), 150);
        assert_eq!(
            out["videos"][149],
            json!({"video_id": "v149", "title": null, "status": "completed", "video_url": "https://x/v.mp4"})
        );
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        let sent: Vec<String> = t.sent.iter().map(|r| r.path_and_query(&base)).collect();
        assert_eq!(
            sent,
            [
                "/v3/videos?limit=100&title=Q%26A%20day",
                "/v3/videos?limit=50&title=Q%26A%20day&token=p2"
            ]
        );
    }

    #[test]
    fn stops_at_the_end_of_the_list() {
        let mut t = Scripted::new([videos(0, 3, None)]);
        let (_, out) = run_with(&mut t, ListVideos::NAME, &KEY, json!({}));
        assert_eq!(out["videos"].as_array().unwrap().len(), 3);
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/videos?limit=100");
        let mut t = Scripted::new([videos(0, 10, Some("same")), videos(10, 20, Some("same"))]);
        let (_, out) = run_with(&mut t, ListVideos::NAME, &KEY, json!({"limit": 500}));
        assert!(out["error"].as_str().unwrap().contains("repeats an earlier one"));
        let mut t = Scripted::new([answer(200, r#"{"data":[{"title":"x"}],"has_more":false}"#, &[])]);
        let (_, out) = run_with(&mut t, ListVideos::NAME, &KEY, json!({}));
        assert!(out["error"].as_str().unwrap().starts_with("bad_response: "));
    }

    #[test]
    fn bad_input_sends_nothing() {
        let mut t = Scripted::new([]);
        for args in [
            json!({"limit": 0}),
            json!({"limit": 1001}),
            json!({"limit": -5}),
            json!({"title": " "}),
            json!({"title": "x".repeat(MAX_TITLE_CHARS + 1)}),
            json!({"page": 2}),
        ] {
            let (status, out) = run_with(&mut t, ListVideos::NAME, &KEY, args.clone());
            assert_eq!(status, 400, "{args}");
            assert!(out["error"].as_str().unwrap().starts_with("invalid_input: "));
            assert_eq!(out["videos"], json!([]));
        }
        assert!(t.sent.is_empty());
    }
}
