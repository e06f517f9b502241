//! Builds the tool manifests (`GET /actions`), one per API generation, from
//! the WIT contract: their descriptions are the WIT docs, with WIT names
//! spelled as the JSON faces spell them (`voice_id` for `voice-id`), and
//! their argument schemas follow the WIT records, with the limits each
//! argument's doc states for that generation. Output schemas are the card's,
//! from `schemas/`. A unit test (`manifest`) holds those limits to the
//! plugin's own checks.

use std::path::Path;

use serde_json::{Map, Value, json};
use wit_parser::{Resolve, Type, TypeDefKind};

fn main() -> anyhow::Result<()> {
    println!("cargo:rerun-if-changed=wit");
    println!("cargo:rerun-if-changed=schemas");
    for generation in [Generation::V3, Generation::Legacy] {
        let manifest = build_manifest(generation)?;
        let name = format!("manifest.{}.json", generation.name());
        let out = Path::new(&std::env::var("OUT_DIR")?).join(name);
        std::fs::write(out, serde_json::to_string(&manifest)?)?;
    }
    let enums = Path::new(&std::env::var("OUT_DIR")?).join("wit_enums.json");
    std::fs::write(enums, serde_json::to_string(&wit_enums()?)?)?;
    Ok(())
}

/// Every enum the interface declares: its name and its cases, as the JSON
/// faces spell them (for the test that every case is one the core reads).
fn wit_enums() -> anyhow::Result<Value> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir("wit")?;
    let interface = resolve.packages[package]
        .interfaces
        .get("actions")
        .map(|id| &resolve.interfaces[*id])
        .ok_or_else(|| anyhow::anyhow!("no interface `actions` in wit/"))?;
    let mut enums = Map::new();
    for (name, id) in &interface.types {
        if let TypeDefKind::Enum(e) = &resolve.types[*id].kind {
            let cases: Vec<String> = e.cases.iter().map(|c| c.name.replace('-', "_")).collect();
            enums.insert(name.clone(), json!(cases));
        }
    }
    Ok(Value::Object(enums))
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
            "description": json_doc(&function.docs.contents.clone().unwrap_or_default()),
            "input_schema": input_schema(&resolve, function.params.first().map(|p| &p.ty), generation)?,
            "output_schema": output,
        }));
    }
    Ok(json!({
        "name": "heygen",
        "version": env!("CARGO_PKG_VERSION"),
        "api_version": generation.name(),
        "description": json_doc(&interface.docs.contents.clone().unwrap_or_default()),
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
            let doc = field.docs.contents.clone().unwrap_or_default();
            let mut schema = value_schema(resolve, &name, &ty, &doc, generation)?;
            schema["description"] = json!(json_doc(&doc));
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

/// The schema of one argument's value, with the limits its WIT doc states.
///
/// Limits are declared beside the argument, in its doc, in one of these
/// phrases (case and line breaks do not matter):
/// - text: `A to B characters`; `at most B characters` (with at least one
///   character); `at most A characters on legacy and B on v3`; `at most N
///   bytes` (no character limit); `https URL` (an https URL, with the
///   `at most` phrase for its length);
/// - `JSON object text`: text, or (from JSON) the object itself;
/// - `may also pass a whole number`: text, or (from JSON) a whole number;
/// - a whole number: `A to B; default D`;
/// - a number: `from A to B`;
/// - a list of text: `A to B of them, each C to D characters`;
/// - text from a fixed set: ``Values: `a`, `b` or `c`.`` (the schema's
///   `enum`; for values WIT cannot name as enum cases, such as `16:9`).
///
/// A string, number or list argument whose doc states none of them fails the
/// build, so no argument goes to an agent without its limits.
fn value_schema(
    resolve: &Resolve,
    name: &str,
    ty: &Type,
    doc: &str,
    generation: Generation,
) -> anyhow::Result<Value> {
    let limits = Phrases::read(doc);
    let missing = |what: &str| {
        anyhow::anyhow!(
            "the WIT doc of argument `{name}` states no limits: add {what} (see `value_schema` in build.rs)"
        )
    };
    Ok(match ty {
        Type::Bool => json!({"type": "boolean"}),
        Type::U32 => {
            let (min, max, default) = limits
                .whole_range
                .ok_or_else(|| missing("`A to B; default D`"))?;
            json!({"type": "integer", "minimum": min, "maximum": max, "default": default})
        }
        Type::F64 | Type::F32 => {
            let (min, max) = limits
                .number_range
                .ok_or_else(|| missing("`from A to B`"))?;
            json!({"type": "number", "minimum": min, "maximum": max})
        }
        Type::String if !limits.choices.is_empty() => {
            json!({"type": "string", "enum": limits.choices})
        }
        Type::String if limits.json_object => json!({"type": ["object", "string"]}),
        Type::String if limits.whole_number_too => json!({"type": ["string", "integer"]}),
        Type::String if limits.url => {
            let max = limits
                .max_chars(generation)
                .ok_or_else(|| missing("`at most N characters`"))?;
            json!({
                "type": "string",
                "format": "uri",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]://",
                "maxLength": max,
            })
        }
        Type::String => match (limits.min_chars, limits.max_chars(generation)) {
            (min, Some(max)) => {
                json!({"type": "string", "minLength": min.unwrap_or(1), "maxLength": max})
            }
            (_, None) if limits.bytes => json!({"type": "string"}),
            _ => return Err(missing("`A to B characters` or `at most N characters`")),
        },
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Enum(e) => json!({
                "type": "string",
                // JSON names are snake_case, like the argument names.
                "enum": e.cases.iter().map(|c| c.name.replace('-', "_")).collect::<Vec<_>>(),
            }),
            TypeDefKind::List(Type::String) => {
                let (min, max, (item_min, item_max)) = limits
                    .list
                    .ok_or_else(|| missing("`A to B of them, each C to D characters`"))?;
                json!({
                    "type": "array",
                    "items": {"type": "string", "minLength": item_min, "maxLength": item_max},
                    "minItems": min,
                    "maxItems": max,
                    "uniqueItems": true,
                })
            }
            other => anyhow::bail!(
                "argument `{name}` has a type the manifest cannot describe: {other:?}"
            ),
        },
        other => {
            anyhow::bail!("argument `{name}` has a type the manifest cannot describe: {other:?}")
        }
    })
}

/// The limits an argument's doc states (see [`value_schema`]).
#[derive(Default)]
struct Phrases {
    min_chars: Option<u64>,
    max_chars: Option<u64>,
    /// `(legacy, v3)`.
    max_chars_per_generation: Option<(u64, u64)>,
    bytes: bool,
    url: bool,
    json_object: bool,
    whole_number_too: bool,
    whole_range: Option<(u64, u64, u64)>,
    number_range: Option<(f64, f64)>,
    list: Option<(u64, u64, (u64, u64))>,
    choices: Vec<String>,
}

impl Phrases {
    fn read(doc: &str) -> Phrases {
        let words: Vec<String> = doc
            .split_whitespace()
            .map(|w| {
                w.trim_start_matches('(')
                    .trim_end_matches([',', ';', '.', ':', ')'])
                    .to_ascii_lowercase()
            })
            .collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let whole = |t: &str| t.replace(',', "").parse::<u64>().ok();
        let number = |t: &str| t.replace(',', "").parse::<f64>().ok();
        let text = w.join(" ");
        let mut p = Phrases {
            choices: one_of(doc),
            url: text.contains("https url"),
            json_object: text.contains("json object text"),
            whole_number_too: text.contains("may also pass a whole number"),
            ..Phrases::default()
        };
        for i in 0..w.len() {
            let at = |k: usize| w.get(i + k).copied().unwrap_or("");
            match (at(0), at(1), at(2), at(3)) {
                ("at", "most", n, "characters") => {
                    if let Some(n) = whole(n) {
                        if (at(4), at(5), at(6), at(8), at(9))
                            == ("on", "legacy", "and", "on", "v3")
                            && let Some(v3) = whole(at(7))
                        {
                            p.max_chars_per_generation = Some((n, v3));
                        } else {
                            p.max_chars = Some(n);
                        }
                    }
                }
                ("at", "most", n, "bytes") if whole(n).is_some() => p.bytes = true,
                ("from", a, "to", b) => {
                    if let (Some(a), Some(b)) = (number(a), number(b)) {
                        p.number_range = Some((a, b));
                    }
                }
                (a, "to", b, next) => {
                    let (Some(a), Some(b)) = (whole(a), whole(b)) else {
                        continue;
                    };
                    match (next, at(4), at(5), at(6), at(7), at(8)) {
                        ("characters", ..) => {
                            p.min_chars = Some(a);
                            p.max_chars = Some(b);
                        }
                        ("default", d, ..) => {
                            if let Some(d) = whole(d) {
                                p.whole_range = Some((a, b, d));
                            }
                        }
                        ("of", "them", "each", c, "to", d) => {
                            if let (Some(c), Some(d)) = (whole(c), whole(d)) {
                                p.list = Some((a, b, (c, d)));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        p
    }

    /// The longest text `generation` accepts.
    fn max_chars(&self, generation: Generation) -> Option<u64> {
        match (self.max_chars_per_generation, generation) {
            (Some((legacy, _)), Generation::Legacy) => Some(legacy),
            (Some((_, v3)), Generation::V3) => Some(v3),
            (None, _) => self.max_chars,
        }
    }
}

/// The values of ``Values: `a`, `b` or `c`.`` in `doc`, in order (none
/// without the phrase).
fn one_of(doc: &str) -> Vec<String> {
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(at) = doc.find("Values: `") else {
        return Vec::new();
    };
    let mut choices = Vec::new();
    let mut rest = &doc[at + "Values: ".len()..];
    while let Some(after) = rest.strip_prefix('`') {
        let Some(end) = after.find('`') else { break };
        choices.push(after[..end].to_owned());
        rest = after[end + 1..]
            .trim_start_matches([',', ' '])
            .trim_start_matches("or ");
    }
    choices
}

/// `doc` as the faces that take JSON show it: a WIT name in backticks
/// (`` `voice-id` ``, `` `list-voice-id-options` ``) spelled as those faces
/// spell it (`` `voice_id` ``), so an agent sends what it reads.
fn json_doc(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for (i, part) in doc.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let is_wit_name = i % 2 == 1
            && part.contains('-')
            && part.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if is_wit_name {
            out.push_str(&part.replace('-', "_"));
        } else {
            out.push_str(part);
        }
    }
    out
}
