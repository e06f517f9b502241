//! HeyGen's video API as a WebAssembly component: five actions (create a
//! talking-photo video, render a template, list webhook event types, list
//! voices, fetch a video's links) over HeyGen v3 or its legacy v1/v2 API.
//!
//! The crate is a pure core with a thin edge. Everything outside [`wasm`]
//! builds requests, checks input and reads answers without I/O, so it is
//! unit-tested natively with `cargo test`. [`wasm`] (built only for
//! `wasm32`) holds the generated bindings, the `wasi:http` transport and the
//! two faces: the `actions` interface for tool hosts and, with the `http-face`
//! feature, `wasi:http/incoming-handler` for `wasmtime serve` and other servers.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod actions;
pub mod api;
pub mod client;
pub mod config;
pub mod error;
pub mod http;
pub mod http_face;
pub mod input;
/// Limits the plugin enforces on arguments (also stated in the tool manifest).
pub mod limits;
pub mod manifest;
pub mod output;
pub mod retry;
pub mod transport;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::Error;
