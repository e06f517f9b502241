//! Waits, inside one call, until a new avatar is ready or has failed: the
//! read of `get_avatar_look`, polled as [`crate::wait`] polls every job.

use crate::prelude::*;
use serde::Serialize;

use super::get_avatar_look;
use super::{Action, Kind, Toolset};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;

arguments! {
    /// Arguments of `wait_for_avatar`.
    pub struct Args {
        /// The look's id.
        pub avatar_id: String,
        /// The most the call may take, in seconds (1 to 600; default 50).
        pub timeout_seconds: Option<serde_json::Value>,
    }
}

/// Output of `wait_for_avatar`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The look's id.
    pub avatar_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// `studio_avatar`, `digital_twin` or `photo_avatar`.
    pub avatar_type: Option<String>,
    /// The last status seen.
    pub status: Option<String>,
    /// Its avatar group.
    pub avatar_group_id: Option<String>,
    /// Gender, as HeyGen gives it.
    pub gender: Option<String>,
    /// A still of the avatar.
    pub preview_image_url: Option<String>,
    /// HeyGen's suggested voice.
    pub default_voice_id: Option<String>,
    /// The engines it works with.
    pub supported_engines: Vec<String>,
    /// True when `timeout_seconds` ran out first.
    pub timed_out: bool,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `wait_for_avatar`.
pub struct WaitForAvatar;

impl Action for WaitForAvatar {
    const NAME: &'static str = "wait_for_avatar";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Avatars;
    const WAITS: bool = true;
    const EXAMPLE: &'static str = r#"{"avatar_id":"tp_anna_office","timeout_seconds":2}"#;
    const ON_V3: &'static str = "`GET /v3/avatars/looks/{look_id}` (as `get_avatar_look`), polled until `completed`, `failed` or `pending_consent`, within its own `timeout_seconds`; transient failures are waited out";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("avatar_id", &args.avatar_id)?;
        let waited = crate::wait::wait(
            call,
            args.timeout_seconds.as_ref(),
            &mut |call| get_avatar_look::read(call, &id),
            |look| ready_or_stuck(look.status.as_deref()),
        )?;
        let look = waited.state;
        Ok(Output {
            avatar_id: look.avatar_id,
            name: look.name,
            avatar_type: look.avatar_type,
            status: look.status,
            avatar_group_id: look.avatar_group_id,
            gender: look.gender,
            preview_image_url: look.preview_image_url,
            default_voice_id: look.default_voice_id,
            supported_engines: look.supported_engines,
            timed_out: waited.timed_out,
            failure: look.failure,
        })
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// Whether an avatar's status is final for a wait: `completed`, `failed`, or
/// `pending_consent` (a person must give consent in HeyGen first, which no
/// wait can bring about).
fn ready_or_stuck(status: Option<&str>) -> bool {
    matches!(status, Some("completed" | "failed" | "pending_consent"))
}
