//! HeyGen v3 as the simulator plays it: one table of routes ([`ROUTES`]),
//! `{"data": …}` answers, `{"error": {code, message, param}}` errors, strict
//! bodies, and `Idempotency-Key` replays for every route that creates.

mod agent;
mod assets;
mod avatars;
mod discovery;
mod envelope;
mod lipsyncs;
mod translations;
mod videos;
mod webhooks;

use super::answer::SimAnswer;
use super::contract;
use super::request::{json_body, query};
use super::routes::{self, Handler, Request, Route};
use super::state::{Replay, State};
use envelope::error;

/// Every v3 endpoint the simulator answers: one table, its rows kept by
/// area beside their handlers (so a new endpoint is one row and its handler,
/// in one file).
const ROUTES: [&[Route]; 8] = [
    videos::ROUTES,
    discovery::ROUTES,
    webhooks::ROUTES,
    agent::ROUTES,
    translations::ROUTES,
    lipsyncs::ROUTES,
    assets::ROUTES,
    avatars::ROUTES,
];

/// Answers a v3 request: an unknown route gets HeyGen's HTML 404, a request
/// without an accepted key a 401, a create runs under its `Idempotency-Key`.
pub(crate) fn handle(state: &mut State, recorded: &super::request::Recorded) -> SimAnswer {
    let Some((route, req)) = routes::find(ROUTES.into_iter().flatten(), recorded) else {
        return SimAnswer::html_404();
    };
    if !state.authorizes(&req) {
        return error(
            401,
            "unauthorized",
            "Invalid or missing API key. Pass your key in the X-Api-Key header.",
            None,
        );
    }
    // HeyGen's own schema first: what it refuses never reaches a handler.
    let spec = contract::spec(&req.method, &req.path);
    if let Some(refused) = against_contract(state, spec, &req) {
        return refused;
    }
    let answer = if route.creates {
        let answer = idempotent(state, &req, route.handler);
        // One create per request HeyGen acted on (a replay acts on nothing),
        // however many things it made (a translation per language).
        if (200..300).contains(&answer.status) && !answer.has_header("idempotent-replayed") {
            state.created += 1;
        }
        answer
    } else {
        (route.handler)(state, &req)
    };
    // And every answer the simulator gives fits HeyGen's response schema.
    if let Some(spec) = spec
        && (200..300).contains(&answer.status)
    {
        let body = answer
            .body
            .chunks
            .front()
            .and_then(|b| serde_json::from_slice(b).ok());
        let fits = body.map(|body| contract::check_response(spec, &body));
        match fits {
            Some(Ok(())) => {}
            Some(Err(problem)) => state.contract_violations.push(format!(
                "the answer to {} {} does not fit HeyGen's schema: {}: {}",
                req.method, req.path, problem.param, problem.message
            )),
            None => state.contract_violations.push(format!(
                "the answer to {} {} is not JSON",
                req.method, req.path
            )),
        }
    }
    answer
}

/// The refusal HeyGen would give `req` for not fitting `spec` (its query and
/// JSON body), if any; each one is also recorded as a contract violation,
/// since the plugin must never send one. A route with no endpoint in the
/// contract is recorded too.
fn against_contract(
    state: &mut State,
    spec: Option<&contract::Spec>,
    req: &Request<'_>,
) -> Option<SimAnswer> {
    let Some(spec) = spec else {
        state.contract_violations.push(format!(
            "{} {} is not an endpoint of HeyGen's contract",
            req.method, req.path
        ));
        return None;
    };
    let checked = contract::check_query(spec, &query(req)).and_then(|()| {
        if spec.body_encoding != "json" {
            return Ok(());
        }
        let body = json_body(req)?;
        contract::check_request(spec, &body)
    });
    let problem = checked.err()?;
    state.contract_violations.push(format!(
        "{} {} does not fit HeyGen's schema: {}: {}",
        req.method, req.path, problem.param, problem.message
    ));
    Some(envelope::invalid(problem))
}

/// Runs a creating request under its `Idempotency-Key`: a repeat of a key
/// replays the first answer; the same key with another body is refused.
fn idempotent(state: &mut State, req: &Request<'_>, create: Handler) -> SimAnswer {
    let Some(key) = req.header("idempotency-key").map(str::to_owned) else {
        return create(state, req);
    };
    if key.is_empty()
        || key.len() > 255
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b))
    {
        return error(
            400,
            "invalid_parameter",
            "Idempotency-Key must be 1-255 characters of [A-Za-z0-9_:.-]",
            Some("Idempotency-Key"),
        );
    }
    let fingerprint = format!("{} {}", req.path, String::from_utf8_lossy(&req.body));
    if let Some(replay) = state.replays.get(&key) {
        if replay.fingerprint != fingerprint {
            return error(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request",
                Some("Idempotency-Key"),
            );
        }
        return SimAnswer::json(replay.status, &replay.body)
            .with_header("idempotent-replayed", "true");
    }
    let answer = create(state, req);
    if answer.status < 500 {
        let body = answer
            .body
            .chunks
            .front()
            .and_then(|b| serde_json::from_slice(b).ok());
        if let Some(body) = body {
            state.replays.insert(
                key,
                Replay {
                    fingerprint,
                    status: answer.status,
                    body,
                },
            );
        }
    }
    answer
}
