//! Configuration and permissions: the key, the base URL, the generation, the
//! host's allow-list, and options refused on v3. Nothing is sent when the
//! plugin refuses.

use heygen_host::runtime::{Allow, HostFeatures, Plugin, Runtime, Settings};
use heygen_host::sim::data;
use serde_json::json;

use crate::common::{Case, assert_failed, plugin};

fn voices() -> (&'static str, serde_json::Value) {
    ("list_voice_id_options", json!({}))
}

#[tokio::test]
async fn a_missing_key_is_refused_before_sending() {
    for generation in ["v3", "legacy"] {
        let mut case = Case::new(generation);
        case.set("HEYGEN_API_KEY", None);
        let (action, args) = voices();
        let output = case.call(action, args).await;
        assert_failed(
            &output,
            "missing_credentials: no HeyGen API key is configured",
        );
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .contains("HEYGEN_API_KEY")
        );
        assert!(case.requests().is_empty());
    }
}

#[tokio::test]
async fn a_malformed_key_is_refused_before_sending() {
    let mut case = Case::new("v3");
    case.set("HEYGEN_API_KEY", Some("abc\r\nX-Injected: 1"));
    let output = case.call("list_custom_events_options", json!({})).await;
    assert_failed(&output, "invalid_credentials: HEYGEN_API_KEY contains");
    assert!(case.requests().is_empty());
}

#[tokio::test]
async fn a_wrong_key_gets_each_generations_401() {
    let cases = [
        (
            "v3",
            "list_voice_id_options",
            "http_401: HeyGen answered HTTP 401 unauthorized: Invalid or missing API key",
        ),
        (
            "legacy",
            "list_voice_id_options",
            "http_401: HeyGen answered HTTP 401 internal_error: Unauthorized",
        ),
        (
            "legacy",
            "list_custom_events_options",
            "http_401: HeyGen answered HTTP 401 400112: Unauthorized",
        ),
    ];
    for (generation, action, prefix) in cases {
        let mut case = Case::new(generation);
        case.set("HEYGEN_API_KEY", Some("not-the-right-key"));
        let output = case.call(action, json!({})).await;
        assert_failed(&output, prefix);
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .contains("HEYGEN_API_KEY")
        );
        assert_eq!(case.requests().len(), 1, "401 is not retried");
    }
}

#[tokio::test]
async fn bad_settings_are_refused_before_sending() {
    for (name, value, prefix) in [
        (
            "HEYGEN_BASE_URL",
            "http://api.heygen.com",
            "invalid_config: HEYGEN_BASE_URL uses plain http",
        ),
        (
            "HEYGEN_BASE_URL",
            "https://user:pw@api.heygen.com",
            "invalid_config: HEYGEN_BASE_URL must not carry",
        ),
        (
            "HEYGEN_BASE_URL",
            "https://api.heygen.com/?q=1",
            "invalid_config: HEYGEN_BASE_URL must not have a query",
        ),
        (
            "HEYGEN_BASE_URL",
            "https://",
            "invalid_config: HEYGEN_BASE_URL has no valid host",
        ),
        (
            "HEYGEN_API_VERSION",
            "v2",
            "invalid_config: HEYGEN_API_VERSION must be",
        ),
        (
            "HEYGEN_TIMEOUT_MS",
            "forever",
            "invalid_config: HEYGEN_TIMEOUT_MS must be",
        ),
    ] {
        let mut case = Case::new("v3");
        case.set(name, Some(value));
        let output = case.call("list_custom_events_options", json!({})).await;
        assert_failed(&output, prefix);
        assert!(case.requests().is_empty());
    }
}

#[tokio::test]
async fn a_host_that_is_not_allowed_is_denied_by_the_host() {
    let case = Case::new("v3");
    let mut settings = case.settings();
    settings.allow = Allow::Only("api.heygen.com".into());
    let mut session = plugin().session(&settings).await.expect("instance");
    let output = session
        .call("list_voice_id_options", &json!({}))
        .await
        .expect("call");
    assert_failed(
        &output,
        "request_denied: the host refused the request to 127.0.0.1:",
    );
    assert!(
        output["error"]
            .as_str()
            .unwrap_or_default()
            .contains("must allow this plugin outgoing HTTPS requests")
    );
    assert!(case.requests().is_empty());
    // The same instance works once the request is allowed elsewhere: here, a
    // call refused for bad input still answers cleanly.
    let output = session
        .call("retrieve_video_link", &json!({"video_id": " "}))
        .await
        .expect("call");
    assert_failed(&output, "invalid_input: video_id is required");
}

#[tokio::test]
async fn the_default_base_url_is_heygen_and_only_it_is_allowed() {
    let settings = Settings::new(vec![("HEYGEN_API_KEY".into(), "k".into())]);
    let mut session = plugin().session(&settings).await.expect("instance");
    // No network here: the request to api.heygen.com is allowed by the host
    // but cannot connect (or resolve), which must end as a clean failure.
    let output = session
        .call("list_custom_events_options", &json!({}))
        .await
        .expect("call");
    assert_eq!(output["success"], json!(false));
    let error = output["error"].as_str().unwrap_or_default();
    assert!(error.contains("api.heygen.com"), "{error}");
    assert!(!error.starts_with("request_denied"), "{error}");
}

#[tokio::test]
async fn legacy_only_options_are_refused_on_v3_before_sending() {
    let base = json!({"talking_photo_id": "tp_anna_office", "input_text": "Hi", "voice_id": data::voice_id(0)});
    for (option, value) in [
        ("test", json!(true)),
        ("scale", json!(0.5)),
        ("talking_photo_style", json!("circle")),
        ("expression", json!("happy")),
        ("super_resolution", json!(true)),
    ] {
        let case = Case::new("v3");
        let mut args = base.clone();
        args[option] = value;
        let output = case.call("create_talking_photo", args).await;
        assert_failed(&output, "unsupported: ");
        assert!(
            output["error"]
                .as_str()
                .unwrap_or_default()
                .contains("HEYGEN_API_VERSION=legacy"),
            "{output}"
        );
        assert!(case.requests().is_empty(), "{option}");
    }
    let case = Case::new("v3");
    let output = case
        .call(
            "create_video_from_template",
            json!({"template_id": "tpl_welcome", "test": true}),
        )
        .await;
    assert_failed(
        &output,
        "unsupported: test mode does not exist on HeyGen v3",
    );
    assert!(case.requests().is_empty());
}

#[tokio::test]
async fn a_host_without_timeout_options_still_works() {
    let runtime = Runtime::new().expect("engine");
    let component = runtime
        .component(heygen_host::runtime::PLUGIN_WASM)
        .expect("component");
    let plugin = Plugin::new(
        &runtime,
        &component,
        HostFeatures {
            request_timeouts: false,
        },
    )
    .expect("plugin");
    let case = Case::new("v3");
    let mut session = plugin.session(&case.settings()).await.expect("instance");
    let output = session
        .call("list_custom_events_options", &json!({}))
        .await
        .expect("call");
    assert_eq!(output["success"], json!(true), "{output:#}");
    assert_eq!(
        session.refused_timeout_options(),
        3,
        "all three setters were refused"
    );
}
