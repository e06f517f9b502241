//! The HTTP face artifact (`heygen_plugin_http.wasm`): exports
//! `wasi:http/incoming-handler` for `wasmtime serve`, Spin, wasmCloud and any
//! other `wasi:http` server. `GET /actions` is the manifest, `POST
//! /actions/{action}` runs an action; routing and answers are the core's.

// No standard library in the component (the core's `wasi::runtime`).
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod glue {
    use wasip2::http::types::{IncomingRequest, ResponseOutparam};

    struct Server;

    impl wasip2::exports::http::incoming_handler::Guest for Server {
        fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
            heygen_plugin::wasi::server::handle(request, response_out);
        }
    }

    wasip2::http::proxy::export!(Server);
}
