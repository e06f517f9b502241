//! What a simulator route answers ([`SimAnswer`]) and the body it streams
//! ([`SimBody`]): whole, or cut off by a fault (a stall or a break).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame};
use serde_json::Value;

/// The simulator's response body: some chunks, then an end, a stall or a break.
pub struct SimBody {
    pub(crate) chunks: VecDeque<Bytes>,
    pub(crate) end: End,
}

#[derive(Clone, Copy)]
pub(crate) enum End {
    Finish,
    Stall,
    Break,
}

impl SimBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> SimBody {
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

/// A route's answer: status, headers and body.
pub(crate) struct SimAnswer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: SimBody,
}

impl SimAnswer {
    /// A JSON answer.
    pub(crate) fn json(status: u16, body: &Value) -> SimAnswer {
        SimAnswer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: SimBody::full(body.to_string()),
        }
    }

    /// The HTML 404 page HeyGen serves for unknown routes.
    pub(crate) fn html_404() -> SimAnswer {
        SimAnswer {
            status: 404,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: SimBody::full(
                "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on the server.</p></body></html>",
            ),
        }
    }

    /// Whether it carries the header `name`.
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// This answer with one more header.
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> SimAnswer {
        self.headers.push((name.into(), value.into()));
        self
    }
}
