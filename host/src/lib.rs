//! `heygen-host`: runs the HeyGen plugin component under wasmtime, with a
//! HeyGen simulator to run it against.
//!
//! - [`runtime`] loads the component (compiled once, cached on disk), gives it
//!   WASI and `wasi:http` with an outbound allow-list, a memory limit and a
//!   time limit, and runs actions from card-named JSON ([`values`] converts).
//! - [`pool`] sends the plugin's outgoing requests over pooled keep-alive
//!   connections shared by every instance.
//! - [`sim`] is the HeyGen simulator: a real HTTP server on loopback.
//! - [`demo`] is the main job: every action end to end, as a transcript.
//! - [`reliability`] is the fault and bad-input matrix, with its figures.
//! - [`bench`] measures size, start-up and per-call cost against a native baseline.
//! - [`serve`] runs the HTTP face under the real `wasmtime serve`.
//! - [`mcp`] serves the actions as MCP tools over stdio (`heygen-host mcp`).

pub mod bench;
pub mod demo;
pub mod docs;
pub mod mcp;
pub mod pool;
pub mod reliability;
pub mod runtime;
pub mod serve;
pub mod sim;
pub mod uploads;
pub mod wit_values;
