//! Running the plugin under wasmtime: one [`Engine`], components compiled once
//! (and cached on disk), an [`InstancePre`] per component, and a fresh
//! [`Store`] per [`Session`] with the plugin's environment, an outbound
//! allow-list, a memory limit and a time limit.
//!
//! The guards: every store may grow its linear memories to [`MEMORY_LIMIT`]
//! at most (past it the guest traps), and every call (and instantiation) is
//! stopped [`GRACE`] after the plugin's own time budget (`HEYGEN_TIMEOUT_MS`)
//! by epoch interruption (a thread per [`Runtime`] advances the engine's
//! epoch every [`EPOCH_TICK`]) or, for a guest waiting inside a host call
//! rather than running, by dropping the call shortly after. Either failure is
//! an error of that call only; the runtime goes on serving.

mod guards;
mod http_face;
mod outbound;
mod session;
mod settings;

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use wasmtime::component::{Component, Linker, Resource, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::pool::{Sender, SenderKind};
use guards::{MemoryWatch, Ticker, deadline_ticks};
use outbound::Hooks;

pub use guards::{
    EPOCH_TICK, FILE_MEMORY_LIMIT, GRACE, MEMORY_LIMIT, MemoryLimitExceeded, memory_limit,
};
pub use http_face::{HttpAnswer, HttpFace};
pub use outbound::{WATCH_LIMIT, Watch};
pub use session::{CallError, Plugin, Session};
pub use settings::{Allow, Settings, call_budget};

/// The plugin component (`actions` export), as built by `build.rs`.
pub const PLUGIN_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/heygen_plugin.wasm"));
/// The HTTP-face component (`wasi:http/incoming-handler` export).
pub const HTTP_FACE_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/heygen_plugin_http.wasm"));

/// The exported interface holding the actions.
pub const ACTIONS_INTERFACE: &str = "modulex:heygen/actions@0.1.0";
/// Every action's name, in the registry's order.
pub fn actions() -> impl Iterator<Item = &'static str> {
    heygen_plugin::actions::ALL.iter().map(|entry| entry.name)
}

/// A configuration with the pooling allocator: slots for `instances`
/// component instances (and as many memories and tables), each memory up to
/// 64 MiB of address space (the store's [`MEMORY_LIMIT`] stops it well before).
pub fn pooling_config(instances: u32) -> Config {
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .total_component_instances(instances)
        .total_memories(instances)
        .total_tables(instances)
        .max_memory_size(64 << 20)
        // A freed instance's first 256 KiB of linear memory (the guest's
        // 32 KiB shadow stack, its data and its heap: everything a call
        // touches) and its tables are zeroed in place instead of given back
        // to the kernel, so the next instance does not fault those pages in
        // again. Fresh instance per call: 199 → 185 µs for the memory (1 MiB
        // cost more to zero than it saved), 183 → 164 µs for the tables
        // (docs/performance.md, "Fresh instances"). Linux's `PAGEMAP_SCAN`
        // (zeroing only the pages written) measured slower than zeroing all.
        .linear_memory_keep_resident(256 << 10)
        .table_keep_resident(64 << 10);
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    config
}

/// Per-store state: WASI, `wasi:http`, the allow-list and the guards.
pub struct HostState {
    wasi: WasiCtx,
    output: MemoryOutputPipe,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: Hooks,
    memory: MemoryWatch,
    /// The settings' time budget (`HEYGEN_TIMEOUT_MS`).
    settings_budget: Duration,
    /// The time limit of the call under way (see [`call_budget`]).
    budget: Duration,
    refused_options: usize,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Host capabilities that tests can take away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFeatures {
    /// Whether `request-options.set-*-timeout` succeed. Without them, the
    /// setters fail as on a host that does not support timeouts.
    pub request_timeouts: bool,
}

impl Default for HostFeatures {
    fn default() -> Self {
        HostFeatures {
            request_timeouts: true,
        }
    }
}

/// The wasmtime engine (with epoch interruption and its ticker), the
/// on-disk cache of compiled components and the sender of outgoing requests,
/// shared by every store.
#[derive(Clone)]
pub struct Runtime {
    engine: Engine,
    cache_dir: Option<PathBuf>,
    sender: Sender,
    _ticker: Arc<Option<Ticker>>,
}

impl Runtime {
    /// An engine with default settings, the per-user component cache and the
    /// pooled sender.
    pub fn new() -> Result<Runtime> {
        Runtime::with_config(&Config::new())
    }

    /// An engine built from `config` (epoch interruption is turned on), with
    /// the per-user component cache and the pooled sender.
    pub fn with_config(config: &Config) -> Result<Runtime> {
        Runtime::with_sender(config, SenderKind::Pooled)
    }

    /// As [`Runtime::with_config`], with outgoing requests sent by `sender`.
    pub fn with_sender(config: &Config, sender: SenderKind) -> Result<Runtime> {
        Runtime::build(config, sender, true)
    }

    /// As [`Runtime::with_sender`] but without the time limit: no epoch
    /// interruption in the compiled code and no ticker. Only for the bench,
    /// to measure what the time limit costs.
    pub(crate) fn without_time_limit(config: &Config, sender: SenderKind) -> Result<Runtime> {
        Runtime::build(config, sender, false)
    }

    fn build(config: &Config, sender: SenderKind, time_limit: bool) -> Result<Runtime> {
        let cache_dir = std::env::var_os("HEYGEN_HOST_CACHE")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .map(|c| c.join("heygen-plugin").join("components"))
            });
        let mut config = config.clone();
        config.epoch_interruption(time_limit);
        let engine = Engine::new(&config)?;
        let ticker = if time_limit {
            Some(Ticker::start(&engine)?)
        } else {
            None
        };
        Ok(Runtime {
            _ticker: Arc::new(ticker),
            engine,
            cache_dir,
            sender: Sender::new(sender).context("setting up TLS for outgoing requests")?,
        })
    }

    /// Which sender the runtime's stores use.
    pub fn sender(&self) -> SenderKind {
        self.sender.kind()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Compiles `wasm`, or loads it precompiled from the cache (the cache
    /// key covers the bytes and the engine's compatibility hash).
    pub fn component(&self, wasm: &[u8]) -> Result<Component> {
        let Some(dir) = &self.cache_dir else {
            return Ok(Component::new(&self.engine, wasm)?);
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        wasm.hash(&mut hasher);
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        let path = dir.join(format!("{:016x}.cwasm", hasher.finish()));
        if path.exists() {
            // SAFETY: the file was written by `Component::serialize` below, for
            // an engine with the same compatibility hash; wasmtime re-checks it.
            if let Ok(component) = unsafe { Component::deserialize_file(&self.engine, &path) } {
                return Ok(component);
            }
        }
        let component = Component::new(&self.engine, wasm)?;
        if std::fs::create_dir_all(dir).is_ok() {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            if std::fs::write(&tmp, component.serialize()?).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
        Ok(component)
    }

    fn linker(&self, features: HostFeatures) -> Result<Linker<HostState>> {
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        if !features.request_timeouts {
            linker.allow_shadowing(true);
            let mut types = linker.instance("wasi:http/types@0.2.12")?;
            for setter in [
                "set-connect-timeout",
                "set-first-byte-timeout",
                "set-between-bytes-timeout",
            ] {
                types.func_wrap(
                    &format!("[method]request-options.{setter}"),
                    |mut store: wasmtime::StoreContextMut<'_, HostState>,
                     (_options, _duration): (
                        Resource<wasmtime_wasi_http::RequestOptions>,
                        Option<u64>,
                    )| {
                        store.data_mut().refused_options += 1;
                        Ok((Err::<(), ()>(()),))
                    },
                )?;
            }
        }
        Ok(linker)
    }

    /// A store with `settings` and the guards: the memory limit, and an epoch
    /// deadline [`GRACE`] past the settings' time budget (reset by every
    /// call of a [`Session`]).
    fn store(&self, settings: &Settings) -> Store<HostState> {
        let mut wasi = WasiCtx::builder();
        for (name, value) in &settings.env {
            wasi.env(name, value);
        }
        // Whatever the guest prints is kept (and checked for secrets by tests).
        let output = MemoryOutputPipe::new(1 << 20);
        wasi.stdout(output.clone()).stderr(output.clone());
        let state = HostState {
            wasi: wasi.build(),
            output,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: Hooks {
                allowed: settings.allowed_authority(),
                sender: self.sender.clone(),
                watch: settings.watch.clone(),
            },
            memory: MemoryWatch::new(),
            settings_budget: settings.budget(),
            budget: settings.budget(),
            refused_options: 0,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(deadline_ticks(settings.budget()));
        store
    }
}
