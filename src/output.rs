//! The card's outputs, field for field. Their JSON (snake_case, every field
//! present, `null` for none) is exactly the card's output schemas.

use serde::Serialize;

use crate::api::{Created, VideoState, Voice};
use crate::config::ApiKey;
use crate::error::Error;

/// A failed call, flattened for the boundary: the `error` line (with the key
/// scrubbed out, should HeyGen ever echo it) and the HTTP face's status.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The card's `error` text.
    pub message: String,
    /// Status for the HTTP face (see [`Error::http_status`]).
    pub http_status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
}

impl Failure {
    /// Flattens `error`, removing any occurrence of `key`.
    pub fn new(error: &Error, key: Option<&ApiKey>) -> Failure {
        let mut message = error.to_string();
        if let Some(key) = key {
            message = message.replace(key.expose(), "<redacted>");
        }
        Failure {
            message,
            http_status: error.http_status(),
            retry_after: error.retry_after(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::new(&error, None)
    }
}

/// Output of `create_talking_photo` and `create_video_from_template`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreateVideoOutput {
    /// Whether HeyGen accepted the job.
    pub success: bool,
    /// Why not.
    pub error: Option<String>,
    /// The new video's id.
    pub video_id: Option<String>,
    /// HeyGen's status (v3 only).
    pub status: Option<String>,
}

impl From<&Result<Created, Failure>> for CreateVideoOutput {
    fn from(result: &Result<Created, Failure>) -> Self {
        match result {
            Ok(created) => CreateVideoOutput {
                success: true,
                error: None,
                video_id: Some(created.video_id.clone()),
                status: created.status.clone(),
            },
            Err(failure) => CreateVideoOutput {
                success: false,
                error: Some(failure.message.clone()),
                video_id: None,
                status: None,
            },
        }
    }
}

/// Output of `list_custom_events_options`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventsOutput {
    /// Whether the list was fetched.
    pub success: bool,
    /// Why not.
    pub error: Option<String>,
    /// Event type names; empty on failure.
    pub events: Vec<String>,
}

impl From<&Result<Vec<String>, Failure>> for EventsOutput {
    fn from(result: &Result<Vec<String>, Failure>) -> Self {
        match result {
            Ok(events) => EventsOutput {
                success: true,
                error: None,
                events: events.clone(),
            },
            Err(failure) => EventsOutput {
                success: false,
                error: Some(failure.message.clone()),
                events: Vec::new(),
            },
        }
    }
}

/// Output of `list_voice_id_options`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoicesOutput {
    /// Whether the whole list was fetched.
    pub success: bool,
    /// Why not.
    pub error: Option<String>,
    /// The voices; empty on failure.
    pub voices: Vec<Voice>,
}

impl From<&Result<Vec<Voice>, Failure>> for VoicesOutput {
    fn from(result: &Result<Vec<Voice>, Failure>) -> Self {
        match result {
            Ok(voices) => VoicesOutput {
                success: true,
                error: None,
                voices: voices.clone(),
            },
            Err(failure) => VoicesOutput {
                success: false,
                error: Some(failure.message.clone()),
                voices: Vec::new(),
            },
        }
    }
}

/// Output of `retrieve_video_link`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VideoLinkOutput {
    /// Whether HeyGen answered with the video's state.
    pub success: bool,
    /// Why the call failed, or why the render failed.
    pub error: Option<String>,
    /// The video's id.
    pub video_id: Option<String>,
    /// HeyGen's status.
    pub status: Option<String>,
    /// Download link.
    pub video_url: Option<String>,
    /// Thumbnail link.
    pub thumbnail_url: Option<String>,
    /// Length in seconds.
    pub duration: Option<f64>,
    /// Captions link.
    pub caption_url: Option<String>,
}

impl From<&Result<VideoState, Failure>> for VideoLinkOutput {
    fn from(result: &Result<VideoState, Failure>) -> Self {
        match result {
            Ok(state) => VideoLinkOutput {
                success: true,
                error: state.failure.clone(),
                video_id: Some(state.video_id.clone()),
                status: state.status.clone(),
                video_url: state.video_url.clone(),
                thumbnail_url: state.thumbnail_url.clone(),
                duration: state.duration,
                caption_url: state.caption_url.clone(),
            },
            Err(failure) => VideoLinkOutput {
                success: false,
                error: Some(failure.message.clone()),
                video_id: None,
                status: None,
                video_url: None,
                thumbnail_url: None,
                duration: None,
                caption_url: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_has_every_card_field_and_nothing_else() {
        let ok: Result<Created, Failure> = Ok(Created {
            video_id: "v".into(),
            status: None,
        });
        assert_eq!(
            serde_json::to_value(CreateVideoOutput::from(&ok)).unwrap(),
            json!({"success": true, "error": null, "video_id": "v", "status": null})
        );
        let failed: Result<Vec<Voice>, Failure> = Err(Error::MissingCredentials.into());
        let value = serde_json::to_value(VoicesOutput::from(&failed)).unwrap();
        assert_eq!(value["voices"], json!([]));
        assert_eq!(value["success"], json!(false));
        let state = VideoState {
            video_id: "v".into(),
            status: Some("failed".into()),
            failure: Some("video_failed: x".into()),
            ..Default::default()
        };
        let value = serde_json::to_value(VideoLinkOutput::from(&Ok(state))).unwrap();
        assert_eq!(
            value,
            json!({"success": true, "error": "video_failed: x", "video_id": "v", "status": "failed",
                   "video_url": null, "thumbnail_url": null, "duration": null, "caption_url": null})
        );
    }

    #[test]
    fn failures_scrub_the_key() {
        let key = ApiKey::parse("sekret-KEY-1", "k").unwrap();
        let err = Error::Api {
            code: None,
            message: Some("bad key sekret-KEY-1".into()),
            request_id: None,
        };
        let failure = Failure::new(&err, Some(&key));
        assert!(!failure.message.contains("sekret-KEY-1"));
        assert!(failure.message.contains("<redacted>"));
    }
}
