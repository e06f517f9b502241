//! Integration tests: the real component (built by `build.rs`), loaded by
//! wasmtime, against the HeyGen simulator over real loopback HTTP.

mod common;
mod config;
mod legacy;
mod reliability;
mod serve;
mod v3;
