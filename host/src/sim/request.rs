//! A request as the simulator received it ([`Recorded`], what the log
//! keeps) and what routes read from it: the query, a JSON body, the key.

use serde_json::Value;

use super::check;

/// A request as the simulator received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path, still percent-encoded.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers (lower-case names), in order.
    pub headers: Vec<(String, String)>,
    /// Body, de-chunked.
    pub body: Vec<u8>,
}

impl Recorded {
    /// First value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query_value(&self, name: &str) -> Option<String> {
        query(self)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// `path?query`.
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Query parameters, percent-decoded.
pub(crate) fn query(req: &Recorded) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    req.query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// A POST's JSON body, refused when it is not declared or not valid JSON.
pub(crate) fn json_body(req: &Recorded) -> check::Check<Value> {
    if !json_content_type(req) {
        return Err(check::problem(
            "Content-Type",
            "Content-Type must be application/json",
        ));
    }
    serde_json::from_slice(&req.body)
        .map_err(|e| check::problem("body", format!("Invalid JSON: {e}")))
}

/// Whether a POST declares a JSON body.
pub(crate) fn json_content_type(req: &Recorded) -> bool {
    req.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    })
}
