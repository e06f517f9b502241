//! Starts rendering a talking video straight from a photo: the person in an
//! image (a public https URL or an uploaded asset) speaks a script. v3 only:
//! `POST /v3/videos` with `type: image`, under an `Idempotency-Key`.

use serde_json::json;

use super::create_talking_photo::{TalkingStyle, add_v3_options};
use super::{Action, Kind};
use crate::api::CreatedVideo;
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
        /// Script to speak.
        pub input_text: String,
        /// Voice id.
        pub voice_id: String,
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
    }
}

/// `create_talking_photo_from_image`.
pub struct CreateTalkingPhotoFromImage;

impl Action for CreateTalkingPhotoFromImage {
    const NAME: &'static str = "create_talking_photo_from_image";
    const KIND: Kind = Kind::Create;
    const EXAMPLE: &'static str = r#"{"image_url":"https://images.example.com/portrait.jpg","input_text":"Hello from a photo.","voice_id":"5eed0000a1b2c3d4e5f6000000000000"}"#;
    const ON_V3: &'static str = r#"`POST /v3/videos` `{"type":"image","image":{"type":"url","url"} or {"type":"asset_id","asset_id"},"script","voice_id"}` + `caption`, `expressiveness`, `remove_background`, `motion_prompt`, `title`, `callback_url`, `callback_id` as given; `Idempotency-Key`: the caller's `idempotency_key`, else a fresh one, the same on every retry"#;
    const V3_ONLY: bool = true;
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
    let image = match (&args.image_url, &args.image_asset_id) {
        (Some(url), None) => json!({"type": "url", "url": check_https_url("image_url", url)?}),
        (None, Some(id)) => {
            json!({"type": "asset_id", "asset_id": check_id("image_asset_id", id)?})
        }
        (Some(_), Some(_)) => {
            return Err(Error::InvalidInput(
                "give either image_url or image_asset_id, not both".into(),
            ));
        }
        (None, None) => {
            return Err(Error::InvalidInput(
                "image_url (a public https URL of the photo) or image_asset_id is required"
                    .into(),
            ));
        }
    };
    let script = check_text("input_text", &args.input_text, MAX_SCRIPT_CHARS_V3)?;
    let voice_id = check_id("voice_id", &args.voice_id)?;
    let mut body = json!({
        "type": "image",
        "image": image,
        "script": script,
        "voice_id": voice_id,
    });
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
    fn exactly_one_https_image_and_the_v3_limits() {
        for (args, needle) in [
            (json!({"input_text": "Hi", "voice_id": "v"}), "image_url (a public https URL"),
            (
                json!({"image_url": "https://i.example/p.jpg", "image_asset_id": "a", "input_text": "Hi", "voice_id": "v"}),
                "not both",
            ),
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
