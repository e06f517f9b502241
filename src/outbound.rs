//! Outbound HTTP values: what the pure core asks its port to send to HeyGen,
//! and what comes back. No I/O here.

use crate::config::BaseUrl;
use crate::key::ApiKey;
use crate::prelude::*;

/// The version sent in `User-Agent`.
const USER_AGENT: &str = concat!("heygen-plugin/", env!("CARGO_PKG_VERSION"));

/// Percent-encodes one path segment or query component: every byte except
/// RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`), so an encoded
/// value can never add a `/`, `?`, `#`, `&`, `=` or `%` of its own. (Written
/// out rather than taken from `percent-encoding`: a few lines cost less than
/// the crate's tables in the component.)
pub fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A read: safe to retry.
    Get,
    /// A create: retried only when that cannot create a second video.
    Post,
    /// A delete: safe to retry (deleting twice leaves the same state).
    Delete,
    /// A partial update (a webhook endpoint's URL or events): repeating it
    /// leaves the same state.
    Patch,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

/// A request as the pure core builds it. It never holds the API key: the
/// transport adds it through [`HttpRequest::header_list`].
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// GET, POST or DELETE.
    pub method: Method,
    /// Path below the base URL, each dynamic segment already encoded.
    pub path: String,
    /// Query parameters, not yet encoded.
    pub query: Vec<(String, String)>,
    /// Extra headers (e.g. `Idempotency-Key`); the standard ones are added by
    /// [`HttpRequest::header_list`].
    pub headers: Vec<(String, String)>,
    /// Body of a POST or PATCH.
    pub body: Option<Vec<u8>>,
    /// The body's media type: `application/json` unless set.
    pub content_type: Option<String>,
}

impl HttpRequest {
    /// A GET of `path`.
    pub fn get(path: impl Into<String>) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: None,
        }
    }

    /// A DELETE of `path`.
    pub fn delete(path: impl Into<String>) -> HttpRequest {
        HttpRequest {
            method: Method::Delete,
            ..HttpRequest::get(path)
        }
    }

    /// A POST of `body` as JSON to `path`.
    pub fn post_json(path: impl Into<String>, body: &serde_json::Value) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            body: Some(body.to_string().into_bytes()),
            ..HttpRequest::get(path)
        }
    }

    /// A PATCH of `body` as JSON to `path`.
    pub fn patch_json(path: impl Into<String>, body: &serde_json::Value) -> HttpRequest {
        HttpRequest {
            method: Method::Patch,
            ..HttpRequest::post_json(path, body)
        }
    }

    /// A POST of `body`, of media type `content_type`, to `path`.
    pub fn post_bytes(path: impl Into<String>, content_type: String, body: Vec<u8>) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            body: Some(body),
            content_type: Some(content_type),
            ..HttpRequest::get(path)
        }
    }

    /// Adds a query parameter.
    pub fn with_query(mut self, name: &str, value: impl Into<String>) -> HttpRequest {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// Path and query as sent, below `base`'s path prefix.
    pub fn path_and_query(&self, base: &BaseUrl) -> String {
        let mut out = format!("{}{}", base.path_prefix, self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(&encode_component(name));
            out.push('=');
            out.push_str(&encode_component(value));
        }
        out
    }

    /// Every header to send, the key's included: the one place the key leaves
    /// [`ApiKey`].
    pub fn header_list(&self, key: &ApiKey) -> Vec<(String, Vec<u8>)> {
        let mut headers = vec![
            ("x-api-key".to_owned(), key.expose().as_bytes().to_vec()),
            ("accept".to_owned(), b"application/json".to_vec()),
            ("user-agent".to_owned(), USER_AGENT.as_bytes().to_vec()),
        ];
        if let Some(body) = &self.body {
            let media_type = self.content_type.as_deref().unwrap_or("application/json");
            headers.push(("content-type".into(), media_type.as_bytes().to_vec()));
            headers.push(("content-length".into(), body.len().to_string().into_bytes()));
        }
        for (name, value) in &self.headers {
            headers.push((name.to_ascii_lowercase(), value.as_bytes().to_vec()));
        }
        headers
    }
}

/// An answer as the transport received it.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive), if it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| core::str::from_utf8(v).ok())
            .map(str::trim)
    }

    /// HeyGen's request id, worth quoting in errors.
    pub fn request_id(&self) -> Option<String> {
        self.header("x-request-id")
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{API_KEY_VAR, BaseUrl};

    #[test]
    fn builds_path_and_query_below_the_prefix() {
        let base = BaseUrl::parse("https://gw.example.com/heygen").unwrap();
        let req = HttpRequest::get(format!("/v1/x/{}", encode_component("a/b?c")))
            .with_query("video_id", "id 1&x=2#f")
            .with_query("token", "t%");
        assert_eq!(
            req.path_and_query(&base),
            "/heygen/v1/x/a%2Fb%3Fc?video_id=id%201%26x%3D2%23f&token=t%25"
        );
    }

    #[test]
    fn headers_carry_the_key_and_body_length() {
        let key = ApiKey::parse("k123", API_KEY_VAR).unwrap();
        let req = HttpRequest::post_json("/v3/videos", &serde_json::json!({"a": 1}));
        let headers = req.header_list(&key);
        let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        assert_eq!(get("x-api-key"), Some(b"k123".to_vec()));
        assert_eq!(get("content-type"), Some(b"application/json".to_vec()));
        assert_eq!(get("content-length"), Some(b"7".to_vec()));
        assert!(!format!("{req:?}").contains("k123"));
    }
}
