//! Deletes a webhook endpoint. v3 only:
//! `DELETE /v3/webhooks/endpoints/{id}`.
//!
//! Idempotent, like `delete_video`: retried like a read, and a 404 to a retry
//! after an attempt that may have reached HeyGen reads as `deleted: true`
//! (see [`crate::api::v3`]'s `delete`).

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::api::v3;
use crate::call::Call;
use crate::checks::check_id;
use crate::error::Error;
use crate::outbound::encode_component;

arguments! {
    /// Arguments of `delete_webhook_endpoint`.
    pub struct Args {
        /// Endpoint id.
        pub endpoint_id: String,
    }
}

/// Output of `delete_webhook_endpoint`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// The deleted endpoint's id.
    pub endpoint_id: Option<String>,
    /// True once the endpoint is gone.
    pub deleted: bool,
}

/// `delete_webhook_endpoint`.
pub struct DeleteWebhookEndpoint;

impl Action for DeleteWebhookEndpoint {
    const NAME: &'static str = "delete_webhook_endpoint";
    const KIND: Kind = Kind::Delete;
    const TOOLSET: Toolset = Toolset::Webhooks;
    const EXAMPLE: &'static str = r#"{"endpoint_id":"we_0123456789abcdef"}"#;
    const ON_V3: &'static str = r#"`DELETE /v3/webhooks/endpoints/{id}` → `{endpoint_id, deleted}`; retried and read like `delete_video`"#;
    const V3_ONLY: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        let id = check_id("endpoint_id", &args.endpoint_id)?;
        let path = format!("/v3/webhooks/endpoints/{}", encode_component(&id));
        let (endpoint_id, deleted) = v3::delete(call, path, "endpoint_id", id)?;
        Ok(Output {
            endpoint_id: Some(endpoint_id),
            deleted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::{Scripted, answer};
    use crate::config::BaseUrl;
    use crate::outbound::Method;
    use crate::port::TransportError;
    use serde_json::json;

    const KEY: [(&str, &str); 1] = [("HEYGEN_API_KEY", "k")];

    #[test]
    fn sends_a_delete_and_reads_the_answer() {
        let ok = || answer(200, r#"{"data":{"endpoint_id":"we 1","deleted":true}}"#, &[]);
        let mut t = Scripted::new([ok()]);
        let (status, _) = run_with(&mut t, DeleteWebhookEndpoint::NAME, &KEY, json!({"endpoint_id": "we 1"}));
        assert_eq!((status, t.sent.len()), (400, 0), "a space is refused");
        let (status, out) = run_with(&mut t, DeleteWebhookEndpoint::NAME, &KEY, json!({"endpoint_id": "we:1"}));
        assert_eq!(status, 200);
        assert_eq!(out, json!({"success": true, "error": null, "endpoint_id": "we 1", "deleted": true}));
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].method, Method::Delete);
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/webhooks/endpoints/we%3A1");
    }

    #[test]
    fn a_404_is_deleted_only_after_an_attempt_that_may_have_acted() {
        let not_found = || answer(404, r#"{"error":{"code":"not_found","message":"no such endpoint"}}"#, &[]);
        let mut t = Scripted::new([not_found()]);
        let (_, out) = run_with(&mut t, DeleteWebhookEndpoint::NAME, &KEY, json!({"endpoint_id": "we1"}));
        assert!(out["error"].as_str().unwrap().starts_with("http_404: "));
        assert_eq!(out["deleted"], json!(false));
        let mut t = Scripted::new([Err(TransportError::Broken("reset".into())), not_found()]);
        let (_, out) = run_with(&mut t, DeleteWebhookEndpoint::NAME, &KEY, json!({"endpoint_id": "we1"}));
        assert_eq!(out, json!({"success": true, "error": null, "endpoint_id": "we1", "deleted": true}));
    }
}
