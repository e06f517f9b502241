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

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, SizeHint};
use serde_json::Value;
use wasmtime::component::{
    Component, ComponentExportIndex, Instance, InstancePre, Linker, Resource, ResourceTable, Val,
};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ResourceLimiter, Store,
    StoreLimits, StoreLimitsBuilder, Trap,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use crate::pool::{Sender, SenderKind};
use crate::values;

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
/// Linear memory one store may grow each of its memories to: well above the
/// 3.2 MiB the largest action needs (the legacy voice list of 2,000 voices)
/// and the plugin's peak while it refuses an answer past its 4 MiB body cap.
pub const MEMORY_LIMIT: usize = 16 << 20;
/// Table elements one store may grow a table to.
const TABLE_LIMIT: usize = 100_000;
/// How often the epoch advances: the resolution of the time limit.
pub const EPOCH_TICK: Duration = Duration::from_millis(100);
/// How long past its own time budget a call may run before the host stops
/// it: the plugin enforces the budget itself and needs a moment to report.
pub const GRACE: Duration = Duration::from_secs(5);

/// A configuration with the pooling allocator: slots for `instances`
/// component instances (and as many memories and tables), each memory up to
/// 64 MiB of address space (the store's [`MEMORY_LIMIT`] stops it well before).
pub fn pooling_config(instances: u32) -> Config {
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .total_component_instances(instances)
        .total_memories(instances)
        .total_tables(instances)
        .max_memory_size(64 << 20);
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    config
}

/// The host's time limit for one call of `action` with card-named `args`:
/// the settings' budget, except for `wait_for_video`, which has its own
/// (`timeout_seconds`, default [`DEFAULT_WAIT_SECONDS`](heygen_plugin::limits::DEFAULT_WAIT_SECONDS))
/// and gets that much if it is longer.
pub fn call_budget(settings: &Settings, action: &str, args: &Value) -> Duration {
    use heygen_plugin::actions::{Action, wait_for_video::WaitForVideo};
    use heygen_plugin::limits::{DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS};
    let budget = settings.budget();
    if action != WaitForVideo::NAME {
        return budget;
    }
    let seconds = match args.get("timeout_seconds") {
        None | Some(Value::Null) => f64::from(DEFAULT_WAIT_SECONDS),
        // A value the plugin will refuse gets the most it could accept.
        Some(seconds) => seconds.as_f64().unwrap_or(f64::from(MAX_WAIT_SECONDS)),
    };
    budget.max(Duration::from_secs_f64(
        seconds.clamp(0.0, f64::from(MAX_WAIT_SECONDS)),
    ))
}

/// Sees the body of each answer to a GET the plugin sends (whole bodies of
/// up to [`WATCH_LIMIT`] bytes, once the plugin has read them), e.g. to
/// report a render's status as it changes.
pub type Watch = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The largest answer body a [`Watch`] is shown.
pub const WATCH_LIMIT: usize = 64 << 10;

/// Which outgoing requests the host lets through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allow {
    /// Only to the `host[:port]` of `HEYGEN_BASE_URL` (its default when unset).
    BaseUrlHost,
    /// Only to this `host[:port]`.
    Only(String),
}

/// What one session of the plugin gets from its host. Its `Debug` hides
/// `HEYGEN_API_KEY`.
#[derive(Clone)]
pub struct Settings {
    /// Environment variables (`HEYGEN_*`).
    pub env: Vec<(String, String)>,
    /// The outbound allow-list.
    pub allow: Allow,
    /// Shown the answers to the plugin's GET requests, if set.
    pub watch: Option<Watch>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    if k == heygen_plugin::config::API_KEY_VAR {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("Settings")
            .field("env", &env)
            .field("allow", &self.allow)
            .field("watch", &self.watch.is_some())
            .finish()
    }
}

impl Settings {
    /// Settings with `env` and the base URL's host allowed.
    pub fn new(env: Vec<(String, String)>) -> Settings {
        Settings {
            env,
            allow: Allow::BaseUrlHost,
            watch: None,
        }
    }

    /// The plugin's time budget for one call: `HEYGEN_TIMEOUT_MS` when the
    /// plugin would accept it (100 to 300,000 ms), else its default.
    pub fn budget(&self) -> Duration {
        let ms = self
            .env
            .iter()
            .rev()
            .find(|(k, _)| k == heygen_plugin::config::TIMEOUT_VAR)
            .and_then(|(_, v)| v.trim().parse::<u64>().ok())
            .filter(|ms| (100..=300_000).contains(ms))
            .unwrap_or(heygen_plugin::config::DEFAULT_TIMEOUT_MS);
        Duration::from_millis(ms)
    }

    /// The one `host[:port]` requests may go to, if the base URL is valid.
    fn allowed_authority(&self) -> Option<String> {
        match &self.allow {
            Allow::Only(authority) => Some(authority.clone()),
            Allow::BaseUrlHost => {
                let base = self
                    .env
                    .iter()
                    .rev()
                    .find(|(k, _)| k == heygen_plugin::config::BASE_URL_VAR)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or(heygen_plugin::config::DEFAULT_BASE_URL);
                heygen_plugin::config::BaseUrl::parse(base)
                    .ok()
                    .map(|b| b.authority)
            }
        }
    }
}

/// Per-store state: WASI, `wasi:http`, the allow-list and the guards.
pub struct HostState {
    wasi: WasiCtx,
    output: MemoryOutputPipe,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: Hooks,
    memory: MemoryWatch,
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

/// The outbound allow-list: anything but the allowed `host[:port]` is denied
/// with `http-request-denied`; the rest goes out through the runtime's
/// [`Sender`].
struct Hooks {
    allowed: Option<String>,
    sender: Sender,
    watch: Option<Watch>,
}

impl WasiHttpHooks for Hooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<
            dyn Future<Output = wasmtime_wasi_http::Result<(), wasmtime_wasi_http::Error>> + Send,
        >,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<wasmtime_wasi_http::WasiBody>,
                    Box<
                        dyn Future<
                                Output = wasmtime_wasi_http::Result<(), wasmtime_wasi_http::Error>,
                            > + Send,
                    >,
                )>,
            > + Send,
    > {
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_ascii_lowercase());
        if authority.is_none() || authority != self.allowed {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        drop(fut);
        let sender = self.sender.clone();
        let watch = self
            .watch
            .clone()
            .filter(|_| request.method() == http::Method::GET);
        Box::new(async move {
            let (response, io) = sender.send(request, options).await?;
            let response = match watch {
                Some(watch) => response.map(|body| Watched::new(body, watch).boxed_unsync()),
                None => response,
            };
            Ok((response, io))
        })
    }
}

/// An answer body passed through as it is, shown to a [`Watch`] once whole.
struct Watched {
    inner: wasmtime_wasi_http::WasiBody,
    seen: Vec<u8>,
    /// Taken when the body has been shown, or is too long or failed.
    watch: Option<Watch>,
}

impl Watched {
    fn new(inner: wasmtime_wasi_http::WasiBody, watch: Watch) -> Watched {
        Watched {
            inner,
            seen: Vec::new(),
            watch: Some(watch),
        }
    }
}

impl Body for Watched {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    if this.seen.len() + data.len() > WATCH_LIMIT {
                        this.watch = None;
                    } else {
                        this.seen.extend_from_slice(data);
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => this.watch = None,
            Poll::Ready(None) | Poll::Pending => {}
        }
        // The plugin may stop reading at the last byte, before `None`.
        let ended = matches!(polled, Poll::Ready(None)) || this.inner.is_end_stream();
        if ended && let Some(watch) = this.watch.take() {
            watch(&this.seen);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The store's limits ([`StoreLimits`]: [`MEMORY_LIMIT`] per memory,
/// [`TABLE_LIMIT`] per table), plus the peak memory size it allowed. Growing
/// a memory past the limit traps with [`MemoryLimitExceeded`] rather than
/// failing the `memory.grow`, so the call ends with a clear error instead of
/// an allocation failure somewhere in the guest.
struct MemoryWatch {
    limits: StoreLimits,
    peak: usize,
}

impl MemoryWatch {
    fn new() -> MemoryWatch {
        MemoryWatch {
            limits: StoreLimitsBuilder::new()
                .memory_size(MEMORY_LIMIT)
                .table_elements(TABLE_LIMIT)
                .build(),
            peak: 0,
        }
    }
}

/// A guest tried to grow a linear memory past [`MEMORY_LIMIT`].
#[derive(Debug)]
pub struct MemoryLimitExceeded {
    /// The size it asked for, in bytes.
    pub desired: usize,
}

impl std::fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the component tried to grow its memory to {:.1} MiB, past the host's limit of {} MiB, and was stopped",
            self.desired as f64 / (1 << 20) as f64,
            MEMORY_LIMIT >> 20
        )
    }
}

impl std::error::Error for MemoryLimitExceeded {}

impl ResourceLimiter for MemoryWatch {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MEMORY_LIMIT {
            return Err(MemoryLimitExceeded { desired }.into());
        }
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if allowed {
            self.peak = self.peak.max(desired);
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// The error for a call stopped by the time limit.
fn past_budget(budget: Duration) -> anyhow::Error {
    anyhow!(
        "the component ran past its time budget ({} ms, plus {} s of grace) and was stopped",
        budget.as_millis(),
        GRACE.as_secs()
    )
}

/// The error for a call the guards stopped, or `e` as it is.
fn guarded(e: wasmtime::Error, budget: Duration) -> anyhow::Error {
    if e.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
        return past_budget(budget);
    }
    if let Some(memory) = e.downcast_ref::<MemoryLimitExceeded>() {
        return anyhow!("{memory}");
    }
    e.into()
}

/// Runs `work` (an instantiation or a call into the guest) under the time
/// limit. Epoch interruption stops wasm code that runs too long, but only
/// while wasm code runs; this also stops a guest that waits too long inside
/// a host call (blocked on a pollable, say), a little after the epoch
/// deadline, by dropping the call. An instance whose call was dropped must
/// not be called again (later calls fail).
async fn within_budget<T>(
    budget: Duration,
    work: impl Future<Output = wasmtime::Result<T>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(budget + GRACE + 2 * EPOCH_TICK, work).await {
        Ok(result) => result.map_err(|e| guarded(e, budget)),
        Err(_) => Err(past_budget(budget)),
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped (with the
/// last clone of its [`Runtime`]).
struct Ticker {
    _stop: std::sync::mpsc::Sender<()>,
}

impl Ticker {
    fn start(engine: &Engine) -> Result<Ticker> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let engine = engine.clone();
        std::thread::Builder::new()
            .name("heygen-epoch".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(EPOCH_TICK)
                {
                    engine.increment_epoch();
                }
            })
            .context("starting the epoch ticker")?;
        Ok(Ticker { _stop: stop })
    }
}

/// The epoch deadline, in ticks from now, for a call with `budget`.
fn deadline_ticks(budget: Duration) -> u64 {
    let limit = budget + GRACE;
    // One tick more: the current tick may be about to end.
    (limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos()) as u64).saturating_add(1)
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
            budget: settings.budget(),
            refused_options: 0,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.memory);
        store.set_epoch_deadline(deadline_ticks(settings.budget()));
        store
    }
}

/// The plugin component, ready to instantiate.
#[derive(Clone)]
pub struct Plugin {
    runtime: Runtime,
    pre: InstancePre<HostState>,
    functions: Vec<(&'static str, ComponentExportIndex)>,
}

impl Plugin {
    /// Prepares `component` with `features`: the plugin, whose actions are in
    /// its `actions` export, or the tools artifact, which exports them from
    /// its world.
    pub fn new(runtime: &Runtime, component: &Component, features: HostFeatures) -> Result<Plugin> {
        let pre = runtime.linker(features)?.instantiate_pre(component)?;
        let interface = component.get_export_index(None, ACTIONS_INTERFACE);
        let functions = actions()
            .map(|action| {
                component
                    .get_export_index(interface.as_ref(), action.replace('_', "-").as_str())
                    .map(|index| (action, index))
                    .ok_or_else(|| anyhow!("the component does not export `{action}`"))
            })
            .collect::<Result<_>>()?;
        Ok(Plugin {
            runtime: runtime.clone(),
            pre,
            functions,
        })
    }

    /// The embedded plugin, compiled (or loaded from the cache) on `runtime`.
    pub fn embedded(runtime: &Runtime) -> Result<Plugin> {
        Plugin::new(
            runtime,
            &runtime.component(PLUGIN_WASM)?,
            HostFeatures::default(),
        )
    }

    /// A fresh instance with `settings`.
    pub async fn session(&self, settings: &Settings) -> Result<Session> {
        let mut store = self.runtime.store(settings);
        let budget = store.data().budget;
        let instance = within_budget(budget, self.pre.instantiate_async(&mut store)).await?;
        Ok(Session {
            store,
            instance,
            plugin: self.clone(),
        })
    }
}

/// Why a call did not produce an output.
#[derive(Debug)]
pub enum CallError {
    /// The action or its JSON arguments do not fit the WIT signature.
    Usage(String),
    /// The component trapped or the host failed.
    Host(anyhow::Error),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Usage(msg) => f.write_str(msg),
            CallError::Host(e) => write!(f, "{e:#}"),
        }
    }
}

/// One instance of the plugin; it can run any number of actions.
pub struct Session {
    store: Store<HostState>,
    instance: Instance,
    plugin: Plugin,
}

impl Session {
    /// Runs `action` (card name) with card-named JSON `args`, and returns the
    /// output record as the card's JSON.
    pub async fn call(&mut self, action: &str, args: &Value) -> Result<Value, CallError> {
        let params = self.params(action, args)?;
        self.call_values(action, params)
            .await
            .map(|result| values::to_json(&result))
    }

    /// The component values for card-named JSON `args` of `action`.
    pub fn params(&mut self, action: &str, args: &Value) -> Result<Vec<Val>, CallError> {
        let func = self.func(action)?;
        values::params_from_json(&func.ty(&self.store), args).map_err(CallError::Usage)
    }

    /// Runs `action` with component values as they are (e.g. a NaN `scale`,
    /// which JSON cannot carry), and returns the output record.
    pub async fn call_values(&mut self, action: &str, params: Vec<Val>) -> Result<Val, CallError> {
        let func = self.func(action)?;
        let mut results = vec![Val::Bool(false); func.ty(&self.store).results().len()];
        let budget = self.store.data().budget;
        self.store.set_epoch_deadline(deadline_ticks(budget));
        within_budget(
            budget,
            func.call_async(&mut self.store, &params, &mut results),
        )
        .await
        .map_err(CallError::Host)?;
        match results.pop() {
            Some(result) if results.is_empty() => Ok(result),
            _ => Err(CallError::Host(anyhow!(
                "`{action}` did not return one value"
            ))),
        }
    }

    fn func(&mut self, action: &str) -> Result<wasmtime::component::Func, CallError> {
        let index = self
            .plugin
            .functions
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, index)| *index)
            .ok_or_else(|| {
                CallError::Usage(format!(
                    "unknown action `{action}`; the actions are {}",
                    heygen_plugin::actions::names()
                ))
            })?;
        self.instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| CallError::Host(anyhow!("`{action}` is not a function")))
    }

    /// Sets the host's time limit for this instance's next calls (see
    /// [`call_budget`]).
    pub fn set_budget(&mut self, budget: Duration) {
        self.store.data_mut().budget = budget;
    }

    /// Everything the instance wrote to stdout and stderr.
    pub fn printed(&self) -> Vec<u8> {
        self.store.data().output.contents().to_vec()
    }

    /// How many `request-options` timeout setters were refused (only on a
    /// plugin prepared without [`HostFeatures::request_timeouts`]).
    pub fn refused_timeout_options(&self) -> usize {
        self.store.data().refused_options
    }

    /// The largest linear memory this instance has grown to, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().memory.peak
    }
}

/// The HTTP-face component, ready to serve requests in-process.
#[derive(Clone)]
pub struct HttpFace {
    runtime: Runtime,
    pre: ProxyPre<HostState>,
}

/// An answer from the HTTP face.
#[derive(Debug)]
pub struct HttpAnswer {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl HttpFace {
    /// Prepares the embedded HTTP-face component on `runtime`.
    pub fn embedded(runtime: &Runtime) -> Result<HttpFace> {
        let component = runtime.component(HTTP_FACE_WASM)?;
        let pre = ProxyPre::new(
            runtime
                .linker(HostFeatures::default())?
                .instantiate_pre(&component)?,
        )?;
        Ok(HttpFace {
            runtime: runtime.clone(),
            pre,
        })
    }

    /// Serves one request on a fresh instance.
    pub async fn request(
        &self,
        settings: &Settings,
        request: http::Request<Bytes>,
    ) -> Result<HttpAnswer> {
        let mut store = self.runtime.store(settings);
        let budget = store.data().budget;
        let (parts, body) = request.into_parts();
        let request = hyper::Request::from_parts(
            parts,
            Full::new(body).map_err(
                |never: std::convert::Infallible| -> wasmtime_wasi_http::Error { match never {} },
            ),
        );
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let req = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)?;
        let out = store.data_mut().http().new_response_outparam(sender)?;
        let pre = self.pre.clone();
        // The guest streams its answer while `handle` runs: read it concurrently.
        let task = tokio::spawn(within_budget(budget, async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await
        }));
        let response = match receiver.await {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => bail!("the HTTP face answered with an error: {code:?}"),
            Err(_) => {
                let outcome = task.await?;
                bail!("the HTTP face never answered: {:?}", outcome.err());
            }
        };
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| anyhow!("reading the answer: {e:?}"))?
            .to_bytes();
        task.await?.context("the HTTP face trapped")?;
        Ok(HttpAnswer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}
