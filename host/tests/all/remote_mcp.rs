//! The HTTP face's `POST /mcp` (MCP over Streamable HTTP) under the real
//! `wasmtime serve`, driven by the official Rust SDK's Streamable HTTP client
//! and by hand for what a well-behaved client never sends.

use std::net::SocketAddr;
use std::time::Duration;

use heygen_host::sim::{DEFAULT_KEY, Simulator};
use heygen_plugin::actions::{self, Kind};
use rmcp::ServiceExt;
use rmcp::model::{ClientConfig, ProtocolVersion, Tool};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::mcp::{Client, Session, call, connect, create_video, settings_for, structured};
use crate::serve::{Answer, send, setup_with};

const TOKEN: &str = "remote-mcp-face-token-0123";

/// A served face lending its key to [`TOKEN`] holders, with every toolset.
async fn face() -> (Simulator, heygen_host::serve::Served) {
    setup_with(
        "v3",
        true,
        &[
            ("HEYGEN_FACE_TOKEN", TOKEN),
            ("HEYGEN_FACE_TOOLSETS", "all"),
            ("HEYGEN_TIMEOUT_MS", "10000"),
        ],
    )
    .await
}

/// An SDK session with the face at `addr`, sending `token` if given, and
/// the progress notifications it receives.
async fn remote(
    addr: SocketAddr,
    token: Option<&str>,
) -> (
    Session,
    mpsc::UnboundedReceiver<rmcp::model::ProgressNotificationParam>,
) {
    let mut config = StreamableHttpClientTransportConfig::with_uri(format!("http://{addr}/mcp"));
    if let Some(token) = token {
        config = config.auth_header(token);
    }
    let transport = StreamableHttpClientTransport::from_config(config);
    let (progress, received) = mpsc::unbounded_channel();
    let client = Client {
        config: ClientConfig::default().with_protocol_version(ProtocolVersion::V_2025_11_25),
        progress,
    };
    let session = client.serve(transport).await.expect("MCP handshake");
    (session, received)
}

fn schema(object: &serde_json::Map<String, Value>) -> Value {
    Value::Object(object.clone())
}

#[tokio::test]
async fn the_rust_sdk_lists_the_stdio_servers_tools_and_calls_every_one() {
    let (sim, served) = face().await;
    let (session, _) = remote(served.addr, Some(TOKEN)).await;
    let info = session.peer_info().expect("server info");
    assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);
    assert_eq!(info.server_info.clone().unwrap().name, "heygen-plugin-http");

    // The same tools as `heygen-host mcp`, field for field.
    let tools = session.list_all_tools().await.expect("tools/list");
    let (stdio, _) = connect(
        &["--toolsets", "all"],
        &settings_for(&sim),
        ProtocolVersion::V_2025_11_25,
    )
    .await;
    let stdio_tools = stdio.list_all_tools().await.expect("stdio tools/list");
    stdio.cancel().await.unwrap();
    assert_eq!(
        serde_json::to_value(&tools).unwrap(),
        serde_json::to_value(&stdio_tools).unwrap()
    );
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let registry: Vec<&str> = actions::ALL.iter().map(|e| e.name).collect();
    assert_eq!(names, registry);

    // Every tool once, with the registry's example (deletes last, so the
    // examples that read the account's webhook endpoint still find it).
    let mut entries: Vec<_> = actions::ALL.iter().collect();
    entries.sort_by_key(|e| e.kind == Kind::Delete);
    for entry in entries {
        let tool: &Tool = tools.iter().find(|t| t.name == entry.name).unwrap();
        let input = schema(&tool.input_schema);
        let output = schema(tool.output_schema.as_deref().expect("an output schema"));
        jsonschema::meta::validate(&input).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        jsonschema::meta::validate(&output).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        let example: Value = serde_json::from_str(entry.example).unwrap();
        let card = structured(&call(&session, entry.name, example).await);
        assert_eq!(card["success"], true, "{}: {card}", entry.name);
        jsonschema::validate(&output, &card)
            .unwrap_or_else(|e| panic!("{}: {e}: {card}", entry.name));
    }
    session.cancel().await.unwrap();
}

/// The Rust SDK in the stateless revision (2026-07-28): `server/discover`,
/// no `initialize`, every request self-contained with its headers.
#[tokio::test]
async fn the_rust_sdk_speaks_the_stateless_revision_without_initialize() {
    let (sim, served) = face().await;
    let config =
        StreamableHttpClientTransportConfig::with_uri(format!("http://{}/mcp", served.addr))
            .auth_header(TOKEN);
    let (progress, mut received) = mpsc::unbounded_channel();
    let client = Client {
        config: ClientConfig::default(),
        progress,
    };
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    let session = client
        .serve_with_lifecycle(
            StreamableHttpClientTransport::from_config(config),
            lifecycle,
        )
        .await
        .expect("server/discover");
    let info = session.peer_info().expect("server info");
    assert_eq!(info.protocol_version, ProtocolVersion::V_2026_07_28);

    // The same tools as in the handshake revision.
    let tools = session.list_all_tools().await.expect("tools/list");
    let (legacy, _) = remote(served.addr, Some(TOKEN)).await;
    let legacy_tools = legacy.list_all_tools().await.expect("tools/list");
    legacy.cancel().await.unwrap();
    assert_eq!(
        serde_json::to_value(&tools).unwrap(),
        serde_json::to_value(&legacy_tools).unwrap()
    );

    // Every tool but the deletes once, each card in its output schema.
    for entry in actions::ALL.iter().filter(|e| e.kind != Kind::Delete) {
        let tool: &Tool = tools.iter().find(|t| t.name == entry.name).unwrap();
        let output = schema(tool.output_schema.as_deref().expect("an output schema"));
        let example: Value = serde_json::from_str(entry.example).unwrap();
        let card = structured(&call(&session, entry.name, example).await);
        assert_eq!(card["success"], true, "{}: {card}", entry.name);
        jsonschema::validate(&output, &card)
            .unwrap_or_else(|e| panic!("{}: {e}: {card}", entry.name));
    }

    // A wait's progress, then bad input refused with nothing sent.
    let id = create_video(&session).await;
    let waited = structured(&call(&session, "wait_for_video", json!({"video_id": id})).await);
    assert_eq!(waited["status"], "completed");
    let mut messages = Vec::new();
    while let Ok(note) = received.try_recv() {
        messages.push(note.message.unwrap_or_default());
    }
    assert_eq!(
        messages.last().map(String::as_str),
        Some("HeyGen status: completed")
    );
    sim.clear_requests();
    let refused = structured(&call(&session, "retrieve_video_link", json!({"video_id": 5})).await);
    let error = refused["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("invalid_input:"), "{refused}");
    assert!(sim.requests().is_empty());
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_wait_streams_its_progress_then_the_result() {
    let (sim, served) = face().await;
    let (session, mut progress) = remote(served.addr, Some(TOKEN)).await;
    let id = create_video(&session).await;
    let waited = structured(&call(&session, "wait_for_video", json!({"video_id": id})).await);
    assert_eq!(
        (&waited["status"], &waited["timed_out"]),
        (&json!("completed"), &json!(false))
    );
    let mut messages = Vec::new();
    while let Ok(note) = progress.try_recv() {
        messages.push((note.progress, note.message.unwrap_or_default()));
    }
    assert_eq!(
        messages,
        [
            (1.0, "HeyGen status: pending".to_owned()),
            (2.0, "HeyGen status: processing".to_owned()),
            (3.0, "HeyGen status: completed".to_owned()),
        ]
    );
    // From the plugin's own polls: three, none added.
    let polls = sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.target() == format!("/v3/videos/{id}"))
        .count();
    assert_eq!(polls, 3);
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_input_and_missing_credentials_send_nothing_and_the_session_goes_on() {
    let (sim, served) = face().await;
    let (session, _) = remote(served.addr, Some(TOKEN)).await;
    sim.clear_requests();
    let refused = structured(&call(&session, "retrieve_video_link", json!({"video_id": 5})).await);
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("invalid_input:")),
        "{refused}"
    );
    assert_eq!(refused["video_url"], Value::Null);

    // Without a token: the handshake and the list are open, a call is not.
    let (anonymous, _) = remote(served.addr, None).await;
    assert!(!anonymous.list_all_tools().await.unwrap().is_empty());
    let mut params = crate::mcp::arguments(json!({}));
    params.name = "get_remaining_credits".into();
    let error = anonymous.call_tool(params).await.unwrap_err().to_string();
    assert!(!error.contains(TOKEN), "{error}");
    let (wrong, _) = remote(served.addr, Some("not-the-token")).await;
    let mut params = crate::mcp::arguments(json!({}));
    params.name = "get_remaining_credits".into();
    assert!(wrong.call_tool(params).await.is_err());
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());

    // The first session still works.
    let credits = structured(&call(&session, "get_remaining_credits", json!({})).await);
    assert_eq!(credits["success"], true);
    assert_eq!(sim.requests().len(), 1);
    for s in [session, anonymous, wrong] {
        let _ = s.cancel().await;
    }
}

const CLIENT: [(&str, &str); 2] = [
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
];

async fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &str) -> Answer {
    send(addr, "POST", "/mcp", headers, body.as_bytes()).await
}

fn with<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut headers = CLIENT.to_vec();
    headers.extend_from_slice(extra);
    headers
}

/// The JSON-RPC error message of an answer, with its code.
fn rpc_error(answer: &Answer) -> (i64, String) {
    let body = answer.json();
    (
        body["error"]["code"].as_i64().unwrap(),
        body["error"]["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn abuse_gets_clear_answers_sends_nothing_and_the_server_keeps_serving() {
    let (sim, served) = face().await;
    let addr = served.addr;
    sim.clear_requests();
    let credits = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_remaining_credits","arguments":{}}}"#;
    let bearer = format!("Bearer {TOKEN}");

    for (headers, needle) in [
        (with(&[]), "no `Authorization: Bearer"),
        (
            with(&[("authorization", "Bearer wrong-token")]),
            "not one this face accepts",
        ),
    ] {
        let answer = post(addr, &headers, credits).await;
        assert_eq!(answer.status, 401);
        assert!(
            answer.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let (code, message) = rpc_error(&answer);
        assert_eq!(code, -32001);
        assert!(
            message.contains(needle) && message.contains("not OAuth"),
            "{message}"
        );
    }
    let origin = with(&[
        ("origin", "http://attacker.example"),
        ("authorization", &bearer),
    ]);
    let answer = post(addr, &origin, credits).await;
    assert_eq!(answer.status, 403);
    assert!(rpc_error(&answer).1.contains("HEYGEN_FACE_ORIGINS"));

    // (headers, body, HTTP status, JSON-RPC code)
    type Case<'a> = (Vec<(&'a str, &'a str)>, String, u16, i64);
    let cases: Vec<Case> = vec![
        (
            with(&[]),
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#.into(),
            400,
            -32600,
        ),
        (with(&[]), "{not json".into(), 400, -32700),
        (
            vec![("content-type", "text/plain"), ("accept", "*/*")],
            credits.into(),
            415,
            -32600,
        ),
        (
            vec![("content-type", "application/json")],
            credits.into(),
            406,
            -32600,
        ),
        // An unknown version: `UnsupportedProtocolVersion`, naming those served.
        (
            with(&[("mcp-protocol-version", "1999-01-01")]),
            credits.into(),
            400,
            -32022,
        ),
        // The stateless revision: a tool call whose `Mcp-Name` header names
        // another tool than its body is refused unrun (`HeaderMismatch`).
        (
            with(&[
                ("authorization", &bearer),
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "list_avatars"),
            ]),
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_remaining_credits","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#.into(),
            400,
            -32020,
        ),
        (
            with(&[("authorization", &bearer)]),
            r#"{"jsonrpc":"2.0","id":2,"method":"prompts/list"}"#.into(),
            200,
            -32601,
        ),
        (
            with(&[("authorization", &bearer)]),
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"make_coffee"}}"#
                .into(),
            200,
            -32602,
        ),
    ];
    for (headers, body, status, code) in cases {
        let answer = post(addr, &headers, &body).await;
        assert_eq!(answer.status, status, "{body}: {:?}", answer.body);
        assert_eq!(rpc_error(&answer).0, code, "{body}");
    }
    let get = send(addr, "GET", "/mcp", &CLIENT, b"").await;
    assert_eq!(
        (get.status, get.headers["allow"].to_str().unwrap()),
        (405, "POST")
    );

    // A body declared over the limit is refused unread; one that stalls
    // ends as what came (not JSON).
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\naccept: application/json\r\ncontent-length: {}\r\n\r\n",
        64 << 20
    );
    tokio::io::AsyncWriteExt::write_all(&mut socket, head.as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read(&mut socket, &mut answer),
    )
    .await
    .unwrap()
    .unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());

    // The caller's own key needs no token, and is never echoed.
    let own = with(&[("x-api-key", DEFAULT_KEY)]);
    let answer = post(addr, &own, credits).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json()["result"]["structuredContent"]["success"],
        true
    );
    let text = String::from_utf8_lossy(&answer.body);
    assert!(!text.contains(DEFAULT_KEY) && !text.contains(TOKEN));
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn a_thousand_calls_two_hundred_at_a_time_all_succeed() {
    let (sim, served) = face().await;
    let addr = served.addr;
    let bearer = format!("Bearer {TOKEN}");
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for wave in 0..5 {
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..200 {
            let (bearer, failures) = (bearer.clone(), failures.clone());
            calls.spawn(async move {
                let body = format!(
                    r#"{{"jsonrpc":"2.0","id":{},"method":"tools/call","params":{{"name":"get_remaining_credits","arguments":{{}}}}}}"#,
                    wave * 200 + n
                );
                let answer = post(addr, &with(&[("authorization", &bearer)]), &body).await;
                let ok = answer.status == 200
                    && answer.json()["result"]["structuredContent"]["success"] == true;
                if !ok {
                    failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        calls.join_all().await;
    }
    assert_eq!(failures.load(std::sync::atomic::Ordering::Relaxed), 0);
    assert_eq!(sim.requests().len(), 1000);
}

#[tokio::test]
async fn a_stalled_body_is_answered_after_the_body_timeout_and_sends_nothing() {
    let (sim, served) = face().await;
    sim.clear_requests();
    let mut socket = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    let head = "POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\naccept: application/json\r\ncontent-length: 200\r\n\r\n{\"jsonrpc\":\"2.0\",";
    tokio::io::AsyncWriteExt::write_all(&mut socket, head.as_bytes())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    // The face answers and closes the connection.
    tokio::time::timeout(
        Duration::from_secs(30),
        tokio::io::AsyncReadExt::read_to_end(&mut socket, &mut answer),
    )
    .await
    .expect("an answer within the body timeout")
    .unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("-32700"), "{text}");
    assert!(started.elapsed() >= Duration::from_secs(9));
    assert!(sim.requests().is_empty());
    // The server goes on serving.
    let ping = post(
        served.addr,
        &CLIENT,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
    )
    .await;
    assert_eq!(ping.status, 200);
}
