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

    /// The WIT faces hand an enum over by its name (`faces/glue.rs`), so
    /// every case the WIT declares must be one the core's enum reads.
    #[test]
    fn every_wit_enum_case_is_one_the_core_reads() {
        let manifest: Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        let mut cases = 0;
        for action in manifest["actions"].as_array().unwrap() {
            let entry = crate::actions::find(action["name"].as_str().unwrap()).unwrap();
            let example: Value = serde_json::from_str(entry.example).unwrap();
            let properties = action["input_schema"]["properties"].as_object().unwrap();
            for (field, schema) in properties {
                for case in schema["enum"].as_array().into_iter().flatten() {
                    let mut args = example.clone();
                    args[field] = case.clone();
                    assert_eq!(entry.check(&args), Ok(()), "{field} = {case}");
                    cases += 1;
                }
            }
        }
        // talking_photo_style, talking_style (twice), expression, avatar_type
        // and ownership.
        assert_eq!(cases, 13);
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
