//! The pooled sender: fresh instances reuse one connection, and every
//! failure reaches the plugin as the same `wasi:http` error as through
//! wasmtime-wasi-http's default (new connection per request) sender.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use heygen_host::pool::SenderKind;
use heygen_host::runtime::{Plugin, Runtime, Settings};
use heygen_host::sim::{Fault, FaultKind};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use wasmtime::Config;

use crate::common::Case;

fn plugin(kind: SenderKind) -> &'static Plugin {
    static POOLED: OnceLock<Plugin> = OnceLock::new();
    static PER_REQUEST: OnceLock<Plugin> = OnceLock::new();
    let cell = match kind {
        SenderKind::Pooled => &POOLED,
        SenderKind::PerRequest => &PER_REQUEST,
    };
    cell.get_or_init(|| {
        let runtime = Runtime::with_sender(&Config::new(), kind).expect("engine");
        assert_eq!(runtime.sender(), kind);
        Plugin::embedded(&runtime).expect("plugin")
    })
}

async fn call(kind: SenderKind, env: &[(String, String)], action: &str) -> Value {
    let mut session = plugin(kind)
        .session(&Settings::new(env.to_vec()))
        .await
        .expect("instance");
    session
        .call(action, &json!({}))
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

/// A TCP proxy to `target` that counts the connections it accepts.
async fn counting_proxy(target: SocketAddr) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn fresh_instances_share_one_pooled_connection() {
    for (kind, calls) in [(SenderKind::Pooled, 6), (SenderKind::PerRequest, 6)] {
        let mut case = Case::new("v3");
        let (proxy, accepted) = counting_proxy(case.sim.addr()).await;
        let url = format!("http://{proxy}");
        case.set("HEYGEN_BASE_URL", Some(&url));
        for _ in 0..calls {
            let output = call(kind, &case.env, "list_custom_events_options").await;
            assert_eq!(output["success"], json!(true), "{output:#}");
        }
        // Pages of the voice list go over the same connection too.
        let output = call(kind, &case.env, "list_voice_id_options").await;
        assert_eq!(output["success"], json!(true), "{output:#}");
        let requests = case.requests().len();
        let connections = accepted.load(Ordering::SeqCst);
        match kind {
            SenderKind::Pooled => assert_eq!(connections, 1, "{requests} requests"),
            SenderKind::PerRequest => assert_eq!(connections, requests),
        }
    }
}

/// The plugin's `error` for a failed call, with numbers (ports, times) blanked.
fn error_shape(output: &Value) -> String {
    assert_eq!(output["success"], json!(false), "{output:#}");
    output["error"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// The same failing call through both senders: the errors, pooled first.
async fn both_errors(env: &[(String, String)], prepare: impl Fn()) -> (String, String) {
    prepare();
    let pooled = error_shape(&call(SenderKind::Pooled, env, "list_custom_events_options").await);
    prepare();
    let per_request =
        error_shape(&call(SenderKind::PerRequest, env, "list_custom_events_options").await);
    (pooled, per_request)
}

/// The same failing call through both senders gives the same error.
async fn same_error(env: &[(String, String)], prepare: impl Fn()) -> String {
    let (pooled, per_request) = both_errors(env, prepare).await;
    assert_eq!(pooled, per_request);
    pooled
}

#[tokio::test]
async fn a_refused_connection_looks_the_same_through_both_senders() {
    let mut case = Case::new("v3");
    let (_reserved, closed) = heygen_host::sim::refusing_address().expect("a refusing port");
    let url = format!("http://{closed}");
    case.set("HEYGEN_BASE_URL", Some(&url));
    let error = same_error(&case.env, || {}).await;
    println!("{error}");
}

#[tokio::test]
async fn a_failed_tls_handshake_looks_the_same_through_both_senders() {
    let mut case = Case::new("v3");
    // An HTTPS base URL pointing at the simulator, which speaks plain HTTP.
    let url = format!("https://{}", case.sim.addr());
    case.set("HEYGEN_BASE_URL", Some(&url));
    let error = same_error(&case.env, || {}).await;
    println!("{error}");
    assert!(case.requests().is_empty());
}

#[tokio::test]
async fn timeouts_and_broken_answers_look_the_same_through_both_senders() {
    for fault in [FaultKind::NoAnswer, FaultKind::CloseMidBody] {
        let mut case = Case::new("v3");
        case.set("HEYGEN_TIMEOUT_MS", Some("600"));
        let error = same_error(&case.env, || {
            case.sim.clear_faults();
            case.sim.push_fault(Fault::times(100, fault.clone()));
        })
        .await;
        println!("{fault:?}: {error}");
    }
}

#[tokio::test]
async fn a_stalled_body_times_out_through_both_senders() {
    let mut case = Case::new("v3");
    case.set("HEYGEN_TIMEOUT_MS", Some("600"));
    let (pooled, per_request) = both_errors(&case.env, || {
        case.sim.clear_faults();
        case.sim.push_fault(Fault::times(100, FaultKind::StallBody));
    })
    .await;
    // The host's between-bytes timeout (the guest sets it to what remains of
    // its budget) and the guest's own deadline end within the same
    // millisecond: either may report it, through either sender.
    for error in [pooled, per_request] {
        assert!(
            error.starts_with("timeout: no complete answer (the body stalled)")
                || error.starts_with("timeout: no complete answer (the connection went silent)"),
            "{error}"
        );
    }
}
