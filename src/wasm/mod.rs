//! The component's edge: generated bindings, the `wasi:http` transport and the
//! glue of each face. Built only for `wasm32`; it holds no logic of its own.

mod transport;

#[cfg(not(feature = "http-face"))]
mod plugin;
#[cfg(feature = "http-face")]
mod server;

use crate::actions::Env;

/// Runs `f` with the component's environment as the settings source.
fn with_env<R>(key: Option<&str>, f: impl FnOnce(&Env<'_>) -> R) -> R {
    let lookup = |name: &str| std::env::var(name).ok();
    f(&Env {
        lookup: &lookup,
        key,
    })
}
