//! The reliability matrix: scripted faults x actions x API generations, a
//! bad-input matrix, and a secret check, all through the real component. The
//! integration tests assert on its [`Figures`]; `heygen-host reliability`
//! prints them.
//!
//! Every case uses a recognisable API key ([`CANARY_KEY`]); a case leaks if
//! that value shows up in an output, in what the instance printed, or in a
//! host error.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use wasmtime::component::Val;

use crate::runtime::{
    Allow, CallError, HostFeatures, HttpFace, Plugin, Runtime, Session, Settings, actions,
};
use crate::sim::{Fault, FaultKind, Simulator};
use heygen_plugin::actions::Kind;

/// The API key every case uses, to be searched for afterwards.
pub const CANARY_KEY: &str = "hg_CANARY_5ecret_9f2c41d7e0";
/// The HTTP face's token (`HEYGEN_FACE_TOKEN`) in the matrix: a secret too,
/// searched for like the key.
pub const CANARY_FACE_TOKEN: &str = "face_CANARY_7c1e5a09b3";
/// The time budget of every call in the matrix (`HEYGEN_TIMEOUT_MS`).
pub const BUDGET_MS: u64 = 2_000;
/// Cases run at once.
const CONCURRENCY: usize = 24;

/// Where a fault comes from.
#[derive(Clone, Debug)]
enum Source {
    /// The simulator misbehaves (for every attempt the plugin makes).
    Sim(FaultKind),
    /// The simulator misbehaves on the first attempt only (the `ProcessThen*`
    /// faults: it acts, then the answer is lost; a retry gets a normal answer).
    SimOnce(FaultKind),
    /// Nothing listens at the base URL.
    Refused,
    /// The host's allow-list refuses the request.
    Denied,
    /// The body stalls on a host that ignores the timeout options.
    StallWithoutHostTimeouts,
}

/// What a fault case must end with, exactly, per action kind and generation.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Fails with this prefix everywhere.
    Fails(&'static str),
    /// Fails with one prefix on v3 and another on legacy.
    FailsPer {
        v3: &'static str,
        legacy: &'static str,
    },
    /// The simulator acted, then its answer was lost: `None` (the call
    /// succeeds) or the prefix, for an action kind on a generation. A create
    /// that fails must also say the video may exist.
    AfterProcessing(fn(Kind, &str) -> Option<&'static str>),
}

impl Expect {
    /// The prefix the case must fail with (`None`: it must succeed).
    fn prefix(self, kind: Kind, generation: &str) -> Option<&'static str> {
        match self {
            Expect::Fails(prefix) => Some(prefix),
            Expect::FailsPer { v3, legacy } => Some(if generation == "v3" { v3 } else { legacy }),
            Expect::AfterProcessing(decide) => decide(kind, generation),
        }
    }
}

/// One scripted fault and what it must end with.
#[derive(Clone, Debug)]
struct FaultSpec {
    name: String,
    source: Source,
    expect: Expect,
}

fn respond(status: u16, content_type: &str, body: &[u8], headers: &[(&str, &str)]) -> FaultKind {
    let mut all = vec![("content-type".to_owned(), content_type.to_owned())];
    all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    FaultKind::Respond {
        status,
        headers: all,
        body: body.to_vec(),
    }
}

/// Every fault in the matrix.
fn faults() -> Vec<FaultSpec> {
    let mut specs = Vec::new();
    let mut add = |name: String, source: Source, expect: Expect| {
        specs.push(FaultSpec {
            name,
            source,
            expect,
        })
    };
    let statuses: [(u16, &'static str, &'static str); 11] = [
        (400, "http_400", "invalid_parameter"),
        (401, "http_401", "unauthorized"),
        (402, "http_402", "insufficient_credit"),
        (403, "http_403", "forbidden"),
        (404, "http_404", "not_found"),
        (409, "http_409", "resource_not_ready"),
        (429, "http_429", "rate_limit_exceeded"),
        (500, "http_500", "internal_error"),
        (502, "http_502", "bad_gateway"),
        (503, "http_503", "service_unavailable"),
        (504, "http_504", "gateway_timeout"),
    ];
    for (status, prefix, code) in statuses {
        let bodies = [
            (
                "v3 JSON",
                format!(
                    r#"{{"error":{{"code":"{code}","message":"simulated {status}","param":"x"}}}}"#
                ),
            ),
            (
                "v2 JSON",
                format!(
                    r#"{{"data":null,"error":{{"code":"{code}","message":"simulated {status}"}}}}"#
                ),
            ),
            (
                "v1 JSON",
                format!(r#"{{"code":{status}00,"message":"simulated {status}"}}"#),
            ),
            (
                "HTML",
                "<!DOCTYPE html><html><body>error</body></html>".to_owned(),
            ),
            ("empty", String::new()),
        ];
        for (label, body) in bodies {
            let content_type = if label == "HTML" {
                "text/html"
            } else {
                "application/json"
            };
            add(
                format!("{status} with {label} body"),
                Source::Sim(respond(status, content_type, body.as_bytes(), &[])),
                Expect::Fails(prefix),
            );
        }
    }
    let ok = |body: &[u8], content_type: &str| Source::Sim(respond(200, content_type, body, &[]));
    add(
        "200 with a legacy error envelope".into(),
        ok(
            br#"{"error":{"code":"invalid_parameter","message":"bad"},"data":null}"#,
            "application/json",
        ),
        Expect::FailsPer {
            v3: "bad_response",
            legacy: "api_error",
        },
    );
    add(
        "200 with a v1 error code".into(),
        ok(
            br#"{"code":40001,"message":"bad","data":null}"#,
            "application/json",
        ),
        Expect::FailsPer {
            v3: "bad_response",
            legacy: "api_error",
        },
    );
    add(
        "200 with invalid JSON".into(),
        ok(b"{data: nope}", "application/json"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with truncated JSON".into(),
        ok(br#"{"data":{"video_id":"abc","sta"#, "application/json"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with JSON of the wrong shape".into(),
        ok(
            br#"{"data":{"unexpected":[1,2,3]},"has_more":"maybe"}"#,
            "application/json",
        ),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with an array".into(),
        ok(b"[1,2,3]", "application/json"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with an empty body".into(),
        ok(b"", "application/json"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with non-UTF-8 bytes".into(),
        ok(&[0xff, 0xfe, 0x00, 0x7b, 0xc3], "application/json"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with an HTML page".into(),
        ok(b"<html><body>Maintenance</body></html>", "text/html"),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with a 32 MiB body".into(),
        Source::Sim(FaultKind::Huge(32 << 20)),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with 2,000 headers".into(),
        Source::Sim(FaultKind::ManyHeaders {
            count: 2_000,
            len: 16,
        }),
        Expect::Fails("transport_error"),
    );
    add(
        "200 with a 300 KiB header".into(),
        Source::Sim(FaultKind::ManyHeaders {
            count: 1,
            len: 300 << 10,
        }),
        Expect::Fails("bad_response"),
    );
    add(
        "302 redirect".into(),
        Source::Sim(respond(
            302,
            "text/html",
            b"",
            &[("location", "https://evil.example/steal")],
        )),
        Expect::Fails("http_302"),
    );
    add(
        "connection refused".into(),
        Source::Refused,
        Expect::Fails("transport_error"),
    );
    add(
        "connection closed mid-body".into(),
        Source::Sim(FaultKind::CloseMidBody),
        Expect::Fails("transport_error"),
    );
    add(
        "first byte never arrives".into(),
        Source::Sim(FaultKind::NoAnswer),
        Expect::Fails("timeout"),
    );
    add(
        "body stalls midway".into(),
        Source::Sim(FaultKind::StallBody),
        Expect::Fails("timeout"),
    );
    add(
        "host refuses the request".into(),
        Source::Denied,
        Expect::Fails("request_denied"),
    );
    add(
        "body stalls on a host without timeout options".into(),
        Source::StallWithoutHostTimeouts,
        Expect::Fails("timeout"),
    );
    let rate_limited = |retry_after: Option<String>| {
        let headers: Vec<(&str, &str)> = Vec::new();
        let mut kind = respond(
            429,
            "application/json",
            br#"{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"#,
            &headers,
        );
        if let (FaultKind::Respond { headers, .. }, Some(value)) = (&mut kind, retry_after) {
            headers.push(("retry-after".into(), value));
        }
        Source::Sim(kind)
    };
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    add(
        "429 with Retry-After: 1".into(),
        rate_limited(Some("1".into())),
        Expect::Fails("http_429"),
    );
    add(
        "429 with Retry-After as an HTTP date".into(),
        rate_limited(Some(soon)),
        Expect::Fails("http_429"),
    );
    add(
        "429 without Retry-After".into(),
        rate_limited(None),
        Expect::Fails("http_429"),
    );
    add(
        "429 with a garbage Retry-After".into(),
        rate_limited(Some("soon-ish".into())),
        Expect::Fails("http_429"),
    );
    add(
        "429 with a huge Retry-After".into(),
        rate_limited(Some("99999999999999999999".into())),
        Expect::Fails("http_429"),
    );
    // The simulator performs the request (a create makes the video), then the
    // answer is lost, delayed past the budget or garbled, on the first attempt
    // only: the double-create figure counts what really happened.
    add(
        "processed, then the connection closes mid-answer".into(),
        Source::SimOnce(FaultKind::ProcessThenClose),
        Expect::AfterProcessing(|kind, generation| match (kind, generation) {
            // v3 retries under the same Idempotency-Key and gets the replay;
            // legacy has no key, so it must not retry a create.
            (Kind::Create, "legacy") => Some("transport_error"),
            _ => None,
        }),
    );
    add(
        "processed, then the answer stalls past the budget".into(),
        Source::SimOnce(FaultKind::ProcessThenStall),
        Expect::AfterProcessing(|_, _| Some("timeout")),
    );
    add(
        "processed, then a 200 with an HTML page".into(),
        Source::SimOnce(FaultKind::ProcessThenGarble),
        Expect::AfterProcessing(|_, _| Some("bad_response")),
    );
    specs
}

/// Valid arguments for `action`, so that only the fault can make it fail.
pub fn valid_args(action: &str) -> Value {
    heygen_plugin::actions::find(action)
        .and_then(|entry| serde_json::from_str(entry.example).ok())
        .unwrap_or(Value::Null)
}

/// What the matrix found.
#[derive(Debug, Default)]
pub struct Figures {
    /// Distinct faults.
    pub faults: usize,
    /// Fault cases run (faults x actions x generations).
    pub fault_cases: usize,
    /// Bad-input cases run.
    pub bad_inputs: usize,
    /// Requests that bad inputs let through to the simulator (must be 0).
    pub bad_input_requests: usize,
    /// Calls that trapped or failed inside the host (must be 0).
    pub traps: usize,
    /// Places the canary key showed up (must be 0).
    pub key_leaks: usize,
    /// Cases where one call created more than one video (must be 0).
    pub double_creates: usize,
    /// Create cases in which the simulator made the video and then lost,
    /// stalled or garbled its answer: the cases where a careless retry would
    /// bill twice, so the ones that give `double_creates` its meaning.
    pub processed_creates: usize,
    /// The longest a failing call took, and which.
    pub longest_failure: (Duration, String),
    /// Cases that did not end as expected, with what happened.
    pub unexpected: Vec<String>,
}

impl Figures {
    fn merge(&mut self, other: Figures) {
        self.fault_cases += other.fault_cases;
        self.bad_inputs += other.bad_inputs;
        self.bad_input_requests += other.bad_input_requests;
        self.traps += other.traps;
        self.key_leaks += other.key_leaks;
        self.double_creates += other.double_creates;
        self.processed_creates += other.processed_creates;
        if other.longest_failure.0 > self.longest_failure.0 {
            self.longest_failure = other.longest_failure;
        }
        self.unexpected.extend(other.unexpected);
    }

    /// The figures as a Markdown table.
    pub fn table(&self) -> String {
        let row = |what: &str, value: String| format!("| {what} | {value} |\n");
        let mut out = String::from("| what | figure |\n|---|---|\n");
        out += &row(
            "faults x actions x API generations",
            format!(
                "{} x {} x 2 = {} cases",
                self.faults,
                actions().count(),
                self.fault_cases
            ),
        );
        out += &row(
            "bad inputs refused before sending",
            format!(
                "{} cases, {} requests sent",
                self.bad_inputs, self.bad_input_requests
            ),
        );
        out += &row("traps", self.traps.to_string());
        out += &row(
            "key leaks (outputs, errors, guest output, manifest)",
            self.key_leaks.to_string(),
        );
        out += &row(
            "double creates",
            format!(
                "{} (in {} create cases where the simulator made the video or endpoint, then lost, stalled or garbled the answer)",
                self.double_creates, self.processed_creates
            ),
        );
        out += &row(
            "longest failing call",
            format!(
                "{:.2} s ({})",
                self.longest_failure.0.as_secs_f64(),
                self.longest_failure.1
            ),
        );
        out += &row(
            "cases not ending as expected",
            self.unexpected.len().to_string(),
        );
        out
    }
}

/// The two plugin variants the matrix needs.
#[derive(Clone)]
pub struct Plugins {
    /// With every host feature.
    pub normal: Plugin,
    /// On a host whose `request-options` setters fail.
    pub without_timeouts: Plugin,
    /// The HTTP face, for the JSON paths.
    pub http_face: HttpFace,
}

impl Plugins {
    /// Loads the embedded components on `runtime`.
    pub fn load(runtime: &Runtime) -> Result<Plugins> {
        let component = runtime.component(crate::runtime::PLUGIN_WASM)?;
        Ok(Plugins {
            normal: Plugin::new(runtime, &component, HostFeatures::default())?,
            without_timeouts: Plugin::new(
                runtime,
                &component,
                HostFeatures {
                    request_timeouts: false,
                },
            )?,
            http_face: HttpFace::embedded(runtime)?,
        })
    }
}

fn env(base_url: &str, generation: &str) -> Vec<(String, String)> {
    vec![
        ("HEYGEN_API_KEY".into(), CANARY_KEY.into()),
        ("HEYGEN_BASE_URL".into(), base_url.into()),
        ("HEYGEN_API_VERSION".into(), generation.into()),
        ("HEYGEN_TIMEOUT_MS".into(), BUDGET_MS.to_string()),
    ]
}

/// Counts the canaries (the key, the face token) in `text`.
fn leaks(text: &[u8]) -> usize {
    [CANARY_KEY, CANARY_FACE_TOKEN]
        .iter()
        .map(|canary| {
            text.windows(canary.len())
                .filter(|w| *w == canary.as_bytes())
                .count()
        })
        .sum()
}

/// Checks one call's outcome: no trap, no leak, and exactly the expected end:
/// success (`expect` is `None`) or an error with the expected prefix.
fn judge(
    figures: &mut Figures,
    case: &str,
    session: &Session,
    outcome: &Result<Value, CallError>,
    expect: Option<&str>,
) {
    match outcome {
        Err(CallError::Host(e)) => {
            figures.traps += 1;
            figures.key_leaks += leaks(format!("{e:#}").as_bytes());
            figures.unexpected.push(format!("{case}: trapped: {e:#}"));
        }
        Err(CallError::Usage(e)) => figures
            .unexpected
            .push(format!("{case}: refused by the host: {e}")),
        Ok(output) => {
            figures.key_leaks += leaks(output.to_string().as_bytes());
            let error = output["error"].as_str().unwrap_or_default();
            let as_expected = match expect {
                None => output["success"] == json!(true),
                Some(prefix) => {
                    output["success"] == json!(false) && error.starts_with(&format!("{prefix}:"))
                }
            };
            if !as_expected {
                figures.unexpected.push(format!(
                    "{case}: expected {}, got {output}",
                    expect.map_or("success".to_owned(), |p| format!("success=false with {p}:"))
                ));
            }
        }
    }
    figures.key_leaks += leaks(&session.printed());
}

/// Runs one fault on one action and generation, then checks that the same
/// instance still answers.
async fn fault_case(
    plugins: Plugins,
    spec: FaultSpec,
    action: &'static str,
    generation: &'static str,
) -> Result<Figures> {
    let mut figures = Figures {
        fault_cases: 1,
        ..Figures::default()
    };
    let case = format!("{generation} {action} / {}", spec.name);
    let sim = Simulator::start(0, &[CANARY_KEY])?;
    let mut settings = Settings::new(env(sim.url(), generation));
    let mut plugin = &plugins.normal;
    // Keeps a refusing port reserved until the case ends.
    let mut reserved = None;
    match &spec.source {
        Source::Sim(kind) => sim.push_fault(Fault::times(3, kind.clone())),
        Source::SimOnce(kind) => sim.push_fault(Fault::once(kind.clone())),
        Source::Refused => {
            let (socket, closed) = crate::sim::refusing_address()?;
            reserved = Some(socket);
            settings = Settings::new(env(&format!("http://{closed}"), generation));
        }
        Source::Denied => settings.allow = Allow::Only("api.heygen.com".into()),
        Source::StallWithoutHostTimeouts => {
            sim.push_fault(Fault::times(3, FaultKind::StallBody));
            plugin = &plugins.without_timeouts;
        }
    }
    let mut session = plugin.session(&settings).await?;
    let started = Instant::now();
    let outcome = session.call(action, &valid_args(action)).await;
    let elapsed = started.elapsed();
    figures.longest_failure = (elapsed, case.clone());
    // An action only v3 has is refused on legacy before anything is sent.
    let entry = heygen_plugin::actions::find(action);
    let kind = entry.map_or(Kind::Read, |e| e.kind);
    let pure = entry.is_some_and(|e| e.pure);
    let expect = if entry.is_some_and(|e| e.v3_only) && generation == "legacy" {
        Some("unsupported")
    } else if pure {
        // A pure action sends nothing, so no fault can reach it.
        None
    } else {
        spec.expect.prefix(kind, generation)
    };
    judge(&mut figures, &case, &session, &outcome, expect);
    if pure && !sim.requests().is_empty() {
        figures
            .unexpected
            .push(format!("{case}: a pure action sent a request"));
    }
    // A create that failed after the simulator acted must say the video may
    // exist, so that nobody creates it again blindly.
    if let (Expect::AfterProcessing(_), Kind::Create, Some(prefix), Ok(output)) =
        (spec.expect, kind, expect, &outcome)
        && prefix != "unsupported"
    {
        let error = output["error"].as_str().unwrap_or_default();
        if !error.contains("may have created the") {
            figures.unexpected.push(format!(
                "{case}: the error does not say the video may exist: {error}"
            ));
        }
    }
    if sim.created() > 1 {
        figures.double_creates += 1;
    }
    if kind == Kind::Create
        && matches!(spec.source, Source::SimOnce(_))
        && expect != Some("unsupported")
    {
        figures.processed_creates += 1;
    }
    sim.clear_faults();
    // The same instance answers the next call as it should (a refusing port
    // still refuses: it stays reserved until here).
    let next = session.call("list_custom_events_options", &json!({})).await;
    let expect_next = match spec.source {
        Source::Refused => Some("transport_error"),
        Source::Denied => Some("request_denied"),
        _ => None,
    };
    if expect_next.is_none() {
        match &next {
            Ok(output) if output["success"] == json!(true) => {}
            other => figures.unexpected.push(format!(
                "{case}: the next call on the same instance failed: {other:?}"
            )),
        }
        figures.key_leaks += next.as_ref().map_or(0, |o| leaks(o.to_string().as_bytes()));
    } else {
        judge(
            &mut figures,
            &format!("{case} (next call)"),
            &session,
            &next,
            expect_next,
        );
    }
    drop(reserved);
    Ok(figures)
}

/// A bad input: arguments for an action, refused with `prefix` before anything is sent.
struct BadInput {
    name: String,
    action: &'static str,
    args: Args,
    env: Vec<(&'static str, String)>,
    generations: &'static [&'static str],
    prefix: &'static str,
}

enum Args {
    /// Card-named JSON through the WIT face.
    Json(Value),
    /// Valid JSON arguments with `scale` replaced by this raw `f64`.
    Scale(f64),
    /// A raw body through the HTTP face.
    HttpBody(Vec<u8>),
}

const BOTH: &[&str] = &["v3", "legacy"];

fn bad_inputs() -> Vec<BadInput> {
    let mut cases = Vec::new();
    let mut add = |name: String,
                   action: &'static str,
                   args: Args,
                   generations: &'static [&'static str],
                   prefix: &'static str| {
        cases.push(BadInput {
            name,
            action,
            args,
            env: Vec::new(),
            generations,
            prefix,
        })
    };
    let bad_ids: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("blank", "   ".into()),
        ("slash", "abc/def".into()),
        ("dot-dot", "..".into()),
        ("question mark", "abc?x=1".into()),
        ("hash", "abc#top".into()),
        ("percent", "abc%2F..".into()),
        ("CR LF", "abc\r\nX-Injected: 1".into()),
        ("LF", "abc\ndef".into()),
        ("NUL", "abc\0def".into()),
        ("10 KB", "x".repeat(10_240)),
    ];
    for (label, id) in &bad_ids {
        let photo = valid_args("create_talking_photo");
        for field in ["talking_photo_id", "voice_id"] {
            let mut args = photo.clone();
            args[field] = json!(id);
            add(
                format!("{field} {label}"),
                "create_talking_photo",
                Args::Json(args),
                BOTH,
                "invalid_input",
            );
        }
        let mut template = valid_args("create_video_from_template");
        template["template_id"] = json!(id);
        add(
            format!("template_id {label}"),
            "create_video_from_template",
            Args::Json(template),
            BOTH,
            "invalid_input",
        );
        add(
            format!("video_id {label}"),
            "retrieve_video_link",
            Args::Json(json!({"video_id": id})),
            BOTH,
            "invalid_input",
        );
        add(
            format!("wait_for_video video_id {label}"),
            "wait_for_video",
            Args::Json(json!({"video_id": id})),
            BOTH,
            "invalid_input",
        );
        add(
            format!("delete_video video_id {label}"),
            "delete_video",
            Args::Json(json!({"video_id": id})),
            &["v3"],
            "invalid_input",
        );
        add(
            format!("get_template template_id {label}"),
            "get_template",
            Args::Json(json!({"template_id": id})),
            &["v3"],
            "invalid_input",
        );
    }
    for seconds in [json!(0), json!(601), json!(-1), json!(1.5), json!("10")] {
        add(
            format!("timeout_seconds {seconds}"),
            "wait_for_video",
            Args::HttpBody(
                json!({"video_id": "abc", "timeout_seconds": seconds})
                    .to_string()
                    .into_bytes(),
            ),
            BOTH,
            "invalid_input",
        );
    }
    for args in [
        json!({"limit": 0}),
        json!({"limit": 1001}),
        json!({"limit": "10"}),
        json!({"title": " "}),
        json!({"title": "x".repeat(257)}),
    ] {
        add(
            format!("list_videos {args}"),
            "list_videos",
            Args::HttpBody(args.to_string().into_bytes()),
            &["v3"],
            "invalid_input",
        );
    }
    for (field, value) in [("avatar_type", "robot"), ("ownership", "shared")] {
        add(
            format!("list_avatars {field} = {value}"),
            "list_avatars",
            Args::HttpBody(json!({ field: value }).to_string().into_bytes()),
            &["v3"],
            "invalid_input",
        );
    }
    for (label, text, generations) in [
        ("empty", String::new(), BOTH),
        ("blank", " \n\t ".into(), BOTH),
        ("NUL", "a\0b".into(), BOTH),
        ("2,001 characters", "x".repeat(2_001), &["legacy"][..]),
        ("5,001 characters", "x".repeat(5_001), BOTH),
    ] {
        let mut args = valid_args("create_talking_photo");
        args["input_text"] = json!(text);
        add(
            format!("input_text {label}"),
            "create_talking_photo",
            Args::Json(args),
            generations,
            "invalid_input",
        );
    }
    for scale in [-0.1, 2.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        add(
            format!("scale {scale}"),
            "create_talking_photo",
            Args::Scale(scale),
            BOTH,
            "invalid_input",
        );
    }
    for (field, value) in [
        ("talking_photo_style", "triangle"),
        ("talking_style", "wild"),
        ("expression", "sad"),
    ] {
        let mut args = valid_args("create_talking_photo");
        args[field] = json!(value);
        add(
            format!("{field} = {value} (JSON)"),
            "create_talking_photo",
            Args::HttpBody(args.to_string().into_bytes()),
            BOTH,
            "invalid_input",
        );
    }
    for (label, body) in [
        ("malformed JSON", "{\"video_id\":".to_owned()),
        ("an array", "[\"abc\"]".into()),
        ("a number id", "{\"video_id\": 5}".into()),
        (
            "an unknown argument",
            "{\"video_id\": \"abc\", \"format\": \"mp4\"}".into(),
        ),
        (
            "non-UTF-8",
            String::from_utf8_lossy(&[0xff, 0xfe]).into_owned(),
        ),
    ] {
        add(
            format!("retrieve_video_link with {label} (JSON)"),
            "retrieve_video_link",
            Args::HttpBody(body.into_bytes()),
            BOTH,
            "invalid_input",
        );
    }
    for (label, variables) in [
        ("a JSON array", json!("[1, 2]")),
        ("not JSON", json!("{headline: Hi}")),
        ("a number", json!("42")),
        ("a string member", json!({"headline": "Hi"})),
        (
            "an unknown type",
            json!({"headline": {"name": "headline", "type": "sticker", "properties": {}}}),
        ),
        ("no type", json!({"headline": {"content": "Hi"}})),
        (
            "a blank name",
            json!({" ": {"name": " ", "type": "text", "properties": {"content": "Hi"}}}),
        ),
        (
            "properties that are not an object",
            json!({"headline": {"name": "headline", "type": "text", "properties": "Hi"}}),
        ),
    ] {
        let mut args = valid_args("create_video_from_template");
        args["variables"] = variables;
        add(
            format!("variables: {label}"),
            "create_video_from_template",
            Args::Json(args),
            BOTH,
            "invalid_input",
        );
    }
    let mut args = valid_args("create_video_from_template");
    args["variables"] = json!(42);
    add(
        "variables: a number (JSON)".into(),
        "create_video_from_template",
        Args::HttpBody(args.to_string().into_bytes()),
        BOTH,
        "invalid_input",
    );
    let mut args = valid_args("create_video_from_template");
    args["variables"] =
        json!({"headline": {"name": "headline", "type": "text", "properties": {"content": ""}}});
    add(
        "variables: empty text content".into(),
        "create_video_from_template",
        Args::Json(args),
        &["v3"],
        "invalid_input",
    );
    for (label, changes) in [
        ("a malformed signature", json!({"signature": "zz"})),
        (
            "a sha1 signature",
            json!({"signature": "sha1=0123456789abcdef0123456789abcdef01234567"}),
        ),
        (
            "a v1 signature without event_id",
            json!({"signature": "v1,AAAA", "timestamp": "1"}),
        ),
        (
            "a v1 signature without timestamp",
            json!({"signature": "v1,AAAA", "event_id": "e"}),
        ),
        ("a timestamp in words", json!({"timestamp": "now"})),
        ("tolerance_seconds 0", json!({"tolerance_seconds": 0})),
        (
            "tolerance_seconds 86401",
            json!({"tolerance_seconds": 86_401}),
        ),
        ("a blank secret", json!({"secret": " "})),
        (
            "a payload over 256 KiB",
            json!({"payload": "x".repeat(256 * 1024 + 1)}),
        ),
    ] {
        let mut args = valid_args("verify_webhook");
        for (field, value) in changes.as_object().into_iter().flatten() {
            args[field] = value.clone();
        }
        add(
            format!("verify_webhook with {label}"),
            "verify_webhook",
            Args::Json(args),
            BOTH,
            "invalid_input",
        );
    }
    for (label, key, prefix) in [
        ("CR LF", "abc\r\nX-Injected: 1", "invalid_credentials"),
        ("a space", "abc def", "invalid_credentials"),
        ("DEL", "abc\u{7f}", "invalid_credentials"),
        ("non-ASCII", "ключ", "invalid_credentials"),
        ("empty", "", "missing_credentials"),
    ] {
        cases.push(BadInput {
            name: format!("API key with {label}"),
            action: "list_voice_id_options",
            args: Args::Json(json!({})),
            env: vec![("HEYGEN_API_KEY", key.to_owned())],
            generations: BOTH,
            prefix,
        });
    }
    for (label, url) in [
        ("userinfo", "https://user:pw@api.heygen.com"),
        ("a query", "https://api.heygen.com/?region=eu"),
        ("a fragment", "https://api.heygen.com/#x"),
        ("http to a public host", "http://api.heygen.com"),
        ("no host", "https://"),
        ("no scheme", "api.heygen.com"),
        ("an ftp scheme", "ftp://api.heygen.com"),
    ] {
        cases.push(BadInput {
            name: format!("base URL with {label}"),
            action: "retrieve_video_link",
            args: Args::Json(valid_args("retrieve_video_link")),
            env: vec![("HEYGEN_BASE_URL", url.to_owned())],
            generations: BOTH,
            prefix: "invalid_config",
        });
    }
    cases
}

/// Runs one bad input on one generation.
async fn bad_input_case(
    plugins: Plugins,
    input: Arc<BadInput>,
    generation: &'static str,
) -> Result<Figures> {
    let mut figures = Figures {
        bad_inputs: 1,
        ..Figures::default()
    };
    let case = format!("{generation} bad input: {}", input.name);
    let sim = Simulator::start(0, &[CANARY_KEY])?;
    let mut env = env(sim.url(), generation);
    for (name, value) in &input.env {
        env.retain(|(k, _)| k != name);
        env.push((name.to_string(), value.clone()));
    }
    env.push(("HEYGEN_FACE_TOKEN".into(), CANARY_FACE_TOKEN.into()));
    let settings = Settings::new(env);
    let mut session = plugins.normal.session(&settings).await?;
    let outcome = match &input.args {
        Args::Json(args) => session.call(input.action, args).await,
        Args::Scale(scale) => {
            let valid = valid_args(input.action);
            match session.params(input.action, &valid) {
                Ok(params) => session
                    .call_values(input.action, with_scale(params, *scale))
                    .await
                    .map(|output| crate::values::to_json(&output)),
                Err(e) => Err(e),
            }
        }
        Args::HttpBody(body) => {
            let request = http::Request::post(format!("http://localhost/actions/{}", input.action))
                .header("authorization", format!("Bearer {CANARY_FACE_TOKEN}"))
                .body(bytes::Bytes::from(body.clone()))?;
            let answer = plugins.http_face.request(&settings, request).await?;
            figures.key_leaks += leaks(&answer.body);
            if answer.status != 400 {
                figures
                    .unexpected
                    .push(format!("{case}: HTTP face answered {}", answer.status));
            }
            Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
        }
    };
    judge(&mut figures, &case, &session, &outcome, Some(input.prefix));
    figures.bad_input_requests += sim.requests().len();
    if !sim.requests().is_empty() {
        figures.unexpected.push(format!(
            "{case}: {} request(s) reached HeyGen",
            sim.requests().len()
        ));
    }
    Ok(figures)
}

/// The `create-talking-photo` parameters with the record's `scale` set to a
/// raw `f64` (the rest as the valid JSON arguments gave them).
fn with_scale(mut params: Vec<Val>, scale: f64) -> Vec<Val> {
    if let Some(Val::Record(fields)) = params.first_mut() {
        for (name, value) in fields.iter_mut() {
            if name == "scale" {
                *value = Val::Option(Some(Box::new(Val::Float64(scale))));
            }
        }
    }
    params
}

/// Runs the whole matrix (a minute or two on 2 cores; cases run concurrently).
pub async fn run(plugins: &Plugins) -> Result<Figures> {
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let specs = faults();
    let mut figures = Figures {
        faults: specs.len(),
        ..Figures::default()
    };
    for spec in specs {
        for action in actions() {
            for generation in ["v3", "legacy"] {
                let (plugins, spec, limit) = (plugins.clone(), spec.clone(), limit.clone());
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await?;
                    fault_case(plugins, spec, action, generation).await
                });
            }
        }
    }
    for input in bad_inputs().into_iter().map(Arc::new) {
        for generation in input.generations {
            let (plugins, input, limit) = (plugins.clone(), input.clone(), limit.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await?;
                bad_input_case(plugins, input, generation).await
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        figures.merge(done??);
    }
    // The manifest carries no key either.
    let manifest = plugins
        .http_face
        .request(
            &Settings::new(env("https://api.heygen.com", "v3")),
            http::Request::get("http://localhost/actions").body(bytes::Bytes::new())?,
        )
        .await?;
    figures.key_leaks += leaks(&manifest.body);
    figures.unexpected.sort();
    Ok(figures)
}
