//! What the built components import and export: the plugin exports only the
//! `actions` interface, the HTTP face only `wasi:http/incoming-handler`, and
//! both import only WASI 0.2 interfaces they need (no sockets, no files).

use heygen_host::runtime::{HTTP_FACE_WASM, PLUGIN_WASM, Runtime};
use wasmtime::component::Component;

fn names_of(runtime: &Runtime, wasm: &[u8]) -> (Vec<String>, Vec<String>) {
    let component: Component = runtime.component(wasm).expect("component");
    let ty = component.component_type();
    let engine = runtime.engine();
    let imports = ty
        .imports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    let exports = ty
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    (imports, exports)
}

fn check_imports(imports: &[String]) {
    for import in imports {
        let allowed = [
            "wasi:http/",
            "wasi:io/",
            "wasi:clocks/",
            "wasi:random/",
            "wasi:cli/",
        ];
        assert!(
            allowed.iter().any(|p| import.starts_with(p)),
            "unexpected import {import}"
        );
        assert!(import.contains("@0.2."), "{import} is not WASI 0.2");
    }
}

#[test]
fn the_plugin_exports_only_the_actions() {
    let runtime = Runtime::new().expect("engine");
    let (imports, exports) = names_of(&runtime, PLUGIN_WASM);
    println!("plugin imports: {imports:#?}\nplugin exports: {exports:#?}");
    assert_eq!(exports, ["modulex:heygen/actions@0.1.0"]);
    check_imports(&imports);
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:http/outgoing-handler@0.2"))
    );
}

#[test]
fn the_http_face_exports_only_the_incoming_handler() {
    let runtime = Runtime::new().expect("engine");
    let (imports, exports) = names_of(&runtime, HTTP_FACE_WASM);
    println!("HTTP face imports: {imports:#?}\nHTTP face exports: {exports:#?}");
    assert_eq!(exports.len(), 1);
    assert!(
        exports[0].starts_with("wasi:http/incoming-handler@0.2"),
        "{exports:?}"
    );
    check_imports(&imports);
}

/// The `package wasi:NAME@VERSION;` of every vendored WIT dependency.
fn vendored_packages() -> Vec<(String, String)> {
    let deps = concat!(env!("CARGO_MANIFEST_DIR"), "/../wit/deps");
    let mut packages = Vec::new();
    for dir in std::fs::read_dir(deps).expect("wit/deps") {
        for file in std::fs::read_dir(dir.expect("entry").path()).expect("a package folder") {
            let text = std::fs::read_to_string(file.expect("entry").path()).expect("WIT text");
            let Some(line) = text.lines().find(|l| l.starts_with("package ")) else {
                continue;
            };
            let (name, version) = line["package ".len()..]
                .trim_end_matches(';')
                .split_once('@')
                .expect("a versioned package");
            packages.push((name.to_owned(), version.to_owned()));
        }
    }
    packages.sort();
    packages.dedup();
    packages
}

fn semver(version: &str) -> (u32, u32, u32) {
    let mut parts = version
        .split('.')
        .map(|p| p.parse::<u32>().expect("a number"));
    let mut next = || parts.next().expect("three parts");
    (next(), next(), next())
}

/// The vendored `wit/deps` agree with what the components import: one version
/// per vendored package; every import of it 0.2-compatible and no older (the
/// linker merges our 0.2.4 imports into the newer 0.2.x that Rust's std
/// brings); and `wasi:http`, which only our worlds import, exactly vendored.
#[test]
fn the_vendored_wit_deps_match_the_imports() {
    let vendored = vendored_packages();
    let mut names: Vec<&str> = vendored.iter().map(|(n, _)| n.as_str()).collect();
    names.dedup();
    assert_eq!(
        names.len(),
        vendored.len(),
        "one version per package: {vendored:?}"
    );
    let runtime = Runtime::new().expect("engine");
    for wasm in [PLUGIN_WASM, HTTP_FACE_WASM] {
        let (imports, _) = names_of(&runtime, wasm);
        for import in &imports {
            let (interface, version) = import.split_once('@').expect("versioned import");
            let package = interface.split('/').next().expect("a package");
            let (_, want) = vendored
                .iter()
                .find(|(name, _)| name == package)
                .unwrap_or_else(|| panic!("{import}: wasi package not vendored in wit/deps"));
            let (have, want) = (semver(version), semver(want));
            assert_eq!((have.0, have.1), (want.0, want.1), "{import} vs wit/deps");
            assert!(have.2 >= want.2, "{import} is older than wit/deps");
            if package == "wasi:http" {
                assert_eq!(
                    have, want,
                    "{import}: wasi:http must be the vendored version"
                );
            }
        }
    }
}
