//! Builds the two component artifacts from the workspace's guest crate, so that
//! `cargo run -p host-test` and `cargo test` always load the current plugin:
//!
//! - `heygen_plugin.wasm`: exports the `actions` interface (tool hosts);
//! - `heygen_plugin_http.wasm`: the same actions behind `wasi:http/incoming-handler`.
//!
//! Both are built with the workspace's `component` profile into
//! `target/guest/` (a target dir of their own, so the outer build's lock is
//! not waited on), then copied to `target/wasm/` for users and to `OUT_DIR`
//! for embedding.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (cargo features, artifact name)
const ARTIFACTS: [(&str, &str); 2] = [
    ("", "heygen_plugin.wasm"),
    ("http-face", "heygen_plugin_http.wasm"),
];

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host-test lives inside the workspace")
        .to_path_buf();
    for watched in [
        "src",
        "wit",
        "schemas",
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let guest_target = target.join("guest");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let published = target.join("wasm");
    std::fs::create_dir_all(&published).expect("create target/wasm");

    for (features, name) in ARTIFACTS {
        build_guest(&root, &guest_target, features);
        let built = guest_target.join("wasm32-wasip2/component/heygen_plugin.wasm");
        copy(&built, &out_dir.join(name));
        copy(&built, &published.join(name));
    }
}

fn build_guest(root: &Path, target_dir: &Path, features: &str) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "heygen-plugin",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "component",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    if !features.is_empty() {
        command.args(["--features", features]);
    }
    // The outer build's flags and wrappers (clippy, coverage, sanitizers) are
    // for the native host, not for the component.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        command.env_remove(var);
    }
    let status = command.status().expect("run cargo to build the component");
    assert!(
        status.success(),
        "building the component failed (features: {features:?}); run `cargo build -p heygen-plugin --target wasm32-wasip2` to see why"
    );
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
}
