//! Starts rendering a talking video straight from a photo: the person in an
//! image (a public https URL or an uploaded asset) speaks a script. v3 only:
//! `POST /v3/videos` with `type: image`, under an `Idempotency-Key`.

use crate::prelude::*;
use serde_json::json;

use super::create_talking_photo::{TalkingStyle, add_v3_options};
use super::{Action, Kind, Toolset};
use crate::api::CreatedVideo;
use crate::api::render::Render;
use crate::media::{ImageType, image};
use crate::api::{Tracking, v3};
use crate::call::Call;
use crate::checks::{check_https_url, check_id, check_text};
use crate::error::Error;
use crate::limits::{MAX_MOTION_PROMPT_CHARS, MAX_SCRIPT_CHARS_V3};
use crate::outbound::HttpRequest;

arguments! {
    /// Arguments of `create_talking_photo_from_image`.
    pub struct Args {
        /// Public https URL of the photo (or `image_asset_id`).
        pub image_url: Option<String>,
        /// Id of an uploaded image asset (or `image_url`).
        pub image_asset_id: Option<String>,
        /// The photo's bytes, base64.
        pub image_base64: Option<String>,
        /// The kind of image in `image_base64`.
        pub image_media_type: Option<ImageType>,
        /// Script to speak (or `audio_url`/`audio_asset_id`).
        pub input_text: Option<String>,
        /// Voice id (with `input_text`).
        pub voice_id: Option<String>,
        /// Audio to lip-sync, https (in place of a script and voice).
        pub audio_url: Option<String>,
        /// Id of an uploaded audio asset (in place of a script and voice).
        pub audio_asset_id: Option<String>,
        /// Burn in captions.
        pub caption: Option<bool>,
        /// Motion style.
        pub talking_style: Option<TalkingStyle>,
        /// Remove the background.
        pub matting: Option<bool>,
        /// How the photo should move, in words.
        pub motion_prompt: Option<String>,
        /// The new video's title.
        pub title: Option<String>,
        /// An https URL HeyGen calls when the render ends.
        pub callback_url: Option<String>,
        /// An id HeyGen echoes in that call and in webhook deliveries.
        pub callback_id: Option<String>,
        /// The caller's `Idempotency-Key` for this create (v3 only).
        pub idempotency_key: Option<String>,
        /// `720p`, `1080p` or `4k` (v3 only).
        pub resolution: Option<String>,
        /// `16:9`, `9:16`, `4:5`, `5:4`, `1:1` or `auto` (v3 only).
        pub aspect_ratio: Option<String>,
        /// `mp4` or `webm` (v3 only).
        pub output_format: Option<String>,
        /// A background colour, `#RRGGBB` (v3 only).
        pub background_color: Option<String>,
        /// A background image, https (v3 only).
        pub background_image_url: Option<String>,
        /// Voice speed, 0.5 to 1.5 (v3 only).
        pub voice_speed: Option<f64>,
        /// Voice pitch, -50 to 50 (v3 only).
        pub voice_pitch: Option<f64>,
        /// Voice accent, a locale (v3 only).
        pub voice_locale: Option<String>,
    }
}

/// `create_talking_photo_from_image`.
pub struct CreateTalkingPhotoFromImage;

impl Action for CreateTalkingPhotoFromImage {
    const NAME: &'static str = "create_talking_photo_from_image";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"image_url":"https://images.example.com/portrait.jpg","input_text":"Hello from a photo.","voice_id":"5eed0000a1b2c3d4e5f6000000000000"}"#;
    const ON_V3: &'static str = r#"`POST /v3/videos` `{"type":"image","image":{"type":"url","url"} or {"type":"asset_id","asset_id"} or {"type":"base64","media_type","data"},"script","voice_id"}` (or `audio_url`/`audio_asset_id` in place of the script and voice) + `caption`, `expressiveness`, `remove_background`, `motion_prompt`, `title`, `callback_url`, `callback_id`, `resolution`, `aspect_ratio`, `output_format`, `background`, `voice_settings` as given; `Idempotency-Key`: the caller's `idempotency_key`, else a fresh one, the same on every retry"#;
    const V3_ONLY: bool = true;
    const TAKES_FILES: bool = true;
    type Args = Args;
    type Output = CreatedVideo;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<CreatedVideo, Error> {
        let request = request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        v3::create(call, request)
    }
}

/// `POST /v3/videos`: `{"type": "image", "image": {url or asset_id}, "script",
/// "voice_id", …}` with only the options given.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let image = image(
        args.image_url.as_deref(),
        args.image_asset_id.as_deref(),
        args.image_base64.as_deref(),
        args.image_media_type,
    )?;
    let mut body = json!({"type": "image", "image": image});
    match (&args.input_text, &args.voice_id, &args.audio_url, &args.audio_asset_id) {
        (Some(script), Some(voice), None, None) => {
            body["script"] = json!(check_text("input_text", script, MAX_SCRIPT_CHARS_V3)?);
            body["voice_id"] = json!(check_id("voice_id", voice)?);
        }
        (None, None, Some(url), None) => body["audio_url"] = json!(check_https_url("audio_url", url)?),
        (None, None, None, Some(id)) => body["audio_asset_id"] = json!(check_id("audio_asset_id", id)?),
        _ => {
            return Err(Error::InvalidInput(
                "give input_text with voice_id, or else one of audio_url and audio_asset_id (the photo then lip-syncs that audio)".into(),
            ));
        }
    }
    add_v3_options(&mut body, args.caption, args.talking_style, args.matting);
    if let Some(prompt) = &args.motion_prompt {
        body["motion_prompt"] =
            json!(check_text("motion_prompt", prompt, MAX_MOTION_PROMPT_CHARS)?);
    }
    let tracking = Tracking {
        title: args.title.as_deref(),
        callback_url: args.callback_url.as_deref(),
        callback_id: args.callback_id.as_deref(),
    };
    tracking.add_v3(&mut body)?;
    let render = Render {
        resolution: args.resolution.as_deref(),
        aspect_ratio: args.aspect_ratio.as_deref(),
        output_format: args.output_format.as_deref(),
        background_color: args.background_color.as_deref(),
        background_image_url: args.background_image_url.as_deref(),
        voice_speed: args.voice_speed,
        voice_pitch: args.voice_pitch,
        voice_locale: args.voice_locale.as_deref(),
    };
    render.add_v3(&mut body)?;
    Ok(HttpRequest::post_json("/v3/videos", &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::read_args;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::port::TransportError;
    use serde_json::Value;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    fn body(args: Value) -> Result<Value, String> {
        let args: Args = read_args(&args).map_err(|e| e.to_string())?;
        request(&args)
            .map(|req| serde_json::from_slice(req.body.as_ref().unwrap()).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn url_or_asset_with_only_the_options_given() {
        assert_eq!(
            body(json!({"image_url": "https://i.example/p.jpg", "input_text": "Hi", "voice_id": "v1"})),
            Ok(json!({"type": "image", "image": {"type": "url", "url": "https://i.example/p.jpg"},
                      "script": "Hi", "voice_id": "v1"}))
        );
        assert_eq!(
            body(json!({"image_asset_id": " as_1 ", "input_text": "Hi", "voice_id": "v1", "caption": true,
                        "talking_style": "expressive", "matting": true, "motion_prompt": "nods",
                        "title": "T", "callback_url": "https://h.example/cb", "callback_id": "c1"})),
            Ok(json!({"type": "image", "image": {"type": "asset_id", "asset_id": "as_1"},
                      "script": "Hi", "voice_id": "v1", "caption": {"style": "default"},
                      "expressiveness": "high", "remove_background": true, "motion_prompt": "nods",
                      "title": "T", "callback_url": "https://h.example/cb", "callback_id": "c1"}))
        );
    }

    #[test]
    fn audio_in_place_of_a_script_and_the_render_options() {
        assert_eq!(
            body(json!({"image_asset_id": "a", "audio_asset_id": "au_1", "resolution": "4k", "background_image_url": "https://b.example/bg.png", "voice_speed": 1.1})),
            Ok(json!({"type": "image", "image": {"type": "asset_id", "asset_id": "a"}, "audio_asset_id": "au_1",
                      "resolution": "4k", "background": {"type": "image", "url": "https://b.example/bg.png"},
                      "voice_settings": {"speed": 1.1}}))
        );
        let err = body(json!({"image_asset_id": "a", "audio_url": "https://a.example/a.mp3", "engine": "avatar_iv"})).unwrap_err();
        assert!(err.contains("unknown field `engine`"), "{err}");
    }

    #[test]
    fn exactly_one_https_image_and_the_v3_limits() {
        for (args, needle) in [
            (json!({"input_text": "Hi", "voice_id": "v"}), "image_url (a public https URL"),
            (
                json!({"image_url": "https://i.example/p.jpg", "image_asset_id": "a", "input_text": "Hi", "voice_id": "v"}),
                "exactly one of",
            ),
            (json!({"image_asset_id": "a", "input_text": "Hi"}), "give input_text with voice_id"),
            (json!({"image_asset_id": "a", "input_text": "Hi", "voice_id": "v", "audio_url": "https://a.example/a.mp3"}), "give input_text with voice_id"),
            (json!({"image_url": "http://i.example/p.jpg", "input_text": "Hi", "voice_id": "v"}), "image_url must be an https:// URL"),
            (json!({"image_asset_id": "a/b", "input_text": "Hi", "voice_id": "v"}), "image_asset_id must be a plain id"),
            (json!({"image_asset_id": "a", "input_text": "x".repeat(5_001), "voice_id": "v"}), "limit on this API generation is 5000"),
            (json!({"image_asset_id": "a", "input_text": "Hi", "voice_id": "v", "motion_prompt": " "}), "motion_prompt must not be blank"),
            (json!({"image_asset_id": "a", "input_text": "Hi", "voice_id": "v", "scale": 1.0}), "unknown field `scale`"),
        ] {
            let err = body(args).unwrap_err();
            assert!(err.starts_with("invalid_input: ") && err.contains(needle), "{err}");
        }
    }

    #[test]
    fn a_lost_answer_is_retried_under_one_key_and_legacy_sends_nothing() {
        let created = r#"{"data":{"video_id":"v9","status":"waiting","output_format":"mp4"}}"#;
        let mut t = Scripted::new([Err(TransportError::TimedOut("slow".into())), answer(200, created, &[])]);
        let args: Value = serde_json::from_str(CreateTalkingPhotoFromImage::EXAMPLE).unwrap();
        let (status, out) = run_with(&mut t, CreateTalkingPhotoFromImage::NAME, &KEY, args.clone());
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "video_id": "v9", "status": "waiting"}))
        );
        assert_eq!(t.sent.len(), 2);
        assert_eq!(t.sent[0].headers, t.sent[1].headers);
        let mut t = Scripted::new([]);
        let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")];
        let (_, out) = run_with(&mut t, CreateTalkingPhotoFromImage::NAME, &vars, args);
        assert!(out["error"].as_str().unwrap().starts_with("unsupported: "));
        assert!(t.sent.is_empty());
    }
}
