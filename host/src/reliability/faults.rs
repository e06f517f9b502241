//! The fault catalogue ([`catalogue`]): every way HeyGen or the network can
//! misbehave, with the exact end each case must have, and the runner of one
//! fault on one action and generation.

use std::time::{Duration, Instant};

use anyhow::Result;
use heygen_plugin::actions::Kind;
use serde_json::json;

use super::judge::{Figures, judge, leaks};
use super::{CANARY_KEY, Plugins, env, valid_args};
use crate::runtime::{Allow, Settings};
use crate::sim::{Fault, FaultKind, Simulator};

/// Where a fault comes from.
#[derive(Clone, Debug)]
pub(super) enum Source {
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
pub(super) enum Expect {
    /// Fails with this prefix everywhere, except that a wait outlasts it
    /// (see [`WAIT_ENDERS`]).
    Fails(&'static str),
    /// Fails with this prefix everywhere, a wait included: nothing is left to
    /// wait for (HeyGen asks for a pause longer than any budget).
    Ends(&'static str),
    /// Fails with one prefix on v3 and another on legacy.
    FailsPer {
        v3: &'static str,
        legacy: &'static str,
    },
    /// The simulator acted, then its answer was lost: `None` (the call
    /// succeeds) or the prefix, for an action (its name and kind) on a
    /// generation. A create that fails must also say the video may exist.
    AfterProcessing(fn(&str, Kind, &str) -> Option<&'static str>),
}

impl Expect {
    /// The prefix the case must fail with (`None`: it must succeed).
    fn prefix(self, action: &str, kind: Kind, generation: &str) -> Option<&'static str> {
        match self {
            Expect::Fails(prefix) | Expect::Ends(prefix) => Some(prefix),
            Expect::FailsPer { v3, legacy } => Some(if generation == "v3" { v3 } else { legacy }),
            Expect::AfterProcessing(decide) => decide(action, kind, generation),
        }
    }
}

/// The prefixes of the answers that end a wait at once (`crate::wait`'s
/// rule, written out here on its own).
const WAIT_ENDERS: [&str; 4] = ["http_400", "http_401", "http_403", "http_404"];

/// The creates whose `Idempotency-Key` HeyGen documents as honoured
/// (`/v3/videos`, template generate, webhook endpoints): on v3 only these may
/// be retried after HeyGen may have acted. Every other create is sent once.
const REPLAYED_CREATES: [&str; 4] = [
    "create_talking_photo",
    "create_talking_photo_from_image",
    "create_video_from_template",
    "create_webhook_endpoint",
];

/// One scripted fault and what it must end with.
#[derive(Clone, Debug)]
pub struct FaultSpec {
    /// What it is, in a few words.
    pub name: String,
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

/// Every fault in the matrix (each runs on every action and generation).
pub fn catalogue() -> Vec<FaultSpec> {
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
    // The components' shadow stack is 32 KiB (`.cargo/config.toml`): the
    // deepest JSON the plugin reads (`MAX_JSON_DEPTH`, 32 levels) is parsed
    // and dropped, and deeper JSON refused unparsed, without overflowing it
    // (an overflow traps).
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    add(
        "200 with JSON nested 32 deep".into(),
        ok(
            format!(r#"{{"data":{}}}"#, nested(31)).as_bytes(),
            "application/json",
        ),
        Expect::Fails("bad_response"),
    );
    add(
        "200 with JSON nested 100,000 deep".into(),
        ok(nested(100_000).as_bytes(), "application/json"),
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
        Expect::Ends("http_429"),
    );
    // The simulator performs the request (a create makes the video), then the
    // answer is lost, delayed past the budget or garbled, on the first attempt
    // only: the double-create figure counts what really happened.
    add(
        "processed, then the connection closes mid-answer".into(),
        Source::SimOnce(FaultKind::ProcessThenClose),
        Expect::AfterProcessing(|action, kind, generation| match (kind, generation) {
            // v3 retries a create HeyGen replays under the same
            // Idempotency-Key; any other create (and every legacy one: no
            // key there) must not be retried.
            (Kind::Create, "v3") if REPLAYED_CREATES.contains(&action) => None,
            (Kind::Create, _) => Some("transport_error"),
            _ => None,
        }),
    );
    add(
        "processed, then the answer stalls past the budget".into(),
        Source::SimOnce(FaultKind::ProcessThenStall),
        Expect::AfterProcessing(|_, _, _| Some("timeout")),
    );
    add(
        "processed, then a 200 with an HTML page".into(),
        Source::SimOnce(FaultKind::ProcessThenGarble),
        Expect::AfterProcessing(|_, _, _| Some("bad_response")),
    );
    specs
}

/// Runs one fault on one action and generation, then checks that the same
/// instance still answers.
pub(super) async fn fault_case(
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
    // An action only v3 has is refused on legacy before anything is sent.
    let entry = heygen_plugin::actions::find(action);
    if entry.is_some_and(|e| e.waits) {
        figures.longest_wait = (elapsed, case.clone());
    } else {
        figures.longest_failure = (elapsed, case.clone());
    }
    let kind = entry.map_or(Kind::Read, |e| e.kind);
    let pure = entry.is_some_and(|e| e.pure);
    let expect = if entry.is_some_and(|e| e.v3_only) && generation == "legacy" {
        Some("unsupported")
    } else if pure {
        // A pure action sends nothing, so no fault can reach it.
        None
    } else {
        let prefix = spec.expect.prefix(action, kind, generation);
        // A wait outlasts what can improve: three failing answers in a row,
        // a stalled body, an answer lost after HeyGen acted. Only a refusal
        // that cannot improve ends it, and a host that never answers ends
        // it when its time is up.
        let waited_out = entry.is_some_and(|e| e.waits)
            && !matches!(spec.source, Source::Refused | Source::Denied)
            && !matches!(spec.expect, Expect::Ends(_))
            && !prefix.is_some_and(|p| WAIT_ENDERS.contains(&p));
        if waited_out { None } else { prefix }
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
