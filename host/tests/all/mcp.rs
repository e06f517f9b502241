//! `heygen-host mcp` driven over stdio by a real MCP client (the official
//! Rust SDK's), and by hand-written JSON-RPC lines for what a well-behaved
//! client never sends.

use std::process::Stdio;
use std::time::Duration;

use heygen_host::mcp::{MAX_CONCURRENT_CALLS, MAX_MESSAGE_BYTES};
use heygen_host::sim::{DEFAULT_KEY, Simulator};
use heygen_plugin::actions::{self, Kind};
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientConfig, ClientRequest,
    ProgressNotificationParam, ProtocolVersion, Tool,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

/// A client that passes on every progress notification it gets.
pub(crate) struct Client {
    pub(crate) config: ClientConfig,
    pub(crate) progress: mpsc::UnboundedSender<ProgressNotificationParam>,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        self.config.clone()
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.progress.send(params);
    }
}

pub(crate) type Session = RunningService<RoleClient, Client>;

/// `heygen-host mcp` with `args` and `env` (nothing else of `HEYGEN_*`).
fn server_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_heygen-host"));
    command.arg("mcp").args(args);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("HEYGEN_")) {
        command.env_remove(k);
    }
    command.envs(env.iter().copied());
    command
}

/// A client session with a server started with `args` and `env`, on
/// `version` of the protocol, and the progress notifications it receives.
pub(crate) async fn connect(
    args: &[&str],
    env: &[(&str, &str)],
    version: ProtocolVersion,
) -> (Session, mpsc::UnboundedReceiver<ProgressNotificationParam>) {
    let (progress, received) = mpsc::unbounded_channel();
    let client = Client {
        config: ClientConfig::default().with_protocol_version(version),
        progress,
    };
    let (transport, _) = TokioChildProcess::builder(server_command(args, env))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start heygen-host mcp");
    let session = client.serve(transport).await.expect("MCP handshake");
    (session, received)
}

/// A server calling the simulator `sim` (so the test sees what reached it).
async fn connect_to(
    sim: &Simulator,
) -> (Session, mpsc::UnboundedReceiver<ProgressNotificationParam>) {
    connect(
        &["--toolsets", "all"],
        &settings_for(sim),
        ProtocolVersion::V_2025_11_25,
    )
    .await
}

/// The settings that point a server at the simulator `sim`.
pub(crate) fn settings_for(sim: &Simulator) -> [(&'static str, &str); 2] {
    [
        ("HEYGEN_BASE_URL", sim.url()),
        ("HEYGEN_API_KEY", DEFAULT_KEY),
    ]
}

pub(crate) fn arguments(args: Value) -> CallToolRequestParams {
    let Value::Object(map) = args else {
        panic!("arguments must be an object: {args}")
    };
    CallToolRequestParams::new("").with_arguments(map)
}

pub(crate) async fn call(session: &Session, tool: &str, args: Value) -> CallToolResult {
    let mut params = arguments(args);
    params.name = tool.to_owned().into();
    session
        .call_tool(params)
        .await
        .expect("a tools/call answer")
}

pub(crate) fn structured(result: &CallToolResult) -> Value {
    let card = result
        .structured_content
        .clone()
        .expect("structuredContent");
    let text = result
        .content
        .first()
        .and_then(|c| c.as_text())
        .expect("a text copy");
    assert_eq!(serde_json::from_str::<Value>(&text.text).unwrap(), card);
    assert_eq!(result.is_error, Some(card["success"] != Value::Bool(true)));
    card
}

fn schema(object: &serde_json::Map<String, Value>) -> Value {
    Value::Object(object.clone())
}

fn find<'a>(tools: &'a [Tool], name: &str) -> &'a Tool {
    tools.iter().find(|t| t.name == name).expect("the tool")
}

#[tokio::test]
async fn every_action_is_a_described_tool_and_answers_in_its_output_schema() {
    let (session, _) = connect(
        &["--simulator", "--toolsets", "all"],
        &[],
        ProtocolVersion::V_2025_11_25,
    )
    .await;
    let info = session.peer_info().expect("server info");
    assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);
    assert_eq!(info.server_info.clone().unwrap().name, "heygen-host");
    assert!(info.capabilities.tools.is_some());

    let tools = session.list_all_tools().await.expect("tools/list");
    let wit = crate::common::wit_functions();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let wit_names: Vec<&str> = wit.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, wit_names);

    // Deletes go last, so that the examples that read or change the same
    // objects (the account's webhook endpoint) still find them.
    let mut ordered: Vec<_> = wit.iter().collect();
    ordered.sort_by_key(|f| actions::find(&f.name).is_some_and(|e| e.kind == Kind::Delete));
    for function in ordered {
        let entry = actions::find(&function.name).expect("in the registry");
        let tool = find(&tools, entry.name);
        let description = tool.description.as_deref().unwrap();
        let input = schema(&tool.input_schema);
        let output = schema(tool.output_schema.as_deref().expect("an output schema"));
        // The tool as the WIT describes it; optional arguments also take null.
        let described = json!({
            "name": tool.name,
            "description": description,
            "input_schema": input,
            "output_schema": output,
        });
        crate::common::assert_describes(&described, function);
        jsonschema::meta::validate(&input).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        jsonschema::meta::validate(&output).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        let input_validator = jsonschema::validator_for(&input).unwrap();

        // Every field carries its WIT doc; optional ones are not required and take null.
        let required: Vec<Value> = input["required"].as_array().cloned().unwrap_or_default();
        let mut example: Value = serde_json::from_str(entry.example).unwrap();
        for (field, property) in input["properties"].as_object().unwrap() {
            assert!(
                property["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{}.{field} has no description",
                entry.name
            );
            if !required.contains(&json!(field)) && example.get(field).is_none() {
                example[field] = Value::Null;
            }
        }
        assert!(
            input_validator.is_valid(&example),
            "{}: {example} does not fit {input}",
            entry.name
        );

        // The server adds nothing to the WIT doc (checked above), so a paid
        // tool says so in its own words, and only a paid one does.
        let words = description.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            words.contains("Spends HeyGen credits"),
            entry.spends_credits,
            "{}",
            entry.name
        );
        let hints = tool.annotations.clone().expect("annotations");
        match entry.kind {
            Kind::Read => assert_eq!(hints.read_only_hint, Some(true), "{}", entry.name),
            Kind::Create => {
                assert_eq!(
                    (
                        hints.read_only_hint,
                        hints.destructive_hint,
                        hints.idempotent_hint
                    ),
                    (Some(false), Some(false), Some(false))
                );
            }
            Kind::Delete => assert_eq!(
                (
                    hints.read_only_hint,
                    hints.destructive_hint,
                    hints.idempotent_hint
                ),
                (Some(false), Some(true), Some(true))
            ),
            Kind::Update => assert_eq!(
                (
                    hints.read_only_hint,
                    hints.destructive_hint,
                    hints.idempotent_hint
                ),
                (Some(false), Some(true), Some(true))
            ),
        }

        // The registry's example (with every optional field null) succeeds,
        // and its structured result fits the output schema.
        let result = call(&session, entry.name, example).await;
        let card = structured(&result);
        assert_eq!(card["success"], true, "{}: {card}", entry.name);
        jsonschema::validate(&output, &card)
            .unwrap_or_else(|e| panic!("{}: {e}: {card}", entry.name));
    }
    session.cancel().await.unwrap();
}

/// Creates a talking photo through the server and returns its video id.
pub(crate) async fn create_video(session: &Session) -> String {
    let created = structured(
        &call(
            session,
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Fifteen chars!!", "voice_id": heygen_host::sim::data::voice_id(0)}),
        )
        .await,
    );
    created["video_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_wait_reports_each_status_change_as_progress() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let (session, mut progress) = connect_to(&sim).await;
    let id = create_video(&session).await;
    let waited = structured(&call(&session, "wait_for_video", json!({"video_id": id})).await);
    assert_eq!(
        (&waited["status"], &waited["timed_out"]),
        (&json!("completed"), &json!(false))
    );
    let mut messages = Vec::new();
    let mut steps = Vec::new();
    while let Ok(note) = progress.try_recv() {
        messages.push(note.message.clone().unwrap_or_default());
        steps.push(note.progress);
    }
    assert_eq!(
        messages,
        [
            "HeyGen status: pending",
            "HeyGen status: processing",
            "HeyGen status: completed"
        ]
    );
    assert_eq!(steps, [1.0, 2.0, 3.0]);
    // The progress came from the plugin's own polls: three, none added.
    let polls = sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.target() == format!("/v3/videos/{id}"))
        .count();
    assert_eq!(polls, 3);
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_call_stops_polling_and_the_server_goes_on() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let (session, mut progress) = connect_to(&sim).await;
    let id = create_video(&session).await;
    let mut params = arguments(json!({"video_id": id, "timeout_seconds": 60}));
    params.name = "wait_for_video".into();
    let handle = session
        .send_cancellable_request(
            ClientRequest::CallToolRequest(CallToolRequest::new(params)),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    // The first poll has been answered ("pending"); the next is ~2 s away.
    let first = tokio::time::timeout(Duration::from_secs(10), progress.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.message.as_deref(), Some("HeyGen status: pending"));
    handle.cancel(Some("test".into())).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let polls = |sim: &Simulator| {
        sim.requests()
            .iter()
            .filter(|r| r.target() == format!("/v3/videos/{id}"))
            .count()
    };
    assert_eq!(polls(&sim), 1, "the cancelled wait went on polling");
    // The server still answers, and the video moved on by our poll alone.
    let status = structured(&call(&session, "retrieve_video_link", json!({"video_id": id})).await);
    assert_eq!(status["status"], "processing");
    assert_eq!(polls(&sim), 2);
    session.cancel().await.unwrap();
}

/// A server on raw pipes, for messages no SDK client sends.
struct Raw {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Raw {
    async fn start(sim: &Simulator) -> Raw {
        let mut child = server_command(&["--toolsets", "all"], &settings_for(sim))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut raw = Raw {
            child,
            stdin,
            stdout,
        };
        let init = raw
            .ask(
                &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"}}})
                .to_string(),
            )
            .await;
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
        raw.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            .await;
        raw
    }

    async fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
        stdin.flush().await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.stdout.next_line())
            .await
            .expect("an answer in time")
            .unwrap()
            .expect("a line on stdout");
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout is not JSON-RPC ({e}): {line}"))
    }

    async fn ask(&mut self, line: &str) -> Value {
        self.send(line).await;
        self.next().await
    }

    async fn call(&mut self, id: u64, tool: &str, args: Value) -> Value {
        let answer = self
            .ask(
                &json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": tool, "arguments": args}})
                .to_string(),
            )
            .await;
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }
}

fn invalid_input(answer: &Value) -> String {
    let result = &answer["result"];
    assert_eq!(result["isError"], true, "{answer}");
    let card = &result["structuredContent"];
    assert_eq!(card["success"], false);
    assert_eq!(
        serde_json::from_str::<Value>(result["content"][0]["text"].as_str().unwrap()).unwrap(),
        *card
    );
    let error = card["error"].as_str().unwrap().to_owned();
    assert!(error.starts_with("invalid_input: "), "{error}");
    error
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_the_server_keeps_serving() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let mut raw = Raw::start(&sim).await;

    // Not JSON: ignored (no id to answer), as the official SDKs do.
    raw.send(r#"{"jsonrpc":"2.0","id":2,"method":"tools/list""#)
        .await;
    raw.send("\u{1}garbage").await;
    // JSON but not JSON-RPC: "Invalid Request".
    let shape = raw.ask(r#"{"jsonrpc":"2.0","id":3}"#).await;
    assert_eq!(shape["error"]["code"], -32600, "{shape}");

    let unknown = raw
        .ask(r#"{"jsonrpc":"2.0","id":4,"method":"videos/render"}"#)
        .await;
    assert_eq!(
        (&unknown["id"], &unknown["error"]["code"]),
        (&json!(4), &json!(-32601))
    );

    let tool = raw.call(5, "render_everything", json!({})).await;
    assert_eq!(tool["error"]["code"], -32602, "{tool}");
    assert!(
        tool["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tool `render_everything`")
    );

    // Arguments of the wrong type or shape: the card's `invalid_input:`.
    let error = invalid_input(
        &raw.call(6, "retrieve_video_link", json!({"video_id": 5}))
            .await,
    );
    assert!(error.contains("video_id"), "{error}");
    let error = invalid_input(
        &raw.call(7, "retrieve_video_link", json!({"video": "x"}))
            .await,
    );
    assert!(error.contains("unknown field `video`"), "{error}");
    let error = invalid_input(&raw.call(8, "retrieve_video_link", json!({})).await);
    assert!(error.contains("video_id"), "{error}");
    let error = invalid_input(
        &raw.call(9, "create_talking_photo", json!({"talking_photo_id": "tp", "input_text": "hi", "voice_id": "v", "talking_style": "wild"}))
            .await,
    );
    assert!(error.contains("talking_style"), "{error}");
    let error = invalid_input(
        &raw.call(
            10,
            "wait_for_video",
            json!({"video_id": "abc", "timeout_seconds": "soon"}),
        )
        .await,
    );
    assert!(error.contains("timeout_seconds"), "{error}");

    // A message past the cap is not read; its request gets an error.
    let padding = "x".repeat(MAX_MESSAGE_BYTES + 1);
    let big = raw
        .ask(&json!({"jsonrpc": "2.0", "id": 11, "method": "tools/call",
                      "params": {"name": "retrieve_video_link", "arguments": {"video_id": padding}}})
        .to_string())
        .await;
    assert_eq!(
        (&big["id"], &big["error"]["code"]),
        (&json!(11), &json!(-32600)),
        "{big}"
    );
    assert!(big["error"]["message"].as_str().unwrap().contains("6 MiB"));

    assert!(sim.requests().is_empty(), "a refused call reached HeyGen");

    // Still serving.
    let list = raw
        .ask(r#"{"jsonrpc":"2.0","id":12,"method":"tools/list"}"#)
        .await;
    assert_eq!(list["id"], 12);
    assert_eq!(
        list["result"]["tools"].as_array().unwrap().len(),
        actions::ALL.len()
    );
    let ok = raw.call(13, "list_custom_events_options", json!({})).await;
    assert_eq!(ok["result"]["structuredContent"]["success"], true, "{ok}");
}

#[tokio::test]
async fn closing_stdin_mid_call_ends_the_server() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let mut raw = Raw::start(&sim).await;
    let created = raw
        .call(
            2,
            "create_talking_photo",
            json!({"talking_photo_id": "tp_anna_office", "input_text": "Fifteen chars!!", "voice_id": heygen_host::sim::data::voice_id(0)}),
        )
        .await;
    let id = created["result"]["structuredContent"]["video_id"].clone();
    raw.send(
        &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "wait_for_video", "arguments": {"video_id": id, "timeout_seconds": 600}}})
        .to_string(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(raw.stdin.take());
    let status = tokio::time::timeout(Duration::from_secs(15), raw.child.wait())
        .await
        .expect("the server exits once stdin closes")
        .unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn the_help_says_what_the_server_does() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_heygen-host"))
        .args(["mcp", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--simulator",
        "credits",
        "HEYGEN_API_KEY",
        "README.md",
        &format!("at most {MAX_CONCURRENT_CALLS} calls"),
        &format!("at most {} MiB", MAX_MESSAGE_BYTES >> 20),
    ] {
        assert!(help.contains(needle), "`{needle}` is not in:\n{help}");
    }
}

#[test]
fn the_readme_names_exactly_the_tools_that_cost_credits() {
    let readme = include_str!("../../../README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("- **Which tools cost credits**"))
        .expect("the README's list of tools that cost credits");
    let listed = line.split(" (annotated").next().unwrap();
    let named: Vec<&str> = actions::ALL
        .iter()
        .map(|e| e.name)
        .filter(|name| listed.contains(&format!("`{name}`")))
        .collect();
    let spending: Vec<&str> = actions::ALL
        .iter()
        .filter(|e| e.spends_credits)
        .map(|e| e.name)
        .collect();
    assert_eq!(named, spending);
}

#[tokio::test]
async fn the_newest_revision_lists_and_calls_without_initialize() {
    let (session, _) = connect(
        &["--simulator", "--toolsets=all"],
        &[],
        ProtocolVersion::LATEST,
    )
    .await;
    let tools = session.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), actions::ALL.len());
    let card = structured(
        &call(
            &session,
            "retrieve_video_link",
            json!({"video_id": heygen_host::sim::data::existing_video().id}),
        )
        .await,
    );
    assert_eq!(card["status"], "completed", "{card}");
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn an_agent_wait_reports_heygens_own_progress() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let (session, mut progress) = connect_to(&sim).await;
    let created = structured(
        &call(
            &session,
            "create_video_from_prompt",
            json!({"prompt": "A video about bread"}),
        )
        .await,
    );
    let id = created["session_id"].as_str().unwrap().to_owned();
    let waited = structured(
        &call(
            &session,
            "wait_for_video_agent",
            json!({"session_id": id, "timeout_seconds": 30}),
        )
        .await,
    );
    assert_eq!(waited["status"], "completed", "{waited}");
    let mut notes = Vec::new();
    while let Ok(note) = progress.try_recv() {
        notes.push((note.progress, note.total, note.message.unwrap_or_default()));
    }
    // The session's own progress (thinking 10, generating 60, completed 100),
    // out of 100, one notification per poll that said something new.
    assert_eq!(
        notes,
        [
            (10.0, Some(100.0), "HeyGen status: thinking".to_owned()),
            (60.0, Some(100.0), "HeyGen status: generating".to_owned()),
            (100.0, Some(100.0), "HeyGen status: completed".to_owned()),
        ]
    );
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn toolsets_and_read_only_choose_the_tools_and_others_are_refused() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    // The default: every toolset but lipsync and webhooks, at most 30 tools.
    let (session, _) = connect(&[], &settings_for(&sim), ProtocolVersion::V_2025_11_25).await;
    let tools = session.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names.len(), 29, "{names:?}");
    for hidden in [
        "create_lipsync",
        "wait_for_lipsync",
        "verify_webhook",
        "rotate_webhook_secret",
    ] {
        assert!(!names.contains(&hidden), "{hidden}");
    }
    for shown in [
        "create_talking_photo",
        "upload_asset",
        "generate_speech",
        "get_remaining_credits",
    ] {
        assert!(names.contains(&shown), "{shown}");
    }
    session.cancel().await.unwrap();

    let (session, _) = connect(
        &["--toolsets", "webhooks, account", "--read-only"],
        &settings_for(&sim),
        ProtocolVersion::V_2025_11_25,
    )
    .await;
    let tools = session.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "list_custom_events_options",
            "get_remaining_credits",
            "list_webhook_endpoints",
            "verify_webhook",
            "list_webhook_events"
        ]
    );
    let mut params = arguments(json!({"url": "https://hooks.example.com/x"}));
    params.name = "create_webhook_endpoint".into();
    let refused = session
        .call_tool(params)
        .await
        .expect_err("a tool outside the selection");
    let text = refused.to_string();
    assert!(
        text.contains("-32602")
            || text.contains("Invalid params")
            || text.contains("does not offer"),
        "{text}"
    );
    assert!(
        text.contains("does not offer the tool `create_webhook_endpoint`"),
        "{text}"
    );
    let card = structured(&call(&session, "get_remaining_credits", json!({})).await);
    assert_eq!(card["success"], true, "{card}");
    session.cancel().await.unwrap();
    assert!(
        sim.requests()
            .iter()
            .all(|r| !r.path.contains("/webhooks/endpoints") || r.method == "GET"),
        "nothing outside the selection reached HeyGen"
    );

    let out = server_command(&["--toolsets", "videos,bogus"], &[])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown toolset `bogus`") && stderr.contains("lipsync"),
        "{stderr}"
    );
}

#[tokio::test]
async fn upload_asset_reads_a_path_only_inside_the_upload_dir() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).unwrap();
    let base = std::env::temp_dir().join(format!("heygen-mcp-uploads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("media")).unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-a-small-photo".to_vec();
    std::fs::write(base.join("media/me.png"), &png).unwrap();
    std::fs::write(base.join("private.png"), &png).unwrap();
    let dir = base.join("media");
    let mut args = vec![
        "--toolsets",
        "assets",
        "--upload-dir",
        dir.to_str().unwrap(),
    ];
    let (session, _) = connect(&args, &settings_for(&sim), ProtocolVersion::V_2025_11_25).await;
    let tools = session.list_all_tools().await.expect("tools/list");
    let input = schema(&find(&tools, "upload_asset").input_schema);
    assert!(input["properties"]["path"].is_object(), "{input}");
    assert!(
        !input["required"]
            .as_array()
            .unwrap()
            .contains(&json!("content_base64"))
    );
    let card = structured(&call(&session, "upload_asset", json!({"path": "me.png"})).await);
    assert_eq!(
        (&card["success"], &card["media_type"], &card["size_bytes"]),
        (&json!(true), &json!("image/png"), &json!(png.len())),
        "{card}"
    );
    for path in [
        "../private.png",
        dir.join("me.png").to_str().unwrap(),
        "missing.png",
    ] {
        let card = structured(&call(&session, "upload_asset", json!({"path": path})).await);
        assert!(
            card["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid_input: path"),
            "{path}: {card}"
        );
    }
    session.cancel().await.unwrap();
    args.truncate(2);
    let (session, _) = connect(&args, &settings_for(&sim), ProtocolVersion::V_2025_11_25).await;
    let card = structured(&call(&session, "upload_asset", json!({"path": "me.png"})).await);
    assert!(
        card["error"]
            .as_str()
            .unwrap()
            .contains("without --upload-dir"),
        "{card}"
    );
    session.cancel().await.unwrap();
    let uploads = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/v3/assets")
        .count();
    assert_eq!(uploads, 1);
    std::fs::remove_dir_all(base).unwrap();
}
