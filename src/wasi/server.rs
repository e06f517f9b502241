//! The HTTP face's `wasi:http/incoming-handler`, for `wasmtime serve`, Spin,
//! wasmCloud and other `wasi:http` servers. Routing and answers come from
//! [`crate::http_face`]; this module only moves bytes, and never panics on
//! a client that hangs up.

use crate::prelude::*;
use wasip2::http::types::{IncomingRequest, Method, ResponseOutparam};

use super::exchange::{read_body, send};
use super::port::WasiPort;
use super::with_env;
use crate::http_face::{self as http, Route};

/// Answers one request: what `wasi:http/incoming-handler.handle` does.
pub fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    let method = match request.method() {
        Method::Get => "GET".to_owned(),
        Method::Post => "POST".to_owned(),
        Method::Other(other) => other,
        // Any other method is refused by the router; its name does not matter.
        _ => "OTHER".to_owned(),
    };
    let path = request.path_with_query().unwrap_or_default();
    let reply = match http::route(&method, &path) {
        Route::Mcp => return super::mcp::handle(request, response_out, &method),
        Route::Manifest => {
            let environment = super::Environment::read();
            http::manifest(&|name: &str| environment.var(name))
        }
        Route::Run(action) => {
            let headers = request.headers();
            let header = |name: &str| {
                headers
                    .get(name)
                    .first()
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            };
            let (key, authorization) = (header("x-api-key"), header("authorization"));
            let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
            drop(headers);
            let credentials = http::Credentials {
                api_key: key.as_deref(),
                authorization: authorization.as_deref(),
            };
            let environment = super::Environment::read();
            let lookup = |name: &str| environment.var(name);
            // Refused before the body is read, and nothing is sent.
            match http::authorize(&lookup, credentials) {
                Err(refused) => action.failure(&refused).into(),
                Ok(()) => match read_body(request, declared, http::body_limit(action)) {
                    Some(body) => with_env(&environment, key.as_deref(), |env| {
                        http::run(&mut WasiPort, action, &body, env)
                    }),
                    None => http::too_large(action),
                },
            }
        }
        other => http::refuse(&other),
    };
    send(response_out, reply);
}
