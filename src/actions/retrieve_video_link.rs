//! Reads a video's state and, once rendered, its links. v3:
//! `GET /v3/videos/{id}`; legacy: `GET /v1/video_status.get?video_id=…`.


use crate::prelude::*;
use super::{Action, Kind, Toolset};
use crate::api::{VideoState, legacy, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `retrieve_video_link`.
    pub struct Args {
        /// Video id.
        pub video_id: String,
    }
}

/// `retrieve_video_link`.
pub struct RetrieveVideoLink;

impl Action for RetrieveVideoLink {
    const NAME: &'static str = "retrieve_video_link";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"video_id":"0123456789abcdef0123456789abcdef"}"#;
    const ON_V3: &'static str = r#"`GET /v3/videos/{id}`: `caption_url` from `subtitle_url`, else `captioned_video_url`"#;
    const ON_LEGACY: &'static str = r#"`GET /v1/video_status.get?video_id=…`: `video_id` from `data.id`; an empty `caption_url` reads as `null`"#;
    type Args = Args;
    type Output = VideoState;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<VideoState, Error> {
        let id = check_id("video_id", &args.video_id)?;
        let request = HttpRequest::get(format!("/v3/videos/{}", encode_component(&id)));
        v3::parse_video(&call.exchange(request, Effect::Read)?, &id)
    }

    fn legacy(call: &mut Call<'_>, args: &Args) -> Result<VideoState, Error> {
        let id = check_id("video_id", &args.video_id)?;
        let request = HttpRequest::get("/v1/video_status.get").with_query("video_id", &id);
        legacy::parse_video(&call.exchange(request, Effect::Read)?, &id)
    }

    fn note(state: &VideoState) -> Option<String> {
        state.failure.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use serde_json::json;

    #[test]
    fn requests_encode_the_id_per_generation() {
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        for (generation, id, path) in [
            ("v3", "abc", "/v3/videos/abc"),
            ("legacy", "a+b=c&d", "/v1/video_status.get?video_id=a%2Bb%3Dc%26d"),
        ] {
            let mut t = Scripted::new([answer(404, "", &[])]);
            let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", generation)];
            run_with(&mut t, RetrieveVideoLink::NAME, &vars, json!({ "video_id": id }));
            assert_eq!(t.sent[0].path_and_query(&base), path);
        }
    }

    #[test]
    fn a_failed_render_is_a_successful_call_with_an_error() {
        let mut t = Scripted::new([answer(
            200,
            r#"{"data":{"id":"v1","status":"failed","failure_code":"avatar_error","failure_message":"No face found"}}"#,
            &[],
        )]);
        let (status, out) = run_with(&mut t, RetrieveVideoLink::NAME, &[("HEYGEN_API_KEY", "k")], json!({"video_id": "v1"}));
        assert_eq!((status, &out["success"], &out["status"]), (200, &json!(true), &json!("failed")));
        assert!(out["error"].as_str().unwrap().starts_with("video_failed: "));
        assert_eq!(out.as_object().unwrap().len(), 8);
    }
}
