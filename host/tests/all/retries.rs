//! Retries that never bill twice, counted through the real component: reads
//! retry on 429, 5xx and transport failures; v3 creates retry under one
//! `Idempotency-Key`; legacy creates retry only when nothing can have been
//! created.

use std::time::{Duration, Instant};

use heygen_host::sim::{Fault, FaultKind, data};
use serde_json::{Value, json};

use crate::common::{Case, assert_failed};

fn photo() -> Value {
    json!({"talking_photo_id": "tp_anna_office", "input_text": "Hello", "voice_id": data::voice_id(0)})
}

fn status(code: u16) -> FaultKind {
    FaultKind::json(
        code,
        r#"{"error":{"code":"service_unavailable","message":"try later"}}"#,
    )
}

fn keys(case: &Case) -> Vec<String> {
    case.requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_v3_create_meeting_503_503_200_makes_one_video_with_one_key() {
    let case = Case::new("v3");
    case.sim.push_fault(Fault::times(2, status(503)));
    let output = case.call("create_talking_photo", photo()).await;
    assert_eq!(output["success"], json!(true), "{output:#}");
    assert_eq!(case.sim.created(), 1);
    let keys = keys(&case);
    assert_eq!(keys.len(), 3);
    assert!(
        !keys[0].is_empty() && keys.iter().all(|k| *k == keys[0]),
        "{keys:?}"
    );
}

#[tokio::test]
async fn a_legacy_create_meeting_503_is_sent_once_and_says_how_to_check() {
    let case = Case::new("legacy");
    case.sim.push_fault(Fault::times(2, status(503)));
    let output = case.call("create_talking_photo", photo()).await;
    assert_failed(&output, "http_503: ");
    assert!(
        output["error"]
            .as_str()
            .unwrap_or_default()
            .contains("HeyGen may have created the video anyway")
    );
    assert_eq!(case.requests().len(), 1);
    assert_eq!(keys(&case), [""]);
}

#[tokio::test]
async fn a_lost_v3_answer_is_replayed_not_rendered_twice() {
    for action in ["create_talking_photo", "create_video_from_template"] {
        let case = Case::new("v3");
        case.sim
            .push_fault(Fault::once(FaultKind::ProcessThenClose));
        let args = if action == "create_talking_photo" {
            photo()
        } else {
            heygen_plugin::actions::find(action).unwrap().example_args()
        };
        let output = case.call(action, args).await;
        assert_eq!(output["success"], json!(true), "{output:#}");
        assert_eq!(case.sim.created(), 1, "{action}");
        let keys = keys(&case);
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0], keys[1]);
        assert_eq!(output["video_id"], json!(crate::common::sim_video_id(1)));
    }
}

#[tokio::test]
async fn a_lost_legacy_answer_is_not_retried() {
    let case = Case::new("legacy");
    case.sim
        .push_fault(Fault::once(FaultKind::ProcessThenClose));
    let output = case.call("create_talking_photo", photo()).await;
    assert_failed(&output, "transport_error: ");
    assert!(
        output["error"]
            .as_str()
            .unwrap_or_default()
            .contains("may have created the video")
    );
    assert_eq!(case.requests().len(), 1);
    assert_eq!(case.sim.created(), 1);
}

#[tokio::test]
async fn a_legacy_create_waits_out_a_429() {
    let case = Case::new("legacy");
    case.sim.push_fault(Fault::once(FaultKind::Respond {
        status: 429,
        headers: vec![("retry-after".into(), "1".into())],
        body:
            br#"{"data":null,"error":{"code":"rate_limit_exceeded","message":"Too many requests"}}"#
                .to_vec(),
    }));
    let started = Instant::now();
    let output = case.call("create_talking_photo", photo()).await;
    assert_eq!(output["success"], json!(true), "{output:#}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(case.requests().len(), 2);
    assert_eq!(case.sim.created(), 1);
}

#[tokio::test]
async fn a_v3_create_waits_while_the_first_attempt_is_in_progress() {
    let case = Case::new("v3");
    case.sim.push_fault(Fault::once(FaultKind::json(
        409,
        r#"{"error":{"code":"request_in_progress","message":"A request with this Idempotency-Key is in progress"}}"#,
    )));
    let output = case.call("create_talking_photo", photo()).await;
    assert_eq!(output["success"], json!(true), "{output:#}");
    let keys = keys(&case);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn reads_retry_twice_at_most() {
    let case = Case::new("v3");
    case.sim.push_fault(Fault::once(status(500)));
    case.sim.push_fault(Fault::once(FaultKind::CloseMidBody));
    let output = case.call("list_custom_events_options", json!({})).await;
    assert_eq!(output["success"], json!(true), "{output:#}");
    assert_eq!(case.requests().len(), 3);

    let case = Case::new("legacy");
    case.sim.push_fault(Fault::times(5, status(502)));
    let output = case.call("list_voice_id_options", json!({})).await;
    assert_failed(&output, "http_502: ");
    assert!(
        !output["error"]
            .as_str()
            .unwrap_or_default()
            .contains("may have created")
    );
    assert_eq!(case.requests().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_fails_at_once() {
    let mut case = Case::new("v3");
    case.set("HEYGEN_TIMEOUT_MS", Some("5000"));
    case.sim.push_fault(Fault::once(FaultKind::Respond {
        status: 429,
        headers: vec![("retry-after".into(), "3600".into())],
        body: br#"{"error":{"code":"rate_limit_exceeded","message":"Too many requests"}}"#.to_vec(),
    }));
    let started = Instant::now();
    let output = case
        .call("retrieve_video_link", json!({"video_id": "abc"}))
        .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_failed(
        &output,
        "http_429: HeyGen answered HTTP 429 rate_limit_exceeded: Too many requests",
    );
    assert!(
        output["error"]
            .as_str()
            .unwrap_or_default()
            .contains("wait 3600 s")
    );
    assert_eq!(case.requests().len(), 1);
}
