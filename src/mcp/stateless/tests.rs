use super::*;
use crate::mcp::http::tests::from;

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

const HEADERS: &[(&str, &str)] = &[
    ("mcp-protocol-version", "2026-07-28"),
    ("mcp-method", "tools/call"),
    ("mcp-name", "get_remaining_credits"),
];

#[test]
fn the_revision_is_named_by_the_header_or_the_meta_but_never_by_initialize() {
    assert!(is_stateless("tools/list", &json!({}), Some("2026-07-28")));
    assert!(is_stateless("tools/list", &json!({"_meta": meta()}), None));
    assert!(!is_stateless("tools/list", &json!({}), Some("2025-11-25")));
    assert!(!is_stateless("tools/list", &Value::Null, None));
    assert!(!is_stateless(
        "initialize",
        &json!({"_meta": meta()}),
        Some("2026-07-28")
    ));
}

#[test]
fn a_request_whose_headers_repeat_its_body_passes() {
    let params = json!({"name": "get_remaining_credits", "_meta": meta()});
    assert_eq!(check("tools/call", &params, &from(HEADERS)), Ok(()));
    // The name may come as `=?base64?…?=` (base64 of "get_remaining_credits").
    let mut encoded = HEADERS.to_vec();
    encoded[2] = ("mcp-name", "=?base64?Z2V0X3JlbWFpbmluZ19jcmVkaXRz?=");
    assert_eq!(check("tools/call", &params, &from(&encoded)), Ok(()));
    let list = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    assert_eq!(
        check("tools/list", &json!({"_meta": meta()}), &from(&list)),
        Ok(())
    );
}

#[test]
fn headers_that_disagree_with_the_body_get_header_mismatch() {
    let params = json!({"name": "get_remaining_credits", "_meta": meta()});
    let refused = |headers: &[(&str, &str)], params: &Value| {
        let why = check("tools/call", params, &from(headers)).unwrap_err();
        assert_eq!((why.status, why.data.is_none()), (400, true));
        (why.code, why.message)
    };
    for (name, value) in [
        ("mcp-method", "tools/list"),
        ("mcp-name", "list_avatars"),
        ("mcp-name", "=?base64?not base64?="),
        ("mcp-protocol-version", "2025-11-25"),
    ] {
        let mut headers = HEADERS.to_vec();
        headers.retain(|(k, _)| *k != name);
        let (code, message) = refused(&headers, &params);
        assert_eq!(code, code::HEADER_MISMATCH, "{name} missing: {message}");
        assert!(message.contains("missing"), "{message}");
        headers.push((name, value));
        let (code, message) = refused(&headers, &params);
        assert_eq!(code, code::HEADER_MISMATCH, "{name}: {value}: {message}");
        assert!(message.starts_with("header mismatch: "), "{message}");
    }
    // A `_meta` version other than the header's, served or not.
    for version in ["2025-11-25", "2027-01-01"] {
        let mut other = params.clone();
        other["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!(version);
        assert_eq!(
            refused(HEADERS, &other).0,
            code::HEADER_MISMATCH,
            "{version}"
        );
    }
    // No protocol version in `_meta`: malformed (-32602).
    let bare = json!({"name": "get_remaining_credits", "_meta": {}});
    let why = check("tools/call", &bare, &from(HEADERS)).unwrap_err();
    assert_eq!((why.status, why.code), (400, -32602));
}

#[test]
fn an_unserved_version_is_refused_with_the_versions_served() {
    let params = json!({"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2027-01-01",
        "io.modelcontextprotocol/clientCapabilities": {},
    }});
    let future = [
        ("mcp-protocol-version", "2027-01-01"),
        ("mcp-method", "tools/list"),
    ];
    let why = check("tools/list", &params, &from(&future)).unwrap_err();
    assert_eq!((why.status, why.code), (400, -32022));
    assert_eq!(
        why.data,
        Some(json!({"supported": ["2026-07-28"], "requested": "2027-01-01"}))
    );
    let also = unsupported("1999", &["2025-11-25"]);
    assert_eq!(
        also.data.unwrap()["supported"],
        json!(["2026-07-28", "2025-11-25"])
    );
}

#[test]
fn capabilities_are_required_per_request() {
    let params = json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}});
    let list = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let why = check("tools/list", &params, &from(&list)).unwrap_err();
    assert_eq!((why.status, why.code), (400, -32602));
    assert!(why.message.contains("clientCapabilities"));
}

#[test]
fn results_are_complete_name_the_server_and_say_how_long_to_keep_them() {
    let listed = finish(json!({"tools": []}), true);
    assert_eq!(listed["resultType"], "complete");
    assert_eq!(listed["ttlMs"], 300_000);
    assert_eq!(listed["cacheScope"], "public");
    assert_eq!(
        listed["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "heygen-plugin-http"
    );
    let called = finish(json!({"content": []}), false);
    assert!(called.get("ttlMs").is_none() && called.get("cacheScope").is_none());
    let found = discover("Make videos.");
    assert_eq!(found["supportedVersions"], json!(["2026-07-28"]));
    assert_eq!(found["capabilities"], json!({"tools": {}}));
    assert_eq!(found["instructions"], "Make videos.");
    assert_eq!(found["resultType"], "complete");
    let spliced: Value = serde_json::from_str(&format!("{{{}\"x\":1}}", result_fields())).unwrap();
    assert_eq!(spliced["resultType"], "complete");
    assert_eq!(spliced["_meta"], called["_meta"]);
}
