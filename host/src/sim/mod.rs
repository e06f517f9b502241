//! A HeyGen simulator: a real HTTP/1.1 server on loopback that answers every
//! endpoint the plugin uses, on v3 and on the legacy v1/v2 API, as HeyGen's
//! reference describes them: API-key checks with each generation's error
//! envelope, strict body validation (v3 rejects unknown fields), videos that
//! move from queued through processing to completed (or failed), paged
//! voices, `Idempotency-Key` replays, HTML 404s for unknown routes, and
//! chunked request bodies.
//!
//! Tests script faults ([`Fault`]) and read the request log ([`Recorded`]).

mod answer;
mod check;
pub mod contract;
pub mod data;
mod deliveries;
mod faults;
pub mod jobs;
mod legacy;
mod multipart;
mod request;
mod routes;
mod server;
mod state;
mod v3;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Result;

pub use deliveries::sign;
pub use faults::{Fault, FaultKind};
pub use request::Recorded;
use state::State;

/// The API key the simulator accepts unless told otherwise.
pub const DEFAULT_KEY: &str = "sim_test_key_0123456789abcdef";

/// A running simulator; it stops when dropped.
pub struct Simulator {
    url: String,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A loopback address whose connections are refused, and the socket that
/// keeps its port reserved (bound, never listening) for as long as it lives,
/// so that no simulator started meanwhile can take the port.
pub fn refusing_address() -> Result<(tokio::net::TcpSocket, SocketAddr)> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let addr = socket.local_addr()?;
    Ok((socket, addr))
}

impl Simulator {
    /// Starts a simulator for a host's `HEYGEN_*` settings `env`, and points
    /// them at it: `HEYGEN_BASE_URL` becomes its address, and `HEYGEN_API_KEY`
    /// (which it accepts, as it does [`DEFAULT_KEY`]) is set to
    /// [`DEFAULT_KEY`] when `env` has none.
    pub fn start_for(env: &mut Vec<(String, String)>) -> Result<Simulator> {
        let key = env
            .iter()
            .find(|(k, _)| k == "HEYGEN_API_KEY")
            .map(|(_, v)| v.clone());
        let sim = match &key {
            Some(key) => Simulator::start(0, &[DEFAULT_KEY, key])?,
            None => Simulator::start(0, &[DEFAULT_KEY])?,
        };
        env.retain(|(k, _)| k != "HEYGEN_BASE_URL");
        env.push(("HEYGEN_BASE_URL".into(), sim.url().into()));
        if key.is_none() {
            env.push(("HEYGEN_API_KEY".into(), DEFAULT_KEY.into()));
        }
        Ok(sim)
    }

    /// Starts a simulator on `127.0.0.1:port` (0 picks a free port),
    /// accepting `keys`.
    pub fn start(port: u16, keys: &[&str]) -> Result<Simulator> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let mut videos = BTreeMap::new();
        let existing = data::existing_video();
        videos.insert(existing.id.clone(), existing);
        let (sessions, translations, lipsyncs) = jobs::existing();
        let endpoint = data::existing_endpoint();
        let endpoints = BTreeMap::from([(endpoint.id.clone(), endpoint)]);
        let state = Arc::new(Mutex::new(State {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            voices: data::VOICE_COUNT,
            videos,
            endpoints,
            sessions: sessions.into_iter().map(|s| (s.id.clone(), s)).collect(),
            translations: translations
                .into_iter()
                .map(|j| (j.id.clone(), j))
                .collect(),
            lipsyncs: lipsyncs.into_iter().map(|j| (j.id.clone(), j)).collect(),
            ..State::default()
        }));
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let shared = state.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("heygen-sim".into())
            .spawn(move || {
                runtime.block_on(server::serve(listener, shared, stopped));
                runtime.shutdown_background();
            })?;
        Ok(Simulator {
            addr,
            url: format!("http://{addr}"),
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().log.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.lock().log.clear();
    }

    /// Queues a fault.
    pub fn push_fault(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Sets how many voices the account has (230 unless set).
    pub fn set_voice_count(&self, count: usize) {
        self.lock().voices = count;
    }

    /// Sets how the account pays, as `GET /v3/users/me` reports it (a wallet
    /// unless set).
    pub fn set_billing(&self, billing: data::Billing) {
        self.lock().billing = billing;
    }

    /// Makes new videos skip the queue: their first status answer is
    /// `processing` and the next one the end, so a `wait_for_video` (whose
    /// first pause is 2 s) finishes in about 2 s. Off unless set.
    pub fn set_quick_renders(&self, quick: bool) {
        self.lock().quick_renders = quick;
    }

    /// How many requests made something new: a video (a billed render unless
    /// test mode), a Video Agent session or message, a translation (however
    /// many languages), a lipsync or a webhook endpoint. An `Idempotency-Key`
    /// replay makes nothing; the account's seeded things are not counted.
    pub fn created(&self) -> usize {
        self.lock().created
    }

    /// The webhook deliveries made so far, oldest first (one per endpoint
    /// that wants the event, when a render's end is first reported).
    pub fn deliveries(&self) -> Vec<data::Delivery> {
        self.lock().deliveries.clone()
    }

    /// How many webhook endpoints are registered (the account's earlier one,
    /// [`data::EXISTING_ENDPOINT_ID`], included).
    pub fn endpoint_count(&self) -> usize {
        self.lock().endpoints.len()
    }

    /// The presigned URL the simulator gives for `file` of video `id`
    /// (`video.mp4`, `thumbnail.jpg`, captions), if it has that video.
    pub fn video_file_url(&self, id: &str, file: &str) -> Option<String> {
        self.lock().videos.get(id).map(|video| video.url(file))
    }

    /// The v3 requests received and answers given that do not fit HeyGen's
    /// contract (`sim::contract`): a request the plugin should never have
    /// sent, or an answer the simulator should never have given. Empty after
    /// every call the plugin makes.
    pub fn contract_violations(&self) -> Vec<String> {
        self.lock().contract_violations.clone()
    }

    /// How many videos were created in legacy test mode.
    pub fn test_videos(&self) -> usize {
        self.lock().videos.values().filter(|v| v.test).count()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
