//! Gives a webhook endpoint a new signing secret. v3 only:
//! `POST /v3/webhooks/endpoints/{id}/rotate-secret`. Each rotation makes a new
//! secret shown only in its answer, so it is sent once ([`Effect::Once`]).

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::{bad_response, text, v3};
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse, encode_component};
use crate::retry::Effect;

arguments! {
    /// Arguments of `rotate_webhook_secret`.
    pub struct Args {
        /// The endpoint's id.
        pub endpoint_id: String,
    }
}

/// Output of `rotate_webhook_secret`. Its `Debug` leaves out the secret.
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct Output {
    /// The endpoint's id.
    pub endpoint_id: Option<String>,
    /// The new signing secret.
    pub secret: Option<String>,
}

impl core::fmt::Debug for Output {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Output")
            .field("endpoint_id", &self.endpoint_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `rotate_webhook_secret`.
pub struct RotateWebhookSecret;

impl Action for RotateWebhookSecret {
    const NAME: &'static str = "rotate_webhook_secret";
    const KIND: Kind = Kind::Create;
    const SPENDS_CREDITS: bool = false;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = r#"{"endpoint_id":"we_0123456789abcdef"}"#;
    const ON_V3: &'static str = "`POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret` → `endpoint_id`, `secret` (shown only here); sent once: a lost answer is reported, not repeated";
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("endpoint_id", &args.endpoint_id)?;
        let path = format!("/v3/webhooks/endpoints/{}/rotate-secret", encode_component(&id));
        let request = HttpRequest {
            method: crate::outbound::Method::Post,
            ..HttpRequest::get(path)
        };
        call.start_create("new secret", None)?;
        let resp = call.exchange(request, Effect::Once)?;
        call.after_create(parse(&resp))
    }
}

/// `data.endpoint_id` and `data.secret`, both required.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    match (text(&data, "endpoint_id"), text(&data, "secret")) {
        (Some(endpoint_id), Some(secret)) => Ok(Output {
            endpoint_id: Some(endpoint_id),
            secret: Some(secret),
        }),
        _ => Err(bad_response(resp, "no `endpoint_id` or `secret` in `data`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::outbound::Method;
    use crate::port::TransportError;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "test-key-1")];

    #[test]
    fn rotates_once_and_shows_the_new_secret() {
        let rotated = r#"{"data":{"endpoint_id":"we1","secret":"whsec_bmV3c2VjcmV0"}}"#;
        let mut t = Scripted::new([answer(200, rotated, &[])]);
        let (status, out) = run_with(&mut t, RotateWebhookSecret::NAME, &KEY, json!({"endpoint_id": "we1"}));
        assert_eq!(
            (status, out),
            (200, json!({"success": true, "error": null, "endpoint_id": "we1", "secret": "whsec_bmV3c2VjcmV0"}))
        );
        assert_eq!((t.sent[0].method, t.sent[0].path.as_str(), &t.sent[0].body), (Method::Post, "/v3/webhooks/endpoints/we1/rotate-secret", &None));
        assert!(!format!("{:?}", Output { endpoint_id: None, secret: Some("whsec_x".into()) }).contains("whsec_x"));
        let mut t = Scripted::new([Err(TransportError::Broken("reset".into())), answer(200, rotated, &[])]);
        let (_, out) = run_with(&mut t, RotateWebhookSecret::NAME, &KEY, json!({"endpoint_id": "we1"}));
        assert_eq!(t.sent.len(), 1);
        assert!(out["error"].as_str().unwrap().contains("rotate"), "{out}");
    }
}
