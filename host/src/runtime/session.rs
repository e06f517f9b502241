//! The plugin component prepared to run ([`Plugin`]) and one instance of it
//! ([`Session`]), which runs actions from card-named JSON.

use anyhow::{Result, anyhow};
use serde_json::Value;
use wasmtime::Store;
use wasmtime::component::{Component, ComponentExportIndex, Instance, InstancePre, Val};

use super::guards::{deadline_ticks, within_budget};
use super::settings::{Settings, action_budget};
use super::{ACTIONS_INTERFACE, HostFeatures, HostState, PLUGIN_WASM, Runtime, actions};
use crate::wit_values;

/// The plugin component, ready to instantiate.
#[derive(Clone)]
pub struct Plugin {
    runtime: Runtime,
    pre: InstancePre<HostState>,
    functions: Vec<(&'static str, ComponentExportIndex)>,
}

impl Plugin {
    /// Prepares `component` with `features`: the plugin, whose actions are in
    /// its `actions` export, or the tools artifact, which exports them from
    /// its world.
    pub fn new(runtime: &Runtime, component: &Component, features: HostFeatures) -> Result<Plugin> {
        let pre = runtime.linker(features)?.instantiate_pre(component)?;
        let interface = component.get_export_index(None, ACTIONS_INTERFACE);
        let functions = actions()
            .map(|action| {
                component
                    .get_export_index(interface.as_ref(), action.replace('_', "-").as_str())
                    .map(|index| (action, index))
                    .ok_or_else(|| anyhow!("the component does not export `{action}`"))
            })
            .collect::<Result<_>>()?;
        Ok(Plugin {
            runtime: runtime.clone(),
            pre,
            functions,
        })
    }

    /// The embedded plugin, compiled (or loaded from the cache) on `runtime`.
    pub fn embedded(runtime: &Runtime) -> Result<Plugin> {
        Plugin::new(
            runtime,
            &runtime.component(PLUGIN_WASM)?,
            HostFeatures::default(),
        )
    }

    /// A fresh instance with `settings`.
    pub async fn session(&self, settings: &Settings) -> Result<Session> {
        let mut store = self.runtime.store(settings);
        let budget = store.data().budget;
        let instance = within_budget(budget, self.pre.instantiate_async(&mut store)).await?;
        Ok(Session {
            store,
            instance,
            plugin: self.clone(),
        })
    }
}

/// Why a call did not produce an output.
#[derive(Debug)]
pub enum CallError {
    /// The action or its JSON arguments do not fit the WIT signature.
    Usage(String),
    /// The component trapped or the host failed.
    Host(anyhow::Error),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Usage(msg) => f.write_str(msg),
            CallError::Host(e) => write!(f, "{e:#}"),
        }
    }
}

/// One instance of the plugin; it can run any number of actions.
pub struct Session {
    store: Store<HostState>,
    instance: Instance,
    plugin: Plugin,
}

impl Session {
    /// Runs `action` (card name) with card-named JSON `args`, and returns the
    /// output record as the card's JSON.
    /// Its time limit is [`super::call_budget`]'s: a wait gets its `timeout_seconds`.
    pub async fn call(&mut self, action: &str, args: &Value) -> Result<Value, CallError> {
        let params = self.params(action, args)?;
        let state = self.store.data_mut();
        state.budget = action_budget(state.settings_budget, action, args);
        state.memory.limit = super::guards::memory_limit(action);
        self.call_values(action, params)
            .await
            .map(|result| wit_values::to_json(&result))
    }

    /// The component values for card-named JSON `args` of `action`.
    pub fn params(&mut self, action: &str, args: &Value) -> Result<Vec<Val>, CallError> {
        let func = self.func(action)?;
        wit_values::params_from_json(&func.ty(&self.store), args).map_err(CallError::Usage)
    }

    /// Runs `action` with component values as they are (e.g. a NaN `scale`,
    /// which JSON cannot carry), and returns the output record.
    pub async fn call_values(&mut self, action: &str, params: Vec<Val>) -> Result<Val, CallError> {
        let func = self.func(action)?;
        let mut results = vec![Val::Bool(false); func.ty(&self.store).results().len()];
        let budget = self.store.data().budget;
        self.store.set_epoch_deadline(deadline_ticks(budget));
        within_budget(
            budget,
            func.call_async(&mut self.store, &params, &mut results),
        )
        .await
        .map_err(CallError::Host)?;
        match results.pop() {
            Some(result) if results.is_empty() => Ok(result),
            _ => Err(CallError::Host(anyhow!(
                "`{action}` did not return one value"
            ))),
        }
    }

    fn func(&mut self, action: &str) -> Result<wasmtime::component::Func, CallError> {
        let index = self
            .plugin
            .functions
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, index)| *index)
            .ok_or_else(|| {
                CallError::Usage(format!(
                    "unknown action `{action}`; the actions are {}",
                    heygen_plugin::actions::names()
                ))
            })?;
        self.instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| CallError::Host(anyhow!("`{action}` is not a function")))
    }

    /// Everything the instance wrote to stdout and stderr.
    pub fn printed(&self) -> Vec<u8> {
        self.store.data().output.contents().to_vec()
    }

    /// How many `request-options` timeout setters were refused (only on a
    /// plugin prepared without [`HostFeatures::request_timeouts`]).
    pub fn refused_timeout_options(&self) -> usize {
        self.store.data().refused_options
    }

    /// The largest linear memory this instance has grown to, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().memory.peak
    }
}
