//! Strict checks of JSON request bodies, in the style of HeyGen's validators:
//! a failed check names the parameter and says what was wrong.

use serde_json::{Map, Value};

/// A rejected parameter.
#[derive(Debug)]
pub struct Problem {
    /// Dotted path of the parameter, e.g. `video_inputs.0.character.scale`.
    pub param: String,
    /// What is wrong with it.
    pub message: String,
}

/// Result of a check.
pub type Check<T> = Result<T, Problem>;

/// A [`Problem`] at `param`.
pub fn problem(param: &str, message: impl Into<String>) -> Problem {
    Problem {
        param: param.to_owned(),
        message: message.into(),
    }
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `value` must be an object.
pub fn object<'a>(value: &'a Value, path: &str) -> Check<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| {
        problem(
            if path.is_empty() { "body" } else { path },
            "Input should be a valid dictionary or object",
        )
    })
}

/// No keys but `allowed`.
pub fn only(map: &Map<String, Value>, allowed: &[&str], path: &str) -> Check<()> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(extra) => Err(problem(&at(path, extra), "Extra inputs are not permitted")),
        None => Ok(()),
    }
}

/// A required string (may be empty only if `allow_empty`).
pub fn string<'a>(map: &'a Map<String, Value>, key: &str, path: &str) -> Check<&'a str> {
    match map.get(key) {
        None | Some(Value::Null) => Err(problem(&at(path, key), "Field required")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(problem(
            &at(path, key),
            "String should have at least 1 character",
        )),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(problem(&at(path, key), "Input should be a valid string")),
    }
}

/// An optional string.
pub fn opt_string<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Check<Option<&'a str>> {
    match map.get(key) {
        None => Ok(None),
        Some(_) => string(map, key, path).map(Some),
    }
}

/// An optional boolean (strictly `true`/`false`).
pub fn opt_bool(map: &Map<String, Value>, key: &str, path: &str) -> Check<Option<bool>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(problem(&at(path, key), "Input should be a valid boolean")),
    }
}

/// An optional number (a JSON number; strings are refused) within `range`.
pub fn opt_number(
    map: &Map<String, Value>,
    key: &str,
    path: &str,
    range: (f64, f64),
) -> Check<Option<f64>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if n >= range.0 && n <= range.1 {
                Ok(Some(n))
            } else {
                Err(problem(
                    &at(path, key),
                    format!("Input should be between {} and {}", range.0, range.1),
                ))
            }
        }
        Some(_) => Err(problem(&at(path, key), "Input should be a valid number")),
    }
}

/// An optional string that must be one of `allowed`.
pub fn opt_choice<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
    allowed: &[&str],
) -> Check<Option<&'a str>> {
    match opt_string(map, key, path)? {
        Some(v) if !allowed.contains(&v) => Err(problem(
            &at(path, key),
            format!(
                "Input should be {}",
                allowed
                    .iter()
                    .map(|a| format!("'{a}'"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        )),
        other => Ok(other),
    }
}

/// A required string that must be one of `allowed`.
pub fn choice<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
    allowed: &[&str],
) -> Check<&'a str> {
    opt_choice(map, key, path, allowed)?.ok_or_else(|| problem(&at(path, key), "Field required"))
}

/// The nested object at `key` (required).
pub fn child<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Check<&'a Map<String, Value>> {
    match map.get(key) {
        None | Some(Value::Null) => Err(problem(&at(path, key), "Field required")),
        Some(v) => object(v, &at(path, key)),
    }
}

/// Joins a path and a key.
pub fn join(path: &str, key: &str) -> String {
    at(path, key)
}
