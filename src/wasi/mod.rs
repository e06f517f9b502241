//! The component's edge over WASI 0.2, shared by every component artifact
//! (`faces/*`): the [`Port`](crate::port::Port) over `wasi:http`, the incoming
//! handler's byte moving, and the deadline-bounded wait both use. Built only
//! for `wasm32`; it holds no logic of its own.

mod exchange;
mod mcp;
pub mod port;
mod runtime;
pub mod server;

use crate::prelude::*;

use wasip2::clocks::monotonic_clock;
use wasip2::io::poll::{Pollable, poll};

use crate::actions::{Action, Card, Env};

/// Waits until `pollable` is ready or the monotonic clock passes
/// `deadline_ns`; true when ready.
fn wait(pollable: &Pollable, deadline_ns: u64) -> bool {
    let timer = monotonic_clock::subscribe_instant(deadline_ns);
    poll(&[pollable, &timer]).contains(&0)
}

/// Runs `f` with `environment` as the settings source and `key` (from a
/// request header) overriding `HEYGEN_API_KEY`.
fn with_env<R>(environment: &Environment, key: Option<&str>, f: impl FnOnce(&Env<'_>) -> R) -> R {
    let lookup = |name: &str| environment.var(name);
    f(&Env {
        lookup: &lookup,
        key,
    })
}

/// Runs `A` with arguments a WIT face converted from its input record, over
/// `wasi:http`, configured from the component's environment: what an export
/// of the plugin does.
pub fn run_card<A: Action>(args: &A::Args) -> Card<A::Output> {
    with_env(&Environment::read(), None, |env| {
        crate::actions::run_card::<A>(&mut port::WasiPort, env, args)
    })
}

/// The component's environment variables (`wasi:cli/environment`), read
/// once per request.
struct Environment(Vec<(String, String)>);

impl Environment {
    /// Reads them from the host.
    fn read() -> Environment {
        Environment(wasip2::cli::environment::get_environment())
    }

    /// The value of `name`, if set (the first, if set twice).
    fn var(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}
