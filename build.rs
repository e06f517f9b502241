//! Builds the tool manifests (`GET /actions`), one per API generation, from
//! the WIT contract, so that their descriptions are the WIT docs word for word
//! and their argument schemas follow the WIT records with that generation's
//! limits. Output schemas are the card's, from `schemas/`.

use std::path::Path;

use serde_json::{Map, Value, json};
use wit_parser::{Resolve, Type, TypeDefKind};

#[allow(dead_code)]
mod limits {
    include!("src/limits.rs");
}

fn main() -> anyhow::Result<()> {
    println!("cargo:rerun-if-changed=wit");
    println!("cargo:rerun-if-changed=schemas");
    println!("cargo:rerun-if-changed=src/limits.rs");
    for generation in [Generation::V3, Generation::Legacy] {
        let manifest = build_manifest(generation)?;
        let name = format!("manifest.{}.json", generation.name());
        let out = Path::new(&std::env::var("OUT_DIR")?).join(name);
        std::fs::write(out, serde_json::to_string(&manifest)?)?;
    }
    Ok(())
}

/// The API generation a manifest describes.
#[derive(Clone, Copy)]
enum Generation {
    V3,
    Legacy,
}

impl Generation {
    fn name(self) -> &'static str {
        match self {
            Generation::V3 => "v3",
            Generation::Legacy => "legacy",
        }
    }

    /// The longest script this generation accepts.
    fn max_script_chars(self) -> usize {
        match self {
            Generation::V3 => limits::MAX_SCRIPT_CHARS_V3,
            Generation::Legacy => limits::MAX_SCRIPT_CHARS_LEGACY,
        }
    }
}

fn build_manifest(generation: Generation) -> anyhow::Result<Value> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir("wit")?;
    let interface = resolve.packages[package]
        .interfaces
        .get("actions")
        .map(|id| &resolve.interfaces[*id])
        .ok_or_else(|| anyhow::anyhow!("no interface `actions` in wit/"))?;
    let mut actions = Vec::new();
    for function in interface.functions.values() {
        let name = function.name.replace('-', "_");
        let output: Value = serde_json::from_str(&std::fs::read_to_string(format!(
            "schemas/{name}.output.json"
        ))?)?;
        actions.push(json!({
            "name": name,
            "description": function.docs.contents.clone().unwrap_or_default(),
            "input_schema": input_schema(&resolve, function.params.first().map(|p| &p.ty), generation)?,
            "output_schema": output,
        }));
    }
    Ok(json!({
        "name": "heygen",
        "version": env!("CARGO_PKG_VERSION"),
        "api_version": generation.name(),
        "description": interface.docs.contents.clone().unwrap_or_default(),
        "actions": actions,
    }))
}

/// The JSON Schema of an action's arguments: the fields of its input record.
fn input_schema(
    resolve: &Resolve,
    param: Option<&Type>,
    generation: Generation,
) -> anyhow::Result<Value> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if let Some(Type::Id(id)) = param {
        let TypeDefKind::Record(record) = &resolve.types[*id].kind else {
            anyhow::bail!("an action's parameter must be a record");
        };
        for field in &record.fields {
            let name = field.name.replace('-', "_");
            let (ty, optional) = match &field.ty {
                Type::Id(id) => match &resolve.types[*id].kind {
                    TypeDefKind::Option(inner) => (*inner, true),
                    _ => (field.ty, false),
                },
                other => (*other, false),
            };
            let mut schema = value_schema(resolve, &name, &ty, generation)?;
            schema["description"] = json!(field.docs.contents.clone().unwrap_or_default());
            if !optional {
                required.push(name.clone());
            }
            properties.insert(name, schema);
        }
    }
    Ok(json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    }))
}

/// The schema of one argument's value, with the limits the plugin checks.
fn value_schema(
    resolve: &Resolve,
    name: &str,
    ty: &Type,
    generation: Generation,
) -> anyhow::Result<Value> {
    Ok(match ty {
        Type::Bool => json!({"type": "boolean"}),
        Type::U32 => match name {
            "timeout_seconds" => json!({
                "type": "integer",
                "minimum": limits::MIN_WAIT_SECONDS,
                "maximum": limits::MAX_WAIT_SECONDS,
                "default": limits::DEFAULT_WAIT_SECONDS,
            }),
            "limit" => json!({
                "type": "integer",
                "minimum": 1,
                "maximum": limits::MAX_VIDEO_LIST,
                "default": limits::DEFAULT_VIDEO_LIST,
            }),
            "tolerance_seconds" => json!({
                "type": "integer",
                "minimum": limits::MIN_TOLERANCE_SECONDS,
                "maximum": limits::MAX_TOLERANCE_SECONDS,
                "default": limits::DEFAULT_TOLERANCE_SECONDS,
            }),
            _ => json!({"type": "integer", "minimum": 0, "maximum": u32::MAX}),
        },
        Type::F64 | Type::F32 => match name {
            "scale" => {
                json!({"type": "number", "minimum": limits::MIN_SCALE, "maximum": limits::MAX_SCALE})
            }
            _ => json!({"type": "number"}),
        },
        Type::String => match name {
            // JSON callers may pass the object itself; the WIT face takes its text.
            "variables" => json!({"type": ["object", "string"]}),
            "input_text" => {
                json!({"type": "string", "minLength": 1, "maxLength": generation.max_script_chars()})
            }
            "title" => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_TITLE_CHARS})
            }
            "motion_prompt" => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_MOTION_PROMPT_CHARS})
            }
            "callback_id" => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_CALLBACK_ID_CHARS})
            }
            "url" | "callback_url" | "image_url" => json!({
                "type": "string",
                "format": "uri",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]://",
                "maxLength": limits::MAX_URL_CHARS,
            }),
            // Header text as received; JSON callers may pass the number itself.
            "timestamp" => json!({"type": ["string", "integer"]}),
            "signature" => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_SIGNATURE_CHARS})
            }
            "secret" => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_SECRET_CHARS})
            }
            n if n.ends_with("_id") => {
                json!({"type": "string", "minLength": 1, "maxLength": limits::MAX_ID_CHARS})
            }
            _ => json!({"type": "string"}),
        },
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Enum(e) => json!({
                "type": "string",
                // JSON names are snake_case, like the argument names.
                "enum": e.cases.iter().map(|c| c.name.replace('-', "_")).collect::<Vec<_>>(),
            }),
            TypeDefKind::List(Type::String) if name == "events" => json!({
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": limits::MAX_ID_CHARS},
                "minItems": 1,
                "maxItems": limits::MAX_WEBHOOK_EVENTS,
                "uniqueItems": true,
            }),
            other => anyhow::bail!(
                "argument `{name}` has a type the manifest cannot describe: {other:?}"
            ),
        },
        other => {
            anyhow::bail!("argument `{name}` has a type the manifest cannot describe: {other:?}")
        }
    })
}
