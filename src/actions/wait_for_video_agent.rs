//! Waits, inside one call, until a Video Agent session stops: `completed`,
//! `failed` or `waiting_for_input`. The read of `get_video_agent_session`,
//! polled as [`crate::wait`] polls every job.

use crate::prelude::*;
use serde::Serialize;

use super::get_video_agent_session::{self, AgentMessage};
use super::{Action, Kind, Toolset};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;

arguments! {
    /// Arguments of `wait_for_video_agent`.
    pub struct Args {
        /// Session id.
        pub session_id: String,
        /// The most the call may take, in seconds (1 to 600; default 50).
        pub timeout_seconds: Option<serde_json::Value>,
    }
}

/// Output of `wait_for_video_agent`: the session, and whether the time ran
/// out first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The session's id.
    pub session_id: Option<String>,
    /// The last status seen.
    pub status: Option<String>,
    /// 0 to 100.
    pub progress: u32,
    /// The video's title.
    pub title: Option<String>,
    /// The video's id.
    pub video_id: Option<String>,
    /// The newest messages.
    pub messages: Vec<AgentMessage>,
    /// True when `timeout_seconds` ran out first.
    pub timed_out: bool,
    /// Why the session failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `wait_for_video_agent`.
pub struct WaitForVideoAgent;

impl Action for WaitForVideoAgent {
    const NAME: &'static str = "wait_for_video_agent";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Agent;
    const WAITS: bool = true;
    const EXAMPLE: &'static str = r#"{"session_id":"va_0123456789abcdef","timeout_seconds":2}"#;
    const ON_V3: &'static str = "`GET /v3/video-agents/{session_id}` (as `get_video_agent_session`), polled until `completed`, `failed` or `waiting_for_input`, within its own `timeout_seconds`; transient failures are waited out";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("session_id", &args.session_id)?;
        let waited = crate::wait::wait(
            call,
            args.timeout_seconds.as_ref(),
            &mut |call| get_video_agent_session::read(call, &id),
            get_video_agent_session::stopped,
        )?;
        let s = waited.state;
        Ok(Output {
            session_id: s.session_id,
            status: s.status,
            progress: s.progress,
            title: s.title,
            video_id: s.video_id,
            messages: s.messages,
            timed_out: waited.timed_out,
            failure: s.failure,
        })
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    fn session(status: &str) -> crate::retry::Outcome {
        answer(200, &format!(r#"{{"data":{{"session_id":"s1","status":"{status}","progress":50,"created_at":1,"messages":[]}}}}"#), &[])
    }

    #[test]
    fn stops_at_waiting_for_input_and_waits_out_a_rate_limit() {
        let limited = || answer(429, "", &[("retry-after", "3")]);
        let mut t = Scripted::new([session("thinking"), limited(), limited(), limited(), session("waiting_for_input")]);
        let (status, out) = run_with(&mut t, "wait_for_video_agent", &[("HEYGEN_API_KEY", "key-1")], json!({"session_id": "s1"}));
        assert_eq!(status, 200);
        assert_eq!((&out["status"], &out["timed_out"], &out["progress"]), (&json!("waiting_for_input"), &json!(false), &json!(50)));
        assert!(t.slept_ms.contains(&3_000), "{:?}", t.slept_ms);
    }
}
