//! The argument reader of every face that takes JSON (the HTTP face, and
//! `heygen-host`'s `call` and MCP server, which run it natively before calling
//! the component): an action's arguments read from a JSON object of
//! card-named fields. An error names the field it is about (`scale: invalid
//! type: …`). The WIT faces need no reader: their input records arrive typed,
//! and code generated from the WIT turns them into the same `Args`
//! (`faces/wit_convert.rs`); every check after that is the action's own, the
//! same on every face.
//!
//! An action declares its arguments with `arguments!` and each enum it takes
//! with `one_of!`; both write the struct or enum and its reader. The reading
//! itself is the non-generic code below plus one small [`Arg`] impl per value
//! type, so seventeen actions cost little code (serde's derived readers cost
//! 11 KB more: `docs/performance.md`).

use crate::prelude::*;
use serde_json::{Map, Value};

use crate::error::Error;

/// A value an argument can hold, read from one JSON value.
pub trait Arg: Sized {
    /// Reads `value`; the error says what was expected (without the field).
    fn from_arg(value: &Value) -> Result<Self, String>;

    /// The value of an argument that was not given: `Some(None)` for an
    /// option, `None` (a missing required argument) otherwise.
    fn absent() -> Option<Self> {
        None
    }
}

/// An enum an argument takes (declared with `one_of!`), by its JSON name: how
/// a WIT face, whose enums are its own types, hands one over.
pub trait OneOf: Sized {
    /// The case named `name`, if there is one.
    fn from_name(name: &str) -> Option<Self>;
}

/// An action's arguments, read from the JSON object of their fields.
pub trait Arguments: Sized {
    /// Reads `fields`: every field must be known and of its type, every
    /// required one there.
    fn from_fields(fields: &Map<String, Value>) -> Result<Self, Error>;
}

/// Refuses a field of `fields` that is not in `known`.
pub fn check_known(fields: &Map<String, Value>, known: &[&str]) -> Result<(), Error> {
    let Some(key) = fields.keys().find(|key| !known.contains(&key.as_str())) else {
        return Ok(());
    };
    let expected = match known {
        [] => "this action takes no arguments".to_owned(),
        _ => format!("expected one of `{}`", known.join("`, `")),
    };
    Err(Error::InvalidInput(format!(
        "{key}: unknown field `{key}`, {expected}"
    )))
}

/// The field `name` of `fields`, read as a `T`. On an error (kept in `error`
/// unless an earlier field's is there) it gives `T::default()`, so that a
/// reader is one call per field, with no early return.
pub fn field<T: Arg + Default>(
    fields: &Map<String, Value>,
    name: &str,
    error: &mut Option<Error>,
) -> T {
    let read = match fields.get(name) {
        Some(value) => T::from_arg(value).map_err(|e| format!("{name}: {e}")),
        None => T::absent().ok_or_else(|| format!("missing field `{name}`")),
    };
    read.unwrap_or_else(|e| {
        error.get_or_insert(Error::InvalidInput(e));
        T::default()
    })
}

/// "invalid type: <what `value` is>, expected <`expected`>".
pub fn invalid_type(value: &Value, expected: &str) -> String {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a floating point number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    format!("invalid type: {found}, expected {expected}")
}

/// An enum argument: the case `value` names, one of `names`.
pub fn one_of<T: OneOf>(value: &Value, names: &[&str]) -> Result<T, String> {
    let expected = || format!("`{}`", names.join("`, `"));
    match value.as_str() {
        Some(text) => T::from_name(text)
            .ok_or_else(|| format!("unknown variant `{text}`, expected one of {}", expected())),
        None => Err(invalid_type(value, &format!("one of {}", expected()))),
    }
}

impl Arg for String {
    fn from_arg(value: &Value) -> Result<Self, String> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| invalid_type(value, "a string"))
    }
}

impl Arg for bool {
    fn from_arg(value: &Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| invalid_type(value, "a boolean"))
    }
}

impl Arg for f64 {
    fn from_arg(value: &Value) -> Result<Self, String> {
        value
            .as_f64()
            .ok_or_else(|| invalid_type(value, "a number"))
    }
}

/// Any JSON value, checked by the action itself (e.g. a whole number given
/// as a number or as text).
impl Arg for Value {
    fn from_arg(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl Arg for Vec<String> {
    fn from_arg(value: &Value) -> Result<Self, String> {
        let Value::Array(items) = value else {
            return Err(invalid_type(value, "a list of strings"));
        };
        let item = |(i, item)| String::from_arg(item).map_err(|e| format!("item {}: {e}", i + 1));
        items.iter().enumerate().map(item).collect()
    }
}

/// `null` and a missing field are both `None`.
impl<T: Arg> Arg for Option<T> {
    fn from_arg(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            _ => T::from_arg(value).map(Some),
        }
    }

    fn absent() -> Option<Self> {
        Some(None)
    }
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
pub fn parse_arguments(body: &[u8]) -> Result<Value, Error> {
    let text = core::str::from_utf8(body)
        .map_err(|_| Error::InvalidInput("the arguments are not UTF-8 text".into()))?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    // From bytes, as every JSON the plugin reads: one parser in the component.
    crate::json::read(text.as_bytes())
        .map_err(|e| Error::InvalidInput(format!("the arguments are not valid JSON: {e}")))
}

/// Declares an action's arguments: the struct (with `Clone`, `Debug`,
/// `Default` and `PartialEq`) and its [`Arguments`] reader, which refuses
/// unknown fields. Every field is `pub`; an `Option` is optional, anything
/// else required. A field's type is an [`Arg`] with a `Default` (so an enum
/// of `one_of!` is taken as an `Option`).
macro_rules! arguments {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $crate::args::Arguments for $name {
            fn from_fields(
                fields: &serde_json::Map<String, serde_json::Value>,
            ) -> Result<Self, $crate::error::Error> {
                $crate::args::check_known(fields, &[$(stringify!($field)),*])?;
                #[allow(unused_mut)] // an action without arguments reads none
                let mut error = None;
                let args = $name {
                    $( $field: $crate::args::field(fields, stringify!($field), &mut error), )*
                };
                error.map_or(Ok(args), Err)
            }
        }
    };
}

/// Declares an enum an argument takes, each case with its JSON name: the enum
/// (`Clone`, `Copy`, `Debug`, `PartialEq`, `Eq`), `as_str`, its [`Arg`]
/// reader and [`OneOf`].
macro_rules! one_of {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$case_meta:meta])* $case:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[$case_meta])* $case, )*
        }

        impl $name {
            /// Its name in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$case => $text, )*
                }
            }
        }

        impl $crate::args::OneOf for $name {
            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $text => Some($name::$case), )*
                    _ => None,
                }
            }
        }

        impl $crate::args::Arg for $name {
            fn from_arg(value: &serde_json::Value) -> Result<Self, String> {
                $crate::args::one_of(value, &[$($text),*])
            }
        }
    };
}

arguments! {
    /// The (empty) arguments of an action that takes none.
    pub struct NoArgs {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    one_of! {
        /// A test enum.
        pub enum Size {
            /// Small.
            Small = "small",
            /// Large.
            Large = "large",
        }
    }

    arguments! {
        /// Test arguments.
        pub struct Page {
            /// Required.
            pub id: String,
            /// Optional.
            pub done: Option<bool>,
            /// Optional enum.
            pub size: Option<Size>,
            /// Optional list.
            pub tags: Option<Vec<String>>,
        }
    }

    arguments! {
        /// None at all.
        pub struct Nothing {}
    }

    fn read(v: Value) -> Result<Page, String> {
        Page::from_fields(v.as_object().unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_kind_of_field() {
        assert_eq!(
            read(json!({"id": "a", "done": true, "size": "large", "tags": ["x", "y"]})),
            Ok(Page {
                id: "a".into(),
                done: Some(true),
                size: Some(Size::Large),
                tags: Some(vec!["x".into(), "y".into()]),
            })
        );
        assert_eq!(
            read(json!({"id": "a", "done": null})),
            Ok(Page {
                id: "a".into(),
                ..Page::default()
            })
        );
        assert_eq!(Size::Small.as_str(), "small");
        assert_eq!(Size::from_name("large"), Some(Size::Large));
        assert_eq!(Size::from_name("Large"), None);
    }

    #[test]
    fn names_the_field_and_what_was_expected() {
        for (args, error) in [
            (
                json!({"id": "a", "done": 1}),
                "invalid_input: done: invalid type: an integer, expected a boolean",
            ),
            (
                json!({"id": 1.5}),
                "invalid_input: id: invalid type: a floating point number, expected a string",
            ),
            (
                json!({"id": "a", "size": "huge"}),
                "invalid_input: size: unknown variant `huge`, expected one of `small`, `large`",
            ),
            (
                json!({"id": "a", "size": true}),
                "invalid_input: size: invalid type: a boolean, expected one of `small`, `large`",
            ),
            (
                json!({"id": "a", "tags": ["x", 1]}),
                "invalid_input: tags: item 2: invalid type: an integer, expected a string",
            ),
            (json!({"done": true}), "invalid_input: missing field `id`"),
            (
                json!({"id": "a", "page": 2}),
                "invalid_input: page: unknown field `page`, expected one of `id`, `done`, `size`, `tags`",
            ),
        ] {
            assert_eq!(read(args).unwrap_err(), error);
        }
        assert_eq!(
            Nothing::from_fields(json!({"a": 1}).as_object().unwrap())
                .unwrap_err()
                .to_string(),
            "invalid_input: a: unknown field `a`, this action takes no arguments"
        );
    }
}
