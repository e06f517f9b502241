//! Generates `OUT_DIR/wit_convert.rs`, the conversions between the WIT records
//! and the core's types that the export glue uses (`faces/wit_convert.rs`),
//! from `wit/heygen.wit`.

#[path = "../wit_convert.rs"]
mod wit_convert;

fn main() -> anyhow::Result<()> {
    let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let wit = manifest.join("../../wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    println!("cargo:rerun-if-changed=../wit_convert.rs");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("wit_convert.rs"), wit_convert::generate(&wit)?)?;
    Ok(())
}
