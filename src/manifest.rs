//! The tool manifest an agent runtime registers tools from: for each action
//! its name, its description (the WIT docs, word for word), the JSON Schema of
//! its arguments (built from the WIT record, with the limits of one API
//! generation) and of its output (the card's). `build.rs` generates one per
//! generation from `wit/` and `schemas/`.

use crate::config::Generation;

/// The manifest for HeyGen v3 (the default), as JSON text.
pub const MANIFEST_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/manifest.v3.json"));
/// The manifest for the legacy API, as JSON text.
pub const LEGACY_MANIFEST_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/manifest.legacy.json"));

/// The manifest whose limits are those of `generation`.
pub fn for_generation(generation: Generation) -> &'static str {
    match generation {
        Generation::V3 => MANIFEST_JSON,
        Generation::Legacy => LEGACY_MANIFEST_JSON,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_wit_and_the_registry_list_the_same_actions() {
        let manifest: Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        let from_wit: Vec<&str> = manifest["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        let from_registry: Vec<&str> = crate::actions::ALL.iter().map(|e| e.name).collect();
        assert_eq!(from_wit, from_registry);
    }

    /// Every enum the WIT declares (`wit_enums.json`, written by `build.rs`).
    fn wit_enums() -> serde_json::Map<String, Value> {
        let text = include_str!(concat!(env!("OUT_DIR"), "/wit_enums.json"));
        serde_json::from_str(text).unwrap()
    }

    /// The WIT faces hand an enum over by its name (`faces/glue.rs`), so
    /// every case the WIT declares must be one the core's enum reads: each
    /// case of each enum, through every argument that takes it.
    #[test]
    fn every_wit_enum_case_is_one_the_core_reads() {
        let manifest: Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        let mut read: Vec<Value> = Vec::new();
        for action in manifest["actions"].as_array().unwrap() {
            let entry = crate::actions::find(action["name"].as_str().unwrap()).unwrap();
            let example = entry.example_args();
            let properties = action["input_schema"]["properties"].as_object().unwrap();
            for (field, schema) in properties {
                for case in schema["enum"].as_array().into_iter().flatten() {
                    let mut args = example.clone();
                    args[field] = case.clone();
                    assert_eq!(entry.check(&args), Ok(()), "{field} = {case}");
                    read.push(case.clone());
                }
            }
        }
        let enums = wit_enums();
        assert!(!enums.is_empty());
        for (name, cases) in enums {
            for case in cases.as_array().unwrap() {
                assert!(
                    read.contains(case),
                    "{name}: `{case}` is taken by no argument"
                );
            }
        }
    }

    /// The actions that spend credits say so in their WIT doc, in so many
    /// words, and the registry agrees: agents read the one, hosts the other.
    #[test]
    fn the_docs_say_which_actions_spend_credits_as_the_registry_does() {
        let manifest: Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        for action in manifest["actions"].as_array().unwrap() {
            let name = action["name"].as_str().unwrap();
            let doc = action["description"].as_str().unwrap();
            let words = doc.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(
                words.contains("Spends HeyGen credits"),
                crate::actions::find(name).unwrap().spends_credits,
                "{name}"
            );
        }
    }

    /// The faces that take JSON spell every WIT name in their docs as the
    /// JSON arguments are spelled: no backticked kebab-case name of a
    /// function, argument or enum case is left.
    #[test]
    fn json_docs_name_fields_as_json_faces_spell_them() {
        for text in [MANIFEST_JSON, LEGACY_MANIFEST_JSON] {
            let manifest: Value = serde_json::from_str(text).unwrap();
            let mut names: Vec<String> = Vec::new();
            for action in manifest["actions"].as_array().unwrap() {
                names.push(action["name"].as_str().unwrap().to_owned());
                let properties = action["input_schema"]["properties"].as_object().unwrap();
                names.extend(properties.keys().cloned());
            }
            for cases in wit_enums().values() {
                names.extend(
                    cases
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c.as_str().unwrap().to_owned()),
                );
            }
            let kebab: Vec<String> = names
                .iter()
                .filter(|n| n.contains('_'))
                .map(|n| format!("`{}`", n.replace('_', "-")))
                .collect();
            assert!(kebab.contains(&"`voice-id`".to_owned()));
            let mut docs = vec![manifest["description"].as_str().unwrap().to_owned()];
            for action in manifest["actions"].as_array().unwrap() {
                docs.push(action["description"].as_str().unwrap().to_owned());
                for property in action["input_schema"]["properties"]
                    .as_object()
                    .unwrap()
                    .values()
                {
                    docs.push(property["description"].as_str().unwrap().to_owned());
                }
            }
            for doc in &docs {
                for name in &kebab {
                    assert!(!doc.contains(name.as_str()), "{name} in: {doc}");
                }
            }
            assert!(docs.iter().any(|d| d.contains("`voice_id`")));
        }
    }

    /// What the manifest tells agents about each argument's limits is what
    /// the plugin enforces: one past a limit is refused as `invalid_input:`
    /// naming the argument, with nothing sent, on each generation; the limit
    /// itself is not refused for its size (a value the example gives).
    #[test]
    fn the_schemas_limits_are_the_plugins_checks() {
        use crate::actions::testing::run_with;
        use crate::call::fake::{Scripted, answer};
        let mut checked = 0;
        for (generation, text) in [("v3", MANIFEST_JSON), ("legacy", LEGACY_MANIFEST_JSON)] {
            let vars = [
                ("HEYGEN_API_KEY", "key-for-limit-tests"),
                ("HEYGEN_API_VERSION", generation),
            ];
            let manifest: Value = serde_json::from_str(text).unwrap();
            for action in manifest["actions"].as_array().unwrap() {
                let name = action["name"].as_str().unwrap();
                let entry = crate::actions::find(name).unwrap();
                if entry.v3_only && generation == "legacy" {
                    continue;
                }
                let example = entry.example_args();
                let properties = action["input_schema"]["properties"].as_object().unwrap();
                for (field, schema) in properties {
                    let (over, at): (Vec<Value>, Option<Value>) = match schema["type"].as_str() {
                        Some("string") if schema.get("maxLength").is_some() => {
                            let max = schema["maxLength"].as_u64().unwrap() as usize;
                            let text = |n: usize| match schema.get("pattern") {
                                Some(_) => format!("https://{}", "a".repeat(n - 8)),
                                None => "a".repeat(n),
                            };
                            (
                                vec![Value::from(text(max + 1))],
                                Some(Value::from(text(max))),
                            )
                        }
                        Some("integer") => {
                            let (min, max) = (
                                schema["minimum"].as_u64().unwrap(),
                                schema["maximum"].as_u64().unwrap(),
                            );
                            let mut over = vec![Value::from(max + 1)];
                            if min > 0 {
                                over.push(Value::from(min - 1));
                            }
                            (over, Some(Value::from(max)))
                        }
                        Some("number") => {
                            let (min, max) = (
                                schema["minimum"].as_f64().unwrap(),
                                schema["maximum"].as_f64().unwrap(),
                            );
                            (vec![Value::from(max + 0.5), Value::from(min - 0.5)], None)
                        }
                        Some("array") => {
                            let max = schema["maxItems"].as_u64().unwrap() as usize;
                            let item_max = schema["items"]["maxLength"].as_u64().unwrap() as usize;
                            let list: Vec<Value> =
                                (0..=max).map(|i| Value::from(format!("e{i}"))).collect();
                            (
                                vec![
                                    Value::from(list),
                                    serde_json::json!(["a".repeat(item_max + 1)]),
                                ],
                                None,
                            )
                        }
                        _ => continue,
                    };
                    for value in over {
                        let mut args = example.clone();
                        args[field] = value;
                        let mut t = Scripted::new((0..10).map(|_| answer(404, "", &[])));
                        let (_, mut out) = run_with(&mut t, name, &vars, args.clone());
                        // An argument that excludes another one the example
                        // gives (`image_url`, `image_asset_id`): without it.
                        let error = out["error"].as_str().unwrap_or_default().to_owned();
                        // Whole names only: `image_url` is not named by
                        // `background_image_url`.
                        let named: Vec<&str> = error
                            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .collect();
                        let others: Vec<String> = example
                            .as_object()
                            .unwrap()
                            .keys()
                            .filter(|k| *k != field && named.contains(&k.as_str()))
                            .cloned()
                            .collect();
                        if !others.is_empty() {
                            for other in others {
                                args.as_object_mut().unwrap().remove(&other);
                            }
                            out = run_with(&mut t, name, &vars, args).1;
                        }
                        let error = out["error"].as_str().unwrap_or_default();
                        assert!(
                            error.starts_with(&format!("invalid_input: {field}")),
                            "{generation} {name}.{field}: {error}"
                        );
                        assert!(t.sent.is_empty(), "{generation} {name}.{field}");
                        checked += 1;
                    }
                    if let Some(value) = at.filter(|_| example.get(field).is_some()) {
                        let mut args = example.clone();
                        args[field] = value;
                        let mut t = Scripted::new((0..10).map(|_| answer(404, "", &[])));
                        let (_, out) = run_with(&mut t, name, &vars, args);
                        let error = out["error"].as_str().unwrap_or_default();
                        let about_size = ["longer", "limit", "at most", "from "]
                            .iter()
                            .any(|w| error.contains(w));
                        assert!(
                            !(error.starts_with(&format!("invalid_input: {field}")) && about_size),
                            "{generation} {name}.{field} at its limit: {error}"
                        );
                    }
                }
            }
        }
        assert!(checked > 40, "{checked}");
    }

    #[test]
    fn each_generation_states_its_own_limits() {
        let script_limit = |text: &str| {
            let manifest: Value = serde_json::from_str(text).unwrap();
            manifest["actions"][0]["input_schema"]["properties"]["input_text"]["maxLength"].clone()
        };
        assert_eq!(
            script_limit(for_generation(Generation::V3)),
            crate::limits::MAX_SCRIPT_CHARS_V3
        );
        assert_eq!(
            script_limit(for_generation(Generation::Legacy)),
            crate::limits::MAX_SCRIPT_CHARS_LEGACY
        );
    }

    #[test]
    fn actions_carry_docs_and_schemas() {
        let manifest: Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        let photo = &manifest["actions"][0];
        assert!(
            photo["description"]
                .as_str()
                .unwrap()
                .starts_with("Create a talking-photo video")
        );
        let input = &photo["input_schema"];
        assert_eq!(
            input["required"],
            serde_json::json!(["talking_photo_id", "input_text", "voice_id"])
        );
        assert_eq!(input["additionalProperties"], false);
        assert_eq!(input["properties"]["scale"]["maximum"], 2.0);
        assert_eq!(
            input["properties"]["talking_style"]["enum"],
            serde_json::json!(["stable", "expressive"])
        );
        assert_eq!(photo["output_schema"]["title"], "CreateTalkingPhotoOutput");
        assert_eq!(
            manifest["actions"][2]["input_schema"]["properties"],
            serde_json::json!({})
        );
        let input = |name: &str| {
            manifest["actions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["name"] == name)
                .unwrap()["input_schema"]
                .clone()
        };
        let wait = input("wait_for_video");
        assert_eq!(wait["required"], serde_json::json!(["video_id"]));
        assert_eq!(
            (
                &wait["properties"]["timeout_seconds"]["type"],
                &wait["properties"]["timeout_seconds"]["minimum"],
                &wait["properties"]["timeout_seconds"]["maximum"]
            ),
            (
                &serde_json::json!("integer"),
                &serde_json::json!(1),
                &serde_json::json!(600)
            )
        );
        assert_eq!(
            input("list_avatars")["properties"]["avatar_type"]["enum"],
            serde_json::json!(["photo_avatar", "studio_avatar", "digital_twin"])
        );
        assert_eq!(
            photo["input_schema"]["properties"]["input_text"]["maxLength"],
            5_000
        );
    }
}
