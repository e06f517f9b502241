//! The HTTP face under the real `wasmtime serve` (the CLI pinned by
//! `scripts/install-wasmtime.sh`), driven over real HTTP: the manifest, all
//! five actions on both generations, the per-request key header, and every
//! error status.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use heygen_host::serve::{self, Served};
use heygen_host::sim::{DEFAULT_KEY, Fault, FaultKind, Simulator, data};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The `wasmtime` CLI (installed once into the per-user cache if missing)
/// and the HTTP-face component on disk, shared by every test.
pub(crate) fn tools() -> &'static (PathBuf, PathBuf) {
    static TOOLS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    TOOLS.get_or_init(|| {
        (
            serve::wasmtime_cli().expect("the wasmtime CLI"),
            serve::http_face_file().expect("the component file"),
        )
    })
}

/// A simulator and a served HTTP face for `generation`, with the key in the
/// environment unless `with_key` is false, opened for local development
/// (`HEYGEN_FACE_OPEN=1`: these tests are about the actions, not the token).
async fn setup(generation: &str, with_key: bool) -> (Simulator, Served) {
    setup_with(generation, with_key, &[("HEYGEN_FACE_OPEN", "1")]).await
}

/// [`setup`] with `extra` variables instead of the opt-in.
pub(crate) async fn setup_with(
    generation: &str,
    with_key: bool,
    extra: &[(&'static str, &'static str)],
) -> (Simulator, Served) {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
    let mut env = vec![
        ("HEYGEN_BASE_URL", sim.url()),
        ("HEYGEN_API_VERSION", generation),
        ("HEYGEN_TIMEOUT_MS", "3000"),
    ];
    env.extend_from_slice(extra);
    if with_key {
        env.push(("HEYGEN_API_KEY", DEFAULT_KEY));
    }
    let (wasmtime, component) = tools();
    let served = serve::serve(wasmtime, component, &env)
        .await
        .expect("wasmtime serve");
    (sim, served)
}

/// An answer: status, headers, body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

pub(crate) async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

async fn post(addr: SocketAddr, action: &str, args: Value) -> Answer {
    send(
        addr,
        "POST",
        &format!("/actions/{action}"),
        &[("content-type", "application/json")],
        args.to_string().as_bytes(),
    )
    .await
}

/// The manifest's output schema for `action`.
fn output_schema(manifest: &Value, action: &str) -> Value {
    manifest["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["name"] == action))
        .map(|a| a["output_schema"].clone())
        .unwrap_or_else(|| panic!("no {action} in the manifest"))
}

#[tokio::test]
async fn the_manifest_lists_valid_schemas_and_the_wit_docs() {
    let (_sim, served) = setup("v3", true).await;
    let answer = send(served.addr, "GET", "/actions", &[], b"").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "application/json");
    let manifest = answer.json();
    let actions = manifest["actions"].as_array().expect("actions");
    let wit = crate::common::wit_functions();
    assert_eq!(actions.len(), wit.len());
    for (action, function) in actions.iter().zip(&wit) {
        crate::common::assert_describes(action, function);
        for schema in ["input_schema", "output_schema"] {
            jsonschema::meta::validate(&action[schema])
                .unwrap_or_else(|e| panic!("{} {schema}: {e}", function.name));
        }
    }
}

#[tokio::test]
async fn every_action_on_both_generations() {
    for generation in ["v3", "legacy"] {
        let (sim, served) = setup(generation, true).await;
        let manifest = send(served.addr, "GET", "/actions", &[], b"").await.json();
        let voice = data::voice_id(4);
        let mut photo = json!({"talking_photo_id": "tp_chloe_garden", "input_text": "Served over HTTP", "voice_id": voice});
        if generation == "legacy" {
            photo["test"] = json!(true);
        }
        let template = json!({"template_id": "tpl_welcome", "variables": {"headline": {"name": "headline", "type": "text", "properties": {"content": "Hi"}}}});
        let mut outputs = Vec::new();
        for (action, args) in [
            ("list_custom_events_options", json!({})),
            ("list_voice_id_options", json!({})),
            ("create_talking_photo", photo),
            ("create_video_from_template", template),
        ] {
            let answer = post(served.addr, action, args).await;
            let output = answer.json();
            assert_eq!(answer.status, 200, "{generation} {action}: {output:#}");
            assert_eq!(output["success"], json!(true));
            jsonschema::validate(&output_schema(&manifest, action), &output)
                .unwrap_or_else(|e| panic!("{action}: {e}"));
            outputs.push(output);
        }
        assert_eq!(
            outputs[0]["events"].as_array().map(Vec::len),
            Some(data::EVENT_TYPES.len())
        );
        assert_eq!(
            outputs[1]["voices"].as_array().map(Vec::len),
            Some(if generation == "v3" {
                data::VOICE_COUNT + data::PRIVATE_VOICE_COUNT
            } else {
                data::VOICE_COUNT
            })
        );
        let id = outputs[2]["video_id"]
            .as_str()
            .expect("a video id")
            .to_owned();
        let mut statuses = Vec::new();
        for _ in 0..3 {
            let answer = post(served.addr, "retrieve_video_link", json!({"video_id": id})).await;
            assert_eq!(answer.status, 200);
            let output = answer.json();
            jsonschema::validate(&output_schema(&manifest, "retrieve_video_link"), &output)
                .expect("shape");
            statuses.push(output["status"].as_str().unwrap_or_default().to_owned());
            if statuses.len() == 3 {
                assert!(
                    output["video_url"]
                        .as_str()
                        .is_some_and(|u| u.contains(&id))
                );
            }
        }
        assert_eq!(
            statuses.last().map(String::as_str),
            Some("completed"),
            "{generation}: {statuses:?}"
        );
        assert_eq!(sim.created(), 2);
    }
}

#[tokio::test]
async fn the_key_can_come_per_request_and_is_never_echoed() {
    let (sim, served) = setup("v3", false).await;
    let missing = post(served.addr, "list_custom_events_options", json!({})).await;
    assert_eq!(missing.status, 401);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("missing_credentials: ")
    );
    assert!(sim.requests().is_empty());

    let headers = [
        ("content-type", "application/json"),
        ("x-api-key", DEFAULT_KEY),
    ];
    let ok = send(
        served.addr,
        "POST",
        "/actions/list_custom_events_options",
        &headers,
        b"{}",
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(sim.requests()[0].header("x-api-key"), Some(DEFAULT_KEY));

    let wrong = send(
        served.addr,
        "POST",
        "/actions/list_voice_id_options",
        &[("x-api-key", "tenant-key-WRONG-123")],
        b"",
    )
    .await;
    assert_eq!(wrong.status, 401);
    let text = String::from_utf8_lossy(&wrong.body);
    assert!(
        text.contains("http_401") && !text.contains("tenant-key-WRONG-123"),
        "{text}"
    );

    let bad = send(
        served.addr,
        "POST",
        "/actions/list_voice_id_options",
        &[("x-api-key", "two words")],
        b"",
    )
    .await;
    assert_eq!(bad.status, 401);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("invalid_credentials: the X-Api-Key header")
    );
}

#[tokio::test]
async fn the_face_lends_its_key_only_to_token_holders_by_default() {
    const TOKEN: &str = "face-token-2f9c1e7a";
    let created = |sim: &Simulator| sim.requests().len();
    let post_with = |addr, headers: &'static [(&'static str, &'static str)]| async move {
        send(
            addr,
            "POST",
            "/actions/list_custom_events_options",
            headers,
            b"{}",
        )
        .await
    };
    let refused = |answer: &Answer, needle: &str| {
        assert_eq!(answer.status, 401);
        let out = answer.json();
        let error = out["error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with("unauthorized: ") && error.contains(needle),
            "{error}"
        );
        assert_eq!(out["events"], json!([]), "the card's shape");
        assert!(!String::from_utf8_lossy(&answer.body).contains(TOKEN));
    };

    // No token configured, no opt-in: the key is lent to no one.
    let (sim, served) = setup_with("v3", true, &[]).await;
    refused(
        &post_with(served.addr, &[]).await,
        "has no HEYGEN_FACE_TOKEN",
    );
    assert_eq!(created(&sim), 0);
    // The manifest stays open.
    let manifest = send(served.addr, "GET", "/actions", &[], b"").await;
    assert_eq!(manifest.status, 200);

    // Tokens configured (two, for rotation).
    let (sim, served) = setup_with(
        "v3",
        true,
        &[("HEYGEN_FACE_TOKEN", "old-one,face-token-2f9c1e7a")],
    )
    .await;
    refused(
        &post_with(served.addr, &[]).await,
        "no `Authorization: Bearer",
    );
    refused(
        &post_with(served.addr, &[("authorization", "Bearer not-the-token")]).await,
        "not one this face accepts",
    );
    assert_eq!(
        created(&sim),
        0,
        "nothing reaches HeyGen for a refused call"
    );
    let ok = post_with(
        served.addr,
        &[("authorization", "Bearer face-token-2f9c1e7a")],
    )
    .await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    assert_eq!(sim.requests()[0].header("x-api-key"), Some(DEFAULT_KEY));
    // A caller with its own key needs no token.
    let own = post_with(served.addr, &[("x-api-key", DEFAULT_KEY)]).await;
    assert_eq!(own.status, 200);

    // The explicit opt-in for local development.
    let (_sim, served) = setup_with("v3", true, &[("HEYGEN_FACE_OPEN", "1")]).await;
    assert_eq!(post_with(served.addr, &[]).await.status, 200);
}

#[tokio::test]
async fn the_header_key_wins_over_the_environment() {
    let (sim, served) = setup("legacy", true).await;
    let answer = send(
        served.addr,
        "POST",
        "/actions/list_custom_events_options",
        &[("x-api-key", "other-tenant")],
        b"{}",
    )
    .await;
    assert_eq!(
        answer.status, 401,
        "the simulator only knows the environment's key"
    );
    assert_eq!(sim.requests()[0].header("x-api-key"), Some("other-tenant"));
}

#[tokio::test]
async fn every_error_status() {
    let (sim, served) = setup("v3", true).await;
    let addr = served.addr;
    let check = |answer: &Answer, status: u16, prefix: &str| {
        assert_eq!(answer.status, status, "{:?}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/json");
        let output = answer.json();
        assert_eq!(output["success"], json!(false));
        let error = output["error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with(prefix),
            "expected {prefix:?}, got {error:?}"
        );
        output
    };

    let output = check(
        &post(addr, "retrieve_video_link", json!({"video_id": ""})).await,
        400,
        "invalid_input: video_id",
    );
    jsonschema::validate(
        &crate::common::output_schema("retrieve_video_link"),
        &output,
    )
    .expect("card shape");
    check(
        &send(
            addr,
            "POST",
            "/actions/create_talking_photo",
            &[],
            b"{\"talking_photo_id\":",
        )
        .await,
        400,
        "invalid_input: the arguments are not valid JSON",
    );
    check(
        &post(
            addr,
            "create_talking_photo",
            json!({"talking_photo_id": "t", "input_text": "x", "voice_id": "v", "test": true}),
        )
        .await,
        400,
        "unsupported: ",
    );
    check(
        &post(addr, "list_voice_id_options", json!({"page": 2})).await,
        400,
        "invalid_input: page: unknown field `page`",
    );
    let output = check(
        &post(addr, "make_coffee", json!({})).await,
        404,
        "not_found: there is no action `make_coffee`",
    );
    assert_eq!(output.as_object().map(|o| o.len()), Some(2));
    check(
        &send(addr, "GET", "/actions/retrieve_video_link", &[], b"").await,
        405,
        "method_not_allowed",
    );
    check(
        &send(addr, "DELETE", "/actions", &[], b"").await,
        405,
        "method_not_allowed",
    );
    check(&send(addr, "GET", "/", &[], b"").await, 404, "not_found");
    // A body declared over the limit is refused before it is read. Over raw
    // TCP, sending the head alone: a client still writing the body could see
    // its write fail (broken pipe) before it reads the answer.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /actions/list_voice_id_options HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        heygen_plugin::limits::MAX_REQUEST_BYTES + 1
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let output: Value = serde_json::from_str(body).expect("a JSON body");
    assert!(
        output["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("invalid_input: the request body is larger")),
        "{output}"
    );
    assert_eq!(output["voices"], json!([]));
    assert!(sim.requests().is_empty(), "nothing reached HeyGen");

    check(
        &post(addr, "retrieve_video_link", json!({"video_id": "missing"})).await,
        502,
        "http_404: ",
    );
    sim.push_fault(Fault::once(FaultKind::json(
        500,
        r#"{"error":{"code":"internal_error","message":"boom"}}"#,
    )));
    sim.push_fault(Fault::once(FaultKind::json(
        500,
        r#"{"error":{"code":"internal_error","message":"boom"}}"#,
    )));
    sim.push_fault(Fault::once(FaultKind::Respond {
        status: 503,
        headers: vec![],
        body: b"<html>busy</html>".to_vec(),
    }));
    check(
        &post(addr, "list_custom_events_options", json!({})).await,
        502,
        "http_503: HeyGen answered HTTP 503 with an HTML page",
    );
    sim.push_fault(Fault::once(FaultKind::NoAnswer));
    let started = Instant::now();
    check(
        &post(addr, "list_custom_events_options", json!({})).await,
        504,
        "timeout: ",
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // After all that, the server still answers normally.
    let answer = post(addr, "list_custom_events_options", json!({})).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_unread() {
    let (sim, served) = setup("v3", true).await;
    let mut stream = tokio::net::TcpStream::connect(served.addr)
        .await
        .expect("connect");
    let head = "POST /actions/create_talking_photo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
    for _ in 0..(heygen_plugin::limits::MAX_REQUEST_BYTES / (64 * 1024) + 2) {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"success\":false"));
    assert!(sim.requests().is_empty());
}
