//! HeyGen's v3 contract: the request and response schemas of every v3
//! endpoint, as HeyGen's CLI generates them from HeyGen's OpenAPI
//! (`host/contract/heygen-v3.json`, a copy committed so that no test reads
//! outside the repository), and the checks the simulator runs with them.
//!
//! The schemas are OpenAPI 3.0 (`type`, `nullable`, `properties`,
//! `required`, `enum`, `items`, `oneOf` with a `discriminator`); the checker
//! below reads exactly those keywords. Requests are checked strictly, as v3
//! validates them: a field the schema does not declare is refused ("Extra
//! inputs are not permitted"). Answers are checked for what they must carry
//! (required fields, types, enums); extra fields are allowed, as HeyGen may
//! add them.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::check::{Problem, problem};
use super::routes::path_values;

/// The committed contract.
const CONTRACT: &str = include_str!("../../contract/heygen-v3.json");

/// One endpoint of the contract.
pub struct Spec {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, `{name}` for a path parameter.
    pub endpoint: String,
    /// `json`, `multipart` or empty (no body).
    pub body_encoding: String,
    /// The body's schema (`None`: no body).
    pub request: Option<Value>,
    /// The answer's schema.
    pub response: Value,
    /// The query parameters it takes.
    pub query: Vec<QueryParam>,
}

/// A query parameter of an endpoint.
pub struct QueryParam {
    /// Its name.
    pub name: String,
    /// `string`, `int`, `bool`, …
    pub kind: String,
    /// The least value of an `int`.
    pub min: Option<f64>,
    /// The greatest value of an `int`.
    pub max: Option<f64>,
    /// The values it may take, if listed.
    pub cases: Option<Vec<String>>,
}

/// Every endpoint of the contract.
pub fn specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let contract: Value = serde_json::from_str(CONTRACT).unwrap_or(Value::Null);
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        contract["specs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|spec| Spec {
                method: text(&spec["method"]),
                endpoint: text(&spec["endpoint"]),
                body_encoding: text(&spec["body_encoding"]),
                request: Some(spec["request_schema"].clone()).filter(|s| !s.is_null()),
                response: spec["response_schema"].clone(),
                query: spec["query"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|q| QueryParam {
                        name: text(&q["name"]),
                        kind: text(&q["type"]),
                        min: q["min"].as_f64(),
                        max: q["max"].as_f64(),
                        cases: q["enum"]
                            .as_array()
                            .map(|cases| cases.iter().map(text).collect()),
                    })
                    .collect(),
            })
            .collect()
    })
}

/// The endpoint that `method path` calls: of those that match, the one with
/// the fewest path parameters.
pub fn spec(method: &str, path: &str) -> Option<&'static Spec> {
    specs()
        .iter()
        .filter(|s| s.method == method)
        .filter_map(|s| Some((s, path_values(&s.endpoint, path)?.len())))
        .min_by_key(|(_, params)| *params)
        .map(|(s, _)| s)
}

/// Checks a request's query (`pairs`, decoded) against `spec`: every name
/// one the endpoint takes, every value of its kind and range.
pub fn check_query(spec: &Spec, pairs: &[(String, String)]) -> Result<(), Problem> {
    for (name, value) in pairs {
        let Some(param) = spec.query.iter().find(|q| &q.name == name) else {
            return Err(problem(name, "Extra inputs are not permitted"));
        };
        if param.kind == "int" {
            let n: f64 = value.parse::<i64>().map_err(|_| {
                problem(
                    name,
                    "Input should be a valid integer, unable to parse string as an integer",
                )
            })? as f64;
            if param.min.is_some_and(|min| n < min) || param.max.is_some_and(|max| n > max) {
                let (min, max) = (param.min.unwrap_or(f64::MIN), param.max.unwrap_or(f64::MAX));
                return Err(problem(
                    name,
                    format!("Input should be between {min} and {max}"),
                ));
            }
        }
        if let Some(cases) = &param.cases
            && !cases.contains(value)
        {
            return Err(problem(name, format!("Input should be {}", one_of(cases))));
        }
    }
    Ok(())
}

/// Checks a JSON request body against the endpoint's schema, strictly.
pub fn check_request(spec: &Spec, body: &Value) -> Result<(), Problem> {
    match &spec.request {
        Some(schema) => check(schema, body, "", true),
        None => Err(problem("body", "This endpoint takes no body")),
    }
}

/// Checks an answer body against the endpoint's response schema (extra
/// fields allowed).
pub fn check_response(spec: &Spec, body: &Value) -> Result<(), Problem> {
    check(&spec.response, body, "", false)
}

/// `value` at `path` against `schema`; `strict` refuses undeclared fields.
fn check(schema: &Value, value: &Value, path: &str, strict: bool) -> Result<(), Problem> {
    let here = || {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    if value.is_null() {
        return match schema["nullable"].as_bool() == Some(true)
            || schema.get("type").is_none() && schema.get("oneOf").is_none()
        {
            true => Ok(()),
            false => Err(problem(&here(), "Input should not be null")),
        };
    }
    if let Some(branches) = schema["oneOf"].as_array() {
        return check_one_of(schema, branches, value, path, strict);
    }
    match schema["type"].as_str() {
        Some("object") => {
            let Some(map) = value.as_object() else {
                return Err(problem(
                    &here(),
                    "Input should be a valid dictionary or object",
                ));
            };
            check_object(schema, map, path, strict)?;
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                return Err(problem(&here(), "Input should be a valid list"));
            };
            for (i, item) in items.iter().enumerate() {
                check(&schema["items"], item, &join(path, &i.to_string()), strict)?;
            }
        }
        Some("string") if !value.is_string() => {
            return Err(problem(&here(), "Input should be a valid string"));
        }
        Some("boolean") if !value.is_boolean() => {
            return Err(problem(&here(), "Input should be a valid boolean"));
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => {
            return Err(problem(&here(), "Input should be a valid integer"));
        }
        Some("number") if !value.is_number() => {
            return Err(problem(&here(), "Input should be a valid number"));
        }
        _ => {}
    }
    if let Some(cases) = schema["enum"].as_array()
        && !cases.contains(value)
    {
        let names: Vec<String> = cases
            .iter()
            .map(|c| c.as_str().unwrap_or_default().to_owned())
            .collect();
        return Err(problem(
            &here(),
            format!("Input should be {}", one_of(&names)),
        ));
    }
    Ok(())
}

/// An object's fields: every required one present, every one declared
/// (when `strict`), each against its own schema.
fn check_object(
    schema: &Value,
    map: &Map<String, Value>,
    path: &str,
    strict: bool,
) -> Result<(), Problem> {
    let empty = Map::new();
    let properties = schema["properties"].as_object().unwrap_or(&empty);
    // An object that declares no field is a free-form map (template
    // `variables`, keyed by the template's own names).
    let strict = strict && !properties.is_empty();
    for required in schema["required"].as_array().into_iter().flatten() {
        let name = required.as_str().unwrap_or_default();
        if !map.contains_key(name) {
            return Err(problem(&join(path, name), "Field required"));
        }
    }
    for (name, value) in map {
        match properties.get(name) {
            Some(property) => check(property, value, &join(path, name), strict)?,
            None if strict => {
                return Err(problem(&join(path, name), "Extra inputs are not permitted"));
            }
            None => {}
        }
    }
    Ok(())
}

/// A `oneOf`: the discriminator's value must be one the mapping names, and
/// the value must fit a branch: one that has a field named as that value
/// when there is such a branch (`{"type": "url", "url": …}`), else any.
fn check_one_of(
    schema: &Value,
    branches: &[Value],
    value: &Value,
    path: &str,
    strict: bool,
) -> Result<(), Problem> {
    let here = if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    let mut candidates: Vec<&Value> = branches.iter().collect();
    if let Some(discriminator) = schema["discriminator"]["propertyName"].as_str() {
        let cases: Vec<String> = schema["discriminator"]["mapping"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let Some(tag) = value[discriminator].as_str() else {
            return Err(problem(&join(path, discriminator), "Field required"));
        };
        if !cases.iter().any(|c| c == tag) {
            return Err(problem(
                &join(path, discriminator),
                format!("Input should be {}", one_of(&cases)),
            ));
        }
        let named: Vec<&Value> = branches
            .iter()
            .filter(|b| b["properties"].get(tag).is_some())
            .collect();
        if !named.is_empty() {
            candidates = named;
        }
    }
    let mut first = None;
    for branch in candidates {
        match check(branch, value, path, strict) {
            Ok(()) => return Ok(()),
            Err(problem) => {
                first.get_or_insert(problem);
            }
        }
    }
    Err(first.unwrap_or_else(|| problem(&here, "Input does not match any of the allowed shapes")))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `'a', 'b' or 'c'`.
fn one_of(cases: &[String]) -> String {
    let quoted: Vec<String> = cases.iter().map(|c| format!("'{c}'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_endpoint_is_read_and_found_by_its_path() {
        assert!(specs().len() > 80);
        assert_eq!(
            spec("GET", "/v3/videos/abc").unwrap().endpoint,
            "/v3/videos/{video_id}"
        );
        assert_eq!(
            spec("GET", "/v3/videos/statuses").unwrap().endpoint,
            "/v3/videos/statuses"
        );
        assert!(spec("GET", "/v3/nothing").is_none());
    }

    #[test]
    fn requests_are_checked_strictly_and_answers_loosely() {
        let lipsync = spec("POST", "/v3/lipsyncs").unwrap();
        let good = json!({"video": {"type": "url", "url": "https://x/v.mp4"}, "audio": {"type": "asset_id", "asset_id": "a1"}});
        assert!(check_request(lipsync, &good).is_ok());
        for (body, param) in [
            (
                json!({"video": {"type": "url", "url": "https://x"}}),
                "audio",
            ),
            (
                json!({"video": {"type": "url", "asset_id": "a"}, "audio": {"type": "asset_id", "asset_id": "a1"}}),
                "video.url",
            ),
            (
                json!({"video": {"type": "file", "url": "u"}, "audio": {"type": "asset_id", "asset_id": "a1"}}),
                "video.type",
            ),
            (
                json!({"video": {"type": "url", "url": "u"}, "audio": {"type": "asset_id", "asset_id": "a1"}, "x": 1}),
                "x",
            ),
            (
                json!({"video": {"type": "url", "url": "u"}, "audio": {"type": "asset_id", "asset_id": "a1"}, "mode": "fast"}),
                "mode",
            ),
        ] {
            assert_eq!(
                check_request(lipsync, &body).unwrap_err().param,
                param,
                "{body}"
            );
        }
        assert!(
            check_response(lipsync, &json!({"data": {"lipsync_id": "l1", "extra": 1}})).is_ok()
        );
        assert_eq!(
            check_response(lipsync, &json!({"data": {}}))
                .unwrap_err()
                .param,
            "data.lipsync_id"
        );
        let videos = spec("GET", "/v3/videos").unwrap();
        assert!(check_query(videos, &[("limit".into(), "100".into())]).is_ok());
        assert_eq!(
            check_query(videos, &[("limit".into(), "101".into())])
                .unwrap_err()
                .param,
            "limit"
        );
        assert_eq!(
            check_query(videos, &[("page".into(), "2".into())])
                .unwrap_err()
                .param,
            "page"
        );
    }
}
