//! Lists the templates usable through the API. v3 only: `GET /v3/templates`,
//! 100 per page, paged to the end.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::args::NoArgs;
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::{MAX_TEMPLATE_PAGES, TEMPLATES_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

/// One template.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateInfo {
    /// The id `get_template` and `create_video_from_template` take.
    pub template_id: String,
    /// Display name.
    pub name: Option<String>,
    /// e.g. `16:9`.
    pub aspect_ratio: Option<String>,
    /// Link of a thumbnail image.
    pub thumbnail_url: Option<String>,
}

/// Output of `list_templates`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The templates; empty on failure.
    pub templates: Vec<TemplateInfo>,
}

/// `list_templates`.
pub struct ListTemplates;

impl Action for ListTemplates {
    const NAME: &'static str = "list_templates";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = r#"`GET /v3/templates?limit=100`, every page (at most 50); `template_id` from `id`"#;
    const V3_ONLY: bool = true;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let templates = call.all_pages(&request, page, MAX_TEMPLATE_PAGES)?;
        Ok(Output { templates })
    }
}

/// `GET /v3/templates?limit=100[&token]`.
fn request(token: Option<&str>) -> HttpRequest {
    let req =
        HttpRequest::get("/v3/templates").with_query("limit", TEMPLATES_PAGE_SIZE.to_string());
    v3::with_token(req, token)
}

/// A page of templates; a template without an `id` is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<TemplateInfo>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item| {
            Some(TemplateInfo {
                template_id: text(item, "id")?,
                name: text(item, "name"),
                aspect_ratio: text(item, "aspect_ratio"),
                thumbnail_url: text(item, "thumbnail_url"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "a template without an `id`"))?;
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
    fn requests_and_pages() {
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(request(None).path_and_query(&base), "/v3/templates?limit=100");
        assert_eq!(
            request(Some("p2")).path_and_query(&base),
            "/v3/templates?limit=100&token=p2"
        );
        let read = page(&response(
            200,
            r#"{"data":[{"id":"tpl1","name":"Welcome","thumbnail_url":"https://x/t.jpg","aspect_ratio":"16:9",
                         "created_at":1,"updated_at":2}],"has_more":false,"next_token":null}"#,
        ))
        .unwrap();
        assert_eq!(
            read.items,
            vec![TemplateInfo {
                template_id: "tpl1".into(),
                name: Some("Welcome".into()),
                aspect_ratio: Some("16:9".into()),
                thumbnail_url: Some("https://x/t.jpg".into())
            }]
        );
        assert!(page(&response(200, r#"{"data":[{"name":"x"}],"has_more":false}"#)).is_err());
    }
}
