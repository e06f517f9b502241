//! `heygen-host docs`: the parts of the docs that are derived from the
//! registry and the WIT, written here so that none is kept by hand.
//!
//! - [`readme`]: `README.md` with its generated blocks (the WIT excerpt and
//!   the table of how each action maps to HeyGen) rewritten; a test fails
//!   when the committed README differs, and `heygen-host docs readme
//!   --write` mends it.
//! - [`cases`]: every action's example call on every API generation that has
//!   it, as JSON, for `scripts/conformance.sh` (so a new action joins the
//!   conformance table without a line of its own).

use anyhow::{Context, Result, bail};
use heygen_plugin::actions::{ALL, Entry, Kind, Toolset};
use serde_json::{Value, json};

/// The README's generated blocks: each sits between
/// `<!-- generated: NAME (heygen-host docs readme --write) -->` and
/// `<!-- end: NAME -->`.
const BLOCKS: [&str; 3] = ["wit", "mapping", "toolsets"];

/// `readme` with every generated block rewritten from the registry.
pub fn readme(readme: &str) -> Result<String> {
    let mut text = readme.to_owned();
    for name in BLOCKS {
        let start = format!("<!-- generated: {name} (heygen-host docs readme --write) -->\n");
        let end = format!("<!-- end: {name} -->");
        let from = text
            .find(&start)
            .with_context(|| format!("the README has no `{}` line", start.trim()))?
            + start.len();
        let to = from
            + text[from..]
                .find(&end)
                .with_context(|| format!("the README has no `{end}` line"))?;
        text.replace_range(from..to, &block(name)?);
    }
    Ok(text)
}

/// The text of the generated block `name`.
fn block(name: &str) -> Result<String> {
    Ok(match name {
        "wit" => wit_excerpt()?,
        "mapping" => mapping_table(),
        "toolsets" => toolsets_table(),
        other => bail!("no generated block `{other}`"),
    })
}

/// The WIT package, interface and function signatures, in the registry's
/// order (an action that takes arguments takes its `-input` record).
fn wit_excerpt() -> Result<String> {
    let manifest: Value = serde_json::from_str(heygen_plugin::manifest::MANIFEST_JSON)?;
    let mut out = String::from("```wit\npackage modulex:heygen@0.1.0;\n\ninterface actions {\n");
    for entry in ALL {
        let properties = manifest["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["name"] == entry.name))
            .and_then(|a| a["input_schema"]["properties"].as_object())
            .with_context(|| format!("`{}` is not in the manifest", entry.name))?;
        let takes = match properties.is_empty() {
            true => String::new(),
            false => format!("input: {}-input", kebab(entry.name)),
        };
        let name = kebab(entry.name);
        out += &format!("    {name}: func({takes}) -> {name}-output;\n");
    }
    out += "}\n```\n";
    Ok(out)
}

/// The table of the MCP toolsets: each one's tools (read-only ones marked),
/// and whether `heygen-host mcp` offers it by default.
fn toolsets_table() -> String {
    let mut out = String::from(
        "| toolset | default | tools (R: read-only, kept by `--read-only`) |\n|---|---|---|\n",
    );
    for toolset in Toolset::ALL {
        let tools: Vec<String> = ALL
            .iter()
            .filter(|e| e.toolset == toolset)
            .map(|e| match e.kind {
                Kind::Read => format!("`{}` (R)", e.name),
                _ => format!("`{}`", e.name),
            })
            .collect();
        let default = if toolset.by_default() { "yes" } else { "no" };
        out += &format!(
            "| `{}` | {default} | {} |\n",
            toolset.name(),
            tools.join(", ")
        );
    }
    out
}

/// The table of how each action maps to HeyGen on each generation.
fn mapping_table() -> String {
    let mut out = String::from("| action | v3 (default) | legacy |\n|---|---|---|\n");
    for entry in ALL {
        out += &format!(
            "| `{}` | {} | {} |\n",
            entry.name, entry.wire.v3, entry.wire.legacy
        );
    }
    out
}

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// Every action's example call, on each generation that has it: `[{action,
/// generation, kind, arguments}]` in the registry's order. Each succeeds
/// against a fresh simulator when run in this order (a delete removes what
/// a later read of the same generation would not read again).
pub fn cases() -> Value {
    let mut cases = Vec::new();
    // Deletes last, so that the examples that read or change what they
    // delete (the account's webhook endpoint) run first on one simulator.
    let mut entries: Vec<&Entry> = ALL.iter().collect();
    entries.sort_by_key(|e| e.kind == Kind::Delete);
    for generation in ["v3", "legacy"] {
        for entry in entries.iter().copied().filter(|e| applies(e, generation)) {
            cases.push(json!({
                "action": entry.name,
                "generation": generation,
                "kind": format!("{:?}", entry.kind).to_lowercase(),
                "arguments": entry.example_args(),
            }));
        }
    }
    Value::Array(cases)
}

/// Whether `entry` runs on `generation` (a v3-only action answers
/// `unsupported:` on legacy, which conformance does not need to compare on
/// every host).
fn applies(entry: &Entry, generation: &str) -> bool {
    generation == "v3" || !entry.v3_only
}
