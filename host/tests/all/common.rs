//! Shared by every integration test: the plugin, compiled once per test
//! binary; a simulator per case; and a call helper that checks every output
//! against the card's JSON Schema.

use std::sync::OnceLock;

use heygen_host::runtime::{Plugin, Runtime, Settings};
use heygen_host::sim::{DEFAULT_KEY, Recorded, Simulator};
use serde_json::{Value, json};

/// The plugin, compiled (or loaded from the cache) once for the whole binary.
pub fn plugin() -> &'static Plugin {
    static PLUGIN: OnceLock<Plugin> = OnceLock::new();
    PLUGIN.get_or_init(|| Plugin::embedded(&Runtime::new().expect("engine")).expect("plugin"))
}

/// The card's output schema of `action`.
pub fn output_schema(action: &str) -> Value {
    let manifest: Value =
        serde_json::from_str(heygen_plugin::faces::manifest::MANIFEST_JSON).expect("manifest");
    manifest["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["name"] == action)
        .map(|a| a["output_schema"].clone())
        .unwrap_or_else(|| panic!("no schema for {action}"))
}

/// Panics unless `output` satisfies the card's schema for `action`.
pub fn assert_card_shape(action: &str, output: &Value) {
    let schema = output_schema(action);
    if let Err(e) = jsonschema::validate(&schema, output) {
        panic!("{action} output breaks the card's schema: {e}\n{output:#}");
    }
}

/// One test case: a fresh simulator and the environment pointing at it.
pub struct Case {
    pub sim: Simulator,
    pub env: Vec<(String, String)>,
}

impl Case {
    /// A simulator and `HEYGEN_*` for `generation` (`v3` or `legacy`).
    pub fn new(generation: &str) -> Case {
        let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
        let env = vec![
            ("HEYGEN_API_KEY".to_owned(), DEFAULT_KEY.to_owned()),
            ("HEYGEN_BASE_URL".to_owned(), sim.url().to_owned()),
            ("HEYGEN_API_VERSION".to_owned(), generation.to_owned()),
        ];
        Case { sim, env }
    }

    /// Sets (or with `None` removes) an environment variable.
    pub fn set(&mut self, name: &str, value: Option<&str>) -> &mut Case {
        self.env.retain(|(k, _)| k != name);
        if let Some(value) = value {
            self.env.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// The settings of a session.
    pub fn settings(&self) -> Settings {
        Settings::new(self.env.clone())
    }

    /// Runs `action` on a fresh instance; checks the output's shape.
    pub async fn call(&self, action: &str, args: Value) -> Value {
        let mut session = plugin().session(&self.settings()).await.expect("instance");
        let output = session
            .call(action, &args)
            .await
            .unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_card_shape(action, &output);
        output
    }

    /// The requests the simulator received.
    pub fn requests(&self) -> Vec<Recorded> {
        self.sim.requests()
    }

    /// The only request the simulator received.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

/// Asserts the headers every request carries, and a JSON body's headers.
pub fn assert_standard_headers(req: &Recorded) {
    assert_eq!(req.header("x-api-key"), Some(DEFAULT_KEY));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(
        req.header("user-agent")
            .is_some_and(|ua| ua.starts_with("heygen-plugin/"))
    );
    if req.method == "POST" {
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(
            req.header("content-length"),
            Some(req.body.len().to_string().as_str())
        );
    } else {
        assert!(req.body.is_empty());
    }
}

/// A failed output of `action` with `error` starting with `prefix`.
pub fn assert_failed(output: &Value, prefix: &str) {
    assert_eq!(output["success"], json!(false), "{output:#}");
    let error = output["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with(prefix),
        "expected an error starting with {prefix:?}, got {error:?}"
    );
}

/// The `n`th video id the simulator hands out (1-based).
pub fn sim_video_id(n: u128) -> String {
    format!("{:032x}", 0x5eed_cafe_0000_0000_0000_0000_u128 + n)
}
