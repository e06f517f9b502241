//! The host's guards against a misbehaving component: a call that runs past
//! its time budget and a memory that grows past the limit are stopped with a
//! clear error, and the same runtime goes on serving the plugin.

use std::hash::{Hash, Hasher};
use std::process::Command;
use std::time::{Duration, Instant};

use heygen_host::runtime::{
    CallError, GRACE, HostFeatures, MEMORY_LIMIT, Plugin, Runtime, Settings,
};
use serde_json::json;
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

use crate::common::{Case, assert_card_shape};

/// A stand-in for the plugin that exports every action of the registry:
/// `list-voice-id-options` grows memory by 1 MiB until refused, every other
/// action loops forever. `ACTIONS` is replaced by the exports.
const RUNAWAY_WAT: &str = r#"
(component
  (core module $m
    (memory (export "memory") 1)
    (func (export "spin")
      (loop $forever (br $forever)))
    (func (export "grow")
      ;; 16 pages (1 MiB) at a time, until memory.grow says no.
      (loop $more
        (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))))
  (core instance $i (instantiate $m))
  (func $spin (canon lift (core func $i "spin")))
  (func $grow (canon lift (core func $i "grow")))
  (instance $actions ACTIONS)
  (export "modulex:heygen/actions@0.1.0" (instance $actions)))
"#;

/// `wat` with `ACTIONS` replaced by an export of every registry action, each
/// lifted from the function `pick` names for it.
fn with_every_action(wat: &str, pick: fn(&str) -> &'static str) -> Vec<u8> {
    let exports: String = heygen_plugin::actions::ALL
        .iter()
        .map(|entry| {
            let name = entry.name.replace('_', "-");
            format!("(export \"{name}\" (func {}))\n", pick(&name))
        })
        .collect();
    wat::parse_str(wat.replace("ACTIONS", &exports)).expect("the stand-in component's text")
}

fn runaway_wasm() -> Vec<u8> {
    with_every_action(RUNAWAY_WAT, |name| {
        if name == "list-voice-id-options" {
            "$grow"
        } else {
            "$spin"
        }
    })
}

fn runaway(runtime: &Runtime) -> Plugin {
    let component = Component::new(runtime.engine(), runaway_wasm()).expect("compile");
    Plugin::new(runtime, &component, HostFeatures::default()).expect("prepare")
}

fn with_budget(case: &Case, ms: &str) -> Settings {
    let mut env = case.env.clone();
    env.push(("HEYGEN_TIMEOUT_MS".into(), ms.into()));
    Settings::new(env)
}

/// The runtime still serves the real plugin.
async fn still_serves(runtime: &Runtime, case: &Case) {
    let plugin = Plugin::embedded(runtime).expect("plugin");
    let mut session = plugin
        .session(&with_budget(case, "2000"))
        .await
        .expect("instance");
    let output = session
        .call("list_custom_events_options", &json!({}))
        .await
        .expect("call");
    assert_card_shape("list_custom_events_options", &output);
    assert_eq!(output["success"], json!(true), "{output:#}");
}

#[tokio::test]
async fn a_call_past_its_time_budget_is_stopped_and_the_host_serves_on() {
    let case = Case::new("v3");
    let runtime = Runtime::new().expect("engine");
    let plugin = runaway(&runtime);
    let budget = Duration::from_millis(200);
    for attempt in 0..2 {
        let mut session = plugin
            .session(&with_budget(&case, "200"))
            .await
            .expect("instance");
        let started = Instant::now();
        let error = match session.call("list_custom_events_options", &json!({})).await {
            Err(CallError::Host(e)) => format!("{e:#}"),
            other => panic!("expected the call to be stopped, got {other:?}"),
        };
        let took = started.elapsed();
        assert_eq!(
            error,
            "the component ran past its time budget (200 ms, plus 5 s of grace) and was stopped",
            "attempt {attempt}"
        );
        assert!(
            took >= budget + GRACE - Duration::from_millis(150) && took < budget + GRACE * 3,
            "stopped after {took:?}"
        );
    }
    still_serves(&runtime, &case).await;
}

#[tokio::test]
async fn memory_past_the_limit_stops_the_call_and_the_host_serves_on() {
    let case = Case::new("v3");
    let runtime = Runtime::new().expect("engine");
    let plugin = runaway(&runtime);
    let mut session = plugin
        .session(&with_budget(&case, "2000"))
        .await
        .expect("instance");
    let started = Instant::now();
    let error = match session.call("list_voice_id_options", &json!({})).await {
        Err(CallError::Host(e)) => format!("{e:#}"),
        other => panic!("expected the call to be stopped, got {other:?}"),
    };
    assert_eq!(MEMORY_LIMIT, 16 << 20);
    assert_eq!(
        error,
        "the component tried to grow its memory to 16.1 MiB, past the host's limit of 16 MiB, and was stopped"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        session.peak_memory(),
        MEMORY_LIMIT - (1 << 20) + (64 << 10),
        "the last 1 MiB step that fitted"
    );
    still_serves(&runtime, &case).await;
}

#[tokio::test]
async fn the_largest_voice_list_fits_the_memory_limit() {
    let case = Case::new("legacy");
    case.sim.set_voice_count(2_000);
    let runtime = Runtime::new().expect("engine");
    let plugin = Plugin::embedded(&runtime).expect("plugin");
    let mut session = plugin.session(&case.settings()).await.expect("instance");
    let output = session
        .call("list_voice_id_options", &json!({}))
        .await
        .expect("call");
    assert_eq!(output["success"], json!(true), "{output:#}");
    let peak = session.peak_memory();
    assert!(peak > 1 << 20 && peak < MEMORY_LIMIT / 4, "peak {peak}");
}

#[test]
fn the_cli_stops_a_runaway_component_with_a_message_and_a_failure_status() {
    let case = Case::new("v3");
    let file = std::env::temp_dir().join(format!("heygen-runaway-{}.wasm", std::process::id()));
    std::fs::write(&file, runaway_wasm()).expect("write the component");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_heygen-host"))
        .args(["call", "list_custom_events_options", "--component"])
        .arg(&file)
        .envs(case.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("HEYGEN_TIMEOUT_MS", "200")
        .output()
        .expect("run heygen-host");
    let took = started.elapsed();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(
            "the component ran past its time budget (200 ms, plus 5 s of grace) and was stopped"
        ),
        "stderr: {stderr}"
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(printed["success"], json!(false));
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn epoch_interruption_is_part_of_the_component_cache_key() {
    let hash = |config: &Config| {
        let engine = Engine::new(config).expect("engine");
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        hasher.finish()
    };
    let mut with_epochs = Config::new();
    with_epochs.epoch_interruption(true);
    assert_ne!(hash(&Config::new()), hash(&with_epochs));
    // And the runtime's engine is the one with epochs.
    let runtime = Runtime::new().expect("engine");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    runtime
        .engine()
        .precompile_compatibility_hash()
        .hash(&mut hasher);
    assert_eq!(hasher.finish(), hash(&with_epochs));
}

/// A stand-in for the plugin whose every action blocks for an hour inside a
/// host call (`pollable.block` on a monotonic-clock timer): no wasm code runs
/// while it waits, so epoch interruption alone would not stop it.
const BLOCKED_WAT: &str = r#"
(component
  (type $poll-type (instance
    (export "pollable" (type (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow 0))))))
  (import "wasi:io/poll@0.2.0" (instance $poll (type $poll-type)))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (alias outer 1 $pollable (type $p))
    (export "pollable" (type (eq $p)))
    (export "subscribe-duration" (func (param "when" u64) (result (own 1))))))
  (core func $subscribe (canon lower (func $clock "subscribe-duration")))
  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core module $m
    (import "clock" "subscribe" (func $subscribe (param i64) (result i32)))
    (import "poll" "block" (func $block (param i32)))
    (func (export "wait")
      ;; An hour, in nanoseconds.
      (call $block (call $subscribe (i64.const 3600000000000)))))
  (core instance $i (instantiate $m
    (with "clock" (instance (export "subscribe" (func $subscribe))))
    (with "poll" (instance (export "block" (func $block))))))
  (func $wait (canon lift (core func $i "wait")))
  (instance $actions ACTIONS)
  (export "modulex:heygen/actions@0.1.0" (instance $actions)))
"#;

#[tokio::test]
async fn a_call_waiting_in_the_host_past_its_budget_is_stopped_too() {
    let case = Case::new("v3");
    let runtime = Runtime::new().expect("engine");
    let wasm = with_every_action(BLOCKED_WAT, |_| "$wait");
    let component = Component::new(runtime.engine(), wasm).expect("compile");
    let plugin = Plugin::new(&runtime, &component, HostFeatures::default()).expect("prepare");
    let mut session = plugin
        .session(&with_budget(&case, "200"))
        .await
        .expect("instance");
    let started = Instant::now();
    let error = match session.call("retrieve_video_link", &json!({})).await {
        Err(CallError::Host(e)) => format!("{e:#}"),
        other => panic!("expected the call to be stopped, got {other:?}"),
    };
    let took = started.elapsed();
    assert_eq!(
        error,
        "the component ran past its time budget (200 ms, plus 5 s of grace) and was stopped"
    );
    assert!(
        took >= Duration::from_millis(200) + GRACE && took < Duration::from_millis(200) + GRACE * 3,
        "stopped after {took:?}"
    );
    // The dropped instance refuses further calls rather than hanging.
    let again = tokio::time::timeout(
        Duration::from_secs(30),
        session.call("retrieve_video_link", &json!({})),
    )
    .await
    .expect("the next call on the stopped instance returns");
    assert!(matches!(again, Err(CallError::Host(_))), "{again:?}");
    still_serves(&runtime, &case).await;
}
