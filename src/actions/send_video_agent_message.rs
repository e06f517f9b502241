//! Sends a message to a Video Agent session (a `chat` session: HeyGen takes
//! messages for no other). v3 only: `POST /v3/video-agents/{session_id}`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, files, text, v3};
use crate::call::Call;
use crate::checks::{check_id, check_text};
use crate::error::Error;
use crate::limits::MAX_PROMPT_CHARS;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `send_video_agent_message`.
    pub struct Args {
        /// Session id.
        pub session_id: String,
        /// What to tell the agent.
        pub message: String,
        /// A new avatar look.
        pub avatar_id: Option<String>,
        /// A new voice.
        pub voice_id: Option<String>,
        /// More reference files, as https URLs.
        pub file_urls: Option<Vec<String>>,
        /// More reference files, as asset ids.
        pub file_asset_ids: Option<Vec<String>>,
    }
}

/// Output of `send_video_agent_message`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The session's id.
    pub session_id: Option<String>,
    /// The agent's run that answers the message.
    pub run_id: Option<String>,
}

/// `send_video_agent_message`.
pub struct SendVideoAgentMessage;

impl Action for SendVideoAgentMessage {
    const NAME: &'static str = "send_video_agent_message";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Agent;
    const EXAMPLE: &'static str = r#"{"session_id":"va_chat_0123456789ab","message":"Make it 20 seconds, with a friendlier voice."}"#;
    const ON_V3: &'static str = r#"`POST /v3/video-agents/{session_id}` `{"message"[,"avatar_id","voice_id","files"]}`; sent once (HeyGen takes messages only for `mode: chat` sessions)"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let request = request(args)?;
        call.start_create("message", None)?;
        let resp = call.exchange(request, Effect::Create)?;
        call.after_create(parse(&resp))
    }
}

/// `POST /v3/video-agents/{id}` with every argument given.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let id = check_id("session_id", &args.session_id)?;
    let mut body = json!({"message": check_text("message", &args.message, MAX_PROMPT_CHARS)?});
    for (field, value) in [("avatar_id", &args.avatar_id), ("voice_id", &args.voice_id)] {
        if let Some(value) = value {
            body[field] = json!(check_id(field, value)?);
        }
    }
    if let Some(files) = files(args.file_urls.as_deref(), args.file_asset_ids.as_deref())? {
        body["files"] = files;
    }
    let path = format!("/v3/video-agents/{}", encode_component(&id));
    Ok(HttpRequest::post_json(path, &body))
}

/// The run from HeyGen's answer.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let run_id = text(&data, "run_id").ok_or_else(|| bad_response(resp, "no `run_id` in `data`"))?;
    Ok(Output {
        session_id: text(&data, "session_id"),
        run_id: Some(run_id),
    })
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    #[test]
    fn sends_the_message_to_the_session() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"session_id":"s 1","run_id":"r1"}}"#, &[])]);
        let (_, out) = run_with(&mut t, "send_video_agent_message", &[("HEYGEN_API_KEY", "key-1")], json!({"session_id": "s 1", "message": "Shorter"}));
        assert!(out["error"].as_str().unwrap().starts_with("invalid_input: session_id"));
        let (status, out) = run_with(&mut t, "send_video_agent_message", &[("HEYGEN_API_KEY", "key-1")], json!({"session_id": "s1", "message": "Shorter"}));
        assert_eq!((status, out), (200, json!({"success": true, "error": null, "session_id": "s 1", "run_id": "r1"})));
        assert_eq!(t.sent[0].path, "/v3/video-agents/s1");
        assert_eq!(serde_json::from_slice::<serde_json::Value>(t.sent[0].body.as_deref().unwrap()).unwrap(), json!({"message": "Shorter"}));
    }
}
