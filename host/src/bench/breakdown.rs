//! Section 7: where the time of one call goes (the sender alone, the guest
//! alone, instantiation, the first call's own cost), and what the time
//! limit costs.

use anyhow::{Result, bail};
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::json;

use super::per_call::{fresh_calls, native_calls, reused_calls};
use super::stats::{Table, minus, on_current_thread, ratio, time_async};
use super::{Setup, env_for};
use crate::pool::{Sender, SenderKind};
use crate::runtime::{Allow, Plugin, Runtime, Settings};
use crate::sim::{DEFAULT_KEY, Simulator};

/// Section 7.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    let unlimited = Plugin::embedded(&Runtime::without_time_limit(
        &setup.config,
        SenderKind::Pooled,
    )?)?;
    let section = on_current_thread(|| async {
        let mut section = Table(String::new());
        breakdown(
            &mut section,
            &setup.pooled,
            &unlimited,
            &setup.sim,
            &setup.settings,
            setup.scale,
        )
        .await?;
        Ok(section.0)
    })?;
    table.0.push_str(&section);
    Ok(())
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
