//! The export glue the two WIT faces share (`faces/plugin`, which exports the
//! `actions` interface, and `faces/tools`, which exports the same functions
//! directly from its world). Each declares this file as its `glue` module
//! (`#[macro_use]`), then in a module of its own calls `bindings!` with its
//! world, names the trait of its exports `Guest` and the module of the WIT
//! records `wit`, and calls `exports!` through `for_each_action!`.
//!
//! Every export is generated from the registry: a WIT record in, the same JSON
//! argument reader and runner as every other face, the WIT output record out.
//! The WIT records derive serde, so the glue copies no field by hand.

use heygen_plugin::actions;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The WIT bindings of world `$world` found under `$path`, with the serde
/// derives and attributes the glue relies on, and any further options.
macro_rules! bindings {
    ($path:tt, $world:literal $(, $option:tt)*) => {
        wit_bindgen::generate!({
            path: $path,
            world: $world,
            $($option,)*
            additional_derives: [serde::Serialize, serde::Deserialize],
            additional_type_attributes: {
                "modulex:heygen/actions@0.1.0/talking-photo-style": [#[serde(rename_all = "snake_case")]],
                "modulex:heygen/actions@0.1.0/talking-style": [#[serde(rename_all = "snake_case")]],
                "modulex:heygen/actions@0.1.0/expression": [#[serde(rename_all = "snake_case")]],
                "modulex:heygen/actions@0.1.0/avatar-type": [#[serde(rename_all = "snake_case")]],
                "modulex:heygen/actions@0.1.0/ownership": [#[serde(rename_all = "snake_case")]],
            },
            // JSON has no NaN or infinity (serde_json would write `null`, an
            // unset option): pass them on as text, which the reader refuses.
            additional_member_attributes: {
                "modulex:heygen/actions@0.1.0/create-talking-photo-input.scale": [#[serde(serialize_with = "crate::glue::finite_or_text")]],
                // WIT spells the field `%type`; Rust names it `type_`.
                "modulex:heygen/actions@0.1.0/template-variable.type": [#[serde(rename = "type")]],
            },
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
    };
}

/// `impl Guest for Plugin`: one export per registry line, where the calling
/// module names the trait of its exports `Guest` and the module of the WIT
/// records `wit`, and brings `Plugin` and `call` into scope.
macro_rules! exports {
    ($($module:ident: $ty:ident($($input:ident)?) -> $output:ident;)*) => {
        impl Guest for Plugin {
            $(
                // With an input record the first line returns; without
                // one only the second is there.
                #[allow(unreachable_code)]
                fn $module($(input: wit::$input)?) -> wit::$output {
                    $( return call::<_, wit::$input>(stringify!($module), Some(&input)); )?
                    call::<_, ()>(stringify!($module), None)
                }
            )*
        }
    };
}

/// The type every export is implemented on.
pub(crate) struct Plugin;

/// Serializes an optional float as a number when finite, else as its text
/// (`"NaN"`, `"inf"`), so that the argument reader refuses it by name.
pub(crate) fn finite_or_text<S: serde::Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        // Spelled out: formatting floats would add kilobytes.
        Some(v) if v.is_nan() => serializer.serialize_str("NaN"),
        Some(v) if v.is_infinite() && *v > 0.0 => serializer.serialize_str("infinity"),
        Some(v) if v.is_infinite() => serializer.serialize_str("-infinity"),
        other => other.serialize(serializer),
    }
}

/// Runs the action `name` with `input` (a WIT record, or nothing) and reads
/// its card JSON back as the WIT output record.
pub(crate) fn call<O: DeserializeOwned, I: Serialize>(name: &str, input: Option<&I>) -> O {
    let reply = match actions::find(name) {
        Some(entry) => {
            let args = input
                .and_then(|input| serde_json::to_value(input).ok())
                .unwrap_or(Value::Null);
            heygen_plugin::wasi::run(entry, &args).body
        }
        None => format!(r#"{{"success":false,"error":"internal: no action `{name}`"}}"#),
    };
    // The registry's outputs and the WIT records are checked against the
    // same schemas (`tests/all/component.rs`); a mismatch is a build bug,
    // and a trap is the honest answer to it.
    // Through a `Value`: its parser and deserializer are in the component
    // anyway (HeyGen's answers, the arguments), so this costs kilobytes
    // less than deserializing the text into each record directly.
    let card = serde_json::from_slice::<Value>(reply.as_bytes());
    // `json::from_value` reads records from objects only, smaller still.
    match card.map(|card| heygen_plugin::json::from_value::<O>(&card)) {
        Ok(Ok(output)) => output,
        _ => std::process::abort(),
    }
}
