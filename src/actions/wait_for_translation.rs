//! Waits, inside one call, until a video translation has finished or
//! failed: the read of `get_video_translation`, polled as [`crate::wait`]
//! polls every job.

use crate::prelude::*;
use serde::Serialize;

use super::get_video_translation;
use crate::wait::job_ended;
use super::{Action, Kind, Toolset};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;

arguments! {
    /// Arguments of `wait_for_translation`.
    pub struct Args {
        /// Translation id.
        pub video_translation_id: String,
        /// The most the call may take, in seconds (1 to 600; default 50).
        pub timeout_seconds: Option<serde_json::Value>,
    }
}

/// Output of `wait_for_translation`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The translation's id.
    pub video_translation_id: Option<String>,
    /// The last status seen.
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
    /// True when `timeout_seconds` ran out first.
    pub timed_out: bool,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `wait_for_translation`.
pub struct WaitForTranslation;

impl Action for WaitForTranslation {
    const NAME: &'static str = "wait_for_translation";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Translation;
    const WAITS: bool = true;
    const EXAMPLE: &'static str = r#"{"video_translation_id":"vt_0123456789abcdef","timeout_seconds":2}"#;
    const ON_V3: &'static str = "`GET /v3/video-translations/{id}` (as `get_video_translation`), polled until `completed` or `failed`, within its own `timeout_seconds`; transient failures are waited out";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("video_translation_id", &args.video_translation_id)?;
        let waited = crate::wait::wait(
            call,
            args.timeout_seconds.as_ref(),
            &mut |call| get_video_translation::read(call, &id),
            |t| job_ended(t.status.as_deref()),
        )?;
        let t = waited.state;
        Ok(Output {
            video_translation_id: t.video_translation_id,
            status: t.status,
            output_language: t.output_language,
            video_url: t.video_url,
            audio_url: t.audio_url,
            srt_caption_url: t.srt_caption_url,
            vtt_caption_url: t.vtt_caption_url,
            duration: t.duration,
            timed_out: waited.timed_out,
            failure: t.failure,
        })
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}
