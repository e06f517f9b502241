//! Generates the tools world from `wit/heygen.wit`, so that no second list of
//! functions is kept by hand:
//!
//! - `OUT_DIR/tools.wit`: a world with the imports of world `plugin` and, for
//!   every function of interface `actions`, the same function exported from
//!   the world itself, with its doc comment (the types stay in `actions`,
//!   through `use`). Tool hosts name a world-level export by its bare name
//!   (`create-video-from-template`), where an interface export gets the whole
//!   path (`modulex_heygen_actions_0_1_0_create-video-from-template`).
//! - `OUT_DIR/wit_convert.rs`: the records' conversions for the glue
//!   (`faces/wit_convert.rs`), as for the plugin.
//! - `OUT_DIR/package-docs.bin`: that world's docs in the encoding of the
//!   `package-docs` custom section (`wit_parser::PackageMetadata`), which
//!   `src/lib.rs` embeds and tool hosts show as each tool's description.
//!
//! The world is spelled `root:component/root`, the name that decoding a
//! component (`wit_parser::decoding::decode`, `wasm-tools component wit`)
//! gives its world, because a component does not record its world's name: so
//! the docs section applies to the decoded world as it is.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use wit_parser::{PackageMetadata, Resolve, Type, TypeDefKind, WorldItem};

#[path = "../wit_convert.rs"]
mod wit_convert;

/// The interface whose functions become world exports.
const INTERFACE: &str = "actions";
/// The world whose imports the tools world keeps.
const IMPORTS_OF: &str = "plugin";

fn main() -> anyhow::Result<()> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let wit = manifest.join("../../wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    println!("cargo:rerun-if-changed=../wit_convert.rs");

    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_dir(&wit)?;
    let text = tools_world(&resolve, package)?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("tools.wit"), &text)?;

    // Parsed back against the same packages: the docs come from the world
    // exactly as the bindings see it.
    let tools = resolve
        .push_str(out.join("tools.wit"), &text)
        .context("the generated tools world does not parse")?;
    let docs = PackageMetadata::extract(&resolve, tools).encode()?;
    std::fs::write(out.join("package-docs.bin"), docs)?;
    std::fs::write(out.join("wit_convert.rs"), wit_convert::generate(&wit)?)?;
    Ok(())
}

/// The WIT text of the tools world.
fn tools_world(resolve: &Resolve, package: wit_parser::PackageId) -> anyhow::Result<String> {
    let pkg = &resolve.packages[package];
    let interface_id = *pkg
        .interfaces
        .get(INTERFACE)
        .with_context(|| format!("no interface `{INTERFACE}` in wit/"))?;
    let world_id = *pkg
        .worlds
        .get(IMPORTS_OF)
        .with_context(|| format!("no world `{IMPORTS_OF}` in wit/"))?;
    let interface = &resolve.interfaces[interface_id];
    let qualified = resolve
        .id_of(interface_id)
        .context("interface `actions` has no package name")?;

    let mut imports = String::new();
    for (key, item) in &resolve.worlds[world_id].imports {
        if let WorldItem::Interface { .. } = item {
            writeln!(imports, "    import {};", resolve.name_world_key(key))?;
        }
    }

    let mut used = Vec::new();
    let mut exports = String::new();
    for function in interface.functions.values() {
        let mut params = Vec::new();
        for param in &function.params {
            params.push(format!(
                "%{}: {}",
                param.name,
                type_name(resolve, &param.ty, &mut used)?
            ));
        }
        let result = match &function.result {
            Some(ty) => format!(" -> {}", type_name(resolve, ty, &mut used)?),
            None => String::new(),
        };
        exports.push('\n');
        doc_comment(&mut exports, function.docs.contents.as_deref())?;
        writeln!(
            exports,
            "    export %{}: func({}){};",
            function.name,
            params.join(", "),
            result
        )?;
    }

    // No comment line at the top: WIT would read it as the package's docs.
    let mut text = String::from("package root:component;\n\n");
    let docs = interface.docs.contents.as_deref();
    let mut world_docs = String::new();
    doc_comment(&mut world_docs, docs)?;
    // At the top level, not indented.
    for line in world_docs.lines() {
        writeln!(text, "{}", line.trim_start())?;
    }
    writeln!(text, "world root {{")?;
    text.push_str(&imports);
    let used: Vec<String> = used.iter().map(|name| format!("%{name}")).collect();
    writeln!(text, "    use {qualified}.{{{}}};", used.join(", "))?;
    text.push_str(&exports);
    text.push_str("}\n");
    Ok(text)
}

/// `docs` as `///` lines, indented for a world item.
fn doc_comment(out: &mut String, docs: Option<&str>) -> std::fmt::Result {
    for line in docs.unwrap_or_default().lines() {
        if line.is_empty() {
            writeln!(out, "    ///")?;
        } else {
            writeln!(out, "    /// {line}")?;
        }
    }
    Ok(())
}

/// The WIT spelling of an action's parameter or result type, recording the
/// named types that the world must `use`.
fn type_name(resolve: &Resolve, ty: &Type, used: &mut Vec<String>) -> anyhow::Result<String> {
    Ok(match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => bail!("an action cannot take or return an error-context"),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            match (&def.name, &def.kind) {
                (Some(name), _) => {
                    if !used.contains(name) {
                        used.push(name.clone());
                    }
                    format!("%{name}")
                }
                (None, TypeDefKind::Option(inner)) => {
                    format!("option<{}>", type_name(resolve, inner, used)?)
                }
                (None, TypeDefKind::List(inner)) => {
                    format!("list<{}>", type_name(resolve, inner, used)?)
                }
                (None, _) => {
                    bail!("an action's parameters and result must be named types, options or lists")
                }
            }
        }
    })
}
