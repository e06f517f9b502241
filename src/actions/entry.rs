//! The registry's entries with their types erased ([`Entry`]), so that faces
//! can list and run actions by name, and the runner every face shares:
//! settings, one call on the configured generation, the failure flattened
//! with the key redacted.

use crate::prelude::*;
use serde_json::Value;

use super::card::{Card, Reply};
use super::{Action, Kind, Toolset};
use crate::args::read_args;
use crate::call::Call;
use crate::config::{Config, Generation};
use crate::error::{Error, Failure};
use crate::key::ApiKey;
use crate::port::Port;

/// Where a call's settings come from: the environment, and optionally a key
/// given with the request (the HTTP face's `X-Api-Key` header), which wins.
pub struct Env<'a> {
    /// Reads an environment variable.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// A key that overrides `HEYGEN_API_KEY`.
    pub key: Option<&'a str>,
}

/// How an action maps to HeyGen's API, in Markdown: the README's mapping
/// table, which `heygen-host docs` writes from the registry.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug)]
pub struct Wire {
    /// On HeyGen v3 (see [`Action::ON_V3`]).
    pub v3: &'static str,
    /// On the legacy API (see [`Action::ON_LEGACY`]).
    pub legacy: &'static str,
}

/// One registry entry: an action with its types erased, so faces can list and
/// run actions by name.
pub struct Entry {
    /// The snake_case name.
    pub name: &'static str,
    /// What it does to the account.
    pub kind: Kind,
    /// Its toolset.
    pub toolset: Toolset,
    /// Whether it takes a file as base64 (see [`Action::TAKES_FILES`]).
    pub takes_files: bool,
    /// Example arguments (JSON text) the simulator accepts.
    pub example: &'static str,
    /// Whether only HeyGen v3 has it (on legacy it answers `unsupported:`).
    pub v3_only: bool,
    /// Whether a call spends HeyGen credits.
    pub spends_credits: bool,
    /// Whether it sends nothing to HeyGen (and so needs no API key).
    pub pure: bool,
    /// Whether it waits for a job: its time budget is its `timeout_seconds`
    /// argument, not `HEYGEN_TIMEOUT_MS` (see [`Action::WAITS`]).
    pub waits: bool,
    /// How it maps to HeyGen's API on each generation, for the docs (native
    /// builds only: the component has no use for it).
    #[cfg(not(target_arch = "wasm32"))]
    pub wire: Wire,
    run: fn(&mut dyn Port, &Env<'_>, &Value) -> Reply,
    check: fn(&Value) -> Result<(), Error>,
    fail: fn(&Failure) -> Reply,
}

impl Entry {
    /// The entry of `A`.
    pub const fn of<A: Action>() -> Entry {
        Entry {
            name: A::NAME,
            kind: A::KIND,
            toolset: A::TOOLSET,
            takes_files: A::TAKES_FILES,
            example: A::EXAMPLE,
            v3_only: A::V3_ONLY,
            spends_credits: A::SPENDS_CREDITS,
            pure: A::PURE,
            waits: A::WAITS,
            #[cfg(not(target_arch = "wasm32"))]
            wire: Wire {
                v3: A::ON_V3,
                legacy: A::ON_LEGACY,
            },
            run: run::<A>,
            check: check::<A>,
            fail: fail::<A>,
        }
    }

    /// [`Entry::example`] as a JSON value.
    pub fn example_args(&self) -> Value {
        serde_json::from_str(self.example).unwrap_or(Value::Null)
    }

    /// Runs the action with card-named JSON `args` (`null` counts as `{}`).
    /// Never fails: every failure is a card-shaped reply.
    pub fn run(&self, port: &mut dyn Port, env: &Env<'_>, args: &Value) -> Reply {
        (self.run)(port, env, args)
    }

    /// Reads `args` as this action's arguments without running it, so a host
    /// can refuse what no face would accept before calling the component.
    pub fn check(&self, args: &Value) -> Result<(), Error> {
        (self.check)(args)
    }

    /// The card-shaped reply for a call that failed before it ran.
    pub fn failure(&self, failure: &Failure) -> Reply {
        (self.fail)(failure)
    }
}

fn run<A: Action>(port: &mut dyn Port, env: &Env<'_>, args: &Value) -> Reply {
    match read_args::<A::Args>(args) {
        Ok(args) => run_card::<A>(port, env, &args).reply(),
        Err(e) => fail::<A>(&Failure::from(e)),
    }
}

/// Runs `A` with arguments already read: the runner behind [`Entry::run`],
/// for a face whose arguments come typed and which wants the card typed (the
/// WIT faces, which convert their records in code generated from the WIT).
/// Never fails: every failure is a card with `success: false`.
pub fn run_card<A: Action>(port: &mut dyn Port, env: &Env<'_>, args: &A::Args) -> Card<A::Output> {
    match execute::<A>(port, env, args) {
        Ok(output) => Card {
            status: 200,
            retry_after: None,
            success: true,
            error: A::note(&output),
            output,
        },
        Err(failure) => Card::failed(&failure),
    }
}

fn check<A: Action>(args: &Value) -> Result<(), Error> {
    read_args::<A::Args>(args).map(drop)
}

fn fail<A: Action>(failure: &Failure) -> Reply {
    Card::<A::Output>::failed(failure).reply()
}

/// Settings → one call on the configured generation → the failure flattened
/// with the key scrubbed: the same for every action.
fn execute<A: Action>(
    port: &mut dyn Port,
    env: &Env<'_>,
    args: &A::Args,
) -> Result<A::Output, Failure> {
    let mut output = None;
    with_call(port, env, !A::PURE, &mut |call, generation| {
        output = Some(match generation {
            Generation::V3 => A::v3(call, args)?,
            Generation::Legacy => A::legacy(call, args)?,
        });
        Ok(())
    })?;
    // `with_call` answers Ok only after `body` did, which set the output.
    output.ok_or_else(no_output)
}

/// Runs `body` with a [`Call`] made from `env`'s settings on the configured
/// generation, and flattens its error: the part of the runner that does not
/// depend on the action, in one function rather than inlined into each
/// action's export (that cost the plugin about 400 bytes per action).
#[inline(never)]
fn with_call(
    port: &mut dyn Port,
    env: &Env<'_>,
    needs_key: bool,
    body: &mut dyn FnMut(&mut Call<'_>, Generation) -> Result<(), Error>,
) -> Result<(), Failure> {
    let (config, key) = settings(env, needs_key)?;
    let mut call = Call::new(port, &config, key.as_ref());
    body(&mut call, config.generation).map_err(|e| failure(e, key.as_ref()))
}

/// The failure for a run that ended without an output, which `execute`
/// cannot reach: a card rather than a trap, since the guest must never trap.
/// One function, so that no action's export carries it.
#[inline(never)]
fn no_output() -> Failure {
    Failure::from(Error::InvalidConfig(
        "internal: the action ended without an output; please report it".into(),
    ))
}

/// `error` flattened for the boundary, with `key` redacted from its text:
/// one function for every action (inlined into each of the generic runners
/// it cost the plugin 2.7 KB).
#[inline(never)]
fn failure(error: Error, key: Option<&ApiKey>) -> Failure {
    let failure = Failure::from(error);
    match key {
        Some(key) => key.redact(failure),
        None => failure,
    }
}

/// The configuration and, when `needs_key`, the key from `env`: nothing is
/// sent when either is wrong.
fn settings(env: &Env<'_>, needs_key: bool) -> Result<(Config, Option<ApiKey>), Failure> {
    let config = Config::from_env(env.lookup)?;
    if !needs_key {
        return Ok((config, None));
    }
    let key = match env.key.filter(|k| !k.is_empty()) {
        Some(key) => ApiKey::parse(key, "the X-Api-Key header")?,
        None => ApiKey::from_env(env.lookup)?,
    };
    Ok((config, Some(key)))
}
