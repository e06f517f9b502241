//! The webhook deliveries HeyGen would send when a render ends, signed as the
//! reference describes: `Heygen-Signature` is the lowercase hex HMAC-SHA256
//! of the raw body keyed with the endpoint's `whsec_…` secret. Signing uses
//! `ring`, a different implementation from the plugin's, so the two check
//! each other.

use base64::Engine;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;

use super::data::unix_now;
use super::data::{Delivery, Endpoint, Stage, Video};

/// The deliveries of a render that just ended (`video` as its status answer
/// reports it): one to each of `endpoints` that wants the event, numbered on
/// from `next_event`.
pub(crate) fn of_video<'a>(
    video: &Video,
    endpoints: impl Iterator<Item = &'a Endpoint>,
    next_event: &mut u64,
) -> Vec<Delivery> {
    let (event_type, mut event_data) = match video.stage() {
        Stage::Completed => (
            "avatar_video.success",
            json!({"video_id": video.id, "url": video.url("video.mp4")}),
        ),
        Stage::Failed => (
            "avatar_video.fail",
            json!({"video_id": video.id, "msg": "No face was detected in the talking photo."}),
        ),
        Stage::Queued | Stage::Processing => return Vec::new(),
    };
    event_data["callback_id"] = json!(video.callback_id);
    let body = json!({"event_type": event_type, "event_data": event_data}).to_string();
    let timestamp = unix_now();
    endpoints
        .filter(|e| e.wants(event_type))
        .map(|endpoint| {
            *next_event += 1;
            Delivery {
                endpoint_id: endpoint.id.clone(),
                event_id: format!("evt_{:016x}", *next_event),
                timestamp,
                signature: sign(&endpoint.secret, body.as_bytes()),
                body: body.clone(),
            }
        })
        .collect()
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
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    // The system's randomness does not fail on the machines tests run on; a
    // zero key would still sign and verify.
    let _ = SystemRandom::new().fill(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
