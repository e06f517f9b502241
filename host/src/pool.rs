//! Sending the plugin's outgoing requests. By default one pooled keep-alive
//! HTTP/1 client per [`Runtime`](crate::runtime::Runtime) serves every store,
//! so consecutive calls (and fresh instances) reuse connections and TLS
//! sessions; wasmtime-wasi-http's `default_send_request`, which opens a new
//! connection per request, stays selectable for comparison.
//!
//! The pooled sender keeps what the default one does: the guest's
//! `request-options` timeouts (connect, first byte, between bytes) and the same
//! mapping of failures to `wasi:http` error codes.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

/// How the guest's outgoing requests are sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SenderKind {
    /// One keep-alive client per runtime: connections are reused across
    /// requests, calls and instances.
    #[default]
    Pooled,
    /// wasmtime-wasi-http's `default_send_request`: a new connection (and TLS
    /// handshake) for every request, as `wasmtime serve` does.
    PerRequest,
}

/// What `WasiHttpHooks::send_request` resolves to: the response and a future
/// that reports the connection's own failure, if any.
pub type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
);

/// A timeout the guest did not set (the same as the default sender's).
const UNSET_TIMEOUT: Duration = Duration::from_secs(600);
/// How long an idle pooled connection is kept: below the idle timeouts of
/// common servers and load balancers (60 s and more), so the pool rarely
/// hands out a connection the far end is closing.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

tokio::task_local! {
    /// The connect timeout of the request being sent, read by [`Connector`]
    /// (the pooled client's connector only sees the URI).
    static CONNECT_TIMEOUT: Duration;
}

/// Sends outgoing requests. Clones share one connection pool.
#[derive(Clone)]
pub struct Sender {
    client: Option<Client<Connector, WasiBody>>,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("kind", &self.kind())
            .finish()
    }
}

impl Sender {
    /// A sender of `kind`. Only a pooled one can fail (if TLS cannot be set up).
    pub fn new(kind: SenderKind) -> Result<Sender, rustls::Error> {
        let client = match kind {
            SenderKind::PerRequest => None,
            SenderKind::Pooled => {
                let roots = rustls::RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.into(),
                };
                let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
                let connector = Connector {
                    tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
                };
                Some(
                    Client::builder(TokioExecutor::new())
                        .pool_idle_timeout(IDLE_TIMEOUT)
                        .pool_timer(TokioTimer::new())
                        .build(connector),
                )
            }
        };
        Ok(Sender { client })
    }

    /// Which kind of sender this is.
    pub fn kind(&self) -> SenderKind {
        match self.client {
            Some(_) => SenderKind::Pooled,
            None => SenderKind::PerRequest,
        }
    }

    /// Sends `request` (an absolute URI, as wasmtime-wasi-http hands it
    /// over) with the guest's timeouts `options`.
    ///
    /// On the pooled client the connect timeout covers the TCP connect and the
    /// TLS handshake of a new connection; the first-byte timeout runs from the
    /// hand-over to the response head (so it includes waiting for a
    /// connection); the between-bytes timeout applies to each body frame.
    pub async fn send(
        &self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<Sent, Error> {
        let Some(client) = &self.client else {
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            return Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ));
        };
        let connect = options
            .and_then(|o| o.connect_timeout)
            .unwrap_or(UNSET_TIMEOUT);
        let first_byte = options
            .and_then(|o| o.first_byte_timeout)
            .unwrap_or(UNSET_TIMEOUT);
        let between_bytes = options
            .and_then(|o| o.between_bytes_timeout)
            .unwrap_or(UNSET_TIMEOUT);
        let response = CONNECT_TIMEOUT
            .scope(
                connect,
                tokio::time::timeout(first_byte, client.request(request)),
            )
            .await
            .map_err(|_| Error::ConnectionReadTimeout)?
            .map_err(|e| from_client_error(&e))?;
        let response =
            response.map(|incoming| TimedBody::new(incoming, between_bytes).boxed_unsync());
        // The pool drives the connection; nothing is left for the caller to run.
        Ok((response, Box::new(async { Ok(()) })))
    }
}

/// The error code the default sender would give for a failure of the pooled
/// client: connect failures as `Error::Connect`/`Error::Tls` (which
/// wasmtime-wasi-http maps to DNS errors, `connection-refused` and
/// `tls-protocol-error`), an `error-code` carried by the failure as is, and
/// any other HTTP failure as `http-protocol-error` (what wasmtime-wasi-http
/// gives a `hyper::Error` without one).
fn from_client_error(e: &hyper_util::client::legacy::Error) -> Error {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(connect) = cause.downcast_ref::<ConnectError>() {
            return connect.to_wasi();
        }
        if let Some(code) = cause.downcast_ref::<ErrorCode>() {
            return Error::from(code.clone());
        }
        source = cause.source();
    }
    if e.is_connect() {
        return Error::ConnectionRefused;
    }
    Error::HttpProtocolError
}

/// A response body that fails with `connection-read-timeout` when no frame
/// arrives within the between-bytes timeout (as the default sender's does).
struct TimedBody {
    incoming: Incoming,
    timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl TimedBody {
    fn new(incoming: Incoming, timeout: Duration) -> TimedBody {
        TimedBody {
            incoming,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.incoming).poll_frame(cx) {
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(if e.is_timeout() {
                Error::HttpResponseTimeout
            } else {
                Error::from(e)
            }))),
            Poll::Ready(Some(Ok(frame))) => {
                let now = tokio::time::Instant::now();
                // A timeout too large to add is as good as none.
                if let Some(deadline) = now.checked_add(this.timeout) {
                    this.sleep.as_mut().reset(deadline);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                ready!(this.sleep.as_mut().poll(cx));
                Poll::Ready(Some(Err(Error::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}

/// Why a new connection could not be made.
#[derive(Debug)]
enum ConnectError {
    /// The URI has no authority.
    NoAuthority,
    /// TCP connect and TLS handshake took longer than the connect timeout.
    Timeout,
    /// The TCP connect (or the name lookup) failed.
    Tcp(io::Error),
    /// The host is not a valid TLS server name.
    InvalidDnsName,
    /// The TLS handshake failed.
    Tls(io::Error),
}

impl ConnectError {
    /// The `wasmtime_wasi_http` error the default sender gives in this case.
    fn to_wasi(&self) -> Error {
        let copy = |e: &io::Error| io::Error::new(e.kind(), e.to_string());
        match self {
            ConnectError::NoAuthority => Error::HttpRequestUriInvalid,
            ConnectError::Timeout => Error::ConnectionTimeout,
            ConnectError::Tcp(e) => Error::Connect(copy(e)),
            ConnectError::InvalidDnsName => Error::DnsError {
                rcode: Some("invalid dns name".to_owned()),
                info_code: None,
            },
            ConnectError::Tls(e) => Error::Tls(copy(e)),
        }
    }
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::NoAuthority => f.write_str("the request URI has no authority"),
            ConnectError::Timeout => f.write_str("connection timeout"),
            ConnectError::Tcp(e) => write!(f, "connection error: {e}"),
            ConnectError::InvalidDnsName => f.write_str("invalid DNS name"),
            ConnectError::Tls(e) => write!(f, "TLS error: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Opens plain or TLS connections for the pooled client, within the connect
/// timeout of the request that asked for one.
#[derive(Clone)]
struct Connector {
    tls: tokio_rustls::TlsConnector,
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        // Called while the request's future is polled, so its timeout is set.
        let timeout = CONNECT_TIMEOUT.try_with(|t| *t).unwrap_or(UNSET_TIMEOUT);
        let tls = self.tls.clone();
        Box::pin(async move {
            tokio::time::timeout(timeout, connect(tls, uri))
                .await
                .map_err(|_| ConnectError::Timeout)?
        })
    }
}

async fn connect(tls: tokio_rustls::TlsConnector, uri: Uri) -> Result<Conn, ConnectError> {
    let use_tls = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    let authority = uri.authority().ok_or(ConnectError::NoAuthority)?;
    let authority = if authority.port().is_some() {
        authority.to_string()
    } else {
        format!("{authority}:{}", if use_tls { 443 } else { 80 })
    };
    let tcp = TcpStream::connect(&authority)
        .await
        .map_err(ConnectError::Tcp)?;
    // Requests are small writes answered by the far end: do not let Nagle's
    // algorithm hold the body back on a reused connection.
    let _ = tcp.set_nodelay(true);
    let stream = if use_tls {
        let name = server_name(&authority).ok_or(ConnectError::InvalidDnsName)?;
        let stream = tls.connect(name, tcp).await.map_err(ConnectError::Tls)?;
        Stream::Tls(Box::new(stream))
    } else {
        Stream::Plain(tcp)
    };
    Ok(Conn(TokioIo::new(stream)))
}

/// The TLS server name for `host:port` (an IP literal, bracketed for IPv6,
/// or a DNS name), as the default sender derives it.
fn server_name(authority: &str) -> Option<rustls::pki_types::ServerName<'static>> {
    use rustls::pki_types::ServerName;
    if let Ok(addr) = authority.parse::<std::net::SocketAddr>() {
        return Some(ServerName::from(addr.ip()));
    }
    let host = authority
        .split_once(':')
        .map_or(authority, |(host, _)| host);
    ServerName::try_from(host).ok().map(|name| name.to_owned())
}

/// A plain or TLS connection.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A connection as the pooled client wants it (hyper's I/O traits).
struct Conn(TokioIo<Stream>);

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_as_the_default_sender_derives_them() {
        use rustls::pki_types::ServerName;
        assert_eq!(
            server_name("api.heygen.com:443"),
            ServerName::try_from("api.heygen.com").ok()
        );
        assert_eq!(
            server_name("[::1]:443"),
            Some(ServerName::from(std::net::Ipv6Addr::LOCALHOST))
        );
        assert_eq!(
            server_name("127.0.0.1:8443"),
            Some(ServerName::from(std::net::Ipv4Addr::LOCALHOST))
        );
        assert_eq!(server_name("bad_name!:443"), None);
    }
}
