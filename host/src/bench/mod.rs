//! `heygen-host bench`: what the plugin costs, measured side by side with the
//! alternatives in one run, printed as a Markdown table. Every time is a
//! median with its spread (10th–90th percentile); every comparison is a
//! ratio of medians measured in the same run.

mod breakdown;
mod cold_start;
mod instantiation;
mod load;
mod mcp;
mod memory;
mod native;
mod per_call;
mod size;
mod stats;
mod upload;

use anyhow::{Result, bail};
use heygen_plugin::actions;
use serde_json::{Value, json};
use wasmtime::Config;

use crate::pool::SenderKind;
use crate::runtime::{Plugin, Runtime, Settings, pooling_config};
use crate::sim::{DEFAULT_KEY, Simulator};
use stats::Table;

/// How long and how often to measure.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fewer iterations and shorter load runs (for a quick look).
    pub quick: bool,
    /// Skip the `wasmtime serve` load test.
    pub no_serve: bool,
    /// Run only these sections (1-9); all when empty.
    pub sections: Vec<u8>,
}

impl Options {
    fn wants(&self, section: u8) -> bool {
        self.sections.is_empty() || self.sections.contains(&section)
    }
}

/// What every section measures with: the engine, the simulator, the plugin
/// loaded three ways, and the settings that point it at the simulator.
struct Setup {
    engine: wasmtime::Engine,
    sim: Simulator,
    settings: Settings,
    /// The plugin on the default (on-demand) allocator.
    plugin: Plugin,
    /// On the pooling allocator, with the pooled sender.
    pooled: Plugin,
    /// The same, sending as wasmtime-wasi-http does by default (and `wasmtime
    /// serve`): a new connection per request.
    per_request: Plugin,
    /// The pooling configuration of `pooled` and `per_request`.
    config: Config,
    /// 4 for `--quick` (a quarter of the iterations), else 1.
    scale: usize,
}

/// Runs the measurements and returns the table.
pub async fn run(options: Options) -> Result<String> {
    let runtime = Runtime::new()?;
    let sim = Simulator::start(0, &[DEFAULT_KEY])?;
    let config = pooling_config(100);
    let setup = Setup {
        engine: runtime.engine().clone(),
        settings: Settings::new(env_for(&sim, "v3")),
        plugin: Plugin::embedded(&runtime)?,
        pooled: Plugin::embedded(&Runtime::with_config(&config)?)?,
        per_request: Plugin::embedded(&Runtime::with_sender(&config, SenderKind::PerRequest)?)?,
        sim,
        config,
        scale: if options.quick { 4 } else { 1 },
    };
    let mut table = Table(String::new());
    if options.wants(1) {
        size::run(&mut table, &setup).await?;
    }
    if options.wants(2) {
        cold_start::run(&mut table, &setup).await?;
    }
    if options.wants(3) {
        instantiation::run(&mut table, &setup).await?;
    }
    if options.wants(4) {
        per_call::run(&mut table, &setup).await?;
    }
    if options.wants(5) {
        load::run(&mut table, &setup.sim, options.quick, options.no_serve).await?;
    }
    if options.wants(6) {
        memory::run(&mut table, &setup).await?;
    }
    if options.wants(7) {
        breakdown::run(&mut table, &setup).await?;
    }
    if options.wants(8) {
        mcp::section(&mut table, &setup.sim, setup.scale).await?;
    }
    if options.wants(9) {
        upload::run(&mut table, &setup).await?;
    }
    Ok(table.0)
}

pub(super) fn env_for(sim: &Simulator, generation: &str) -> Vec<(String, String)> {
    vec![
        ("HEYGEN_API_KEY".into(), DEFAULT_KEY.into()),
        ("HEYGEN_BASE_URL".into(), sim.url().into()),
        ("HEYGEN_API_VERSION".into(), generation.into()),
    ]
}

/// Arguments for `action` that succeed on the simulator: the registry's
/// example, with `video_id` (if it takes one) set to a video that exists.
pub(super) fn args_for(action: &str, video_id: &str) -> Value {
    let mut args = actions::find(action).map_or(Value::Null, |e| e.example_args());
    if let Some(id) = args.get_mut("video_id") {
        *id = json!(video_id);
    }
    args
}

/// An action's output must say `success: true`.
pub(super) fn check(output: Value) -> Result<()> {
    if output["success"] != json!(true) {
        bail!("a benchmarked call failed: {output}");
    }
    Ok(())
}

/// A component output record must say `success: true`.
pub(super) fn check_val(output: &wasmtime::component::Val) -> Result<()> {
    match output {
        wasmtime::component::Val::Record(fields)
            if fields
                .iter()
                .any(|(k, v)| k == "success" && *v == wasmtime::component::Val::Bool(true)) =>
        {
            Ok(())
        }
        other => bail!("a benchmarked call failed: {other:?}"),
    }
}
