//! Timing and the table: samples to median and spread ([`Stats`]), timing
//! loops, and the Markdown [`Table`] every section writes to.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::Result;

/// Median and spread of a set of samples.
pub(super) struct Stats {
    pub(super) median: Duration,
    pub(super) p10: Duration,
    pub(super) p90: Duration,
    pub(super) n: usize,
}

pub(super) fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
        n: samples.len(),
    }
}

pub(super) fn fmt_duration(d: Duration) -> String {
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

pub(super) fn ratio(a: &Stats, b: &Stats) -> f64 {
    a.median.as_secs_f64() / b.median.as_secs_f64()
}

/// The table under construction.
pub(super) struct Table(pub(super) String);

impl Table {
    pub(super) fn section(&mut self, title: &str) {
        let _ = write!(self.0, "\n**{title}**\n\n| what | figure |\n|---|---|\n");
    }
    pub(super) fn heading(&mut self, title: &str) {
        let _ = write!(self.0, "\n**{title}**\n\n");
    }
    pub(super) fn row(&mut self, what: &str, figure: impl std::fmt::Display) {
        let _ = writeln!(self.0, "| {what} | {figure} |");
    }
}

pub(super) async fn time_async<F, Fut>(n: usize, mut f: F) -> Result<Stats>
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

pub(super) fn time_sync(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<Stats> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f()?;
        samples.push(started.elapsed());
    }
    Ok(stats(samples))
}

/// Runs `measure` on a current-thread runtime on a thread of its own, as the
/// native baseline runs: the request tasks wasmtime-wasi-http spawns then run
/// on the calling thread instead of being handed to other worker threads.
pub(super) fn on_current_thread<F, Fut>(measure: F) -> Result<String>
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
pub(super) fn minus(a: &Stats, b: &[&Stats]) -> String {
    let us = |s: &Stats| s.median.as_secs_f64() * 1e6;
    format!("{:.1} µs", us(a) - b.iter().map(|s| us(s)).sum::<f64>())
}
