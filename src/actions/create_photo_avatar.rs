//! Makes a photo avatar from one photo. v3 only: `POST /v3/avatars` with
//! `type: "photo"`. HeyGen documents its `Idempotency-Key` only for videos
//! and webhook endpoints, so the key is sent but the create is never repeated
//! after an answer was lost ([`Effect::Create`]).

use crate::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_text;
use crate::error::Error;
use crate::limits::MAX_AVATAR_NAME_CHARS;
use crate::media::{ImageType, image};
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `create_photo_avatar`.
    pub struct Args {
        /// The new avatar's name.
        pub name: String,
        /// Public https URL of the photo.
        pub image_url: Option<String>,
        /// Id of an uploaded photo.
        pub image_asset_id: Option<String>,
        /// The photo's bytes, base64.
        pub image_base64: Option<String>,
        /// The kind of image in `image_base64`.
        pub image_media_type: Option<ImageType>,
        /// The caller's `Idempotency-Key` for this create.
        pub idempotency_key: Option<String>,
    }
}

/// Output of `create_photo_avatar`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The new look's id.
    pub avatar_id: Option<String>,
    /// Its avatar group.
    pub avatar_group_id: Option<String>,
    /// HeyGen's status.
    pub status: Option<String>,
}

/// `create_photo_avatar`.
pub struct CreatePhotoAvatar;

impl Action for CreatePhotoAvatar {
    const NAME: &'static str = "create_photo_avatar";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Avatars;
    const TAKES_FILES: bool = true;
    const EXAMPLE: &'static str = r#"{"name":"Ada","image_url":"https://images.example.com/portrait.jpg"}"#;
    const ON_V3: &'static str = r#"`POST /v3/avatars` `{"type":"photo","name","file":{"type":"url","url"} or {"type":"asset_id","asset_id"} or {"type":"base64","media_type","data"}}`; `avatar_id` from `avatar_item.id`; `Idempotency-Key` sent (the caller's, else a fresh one), never repeated after a lost answer"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let name = check_text("name", &args.name, MAX_AVATAR_NAME_CHARS)?;
        let file = image(
            args.image_url.as_deref(),
            args.image_asset_id.as_deref(),
            args.image_base64.as_deref(),
            args.image_media_type,
        )?;
        let body = json!({"type": "photo", "name": name.trim(), "file": file});
        call.start_create("avatar", args.idempotency_key.as_deref())?;
        let resp = call.exchange(HttpRequest::post_json("/v3/avatars", &body), Effect::Create)?;
        call.after_create(parse(&resp))
    }
}

/// The new look: `data.avatar_item.id` (required), its `group_id` (or the
/// group's `id`) and `status`.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let item = &data["avatar_item"];
    let avatar_id =
        text(item, "id").ok_or_else(|| bad_response(resp, "no `avatar_item.id` in `data`"))?;
    Ok(Output {
        avatar_id: Some(avatar_id),
        avatar_group_id: text(item, "group_id").or_else(|| text(&data["avatar_group"], "id")),
        status: text(item, "status").or_else(|| text(&data["avatar_group"], "status")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::port::TransportError;
    use serde_json::Value;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];
    const CREATED: &str = r#"{"data":{"avatar_group":{"id":"ag_1","name":"Ada","created_at":1,"looks_count":1,"status":"processing"},
        "avatar_item":{"id":"look_1","name":"Ada","avatar_type":"photo_avatar","group_id":"ag_1","status":"processing"}}}"#;

    #[test]
    fn sends_the_photo_in_one_form_under_a_key_and_never_twice() {
        let mut t = Scripted::new([answer(200, CREATED, &[])]);
        let args = json!({"name": " Ada ", "image_asset_id": "as_1", "idempotency_key": "job-7"});
        let (status, out) = run_with(&mut t, CreatePhotoAvatar::NAME, &KEY, args);
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "avatar_id": "look_1", "avatar_group_id": "ag_1", "status": "processing"}))
        );
        let body: Value = serde_json::from_slice(t.sent[0].body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"type": "photo", "name": "Ada", "file": {"type": "asset_id", "asset_id": "as_1"}}));
        assert!(t.sent[0].headers.contains(&("Idempotency-Key".into(), "job-7".into())));
        let mut t = Scripted::new([Err(TransportError::TimedOut("slow".into())), answer(200, CREATED, &[])]);
        let args = json!({"name": "Ada", "image_url": "https://i.example/p.jpg", "idempotency_key": "job-8"});
        let (_, out) = run_with(&mut t, CreatePhotoAvatar::NAME, &KEY, args);
        let error = out["error"].as_str().unwrap();
        assert!(error.contains("may have created the avatar anyway") && error.contains("`job-8`"), "{error}");
        assert_eq!(t.sent.len(), 1);
    }

    #[test]
    fn exactly_one_photo_is_checked_before_sending() {
        for args in [
            json!({"name": "Ada"}),
            json!({"name": "Ada", "image_url": "https://i.example/p.jpg", "image_asset_id": "a"}),
            json!({"name": "Ada", "image_base64": "iVBORw0KGgo=", "image_media_type": "jpeg"}),
            json!({"name": "Ada", "image_base64": "iVBORw0KGgo="}),
            json!({"name": " ", "image_asset_id": "a"}),
        ] {
            let mut t = Scripted::new([]);
            let (status, out) = run_with(&mut t, CreatePhotoAvatar::NAME, &KEY, args);
            assert_eq!((status, t.sent.len()), (400, 0), "{out}");
        }
    }
}
