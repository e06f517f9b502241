//! The core's port to the outside world, as a trait: send one request, tell
//! the time, sleep, and draw random numbers. The component implements it over
//! `wasi:http` and `wasi:clocks` (`wasi::port`), the bench over native
//! sockets, and unit tests with scripted answers (`call::fake`).

use crate::config::BaseUrl;
use crate::key::ApiKey;
use crate::outbound::{HttpRequest, HttpResponse};
use crate::prelude::*;

/// How sending one request failed, by how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The host refused to send it (outbound allow-list).
    Denied,
    /// It never left: DNS failure, connection refused, connect timeout. Safe to
    /// retry even when it would create a video.
    NotSent(String),
    /// It may have reached HeyGen, but the exchange broke (reset, protocol error).
    Broken(String),
    /// No complete answer before the deadline; it may have reached HeyGen.
    TimedOut(String),
    /// The answer's body was larger than [`MAX_BODY_BYTES`](crate::limits::MAX_BODY_BYTES).
    TooLarge {
        /// Status of the oversized answer.
        status: u16,
    },
}

/// The outside world, as the core sees it.
pub trait Port {
    /// Sends `request` to `base` with `key`, and reads the whole answer, giving
    /// up at `deadline_ns` (on the [`Port::now_ns`] clock).
    fn send(
        &mut self,
        base: &BaseUrl,
        key: &ApiKey,
        request: &HttpRequest,
        deadline_ns: u64,
    ) -> Result<HttpResponse, TransportError>;

    /// A monotonic clock, in nanoseconds.
    fn now_ns(&mut self) -> u64;

    /// Wall-clock time, in seconds since the Unix epoch (for `Retry-After`
    /// dates and webhook timestamps).
    fn unix_secs(&mut self) -> u64;

    /// Sleeps for `ns` nanoseconds.
    fn sleep_ns(&mut self, ns: u64);

    /// A random number (retry jitter, idempotency keys).
    fn random_u64(&mut self) -> u64;
}

/// A port that answers every request with one fixed answer, on a virtual
/// clock (sleeps only move it forward), and keeps what it was asked: for
/// property tests, fuzzing and dry runs of the core without a network.
#[derive(Clone, Debug)]
pub struct Canned {
    /// The answer to every request.
    pub answer: HttpResponse,
    /// Every request sent, in order.
    pub sent: Vec<HttpRequest>,
    now_ns: u64,
}

impl Canned {
    /// A port that answers `answer` to everything.
    pub fn new(answer: HttpResponse) -> Canned {
        Canned {
            answer,
            sent: Vec::new(),
            now_ns: 0,
        }
    }
}

impl Port for Canned {
    fn send(
        &mut self,
        _: &BaseUrl,
        _: &ApiKey,
        request: &HttpRequest,
        _: u64,
    ) -> Result<HttpResponse, TransportError> {
        self.sent.push(request.clone());
        self.now_ns += 1_000_000;
        Ok(self.answer.clone())
    }

    fn now_ns(&mut self) -> u64 {
        self.now_ns
    }

    fn unix_secs(&mut self) -> u64 {
        1_000_000
    }

    fn sleep_ns(&mut self, ns: u64) {
        self.now_ns = self.now_ns.saturating_add(ns);
    }

    fn random_u64(&mut self) -> u64 {
        7
    }
}
