//! `verify_webhook` through the real component on both API generations:
//! deliveries signed here with a second implementation (ring's HMAC-SHA256,
//! data-encoding's base64) come out valid, tampered ones do not, and nothing
//! reaches the simulator or needs an API key.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::common::Case;

const SECRET: &str = "whsec_dGVzdC1zZWNyZXQtZm9yLWV4YW1wbGVz";
const PAYLOAD: &str = r#"{"event_type":"avatar_video.success","event_data":{"video_id":"0123456789abcdef0123456789abcdef","url":"https://example.com/v.mp4","callback_id":"order-42"}}"#;

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, message).as_ref().to_vec()
}

/// A case for `generation` whose environment has no API key.
fn keyless(generation: &str) -> Case {
    let mut case = Case::new(generation);
    case.set("HEYGEN_API_KEY", None);
    case
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

#[tokio::test]
async fn hex_signed_deliveries_are_told_apart_from_tampered_ones() {
    let signature =
        data_encoding::HEXLOWER.encode(&hmac_sha256(SECRET.as_bytes(), PAYLOAD.as_bytes()));
    for generation in ["v3", "legacy"] {
        let case = keyless(generation);
        let valid = case
            .call(
                "verify_webhook",
                json!({"payload": PAYLOAD, "signature": format!("sha256={}", signature.to_uppercase()),
                       "secret": SECRET, "timestamp": now().to_string()}),
            )
            .await;
        assert_eq!(
            valid,
            json!({"success": true, "error": null, "valid": true, "event_type": "avatar_video.success",
                   "video_id": "0123456789abcdef0123456789abcdef", "callback_id": "order-42"}),
            "{generation}"
        );
        let tampered = PAYLOAD.replace("order-42", "order-666");
        let output = case
            .call(
                "verify_webhook",
                json!({"payload": tampered, "signature": signature, "secret": SECRET}),
            )
            .await;
        assert_rejected(&output, "signature_mismatch: ", &[SECRET, &signature]);
        assert!(case.requests().is_empty(), "{generation}");
    }
}

#[tokio::test]
async fn standard_webhooks_deliveries_are_checked_against_the_hosts_clock() {
    let key = data_encoding::BASE64
        .decode(SECRET.trim_start_matches("whsec_").as_bytes())
        .expect("base64");
    let sign = |id: &str, timestamp: u64, body: &str| {
        let mac = hmac_sha256(&key, format!("{id}.{timestamp}.{body}").as_bytes());
        format!("v1,{}", data_encoding::BASE64.encode(&mac))
    };
    let delivery = |timestamp: u64, body: &str| {
        json!({"payload": body, "signature": format!("v1,bm9wZQ== {}", sign("evt_1", timestamp, PAYLOAD)),
               "secret": SECRET, "event_id": "evt_1", "timestamp": timestamp.to_string()})
    };
    for generation in ["v3", "legacy"] {
        let case = keyless(generation);
        let output = case.call("verify_webhook", delivery(now(), PAYLOAD)).await;
        assert_eq!(
            (&output["valid"], &output["error"]),
            (&json!(true), &Value::Null),
            "{output}"
        );
        assert_eq!(output["callback_id"], json!("order-42"));
        let output = case
            .call(
                "verify_webhook",
                delivery(now(), &PAYLOAD.replace("success", "fail")),
            )
            .await;
        assert_rejected(&output, "signature_mismatch: ", &[SECRET]);
        // Correctly signed, but an hour old.
        let output = case
            .call("verify_webhook", delivery(now() - 3_600, PAYLOAD))
            .await;
        assert_rejected(&output, "timestamp_outside_tolerance: ", &[SECRET]);
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .contains("older than")
        );
        let output = case
            .call(
                "verify_webhook",
                json!({"payload": PAYLOAD, "signature": "v1,AAAA", "secret": SECRET}),
            )
            .await;
        assert_eq!(
            (&output["success"], &output["valid"]),
            (&json!(false), &json!(false))
        );
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .starts_with("invalid_input: event_id")
        );
        assert!(case.requests().is_empty(), "{generation}");
    }
}

/// A delivery judged not valid: `success` true, `valid` false, nothing read
/// from it, and none of `hidden` in the output.
fn assert_rejected(output: &Value, prefix: &str, hidden: &[&str]) {
    assert_eq!(
        (&output["success"], &output["valid"]),
        (&json!(true), &json!(false)),
        "{output}"
    );
    assert!(
        output["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with(prefix),
        "{output}"
    );
    assert_eq!(
        (&output["event_type"], &output["video_id"]),
        (&Value::Null, &Value::Null)
    );
    let text = output.to_string();
    for secret in hidden {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "{text}"
        );
    }
}
