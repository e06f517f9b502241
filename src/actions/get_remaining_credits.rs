//! Reads what the account has left to spend. v3 only: `GET /v3/users/me`,
//! mapped per billing type (wallet: `wallet.remaining_balance` in
//! `wallet.currency`; subscription: the premium credits remaining and their
//! reset time; usage-based: `usage_based.remaining_credits`).

use crate::prelude::*;
use serde::Serialize;

use super::{Action, Kind, Toolset};
use crate::args::NoArgs;
use crate::api::{bad_response, number, scalar_text, text, v3};
use crate::call::Call;
use crate::error::Error;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::retry::Effect;

/// Output of `get_remaining_credits`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// `wallet`, `subscription` or `usage_based` (other values passed through).
    pub billing_type: Option<String>,
    /// What is left, in `unit`.
    pub remaining: Option<f64>,
    /// `usd` or `credits`.
    pub unit: Option<String>,
    /// When subscription credits renew, as HeyGen gives it.
    pub resets_at: Option<String>,
}

/// `get_remaining_credits`.
pub struct GetRemainingCredits;

impl Action for GetRemainingCredits {
    const NAME: &'static str = "get_remaining_credits";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Account;
    const EXAMPLE: &'static str = "{}";
    const ON_V3: &'static str = r#"`GET /v3/users/me`: wallet → `wallet.remaining_balance` in `wallet.currency`; subscription → `subscription.credits.premium_credits.remaining` and `.resets_at`, in credits; usage-based → `usage_based.remaining_credits`, in credits"#;
    const V3_ONLY: bool = true;
    type Args = NoArgs;
    type Output = Output;

    fn v3(call: &mut Call<'_>, _: &NoArgs) -> Result<Output, Error> {
        parse(&call.exchange(HttpRequest::get("/v3/users/me"), Effect::Read)?)
    }
}

/// The account's remaining credit from `GET /v3/users/me`.
fn parse(resp: &HttpResponse) -> Result<Output, Error> {
    let data = v3::data(resp)?;
    let billing_type = text(&data, "billing_type")
        .ok_or_else(|| bad_response(resp, "no `billing_type` in `data`"))?;
    let mut output = Output {
        billing_type: Some(billing_type.clone()),
        ..Output::default()
    };
    match billing_type.as_str() {
        "wallet" => {
            let wallet = &data["wallet"];
            output.remaining = number(wallet, "remaining_balance");
            output.unit = text(wallet, "currency").map(|c| c.to_ascii_lowercase());
        }
        "subscription" => {
            let premium = &data["subscription"]["credits"]["premium_credits"];
            output.remaining = number(premium, "remaining");
            output.resets_at = premium.get("resets_at").and_then(scalar_text);
            output.unit = Some("credits".into());
        }
        "usage_based" => {
            output.remaining = number(&data["usage_based"], "remaining_credits");
            output.unit = Some("credits".into());
        }
        // A billing type this plugin does not know: said as is, nothing guessed.
        _ => {}
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::Scripted;
    use crate::config::BaseUrl;
    use serde_json::{Value, json};

    /// A 2xx answer whose `data` is `data`.
    fn answer(data: Value) -> HttpResponse {
        crate::api::testing::response(200, &json!({ "data": data }).to_string())
    }

    #[test]
    fn maps_each_billing_type() {
        let wallet = parse(&answer(json!({"username": "u", "billing_type": "wallet",
            "wallet": {"currency": "USD", "remaining_balance": 12.5, "auto_reload": null}})))
        .unwrap();
        assert_eq!(
            wallet,
            Output {
                billing_type: Some("wallet".into()),
                remaining: Some(12.5),
                unit: Some("usd".into()),
                resets_at: None
            }
        );
        let subscription = parse(&answer(json!({"billing_type": "subscription",
            "subscription": {"plan": "creator", "credits": {"premium_credits": {"remaining": 300, "resets_at": "2026-12-01T00:00:00Z"},
                             "add_on_credits": 5}}})))
        .unwrap();
        assert_eq!(
            subscription,
            Output {
                billing_type: Some("subscription".into()),
                remaining: Some(300.0),
                unit: Some("credits".into()),
                resets_at: Some("2026-12-01T00:00:00Z".into())
            }
        );
        let usage = parse(&answer(json!({"billing_type": "usage_based",
            "usage_based": {"included_credits": 100, "remaining_credits": 42.25, "spending_cap_usd": null}})))
        .unwrap();
        assert_eq!(
            (usage.remaining, usage.unit.as_deref(), usage.resets_at),
            (Some(42.25), Some("credits"), None)
        );
        let sparse = parse(&answer(json!({"billing_type": "subscription", "subscription": null}))).unwrap();
        assert_eq!((sparse.remaining, sparse.unit.as_deref()), (None, Some("credits")));
        let unknown = parse(&answer(json!({"billing_type": "enterprise"}))).unwrap();
        assert_eq!(
            (unknown.billing_type.as_deref(), unknown.remaining, unknown.unit),
            (Some("enterprise"), None, None)
        );
        assert!(parse(&answer(json!({"username": "u"}))).is_err());
        assert!(parse(&crate::api::testing::response(200, "[]")).is_err());
    }

    #[test]
    fn sends_one_get_and_is_v3_only() {
        let mut t = Scripted::new([crate::call::fake::answer(
            200,
            r#"{"data":{"billing_type":"wallet","wallet":{"currency":"credits","remaining_balance":7}}}"#,
            &[],
        )]);
        let (status, out) = run_with(&mut t, GetRemainingCredits::NAME, &[("HEYGEN_API_KEY", "k")], json!({}));
        assert_eq!(status, 200);
        assert_eq!(
            out,
            json!({"success": true, "error": null, "billing_type": "wallet", "remaining": 7.0, "unit": "credits", "resets_at": null})
        );
        let base = BaseUrl::parse("https://api.heygen.com").unwrap();
        assert_eq!(t.sent[0].path_and_query(&base), "/v3/users/me");
        let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")];
        let (_, out) = run_with(&mut t, GetRemainingCredits::NAME, &vars, json!({}));
        assert!(out["error"].as_str().unwrap().starts_with("unsupported: "));
        assert_eq!(t.sent.len(), 1);
    }
}
