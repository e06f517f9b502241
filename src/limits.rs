// Every limit the plugin enforces, in one place. Shared with `build.rs`
// (through `include!`), which copies the argument limits into the JSON Schemas
// of the tool manifest, so the schemas and the checks agree.

/// Longest id (talking photo, voice, template, video) accepted, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest script accepted on the legacy API (HeyGen's own limit there).
pub const MAX_SCRIPT_CHARS_LEGACY: usize = 2_000;
/// Longest script accepted on v3 (HeyGen's documented maximum for a v3
/// `script`).
pub const MAX_SCRIPT_CHARS_V3: usize = 5_000;
/// Smallest talking-photo `scale`.
pub const MIN_SCALE: f64 = 0.0;
/// Largest talking-photo `scale`.
pub const MAX_SCALE: f64 = 2.0;
/// Longest `variables` JSON text accepted, in bytes.
pub const MAX_VARIABLES_BYTES: usize = 256 * 1024;

/// Largest response body read from HeyGen, in bytes; a larger one fails the
/// call. Real answers are far smaller (the legacy voice list, the largest, is
/// about 1 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting of arrays and objects read from any JSON (HeyGen's
/// answers, arguments, MCP messages, webhook payloads): deeper text is
/// refused before it is parsed, so the parser's recursion stays within the
/// component's 32 KiB shadow stack (each level takes about 250 bytes of
/// it). HeyGen's answers nest about 6 deep.
pub const MAX_JSON_DEPTH: usize = 32;
/// Voices asked for per page on v3 (its largest page).
pub const VOICES_PAGE_SIZE: u32 = 100;
/// Most pages of voices read on v3 (so at most 5,000 voices). A longer list
/// fails the call with `bad_response:` rather than returning part of it.
pub const MAX_VOICE_PAGES: usize = 50;
/// Avatar looks asked for per page on v3 (its largest page).
pub const AVATARS_PAGE_SIZE: u32 = 50;
/// Most pages of avatar looks read on v3 (so at most 5,000 looks). A longer
/// list fails the call with `bad_response:` rather than returning part of it.
pub const MAX_AVATAR_PAGES: usize = 100;
/// Templates asked for per page on v3 (its largest page).
pub const TEMPLATES_PAGE_SIZE: u32 = 100;
/// Most pages of templates read on v3 (so at most 5,000 templates).
pub const MAX_TEMPLATE_PAGES: usize = 50;
/// Videos asked for per page on v3 (its largest page).
pub const VIDEOS_PAGE_SIZE: u32 = 100;
/// `limit` of `list_videos` when unset.
pub const DEFAULT_VIDEO_LIST: u32 = 100;
/// Largest `limit` of `list_videos` (so at most 10 pages are read).
pub const MAX_VIDEO_LIST: u32 = 1_000;
/// Longest Video Agent `prompt` or `message`, in characters (HeyGen
/// publishes no limit; this keeps a runaway argument from being sent).
pub const MAX_PROMPT_CHARS: usize = 10_000;
/// Most reference files (URLs, and asset ids) one Video Agent call takes.
pub const MAX_AGENT_FILES: usize = 20;
/// Messages of a Video Agent session shown: the newest.
pub const AGENT_MESSAGES_SHOWN: usize = 20;
/// Video Agent styles asked for per page (HeyGen allows 1 to 100).
pub const STYLES_PAGE_SIZE: u32 = 100;
/// Most pages of Video Agent styles read.
pub const MAX_STYLE_PAGES: usize = 20;
/// Most output languages of one `translate_video` (each one a translation,
/// billed on its own).
pub const MAX_OUTPUT_LANGUAGES: usize = 20;
/// Longest language name, in characters.
pub const MAX_LANGUAGE_CHARS: usize = 64;
/// Most speakers `translate_video` takes.
pub const MAX_SPEAKERS: u32 = 10;
/// Longest `idempotency_key` (HeyGen's `Idempotency-Key` takes 1 to 255
/// characters).
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;
/// Longest `title` of a new video, and of the `title` filter of
/// `list_videos`, in characters.
pub const MAX_TITLE_CHARS: usize = 256;
/// Longest `callback_id` of a new video, in characters.
pub const MAX_CALLBACK_ID_CHARS: usize = 256;
/// Longest https URL the plugin passes on (`callback_url`, `image_url`,
/// webhook endpoint `url`), in characters.
pub const MAX_URL_CHARS: usize = 2_048;
/// Longest `motion_prompt` of `create_talking_photo_from_image`, in characters.
pub const MAX_MOTION_PROMPT_CHARS: usize = 1_000;
/// Most event types one webhook endpoint can subscribe to.
pub const MAX_WEBHOOK_EVENTS: usize = 50;
/// Webhook endpoints read per page on v3 (HeyGen allows 1 to 100).
pub const WEBHOOK_ENDPOINTS_PAGE_SIZE: u32 = 100;
/// Most pages of webhook endpoints read on v3.
pub const MAX_WEBHOOK_ENDPOINT_PAGES: usize = 20;
/// Shortest `timeout_seconds` of `wait_for_video`.
pub const MIN_WAIT_SECONDS: u32 = 1;
/// Longest `timeout_seconds` of `wait_for_video` (HeyGen's CLI waits at most
/// 10 minutes).
pub const MAX_WAIT_SECONDS: u32 = 600;
/// `timeout_seconds` of `wait_for_video` when unset: inside the roughly 60 s
/// that MCP clients allow a tool call.
pub const DEFAULT_WAIT_SECONDS: u32 = 50;
/// First pause between two polls of `wait_for_video`, in milliseconds; each
/// next pause is 1.5 times longer, up to [`MAX_POLL_INTERVAL_MS`].
pub const FIRST_POLL_INTERVAL_MS: u64 = 2_000;
/// Longest pause between two polls of `wait_for_video`, in milliseconds.
pub const MAX_POLL_INTERVAL_MS: u64 = 10_000;
/// Time `wait_for_video` keeps at the end of its budget for a last poll's
/// answer, in milliseconds: it does not start a pause that would run into it.
pub const POLL_RESERVE_MS: u64 = 1_000;
/// Most pages of webhook event types read on v3.
pub const MAX_EVENT_PAGES: usize = 20;

/// Largest webhook `payload` `verify_webhook` accepts, in bytes: far above a
/// HeyGen delivery (about 1 KiB), and small enough that the arguments holding
/// it, escaped as JSON text, fit the HTTP face's [`MAX_REQUEST_BYTES`].
pub const MAX_WEBHOOK_PAYLOAD_BYTES: usize = 256 * 1024;
/// Longest webhook `signature` accepted, in characters (room for several
/// space-separated Standard Webhooks `v1,` entries of 47 characters each).
pub const MAX_SIGNATURE_CHARS: usize = 1_024;
/// Longest webhook signing `secret` accepted, in characters (HeyGen's
/// `whsec_…` secrets are a few dozen).
pub const MAX_SECRET_CHARS: usize = 256;
/// Smallest `tolerance_seconds` of `verify_webhook`.
pub const MIN_TOLERANCE_SECONDS: u32 = 1;
/// Largest `tolerance_seconds` of `verify_webhook` (a day): a wider window
/// would make the timestamp check meaningless.
pub const MAX_TOLERANCE_SECONDS: u32 = 86_400;
/// `tolerance_seconds` of `verify_webhook` when unset: the five minutes
/// Standard Webhooks and most providers use.
pub const DEFAULT_TOLERANCE_SECONDS: u32 = 300;

/// Largest file `upload_asset` sends, and largest photo given as base64, in
/// bytes (HeyGen takes up to 32 MB; larger files go by https URL).
pub const MAX_FILE_BYTES: usize = 4 << 20;
/// [`MAX_FILE_BYTES`] as padded base64 text, in bytes.
pub const MAX_FILE_BASE64_BYTES: usize = MAX_FILE_BYTES.div_ceil(3) * 4;
/// Largest request body the HTTP face accepts for an action that takes a file
/// ([`crate::actions::Entry::takes_files`]): a 4 MiB file as base64, escaped
/// in JSON, with room for the other arguments.
pub const MAX_FILE_REQUEST_BYTES: usize = 6 << 20;
/// Longest `file_name` of `upload_asset`, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;
/// Longest `name` of a new avatar, in characters.
pub const MAX_AVATAR_NAME_CHARS: usize = 256;
/// Most video ids `get_video_statuses` takes (HeyGen's limit).
pub const MAX_STATUS_IDS: usize = 100;
/// Longest speech `text` of `generate_speech`, in characters.
pub const MAX_SPEECH_CHARS: usize = 5_000;
/// Webhook events read per page (HeyGen allows 1 to 100).
pub const WEBHOOK_EVENTS_PAGE_SIZE: u32 = 100;
/// `limit` of `list_webhook_events` when unset.
pub const DEFAULT_EVENT_LIST: u32 = 100;
/// Largest `limit` of `list_webhook_events`.
pub const MAX_EVENT_LIST: u32 = 1_000;

/// Largest request body the HTTP face accepts, in bytes; a larger one gets
/// 413 unread.
pub const MAX_REQUEST_BYTES: usize = 512 * 1024;
/// Longest the HTTP face waits for a client to send its request body, or to
/// take the answer, in nanoseconds.
pub const CLIENT_BODY_TIMEOUT_NS: u64 = 10_000_000_000;
/// Longest wait for a connection to HeyGen, in nanoseconds (capped by the
/// call's remaining budget).
pub const CONNECT_TIMEOUT_NS: u64 = 10_000_000_000;
/// Longest silence between two pieces of an answer's body, in nanoseconds.
pub const BETWEEN_BYTES_TIMEOUT_NS: u64 = 15_000_000_000;
