//! Section 9: a 4 MiB upload (`upload_asset`, the largest argument any
//! action takes) through each face: the plugin in-process, the HTTP face
//! in-process, `heygen-host call upload_asset -` (a process, JSON on stdin)
//! and `heygen-host mcp` over stdio; the time of each and its peak memory.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use base64::Engine;
use serde_json::{Value, json};

use super::mcp::Server;
use super::stats::{Table, stats};
use super::{Setup, check, env_for};
use crate::runtime::{HttpFace, Runtime, Settings};

/// Section 9.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    table.section("9. A 4 MiB upload through each face (`upload_asset`, simulator on loopback)");
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    file.resize(heygen_plugin::limits::MAX_FILE_BYTES, 0x42);
    let args = json!({
        "file_name": "bench.png",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(&file),
    });
    let env = env_for(&setup.sim, "v3");
    let rounds = (8 / setup.scale).max(3);
    let mib = |n: usize| format!("{:.1} MiB", n as f64 / (1 << 20) as f64);

    let (mut times, mut peak) = (Vec::new(), 0);
    for _ in 0..rounds {
        let started = Instant::now();
        let mut session = setup.plugin.session(&setup.settings).await?;
        let output = session
            .call("upload_asset", &args)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed());
        check(output)?;
        peak = peak.max(session.peak_memory());
    }
    table.row("plugin (`Session::call`, fresh instance)", stats(times));
    table.row("plugin: peak linear memory", mib(peak));

    let mut settings = Settings::new(env.clone());
    settings.env.push(("HEYGEN_FACE_OPEN".into(), "1".into()));
    let face = HttpFace::embedded(&Runtime::new()?)?;
    let body = bytes::Bytes::from(args.to_string());
    let (mut times, mut peak) = (Vec::new(), 0);
    for _ in 0..rounds {
        let request = http::Request::post("http://localhost/actions/upload_asset")
            .header("content-length", body.len())
            .body(body.clone())?;
        let started = Instant::now();
        let answer = face.request(&settings, request).await?;
        times.push(started.elapsed());
        if answer.status != 200 {
            bail!("the HTTP face answered {}", answer.status);
        }
        peak = peak.max(answer.peak_memory);
    }
    table.row(
        "HTTP face (`POST /actions/upload_asset`, fresh instance)",
        stats(times),
    );
    table.row("HTTP face: peak linear memory", mib(peak));

    let text = args.to_string();
    let mut times = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let mut command = Command::new(std::env::current_exe()?);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("HEYGEN_")) {
            command.env_remove(k);
        }
        let mut child = command
            .args(["call", "upload_asset", "-"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        child
            .stdin
            .take()
            .context("no stdin")?
            .write_all(text.as_bytes())?;
        let out = child.wait_with_output()?;
        times.push(started.elapsed());
        let output: Value = serde_json::from_slice(&out.stdout)?;
        check(output)?;
    }
    table.row(
        "`heygen-host call upload_asset -` (a process: start, load, call)",
        stats(times),
    );

    let mut server = Server::start(&env, &["--toolsets", "assets"])?;
    server.open().await?;
    let mut times = Vec::new();
    for id in 1..=rounds as u64 {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": "upload_asset", "arguments": args}});
        let started = Instant::now();
        server.send(&call).await?;
        let answer = server.answer(id).await?;
        times.push(started.elapsed());
        if answer["result"]["structuredContent"]["success"] != json!(true) {
            bail!("the MCP upload failed: {}", answer["result"]);
        }
    }
    let rss = server.id().and_then(peak_rss_of);
    server.stop().await?;
    table.row(
        "`heygen-host mcp`: `tools/call` over stdio (a 5.6 MB line)",
        stats(times),
    );
    table.row(
        "`heygen-host mcp`: peak RSS of the server process",
        rss.map_or_else(|| "n/a".into(), |kib| mib(kib * 1024)),
    );
    Ok(())
}

/// `VmHWM` of process `pid`, in KiB.
fn peak_rss_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
