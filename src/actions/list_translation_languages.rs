//! Lists the languages video translation takes. v3 only:
//! `GET /v3/video-translations/languages`.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, v3};
use crate::args::NoArgs;
use crate::call::Call;
use crate::error::Error;
use crate::outbound::HttpRequest;
use crate::retry::Effect;

/// Output of `list_translation_languages`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The languages, as HeyGen names them.
    pub languages: Vec<String>,
}

/// `list_translation_languages`.
pub struct ListTranslationLanguages;

impl Action for ListTranslationLanguages {
    const NAME: &'static str = "list_translation_languages";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = "`GET /v3/video-translations/languages` → `data.languages`";
    const V3_ONLY: bool = true;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let request = HttpRequest::get("/v3/video-translations/languages");
        let resp = call.exchange(request, Effect::Read)?;
        let data = v3::data(&resp)?;
        let languages = data["languages"]
            .as_array()
            .ok_or_else(|| bad_response(&resp, "no `languages` list in `data`"))?
            .iter()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect();
        Ok(Output { languages })
    }
}
