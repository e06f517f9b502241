//! HeyGen v3 as the simulator plays it: one table of routes ([`ROUTES`]),
//! `{"data": …}` answers, `{"error": {code, message, param}}` errors, strict
//! bodies, and `Idempotency-Key` replays for every route that creates.

mod discovery;
mod envelope;
mod videos;
mod webhooks;

use super::answer::SimAnswer;
use super::request::authorized;
use super::routes::{self, Handler, Request, Route};
use super::state::{Replay, State};
use envelope::error;

/// Every v3 endpoint the simulator answers: one table, its rows kept by
/// area beside their handlers (so a new endpoint is one row and its handler,
/// in one file).
const ROUTES: [&[Route]; 3] = [videos::ROUTES, discovery::ROUTES, webhooks::ROUTES];

/// Answers a v3 request: an unknown route gets HeyGen's HTML 404, a request
/// without an accepted key a 401, a create runs under its `Idempotency-Key`.
pub(crate) fn handle(state: &mut State, recorded: &super::request::Recorded) -> SimAnswer {
    let Some((route, req)) = routes::find(ROUTES.into_iter().flatten(), recorded) else {
        return SimAnswer::html_404();
    };
    if !authorized(state, &req) {
        return error(
            401,
            "unauthorized",
            "Invalid or missing API key. Pass your key in the X-Api-Key header.",
            None,
        );
    }
    if route.creates {
        idempotent(state, &req, route.handler)
    } else {
        (route.handler)(state, &req)
    }
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
