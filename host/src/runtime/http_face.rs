//! The HTTP-face component served in-process ([`HttpFace`]): one fresh
//! instance per request, as `wasmtime serve` does.

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

use super::guards::{deadline_ticks, within_budget};
use super::settings::{Settings, action_budget};
use super::{HTTP_FACE_WASM, HostFeatures, HostState, Runtime};

/// The HTTP-face component, ready to serve requests in-process.
#[derive(Clone)]
pub struct HttpFace {
    runtime: Runtime,
    pre: ProxyPre<HostState>,
}

/// An answer from the HTTP face.
#[derive(Debug)]
pub struct HttpAnswer {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// Body.
    pub body: Bytes,
    /// The instance's peak linear memory, in bytes.
    pub peak_memory: usize,
}

impl HttpFace {
    /// Prepares the embedded HTTP-face component on `runtime`.
    pub fn embedded(runtime: &Runtime) -> Result<HttpFace> {
        let component = runtime.component(HTTP_FACE_WASM)?;
        let pre = ProxyPre::new(
            runtime
                .linker(HostFeatures::default())?
                .instantiate_pre(&component)?,
        )?;
        Ok(HttpFace {
            runtime: runtime.clone(),
            pre,
        })
    }

    /// Serves one request on a fresh instance.
    pub async fn request(
        &self,
        settings: &Settings,
        request: http::Request<Bytes>,
    ) -> Result<HttpAnswer> {
        let mut store = self.runtime.store(settings);
        // A wait (`POST /actions/wait_for_…`) gets its own `timeout_seconds`,
        // as `Session::call` gives it.
        let budget = match request.uri().path().strip_prefix("/actions/") {
            Some(action) => {
                let args = serde_json::from_slice(request.body()).unwrap_or_default();
                store.data_mut().memory.limit = super::guards::memory_limit(action);
                action_budget(settings.budget(), action, &args)
            }
            None => settings.budget(),
        };
        store.data_mut().budget = budget;
        store.set_epoch_deadline(deadline_ticks(budget));
        let (parts, body) = request.into_parts();
        let request = hyper::Request::from_parts(
            parts,
            Full::new(body).map_err(
                |never: std::convert::Infallible| -> wasmtime_wasi_http::Error { match never {} },
            ),
        );
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let req = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)?;
        let out = store.data_mut().http().new_response_outparam(sender)?;
        let pre = self.pre.clone();
        // The guest streams its answer while `handle` runs: read it concurrently.
        let task = tokio::spawn(within_budget(budget, async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await?;
            Ok::<_, wasmtime::Error>(store.data().memory.peak)
        }));
        let response = match receiver.await {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => bail!("the HTTP face answered with an error: {code:?}"),
            Err(_) => {
                let outcome = task.await?;
                bail!("the HTTP face never answered: {:?}", outcome.err());
            }
        };
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| anyhow!("reading the answer: {e:?}"))?
            .to_bytes();
        let peak_memory = task.await?.context("the HTTP face trapped")?;
        Ok(HttpAnswer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
            peak_memory,
        })
    }
}
