//! The simulator's fixed catalogue: talking photos, voices, templates and
//! webhook event types, and the rendering videos it keeps.

use serde_json::{Value, json};

/// Talking photos (v3: photo avatar looks) that exist. Videos of the last one
/// fail to render ("no face").
pub const TALKING_PHOTOS: [&str; 4] = [
    "tp_anna_office",
    "tp_ben_studio",
    "tp_chloe_garden",
    "tp_fails_no_face",
];
/// The talking photo whose videos fail.
pub const FAILING_TALKING_PHOTO: &str = "tp_fails_no_face";
/// How many voices the account has unless told otherwise (v3 pages them 100
/// at a time).
pub const VOICE_COUNT: usize = 230;

/// Webhook event types, in HeyGen's order.
pub const EVENT_TYPES: [(&str, &str); 8] = [
    (
        "avatar_video.success",
        "An avatar video finished rendering.",
    ),
    ("avatar_video.fail", "An avatar video failed to render."),
    (
        "avatar_video_gif.success",
        "A GIF preview finished rendering.",
    ),
    ("avatar_video_gif.fail", "A GIF preview failed to render."),
    ("video_translate.success", "A video translation finished."),
    ("video_translate.fail", "A video translation failed."),
    ("personalized_video", "A personalized video was generated."),
    (
        "photo_avatar_generation.success",
        "Photo avatar looks were generated.",
    ),
];

/// The id of voice number `i`.
pub fn voice_id(i: usize) -> String {
    format!("{:08x}a1b2c3d4e5f6{:012x}", 0x5eed_0000 + i, i * 7919)
}

const NAMES: [&str; 10] = [
    "Aria", "Brian", "Chen", "Dalia", "Emeka", "Freya", "Goro", "Hana", "Ivan", "Jade",
];
const LANGUAGES: [(&str, &str); 5] = [
    ("English", "en-US"),
    ("Spanish", "es-ES"),
    ("German", "de-DE"),
    ("Japanese", "ja-JP"),
    ("Hindi", "hi-IN"),
];

/// Voice `i` as v3 lists it.
pub fn voice_v3(i: usize) -> Value {
    let (language, locale) = LANGUAGES[i % LANGUAGES.len()];
    json!({
        "voice_id": voice_id(i),
        "name": format!("{} - {}", NAMES[i % NAMES.len()], i),
        "language": language,
        "gender": if i.is_multiple_of(2) { "female" } else { "male" },
        "preview_audio_url": if i.is_multiple_of(7) { Value::Null } else { json!(format!("https://files.sim.heygen.test/voices/{i}.mp3")) },
        "support_pause": !i.is_multiple_of(3),
        "support_locale": i.is_multiple_of(4),
        "type": if i < 200 { "public" } else { "private" },
        "locale": locale,
    })
}

/// Voice `i` as legacy `/v2/voices` lists it (gender's case varies, some
/// previews are null, one name is null).
pub fn voice_legacy(i: usize) -> Value {
    let (language, _) = LANGUAGES[i % LANGUAGES.len()];
    json!({
        "voice_id": voice_id(i),
        "language": language,
        "gender": (["Female", "male", "FEMALE", "Male"][i % 4]),
        "name": if i == 17 { Value::Null } else { json!(format!("{} - {}", NAMES[i % NAMES.len()], i)) },
        "preview_audio": if i.is_multiple_of(7) { Value::Null } else { json!(format!("https://files.sim.heygen.test/voices/{i}.mp3")) },
        "support_pause": !i.is_multiple_of(3),
        "emotion_support": i.is_multiple_of(5),
        "support_interactive_avatar": false,
    })
}

/// Whether `id` is one of the account's first `count` voices.
pub fn is_voice(id: &str, count: usize) -> bool {
    (0..count).any(|i| voice_id(i) == id)
}

/// A template's variables: (name, type).
pub fn template_variables(id: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match id {
        "tpl_welcome" => Some(&[
            ("headline", "text"),
            ("presenter", "character"),
            ("backdrop", "image"),
        ]),
        "tpl_product" => Some(&[
            ("title", "text"),
            ("clip", "video"),
            ("music", "audio"),
            ("narrator", "voice"),
        ]),
        _ => None,
    }
}

/// The id of a video the account already has, rendered before the simulator
/// started (the registry's example for actions that take a `video_id`).
pub const EXISTING_VIDEO_ID: &str = "0123456789abcdef0123456789abcdef";

/// The account's earlier video: completed, with captions.
pub fn existing_video() -> Video {
    Video {
        id: EXISTING_VIDEO_ID.into(),
        polls: 2,
        created_at: 1_790_000_000,
        ..Video::new(Some("Welcome".into()), 60, true, false, false)
    }
}

/// A video the simulator is "rendering".
#[derive(Clone, Debug)]
pub struct Video {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Script length in characters (sets the duration).
    pub script_chars: usize,
    /// Whether captions were asked for.
    pub caption: bool,
    /// Whether the render will fail.
    pub fails: bool,
    /// Legacy test mode (watermarked, free).
    pub test: bool,
    /// How many times its status was fetched.
    pub polls: u32,
    /// Created at (Unix seconds).
    pub created_at: u64,
}

/// Lifecycle stage after `polls` status requests.
pub enum Stage {
    /// Queued (`waiting` on v3, `pending` on legacy).
    Queued,
    /// Rendering.
    Processing,
    /// Done.
    Completed,
    /// Failed.
    Failed,
}

impl Video {
    /// A new video, before the simulator gives it an id and a creation time.
    pub fn new(
        title: Option<String>,
        script_chars: usize,
        caption: bool,
        fails: bool,
        test: bool,
    ) -> Video {
        Video {
            id: String::new(),
            title,
            script_chars,
            caption,
            fails,
            test,
            polls: 0,
            created_at: 0,
        }
    }

    /// The stage the video is in now (it advances one step per status fetch).
    pub fn stage(&self) -> Stage {
        match (self.polls, self.fails) {
            (0, _) => Stage::Queued,
            (1, _) => Stage::Processing,
            (_, true) => Stage::Failed,
            (_, false) => Stage::Completed,
        }
    }

    /// Duration in seconds, from the script's length.
    pub fn duration(&self) -> f64 {
        (((self.script_chars.max(10) as f64) / 15.0) * 100.0).round() / 100.0
    }

    /// A presigned-looking URL for one of the video's files.
    pub fn url(&self, file: &str) -> String {
        format!(
            "https://files.sim.heygen.test/{}/{file}?Expires={}&Signature=sim",
            self.id,
            self.created_at + 7 * 86_400
        )
    }
}
