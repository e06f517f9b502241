//! The actions, one module each, and the registry every face derives from.
//!
//! An action is a type implementing [`Action`]: its arguments, its output (the
//! card's fields other than `success` and `error`) and how it runs on each API
//! generation. [`for_each_action!`](crate::for_each_action) is the registry:
//! one line per action. [`ALL`] (names, kinds, examples, type-erased runners),
//! the WIT export glue of the plugin, the HTTP face's routes, the manifest
//! check, the host's action list, `call --help`, the reliability matrix and the
//! bench all come from it.
//!
//! Adding an action: see "Adding an action" in `CONTRIBUTING.md`.

use crate::prelude::*;

mod card;
mod entry;

use serde::Serialize;

use crate::args::Arguments;
use crate::call::Call;
use crate::error::Error;

pub use card::{Card, Reply};
#[cfg(not(target_arch = "wasm32"))]
pub use entry::Wire;
pub use entry::{Entry, Env, run_card};

/// The registry: one line per action, in the order agents see them.
///
/// Each line is `module: Type(WitInput) -> WitOutput`, where `module` is the
/// action's snake_case name (and its file under `src/actions/`), `Type` the
/// type implementing [`Action`], and the last two the names `wit-bindgen`
/// gives the WIT function's input record (empty for none) and output record.
/// `$m` is a macro called with the whole list, e.g. the plugin's export glue.
#[macro_export]
macro_rules! for_each_action {
    ($m:ident) => {
        $m! {
            create_talking_photo: CreateTalkingPhoto(CreateTalkingPhotoInput) -> CreateTalkingPhotoOutput;
            create_video_from_template: CreateVideoFromTemplate(CreateVideoFromTemplateInput) -> CreateVideoFromTemplateOutput;
            list_custom_events_options: ListCustomEventsOptions() -> ListCustomEventsOptionsOutput;
            list_voice_id_options: ListVoiceIdOptions() -> ListVoiceIdOptionsOutput;
            retrieve_video_link: RetrieveVideoLink(RetrieveVideoLinkInput) -> RetrieveVideoLinkOutput;
            wait_for_video: WaitForVideo(WaitForVideoInput) -> WaitForVideoOutput;
            get_remaining_credits: GetRemainingCredits() -> GetRemainingCreditsOutput;
            list_avatars: ListAvatars(ListAvatarsInput) -> ListAvatarsOutput;
            list_templates: ListTemplates() -> ListTemplatesOutput;
            get_template: GetTemplate(GetTemplateInput) -> GetTemplateOutput;
            list_videos: ListVideos(ListVideosInput) -> ListVideosOutput;
            delete_video: DeleteVideo(DeleteVideoInput) -> DeleteVideoOutput;
            create_talking_photo_from_image: CreateTalkingPhotoFromImage(CreateTalkingPhotoFromImageInput) -> CreateTalkingPhotoFromImageOutput;
            create_webhook_endpoint: CreateWebhookEndpoint(CreateWebhookEndpointInput) -> CreateWebhookEndpointOutput;
            list_webhook_endpoints: ListWebhookEndpoints() -> ListWebhookEndpointsOutput;
            delete_webhook_endpoint: DeleteWebhookEndpoint(DeleteWebhookEndpointInput) -> DeleteWebhookEndpointOutput;
            verify_webhook: VerifyWebhook(VerifyWebhookInput) -> VerifyWebhookOutput;
            get_voice: GetVoice(GetVoiceInput) -> GetVoiceOutput;
            create_video_from_prompt: CreateVideoFromPrompt(CreateVideoFromPromptInput) -> CreateVideoFromPromptOutput;
            get_video_agent_session: GetVideoAgentSession(GetVideoAgentSessionInput) -> GetVideoAgentSessionOutput;
            send_video_agent_message: SendVideoAgentMessage(SendVideoAgentMessageInput) -> SendVideoAgentMessageOutput;
            stop_video_agent: StopVideoAgent(StopVideoAgentInput) -> StopVideoAgentOutput;
            list_video_agent_styles: ListVideoAgentStyles(ListVideoAgentStylesInput) -> ListVideoAgentStylesOutput;
            wait_for_video_agent: WaitForVideoAgent(WaitForVideoAgentInput) -> WaitForVideoAgentOutput;
            translate_video: TranslateVideo(TranslateVideoInput) -> TranslateVideoOutput;
            get_video_translation: GetVideoTranslation(GetVideoTranslationInput) -> GetVideoTranslationOutput;
            list_translation_languages: ListTranslationLanguages() -> ListTranslationLanguagesOutput;
            wait_for_translation: WaitForTranslation(WaitForTranslationInput) -> WaitForTranslationOutput;
            create_lipsync: CreateLipsync(CreateLipsyncInput) -> CreateLipsyncOutput;
            get_lipsync: GetLipsync(GetLipsyncInput) -> GetLipsyncOutput;
            wait_for_lipsync: WaitForLipsync(WaitForLipsyncInput) -> WaitForLipsyncOutput;
            upload_asset: UploadAsset(UploadAssetInput) -> UploadAssetOutput;
            create_photo_avatar: CreatePhotoAvatar(CreatePhotoAvatarInput) -> CreatePhotoAvatarOutput;
            get_avatar_look: GetAvatarLook(GetAvatarLookInput) -> GetAvatarLookOutput;
            wait_for_avatar: WaitForAvatar(WaitForAvatarInput) -> WaitForAvatarOutput;
            generate_speech: GenerateSpeech(GenerateSpeechInput) -> GenerateSpeechOutput;
            get_video_statuses: GetVideoStatuses(GetVideoStatusesInput) -> GetVideoStatusesOutput;
            update_webhook_endpoint: UpdateWebhookEndpoint(UpdateWebhookEndpointInput) -> UpdateWebhookEndpointOutput;
            rotate_webhook_secret: RotateWebhookSecret(RotateWebhookSecretInput) -> RotateWebhookSecretOutput;
            list_webhook_events: ListWebhookEvents(ListWebhookEventsInput) -> ListWebhookEventsOutput;
        }
    };
}

/// Declares the action modules and [`ALL`] from the registry.
macro_rules! registry {
    ($($module:ident: $ty:ident($($input:ident)?) -> $output:ident;)*) => {
        $(
            #[doc = concat!("`", stringify!($module), "`.")]
            pub mod $module;
        )*
        /// Every action, in the registry's order.
        pub static ALL: &[Entry] = &[$(Entry::of::<$module::$ty>(),)*];
    };
}
for_each_action!(registry);

/// What an action does to the HeyGen account (MCP annotations, docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Only reads: safe to call at any time and to retry.
    Read,
    /// Makes something new on the account (a render, which spends credits, a
    /// webhook endpoint, an upload, a new webhook secret). Never retried
    /// without HeyGen's `Idempotency-Key`.
    Create,
    /// Removes something from the account for good; safe to retry.
    Delete,
    /// Sets fields of something the account already has (a webhook
    /// endpoint's URL or events); setting them again leaves the same state,
    /// so it is retried like a read. Spends nothing.
    Update,
}

/// The groups of tools an MCP operator picks from (`heygen-host mcp
/// --toolsets`): every action names its own ([`Action::TOOLSET`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolset {
    /// Creating videos, waiting for them, their links, lists, deletes and statuses.
    Videos,
    /// Finding avatars, voices, templates, styles and languages.
    Discovery,
    /// HeyGen's Video Agent: a video from a prompt, in a session.
    Agent,
    /// Dubbing a video into other languages.
    Translation,
    /// Putting new audio on a video's lips.
    Lipsync,
    /// Uploading files.
    Assets,
    /// Making photo avatars.
    Avatars,
    /// Speech from a voice.
    Audio,
    /// Webhook endpoints, their secrets, deliveries and events.
    Webhooks,
    /// The account's credit.
    Account,
}

impl Toolset {
    /// Every toolset, in the order the docs list them.
    pub const ALL: [Toolset; 10] = [
        Toolset::Videos,
        Toolset::Discovery,
        Toolset::Agent,
        Toolset::Translation,
        Toolset::Lipsync,
        Toolset::Assets,
        Toolset::Avatars,
        Toolset::Audio,
        Toolset::Webhooks,
        Toolset::Account,
    ];

    /// Its name, as `--toolsets` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Toolset::Videos => "videos",
            Toolset::Discovery => "discovery",
            Toolset::Agent => "agent",
            Toolset::Translation => "translation",
            Toolset::Lipsync => "lipsync",
            Toolset::Assets => "assets",
            Toolset::Avatars => "avatars",
            Toolset::Audio => "audio",
            Toolset::Webhooks => "webhooks",
            Toolset::Account => "account",
        }
    }

    /// Whether an MCP server offers it when the operator picks none: the
    /// toolsets of an agent that makes videos (at most 30 tools in all;
    /// lipsync and webhooks are asked for by name).
    pub fn by_default(self) -> bool {
        !matches!(self, Toolset::Lipsync | Toolset::Webhooks)
    }

    /// The toolset called `name`.
    pub fn named(name: &str) -> Option<Toolset> {
        Toolset::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// One action: its name, what it takes and gives, and how it runs.
pub trait Action {
    /// The snake_case name (JSON, CLI, HTTP, MCP); kebab-case in WIT.
    const NAME: &'static str;
    /// What it does to the account.
    const KIND: Kind;
    /// The toolset it belongs to (required, so no action lacks one).
    const TOOLSET: Toolset;
    /// True when it takes a file as base64 (up to
    /// [`MAX_FILE_BYTES`](crate::limits::MAX_FILE_BYTES)): faces let its
    /// arguments be that large.
    const TAKES_FILES: bool = false;
    /// Arguments that the built-in simulator accepts, as JSON text (bench,
    /// reliability matrix, docs).
    const EXAMPLE: &'static str;
    /// True when only HeyGen v3 has the action, so that it keeps the default
    /// [`Action::legacy`] (a unit test holds the two together).
    const V3_ONLY: bool = false;
    /// True when a call spends HeyGen credits (a render): every create unless
    /// it says otherwise.
    const SPENDS_CREDITS: bool = matches!(Self::KIND, Kind::Create);
    /// True when the action sends nothing to HeyGen: it works from its
    /// arguments and the clock alone, so the runner asks for no API key and
    /// gives it a [`Call`] that refuses to send. It runs alike on both
    /// generations. The reliability matrix, the property tests and the
    /// fuzzers read it.
    const PURE: bool = false;
    /// True when the action waits for a job to end (a render, say): its time
    /// budget is its `timeout_seconds` argument (default
    /// [`DEFAULT_WAIT_SECONDS`](crate::limits::DEFAULT_WAIT_SECONDS), at most
    /// [`MAX_WAIT_SECONDS`](crate::limits::MAX_WAIT_SECONDS)) in place of
    /// `HEYGEN_TIMEOUT_MS`, so hosts give it that long, and MCP hosts report
    /// each status it sees as progress.
    const WAITS: bool = false;
    /// How it maps to HeyGen v3, in Markdown (the README's mapping table).
    const ON_V3: &'static str;
    /// How it maps to HeyGen's legacy API, in Markdown. An action only v3 has
    /// keeps this default.
    const ON_LEGACY: &'static str = "`unsupported:`";
    /// The arguments, as the card names them.
    type Args: Arguments;
    /// The card's output fields other than `success` and `error`; its
    /// `Default` is the output of a failed call.
    type Output: Serialize + Default;

    /// Runs on HeyGen v3.
    fn v3(call: &mut Call<'_>, args: &Self::Args) -> Result<Self::Output, Error>;

    /// Runs on the legacy v1/v2 API. An action that only v3 has keeps this
    /// default, the one place that says so.
    fn legacy(_call: &mut Call<'_>, _args: &Self::Args) -> Result<Self::Output, Error> {
        Err(v3_only(Self::NAME))
    }

    /// The `error` of a call that succeeded (e.g. a render that failed).
    fn note(_output: &Self::Output) -> Option<String> {
        None
    }
}

/// The refusal of an action only v3 has, on the legacy API: one function for
/// every such action (a `format!` in the generic default cost each of them
/// its own copy).
#[inline(never)]
fn v3_only(name: &str) -> Error {
    Error::Unsupported(format!(
        "`{name}` exists only on HeyGen v3, and this host is set to the legacy API (retired by HeyGen on 2026-11-01). Ask the host's operator to set HEYGEN_API_VERSION=v3"
    ))
}

/// The action named `name` (snake_case).
pub fn find(name: &str) -> Option<&'static Entry> {
    ALL.iter().find(|entry| entry.name == name)
}

/// Every action's name, comma-separated (for error messages and help).
pub fn names() -> String {
    ALL.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running registry entries against a scripted port.
    use super::*;
    use crate::call::fake::Scripted;
    use serde_json::Value;

    /// Runs the action `name` with `args` and the environment `vars`.
    pub fn run_with(
        t: &mut Scripted,
        name: &str,
        vars: &[(&str, &str)],
        args: Value,
    ) -> (u16, Value) {
        let lookup = crate::config::testing::env(vars);
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let reply = find(name).unwrap().run(t, &env, &args);
        (reply.status, serde_json::from_str(&reply.body).unwrap())
    }
}

#[cfg(test)]
mod tests {
    use super::testing::run_with;
    use super::*;
    use crate::call::fake::{Scripted, answer};
    use serde_json::Value;
    use serde_json::json;

    #[test]
    fn the_registry_is_complete_and_unique() {
        let mut names: Vec<_> = ALL.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for entry in ALL {
            let example: Value = serde_json::from_str(entry.example).unwrap();
            assert_eq!(entry.check(&example), Ok(()), "{}", entry.name);
        }
    }

    #[test]
    fn v3_only_actions_are_refused_on_legacy_before_sending() {
        let vars = [("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")];
        for entry in ALL {
            let mut t = Scripted::new((0..5).map(|_| answer(404, "", &[])));
            let example: Value = serde_json::from_str(entry.example).unwrap();
            let (_, out) = run_with(&mut t, entry.name, &vars, example);
            let error = out["error"].as_str().unwrap_or_default();
            assert_eq!(
                (t.sent.is_empty(), error.starts_with("unsupported: ")),
                (entry.v3_only || entry.pure, entry.v3_only),
                "{}: {error}",
                entry.name
            );
        }
    }

    #[test]
    fn pure_actions_need_no_key_and_send_nothing_on_either_generation() {
        for entry in ALL.iter().filter(|e| e.pure) {
            for generation in ["v3", "legacy"] {
                let mut t = Scripted::new([]);
                let example: Value = serde_json::from_str(entry.example).unwrap();
                let vars = [("HEYGEN_API_VERSION", generation)];
                let (status, out) = run_with(&mut t, entry.name, &vars, example);
                assert_eq!(
                    (status, &out["success"]),
                    (200, &json!(true)),
                    "{}: {out}",
                    entry.name
                );
                assert!(t.sent.is_empty());
            }
        }
    }

    #[test]
    fn nothing_is_sent_without_a_key_or_with_bad_input() {
        let mut t = Scripted::new([]);
        let (status, out) = run_with(&mut t, "list_voice_id_options", &[], Value::Null);
        assert!(
            out["error"]
                .as_str()
                .unwrap()
                .starts_with("missing_credentials: ")
        );
        assert_eq!((status, &out["voices"]), (401, &json!([])));
        let key = [("HEYGEN_API_KEY", "k")];
        let (status, out) = run_with(
            &mut t,
            "retrieve_video_link",
            &key,
            json!({"video_id": "../x"}),
        );
        assert_eq!(status, 400);
        assert!(
            out["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid_input: video_id")
        );
        assert!(t.sent.is_empty());
    }

    #[test]
    fn one_reader_names_the_field_of_a_wrong_argument() {
        let mut t = Scripted::new([]);
        let key = [("HEYGEN_API_KEY", "k")];
        for (args, needle) in [
            (
                json!({"talking_photo_id":"t","input_text":"x","voice_id":"v","talking_photo_style":"triangle"}),
                "invalid_input: talking_photo_style: unknown variant `triangle`",
            ),
            (
                json!({"talking_photo_id":"t","input_text":"x","voice_id":"v","scale":"big"}),
                "invalid_input: scale: invalid type",
            ),
            (
                json!({"talking_photo_id":"t","input_text":"x","voice_id":"v","x":1}),
                "unknown field `x`",
            ),
            (
                json!({"input_text":"x","voice_id":"v"}),
                "missing field `talking_photo_id`",
            ),
            (json!([1]), "must be a JSON object"),
        ] {
            let (status, out) = run_with(&mut t, "create_talking_photo", &key, args);
            let error = out["error"].as_str().unwrap();
            assert!(
                error.starts_with("invalid_input: ") && error.contains(needle),
                "{error}"
            );
            assert_eq!(status, 400);
            assert_eq!(out["video_id"], Value::Null);
        }
        assert!(t.sent.is_empty());
        assert!(
            find("list_voice_id_options")
                .unwrap()
                .check(&json!({"a": 1}))
                .is_err()
        );
        assert!(crate::args::parse_arguments(b"\xff").is_err());
        assert!(
            crate::args::parse_arguments(b"{")
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
        assert_eq!(crate::args::parse_arguments(b"  "), Ok(Value::Null));
    }

    #[test]
    fn a_header_key_wins_and_is_checked() {
        let lookup = crate::config::testing::env(&[]);
        let empty = || answer(200, r#"{"data":[],"has_more":false}"#, &[]);
        let mut t = Scripted::new([empty(), empty()]);
        let voices = find("list_voice_id_options").unwrap();
        let env = Env {
            lookup: &lookup,
            key: Some("from-header"),
        };
        let reply = voices.run(&mut t, &env, &Value::Null);
        assert_eq!(reply.body, r#"{"success":true,"error":null,"voices":[]}"#);
        let env = Env {
            lookup: &lookup,
            key: Some("bad key"),
        };
        let reply = voices.run(&mut t, &env, &Value::Null);
        assert!(
            reply
                .body
                .contains("invalid_credentials: the X-Api-Key header"),
            "{}",
            reply.body
        );
    }

    #[test]
    fn failures_keep_the_card_shape_and_scrub_the_key() {
        let mut t = Scripted::new([answer(
            429,
            r#"{"error":{"code":"rate_limit_exceeded","message":"slow down, sekret-KEY-1"}}"#,
            &[("retry-after", "9999")],
        )]);
        let lookup = crate::config::testing::env(&[("HEYGEN_API_KEY", "sekret-KEY-1")]);
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let reply =
            find("retrieve_video_link")
                .unwrap()
                .run(&mut t, &env, &json!({"video_id": "v"}));
        assert_eq!((reply.status, reply.retry_after), (502, Some(9999)));
        assert!(!reply.body.contains("sekret-KEY-1"));
        let out: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(out.as_object().unwrap().len(), 8);
        assert_eq!(out["success"], false);
    }
}
