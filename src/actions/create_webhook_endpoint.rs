//! Registers a webhook endpoint. v3 only: `POST /v3/webhooks/endpoints`
//! under an `Idempotency-Key`, so a retry after a lost answer replays the
//! first registration instead of making a second one. The answer carries the
//! endpoint's signing secret, which HeyGen shows only here.

use crate::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::list_webhook_endpoints::events;
use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::{check_https_url, check_id};
use crate::error::Error;
use crate::limits::MAX_WEBHOOK_EVENTS;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

arguments! {
    /// Arguments of `create_webhook_endpoint`.
    pub struct Args {
        /// The https URL HeyGen will POST events to.
        pub url: String,
        /// Event types; unset for every type.
        pub events: Option<Vec<String>>,
        /// The caller's `Idempotency-Key` for this create (v3 only).
        pub idempotency_key: Option<String>,
    }
}

/// Output of `create_webhook_endpoint`. Its `Debug` leaves out the secret.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct Output {
    /// The new endpoint's id.
    pub endpoint_id: Option<String>,
    /// The URL HeyGen will call.
    pub url: Option<String>,
    /// The event types it receives; empty means every type.
    pub events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: Option<String>,
    /// The signing secret, shown only on creation.
    pub secret: Option<String>,
}

impl core::fmt::Debug for Output {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Output")
            .field("endpoint_id", &self.endpoint_id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("status", &self.status)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `create_webhook_endpoint`.
pub struct CreateWebhookEndpoint;

impl Action for CreateWebhookEndpoint {
    const NAME: &'static str = "create_webhook_endpoint";
    const KIND: Kind = Kind::Create;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str =
        r#"{"url":"https://hooks.example.com/heygen","events":["avatar_video.success","avatar_video.fail"]}"#;
    const ON_V3: &'static str = r#"`POST /v3/webhooks/endpoints` `{"url"[,"events"]}` (https only; no `events` = every type); `Idempotency-Key`: the caller's `idempotency_key`, else a fresh one, the same on every retry; the answer's `secret` is shown only here"#;
    const V3_ONLY: bool = true;
    const SPENDS_CREDITS: bool = false;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let request = request(args)?;
        call.start_create("webhook endpoint", args.idempotency_key.as_deref())?;
        let resp = call
            .exchange(request, Effect::IdempotentCreate)
            .map_err(registered)?;
        call.after_create(parse(&resp)).map_err(registered)
    }
}

/// `POST /v3/webhooks/endpoints` with `url` and, when given, `events`.
fn request(args: &Args) -> Result<HttpRequest, Error> {
    let url = check_https_url("url", &args.url)?;
    let mut body = json!({ "url": url });
    if let Some(events) = &args.events {
        body["events"] = json!(checked_events(events)?);
    }
    Ok(HttpRequest::post_json("/v3/webhooks/endpoints", &body))
}

/// Event types to subscribe to: 1 to [`MAX_WEBHOOK_EVENTS`], each a plain id,
/// none twice.
pub(crate) fn checked_events(events: &[String]) -> Result<Vec<String>, Error> {
    if events.is_empty() || events.len() > MAX_WEBHOOK_EVENTS {
        return Err(Error::InvalidInput(format!(
            "events must list 1 to {MAX_WEBHOOK_EVENTS} event types; leave it unset to receive every type"
        )));
    }
    let mut checked: Vec<String> = Vec::with_capacity(events.len());
    for event in events {
        let event = check_id("events", event)?;
        if checked.contains(&event) {
            return Err(Error::InvalidInput(format!("events lists `{event}` twice")));
        }
        checked.push(event);
    }
    Ok(checked)
}

/// The new endpoint: `data.endpoint_id` (required), `url`, `events`, `status`,
/// `secret`. An unreadable 2xx means HeyGen probably registered it.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    v3::data(resp).and_then(|data: Value| {
        let endpoint_id = text(&data, "endpoint_id")
            .ok_or_else(|| bad_response(resp, "no `endpoint_id` in `data`"))?;
        let events = events(&data)
            .ok_or_else(|| bad_response(resp, "`events` that are not a list of strings"))?;
        Ok(Output {
            endpoint_id: Some(endpoint_id),
            url: text(&data, "url"),
            events,
            status: text(&data, "status"),
            secret: text(&data, "secret"),
        })
    })
}

/// A create's "may exist" error, said of an endpoint (whose secret is shown
/// only once).
fn registered(e: Error) -> Error {
    match e {
        Error::MaybeCreated { error, key, .. } => Error::MaybeRegistered { error, key },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::port::TransportError;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];
    const CREATED: &str = r#"{"data":{"endpoint_id":"we1","url":"https://h.example/x","events":["avatar_video.success"],
        "status":"enabled","created_at":1,"secret":"whsec_c2VjcmV0c2VjcmV0"}}"#;

    #[test]
    fn registers_with_an_idempotency_key_and_returns_the_secret_once() {
        let mut t = Scripted::new([Err(TransportError::Broken("reset".into())), answer(200, CREATED, &[])]);
        let (status, out) = run_with(
            &mut t,
            CreateWebhookEndpoint::NAME,
            &KEY,
            json!({"url": " https://h.example/x ", "events": ["avatar_video.success"]}),
        );
        assert_eq!(status, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "endpoint_id": "we1", "url": "https://h.example/x",
                   "events": ["avatar_video.success"], "status": "enabled", "secret": "whsec_c2VjcmV0c2VjcmV0"})
        );
        assert_eq!(t.sent.len(), 2, "retried after a lost answer");
        let key = |i: usize| {
            let headers = &t.sent[i].headers;
            headers.iter().find(|(k, _)| k == "Idempotency-Key").map(|(_, v)| v.clone())
        };
        assert!(key(0).is_some());
        assert_eq!(key(0), key(1), "under the same key");
        let body: Value = serde_json::from_slice(t.sent[0].body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"url": "https://h.example/x", "events": ["avatar_video.success"]}));
        let output = Output {
            secret: Some("whsec_c2VjcmV0c2VjcmV0".into()),
            ..Default::default()
        };
        assert!(!format!("{output:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn bad_input_is_refused_before_sending() {
        let mut t = Scripted::new([]);
        for (args, needle) in [
            (json!({"url": "http://h.example/x"}), "url must be an https:// URL"),
            (json!({"url": "https://h.example/x", "events": []}), "events must list 1 to 50"),
            (json!({"url": "https://h.example/x", "events": ["a", "a"]}), "lists `a` twice"),
            (json!({"url": "https://h.example/x", "events": [" "]}), "events is required"),
            (json!({"url": "https://h.example/x", "events": "all"}), "events: invalid type"),
        ] {
            let (status, out) = run_with(&mut t, CreateWebhookEndpoint::NAME, &KEY, args);
            let error = out["error"].as_str().unwrap();
            assert!(error.starts_with("invalid_input: ") && error.contains(needle), "{error}");
            assert_eq!((status, &out["events"], &out["secret"]), (400, &json!([]), &Value::Null));
        }
        assert!(t.sent.is_empty());
    }

    #[test]
    fn an_unreadable_answer_may_have_registered_the_endpoint() {
        let mut t = Scripted::new([answer(200, r#"{"data":{"url":"https://h.example/x"}}"#, &[])]);
        let (_, out) = run_with(&mut t, CreateWebhookEndpoint::NAME, &KEY, json!({"url": "https://h.example/x"}));
        let error = out["error"].as_str().unwrap();
        assert!(error.starts_with("bad_response: ") && error.contains("may have created the endpoint"), "{error}");
        assert_eq!(t.sent.len(), 1);
    }
}
