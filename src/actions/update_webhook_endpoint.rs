//! Changes a webhook endpoint's URL or event types. v3 only:
//! `PATCH /v3/webhooks/endpoints/{id}` with only what is given. Setting the
//! same values again leaves the same endpoint, so it is retried like a read.

use crate::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::create_webhook_endpoint::checked_events;
use super::list_webhook_endpoints::events;
use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::{check_https_url, check_id};
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `update_webhook_endpoint`.
    pub struct Args {
        /// The endpoint's id.
        pub endpoint_id: String,
        /// The new https URL.
        pub url: Option<String>,
        /// The new event types.
        pub events: Option<Vec<String>>,
    }
}

/// Output of `update_webhook_endpoint`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The endpoint's id.
    pub endpoint_id: Option<String>,
    /// The URL HeyGen now calls.
    pub url: Option<String>,
    /// The event types it now receives; empty means every type.
    pub events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: Option<String>,
}

/// `update_webhook_endpoint`.
pub struct UpdateWebhookEndpoint;

impl Action for UpdateWebhookEndpoint {
    const NAME: &'static str = "update_webhook_endpoint";
    const KIND: Kind = Kind::Update;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = r#"{"endpoint_id":"we_0123456789abcdef","events":["avatar_video.success"]}"#;
    const ON_V3: &'static str = r#"`PATCH /v3/webhooks/endpoints/{endpoint_id}` `{["url"][,"events"]}` (at least one; `events` replaces the list); retried like a read"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("endpoint_id", &args.endpoint_id)?;
        let mut body = json!({});
        if let Some(url) = &args.url {
            body["url"] = json!(check_https_url("url", url)?);
        }
        if let Some(list) = &args.events {
            body["events"] = json!(checked_events(list)?);
        }
        if body == json!({}) {
            return Err(Error::InvalidInput(
                "give url, events or both: the endpoint would not change".into(),
            ));
        }
        let path = format!("/v3/webhooks/endpoints/{}", encode_component(&id));
        parse(&call.exchange(HttpRequest::patch_json(path, &body), Effect::Read)?)
    }
}

/// The endpoint as HeyGen now has it; its secret, if HeyGen sent one, is left out.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data: Value = v3::data(resp)?;
    let endpoint_id =
        text(&data, "endpoint_id").ok_or_else(|| bad_response(resp, "no `endpoint_id` in `data`"))?;
    let events = events(&data)
        .ok_or_else(|| bad_response(resp, "`events` that are not a list of strings"))?;
    Ok(Output {
        endpoint_id: Some(endpoint_id),
        url: text(&data, "url"),
        events,
        status: text(&data, "status"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::outbound::Method;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn patches_only_what_is_given_and_retries_like_a_read() {
        let updated = r#"{"data":{"endpoint_id":"we1","url":"https://new.example/h","events":null,"status":"enabled","created_at":"2026-12-05T10:00:00Z","secret":null}}"#;
        let mut t = Scripted::new([answer(503, "", &[]), answer(200, updated, &[])]);
        let args = json!({"endpoint_id": "we1", "url": " https://new.example/h "});
        let (status, out) = run_with(&mut t, UpdateWebhookEndpoint::NAME, &KEY, args);
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "endpoint_id": "we1", "url": "https://new.example/h", "events": [], "status": "enabled"}))
        );
        assert_eq!((t.sent.len(), t.sent[1].method, t.sent[1].path.as_str()), (2, Method::Patch, "/v3/webhooks/endpoints/we1"));
        let body: Value = serde_json::from_slice(t.sent[1].body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"url": "https://new.example/h"}));
        for args in [
            json!({"endpoint_id": "we1"}),
            json!({"endpoint_id": "we1", "url": "http://x.example"}),
            json!({"endpoint_id": "we1", "events": []}),
            json!({"endpoint_id": "we1", "events": ["a", "a"]}),
        ] {
            let mut t = Scripted::new([]);
            let (status, _) = run_with(&mut t, UpdateWebhookEndpoint::NAME, &KEY, args);
            assert_eq!((status, t.sent.len()), (400, 0));
        }
    }
}
