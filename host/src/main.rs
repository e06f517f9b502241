//! `heygen-host`: run the HeyGen plugin component under wasmtime.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use heygen_host::runtime::{Allow, CallError, HostFeatures, HttpFace, Plugin, Runtime, Settings};
use heygen_host::sim::{DEFAULT_KEY, Fault, FaultKind, Simulator};
use heygen_plugin::actions;
use heygen_plugin::error::{Error as PluginError, Failure};
use serde_json::Value;

/// Runs the HeyGen plugin (a WebAssembly component) under wasmtime, against a
/// built-in HeyGen simulator or, with `--live`, against HeyGen itself.
#[derive(Parser)]
#[command(name = "heygen-host", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The main job, against the built-in simulator: an agent's story on
    /// HeyGen v3 that calls every action, then the card's five on the legacy
    /// API; every call and answer is printed.
    Demo {
        /// Load this plugin .wasm instead of the one built into heygen-host.
        #[arg(long)]
        component: Option<PathBuf>,
    },
    /// Run one action and print its output JSON.
    ///
    /// Exit status: 0 when the output says `success: true`, 1 when it says
    /// `success: false` (bad arguments included: they get the card's output
    /// with `invalid_input:`), 2 for a usage error (unknown action, text that
    /// is not JSON).
    ///
    /// Configuration comes from the environment, as for the plugin:
    /// HEYGEN_API_KEY, HEYGEN_BASE_URL, HEYGEN_API_VERSION (v3 or legacy) and
    /// HEYGEN_TIMEOUT_MS. Without HEYGEN_BASE_URL and without --live, the call
    /// goes to a simulator started for this one call.
    #[command(
        after_help = "Examples:\n  heygen-host call list_voice_id_options\n  heygen-host call retrieve_video_link '{\"video_id\": \"abc123\"}'\n  HEYGEN_BASE_URL=http://127.0.0.1:8080 heygen-host call create_talking_photo -  < args.json\n  HEYGEN_API_KEY=... heygen-host call --live list_voice_id_options"
    )]
    Call {
        /// The action (its list comes from the plugin's registry).
        action: String,
        /// The arguments as a JSON object with the card's names (`-` reads
        /// standard input). Defaults to `{}`.
        json: Option<String>,
        /// Call HeyGen itself (HEYGEN_BASE_URL, default https://api.heygen.com).
        #[arg(long)]
        live: bool,
        /// Load this plugin .wasm instead of the one built into heygen-host.
        #[arg(long)]
        component: Option<PathBuf>,
        /// Let the plugin reach only this host[:port] (default: the base URL's).
        #[arg(long, value_name = "HOST[:PORT]")]
        allow_host: Option<String>,
    },
    /// Serve every action as an MCP tool over stdio (for Claude, Cursor, VS Code
    /// and other MCP clients).
    ///
    /// One tool per action of the toolsets chosen (`--toolsets`,
    /// `--read-only`), named as the action, described by its WIT doc, with
    /// input and output JSON schemas; a tool that starts paid work (a render,
    /// an agent message, a translation, a lipsync, a photo avatar, a speech
    /// sample) says that it spends HeyGen credits. Each call runs in a fresh
    /// sandboxed instance of the plugin, with the same outbound allow-list as
    /// `call`; at most 8 calls run at once. Every `wait_for_*` sends progress
    /// notifications when the client asks for them. Messages are JSON-RPC
    /// lines of at most 6 MiB (an upload's 4 MiB file as base64). stdout
    /// carries only the protocol; logs go to stderr. The session ends when
    /// stdin closes.
    ///
    /// Configuration comes from the server's environment, never from tool
    /// arguments: HEYGEN_API_KEY, HEYGEN_BASE_URL (default
    /// https://api.heygen.com), HEYGEN_API_VERSION (v3 or legacy) and
    /// HEYGEN_TIMEOUT_MS.
    #[command(
        after_help = "Examples:\n  heygen-host mcp --simulator          # try it offline, against the built-in simulator\n  heygen-host mcp --toolsets all --read-only   # every tool that changes nothing\n  heygen-host mcp --upload-dir ~/media  # upload_asset may read files in ~/media\n  HEYGEN_API_KEY=... heygen-host mcp   # call HeyGen\n\nClient configuration (Claude Desktop, Claude Code, Cursor, VS Code): see README.md, \"MCP server\"."
    )]
    Mcp {
        /// Start the built-in HeyGen simulator and call it instead of HeyGen
        /// (no key needed; nothing leaves the machine).
        #[arg(long)]
        simulator: bool,
        /// The toolsets to offer, comma-separated, or `all`: videos,
        /// discovery, agent, translation, lipsync, assets, avatars, audio,
        /// webhooks, account. Default: all but lipsync and webhooks.
        #[arg(long, value_name = "LIST")]
        toolsets: Option<String>,
        /// Offer only the tools that change nothing on the account (no
        /// renders, uploads, webhook changes or deletes).
        #[arg(long)]
        read_only: bool,
        /// Let `upload_asset` take a `path` to a file inside DIR (read by the
        /// host; nothing outside DIR, and no symlink out of it, is read).
        #[arg(long, value_name = "DIR")]
        upload_dir: Option<std::path::PathBuf>,
    },
    /// Run the HeyGen simulator alone, until interrupted (also `mock`).
    #[command(visible_alias = "mock")]
    Simulator {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The API key the simulator accepts.
        #[arg(long, default_value = DEFAULT_KEY)]
        key: String,
        /// Handle the first request whose path starts with PATH_PREFIX
        /// normally (a create does create), then send half of its answer and
        /// go silent: an answer lost with the host that asked, as
        /// scripts/wasmcloud-cluster.sh rehearses (e.g. `/v3/videos`).
        #[arg(long, value_name = "PATH_PREFIX")]
        stall_answer: Option<String>,
    },
    /// Write the docs derived from the registry and the WIT: the README's WIT
    /// excerpt and mapping table, or the conformance cases.
    Docs {
        #[command(subcommand)]
        what: Docs,
    },
    /// Print the tool manifest (GET /actions of the plugin's HTTP face), with
    /// the argument limits of HEYGEN_API_VERSION (v3 unless set).
    Tools,
    /// Run the fault and bad-input matrix and print its figures (about a minute).
    Reliability {
        /// Run only the cases of this action (snake_case); repeatable.
        #[arg(long = "action", value_name = "ACTION")]
        actions: Vec<String>,
    },
    /// Measure size, start-up, instantiation, per-call cost (against a native
    /// baseline), the HTTP face under load and memory; print a table.
    Bench {
        /// Fewer iterations and shorter load runs.
        #[arg(long)]
        quick: bool,
        /// Skip the `wasmtime serve` load test (it needs the wasmtime CLI).
        #[arg(long)]
        no_serve: bool,
        /// Run only this section (1 size, 2 cold start, 3 instantiation,
        /// 4 per call, 5 HTTP face under load, 6 memory, 7 where a call's
        /// time goes, 8 the MCP server, 9 a 4 MiB upload through each face);
        /// repeatable.
        #[arg(long = "section", value_name = "N", value_parser = clap::value_parser!(u8).range(1..=9))]
        sections: Vec<u8>,
    },
}

#[derive(Subcommand)]
enum Docs {
    /// Print README.md with its generated blocks rewritten from the registry
    /// (a test fails while the committed README differs).
    Readme {
        /// Write it in place instead of printing it.
        #[arg(long)]
        write: bool,
        /// The README to read.
        #[arg(long, default_value = "README.md")]
        path: PathBuf,
    },
    /// Print every action's example call on each API generation that has it,
    /// as JSON (what scripts/conformance.sh runs on every host).
    Cases,
}

/// The command line, with the action list of `call` taken from the registry.
fn command_line() -> clap::Command {
    Cli::command().mut_subcommand("call", |call| {
        call.mut_arg("action", |arg| {
            arg.index(1)
                .value_parser(clap::builder::PossibleValuesParser::new(
                    actions::ALL.iter().map(|entry| entry.name),
                ))
        })
        .mut_arg("json", |arg| arg.index(2))
    })
}

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command_line().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // The MCP server runs on one thread: its messages pass through several
    // tasks (the line limit, the SDK's reader, the handler, the writer), and a
    // hand-off between tasks on one thread is cheaper than a wake-up across
    // cores. Calls still overlap wherever they wait on HeyGen.
    let mut builder = match cli.command {
        Command::Mcp { .. } => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("heygen-host: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heygen-host: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn load_plugin(runtime: &Runtime, path: Option<&PathBuf>) -> Result<Plugin> {
    match path {
        None => Plugin::embedded(runtime),
        Some(path) => {
            let wasm =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Plugin::new(runtime, &runtime.component(&wasm)?, HostFeatures::default())
        }
    }
}

async fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Demo { component } => {
            let plugin = load_plugin(&Runtime::new()?, component.as_ref())?;
            heygen_host::demo::run(&plugin, &mut std::io::stdout()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Call {
            action,
            json,
            live,
            component,
            allow_host,
        } => call(&action, json, live, component, allow_host).await,
        Command::Mcp {
            simulator,
            toolsets,
            read_only,
            upload_dir,
        } => {
            let selection = heygen_host::mcp::Selection::parse(toolsets.as_deref(), read_only)
                .map_err(anyhow::Error::msg)?;
            let upload_dir = upload_dir
                .map(|dir| heygen_host::uploads::UploadDir::new(&dir))
                .transpose()?;
            heygen_host::mcp::serve(heygen_host::mcp::Options {
                simulator,
                selection,
                upload_dir,
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulator {
            port,
            key,
            stall_answer,
        } => {
            let sim = Simulator::start(port, &[&key])?;
            if let Some(prefix) = stall_answer {
                sim.push_fault(Fault {
                    path_prefix: Some(prefix),
                    times: 1,
                    kind: FaultKind::ProcessThenStall,
                });
            }
            println!("HeyGen simulator listening on {}", sim.url());
            println!(
                "  export HEYGEN_BASE_URL={} HEYGEN_API_KEY={key}",
                sim.url()
            );
            println!("Press Ctrl-C to stop.");
            tokio::signal::ctrl_c().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reliability { actions } => {
            if let Some(unknown) = actions
                .iter()
                .find(|a| heygen_plugin::actions::find(a).is_none())
            {
                eprintln!(
                    "unknown action `{unknown}`; the actions: {}",
                    heygen_plugin::actions::names()
                );
                return Ok(ExitCode::from(2));
            }
            let plugins = heygen_host::reliability::Plugins::load(&Runtime::new()?)?;
            let started = std::time::Instant::now();
            let figures = heygen_host::reliability::run_only(&plugins, &actions).await?;
            print!("{}", figures.table());
            println!("\n(ran in {:.0} s)", started.elapsed().as_secs_f64());
            for case in &figures.unexpected {
                println!("unexpected: {case}");
            }
            let clean = figures.unexpected.is_empty()
                && figures.traps == 0
                && figures.key_leaks == 0
                && figures.double_creates == 0;
            Ok(if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Bench {
            quick,
            no_serve,
            sections,
        } => {
            let started = std::time::Instant::now();
            let table = heygen_host::bench::run(heygen_host::bench::Options {
                quick,
                no_serve,
                sections,
            })
            .await?;
            println!("{}", machine());
            print!("{table}");
            println!("\n(measured in {:.0} s)", started.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Command::Docs {
            what: Docs::Readme { write, path },
        } => {
            let old = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let new = heygen_host::docs::readme(&old)?;
            if write {
                if new != old {
                    std::fs::write(&path, new)?;
                    eprintln!(
                        "heygen-host docs: rewrote the generated blocks of {}",
                        path.display()
                    );
                }
            } else {
                print!("{new}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Docs { what: Docs::Cases } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&heygen_host::docs::cases())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Tools => {
            let runtime = Runtime::new()?;
            let face = HttpFace::embedded(&runtime)?;
            let request =
                http::Request::get("http://localhost/actions").body(bytes::Bytes::new())?;
            // HEYGEN_API_VERSION picks the manifest (its limits differ).
            let env = std::env::vars()
                .filter(|(k, _)| k.starts_with("HEYGEN_"))
                .collect();
            let answer = face.request(&Settings::new(env), request).await?;
            let manifest: Value =
                serde_json::from_slice(&answer.body).context("the manifest is not JSON")?;
            println!("{}", serde_json::to_string_pretty(&manifest)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The machine the figures come from: cores and CPU model.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_owned(), |m| m.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("Machine: {cores} cores, {model}; wasmtime 48.0.8; `heygen-host bench`")
}

async fn call(
    action: &str,
    json: Option<String>,
    live: bool,
    component: Option<PathBuf>,
    allow_host: Option<String>,
) -> Result<ExitCode> {
    let usage = |msg: String| {
        eprintln!("heygen-host call: {msg}\nRun `heygen-host call --help` for usage.");
        Ok(ExitCode::from(2))
    };
    let Some(entry) = actions::find(action) else {
        return usage(format!(
            "unknown action `{action}`; the actions are {}",
            actions::names()
        ));
    };
    // Bad arguments get the card's output, as from every other face.
    let refuse = |error: PluginError| -> Result<ExitCode> {
        let reply = entry.failure(&Failure::from(error));
        let output: Value = serde_json::from_str(&reply.body)?;
        println!("{}", serde_json::to_string_pretty(&output)?);
        Ok(ExitCode::from(1))
    };
    let text = match json.as_deref() {
        None => "{}".to_owned(),
        Some("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
        Some(text) => text.to_owned(),
    };
    let args: Value = match serde_json::from_str(&text) {
        Ok(args) => args,
        Err(e) => return usage(format!("the arguments are not valid JSON: {e}")),
    };
    // The plugin's own argument reader, run natively: what the WIT types
    // cannot carry (an unknown enum case, a string for a number) is refused
    // here exactly as the HTTP face would refuse it.
    if let Err(error) = entry.check(&args) {
        return refuse(error);
    }

    let mut env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("HEYGEN_"))
        .collect();
    let base_url_set = env
        .iter()
        .any(|(k, v)| k == "HEYGEN_BASE_URL" && !v.is_empty());
    let sim = if live || base_url_set {
        None
    } else {
        let sim = Simulator::start_for(&mut env)?;
        eprintln!(
            "(calling the built-in simulator at {}; set HEYGEN_BASE_URL or pass --live to call elsewhere)",
            sim.url()
        );
        Some(sim)
    };
    let mut settings = Settings::new(env);
    if let Some(host) = allow_host {
        settings.allow = Allow::Only(host.to_ascii_lowercase());
    }

    let plugin = load_plugin(&Runtime::new()?, component.as_ref())?;
    let mut session = plugin.session(&settings).await?;
    let output = match session.call(action, &args).await {
        Ok(output) => output,
        Err(CallError::Usage(msg)) => return refuse(PluginError::InvalidInput(msg)),
        Err(CallError::Host(e)) => {
            // Also on stderr: a stopped component (time or memory limit) is
            // the host's report, not the plugin's.
            eprintln!("heygen-host: {e:#}");
            serde_json::json!({
                "success": false,
                "error": format!("host_error: the plugin failed inside the host: {e:#}"),
            })
        }
    };
    drop(sim);
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(if output["success"] == Value::Bool(true) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
