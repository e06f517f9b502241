//! The export glue the two WIT faces share (`faces/plugin`, which exports the
//! `actions` interface, and `faces/tools`, which exports the same functions
//! directly from its world). Each declares this file as its `glue` module
//! (`#[macro_use]`), then in a module of its own calls `bindings!` with its
//! world, names the trait of its exports `Guest` and the module of the WIT
//! records `wit`, includes the conversions its `build.rs` generated
//! (`faces/wit_convert.rs`), and calls `exports!` through `for_each_action!`.
//!
//! Every export is generated from the registry: its WIT input record becomes
//! the action's arguments, the same runner as every other face runs it, and
//! its card (`actions::Card`) becomes the WIT output record. Both conversions
//! are `From`s generated from the WIT, field by field by name, so a record
//! and the core type it stands for that disagree do not compile; the glue
//! copies no field by hand, and no JSON is written or read on the way.

use alloc::string::String;
use alloc::vec::Vec;
use heygen_plugin::actions;
use heygen_plugin::args::OneOf;

/// The WIT bindings of world `$world` found under `$path`, with the WASI
/// types of the `wasip2` crate, and any further options.
macro_rules! bindings {
    ($path:tt, $world:literal $(, $option:tt)*) => {
        wit_bindgen::generate!({
            path: $path,
            world: $world,
            $($option,)*
            with: {
                "wasi:http/outgoing-handler@0.2.4": wasip2::http::outgoing_handler,
                "wasi:http/types@0.2.4": wasip2::http::types,
                "wasi:io/error@0.2.4": wasip2::io::error,
                "wasi:io/poll@0.2.4": wasip2::io::poll,
                "wasi:io/streams@0.2.4": wasip2::io::streams,
                "wasi:clocks/monotonic-clock@0.2.4": wasip2::clocks::monotonic_clock,
                "wasi:clocks/wall-clock@0.2.4": wasip2::clocks::wall_clock,
                "wasi:random/random@0.2.4": wasip2::random::random,
                "wasi:cli/environment@0.2.4": wasip2::cli::environment,
            },
        });
    };
}

/// `impl Guest for Exports`: one export per registry line, where the calling
/// module names the trait of its exports `Guest` and the module of the WIT
/// records `wit`, and brings `Exports` and `call` into scope.
macro_rules! exports {
    ($($module:ident: $ty:ident($($input:ident)?) -> $output:ident;)*) => {
        impl Guest for Exports {
            $(
                fn $module($(input: wit::$input)?) -> wit::$output {
                    call::<heygen_plugin::actions::$module::$ty, _>(
                        arguments_of!($(input: $input)?),
                    )
                }
            )*
        }
    };
}

/// An export's arguments: its input record `$value` (of WIT type `$input`)
/// converted by the generated `From`, or none.
macro_rules! arguments_of {
    () => {
        heygen_plugin::args::NoArgs {}
    };
    ($value:ident: $input:ident) => {
        <wit::$input>::into($value)
    };
}

/// The type every export is implemented on.
pub(crate) struct Exports;

/// A WIT value as the argument the core reads it as: the conversions the
/// generated `From` of each input record uses, field by field.
pub(crate) trait IntoArg<T> {
    /// This value as a `T`.
    fn into_arg(self) -> T;
}

/// A WIT enum (generated from the WIT): its JSON name.
pub(crate) trait WitEnum {
    /// The case's name, as the card spells it.
    fn name(&self) -> &'static str;
}

/// A WIT string, number, flag or list of strings as any type made from it:
/// itself, a JSON value the action reads itself (template variables,
/// `limit`, a timestamp as text), or a type of the action's own (a webhook
/// `Secret`). A float is passed on as it is, NaN and infinities included:
/// the action's range check refuses them by name.
macro_rules! into_arg_by_from {
    ($($wit:ty),*) => {
        $(
            impl<T: From<$wit>> IntoArg<T> for $wit {
                fn into_arg(self) -> T {
                    T::from(self)
                }
            }
        )*
    };
}

into_arg_by_from!(String, bool, u32, f64, Vec<String>);

impl<W: IntoArg<T>, T> IntoArg<Option<T>> for Option<W> {
    fn into_arg(self) -> Option<T> {
        self.map(W::into_arg)
    }
}

/// A WIT enum as the core's enum of the same cases, by name. The two are
/// declared apart (`wit/heygen.wit`, `one_of!`); a unit test reads every WIT
/// case through the core's reader (`manifest`), so a name the core
/// lacks is a build bug that the tests catch, and a trap the honest answer to
/// it.
impl<W: WitEnum, T: OneOf> IntoArg<T> for W {
    fn into_arg(self) -> T {
        T::from_name(self.name()).unwrap_or_else(|| core::arch::wasm32::unreachable())
    }
}

/// Runs the action `A` with `args` (converted from its WIT input record) and
/// converts its card to the WIT output record `O`.
pub(crate) fn call<A: actions::Action, O: From<actions::Card<A::Output>>>(args: A::Args) -> O {
    heygen_plugin::wasi::run_card::<A>(&args).into()
}
