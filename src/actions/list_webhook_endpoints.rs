//! Lists the account's webhook endpoints. v3 only:
//! `GET /v3/webhooks/endpoints`, 100 per page, paged to the end. Secrets are
//! never listed (HeyGen answers `secret: null` here).

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::args::NoArgs;
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::{MAX_WEBHOOK_ENDPOINT_PAGES, WEBHOOK_ENDPOINTS_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

/// One registered endpoint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WebhookEndpoint {
    /// The id `delete_webhook_endpoint` takes.
    pub endpoint_id: String,
    /// The URL HeyGen calls.
    pub url: Option<String>,
    /// The event types it receives; empty means every type.
    pub events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: Option<String>,
}

/// Output of `list_webhook_endpoints`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The endpoints; empty on failure.
    pub endpoints: Vec<WebhookEndpoint>,
}

/// `list_webhook_endpoints`.
pub struct ListWebhookEndpoints;

impl Action for ListWebhookEndpoints {
    const NAME: &'static str = "list_webhook_endpoints";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = r#"`GET /v3/webhooks/endpoints?limit=100`, every page (at most 20); secrets are never listed"#;
    const V3_ONLY: bool = true;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let endpoints = call.all_pages(&request, page, MAX_WEBHOOK_ENDPOINT_PAGES)?;
        Ok(Output { endpoints })
    }
}

/// `GET /v3/webhooks/endpoints?limit=100[&token]`.
fn request(token: Option<&str>) -> HttpRequest {
    let req = HttpRequest::get("/v3/webhooks/endpoints")
        .with_query("limit", WEBHOOK_ENDPOINTS_PAGE_SIZE.to_string());
    v3::with_token(req, token)
}

/// The event types of an endpoint object: its `events` strings (`null`, for
/// every type, reads as none listed).
pub(crate) fn events(item: &Value) -> Option<Vec<String>> {
    match item.get("events") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(events)) => events
            .iter()
            .map(|e| e.as_str().map(str::to_owned))
            .collect(),
        Some(_) => None,
    }
}

/// A page of endpoints; one without an `endpoint_id`, or with `events` that
/// are not strings, is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<WebhookEndpoint>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item| {
            Some(WebhookEndpoint {
                endpoint_id: text(item, "endpoint_id")?,
                url: text(item, "url"),
                events: events(item)?,
                status: text(item, "status"),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| {
            bad_response(resp, "an endpoint without an `endpoint_id` or with odd `events`")
        })?;
    Ok(Page {
        items,
        next_token: page.next_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    #[test]
    fn pages_to_the_end_and_never_lists_secrets() {
        let first = r#"{"data":[{"endpoint_id":"we1","url":"https://a.example/h","events":["avatar_video.success"],
                        "status":"enabled","created_at":1,"secret":null}],"has_more":true,"next_token":"t2"}"#;
        let second = r#"{"data":[{"endpoint_id":"we2","url":"https://b.example/h","events":null,"status":"disabled",
                         "secret":"whsec_should_not_be_here"}],"has_more":false,"next_token":null}"#;
        let mut t = Scripted::new([answer(200, first, &[]), answer(200, second, &[])]);
        let (status, out) = run_with(&mut t, ListWebhookEndpoints::NAME, &KEY, json!({}));
        assert_eq!(status, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "endpoints": [
                {"endpoint_id": "we1", "url": "https://a.example/h", "events": ["avatar_video.success"], "status": "enabled"},
                {"endpoint_id": "we2", "url": "https://b.example/h", "events": [], "status": "disabled"}]})
        );
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/webhooks/endpoints?limit=100");
        assert_eq!(t.sent[1].path_and_query(&base), "/v3/webhooks/endpoints?limit=100&token=t2");
    }

    #[test]
    fn odd_items_are_bad_answers() {
        for item in [r#"{"url":"https://a.example"}"#, r#"{"endpoint_id":"we1","events":[1]}"#, r#"{"endpoint_id":"we1","events":"all"}"#] {
            let body = format!(r#"{{"data":[{item}],"has_more":false,"next_token":null}}"#);
            let mut t = Scripted::new([answer(200, &body, &[])]);
            let (_, out) = run_with(&mut t, ListWebhookEndpoints::NAME, &KEY, json!({}));
            assert!(out["error"].as_str().unwrap().starts_with("bad_response: "), "{item}");
            assert_eq!(out["endpoints"], json!([]));
        }
    }
}
