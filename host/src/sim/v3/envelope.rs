//! v3's answer shapes: `{"data": …}` and `{"error": {code, message,
//! param}}`, pages of `{data, has_more, next_token}`, and the refusals every
//! route shares.

use serde_json::{Map, Value, json};

use crate::sim::answer::SimAnswer;
use crate::sim::check::{self, Check, Problem, opt_string};
use crate::sim::request::{Recorded, query};

pub(crate) fn error(status: u16, code: &str, message: &str, param: Option<&str>) -> SimAnswer {
    let mut error = json!({"code": code, "message": message});
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    SimAnswer::json(status, &json!({ "error": error }))
}

pub(crate) fn invalid(problem: Problem) -> SimAnswer {
    error(
        400,
        "invalid_parameter",
        &problem.message,
        Some(&problem.param),
    )
}

/// An optional https URL (HeyGen refuses any other scheme).
pub(crate) fn opt_https(map: &Map<String, Value>, key: &str) -> Check<()> {
    match opt_string(map, key, "")? {
        Some(url) if !url.starts_with("https://") => Err(check::problem(key, "URL must use https")),
        _ => Ok(()),
    }
}

/// Refuses any query parameter (for endpoints that take none).
pub(crate) fn no_query(req: &Recorded) -> Option<SimAnswer> {
    query(req).into_iter().next().map(|(name, _)| {
        error(
            400,
            "invalid_parameter",
            "Extra inputs are not permitted",
            Some(&name),
        )
    })
}

/// One page of `items` for `limit` (1 to `max`, default `default`) and
/// `token` (`{prefix}{offset}`), with the query's other parameters handed to
/// `other` (which refuses what it does not know).
pub(crate) fn paged(
    req: &Recorded,
    items: Vec<Value>,
    prefix: &str,
    (default, max): (usize, usize),
    mut other: impl FnMut(&str, &str) -> Result<(), SimAnswer>,
) -> SimAnswer {
    let mut limit = default;
    let mut token = None;
    for (name, value) in query(req) {
        match name.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => limit = n,
                _ => {
                    return error(
                        400,
                        "invalid_parameter",
                        &format!("Input should be between 1 and {max}"),
                        Some("limit"),
                    );
                }
            },
            "token" => token = Some(value),
            _ => {
                if let Err(refused) = other(&name, &value) {
                    return refused;
                }
            }
        }
    }
    let start = match token {
        None => 0,
        Some(token) => match token
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n < items.len() => n,
            _ => {
                return error(
                    400,
                    "invalid_parameter",
                    "Invalid pagination token",
                    Some("token"),
                );
            }
        },
    };
    let end = (start + limit).min(items.len());
    let has_more = end < items.len();
    SimAnswer::json(
        200,
        &json!({
            "data": items[start..end].to_vec(),
            "has_more": has_more,
            "next_token": if has_more { json!(format!("{prefix}{end}")) } else { Value::Null },
        }),
    )
}

/// A refused query parameter.
pub(crate) fn refuse(name: &str, message: &str) -> Result<(), SimAnswer> {
    Err(error(400, "invalid_parameter", message, Some(name)))
}
