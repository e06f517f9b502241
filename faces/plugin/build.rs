//! Generates `OUT_DIR/wit_json.rs`, the JSON conversions of the WIT records
//! that the export glue uses (`faces/wit_json.rs`), from `wit/heygen.wit`.

#[path = "../wit_json.rs"]
mod wit_json;

fn main() -> anyhow::Result<()> {
    let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let wit = manifest.join("../../wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    println!("cargo:rerun-if-changed=../wit_json.rs");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("wit_json.rs"), wit_json::generate(&wit)?)?;
    Ok(())
}
