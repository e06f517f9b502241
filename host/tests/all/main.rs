//! Integration tests: the real component (built by `build.rs`), loaded by
//! wasmtime, against the HeyGen simulator over real loopback HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod common;
mod component;
mod config;
mod discovery;
mod generations;
mod guards;
mod jobs;
mod legacy;
mod mcp;
mod media;
mod pool;
mod reliability;
mod remote_mcp;
mod retries;
mod serve;
mod sim;
mod tools;
mod v3;
mod verify_webhook;
mod webhooks;
