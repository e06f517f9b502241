//! The real `wasmtime serve`, for the HTTP-face tests and the benchmark: finds
//! (or installs, through `scripts/install-wasmtime.sh`) the pinned CLI and runs
//! the HTTP-face component under it on a free loopback port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The pinned `wasmtime` CLI: `$WASMTIME` if set, else the one
/// `scripts/install-wasmtime.sh` installs (it returns at once when present).
pub fn wasmtime_cli() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("WASMTIME") {
        return Ok(PathBuf::from(path));
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/install-wasmtime.sh"
    );
    let out = Command::new("bash")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .context("running scripts/install-wasmtime.sh")?;
    if !out.status.success() {
        bail!("installing the wasmtime CLI failed");
    }
    Ok(PathBuf::from(String::from_utf8(out.stdout)?.trim()))
}

/// Writes the embedded HTTP-face component to a file in the temp dir.
pub fn http_face_file() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("heygen_plugin_http-{}.wasm", std::process::id()));
    std::fs::write(&path, crate::runtime::HTTP_FACE_WASM)?;
    Ok(path)
}

/// A running `wasmtime serve`; killed when dropped.
pub struct Served {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `wasmtime serve -S cli --env NAME=VALUE… component` on a free
/// loopback port and waits until it accepts connections.
///
/// The port is outside the ephemeral range the simulators' `:0` binds draw
/// from, and a server that exits at once (its port taken meanwhile) is
/// started again on another one: a free port cannot be handed over to
/// another process without a moment in which it could be taken.
pub async fn serve(wasmtime: &Path, component: &Path, env: &[(&str, &str)]) -> Result<Served> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
        ^ std::process::id();
    for attempt in 0..8u32 {
        let port = 20_000 + ((seed.wrapping_add(attempt.wrapping_mul(7_919))) % 10_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            continue;
        }
        let mut command = Command::new(wasmtime);
        command.args(["serve", "-S", "cli", "--addr", &format!("127.0.0.1:{port}")]);
        for (name, value) in env {
            command.args(["--env", &format!("{name}={value}")]);
        }
        let child = command
            .arg(component)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", wasmtime.display()))?;
        let mut served = Served {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let started = Instant::now();
        loop {
            if served.child.try_wait()?.is_some() {
                break; // it could not bind: try another port
            }
            if tokio::net::TcpStream::connect(served.addr).await.is_ok() {
                return Ok(served);
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("wasmtime serve did not start within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    bail!("wasmtime serve found no free port in 8 tries")
}
