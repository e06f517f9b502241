//! Waiting for a job (a render, an agent session, a translation, a lipsync)
//! inside one call: the job's read, repeated with a growing pause, within
//! the call's own budget of `timeout_seconds` (not `HEYGEN_TIMEOUT_MS`).
//!
//! - Pauses start at about 2 s and grow 1.5 times per poll up to 10 s, each
//!   with ±20 % jitter, and never run into the last second of the budget,
//!   which is kept for a final poll's answer.
//! - Each poll is retried like any read, within `HEYGEN_TIMEOUT_MS` (or
//!   the time left, if less), so one that hangs cannot take the whole wait.
//!   A poll that still fails does not
//!   end the wait when a later one could succeed: a 429 (after its
//!   `Retry-After`), a 5xx, a network failure, a time-out or an unreadable
//!   answer is waited out like a status that has not changed, for as long
//!   as time is left, however many come in a row.
//! - Only what cannot improve ends it at once ([`ends_the_wait`]): a 400
//!   (HeyGen refuses the id), 401, 403, 404 or 410, a refusal of the host
//!   or the configuration.
//! - When the time runs out it returns the last state seen, marked timed
//!   out; if it never saw one, the last poll's error.

use serde_json::Value;

use crate::call::Call;
use crate::checks::whole_number;
use crate::error::Error;
use crate::limits::{
    DEFAULT_WAIT_SECONDS, FIRST_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS, MAX_WAIT_SECONDS,
    MIN_WAIT_SECONDS, POLL_RESERVE_MS,
};

/// How a wait ended.
pub(crate) struct Waited<S> {
    /// The last state read.
    pub state: S,
    /// True when the time ran out before the job ended.
    pub timed_out: bool,
}

/// Polls `read` until `ended` says the state it gives is final, within
/// `timeout_seconds` (read by [`whole_number`]: 1 to 600, default 50), which
/// becomes the call's budget.
pub(crate) fn wait<S>(
    call: &mut Call<'_>,
    timeout_seconds: Option<&Value>,
    read: &mut dyn FnMut(&mut Call<'_>) -> Result<S, Error>,
    ended: fn(&S) -> bool,
) -> Result<Waited<S>, Error> {
    let seconds = whole_number(
        "timeout_seconds",
        timeout_seconds,
        (MIN_WAIT_SECONDS, MAX_WAIT_SECONDS),
        DEFAULT_WAIT_SECONDS,
    )?;
    call.set_budget(u64::from(seconds) * 1_000, "timeout_seconds");
    let mut interval = FIRST_POLL_INTERVAL_MS;
    let mut last: Option<S> = None;
    loop {
        let mut at_least_ms = 0;
        let failure = match call.one_poll(|call| read(call)) {
            Ok(state) if ended(&state) => {
                return Ok(Waited {
                    state,
                    timed_out: false,
                });
            }
            Ok(state) => {
                last = Some(state);
                None
            }
            Err(e) if ends_the_wait(&e) => return Err(e),
            Err(e) => {
                at_least_ms = e.retry_after().unwrap_or(0).saturating_mul(1_000);
                Some(e)
            }
        };
        let room = call.remaining_ms().saturating_sub(POLL_RESERVE_MS);
        let pause = jittered(interval, call.random_u64()).max(at_least_ms);
        if room == 0 || pause > room && at_least_ms > 0 {
            // No time for another poll (or not the wait HeyGen asked for).
            return match (last, failure) {
                (Some(state), _) => Ok(Waited {
                    state,
                    timed_out: true,
                }),
                (None, Some(e)) => Err(e),
                (None, None) => Err(Error::Timeout {
                    detail: "no status".into(),
                }),
            };
        }
        call.sleep_ms(pause.min(room));
        interval = (interval * 3 / 2).min(MAX_POLL_INTERVAL_MS);
    }
}

/// Whether a translation or a lipsync has ended (`completed` or `failed`).
pub(crate) fn job_ended(status: Option<&str>) -> bool {
    matches!(status, Some("completed" | "failed"))
}

/// Whether a poll's error cannot improve by waiting: the job or the key is
/// unknown or refused, or the host or configuration refuses the call.
pub(crate) fn ends_the_wait(error: &Error) -> bool {
    match error {
        Error::Http { status, .. } => matches!(status, 400 | 401 | 403 | 404 | 410),
        Error::InvalidInput(_)
        | Error::Unsupported(_)
        | Error::MissingCredentials
        | Error::InvalidCredentials(_)
        | Error::InvalidConfig(_)
        | Error::Denied { .. } => true,
        Error::Transport { .. }
        | Error::Timeout { .. }
        | Error::Api { .. }
        | Error::BadResponse { .. }
        | Error::MaybeCreated { .. }
        | Error::MaybeRegistered { .. } => false,
    }
}

/// `interval` ± 20 %, from `random`.
fn jittered(interval: u64, random: u64) -> u64 {
    let spread = interval * 2 / 5;
    interval - interval / 5 + random % (spread + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_fifth() {
        for random in [0, 1, 399, 400, 401, u64::MAX] {
            let pause = jittered(2_000, random);
            assert!((1_600..=2_400).contains(&pause), "{pause}");
        }
    }

    #[test]
    fn only_what_cannot_improve_ends_a_wait() {
        let http = |status| Error::Http {
            status,
            code: None,
            message: None,
            request_id: None,
            retry_after: None,
            location: None,
        };
        for status in [400, 401, 403, 404, 410] {
            assert!(ends_the_wait(&http(status)), "{status}");
        }
        for status in [409, 429, 500, 502, 503, 504] {
            assert!(!ends_the_wait(&http(status)), "{status}");
        }
        assert!(!ends_the_wait(&Error::Transport {
            detail: "reset".into()
        }));
        assert!(ends_the_wait(&Error::Denied {
            authority: "x".into()
        }));
    }
}
