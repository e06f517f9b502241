//! `heygen-host bench`: what the plugin costs, measured side by side with the
//! alternatives in one run, printed as a Markdown table. Every time is a
//! median with its spread (10th–90th percentile); every comparison is a
//! ratio of medians measured in the same run.

mod mcp;
mod native;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use heygen_plugin::actions::{self, Env};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use wasmtime::component::Component;

use crate::pool::{Sender, SenderKind};
use crate::runtime::{
    Allow, HTTP_FACE_WASM, PLUGIN_WASM, Plugin, Runtime, Settings, pooling_config,
};
use crate::sim::{DEFAULT_KEY, Simulator};
use native::NativeTransport;

/// How long and how often to measure.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fewer iterations and shorter load runs (for a quick look).
    pub quick: bool,
    /// Skip the `wasmtime serve` load test.
    pub no_serve: bool,
    /// Run only these sections (1-8); all when empty.
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
    let config = pooling_config(100);
    let pooled = Plugin::embedded(&Runtime::with_config(&config)?)?;
    // The same, sending as wasmtime-wasi-http does by default (and `wasmtime
    // serve`): a new connection per request.
    let per_request = Plugin::embedded(&Runtime::with_sender(&config, SenderKind::PerRequest)?)?;

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
        let section = on_current_thread(|| async {
            let mut section = Table(String::new());
            per_call(&mut section, &pooled, &per_request, &sim, &settings, scale).await?;
            voice_pages(&mut section, &pooled, scale).await?;
            Ok(section.0)
        })?;
        table.0.push_str(&section);
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
    if options.wants(7) {
        let unlimited =
            Plugin::embedded(&Runtime::without_time_limit(&config, SenderKind::Pooled)?)?;
        let section = on_current_thread(|| async {
            let mut section = Table(String::new());
            breakdown(&mut section, &pooled, &unlimited, &sim, &settings, scale).await?;
            Ok(section.0)
        })?;
        table.0.push_str(&section);
    }
    if options.wants(8) {
        mcp::section(&mut table, &sim, scale).await?;
    }
    Ok(table.0)
}

/// Runs `measure` on a current-thread runtime on a thread of its own, as the
/// native baseline runs: the request tasks wasmtime-wasi-http spawns then run
/// on the calling thread instead of being handed to other worker threads.
fn on_current_thread<F, Fut>(measure: F) -> Result<String>
where
    F: FnOnce() -> Fut + Send,
    Fut: Future<Output = Result<String>>,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?
                    .block_on(measure())
            })
            .join()
            .map_err(|_| anyhow::anyhow!("a measurement thread panicked"))?
    })
}

/// The difference of two medians, in µs.
fn minus(a: &Stats, b: &[&Stats]) -> String {
    let us = |s: &Stats| s.median.as_secs_f64() * 1e6;
    format!("{:.1} µs", us(a) - b.iter().map(|s| us(s)).sum::<f64>())
}

/// `n` calls of `action` on `session`; with `succeed`, each must succeed.
async fn reused_calls(
    session: &mut crate::runtime::Session,
    action: &str,
    params: &[wasmtime::component::Val],
    n: usize,
    succeed: bool,
) -> Result<Stats> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let output = session
            .call_values(action, params.to_vec())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        samples.push(started.elapsed());
        if succeed {
            check_val(&output)?;
        }
    }
    Ok(stats(samples))
}

/// Section 7: where the time of one call goes, and what the time limit costs.
async fn breakdown(
    table: &mut Table,
    plugin: &Plugin,
    unlimited: &Plugin,
    sim: &Simulator,
    settings: &Settings,
    scale: usize,
) -> Result<()> {
    const ACTION: &str = "list_custom_events_options";
    let n = 1000 / scale;
    table.section("7. Where a call's time goes (`list_custom_events_options`, v3: one GET and a 0.8 KB answer; pooling allocator, pooled sender)");
    let env = env_for(sim, "v3");
    let native =
        tokio::task::spawn_blocking(move || native_calls(true, &env, ACTION, &json!({}), n))
            .await??;

    // The pooled sender alone, from Rust: the request the plugin sends.
    let sender = Sender::new(SenderKind::Pooled)?;
    let url = format!("{}/v3/webhooks/event-types", sim.url());
    let authority = sim.addr().to_string();
    let sender_alone = time_async(n, || async {
        let request = http::Request::get(url.as_str())
            .header("host", authority.as_str())
            .header("x-api-key", DEFAULT_KEY)
            .header("accept", "application/json")
            .body(
                http_body_util::Empty::<Bytes>::new()
                    .map_err(|never| -> wasmtime_wasi_http::Error { match never {} })
                    .boxed_unsync(),
            )?;
        let (response, _) = sender
            .send(request, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_bytes();
        if status != 200 || body.is_empty() {
            bail!("the simulator answered {status}");
        }
        Ok(())
    })
    .await?;

    // The guest alone: the allow-list refuses the request at once, so the
    // call builds it, hands it over and reports the refusal, with no network.
    let mut refused = settings.clone();
    refused.allow = Allow::Only("refused.invalid:1".into());
    let mut session = plugin.session(&refused).await?;
    let params = session
        .params(ACTION, &json!({}))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let guest_alone = reused_calls(&mut session, ACTION, &params, n, false).await?;
    drop(session);
    let reused_limited = reused_calls(
        &mut plugin.session(settings).await?,
        ACTION,
        &params,
        n,
        true,
    )
    .await?;
    let reused_unlimited = reused_calls(
        &mut unlimited.session(settings).await?,
        ACTION,
        &params,
        n,
        true,
    )
    .await?;
    let instantiate = time_async(n, || async { plugin.session(settings).await.map(drop) }).await?;
    let fresh = fresh_calls(plugin, settings, ACTION, &params, n).await?;

    table.row("native, keep-alive (the baseline)", &native);
    table.row(
        "the pooled sender alone, from Rust: the same GET, answer read",
        &sender_alone,
    );
    table.row(
        "the guest alone: a call the allow-list refuses (request built, handed over, refusal reported; no network)",
        &guest_alone,
    );
    table.row("component, reused instance", &reused_limited);
    table.row(
        "→ left over: the answer through `wasi:io` streams and pollables, task hand-offs, parsing (reused − sender − guest)",
        minus(&reused_limited, &[&sender_alone, &guest_alone]),
    );
    table.row("instantiation alone", &instantiate);
    table.row("component, fresh instance per call", &fresh);
    table.row(
        "→ first call on a fresh instance, beyond instantiation (fresh − reused − instantiation)",
        minus(&fresh, &[&reused_limited, &instantiate]),
    );
    table.row(
        "component, reused instance, engine without epoch interruption (no time limit)",
        &reused_unlimited,
    );
    table.row(
        "→ cost of the time limit, this call",
        format!("{:.2}×", ratio(&reused_limited, &reused_unlimited)),
    );

    // The time limit on wasm-heavy work: 20 pages of voices.
    let voices = Simulator::start(0, &[DEFAULT_KEY])?;
    voices.set_voice_count(2_000);
    let voice_settings = Settings::new(env_for(&voices, "v3"));
    let voice_params = plugin
        .session(&voice_settings)
        .await?
        .params("list_voice_id_options", &json!({}))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let m = 40 / scale;
    let limited = fresh_calls(
        plugin,
        &voice_settings,
        "list_voice_id_options",
        &voice_params,
        m,
    )
    .await?;
    let unlimited_voices = fresh_calls(
        unlimited,
        &voice_settings,
        "list_voice_id_options",
        &voice_params,
        m,
    )
    .await?;
    table.row(
        "`list_voice_id_options`, 2,000 voices (20 pages), fresh instance",
        &limited,
    );
    table.row(
        "the same, engine without epoch interruption",
        &unlimited_voices,
    );
    table.row(
        "→ cost of the time limit, wasm-heavy call",
        format!("{:.2}×", ratio(&limited, &unlimited_voices)),
    );
    Ok(())
}

/// Section 4: each action through the component and through the native core.
async fn per_call(
    table: &mut Table,
    plugin: &Plugin,
    per_request: &Plugin,
    sim: &Simulator,
    settings: &Settings,
    scale: usize,
) -> Result<()> {
    table.heading("4. Per call, v3, against the simulator on loopback (component vs the same core compiled natively)");
    let _ = writeln!(
        table.0,
        "The component runs on the pooling allocator and sends through `heygen-host`'s pooled keep-alive client, except in the column marked per-request sender (wasmtime-wasi-http's default sender, a new connection per request, as under `wasmtime serve`).\n\n\
         | action | component, reused instance | component, fresh instance per call | component, fresh instance, per-request sender | native, new connection per call | native, keep-alive | fresh ÷ native new-conn | fresh ÷ native keep-alive | fresh per-request sender ÷ native new-conn |\n|---|---|---|---|---|---|---|---|---|"
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
        // A delete can run once per video or endpoint: timing it would need a
        // new one per call, which would time the create as well.
        if heygen_plugin::actions::find(action)
            .is_some_and(|e| e.kind == heygen_plugin::actions::Kind::Delete)
        {
            let _ = writeln!(
                table.0,
                "| `{action}` | not timed: each call deletes what it names | | | | | |"
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
        let fresh = fresh_calls(plugin, settings, action, &params, n).await?;
        let fresh_per_request = fresh_calls(per_request, settings, action, &params, n).await?;
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
            "| `{action}` | {reused} | {fresh} | {fresh_per_request} | {new_conn} | {keep_alive} | {:.2} | {:.2} | {:.2} |",
            ratio(&fresh, &new_conn),
            ratio(&fresh, &keep_alive),
            ratio(&fresh_per_request, &new_conn),
        );
    }
    Ok(())
}

/// `n` calls of `action`, each on a fresh instance of `plugin`.
async fn fresh_calls(
    plugin: &Plugin,
    settings: &Settings,
    action: &str,
    params: &[wasmtime::component::Val],
    n: usize,
) -> Result<Stats> {
    time_async(n, || async {
        let mut session = plugin.session(settings).await?;
        check_val(
            &session
                .call_values(action, params.to_vec())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        )
    })
    .await
}

/// Section 4, continued: `list_voice_id_options` over 20 pages (2,000
/// voices), fresh instance per call, against the native keep-alive client.
async fn voice_pages(table: &mut Table, plugin: &Plugin, scale: usize) -> Result<()> {
    let sim = Simulator::start(0, &[DEFAULT_KEY])?;
    sim.set_voice_count(2_000);
    let settings = Settings::new(env_for(&sim, "v3"));
    let n = 60 / scale;
    let mut session = plugin.session(&settings).await?;
    let params = session
        .params("list_voice_id_options", &json!({}))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    drop(session);
    let fresh = fresh_calls(plugin, &settings, "list_voice_id_options", &params, n).await?;
    let env = env_for(&sim, "v3");
    let keep_alive = tokio::task::spawn_blocking(move || {
        native_calls(true, &env, "list_voice_id_options", &json!({}), n)
    })
    .await??;
    let _ = writeln!(
        table.0,
        "\n| `list_voice_id_options`, 2,000 voices (20 pages) | figure |\n|---|---|\n| component, fresh instance per call | {fresh} |\n| native, keep-alive | {keep_alive} |\n| component ÷ native keep-alive | {:.2} |",
        ratio(&fresh, &keep_alive)
    );
    Ok(())
}

/// Section 5: requests per second and latency through `wasmtime serve`.
async fn under_load(table: &mut Table, sim: &Simulator, quick: bool) -> Result<()> {
    let wasmtime = crate::serve::wasmtime_cli()?;
    let component = crate::serve::http_face_file()?;
    let env: Vec<(&str, &str)> = vec![
        ("HEYGEN_API_KEY", DEFAULT_KEY),
        ("HEYGEN_BASE_URL", sim.url()),
        // On loopback, for the load test only: no bearer token per request.
        ("HEYGEN_FACE_OPEN", "1"),
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
