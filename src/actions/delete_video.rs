//! Deletes a video. v3 only: `DELETE /v3/videos/{id}`.
//!
//! Idempotent: the request is retried like a read (rate limits, server and
//! network errors, at most twice). A 404 answer to the first attempt is
//! `http_404:` (no such video). A 404 answer to a retry, after an earlier
//! attempt of the same call may have reached HeyGen (its answer was lost, cut
//! off, timed out, or was a 5xx), reads as `deleted: true`: that attempt is
//! what deleted it.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::v3;
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::encode_component;

arguments! {
    /// Arguments of `delete_video`.
    pub struct Args {
        /// Video id.
        pub video_id: String,
    }
}

/// Output of `delete_video`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The deleted video's id.
    pub video_id: Option<String>,
    /// True once the video is gone.
    pub deleted: bool,
}

/// `delete_video`.
pub struct DeleteVideo;

impl Action for DeleteVideo {
    const NAME: &'static str = "delete_video";
    const KIND: Kind = Kind::Delete;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"video_id":"0123456789abcdef0123456789abcdef"}"#;
    const ON_V3: &'static str = r#"`DELETE /v3/videos/{id}` → `{id, deleted}`; retried like a read; a 404 to a retry after an attempt that may have reached HeyGen (lost, cut or timed-out answer, or a 5xx) reads as `deleted: true`, a 404 to the first attempt is `http_404:`"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("video_id", &args.video_id)?;
        let path = format!("/v3/videos/{}", encode_component(&id));
        let (video_id, deleted) = v3::delete(call, path, "id", id)?;
        Ok(Output {
            video_id: Some(video_id),
            deleted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use crate::outbound::Method;
    use crate::port::TransportError;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    #[test]
    fn sends_a_delete_and_reads_the_answer() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"id":"v/1","deleted":true}}"#, &[])]);
        let (status, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v/1"}));
        assert_eq!(status, 400, "a slash is refused: {out}");
        assert!(t.sent.is_empty());
        let (status, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v+1"}));
        assert_eq!(status, 200);
        assert_eq!(out, json!({"success": true, "error": null, "video_id": "v/1", "deleted": true}));
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].method, Method::Delete);
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/videos/v%2B1");
        assert_eq!(t.sent[0].body, None);
        let mut t = Scripted::new([answer(200, r#"{"data":{"id":"v1"}}"#, &[])]);
        let (_, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v1"}));
        assert!(out["error"].as_str().unwrap().starts_with("bad_response: "));
    }

    #[test]
    fn a_404_is_deleted_only_after_an_attempt_that_may_have_acted() {
        let not_found = || answer(404, r#"{"error":{"code":"video_not_found","message":"gone"}}"#, &[]);
        let mut t = Scripted::new([not_found()]);
        let (status, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v1"}));
        assert_eq!(status, 502, "HeyGen's answer, passed on as a bad gateway");
        assert!(out["error"].as_str().unwrap().starts_with("http_404: "));
        assert_eq!(out["deleted"], json!(false));
        for first in [
            Err(TransportError::Broken("reset".into())),
            Err(TransportError::TimedOut("no answer".into())),
            answer(502, "", &[]),
        ] {
            let mut t = Scripted::new([first, not_found()]);
            let (status, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v1"}));
            assert_eq!(
                (status, out),
                (200, json!({"success": true, "error": null, "video_id": "v1", "deleted": true}))
            );
            assert_eq!(t.sent.len(), 2);
        }
        // Never sent: the retry's 404 means there was no such video.
        let mut t = Scripted::new([Err(TransportError::NotSent("refused".into())), not_found()]);
        let (_, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v1"}));
        assert!(out["error"].as_str().unwrap().starts_with("http_404: "), "{out}");
        assert_eq!((t.sent.len(), &out["deleted"]), (2, &json!(false)));
        // Other failures after a possibly-acted attempt keep their own prefix.
        let mut t = Scripted::new((0..3).map(|_| answer(503, "", &[])));
        let (_, out) = run_with(&mut t, DeleteVideo::NAME, &KEY, json!({"video_id": "v1"}));
        let error = out["error"].as_str().unwrap();
        assert!(error.starts_with("http_503: ") && !error.contains("created"), "{error}");
    }
}
