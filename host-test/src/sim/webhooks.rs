//! Webhook endpoints on v3 (`POST`/`GET /v3/webhooks/endpoints`,
//! `DELETE /v3/webhooks/endpoints/{id}`) and the deliveries HeyGen would send
//! them, signed as the reference describes: `Heygen-Signature` is the
//! lowercase hex HMAC-SHA256 of the raw body keyed with the endpoint's
//! `whsec_…` secret. Signing uses `ring`, a different implementation from the
//! plugin's, so the two check each other.

use base64::Engine;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Value, json};

use super::check::{self, Check, object, only, string};
use super::data::{self, Delivery, Endpoint, Stage, Video};
use super::v3::{error, invalid, paged, refuse};
use super::{Answer, Recorded, State, json_body, unix_now};

/// `POST /v3/webhooks/endpoints` `{url, events?, entity_id?}`: the URL must be
/// https, the events known types (`null` or absent for all).
pub(super) fn create(state: &mut State, req: &Recorded) -> Answer {
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
    let answer = Answer::json(200, &json!({ "data": endpoint.to_json(true) }));
    state.endpoints.insert(endpoint.id.clone(), endpoint);
    state.created += 1;
    answer
}

/// `GET /v3/webhooks/endpoints?limit&token`: pages of at most `limit` (1-100,
/// default 10), oldest first, secrets `null`.
pub(super) fn list(state: &State, req: &Recorded) -> Answer {
    let mut endpoints: Vec<&Endpoint> = state.endpoints.values().collect();
    endpoints.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let items = endpoints.into_iter().map(|e| e.to_json(false)).collect();
    paged(req, items, "endpoints-after-", (10, 100), |name, _| {
        refuse(name, "Extra inputs are not permitted")
    })
}

/// `DELETE /v3/webhooks/endpoints/{id}`: `{endpoint_id, deleted: true}`; an
/// unknown id is 404 `not_found`.
pub(super) fn delete(state: &mut State, id: &str) -> Answer {
    match state.endpoints.remove(id) {
        Some(_) => Answer::json(200, &json!({"data": {"endpoint_id": id, "deleted": true}})),
        None => error(
            404,
            "not_found",
            &format!("Webhook endpoint {id} not found"),
            Some("endpoint_id"),
        ),
    }
}

/// Records the deliveries of a render that just ended (`video` as its status
/// answer reports it) to every endpoint that wants the event.
pub(super) fn deliver(state: &mut State, video: &Video) {
    let (event_type, mut event_data) = match video.stage() {
        Stage::Completed => (
            "avatar_video.success",
            json!({"video_id": video.id, "url": video.url("video.mp4")}),
        ),
        Stage::Failed => (
            "avatar_video.fail",
            json!({"video_id": video.id, "msg": "No face was detected in the talking photo."}),
        ),
        Stage::Queued | Stage::Processing => return,
    };
    event_data["callback_id"] = json!(video.callback_id);
    let body = json!({"event_type": event_type, "event_data": event_data}).to_string();
    let timestamp = unix_now();
    let targets: Vec<(String, String)> = state
        .endpoints
        .values()
        .filter(|e| e.wants(event_type))
        .map(|e| (e.id.clone(), e.secret.clone()))
        .collect();
    for (endpoint_id, secret) in targets {
        state.next_event += 1;
        state.deliveries.push(Delivery {
            endpoint_id,
            event_id: format!("evt_{:016x}", state.next_event),
            timestamp,
            signature: sign(&secret, body.as_bytes()),
            body: body.clone(),
        });
    }
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `secret`'s bytes.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    hmac::sign(&key, body)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh `whsec_` secret: 24 random bytes, base64.
fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    // The system's randomness does not fail on the machines tests run on; a
    // zero key would still sign and verify.
    let _ = SystemRandom::new().fill(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
