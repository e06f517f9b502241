//! One action call's view of HeyGen: requests sent through a [`Port`] inside
//! the call's time budget, retrying what [`crate::retry`] allows and following
//! pages.

use crate::api::{Page, bad_response, error_from_status};
use crate::checks::check_idempotency_key;
use crate::config::{Config, Generation};
use crate::error::Error;
use crate::key::ApiKey;
use crate::limits::MAX_BODY_BYTES;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::port::{Port, TransportError};
use crate::prelude::*;
use crate::retry::{self, Effect, Outcome};

const NS_PER_MS: u64 = 1_000_000;

/// One action call's view of HeyGen: a transport, the configuration, the key
/// and the deadline every attempt shares. A call without a key (a pure
/// action's) sends nothing.
pub struct Call<'a> {
    transport: &'a mut dyn Port,
    config: &'a Config,
    key: Option<&'a ApiKey>,
    deadline_ns: u64,
    budget_ms: u64,
    budget_name: &'static str,
    /// What a create makes, for its errors (`video` unless set).
    creates: &'static str,
    /// The caller's `Idempotency-Key` for the create, if it gave one.
    idempotency_key: Option<String>,
    /// The `Idempotency-Key` the last create sent.
    sent_key: Option<String>,
}

impl<'a> Call<'a> {
    /// Starts a call: its budget (`HEYGEN_TIMEOUT_MS`) runs from now. Without
    /// a `key` (a pure action's call) every [`Call::exchange`] is refused as
    /// `missing_credentials:` before anything is sent.
    pub fn new(transport: &'a mut dyn Port, config: &'a Config, key: Option<&'a ApiKey>) -> Self {
        let deadline_ns = transport
            .now_ns()
            .saturating_add(config.timeout_ms.saturating_mul(NS_PER_MS));
        Call {
            transport,
            config,
            key,
            deadline_ns,
            budget_ms: config.timeout_ms,
            budget_name: "HEYGEN_TIMEOUT_MS",
            creates: "video",
            idempotency_key: None,
            sent_key: None,
        }
    }

    /// Readies this call for a create of `what` (`video`, `translation`, …:
    /// its errors name it) with the caller's `idempotency_key`, checked and
    /// sent as HeyGen's `Idempotency-Key` (v3; without one a fresh key is
    /// drawn). The legacy API has no such header, so a key given there is
    /// refused before anything is sent.
    pub fn start_create(
        &mut self,
        what: &'static str,
        idempotency_key: Option<&str>,
    ) -> Result<(), Error> {
        let key = idempotency_key.map(check_idempotency_key).transpose()?;
        if key.is_some() && self.config().generation == Generation::Legacy {
            return Err(Error::Unsupported(
                "idempotency_key does not exist on HeyGen's legacy API (it has no Idempotency-Key): leave it unset, or ask the host's operator to set HEYGEN_API_VERSION=v3".into(),
            ));
        }
        self.creates = what;
        self.idempotency_key = key;
        Ok(())
    }

    /// `read` (this create's answer, read) with an unreadable answer marked
    /// as one after which HeyGen may have created it anyway: a 2xx means it
    /// probably did.
    pub fn after_create<T>(&self, read: Result<T, Error>) -> Result<T, Error> {
        read.map_err(|e| match e {
            Error::BadResponse { .. } => self.maybe_created(e),
            other => other,
        })
    }

    /// `error` (of this call's create) marked as one after which HeyGen may
    /// have created it anyway, with the key that makes a repeat safe.
    pub fn maybe_created(&self, error: Error) -> Error {
        Error::MaybeCreated {
            error: Box::new(error),
            what: self.creates,
            key: self.sent_key.clone(),
        }
    }

    /// Gives the rest of this call its own time budget of `ms` from now, in
    /// place of `HEYGEN_TIMEOUT_MS`, named `name` in timeout errors. Only an
    /// action whose argument sets its duration (`wait_for_video`'s
    /// `timeout_seconds`) does this; every request and retry after it shares
    /// the new deadline.
    pub fn set_budget(&mut self, ms: u64, name: &'static str) {
        self.deadline_ns = self
            .transport
            .now_ns()
            .saturating_add(ms.saturating_mul(NS_PER_MS));
        self.budget_ms = ms;
        self.budget_name = name;
    }

    /// Runs `poll` (one read of a wait) with at most `HEYGEN_TIMEOUT_MS` of
    /// the call's budget, so that one poll that hangs cannot take the whole
    /// wait; the budget's end stays where it was.
    pub fn one_poll<T>(&mut self, poll: impl FnOnce(&mut Self) -> T) -> T {
        let deadline = self.deadline_ns;
        let poll_end = self
            .transport
            .now_ns()
            .saturating_add(self.config.timeout_ms.saturating_mul(NS_PER_MS));
        self.deadline_ns = deadline.min(poll_end);
        let result = poll(self);
        self.deadline_ns = deadline;
        result
    }

    /// Milliseconds left of the call's budget.
    pub fn remaining_ms(&mut self) -> u64 {
        self.deadline_ns.saturating_sub(self.transport.now_ns()) / NS_PER_MS
    }

    /// Pauses for `ms` milliseconds through the port (a virtual clock in tests).
    pub fn sleep_ms(&mut self, ms: u64) {
        self.transport.sleep_ns(ms.saturating_mul(NS_PER_MS));
    }

    /// A random number from the port (for jitter).
    pub fn random_u64(&mut self) -> u64 {
        self.transport.random_u64()
    }

    /// Wall-clock time from the port, in seconds since the Unix epoch (a fixed
    /// time in tests).
    pub fn unix_secs(&mut self) -> u64 {
        self.transport.unix_secs()
    }

    /// The configuration of this call.
    pub fn config(&self) -> &Config {
        self.config
    }

    /// Sends `request`, retrying as `effect` allows, and returns the 2xx
    /// answer. A v3 create gets an `Idempotency-Key`, the same on every retry.
    /// A create that failed after HeyGen may have acted on it comes back as
    /// [`Error::MaybeCreated`].
    pub fn exchange(
        &mut self,
        mut request: HttpRequest,
        effect: Effect,
    ) -> Result<HttpResponse, Error> {
        let Some(key) = self.key else {
            return Err(Error::MissingCredentials);
        };
        // Every v3 create carries an `Idempotency-Key`: the caller's, or a
        // fresh one. Only where HeyGen documents that it honours the key
        // (`IdempotentCreate`) is an uncertain attempt retried under it; the
        // key is given back in the error either way, for a safe repeat.
        let creates = matches!(effect, Effect::IdempotentCreate | Effect::Create);
        if creates && self.config.generation == Generation::V3 {
            let key = self.idempotency_key.clone().unwrap_or_else(|| {
                format!(
                    "heygen-plugin-{:016x}{:016x}",
                    self.transport.random_u64(),
                    self.transport.random_u64()
                )
            });
            request
                .headers
                .push(("Idempotency-Key".into(), key.clone()));
            self.sent_key = Some(key);
        }
        let mut maybe_created = false;
        let mut retry = 0;
        loop {
            let outcome =
                self.transport
                    .send(&self.config.base_url, key, &request, self.deadline_ns);
            maybe_created |= effect != Effect::Read && retry::ambiguous(&outcome);
            let retry_after = self.retry_after(&outcome);
            let remaining_ms = self.deadline_ns.saturating_sub(self.transport.now_ns()) / NS_PER_MS;
            let random = self.transport.random_u64();
            match retry::plan(effect, &outcome, retry, remaining_ms, retry_after, random) {
                Some(wait_ms) => {
                    self.transport.sleep_ns(wait_ms.saturating_mul(NS_PER_MS));
                    retry += 1;
                }
                None => {
                    return self.finish(outcome, retry_after).map_err(|e| {
                        if maybe_created {
                            self.maybe_created(e)
                        } else {
                            e
                        }
                    });
                }
            }
        }
    }

    /// `Retry-After` of a 429 or 503, in seconds.
    fn retry_after(&mut self, outcome: &Outcome) -> Option<u64> {
        let resp = outcome
            .as_ref()
            .ok()
            .filter(|r| matches!(r.status, 429 | 503))?;
        let value = resp.header("retry-after")?;
        retry::retry_after_secs(value, self.transport.unix_secs())
    }

    /// The final outcome as a 2xx answer or an [`Error`].
    fn finish(&self, outcome: Outcome, retry_after: Option<u64>) -> Result<HttpResponse, Error> {
        let authority = &self.config.base_url.authority;
        match outcome {
            Ok(resp) if resp.is_success() => Ok(resp),
            Ok(resp) => Err(error_from_status(&resp, retry_after)),
            Err(TransportError::Denied) => Err(Error::Denied {
                authority: authority.clone(),
            }),
            Err(TransportError::NotSent(detail)) => Err(Error::Transport {
                detail: format!("could not connect to {authority}: {detail}"),
            }),
            Err(TransportError::Broken(detail)) => Err(Error::Transport {
                detail: format!("the exchange with {authority} broke off: {detail}"),
            }),
            Err(TransportError::TimedOut(detail)) => Err(Error::Timeout {
                detail: format!(
                    "{detail} from {authority} within the call's budget of {} ms ({})",
                    self.budget_ms, self.budget_name
                ),
            }),
            Err(TransportError::TooLarge { status }) => Err(Error::BadResponse {
                status,
                detail: format!(
                    "a body larger than {} MiB, far more than any real answer",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
                request_id: None,
            }),
        }
    }

    /// Reads pages of a list until `limit` items or its end: `build` makes
    /// the request for a page of `size` (at most `page_size`, and no more than
    /// are still wanted) after `token`; `parse` reads a page. A page longer
    /// than asked for is cut to `limit`.
    pub fn pages_up_to<I>(
        &mut self,
        limit: usize,
        page_size: usize,
        build: &dyn Fn(usize, Option<&str>) -> HttpRequest,
        parse: fn(&HttpResponse) -> Result<Page<I>, Error>,
    ) -> Result<Vec<I>, Error> {
        let mut items: Vec<I> = Vec::new();
        let mut tokens: Vec<String> = Vec::new();
        while items.len() < limit {
            let size = (limit - items.len()).min(page_size);
            let resp =
                self.exchange(build(size, tokens.last().map(String::as_str)), Effect::Read)?;
            let page = parse(&resp)?;
            items.extend(page.items);
            match page.next_token {
                None => break,
                Some(token) if tokens.contains(&token) => {
                    return Err(bad_response(
                        &resp,
                        format!("a page token that repeats an earlier one ({token})"),
                    ));
                }
                Some(token) => tokens.push(token),
            }
        }
        items.truncate(limit);
        Ok(items)
    }

    /// Reads every page of a list: `build` makes the request for a page token
    /// (`None` for the first), `parse` reads a page. Gives up after `max_pages`
    /// or when HeyGen hands back a token it already gave.
    pub fn all_pages<I>(
        &mut self,
        build: &dyn Fn(Option<&str>) -> HttpRequest,
        parse: fn(&HttpResponse) -> Result<Page<I>, Error>,
        max_pages: usize,
    ) -> Result<Vec<I>, Error> {
        let mut items = Vec::new();
        let mut tokens: Vec<String> = Vec::new();
        for _ in 0..max_pages {
            let resp = self.exchange(build(tokens.last().map(String::as_str)), Effect::Read)?;
            let page = parse(&resp)?;
            items.extend(page.items);
            match page.next_token {
                None => return Ok(items),
                Some(token) if tokens.contains(&token) => {
                    return Err(bad_response(
                        &resp,
                        format!("a page token that repeats an earlier one ({token})"),
                    ));
                }
                Some(token) => tokens.push(token),
            }
        }
        Err(Error::BadResponse {
            status: 200,
            detail: format!("more than {max_pages} pages ({} items so far)", items.len()),
            request_id: None,
        })
    }
}

#[cfg(test)]
pub(crate) mod fake {
    //! A scripted [`Port`] with a virtual clock, for unit tests.
    use super::*;
    use crate::config::BaseUrl;
    use std::collections::VecDeque;

    /// Answers requests from a script and records what it was asked.
    #[derive(Default)]
    pub struct Scripted {
        pub script: VecDeque<Outcome>,
        pub sent: Vec<HttpRequest>,
        pub slept_ms: Vec<u64>,
        pub now_ns: u64,
        /// Virtual time each send takes.
        pub send_ms: u64,
    }

    impl Scripted {
        pub fn new(script: impl IntoIterator<Item = Outcome>) -> Self {
            Scripted {
                script: script.into_iter().collect(),
                send_ms: 10,
                ..Default::default()
            }
        }
    }

    /// An answer with `status`, `body` and extra `headers`.
    pub fn answer(status: u16, body: &str, headers: &[(&str, &str)]) -> Outcome {
        Ok(HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
            body: body.as_bytes().to_vec(),
        })
    }

    impl Port for Scripted {
        fn send(
            &mut self,
            _: &BaseUrl,
            _: &ApiKey,
            request: &HttpRequest,
            deadline_ns: u64,
        ) -> Outcome {
            self.sent.push(request.clone());
            self.now_ns += self.send_ms * NS_PER_MS;
            if self.now_ns > deadline_ns {
                return Err(TransportError::TimedOut("no answer".into()));
            }
            self.script.pop_front().expect("the script ran out")
        }
        fn now_ns(&mut self) -> u64 {
            self.now_ns
        }
        fn unix_secs(&mut self) -> u64 {
            1_000_000
        }
        fn sleep_ns(&mut self, ns: u64) {
            self.slept_ms.push(ns / NS_PER_MS);
            self.now_ns += ns;
        }
        fn random_u64(&mut self) -> u64 {
            7
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{Scripted, answer};
    use super::*;
    use crate::config::API_KEY_VAR;

    fn config(timeout_ms: u64) -> Config {
        Config {
            base_url: crate::config::BaseUrl::parse("https://api.heygen.com").unwrap(),
            generation: crate::config::Generation::V3,
            timeout_ms,
        }
    }

    fn key() -> ApiKey {
        ApiKey::parse("k", API_KEY_VAR).unwrap()
    }

    fn voices_page(token: Option<&str>) -> HttpRequest {
        let req = HttpRequest::get("/v3/voices").with_query("limit", "100");
        crate::api::v3::with_token(req, token)
    }

    fn idempotency_key(req: &HttpRequest) -> Option<&str> {
        req.headers
            .iter()
            .find(|(k, _)| k == "Idempotency-Key")
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn v3_create_retries_with_one_idempotency_key() {
        let mut t = Scripted::new([
            answer(503, "", &[]),
            answer(503, "", &[]),
            answer(200, "{}", &[]),
        ]);
        let (config, key) = (config(30_000), key());
        let resp = Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/v3/videos"), Effect::IdempotentCreate)
            .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(t.sent.len(), 3);
        let first = idempotency_key(&t.sent[0]).unwrap();
        assert!(first.starts_with("heygen-plugin-") && first.len() <= 255);
        assert!(t.sent.iter().all(|r| idempotency_key(r) == Some(first)));
        assert_eq!(t.slept_ms.len(), 2);
    }

    #[test]
    fn a_call_without_a_key_sends_nothing() {
        let mut t = Scripted::new([answer(200, "{}", &[])]);
        let config = config(30_000);
        let err = Call::new(&mut t, &config, None)
            .exchange(HttpRequest::get("/v3/videos"), Effect::Read)
            .unwrap_err();
        assert_eq!(err, Error::MissingCredentials);
        assert!(t.sent.is_empty());
    }

    #[test]
    fn legacy_create_is_sent_once_and_says_it_may_exist() {
        let mut t = Scripted::new([answer(503, "", &[])]);
        let (mut config, key) = (config(30_000), key());
        config.generation = Generation::Legacy;
        let err = Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/v2/video/generate"), Effect::Create)
            .unwrap_err();
        assert_eq!(t.sent.len(), 1);
        assert!(idempotency_key(&t.sent[0]).is_none());
        assert!(matches!(err, Error::MaybeCreated { .. }));
        assert!(err.to_string().starts_with("http_503: "));
        assert!(err.to_string().contains("may have created the video"));
    }

    #[test]
    fn legacy_create_retries_a_429_and_a_refused_connection() {
        let mut t = Scripted::new([
            answer(429, "", &[("retry-after", "1")]),
            Err(TransportError::NotSent("connection refused".into())),
            answer(200, "{}", &[]),
        ]);
        let (config, key) = (config(30_000), key());
        Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/"), Effect::Create)
            .unwrap();
        assert_eq!(t.sent.len(), 3);
        assert_eq!(t.slept_ms[0], 1_000);
    }

    #[test]
    fn reads_give_up_after_two_retries() {
        let mut t = Scripted::new([
            answer(500, "", &[]),
            answer(502, "", &[]),
            answer(504, "", &[]),
        ]);
        let (config, key) = (config(30_000), key());
        let err = Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/"), Effect::Read)
            .unwrap_err();
        assert_eq!(t.sent.len(), 3);
        assert!(err.to_string().starts_with("http_504: "));
        assert!(!matches!(err, Error::MaybeCreated { .. }));
    }

    #[test]
    fn a_retry_after_beyond_the_budget_is_not_waited_for() {
        let mut t = Scripted::new([answer(
            429,
            r#"{"error":{"code":"rate_limit_exceeded"}}"#,
            &[("retry-after", "3600")],
        )]);
        let (config, key) = (config(5_000), key());
        let err = Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/"), Effect::Read)
            .unwrap_err();
        assert_eq!(t.sent.len(), 1);
        assert!(t.slept_ms.is_empty());
        assert_eq!(err.retry_after(), Some(3600));
        assert!(err.to_string().contains("wait 3600 s"), "{err}");
    }

    #[test]
    fn timeouts_name_the_budget() {
        let mut t = Scripted::new([]);
        t.send_ms = 2_000;
        let (config, key) = (config(1_000), key());
        let err = Call::new(&mut t, &config, Some(&key))
            .exchange(HttpRequest::get("/"), Effect::Read)
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "timeout: no answer from api.heygen.com within the call's budget of 1000 ms"
            ),
            "{err}"
        );
    }

    #[test]
    fn pages_are_followed_to_the_end() {
        let mut t = Scripted::new([
            answer(
                200,
                r#"{"data":[{"voice_id":"a"}],"has_more":true,"next_token":"p2"}"#,
                &[],
            ),
            answer(
                200,
                r#"{"data":[{"voice_id":"b"}],"has_more":true,"next_token":"p3"}"#,
                &[],
            ),
            answer(
                200,
                r#"{"data":[{"voice_id":"c"}],"has_more":false,"next_token":null}"#,
                &[],
            ),
        ]);
        let (config, key) = (config(30_000), key());
        let voices = Call::new(&mut t, &config, Some(&key))
            .all_pages(&voices_page, crate::api::v3::page, 50)
            .unwrap();
        assert_eq!(voices.len(), 3);
        let base = &config.base_url;
        let sent: Vec<String> = t.sent.iter().map(|r| r.path_and_query(base)).collect();
        assert_eq!(
            sent,
            [
                "/v3/voices?limit=100",
                "/v3/voices?limit=100&token=p2",
                "/v3/voices?limit=100&token=p3"
            ]
        );
    }

    #[test]
    fn pages_stop_at_the_cap_and_on_a_repeated_token() {
        let page = r#"{"data":[{"voice_id":"a"}],"has_more":true,"next_token":"same"}"#;
        let mut t = Scripted::new([answer(200, page, &[]), answer(200, page, &[])]);
        let (config, key) = (config(30_000), key());
        let err = Call::new(&mut t, &config, Some(&key))
            .all_pages(&voices_page, crate::api::v3::page, 50)
            .unwrap_err();
        assert!(err.to_string().contains("repeats an earlier one"), "{err}");
        let mut t = Scripted::new([answer(200, page, &[])]);
        let err = Call::new(&mut t, &config, Some(&key))
            .all_pages(&voices_page, crate::api::v3::page, 1)
            .unwrap_err();
        assert!(err.to_string().contains("more than 1 pages"), "{err}");
    }
}
