//! Section 6: peak linear memory of the largest answers, and the host's RSS.

use anyhow::Result;
use serde_json::json;

use super::stats::Table;
use super::{Setup, check, env_for};
use crate::runtime::Settings;
use crate::sim::{DEFAULT_KEY, Simulator};

/// Section 6.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    table.section("6. Memory");
    for (generation, voices) in [("v3", 2_000), ("legacy", 2_000), ("legacy", 230)] {
        let sim = Simulator::start(0, &[DEFAULT_KEY])?;
        sim.set_voice_count(voices);
        let mut session = setup
            .plugin
            .session(&Settings::new(env_for(&sim, generation)))
            .await?;
        let output = session
            .call("list_voice_id_options", &json!({}))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        check(output)?;
        table.row(
            &format!("peak linear memory, `list_voice_id_options` ({generation}, {voices} voices)"),
            format!("{:.2} MiB", session.peak_memory() as f64 / (1 << 20) as f64),
        );
    }
    table.row(
        "peak RSS of this host process (everything above)",
        peak_rss().unwrap_or_else(|| "n/a".into()),
    );
    Ok(())
}

/// `VmHWM` from `/proc/self/status`.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib / 1024.0))
}
