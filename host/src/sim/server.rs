//! The simulator's HTTP server: hyper on loopback, one task per connection;
//! each request is logged, meets its fault if one is queued, and is routed to
//! its generation's table.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response};

use super::answer::{End, SimAnswer, SimBody};
use super::faults::{FaultKind, faulty};
use super::request::Recorded;
use super::state::State;
use super::{legacy, v3};

/// Largest request body the simulator reads.
const MAX_REQUEST_BODY: usize = 8 << 20;

pub(crate) async fn serve(
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
                SimAnswer::json(
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
            SimAnswer {
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

fn finish(answer: SimAnswer, request_number: u64) -> Response<SimBody> {
    let mut response = Response::builder().status(answer.status);
    response = response.header("x-request-id", format!("sim-req-{request_number:06}"));
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response
        .body(answer.body)
        .unwrap_or_else(|_| Response::new(SimBody::full("simulator: bad header")))
}

/// Routes a request to its generation's table.
fn route(state: &Arc<Mutex<State>>, req: &Recorded) -> SimAnswer {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    if req.path.starts_with("/v3/") {
        v3::handle(&mut state, req)
    } else if req.path.starts_with("/v1/") || req.path.starts_with("/v2/") {
        legacy::handle(&mut state, req)
    } else {
        SimAnswer::html_404()
    }
}
