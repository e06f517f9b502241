//! The native baseline: the plugin's own pure core, compiled natively, over a
//! plain hyper client. It sends exactly the requests the component sends and
//! parses the answers the same way, so the difference is the cost of running
//! in wasmtime.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use heygen_plugin::config::{BaseUrl, Scheme};
use heygen_plugin::key::ApiKey;
use heygen_plugin::outbound::{HttpRequest, HttpResponse};
use heygen_plugin::port::{Port, TransportError};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;

/// A blocking [`Transport`] over hyper, on its own single-threaded runtime.
/// Call it from a thread that is not inside a tokio runtime.
pub struct NativeTransport {
    runtime: tokio::runtime::Runtime,
    keep_alive: bool,
    connection: Option<SendRequest<Full<Bytes>>>,
    started: Instant,
    seed: u64,
}

impl NativeTransport {
    /// A client that opens a new connection per request (as wasmtime's
    /// default sender does) or, with `keep_alive`, reuses one.
    pub fn new(keep_alive: bool) -> std::io::Result<NativeTransport> {
        Ok(NativeTransport {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            keep_alive,
            connection: None,
            started: Instant::now(),
            // Distinct per client, so idempotency keys never collide across runs.
            seed: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1),
        })
    }
}

impl Port for NativeTransport {
    fn send(
        &mut self,
        base: &BaseUrl,
        key: &ApiKey,
        request: &HttpRequest,
        _deadline_ns: u64,
    ) -> Result<HttpResponse, TransportError> {
        if base.scheme != Scheme::Http {
            return Err(TransportError::NotSent(
                "the baseline speaks plain HTTP only".into(),
            ));
        }
        let broken = |e: &dyn std::fmt::Display| TransportError::Broken(e.to_string());
        let mut builder = http::Request::builder()
            .method(request.method.as_str())
            .uri(request.path_and_query(base))
            .header("host", &base.authority);
        for (name, value) in request.header_list(key) {
            builder = builder.header(name, value);
        }
        let body = Full::new(Bytes::from(request.body.clone().unwrap_or_default()));
        let outgoing = builder.body(body).map_err(|e| broken(&e))?;
        let reuse = self.keep_alive.then(|| self.connection.take()).flatten();
        let authority = base.authority.clone();
        let (response, sender) = self.runtime.block_on(async move {
            let mut sender = match reuse {
                Some(sender) if !sender.is_closed() => sender,
                _ => {
                    let stream = tokio::net::TcpStream::connect(&authority)
                        .await
                        .map_err(|e| TransportError::NotSent(e.to_string()))?;
                    let (sender, connection) =
                        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                            .await
                            .map_err(|e| broken(&e))?;
                    tokio::spawn(connection);
                    sender
                }
            };
            let response = sender
                .send_request(outgoing)
                .await
                .map_err(|e| broken(&e))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| broken(&e))?
                .to_bytes()
                .to_vec();
            Ok::<_, TransportError>((
                HttpResponse {
                    status,
                    headers,
                    body,
                },
                sender,
            ))
        })?;
        if self.keep_alive {
            self.connection = Some(sender);
        }
        Ok(response)
    }

    fn now_ns(&mut self) -> u64 {
        u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn unix_secs(&mut self) -> u64 {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    fn sleep_ns(&mut self, ns: u64) {
        std::thread::sleep(std::time::Duration::from_nanos(ns));
    }

    fn random_u64(&mut self) -> u64 {
        // xorshift64: jitter and idempotency keys need no more.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed
    }
}
