//! Lists avatar looks: the ids `create_talking_photo` takes as
//! `talking_photo_id`. v3 only: `GET /v3/avatars/looks`, 50 per page, paged
//! to the end.

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::{AVATARS_PAGE_SIZE, MAX_AVATAR_PAGES};
use crate::outbound::{HttpRequest, HttpResponse};

one_of! {
    /// What kind of avatar a look belongs to.
    pub enum AvatarType {
        /// A photo avatar (what the card calls a talking photo).
        PhotoAvatar = "photo_avatar",
        /// A studio avatar.
        StudioAvatar = "studio_avatar",
        /// A digital twin.
        DigitalTwin = "digital_twin",
    }
}

one_of! {
    /// Whose looks to list.
    pub enum Ownership {
        /// HeyGen's public looks.
        Public = "public",
        /// The account's own looks.
        Private = "private",
    }
}

arguments! {
    /// Arguments of `list_avatars`.
    pub struct Args {
        /// Only looks of this kind; every kind when unset.
        pub avatar_type: Option<AvatarType>,
        /// Only public or only private looks; both when unset.
        pub ownership: Option<Ownership>,
    }
}

/// One avatar look.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AvatarInfo {
    /// The look's id: what `talking_photo_id` takes.
    pub avatar_id: String,
    /// Display name.
    pub name: Option<String>,
    /// `photo_avatar`, `studio_avatar` or `digital_twin`.
    pub avatar_type: Option<String>,
    /// Gender, as HeyGen gives it.
    pub gender: Option<String>,
    /// Link of a preview image.
    pub preview_image_url: Option<String>,
    /// The voice HeyGen pairs with the look by default.
    pub default_voice_id: Option<String>,
}

/// Output of `list_avatars`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The looks; empty on failure.
    pub avatars: Vec<AvatarInfo>,
}

/// `list_avatars`.
pub struct ListAvatars;

impl Action for ListAvatars {
    const NAME: &'static str = "list_avatars";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = r#"{"avatar_type":"photo_avatar"}"#;
    const ON_V3: &'static str = r#"`GET /v3/avatars/looks?[avatar_type&][ownership&]limit=50`, every page (at most 100); `avatar_id` from `id`"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let avatars = call.all_pages(&|token| request(args, token), page, MAX_AVATAR_PAGES)?;
        Ok(Output { avatars })
    }
}

/// `GET /v3/avatars/looks?[avatar_type&][ownership&]limit=50[&token]`.
fn request(args: &Args, token: Option<&str>) -> HttpRequest {
    let mut req = HttpRequest::get("/v3/avatars/looks");
    if let Some(kind) = args.avatar_type {
        req = req.with_query("avatar_type", kind.as_str());
    }
    if let Some(ownership) = args.ownership {
        req = req.with_query("ownership", ownership.as_str());
    }
    v3::with_token(
        req.with_query("limit", AVATARS_PAGE_SIZE.to_string()),
        token,
    )
}

/// A page of looks; a look without an `id` is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<AvatarInfo>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item: &Value| {
            Some(AvatarInfo {
                avatar_id: text(item, "id")?,
                name: text(item, "name"),
                avatar_type: text(item, "avatar_type"),
                gender: text(item, "gender"),
                preview_image_url: text(item, "preview_image_url"),
                default_voice_id: text(item, "default_voice_id"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "an avatar look without an `id`"))?;
    Ok(Page {
        items,
        next_token: page.next_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;
    use crate::config::BaseUrl;

    #[test]
    fn requests_carry_the_filters() {
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(
            request(&Args::default(), None).path_and_query(&base),
            "/v3/avatars/looks?limit=50"
        );
        let args = Args {
            avatar_type: Some(AvatarType::DigitalTwin),
            ownership: Some(Ownership::Private),
        };
        assert_eq!(
            request(&args, Some("n/2")).path_and_query(&base),
            "/v3/avatars/looks?avatar_type=digital_twin&ownership=private&limit=50&token=n%2F2"
        );
    }

    #[test]
    fn reads_pages_of_looks() {
        let page = page(&response(
            200,
            r#"{"data":[{"id":"look1","name":"Anna","avatar_type":"photo_avatar","group_id":"g","gender":"female",
                         "preview_image_url":"https://x/a.jpg","default_voice_id":"v1","tags":[],"status":"ready"},
                        {"id":"look2","name":null}],"has_more":true,"next_token":"t2"}"#,
        ))
        .unwrap();
        assert_eq!(page.items[0].avatar_id, "look1");
        assert_eq!(page.items[0].default_voice_id.as_deref(), Some("v1"));
        assert_eq!(page.items[1].name, None);
        assert_eq!(page.next_token.as_deref(), Some("t2"));
        for bad in [
            r#"{"data":[{"name":"no id"}],"has_more":false}"#,
            r#"{"data":[1],"has_more":false}"#,
            r#"{"data":{"looks":[]}}"#,
        ] {
            assert!(super::page(&response(200, bad)).is_err(), "{bad}");
        }
    }
}
