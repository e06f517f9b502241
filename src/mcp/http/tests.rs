use super::*;
use crate::actions;

/// A lookup over `pairs` (headers or an environment).
pub(crate) fn from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

const CLIENT: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
];

fn answer_of(step: Step) -> Answer {
    match step {
        Step::Answer(answer) => answer,
        Step::Call(call) => panic!("runs {}", call.entry.name),
    }
}

fn body(answer: &Answer) -> Value {
    serde_json::from_str(&answer.body).unwrap()
}

fn step_with(message: Value, headers: &[(&str, &str)], env: &[(&str, &str)]) -> Step {
    let headers = from(headers);
    let env = from(env);
    step(
        message.to_string().as_bytes(),
        Accepts::parse(headers("accept").as_deref()),
        &headers,
        &env,
    )
}

#[test]
fn the_transport_checks_come_before_the_body() {
    let env = from(&[]);
    let get = admit("GET", &from(CLIENT), &env).unwrap_err();
    assert_eq!(get.status, 405);
    assert_eq!(get.headers, vec![("allow", "POST".to_string())]);
    assert_eq!(
        admit("DELETE", &from(CLIENT), &env).unwrap_err().status,
        405
    );
    let accepts = admit("POST", &from(CLIENT), &env).unwrap();
    assert_eq!(
        accepts,
        Accepts {
            json: true,
            events: true
        }
    );

    let mut headers = CLIENT.to_vec();
    headers.push(("origin", "https://evil.example"));
    let refused = admit("POST", &from(&headers), &env).unwrap_err();
    assert_eq!(refused.status, 403);
    assert!(
        body(&refused)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HEYGEN_FACE_ORIGINS")
    );
    let listed = from(&[(
        "HEYGEN_FACE_ORIGINS",
        "https://app.example, https://EVIL.example/",
    )]);
    assert!(admit("POST", &from(&headers), &listed).is_ok());

    let text = from(&[("content-type", "text/plain"), ("accept", "*/*")]);
    assert_eq!(admit("POST", &text, &env).unwrap_err().status, 415);
    let no_accept = from(&[("content-type", "application/json; charset=utf-8")]);
    assert_eq!(admit("POST", &no_accept, &env).unwrap_err().status, 406);
    let mut old = CLIENT.to_vec();
    old.push(("mcp-protocol-version", "2024-11-05"));
    let refused = answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list"}),
        &old,
        &[],
    ));
    assert_eq!(refused.status, 400);
    let refused = body(&refused);
    assert_eq!(
        (&refused["id"], &refused["error"]["code"]),
        (&json!(4), &json!(-32022))
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2025-06-18")
    );
    let mut current = CLIENT.to_vec();
    current.push(("mcp-protocol-version", "2025-06-18"));
    assert!(admit("POST", &from(&current), &env).is_ok());
}

#[test]
fn accept_headers_are_read_with_wildcards_and_parameters() {
    assert_eq!(
        Accepts::parse(Some("text/event-stream;q=0.5")),
        Accepts {
            json: false,
            events: true
        }
    );
    assert_eq!(
        Accepts::parse(Some("*/*")),
        Accepts {
            json: true,
            events: true
        }
    );
    assert_eq!(
        Accepts::parse(Some("Application/JSON")),
        Accepts {
            json: true,
            events: false
        }
    );
    assert_eq!(Accepts::parse(None), Accepts::default());
}

#[test]
fn malformed_messages_get_400_and_notifications_202() {
    let headers = from(CLIENT);
    let env = from(&[]);
    let accepts = Accepts {
        json: true,
        events: true,
    };
    let parse = answer_of(step(b"{nope", accepts, &headers, &env));
    assert_eq!(
        (parse.status, body(&parse)["error"]["code"].clone()),
        (400, json!(-32700))
    );
    assert_eq!(body(&parse)["id"], Value::Null);
    let batch = answer_of(step_with(
        json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
        CLIENT,
        &[],
    ));
    assert_eq!(batch.status, 400);
    assert!(batch.body.contains("batch"));
    let old = answer_of(step_with(
        json!({"jsonrpc": "1.0", "id": 1, "method": "ping"}),
        CLIENT,
        &[],
    ));
    assert_eq!(old.status, 400);
    let odd_id = answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": [1], "method": "ping"}),
        CLIENT,
        &[],
    ));
    assert_eq!(odd_id.status, 400);
    for message in [
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}}),
        json!({"jsonrpc": "2.0", "id": 9, "result": {}}),
    ] {
        let taken = answer_of(step_with(message, CLIENT, &[]));
        assert_eq!((taken.status, taken.body.as_str()), (202, ""));
    }
}

#[test]
fn initialize_negotiates_the_version_and_ping_answers() {
    let init = |version: &str| {
        body(&answer_of(step_with(
            json!({"jsonrpc": "2.0", "id": "a", "method": "initialize",
                   "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
            CLIENT,
            &[],
        )))
    };
    assert_eq!(
        init("2025-06-18")["result"]["protocolVersion"],
        "2025-06-18"
    );
    assert_eq!(
        init("2025-03-26")["result"]["protocolVersion"],
        "2025-03-26"
    );
    assert_eq!(
        init("2099-01-01")["result"]["protocolVersion"],
        "2025-11-25"
    );
    let result = &init("2025-11-25")["result"];
    assert_eq!(
        result["capabilities"]["tools"],
        json!({"listChanged": false})
    );
    assert!(result["instructions"].as_str().unwrap().contains("HeyGen"));
    assert_eq!(init("2025-11-25")["id"], "a");
    let ping = body(&answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 7, "method": "ping"}),
        CLIENT,
        &[],
    )));
    assert_eq!(ping, json!({"jsonrpc": "2.0", "id": 7, "result": {}}));
    let unknown = body(&answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 8, "method": "resources/list"}),
        CLIENT,
        &[],
    )));
    assert_eq!(unknown["error"]["code"], -32601);
}

#[test]
fn tools_list_is_the_shared_definition_under_the_faces_selection() {
    let listed = |env: &[(&str, &str)]| {
        body(&answer_of(step_with(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
            CLIENT,
            env,
        )))
    };
    let default = listed(&[]);
    assert_eq!(
        default["result"]["tools"],
        json!(tools::list(Generation::V3, &Selection::default()))
    );
    let legacy = listed(&[("HEYGEN_API_VERSION", "legacy")]);
    assert_eq!(
        legacy["result"]["tools"],
        json!(tools::list(Generation::Legacy, &Selection::default()))
    );
    let webhooks = listed(&[
        ("HEYGEN_FACE_TOOLSETS", "webhooks"),
        ("HEYGEN_FACE_READ_ONLY", "1"),
    ]);
    let names: Vec<&str> = webhooks["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"list_webhook_endpoints"));
    assert!(!names.contains(&"create_webhook_endpoint"));
    let wrong = listed(&[("HEYGEN_FACE_TOOLSETS", "videos,sorcery")]);
    assert_eq!(wrong["error"]["code"], -32603);
    assert!(
        wrong["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`sorcery`")
    );
}

fn call(name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
           "params": {"name": name, "arguments": arguments, "_meta": {"progressToken": "p"}}})
}

#[test]
fn tool_calls_need_a_token_or_a_key_and_say_it_is_no_oauth() {
    let tokens = [("HEYGEN_FACE_TOKEN", "secret-token-1")];
    let refused = answer_of(step_with(
        call("get_remaining_credits", json!({})),
        CLIENT,
        &tokens,
    ));
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .headers
            .iter()
            .any(|(n, v)| *n == "www-authenticate" && v.starts_with("Bearer"))
    );
    let message = body(&refused)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("not OAuth") && !message.contains("secret-token-1"),
        "{message}"
    );
    let mut with_token = CLIENT.to_vec();
    with_token.push(("authorization", "Bearer secret-token-1"));
    assert!(matches!(
        step_with(
            call("get_remaining_credits", json!({})),
            &with_token,
            &tokens
        ),
        Step::Call(_)
    ));
    let mut own_key = CLIENT.to_vec();
    own_key.push(("x-api-key", "callers-own-key"));
    assert!(matches!(
        step_with(call("get_remaining_credits", json!({})), &own_key, &[]),
        Step::Call(_)
    ));
    let open = [("HEYGEN_FACE_OPEN", "1")];
    assert!(matches!(
        step_with(call("get_remaining_credits", json!(null)), CLIENT, &open),
        Step::Call(_)
    ));
}

#[test]
fn tool_calls_are_refused_by_name_and_by_arguments_before_running() {
    let open = [("HEYGEN_FACE_OPEN", "1")];
    let unknown = body(&answer_of(step_with(
        call("make_coffee", json!({})),
        CLIENT,
        &open,
    )));
    assert_eq!(unknown["error"]["code"], -32602);
    let hidden = body(&answer_of(step_with(
        call("create_lipsync", json!({})),
        CLIENT,
        &open,
    )));
    assert!(
        hidden["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("this server does not offer")
    );
    let bad = answer_of(step_with(
        call("retrieve_video_link", json!({"video_id": 5})),
        CLIENT,
        &open,
    ));
    assert_eq!(bad.status, 200);
    let result = &body(&bad)["result"];
    assert_eq!(result["isError"], true);
    assert_eq!(result["structuredContent"]["success"], false);
    assert!(
        result["structuredContent"]["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid_input:")
    );
    assert_eq!(result["structuredContent"]["video_url"], Value::Null);
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(&text, &result["structuredContent"]);
    let not_object = body(&answer_of(step_with(
        call("get_remaining_credits", json!([1])),
        CLIENT,
        &open,
    )));
    assert_eq!(not_object["error"]["code"], -32602);
}

#[test]
fn a_wait_streams_only_for_a_client_that_asked_for_progress_and_takes_events() {
    let open = [("HEYGEN_FACE_OPEN", "1")];
    let wait = call(
        "wait_for_video",
        json!({"video_id": "v1", "timeout_seconds": null}),
    );
    let Step::Call(streamed) = step_with(wait.clone(), CLIENT, &open) else {
        panic!("refused")
    };
    assert_eq!(streamed.args, json!({"video_id": "v1"}));
    assert_eq!(streamed.progress, Some(json!("p")));
    assert!(streamed.streams());
    let json_only = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
    ];
    let Step::Call(plain) = step_with(wait, &json_only, &open) else {
        panic!("refused")
    };
    assert!(!plain.streams());
    let Step::Call(quick) = step_with(call("get_remaining_credits", json!({})), CLIENT, &open)
    else {
        panic!("refused")
    };
    assert!(!quick.streams());
    let events_only = [
        ("content-type", "application/json"),
        ("accept", "text/event-stream"),
    ];
    let Step::Call(events) = step_with(
        call("get_remaining_credits", json!({})),
        &events_only,
        &open,
    ) else {
        panic!("refused")
    };
    assert!(events.streams());
    let ping = answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        &events_only,
        &[],
    ));
    assert_eq!(
        ping.body,
        "event: message\ndata: {\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}}\n\n"
    );
}

#[test]
fn results_carry_the_card_as_structured_content_and_text() {
    let entry = actions::find("get_remaining_credits").unwrap();
    let call = ToolCall {
        entry,
        args: json!({}),
        id: json!(3),
        progress: None,
        accepts: Accepts::default(),
        stateless: false,
    };
    let good = Reply {
        status: 200,
        retry_after: None,
        body: r#"{"success":true,"error":null,"remaining_credits":12}"#.into(),
    };
    let result: Value = serde_json::from_str(&call.result(&good)).unwrap();
    assert_eq!(result["id"], 3);
    assert_eq!(result["result"]["content"][0]["text"], good.body.as_str());
    assert_eq!(result["result"]["isError"], false);
    assert_eq!(
        result["result"]["structuredContent"]["remaining_credits"],
        12
    );
    let failed = Reply {
        status: 502,
        retry_after: None,
        body: r#"{"success":false,"error":"upstream_error: x","remaining_credits":null}"#.into(),
    };
    let result: Value = serde_json::from_str(&call.result(&failed)).unwrap();
    assert_eq!(result["result"]["isError"], true);
    assert_eq!(
        result["result"]["structuredContent"]["error"],
        "upstream_error: x"
    );
    let text_id = ToolCall {
        id: json!("req-\"7\""),
        ..call
    };
    let result: Value = serde_json::from_str(&text_id.result(&good)).unwrap();
    assert_eq!(result["id"], "req-\"7\"");
    assert!(result["result"].get("resultType").is_none());
    let modern = ToolCall {
        stateless: true,
        ..text_id
    };
    let result: Value = serde_json::from_str(&modern.result(&good)).unwrap();
    assert_eq!(result["result"]["resultType"], "complete");
    assert_eq!(
        result["result"]["structuredContent"]["remaining_credits"],
        12
    );
    assert_eq!(
        result["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "heygen-plugin-http"
    );
    let note = ToolCall::progress_event(json!({"progressToken": "p", "progress": 1.0}));
    assert!(note.starts_with("event: message\ndata: {"));
    assert!(note.contains("\"method\":\"notifications/progress\"") && note.ends_with("\n\n"));
}

/// The headers of a stateless (2026-07-28) request of `method`.
fn stateless_headers<'a>(method: &'a str, name: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut headers = CLIENT.to_vec();
    headers.push(("mcp-protocol-version", "2026-07-28"));
    headers.push(("mcp-method", method));
    if let Some(name) = name {
        headers.push(("mcp-name", name));
    }
    headers
}

/// A stateless request of `method` with `params` (its `_meta` added).
fn stateless_request(method: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
    });
    json!({"jsonrpc": "2.0", "id": 9, "method": method, "params": params})
}

#[test]
fn the_stateless_revision_discovers_lists_and_calls_without_initialize() {
    let env: &[(&str, &str)] = &[("HEYGEN_FACE_TOKEN", "t0ken-for-tests")];
    assert!(
        admit(
            "POST",
            &from(&stateless_headers("tools/list", None)),
            &from(env)
        )
        .is_ok()
    );

    let found = answer_of(step_with(
        stateless_request("server/discover", json!({})),
        &stateless_headers("server/discover", None),
        env,
    ));
    assert_eq!(found.status, 200);
    let found = body(&found);
    assert_eq!(found["id"], 9);
    assert_eq!(found["result"]["supportedVersions"], json!(["2026-07-28"]));
    assert_eq!(found["result"]["resultType"], "complete");
    assert!(found["result"]["instructions"].as_str().unwrap().len() > 20);

    let listed = body(&answer_of(step_with(
        stateless_request("tools/list", json!({})),
        &stateless_headers("tools/list", None),
        env,
    )));
    let legacy = body(&answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 9, "method": "tools/list"}),
        CLIENT,
        env,
    )));
    assert_eq!(listed["result"]["tools"], legacy["result"]["tools"]);
    assert_eq!(listed["result"]["ttlMs"], 300_000);
    assert_eq!(listed["result"]["cacheScope"], "public");
    assert!(legacy["result"].get("resultType").is_none());

    let mut headers = stateless_headers("tools/call", Some("get_remaining_credits"));
    headers.push(("authorization", "Bearer t0ken-for-tests"));
    let request = stateless_request("tools/call", json!({"name": "get_remaining_credits"}));
    match step_with(request.clone(), &headers, env) {
        Step::Call(call) => {
            assert!(call.stateless);
            assert_eq!(call.entry.name, "get_remaining_credits");
        }
        Step::Answer(answer) => panic!("answered {} {}", answer.status, answer.body),
    }
    // Refused arguments are a tool result in the same form.
    let bad = stateless_request(
        "tools/call",
        json!({"name": "retrieve_video_link", "arguments": {"video_id": 5}}),
    );
    let mut bad_headers = stateless_headers("tools/call", Some("retrieve_video_link"));
    bad_headers.push(("authorization", "Bearer t0ken-for-tests"));
    let refused = body(&answer_of(step_with(bad, &bad_headers, env)));
    assert_eq!(refused["result"]["isError"], true);
    assert_eq!(refused["result"]["resultType"], "complete");
    // Without the token: 401, as in the handshake revisions.
    headers.pop();
    assert_eq!(answer_of(step_with(request, &headers, env)).status, 401);
}

#[test]
fn the_stateless_revision_refuses_mismatches_old_methods_and_unknown_versions() {
    let request = stateless_request("tools/call", json!({"name": "get_remaining_credits"}));
    let wrong_name = stateless_headers("tools/call", Some("list_avatars"));
    let refused = answer_of(step_with(request, &wrong_name, &[]));
    assert_eq!(refused.status, 400);
    let refused = body(&refused);
    assert_eq!(refused["error"]["code"], -32020);
    assert_eq!(refused["id"], 9);

    for gone in ["ping", "resources/list"] {
        let answer = answer_of(step_with(
            stateless_request(gone, json!({})),
            &stateless_headers(gone, None),
            &[],
        ));
        assert_eq!(answer.status, 404, "{gone}");
        assert_eq!(body(&answer)["error"]["code"], -32601);
    }

    let mut future = CLIENT.to_vec();
    future.push(("mcp-protocol-version", "2099-01-01"));
    let refused = answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 5, "method": "server/discover"}),
        &future,
        &[],
    ));
    assert_eq!(refused.status, 400);
    let refused = body(&refused);
    assert_eq!(refused["error"]["code"], -32022);
    assert_eq!(refused["error"]["data"]["requested"], "2099-01-01");
    let supported = refused["error"]["data"]["supported"].as_array().unwrap();
    assert!(supported.contains(&json!("2026-07-28")) && supported.contains(&json!("2025-11-25")));

    // `initialize` stays the handshake, whatever the header says.
    let mut headers = stateless_headers("initialize", None);
    headers.retain(|(k, _)| *k != "mcp-method");
    let init = body(&answer_of(step_with(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25"}}),
        &headers,
        &[],
    )));
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
}
