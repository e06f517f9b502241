//! Looks up one avatar look. v3 only: `GET /v3/avatars/looks/{look_id}`. A
//! failed avatar carries HeyGen's reason in `error` as `avatar_failed: …`.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, job_failure, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_avatar_look`.
    pub struct Args {
        /// The look's id.
        pub avatar_id: String,
    }
}

/// Output of `get_avatar_look`: the look.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The look's id.
    pub avatar_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// `studio_avatar`, `digital_twin` or `photo_avatar`.
    pub avatar_type: Option<String>,
    /// HeyGen's status.
    pub status: Option<String>,
    /// Its avatar group.
    pub avatar_group_id: Option<String>,
    /// Gender, as HeyGen gives it.
    pub gender: Option<String>,
    /// A still of the avatar.
    pub preview_image_url: Option<String>,
    /// HeyGen's suggested voice.
    pub default_voice_id: Option<String>,
    /// The engines it works with.
    pub supported_engines: Vec<String>,
    /// Why it failed (the card's `error`).
    #[serde(skip)]
    pub failure: Option<String>,
}

/// `get_avatar_look`.
pub struct GetAvatarLook;

impl Action for GetAvatarLook {
    const NAME: &'static str = "get_avatar_look";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Avatars;
    const EXAMPLE: &'static str = r#"{"avatar_id":"tp_anna_office"}"#;
    const ON_V3: &'static str = "`GET /v3/avatars/looks/{look_id}`: `avatar_id` from `id`, `avatar_group_id` from `group_id`, `supported_engines` from `supported_api_engines`; a `failed` one's `error` is `avatar_failed:` with HeyGen's `error.message`";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        read(call, &check_id("avatar_id", &args.avatar_id)?)
    }

    fn note(output: &Output) -> Option<String> {
        output.failure.clone()
    }
}

/// The look `id` (checked).
pub(crate) fn read(call: &mut Call<'_>, id: &str) -> Result<Output, Error> {
    let path = format!("/v3/avatars/looks/{}", encode_component(id));
    parse(&call.exchange(HttpRequest::get(path), Effect::Read)?)
}

fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let id = text(&data, "id").ok_or_else(|| bad_response(resp, "no `id` in `data`"))?;
    let status = text(&data, "status");
    let engines = data["supported_api_engines"].as_array().map_or_else(Vec::new, |list| {
        list.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect()
    });
    Ok(Output {
        failure: job_failure("avatar_failed", status.as_deref(), text(&data["error"], "message")),
        avatar_id: Some(id),
        name: text(&data, "name"),
        avatar_type: text(&data, "avatar_type"),
        status,
        avatar_group_id: text(&data, "group_id"),
        gender: text(&data, "gender"),
        preview_image_url: text(&data, "preview_image_url"),
        default_voice_id: text(&data, "default_voice_id"),
        supported_engines: engines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn reads_a_look_and_a_failed_one_says_why() {
        let look = r#"{"data":{"id":"look_1","name":"Ada","avatar_type":"photo_avatar","group_id":"ag_1","status":"completed",
            "gender":"female","preview_image_url":"https://p.example/1.jpg","default_voice_id":"v1","supported_api_engines":["avatar_iv","avatar_v"],"tags":[]}}"#;
        let failed = r#"{"data":{"id":"look_2","name":"Bo","avatar_type":"photo_avatar","status":"failed","error":{"code":"no_face","message":"No face found"}}}"#;
        let mut t = Scripted::new([answer(200, look, &[]), answer(200, failed, &[])]);
        let (status, out) = run_with(&mut t, GetAvatarLook::NAME, &KEY, json!({"avatar_id": "look_1"}));
        assert_eq!((status, t.sent[0].path.as_str()), (200, "/v3/avatars/looks/look_1"));
        assert_eq!(
            out,
            json!({"success": true, "error": null, "avatar_id": "look_1", "name": "Ada", "avatar_type": "photo_avatar",
                   "status": "completed", "avatar_group_id": "ag_1", "gender": "female", "preview_image_url": "https://p.example/1.jpg",
                   "default_voice_id": "v1", "supported_engines": ["avatar_iv", "avatar_v"]})
        );
        let (status, out) = run_with(&mut t, GetAvatarLook::NAME, &KEY, json!({"avatar_id": "look_2"}));
        assert_eq!((status, &out["success"], &out["error"]), (200, &json!(true), &json!("avatar_failed: No face found")));
        assert_eq!(out["supported_engines"], json!([]));
    }
}
