//! The simulator's other jobs: Video Agent sessions, video translations and
//! lipsyncs. Each moves one step along per status read, like a video, and
//! the account starts with one of each (their ids are the registry's
//! examples).

use serde_json::{Value, json};

/// The account's finished Video Agent session.
pub const EXISTING_SESSION_ID: &str = "va_0123456789abcdef";
/// The account's `chat` session, waiting for an answer.
pub const WAITING_SESSION_ID: &str = "va_chat_0123456789ab";
/// The account's finished translation.
pub const EXISTING_TRANSLATION_ID: &str = "vt_0123456789abcdef";
/// The account's finished lipsync.
pub const EXISTING_LIPSYNC_ID: &str = "ls_0123456789abcdef";
/// Uploaded assets the simulator knows: a photo, a video, an audio track.
pub const ASSETS: [&str; 3] = [
    "asset_portrait_0001",
    "asset_video_0001",
    "asset_audio_0001",
];
/// A prompt containing this fails its session (the content policy).
pub const FAILING_PROMPT: &str = "breaks the policy";
/// A media URL containing this fails its translation or lipsync (no speech).
pub const SILENT_MEDIA: &str = "silent";

/// The languages video translation takes.
pub const TRANSLATION_LANGUAGES: [&str; 8] = [
    "English",
    "Spanish",
    "German",
    "French",
    "Japanese",
    "Portuguese",
    "Hindi",
    "Korean",
];

/// The Video Agent styles: (id, name, aspect ratio, tags).
pub const STYLES: [(&str, &str, &str, &[&str]); 4] = [
    (
        "style_clean",
        "Clean corporate",
        "16:9",
        &["business", "minimal"],
    ),
    ("style_bold", "Bold social", "9:16", &["social"]),
    (
        "style_warm",
        "Warm storyteller",
        "16:9",
        &["story", "business"],
    ),
    ("style_plain", "Plain", "1:1", &[]),
];

/// A Video Agent session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Id.
    pub id: String,
    /// `generate` or `chat`.
    pub chat: bool,
    /// Status reads so far (since the last message, for a `chat` session).
    pub polls: u32,
    /// Whether a `chat` session has had its answer.
    pub answered: bool,
    /// Whether it will fail.
    pub fails: bool,
    /// Stopped by `POST …/stop`.
    pub stopped: bool,
    /// Its messages.
    pub messages: Vec<Value>,
    /// The video it made, once done.
    pub video_id: Option<String>,
    /// The video's title.
    pub title: String,
    /// Created at (Unix seconds).
    pub created_at: u64,
}

impl Session {
    /// Its status now, and how far along it is.
    pub fn status(&self) -> (&'static str, u32) {
        if self.stopped {
            return ("failed", 100);
        }
        match (self.polls, self.fails) {
            (0, _) => ("thinking", 10),
            (_, true) => ("failed", 40),
            _ if self.chat && !self.answered => ("waiting_for_input", 20),
            (1, _) => ("generating", 60),
            _ => ("completed", 100),
        }
    }

    /// The session as `GET /v3/video-agents/{id}` answers it.
    pub fn to_json(&self) -> Value {
        let (status, progress) = self.status();
        json!({
            "session_id": self.id, "status": status, "progress": progress,
            "title": (progress >= 60).then_some(&self.title),
            "video_id": if status == "completed" { json!(self.video_id) } else { Value::Null },
            "created_at": self.created_at, "messages": self.messages,
        })
    }
}

/// A translation or a lipsync.
#[derive(Clone, Debug)]
pub struct Job {
    /// Id.
    pub id: String,
    /// Status reads so far.
    pub polls: u32,
    /// Whether it will fail.
    pub fails: bool,
    /// A translation's language.
    pub language: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Whether captions were asked for.
    pub caption: bool,
    /// Its `callback_id`.
    pub callback_id: Option<String>,
    /// Created at (Unix seconds).
    pub created_at: u64,
    /// With quick renders, when it started: it also moves one step along per
    /// [`QUICK_STEP`] of time, as a real job does while nobody reads it.
    pub quick_since: Option<std::time::Instant>,
}

/// How long a quick job takes per step when nobody reads it.
pub const QUICK_STEP: std::time::Duration = std::time::Duration::from_millis(1_500);

impl Job {
    /// A new job `id` from a create's `body` (its `title`, `enable_caption`
    /// and `callback_id`): pending, or already running with quick renders.
    pub fn new(id: String, body: &serde_json::Map<String, Value>, fails: bool, quick: bool) -> Job {
        let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
        Job {
            id,
            polls: u32::from(quick),
            quick_since: quick.then(std::time::Instant::now),
            fails,
            language: None,
            title: text("title"),
            caption: body.get("enable_caption").and_then(Value::as_bool) == Some(true),
            callback_id: text("callback_id"),
            created_at: super::data::unix_now(),
        }
    }

    /// The job as a status read sees it; the next read sees it one step
    /// further along.
    pub fn read(&mut self) -> Job {
        let snapshot = self.clone();
        self.polls += 1;
        snapshot
    }

    /// Its status now.
    pub fn status(&self) -> &'static str {
        let waited = self.quick_since.map_or(0, |since| {
            u32::try_from(since.elapsed().as_millis() / QUICK_STEP.as_millis()).unwrap_or(u32::MAX)
        });
        match (self.polls.saturating_add(waited), self.fails) {
            (0, _) => "pending",
            (1, _) => "running",
            (_, true) => "failed",
            (_, false) => "completed",
        }
    }

    fn url(&self, file: &str) -> String {
        format!(
            "https://files.sim.heygen.test/{}/{file}?Expires={}&Signature=sim",
            self.id,
            self.created_at + 7 * 86_400
        )
    }

    /// A new photo avatar as `GET /v3/avatars/looks/{id}` answers it:
    /// `processing` until it is `completed` (or `failed`, with HeyGen's
    /// error).
    pub fn look_json(&self) -> Value {
        let status = match self.status() {
            "pending" | "running" => "processing",
            other => other,
        };
        json!({
            "id": self.id, "name": self.title, "avatar_type": "photo_avatar",
            "group_id": format!("group_{}", self.id), "status": status,
            "preview_image_url": format!("https://files.sim.heygen.test/looks/{}.jpg", self.id),
            "preview_video_url": null, "gender": null, "tags": [], "default_voice_id": null,
            "supported_api_engines": if status == "completed" { json!(["avatar_iv", "avatar_v"]) } else { json!([]) },
            "image_width": 1080, "image_height": 1350, "preferred_orientation": "portrait",
            "error": if status == "failed" { json!({"code": "face_not_detected", "message": "No face was detected in the photo."}) } else { Value::Null },
        })
    }

    /// The translation as `GET /v3/video-translations/{id}` answers it.
    pub fn translation_json(&self) -> Value {
        let status = self.status();
        let done = status == "completed";
        let file = |name: &str| {
            if done {
                json!(self.url(name))
            } else {
                Value::Null
            }
        };
        json!({
            "id": self.id, "status": status, "output_language": self.language, "title": self.title,
            "video_url": file("translated.mp4"), "audio_url": file("translated.mp3"),
            "srt_caption_url": if self.caption { file("captions.srt") } else { Value::Null },
            "vtt_caption_url": if self.caption { file("captions.vtt") } else { Value::Null },
            "duration": if done { json!(31.5) } else { Value::Null },
            "failure_message": if status == "failed" { json!("No speech was found in the video.") } else { Value::Null },
            "callback_id": self.callback_id, "created_at": self.created_at,
        })
    }

    /// The lipsync as `GET /v3/lipsyncs/{id}` answers it.
    pub fn lipsync_json(&self) -> Value {
        let status = self.status();
        let done = status == "completed";
        json!({
            "id": self.id, "status": status, "title": self.title,
            "video_url": if done { json!(self.url("lipsync.mp4")) } else { Value::Null },
            "caption_url": if done && self.caption { json!(self.url("captions.srt")) } else { Value::Null },
            "duration": if done { json!(28.25) } else { Value::Null },
            "failure_message": if status == "failed" { json!("The audio has no speech to sync to.") } else { Value::Null },
            "callback_id": self.callback_id, "created_at": self.created_at,
        })
    }
}

/// The account's jobs when the simulator starts: a finished session, a
/// `chat` session waiting for an answer, a finished translation and a
/// finished lipsync.
pub fn existing() -> (Vec<Session>, Vec<Job>, Vec<Job>) {
    let session = |id: &str, chat: bool| Session {
        id: id.into(),
        chat,
        polls: if chat { 1 } else { 2 },
        answered: false,
        fails: false,
        stopped: false,
        messages: vec![
            json!({"role": "user", "type": "text", "content": "A short welcome video for our team."}),
            json!({"role": "assistant", "type": "text", "content": if chat { "Who is the audience, and how long should it be?" } else { "Here is your video." }}),
        ],
        video_id: (!chat).then(|| super::data::EXISTING_VIDEO_ID.to_owned()),
        title: "Welcome to the team".into(),
        created_at: 1_790_000_000,
    };
    let job = |id: &str, language: Option<&str>| Job {
        id: id.into(),
        polls: 2,
        fails: false,
        language: language.map(str::to_owned),
        title: Some("Launch".into()),
        caption: true,
        callback_id: None,
        created_at: 1_790_000_000,
        quick_since: None,
    };
    (
        vec![
            session(EXISTING_SESSION_ID, false),
            session(WAITING_SESSION_ID, true),
        ],
        vec![job(EXISTING_TRANSLATION_ID, Some("Spanish"))],
        vec![job(EXISTING_LIPSYNC_ID, None)],
    )
}
