//! `heygen-host bench`: what the plugin costs, measured side by side with the
//! alternatives in one run, printed as a Markdown table. Every time is a
//! median with its spread (10th–90th percentile); every comparison is a
//! ratio of medians measured in the same run.

mod native;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use heygen_plugin::actions::{self, Env};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use wasmtime::component::Component;
use wasmtime::{Config, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::runtime::{HTTP_FACE_WASM, PLUGIN_WASM, Plugin, Runtime, Settings};
use crate::sim::{DEFAULT_KEY, Simulator};
use native::NativeTransport;

/// How long and how often to measure.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fewer iterations and shorter load runs (for a quick look).
    pub quick: bool,
    /// Skip the `wasmtime serve` load test.
    pub no_serve: bool,
    /// Run only these sections (1-6); all when empty.
    pub sections: Vec<u8>,
}

impl Options {
    fn wants(&self, section: u8) -> bool {
        self.sections.is_empty() || self.sections.contains(&section)
    }
}

/// Median and spread of a set of samples.
struct Stats {
    median: Duration,
    p10: Duration,
    p90: Duration,
    n: usize,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
        n: samples.len(),
    }
}

fn fmt_duration(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.2} ms", us / 1_000.0)
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}–{}, n={})",
            fmt_duration(self.median),
            fmt_duration(self.p10),
            fmt_duration(self.p90),
            self.n
        )
    }
}

fn ratio(a: &Stats, b: &Stats) -> f64 {
    a.median.as_secs_f64() / b.median.as_secs_f64()
}

/// The table under construction.
struct Table(String);

impl Table {
    fn section(&mut self, title: &str) {
        let _ = write!(self.0, "\n**{title}**\n\n| what | figure |\n|---|---|\n");
    }
    fn heading(&mut self, title: &str) {
        let _ = write!(self.0, "\n**{title}**\n\n");
    }
    fn row(&mut self, what: &str, figure: impl std::fmt::Display) {
        let _ = writeln!(self.0, "| {what} | {figure} |");
    }
}

fn env_for(sim: &Simulator, generation: &str) -> Vec<(String, String)> {
    vec![
        ("HEYGEN_API_KEY".into(), DEFAULT_KEY.into()),
        ("HEYGEN_BASE_URL".into(), sim.url().into()),
        ("HEYGEN_API_VERSION".into(), generation.into()),
    ]
}

/// Arguments for `action` that succeed on the simulator: the registry's
/// example, with `video_id` (if it takes one) set to a video that exists.
fn args_for(action: &str, video_id: &str) -> Value {
    let mut args = crate::reliability::valid_args(action);
    if let Some(id) = args.get_mut("video_id") {
        *id = json!(video_id);
    }
    args
}

async fn time_async<F, Fut>(n: usize, mut f: F) -> Result<Stats>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f().await?;
        samples.push(started.elapsed());
    }
    Ok(stats(samples))
}

fn time_sync(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<Stats> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f()?;
        samples.push(started.elapsed());
    }
    Ok(stats(samples))
}

/// Runs the measurements and returns the table.
pub async fn run(options: Options) -> Result<String> {
    let scale = if options.quick { 4 } else { 1 };
    let mut table = Table(String::new());
    let runtime = Runtime::new()?;
    let engine = runtime.engine().clone();
    let sim = Simulator::start(0, &[DEFAULT_KEY])?;
    let settings = Settings::new(env_for(&sim, "v3"));
    let plugin = Plugin::embedded(&runtime)?;
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .total_component_instances(100)
        .total_memories(100)
        .total_tables(100)
        .max_memory_size(64 << 20);
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    let pooled = Plugin::embedded(&Runtime::with_config(&config)?)?;

    if options.wants(1) {
        table.section("1. Size");
        let cwasm = Component::new(&engine, PLUGIN_WASM)?.serialize()?;
        let kib = |n: usize| format!("{n} bytes ({:.1} KiB)", n as f64 / 1024.0);
        table.row("plugin `heygen_plugin.wasm`", kib(PLUGIN_WASM.len()));
        table.row(
            "HTTP face `heygen_plugin_http.wasm`",
            kib(HTTP_FACE_WASM.len()),
        );
        table.row(
            "plugin precompiled for this host (`.cwasm`)",
            kib(cwasm.len()),
        );
    }

    if options.wants(2) {
        table.section("2. Cold start");
        let cwasm = Component::new(&engine, PLUGIN_WASM)?.serialize()?;
        let compile = time_sync(5, || {
            Component::new(&engine, PLUGIN_WASM)
                .map(drop)
                .map_err(Into::into)
        })?;
        // SAFETY: `cwasm` was produced by `serialize` on this very engine.
        let deserialize = time_sync(200 / scale, || {
            unsafe { Component::deserialize(&engine, &cwasm) }
                .map(drop)
                .map_err(Into::into)
        })?;
        let file = std::env::temp_dir().join(format!("heygen-bench-{}.cwasm", std::process::id()));
        std::fs::write(&file, &cwasm)?;
        // SAFETY: as above; the file is ours and unchanged.
        let deserialize_file = time_sync(200 / scale, || {
            unsafe { Component::deserialize_file(&engine, &file) }
                .map(drop)
                .map_err(Into::into)
        })?;
        let _ = std::fs::remove_file(&file);
        table.row("compile the plugin (`Component::new`)", &compile);
        table.row(
            "load it precompiled (`Component::deserialize`)",
            &deserialize,
        );
        table.row(
            "load it precompiled (`Component::deserialize_file`)",
            &deserialize_file,
        );
        table.row(
            "compile ÷ deserialize",
            format!("{:.0}×", ratio(&compile, &deserialize)),
        );
        let exe = std::env::current_exe()?;
        let cli_call = || -> Result<()> {
            let out = std::process::Command::new(&exe)
                .args(["call", "list_custom_events_options"])
                .envs(env_for(&sim, "v3"))
                .output()?;
            if !out.status.success() {
                bail!(
                    "heygen-host call failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(())
        };
        cli_call()?; // warms the component cache
        table.row(
            "`heygen-host call list_custom_events_options`, process start to printed result (warm cache)",
            time_sync(40 / scale, cli_call)?,
        );
    }

    if options.wants(3) {
        table.section(
            "3. Instantiation (`Store::new` + `InstancePre::instantiate`, WASI context included)",
        );
        let default_alloc = time_async(2000 / scale, || async {
            plugin.session(&settings).await.map(drop)
        })
        .await?;
        let pooled_alloc = time_async(2000 / scale, || async {
            pooled.session(&settings).await.map(drop)
        })
        .await?;
        table.row(
            "fresh instance, default (on-demand) allocator",
            &default_alloc,
        );
        table.row("fresh instance, pooling allocator", &pooled_alloc);
    }

    if options.wants(4) {
        per_call(&mut table, &pooled, &sim, &settings, scale).await?;
    }

    if options.wants(5) {
        table.section("5. The HTTP face under load (`wasmtime serve`, fresh instance per request, simulator answering)");
        if options.no_serve {
            table.row("skipped", "`--no-serve`");
        } else {
            under_load(&mut table, &sim, options.quick).await?;
        }
    }

    if options.wants(6) {
        table.section("6. Memory");
        for (generation, voices) in [("v3", 2_000), ("legacy", 2_000), ("legacy", 230)] {
            let sim = Simulator::start(0, &[DEFAULT_KEY])?;
            sim.set_voice_count(voices);
            let mut session = plugin
                .session(&Settings::new(env_for(&sim, generation)))
                .await?;
            let output = session
                .call("list_voice_id_options", &json!({}))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            check(output)?;
            table.row(
                &format!(
                    "peak linear memory, `list_voice_id_options` ({generation}, {voices} voices)"
                ),
                format!("{:.2} MiB", session.peak_memory() as f64 / (1 << 20) as f64),
            );
        }
        table.row(
            "peak RSS of this host process (everything above)",
            peak_rss().unwrap_or_else(|| "n/a".into()),
        );
    }
    Ok(table.0)
}

/// Section 4: each action through the component and through the native core.
async fn per_call(
    table: &mut Table,
    plugin: &Plugin,
    sim: &Simulator,
    settings: &Settings,
    scale: usize,
) -> Result<()> {
    table.heading("4. Per call, v3, against the simulator on loopback (component vs the same core compiled natively)");
    let _ = writeln!(
        table.0,
        "| action | component, reused instance | component, fresh instance per call | native, new connection per call | native, keep-alive | reused ÷ native new-conn | fresh ÷ native new-conn |\n|---|---|---|---|---|---|---|"
    );
    let created = plugin
        .session(settings)
        .await?
        .call(
            "create_talking_photo",
            &args_for("create_talking_photo", ""),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let video_id = created["video_id"].as_str().unwrap_or_default().to_owned();
    for action in crate::runtime::actions() {
        // A delete can run once per video: timing it would need a new video
        // per call, which would time the create as well.
        if heygen_plugin::actions::find(action)
            .is_some_and(|e| e.kind == heygen_plugin::actions::Kind::Delete)
        {
            let _ = writeln!(
                table.0,
                "| `{action}` | not timed: each call deletes a video | | | | | |"
            );
            continue;
        }
        let n = if action == "list_voice_id_options" {
            100
        } else {
            300
        } / scale;
        let args = args_for(action, &video_id);
        // Component values in, the output record out: like the native side, no
        // JSON conversion is timed.
        let mut session = plugin.session(settings).await?;
        let params = session
            .params(action, &args)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut samples = Vec::with_capacity(n);
        for _ in 0..n {
            let started = Instant::now();
            let output = session
                .call_values(action, params.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(started.elapsed());
            check_val(&output)?;
        }
        let reused = stats(samples);
        let fresh = time_async(n, || async {
            let mut session = plugin.session(settings).await?;
            check_val(
                &session
                    .call_values(action, params.clone())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            )
        })
        .await?;
        let env = env_for(sim, "v3");
        let (new_conn, keep_alive) = tokio::task::spawn_blocking({
            let args = args.clone();
            move || -> Result<(Stats, Stats)> {
                Ok((
                    native_calls(false, &env, action, &args, n)?,
                    native_calls(true, &env, action, &args, n)?,
                ))
            }
        })
        .await??;
        let _ = writeln!(
            table.0,
            "| `{action}` | {reused} | {fresh} | {new_conn} | {keep_alive} | {:.2} | {:.2} |",
            ratio(&reused, &new_conn),
            ratio(&fresh, &new_conn)
        );
    }
    Ok(())
}

/// Section 5: requests per second and latency through `wasmtime serve`.
async fn under_load(table: &mut Table, sim: &Simulator, quick: bool) -> Result<()> {
    let wasmtime = crate::serve::wasmtime_cli()?;
    let component = crate::serve::http_face_file()?;
    let env: Vec<(&str, &str)> = vec![
        ("HEYGEN_API_KEY", DEFAULT_KEY),
        ("HEYGEN_BASE_URL", sim.url()),
    ];
    let served = crate::serve::serve(&wasmtime, &component, &env).await?;
    let seconds = if quick { 2 } else { 5 };
    for (method, path) in [
        ("POST", "/actions/list_voice_id_options"),
        ("GET", "/actions"),
    ] {
        for concurrency in [1, 16] {
            let (count, latencies) = load(
                served.addr,
                method,
                path,
                concurrency,
                Duration::from_secs(seconds),
            )
            .await?;
            let mut sorted = latencies;
            sorted.sort();
            let pct =
                |q: f64| fmt_duration(sorted[((sorted.len() - 1) as f64 * q).round() as usize]);
            table.row(
                &format!("`{method} {path}`, {concurrency} client(s)"),
                format!(
                    "{:.0} req/s; latency p50 {}, p90 {}, p99 {}",
                    count as f64 / seconds as f64,
                    pct(0.5),
                    pct(0.9),
                    pct(0.99)
                ),
            );
        }
    }
    drop(served);
    let _ = std::fs::remove_file(component);
    Ok(())
}

/// An action's output must say `success: true`.
fn check(output: Value) -> Result<()> {
    if output["success"] != json!(true) {
        bail!("a benchmarked call failed: {output}");
    }
    Ok(())
}

/// A component output record must say `success: true`.
fn check_val(output: &wasmtime::component::Val) -> Result<()> {
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

/// `n` calls of `action` through the native core.
fn native_calls(
    keep_alive: bool,
    env: &[(String, String)],
    action: &str,
    args: &Value,
    n: usize,
) -> Result<Stats> {
    let mut transport = NativeTransport::new(keep_alive)?;
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let env = Env {
        lookup: &lookup,
        key: None,
    };
    let entry = actions::find(action).context("no such action")?;
    time_sync(n, || {
        let reply = entry.run(&mut transport, &env, args);
        if reply.status == 200 {
            Ok(())
        } else {
            bail!("native {action}: {}", reply.body)
        }
    })
}

/// Sends `method path` from `concurrency` keep-alive clients for `duration`;
/// returns the number of answers and their latencies.
async fn load(
    addr: std::net::SocketAddr,
    method: &'static str,
    path: &'static str,
    concurrency: usize,
    duration: Duration,
) -> Result<(usize, Vec<Duration>)> {
    let deadline = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        tasks.spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let request = http::Request::builder()
                    .method(method)
                    .uri(path)
                    .header("host", addr.to_string())
                    .body(Full::new(Bytes::new()))?;
                let started = Instant::now();
                let response = sender.send_request(request).await?;
                let status = response.status();
                response.into_body().collect().await?;
                if status != 200 {
                    bail!("{method} {path} answered {status}");
                }
                latencies.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.context("load task")??);
    }
    Ok((all.len(), all))
}

/// `VmHWM` from `/proc/self/status`.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib / 1024.0))
}
