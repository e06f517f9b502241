//! MCP, the Model Context Protocol: the tools every MCP server of the project
//! offers, and the HTTP face's server over Streamable HTTP (`POST /mcp`).
//!
//! - [`tools`]: the tool list and the operator's choice of tools, one
//!   definition that `heygen-host mcp` (stdio, with the official Rust SDK)
//!   and the HTTP face both serve;
//! - [`progress`]: status changes of a wait as `notifications/progress`;
//! - [`http`]: the HTTP face's MCP endpoint, stateless: its transport rules
//!   and its JSON-RPC methods, without I/O (`wasi::mcp` moves the bytes);
//! - [`stateless`]: the rules of MCP's stateless revision (2026-07-28) that
//!   [`http`] serves next to the handshake revisions.

pub mod http;
pub mod progress;
pub mod stateless;
pub mod tools;
