//! Builds the component artifacts from the workspace's face crates in one
//! cargo command, so that `cargo run -p heygen-host` and `cargo test` always
//! load the current plugin:
//!
//! - `heygen_plugin.wasm` (`faces/plugin`): exports the `actions` interface;
//! - `heygen_plugin_http.wasm` (`faces/http`): the same actions behind
//!   `wasi:http/incoming-handler`;
//! - `heygen_tools.wasm` (`faces/tools`): the same actions as world-level
//!   functions with their WIT docs embedded, for hosts that turn exports into
//!   MCP tools (wassette).
//!
//! All are built with the workspace's `component` profile into
//! `target/guest/` (a target dir of their own, so the outer build's lock is
//! not waited on), then published to `target/wasm/` for users and to
//! `OUT_DIR` for embedding: without the `component-name` section, and with
//! the main core module run through Binaryen's `wasm-opt -Oz`. That is the
//! npm registry's `binaryen` package (pinned in `binaryen/`, installed once
//! in seconds, run with Node.js) or a `wasm-opt` named by `HEYGEN_WASM_OPT`;
//! without either the components are published unoptimized, with a warning.

#![allow(clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// (face crate, the file cargo builds, the artifact's name)
const ARTIFACTS: [(&str, &str, &str); 3] = [
    (
        "heygen-plugin-component",
        "heygen_plugin_component.wasm",
        "heygen_plugin.wasm",
    ),
    (
        "heygen-http-component",
        "heygen_http_component.wasm",
        "heygen_plugin_http.wasm",
    ),
    (
        "heygen-tools-component",
        "heygen_tools_component.wasm",
        "heygen_tools.wasm",
    ),
];

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("the host crate lives inside the workspace")
        .to_path_buf();
    for watched in [
        "src",
        "faces",
        "wit",
        "schemas",
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
        "host/binaryen",
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

    ensure_wasm_target();
    build_guests(&root, &guest_target);
    let optimizer = Optimizer::find(&manifest_dir);
    // The three optimize at once: each takes a few seconds.
    std::thread::scope(|scope| {
        for (_, built, name) in ARTIFACTS {
            let (guest_target, out_dir, published) = (&guest_target, &out_dir, &published);
            let optimizer = optimizer.as_ref();
            scope.spawn(move || {
                let built = guest_target.join("wasm32-wasip2/component").join(built);
                let wasm = std::fs::read(&built)
                    .unwrap_or_else(|e| panic!("read {}: {e}", built.display()));
                let mut wasm = without_component_names(&wasm);
                if let Some(optimizer) = optimizer {
                    wasm = with_main_module_optimized(&wasm, &out_dir.join(name), optimizer);
                }
                write(&out_dir.join(name), &wasm);
                write(&published.join(name), &wasm);
            });
        }
    });
}

/// `component` without its `component-name` custom section: names of the
/// component's inner instances and functions for debugging tools (about
/// 10 KB), which the profile's `strip` leaves in (it strips the core module).
/// Every other section is kept byte for byte.
fn without_component_names(component: &[u8]) -> Vec<u8> {
    rewrite_sections(component, |id, payload| {
        let is_names = id == CUSTOM_SECTION && {
            let (name_len, name_start) = read_u32(payload);
            payload.get(name_start..name_start + name_len) == Some(b"component-name".as_slice())
        };
        (!is_names).then(|| payload.to_vec())
    })
}

/// `component` with its main core module (the first: the one rustc built;
/// the small shim modules after it are the linker's) run through `optimizer`
/// (Binaryen's size optimizer, `wasm-opt -Oz`, which takes about a sixth off
/// its code). Imports and exports keep their names and types, so the rest of
/// the component is kept byte for byte; the result is validated. `scratch`
/// names the files the optimizer reads and writes.
fn with_main_module_optimized(component: &[u8], scratch: &Path, optimizer: &Optimizer) -> Vec<u8> {
    let before = scratch.with_extension("core.wasm");
    let after = scratch.with_extension("core.opt.wasm");
    let mut done = false;
    let optimized = rewrite_sections(component, |id, payload| {
        if id != CORE_MODULE_SECTION || done {
            return Some(payload.to_vec());
        }
        done = true;
        write(&before, payload);
        optimizer.run(&before, &after);
        Some(std::fs::read(&after).unwrap_or_else(|e| panic!("read {}: {e}", after.display())))
    });
    assert!(done, "the built component has no core module");
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&optimized)
        .unwrap_or_else(|e| panic!("the optimized {} is not valid: {e}", scratch.display()));
    optimized
}

/// Binaryen's `wasm-opt`, ready to run.
enum Optimizer {
    /// A `wasm-opt` executable (`HEYGEN_WASM_OPT=/path/to/wasm-opt`).
    Native(PathBuf),
    /// The `binaryen` package of the npm registry (Binaryen compiled to
    /// WebAssembly for Node.js), run with `node`.
    Node(PathBuf),
}

/// The `binaryen` package's version, as pinned in `binaryen/package.json`.
const BINARYEN: &str = "132.0.0";

impl Optimizer {
    /// The optimizer to use, or `None` (with a cargo warning saying what that
    /// costs): `HEYGEN_WASM_OPT` names a `wasm-opt` or is `off`; unset, the
    /// pinned `binaryen` package is installed once (seconds) under the
    /// per-user cache with the machine's `npm`, and run with `node`.
    fn find(manifest_dir: &Path) -> Option<Optimizer> {
        println!("cargo:rerun-if-env-changed=HEYGEN_WASM_OPT");
        match std::env::var_os("HEYGEN_WASM_OPT") {
            Some(off) if off == "off" => return None,
            Some(path) => return Some(Optimizer::Native(PathBuf::from(path))),
            None => {}
        }
        let skip = |why: String| {
            println!(
                "cargo:warning=the components are not size-optimized ({why}); they work the same, about a sixth larger. Install Node.js, or set HEYGEN_WASM_OPT to a wasm-opt executable"
            );
            None
        };
        if !Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return skip("no `node` on PATH".into());
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        let Some(cache) = cache else {
            return skip("no cache directory: HOME is unset".into());
        };
        let dir = cache
            .join("heygen-plugin")
            .join(format!("binaryen-{BINARYEN}"));
        let script = dir.join("node_modules/binaryen/bin/wasm-opt");
        if !script.exists()
            && let Err(why) = install_binaryen(&manifest_dir.join("binaryen"), &dir)
        {
            return skip(why);
        }
        Some(Optimizer::Node(script))
    }

    /// Optimizes the core module `from` for size into `to`.
    fn run(&self, from: &Path, to: &Path) {
        let mut command = match self {
            Optimizer::Native(path) => Command::new(path),
            Optimizer::Node(script) => {
                let mut node = Command::new("node");
                node.arg(script);
                node
            }
        };
        // The features rustc enables for wasm32-wasip2 by default.
        command.args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
            "--enable-multivalue",
            "--enable-reference-types",
        ]);
        let output = command
            .arg(from)
            .arg("-o")
            .arg(to)
            .output()
            .unwrap_or_else(|e| panic!("run wasm-opt: {e}"));
        assert!(
            output.status.success(),
            "wasm-opt on {} failed: {}",
            from.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Installs the pinned `binaryen` package (`package.json` and
/// `package-lock.json` in `pinned`, integrity-checked by `npm ci`) into
/// `dir`, by way of a scratch directory renamed into place, so that a build
/// running at the same time never sees half an install.
fn install_binaryen(pinned: &Path, dir: &Path) -> Result<(), String> {
    let scratch = dir.with_extension(format!("tmp{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("create {}: {e}", scratch.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pinned.join(file), scratch.join(file))
            .map_err(|e| format!("copy {file}: {e}"))?;
    }
    let installed = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ])
        .current_dir(&scratch)
        .output();
    match installed {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(format!(
                "`npm ci` of binaryen {BINARYEN} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(format!("no `npm` to install binaryen {BINARYEN}: {e}"));
        }
    }
    if std::fs::rename(&scratch, dir).is_err() {
        // Another build installed it first.
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(())
}

/// A component section's id: custom sections.
const CUSTOM_SECTION: u8 = 0;
/// A component section's id: a core module.
const CORE_MODULE_SECTION: u8 = 1;

/// `component` with each top-level section's payload passed through `keep`,
/// which returns the payload to write (the same or a new one) or `None` to
/// drop the section.
fn rewrite_sections(
    component: &[u8],
    mut keep: impl FnMut(u8, &[u8]) -> Option<Vec<u8>>,
) -> Vec<u8> {
    let (header, mut rest) = component.split_at(8); // magic, version, layer
    let mut kept = header.to_vec();
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, size_len) = read_u32(after_id);
        let (payload, next) = after_id[size_len..].split_at(size);
        if let Some(payload) = keep(id, payload) {
            kept.push(id);
            write_u32(&mut kept, payload.len());
            kept.extend_from_slice(&payload);
        }
        rest = next;
    }
    kept
}

/// Appends `value` as a LEB128 `u32`.
fn write_u32(to: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            to.push(byte);
            return;
        }
        to.push(byte | 0x80);
    }
}

/// A LEB128 `u32` at the start of `bytes`: its value and its length.
fn read_u32(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0;
    for (i, byte) in bytes.iter().take(5).enumerate() {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    panic!("a malformed section size in the built component");
}

/// Adds the `wasm32-wasip2` target where rustup manages a toolchain that lacks
/// it (rustup does not add targets to an installed toolchain by itself when
/// automatic installs are off).
fn ensure_wasm_target() {
    let Ok(output) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        return; // no rustup: the build below says what is missing
    };
    if String::from_utf8_lossy(&output.stdout)
        .lines()
        .any(|t| t.trim() == "wasm32-wasip2")
    {
        return;
    }
    println!("cargo:warning=adding the wasm32-wasip2 target: rustup target add wasm32-wasip2");
    let added = Command::new("rustup")
        .args(["target", "add", "wasm32-wasip2"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        added,
        "the wasm32-wasip2 target is missing; run `rustup target add wasm32-wasip2`"
    );
}

fn build_guests(root: &Path, target_dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "component",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    for (package, _, _) in ARTIFACTS {
        command.args(["-p", package]);
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
        "building the components failed; run `cargo build -p heygen-plugin-component -p heygen-http-component -p heygen-tools-component --target wasm32-wasip2` to see why"
    );
}

fn write(to: &Path, wasm: &[u8]) {
    std::fs::write(to, wasm).unwrap_or_else(|e| panic!("write {}: {e}", to.display()));
}
