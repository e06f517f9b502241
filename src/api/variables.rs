//! Template variables. The card gives them in HeyGen's legacy shape
//! (`{name, type, properties}`); v3 wants a flat, `type`-discriminated shape.

use crate::prelude::*;
use serde_json::{Map, Value, json};

use crate::error::Error;

/// Variable types both generations know.
const TYPES: [&str; 6] = ["text", "image", "video", "audio", "character", "voice"];

fn bad(name: &str, why: impl core::fmt::Display) -> Error {
    Error::InvalidInput(format!("variables: `{name}` {why}"))
}

/// True when `var` is in the legacy shape (it has `properties`).
fn is_legacy(var: &Map<String, Value>) -> bool {
    var.contains_key("properties")
}

fn var_type<'a>(name: &str, var: &'a Map<String, Value>) -> Result<&'a str, Error> {
    match var.get("type").and_then(Value::as_str) {
        Some(t) if TYPES.contains(&t) => Ok(t),
        Some(t) => Err(bad(
            name,
            format!(
                "has unknown type `{t}` (expected text, image, video, audio, character or voice)"
            ),
        )),
        None => Err(bad(name, "has no `type`")),
    }
}

/// Converts every variable to v3's shape: legacy-shaped ones are rewritten,
/// v3-shaped ones pass unchanged (after a check of their `type`).
pub fn to_v3(vars: Map<String, Value>) -> Result<Map<String, Value>, Error> {
    // Inserted one by one: collecting into a map would sort (kilobytes of code).
    let mut out = Map::new();
    for (name, value) in vars {
        let Value::Object(var) = value else {
            return Err(bad(&name, "must be an object"));
        };
        let converted = if is_legacy(&var) {
            legacy_to_v3(&name, &var)?
        } else {
            var_type(&name, &var)?;
            Value::Object(var)
        };
        out.insert(name, converted);
    }
    Ok(out)
}

/// Checks legacy-shaped variables and fills in a missing `name` from the key.
/// A variable in v3's shape is refused: the legacy API would not understand it.
pub fn to_legacy(vars: Map<String, Value>) -> Result<Map<String, Value>, Error> {
    let mut out = Map::new();
    for (name, value) in vars {
        let Value::Object(mut var) = value else {
            return Err(bad(&name, "must be an object"));
        };
        if !is_legacy(&var) {
            return Err(bad(
                &name,
                "is not in the legacy shape {\"name\", \"type\", \"properties\"} that HEYGEN_API_VERSION=legacy sends",
            ));
        }
        var_type(&name, &var)?;
        if !var["properties"].is_object() {
            return Err(bad(&name, "has `properties` that is not an object"));
        }
        var.entry("name").or_insert_with(|| json!(name));
        out.insert(name, Value::Object(var));
    }
    Ok(out)
}

/// One legacy-shaped variable in v3's shape.
fn legacy_to_v3(name: &str, var: &Map<String, Value>) -> Result<Value, Error> {
    let kind = var_type(name, var)?;
    let Some(props) = var["properties"].as_object() else {
        return Err(bad(name, "has `properties` that is not an object"));
    };
    let (allowed, listed): (&[&str], &str) = match kind {
        "text" => (&["content"], "content"),
        "image" => (&["url", "asset_id", "fit"], "url, asset_id, fit"),
        "video" => (
            &["url", "asset_id", "fit", "play_style", "volume"],
            "url, asset_id, fit, play_style, volume",
        ),
        "audio" => (&["url", "asset_id"], "url, asset_id"),
        "character" => (&["type", "character_id"], "type, character_id"),
        _ => (&["voice_id", "locale"], "voice_id, locale"),
    };
    if let Some(extra) = props.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(
            name,
            format!(
                "has property `{extra}`, which a {kind} variable cannot carry on v3 (allowed: {listed})"
            ),
        ));
    }
    let string = |key: &str| -> Result<Value, Error> {
        match props.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(json!(s)),
            _ => Err(bad(
                name,
                format!("needs a non-empty string `properties.{key}`"),
            )),
        }
    };
    let mut out = json!({ "type": kind });
    match kind {
        "text" => out["content"] = string("content")?,
        "character" => {
            out["character_id"] = string("character_id")?;
            out["character_type"] = string("type")?;
        }
        "voice" => out["voice_id"] = string("voice_id")?,
        _ => {
            out["asset"] = match (props.get("url"), props.get("asset_id")) {
                (Some(_), None) => json!({"type": "url", "url": string("url")?}),
                (None, Some(_)) => json!({"type": "asset_id", "asset_id": string("asset_id")?}),
                _ => {
                    return Err(bad(
                        name,
                        "needs exactly one of `properties.url` and `properties.asset_id`",
                    ));
                }
            }
        }
    }
    for key in ["fit", "play_style", "volume", "locale"] {
        if let Some(value) = props.get(key).filter(|v| !v.is_null()) {
            out[key] = value.clone();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn converts_every_legacy_type() {
        let legacy = map(json!({
            "t": {"name": "t", "type": "text", "properties": {"content": "Hello"}},
            "i": {"name": "i", "type": "image", "properties": {"url": "https://x/i.png", "fit": "cover"}},
            "v": {"name": "v", "type": "video", "properties": {"asset_id": "a1", "play_style": "loop", "fit": "contain", "volume": 0.5}},
            "a": {"name": "a", "type": "audio", "properties": {"url": "https://x/a.mp3"}},
            "c": {"name": "c", "type": "character", "properties": {"type": "talking_photo", "character_id": "tp1"}},
            "s": {"name": "s", "type": "voice", "properties": {"voice_id": "v1", "locale": "en-US"}},
        }));
        assert_eq!(
            Value::Object(to_v3(legacy).unwrap()),
            json!({
                "t": {"type": "text", "content": "Hello"},
                "i": {"type": "image", "asset": {"type": "url", "url": "https://x/i.png"}, "fit": "cover"},
                "v": {"type": "video", "asset": {"type": "asset_id", "asset_id": "a1"}, "play_style": "loop", "fit": "contain", "volume": 0.5},
                "a": {"type": "audio", "asset": {"type": "url", "url": "https://x/a.mp3"}},
                "c": {"type": "character", "character_id": "tp1", "character_type": "talking_photo"},
                "s": {"type": "voice", "voice_id": "v1", "locale": "en-US"},
            })
        );
    }

    #[test]
    fn v3_shapes_pass_unchanged() {
        let v3 = json!({"t": {"type": "text", "content": "Hi"}, "i": {"type": "image", "asset": {"type": "url", "url": "u"}}});
        assert_eq!(Value::Object(to_v3(map(v3.clone())).unwrap()), v3);
    }

    #[test]
    fn refuses_what_it_cannot_convert_naming_the_variable() {
        for (vars, needle) in [
            (
                json!({"x": {"type": "sticker", "content": "a"}}),
                "`x` has unknown type `sticker`",
            ),
            (json!({"x": {"content": "a"}}), "`x` has no `type`"),
            (
                json!({"x": {"type": "text", "properties": {"content": ""}}}),
                "`x` needs a non-empty string `properties.content`",
            ),
            (
                json!({"x": {"type": "text", "properties": {"content": "a", "font": "b"}}}),
                "`x` has property `font`",
            ),
            (
                json!({"x": {"type": "image", "properties": {"url": "u", "asset_id": "a"}}}),
                "exactly one of",
            ),
            (
                json!({"x": {"type": "text", "properties": "content"}}),
                "not an object",
            ),
        ] {
            let err = to_v3(map(vars)).unwrap_err().to_string();
            assert!(
                err.starts_with("invalid_input: variables: ") && err.contains(needle),
                "{err}"
            );
        }
    }

    #[test]
    fn legacy_fills_names_and_refuses_v3_shapes() {
        let out = to_legacy(map(
            json!({"t": {"type": "text", "properties": {"content": "Hi"}}}),
        ))
        .unwrap();
        assert_eq!(out["t"]["name"], "t");
        let kept = to_legacy(map(
            json!({"t": {"name": "other", "type": "text", "properties": {}}}),
        ))
        .unwrap();
        assert_eq!(kept["t"]["name"], "other");
        assert!(to_legacy(map(json!({"t": {"type": "text", "content": "Hi"}}))).is_err());
    }
}
