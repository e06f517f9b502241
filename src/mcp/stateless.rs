//! MCP's stateless revision, 2026-07-28 (SEP-2575, SEP-2243), as `POST /mcp`
//! serves it next to the handshake revisions ([`super::http`]).
//!
//! - There is no `initialize`: every request carries its protocol version
//!   and the client's capabilities in `params._meta`, and `server/discover`
//!   says what the server speaks.
//! - The transport mirrors the version, the method and a tool call's name
//!   into the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers,
//!   which the server checks against the body (400, `HeaderMismatch`).
//! - Every result says `resultType: "complete"` and names the server in
//!   `_meta`; the tool list and the discover result say how long they may
//!   be cached.
//!
//! A request is of this revision when its `MCP-Protocol-Version` header or
//! its `_meta` names a version of [`VERSIONS`] ([`is_stateless`]);
//! `initialize` never is.

use crate::prelude::*;
use base64ct::{Base64, Encoding};
use serde_json::{Value, json};

/// The stateless revisions served, newest first.
pub const VERSIONS: [&str; 1] = ["2026-07-28"];

/// How long a client may keep the tool list and the discover result, in
/// milliseconds. They change only when the operator redeploys the face.
pub const TTL_MS: u64 = 300_000;

/// The `_meta` key of a request's protocol version.
const VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";
/// The `_meta` key of the client's capabilities for one request.
const CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";
/// The `_meta` key naming the server in a result.
const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";

/// This revision's error codes.
pub mod code {
    /// A header disagrees with the body, or a required one is missing.
    pub const HEADER_MISMATCH: i64 = -32020;
    /// The request's protocol version is not served.
    pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
}

/// Why a stateless request was refused before it ran.
#[derive(Debug, PartialEq)]
pub struct Refused {
    /// The HTTP status (400 for every check here).
    pub status: u16,
    /// The JSON-RPC error code.
    pub code: i64,
    /// What to fix.
    pub message: String,
    /// The error's `data`, if its code has one.
    pub data: Option<Value>,
}

/// Whether a request of `method` with `params` and the
/// `MCP-Protocol-Version` header `header` is of the stateless revision.
pub fn is_stateless(method: &str, params: &Value, header: Option<&str>) -> bool {
    method != "initialize"
        && (header.is_some_and(|v| VERSIONS.contains(&v.trim()))
            || params
                .get("_meta")
                .and_then(|meta| meta.get(VERSION_KEY))
                .is_some())
}

/// The checks of a stateless request: `_meta` names a served version and
/// the client's capabilities, and the headers repeat the version, the
/// method and, for `tools/call`, the tool's name (decoded when sent as
/// `=?base64?…?=`).
pub fn check(
    method: &str,
    params: &Value,
    headers: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Refused> {
    let meta = params.get("_meta");
    let Some(version) = meta
        .and_then(|meta| meta.get(VERSION_KEY))
        .and_then(Value::as_str)
    else {
        return Err(invalid_params(format!(
            "`params._meta` must carry `{VERSION_KEY}` (a string), the version the MCP-Protocol-Version header names"
        )));
    };
    // The header and the body must agree before the version is judged.
    let header = headers("mcp-protocol-version");
    if header.as_deref().map(str::trim) != Some(version) {
        return Err(mismatch(format!(
            "the MCP-Protocol-Version header ({}) must equal `_meta`'s protocol version ({})",
            shown(header.as_deref()),
            shown(Some(version))
        )));
    }
    if !VERSIONS.contains(&version) {
        return Err(unsupported(version, &[]));
    }
    if !meta
        .and_then(|meta| meta.get(CAPABILITIES_KEY))
        .is_some_and(Value::is_object)
    {
        return Err(invalid_params(format!(
            "`params._meta` must carry `{CAPABILITIES_KEY}` (an object; `{{}}` for none)"
        )));
    }
    let method_header = headers("mcp-method");
    if method_header.as_deref().map(str::trim) != Some(method) {
        return Err(mismatch(format!(
            "the Mcp-Method header ({}) must equal the method ({method})",
            shown(method_header.as_deref())
        )));
    }
    if method == "tools/call" {
        let name = params.get("name").and_then(Value::as_str);
        let name_header = headers("mcp-name");
        if name_header.as_deref().and_then(decoded).as_deref() != name {
            return Err(mismatch(format!(
                "the Mcp-Name header ({}) must equal the tool's name ({})",
                shown(name_header.as_deref()),
                shown(name)
            )));
        }
    }
    Ok(())
}

/// `result` as this revision answers: complete, with the server named in
/// `_meta`, and with how long it may be cached when it is `cacheable`.
pub fn finish(mut result: Value, cacheable: bool) -> Value {
    if let Value::Object(map) = &mut result {
        map.insert("resultType".into(), "complete".into());
        map.insert("_meta".into(), json!({ SERVER_INFO_KEY: server_info() }));
        if cacheable {
            map.insert("ttlMs".into(), TTL_MS.into());
            // The same for every caller: the operator's choice of tools.
            map.insert("cacheScope".into(), "public".into());
        }
    }
    result
}

/// The `server/discover` result: the versions served and the server's
/// capabilities and `instructions`.
pub fn discover(instructions: &str) -> Value {
    finish(
        json!({
            "supportedVersions": VERSIONS,
            "capabilities": {"tools": {}},
            "instructions": instructions,
        }),
        true,
    )
}

/// The fields a tool call's result gets in this revision, as JSON text to
/// splice in after the result's opening brace.
pub fn result_fields() -> String {
    format!(
        r#""resultType":"complete","_meta":{{"{SERVER_INFO_KEY}":{}}},"#,
        server_info()
    )
}

/// The server's name, title and version, as every result names it.
pub fn server_info() -> Value {
    json!({
        "name": "heygen-plugin-http",
        "title": "HeyGen (sandboxed WebAssembly component)",
        "version": env!("CARGO_PKG_VERSION"),
    })
}

/// The `UnsupportedProtocolVersion` refusal of `requested`: it lists
/// [`VERSIONS`] and the handshake revisions `also` served.
pub fn unsupported(requested: &str, also: &[&str]) -> Refused {
    let mut supported: Vec<&str> = VERSIONS.to_vec();
    supported.extend(also);
    let requested: String = requested.chars().take(40).collect();
    Refused {
        status: 400,
        code: code::UNSUPPORTED_PROTOCOL_VERSION,
        message: format!(
            "unsupported protocol version `{requested}`; this server speaks {}",
            supported.join(", ")
        ),
        data: Some(json!({"supported": supported, "requested": requested})),
    }
}

/// A malformed request: a required `_meta` field is missing (400, `-32602`).
fn invalid_params(message: String) -> Refused {
    Refused {
        status: 400,
        code: -32602,
        message: format!("invalid params: {message}"),
        data: None,
    }
}

fn mismatch(message: String) -> Refused {
    Refused {
        status: 400,
        code: code::HEADER_MISMATCH,
        message: format!("header mismatch: {message}"),
        data: None,
    }
}

/// A header or body value as a message quotes it (at most 64 characters).
fn shown(value: Option<&str>) -> String {
    value.map_or("missing".into(), |v| {
        format!("`{}`", v.chars().take(64).collect::<String>())
    })
}

/// A header value as sent: plain, or `=?base64?…?=` (UTF-8 text in
/// base64). `None` when the encoding is broken.
fn decoded(value: &str) -> Option<String> {
    let Some(inner) = value
        .strip_prefix("=?base64?")
        .and_then(|rest| rest.strip_suffix("?="))
    else {
        return Some(value.trim().to_owned());
    };
    let mut bytes = vec![0u8; inner.len()];
    let len = Base64::decode(inner, &mut bytes).ok()?.len();
    bytes.truncate(len);
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests;
