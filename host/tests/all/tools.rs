//! The tools artifact (`heygen_tools.wasm`) as hosts that turn exports into
//! MCP tools (wassette) see it, read back with `wasmparser` and `wit-parser`'s
//! decoder: its world exports every registry action under its bare kebab-case
//! name, each carrying the doc of the same function in `wit/heygen.wit`, and it
//! imports the `actions` interface for its types only. Then it runs every
//! action for real and answers exactly as the plugin does.

use std::path::Path;

use heygen_host::runtime::{HostFeatures, Plugin, Runtime};
use heygen_host::sim::{DEFAULT_KEY, Simulator};
use heygen_plugin::actions::ALL;
use serde_json::Value;
use wasmparser::{Parser, Payload};
use wit_parser::decoding::{DecodedWasm, decode};
use wit_parser::{PackageMetadata, Resolve, WorldId, WorldItem};

use crate::common::{assert_card_shape, plugin};

/// The tools artifact, as `build.rs` built it.
const TOOLS_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/heygen_tools.wasm"));

/// The longest tool name we accept. Clients limit the name they build from
/// server and tool (Claude Code: `mcp__<server>__<tool>`, at most 64
/// characters; Cursor: server and tool together, at most 60), so this leaves
/// room for a server name of 25 characters.
const MAX_TOOL_NAME: usize = 32;

/// The interface whose types the tools world uses.
const ACTIONS: &str = "modulex:heygen/actions@0.1.0";

/// The functions of `interface actions` in `wit/heygen.wit` with their docs,
/// and the interface's own doc.
fn wit_source() -> (Vec<(String, String)>, String) {
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit"))
        .expect("wit/ parses");
    let interface = &resolve.interfaces[resolve.packages[package].interfaces["actions"]];
    let functions = interface
        .functions
        .values()
        .map(|f| (f.name.clone(), f.docs.contents.clone().unwrap_or_default()))
        .collect();
    (
        functions,
        interface.docs.contents.clone().unwrap_or_default(),
    )
}

/// The artifact's world as a decoder reads it, with the embedded docs applied.
fn decoded() -> (Resolve, WorldId) {
    match decode(TOOLS_WASM).expect("the tools artifact decodes") {
        DecodedWasm::Component(resolve, world) => (resolve, world),
        DecodedWasm::WitPackage(..) => panic!("a WIT package, not a component"),
    }
}

#[test]
fn every_action_is_a_world_export_with_a_short_name_and_its_wit_doc() {
    let (resolve, world) = decoded();
    let (source, interface_doc) = wit_source();
    let mut exported = Vec::new();
    for (key, item) in &resolve.worlds[world].exports {
        let name = resolve.name_world_key(key);
        let WorldItem::Function(function) = item else {
            panic!("`{name}` is exported but is not a function");
        };
        let doc = function.docs.contents.clone().unwrap_or_default();
        let (_, expected) = source
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("`{name}` is not a function of `interface actions`"));
        assert!(!doc.is_empty(), "`{name}` carries no doc");
        assert_eq!(&doc, expected, "`{name}`'s embedded doc");
        assert!(
            name.len() <= MAX_TOOL_NAME,
            "`{name}` is longer than {MAX_TOOL_NAME} characters"
        );
        exported.push(name);
    }
    println!("tools: {exported:?}");
    let mut registry: Vec<String> = ALL.iter().map(|e| e.name.replace('_', "-")).collect();
    exported.sort();
    registry.sort();
    assert_eq!(exported, registry, "the exports are the registry's actions");
    // The world's own doc is the interface's: what the actions share (errors,
    // configuration).
    let world_doc = resolve.worlds[world].docs.contents.clone();
    assert_eq!(world_doc.as_deref(), Some(interface_doc.as_str()));
}

#[test]
fn the_docs_are_one_package_docs_section() {
    // Decoders refuse a component with two; `parse_all` walks nested modules
    // too, where a Rust static puts it.
    let sections: Vec<Vec<u8>> = Parser::new(0)
        .parse_all(TOOLS_WASM)
        .filter_map(|payload| match payload.expect("the artifact parses") {
            Payload::CustomSection(s) if s.name() == PackageMetadata::SECTION_NAME => {
                Some(s.data().to_vec())
            }
            _ => None,
        })
        .collect();
    assert_eq!(sections.len(), 1, "one `package-docs` section");
    PackageMetadata::decode(&sections[0]).expect("the section is package metadata");
    // Tool hosts read the functions' docs under the world's `func_exports`.
    let json: Value = serde_json::from_slice(&sections[0][1..]).expect("JSON after the version");
    let functions = json["worlds"]["root"]["func_exports"]
        .as_object()
        .expect("worlds.root.func_exports");
    assert_eq!(functions.len(), ALL.len());
}

#[test]
fn it_imports_wasi_and_the_actions_types_only() {
    let (resolve, world) = decoded();
    for (key, item) in &resolve.worlds[world].imports {
        let name = resolve.name_world_key(key);
        match item {
            WorldItem::Interface { id, .. } if name == ACTIONS => {
                let functions: Vec<&String> = resolve.interfaces[*id].functions.keys().collect();
                assert!(
                    functions.is_empty(),
                    "imports functions of {ACTIONS}: {functions:?}"
                );
            }
            WorldItem::Interface { .. } => {
                assert!(
                    name.starts_with("wasi:") && name.contains("@0.2."),
                    "unexpected import {name}"
                );
                assert!(
                    !name.starts_with("wasi:sockets") && !name.starts_with("wasi:filesystem"),
                    "{name}"
                );
            }
            WorldItem::Type { .. } => {}
            WorldItem::Function(_) => panic!("imports the function `{name}`"),
        }
    }
}

/// Runs every action's example through the tools artifact and through the
/// plugin, each against a fresh simulator, under wasmtime.
#[tokio::test]
async fn it_answers_every_action_as_the_plugin_does() {
    let runtime = Runtime::new().expect("engine");
    let tools = Plugin::new(
        &runtime,
        &runtime.component(TOOLS_WASM).expect("component"),
        HostFeatures::default(),
    )
    .expect("the tools artifact instantiates with the host's WASI");
    for entry in ALL {
        let args: Value = serde_json::from_str(entry.example).expect("example");
        let mut outputs = Vec::new();
        for artifact in [&tools, plugin()] {
            let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
            let settings = heygen_host::runtime::Settings::new(vec![
                ("HEYGEN_API_KEY".to_owned(), DEFAULT_KEY.to_owned()),
                ("HEYGEN_BASE_URL".to_owned(), sim.url().to_owned()),
            ]);
            let mut session = artifact.session(&settings).await.expect("instance");
            let output = session
                .call(entry.name, &args)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
            // A pure action (verifying a webhook's signature) sends nothing.
            assert_eq!(
                sim.requests().is_empty(),
                entry.pure,
                "{} reached the simulator (or, pure, did not stay away)",
                entry.name
            );
            outputs.push(output);
        }
        assert_eq!(
            outputs[0]["success"], true,
            "{}: {:#}",
            entry.name, outputs[0]
        );
        assert_card_shape(entry.name, &outputs[0]);
        // A new webhook endpoint's signing secret is random: compared by shape.
        for output in &mut outputs {
            if let Some(secret) = output.get_mut("secret") {
                assert!(secret.as_str().is_some_and(|s| s.starts_with("whsec_")));
                *secret = Value::from("whsec_…");
            }
        }
        assert_eq!(
            outputs[0], outputs[1],
            "{}: tools and plugin differ",
            entry.name
        );
    }
}
