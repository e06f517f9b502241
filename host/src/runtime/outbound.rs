//! The plugin's outgoing requests: the allow-list ([`Hooks`]), sent through
//! the runtime's [`Sender`], and the [`Watch`] that sees GET answers.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use wasmtime_wasi_http::WasiHttpHooks;

use crate::pool::Sender;

/// Sees the body of each answer to a GET the plugin sends (whole bodies of
/// up to [`WATCH_LIMIT`] bytes, once the plugin has read them), e.g. to
/// report a render's status as it changes.
pub type Watch = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The largest answer body a [`Watch`] is shown.
pub const WATCH_LIMIT: usize = 64 << 10;

/// The outbound allow-list: anything but the allowed `host[:port]` is denied
/// with `http-request-denied`; the rest goes out through the runtime's
/// [`Sender`].
pub(super) struct Hooks {
    pub(super) allowed: Option<String>,
    pub(super) sender: Sender,
    pub(super) watch: Option<Watch>,
}

impl WasiHttpHooks for Hooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<
            dyn Future<Output = wasmtime_wasi_http::Result<(), wasmtime_wasi_http::Error>> + Send,
        >,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<wasmtime_wasi_http::WasiBody>,
                    Box<
                        dyn Future<
                                Output = wasmtime_wasi_http::Result<(), wasmtime_wasi_http::Error>,
                            > + Send,
                    >,
                )>,
            > + Send,
    > {
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_ascii_lowercase());
        if authority.is_none() || authority != self.allowed {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        drop(fut);
        let sender = self.sender.clone();
        let watch = self
            .watch
            .clone()
            .filter(|_| request.method() == http::Method::GET);
        Box::new(async move {
            let (response, io) = sender.send(request, options).await?;
            let response = match watch {
                Some(watch) => response.map(|body| Watched::new(body, watch).boxed_unsync()),
                None => response,
            };
            Ok((response, io))
        })
    }
}

/// An answer body passed through as it is, shown to a [`Watch`] once whole.
struct Watched {
    inner: wasmtime_wasi_http::WasiBody,
    seen: Vec<u8>,
    /// Taken when the body has been shown, or is too long or failed.
    watch: Option<Watch>,
}

impl Watched {
    fn new(inner: wasmtime_wasi_http::WasiBody, watch: Watch) -> Watched {
        Watched {
            inner,
            seen: Vec::new(),
            watch: Some(watch),
        }
    }
}

impl Body for Watched {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    if this.seen.len() + data.len() > WATCH_LIMIT {
                        this.watch = None;
                    } else {
                        this.seen.extend_from_slice(data);
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => this.watch = None,
            Poll::Ready(None) | Poll::Pending => {}
        }
        // The plugin may stop reading at the last byte, before `None`.
        let ended = matches!(polled, Poll::Ready(None)) || this.inner.is_end_stream();
        if ended && let Some(watch) = this.watch.take() {
            watch(&this.seen);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
