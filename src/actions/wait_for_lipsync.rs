//! Waits, inside one call, until a lipsync has finished or failed: the read
//! of `get_lipsync`, polled as [`crate::wait`] polls every job.

use crate::prelude::*;
use serde::Serialize;

use super::get_lipsync;
use crate::wait::job_ended;
use super::{Action, Kind, Toolset};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;

arguments! {
    /// Arguments of `wait_for_lipsync`.
    pub struct Args {
        /// Lipsync id.
        pub lipsync_id: String,
        /// The most the call may take, in seconds (1 to 600; default 50).
        pub timeout_seconds: Option<serde_json::Value>,
    }
}

/// Output of `wait_for_lipsync`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The lipsync's id.
    pub lipsync_id: Option<String>,
    /// The last status seen.
    pub status: Option<String>,
    /// The new video.
    pub video_url: Option<String>,
    /// Its captions.
    pub caption_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Its title.
    pub title: Option<String>,
    /// True when `timeout_seconds` ran out first.
    pub timed_out: bool,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `wait_for_lipsync`.
pub struct WaitForLipsync;

impl Action for WaitForLipsync {
    const NAME: &'static str = "wait_for_lipsync";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Lipsync;
    const WAITS: bool = true;
    const EXAMPLE: &'static str = r#"{"lipsync_id":"ls_0123456789abcdef","timeout_seconds":2}"#;
    const ON_V3: &'static str = "`GET /v3/lipsyncs/{id}` (as `get_lipsync`), polled until `completed` or `failed`, within its own `timeout_seconds`; transient failures are waited out";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("lipsync_id", &args.lipsync_id)?;
        let waited = crate::wait::wait(
            call,
            args.timeout_seconds.as_ref(),
            &mut |call| get_lipsync::read(call, &id),
            |l| job_ended(l.status.as_deref()),
        )?;
        let l = waited.state;
        Ok(Output {
            lipsync_id: l.lipsync_id,
            status: l.status,
            video_url: l.video_url,
            caption_url: l.caption_url,
            duration: l.duration,
            title: l.title,
            timed_out: waited.timed_out,
            failure: l.failure,
        })
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}
