//! Starts rendering a talking-photo video: a photo avatar speaks a script in
//! a voice. v3: `POST /v3/videos` (`type: avatar`); legacy:
//! `POST /v2/video/generate` with one talking-photo scene.

use crate::prelude::*;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::render::{Render, choice};
use crate::api::CreatedVideo;
use crate::api::{Tracking, legacy, v3};
use crate::call::Call;
use crate::checks::{check_id, check_scale, check_text};
use crate::error::Error;
use crate::limits::{MAX_SCRIPT_CHARS_LEGACY, MAX_SCRIPT_CHARS_V3};
use crate::outbound::HttpRequest;

one_of! {
    /// Crop of a talking photo.
    pub enum TalkingPhotoStyle {
        /// Square crop (HeyGen's default).
        Square = "square",
        /// Circular crop.
        Circle = "circle",
    }
}

one_of! {
    /// Motion style of a talking photo.
    pub enum TalkingStyle {
        /// Calm motion.
        Stable = "stable",
        /// Lively motion.
        Expressive = "expressive",
    }
}

one_of! {
    /// Facial expression of a talking photo.
    pub enum Expression {
        /// Neutral (HeyGen's default).
        Default = "default",
        /// Smiling.
        Happy = "happy",
    }
}

arguments! {
    /// Arguments of `create_talking_photo`.
    pub struct Args {
        /// Talking photo (v3: photo avatar look) id.
        pub talking_photo_id: String,
        /// Script to speak.
        pub input_text: String,
        /// Voice id.
        pub voice_id: String,
        /// Legacy test mode.
        pub test: Option<bool>,
        /// Burn in captions.
        pub caption: Option<bool>,
        /// Photo scale, 0.0 to 2.0.
        pub scale: Option<f64>,
        /// Crop style.
        pub talking_photo_style: Option<TalkingPhotoStyle>,
        /// Motion style.
        pub talking_style: Option<TalkingStyle>,
        /// Facial expression.
        pub expression: Option<Expression>,
        /// Enhance the photo.
        pub super_resolution: Option<bool>,
        /// Remove the background.
        pub matting: Option<bool>,
        /// The new video's title.
        pub title: Option<String>,
        /// An https URL HeyGen calls when the render ends (v3 only).
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
        /// The render engine: `avatar_iii`, `avatar_iv` or `avatar_v` (v3 only).
        pub engine: Option<String>,
    }
}

impl Args {
    fn render(&self) -> Render<'_> {
        Render {
            resolution: self.resolution.as_deref(),
            aspect_ratio: self.aspect_ratio.as_deref(),
            output_format: self.output_format.as_deref(),
            background_color: self.background_color.as_deref(),
            background_image_url: self.background_image_url.as_deref(),
            voice_speed: self.voice_speed,
            voice_pitch: self.voice_pitch,
            voice_locale: self.voice_locale.as_deref(),
        }
    }

    fn tracking(&self) -> Tracking<'_> {
        Tracking {
            title: self.title.as_deref(),
            callback_url: self.callback_url.as_deref(),
            callback_id: self.callback_id.as_deref(),
        }
    }
}

/// `create_talking_photo`.
pub struct CreateTalkingPhoto;

impl Action for CreateTalkingPhoto {
    const NAME: &'static str = "create_talking_photo";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str =
        r#"{"talking_photo_id":"tp_anna_office","input_text":"Hello from the plugin.","voice_id":"5eed0000a1b2c3d4e5f6000000000000"}"#;
    const ON_V3: &'static str = r#"`POST /v3/videos` `{"type":"avatar","avatar_id","script","voice_id"}` + `caption:{"style":"default"}`, `expressiveness` (stable→`low`, expressive→`high`), `remove_background` (matting), and as given `resolution`, `aspect_ratio`, `output_format`, `background` (`background_color` or `background_image_url`), `engine:{"type"}`, `voice_settings` (`voice_speed`, `voice_pitch`, `voice_locale`); `Idempotency-Key`: the caller's `idempotency_key`, else a fresh one, the same on every retry"#;
    const ON_LEGACY: &'static str = r#"`POST /v2/video/generate` with one talking-photo scene; every card option as given, unset ones left out (the v3 render options are refused); `status` is `null` (legacy answers carry none)"#;
    type Args = Args;
    type Output = CreatedVideo;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<CreatedVideo, Error> {
        let request = v3_request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        v3::create(call, request)
    }

    fn legacy(call: &mut Call<'_>, args: &Args) -> Result<CreatedVideo, Error> {
        let request = legacy_request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        legacy::create(call, request)
    }
}

/// The render engines `engine` names.
const ENGINES: &[&str] = &["avatar_iii", "avatar_iv", "avatar_v"];

/// `POST /v3/videos`: an avatar video of a photo avatar look.
fn v3_request(args: &Args) -> Result<HttpRequest, Error> {
    let avatar_id = check_id("talking_photo_id", &args.talking_photo_id)?;
    let script = check_text("input_text", &args.input_text, MAX_SCRIPT_CHARS_V3)?;
    let voice_id = check_id("voice_id", &args.voice_id)?;
    let scale = args.scale.map(check_scale).transpose()?;
    if args.test == Some(true) {
        return Err(v3::no_test_mode());
    }
    if scale.is_some_and(|s| s != 1.0) {
        return Err(v3::legacy_only("scale", "anything but 1.0"));
    }
    if args.talking_photo_style == Some(TalkingPhotoStyle::Circle) {
        return Err(v3::legacy_only("talking_photo_style", "circle"));
    }
    if args.expression == Some(Expression::Happy) {
        return Err(v3::legacy_only("expression", "happy"));
    }
    if args.super_resolution == Some(true) {
        return Err(v3::legacy_only("super_resolution", "true"));
    }
    let mut body = json!({
        "type": "avatar",
        "avatar_id": avatar_id,
        "script": script,
        "voice_id": voice_id,
    });
    add_v3_options(&mut body, args.caption, args.talking_style, args.matting);
    args.tracking().add_v3(&mut body)?;
    args.render().add_v3(&mut body)?;
    if let Some(engine) = &args.engine {
        body["engine"] = json!({"type": choice("engine", engine, ENGINES)?});
    }
    Ok(HttpRequest::post_json("/v3/videos", &body))
}

/// The options a v3 video of a photo shares with
/// `create_talking_photo_from_image`: captions in HeyGen's default style,
/// `expressiveness` (stable → low, expressive → high) and `remove_background`.
pub(crate) fn add_v3_options(
    body: &mut serde_json::Value,
    caption: Option<bool>,
    talking_style: Option<TalkingStyle>,
    matting: Option<bool>,
) {
    if caption == Some(true) {
        body["caption"] = json!({"style": "default"});
    }
    if let Some(style) = talking_style {
        body["expressiveness"] = json!(match style {
            TalkingStyle::Stable => "low",
            TalkingStyle::Expressive => "high",
        });
    }
    if let Some(matting) = matting {
        body["remove_background"] = json!(matting);
    }
}

/// `POST /v2/video/generate` with one talking-photo scene; options the caller
/// did not set are left out.
fn legacy_request(args: &Args) -> Result<HttpRequest, Error> {
    // Checked as on v3 first (a wrong value is named as such), then refused.
    args.render().add_v3(&mut json!({}))?;
    if let Some(engine) = &args.engine {
        choice("engine", engine, ENGINES)?;
    }
    let v3_option = args.render().first_given().or(args.engine.as_ref().map(|_| "engine"));
    if let Some(option) = v3_option {
        return Err(Error::Unsupported(format!(
            "{option} exists only on HeyGen v3: leave it unset, or ask the host's operator to set HEYGEN_API_VERSION=v3"
        )));
    }
    let id = check_id("talking_photo_id", &args.talking_photo_id)?;
    let script = check_text("input_text", &args.input_text, MAX_SCRIPT_CHARS_LEGACY)?;
    let voice_id = check_id("voice_id", &args.voice_id)?;
    let mut character = json!({"type": "talking_photo", "talking_photo_id": id});
    if let Some(scale) = args.scale {
        character["scale"] = json!(check_scale(scale)?);
    }
    if let Some(style) = args.talking_photo_style {
        character["talking_photo_style"] = json!(style.as_str());
    }
    if let Some(style) = args.talking_style {
        character["talking_style"] = json!(style.as_str());
    }
    if let Some(expression) = args.expression {
        character["expression"] = json!(expression.as_str());
    }
    if let Some(on) = args.super_resolution {
        character["super_resolution"] = json!(on);
    }
    if let Some(on) = args.matting {
        character["matting"] = json!(on);
    }
    let voice = json!({"type": "text", "input_text": script, "voice_id": voice_id});
    let mut body = json!({"video_inputs": [{"character": character, "voice": voice}]});
    legacy::set_flags(&mut body, args.test, args.caption);
    args.tracking().add_legacy(&mut body)?;
    Ok(HttpRequest::post_json("/v2/video/generate", &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::read_args;
    use serde_json::Value;

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_slice(req.body.as_ref().unwrap()).unwrap()
    }

    fn args(json: &str) -> Args {
        read_args(&serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn v3_minimal_body() {
        let req = v3_request(&args(
            r#"{"talking_photo_id":" tp1 ","input_text":"Hello","voice_id":"v1"}"#,
        ))
        .unwrap();
        assert_eq!(req.path, "/v3/videos");
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"tp1","script":"Hello","voice_id":"v1"})
        );
    }

    #[test]
    fn v3_maps_options_with_v3_equivalents() {
        let req = v3_request(&args(
            r#"{"talking_photo_id":"tp1","input_text":"Hi","voice_id":"v1","test":false,"caption":true,
                "scale":1.0,"talking_photo_style":"square","talking_style":"stable","expression":"default",
                "super_resolution":false,"matting":true}"#,
        ))
        .unwrap();
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"tp1","script":"Hi","voice_id":"v1",
                   "caption":{"style":"default"},"expressiveness":"low","remove_background":true})
        );
        let req = v3_request(&args(r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","caption":false,"talking_style":"expressive","matting":false}"#)).unwrap();
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"t","script":"Hi","voice_id":"v","expressiveness":"high","remove_background":false})
        );
    }

    #[test]
    fn v3_sends_the_render_options_given_and_legacy_refuses_them() {
        let req = v3_request(&args(
            r#"{"talking_photo_id":"tp1","input_text":"Hi","voice_id":"v1","engine":"avatar_iv","aspect_ratio":"1:1","voice_locale":"en-US","output_format":"mp4"}"#,
        ))
        .unwrap();
        assert_eq!(
            body(&req),
            json!({"type":"avatar","avatar_id":"tp1","script":"Hi","voice_id":"v1","engine":{"type":"avatar_iv"},
                   "aspect_ratio":"1:1","output_format":"mp4","voice_settings":{"locale":"en-US"}})
        );
        let err = v3_request(&args(r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","engine":"avatar_x"}"#)).unwrap_err();
        assert!(err.to_string().contains("engine must be one of avatar_iii, avatar_iv, avatar_v"), "{err}");
        let err = legacy_request(&args(r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","resolution":"720p"}"#)).unwrap_err();
        assert!(err.to_string().starts_with("unsupported: resolution exists only on HeyGen v3"), "{err}");
    }

    #[test]
    fn v3_refuses_legacy_only_options() {
        for (extra, needle) in [
            (r#""test":true"#, "test mode does not exist on HeyGen v3"),
            (r#""scale":1.5"#, "scale = anything but 1.0"),
            (
                r#""talking_photo_style":"circle""#,
                "talking_photo_style = circle",
            ),
            (r#""expression":"happy""#, "expression = happy"),
            (r#""super_resolution":true"#, "super_resolution = true"),
        ] {
            let json =
                format!(r#"{{"talking_photo_id":"t","input_text":"x","voice_id":"v",{extra}}}"#);
            let err = v3_request(&args(&json)).unwrap_err().to_string();
            assert!(
                err.starts_with("unsupported: ") && err.contains(needle),
                "{err}"
            );
        }
        let err = v3_request(&args(
            r#"{"talking_photo_id":"t","input_text":"x","voice_id":"v","scale":3}"#,
        ))
        .unwrap_err();
        assert!(err.to_string().starts_with("invalid_input: scale"));
    }

    #[test]
    fn legacy_minimal_and_full_bodies() {
        let req = legacy_request(&args(
            r#"{"talking_photo_id":"tp1","input_text":"Hello","voice_id":"v1"}"#,
        ))
        .unwrap();
        assert_eq!(req.path, "/v2/video/generate");
        assert_eq!(
            body(&req),
            json!({"video_inputs":[{"character":{"type":"talking_photo","talking_photo_id":"tp1"},
                                     "voice":{"type":"text","input_text":"Hello","voice_id":"v1"}}]})
        );
        let req = legacy_request(&args(
            r#"{"talking_photo_id":"tp1","input_text":"Hi","voice_id":"v1","test":true,"caption":false,"scale":0.5,
                "talking_photo_style":"circle","talking_style":"expressive","expression":"happy",
                "super_resolution":true,"matting":false}"#,
        ))
        .unwrap();
        assert_eq!(
            body(&req),
            json!({"test":true,"caption":false,"video_inputs":[{
                "character":{"type":"talking_photo","talking_photo_id":"tp1","scale":0.5,"talking_photo_style":"circle",
                             "talking_style":"expressive","expression":"happy","super_resolution":true,"matting":false},
                "voice":{"type":"text","input_text":"Hi","voice_id":"v1"}}]})
        );
    }

    #[test]
    fn title_and_callbacks_on_each_generation() {
        let json = r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","title":"Q3 update",
                       "callback_url":"https://hooks.example.com/heygen","callback_id":"job-42"}"#;
        assert_eq!(
            body(&v3_request(&args(json)).unwrap()),
            json!({"type":"avatar","avatar_id":"t","script":"Hi","voice_id":"v","title":"Q3 update",
                   "callback_url":"https://hooks.example.com/heygen","callback_id":"job-42"})
        );
        let err = legacy_request(&args(json)).unwrap_err().to_string();
        assert!(err.starts_with("unsupported: callback_url"), "{err}");
        let json = r#"{"talking_photo_id":"t","input_text":"Hi","voice_id":"v","title":"Q3","callback_id":"job-42"}"#;
        let legacy = body(&legacy_request(&args(json)).unwrap());
        assert_eq!((&legacy["title"], &legacy["callback_id"]), (&json!("Q3"), &json!("job-42")));
        for (extra, needle) in [
            (r#""callback_url":"http://hooks.example.com""#, "callback_url must be an https:// URL"),
            (r#""title":" ""#, "title must not be blank"),
            (r#""callback_id":"a\u0000b""#, "callback_id must not contain control"),
        ] {
            let json = format!(r#"{{"talking_photo_id":"t","input_text":"x","voice_id":"v",{extra}}}"#);
            for err in [v3_request(&args(&json)), legacy_request(&args(&json))] {
                let err = err.unwrap_err().to_string();
                assert!(err.starts_with("invalid_input: ") && err.contains(needle), "{err}");
            }
        }
    }

    #[test]
    fn each_generation_has_its_script_limit() {
        let long = Args {
            talking_photo_id: "t".into(),
            input_text: "x".repeat(MAX_SCRIPT_CHARS_LEGACY + 1),
            voice_id: "v".into(),
            ..Default::default()
        };
        let err = legacy_request(&long).unwrap_err().to_string();
        assert!(err.contains("limit on this API generation is 2000"), "{err}");
        assert!(v3_request(&long).is_ok());
        let longer = Args {
            input_text: "x".repeat(MAX_SCRIPT_CHARS_V3 + 1),
            ..long
        };
        let err = v3_request(&longer).unwrap_err().to_string();
        assert!(err.contains("limit on this API generation is 5000"), "{err}");
        assert!(
            v3_request(&Args {
                input_text: "é".repeat(MAX_SCRIPT_CHARS_V3),
                ..longer
            })
            .is_ok()
        );
    }
}
