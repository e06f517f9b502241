//! Section 2: cold start: compiling the plugin, loading it precompiled, and
//! a whole `heygen-host call` process.

use anyhow::{Result, bail};
use wasmtime::component::Component;

use super::stats::{Table, ratio, time_sync};
use super::{Setup, env_for};
use crate::runtime::PLUGIN_WASM;

/// Section 2.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    table.section("2. Cold start");
    let cwasm = Component::new(&setup.engine, PLUGIN_WASM)?.serialize()?;
    let compile = time_sync(5, || {
        Component::new(&setup.engine, PLUGIN_WASM)
            .map(drop)
            .map_err(Into::into)
    })?;
    // SAFETY: `cwasm` was produced by `serialize` on this very engine.
    let deserialize = time_sync(200 / setup.scale, || {
        unsafe { Component::deserialize(&setup.engine, &cwasm) }
            .map(drop)
            .map_err(Into::into)
    })?;
    let file = std::env::temp_dir().join(format!("heygen-bench-{}.cwasm", std::process::id()));
    std::fs::write(&file, &cwasm)?;
    // SAFETY: as above; the file is ours and unchanged.
    let deserialize_file = time_sync(200 / setup.scale, || {
        unsafe { Component::deserialize_file(&setup.engine, &file) }
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
            .envs(env_for(&setup.sim, "v3"))
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
        time_sync(40 / setup.scale, cli_call)?,
    );
    Ok(())
}
