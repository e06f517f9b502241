//! HeyGen's video API as a WebAssembly component, for agents and workflow
//! runtimes: create talking-photo and template videos, list webhook event
//! types and voices, and fetch a video's links, over HeyGen v3 or its legacy
//! v1/v2 API.
//!
//! This crate is the core every artifact shares. Everything outside [`wasi`]
//! builds requests, checks input and reads answers without I/O, so it is
//! unit-tested natively with `cargo test`. [`wasi`] (built only for `wasm32`)
//! holds the `wasi:http` port and the incoming handler's byte moving; the
//! component artifacts themselves are thin crates under `faces/` (the plugin's
//! WIT exports, the HTTP face) that call into it.
//!
//! The surface, by who needs it:
//! - every face: [`actions`] (the registry: [`actions::ALL`],
//!   [`for_each_action!`]), [`Env`](actions::Env), [`Reply`](actions::Reply);
//! - the HTTP face: [`http_face`] (routing and answers) and [`manifest`];
//! - hosts and the native bench: [`config`] (variable names, base-URL rules),
//!   [`port`] (to run the core over another transport), [`outbound`],
//!   [`error`], [`limits`].

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
// The components carry no standard library: `core` and `alloc`, with the
// allocator, `cabi_realloc` and the panic handler of `wasi::runtime`
// (docs/performance.md, "Size with forty actions"). Native builds keep std.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

/// What std's prelude gives and `no_std` does not: every module that needs
/// it starts with `use crate::prelude::*;`.
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

/// The argument reader of every face that takes JSON (`arguments!`, `one_of!`).
#[macro_use]
pub mod args;
pub mod actions;
mod api;
mod call;
mod checks;
pub mod config;
pub mod error;
pub mod http_face;
mod json;
pub mod key;
/// Every limit the plugin enforces, in one place (also stated in the tool manifest).
pub mod limits;
pub mod manifest;
pub mod mcp;
pub mod media;
pub mod outbound;
pub mod port;
mod retry;
mod wait;

#[cfg(target_arch = "wasm32")]
pub mod wasi;

pub use error::Error;
