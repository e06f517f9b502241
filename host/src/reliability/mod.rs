//! The reliability matrix: scripted faults x actions x API generations, a
//! bad-input matrix, and a secret check, all through the real component. The
//! integration tests assert on its [`Figures`]; `heygen-host reliability`
//! prints them.
//!
//! Every case uses a recognisable API key ([`CANARY_KEY`]); a case leaks if
//! that value shows up in an output, in what the instance printed, or in a
//! host error.

pub mod bad_inputs;
pub mod faults;
mod judge;
pub mod repeats;

use std::sync::Arc;

use anyhow::Result;
use tokio::sync::Semaphore;

use crate::runtime::{HostFeatures, HttpFace, Plugin, Runtime, Settings, actions};

pub use judge::Figures;

/// The API key every case uses, to be searched for afterwards.
pub const CANARY_KEY: &str = "hg_CANARY_5ecret_9f2c41d7e0";
/// The HTTP face's token (`HEYGEN_FACE_TOKEN`) in the matrix: a secret too,
/// searched for like the key.
pub const CANARY_FACE_TOKEN: &str = "face_CANARY_7c1e5a09b3";
/// The time budget of every call in the matrix (`HEYGEN_TIMEOUT_MS`).
pub const BUDGET_MS: u64 = 2_000;
/// Cases run at once.
const CONCURRENCY: usize = 24;

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

/// Valid arguments for `action` (its registry example), so that only the
/// fault can make it fail; a wait gets [`WAIT_SECONDS`], time to outlast a
/// fault.
fn valid_args(action: &str) -> serde_json::Value {
    let Some(entry) = heygen_plugin::actions::find(action) else {
        return serde_json::Value::Null;
    };
    let mut args = entry.example_args();
    if entry.waits {
        args["timeout_seconds"] = serde_json::json!(WAIT_SECONDS);
    }
    args
}

/// `timeout_seconds` of every wait in the matrix: room for a poll that fails
/// three times within [`BUDGET_MS`], a pause, and a poll that succeeds.
pub const WAIT_SECONDS: u64 = 20;

fn env(base_url: &str, generation: &str) -> Vec<(String, String)> {
    vec![
        ("HEYGEN_API_KEY".into(), CANARY_KEY.into()),
        ("HEYGEN_BASE_URL".into(), base_url.into()),
        ("HEYGEN_API_VERSION".into(), generation.into()),
        ("HEYGEN_TIMEOUT_MS".into(), BUDGET_MS.to_string()),
    ]
}

/// Runs the whole matrix (a minute or two on 2 cores; cases run concurrently).
pub async fn run(plugins: &Plugins) -> Result<Figures> {
    run_only(plugins, &[]).await
}

/// Runs the cases of the actions named in `only` (snake_case; every action
/// when empty).
pub async fn run_only(plugins: &Plugins, only: &[String]) -> Result<Figures> {
    let chosen = |action: &str| only.is_empty() || only.iter().any(|a| a == action);
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let specs = faults::catalogue();
    let mut figures = Figures {
        faults: specs.len(),
        ..Figures::default()
    };
    for spec in specs {
        for action in actions().filter(|a| chosen(a)) {
            for generation in ["v3", "legacy"] {
                let (plugins, spec, limit) = (plugins.clone(), spec.clone(), limit.clone());
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await?;
                    faults::fault_case(plugins, spec, action, generation).await
                });
            }
        }
    }
    for input in bad_inputs::catalogue()
        .into_iter()
        .filter(|i| chosen(i.action))
        .map(Arc::new)
    {
        for generation in input.generations {
            let (plugins, input, limit) = (plugins.clone(), input.clone(), limit.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await?;
                bad_inputs::bad_input_case(plugins, input, generation).await
            });
        }
    }
    for action in repeats::KEYED_CREATES.into_iter().filter(|a| chosen(a)) {
        for loss in repeats::losses() {
            for generation in ["v3", "legacy"] {
                let (plugins, limit, loss) = (plugins.clone(), limit.clone(), loss.clone());
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await?;
                    repeats::repeat_case(plugins, action, loss, generation).await
                });
            }
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
    figures.key_leaks += judge::leaks(&manifest.body);
    figures.unexpected.sort();
    Ok(figures)
}
