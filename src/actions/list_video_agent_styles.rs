//! Lists the visual styles Video Agent can use. v3 only:
//! `GET /v3/video-agents/styles`, 100 per page, paged to the end.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_text;
use crate::error::Error;
use crate::limits::{MAX_ID_CHARS, MAX_STYLE_PAGES, STYLES_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

arguments! {
    /// Arguments of `list_video_agent_styles`.
    pub struct Args {
        /// Only styles with this tag.
        pub tag: Option<String>,
    }
}

/// One style.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgentStyle {
    /// The id `style_id` takes.
    pub style_id: String,
    /// Its name.
    pub name: String,
    /// e.g. `16:9`.
    pub aspect_ratio: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// A picture of it.
    pub thumbnail_url: Option<String>,
    /// A short video of it.
    pub preview_video_url: Option<String>,
}

/// Output of `list_video_agent_styles`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// Every style; empty on failure.
    pub styles: Vec<AgentStyle>,
}

/// `list_video_agent_styles`.
pub struct ListVideoAgentStyles;

impl Action for ListVideoAgentStyles {
    const NAME: &'static str = "list_video_agent_styles";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = "`GET /v3/video-agents/styles?[tag&]limit=100`, every page (at most 20); `tags` is `[]` when HeyGen gives none";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let tag = args
            .tag
            .as_deref()
            .map(|tag| check_text("tag", tag, MAX_ID_CHARS))
            .transpose()?;
        let build = |token: Option<&str>| {
            let mut req = HttpRequest::get("/v3/video-agents/styles");
            if let Some(tag) = &tag {
                req = req.with_query("tag", tag);
            }
            v3::with_token(req.with_query("limit", STYLES_PAGE_SIZE.to_string()), token)
        };
        let styles = call.all_pages(&build, page, MAX_STYLE_PAGES)?;
        Ok(Output { styles })
    }
}

/// A page of styles; one without an id or a name is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<AgentStyle>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item| {
            Some(AgentStyle {
                style_id: text(item, "style_id")?,
                name: text(item, "name")?,
                aspect_ratio: text(item, "aspect_ratio"),
                tags: item["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                thumbnail_url: text(item, "thumbnail_url"),
                preview_video_url: text(item, "preview_video_url"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "a style without a `style_id` or `name`"))?;
    Ok(Page {
        items,
        next_token: page.next_token,
    })
}
