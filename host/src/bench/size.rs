//! Section 1: the size of the artifacts, and of the plugin precompiled.

use anyhow::Result;
use wasmtime::component::Component;

use super::Setup;
use super::stats::Table;
use crate::runtime::{HTTP_FACE_WASM, PLUGIN_WASM};

/// Section 1.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    table.section("1. Size");
    let cwasm = Component::new(&setup.engine, PLUGIN_WASM)?.serialize()?;
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
    Ok(())
}
