//! The checks every argument passes before anything is sent, shared by the
//! actions: ids, scripts, `scale`, template variables.

use crate::prelude::*;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::limits::{
    MAX_ID_CHARS, MAX_IDEMPOTENCY_KEY_CHARS, MAX_SCALE, MAX_URL_CHARS, MAX_VARIABLES_BYTES,
    MIN_SCALE,
};

/// Reads an optional whole-number argument from `min` to `max` (`default`
/// when unset or null). Taken as JSON rather than as a Rust integer so that a
/// wrong value is refused by this message, not by serde's, which formats
/// floats (kilobytes in the component).
pub fn whole_number(
    field: &str,
    value: Option<&Value>,
    (min, max): (u32, u32),
    default: u32,
) -> Result<u32, Error> {
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{field} must be a whole number from {min} to {max}"
                ))
            }),
    }
}

/// Checks an id that goes into a URL or body: trimmed, 1 to 128 characters,
/// no whitespace or control characters, none of `/ \ ? # %`, and not `.` or
/// `..`. Returns the trimmed id.
pub fn check_id(field: &str, value: &str) -> Result<String, Error> {
    let id = value.trim();
    let bad = |why: &str| Err(Error::InvalidInput(format!("{field} {why}")));
    if id.is_empty() {
        return bad("is required and must not be blank");
    }
    if id.chars().count() > MAX_ID_CHARS {
        return bad(&format!(
            "is longer than {MAX_ID_CHARS} characters; pass the id alone"
        ));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces, line breaks or control characters");
    }
    if id.contains(['/', '\\', '?', '#', '%']) || id == "." || id == ".." {
        return bad("must be a plain id, without / \\ ? # % or dot segments");
    }
    Ok(id.to_owned())
}

/// Checks a script: not blank, at most `max_chars`, no control characters
/// other than tab and line breaks.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::InvalidInput(format!("{field} must not be blank")));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(Error::InvalidInput(format!(
            "{field} has {chars} characters; the limit on this API generation is {max_chars}"
        )));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::InvalidInput(format!(
            "{field} must not contain control characters other than tabs and line breaks"
        )));
    }
    Ok(value.to_owned())
}

/// Checks a URL that HeyGen will fetch or call: trimmed, `https://` with a
/// host, at most [`MAX_URL_CHARS`], no spaces or control characters. Returns
/// the trimmed URL.
pub fn check_https_url(field: &str, value: &str) -> Result<String, Error> {
    let url = value.trim();
    let bad = |why: &str| Err(Error::InvalidInput(format!("{field} {why}")));
    if url.is_empty() {
        return bad("must not be blank");
    }
    if url.chars().count() > MAX_URL_CHARS {
        return bad(&format!("is longer than {MAX_URL_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces or control characters");
    }
    let rest = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..]);
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        None => bad("must be an https:// URL (HeyGen accepts no other scheme)"),
        Some(host) if host.is_empty() || host.contains('@') => {
            bad("must name a host after https:// (and carry no user name or password)")
        }
        Some(_) => Ok(url.to_owned()),
    }
}

/// Checks a caller's `idempotency_key`: 1 to 255 characters of `A-Z a-z
/// 0-9 _ : . -`, as HeyGen's `Idempotency-Key` takes them.
pub fn check_idempotency_key(value: &str) -> Result<String, Error> {
    let fits = (1..=MAX_IDEMPOTENCY_KEY_CHARS).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b));
    if fits {
        Ok(value.to_owned())
    } else {
        Err(Error::InvalidInput(format!(
            "idempotency_key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters of A-Z, a-z, 0-9, `_`, `:`, `.` and `-` (a job id or a UUID will do)"
        )))
    }
}

/// Checks a number argument: finite and from `min` to `max`, which `stated`
/// spells out for the error (formatting floats would add kilobytes to the
/// component).
pub fn check_range(
    field: &str,
    value: f64,
    (min, max): (f64, f64),
    stated: &str,
) -> Result<f64, Error> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Error::InvalidInput(format!(
            "{field} must be a number from {stated}"
        )))
    }
}

/// Checks `scale`: a finite number from 0.0 to 2.0.
pub fn check_scale(scale: f64) -> Result<f64, Error> {
    if scale.is_finite() && (MIN_SCALE..=MAX_SCALE).contains(&scale) {
        Ok(scale)
    } else {
        // Spelled out: formatting floats would add kilobytes to the component.
        Err(Error::InvalidInput(
            "scale must be a number from 0.0 to 2.0 (1.0 is the default)".into(),
        ))
    }
}

/// Turns `variables` (a JSON object, or JSON text holding one) into an object
/// whose members are all objects.
pub fn variables_object(raw: &Value) -> Result<Map<String, Value>, Error> {
    let bad = |why: String| Err(Error::InvalidInput(format!("variables {why}")));
    let value = match raw {
        Value::String(text) => {
            if text.len() > MAX_VARIABLES_BYTES {
                return bad(format!("is larger than {MAX_VARIABLES_BYTES} bytes"));
            }
            if text.trim().is_empty() {
                return Ok(Map::new());
            }
            match crate::json::read(text.as_bytes()) {
                Ok(value) => value,
                Err(e) => return bad(format!("is not valid JSON: {e}")),
            }
        }
        other => other.clone(),
    };
    let Value::Object(map) = value else {
        return bad("must be a JSON object keyed by variable name".into());
    };
    for (name, member) in &map {
        if name.trim().is_empty() {
            return bad("has a variable with a blank name".into());
        }
        if !member.is_object() {
            return bad(format!(
                "member `{name}` must be an object such as {{\"name\": \"{name}\", \"type\": \"text\", \"properties\": {{\"content\": \"...\"}}}}"
            ));
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_and_checked() {
        assert_eq!(check_id("video_id", "  abc123 ").unwrap(), "abc123");
        for bad in [
            "", "   ", "a/b", "..", ".", "a?b", "a#b", "a%2F", "a b", "a\r\nb", "a\0", "a\\b",
        ] {
            assert!(check_id("video_id", bad).is_err(), "{bad:?}");
        }
        assert!(check_id("video_id", &"x".repeat(10_000)).is_err());
        assert!(check_id("video_id", "ok.v-1_é").is_ok());
    }

    #[test]
    fn urls_must_be_https_with_a_host() {
        assert_eq!(
            check_https_url("callback_url", " HTTPS://hooks.example.com/a?b=1 ").unwrap(),
            "HTTPS://hooks.example.com/a?b=1"
        );
        for bad in [
            "",
            "http://hooks.example.com",
            "https://",
            "https:///path",
            "https://user:pw@example.com/",
            "ftp://example.com",
            "https://exa mple.com",
            "https://example.com/a\u{7}b",
            "hooks.example.com",
        ] {
            let err = check_https_url("callback_url", bad)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("invalid_input: callback_url "),
                "{bad:?}: {err}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert!(check_https_url("url", &long).is_err());
    }

    #[test]
    fn text_and_scale_limits() {
        assert!(check_text("input_text", " \n ", 10).is_err());
        assert!(check_text("input_text", "abcdefghijk", 10).is_err());
        assert!(check_text("input_text", "a\u{0}b", 10).is_err());
        assert_eq!(
            check_text("input_text", "line\nline", 10).unwrap(),
            "line\nline"
        );
        for bad in [-0.1, 2.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(check_scale(bad).is_err(), "{bad}");
        }
        assert_eq!(check_scale(0.0), Ok(0.0));
        let message = check_scale(9.0).unwrap_err().to_string();
        assert!(
            message.contains(&format!("from {MIN_SCALE:.1} to {MAX_SCALE:.1}")),
            "{message}"
        );
        assert_eq!(check_scale(2.0), Ok(2.0));
    }

    #[test]
    fn variables_accept_objects_and_json_text() {
        let text = Value::String(r#"{"a":{"type":"text","content":"x"}}"#.into());
        assert_eq!(variables_object(&text).unwrap().len(), 1);
        assert!(
            variables_object(&Value::String(" ".into()))
                .unwrap()
                .is_empty()
        );
        for bad in [
            Value::String("[1]".into()),
            Value::String("{".into()),
            serde_json::json!(5),
            serde_json::json!({"a": "text"}),
            serde_json::json!({" ": {}}),
        ] {
            assert!(variables_object(&bad).is_err(), "{bad}");
        }
    }
}
