//! The five actions, over any [`Transport`]: read the configuration, check the
//! arguments, send, and read the answer for the selected API generation.

use crate::api::{Created, VideoState, Voice, legacy, v3};
use crate::client::Client;
use crate::config::{ApiKey, Config, Generation};
use crate::error::Error;
use crate::input::{TalkingPhotoArgs, TemplateArgs, VideoLinkArgs};
use crate::output::Failure;
use crate::retry::Effect;
use crate::transport::Transport;

/// Most pages of voices read on v3 (100 voices each).
pub const MAX_VOICE_PAGES: usize = 50;
/// Most pages of webhook event types read on v3.
pub const MAX_EVENT_PAGES: usize = 20;

/// Where a call's settings come from: the environment, and optionally a key
/// given with the request (the HTTP face's `X-Api-Key` header), which wins.
pub struct Env<'a> {
    /// Reads an environment variable.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// A key that overrides `HEYGEN_API_KEY`.
    pub key: Option<&'a str>,
}

/// The configuration and key from `env`: nothing is sent when either is wrong.
fn settings(env: &Env<'_>) -> Result<(Config, ApiKey), Failure> {
    let config = Config::from_env(env.lookup)?;
    let key = match env.key.filter(|k| !k.is_empty()) {
        Some(key) => ApiKey::parse(key, "the X-Api-Key header")?,
        None => ApiKey::from_env(env.lookup)?,
    };
    Ok((config, key))
}

/// Reads a create's answer. An unreadable 2xx means HeyGen probably made the
/// video, so it is reported as possibly created.
fn created(parsed: Result<Created, Error>) -> Result<Created, Error> {
    parsed.map_err(|e| match e {
        Error::BadResponse { .. } => Error::MaybeCreated(Box::new(e)),
        other => other,
    })
}

/// `create_talking_photo`.
pub fn create_talking_photo<T: Transport>(
    transport: &mut T,
    env: &Env<'_>,
    args: &TalkingPhotoArgs,
) -> Result<Created, Failure> {
    let (config, key) = settings(env)?;
    let client = &mut Client::new(transport, &config, &key);
    // A closure, so that `?` gives an `Error`, flattened below with the key scrubbed.
    let result = (|| match config.generation {
        Generation::V3 => {
            let resp = client.exchange(v3::talking_photo(args)?, Effect::IdempotentCreate)?;
            created(v3::parse_created(&resp))
        }
        Generation::Legacy => {
            let resp = client.exchange(legacy::talking_photo(args)?, Effect::Create)?;
            created(legacy::parse_created(&resp))
        }
    })();
    result.map_err(|e| Failure::new(&e, Some(&key)))
}

/// `create_video_from_template`.
pub fn create_video_from_template<T: Transport>(
    transport: &mut T,
    env: &Env<'_>,
    args: &TemplateArgs,
) -> Result<Created, Failure> {
    let (config, key) = settings(env)?;
    let client = &mut Client::new(transport, &config, &key);
    // A closure, so that `?` gives an `Error`, flattened below with the key scrubbed.
    let result = (|| match config.generation {
        Generation::V3 => {
            let resp = client.exchange(v3::template(args)?, Effect::IdempotentCreate)?;
            created(v3::parse_created(&resp))
        }
        Generation::Legacy => {
            let resp = client.exchange(legacy::template(args)?, Effect::Create)?;
            created(legacy::parse_created(&resp))
        }
    })();
    result.map_err(|e| Failure::new(&e, Some(&key)))
}

/// `list_custom_events_options`.
pub fn list_custom_events_options<T: Transport>(
    transport: &mut T,
    env: &Env<'_>,
) -> Result<Vec<String>, Failure> {
    let (config, key) = settings(env)?;
    let client = &mut Client::new(transport, &config, &key);
    let result = match config.generation {
        Generation::V3 => client.all_pages(v3::events, v3::parse_events, MAX_EVENT_PAGES),
        Generation::Legacy => client.all_pages(|_| legacy::events(), legacy::parse_events, 1),
    };
    result.map_err(|e| Failure::new(&e, Some(&key)))
}

/// `list_voice_id_options`.
pub fn list_voice_id_options<T: Transport>(
    transport: &mut T,
    env: &Env<'_>,
) -> Result<Vec<Voice>, Failure> {
    let (config, key) = settings(env)?;
    let client = &mut Client::new(transport, &config, &key);
    let result = match config.generation {
        Generation::V3 => client.all_pages(v3::voices, v3::parse_voices, MAX_VOICE_PAGES),
        Generation::Legacy => client.all_pages(|_| legacy::voices(), legacy::parse_voices, 1),
    };
    result.map_err(|e| Failure::new(&e, Some(&key)))
}

/// `retrieve_video_link`.
pub fn retrieve_video_link<T: Transport>(
    transport: &mut T,
    env: &Env<'_>,
    args: &VideoLinkArgs,
) -> Result<VideoState, Failure> {
    let (config, key) = settings(env)?;
    let client = &mut Client::new(transport, &config, &key);
    // A closure, so that `?` gives an `Error`, flattened below with the key scrubbed.
    let result = (|| match config.generation {
        Generation::V3 => {
            let resp = client.exchange(v3::video(args)?, Effect::Read)?;
            v3::parse_video(&resp, &args.video_id)
        }
        Generation::Legacy => {
            let resp = client.exchange(legacy::video(args)?, Effect::Read)?;
            legacy::parse_video(&resp, &args.video_id)
        }
    })();
    result.map_err(|e| Failure::new(&e, Some(&key)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fake::{Scripted, answer};
    use crate::config::testing::env as env_of;

    #[test]
    fn nothing_is_sent_without_a_key_or_with_bad_input() {
        let lookup = env_of(&[]);
        let mut t = Scripted::new([]);
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let err = list_voice_id_options(&mut t, &env).unwrap_err();
        assert!(err.message.starts_with("missing_credentials: "));
        assert_eq!(err.http_status, 401);
        let lookup = env_of(&[("HEYGEN_API_KEY", "k")]);
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let err = retrieve_video_link(
            &mut t,
            &env,
            &VideoLinkArgs {
                video_id: "../x".into(),
            },
        )
        .unwrap_err();
        assert!(err.message.starts_with("invalid_input: video_id"));
        assert!(t.sent.is_empty());
    }

    #[test]
    fn a_header_key_wins_and_is_checked() {
        let lookup = env_of(&[]);
        let mut t = Scripted::new([answer(200, r#"{"data":[],"has_more":false}"#, &[])]);
        let env = Env {
            lookup: &lookup,
            key: Some("from-header"),
        };
        assert_eq!(list_voice_id_options(&mut t, &env).unwrap(), vec![]);
        let env = Env {
            lookup: &lookup,
            key: Some("bad key"),
        };
        let err = list_voice_id_options(&mut t, &env).unwrap_err();
        assert!(
            err.message
                .starts_with("invalid_credentials: the X-Api-Key header"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_unreadable_create_answer_may_have_created_the_video() {
        let lookup = env_of(&[("HEYGEN_API_KEY", "k"), ("HEYGEN_API_VERSION", "legacy")]);
        let mut t = Scripted::new([answer(200, "<html>", &[])]);
        let env = Env {
            lookup: &lookup,
            key: None,
        };
        let args = TemplateArgs {
            template_id: "t".into(),
            ..Default::default()
        };
        let err = create_video_from_template(&mut t, &env, &args).unwrap_err();
        assert!(err.message.starts_with("bad_response: "));
        assert!(err.message.contains("may have created the video"));
    }
}
