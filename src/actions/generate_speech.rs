//! Synthesizes speech with a voice, to hear it before a render. v3 only:
//! `POST /v3/voices/speech`, sent once ([`Effect::Once`]): HeyGen documents no
//! `Idempotency-Key` for it.

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, number, text, v3};
use crate::call::Call;
use crate::checks::{check_id, check_range, check_text};
use crate::error::Error;
use crate::limits::{MAX_LANGUAGE_CHARS, MAX_SPEECH_CHARS};
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `generate_speech`.
    pub struct Args {
        /// What the voice says.
        pub text: String,
        /// Voice id.
        pub voice_id: String,
        /// Speaking speed (0.5 to 1.5).
        pub speed: Option<f64>,
        /// The language to speak.
        pub language: Option<String>,
        /// The accent, as a locale.
        pub locale: Option<String>,
    }
}

/// Output of `generate_speech`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// Where to download the audio.
    pub audio_url: Option<String>,
    /// Its length in seconds.
    pub duration: Option<f64>,
}

/// `generate_speech`.
pub struct GenerateSpeech;

impl Action for GenerateSpeech {
    const NAME: &'static str = "generate_speech";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Audio;
    const EXAMPLE: &'static str = r#"{"text":"Hello, this is how I sound.","voice_id":"5eed0000a1b2c3d4e5f6000000000000"}"#;
    const ON_V3: &'static str = r#"`POST /v3/voices/speech` `{"text","voice_id"[,"speed","language","locale"]}` → `audio_url`, `duration`; sent once (repeated only when it never left or got 429)"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let mut body = json!({
            "text": check_text("text", &args.text, MAX_SPEECH_CHARS)?,
            "voice_id": check_id("voice_id", &args.voice_id)?,
        });
        if let Some(speed) = args.speed {
            body["speed"] = json!(check_range("speed", speed, (0.5, 1.5), "0.5 to 1.5 (1.0 is the default)")?);
        }
        for (field, value) in [("language", &args.language), ("locale", &args.locale)] {
            if let Some(value) = value {
                body[field] = json!(check_text(field, value.trim(), MAX_LANGUAGE_CHARS)?);
            }
        }
        call.start_create("speech", None)?;
        let resp = call.exchange(HttpRequest::post_json("/v3/voices/speech", &body), Effect::Once)?;
        call.after_create(parse(&resp))
    }
}

/// `data.audio_url` (required) and `data.duration`.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let audio_url =
        text(&data, "audio_url").ok_or_else(|| bad_response(resp, "no `audio_url` in `data`"))?;
    Ok(Output {
        audio_url: Some(audio_url),
        duration: number(&data, "duration"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::Value;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn sends_only_what_is_given_and_reads_the_audio() {
        let made = r#"{"data":{"audio_url":"https://a.example/s.mp3","duration":1.5,"request_id":null,"word_timestamps":null}}"#;
        let mut t = Scripted::new([answer(200, made, &[])]);
        let args = json!({"text": "Hi", "voice_id": "v1", "speed": 1.25, "locale": "en-US"});
        let (status, out) = run_with(&mut t, GenerateSpeech::NAME, &KEY, args);
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "audio_url": "https://a.example/s.mp3", "duration": 1.5}))
        );
        let body: Value = serde_json::from_slice(t.sent[0].body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"text": "Hi", "voice_id": "v1", "speed": 1.25, "locale": "en-US"}));
        for args in [
            json!({"text": "Hi", "voice_id": "v1", "speed": 1.6}),
            json!({"text": " ", "voice_id": "v1"}),
            json!({"text": "Hi", "voice_id": "v1", "language": ""}),
        ] {
            let mut t = Scripted::new([]);
            let (status, _) = run_with(&mut t, GenerateSpeech::NAME, &KEY, args);
            assert_eq!((status, t.sent.len()), (400, 0));
        }
    }
}
