//! Verifies a webhook delivery's signature. Pure: it sends nothing, needs no
//! API key, and is the same on both API generations.
//!
//! The signature's form picks the scheme (docs/heygen-api.md, "Webhook
//! deliveries and signatures"):
//! - **hex**: 64 hex digits, either case, optionally after `sha256=`: the
//!   HMAC-SHA256 of the raw body keyed with the whole secret text (`whsec_…`)
//!   as UTF-8 bytes, as HeyGen's `Heygen-Signature` header is read by the
//!   integrations we know of;
//! - **Standard Webhooks**: space-separated `v1,<base64>` entries (any may
//!   match): the HMAC-SHA256 of `{event_id}.{timestamp}.{body}` keyed with the
//!   base64-decoded part of the secret after `whsec_`.
//!
//! MACs are compared in constant time (`subtle`). A given `timestamp` must be
//! within `tolerance_seconds` of the port's wall clock. A delivery that fails
//! either check is `success: true`, `valid: false`, with the reason in
//! `error`. Nothing derived from the secret (the key, the expected MAC) is
//! ever put in an output or an error.

use crate::prelude::*;
use core::fmt;

use base64ct::{Base64, Encoding};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use super::{Action, Kind, Toolset};
use crate::call::Call;
use crate::checks::whole_number;
use crate::error::Error;
use crate::limits::{
    DEFAULT_TOLERANCE_SECONDS, MAX_ID_CHARS, MAX_SECRET_CHARS, MAX_SIGNATURE_CHARS,
    MAX_TOLERANCE_SECONDS, MAX_WEBHOOK_PAYLOAD_BYTES, MIN_TOLERANCE_SECONDS,
};

/// Bytes of an HMAC-SHA256.
const MAC_BYTES: usize = 32;

arguments! {
    /// Arguments of `verify_webhook`.
    pub struct Args {
        /// The delivery's body, exactly as received.
        pub payload: String,
        /// The delivery's signature header, as received.
        pub signature: String,
        /// The endpoint's signing secret.
        pub secret: Secret,
        /// Unix seconds, as header text or a whole number; required by `v1,`
        /// signatures.
        pub timestamp: Option<Value>,
        /// The delivery's id; required by `v1,` signatures.
        pub event_id: Option<String>,
        /// Accepted distance of `timestamp` from now, in seconds (1 to 86,400;
        /// default 300); read by [`whole_number`].
        pub tolerance_seconds: Option<Value>,
    }
}

/// A webhook signing secret. Its `Debug` never shows it, and a value of the
/// wrong JSON type is refused without being quoted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A secret a WIT face was given as a string.
impl From<String> for Secret {
    fn from(text: String) -> Secret {
        Secret(text)
    }
}

impl crate::args::Arg for Secret {
    fn from_arg(value: &Value) -> Result<Secret, String> {
        match value {
            Value::String(text) => Ok(Secret(text.clone())),
            _ => Err("must be a string: the endpoint's signing secret".into()),
        }
    }
}

/// Output of `verify_webhook`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Output {
    /// True when the signature matches and the timestamp (if given) is fresh.
    pub valid: bool,
    /// The payload's `event_type`, when valid.
    pub event_type: Option<String>,
    /// The payload's `event_data.video_id`, when valid.
    pub video_id: Option<String>,
    /// The payload's `event_data.callback_id`, when valid.
    pub callback_id: Option<String>,
    /// Why the delivery is not valid (the card's `error`).
    #[serde(skip)]
    pub rejected: Option<String>,
}

/// `verify_webhook`.
pub struct VerifyWebhook;

impl Action for VerifyWebhook {
    const NAME: &'static str = "verify_webhook";
    const KIND: Kind = Kind::Read;
    const TOOLSET: Toolset = Toolset::Webhooks;
    // The hex scheme without a timestamp, so that the example stays valid at
    // any time. Signature: `openssl dgst -sha256 -hmac <secret>` of the payload.
    const EXAMPLE: &'static str = r#"{"payload":"{\"event_type\":\"avatar_video.success\",\"event_data\":{\"video_id\":\"0123456789abcdef0123456789abcdef\",\"url\":\"https://example.com/v.mp4\",\"callback_id\":\"order-42\"}}","signature":"1aefeaf65ddf71aaf42b72e9f818526012684b8f4a0c351ea22cdf4c0e4da2c6","secret":"whsec_dGVzdC1zZWNyZXQtZm9yLWV4YW1wbGVz"}"#;
    const ON_V3: &'static str = r#"none: pure, needs no API key. Hex signature (64 digits, either case, optional `sha256=`): HMAC-SHA256 of the raw body keyed with the whole `whsec_…` secret; `v1,<base64>` entries (Standard Webhooks): HMAC-SHA256 of `{event_id}.{timestamp}.{body}` keyed with the base64 after `whsec_`, any entry may match; constant-time comparison; a given `timestamp` must be within `tolerance_seconds` (1–86,400, default 300) of the host's clock. Not valid: `success: true`, `valid: false`, `error` `signature_mismatch:` or `timestamp_outside_tolerance:`; `event_type`, `video_id`, `callback_id` are read from the body only when valid"#;
    const ON_LEGACY: &'static str = r#"the same"#;
    const PURE: bool = true;
    type Args = Args;
    type Output = Output;

    fn v3(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        verify(args, call.unix_secs())
    }

    fn legacy(call: &mut Call<'_>, args: &Args) -> Result<Output, Error> {
        verify(args, call.unix_secs())
    }

    fn note(output: &Output) -> Option<String> {
        output.rejected.clone()
    }
}

/// A signature, by scheme.
enum Signature {
    /// A hex HMAC of the body.
    Hex([u8; MAC_BYTES]),
    /// The well-formed `v1,` entries of a Standard Webhooks signature.
    Standard(Vec<[u8; MAC_BYTES]>),
}

/// A timestamp: its text as signed, and its value.
struct Timestamp {
    text: String,
    secs: u64,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

/// Verifies the delivery in `args` at `now` (Unix seconds).
fn verify(args: &Args, now: u64) -> Result<Output, Error> {
    let payload = args.payload.as_bytes();
    if payload.len() > MAX_WEBHOOK_PAYLOAD_BYTES {
        return Err(invalid(format!(
            "payload is larger than {MAX_WEBHOOK_PAYLOAD_BYTES} bytes; pass the delivery's body alone"
        )));
    }
    let secret = read_secret(&args.secret)?;
    let tolerance = whole_number(
        "tolerance_seconds",
        args.tolerance_seconds.as_ref(),
        (MIN_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS),
        DEFAULT_TOLERANCE_SECONDS,
    )?;
    let timestamp = match &args.timestamp {
        None | Some(Value::Null) => None,
        Some(value) => Some(read_timestamp(value)?),
    };
    let event_id = args.event_id.as_deref().map(read_event_id).transpose()?;
    let matched = match read_signature(&args.signature)? {
        Signature::Hex(given) => mac(secret.as_bytes(), &[payload])?[..].ct_eq(&given[..]),
        Signature::Standard(entries) => {
            let id = event_id.ok_or_else(|| {
                invalid("event_id is required with a Standard Webhooks signature (`v1,…`): pass the delivery's `webhook-id` header")
            })?;
            let Some(timestamp) = &timestamp else {
                return Err(invalid(
                    "timestamp is required with a Standard Webhooks signature (`v1,…`): pass the delivery's `webhook-timestamp` header",
                ));
            };
            let key = standard_key(secret)?;
            let signed = [
                id.as_bytes(),
                b".",
                timestamp.text.as_bytes(),
                b".",
                payload,
            ];
            let expected = mac(&key, &signed)?;
            entries.iter().fold(Choice::from(0), |any, entry| {
                any | expected[..].ct_eq(&entry[..])
            })
        }
    };
    if !bool::from(matched) {
        return Ok(rejected(
            "signature_mismatch: the signature does not match this payload and secret. Check that `payload` is the body exactly as received (re-serialized JSON does not match), that `secret` is this endpoint's current signing secret and, for a `v1,` signature, `event_id` and `timestamp`; otherwise do not trust the delivery".into(),
        ));
    }
    if let Some(timestamp) = timestamp {
        let distance = now.abs_diff(timestamp.secs);
        if distance > u64::from(tolerance) {
            let side = if timestamp.secs < now {
                "older than"
            } else {
                "ahead of"
            };
            return Ok(rejected(format!(
                "timestamp_outside_tolerance: the delivery's timestamp is {distance} s {side} this host's clock, more than tolerance_seconds ({tolerance}) allows: a replayed or long-delayed delivery, or a timestamp not in Unix seconds; do not act on it"
            )));
        }
    }
    Ok(described(&args.payload))
}

/// The output of a delivery that is not valid.
fn rejected(reason: String) -> Output {
    Output {
        rejected: Some(reason),
        ..Output::default()
    }
}

/// The output of a valid delivery: what its body says, when it is HeyGen's
/// JSON (`{"event_type", "event_data": {"video_id", "callback_id", …}}`).
fn described(payload: &str) -> Output {
    let body = crate::json::read(payload.as_bytes()).unwrap_or(Value::Null);
    let text = |value: &Value| value.as_str().map(str::to_owned);
    Output {
        valid: true,
        event_type: text(&body["event_type"]),
        video_id: text(&body["event_data"]["video_id"]),
        callback_id: text(&body["event_data"]["callback_id"]),
        rejected: None,
    }
}

/// The secret, trimmed: 1 to [`MAX_SECRET_CHARS`] characters. Never quoted.
fn read_secret(secret: &Secret) -> Result<&str, Error> {
    let text = secret.0.trim();
    if text.is_empty() {
        return Err(invalid(
            "secret is required: the endpoint's signing secret (`whsec_…`), shown when the endpoint was created",
        ));
    }
    if text.chars().count() > MAX_SECRET_CHARS {
        return Err(invalid(format!(
            "secret is longer than {MAX_SECRET_CHARS} characters; pass the signing secret alone"
        )));
    }
    Ok(text)
}

/// The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`.
fn standard_key(secret: &str) -> Result<Vec<u8>, Error> {
    let bad = || {
        invalid("secret must be a Standard Webhooks secret (`whsec_` then base64) to check a `v1,` signature")
    };
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let mut key = vec![0; encoded.len()];
    let len = Base64::decode(encoded, &mut key).map_err(|_| bad())?.len();
    if len == 0 {
        return Err(bad());
    }
    key.truncate(len);
    Ok(key)
}

/// A timestamp in Unix seconds: header text (digits, trimmed) or a whole
/// number.
fn read_timestamp(value: &Value) -> Result<Timestamp, Error> {
    let bad = || {
        invalid("timestamp must be Unix seconds, as the delivery's timestamp header text (e.g. \"1614265330\") or a whole number")
    };
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.as_u64().ok_or_else(bad)?.to_string(),
        _ => return Err(bad()),
    };
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let secs = text.parse().map_err(|_| bad())?;
    Ok(Timestamp { text, secs })
}

/// An event id, trimmed: 1 to [`MAX_ID_CHARS`] characters, no whitespace or
/// control characters.
fn read_event_id(value: &str) -> Result<&str, Error> {
    let id = value.trim();
    if id.is_empty()
        || id.chars().count() > MAX_ID_CHARS
        || id.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid(format!(
            "event_id must be the delivery's id header as received: 1 to {MAX_ID_CHARS} characters, no spaces or control characters"
        )));
    }
    Ok(id)
}

/// Reads a signature's form: `v1,` entries, or hex.
fn read_signature(raw: &str) -> Result<Signature, Error> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(invalid(
            "signature is required: the delivery's signature header as received",
        ));
    }
    if text.chars().count() > MAX_SIGNATURE_CHARS {
        return Err(invalid(format!(
            "signature is longer than {MAX_SIGNATURE_CHARS} characters; pass the signature header's value alone"
        )));
    }
    if text.contains(',') {
        let mut v1_entries = 0;
        let mut macs = Vec::new();
        for entry in text.split_whitespace() {
            if let Some(encoded) = entry.strip_prefix("v1,") {
                v1_entries += 1;
                let mut mac = [0; MAC_BYTES];
                // A malformed entry cannot match; the others still count.
                if Base64::decode(encoded, &mut mac).is_ok_and(|d| d.len() == MAC_BYTES) {
                    macs.push(mac);
                }
            }
        }
        if v1_entries == 0 {
            return Err(invalid(
                "signature has no `v1,<base64>` entry: of Standard Webhooks signatures only v1 (HMAC-SHA256) is supported",
            ));
        }
        return Ok(Signature::Standard(macs));
    }
    let hex = match text.split_at_checked(7) {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("sha256=") => rest,
        _ => text,
    };
    let mut mac = [0; MAC_BYTES];
    match base16ct::mixed::decode(hex, &mut mac) {
        Ok(decoded) if decoded.len() == MAC_BYTES => Ok(Signature::Hex(mac)),
        _ => Err(invalid(
            "signature must be 64 hex digits (optionally after `sha256=`) or Standard Webhooks `v1,<base64>` entries separated by spaces",
        )),
    }
}

/// HMAC-SHA256 of `parts`, one after the other, keyed with `key`.
fn mac(key: &[u8], parts: &[&[u8]]) -> Result<[u8; MAC_BYTES], Error> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|_| invalid("secret cannot be used as an HMAC key"))?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::testing::run_with;
    use crate::call::fake::Scripted;
    use serde_json::json;

    /// The Standard Webhooks specification's published test vector (also in
    /// its reference libraries' tests; recomputed with Python's `hmac` when
    /// this test was written).
    const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SW_TIMESTAMP: u64 = 1_614_265_330;
    const SW_PAYLOAD: &str = r#"{"test": 2432232314}"#;
    const SW_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    /// The same delivery at 1,000,000 s, the scripted port's wall clock:
    /// Python's `base64.b64encode(hmac.new(base64.b64decode(<secret after
    /// whsec_>), b'<id>.1000000.<payload>', hashlib.sha256).digest())`.
    const SW_SIGNATURE_AT_PORT_TIME: &str = "v1,RMnb9Z9byMCaxLKfR5brgOJBgi0oaG4dyzf34KnXPf0=";

    /// A HeyGen-shaped delivery signed with the hex scheme:
    /// `printf '%s' "$HEX_PAYLOAD" | openssl dgst -sha256 -hmac "$HEX_SECRET"`
    /// (and Python's `hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()`,
    /// which agrees).
    const HEX_SECRET: &str = "whsec_dGVzdC1zZWNyZXQtZm9yLWV4YW1wbGVz";
    const HEX_PAYLOAD: &str = r#"{"event_type":"avatar_video.success","event_data":{"video_id":"0123456789abcdef0123456789abcdef","url":"https://example.com/v.mp4","callback_id":"order-42"}}"#;
    const HEX_SIGNATURE: &str = "1aefeaf65ddf71aaf42b72e9f818526012684b8f4a0c351ea22cdf4c0e4da2c6";

    fn args(value: Value) -> Args {
        crate::args::read_args(&value).unwrap()
    }

    fn standard(now: u64, changes: Value) -> Result<Output, Error> {
        let mut value = json!({"payload": SW_PAYLOAD, "signature": SW_SIGNATURE, "secret": SW_SECRET,
                               "event_id": SW_ID, "timestamp": SW_TIMESTAMP.to_string()});
        for (k, v) in changes.as_object().unwrap() {
            value[k] = v.clone();
        }
        value.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        verify(&args(value), now)
    }

    fn hex(signature: &str, payload: &str, secret: &str) -> Result<Output, Error> {
        verify(&args(json!({"payload": payload, "signature": signature, "secret": secret})), 0)
    }

    fn reason(output: &Output) -> &str {
        assert!(!output.valid, "{output:?}");
        assert_eq!((&output.event_type, &output.video_id, &output.callback_id), (&None, &None, &None));
        output.rejected.as_deref().unwrap()
    }

    #[test]
    fn the_standard_webhooks_vector_verifies() {
        let output = standard(SW_TIMESTAMP, json!({})).unwrap();
        assert!(output.valid && output.rejected.is_none(), "{output:?}");
        // Not HeyGen's JSON: nothing to read, still valid.
        assert_eq!(output.event_type, None);
        // The timestamp as a number, and the secret without its prefix.
        let output = standard(SW_TIMESTAMP, json!({"timestamp": SW_TIMESTAMP, "secret": &SW_SECRET[6..]}));
        assert!(output.unwrap().valid);
        // Any of several entries may match; other versions are ignored.
        for signature in [
            format!("v1,bm9wZQ== {SW_SIGNATURE}"),
            format!("v1a,abc {SW_SIGNATURE} v1,AAAA"),
            format!("  {SW_SIGNATURE}  "),
        ] {
            assert!(standard(SW_TIMESTAMP, json!({"signature": signature})).unwrap().valid);
        }
    }

    #[test]
    fn standard_webhooks_tampering_is_a_mismatch() {
        let tampered = [
            json!({"payload": r#"{"test": 2432232315}"#}),
            json!({"payload": r#"{"test":2432232314}"#}),
            json!({"event_id": "msg_p5jXN8AQM9LWM0D4loKWxJel"}),
            json!({"timestamp": (SW_TIMESTAMP + 1).to_string()}),
            json!({"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx"}),
            json!({"signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF="}),
            json!({"signature": "v1,bm9wZQ== v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}),
            json!({"signature": "v1,not-base64!"}),
        ];
        for changes in tampered {
            let output = standard(SW_TIMESTAMP, changes.clone()).unwrap();
            assert!(reason(&output).starts_with("signature_mismatch: "), "{changes}");
        }
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_not_valid() {
        for (now, side) in [(SW_TIMESTAMP + 301, "301 s older than"), (SW_TIMESTAMP - 301, "301 s ahead of")] {
            let output = standard(now, json!({})).unwrap();
            let reason = reason(&output);
            assert!(reason.starts_with("timestamp_outside_tolerance: "), "{reason}");
            assert!(reason.contains(side) && reason.contains("(300)"), "{reason}");
        }
        for now in [SW_TIMESTAMP + 300, SW_TIMESTAMP - 300] {
            assert!(standard(now, json!({})).unwrap().valid);
        }
        let wide = json!({"tolerance_seconds": 86_400});
        assert!(standard(SW_TIMESTAMP + 86_400, wide.clone()).unwrap().valid);
        assert!(!standard(SW_TIMESTAMP + 86_401, wide).unwrap().valid);
        assert!(!standard(SW_TIMESTAMP + 2, json!({"tolerance_seconds": 1})).unwrap().valid);
        // A hex signature with a timestamp: the window applies too.
        let with = |timestamp: u64, now: u64| {
            verify(&args(json!({"payload": HEX_PAYLOAD, "signature": HEX_SIGNATURE, "secret": HEX_SECRET,
                                "timestamp": timestamp.to_string()})), now).unwrap()
        };
        assert!(with(1_000, 1_100).valid);
        assert!(reason(&with(1_000, 1_400)).starts_with("timestamp_outside_tolerance: "));
        // A bad signature is reported as such, whatever the timestamp.
        let output = standard(SW_TIMESTAMP + 10_000, json!({"payload": "{}"})).unwrap();
        assert!(reason(&output).starts_with("signature_mismatch: "));
    }

    #[test]
    fn the_hex_vector_verifies_in_every_spelling_and_reads_the_event() {
        let upper = HEX_SIGNATURE.to_ascii_uppercase();
        for signature in [
            HEX_SIGNATURE.to_owned(),
            upper.clone(),
            format!("sha256={HEX_SIGNATURE}"),
            format!("SHA256={upper}"),
            format!(" {HEX_SIGNATURE}\n"),
        ] {
            let output = hex(&signature, HEX_PAYLOAD, HEX_SECRET).unwrap();
            assert_eq!(
                output,
                Output {
                    valid: true,
                    event_type: Some("avatar_video.success".into()),
                    video_id: Some("0123456789abcdef0123456789abcdef".into()),
                    callback_id: Some("order-42".into()),
                    rejected: None,
                },
                "{signature}"
            );
        }
        // The example verifies.
        let example: Value = serde_json::from_str(VerifyWebhook::EXAMPLE).unwrap();
        assert!(verify(&args(example), 0).unwrap().valid);
    }

    #[test]
    fn hex_tampering_and_wrong_secrets_are_a_mismatch() {
        let tampered = HEX_PAYLOAD.replace("order-42", "order-43");
        let reformatted = serde_json::to_string_pretty(&serde_json::from_str::<Value>(HEX_PAYLOAD).unwrap()).unwrap();
        for (payload, secret) in [
            (tampered.as_str(), HEX_SECRET),
            (reformatted.as_str(), HEX_SECRET),
            (&format!("{HEX_PAYLOAD}\n"), HEX_SECRET),
            (HEX_PAYLOAD, "whsec_dGVzdC1zZWNyZXQtZm9yLWV4YW1wbGVa"),
            // The decoded key is not what the hex scheme signs with.
            (HEX_PAYLOAD, "test-secret-for-examples"),
        ] {
            let output = hex(HEX_SIGNATURE, payload, secret).unwrap();
            assert!(reason(&output).starts_with("signature_mismatch: "), "{payload} {secret}");
        }
        let flipped = format!("0{}", &HEX_SIGNATURE[1..]);
        assert!(!hex(&flipped, HEX_PAYLOAD, HEX_SECRET).unwrap().valid);
    }

    #[test]
    fn malformed_arguments_are_invalid_input_naming_the_field() {
        let long = "a".repeat(MAX_SIGNATURE_CHARS + 1);
        for (signature, field) in [
            ("", "signature is required"),
            ("   ", "signature is required"),
            ("xyz", "signature must be 64 hex digits"),
            (&HEX_SIGNATURE[1..], "signature must be 64 hex digits"),
            (&format!("{HEX_SIGNATURE}0"), "signature must be 64 hex digits"),
            (&format!("{HEX_SIGNATURE}00"), "signature must be 64 hex digits"),
            (&HEX_SIGNATURE.replace('a', "g"), "signature must be 64 hex digits"),
            ("sha256=", "signature must be 64 hex digits"),
            ("sha1=1aefeaf65ddf71aaf42b72e9f818526012684b8f", "signature must be 64 hex digits"),
            ("v1a,abc v2,def", "signature has no `v1,<base64>` entry"),
            (&long, "signature is longer than 1024"),
        ] {
            let err = hex(signature, HEX_PAYLOAD, HEX_SECRET).unwrap_err();
            assert!(err.to_string().starts_with(&format!("invalid_input: {field}")), "{signature}: {err}");
        }
        for (changes, start) in [
            (json!({"event_id": null}), "event_id is required"),
            (json!({"event_id": " "}), "event_id must be"),
            (json!({"event_id": "a b"}), "event_id must be"),
            (json!({"event_id": "x".repeat(129)}), "event_id must be"),
            (json!({"timestamp": null}), "timestamp is required"),
            (json!({"timestamp": "soon"}), "timestamp must be Unix seconds"),
            (json!({"timestamp": ""}), "timestamp must be Unix seconds"),
            (json!({"timestamp": "-1"}), "timestamp must be Unix seconds"),
            (json!({"timestamp": -1}), "timestamp must be Unix seconds"),
            (json!({"timestamp": 1.5}), "timestamp must be Unix seconds"),
            (json!({"timestamp": true}), "timestamp must be Unix seconds"),
            (json!({"timestamp": "99999999999999999999"}), "timestamp must be Unix seconds"),
            (json!({"tolerance_seconds": 0}), "tolerance_seconds must be a whole number from 1 to 86400"),
            (json!({"tolerance_seconds": 86_401}), "tolerance_seconds must be"),
            (json!({"tolerance_seconds": "300"}), "tolerance_seconds must be"),
            (json!({"secret": "whsec_not base64!"}), "secret must be a Standard Webhooks secret"),
            (json!({"secret": "whsec_"}), "secret must be a Standard Webhooks secret"),
            (json!({"secret": " "}), "secret is required"),
            (json!({"secret": "s".repeat(257)}), "secret is longer than 256"),
            (json!({"payload": "x".repeat(MAX_WEBHOOK_PAYLOAD_BYTES + 1)}), "payload is larger than 262144 bytes"),
        ] {
            let err = standard(SW_TIMESTAMP, changes.clone()).unwrap_err();
            assert!(err.to_string().starts_with(&format!("invalid_input: {start}")), "{changes}: {err}");
        }
        // At the limits.
        let big = "x".repeat(MAX_WEBHOOK_PAYLOAD_BYTES);
        assert!(!standard(SW_TIMESTAMP, json!({"payload": big})).unwrap().valid);
    }

    /// Everything secret in a case: the secret, its key, and the MAC that
    /// would have matched, in every spelling.
    fn secrets_of(secret: &str, signed: &[&[u8]], standard: bool) -> Vec<String> {
        let key = if standard { standard_key(secret).unwrap() } else { secret.as_bytes().to_vec() };
        let expected = mac(&key, signed).unwrap();
        let hex: String = expected.iter().map(|b| format!("{b:02x}")).collect();
        let mut buf = [0u8; 64];
        let b64 = Base64::encode(&expected, &mut buf).unwrap().to_owned();
        let key_b64 = Base64::encode(&key, &mut [0u8; 512]).unwrap().to_owned();
        vec![secret.to_owned(), secret.trim_start_matches("whsec_").to_owned(), key_b64,
             hex.clone(), hex.to_ascii_uppercase(), b64.clone(), b64[..20].to_owned(), hex[..16].to_owned()]
    }

    #[test]
    fn no_output_shows_the_secret_or_the_expected_signature() {
        let key = [("HEYGEN_API_KEY", "k")];
        let sw = |changes: Value| {
            let mut value = json!({"payload": SW_PAYLOAD, "signature": "v1,bm9wZQ==", "secret": SW_SECRET,
                                   "event_id": SW_ID, "timestamp": "1000000"});
            for (k, v) in changes.as_object().unwrap() {
                value[k] = v.clone();
            }
            value
        };
        let hex_case = |changes: Value| {
            let mut value = json!({"payload": HEX_PAYLOAD, "signature": "00".repeat(32), "secret": HEX_SECRET});
            for (k, v) in changes.as_object().unwrap() {
                value[k] = v.clone();
            }
            value
        };
        let tampered = HEX_PAYLOAD.replace("42", "43");
        let cases = [
            // Mismatches: the matching MAC must not be shown.
            (sw(json!({})), true),
            (sw(json!({"signature": "v1,bm9wZQ== v1a,xyz"})), true),
            (hex_case(json!({})), false),
            (hex_case(json!({"signature": HEX_SIGNATURE, "payload": tampered})), false),
            // Stale and future timestamps with a signature that matches.
            (sw(json!({"signature": SW_SIGNATURE, "timestamp": SW_TIMESTAMP.to_string()})), true),
            (hex_case(json!({"signature": HEX_SIGNATURE, "timestamp": "1"})), false),
            (hex_case(json!({"signature": HEX_SIGNATURE, "timestamp": "9000000"})), false),
            // Refused arguments.
            (sw(json!({"event_id": null})), true),
            (sw(json!({"timestamp": "x"})), true),
            (sw(json!({"tolerance_seconds": 0})), true),
            (sw(json!({"signature": "zz"})), true),
            (sw(json!({"unknown": 1})), true),
            (hex_case(json!({"secret": 12345})), false),
        ];
        for (value, is_standard) in cases {
            let payload = value["payload"].as_str().unwrap().to_owned();
            let timestamp = value["timestamp"].as_str().unwrap_or("1000000").to_owned();
            let (secret, signed): (&str, Vec<&[u8]>) = if is_standard {
                (SW_SECRET, vec![SW_ID.as_bytes(), b".", timestamp.as_bytes(), b".", payload.as_bytes()])
            } else {
                (HEX_SECRET, vec![payload.as_bytes()])
            };
            let mut t = Scripted::new([]);
            let (_, out) = run_with(&mut t, VerifyWebhook::NAME, &key, value.clone());
            assert_eq!(out["valid"], json!(false), "{value}");
            assert!(out["error"].is_string(), "{out}");
            let text = out.to_string();
            for hidden in secrets_of(secret, &signed, is_standard) {
                assert!(!text.contains(&hidden), "{hidden} in {text}");
            }
            assert!(!text.contains("12345"), "{text}");
        }
        // Debug prints of the arguments hide the secret.
        let debug = format!("{:?}", args(json!({"payload": "p", "signature": "s", "secret": HEX_SECRET})));
        assert!(debug.contains("Secret(<redacted>)") && !debug.contains("dGVzdC1zZWNyZXQ"), "{debug}");
    }

    #[test]
    fn it_needs_no_key_sends_nothing_and_reads_the_ports_clock_on_both_generations() {
        for generation in ["v3", "legacy"] {
            let vars = [("HEYGEN_API_VERSION", generation)];
            let delivery = |timestamp: &str| {
                json!({"payload": SW_PAYLOAD, "signature": SW_SIGNATURE_AT_PORT_TIME, "secret": SW_SECRET,
                       "event_id": SW_ID, "timestamp": timestamp})
            };
            let mut t = Scripted::new([]);
            let (status, out) = run_with(&mut t, VerifyWebhook::NAME, &vars, delivery("1000000"));
            assert_eq!(
                (status, out),
                (200, json!({"success": true, "error": null, "valid": true,
                             "event_type": null, "video_id": null, "callback_id": null}))
            );
            // The published vector's own time is long past on the port's clock.
            let mut published = delivery(&SW_TIMESTAMP.to_string());
            published["signature"] = json!(SW_SIGNATURE);
            let (status, out) = run_with(&mut t, VerifyWebhook::NAME, &vars, published);
            assert_eq!((status, &out["success"], &out["valid"]), (200, &json!(true), &json!(false)));
            assert!(out["error"].as_str().unwrap().starts_with("timestamp_outside_tolerance: "));
            let example: Value = serde_json::from_str(VerifyWebhook::EXAMPLE).unwrap();
            let (_, out) = run_with(&mut t, VerifyWebhook::NAME, &vars, example);
            assert_eq!(out["valid"], json!(true), "{generation}");
            assert!(t.sent.is_empty());
        }
        let mut t = Scripted::new([]);
        let (status, out) = run_with(&mut t, VerifyWebhook::NAME, &[], json!({"payload": "", "signature": "x", "secret": "s"}));
        assert_eq!((status, &out["valid"]), (400, &json!(false)));
        assert!(out["error"].as_str().unwrap().starts_with("invalid_input: signature"));
    }
}
