//! Starts translating a video into other languages (one translation per
//! language). v3 only: `POST /v3/video-translations`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Action, Kind, Toolset};
use crate::api::{Tracking, bad_response, media, v3};
use crate::call::Call;
use crate::checks::{check_text, whole_number};
use crate::error::Error;
use crate::limits::{MAX_LANGUAGE_CHARS, MAX_OUTPUT_LANGUAGES, MAX_SPEAKERS};
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

one_of! {
    /// How a translation or a lipsync trades time for quality.
    pub enum RenderMode {
        /// Faster.
        Speed = "speed",
        /// Closer lip movement.
        Precision = "precision",
    }
}

arguments! {
    /// Arguments of `translate_video`.
    pub struct Args {
        /// The video, as an https URL.
        pub video_url: Option<String>,
        /// The video, as an asset id.
        pub video_asset_id: Option<String>,
        /// The languages to translate into.
        pub output_languages: Vec<String>,
        /// The language spoken in the video.
        pub input_language: Option<String>,
        /// `speed` or `precision`.
        pub mode: Option<RenderMode>,
        /// How many people speak (1 to 10), read by [`whole_number`].
        pub speaker_num: Option<Value>,
        /// Translate the voice only.
        pub translate_audio_only: Option<bool>,
        /// Make captions too.
        pub enable_caption: Option<bool>,
        /// A title.
        pub title: Option<String>,
        /// An https URL HeyGen calls when each translation ends.
        pub callback_url: Option<String>,
        /// An id HeyGen echoes.
        pub callback_id: Option<String>,
        /// The caller's `Idempotency-Key`.
        pub idempotency_key: Option<String>,
    }
}

/// Output of `translate_video`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// One id per output language.
    pub video_translation_ids: Vec<String>,
}

/// `translate_video`.
pub struct TranslateVideo;

impl Action for TranslateVideo {
    const NAME: &'static str = "translate_video";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Translation;
    const EXAMPLE: &'static str = r#"{"video_url":"https://videos.example.com/launch.mp4","output_languages":["Spanish","German"]}"#;
    const ON_V3: &'static str = r#"`POST /v3/video-translations` `{"video":{"type":"url"|"asset_id",…},"output_languages"[,"input_language","mode","speaker_num","translate_audio_only","enable_caption","title","callback_url","callback_id"]}`, with an `Idempotency-Key` (the caller's, else a fresh one); sent once"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let request = request(args)?;
        call.start_create("translation", args.idempotency_key.as_deref())?;
        // HeyGen does not document that it honours the key here: an attempt
        // that may have reached it is not repeated (`Effect::Create`).
        let resp = call.exchange(request, Effect::Create)?;
        call.after_create(parse(&resp, args.output_languages.len()))
    }
}

/// `POST /v3/video-translations` with every argument given.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let video = media(
        ("video_url", args.video_url.as_deref()),
        ("video_asset_id", args.video_asset_id.as_deref()),
    )?;
    let languages = &args.output_languages;
    if languages.is_empty() || languages.len() > MAX_OUTPUT_LANGUAGES {
        return Err(Error::InvalidInput(format!(
            "output_languages must list 1 to {MAX_OUTPUT_LANGUAGES} languages (see list_translation_languages)"
        )));
    }
    let languages = languages
        .iter()
        .map(|l| check_text("output_languages", l, MAX_LANGUAGE_CHARS))
        .collect::<Result<Vec<_>, _>>()?;
    let mut body = json!({"video": video, "output_languages": languages});
    if let Some(language) = &args.input_language {
        body["input_language"] = json!(check_text("input_language", language, MAX_LANGUAGE_CHARS)?);
    }
    if let Some(mode) = args.mode {
        body["mode"] = json!(mode.as_str());
    }
    if args.speaker_num.as_ref().is_some_and(|n| !n.is_null()) {
        let speakers = whole_number("speaker_num", args.speaker_num.as_ref(), (1, MAX_SPEAKERS), 1)?;
        body["speaker_num"] = json!(speakers);
    }
    if let Some(only) = args.translate_audio_only {
        body["translate_audio_only"] = json!(only);
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
    Ok(HttpRequest::post_json("/v3/video-translations", &body))
}

/// The new translations' ids: one per language asked for.
fn parse(resp: &HttpResponse, asked: usize) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let ids: Vec<String> = data["video_translation_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();
    if ids.len() != asked {
        return Err(bad_response(
            resp,
            format!("{} translation ids for {asked} languages", ids.len()),
        ));
    }
    Ok(Output {
        video_translation_ids: ids,
    })
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "key-1")];

    #[test]
    fn sends_the_video_and_languages_and_reads_one_id_each() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"video_translation_ids":["t1","t2"]}}"#, &[])]);
        let args = json!({"video_asset_id": "a1", "output_languages": ["Spanish", "German"], "mode": "precision", "speaker_num": 2, "enable_caption": true});
        let (status, out) = run_with(&mut t, "translate_video", &KEY, args);
        assert_eq!((status, out), (200, json!({"success": true, "error": null, "video_translation_ids": ["t1", "t2"]})));
        assert_eq!(serde_json::from_slice::<serde_json::Value>(t.sent[0].body.as_deref().unwrap()).unwrap(), json!({
            "video": {"type": "asset_id", "asset_id": "a1"}, "output_languages": ["Spanish", "German"],
            "mode": "precision", "speaker_num": 2, "enable_caption": true}));
    }

    #[test]
    fn exactly_one_video_and_some_languages() {
        let mut t = Scripted::new([]);
        for (args, needle) in [
            (json!({"output_languages": ["Spanish"]}), "give one of video_url"),
            (json!({"video_url": "https://x/v.mp4", "video_asset_id": "a", "output_languages": ["Spanish"]}), "not both"),
            (json!({"video_url": "https://x/v.mp4", "output_languages": []}), "output_languages must list"),
            (json!({"video_url": "https://x/v.mp4", "output_languages": ["Spanish"], "speaker_num": 11}), "speaker_num"),
        ] {
            let (status, out) = run_with(&mut t, "translate_video", &KEY, args);
            assert_eq!(status, 400);
            assert!(out["error"].as_str().unwrap().contains(needle), "{out}");
        }
        assert!(t.sent.is_empty());
    }
}
