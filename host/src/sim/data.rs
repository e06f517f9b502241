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
        "type": "public",
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

/// How many private (cloned) voices the account has on v3.
pub const PRIVATE_VOICE_COUNT: usize = 3;

/// The id of private voice number `i`.
pub fn private_voice_id(i: usize) -> String {
    format!("c10ned{i:02}a1b2c3d4e5f6aa55aa55aa55")
}

/// Private voice `i` as v3 lists it with `type=private`.
pub fn private_voice_v3(i: usize) -> Value {
    json!({
        "voice_id": private_voice_id(i),
        "name": format!("My cloned voice {}", i + 1),
        "language": "English",
        "gender": if i.is_multiple_of(2) { "male" } else { "female" },
        "preview_audio_url": null,
        "support_pause": true,
        "support_locale": false,
        "type": "private",
    })
}

/// Whether `id` is one of the account's first `count` public voices or one
/// of its private voices.
pub fn is_voice(id: &str, count: usize) -> bool {
    (0..count).any(|i| voice_id(i) == id)
        || (0..PRIVATE_VOICE_COUNT).any(|i| private_voice_id(i) == id)
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
        "tpl_outro" => Some(&[("closing", "text")]),
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

/// The webhook endpoint the account registered earlier, so that actions
/// taking an `endpoint_id` have one to act on (the registry examples use it).
/// It listens for GIF previews only, which the simulator never renders.
pub const EXISTING_ENDPOINT_ID: &str = "we_0123456789abcdef";

/// The account's earlier webhook endpoint ([`EXISTING_ENDPOINT_ID`]).
pub fn existing_endpoint() -> Endpoint {
    Endpoint {
        id: EXISTING_ENDPOINT_ID.into(),
        url: "https://hooks.example.com/previews".into(),
        events: Some(vec!["avatar_video_gif.success".into()]),
        secret: "whsec_ZXhpc3RpbmctZW5kcG9pbnQtc2VjcmV0".into(),
        created_at: 1_790_000_000,
    }
}

/// Every template the API can render: (id, name, aspect ratio), in the
/// order `GET /v3/templates` lists them.
pub const TEMPLATES: [(&str, &str, &str); 3] = [
    ("tpl_welcome", "Welcome message", "16:9"),
    ("tpl_product", "Product launch", "9:16"),
    ("tpl_outro", "Outro", "1:1"),
];

/// A template as `GET /v3/templates` lists it.
pub fn template_v3(i: usize) -> Option<Value> {
    let (id, name, aspect_ratio) = TEMPLATES.get(i)?;
    Some(json!({
        "id": id, "name": name, "aspect_ratio": aspect_ratio,
        "thumbnail_url": format!("https://files.sim.heygen.test/templates/{id}.jpg"),
        "created_at": 1_760_000_000 + i, "updated_at": 1_760_100_000 + i,
    }))
}

/// The default value of a template variable of `kind`, in the shape
/// `POST /v3/templates/{id}` accepts.
pub fn template_default(kind: &str) -> Value {
    let asset = |file: &str| json!({"type": "url", "url": format!("https://files.sim.heygen.test/assets/{file}")});
    match kind {
        "text" => json!({"type": "text", "content": "Hello from the template"}),
        "character" => {
            json!({"type": "character", "character_id": "tp_anna_office", "character_type": "talking_photo"})
        }
        "image" => json!({"type": "image", "asset": asset("backdrop.jpg"), "fit": "cover"}),
        "video" => {
            json!({"type": "video", "asset": asset("clip.mp4"), "fit": "contain", "play_style": "loop", "volume": 0.5})
        }
        "audio" => json!({"type": "audio", "asset": asset("music.mp3")}),
        _ => json!({"type": "voice", "voice_id": voice_id(0), "locale": "en-US"}),
    }
}

/// One template as `GET /v3/templates/{id}` answers it: one scene using every
/// variable, and the `variables` object of defaults.
pub fn template_detail_v3(id: &str) -> Option<Value> {
    let i = TEMPLATES.iter().position(|(t, _, _)| *t == id)?;
    let mut template = template_v3(i)?;
    let declared = template_variables(id)?;
    let mut variables = serde_json::Map::new();
    for (name, kind) in declared {
        variables.insert((*name).to_owned(), template_default(kind));
    }
    template["scene_ids"] = json!([format!("{id}_scene_1")]);
    template["scenes"] = json!([{
        "scene_id": format!("{id}_scene_1"),
        "script": declared.iter().map(|(n, _)| format!("{{{{{n}}}}}")).collect::<Vec<_>>().join(" "),
        "variables": declared.iter().map(|(n, k)| json!({"name": n, "variable_type": k})).collect::<Vec<_>>(),
    }]);
    template["variables"] = Value::Object(variables);
    Some(template)
}

/// How many public studio-avatar looks the account sees (so that listing
/// every look takes two pages of 50).
pub const STUDIO_LOOKS: usize = 56;

/// Whether `id` is an avatar look (what a v3 `avatar_id` takes).
pub fn is_look(id: &str) -> bool {
    looks_v3().iter().any(|look| look["id"] == id)
}

/// Every avatar look, in the order `GET /v3/avatars/looks` lists them: the
/// talking photos (the account's photo avatars), HeyGen's public studio
/// avatars, then the account's digital twins.
pub fn looks_v3() -> Vec<Value> {
    let mut looks: Vec<Value> = TALKING_PHOTOS
        .iter()
        .enumerate()
        .map(|(i, id)| look(id, &format!("Photo {}", i + 1), "photo_avatar", i))
        .collect();
    looks.extend((0..STUDIO_LOOKS).map(|i| {
        look(
            &format!("look_studio_{i:02}"),
            &format!("{} in the studio", NAMES[i % NAMES.len()]),
            "studio_avatar",
            i,
        )
    }));
    looks.extend((0..2).map(|i| {
        look(
            &format!("look_twin_{i}"),
            &format!("My twin {}", i + 1),
            "digital_twin",
            i,
        )
    }));
    looks
}

/// Whether a look of `avatar_type` is `public` or `private` in the simulator
/// (only studio avatars are HeyGen's public ones).
pub fn look_ownership(avatar_type: &str) -> &'static str {
    if avatar_type == "studio_avatar" {
        "public"
    } else {
        "private"
    }
}

fn look(id: &str, name: &str, avatar_type: &str, i: usize) -> Value {
    json!({
        "id": id, "name": name, "avatar_type": avatar_type, "group_id": format!("group_{avatar_type}"),
        "preview_image_url": format!("https://files.sim.heygen.test/looks/{id}.jpg"),
        "preview_video_url": null,
        "gender": if i.is_multiple_of(2) { "female" } else { "male" },
        "tags": [], "default_voice_id": if i.is_multiple_of(3) { Value::Null } else { json!(voice_id(i)) },
        "status": "completed", "supported_api_engines": ["avatar_iv"], "image_width": 1080, "image_height": 1920,
        "preferred_orientation": "portrait",
    })
}

/// The account's billing, as `GET /v3/users/me` reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Billing {
    /// A prepaid wallet in US dollars (the simulator's default).
    #[default]
    Wallet,
    /// A subscription with monthly premium credits.
    Subscription,
    /// Pay as you go, with included credits.
    UsageBased,
}

/// `GET /v3/users/me`'s `data` for `billing`.
pub fn user_v3(billing: Billing) -> Value {
    let mut user = json!({
        "username": "sim_user", "email": "sim@example.com", "first_name": "Sim", "last_name": "User",
    });
    match billing {
        Billing::Wallet => {
            user["billing_type"] = json!("wallet");
            user["wallet"] = json!({"currency": "usd", "remaining_balance": 37.5, "auto_reload": {"enabled": false}});
        }
        Billing::Subscription => {
            user["billing_type"] = json!("subscription");
            user["subscription"] = json!({"plan": "creator", "credits": {
                "premium_credits": {"remaining": 120, "resets_at": "2026-12-01T00:00:00Z"},
                "add_on_credits": {"remaining": 10}}});
        }
        Billing::UsageBased => {
            user["billing_type"] = json!("usage_based");
            user["usage_based"] = json!({"included_credits": 500, "remaining_credits": 312.5,
                "spending_cap_usd": 100, "spending_current_usd": 12.25});
        }
    }
    user
}

/// The image asset the account has uploaded (what `image.asset_id` of a
/// `type: image` video takes).
pub const IMAGE_ASSET_ID: &str = "asset_portrait_0001";

/// An uploaded file.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Its MIME type, as uploaded.
    pub mime_type: String,
    /// Its size.
    pub size_bytes: usize,
}

/// A registered webhook endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Id (`we_…`).
    pub id: String,
    /// The https URL deliveries go to.
    pub url: String,
    /// Event types; `None` for every type.
    pub events: Option<Vec<String>>,
    /// Signing secret (`whsec_…`), shown only on creation.
    pub secret: String,
    /// Created at (Unix seconds).
    pub created_at: u64,
}

impl Endpoint {
    /// The endpoint as HeyGen answers it; the secret only when `with_secret`.
    pub fn to_json(&self, with_secret: bool) -> Value {
        json!({
            "endpoint_id": self.id, "url": self.url, "events": self.events, "status": "enabled",
            "created_at": iso8601(self.created_at),
            "secret": if with_secret { json!(self.secret) } else { Value::Null },
        })
    }

    /// Whether it receives `event_type`.
    pub fn wants(&self, event_type: &str) -> bool {
        self.events
            .as_ref()
            .is_none_or(|events| events.iter().any(|e| e == event_type))
    }
}

/// A webhook delivery the simulator made (as HeyGen would POST it to the
/// endpoint's URL): the raw body and its signature headers.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// The endpoint it went to.
    pub endpoint_id: String,
    /// `Heygen-Event-Id`.
    pub event_id: String,
    /// `Heygen-Timestamp` (Unix seconds).
    pub timestamp: u64,
    /// `Heygen-Signature`: lowercase hex HMAC-SHA256 of the body, keyed with
    /// the endpoint's secret (the whole `whsec_…` string as bytes).
    pub signature: String,
    /// The raw JSON body.
    pub body: String,
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
    /// Deleted (`DELETE /v3/videos/{id}`): gone from every answer.
    pub deleted: bool,
    /// Created at (Unix seconds).
    pub created_at: u64,
    /// The caller's `callback_id`, echoed in status answers and deliveries.
    pub callback_id: Option<String>,
}

/// Lifecycle stage after `polls` status requests.
pub enum Stage {
    /// Queued (`pending`; a v3 create answers `waiting`).
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
            deleted: false,
            created_at: 0,
            callback_id: None,
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

/// `secs` since the Unix epoch as an ISO 8601 UTC time
/// (`2026-12-05T12:00:00Z`), as HeyGen writes a webhook endpoint's
/// `created_at`.
pub fn iso8601(secs: u64) -> String {
    // Days to a civil date: Howard Hinnant's `civil_from_days`.
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let time = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3_600,
        time / 60 % 60,
        time % 60
    )
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso8601_writes_the_civil_date() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_790_000_000), "2026-09-21T14:13:20Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }
}
