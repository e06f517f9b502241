//! When to try a request again, and how long to wait first. Pure: the caller
//! supplies the clock readings and the random numbers.
//!
//! Reads retry on 429, 5xx and transport failures. Creates retry only when a
//! retry cannot render (and bill) a second video: on v3, where an
//! `Idempotency-Key` makes HeyGen replay the first answer, on 429, 5xx, 409
//! `request_in_progress` and transport failures; on legacy, which has no such
//! key, only on 429 and on failures that prove the request never left.

use crate::outbound::HttpResponse;
use crate::port::TransportError;
use crate::prelude::*;

/// Retries after the first attempt, at most.
pub const MAX_RETRIES: u32 = 2;
/// First backoff; doubled for each further retry, then jittered to 50–100 %.
pub const BASE_BACKOFF_MS: u64 = 400;
/// A retry is not started with less time than this left in the budget.
pub const MIN_ATTEMPT_MS: u64 = 250;

/// What a request does, which decides what may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Reads: always safe to repeat.
    Read,
    /// A v3 create carrying an `Idempotency-Key`: a repeat replays the first answer.
    IdempotentCreate,
    /// A create without a documented `Idempotency-Key` (a legacy create; a
    /// v3 create HeyGen documents no key for, which carries one anyway): a
    /// repeat could create a second one.
    Create,
    /// A POST that carries no `Idempotency-Key` at all (an upload, speech, a
    /// secret rotation): retried, like [`Effect::Create`], only when it
    /// cannot have been acted on.
    Once,
    /// A delete: a repeat is safe, so it is retried like a read; a final
    /// answer after an attempt HeyGen may have acted on is marked as such
    /// (a 404 then means that attempt did the delete).
    Delete,
}

/// The outcome of one attempt.
pub type Outcome = Result<HttpResponse, TransportError>;

/// Whether an attempt's outcome may be retried under `effect`.
pub fn retryable(effect: Effect, outcome: &Outcome) -> bool {
    match (effect, outcome) {
        (_, Ok(resp)) if resp.status == 429 => true,
        (Effect::Read | Effect::IdempotentCreate | Effect::Delete, Ok(resp)) => {
            (500..600).contains(&resp.status)
        }
        (Effect::Create | Effect::Once, Ok(_)) => false,
        (_, Err(TransportError::NotSent(_))) => true,
        (
            Effect::Read | Effect::IdempotentCreate | Effect::Delete,
            Err(TransportError::Broken(_) | TransportError::TimedOut(_)),
        ) => true,
        _ => false,
    }
}

/// Whether a v3 answer is 409 `request_in_progress`: the first attempt of an
/// idempotent create is still running, so wait and ask again with the same key.
pub fn in_progress(outcome: &Outcome) -> bool {
    matches!(outcome, Ok(resp) if resp.status == 409
        && crate::json::read(&resp.body)
            .is_ok_and(|b| b["error"]["code"] == "request_in_progress"))
}

/// Whether a create's outcome leaves open that HeyGen made the video: the
/// request may have arrived, but no clear answer came back.
pub fn ambiguous(outcome: &Outcome) -> bool {
    match outcome {
        Ok(resp) => (500..600).contains(&resp.status) || in_progress(outcome),
        Err(e) => matches!(e, TransportError::Broken(_) | TransportError::TimedOut(_)),
    }
}

/// `Retry-After` in seconds: a number of seconds, or an HTTP date (`now_unix`
/// resolves it). Garbage gives `None`; a huge number saturates.
pub fn retry_after_secs(value: &str, now_unix: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse().unwrap_or(u64::MAX));
    }
    Some(imf_fixdate(value)?.saturating_sub(now_unix))
}

/// Seconds since the Unix epoch of an IMF-fixdate (`Sun, 06 Nov 1994
/// 08:49:37 GMT`), the only date format HTTP senders may generate.
fn imf_fixdate(value: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = value.split(' ').collect();
    let [weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let (day, year) = (number(day, 2)?, number(year, 4)?);
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let clock: Vec<&str> = time.split(':').collect();
    let [h, m, s] = clock.as_slice() else {
        return None;
    };
    let (h, m, s) = (number(h, 2)?, number(m, 2)?, number(s, 2)?);
    if weekday.len() != 4
        || !weekday.ends_with(',')
        || !(1..=31).contains(&day)
        || year < 1970
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let (y, mp) = if month > 2 {
        (year, month - 3)
    } else {
        (year - 1, month + 9)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3_600 + m * 60 + s)
}

/// Exponential backoff with jitter before retry number `retry` (0-based).
pub fn backoff_ms(retry: u32, random: u64) -> u64 {
    let full = BASE_BACKOFF_MS << retry.min(8);
    full / 2 + random % (full / 2 + 1)
}

/// How long to wait before retry number `retry`, or `None` when the attempt
/// must not be retried: not retryable, out of retries, or the wait (a
/// `Retry-After` included) would not leave [`MIN_ATTEMPT_MS`] of the budget.
pub fn plan(
    effect: Effect,
    outcome: &Outcome,
    retry: u32,
    remaining_ms: u64,
    retry_after: Option<u64>,
    random: u64,
) -> Option<u64> {
    let allowed =
        retryable(effect, outcome) || (effect == Effect::IdempotentCreate && in_progress(outcome));
    if !allowed || retry >= MAX_RETRIES {
        return None;
    }
    let wait = match retry_after {
        Some(secs) => secs.saturating_mul(1000),
        None => backoff_ms(retry, random),
    };
    (wait.saturating_add(MIN_ATTEMPT_MS) <= remaining_ms).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Outcome {
        Ok(HttpResponse {
            status: code,
            headers: vec![],
            body: vec![],
        })
    }

    #[test]
    fn reads_retry_on_429_5xx_and_transport_failures() {
        for outcome in [
            status(429),
            status(500),
            status(503),
            Err(TransportError::NotSent("refused".into())),
            Err(TransportError::Broken("reset".into())),
            Err(TransportError::TimedOut("stalled".into())),
        ] {
            assert!(retryable(Effect::Read, &outcome), "{outcome:?}");
        }
        for outcome in [
            status(200),
            status(400),
            status(401),
            status(404),
            Err(TransportError::Denied),
            Err(TransportError::TooLarge { status: 200 }),
        ] {
            assert!(!retryable(Effect::Read, &outcome), "{outcome:?}");
        }
    }

    #[test]
    fn legacy_creates_retry_only_when_nothing_can_have_been_created() {
        assert!(retryable(Effect::Create, &status(429)));
        assert!(retryable(
            Effect::Create,
            &Err(TransportError::NotSent("dns".into()))
        ));
        for outcome in [
            status(500),
            status(503),
            Err(TransportError::Broken("reset".into())),
            Err(TransportError::TimedOut("t".into())),
        ] {
            assert!(!retryable(Effect::Create, &outcome), "{outcome:?}");
            assert!(ambiguous(&outcome));
        }
    }

    #[test]
    fn idempotent_creates_wait_out_request_in_progress() {
        let busy = Ok(HttpResponse {
            status: 409,
            headers: vec![],
            body: br#"{"error":{"code":"request_in_progress","message":"busy"}}"#.to_vec(),
        });
        assert!(plan(Effect::IdempotentCreate, &busy, 0, 10_000, None, 0).is_some());
        assert!(plan(Effect::Create, &busy, 0, 10_000, None, 0).is_none());
        assert!(plan(Effect::IdempotentCreate, &status(409), 0, 10_000, None, 0).is_none());
        assert!(ambiguous(&busy));
    }

    #[test]
    fn plan_counts_retries_and_respects_the_budget() {
        assert_eq!(
            plan(Effect::Read, &status(503), 0, 10_000, None, 0),
            Some(200)
        );
        assert_eq!(
            plan(Effect::Read, &status(503), 1, 10_000, None, 399),
            Some(799)
        );
        assert_eq!(plan(Effect::Read, &status(503), 2, 10_000, None, 0), None);
        assert_eq!(
            plan(Effect::Read, &status(429), 0, 10_000, Some(3), 0),
            Some(3_000)
        );
        assert_eq!(plan(Effect::Read, &status(429), 0, 3_100, Some(3), 0), None);
        assert_eq!(
            plan(Effect::Read, &status(429), 0, 10_000, Some(u64::MAX), 0),
            None
        );
        assert_eq!(plan(Effect::Read, &status(404), 0, 10_000, None, 0), None);
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        for retry in 0..4 {
            let full = BASE_BACKOFF_MS << retry;
            for random in [0, 1, 12345, u64::MAX] {
                let wait = backoff_ms(retry, random);
                assert!((full / 2..=full).contains(&wait), "{retry} {wait}");
            }
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(retry_after_secs(" 7 ", 0), Some(7));
        assert_eq!(
            retry_after_secs("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(7)
        );
        assert_eq!(
            retry_after_secs("Sun, 06 Nov 1994 08:49:37 GMT", 900_000_000),
            Some(0)
        );
        assert_eq!(retry_after_secs("soon", 0), None);
        assert_eq!(imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            imf_fixdate("Sat, 29 Feb 2020 12:00:00 GMT"),
            Some(1_582_977_600)
        );
        assert_eq!(
            imf_fixdate("Sat, 31 Oct 2026 00:00:00 GMT"),
            Some(1_793_404_800)
        );
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
        ] {
            assert_eq!(imf_fixdate(bad), None, "{bad}");
        }
        assert_eq!(retry_after_secs("-3", 0), None);
        assert_eq!(
            retry_after_secs("99999999999999999999999", 0),
            Some(u64::MAX)
        );
    }
}
