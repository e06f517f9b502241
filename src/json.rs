//! JSON from outside the component (HeyGen's answers, arguments, MCP
//! messages, webhook payloads), read with its nesting bounded.
//!
//! `serde_json` recurses once per level and stops at 128 levels; the
//! components' shadow stack is 32 KiB (`.cargo/config.toml`), where an
//! overflow traps. Text nested deeper than [`MAX_JSON_DEPTH`] is refused by
//! a scan that does not recurse, before the parser sees it.

use core::fmt;

use serde_json::Value;

use crate::limits::MAX_JSON_DEPTH;

/// Why JSON text was not read.
#[derive(Debug)]
pub enum JsonError {
    /// Arrays and objects nested deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
    /// Not JSON, as `serde_json` says.
    Syntax(serde_json::Error),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooDeep => write!(
                f,
                "arrays and objects nested deeper than {MAX_JSON_DEPTH} levels"
            ),
            JsonError::Syntax(e) => write!(f, "{e}"),
        }
    }
}

/// `bytes` as JSON, unless they nest deeper than [`MAX_JSON_DEPTH`] or are
/// not JSON.
pub fn read(bytes: &[u8]) -> Result<Value, JsonError> {
    if nests_deeper_than(bytes, MAX_JSON_DEPTH) {
        return Err(JsonError::TooDeep);
    }
    serde_json::from_slice(bytes).map_err(JsonError::Syntax)
}

/// Whether the brackets and braces outside strings in `bytes` open more than
/// `limit` levels at once. Text that is not JSON is scanned all the same (the
/// parser then refuses it).
fn nests_deeper_than(bytes: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn the_deepest_allowed_nesting_is_read_and_one_more_is_refused() {
        assert_eq!(MAX_JSON_DEPTH, 32);
        let deepest = read(nested(32).as_bytes()).unwrap();
        let mut value = &deepest;
        let mut levels = 1;
        while let Some(inner) = value.as_array().and_then(|items| items.first()) {
            value = inner;
            levels += 1;
        }
        assert_eq!(levels, 32);
        assert!(matches!(
            read(nested(33).as_bytes()),
            Err(JsonError::TooDeep)
        ));
        assert!(matches!(
            read(nested(100_000).as_bytes()),
            Err(JsonError::TooDeep)
        ));
        let message = read(br#"{"a":[{"b":"#.repeat(20).as_slice()).unwrap_err();
        assert_eq!(
            message.to_string(),
            "arrays and objects nested deeper than 32 levels"
        );
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let text = format!(r#"{{"text": "{}", "escaped": "\"[[["}}"#, "[{".repeat(500));
        assert!(
            read(text.as_bytes()).unwrap()["text"]
                .as_str()
                .unwrap()
                .len()
                == 1000
        );
        // An escaped backslash ends before the closing quote.
        let text = format!(r#"["\\", {}]"#, nested(31));
        assert!(read(text.as_bytes()).is_ok());
        let text = format!(r#"["\\", {}]"#, nested(32));
        assert!(matches!(read(text.as_bytes()), Err(JsonError::TooDeep)));
    }

    #[test]
    fn text_that_is_not_json_is_refused_by_the_parser() {
        assert!(matches!(read(b"{\"a\":"), Err(JsonError::Syntax(_))));
        assert!(matches!(read(b"]]]"), Err(JsonError::Syntax(_))));
        assert_eq!(
            read(b" {\"a\": [1, {\"b\": null}]} ").unwrap()["a"][1]["b"],
            Value::Null
        );
    }
}
