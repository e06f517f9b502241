//! `heygen-host mcp`: the plugin's actions as MCP tools, served over stdio
//! with the official Rust SDK (`rmcp`).
//!
//! - Tools come from the registry ([`actions::ALL`]) and the manifest that
//!   `build.rs` generates from the WIT: name, description (the WIT doc),
//!   input schema (field docs, limits; optional fields also take `null`),
//!   output schema (`schemas/<name>.output.json`), and annotations from the
//!   action's [`Kind`]; a tool that spends credits says so.
//! - Each `tools/call` is checked natively first ([`actions::Entry::check`]):
//!   refused arguments get the card-shaped `invalid_input:` answer and nothing
//!   is sent. The rest runs in a fresh instance of the cached, pre-instantiated
//!   component (pooling allocator), with the outbound allow-list and time limit
//!   of `heygen-host call`; at most [`MAX_CONCURRENT_CALLS`] at once.
//! - A `notifications/cancelled` drops the call's future, which stops the
//!   instance (a guest waiting on the network is dropped with it; running wasm
//!   is stopped at its next epoch check) and drops the instance.
//! - `wait_for_video` reports progress: each status change seen in HeyGen's
//!   answers to the plugin's own polls (the host watches the bodies of the
//!   call's GET answers) becomes a `notifications/progress`, when the client
//!   sent a `progressToken`. No extra request is made for it.
//! - The operator picks the tools: `--toolsets` (the registry's toolsets;
//!   [`Selection`]) and `--read-only` (only tools that change nothing). The
//!   tool list shows only those; a call to any other tool is refused like an
//!   unknown one (`-32602`).
//! - With `--upload-dir DIR`, a tool that takes `content_base64` also takes a
//!   `path` inside DIR, which the host reads ([`crate::uploads`]).
//! - Messages are lines of at most [`MAX_MESSAGE_BYTES`]; a longer line is
//!   not read, and its request (when its `id` can be read from the line's
//!   start) gets an error answer. stdout carries only the protocol; logs go to
//!   stderr.

use std::borrow::Cow;
use std::sync::Arc;

use anyhow::{Context, Result};
use heygen_plugin::actions::Entry;
use heygen_plugin::config::Generation;
use heygen_plugin::error::{Error as PluginError, Failure};
use heygen_plugin::mcp::progress::{Reported, Seen};
pub use heygen_plugin::mcp::tools::Selection;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CustomRequest, CustomResult,
    ErrorCode, Implementation, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam,
    ProgressToken, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{OnceCell, Semaphore};

use crate::runtime::{CallError, Plugin, Runtime, Settings, Watch, pooling_config};
use crate::sim::Simulator;
use crate::uploads::UploadDir;

/// How many `tools/call`s run at once; later ones wait for a free slot (and
/// can be cancelled while they wait). Calls mostly wait on HeyGen, so this is
/// above the core count; each running call holds one instance (at most 16 MiB
/// of linear memory).
pub const MAX_CONCURRENT_CALLS: usize = 8;

/// The longest JSON-RPC message (one line) the server reads: room for an
/// upload's 4 MiB file as base64, the largest valid call.
pub const MAX_MESSAGE_BYTES: usize = heygen_plugin::limits::MAX_FILE_REQUEST_BYTES;

/// The method of the stand-in request that replaces an oversized message.
const OVERSIZED_METHOD: &str = "heygen/oversized-message";

/// Options of `heygen-host mcp`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Start the built-in simulator and call it instead of HeyGen.
    pub simulator: bool,
    /// Which tools to offer.
    pub selection: Selection,
    /// Where `path` arguments may read files from (none: no file is read).
    pub upload_dir: Option<UploadDir>,
}

/// The MCP tool list: one tool per registry action, from the manifest for
/// `generation` (its argument limits differ).
pub fn tools(generation: Generation) -> Result<Vec<Tool>> {
    offered_tools(generation, &Selection::all(), false)
}

/// The tools `selection` offers, as the core defines them for every MCP
/// server of the project ([`heygen_plugin::mcp::tools`]); with `paths`, a
/// tool that takes `content_base64` also takes a `path`
/// ([`crate::uploads::with_path`]).
pub fn offered_tools(
    generation: Generation,
    selection: &Selection,
    paths: bool,
) -> Result<Vec<Tool>> {
    heygen_plugin::mcp::tools::list(generation, selection)
        .into_iter()
        .map(|definition| {
            let mut tool: Tool = serde_json::from_value(definition)
                .context("the core's tool definition is not an MCP tool")?;
            if paths {
                let mut schema = (*tool.input_schema).clone();
                crate::uploads::with_path(&mut schema);
                tool.input_schema = Arc::new(schema);
            }
            Ok(tool)
        })
        .collect()
}

/// The MCP server: the tool list, the plugin (loaded in the background at
/// start) and the settings every call runs with.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    tools: Vec<Tool>,
    selection: Selection,
    upload_dir: Option<UploadDir>,
    instructions: String,
    runtime: Runtime,
    plugin: OnceCell<Plugin>,
    settings: Settings,
    slots: Semaphore,
}

impl Server {
    /// A server whose calls run with `settings` on `runtime`. It starts
    /// loading the plugin at once (from the on-disk cache when it can).
    pub fn new(
        runtime: Runtime,
        settings: Settings,
        selection: Selection,
        upload_dir: Option<UploadDir>,
    ) -> Result<Server> {
        let generation = generation(&settings.env);
        let server = Server {
            inner: Arc::new(Inner {
                tools: offered_tools(generation, &selection, upload_dir.is_some())?,
                selection,
                upload_dir,
                instructions: heygen_plugin::mcp::tools::instructions(generation),
                runtime,
                plugin: OnceCell::new(),
                settings,
                slots: Semaphore::new(MAX_CONCURRENT_CALLS),
            }),
        };
        let warm = server.clone();
        tokio::spawn(async move {
            if let Err(e) = warm.plugin().await {
                eprintln!("heygen-host mcp: loading the plugin: {e:#}");
            }
        });
        Ok(server)
    }

    async fn plugin(&self) -> Result<&Plugin> {
        self.inner
            .plugin
            .get_or_try_init(|| async {
                let runtime = self.inner.runtime.clone();
                tokio::task::spawn_blocking(move || Plugin::embedded(&runtime)).await?
            })
            .await
    }

    /// Runs `entry` with checked `args` in a fresh instance; the statuses
    /// HeyGen gives its polls go to `progress` as notifications.
    async fn run(
        &self,
        entry: &'static Entry,
        args: &Value,
        progress: Option<(Peer<RoleServer>, ProgressToken)>,
    ) -> CallToolResult {
        let mut settings = self.inner.settings.clone();
        let (statuses, mut changes) = tokio::sync::mpsc::unbounded_channel::<Seen>();
        if progress.is_some() {
            let watch: Watch = Arc::new(move |body: &[u8]| {
                if let Some(status) = Seen::in_answer(body) {
                    let _ = statuses.send(status);
                }
            });
            settings.watch = Some(watch);
        } else {
            drop(statuses);
        }
        let work = async {
            let plugin = self.plugin().await.map_err(CallError::Host)?;
            let mut session = plugin.session(&settings).await.map_err(CallError::Host)?;
            drop(settings);
            session.call(entry.name, args).await
            // The session, and with it the watch, is dropped here: `changes` ends.
        };
        let report = async {
            let Some((peer, token)) = progress else {
                return;
            };
            let mut reported = Reported::default();
            let token = serde_json::to_value(&token).unwrap_or(Value::Null);
            while let Some(seen) = changes.recv().await {
                let Some(params) = reported.next(&token, seen) else {
                    continue;
                };
                let Ok(note) = serde_json::from_value::<ProgressNotificationParam>(params) else {
                    continue;
                };
                if let Err(e) = peer.notify_progress(note).await {
                    eprintln!("heygen-host mcp: sending progress: {e}");
                }
            }
        };
        let (outcome, ()) = tokio::join!(work, report);
        match outcome {
            Ok(output) => answer(output),
            Err(CallError::Usage(msg)) => refusal(entry, PluginError::InvalidInput(msg)),
            Err(CallError::Host(e)) => {
                eprintln!("heygen-host mcp: `{}`: {e:#}", entry.name);
                let failure = Failure {
                    message: format!("host_error: the plugin failed inside the host: {e:#}"),
                    http_status: 500,
                    retry_after: None,
                };
                answer(card(entry.failure(&failure).body.as_str()))
            }
        }
    }
}

/// The card's JSON text as a value (a failure card if it is not JSON, which
/// the plugin never gives).
fn card(text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|_| json!({"success": false, "error": "host_error: unreadable output"}))
}

/// The tool result for a card: structured, with a text copy; an error when
/// the card says `success: false`.
fn answer(card: Value) -> CallToolResult {
    if card["success"] == Value::Bool(true) {
        CallToolResult::structured(card)
    } else {
        CallToolResult::structured_error(card)
    }
}

/// The card-shaped answer for arguments the action refuses.
fn refusal(entry: &Entry, error: PluginError) -> CallToolResult {
    answer(card(&entry.failure(&Failure::from(error)).body))
}

/// The API generation `env` selects (`HEYGEN_API_VERSION`; v3 unless it says
/// `legacy`).
fn generation(env: &[(String, String)]) -> Generation {
    let legacy = env.iter().any(|(k, v)| {
        k == heygen_plugin::config::API_VERSION_VAR && v.trim().eq_ignore_ascii_case("legacy")
    });
    if legacy {
        Generation::Legacy
    } else {
        Generation::V3
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("heygen-host", env!("CARGO_PKG_VERSION"))
                    .with_title("HeyGen (sandboxed WebAssembly plugin)"),
            )
            .with_instructions(self.inner.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let entry = match self.inner.selection.find(&request.name) {
            Ok(entry) => entry,
            Err(why) => return Err(McpError::invalid_params(why, None)),
        };
        let mut args = heygen_plugin::mcp::tools::arguments(request.arguments);
        if let Some(map) = args.as_object_mut()
            && let Err(problem) = crate::uploads::resolve(self.inner.upload_dir.as_ref(), map)
        {
            return Ok(refusal(entry, PluginError::InvalidInput(problem)).into());
        }
        // The plugin's own argument reader, natively: refused arguments never
        // reach an instance, let alone HeyGen.
        if let Err(error) = entry.check(&args) {
            return Ok(refusal(entry, error).into());
        }
        let progress = context
            .meta
            .get_progress_token()
            .map(|token| (context.peer.clone(), token));
        let cancelled = context.ct.clone();
        let work = async {
            let _slot = self
                .inner
                .slots
                .acquire()
                .await
                .map_err(|e| McpError::internal_error(e.to_string(), None))?;
            Ok(self.run(entry, &args, progress).await)
        };
        tokio::select! {
            result = work => result.map(CallToolResponse::from),
            () = cancelled.cancelled() => {
                eprintln!("heygen-host mcp: `{}` cancelled by the client; its instance is dropped", entry.name);
                Err(McpError::new(ErrorCode::INTERNAL_ERROR, "cancelled", None))
            }
        }
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, McpError> {
        let message = if request.method == OVERSIZED_METHOD {
            Cow::Owned(format!(
                "the message is longer than the server's limit of {} MiB per message and was not read; nothing was run",
                MAX_MESSAGE_BYTES >> 20
            ))
        } else {
            Cow::Owned(format!("unknown method `{}`", request.method))
        };
        let code = if request.method == OVERSIZED_METHOD {
            ErrorCode::INVALID_REQUEST
        } else {
            ErrorCode::METHOD_NOT_FOUND
        };
        Err(McpError::new(code, message, None))
    }
}

/// Copies JSON-RPC lines from `input` to `output`, replacing each line longer
/// than `limit` bytes by a stand-in request (same `id`, when the line's first
/// kilobyte shows it) that the server answers with an error. Returns at the
/// end of `input`.
pub async fn limit_lines(
    mut input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    limit: usize,
) -> std::io::Result<()> {
    const HEAD: usize = 1024;
    let mut line: Vec<u8> = Vec::new();
    let mut oversized = false;
    loop {
        let available = input.fill_buf().await?;
        if available.is_empty() {
            return output.shutdown().await;
        }
        let newline = available.iter().position(|b| *b == b'\n');
        let take = newline.map_or(available.len(), |at| at + 1);
        if !oversized && line.len() + take > limit + 1 {
            oversized = true;
            line.truncate(HEAD);
        }
        if oversized {
            let room = HEAD.saturating_sub(line.len()).min(take);
            line.extend_from_slice(&available[..room]);
        } else {
            line.extend_from_slice(&available[..take]);
        }
        input.consume(take);
        if newline.is_some() {
            if oversized {
                eprintln!(
                    "heygen-host mcp: refused a message longer than {} MiB",
                    limit >> 20
                );
                output.write_all(&stand_in(&line)).await?;
            } else {
                output.write_all(&line).await?;
            }
            output.flush().await?;
            line.clear();
            oversized = false;
        }
    }
}

/// The request that stands in for an oversized message starting with `head`.
fn stand_in(head: &[u8]) -> Vec<u8> {
    let id = request_id(head).unwrap_or(Value::Null);
    let mut line = json!({"jsonrpc": "2.0", "id": id, "method": OVERSIZED_METHOD}).to_string();
    line.push('\n');
    line.into_bytes()
}

/// The `"id"` of a JSON-RPC message from its first bytes, if it is there.
fn request_id(head: &[u8]) -> Option<Value> {
    let at = head.windows(4).position(|w| w == b"\"id\"")?;
    let rest = head[at + 4..].trim_ascii_start().strip_prefix(b":")?;
    let value = serde_json::Deserializer::from_slice(rest)
        .into_iter::<Value>()
        .next()?
        .ok()?;
    matches!(value, Value::Number(_) | Value::String(_)).then_some(value)
}

/// Runs the MCP server on stdin and stdout until stdin closes.
pub async fn serve(options: Options) -> Result<()> {
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("HEYGEN_"))
        .collect();
    let simulator = if options.simulator {
        let sim = Simulator::start_for(&mut env)?;
        eprintln!(
            "heygen-host mcp: calling the built-in simulator at {}",
            sim.url()
        );
        Some(sim)
    } else {
        None
    };
    // Pool slots for four times the calls that may run: an instance may hold
    // more than one table, and a cancelled call's slot is freed as it drops.
    let runtime = Runtime::with_config(&pooling_config(MAX_CONCURRENT_CALLS as u32 * 4))?;
    let server = Server::new(
        runtime,
        Settings::new(env),
        options.selection,
        options.upload_dir,
    )?;

    // stdin → line limit → the SDK's transport (its own cap set just above
    // ours). On pipes, the streams are non-blocking (no thread hand-off per
    // message, and a pending read does not hold up the exit).
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    let (limited, reader) = tokio::io::duplex(64 << 10);
    let copy = tokio::spawn(limit_lines(
        tokio::io::BufReader::new(stdin),
        limited,
        MAX_MESSAGE_BYTES,
    ));
    let transport =
        AsyncRwTransport::new_server(reader, stdout).with_max_line_length(MAX_MESSAGE_BYTES + 1024);
    let running = match server.serve(transport).await {
        Ok(running) => running,
        // stdin closed (or a client gave up) before the handshake: nothing to do.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(e) => return Err(e).context("starting the MCP session"),
    };
    let reason = running.waiting().await?;
    eprintln!("heygen-host mcp: session ended ({reason:?})");
    if let Ok(Err(e)) = copy.await {
        eprintln!("heygen-host mcp: reading stdin: {e}");
    }
    drop(simulator);
    Ok(())
}
