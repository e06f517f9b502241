//! The tools artifact (`heygen_tools.wasm`): the actions of
//! `modulex:heygen/actions` exported as plain world-level functions, so that
//! hosts which turn a component's exports into MCP tools (wassette) name each
//! tool after its action (`create-video-from-template`), and with each
//! function's WIT doc embedded as a `package-docs` custom section, which such
//! hosts show as the tool's description.
//!
//! The world is generated from `wit/heygen.wit` by `build.rs`; the exports are
//! generated from the registry (`for_each_action!`) by the glue this face
//! shares with `faces/plugin` (`faces/glue.rs`).

#[cfg(target_arch = "wasm32")]
#[macro_use]
#[path = "../../glue.rs"]
mod glue;

#[cfg(target_arch = "wasm32")]
mod exports {
    /// The generated bindings stay private: only this module names them.
    // The world uses `actions` for its types, so wit-bindgen also writes
    // import wrappers for its functions, lowering each record into many
    // arguments; nothing calls them, and the component does not import them.
    #[allow(clippy::too_many_arguments)]
    mod bindings {
        bindings!(
            ["../../wit", concat!(env!("OUT_DIR"), "/tools.wit")],
            "root:component/root",
            // The interface whose types the world uses (it exports none of
            // its functions).
            generate_all
        );
    }

    use crate::glue::{Plugin, call};
    use bindings::Guest;
    use bindings::modulex::heygen::actions as wit;

    heygen_plugin::for_each_action!(exports);

    bindings::export!(Plugin with_types_in bindings);

    /// Every function's WIT doc, as `build.rs` encoded it. A Rust static lands
    /// in the component's core module, not at its top level; that is where
    /// `wit_parser::decoding::decode` (so `wasm-tools component wit`) and
    /// wassette 0.8 look too: both scan nested modules for the section
    /// (`tests/all/tools.rs` decodes it; `scripts/wassette.sh` shows it).
    const PACKAGE_DOCS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/package-docs.bin"));

    #[used]
    #[unsafe(link_section = "package-docs")]
    static EMBEDDED_DOCS: [u8; PACKAGE_DOCS.len()] =
        *include_bytes!(concat!(env!("OUT_DIR"), "/package-docs.bin"));
}
