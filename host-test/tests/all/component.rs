//! What the built components import and export: the plugin exports only the
//! `actions` interface, the HTTP face only `wasi:http/incoming-handler`, and
//! both import only WASI 0.2 interfaces they need (no sockets, no files).

use host_test::runtime::{HTTP_FACE_WASM, PLUGIN_WASM, Runtime};
use wasmtime::component::Component;

fn names(runtime: &Runtime, wasm: &[u8]) -> (Vec<String>, Vec<String>) {
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
    let (imports, exports) = names(&runtime, PLUGIN_WASM);
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
    let (imports, exports) = names(&runtime, HTTP_FACE_WASM);
    println!("HTTP face imports: {imports:#?}\nHTTP face exports: {exports:#?}");
    assert_eq!(exports.len(), 1);
    assert!(
        exports[0].starts_with("wasi:http/incoming-handler@0.2"),
        "{exports:?}"
    );
    check_imports(&imports);
}
