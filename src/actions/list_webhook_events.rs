//! Lists the events HeyGen sent to the account's webhook endpoints, newest
//! first. v3 only: `GET /v3/webhooks/events`, pages of up to 100 until
//! `limit` events or the end.

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{Page, bad_response, text, v3};
use crate::call::Call;
use crate::checks::{check_id, whole_number};
use crate::error::Error;
use crate::limits::{DEFAULT_EVENT_LIST, MAX_EVENT_LIST, WEBHOOK_EVENTS_PAGE_SIZE};
use crate::outbound::{HttpRequest, HttpResponse};

arguments! {
    /// Arguments of `list_webhook_events`.
    pub struct Args {
        /// Only events of this type.
        pub event_type: Option<String>,
        /// Only events about this object.
        pub entity_id: Option<String>,
        /// The most events to return (1 to 1,000; default 100).
        pub limit: Option<serde_json::Value>,
    }
}

/// One event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WebhookEvent {
    /// The event's id.
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// When HeyGen made it.
    pub created_at: String,
    /// Its `event_data`, as JSON text.
    pub event_data_json: String,
}

/// Output of `list_webhook_events`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The events, newest first.
    pub events: Vec<WebhookEvent>,
}

/// `list_webhook_events`.
pub struct ListWebhookEvents;

impl Action for ListWebhookEvents {
    const NAME: &'static str = "list_webhook_events";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = r#"{"limit":10}"#;
    const ON_V3: &'static str = "`GET /v3/webhooks/events?limit=…[&event_type][&entity_id]`, pages of up to 100 until `limit` (1–1000, default 100) events or the end; `event_data` as JSON text";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let limit = whole_number("limit", args.limit.as_ref(), (1, MAX_EVENT_LIST), DEFAULT_EVENT_LIST)?;
        let mut filters = Vec::new();
        for (field, value) in [("event_type", &args.event_type), ("entity_id", &args.entity_id)] {
            if let Some(value) = value {
                filters.push((field, check_id(field, value)?));
            }
        }
        let build = |size: usize, token: Option<&str>| {
            let mut req = HttpRequest::get("/v3/webhooks/events").with_query("limit", size.to_string());
            for (field, value) in &filters {
                req = req.with_query(field, value.clone());
            }
            v3::with_token(req, token)
        };
        let events = call.pages_up_to(limit as usize, WEBHOOK_EVENTS_PAGE_SIZE as usize, &build, page)?;
        Ok(Output { events })
    }
}

/// A page of events; one without an id, type or time is a bad answer.
fn page(resp: &HttpResponse) -> Result<Page<WebhookEvent>, Error> {
    let page = v3::page(resp)?;
    let items = page
        .items
        .iter()
        .map(|item| {
            Some(WebhookEvent {
                event_id: text(item, "event_id")?,
                event_type: text(item, "event_type")?,
                created_at: text(item, "created_at")?,
                event_data_json: item.get("event_data").filter(|d| !d.is_null())?.to_string(),
            })
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad_response(resp, "an event without `event_id`, `event_type`, `created_at` or `event_data`"))?;
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
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn pages_until_the_limit_with_the_filters_given() {
        let first = r#"{"data":[{"event_id":"e2","event_type":"avatar_video.success","created_at":"2026-12-05T10:00:01Z","event_data":{"video_id":"v2"}},
            {"event_id":"e1","event_type":"avatar_video.success","created_at":"2026-12-05T10:00:00Z","event_data":{"video_id":"v1"}}],"has_more":true,"next_token":"t2"}"#;
        let second = r#"{"data":[{"event_id":"e0","event_type":"avatar_video.success","created_at":"2026-12-05T09:00:00Z","event_data":{}}],"has_more":true,"next_token":"t3"}"#;
        let mut t = Scripted::new([answer(200, first, &[]), answer(200, second, &[])]);
        let args = json!({"event_type": "avatar_video.success", "limit": 3});
        let (status, out) = run_with(&mut t, ListWebhookEvents::NAME, &KEY, args);
        assert_eq!(status, 200);
        assert_eq!(out["events"].as_array().unwrap().len(), 3);
        assert_eq!(
            out["events"][0],
            json!({"event_id": "e2", "event_type": "avatar_video.success", "created_at": "2026-12-05T10:00:01Z", "event_data_json": "{\"video_id\":\"v2\"}"})
        );
        let q = |i: usize| t.sent[i].query.clone();
        assert_eq!(q(0), vec![("limit".into(), "3".into()), ("event_type".into(), "avatar_video.success".into())]);
        assert_eq!(q(1), vec![("limit".into(), "1".into()), ("event_type".into(), "avatar_video.success".into()), ("token".into(), "t2".into())]);
        let mut t = Scripted::new([]);
        let (status, _) = run_with(&mut t, ListWebhookEvents::NAME, &KEY, json!({"limit": 1001}));
        assert_eq!((status, t.sent.len()), (400, 0));
    }
}
