//! Webhook endpoints on v3: `POST`/`GET /v3/webhooks/endpoints` and `DELETE
//! /v3/webhooks/endpoints/{id}` (what HeyGen would deliver to them is
//! [`crate::sim::deliveries`]).

use serde_json::{Map, Value, json};

use super::envelope::{error, invalid, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{self, Check, object, only, string};
use crate::sim::data::{self, Endpoint};
use crate::sim::data::{iso8601, unix_now};
use crate::sim::deliveries::new_secret;
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The webhook endpoint routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/webhooks/endpoints", create),
    Route::new("GET", "/v3/webhooks/endpoints", list),
    Route::new("DELETE", "/v3/webhooks/endpoints/{endpoint_id}", delete),
    Route::new("PATCH", "/v3/webhooks/endpoints/{endpoint_id}", update),
    Route::new(
        "POST",
        "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret",
        rotate,
    ),
    Route::new("GET", "/v3/webhooks/events", events),
];

/// `POST /v3/webhooks/endpoints` `{url, events?, entity_id?}`: the URL must be
/// https, the events known types (`null` or absent for all).
fn create(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let checked = (|| -> Check<(String, Option<Vec<String>>)> {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(map, &["url", "events", "entity_id"], "")?;
        let url = string(map, "url", "")?;
        if !url.starts_with("https://") || url.len() <= "https://".len() {
            return Err(check::problem("url", "URL must use https"));
        }
        let events = event_list(map)?;
        if map.contains_key("entity_id") {
            string(map, "entity_id", "")?;
        }
        Ok((url.to_owned(), events))
    })();
    let (url, events) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    state.next_endpoint += 1;
    let endpoint = Endpoint {
        id: format!("we_{:016x}", 0x5eed_0000_0000_u64 + state.next_endpoint),
        url,
        events,
        secret: new_secret(),
        created_at: unix_now(),
    };
    let answer = SimAnswer::json(200, &json!({ "data": endpoint.to_json(true) }));
    state.endpoints.insert(endpoint.id.clone(), endpoint);
    answer
}

/// An endpoint's event types; `None` for every type.
type Events = Option<Vec<String>>;

/// The `events` of an endpoint's body: known types, at least one; `None`
/// (absent or `null`) for every type.
fn event_list(map: &Map<String, Value>) -> Check<Events> {
    Ok(match map.get("events") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(check::problem("events", "List should have at least 1 item"));
        }
        Some(Value::Array(list)) => Some(
            list.iter()
                .enumerate()
                .map(|(i, event)| match event.as_str() {
                    Some(e) if data::EVENT_TYPES.iter().any(|(known, _)| *known == e) => {
                        Ok(e.to_owned())
                    }
                    _ => Err(check::problem(
                        &format!("events.{i}"),
                        "Unknown event type: see GET /v3/webhooks/event-types",
                    )),
                })
                .collect::<Check<Vec<String>>>()?,
        ),
        Some(_) => return Err(check::problem("events", "Input should be a valid list")),
    })
}

/// `GET /v3/webhooks/endpoints?limit&token`: pages of at most `limit` (1-100,
/// default 10), oldest first, secrets `null`.
fn list(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let mut endpoints: Vec<&Endpoint> = state.endpoints.values().collect();
    endpoints.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let items = endpoints.into_iter().map(|e| e.to_json(false)).collect();
    paged(req, items, "endpoints-after-", (10, 100), |name, _| {
        refuse(name, "Extra inputs are not permitted")
    })
}

/// `DELETE /v3/webhooks/endpoints/{id}`: `{endpoint_id, deleted: true}`; an
/// unknown id is 404 `not_found`.
fn delete(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let id = req.param("endpoint_id");
    match state.endpoints.remove(id) {
        Some(_) => SimAnswer::json(200, &json!({"data": {"endpoint_id": id, "deleted": true}})),
        None => error(
            404,
            "not_found",
            &format!("Webhook endpoint {id} not found"),
            Some("endpoint_id"),
        ),
    }
}

/// The endpoint `id`, or HeyGen's 404.
fn endpoint<'s>(state: &'s mut State, id: &str) -> Result<&'s mut Endpoint, SimAnswer> {
    state.endpoints.get_mut(id).ok_or_else(|| {
        error(
            404,
            "not_found",
            &format!("Webhook endpoint {id} not found"),
            Some("endpoint_id"),
        )
    })
}

/// `PATCH /v3/webhooks/endpoints/{id}` `{url?, events?}`: what is given
/// replaces what was there (`events: null` means every type again).
fn update(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let checked = (|| -> Check<(Option<String>, Option<Events>)> {
        let body = json_body(req)?;
        let map = object(&body, "")?;
        only(map, &["url", "events"], "")?;
        let url = match map.get("url") {
            None | Some(Value::Null) => None,
            Some(_) => {
                let url = string(map, "url", "")?;
                if !url.starts_with("https://") || url.len() <= "https://".len() {
                    return Err(check::problem("url", "URL must use https"));
                }
                Some(url.to_owned())
            }
        };
        let events = map
            .contains_key("events")
            .then(|| event_list(map))
            .transpose()?;
        Ok((url, events))
    })();
    let (url, events) = match checked {
        Ok(v) => v,
        Err(problem) => return invalid(problem),
    };
    let endpoint = match endpoint(state, req.param("endpoint_id")) {
        Ok(endpoint) => endpoint,
        Err(refused) => return refused,
    };
    if let Some(url) = url {
        endpoint.url = url;
    }
    if let Some(events) = events {
        endpoint.events = events;
    }
    SimAnswer::json(200, &json!({ "data": endpoint.to_json(false) }))
}

/// `POST /v3/webhooks/endpoints/{id}/rotate-secret` (no body): a new secret,
/// shown only here; deliveries are signed with it from now on.
fn rotate(state: &mut State, req: &Request<'_>) -> SimAnswer {
    if !req.body.is_empty() {
        return error(
            400,
            "invalid_parameter",
            "This endpoint takes no body",
            Some("body"),
        );
    }
    match endpoint(state, req.param("endpoint_id")) {
        Ok(endpoint) => {
            endpoint.secret = new_secret();
            SimAnswer::json(
                200,
                &json!({"data": {"endpoint_id": endpoint.id, "secret": endpoint.secret}}),
            )
        }
        Err(refused) => refused,
    }
}

/// `GET /v3/webhooks/events?event_type&entity_id&limit&token`: the events of
/// the deliveries made so far (one per event, whichever endpoints it went
/// to), newest first, in pages of at most `limit` (1-100, default 10).
fn events(state: &mut State, req: &Request<'_>) -> SimAnswer {
    let mut event_type = None;
    let mut entity_id = None;
    let mut seen: Vec<&str> = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    for delivery in state.deliveries.iter().rev() {
        if seen.contains(&delivery.body.as_str()) {
            continue;
        }
        seen.push(&delivery.body);
        let body: Value = serde_json::from_str(&delivery.body).unwrap_or_default();
        items.push(json!({
            "event_id": delivery.event_id, "event_type": body["event_type"],
            "event_data": body["event_data"], "created_at": iso8601(delivery.timestamp),
        }));
    }
    for (name, value) in crate::sim::request::query(req) {
        match name.as_str() {
            "event_type" => event_type = Some(value),
            "entity_id" => entity_id = Some(value),
            _ => {}
        }
    }
    if let Some(t) = &event_type
        && !data::EVENT_TYPES.iter().any(|(known, _)| known == t)
    {
        return error(
            400,
            "invalid_parameter",
            "Unknown event type: see GET /v3/webhooks/event-types",
            Some("event_type"),
        );
    }
    items.retain(|e| {
        event_type
            .as_ref()
            .is_none_or(|t| e["event_type"] == t.as_str())
            && entity_id
                .as_ref()
                .is_none_or(|id| e["event_data"]["video_id"] == id.as_str())
    });
    paged(
        req,
        items,
        "events-after-",
        (10, 100),
        |name, _| match name {
            "event_type" | "entity_id" => Ok(()),
            _ => refuse(name, "Extra inputs are not permitted"),
        },
    )
}
