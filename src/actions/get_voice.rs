//! Looks up one voice. v3 only: `GET /v3/voices/{voice_id}`.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_voice`.
    pub struct Args {
        /// Voice id.
        pub voice_id: String,
    }
}

/// Output of `get_voice`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The voice's id.
    pub voice_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Language, as HeyGen names it.
    pub language: Option<String>,
    /// Gender, as HeyGen gives it.
    pub gender: Option<String>,
    /// A sample to listen to.
    pub preview_audio_url: Option<String>,
    /// A cloned voice's state.
    pub status: Option<String>,
}

/// `get_voice`.
pub struct GetVoice;

impl Action for GetVoice {
    const NAME: &'static str = "get_voice";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = r#"{"voice_id":"5eed0000a1b2c3d4e5f6000000000000"}"#;
    const ON_V3: &'static str = "`GET /v3/voices/{voice_id}`: the voice's `name`, `language`, `gender`, `preview_audio_url` and (cloned voices) `status`";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("voice_id", &args.voice_id)?;
        let request = HttpRequest::get(format!("/v3/voices/{}", encode_component(&id)));
        parse(&call.exchange(request, Effect::Read)?)
    }
}

/// The voice in `GET /v3/voices/{id}`'s answer.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let voice_id =
        text(&data, "voice_id").ok_or_else(|| bad_response(resp, "no `voice_id` in `data`"))?;
    Ok(Output {
        voice_id: Some(voice_id),
        name: text(&data, "name"),
        language: text(&data, "language"),
        gender: text(&data, "gender"),
        preview_audio_url: text(&data, "preview_audio_url"),
        status: text(&data, "status"),
    })
}

#[cfg(test)]
mod tests {
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    #[test]
    fn reads_the_voice_and_leaves_out_what_heygen_does_not_give() {
        let mut t = Scripted::new([answer(
            200,
            r#"{"data":{"voice_id":"v 1","name":"Aria","language":"English","gender":"female","preview_audio_url":null,"support_pause":true,"status":null}}"#,
            &[],
        )]);
        let (status, out) = run_with(&mut t, "get_voice", &[("HEYGEN_API_KEY", "key-1")], json!({"voice_id": " v 1 "}));
        assert_eq!(status, 400, "{out}");
        assert!(t.sent.is_empty());
        let (status, out) = run_with(&mut t, "get_voice", &[("HEYGEN_API_KEY", "key-1")], json!({"voice_id": "v1"}));
        assert_eq!(status, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "voice_id": "v 1", "name": "Aria", "language": "English", "gender": "female", "preview_audio_url": null, "status": null})
        );
        assert_eq!(t.sent[0].path, "/v3/voices/v1");
    }

    #[test]
    fn an_answer_without_the_voice_is_a_bad_response() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"name":"x"}}"#, &[])]);
        let (_, out) = run_with(&mut t, "get_voice", &[("HEYGEN_API_KEY", "key-1")], json!({"voice_id": "v1"}));
        assert!(out["error"].as_str().unwrap().starts_with("bad_response: "), "{out}");
    }
}
