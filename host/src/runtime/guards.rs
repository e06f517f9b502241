//! The guards every store runs under: a memory limit ([`MemoryWatch`]) and a
//! time limit (epoch interruption driven by a [`Ticker`], and
//! [`within_budget`] for a guest waiting inside a host call).

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use wasmtime::{Engine, ResourceLimiter, StoreLimits, StoreLimitsBuilder, Trap};

/// Linear memory one store may grow each of its memories to: well above the
/// 3.2 MiB the largest action needs (the legacy voice list of 2,000 voices)
/// and the plugin's peak while it refuses an answer past its 4 MiB body cap.
pub const MEMORY_LIMIT: usize = 16 << 20;
/// The limit for an action that takes a file as base64
/// ([`heygen_plugin::actions::Entry::takes_files`]): its 4 MiB file arrives as
/// 5.6 MB of base64 text, held once or twice while it is read, then
/// decoded into the 4 MiB body of the upload.
pub const FILE_MEMORY_LIMIT: usize = 48 << 20;

/// The memory limit for a call of `action` (by name).
pub fn memory_limit(action: &str) -> usize {
    match heygen_plugin::actions::find(action) {
        Some(entry) if entry.takes_files => FILE_MEMORY_LIMIT,
        _ => MEMORY_LIMIT,
    }
}
/// Table elements one store may grow a table to.
pub(super) const TABLE_LIMIT: usize = 100_000;
/// How often the epoch advances: the resolution of the time limit.
pub const EPOCH_TICK: Duration = Duration::from_millis(100);
/// How long past its own time budget a call may run before the host stops
/// it: the plugin enforces the budget itself and needs a moment to report.
pub const GRACE: Duration = Duration::from_secs(5);

/// The store's limits ([`StoreLimits`]: [`MEMORY_LIMIT`] per memory,
/// [`TABLE_LIMIT`] per table), plus the peak memory size it allowed. Growing
/// a memory past the limit traps with [`MemoryLimitExceeded`] rather than
/// failing the `memory.grow`, so the call ends with a clear error instead of
/// an allocation failure somewhere in the guest.
pub(super) struct MemoryWatch {
    limits: StoreLimits,
    /// This store's limit: [`MEMORY_LIMIT`], or [`memory_limit`] of the
    /// action it runs.
    pub(super) limit: usize,
    pub(super) peak: usize,
}

impl MemoryWatch {
    pub(super) fn new() -> MemoryWatch {
        MemoryWatch {
            limits: StoreLimitsBuilder::new()
                .memory_size(FILE_MEMORY_LIMIT)
                .table_elements(TABLE_LIMIT)
                .build(),
            limit: MEMORY_LIMIT,
            peak: 0,
        }
    }
}

/// A guest tried to grow a linear memory past [`MEMORY_LIMIT`].
#[derive(Debug)]
pub struct MemoryLimitExceeded {
    /// The size it asked for, in bytes.
    pub desired: usize,
    /// The limit, in bytes.
    pub limit: usize,
}

impl std::fmt::Display for MemoryLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the component tried to grow its memory to {:.1} MiB, past the host's limit of {} MiB, and was stopped",
            self.desired as f64 / (1 << 20) as f64,
            self.limit >> 20
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
        if desired > self.limit {
            return Err(MemoryLimitExceeded {
                desired,
                limit: self.limit,
            }
            .into());
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
pub(super) async fn within_budget<T>(
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
pub(super) struct Ticker {
    _stop: std::sync::mpsc::Sender<()>,
}

impl Ticker {
    pub(super) fn start(engine: &Engine) -> Result<Ticker> {
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
pub(super) fn deadline_ticks(budget: Duration) -> u64 {
    let limit = budget + GRACE;
    // One tick more: the current tick may be about to end.
    (limit.as_nanos().div_ceil(EPOCH_TICK.as_nanos()) as u64).saturating_add(1)
}
