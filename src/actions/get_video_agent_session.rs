//! Reads a Video Agent session. v3 only: `GET /v3/video-agents/{session_id}`.
//! A failed session has no failure field: its reason is the text of its
//! `type: error` messages, carried in `error` as `agent_failed: …`.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, job_failure, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::limits::AGENT_MESSAGES_SHOWN;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_video_agent_session`.
    pub struct Args {
        /// Session id.
        pub session_id: String,
    }
}

/// One message of a session.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgentMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// `text`, `resource` or `error`.
    pub r#type: String,
    /// What it says.
    pub content: String,
}

/// Output of `get_video_agent_session`: the session.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The session's id.
    pub session_id: Option<String>,
    /// HeyGen's status, passed through.
    pub status: Option<String>,
    /// 0 to 100.
    pub progress: u32,
    /// The video's title, once chosen.
    pub title: Option<String>,
    /// The video's id, once there is one.
    pub video_id: Option<String>,
    /// The newest messages, oldest first.
    pub messages: Vec<AgentMessage>,
    /// Why the session failed, when it did (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `get_video_agent_session`.
pub struct GetVideoAgentSession;

impl Action for GetVideoAgentSession {
    const NAME: &'static str = "get_video_agent_session";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Agent;
    const EXAMPLE: &'static str = r#"{"session_id":"va_0123456789abcdef"}"#;
    const ON_V3: &'static str = "`GET /v3/video-agents/{session_id}`: `status`, `progress` (0–100), `title`, `video_id` and the newest 20 `messages`; a `failed` session's `error` is `agent_failed:` with the text of its `type: error` messages";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        read(call, &check_id("session_id", &args.session_id)?)
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// The session `session_id` (checked).
pub(crate) fn read(call: &mut Call<'_>, session_id: &str) -> Result<Output, Error> {
    let path = format!("/v3/video-agents/{}", encode_component(session_id));
    parse(&call.exchange(HttpRequest::get(path), Effect::Read)?)
}

/// The session in HeyGen's answer.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let session_id =
        text(&data, "session_id").ok_or_else(|| bad_response(resp, "no `session_id` in `data`"))?;
    let all: Vec<AgentMessage> = data["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| AgentMessage {
            role: text(m, "role").unwrap_or_default(),
            r#type: text(m, "type").unwrap_or_default(),
            content: text(m, "content").unwrap_or_default(),
        })
        .collect();
    let status = text(&data, "status");
    let reasons: Vec<&str> = all
        .iter()
        .filter(|m| m.r#type == "error")
        .map(|m| m.content.as_str())
        .collect();
    let reason = (!reasons.is_empty()).then(|| reasons.join(" "));
    let failure = job_failure("agent_failed", status.as_deref(), reason);
    let skip = all.len().saturating_sub(AGENT_MESSAGES_SHOWN);
    Ok(Output {
        session_id: Some(session_id),
        status,
        progress: data["progress"].as_f64().map_or(0, |p| p.clamp(0.0, 100.0) as u32),
        title: text(&data, "title"),
        video_id: text(&data, "video_id"),
        messages: all.into_iter().skip(skip).collect(),
        failure,
    })
}

/// Whether a session has stopped: done, failed, or waiting for an answer.
pub(crate) fn stopped(output: &Output) -> bool {
    matches!(
        output.status.as_deref(),
        Some("completed" | "failed" | "waiting_for_input")
    )
}

/// `value` as an `Output`, for tests of other modules.
#[cfg(test)]
pub(crate) fn parse_value(value: &serde_json::Value) -> Output {
    let resp = crate::outbound::HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: value.to_string().into_bytes(),
    };
    parse(&resp).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    #[test]
    fn keeps_the_newest_twenty_messages_in_order_and_clamps_progress() {
        let messages: Vec<serde_json::Value> = (0..25)
            .map(|i| json!({"role": "assistant", "type": "text", "content": format!("m{i}")}))
            .collect();
        let out = parse_value(&json!({"data": {"session_id": "s1", "status": "generating", "progress": 140, "created_at": 1, "messages": messages}}));
        assert_eq!(out.progress, 100);
        assert_eq!(out.messages.len(), 20);
        assert_eq!((out.messages[0].content.as_str(), out.messages[19].content.as_str()), ("m5", "m24"));
    }

    #[test]
    fn a_failed_session_is_a_successful_call_with_its_error_messages() {
        let body = r#"{"data":{"session_id":"s1","status":"failed","progress":30,"created_at":1,"messages":[{"role":"user","type":"text","content":"make a video"},{"role":"assistant","type":"error","content":"The prompt breaks the content policy."}]}}"#;
        let mut t = Scripted::new([answer(200, body, &[])]);
        let (status, out) = run_with(&mut t, "get_video_agent_session", &[("HEYGEN_API_KEY", "key-1")], json!({"session_id": "s1"}));
        assert_eq!(status, 200);
        assert_eq!(out["success"], true);
        assert_eq!(out["error"], "agent_failed: The prompt breaks the content policy.");
        assert_eq!(out["messages"][1]["type"], "error");
        assert_eq!(t.sent[0].path, "/v3/video-agents/s1");
    }
}
