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

use serde::Serialize;
use serde_json::Value;

use crate::args::Arguments;
use crate::call::Call;
use crate::config::{ApiKey, Config, Generation};
use crate::error::{Error, Failure};
use crate::port::Port;

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
    /// Makes something new on the account (a render, which spends credits, or
    /// a webhook endpoint). Never retried without HeyGen's `Idempotency-Key`.
    Create,
    /// Removes something from the account for good; safe to retry.
    Delete,
}

/// One action: its name, what it takes and gives, and how it runs.
pub trait Action {
    /// The snake_case name (JSON, CLI, HTTP, MCP); kebab-case in WIT.
    const NAME: &'static str;
    /// What it does to the account.
    const KIND: Kind;
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
        Err(Error::Unsupported(format!(
            "`{}` exists only on HeyGen v3, and this host is set to the legacy API (retired by HeyGen on 2026-11-01). Ask the host's operator to set HEYGEN_API_VERSION=v3",
            Self::NAME
        )))
    }

    /// The `error` of a call that succeeded (e.g. a render that failed).
    fn note(_output: &Self::Output) -> Option<String> {
        None
    }
}

/// Where a call's settings come from: the environment, and optionally a key
/// given with the request (the HTTP face's `X-Api-Key` header), which wins.
pub struct Env<'a> {
    /// Reads an environment variable.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// A key that overrides `HEYGEN_API_KEY`.
    pub key: Option<&'a str>,
}

/// An action's answer before it is written as JSON: the card, typed. The WIT
/// faces turn it into their output record (code generated from the WIT);
/// [`Reply`] is it written as JSON, for every other face.
#[derive(Clone, Debug, PartialEq)]
pub struct Card<O> {
    /// HTTP status: 200, or the failure's (see [`Error::http_status`]).
    pub status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
    /// The card's `success`.
    pub success: bool,
    /// The card's `error`: why the call failed, or a note on a call that
    /// succeeded (e.g. a render that failed).
    pub error: Option<String>,
    /// The action's own fields; their defaults when the call failed.
    pub output: O,
}

impl<O: Default> Card<O> {
    /// The card of a call that failed.
    fn failed(failure: &Failure) -> Card<O> {
        Card {
            status: failure.http_status,
            retry_after: failure.retry_after,
            success: false,
            error: Some(failure.message.clone()),
            output: O::default(),
        }
    }
}

impl<O: Serialize> Card<O> {
    /// The card written as JSON.
    fn reply(&self) -> Reply {
        let fields = serde_json::to_string(&self.output);
        Reply::card(
            self.status,
            self.error.as_deref(),
            self.success,
            fields,
            self.retry_after,
        )
    }
}

/// An action's answer: the card's output as JSON text, and what the HTTP face
/// needs to send it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// HTTP status: 200, or the failure's (see [`Error::http_status`]).
    pub status: u16,
    /// `Retry-After` seconds to pass on, if HeyGen gave one.
    pub retry_after: Option<u64>,
    /// The card's output: `success`, `error`, then the action's fields.
    pub body: String,
}

impl Reply {
    /// The card: `success` and `error` first, then the action's `fields` (a
    /// JSON object's text, spliced in as written, so the order stays the
    /// output struct's). One non-generic path for every action: a
    /// `#[serde(flatten)]` wrapper would cost kilobytes per action.
    fn card(
        status: u16,
        error: Option<&str>,
        success: bool,
        fields: serde_json::Result<String>,
        retry_after: Option<u64>,
    ) -> Reply {
        let (Ok(error), Ok(fields)) = (serde_json::to_string(&error), fields) else {
            return Reply {
                status,
                retry_after,
                body: r#"{"success":false,"error":"internal: unserializable output"}"#.into(),
            };
        };
        let mut body = format!(r#"{{"success":{success},"error":{error}"#);
        match fields.strip_prefix('{') {
            Some(rest) if rest != "}" => {
                body.push(',');
                body.push_str(rest);
            }
            _ => body.push('}'),
        }
        Reply {
            status,
            retry_after,
            body,
        }
    }
}

/// One registry entry: an action with its types erased, so faces can list and
/// run actions by name.
pub struct Entry {
    /// The snake_case name.
    pub name: &'static str,
    /// What it does to the account.
    pub kind: Kind,
    /// Example arguments (JSON text) the simulator accepts.
    pub example: &'static str,
    /// Whether only HeyGen v3 has it (on legacy it answers `unsupported:`).
    pub v3_only: bool,
    /// Whether a call spends HeyGen credits.
    pub spends_credits: bool,
    /// Whether it sends nothing to HeyGen (and so needs no API key).
    pub pure: bool,
    run: fn(&mut dyn Port, &Env<'_>, &Value) -> Reply,
    check: fn(&Value) -> Result<(), Error>,
    fail: fn(&Failure) -> Reply,
}

impl Entry {
    /// The entry of `A`.
    pub const fn of<A: Action>() -> Entry {
        Entry {
            name: A::NAME,
            kind: A::KIND,
            example: A::EXAMPLE,
            v3_only: A::V3_ONLY,
            spends_credits: A::SPENDS_CREDITS,
            pure: A::PURE,
            run: run::<A>,
            check: check::<A>,
            fail: fail::<A>,
        }
    }

    /// Runs the action with card-named JSON `args` (`null` counts as `{}`).
    /// Never fails: every failure is a card-shaped reply.
    pub fn run(&self, port: &mut dyn Port, env: &Env<'_>, args: &Value) -> Reply {
        (self.run)(port, env, args)
    }

    /// Reads `args` as this action's arguments without running it, so a host
    /// can refuse what no face would accept before calling the component.
    pub fn check(&self, args: &Value) -> Result<(), Error> {
        (self.check)(args)
    }

    /// The card-shaped reply for a call that failed before it ran.
    pub fn failure(&self, failure: &Failure) -> Reply {
        (self.fail)(failure)
    }
}

/// The action named `name` (snake_case).
pub fn find(name: &str) -> Option<&'static Entry> {
    ALL.iter().find(|entry| entry.name == name)
}

/// Every action's name, comma-separated (for error messages and help).
pub fn names() -> String {
    ALL.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
}

fn run<A: Action>(port: &mut dyn Port, env: &Env<'_>, args: &Value) -> Reply {
    match read_args::<A::Args>(args) {
        Ok(args) => run_card::<A>(port, env, &args).reply(),
        Err(e) => fail::<A>(&Failure::from(e)),
    }
}

/// Runs `A` with arguments already read: the runner behind [`Entry::run`],
/// for a face whose arguments come typed and which wants the card typed (the
/// WIT faces, which convert their records in code generated from the WIT).
/// Never fails: every failure is a card with `success: false`.
pub fn run_card<A: Action>(port: &mut dyn Port, env: &Env<'_>, args: &A::Args) -> Card<A::Output> {
    match execute::<A>(port, env, args) {
        Ok(output) => Card {
            status: 200,
            retry_after: None,
            success: true,
            error: A::note(&output),
            output,
        },
        Err(failure) => Card::failed(&failure),
    }
}

fn check<A: Action>(args: &Value) -> Result<(), Error> {
    read_args::<A::Args>(args).map(drop)
}

fn fail<A: Action>(failure: &Failure) -> Reply {
    Card::<A::Output>::failed(failure).reply()
}

/// Settings → one call on the configured generation → the failure flattened
/// with the key scrubbed: the same for every action.
fn execute<A: Action>(
    port: &mut dyn Port,
    env: &Env<'_>,
    args: &A::Args,
) -> Result<A::Output, Failure> {
    let (config, key) = settings(env, !A::PURE)?;
    let mut call = Call::new(port, &config, key.as_ref());
    let result = match config.generation {
        Generation::V3 => A::v3(&mut call, args),
        Generation::Legacy => A::legacy(&mut call, args),
    };
    result.map_err(|e| Failure::new(&e, key.as_ref()))
}

/// The configuration and, when `needs_key`, the key from `env`: nothing is
/// sent when either is wrong.
fn settings(env: &Env<'_>, needs_key: bool) -> Result<(Config, Option<ApiKey>), Failure> {
    let config = Config::from_env(env.lookup)?;
    if !needs_key {
        return Ok((config, None));
    }
    let key = match env.key.filter(|k| !k.is_empty()) {
        Some(key) => ApiKey::parse(key, "the X-Api-Key header")?,
        None => ApiKey::from_env(env.lookup)?,
    };
    Ok((config, Some(key)))
}

/// The one argument reader of every face that takes JSON: a JSON object of
/// card-named arguments (`null` counts as `{}`). A wrong type, an unknown
/// enum case or an unknown field is `invalid_input:` naming the field.
pub fn read_args<T: Arguments>(args: &Value) -> Result<T, Error> {
    match args {
        Value::Null => T::from_fields(&Default::default()),
        Value::Object(fields) => T::from_fields(fields),
        _ => Err(Error::InvalidInput(
            "the arguments must be a JSON object of named arguments".into(),
        )),
    }
}

/// Parses a request body as JSON arguments: UTF-8 JSON, an empty body is `{}`.
pub fn parse_body(body: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::InvalidInput("the arguments are not UTF-8 text".into()))?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // From bytes, as every JSON the plugin reads: one parser in the component.
    serde_json::from_slice(text.as_bytes())
        .map_err(|e| Error::InvalidInput(format!("the arguments are not valid JSON: {e}")))
}

/// The output of both creates: the new video's id and, on v3, its status.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CreatedVideo {
    /// The new video's id.
    pub video_id: Option<String>,
    /// HeyGen's status (v3 only; legacy answers carry none).
    pub status: Option<String>,
}

arguments! {
    /// The (empty) arguments of an action that takes none.
    pub struct NoArgs {}
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running registry entries against a scripted port.
    use super::*;
    use crate::call::fake::Scripted;

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
        assert!(parse_body(b"\xff").is_err());
        assert!(
            parse_body(b"{")
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
        assert_eq!(parse_body(b"  "), Ok(Value::Null));
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
