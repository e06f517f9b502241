//! Builds the component artifacts from the workspace's face crates in one
//! cargo command, so that `cargo run -p host-test` and `cargo test` always
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
//! the main core module run through Binaryen's `wasm-opt -Oz` (the `wasm-opt`
//! crate, built from Binaryen's C++ source once per target directory).

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
        .expect("host-test lives inside the workspace")
        .to_path_buf();
    for watched in [
        "src",
        "faces",
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

    ensure_wasm_target();
    build_guests(&root, &guest_target);
    for (_, built, name) in ARTIFACTS {
        let built = guest_target.join("wasm32-wasip2/component").join(built);
        let wasm =
            std::fs::read(&built).unwrap_or_else(|e| panic!("read {}: {e}", built.display()));
        let wasm = without_component_names(&wasm);
        let wasm = with_main_module_optimized(&wasm, &out_dir.join(name));
        write(&out_dir.join(name), &wasm);
        write(&published.join(name), &wasm);
    }
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
/// the small shim modules after it are the linker's) run through Binaryen's
/// size optimizer (`wasm-opt -Oz`), which takes about a sixth off its code.
/// Imports and exports keep their names and types, so the rest of the
/// component is kept byte for byte; the result is validated. `scratch` names
/// the files the optimizer reads and writes.
fn with_main_module_optimized(component: &[u8], scratch: &Path) -> Vec<u8> {
    let before = scratch.with_extension("core.wasm");
    let after = scratch.with_extension("core.opt.wasm");
    let mut done = false;
    let optimized = rewrite_sections(component, |id, payload| {
        if id != CORE_MODULE_SECTION || done {
            return Some(payload.to_vec());
        }
        done = true;
        write(&before, payload);
        // The features rustc enables for wasm32-wasip2 by default.
        wasm_opt::OptimizationOptions::new_optimize_for_size_aggressively()
            .enable_feature(wasm_opt::Feature::BulkMemory)
            .enable_feature(wasm_opt::Feature::SignExt)
            .enable_feature(wasm_opt::Feature::MutableGlobals)
            .enable_feature(wasm_opt::Feature::TruncSat)
            .enable_feature(wasm_opt::Feature::Multivalue)
            .enable_feature(wasm_opt::Feature::ReferenceTypes)
            .run(&before, &after)
            .unwrap_or_else(|e| panic!("wasm-opt on {}: {e}", before.display()));
        Some(std::fs::read(&after).unwrap_or_else(|e| panic!("read {}: {e}", after.display())))
    });
    assert!(done, "the built component has no core module");
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&optimized)
        .unwrap_or_else(|e| panic!("the optimized {} is not valid: {e}", scratch.display()));
    optimized
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
