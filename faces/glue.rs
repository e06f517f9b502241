//! The export glue the two WIT faces share (`faces/plugin`, which exports the
//! `actions` interface, and `faces/tools`, which exports the same functions
//! directly from its world). Each declares this file as its `glue` module
//! (`#[macro_use]`), then in a module of its own calls `bindings!` with its
//! world, names the trait of its exports `Guest` and the module of the WIT
//! records `wit`, includes the conversions its `build.rs` generated
//! (`faces/wit_json.rs`), and calls `exports!` through `for_each_action!`.
//!
//! Every export is generated from the registry: a WIT record in, the same JSON
//! argument reader and runner as every other face, the WIT output record out.
//! The records' JSON conversions are generated from the WIT, so the glue
//! copies no field by hand.

use heygen_plugin::actions;
use serde_json::Value;

/// The WIT bindings of world `$world` found under `$path`, with the WASI
/// types of the `wasip2` crate, and any further options.
macro_rules! bindings {
    ($path:tt, $world:literal $(, $option:tt)*) => {
        wit_bindgen::generate!({
            path: $path,
            world: $world,
            $($option,)*
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

/// A WIT value read from JSON: the card an action answered.
pub(crate) trait FromJson: Sized {
    /// `json` read as this value. When the JSON does not have the value's
    /// shape, `ok` becomes false and the value is a stand-in: a record is read
    /// whole, with no early return, and judged once at the end.
    fn from_json(json: &Value, ok: &mut bool) -> Self;
}

/// `value`, or `fallback` with `ok` set to false: the reading of a
/// primitive.
fn or_mark<T>(value: Option<T>, ok: &mut bool, fallback: T) -> T {
    value.unwrap_or_else(|| {
        *ok = false;
        fallback
    })
}

/// A WIT value written as JSON: the arguments of an action.
pub(crate) trait ToJson {
    /// This value as JSON.
    fn to_json(&self) -> Value;
}

/// The field `key` of the JSON object `json` (`null` when it is not there).
pub(crate) fn field<'a>(json: &'a Value, key: &str) -> &'a Value {
    json.get(key).unwrap_or(&Value::Null)
}

/// Sets the field `key` of `object` to `value`: one call per field of a
/// record written as JSON.
#[inline(never)]
pub(crate) fn put(object: &mut serde_json::Map<String, Value>, key: &str, value: Value) {
    object.insert(key.to_owned(), value);
}

impl FromJson for String {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        or_mark(json.as_str().map(str::to_owned), ok, String::new())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl FromJson for bool {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        or_mark(json.as_bool(), ok, false)
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for u32 {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        or_mark(json.as_u64().and_then(|n| u32::try_from(n).ok()), ok, 0)
    }
}

impl ToJson for u32 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl FromJson for f64 {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        or_mark(json.as_f64(), ok, 0.0)
    }
}

/// A number when finite, else its text (`"NaN"`, `"infinity"`): JSON has no
/// NaN or infinity (`null` would read as an unset option), and the argument
/// reader refuses the text by name.
impl ToJson for f64 {
    fn to_json(&self) -> Value {
        match serde_json::Number::from_f64(*self) {
            Some(number) => Value::Number(number),
            // Spelled out: formatting floats would add kilobytes.
            None if self.is_nan() => Value::from("NaN"),
            None if *self > 0.0 => Value::from("infinity"),
            None => Value::from("-infinity"),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        match json {
            Value::Null => None,
            _ => Some(T::from_json(json, ok)),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(json: &Value, ok: &mut bool) -> Self {
        let items = or_mark(json.as_array().map(Vec::as_slice), ok, &[]);
        items.iter().map(|item| T::from_json(item, ok)).collect()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

/// No input record: no arguments.
impl ToJson for () {
    fn to_json(&self) -> Value {
        Value::Null
    }
}

/// Runs the action `name` with `input` (a WIT record, or nothing) and reads
/// its card JSON back as the WIT output record.
pub(crate) fn call<O: FromJson, I: ToJson>(name: &str, input: Option<&I>) -> O {
    let args = input.map_or(Value::Null, ToJson::to_json);
    // The registry's outputs and the WIT records are checked against the
    // same schemas (`tests/all/component.rs`); a mismatch is a build bug,
    // and a trap is the honest answer to it.
    let mut ok = true;
    let output = O::from_json(&card(name, &args), &mut ok);
    if !ok {
        std::process::abort();
    }
    output
}

/// The card of the action `name` run with `args`, as JSON: the part of every
/// export that does not depend on its records, kept out of line so that the
/// exports share it.
#[inline(never)]
fn card(name: &str, args: &Value) -> Value {
    let reply = match actions::find(name) {
        Some(entry) => heygen_plugin::wasi::run(entry, args).body,
        None => format!(r#"{{"success":false,"error":"internal: no action `{name}`"}}"#),
    };
    serde_json::from_slice(reply.as_bytes()).unwrap_or(Value::Null)
}
