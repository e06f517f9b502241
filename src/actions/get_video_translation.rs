//! Reads a video translation. v3 only:
//! `GET /v3/video-translations/{video_translation_id}`. A failed translation
//! carries HeyGen's reason in `error` as `translation_failed: …`.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, job_failure, number, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_video_translation`.
    pub struct Args {
        /// Translation id.
        pub video_translation_id: String,
    }
}

/// Output of `get_video_translation`: the translation.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The translation's id.
    pub video_translation_id: Option<String>,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: Option<String>,
    /// The language it is in.
    pub output_language: Option<String>,
    /// The translated video.
    pub video_url: Option<String>,
    /// The translated audio.
    pub audio_url: Option<String>,
    /// Captions, SRT.
    pub srt_caption_url: Option<String>,
    /// Captions, VTT.
    pub vtt_caption_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `get_video_translation`.
pub struct GetVideoTranslation;

impl Action for GetVideoTranslation {
    const NAME: &'static str = "get_video_translation";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Translation;
    const EXAMPLE: &'static str = r#"{"video_translation_id":"vt_0123456789abcdef"}"#;
    const ON_V3: &'static str = "`GET /v3/video-translations/{id}`: `video_translation_id` from `id`; a `failed` one's `error` is `translation_failed:` with `failure_message`";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        read(call, &check_id("video_translation_id", &args.video_translation_id)?)
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// The translation `id` (checked).
pub(crate) fn read(call: &mut Call<'_>, id: &str) -> Result<Output, Error> {
    let path = format!("/v3/video-translations/{}", encode_component(id));
    parse(&call.exchange(HttpRequest::get(path), Effect::Read)?)
}

fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let id = text(&data, "id").ok_or_else(|| bad_response(resp, "no `id` in `data`"))?;
    let status = text(&data, "status");
    Ok(Output {
        failure: job_failure("translation_failed", status.as_deref(), text(&data, "failure_message")),
        video_translation_id: Some(id),
        status,
        output_language: text(&data, "output_language"),
        video_url: text(&data, "video_url"),
        audio_url: text(&data, "audio_url"),
        srt_caption_url: text(&data, "srt_caption_url"),
        vtt_caption_url: text(&data, "vtt_caption_url"),
        duration: number(&data, "duration"),
    })
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    #[test]
    fn a_failed_translation_is_a_successful_call_with_the_reason() {
        let body = r#"{"data":{"id":"t1","status":"failed","output_language":"Spanish","failure_message":"No speech found"}}"#;
        let mut t = Scripted::new([answer(200, body, &[])]);
        let (status, out) = run_with(&mut t, "get_video_translation", &[("HEYGEN_API_KEY", "key-1")], json!({"video_translation_id": "t1"}));
        assert_eq!(status, 200);
        assert_eq!(out["error"], "translation_failed: No speech found");
        assert_eq!((&out["success"], &out["status"]), (&json!(true), &json!("failed")));
        assert_eq!(t.sent[0].path, "/v3/video-translations/t1");
    }
}
