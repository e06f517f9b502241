//! The MCP tool list, one definition for every MCP server of the project
//! (`heygen-host mcp` over stdio and the HTTP face's `POST /mcp`): one tool
//! per registry action, described by the manifest that `build.rs` generates
//! from the WIT, and the operator's choice of tools ([`Selection`]).

use crate::prelude::*;
use serde_json::{Map, Value, json};

use crate::actions::{self, Entry, Kind, Toolset};
use crate::config::Generation;
use crate::manifest;

/// The tools an MCP server offers: the actions of some toolsets, all of them
/// or only those that change nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// The toolsets; `None` for the default ones ([`Toolset::by_default`]).
    pub toolsets: Option<Vec<Toolset>>,
    /// Only tools that change nothing on the account ([`Kind::Read`]).
    pub read_only: bool,
}

impl Selection {
    /// Every tool.
    pub fn all() -> Selection {
        Selection {
            toolsets: Some(Toolset::ALL.to_vec()),
            read_only: false,
        }
    }

    /// The selection a toolset list (comma-separated names, or `all`; `None`
    /// for the default toolsets) and a read-only flag name. An unknown name
    /// is an error that lists the toolsets.
    pub fn parse(list: Option<&str>, read_only: bool) -> Result<Selection, String> {
        let toolsets = match list.map(str::trim) {
            None => None,
            Some("all") => Some(Toolset::ALL.to_vec()),
            Some(list) => Some(
                list.split(',')
                    .map(|name| {
                        Toolset::named(name.trim()).ok_or_else(|| {
                            format!(
                                "unknown toolset `{}`; the toolsets are {} (or `all`)",
                                name.trim().chars().take(64).collect::<String>(),
                                Toolset::ALL.map(Toolset::name).join(", ")
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        Ok(Selection {
            toolsets,
            read_only,
        })
    }

    /// Whether `entry` is offered.
    pub fn offers(&self, entry: &Entry) -> bool {
        let in_set = match &self.toolsets {
            None => entry.toolset.by_default(),
            Some(sets) => sets.contains(&entry.toolset),
        };
        in_set && (!self.read_only || entry.kind == Kind::Read)
    }

    /// The offered action called `name`, or the JSON-RPC message refusing it
    /// (`-32602` in both servers): unknown, or known but not offered.
    pub fn find(&self, name: &str) -> Result<&'static Entry, String> {
        match actions::find(name) {
            Some(entry) if self.offers(entry) => Ok(entry),
            found => {
                let offered: Vec<&str> = actions::ALL
                    .iter()
                    .filter(|e| self.offers(e))
                    .map(|e| e.name)
                    .collect();
                let shown: String = name.chars().take(64).collect();
                Err(match found {
                    Some(_) => format!(
                        "this server does not offer the tool `{shown}`; its tools are {} (the operator picks them with toolsets and read-only mode)",
                        offered.join(", ")
                    ),
                    None => format!(
                        "unknown tool `{shown}`; this server's tools are {}",
                        offered.join(", ")
                    ),
                })
            }
        }
    }
}

/// The tools `selection` offers, as MCP `Tool` objects, described by the
/// manifest of `generation` (its argument limits differ).
pub fn list(generation: Generation, selection: &Selection) -> Vec<Value> {
    let manifest: Value =
        serde_json::from_str(manifest::for_generation(generation)).unwrap_or(Value::Null);
    let described = manifest["actions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    actions::ALL
        .iter()
        .filter(|entry| selection.offers(entry))
        .filter_map(|entry| {
            let action = described.iter().find(|a| a["name"] == entry.name)?;
            Some(tool(entry, action))
        })
        .collect()
}

/// What the server tells a client at `initialize`: the manifest's
/// description of the plugin.
pub fn instructions(generation: Generation) -> String {
    let manifest: Value =
        serde_json::from_str(manifest::for_generation(generation)).unwrap_or(Value::Null);
    manifest["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The tool for `entry`, described by its manifest `action`: the WIT doc as
/// it is (a paid action says so there), the argument schema with every
/// optional argument also taking `null`, the card's output schema, and
/// annotations from the action's [`Kind`].
fn tool(entry: &Entry, action: &Value) -> Value {
    let annotations = match entry.kind {
        Kind::Read => json!({"readOnlyHint": true, "openWorldHint": true}),
        Kind::Create => json!({
            "readOnlyHint": false, "destructiveHint": false, "idempotentHint": false, "openWorldHint": true
        }),
        Kind::Delete | Kind::Update => json!({
            "readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true
        }),
    };
    json!({
        "name": entry.name,
        "description": action["description"],
        "inputSchema": nullable_options(&action["input_schema"]),
        "outputSchema": action["output_schema"],
        "annotations": annotations,
    })
}

/// `schema` with every property that is not required also accepting `null`
/// (models often send `null` for an argument they leave out).
fn nullable_options(schema: &Value) -> Value {
    let mut schema = schema.clone();
    let required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
    if let Some(properties) = schema["properties"].as_object_mut() {
        for (name, property) in properties.iter_mut() {
            if required.iter().any(|r| r.as_str() == Some(name)) {
                continue;
            }
            match property.get_mut("type") {
                Some(Value::String(ty)) => {
                    let ty = core::mem::take(ty);
                    property["type"] = json!([ty, "null"]);
                }
                Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
                    types.push(json!("null"));
                }
                _ => {}
            }
            if let Some(cases) = property.get_mut("enum").and_then(Value::as_array_mut) {
                cases.push(Value::Null);
            }
        }
    }
    schema
}

/// A call's arguments as the actions read them: absent or `null` is `{}`,
/// and a top-level `null` means "not given".
pub fn arguments(arguments: Option<Map<String, Value>>) -> Value {
    let mut arguments = arguments.unwrap_or_default();
    arguments.retain(|_, value| !value.is_null());
    Value::Object(arguments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_a_tool_with_schemas_and_hints() {
        let tools = list(Generation::V3, &Selection::all());
        let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        let registry: Vec<&str> = actions::ALL.iter().map(|e| e.name).collect();
        assert_eq!(names, registry);
        for tool in &tools {
            assert!(tool["description"].as_str().unwrap().len() > 20, "{tool}");
            assert_eq!(tool["inputSchema"]["type"], "object");
            assert_eq!(tool["outputSchema"]["type"], "object");
            assert_eq!(tool["annotations"]["openWorldHint"], true);
        }
        let wait = tools
            .iter()
            .find(|t| t["name"] == "wait_for_video")
            .unwrap();
        assert_eq!(wait["annotations"]["readOnlyHint"], true);
        assert_eq!(
            wait["inputSchema"]["properties"]["timeout_seconds"]["type"],
            json!(["integer", "null"])
        );
        let create = tools
            .iter()
            .find(|t| t["name"] == "create_talking_photo")
            .unwrap();
        assert_eq!(create["annotations"]["idempotentHint"], false);
        assert_eq!(
            create["inputSchema"]["properties"]["voice_id"]["type"],
            "string"
        );
        let delete = tools.iter().find(|t| t["name"] == "delete_video").unwrap();
        assert_eq!(delete["annotations"]["destructiveHint"], true);
    }

    #[test]
    fn the_default_set_leaves_out_lipsync_and_webhooks_and_stays_small() {
        let default = list(Generation::V3, &Selection::default());
        assert!(default.len() <= 30, "{}", default.len());
        assert!(default.iter().all(|t| {
            let name = t["name"].as_str().unwrap();
            !name.contains("lipsync") && !name.contains("webhook_endpoint")
        }));
        let read_only = Selection::parse(Some("all"), true).unwrap();
        for tool in list(Generation::V3, &read_only) {
            assert_eq!(tool["annotations"]["readOnlyHint"], true, "{tool}");
        }
    }

    #[test]
    fn selections_parse_and_refuse_by_name() {
        let videos = Selection::parse(Some(" videos , account"), false).unwrap();
        assert_eq!(
            videos.toolsets,
            Some(vec![Toolset::Videos, Toolset::Account])
        );
        assert!(videos.find("wait_for_video").is_ok());
        let Err(hidden) = videos.find("list_avatars") else {
            panic!("offered")
        };
        assert!(hidden.starts_with("this server does not offer the tool `list_avatars`"));
        assert!(hidden.contains("get_remaining_credits"));
        let Err(unknown) = videos.find("make_coffee") else {
            panic!("offered")
        };
        assert!(unknown.starts_with("unknown tool `make_coffee`"));
        let wrong = Selection::parse(Some("videos,nope"), false).unwrap_err();
        assert!(wrong.contains("unknown toolset `nope`") && wrong.contains("webhooks"));
    }

    #[test]
    fn null_arguments_are_left_out() {
        let mut given = Map::new();
        given.insert("video_id".into(), json!("v1"));
        given.insert("timeout_seconds".into(), Value::Null);
        assert_eq!(arguments(Some(given)), json!({"video_id": "v1"}));
        assert_eq!(arguments(None), json!({}));
    }
}
