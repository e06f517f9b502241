//! The `heygen-host` command line: exit statuses, `tools`, and no secrets on
//! its output streams.

use std::process::{Command, Output};

use heygen_host::reliability::CANARY_KEY;
use heygen_host::sim::{Simulator, data};
use serde_json::Value;

fn heygen_host(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_heygen-host"));
    command
        .args(args)
        .env_remove("HEYGEN_API_KEY")
        .env_remove("HEYGEN_BASE_URL")
        .env_remove("HEYGEN_API_VERSION");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run heygen-host")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn call_exits_0_1_or_2() {
    let ok = heygen_host(&["call", "list_custom_events_options"], &[]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(json(&ok)["success"], Value::Bool(true));

    let failed = heygen_host(
        &["call", "retrieve_video_link", r#"{"video_id": "nope"}"#],
        &[],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        json(&failed)["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("http_404: "))
    );

    // Wrong arguments are invalid input, as on every face: the card's output
    // with `invalid_input:` naming the field, exit 1.
    for (args, needle) in [
        (
            &["call", "retrieve_video_link", r#"{"video": "x"}"#][..],
            "invalid_input: video: unknown field `video`",
        ),
        (
            &[
                "call",
                "create_talking_photo",
                r#"{"talking_photo_id": "t", "input_text": "x", "voice_id": "v", "expression": "sad"}"#,
            ],
            "invalid_input: expression: unknown variant `sad`",
        ),
        (
            &[
                "call",
                "create_talking_photo",
                r#"{"talking_photo_id": "t", "input_text": "x", "voice_id": "v", "scale": "big"}"#,
            ],
            "invalid_input: scale: invalid type",
        ),
        (
            &["call", "retrieve_video_link", "[1]"],
            "invalid_input: the arguments must be a JSON object",
        ),
    ] {
        let refused = heygen_host(args, &[]);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        let output = json(&refused);
        assert_eq!(output["success"], Value::Bool(false));
        let error = output["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(needle), "{args:?}: {error}");
    }

    // Usage errors: exit 2, nothing on stdout.
    for args in [
        &["call", "make_coffee"][..],
        &["call", "retrieve_video_link", "{not json"],
        &["call"],
        &["frobnicate"],
    ] {
        let usage = heygen_host(args, &[]);
        assert_eq!(
            usage.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&usage.stderr)
        );
        assert!(usage.stdout.is_empty());
    }
}

#[test]
fn call_reads_the_environment_and_keeps_the_key_to_itself() {
    let sim = Simulator::start(0, &[CANARY_KEY]).expect("simulator");
    let env = [
        ("HEYGEN_BASE_URL", sim.url()),
        ("HEYGEN_API_KEY", CANARY_KEY),
        ("HEYGEN_API_VERSION", "legacy"),
    ];
    let voice = data::voice_id(1);
    let args = format!(
        r#"{{"talking_photo_id": "tp_anna_office", "input_text": "Hi", "voice_id": "{voice}", "test": true}}"#
    );
    let ok = heygen_host(&["call", "create_talking_photo", &args], &env);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(sim.requests()[0].path, "/v2/video/generate");
    let wrong = heygen_host(
        &["call", "list_voice_id_options"],
        &[
            ("HEYGEN_BASE_URL", sim.url()),
            ("HEYGEN_API_KEY", "hg_CANARY_wrong_key_42"),
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    for output in [&ok, &wrong] {
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(CANARY_KEY) && !text.contains("hg_CANARY_wrong_key_42"),
                "{text}"
            );
        }
    }
}

#[test]
fn tools_prints_the_components_manifest() {
    let out = heygen_host(&["tools"], &[("HEYGEN_API_KEY", CANARY_KEY)]);
    assert_eq!(out.status.code(), Some(0));
    let manifest = json(&out);
    let actions = manifest["actions"].as_array().expect("actions");
    let wit = crate::common::wit_functions();
    assert_eq!(actions.len(), wit.len());
    for (action, function) in actions.iter().zip(&wit) {
        crate::common::assert_describes(action, function);
    }
    // The v3 limits (unless HEYGEN_API_VERSION says legacy): HeyGen's v3
    // script limit, written here, not read from the plugin.
    assert_eq!(
        manifest["actions"][0]["input_schema"]["properties"]["input_text"]["maxLength"],
        5_000
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(CANARY_KEY));
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        "demo",
        "call",
        "simulator",
        "mock",
        "mcp",
        "tools",
        "reliability",
        "bench",
    ] {
        let out = heygen_host(&[sub, "--help"], &[]);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage: heygen-host"),
            "{sub}"
        );
    }
}

#[test]
fn settings_debug_hides_the_key() {
    let settings =
        heygen_host::runtime::Settings::new(vec![("HEYGEN_API_KEY".into(), CANARY_KEY.into())]);
    let text = format!("{settings:?}");
    assert!(
        !text.contains(CANARY_KEY) && text.contains("<redacted>"),
        "{text}"
    );
}

#[test]
fn the_demo_tells_the_whole_story() {
    let demo = heygen_host(&["demo"], &[]);
    let stdout = String::from_utf8_lossy(&demo.stdout);
    assert_eq!(
        demo.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let all = heygen_plugin::actions::ALL.len();
    assert!(
        stdout.contains(&format!("Done: {all} of {all} actions")),
        "{stdout}"
    );
    for action in heygen_plugin::actions::ALL {
        assert!(
            stdout.contains(&format!("> {} ", action.name)),
            "{}",
            action.name
        );
    }
    // The endpoint's secret is masked in the transcript.
    assert!(!stdout.contains("whsec_") || stdout.contains("whsec_… (redacted"));
    assert!(
        !stdout
            .lines()
            .any(|l| l.contains("whsec_") && !l.contains("redacted")),
        "{stdout}"
    );
}

/// The README's WIT excerpt and mapping table are written from the registry
/// (`heygen-host docs readme --write`); a new or changed action that is not
/// written there fails here.
#[test]
fn the_readmes_generated_blocks_are_up_to_date() {
    let readme = include_str!("../../../README.md");
    let out = heygen_host(
        &[
            "docs",
            "readme",
            "--path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(
        generated == readme,
        "README.md is out of date: run `cargo run -p heygen-host -- docs readme --write`"
    );
    // Every action is in both blocks, named as the WIT and the JSON faces
    // name it.
    for entry in heygen_plugin::actions::ALL {
        assert!(
            readme.contains(&format!("    {}: func(", entry.name.replace('_', "-"))),
            "{}",
            entry.name
        );
        assert!(
            readme.contains(&format!("| `{}` |", entry.name)),
            "{}",
            entry.name
        );
    }
}
