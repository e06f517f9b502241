//! Section 8: `heygen-host mcp` over stdio, as an MCP client sees it.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::stats::{Stats, Table, ratio, stats};
use super::{args_for, env_for};
use crate::runtime::{Plugin, Runtime, Settings, pooling_config};
use crate::sim::{Simulator, data};

/// A `heygen-host mcp` child on pipes.
pub(super) struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Server {
    pub(super) fn start(env: &[(String, String)], args: &[&str]) -> Result<Server> {
        let mut command = Command::new(std::env::current_exe()?);
        command.arg("mcp").args(args);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("HEYGEN_")) {
            command.env_remove(k);
        }
        let mut child = command
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting heygen-host mcp")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("no stdout")?).lines();
        Ok(Server {
            child,
            stdin,
            stdout,
        })
    }

    pub(super) async fn send(&mut self, message: &Value) -> Result<()> {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await?;
        Ok(self.stdin.flush().await?)
    }

    /// The answer to request `id` (skipping notifications).
    pub(super) async fn answer(&mut self, id: u64) -> Result<Value> {
        loop {
            let line = tokio::time::timeout(Duration::from_secs(30), self.stdout.next_line())
                .await
                .context("no answer within 30 s")??
                .context("the server closed stdout")?;
            let message: Value = serde_json::from_str(&line)?;
            if message["id"] == id {
                return Ok(message);
            }
        }
    }

    /// `initialize` and `notifications/initialized`, sent without waiting.
    pub(super) async fn open(&mut self) -> Result<()> {
        self.send(
            &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "heygen-host bench", "version": "0"}}}),
        )
        .await?;
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await
    }

    /// The child's process id.
    pub(super) fn id(&self) -> Option<u32> {
        self.child.id()
    }

    pub(super) async fn stop(mut self) -> Result<()> {
        drop(self.stdin);
        tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await??;
        Ok(())
    }
}

/// Section 8: start to the first `tools/list` answer, and one
/// `retrieve_video_link` over stdio against the same call in-process.
pub(super) async fn section(table: &mut Table, sim: &Simulator, scale: usize) -> Result<()> {
    table.section("8. MCP server (`heygen-host mcp`, stdio; component cache warm)");
    let env = env_for(sim, "v3");

    // Process start → `initialize` → `tools/list` answered, as a client
    // launching the server sees it.
    let mut samples = Vec::new();
    for _ in 0..(20 / scale).max(3) {
        let started = Instant::now();
        let mut server = Server::start(&env, &["--simulator"])?;
        server.open().await?;
        server
            .send(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
            .await?;
        let list = server.answer(1).await?;
        samples.push(started.elapsed());
        if list["result"]["tools"].as_array().map(Vec::len)
            != Some(crate::runtime::actions().count())
        {
            bail!("tools/list did not list every action: {list}");
        }
        server.stop().await?;
    }
    table.row(
        "`heygen-host mcp --simulator`: process start to the `tools/list` answer (goal ≤ 50 ms)",
        stats(samples),
    );

    // One call, end to end over stdio, against the in-process path of
    // `heygen-host call` (fresh instance, JSON in and out), same simulator.
    const ACTION: &str = "retrieve_video_link";
    let args = args_for(ACTION, &data::existing_video().id);
    let n = 300 / scale;
    let mut server = Server::start(&env, &[])?;
    server.open().await?;
    server.answer(0).await?;
    let mut samples = Vec::with_capacity(n);
    for id in 1..=n as u64 {
        let started = Instant::now();
        server
            .send(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": ACTION, "arguments": args}}))
            .await?;
        let answer = server.answer(id).await?;
        samples.push(started.elapsed());
        if answer["result"]["structuredContent"]["success"] != true {
            bail!("{ACTION} over MCP failed: {answer}");
        }
    }
    server.stop().await?;
    let over_stdio = stats(samples);

    let plugin = Plugin::embedded(&Runtime::with_config(&pooling_config(16))?)?;
    let settings = Settings::new(env);
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let output = plugin
            .session(&settings)
            .await?
            .call(ACTION, &args)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        samples.push(started.elapsed());
        if output["success"] != true {
            bail!("{ACTION} in-process failed: {output}");
        }
    }
    let in_process: Stats = stats(samples);
    table.row(
        &format!("`{ACTION}`: `tools/call` over stdio, request line to answer line"),
        &over_stdio,
    );
    table.row(
        &format!("`{ACTION}`: the in-process path of `heygen-host call` (fresh instance)"),
        &in_process,
    );
    table.row(
        "→ stdio MCP ÷ in-process (goal ≤ 1.2×)",
        format!("{:.2}×", ratio(&over_stdio, &in_process)),
    );
    Ok(())
}
