//! Lists the webhook event types HeyGen can send. v3:
//! `GET /v3/webhooks/event-types`; legacy: `GET /v1/webhook/webhook.list`.

use crate::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Action, Kind, Toolset};
use crate::args::NoArgs;
use crate::api::{Page, bad_response, legacy, v3};
use crate::call::Call;
use crate::error::Error;
use crate::limits::MAX_EVENT_PAGES;
use crate::outbound::{HttpRequest, HttpResponse};

/// Output of `list_custom_events_options`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// Event type names; empty on failure.
    pub events: Vec<String>,
}

/// `list_custom_events_options`.
pub struct ListCustomEventsOptions;

impl Action for ListCustomEventsOptions {
    const NAME: &'static str = "list_custom_events_options";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = r#"`GET /v3/webhooks/event-types`, every page"#;
    const ON_LEGACY: &'static str = r#"`GET /v1/webhook/webhook.list`"#;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let events = call.all_pages(&v3_request, v3_page, MAX_EVENT_PAGES)?;
        Ok(Output { events })
    }

    fn legacy(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        let events = call.all_pages(&|_| legacy_request(), legacy_page, 1)?;
        Ok(Output { events })
    }
}

/// `GET /v3/webhooks/event-types`, at `token`'s page.
fn v3_request(token: Option<&str>) -> HttpRequest {
    v3::with_token(HttpRequest::get("/v3/webhooks/event-types"), token)
}

/// `GET /v1/webhook/webhook.list`: the event types (not the endpoints).
fn legacy_request() -> HttpRequest {
    HttpRequest::get("/v1/webhook/webhook.list")
}

/// A page of event types.
fn v3_page(resp: &HttpResponse) -> Result<Page<String>, Error> {
    let page = v3::page(resp)?;
    Ok(Page {
        items: names(resp, &page.items)?,
        next_token: page.next_token,
    })
}

/// The event types: `data` is a list of names.
fn legacy_page(resp: &HttpResponse) -> Result<Page<String>, Error> {
    let Value::Array(events) = legacy::open(resp)? else {
        return Err(bad_response(resp, "`data` that is not a list"));
    };
    Ok(Page {
        items: names(resp, &events)?,
        next_token: None,
    })
}

/// Every item's event name: an object with `event_type`, or a bare string.
fn names(resp: &HttpResponse, items: &[Value]) -> Result<Vec<String>, Error> {
    items
        .iter()
        .map(|item| match item {
            Value::String(name) => Some(name.clone()),
            other => other.get("event_type")?.as_str().map(str::to_owned),
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "an event type without a name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::testing::response;
    use crate::config::BaseUrl;

    #[test]
    fn requests() {
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(v3_request(None).path_and_query(&base), "/v3/webhooks/event-types");
        assert_eq!(legacy_request().path, "/v1/webhook/webhook.list");
    }

    #[test]
    fn reads_both_generations() {
        let events = v3_page(&response(
            200,
            r#"{"data":[{"event_type":"avatar_video.success","description":"d"},"avatar_video.fail"],"has_more":false,"next_token":null}"#,
        ))
        .unwrap();
        assert_eq!(events.items, vec!["avatar_video.success", "avatar_video.fail"]);
        let events = legacy_page(&response(200, r#"{"code":100,"data":["avatar_video.success","avatar_video.fail"],"msg":null,"message":null}"#)).unwrap();
        assert_eq!(events.items, vec!["avatar_video.success", "avatar_video.fail"]);
        assert!(v3_page(&response(200, r#"{"data":[{"x":1}],"has_more":false}"#)).is_err());
        assert!(legacy_page(&response(200, r#"{"code":100,"data":{}}"#)).is_err());
    }
}
