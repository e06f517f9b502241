//! The plugin artifact (`heygen_plugin.wasm`): exports the `actions`
//! interface of `modulex:heygen@0.1.0` for tool hosts and plugin runtimes.
//!
//! Every export is generated from the registry (`for_each_action!`) by the
//! glue this face shares with `faces/tools` (`faces/glue.rs`).

#[cfg(target_arch = "wasm32")]
#[macro_use]
#[path = "../../glue.rs"]
mod glue;

#[cfg(target_arch = "wasm32")]
mod exports {
    /// The generated bindings stay private: only this module names them.
    mod bindings {
        bindings!("../../wit", "plugin");
    }

    use crate::glue::{Plugin, call};
    use bindings::exports::modulex::heygen::actions as wit;
    use wit::Guest;

    heygen_plugin::for_each_action!(exports);

    bindings::export!(Plugin with_types_in bindings);
}
