//! Stops a Video Agent session. v3 only:
//! `POST /v3/video-agents/{session_id}/stop` (`{}`); safe to repeat, so
//! retried like a read.

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `stop_video_agent`.
    pub struct Args {
        /// Session id.
        pub session_id: String,
    }
}

/// Output of `stop_video_agent`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The stopped session's id.
    pub session_id: Option<String>,
}

/// `stop_video_agent`.
pub struct StopVideoAgent;

impl Action for StopVideoAgent {
    const NAME: &'static str = "stop_video_agent";
    const KIND: Kind = Kind::Delete;
    const TOOLSET: Toolset = Toolset::Agent;
    const EXAMPLE: &'static str = r#"{"session_id":"va_0123456789abcdef"}"#;
    const ON_V3: &'static str = "`POST /v3/video-agents/{session_id}/stop` `{}`; safe to repeat, retried like a read";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("session_id", &args.session_id)?;
        let path = format!("/v3/video-agents/{}/stop", encode_component(&id));
        let resp = call.exchange(HttpRequest::post_json(path, &json!({})), Effect::Read)?;
        let data = v3::data(&resp)?;
        let session_id = text(&data, "session_id")
            .ok_or_else(|| bad_response(&resp, "no `session_id` in `data`"))?;
        Ok(Output {
            session_id: Some(session_id),
        })
    }
}
