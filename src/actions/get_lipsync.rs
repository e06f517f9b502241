//! Reads a lipsync. v3 only: `GET /v3/lipsyncs/{lipsync_id}`. A failed
//! lipsync carries HeyGen's reason in `error` as `lipsync_failed: …`.

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
    /// Arguments of `get_lipsync`.
    pub struct Args {
        /// Lipsync id.
        pub lipsync_id: String,
    }
}

/// Output of `get_lipsync`: the lipsync.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The lipsync's id.
    pub lipsync_id: Option<String>,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: Option<String>,
    /// The new video.
    pub video_url: Option<String>,
    /// Its captions.
    pub caption_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Its title.
    pub title: Option<String>,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `get_lipsync`.
pub struct GetLipsync;

impl Action for GetLipsync {
    const NAME: &'static str = "get_lipsync";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Lipsync;
    const EXAMPLE: &'static str = r#"{"lipsync_id":"ls_0123456789abcdef"}"#;
    const ON_V3: &'static str = "`GET /v3/lipsyncs/{id}`: `lipsync_id` from `id`; a `failed` one's `error` is `lipsync_failed:` with `failure_message`";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        read(call, &check_id("lipsync_id", &args.lipsync_id)?)
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// The lipsync `id` (checked).
pub(crate) fn read(call: &mut Call<'_>, id: &str) -> Result<Output, Error> {
    let path = format!("/v3/lipsyncs/{}", encode_component(id));
    parse(&call.exchange(HttpRequest::get(path), Effect::Read)?)
}

fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let id = text(&data, "id").ok_or_else(|| bad_response(resp, "no `id` in `data`"))?;
    let status = text(&data, "status");
    Ok(Output {
        failure: job_failure("lipsync_failed", status.as_deref(), text(&data, "failure_message")),
        lipsync_id: Some(id),
        status,
        video_url: text(&data, "video_url"),
        caption_url: text(&data, "caption_url"),
        duration: number(&data, "duration"),
        title: text(&data, "title"),
    })
}
