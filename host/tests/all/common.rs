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

/// The card's output schema of `action`, read from `schemas/`.
pub fn output_schema(action: &str) -> Value {
    let path = format!(
        "{}/../schemas/{action}.output.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("a schema is JSON")
}

/// What `wit/heygen.wit` says of one function, read here with `wit-parser`
/// (not through the manifest the faces serve, which is what is checked).
pub struct WitFunction {
    /// Its JSON name (snake_case).
    pub name: String,
    /// Its doc, as the faces that take JSON show it: every backticked WIT
    /// name (a function, an argument, an enum case) in snake_case.
    pub json_doc: String,
    /// Its arguments, in snake_case: (name, required).
    pub fields: Vec<(String, bool)>,
}

/// Every function of the `actions` interface, in the WIT's order.
pub fn wit_functions() -> Vec<WitFunction> {
    use wit_parser::{Resolve, Type, TypeDefKind};
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../wit"))
        .expect("the WIT parses");
    let interface = &resolve.interfaces[resolve.packages[package].interfaces["actions"]];
    // Every WIT name that has a snake_case spelling on the JSON faces.
    let mut names: Vec<String> = interface.functions.keys().cloned().collect();
    for id in interface.types.values() {
        match &resolve.types[*id].kind {
            TypeDefKind::Record(r) => names.extend(r.fields.iter().map(|f| f.name.clone())),
            TypeDefKind::Enum(e) => names.extend(e.cases.iter().map(|c| c.name.clone())),
            _ => {}
        }
    }
    let json_doc = |doc: &str| {
        let mut doc = doc.to_owned();
        for name in names.iter().filter(|n| n.contains('-')) {
            doc = doc.replace(
                &format!("`{name}`"),
                &format!("`{}`", name.replace('-', "_")),
            );
        }
        doc
    };
    interface
        .functions
        .values()
        .map(|function| {
            let mut fields = Vec::new();
            if let Some(Type::Id(id)) = function.params.first().map(|p| &p.ty) {
                let TypeDefKind::Record(record) = &resolve.types[*id].kind else {
                    panic!("{}: the parameter is a record", function.name);
                };
                for field in &record.fields {
                    let optional = matches!(&field.ty, Type::Id(t) if matches!(resolve.types[*t].kind, TypeDefKind::Option(_)));
                    fields.push((field.name.replace('-', "_"), !optional));
                }
            }
            WitFunction {
                name: function.name.replace('-', "_"),
                json_doc: json_doc(function.docs.contents.as_deref().unwrap_or_default()),
                fields,
            }
        })
        .collect()
}

/// Panics unless the manifest `action` (as a face serves it) describes the
/// WIT function `wit`: the same name, description, arguments (and which are
/// required), each with a description, and the card's output schema.
pub fn assert_describes(action: &Value, wit: &WitFunction) {
    let name = &wit.name;
    assert_eq!(action["name"], json!(name));
    assert_eq!(action["description"], json!(wit.json_doc), "{name}");
    let properties = action["input_schema"]["properties"]
        .as_object()
        .expect("properties");
    let given: Vec<&String> = properties.keys().collect();
    let mut expected: Vec<&String> = wit.fields.iter().map(|(f, _)| f).collect();
    expected.sort();
    let mut given_sorted = given.clone();
    given_sorted.sort();
    assert_eq!(given_sorted, expected, "{name}");
    let required: Vec<Value> = wit
        .fields
        .iter()
        .filter(|(_, r)| *r)
        .map(|(f, _)| json!(f))
        .collect();
    assert_eq!(
        action["input_schema"]["required"],
        json!(required),
        "{name}"
    );
    for (field, spec) in properties {
        assert!(
            spec["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}.{field} needs a description"
        );
    }
    assert_eq!(action["output_schema"], output_schema(name), "{name}");
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
        let output = self.call_refused_by_heygen(action, args).await;
        // Every v3 request the plugin sent fits HeyGen's contract, and so
        // does every answer the simulator gave it.
        let violations = self.sim.contract_violations();
        assert!(violations.is_empty(), "{action}: {violations:#?}");
        output
    }

    /// Runs `action` as [`Case::call`] does, without requiring that the
    /// request fit HeyGen's contract: for a call that passes on a value only
    /// HeyGen can judge (an unknown event type), which HeyGen refuses.
    pub async fn call_refused_by_heygen(&self, action: &str, args: Value) -> Value {
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

/// Asserts the headers every request carries, and a JSON body's headers
/// (an upload's body is multipart: its own test reads it).
pub fn assert_standard_headers(req: &Recorded) {
    assert_eq!(req.header("x-api-key"), Some(DEFAULT_KEY));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(
        req.header("user-agent")
            .is_some_and(|ua| ua.starts_with("heygen-plugin/"))
    );
    if req.path == "/v3/assets" {
        assert!(
            req.header("content-type")
                .unwrap()
                .starts_with("multipart/form-data; boundary=")
        );
        assert_eq!(
            req.header("content-length"),
            Some(req.body.len().to_string().as_str())
        );
    } else if req.method == "POST" || req.method == "PATCH" {
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
