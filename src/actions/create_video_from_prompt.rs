//! Starts a Video Agent session that makes a finished video from a prompt.
//! v3 only: `POST /v3/video-agents`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::{Tracking, bad_response, files, text, v3};
use crate::call::Call;
use crate::checks::{check_id, check_text};
use crate::error::Error;
use crate::limits::MAX_PROMPT_CHARS;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

one_of! {
    /// How Video Agent works on a prompt.
    pub enum AgentMode {
        /// Make the video at once.
        Generate = "generate",
        /// Talk first.
        Chat = "chat",
    }
}

one_of! {
    /// The shape of a video.
    pub enum Orientation {
        /// Wider than tall.
        Landscape = "landscape",
        /// Taller than wide.
        Portrait = "portrait",
    }
}

arguments! {
    /// Arguments of `create_video_from_prompt`.
    pub struct Args {
        /// What the video should be.
        pub prompt: String,
        /// `generate` or `chat`.
        pub mode: Option<AgentMode>,
        /// Avatar look id.
        pub avatar_id: Option<String>,
        /// Voice id.
        pub voice_id: Option<String>,
        /// Style id.
        pub style_id: Option<String>,
        /// `landscape` or `portrait`.
        pub orientation: Option<Orientation>,
        /// Reference files, as https URLs.
        pub file_urls: Option<Vec<String>>,
        /// Reference files, as asset ids.
        pub file_asset_ids: Option<Vec<String>>,
        /// An https URL HeyGen calls when the video is ready.
        pub callback_url: Option<String>,
        /// An id HeyGen echoes.
        pub callback_id: Option<String>,
        /// The caller's `Idempotency-Key`.
        pub idempotency_key: Option<String>,
    }
}

/// Output of `create_video_from_prompt`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The session's id.
    pub session_id: Option<String>,
    /// Its status.
    pub status: Option<String>,
    /// The video's id, when there is one already.
    pub video_id: Option<String>,
}

/// `create_video_from_prompt`.
pub struct CreateVideoFromPrompt;

impl Action for CreateVideoFromPrompt {
    const NAME: &'static str = "create_video_from_prompt";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Agent;
    const EXAMPLE: &'static str = r#"{"prompt":"A 30-second welcome video for new customers of a bakery, warm and upbeat."}"#;
    const ON_V3: &'static str = r#"`POST /v3/video-agents` `{"prompt"[,"mode","avatar_id","voice_id","style_id","orientation","files":[{"type":"url"|"asset_id",…}],"callback_url","callback_id"]}`, with an `Idempotency-Key` (the caller's `idempotency_key`, else a fresh one); sent once"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let request = request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        // HeyGen does not document that it honours the key here: an attempt
        // that may have reached it is not repeated (`Effect::Create`).
        let resp = call.exchange(request, Effect::Create)?;
        call.after_create(parse(&resp))
    }
}

/// `POST /v3/video-agents` with every argument given.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let mut body = json!({"prompt": check_text("prompt", &args.prompt, MAX_PROMPT_CHARS)?});
    if let Some(mode) = args.mode {
        body["mode"] = json!(mode.as_str());
    }
    for (field, value) in [
        ("avatar_id", &args.avatar_id),
        ("voice_id", &args.voice_id),
        ("style_id", &args.style_id),
    ] {
        if let Some(id) = value {
            body[field] = json!(check_id(field, id)?);
        }
    }
    if let Some(orientation) = args.orientation {
        body["orientation"] = json!(orientation.as_str());
    }
    if let Some(files) = files(args.file_urls.as_deref(), args.file_asset_ids.as_deref())? {
        body["files"] = files;
    }
    let tracking = Tracking {
        title: None,
        callback_url: args.callback_url.as_deref(),
        callback_id: args.callback_id.as_deref(),
    };
    tracking.add_v3(&mut body)?;
    Ok(HttpRequest::post_json("/v3/video-agents", &body))
}

/// The new session from HeyGen's answer.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let session_id =
        text(&data, "session_id").ok_or_else(|| bad_response(resp, "no `session_id` in `data`"))?;
    Ok(Output {
        session_id: Some(session_id),
        status: text(&data, "status"),
        video_id: text(&data, "video_id"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "key-1")];

    #[test]
    fn sends_what_was_given_under_the_callers_key() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"session_id":"s1","status":"thinking","created_at":1}}"#, &[])]);
        let args = json!({"prompt": "A video", "mode": "chat", "orientation": "portrait",
            "file_urls": ["https://x.example/deck.pdf"], "file_asset_ids": ["a1"], "idempotency_key": "job-7"});
        let (status, out) = run_with(&mut t, "create_video_from_prompt", &KEY, args);
        assert_eq!(status, 200, "{out}");
        assert_eq!(out, json!({"success": true, "error": null, "session_id": "s1", "status": "thinking", "video_id": null}));
        let sent = &t.sent[0];
        assert_eq!(serde_json::from_slice::<serde_json::Value>(sent.body.as_deref().unwrap()).unwrap(), json!({
            "prompt": "A video", "mode": "chat", "orientation": "portrait",
            "files": [{"type": "url", "url": "https://x.example/deck.pdf"}, {"type": "asset_id", "asset_id": "a1"}]}));
        assert!(sent.headers.contains(&("Idempotency-Key".into(), "job-7".into())));
    }

    #[test]
    fn bad_input_and_a_bad_key_send_nothing_and_a_lost_answer_is_not_repeated() {
        let mut t = Scripted::new([answer(503, "", &[])]);
        for args in [
            json!({"prompt": " "}),
            json!({"prompt": "x", "file_urls": ["http://x"]}),
            json!({"prompt": "x", "file_urls": []}),
            json!({"prompt": "x", "idempotency_key": "no spaces allowed"}),
        ] {
            let (status, _) = run_with(&mut t, "create_video_from_prompt", &KEY, args);
            assert_eq!(status, 400);
        }
        assert!(t.sent.is_empty());
        let (_, out) = run_with(&mut t, "create_video_from_prompt", &KEY, json!({"prompt": "x", "idempotency_key": "job-8"}));
        assert_eq!(t.sent.len(), 1);
        let error = out["error"].as_str().unwrap();
        assert!(error.contains("may have created the video anyway") && error.contains("`job-8`"), "{error}");
    }
}
