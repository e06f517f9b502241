//! Starts a lipsync: an existing video's lips moved to a new audio track.
//! v3 only: `POST /v3/lipsyncs`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::translate_video::RenderMode;
use super::{Action, Kind, Toolset};
use crate::api::{Tracking, bad_response, media, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `create_lipsync`.
    pub struct Args {
        /// The video, as an https URL.
        pub video_url: Option<String>,
        /// The video, as an asset id.
        pub video_asset_id: Option<String>,
        /// The audio, as an https URL.
        pub audio_url: Option<String>,
        /// The audio, as an asset id.
        pub audio_asset_id: Option<String>,
        /// `speed` or `precision`.
        pub mode: Option<RenderMode>,
        /// A title.
        pub title: Option<String>,
        /// Make captions too.
        pub enable_caption: Option<bool>,
        /// An https URL HeyGen calls when it ends.
        pub callback_url: Option<String>,
        /// An id HeyGen echoes.
        pub callback_id: Option<String>,
        /// The caller's `Idempotency-Key`.
        pub idempotency_key: Option<String>,
    }
}

/// Output of `create_lipsync`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The lipsync's id.
    pub lipsync_id: Option<String>,
}

/// `create_lipsync`.
pub struct CreateLipsync;

impl Action for CreateLipsync {
    const NAME: &'static str = "create_lipsync";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Lipsync;
    const EXAMPLE: &'static str = r#"{"video_url":"https://videos.example.com/launch.mp4","audio_url":"https://audio.example.com/launch-es.mp3"}"#;
    const ON_V3: &'static str = r#"`POST /v3/lipsyncs` `{"video":{"type":"url"|"asset_id",…},"audio":{…}[,"mode","title","enable_caption","callback_url","callback_id"]}`, with an `Idempotency-Key` (the caller's, else a fresh one); sent once"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let request = request(args)?;
        call.start_create("lipsync", args.idempotency_key.as_deref())?;
        // HeyGen does not document that it honours the key here: an attempt
        // that may have reached it is not repeated (`Effect::Create`).
        let resp = call.exchange(request, Effect::Create)?;
        call.after_create(parse(&resp))
    }
}

/// `POST /v3/lipsyncs` with every argument given.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let video = media(
        ("video_url", args.video_url.as_deref()),
        ("video_asset_id", args.video_asset_id.as_deref()),
    )?;
    let audio = media(
        ("audio_url", args.audio_url.as_deref()),
        ("audio_asset_id", args.audio_asset_id.as_deref()),
    )?;
    let mut body = json!({"video": video, "audio": audio});
    if let Some(mode) = args.mode {
        body["mode"] = json!(mode.as_str());
    }
    if let Some(caption) = args.enable_caption {
        body["enable_caption"] = json!(caption);
    }
    let tracking = Tracking {
        title: args.title.as_deref(),
        callback_url: args.callback_url.as_deref(),
        callback_id: args.callback_id.as_deref(),
    };
    tracking.add_v3(&mut body)?;
    Ok(HttpRequest::post_json("/v3/lipsyncs", &body))
}

fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let id = text(&data, "lipsync_id").ok_or_else(|| bad_response(resp, "no `lipsync_id` in `data`"))?;
    Ok(Output {
        lipsync_id: Some(id),
    })
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    #[test]
    fn sends_one_video_and_one_audio() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"lipsync_id":"l1"}}"#, &[])]);
        let key = [("HEYGEN_API_KEY", "key-1")];
        let (status, _) = run_with(&mut t, "create_lipsync", &key, json!({"video_url": "https://x/v.mp4"}));
        assert_eq!(status, 400);
        let args = json!({"video_url": "https://x/v.mp4", "audio_asset_id": "a1", "title": "Dub"});
        let (status, out) = run_with(&mut t, "create_lipsync", &key, args);
        assert_eq!((status, out), (200, json!({"success": true, "error": null, "lipsync_id": "l1"})));
        assert_eq!(serde_json::from_slice::<serde_json::Value>(t.sent[0].body.as_deref().unwrap()).unwrap(), json!({
            "video": {"type": "url", "url": "https://x/v.mp4"}, "audio": {"type": "asset_id", "asset_id": "a1"}, "title": "Dub"}));
    }
}
