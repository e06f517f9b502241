//! Integration tests: the real component (built by `build.rs`), loaded by
//! wasmtime, against the HeyGen simulator over real loopback HTTP.

mod cli;
mod common;
mod component;
mod config;
mod guards;
mod legacy;
mod pool;
mod reliability;
mod retries;
mod serve;
mod sim;
mod v3;
