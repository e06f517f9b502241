//! Section 4: each action through the component (fresh and reused
//! instances, pooled and per-request senders) against the native core over
//! the same transport, and a 20-page list.

use std::time::Instant;

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use heygen_plugin::actions::{self, Env};
use serde_json::{Value, json};

use super::native::NativeTransport;
use super::stats::{Stats, Table, on_current_thread, ratio, stats, time_async, time_sync};
use super::{Setup, args_for, check_val, env_for};
use crate::runtime::{Plugin, Settings};
use crate::sim::{DEFAULT_KEY, Simulator};

/// Section 4.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    let section = on_current_thread(|| async {
        let mut section = Table(String::new());
        per_call(
            &mut section,
            &setup.pooled,
            &setup.per_request,
            &setup.sim,
            &setup.settings,
            setup.scale,
        )
        .await?;
        voice_pages(&mut section, &setup.pooled, setup.scale).await?;
        Ok(section.0)
    })?;
    table.0.push_str(&section);
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
        // A delete (or a stop) acts once per video, endpoint or session: timing it would need a
        // new one per call, which would time the create as well.
        if heygen_plugin::actions::find(action)
            .is_some_and(|e| e.kind == heygen_plugin::actions::Kind::Delete)
        {
            let _ = writeln!(
                table.0,
                "| `{action}` | not timed: each call deletes or stops what it names, once | | | | | |"
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
pub(super) async fn fresh_calls(
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

/// `n` calls of `action` on `session`; with `succeed`, each must succeed.
pub(super) async fn reused_calls(
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

/// `n` calls of `action` through the native core.
pub(super) fn native_calls(
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
