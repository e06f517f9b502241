//! Webhook endpoints on v3: `POST`/`GET /v3/webhooks/endpoints` and `DELETE
//! /v3/webhooks/endpoints/{id}` (what HeyGen would deliver to them is
//! [`crate::sim::deliveries`]).

use serde_json::{Value, json};

use super::envelope::{error, invalid, paged, refuse};
use crate::sim::answer::SimAnswer;
use crate::sim::check::{self, Check, object, only, string};
use crate::sim::data::unix_now;
use crate::sim::data::{self, Endpoint};
use crate::sim::deliveries::new_secret;
use crate::sim::request::json_body;
use crate::sim::routes::{Request, Route};
use crate::sim::state::State;

/// The webhook endpoint routes.
pub(crate) const ROUTES: &[Route] = &[
    Route::create("POST", "/v3/webhooks/endpoints", create),
    Route::new("GET", "/v3/webhooks/endpoints", list),
    Route::new("DELETE", "/v3/webhooks/endpoints/{endpoint_id}", delete),
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
        let events = match map.get("events") {
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
        };
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
