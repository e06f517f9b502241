//! The `actions` export for tool hosts: WIT records in, WIT records out.

use super::transport::WasiTransport;
use super::with_env;
use crate::actions;
use crate::input::{
    Expression, TalkingPhotoArgs, TalkingPhotoStyle, TalkingStyle, TemplateArgs, VideoLinkArgs,
};
use crate::output::{CreateVideoOutput, EventsOutput, VideoLinkOutput, VoicesOutput};

/// The generated bindings stay private: only this module converts to and from them.
mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "plugin",
        with: {
            "wasi:http/outgoing-handler@0.2.4": wasip2::http::outgoing_handler,
            "wasi:http/types@0.2.4": wasip2::http::types,
            "wasi:io/error@0.2.4": wasip2::io::error,
            "wasi:io/poll@0.2.4": wasip2::io::poll,
            "wasi:io/streams@0.2.4": wasip2::io::streams,
            "wasi:clocks/monotonic-clock@0.2.4": wasip2::clocks::monotonic_clock,
            "wasi:clocks/wall-clock@0.2.4": wasip2::clocks::wall_clock,
            "wasi:random/random@0.2.4": wasip2::random::random,
            "wasi:cli/environment@0.2.4": wasip2::cli::environment,
        },
    });
}

use bindings::exports::modulex::heygen::actions as wit;

struct Plugin;

impl wit::Guest for Plugin {
    fn create_talking_photo(input: wit::CreateTalkingPhotoInput) -> wit::CreateTalkingPhotoOutput {
        let args = TalkingPhotoArgs {
            talking_photo_id: input.talking_photo_id,
            input_text: input.input_text,
            voice_id: input.voice_id,
            test: input.test,
            caption: input.caption,
            scale: input.scale,
            talking_photo_style: input.talking_photo_style.map(|s| match s {
                wit::TalkingPhotoStyle::Square => TalkingPhotoStyle::Square,
                wit::TalkingPhotoStyle::Circle => TalkingPhotoStyle::Circle,
            }),
            talking_style: input.talking_style.map(|s| match s {
                wit::TalkingStyle::Stable => TalkingStyle::Stable,
                wit::TalkingStyle::Expressive => TalkingStyle::Expressive,
            }),
            expression: input.expression.map(|e| match e {
                wit::Expression::Default => Expression::Default,
                wit::Expression::Happy => Expression::Happy,
            }),
            super_resolution: input.super_resolution,
            matting: input.matting,
        };
        let result = with_env(None, |env| {
            actions::create_talking_photo(&mut WasiTransport, env, &args)
        });
        let out = CreateVideoOutput::from(&result);
        wit::CreateTalkingPhotoOutput {
            success: out.success,
            error: out.error,
            video_id: out.video_id,
            status: out.status,
        }
    }

    fn create_video_from_template(
        input: wit::CreateVideoFromTemplateInput,
    ) -> wit::CreateVideoFromTemplateOutput {
        let args = TemplateArgs {
            template_id: input.template_id,
            test: input.test,
            caption: input.caption,
            variables: input.variables.map(serde_json::Value::String),
        };
        let result = with_env(None, |env| {
            actions::create_video_from_template(&mut WasiTransport, env, &args)
        });
        let out = CreateVideoOutput::from(&result);
        wit::CreateVideoFromTemplateOutput {
            success: out.success,
            error: out.error,
            video_id: out.video_id,
            status: out.status,
        }
    }

    fn list_custom_events_options() -> wit::ListCustomEventsOptionsOutput {
        let result = with_env(None, |env| {
            actions::list_custom_events_options(&mut WasiTransport, env)
        });
        let out = EventsOutput::from(&result);
        wit::ListCustomEventsOptionsOutput {
            success: out.success,
            error: out.error,
            events: out.events,
        }
    }

    fn list_voice_id_options() -> wit::ListVoiceIdOptionsOutput {
        let result = with_env(None, |env| {
            actions::list_voice_id_options(&mut WasiTransport, env)
        });
        let out = VoicesOutput::from(&result);
        wit::ListVoiceIdOptionsOutput {
            success: out.success,
            error: out.error,
            voices: out
                .voices
                .into_iter()
                .map(|v| wit::VoiceInfo {
                    voice_id: v.voice_id,
                    name: v.name,
                })
                .collect(),
        }
    }

    fn retrieve_video_link(input: wit::RetrieveVideoLinkInput) -> wit::RetrieveVideoLinkOutput {
        let args = VideoLinkArgs {
            video_id: input.video_id,
        };
        let result = with_env(None, |env| {
            actions::retrieve_video_link(&mut WasiTransport, env, &args)
        });
        let out = VideoLinkOutput::from(&result);
        wit::RetrieveVideoLinkOutput {
            success: out.success,
            error: out.error,
            video_id: out.video_id,
            status: out.status,
            video_url: out.video_url,
            thumbnail_url: out.thumbnail_url,
            duration: out.duration,
            caption_url: out.caption_url,
        }
    }
}

bindings::export!(Plugin with_types_in bindings);
