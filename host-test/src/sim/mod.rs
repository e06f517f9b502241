//! A HeyGen simulator: a real HTTP/1.1 server on loopback that answers every
//! endpoint the plugin uses, on v3 and on the legacy v1/v2 API, as HeyGen's
//! reference describes them: API-key checks with each generation's error
//! envelope, strict body validation (v3 rejects unknown fields), videos that
//! move from queued through processing to completed (or failed), paged
//! voices, `Idempotency-Key` replays, HTML 404s for unknown routes, and
//! chunked request bodies.
//!
//! Tests script faults ([`Fault`]) and read the request log ([`Recorded`]).

mod check;
pub mod data;
mod legacy;
mod v3;
pub mod webhooks;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming};
use hyper::{Request, Response};
use serde_json::Value;

use data::Video;

/// The API key the simulator accepts unless told otherwise.
pub const DEFAULT_KEY: &str = "sim_test_key_0123456789abcdef";
/// Largest request body the simulator reads.
const MAX_REQUEST_BODY: usize = 8 << 20;

/// A request as the simulator received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path, still percent-encoded.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers (lower-case names), in order.
    pub headers: Vec<(String, String)>,
    /// Body, de-chunked.
    pub body: Vec<u8>,
}

impl Recorded {
    /// First value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// `path?query`.
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

/// A scripted misbehaviour, applied to the next request(s) whose path starts
/// with `path_prefix` (any request when `None`).
#[derive(Clone, Debug)]
pub struct Fault {
    /// Which requests it applies to.
    pub path_prefix: Option<String>,
    /// How many requests it applies to.
    pub times: usize,
    /// What happens.
    pub kind: FaultKind,
}

impl Fault {
    /// `kind`, once, for any request.
    pub fn once(kind: FaultKind) -> Fault {
        Fault {
            path_prefix: None,
            times: 1,
            kind,
        }
    }

    /// `kind`, for the next `times` requests.
    pub fn times(times: usize, kind: FaultKind) -> Fault {
        Fault {
            path_prefix: None,
            times,
            kind,
        }
    }
}

/// What a fault does instead of the normal answer.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer with this status, headers and body.
    Respond {
        /// Status.
        status: u16,
        /// Headers (a JSON content type is not added).
        headers: Vec<(String, String)>,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// A 200 with a body of this many bytes (declared in `Content-Length`).
    Huge(usize),
    /// A 200 with this many extra headers of this length each.
    ManyHeaders {
        /// Number of headers.
        count: usize,
        /// Length of each value.
        len: usize,
    },
    /// Never answer (not even the status line).
    NoAnswer,
    /// Send the head and half a JSON body, then go silent.
    StallBody,
    /// Send the head and half a JSON body, then close the connection.
    CloseMidBody,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
    /// Handle the request normally (a create does create the video), then
    /// send only half of the answer and close the connection.
    ProcessThenClose,
    /// Handle the request normally, then send the head and half of the answer
    /// and go silent (the caller's deadline passes).
    ProcessThenStall,
    /// Handle the request normally, then answer 200 with a body that is not
    /// the answer (an HTML maintenance page).
    ProcessThenGarble,
}

impl FaultKind {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> FaultKind {
        FaultKind::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A replayable answer kept for an `Idempotency-Key`.
#[derive(Clone, Debug)]
struct Replay {
    fingerprint: String,
    status: u16,
    body: Value,
}

/// The simulator's state.
#[derive(Default)]
pub struct State {
    keys: Vec<String>,
    log: Vec<Recorded>,
    faults: VecDeque<Fault>,
    videos: BTreeMap<String, Video>,
    replays: HashMap<String, Replay>,
    next_id: u64,
    next_request: u64,
    voices: usize,
    created: usize,
    billing: data::Billing,
    endpoints: BTreeMap<String, data::Endpoint>,
    next_endpoint: u64,
    deliveries: Vec<data::Delivery>,
    next_event: u64,
    quick_renders: bool,
}

impl State {
    /// Records a new video and returns its id.
    fn create_video(&mut self, mut video: Video) -> String {
        self.next_id += 1;
        video.id = format!(
            "{:032x}",
            0x5eed_cafe_0000_0000_0000_0000_u128 + u128::from(self.next_id)
        );
        video.created_at = unix_now();
        if self.quick_renders {
            // Already rendering: the first status answer says `processing`.
            video.polls = video.polls.max(1);
        }
        let id = video.id.clone();
        self.videos.insert(id.clone(), video);
        self.created += 1;
        id
    }

    /// The video `id`, one status step further along.
    fn poll_video(&mut self, id: &str) -> Option<Video> {
        let video = self.videos.get_mut(id).filter(|v| !v.deleted)?;
        let snapshot = video.clone();
        video.polls += 1;
        // The first answer that reports the end is when HeyGen would notify.
        if snapshot.polls == 2 {
            webhooks::deliver(self, &snapshot);
        }
        Some(snapshot)
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

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
        let endpoint = data::existing_endpoint();
        let endpoints = BTreeMap::from([(endpoint.id.clone(), endpoint)]);
        let state = Arc::new(Mutex::new(State {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            voices: data::VOICE_COUNT,
            videos,
            endpoints,
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
                runtime.block_on(serve(listener, shared, stopped));
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

    /// How many things were created: videos (each one a billed render unless
    /// test mode) and webhook endpoints. The account's earlier video
    /// ([`data::EXISTING_VIDEO_ID`]) is not counted.
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

async fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// The simulator's response body: some chunks, then an end, a stall or a break.
pub struct SimBody {
    chunks: VecDeque<Bytes>,
    end: End,
}

#[derive(Clone, Copy)]
enum End {
    Finish,
    Stall,
    Break,
}

impl SimBody {
    fn full(bytes: impl Into<Bytes>) -> SimBody {
        SimBody {
            chunks: VecDeque::from([bytes.into()]),
            end: End::Finish,
        }
    }
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self.end {
            // A whole body: sent with a Content-Length, as real servers do.
            End::Finish => {
                hyper::body::SizeHint::with_exact(self.chunks.iter().map(|c| c.len() as u64).sum())
            }
            End::Stall | End::Break => hyper::body::SizeHint::default(),
        }
    }

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(chunk) = this.chunks.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        match this.end {
            End::Finish => Poll::Ready(None),
            End::Stall => Poll::Pending,
            End::Break => Poll::Ready(Some(Err(std::io::Error::other(
                "simulated connection break",
            )))),
        }
    }
}

/// An answer under construction.
pub(crate) struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: SimBody,
}

impl Answer {
    /// A JSON answer.
    pub(crate) fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: SimBody::full(body.to_string()),
        }
    }

    /// The HTML 404 page HeyGen serves for unknown routes.
    pub(crate) fn html_404() -> Answer {
        Answer {
            status: 404,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: SimBody::full(
                "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on the server.</p></body></html>",
            ),
        }
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }
}

async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Response<SimBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match http_body_util::Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            return Ok(finish(
                Answer::json(
                    413,
                    &serde_json::json!({"error": {"code": "invalid_parameter", "message": "Request body too large"}}),
                ),
                0,
            ));
        }
    };
    let recorded = Recorded {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let (fault, request_number) = {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        state.log.push(recorded.clone());
        state.next_request += 1;
        let number = state.next_request;
        let position = state.faults.iter().position(|f| {
            f.path_prefix
                .as_deref()
                .is_none_or(|p| recorded.path.starts_with(p))
        });
        let fault = position.and_then(|i| {
            let fault = state.faults.get_mut(i)?;
            fault.times = fault.times.saturating_sub(1);
            let kind = fault.kind.clone();
            if fault.times == 0 {
                state.faults.remove(i);
            }
            Some(kind)
        });
        (fault, number)
    };
    let answer = match fault {
        Some(FaultKind::Delay(ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            route(&state, &recorded)
        }
        Some(kind @ (FaultKind::ProcessThenClose | FaultKind::ProcessThenStall)) => {
            let mut answer = route(&state, &recorded);
            let full: Vec<u8> = answer
                .body
                .chunks
                .iter()
                .flat_map(|c| c.iter().copied())
                .collect();
            answer
                .headers
                .push(("content-length".into(), full.len().to_string()));
            answer.body = SimBody {
                chunks: VecDeque::from([Bytes::copy_from_slice(&full[..full.len() / 2])]),
                end: if matches!(kind, FaultKind::ProcessThenStall) {
                    End::Stall
                } else {
                    End::Break
                },
            };
            answer
        }
        Some(FaultKind::ProcessThenGarble) => {
            let processed = route(&state, &recorded);
            Answer {
                status: processed.status,
                headers: vec![("content-type".into(), "text/html".into())],
                body: SimBody::full("<html><body>Down for maintenance</body></html>"),
            }
        }
        Some(kind) => match faulty(kind).await {
            Some(answer) => answer,
            None => std::future::pending().await,
        },
        None => route(&state, &recorded),
    };
    Ok(finish(answer, request_number))
}

/// The answer a fault gives (`None`: never answer).
async fn faulty(kind: FaultKind) -> Option<Answer> {
    let half_json = || {
        let text =
            br#"{"data":{"video_id":"0123456789abcdef","status":"waiting","output_format":"mp4"}}"#;
        (text.len(), Bytes::from_static(&text[..text.len() / 2]))
    };
    Some(match kind {
        FaultKind::Respond {
            status,
            headers,
            body,
        } => Answer {
            status,
            headers,
            body: SimBody::full(body),
        },
        FaultKind::Huge(bytes) => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let mut chunks: VecDeque<Bytes> =
                std::iter::repeat_n(chunk, bytes / (64 * 1024)).collect();
            chunks.push_back(Bytes::from(vec![b' '; bytes % (64 * 1024)]));
            Answer {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("content-length".into(), bytes.to_string()),
                ],
                body: SimBody {
                    chunks,
                    end: End::Finish,
                },
            }
        }
        FaultKind::ManyHeaders { count, len } => {
            let mut answer = Answer::json(200, &serde_json::json!({"data": {}}));
            for i in 0..count {
                answer
                    .headers
                    .push((format!("x-filler-{i}"), "a".repeat(len)));
            }
            answer
        }
        FaultKind::NoAnswer => return None,
        FaultKind::StallBody | FaultKind::CloseMidBody => {
            let (declared, half) = half_json();
            let end = if matches!(kind, FaultKind::StallBody) {
                End::Stall
            } else {
                End::Break
            };
            Answer {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("content-length".into(), declared.to_string()),
                ],
                body: SimBody {
                    chunks: VecDeque::from([half]),
                    end,
                },
            }
        }
        FaultKind::Delay(_)
        | FaultKind::ProcessThenClose
        | FaultKind::ProcessThenStall
        | FaultKind::ProcessThenGarble => return None,
    })
}

fn finish(answer: Answer, request_number: u64) -> Response<SimBody> {
    let mut response = Response::builder().status(answer.status);
    response = response.header("x-request-id", format!("sim-req-{request_number:06}"));
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response
        .body(answer.body)
        .unwrap_or_else(|_| Response::new(SimBody::full("simulator: bad header")))
}

/// Routes a request to the v3 or the legacy simulator.
fn route(state: &Arc<Mutex<State>>, req: &Recorded) -> Answer {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    if req.path.starts_with("/v3/") {
        v3::handle(&mut state, req)
    } else if req.path.starts_with("/v1/") || req.path.starts_with("/v2/") {
        legacy::handle(&mut state, req)
            .with_header("deprecation", "true")
            .with_header("sunset", "Sat, 31 Oct 2026 00:00:00 GMT")
    } else {
        Answer::html_404()
    }
}

/// Whether the request carries an accepted `X-Api-Key`.
fn authorized(state: &State, req: &Recorded) -> bool {
    req.header("x-api-key")
        .is_some_and(|key| state.keys.iter().any(|k| k == key))
}

/// Query parameters, percent-decoded.
fn query(req: &Recorded) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    req.query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The single path segment after `prefix` (percent-decoded), if the path is
/// exactly `prefix{segment}{suffix}`.
fn segment(path: &str, prefix: &str, suffix: &str) -> Option<String> {
    let raw = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if raw.is_empty() || raw.contains('/') {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// A POST's JSON body, refused when it is not declared or not valid JSON.
fn json_body(req: &Recorded) -> check::Check<Value> {
    if !json_content_type(req) {
        return Err(check::problem(
            "Content-Type",
            "Content-Type must be application/json",
        ));
    }
    serde_json::from_slice(&req.body)
        .map_err(|e| check::problem("body", format!("Invalid JSON: {e}")))
}

/// Whether a POST declares a JSON body.
fn json_content_type(req: &Recorded) -> bool {
    req.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    })
}
