//! Reads one template: its variables, and their defaults as the JSON object
//! `create_video_from_template` takes as `variables`. v3 only:
//! `GET /v3/templates/{id}`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `get_template`.
    pub struct Args {
        /// Template id.
        pub template_id: String,
    }
}

/// One variable of a template.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateVariable {
    /// Its name: the key in `variables`.
    pub name: String,
    /// `text`, `image`, `video`, `audio`, `character` or `voice`.
    pub r#type: Option<String>,
}

/// Output of `get_template`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The template's id.
    pub template_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its variables, by name; empty on failure.
    pub variables: Vec<TemplateVariable>,
    /// The template's `variables` object (every variable with its default
    /// value, in the shape `create_video_from_template` takes) as JSON text.
    pub variables_json: Option<String>,
}

/// `get_template`.
pub struct GetTemplate;

impl Action for GetTemplate {
    const NAME: &'static str = "get_template";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Discovery;
    const EXAMPLE: &'static str = r#"{"template_id":"tpl_welcome"}"#;
    const ON_V3: &'static str = r#"`GET /v3/templates/{id}`: `variables` from the `variables` object (names, `type`) and the scenes' `variable_type`; `variables_json` is that object as JSON text, which `create_video_from_template` takes unchanged"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("template_id", &args.template_id)?;
        let request = HttpRequest::get(format!("/v3/templates/{}", encode_component(&id)));
        parse(&call.exchange(request, Effect::Read)?)
    }
}

/// A template: `id` is required; the variables come from the `variables`
/// object (type from each value's `type`) and from the scenes' variable lists
/// (`variable_type`) for any the object lacks.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let template_id =
        text(&data, "id").ok_or_else(|| bad_response(resp, "no template `id` in `data`"))?;
    let object = match data.get("variables") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => return Err(bad_response(resp, "`variables` that is not an object")),
    };
    let mut variables: Vec<TemplateVariable> = object
        .into_iter()
        .flatten()
        .map(|(name, value)| TemplateVariable {
            name: name.clone(),
            r#type: text(value, "type"),
        })
        .collect();
    let scenes = data.get("scenes").and_then(Value::as_array);
    for listed in scenes
        .into_iter()
        .flatten()
        .filter_map(|scene| scene.get("variables")?.as_array())
        .flatten()
    {
        let Some(name) = text(listed, "name") else {
            continue;
        };
        match variables.iter_mut().find(|v| v.name == name) {
            Some(known) if known.r#type.is_none() => known.r#type = text(listed, "variable_type"),
            Some(_) => {}
            None => variables.push(TemplateVariable {
                name,
                r#type: text(listed, "variable_type"),
            }),
        }
    }
    let variables_json = object
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| bad_response(resp, format!("variables that cannot be written back ({e})")))?;
    Ok(Output {
        template_id: Some(template_id),
        name: text(&data, "name"),
        variables,
        variables_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::api::testing::response;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use serde_json::json;

    #[test]
    fn reads_variables_and_their_defaults() {
        let out = parse(&response(
            200,
            r#"{"data":{"id":"tpl1","name":"Welcome","aspect_ratio":"16:9","scene_ids":["s1"],
                "scenes":[{"scene_id":"s1","script":"Hi {{headline}}","variables":[{"name":"headline","variable_type":"text"},
                          {"name":"logo","variable_type":"image"}]}],
                "variables":{"headline":{"type":"text","content":"Hello"},"presenter":{"character_id":"a","character_type":"avatar"}}}}"#,
        ))
        .unwrap();
        assert_eq!(out.template_id.as_deref(), Some("tpl1"));
        assert_eq!(out.name.as_deref(), Some("Welcome"));
        let vars: Vec<(&str, Option<&str>)> = out
            .variables
            .iter()
            .map(|v| (v.name.as_str(), v.r#type.as_deref()))
            .collect();
        assert_eq!(
            vars,
            [("headline", Some("text")), ("presenter", None), ("logo", Some("image"))]
        );
        let back: Value = serde_json::from_str(out.variables_json.as_deref().unwrap()).unwrap();
        assert_eq!(
            back,
            json!({"headline":{"type":"text","content":"Hello"},"presenter":{"character_id":"a","character_type":"avatar"}})
        );
        let bare = parse(&response(200, r#"{"data":{"id":"tpl2"}}"#)).unwrap();
        assert_eq!((bare.variables.len(), bare.variables_json), (0, None));
        for bad in [r#"{"data":{"name":"x"}}"#, r#"{"data":{"id":"t","variables":[1]}}"#] {
            assert!(parse(&response(200, bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn checks_and_encodes_the_id() {
        let mut t = Scripted::new([answer(404, "", &[])]);
        let key = [("HEYGEN_API_KEY", "k")];
        let (status, _) = run_with(&mut t, GetTemplate::NAME, &key, json!({"template_id": "a b"}));
        assert_eq!((status, t.sent.len()), (400, 0));
        run_with(&mut t, GetTemplate::NAME, &key, json!({"template_id": "t+1"}));
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/templates/t%2B1");
    }
}
