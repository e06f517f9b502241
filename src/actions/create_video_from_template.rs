//! Starts rendering a video from a HeyGen template, with its variables
//! replaced. v3: `POST /v3/templates/{id}`; legacy:
//! `POST /v2/template/{id}/generate`.

use crate::prelude::*;
use serde_json::{Map, Value, json};

use super::{Action, Kind, Toolset};
use crate::api::CreatedVideo;
use crate::api::{Tracking, legacy, v3, variables};
use crate::call::Call;
use crate::checks::{check_id, variables_object};
use crate::error::Error;
use crate::outbound::{HttpRequest, encode_component};

arguments! {
    /// Arguments of `create_video_from_template`.
    pub struct Args {
        /// Template id.
        pub template_id: String,
        /// Legacy test mode.
        pub test: Option<bool>,
        /// Burn in captions.
        pub caption: Option<bool>,
        /// Variable overrides: a JSON object, or JSON text holding one.
        pub variables: Option<Value>,
        /// The new video's title.
        pub title: Option<String>,
        /// An https URL HeyGen calls when the render ends (v3 only).
        pub callback_url: Option<String>,
        /// An id HeyGen echoes in that call and in webhook deliveries.
        pub callback_id: Option<String>,
        /// The caller's `Idempotency-Key` for this create (v3 only).
        pub idempotency_key: Option<String>,
    }
}

impl Args {
    fn tracking(&self) -> Tracking<'_> {
        Tracking {
            title: self.title.as_deref(),
            callback_url: self.callback_url.as_deref(),
            callback_id: self.callback_id.as_deref(),
        }
    }
}

/// `create_video_from_template`.
pub struct CreateVideoFromTemplate;

impl Action for CreateVideoFromTemplate {
    const NAME: &'static str = "create_video_from_template";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Videos;
    const EXAMPLE: &'static str = r#"{"template_id":"tpl_welcome","variables":{"headline":{"name":"headline","type":"text","properties":{"content":"Hi"}}}}"#;
    const ON_V3: &'static str = r#"`POST /v3/templates/{id}` `{"variables": …}`; legacy-shaped variables converted (`text`, `image`, `video`, `audio`, `character`, `voice`), v3-shaped ones passed through; `Idempotency-Key`: the caller's `idempotency_key`, else a fresh one, the same on every retry"#;
    const ON_LEGACY: &'static str = r#"`POST /v2/template/{id}/generate`, variables as given (a missing `name` filled from the key)"#;
    type Args = Args;
    type Output = CreatedVideo;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<CreatedVideo, Error> {
        let request = v3_request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        v3::create(call, request)
    }

    fn legacy(call: &mut Call<'_>, args: &Args) -> Result<CreatedVideo, Error> {
        let request = legacy_request(args)?;
        call.start_create("video", args.idempotency_key.as_deref())?;
        legacy::create(call, request)
    }
}

/// `POST /v3/templates/{id}` with the variables converted to v3's shape.
fn v3_request(args: &Args) -> Result<HttpRequest, Error> {
    let id = check_id("template_id", &args.template_id)?;
    let variables = match &args.variables {
        Some(raw) => variables::to_v3(variables_object(raw)?)?,
        None => Map::new(),
    };
    if args.test == Some(true) {
        return Err(v3::no_test_mode());
    }
    let mut body = json!({ "variables": variables });
    if let Some(caption) = args.caption {
        body["caption"] = json!(caption);
    }
    args.tracking().add_v3(&mut body)?;
    Ok(HttpRequest::post_json(
        format!("/v3/templates/{}", encode_component(&id)),
        &body,
    ))
}

/// `POST /v2/template/{id}/generate` with the variables as given (each
/// variable's `name` filled in from its key when missing).
fn legacy_request(args: &Args) -> Result<HttpRequest, Error> {
    let id = check_id("template_id", &args.template_id)?;
    let mut body = json!({});
    legacy::set_flags(&mut body, args.test, args.caption);
    if let Some(raw) = &args.variables {
        body["variables"] = Value::Object(variables::to_legacy(variables_object(raw)?)?);
    }
    args.tracking().add_legacy(&mut body)?;
    Ok(HttpRequest::post_json(
        format!("/v2/template/{}/generate", encode_component(&id)),
        &body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_slice(req.body.as_ref().unwrap()).unwrap()
    }

    #[test]
    fn v3_body_and_encoded_path() {
        let args: Args = crate::args::read_args(&json!({"template_id":"tpl 1","caption":false,"variables":{"title":{"name":"title","type":"text","properties":{"content":"Hi"}}}})).unwrap();
        assert!(v3_request(&args).is_err(), "a space is refused");
        let args = Args {
            template_id: "tpl:1é".into(),
            ..args
        };
        let req = v3_request(&args).unwrap();
        assert_eq!(req.path, "/v3/templates/tpl%3A1%C3%A9");
        assert_eq!(
            body(&req),
            json!({"caption":false,"variables":{"title":{"type":"text","content":"Hi"}}})
        );
        let bare = v3_request(&Args {
            template_id: "t".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body(&bare), json!({"variables":{}}));
        let test = Args {
            template_id: "t".into(),
            test: Some(true),
            ..Default::default()
        };
        assert!(v3_request(&test).unwrap_err().to_string().starts_with("unsupported: "));
    }

    #[test]
    fn legacy_body_takes_variables_as_json_text() {
        let args = Args {
            template_id: "tpl1".into(),
            test: Some(true),
            variables: Some(Value::String(
                r#"{"title":{"type":"text","properties":{"content":"Hi"}}}"#.into(),
            )),
            ..Default::default()
        };
        let req = legacy_request(&args).unwrap();
        assert_eq!(req.path, "/v2/template/tpl1/generate");
        assert_eq!(
            body(&req),
            json!({"test":true,"variables":{"title":{"name":"title","type":"text","properties":{"content":"Hi"}}}})
        );
    }

    #[test]
    fn title_and_callbacks_on_each_generation() {
        let args = Args {
            template_id: "t".into(),
            title: Some("Welcome".into()),
            callback_url: Some("https://hooks.example.com/h".into()),
            callback_id: Some("job-1".into()),
            ..Default::default()
        };
        assert_eq!(
            body(&v3_request(&args).unwrap()),
            json!({"variables":{},"title":"Welcome","callback_url":"https://hooks.example.com/h","callback_id":"job-1"})
        );
        let err = legacy_request(&args).unwrap_err().to_string();
        assert!(err.starts_with("unsupported: callback_url"), "{err}");
        let args = Args {
            callback_url: None,
            ..args
        };
        assert_eq!(
            body(&legacy_request(&args).unwrap()),
            json!({"title":"Welcome","callback_id":"job-1"})
        );
        let args = Args {
            callback_url: Some("http://hooks.example.com/h".into()),
            ..args
        };
        let err = v3_request(&args).unwrap_err().to_string();
        assert!(err.starts_with("invalid_input: callback_url"), "{err}");
    }

    #[test]
    fn an_unreadable_create_answer_may_have_created_the_video() {
        let mut t = Scripted::new([answer(200, "<html>", &[])]);
        let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")];
        let (_, out) = run_with(&mut t, CreateVideoFromTemplate::NAME, &vars, json!({"template_id": "t"}));
        let error = out["error"].as_str().unwrap();
        assert!(error.starts_with("bad_response: "), "{error}");
        assert!(error.contains("may have created the video"), "{error}");
    }
}
