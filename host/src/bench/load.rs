//! Section 5: requests per second and latency through the real `wasmtime
//! serve`, a fresh instance per request, the simulator answering.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use super::stats::{Table, fmt_duration};
use crate::sim::{DEFAULT_KEY, Simulator};

/// Section 5.
pub(super) async fn run(
    table: &mut Table,
    sim: &Simulator,
    quick: bool,
    no_serve: bool,
) -> Result<()> {
    table.section("5. The HTTP face under load (`wasmtime serve`, fresh instance per request, simulator answering)");
    if no_serve {
        table.row("skipped", "`--no-serve`");
        return Ok(());
    }
    under_load(table, sim, quick).await
}

/// Section 5: requests per second and latency through `wasmtime serve`.
async fn under_load(table: &mut Table, sim: &Simulator, quick: bool) -> Result<()> {
    let wasmtime = crate::serve::wasmtime_cli()?;
    let component = crate::serve::http_face_file()?;
    let env: Vec<(&str, &str)> = vec![
        ("HEYGEN_API_KEY", DEFAULT_KEY),
        ("HEYGEN_BASE_URL", sim.url()),
        // On loopback, for the load test only: no bearer token per request.
        ("HEYGEN_FACE_OPEN", "1"),
    ];
    let served = crate::serve::serve(&wasmtime, &component, &env).await?;
    let seconds = if quick { 2 } else { 5 };
    // The same action through REST and through MCP (`tools/call` at `/mcp`),
    // then the manifest; the MCP rows say what the JSON-RPC layer costs.
    let mcp_call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_voice_id_options","arguments":{}}}"#;
    let mcp_headers: &'static [(&str, &str)] = &[
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
    ];
    let routes = [
        Request {
            method: "POST",
            path: "/actions/list_voice_id_options",
            body: "",
            headers: &[],
        },
        Request {
            method: "POST",
            path: "/mcp",
            body: mcp_call,
            headers: mcp_headers,
        },
        Request {
            method: "GET",
            path: "/actions",
            body: "",
            headers: &[],
        },
    ];
    let mut per_call = std::collections::HashMap::new();
    for request in routes {
        let Request { method, path, .. } = request;
        for concurrency in [1, 16] {
            let (count, latencies) = load(
                served.addr,
                request,
                concurrency,
                Duration::from_secs(seconds),
            )
            .await?;
            let mut sorted = latencies;
            sorted.sort();
            let pct =
                |q: f64| fmt_duration(sorted[((sorted.len() - 1) as f64 * q).round() as usize]);
            let rate = count as f64 / seconds as f64;
            per_call.insert((path, concurrency), rate);
            let what = if path == "/mcp" {
                format!(
                    "`POST /mcp` (`tools/call` of `list_voice_id_options`), {concurrency} client(s)"
                )
            } else {
                format!("`{method} {path}`, {concurrency} client(s)")
            };
            table.row(
                &what,
                format!(
                    "{rate:.0} req/s; latency p50 {}, p90 {}, p99 {}",
                    pct(0.5),
                    pct(0.9),
                    pct(0.99)
                ),
            );
        }
    }
    for concurrency in [1, 16] {
        let rest = per_call[&("/actions/list_voice_id_options", concurrency)];
        let mcp = per_call[&("/mcp", concurrency)];
        table.row(
            &format!("MCP ÷ REST per call (time per request), {concurrency} client(s)"),
            format!("{:.2}", rest / mcp),
        );
    }
    drop(served);
    let _ = std::fs::remove_file(component);
    Ok(())
}

/// One request of a load run.
#[derive(Clone, Copy)]
struct Request {
    method: &'static str,
    path: &'static str,
    body: &'static str,
    headers: &'static [(&'static str, &'static str)],
}

/// Sends `request` from `concurrency` keep-alive clients for `duration`;
/// returns the number of answers and their latencies. An answer other than
/// 200 ends the run with an error.
async fn load(
    addr: std::net::SocketAddr,
    request: Request,
    concurrency: usize,
    duration: Duration,
) -> Result<(usize, Vec<Duration>)> {
    let Request {
        method,
        path,
        body,
        headers,
    } = request;
    let deadline = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        tasks.spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let mut request = http::Request::builder()
                    .method(method)
                    .uri(path)
                    .header("host", addr.to_string());
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                let request = request.body(Full::new(Bytes::from_static(body.as_bytes())))?;
                let started = Instant::now();
                let response = sender.send_request(request).await?;
                let status = response.status();
                response.into_body().collect().await?;
                if status != 200 {
                    bail!("{method} {path} answered {status}");
                }
                latencies.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.context("load task")??);
    }
    Ok((all.len(), all))
}
